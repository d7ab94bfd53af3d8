"""Indicators with their results, and the scores with their traces."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from cruscotto.engine.export import result_to_dict
from cruscotto.performance import selectors

from ..base import ERRORS, Pagination, _indicator, _plan
from ..schemas import IndicatoreDettaglio, IndicatoreOut, IndicatoriFiltri

router = Router()


@router.get("/enti/{ente}/{anno}/indicatori", response={200: list[IndicatoreOut], **ERRORS}, tags=["indicatori"])
@paginate(Pagination)
def indicatori(request, ente: str, anno: int, filtri: Query[IndicatoriFiltri]):
    """Indicators with targets, the year's actual value, achievement and status; filter by structure, scope, status."""
    _e, piano = _plan(request, ente, anno)
    plan = selectors.plan_for(piano)
    results = {r.codice: r for r in selectors.score(piano, anno).indicatori}
    out = []
    for i in plan.indicatori():
        r = results.get(i.codice)
        row = _indicator(i, r)
        if filtri.struttura and filtri.struttura not in row["strutture"]:
            continue
        if filtri.cruscotto and row["cruscotto"] != filtri.cruscotto:
            continue
        if filtri.stato and row["stato"] != filtri.stato:
            continue
        out.append(row)
    return out


@router.get(
    "/enti/{ente}/{anno}/indicatori/{codice}", response={200: IndicatoreDettaglio, **ERRORS}, tags=["indicatori"]
)
def indicatore(request, ente: str, anno: int, codice: str):
    """One indicator with the trace of its computation."""
    _e, piano = _plan(request, ente, anno)
    i = selectors.plan_for(piano).indicatore(codice)
    if i is None:
        raise Http404(f"Indicatore {codice} non trovato.")
    r = selectors.score(piano, anno).indicatore(codice)
    return {**_indicator(i, r), "trace": r.trace if r else {}}


@router.get("/enti/{ente}/{anno}/punteggi", response={200: dict, **ERRORS}, tags=["punteggi"])
def punteggi(request, ente: str, anno: int):
    """The scores with their traces: the same JSON as ``cruscotto score --json`` (docs/cli.md)."""
    _e, piano = _plan(request, ente, anno)
    return result_to_dict(selectors.score(piano, anno))
