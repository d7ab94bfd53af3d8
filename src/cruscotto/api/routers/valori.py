"""Actual values, base measures, closed periods, the audit trail."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Router, Status
from ninja.pagination import paginate

from cruscotto.performance import ciclo as lifecycle
from cruscotto.performance import models as m
from cruscotto.performance import services

from ..base import ERRORS, Pagination, _ente, _plan
from ..schemas import ConsuntivoIn, ConsuntivoOut, MisuraIn, MisuraOut, PeriodoIn, RegistroOut

router = Router()


@router.get("/enti/{ente}/{anno}/consuntivi", response={200: list[ConsuntivoOut], **ERRORS}, tags=["valori"])
@paginate(Pagination)
def consuntivi(request, ente: str, anno: int, periodo: str | None = None):
    """Stored actual values of the year (of a period with ``periodo``)."""
    _e, piano = _plan(request, ente, anno)
    qs = piano.consuntivi.filter(anno=anno).order_by("codice", "periodo")
    if periodo is not None:
        qs = qs.filter(periodo=periodo)
    return [
        {
            "codice": c.codice,
            "anno": c.anno,
            "periodo": c.periodo,
            "valore": c.valore,
            "nota": c.nota,
            "revisione": c.revisione,
        }
        for c in qs
    ]


@router.put(
    "/enti/{ente}/{anno}/consuntivi/{codice}", response={200: ConsuntivoOut, 204: None, **ERRORS}, tags=["valori"]
)
def consuntivo_scrivi(request, ente: str, anno: int, codice: str, dati: ConsuntivoIn, periodo: str = ""):
    """Record an actual value (an empty ``valore`` clears it). Same rules as the monitoring page:
    a responsabile for his structures; a closed period needs ``correzione``; the value is read
    whole and must be of the indicator's kind; an implausible one needs ``conferma``, a typed one
    on a formula indicator ``sostituisce_formula``; with ``revisione``, a value changed since it
    was read is 409 (optimistic locking)."""
    _e, piano = _plan(request, ente, anno)
    if periodo not in lifecycle.PERIODS:
        raise DjangoValidationError(f"Periodo sconosciuto: {periodo}")
    saved = services.consuntivo_registra(
        user=request.user,
        piano=piano,
        codice=codice,
        anno=anno,
        periodo=periodo,
        testo=dati.valore,
        nota=dati.nota,
        correzione=dati.correzione,
        revisione=dati.revisione,
        conferma=dati.conferma,
        sostituisce_formula=dati.sostituisce_formula,
    )
    if saved is None:
        return Status(204, None)
    return {
        "codice": saved.codice,
        "anno": saved.anno,
        "periodo": saved.periodo,
        "valore": saved.valore,
        "nota": saved.nota,
        "revisione": saved.revisione,
    }


@router.get("/enti/{ente}/misure", response={200: list[MisuraOut], **ERRORS}, tags=["misure"])
@paginate(Pagination)
def misure(request, ente: str, anno: int | None = None):
    """Base measures (accounts, registers) that feed the indicators' formulas."""
    qs = _ente(request, ente).misure.order_by("anno", "nome")
    if anno is not None:
        qs = qs.filter(anno=anno)
    return [{"nome": x.nome, "anno": x.anno, "valore": x.valore} for x in qs]


@router.put("/enti/{ente}/misure/{nome}/{anno}", response={200: MisuraOut, 204: None, **ERRORS}, tags=["misure"])
def misura_scrivi(request, ente: str, nome: str, anno: int, dati: MisuraIn):
    """Record a base measure (``null`` clears it): for an accounting system pushing its figures."""
    saved = services.misura_registra(
        user=request.user, ente=_ente(request, ente), nome=nome, anno=anno, valore=dati.valore
    )
    if saved is None:
        return Status(204, None)
    return {"nome": saved.nome, "anno": saved.anno, "valore": saved.valore}


@router.post("/enti/{ente}/{anno}/periodi-chiusi", response={200: list[str], **ERRORS}, tags=["valori"])
def chiudi_periodo(request, ente: str, anno: int, dati: PeriodoIn):
    """Close a period of the year (S1, S2, or "" for the year): its values then change only by a reasoned correction.
    Answers the closed periods of the year."""
    e = _ente(request, ente)
    lifecycle.chiudi_periodo(user=request.user, ente=e, anno=anno, periodo=dati.periodo)
    return sorted(m.PeriodoChiuso.objects.filter(ente=e, anno=anno).values_list("periodo", flat=True))


@router.get("/enti/{ente}/registro", response={200: list[RegistroOut], **ERRORS}, tags=["registro"])
@paginate(Pagination)
def registro(request, ente: str, oggetto: str | None = None, utente: str | None = None):
    """The audit trail of the ente, newest first."""
    e = _ente(request, ente)
    qs = m.Registro.objects.filter(ente=e.codice)
    if oggetto:
        qs = qs.filter(oggetto__startswith=oggetto)
    if utente:
        qs = qs.filter(utente=utente)
    return [
        {
            "quando": r.quando.isoformat(),
            "utente": r.utente,
            "azione": r.azione,
            "oggetto": r.oggetto,
            "prima": r.prima,
            "dopo": r.dopo,
            "motivo": r.motivo,
        }
        for r in qs
    ]
