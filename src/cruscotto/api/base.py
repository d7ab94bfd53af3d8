"""The API object: authentication, problem details for every error, pagination, and the helpers the routers share."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer, django_auth

from cruscotto.engine.export import json_value
from cruscotto.performance import ciclo as lifecycle
from cruscotto.performance import models as m
from cruscotto.performance import permissions, selectors, services

from .limiti import TokenRateThrottle
from .schemas import (
    Problem,
)


class Token(HttpBearer):
    def authenticate(self, request, token: str):
        digest = hashlib.sha256(token.encode()).hexdigest()
        found = (
            m.TokenAPI.objects.select_related("utente")
            .filter(digest=digest, attivo=True, utente__is_active=True)
            .first()
        )
        if found is None:
            return None
        m.TokenAPI.objects.filter(pk=found.pk).update(usato_il=timezone.now())
        request.user = found.utente
        return found.utente


class API(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The ids clients generate code from stay what they were when the routes were one module.
        return f"cruscotto_api_v1_{operation.view_func.__name__}"

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Errors are problem details: say so in the document, so that clients (and the
        # schemathesis check in tests/web/test_api_fuzz.py) expect that media type.
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {"application/problem+json": content["application/json"]}
        return schema


api = API(
    title="cruscotto API",
    version="1",
    description=(
        "Il ciclo della performance (d.lgs. 150/2009): piani, indicatori, valori, misure, punteggi, ciclo. "
        "Stesse regole delle pagine web."
    ),
    auth=[Token(), django_auth],
    urls_namespace="api-v1",
    throttle=[TokenRateThrottle()],  # per token: api/limiti.py
)


class Pagination(LimitOffsetPagination):
    """limit 1..500 (default 100), offset 0..2^31-1: bounded, so a database never sees an
    integer it cannot hold (schemathesis sent 10^28 and SQLite refused it)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=2**31 - 1)

    def __init__(self, **kwargs):
        super().__init__(max_limit=500, **kwargs)


def problem(request, status: int, title: str, detail: str = "", errors: list | None = None):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    resp = api.create_response(request, body, status=status)
    resp["Content-Type"] = "application/problem+json"
    return resp


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return problem(
        request,
        422,
        "Richiesta non valida",
        "Alcuni campi non sono validi.",
        [{"where": ".".join(str(x) for x in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors],
    )


@api.exception_handler(services.Conflitto)
def _conflict(request, exc):
    # The value changed since the caller read it (optimistic locking): the current one is in the body.
    now = exc.attuale
    current = {"valore": now.valore, "nota": now.nota, "revisione": now.revisione} if now is not None else None
    return problem(
        request,
        409,
        "Valore cambiato",
        " ".join(exc.messages),
        [{"message": m, "attuale": current} for m in exc.messages],
    )


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    return problem(request, 422, "Dati rifiutati", " ".join(exc.messages), [{"message": msg} for msg in exc.messages])


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem(request, 403, "Non consentito", str(exc))


@api.exception_handler(Http404)
def _missing(request, exc):
    return problem(request, 404, "Non trovato", str(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    resp = problem(request, 401, "Autenticazione richiesta", "Un token (Authorization: Bearer) o una sessione.")
    resp["WWW-Authenticate"] = "Bearer"
    return resp


@api.exception_handler(HttpError)
def _http(request, exc):
    if exc.status_code == 400:
        # django-ninja's only 400: a body that is not JSON (or not UTF-8).
        return problem(request, 400, "Richiesta illeggibile", f"Il corpo della richiesta non è JSON valido ({exc}).")
    resp = problem(request, exc.status_code, str(exc))
    if isinstance(exc, Throttled) and exc.wait:
        resp["Retry-After"] = str(max(1, int(exc.wait)))
    return resp


def _single_query_values(view):
    """No query parameter of this API is a list: a repeated one (?utente=a&utente=b) is refused,
    not silently read as its last value; nor is a filter given empty (?stato=), which would
    otherwise filter by the empty text (schemathesis found both)."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        repeated = sorted(k for k, values in request.GET.lists() if len(values) > 1)
        if repeated:
            return problem(
                request,
                422,
                "Richiesta non valida",
                "Parametri ripetuti: " + ", ".join(repeated),
                [{"where": f"query.{k}", "message": "un solo valore"} for k in repeated],
            )
        empty = sorted(k for k, values in request.GET.lists() if values == [""])
        if empty:
            return problem(
                request,
                422,
                "Richiesta non valida",
                "Parametri vuoti: " + ", ".join(empty),
                [{"where": f"query.{k}", "message": "valore vuoto"} for k in empty],
            )
        return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(_single_query_values, mode="view")


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


def _ente(request, codice: str) -> m.Ente:
    ente = m.Ente.objects.filter(codice=codice).first()
    if ente is None or not permissions.can_read(request.user, ente):
        raise Http404("Ente non trovato.")  # not 403: whether an ente exists is not everyone's business
    return ente


def _plan(request, codice: str, anno: int) -> tuple[m.Ente, m.Piano]:
    ente = _ente(request, codice)
    piano = selectors.current_plan(ente, anno)
    if piano is None:
        raise Http404(f"Nessun piano per l'anno {anno}.")
    return ente, piano


def _indicator(i, r) -> dict:
    return {
        "codice": i.codice,
        "nome": i.nome,
        "algoritmo": i.algoritmo,
        "formula": i.formula,
        "polarita": i.polarita.value,
        "peso": i.peso_testo,
        "unita": i.unita,
        "strutture": list(i.strutture),
        "cruscotto": i.cruscotto.value,
        "target": {str(y): t.testo for y, t in i.target.items()},
        "consuntivo": json_value(r.actual) if r else None,
        "achievement": r.achievement if r else None,
        "stato": r.stato.value if r else "senza_dati",
    }


def _cycle(request, ente: str, anno: int) -> tuple[m.Ente, m.Ciclo]:
    e = _ente(request, ente)
    c = m.Ciclo.objects.filter(ente=e, anno=anno).first()
    if c is None:
        raise Http404(f"Nessun ciclo {anno}.")
    return e, c


def _cycle_out(request, c: m.Ciclo) -> dict:
    vf, d = lifecycle.version_in_force(c), lifecycle.draft(c)
    return {
        "anno": c.anno,
        "stato": c.stato,
        "versione_in_vigore": vf.versione if vf else None,
        "bozza": d.versione if d else None,
        "passaggi_possibili": lifecycle.moves_for(request.user, c),
    }


def _comment_out(c: m.Commento) -> dict:
    return {
        "oggetto": c.oggetto,
        "testo": c.testo,
        "autore": c.autore.get_username() if c.autore else "",
        "quando": c.creato_il.isoformat(),
    }


def _import(request, e: m.Ente, anno: int | None, kind: str):
    from cruscotto.performance.uploads import import_tables

    errors = import_tables(request, e, anno, kind)
    if errors:
        return problem(request, 422, "Tabelle non valide", f"{len(errors)} errori: nulla è stato scritto.", errors)
    return None
