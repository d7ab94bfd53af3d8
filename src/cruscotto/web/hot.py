"""The session and the user (with the user's roles) that every page reads first, with SQL
written once per process.

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


# The user's roles, read with the user's row: ente, role type, structure (the columns of
# performance.permissions._roles). Every page asks them next; in the same query they cost no
# round trip and no query of their own in PostgreSQL (docs/benchmarks-web.md).
ROLE_COLUMNS = ("ruoli__ente_id", "ruoli__tipo", "ruoli__strutture__codice")


@lru_cache(maxsize=4)
def _user_sql(vendor: str) -> tuple[str, tuple[str, ...]]:
    """The user's row by primary key with its roles (one row per role and structure, or one row
    with no role), and the attribute names of the user's columns (every concrete field, in the
    model's order: the ORM's default select)."""
    model = get_user_model()
    names = tuple(f.attname for f in model._meta.concrete_fields)
    qs = model._default_manager.filter(pk=-424242).values_list(*names, *ROLE_COLUMNS)
    sql, params = qs.query.sql_with_params()
    assert params == (-424242,), params
    return sql, names


def _converters(conn) -> list[tuple[int, list, object]]:
    """The ORM's converters of the user's columns for this connection (none on PostgreSQL; dates
    on SQLite), found as RawQuerySet finds them, once per connection."""
    found = getattr(conn, "_cruscotto_user_converters", None)
    if found is None:
        model = get_user_model()
        found = []
        for i, f in enumerate(model._meta.concrete_fields):
            col = f.get_col(model._meta.db_table)
            convs = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
            if convs:
                found.append((i, convs, col))
        conn._cruscotto_user_converters = found
    return found


class Backend(ModelBackend):
    """Django's ModelBackend; the user of a session is read with SQL written once, its row made
    into a user as the ORM makes it (``from_db``, the fields' converters), without building a
    RawQuerySet at every request."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except Exception:  # a session with a malformed id: nobody, as Django does
            return None
        from cruscotto.performance.permissions import grants_table

        sql, names = _user_sql(connection.vendor)
        with connection.cursor() as cur:
            cur.execute(sql, [pk])
            rows = cur.fetchall()
        if not rows:
            return None
        n = len(names)
        assert len(rows[0]) == n + len(ROLE_COLUMNS), (len(rows[0]), names)
        values = list(rows[0][:n])
        for i, convs, col in _converters(connection):
            for convert in convs:
                values[i] = convert(values[i], col, connection)
        user = model.from_db(connection.alias, names, values)
        if not self.user_can_authenticate(user):
            return None
        # Read in this request, with the user: what permissions.grants would ask next.
        user._cruscotto_grants = grants_table(r[n:] for r in rows)
        return user
