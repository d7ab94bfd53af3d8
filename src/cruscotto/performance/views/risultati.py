"""The results: the cruscotto, the tree, one indicator, the strategy map, individual scorecards, the fund with its what-if."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cruscotto.charts import achievement_bars, entity_gauge, indicator_chart, map_status, strategy_map
from cruscotto.engine.numbers import format_value
from cruscotto.engine.scoring import RULES_TEXT
from cruscotto.engine.scoring import Consuntivo as EC

from .. import models as m
from .. import permissions, selectors
from ..forms import WhatIfForm
from ..templatetags.cruscotto_tags import STATUS, pct
from .base import _page, _tree, with_plan


@with_plan
def cruscotto(request, ente, anno, piano):
    return _page(request, "cruscotto", lambda: _cruscotto_context(piano, anno))


def _cruscotto_context(piano, anno):
    result = selectors.score(piano, anno)
    previous = selectors.score(piano, anno - 1) if anno - 1 in piano.anni else None
    prev = {(n.livello, n.codice): n.achievement for n in previous.nodi} if previous else {}
    roots, _by = _tree(result)
    strategic = []
    # With a fifth level the roots are ambiti, and the perspectives are their children.
    for p in (c for r in roots for c in (r["children"] if r["node"].livello == "ambito" else [r])):
        for ln in p["children"]:
            for os_ in ln["children"]:
                n = os_["node"]
                before = prev.get((n.livello, n.codice))
                trend = None
                if before is not None and n.achievement is not None:
                    trend = (
                        "su" if n.achievement > before + 1e-9 else "giu" if n.achievement < before - 1e-9 else "stabile"
                    )
                strategic.append(
                    {"node": n, "prospettiva": p["node"], "linea": ln["node"], "trend": trend, "before": before}
                )
    soglia = selectors.plan_for(piano).regole.soglia_raggiunto
    label = str(STATUS.get(result.stato.value, ("", ""))[1])
    gauge = entity_gauge(
        result.achievement, result.stato.value, threshold=soglia, title=_("Performance di ente"), label=label, pct=pct
    )
    bars = achievement_bars(
        [
            (s["node"].codice, s["node"].nome, s["node"].achievement, s["node"].stato.value)
            for s in strategic
            if s["node"].cruscotto == "ente"
        ],
        threshold=soglia,
        title=_("Grado di raggiungimento degli obiettivi strategici"),
        no_data=_("senza dati"),
        pct=pct,
    )
    return {"result": result, "roots": roots, "strategic": strategic, "gauge": gauge, "bars": bars, "soglia": soglia}


@with_plan
def albero(request, ente, anno, piano):
    return _page(request, "albero", lambda: _albero_context(piano, anno))


def _albero_context(piano, anno):
    result = selectors.score(piano, anno)
    roots, by_key = _tree(result)
    plan = selectors.plan_for(piano)
    indicators = {r.codice: r for r in result.indicatori}
    for os_ in plan.obiettivi_strategici():
        by_key[f"obiettivo_strategico:{os_.codice}"]["indicators"] = [indicators[i.codice] for i in os_.indicatori]
        for oo in os_.obiettivi_operativi:
            by_key[f"obiettivo_operativo:{oo.codice}"]["indicators"] = [indicators[i.codice] for i in oo.indicatori]
    # What the plan assigns to each level: resources, and the objectives' structures with shares.
    nomi = selectors.structure_names(plan.strutture)
    for (kind, code), given in selectors.assignments(plan).items():
        item = by_key.get(f"{kind}:{code}")
        if item is not None:
            item["risorse"] = given["risorse"]
            # by name, never by code (issue 14)
            item["strutture"] = [(nomi.get(c, c), q) for c, q in given["strutture"].items()]
    return {"result": result, "roots": roots}


@with_plan
def indicatore(request, ente, anno, piano, codice: str):
    # The row, not the engine plan: a process that has just started serves the cached body
    # without reading the plan of thousands of indicators (fragments.py).
    titolo = selectors.indicatore_titolo(piano, codice)
    if titolo is None:
        raise Http404(_("Indicatore non trovato."))

    def context() -> dict:
        ind = selectors.plan_for(piano).indicatore(codice)
        if ind is None:  # the row exists, so the plan has it: a stale cache would say otherwise
            raise Http404(_("Indicatore non trovato."))
        row = get_object_or_404(
            m.Indicatore.objects.select_related("piano").prefetch_related("strutture"), piano=piano, codice=codice
        )
        res = selectors.score(piano, anno).indicatore(codice)
        values = list(
            piano.consuntivi.filter(codice__in=[codice] + [ms.codice for ms in ind.milestones]).order_by(
                "anno", "periodo", "codice"
            )
        )
        history = list(
            m.Consuntivo.history.filter(piano_id=piano.pk, codice=codice)
            .select_related("history_user")
            .order_by("-history_date")[:50]
        )
        chart = indicator_chart(ind, {v.anno: v for v in values if v.periodo == "" and v.codice == codice})
        from .confronto import grafico_indicatore

        media_calcolata = None
        if ind.catalogo and not ind.media_cluster:
            from .. import confronto as co

            media_calcolata = co.medie_cluster(ente, piano).get(codice)
        return {
            "row": row,
            "ind": ind,
            "res": res,
            "values": values,
            "history": history,
            "rule": RULES_TEXT.get(ind.polarita.value, ""),
            "chart": chart,
            "tra_enti": grafico_indicatore(ente, anno, ind),
            "media_calcolata": media_calcolata,
            "can_enter": permissions.can_enter_value(request.user, row),
        }

    # The body changes with the plan, its values (and so its history) and the reader's roles (the
    # fragment's key); an indicator of the shared catalogue also with every other ente's data.
    altri = ""
    codice_, nome, catalogo = titolo
    if catalogo:
        from .. import confronto as co

        altri = co.stato_installazione()
    return _page(request, "indicatore", context, vary=(codice, altri), ind={"codice": codice_, "nome": nome})


@with_plan
def mappa(request, ente, anno, piano):
    return _page(request, "mappa", lambda: _mappa_context(ente, piano, anno))


def _mappa_context(ente, piano, anno):

    result = selectors.score(piano, anno)
    plan = selectors.plan_for(piano)
    base = reverse("albero", kwargs={"ente": ente.codice, "anno": anno})
    svg = strategy_map(plan, result, link=lambda code: f"{base}#os-{slugify(code)}")
    status = map_status(plan, result)
    nodes = {n.codice: n for n in result.nodi if n.livello == "obiettivo_strategico"}
    rows = [
        {"prospettiva": p, "os": o, "key": status[o.codice], "node": nodes.get(o.codice)}
        for p in plan.prospettive
        for ln in p.linee
        for o in ln.obiettivi_strategici
    ]
    return {"svg": svg, "rows": rows, "result": result, "vision": plan.vision}


@with_plan
def individuale(request, ente, anno, piano):
    return _page(request, "individuale", lambda: {"schede": selectors.score(piano, anno).schede})


def _whatif_valori(form: WhatIfForm, piano, anno):
    """Stored values with the page's changes on top: nothing is saved."""

    valori = selectors.valori_for(piano, [anno])
    changed = {}
    for code, value in form.values.items():
        stored = valori.consuntivi.get((code, anno, ""))
        if value is None:
            valori.consuntivi.pop((code, anno, ""), None)
        else:
            valori.consuntivi[(code, anno, "")] = EC(value, "what-if")
        if (stored.valore if stored else None) != value:
            changed[code] = form.cleaned_data[f"v-{code}"]
    return valori, changed


