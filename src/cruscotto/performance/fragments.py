"""Page bodies rendered once and reused until what they show changes.

A page of the cruscotto is the same for every reader with the same roles: the
plan (``revisione``), its stored values (``valori_revisione``), the year, the
language and the reader's roles and structures fix it. The body of the page
(everything but the header, which carries the user's name and CSRF token) is
rendered once for that key and kept in the ``pagine`` cache; a request that
finds it does no scoring and no template work beyond the header. Nothing in a
body may depend on anything else: no CSRF token (htmx sends the header's one),
no user name, no query string but what is passed in ``vary``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import caches
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


def body(request, template: str, context: Callable[[], dict], *, vary: tuple = ()) -> SafeString:
    """The rendered ``template``, from the cache or made now with ``context()``."""
    cache = caches["pagine"]
    k = key(request, template, vary)
    html = cache.get(k)
    if html is None:
        html = render_to_string(template, context(), request)
        cache.set(k, html)
    return mark_safe(html)
