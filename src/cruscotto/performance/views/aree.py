"""The areas: each structure's share of the plan and its mean."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from cruscotto.engine.rollup import Copertura

from .. import permissions, selectors
from .base import _page, with_plan


def _descendants(strutture, code: str) -> set[str]:
    out = {code}
    changed = True
    while changed:
        changed = False
        for s in strutture:
            if s.padre_id and s.padre.codice in out and s.codice not in out:
                out.add(s.codice)
                changed = True
    return out


@with_plan
def aree(request, ente, anno, piano):
    return _page(request, "aree", lambda: _aree_context(ente, piano, anno))


def _aree_context(ente, piano, anno):
    strutture = list(ente.strutture.select_related("padre").order_by("pk"))
    result = selectors.score(piano, anno)
    plan = selectors.plan_for(piano)
    by_code = {r.codice: r for r in result.indicatori}
    assigned = plan.responsabili()
    cards = []
    for s in strutture:
        if s.tipo == "trasversale":
            continue
        codes = _descendants(strutture, s.codice) | {permissions.TRASVERSALE}
        inds = [
            (i, by_code[i.codice], area_share(assigned[i.codice][1], codes))
            for i in plan.indicatori()
            if set(assigned[i.codice][0]) & codes
        ]
        mean, with_data = area_mean(inds)
        cards.append({"s": s, "n": len(inds), "mean": mean, "with_data": with_data})
    return {"cards": cards}


@with_plan
def area(request, ente, anno, piano, struttura: str):
    strutture = list(ente.strutture.select_related("padre").order_by("pk"))
    s = next((x for x in strutture if x.codice == struttura), None)
    if s is None:
        raise Http404(_("Struttura non trovata."))
    codes = _descendants(strutture, s.codice) | {permissions.TRASVERSALE}
    result = selectors.score(piano, anno)
    plan = selectors.plan_for(piano)
    by_code = {r.codice: r for r in result.indicatori}
    # An indicator belongs to the area through its own structures, else its objective's.
    assigned = plan.responsabili()
    groups: list[dict[str, Any]] = []
    rows: list[tuple[Any, Any, float | None]] = []
    for os_ in plan.obiettivi_strategici():
        holders = [(None, os_.indicatori)] + [(oo, oo.indicatori) for oo in os_.obiettivi_operativi]
        for oo, inds in holders:
            mine = [
                (i, by_code[i.codice], area_share(assigned[i.codice][1], codes))
                for i in inds
                if set(assigned[i.codice][0]) & codes
            ]
            if mine:
                groups.append({"os": os_, "oo": oo, "rows": mine})
                rows += mine
    mean, count = area_mean(rows)
    coverage = sum((Copertura.of(r.stato, r.achievement) for _i, r, _q in rows), Copertura())
    return render(
        request, "performance/area.html", {"s": s, "groups": groups, "mean": mean, "count": count, "coverage": coverage}
    )


def area_share(quote: dict[str, float], codes: set[str]) -> float | None:
    """The area's share of an indicator shared among structures ("PROMOZIONE (60%)"), given on
    the indicator or on its objective (Piano.responsabili); None when not given."""
    if not quote:
        return None
    return sum(q for code, q in quote.items() if code in codes)


def area_mean(rows) -> tuple[float | None, int]:
    """An area's mean over its indicators with an achievement, each counting with the area's
    share of it (100% when the plan gives no shares): 60% of a shared indicator counts 0,6.
    ``rows``: (indicator, result, the area's share or None)."""
    num = den = 0.0
    count = 0
    for _ind, res, share in rows:
        if res.achievement is None:
            continue
        weight = 1.0 if share is None else share / 100.0
        num += weight * res.achievement
        den += weight
        count += 1
    return (num / den if den else None), count