@with_plan
@require_http_methods(["GET", "POST"])
def fondo(request, ente, anno, piano):

    plan = selectors.plan_for(piano)
    current = selectors.score(piano, anno)
    if plan.fondo is None or current.fondo is None:
        return render(request, "performance/fondo.html", {"fondo": None})
    fund_inds = [plan.indicatore(c) for g in plan.fondo.progetti for c in g.indicatori if plan.indicatore(c)]
    codes = []
    for i in fund_inds:
        codes += [m_.codice for m_ in i.milestones] if i.milestones else [i.codice]
    whatif = None
    errors, changed = {}, {}
    if request.method == "POST":
        form = WhatIfForm(request.POST, codes=codes)
        form.is_valid()  # the values that read are tried; the others are marked on the page
        errors = form.bad
        valori, changed = _whatif_valori(form, piano, anno)
        whatif = selectors.score(piano, anno, valori=valori)
    stored = selectors.valori_for(piano, [anno])
    inputs = []
    for i in fund_inds:
        for m_ in i.milestones or [None]:
            code = m_.codice if m_ else i.codice
            c = stored.consuntivi.get((code, anno, ""))
            # What was typed goes back into its field, as typed (at most the field's length).
            posted = request.POST.get(f"v-{code}") if request.method == "POST" else None
            posted = posted[:100] if posted is not None else None
            inputs.append(
                {
                    "code": code,
                    "ind": i,
                    "milestone": m_,
                    "value": posted if posted is not None else (format_value(c.valore) if c else ""),
                    "error": code in errors,
                }
            )
    nodes_now = {(n.livello, n.codice): n for n in current.nodi}
    diffs = []
    if whatif:
        for n in whatif.nodi:
            before = nodes_now.get((n.livello, n.codice))
            if before and before.achievement != n.achievement:
                diffs.append({"before": before, "after": n})
    ctx = {
        "fondo": current.fondo,
        "whatif": whatif,
        "inputs": inputs,
        "errors": errors,
        "changed": changed,
        "diffs": diffs,
        "current": current,
    }
    template = (
        "performance/_fondo_esito.html" if request.htmx and request.method == "POST" else "performance/fondo.html"
    )
    return render(request, template, ctx, status=422 if errors else 200)
