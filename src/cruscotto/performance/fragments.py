"""Page bodies rendered once and reused until what they show changes.

A page of the cruscotto is the same for every reader with the same roles: the
plan (``revisione``), its stored values (``valori_revisione``), the year, the
language and the reader's roles and structures fix it. The body of the page
(everything but the header, which carries the user's name and CSRF token) is
rendered once for that key and kept in the ``pagine`` cache; a request that
finds it does no scoring and no template work beyond the header. Nothing in a
body may depend on anything else: no CSRF token (htmx sends the header's one),
no user name, no query string but what is passed in ``vary``.

With a shared cache (``CRUSCOTTO_CACHE_URL``) every body is also kept there,
compressed: a web process that has just started, or runs on another machine,
reads it instead of rendering it again. What a body cost to render in a warm
process says nothing of what it costs in a cold one: on a plan of 5,000
indicators the indicator page renders in milliseconds once the process holds the
engine plan and its scores, and in about half a second in a new process, which
must first read them (measured, issue 16). The shared copy is written once per
body and read once per process, never on every request.
"""

from __future__ import annotations

import hashlib
import secrets
import zlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import permissions


def key(request, template: str, vary: tuple = ()) -> str:
    nav = request.cruscotto_nav
    piano = nav["piano"]
    g = permissions.grants(request.user, nav["ente"].pk)
    parts = (
        template,
        piano.pk,
        piano.revisione,
        piano.valori_revisione,
        nav["anno"],
        get_language(),
        sorted(g.ruoli),
        sorted(g.strutture),
        vary,
    )
    return "corpo:" + hashlib.sha256(repr(parts).encode()).hexdigest()


# A key holds the data's revisions, so a body is never stale, only unused once the data move on.
SHARED_KEEP = 7 * 24 * 3600


def body(request, template: str, context: Callable[[], dict], *, vary: tuple = ()) -> SafeString:
    """The rendered ``template``, from the cache or made now with ``context()``."""
    cache = caches["pagine"]
    k = key(request, template, vary)
    html = cache.get(k)
    if html is None:
        shared = caches["default"] if settings.CRUSCOTTO_CACHE_URL else None
        packed = shared.get(k) if shared is not None else None
        if packed is not None:
            html = zlib.decompress(packed).decode()
        else:
            html = render_to_string(template, context(), request)
            if shared is not None:
                shared.set(k, zlib.compress(html.encode(), 1), timeout=SHARED_KEEP)
        cache.set(k, html)
    return mark_safe(html)


# Where a frame holds the CSRF token and the body: strings no page contains (random per process).
_CSRF_MARK = "cr-csrf-" + secrets.token_hex(16)
_BODY_MARK = "cr-corpo-" + secrets.token_hex(16)


def _frame_key(request, template: str, extra: dict) -> str:
    """Everything the page around a body shows (base.html and the page's own template): the
    page and its query string, the language, the reader (name) and roles, the ente, the plan
    and its revision, what the menu and footer test, the page's own values. Not the CSRF token
    nor the body, which are put in at each request."""
    nav = request.cruscotto_nav
    piano, ente, user = nav["piano"], nav["ente"], request.user
    parts = (
        template,
        request.get_full_path(),
        get_language(),
        user.pk,
        user.get_username(),
        user.get_full_name(),
        ente.pk,
        ente.codice,
        ente.nome,
        nav["anno"],
        piano.pk,
        piano.revisione,
        nav["ruoli"],
        nav["can_enter"],
        nav["can_edit_plan"],
        nav["api"],
        nav["url_name"],
        sorted(extra.items()),
    )
    return "cornice:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def page(request, template: str, corpo: SafeString, extra: dict) -> HttpResponse:
    """The page ``template`` around its body ``corpo``: what the template draws around the body
    (header, menu, title, footer: a third of a cached page's time in the web process, measured
    in docs/benchmarks-web.md) is rendered once per reader, page and plan revision, kept
    in-process (``cornici``), and the request's CSRF token and the body are put in its place.
    A request with messages to show, or not a GET (a page that answered a form), is rendered
    whole, as before. tests/web/test_page_cache.py compares both ways on every page."""
    if request.method != "GET" or len(get_messages(request)):
        return render(request, template, {"corpo": corpo, **extra})
    cache = caches["cornici"]
    k = _frame_key(request, template, extra)
    frame = cache.get(k)
    if frame is None:
        # csrf_token in the context wins over the context processor's: the frame holds the mark.
        html = render_to_string(template, {"corpo": _BODY_MARK, "csrf_token": _CSRF_MARK, **extra}, request)
        before, mark, after = html.partition(_BODY_MARK)
        if not mark or _BODY_MARK in after:  # the body not once in the frame: render whole
            return render(request, template, {"corpo": corpo, **extra})
        frame = (before, after)
        cache.set(k, frame)
    token = get_token(request)  # as the template's {% csrf_token %} does: the cookie set if new
    before, after = frame
    return HttpResponse(before.replace(_CSRF_MARK, token) + corpo + after.replace(_CSRF_MARK, token))


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    """The base template's in-process fragments (``frammenti``) hold the static files' URLs and
    the menu: a test that changes how they are made starts from an empty cache."""
    if setting in ("STORAGES", "STATIC_URL", "STATIC_ROOT", "ROOT_URLCONF", "CACHES", "LANGUAGES"):
        caches["frammenti"].clear()
        caches["cornici"].clear()
