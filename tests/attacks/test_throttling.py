"""Password spraying and API floods (issue 13, item 13): django-axes locked a username and
address pair only, so many usernames could be tried from one address; API tokens had no limit."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client


def test_many_usernames_from_one_address_are_stopped(db, settings, django_user_model):
    cache.clear()
    settings.CRUSCOTTO_LOGIN_FAILURES_PER_ADDRESS = 6
    django_user_model.objects.create_user("bersaglio", password="una-password-lunga-7")
    c = Client(REMOTE_ADDR="203.0.113.9")
    for k in range(6):  # one try per username: axes' per-pair lock never triggers
        r = c.post("/accounts/login/", {"username": f"utente{k}", "password": "Password1!"})
        assert r.status_code == 200
    r = c.post("/accounts/login/", {"username": "bersaglio", "password": "una-password-lunga-7"})
    assert r.status_code == 429 and "da questo indirizzo" in r.content.decode()
    # another address is not affected
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert (
        other.post("/accounts/login/", {"username": "bersaglio", "password": "una-password-lunga-7"}).status_code == 302
    )
    cache.clear()


def test_an_api_token_is_throttled(piano, settings):
    from web.test_api import token_for

    cache.clear()
    settings.CRUSCOTTO_API_RATE = "5/m"
    first, second = token_for("controllo"), token_for("oiv")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {first}")
    codes = [c.get("/api/v1/enti").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    r = c.get("/api/v1/enti")
    assert r["Content-Type"] == "application/problem+json" and int(r["Retry-After"]) >= 1
    # another token has its own count
    assert Client(HTTP_AUTHORIZATION=f"Bearer {second}").get("/api/v1/enti").status_code == 200
    cache.clear()
