"""Pages render with the production static storage (manifest, DEBUG off), not only in tests' plain storage."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client


@pytest.mark.sqlite_only
def test_pages_render_with_the_manifest_storage(as_user, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = False
    call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    anonymous = Client().get("/accounts/login/")
    assert anonymous.status_code == 200
    c = as_user("controllo")
    for url in (
        "/CCIAA-PT/2020/",
        "/CCIAA-PT/2020/mappa/",
        "/CCIAA-PT/2020/monitoraggio/",
        "/CCIAA-PT/2020/documenti/",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert 'window.__PUBLIC_PATH__ = "/static/fonts/"' in html
        assert "bootstrap-italia.min." in html  # a hashed name from the manifest
