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
    # Not compressed here: gzip and brotli of every file took most of this test's 45 s of CI, and
    # compression changes no name; the names, the manifest and the pages are what is checked.
    settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
        *("css", "js", "mjs", "map", "svg", "woff", "woff2", "ttf", "eot", "otf"),
        *("png", "jpg", "jpeg", "gif", "ico", "webp", "json", "txt", "html", "xml", "md", "scss"),
    ]
    call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    # the typefaces' stylesheet names the fonts by their hashed names too (the manifest rewrites url())
    (css,) = (settings.STATIC_ROOT / "cruscotto").glob("fonts.*.css")
    assert "titillium-web-v10-latin-ext_latin-regular." in css.read_text() and ".woff2" in css.read_text()
    assert "../fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2" not in css.read_text()
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
        assert "/static/cruscotto/fonts." in html and "/static/cruscotto/fonts.css" not in html  # hashed
        assert "bootstrap-italia.min." in html  # a hashed name from the manifest
