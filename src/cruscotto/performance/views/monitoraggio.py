"""Monitoring: the values of a period, entered row by row."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import models as m
from .. import permissions, selectors, services
from ..forms import PERIODS, ValoreForm, errors_of
from .base import _page, with_plan


def _monitoring_rows(request, piano, anno, periodo):
    # A period's values scored as the monitoring report scores them: the period's own figures.
    result = selectors.score(piano, anno, periodo=periodo)
    by_code = {r.codice: r for r in result.indicatori}
    # Not select_related("piano"): every row would carry the plan's JSON columns.
    qs = piano.indicatori.prefetch_related("strutture").order_by("ordine")
    rows = []
    values = {c.codice: c for c in piano.consuntivi.filter(anno=anno, periodo=periodo)}
    for row in qs:
        row.piano = piano  # the permission check reads the ente from here
        if not permissions.can_enter_value(request.user, row):
            continue
        if str(anno) not in row.target and row.polarita != "milestone":
            continue
        res = by_code.get(row.codice)
        rows.append({"row": row, "res": res, "value": values.get(row.codice), "parti": _parts(res, row.codice, values)})
    return rows, result


def _parts(res, codice: str, values: dict) -> list[dict]:
    """The sub-measures of a target with several (``CODICE#k``), with their values, for the row."""
    target = res.target if res is not None else None
    if target is None or not target.parti:
        return []
    return [
        {"codice": f"{codice}#{k}", "target": p.testo, "n": k, "value": values.get(f"{codice}#{k}")}
        for k, p in enumerate(target.parti, start=1)
    ]


STATI_FILTRO = ("raggiunto", "parzialmente_raggiunto", "non_raggiunto", "senza_dati", "in_attesa", "non_valutabile")


def _filters(request) -> dict:
    """The monitoring page's filters from the query, each bounded to what it may be."""
    get = request.GET
    return {
        "struttura": get.get("struttura", "")[:40],
        "obiettivo": get.get("obiettivo", "")[:40],
        "stato": get.get("stato", "") if get.get("stato", "") in STATI_FILTRO else "",
        "mancanti": get.get("mancanti") == "1",
        "q": " ".join(get.get("q", "").split())[:100],
    }


def _apply(rows: list[dict], f: dict, objective_of: dict[str, str]) -> list[dict]:
    def keep(r: dict) -> bool:
        row, res = r["row"], r["res"]
        codes = {s.codice for s in row.strutture.all()}
        if f["struttura"] and f["struttura"] not in codes:
            return False
        if f["obiettivo"] and objective_of.get(row.codice) != f["obiettivo"]:
            return False
        if f["stato"] and (res is None or res.stato.value != f["stato"]):
            return False
        if f["mancanti"] and res is not None and res.actual is not None:
            return False
        q = f["q"].casefold()
        return not q or q in row.codice.casefold() or q in row.nome.casefold()

    return [r for r in rows if keep(r)]


def _to_fill(rows: list[dict], names: dict[str, str]) -> list[tuple[str, str, int, int]]:
    """Per structure: (code, name, values still missing, indicators); the ones with the most to do first."""
    missing: dict[str, int] = {}
    total: dict[str, int] = {}
    for r in rows:
        empty = r["res"] is None or r["res"].actual is None
        for s in r["row"].strutture.all():
            total[s.codice] = total.get(s.codice, 0) + 1
            missing[s.codice] = missing.get(s.codice, 0) + empty
    return sorted(((c, names.get(c, c), missing[c], total[c]) for c in total), key=lambda t: (-t[2], t[1].casefold()))


def _objective_of(plan) -> dict[str, str]:
    """Each indicator's strategic objective (its own, or its operational objective's)."""
    out = {}
    for os_ in plan.obiettivi_strategici():
        for ind in os_.indicatori:
            out[ind.codice] = os_.codice
        for oo in os_.obiettivi_operativi:
            for ind in oo.indicatori:
                out[ind.codice] = os_.codice
    return out


def periodo_of(request) -> str:
    periodo = request.GET.get("periodo", "")
    return periodo if periodo in ("", *PERIODS) else ""


def shown_rows(request, piano, anno: int, periodo: str, f: dict) -> tuple[list[dict], list[dict], object]:
    """The rows the user may fill in, those the filters keep, and the period's result."""
    rows, result = _monitoring_rows(request, piano, anno, periodo)
    return rows, _apply(rows, f, _objective_of(selectors.plan_for(piano))), result


def page_of(request, shown: list[dict]):
    """The page of the filtered rows asked for (``?pagina=``): a plan of thousands of indicators
    would make a page of megabytes, slow to send and to read (issue 16). A page number that is not
    one, or beyond the last, gives the nearest page (Django's ``get_page``), as a list's links would."""
    return Paginator(shown, settings.CRUSCOTTO_RIGHE_PER_PAGINA).get_page(request.GET.get("pagina"))


@with_plan
def monitoraggio(request, ente, anno, piano):
    periodo = periodo_of(request)
    f = _filters(request)

    def context():
        rows, shown, result = shown_rows(request, piano, anno, periodo, f)
        pagina = page_of(request, shown)
        plan = selectors.plan_for(piano)
        objective_of = _objective_of(plan)
        names = selectors.structure_names(plan.strutture)
        mine = {s.codice for r in rows for s in r["row"].strutture.all()}
        filtri_query = {
            k: "1" if v is True else v for k, v in (("periodo", periodo), *f.items()) if v not in ("", False)
        }
        return {
            "rows": pagina.object_list,
            "pagina": pagina,
            "mostrate": len(shown),
            "tutte": len(rows),
            "da_compilare": _to_fill(rows, names),
            "filtri": f,
            "filtrato": any(f.values()),
            # the same rows in the multiple-entry form: the filters and the page
            "query": urlencode(filtri_query | ({"pagina": pagina.number} if pagina.number > 1 else {})),
            # the pager's links keep the filters
            "query_filtri": urlencode(filtri_query),
            "strutture_filtro": sorted(((c, names.get(c, c)) for c in mine), key=lambda t: t[1].casefold()),
            "obiettivi_filtro": [
                (os_.codice, os_.nome)
                for os_ in plan.obiettivi_strategici()
                if any(objective_of.get(r["row"].codice) == os_.codice for r in rows)
            ],
            "stati_filtro": STATI_FILTRO,
            "result": result,
            "periodo": periodo,
            # A validated year is locked (services.anno_bloccato): the page says so and offers no edit.
            "bloccato": selectors.validated(piano, anno),
        }

    return _page(request, "monitoraggio", context, vary=(periodo, *f.values(), request.GET.get("pagina", "")))


@with_plan
@require_http_methods(["GET", "POST"])
def monitoraggio_riga(request, ente, anno, piano, codice: str):
    """One row of the data-entry table: shown, edited in place (htmx), saved."""
    periodo = request.GET.get("periodo", "")
    if periodo not in ("", *PERIODS):
        raise Http404(_("Periodo non valido."))
    row = get_object_or_404(
        m.Indicatore.objects.select_related("piano").prefetch_related("strutture"), piano=piano, codice=codice
    )
    if not permissions.can_enter_value(request.user, row):
        raise PermissionDenied(_("Non può inserire valori per questo indicatore."))
    error = None
    editing = request.GET.get("modifica") == "1"
    bloccato = selectors.validated(piano, anno)
    if bloccato and request.method == "GET" and editing:
        # The form would only be refused: the lock is said in its place.
        editing, error = False, str(services.MSG_BLOCCATO) % {"anno": anno}
    ind = selectors.plan_for(piano).indicatore(codice)
    target = ind.target.get(anno) if ind is not None else None
    # A target with several measures takes one value each (CODICE#k, fields valore_k), saved together.
    fields = [(f"{codice}#{k}", f"valore_{k}") for k in range(1, len(target.parti) + 1)] if target is not None else []
    status = 200
    asks: set[str] = set()  # what the page must ask for next: a confirmation of the value
    if request.method == "POST":
        form = ValoreForm(request.POST, parti=len(fields))
        if not form.is_valid():
            error = " ".join(errors_of(form))
            editing = True
        else:
            data = form.cleaned_data
            periodo = data["periodo"] or periodo
            try:
                with transaction.atomic():  # all the sub-measures or none
                    for code, field in fields or [(codice, "valore")]:
                        services.consuntivo_registra(
                            user=request.user,
                            piano=piano,
                            codice=code,
                            anno=anno,
                            periodo=periodo,
                            testo=data[field],
                            nota=data["nota"],
                            correzione=data["correzione"],
                            revisione=data[field.replace("valore", "revisione")],
                            conferma=data["conferma"],
                            sostituisce_formula=data["sostituisce_formula"],
                            # Only when the row showed them (an indicator not reached): else kept.
                            causa_scostamento=data["causa_scostamento"]
                            if "causa_scostamento" in request.POST
                            else None,
                            azioni_correttive=data["azioni_correttive"]
                            if "azioni_correttive" in request.POST
                            else None,
                        )
            except services.Conflitto as exc:
                # Someone else changed the value: say so and show the new one (nothing written).
                error, editing, status = " ".join(exc.messages), True, 409
            except ValidationError as exc:
                error = " ".join(exc.messages)
                editing = True
                asks = {e.code for e in exc.error_list if e.code}
    result = selectors.score(piano, anno, periodo=periodo)
    value = piano.consuntivi.filter(codice=codice, anno=anno, periodo=periodo).first()
    saved = {c.codice: c for c in piano.consuntivi.filter(codice__startswith=f"{codice}#", anno=anno, periodo=periodo)}
    res = result.indicatore(codice)
    ctx = {
        "r": {"row": row, "res": res, "value": value, "parti": _parts(res, codice, saved)},
        "result": result,
        "periodo": periodo,
        "editing": editing,
        "error": error,
        "submitted": request.POST.get("valore") if error and status != 409 else None,
        "conferma_richiesta": "implausibile" in asks,
        "formula": bool(ind and ind.formula) and not periodo,
        "oob": request.method == "POST" and not error,
        "chiuso": m.PeriodoChiuso.objects.filter(ente=ente, anno=anno, periodo=periodo).exists(),
        "bloccato": bloccato,
    }
    status = status if status != 200 else (422 if error else 200)
    if not request.htmx:
        # Without JavaScript: a whole page to edit the row, and back to the list after saving.
        if request.method == "POST" and not error:
            return redirect(
                f"{reverse('monitoraggio', kwargs={'ente': ente.codice, 'anno': anno})}?periodo={periodo}#riga-{slugify(codice)}"
            )
        ctx["editing"] = not bloccato
        return render(request, "performance/monitoraggio_riga.html", ctx, status=status)
    return render(request, "performance/_riga_monitoraggio.html", ctx, status=status)
