"""Issue 13, item 9: a Content-Security-Policy without inline scripts or styles, on every page.

An injected ``<script>`` or ``onerror=`` that got past escaping would not run: the policy
allows scripts from this site's files only. These tests check the header on every page of
every role and that no page relies on what the policy refuses (the browser test,
tests/browser/test_csp.py, loads them all and sees no violation).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings

from web.test_permissions import ROLES

PAGES = [
    "/CCIAA-PT/2020/",
    "/CCIAA-PT/2020/albero/",
    "/CCIAA-PT/2020/indicatori/A.3.4-1/",
    "/CCIAA-PT/2020/mappa/",
    "/CCIAA-PT/2020/aree/PROMOZIONE/",
    "/CCIAA-PT/2020/individuale/",
    "/CCIAA-PT/2020/fondo/",
    "/CCIAA-PT/2020/eventi/",
    "/CCIAA-PT/2020/monitoraggio/",
    "/CCIAA-PT/2020/piano/",
    "/CCIAA-PT/2020/piano/indicatori/B.2.1-1/",
    "/CCIAA-PT/2020/documenti/",
    "/CCIAA-PT/2020/ciclo/",
    "/CCIAA-PT/2020/calendario/",
    "/CCIAA-PT/2020/registro/",
    "/CCIAA-PT/2020/registro/verifica/",
    "/CCIAA-PT/2020/bilancio/",
    "/CCIAA-PT/2020/personale/",
    "/CCIAA-PT/2020/contesto/",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_the_policy_allows_nothing_inline(client, db):
    p = policy(client.get("/accounts/login/"))
    assert p["script-src"] == ["'self'"] and p["style-src"] == ["'self'", settings.BOOTSTRAP_ITALIA_STYLE_HASH]
    assert p["default-src"] == ["'self'"] and p["object-src"] == ["'none'"] and p["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in v for values in p.values() for v in values)


def test_the_one_hashed_style_is_bootstrap_italias():
    """The hash names the exact text the bundle writes; recomputed here from the installed file."""
    import bootstrap_italia_template

    bundle = Path(bootstrap_italia_template.__file__).parent / "static/js/bootstrap-italia.bundle.min.js"
    found = re.findall(r'var e="(\.vjs-youtube [^"]*)",t=document\.head', bundle.read_text())
    assert len(found) == 1
    digest = base64.b64encode(hashlib.sha256(found[0].encode()).digest()).decode()
    assert settings.BOOTSTRAP_ITALIA_STYLE_HASH == f"'sha256-{digest}'"


@pytest.mark.parametrize("username", ROLES)
def test_every_page_has_the_policy_and_nothing_it_refuses(as_user, username):
    c = as_user(username)
    for url in PAGES:
        r = c.get(url)
        if r.status_code == 403:  # a page of another role: refused, with the policy too
            assert policy(r)["script-src"] == ["'self'"], url
            continue
        assert r.status_code == 200, (username, url, r.status_code)
        assert policy(r)["script-src"] == ["'self'"], url
        html = r.content.decode()
        assert not INLINE_SCRIPT.search(html), (username, url, INLINE_SCRIPT.search(html))
        assert not HANDLER.search(html), (username, url, HANDLER.search(html))
        assert not STYLE.search(html), (username, url, STYLE.search(html))


def test_errors_and_the_api_docs_have_it_too(client, db):
    assert policy(client.get("/nessuna-pagina/"))["script-src"] == ["'self'"]
    docs = client.get("/api/v1/docs")
    assert policy(docs)["script-src"] == ["'self'"] and not INLINE_SCRIPT.search(docs.content.decode())
