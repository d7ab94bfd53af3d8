"""The session and the user that every page reads first, with SQL written once per process.

Django builds each ORM query anew at every request; for these two small
lookups building costs about as much as running them (docs/benchmarks-web.md).
Here the ORM writes the SQL once (so it stays the ORM's, for SQLite and
PostgreSQL alike) and each request only runs it. Behaviour is Django's own:
an expired or unknown session is empty, an inactive user is nobody.
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

_KEY = "\x00chiave"


@lru_cache(maxsize=4)
def _session_sql(vendor: str) -> tuple[str, int]:
    from django.contrib.sessions.models import Session

    when = timezone.now()
    qs = Session.objects.filter(session_key=_KEY).filter(expire_date__gt=when).values_list("session_data")
    sql, params = qs.query.sql_with_params()
    assert len(params) == 2 and _KEY in params, params
    # Where the key goes: found by the value itself, not by trusting an order.
    return sql, params.index(_KEY)


class SessionStore(db.SessionStore):
    """Django's database sessions; only the read is faster."""

    def _get_session_from_db(self):
        key = self.session_key  # None if malformed (Django's own validation)
        if key is None:
            self._session_key = None
            return None
        sql, key_at = _session_sql(connection.vendor)
        params = [None, None]
        params[key_at] = key
        params[1 - key_at] = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0])


@lru_cache(maxsize=4)
def _user_sql(vendor: str) -> str:
    model = get_user_model()
    sql, params = model._default_manager.filter(pk=-424242).query.sql_with_params()
    assert params == (-424242,), params
    return sql


class Backend(ModelBackend):
    """Django's ModelBackend; the user of a session is read with SQL written once."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except Exception:  # a session with a malformed id: nobody, as Django does
            return None
        found = list(model._default_manager.raw(_user_sql(connection.vendor), [pk]))
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None
