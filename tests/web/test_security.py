"""Security settings and login throttling (issue 5, item 5)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client


def _login(ip: str, password: str, username: str = "responsabile"):
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_that_username_from_that_address(db, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(4):
        r = _login("10.0.0.1", "sbagliata")
        assert r.status_code == 200 and "non corretti" in r.content.decode()
    assert _login("10.0.0.1", "sbagliata").status_code == 429  # the fifth failure locks
    locked = _login("10.0.0.1", "demo")  # even the right password, now
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Accesso bloccato" in page and "non riusciti (5)" in page and "15 minuti" in page
    # Another address, or another username from the same address, is not locked out.
    assert _login("10.0.0.2", "demo").status_code == 302
    assert _login("10.0.0.1", "demo", username="oiv").status_code == 302


def test_a_successful_login_forgets_earlier_failures(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        _login("10.0.0.3", "sbagliata")
    assert _login("10.0.0.3", "demo").status_code == 302
    for _ in range(2):
        _login("10.0.0.3", "sbagliata")
    assert _login("10.0.0.3", "demo").status_code == 302


def test_the_lockout_page_speaks_english_too(db, settings):
    settings.AXES_FAILURE_LIMIT = 1
    _login("10.0.0.4", "sbagliata")
    c = Client(REMOTE_ADDR="10.0.0.4", HTTP_ACCEPT_LANGUAGE="en")
    c.cookies["django_language"] = "en"
    page = c.post("/accounts/login/", {"username": "responsabile", "password": "demo"}).content.decode()
    assert "Login blocked" in page


def _production(tmp_path, **extra):
    env = {
        "PATH": "/usr/bin:/bin",
        "CRUSCOTTO_VAR_DIR": str(tmp_path),
        "CRUSCOTTO_SECRET_KEY": secrets.token_urlsafe(50),
        "CRUSCOTTO_ALLOWED_HOSTS": "performance.example.it",
        "DJANGO_SETTINGS_MODULE": "cruscotto.web.settings",
        **extra,
    }
    manage = os.path.join(os.path.dirname(__file__), "..", "..", "manage.py")
    return subprocess.run(
        [sys.executable, manage, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.sqlite_only
def test_check_deploy_is_clean_under_the_production_settings(tmp_path):
    r = _production(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues (0 silenced)" in r.stdout


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "extra, warning", [({"CRUSCOTTO_DEBUG": "1"}, "security.W018"), ({"CRUSCOTTO_HTTPS": "0"}, "security.W008")]
)
def test_check_deploy_does_see_an_unsafe_setting(tmp_path, extra, warning):
    r = _production(tmp_path, **extra)
    assert r.returncode != 0 and warning in r.stdout + r.stderr


@pytest.mark.sqlite_only
def test_production_redirects_to_https_but_not_the_health_check(tmp_path):
    code = (
        "import django; django.setup(); from django.test import Client; from django.conf import settings;"
        "c = Client(SERVER_NAME='performance.example.it');"
        "print(c.get('/accounts/login/', HTTP_HOST='performance.example.it').status_code, settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "CRUSCOTTO_VAR_DIR": str(tmp_path),
        "CRUSCOTTO_SECRET_KEY": "k" * 50,
        "CRUSCOTTO_ALLOWED_HOSTS": "performance.example.it",
        "DJANGO_SETTINGS_MODULE": "cruscotto.web.settings",
    }
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.stdout.split() == ["301", "True", "31536000"], r.stderr
