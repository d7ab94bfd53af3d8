"""The areas: each structure's share of the plan and its figure, with the plan's weights."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from cruscotto.engine.rollup import Copertura, area_figure

from .. import selectors
from .base import _page, with_plan


@with_plan
def aree(request, ente, anno, piano):
    return _page(request, "aree", lambda: _aree_context(ente, piano, anno))


def _aree_context(ente, piano, anno):
    strutture = list(ente.strutture.select_related("padre").order_by("pk"))
    result = selectors.score(piano, anno)
    plan = selectors.plan_for(piano)
    assigned = plan.responsabili()
    cards = []
    for s in strutture:
        if s.tipo == "trasversale":
            continue
        shares = selectors.area_shares(plan, strutture, s.codice, assigned)
        mean, with_data = area_figure(plan, result, shares)
        cards.append({"s": s, "n": len(shares), "mean": mean, "with_data": with_data})
    return {"cards": cards}


@with_plan
def area(request, ente, anno, piano, struttura: str):
    strutture = list(ente.strutture.select_related("padre").order_by("pk"))
    s = next((x for x in strutture if x.codice == struttura), None)
    if s is None:
        raise Http404(_("Struttura non trovata."))
    codes = selectors.area_codes(strutture, s.codice)
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
                (i, by_code[i.codice], selectors.area_share(assigned[i.codice][1], codes))
                for i in inds
                if set(assigned[i.codice][0]) & codes
            ]
            if mine:
                groups.append({"os": os_, "oo": oo, "rows": mine})
                rows += mine
    mean, count = area_figure(plan, result, {i.codice: share for i, _r, share in rows})
    coverage = sum((Copertura.of(r.stato, r.achievement) for _i, r, _q in rows), Copertura())
    # structures by name, never by code (PROMOZIONE, TRASVERSALE): issue 14
    nomi = selectors.structure_names(strutture)
    return render(
        request,
        "performance/area.html",
        {"s": s, "groups": groups, "mean": mean, "count": count, "coverage": coverage, "nomi": nomi},
    )
