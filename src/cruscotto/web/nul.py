"""NUL characters are refused at the door, with the place they were found.

A NUL (``\\0``) is never part of an honest text in this application, and PostgreSQL cannot
store it in a text column: a NUL in a path, a query, a form field or a JSON body used to reach
the database and answer 500 there (a DataError), while SQLite stored it. Refusing it before any
view runs gives one answer on both databases: 400, naming the field, in the user's language
(problem+json under /api/). Uploaded files are not looked at: binary formats (XLSX) hold NUL
bytes, and their readers check what they read.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def _in_json(value: Any, where: str = "") -> str | None:
    """The path of the first string (or key) holding a NUL, if any."""
    if isinstance(value, str):
        return where or "corpo" if NUL in value else None
    if isinstance(value, dict):
        for k, v in value.items():
            here = f"{where}.{k}" if where else str(k)
            if NUL in str(k):
                return here
            found = _in_json(v, here)
            if found:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _in_json(v, f"{where}[{i}]")
            if found:
                return found
    return None


def find_nul(request) -> str | None:
    """Where the request carries a NUL: "percorso", a query or form field's name, a JSON path."""
    if NUL in request.path:
        return _("percorso")
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or NUL in query:
        for k, v in parse_qsl(query, keep_blank_values=True):
            if NUL in k or NUL in v:
                return k.replace(NUL, "") or "query"
        return "query"
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    ctype = request.content_type or ""
    if ctype == "application/json":
        body = request.body
        if b"\\u0000" not in body.lower() and b"\x00" not in body:
            return None
        try:
            return _in_json(json.loads(body)) or "corpo"
        except ValueError:
            return "corpo"
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for k, values in request.POST.lists():
            if NUL in k or any(NUL in v for v in values):
                return k.replace(NUL, "")
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request) -> HttpResponse:
        where = find_nul(request)
        if where is None:
            return self.get_response(request)
        detail = _("Il campo «%(f)s» contiene il carattere NUL (\\0), che non è ammesso.") % {"f": where}
        if request.path.startswith("/api/"):
            body = {"type": "about:blank", "title": _("Richiesta non valida"), "status": 400, "detail": detail}
            return HttpResponse(json.dumps(body), status=400, content_type="application/problem+json")
        return render(request, "400.html", {"detail": detail}, status=400)
