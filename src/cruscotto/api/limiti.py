"""API calls per token (issue 13): a token that leaks, or a client in a loop, is slowed down
(429, problem+json, ``Retry-After``) instead of taking the service with it.

The key is the token itself (its SHA-256, never the token), so that two tokens of one person
are counted apart, and a session on the API counts per user. The counters live in Django's
default cache: per process with the local-memory cache of the default settings (with N web
workers the effective rate is N times the setting), shared with a shared cache
(docs/security.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from ninja.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str | None:
        return getattr(settings, "CRUSCOTTO_API_RATE", "600/m") or None

    def allow_request(self, request) -> bool:
        # Read the rate at every call: the setting may change without a new API object (tests).
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request) -> str | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.lower().startswith("bearer "):
            ident = hashlib.sha256(header[7:].strip().encode()).hexdigest()
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            ident = f"utente-{request.user.pk}"
        else:
            ident = self.get_ident(request) or "anonimo"
        return self.cache_format % {"scope": self.scope, "ident": ident}
