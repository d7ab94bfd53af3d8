"""Error pages (issue 13, item 11): a debug page of `make run` showed the database password
(``DATABASE_URL`` in the environment); the 500 page never shows settings or credentials, in any
mode, and debug pages need CRUSCOTTO_DEBUG (CRUSCOTTO_DEMO alone never turns them on)."""

from __future__ import annotations

import sys

import pytest
from django.test import RequestFactory
from django.views.debug import technical_500_response

SECRET = "Segreto-Del-Db-2026"


@pytest.mark.sqlite_only  # settings only
def test_the_debug_page_shows_no_credential(settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"postgres://cruscotto:{SECRET}@db.example.org:5432/cruscotto")
    settings.CACHE_URL = f"redis://:{SECRET}@cache.example.org:6379/0"
    settings.CRUSCOTTO_EMAIL_HOST_PASSWORD = SECRET
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.0.0.1")
    import os

    request.META.update({k: v for k, v in os.environ.items() if k == "DATABASE_URL"})
    try:
        raise RuntimeError("prova")
    except RuntimeError:
        page = technical_500_response(request, *sys.exc_info()).content.decode()
    assert "RuntimeError" in page  # it is the debug page
    assert SECRET not in page
    assert "db.example.org" not in page or "********" in page


@pytest.mark.sqlite_only  # a subprocess reads the settings of its environment
def test_demo_alone_does_not_turn_debug_on(tmp_path):
    import subprocess

    env = {"CRUSCOTTO_DEMO": "1", "CRUSCOTTO_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "cruscotto.web.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
