"""Italian first: the language is the one the user chose (cookie), else Italian.

Django's LocaleMiddleware would follow the browser's Accept-Language; an
Italian public office's tool speaks Italian unless the user switches. The engine
writes its traces, warnings and validation messages in the same language for the
request (engine/lingua.py: a context variable, reset when the request ends).

Also django-csp's middleware with its header written once per process (PolicyOnceCSPMiddleware).
"""

from __future__ import annotations

import http.client as http_client
from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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


class PolicyOnceCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy written once per process instead of on every
    response (issue 16: django-csp copies its settings into dataclasses and builds both header
    strings anew for each response).

    Only for the plain case, where django-csp's result depends on the settings alone: no per-view
    change (``@csp``, ``@csp_update``, ``@csp_replace``, ``@csp_exempt`` and their report-only
    twins), no nonce asked for, no header already set, no ``EXCLUDE_URL_PREFIXES``, and not a
    debug error page. The text is django-csp's own ``build_policy``; everything else goes to
    django-csp unchanged. Forgotten when the settings change (tests).
    """

    _PER_RESPONSE = (
        "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
        "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
    )  # fmt: skip
    _headers: tuple[str, str] | None = None  # (policy, report-only policy), "" for none

    def _plain(self, request, response) -> bool:
        if getattr(request, "_csp_nonce", None) is not None:
            return False
        if any(getattr(response, a, None) is not None for a in self._PER_RESPONSE):
            return False
        if HEADER in response or HEADER_REPORT_ONLY in response:
            return False
        if settings.DEBUG and response.status_code in (http_client.INTERNAL_SERVER_ERROR, http_client.NOT_FOUND):
            return False
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
            if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
                return False
        return True

    def process_response(self, request, response):
        if not self._plain(request, response):
            return super().process_response(request, response)
        headers = PolicyOnceCSPMiddleware._headers
        if headers is None:
            plain = PolicyParts(None, None, None, None)
            headers = (build_policy(**asdict(plain)), build_policy(**asdict(plain), report_only=True))
            PolicyOnceCSPMiddleware._headers = headers
        if headers[0]:
            response[HEADER] = headers[0]
        if headers[1]:
            response[HEADER_REPORT_ONLY] = headers[1]
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@receiver(setting_changed)
def _forget_policy(setting, **kwargs):
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY", "DEBUG"):
        PolicyOnceCSPMiddleware._headers = None
