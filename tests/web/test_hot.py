"""web/hot.py: Django's sessions and user lookup, read with SQL written once; behaviour unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from cruscotto.web.hot import Backend


def logged_in(username="consultazione"):
    c = Client()
    r = c.post("/accounts/login/", {"username": username, "password": "demo"})
    assert r.status_code == 302, r.content[:300]
    return c


def test_login_page_logout(db):
    c = logged_in()
    assert c.get("/CCIAA-PT/2020/").status_code == 200
    c.post("/accounts/logout/")
    assert c.get("/CCIAA-PT/2020/").status_code == 302  # to the login page


def test_an_expired_session_is_nobody(db):
    c = logged_in()
    Session.objects.all().update(expire_date=timezone.now() - timedelta(seconds=1))
    r = c.get("/CCIAA-PT/2020/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_an_inactive_user_is_nobody(db, django_user_model):
    c = logged_in()
    django_user_model.objects.filter(username="consultazione").update(is_active=False)
    assert c.get("/CCIAA-PT/2020/").status_code == 302


def test_a_deleted_user_is_nobody(db, django_user_model):
    c = logged_in("oiv")
    django_user_model.objects.filter(username="oiv").delete()
    assert c.get("/CCIAA-PT/2020/").status_code == 302


def test_a_forged_or_malformed_session_cookie_is_nobody(db):
    from django.conf import settings

    for value in ("nonesiste00000000000000000000000", "x", "' OR 1=1 --", "a" * 300):
        c = Client()
        c.cookies[settings.SESSION_COOKIE_NAME] = value
        assert c.get("/CCIAA-PT/2020/").status_code == 302


def test_a_changed_password_ends_the_other_sessions(db, django_user_model):
    c = logged_in("controllo")
    u = django_user_model.objects.get(username="controllo")
    u.set_password("un'altra-password-lunga")
    u.save()
    assert c.get("/CCIAA-PT/2020/").status_code == 302  # the session's hash no longer matches


def test_the_session_s_user_is_the_orm_s_field_by_field(db, django_user_model):
    from django.contrib.auth.models import Group

    from cruscotto.web.hot import Backend

    c = logged_in("controllo")  # sets last_login: a date, converted on SQLite
    u = django_user_model.objects.get(username="controllo")
    u.groups.add(Group.objects.create(name="prova"))
    got = Backend().get_user(str(u.pk))
    fields = [f.attname for f in django_user_model._meta.concrete_fields]
    assert {f: getattr(got, f) for f in fields} == {f: getattr(u, f) for f in fields}
    assert got.last_login is not None and got.last_login.tzinfo is not None
    assert not got._state.adding and got._state.db == "default"
    assert list(got.groups.values_list("name", flat=True)) == ["prova"]
    assert c.get("/CCIAA-PT/2020/").status_code == 200
    assert Backend().get_user("424242") is None and Backend().get_user("x") is None


@pytest.mark.parametrize("username", ["controllo", "responsabile", "oiv", "admin", "consultazione", "rpct"])
def test_the_roles_read_with_the_user_are_the_roles_of_their_own_query(db, django_user_model, username):
    from cruscotto.performance import permissions

    u = django_user_model.objects.get(username=username)
    got = Backend().get_user(str(u.pk))
    own = permissions.grants_table(permissions._roles(u.pk))
    assert got._cruscotto_grants == own
    assert own  # every demo user has a role somewhere
    ente = next(iter(own))
    assert permissions.grants(got, ente) == permissions.grants(django_user_model.objects.get(pk=u.pk), ente)


def test_a_responsabile_s_structures_come_with_the_user(db, django_user_model):
    from cruscotto.performance import models as m

    u = django_user_model.objects.get(username="responsabile")
    role = m.Ruolo.objects.filter(utente=u, tipo=m.Ruolo.Tipo.RESPONSABILE).first()
    codes = set(role.strutture.values_list("codice", flat=True))
    assert len(codes) >= 1
    tipos, got = Backend().get_user(str(u.pk))._cruscotto_grants[role.ente_id]
    assert got == codes and m.Ruolo.Tipo.RESPONSABILE in tipos


def test_a_user_without_roles_is_a_user_with_no_grants(db, django_user_model):
    from cruscotto.performance import permissions

    u = django_user_model.objects.create_user("senza_ruoli", password="x-Prova-12345")
    got = Backend().get_user(str(u.pk))
    assert got is not None and got.username == "senza_ruoli"
    assert got._cruscotto_grants == {}
    assert not permissions.grants(got, None).any


def test_a_page_asks_no_query_for_the_roles(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = logged_in("controllo")
    c.get("/CCIAA-PT/2020/")
    with CaptureQueriesContext(connection) as q:
        assert c.get("/CCIAA-PT/2020/").status_code == 200
    assert not [x for x in q.captured_queries if x["sql"].lstrip().startswith('SELECT "performance_ruolo"')]
    assert len(q.captured_queries) == 3  # the session, the user with its roles, the ente with its plans
