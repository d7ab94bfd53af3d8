"""Italian first: the language is the one the user chose (cookie), else Italian.

Django's LocaleMiddleware would follow the browser's Accept-Language; an
Italian public office's tool speaks Italian unless the user switches. The engine
writes its traces, warnings and validation messages in the same language for the
request (engine/lingua.py: a context variable, reset when the request ends).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class ItalianFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in self.known:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response
