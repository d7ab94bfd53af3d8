"""The tables beside the plan: budget, staff, context."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from django.http import Http404
from ninja import File, Router, Status
from ninja.files import UploadedFile

from cruscotto.performance import models as m
from cruscotto.performance import selectors

from ..base import ERRORS, _ente, _import
from ..schemas import BilancioOut, ContestoOut, PersonaleOut

router = Router()


@router.get("/enti/{ente}/bilanci/{anno}", response={200: BilancioOut, **ERRORS}, tags=["bilancio"])
def bilancio(request, ente: str, anno: int):
    """The budget tables of the year as stored (figures as printed), the totals and results computed
    from their rows, the net-worth projection, and every printed total that disagrees (docs/bilancio.md)."""
    from cruscotto.engine import bilancio as b

    e = _ente(request, ente)
    row = m.Bilancio.objects.filter(ente=e, anno=anno).first()
    if row is None:
        raise Http404(f"Nessuna tabella di bilancio per il {anno}.")
    tables = selectors.bilancio(e, anno)
    computed = b.calcola(tables.preventivo) if tables.preventivo else {}
    pn = b.proiezione(tables.patrimonio, tables.preventivo) if tables.patrimonio and tables.preventivo else None
    found = selectors.bilancio_controlli(e, anno, tables)
    return {
        "anno": row.anno,
        "fonte": row.fonte,
        "tabelle": row.dati,
        "risultati": computed,
        "patrimonio_netto": pn,
        "controlli": [p.as_dict() for p in found],
    }


@router.get("/enti/{ente}/personale", response={200: PersonaleOut, **ERRORS}, tags=["personale"])
def personale(request, ente: str):
    """The staff tables and the analisi di genere computed from the register: totals and indicators
    with numerator and denominator, never the records themselves (docs/personale.md).

    For every role but the amministratore, counts of fewer than CRUSCOTTO_SOGLIA_RISERVATEZZA
    people (and what would give them away) are null, with the text shown instead in
    ``riservato`` (engine/riservatezza.py)."""
    from django.conf import settings

    from cruscotto.engine import personale as pe
    from cruscotto.performance import permissions

    e = _ente(request, ente)
    row = m.Personale.objects.filter(ente=e).first()
    if row is None:
        raise Http404("Nessun registro del personale.")
    reg = selectors.registro(e)
    years, table = selectors.staff_composition(reg)
    soglia = settings.CRUSCOTTO_SOGLIA_RISERVATEZZA
    tutto = permissions.can_manage_users(request.user, e)
    hidden = {} if tutto else pe.celle_riservate(reg, years, soglia)
    comp = []
    for k, y in enumerate(years):
        for key, cells in table:
            r = cells[k]
            line: dict = {"anno": y, "voce": r.voce, "donne": r.donne, "uomini": r.uomini, "totale": r.totale}
            masked = {
                name: hidden[(key, y, g)]
                for name, g in (("donne", pe.F), ("uomini", pe.M), ("totale", "T"))
                if (key, y, g) in hidden
            }
            if masked:
                line |= {name: None for name in masked} | {"riservato": masked}
            comp.append(line)
    inds = []
    for y in years:
        for ind in pe.indicatori_genere(reg, y):
            t = ind.traccia
            text = None if tutto else pe.indicatore_riservato(ind, soglia)
            if text is not None:
                inds.append(
                    {
                        "codice": ind.definizione.codice,
                        "dicitura": ind.definizione.dicitura,
                        "misura": ind.definizione.misura,
                        "anno": y,
                        "valore": None,
                        "numeratore": None,
                        "denominatore": None,
                        "spiegazione": text,
                        "riservato": text,
                    }
                )
                continue
            inds.append(
                {
                    "codice": ind.definizione.codice,
                    "dicitura": ind.definizione.dicitura,
                    "misura": ind.definizione.misura,
                    "anno": y,
                    "valore": ind.valore,
                    "numeratore": t.numeratore,
                    "denominatore": t.denominatore,
                    "spiegazione": t.spiegazione(ind.definizione.misura),
                }
            )
    return {"anni": years, "composizione": comp, "indicatori": inds}


@router.get("/enti/{ente}/contesto", response={200: ContestoOut, **ERRORS}, tags=["contesto"])
def contesto(request, ente: str):
    """The ente's context as stored (words and figures as printed): organs, structure, activities,
    stakeholder map, partecipate, the external context's tables, and what the checks found (docs/contesto.md)."""
    from cruscotto.engine import contesto as co

    e = _ente(request, ente)
    row = m.Contesto.objects.filter(ente=e).first()
    if row is None:
        raise Http404("Nessun dato di contesto.")
    data = selectors.contesto(e)
    return {
        "mappa": None,
        **co.contesto_to_data(data),
        "fonte": row.fonte,
        "aggiornato_il": row.aggiornato_il.isoformat(),
        "controlli": [p.as_dict() for p in co.check_contesto(data)],
    }


@router.post("/enti/{ente}/bilanci/{anno}", response={201: BilancioOut, **ERRORS}, tags=["bilancio"])
def bilancio_carica(request, ente: str, anno: int, file: File[list[UploadedFile]]):
    """Upload the budget tables of the year (CSV or XLSX named as in docs/bilancio.md: preventivo-ANNO,
    rapporti, misure ...): they replace the year's, every bad cell is listed and then nothing is written."""
    e = _ente(request, ente)
    refused = _import(request, e, anno, "bilancio")
    return refused or Status(201, bilancio(request, ente, anno))


@router.post("/enti/{ente}/personale", response={201: PersonaleOut, **ERRORS}, tags=["personale"])
def personale_carica(request, ente: str, file: File[list[UploadedFile]]):
    """Upload the staff register (CSV or XLSX, docs/personale.md): it replaces the earlier one;
    every bad cell is listed and then nothing is written."""
    e = _ente(request, ente)
    refused = _import(request, e, None, "personale")
    return refused or Status(201, personale(request, ente))


@router.post("/enti/{ente}/contesto", response={201: ContestoOut, **ERRORS}, tags=["contesto"])
def contesto_carica(request, ente: str, file: File[list[UploadedFile]]):
    """Upload the context files (docs/contesto.md): they replace the earlier data; every bad cell
    is listed and then nothing is written."""
    e = _ente(request, ente)
    refused = _import(request, e, None, "contesto")
    return refused or Status(201, contesto(request, ente))
