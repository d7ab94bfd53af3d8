"""A request larger than any upload may be is refused before its body is read.

An upload's size used to be checked once the file had arrived: 10 MB and more were received
whole first, and a client could keep a worker busy that long for nothing. The declared length
(``Content-Length``) is enough to refuse it at once, with 413: the largest honest request is one
plan file (``uploads.UPLOAD_LIMIT``, 10 MB) with its form fields.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def limit() -> int:
    return int(getattr(settings, "CRUSCOTTO_MAX_REQUEST_BYTES", 11 * 1024 * 1024))


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared <= limit():
            return self.get_response(request)
        detail = _("Richiesta troppo grande: %(n)s MB (massimo %(m)s MB; un file al più 10 MB).") % {
            "n": declared // (1024 * 1024),
            "m": limit() // (1024 * 1024),
        }
        if request.path.startswith("/api/"):
            body = {"type": "about:blank", "title": _("Richiesta troppo grande"), "status": 413, "detail": detail}
            response = HttpResponse(json.dumps(body), status=413, content_type="application/problem+json")
        else:
            response = render(request, "400.html", {"detail": detail}, status=413)
        response["Connection"] = "close"  # the body is not read: the connection cannot be reused
        return response
