"""The engine's messages in the page's language.

The engine writes its traces, warnings and validation messages through stdlib gettext in the
language of a context variable (engine/lingua.py); this sets it, for each request, to the
language the locale middleware activated (web/middleware.py), and resets it when the request
ends. The cached scores are kept per language (selectors._score_cached).
"""

from __future__ import annotations

from django.utils import translation

from cruscotto.engine.lingua import in_lingua


class EngineLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with in_lingua(translation.get_language() or "it"):
            return self.get_response(request)
