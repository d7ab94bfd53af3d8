"""The cycle: states, adoption, rimodulazioni, the OIV's comments."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Router, Status

from cruscotto.performance import ciclo as lifecycle
from cruscotto.performance import lavori, services
from cruscotto.performance import models as m

from ..base import ERRORS, _comment_out, _cycle, _cycle_out
from ..schemas import (
    AdozioneIn,
    ApprovazioneIn,
    ApprovazioneOut,
    CicloOut,
    CommentoIn,
    CommentoOut,
    NeutralizzazioneIn,
    NeutralizzazioneOut,
    RevocaIn,
    RimodulazioneIn,
    ScorrimentoOut,
    TransizioneIn,
)

router = Router()


@router.get("/enti/{ente}/cicli/{anno}", response={200: CicloOut, **ERRORS}, tags=["ciclo"])
def ciclo(request, ente: str, anno: int):
    """The cycle of the plan starting in ``anno``: state, versions, the steps this user may take."""
    return _cycle_out(request, _cycle(request, ente, anno)[1])


@router.post("/enti/{ente}/cicli/{anno}/transizioni", response={200: CicloOut, **ERRORS}, tags=["ciclo"])
def transizione(request, ente: str, anno: int, dati: TransizioneIn):
    """Move the cycle (in monitoraggio, consuntivo chiuso, validato OIV, pubblicato; the OIV's return)."""
    _e, c = _cycle(request, ente, anno)
    return _cycle_out(request, lifecycle.sposta(user=request.user, ciclo=c, verso=dati.verso, nota=dati.nota))


@router.post("/enti/{ente}/cicli/{anno}/adozioni", response={200: CicloOut, **ERRORS}, tags=["ciclo"])
def adozione(request, ente: str, anno: int, dati: AdozioneIn):
    """Adopt a draft version (the plan, or a rimodulazione) with its act."""
    _e, c = _cycle(request, ente, anno)
    target = c.versioni.filter(versione=dati.versione).first()
    if target is None:
        raise Http404(f"Versione {dati.versione} non trovata.")
    lifecycle.adotta(user=request.user, piano=target, atto=dati.atto, atto_data=dati.atto_data)
    return _cycle_out(request, m.Ciclo.objects.get(pk=c.pk))


@router.post("/enti/{ente}/cicli/{anno}/rimodulazioni", response={200: CicloOut, **ERRORS}, tags=["ciclo"])
def rimodulazione(request, ente: str, anno: int, dati: RimodulazioneIn):
    """Start a rimodulazione: a draft copy of the version in force."""
    _e, c = _cycle(request, ente, anno)
    vf = lifecycle.version_in_force(c)
    if vf is None:
        raise DjangoValidationError("Nessuna versione in vigore da rimodulare.")
    lifecycle.rimodula(user=request.user, piano=vf, motivazione=dati.motivazione)
    return _cycle_out(request, c)


@router.post("/enti/{ente}/cicli/{anno}/scorrimento", response={201: ScorrimentoOut, **ERRORS}, tags=["ciclo"])
def scorrimento(request, ente: str, anno: int):
    """The yearly update: the next year's cycle with a draft of the plan moved one year on,
    prepared from this cycle's version in force (to complete, then adopt at ``…/adozioni``)."""
    _e, c = _cycle(request, ente, anno)
    new, notes = lifecycle.scorrimento(user=request.user, ciclo=c)
    return Status(201, {"ciclo": _cycle_out(request, new.ciclo), "anni": new.anni, "avvisi": notes})


@router.get("/enti/{ente}/cicli/{anno}/commenti", response={200: list[CommentoOut], **ERRORS}, tags=["ciclo"])
def commenti(request, ente: str, anno: int):
    """The OIV's comments on the cycle, item by item, oldest first."""
    _e, c = _cycle(request, ente, anno)
    return [_comment_out(x) for x in c.commenti.select_related("autore")]


@router.post("/enti/{ente}/cicli/{anno}/commenti", response={201: CommentoOut, **ERRORS}, tags=["ciclo"])
def commento(request, ente: str, anno: int, dati: CommentoIn):
    """The OIV comments an indicator, an objective or (with no ``oggetto``) the Relazione."""
    _e, c = _cycle(request, ente, anno)
    return Status(
        201, _comment_out(lifecycle.commenta(user=request.user, ciclo=c, oggetto=dati.oggetto, testo=dati.testo))
    )


@router.post(
    "/enti/{ente}/cicli/{anno}/approvazioni",
    response={200: ApprovazioneOut, 202: ApprovazioneOut, **ERRORS},
    tags=["ciclo"],
)
def approvazione(request, ente: str, anno: int, dati: ApprovazioneIn):
    """The governing organ approved the Relazione: archive that file (PDF, DOCX) with its SHA-256.
    The OIV then validates that file. 202 while the worker builds it (a large plan)."""
    _e, c = _cycle(request, ente, anno)
    job = lavori.avvia_approvazione(user=request.user, ciclo=c, atto=dati.atto, atto_data=dati.atto_data)
    if job.stato == m.Lavoro.Stato.ERRORE:
        raise DjangoValidationError(job.errore)
    approved = lifecycle.approvazione(c)
    if job.stato != m.Lavoro.Stato.PRONTO or approved is None:
        out = {"anno": c.anno, "atto": dati.atto, "atto_data": dati.atto_data, "sha256_pdf": "", "sha256_docx": ""}
        return Status(202, {**out, "stato": job.stato, "lavoro": str(job.pk)})
    return {
        "anno": approved.anno,
        "atto": approved.atto,
        "atto_data": approved.atto_data,
        "sha256_pdf": approved.sha256_pdf,
        "sha256_docx": approved.sha256_docx,
        "stato": job.stato,
        "lavoro": str(job.pk),
    }


def _neutralizzazione_out(n: m.Neutralizzazione) -> dict:
    return {
        "id": n.pk,
        "anno": n.anno,
        "livello": n.livello,
        "codice": n.codice,
        "atto": n.atto,
        "atto_data": n.atto_data,
        "motivo": n.motivo,
        "revocata": n.revocata_il is not None,
    }


@router.get(
    "/enti/{ente}/cicli/{anno}/neutralizzazioni", response={200: list[NeutralizzazioneOut], **ERRORS}, tags=["ciclo"]
)
def neutralizzazioni(request, ente: str, anno: int):
    """The year's recorded neutralisations, withdrawn ones included."""
    e, _c = _cycle(request, ente, anno)
    return [_neutralizzazione_out(n) for n in m.Neutralizzazione.objects.filter(ente=e, anno=anno)]


@router.post(
    "/enti/{ente}/cicli/{anno}/neutralizzazioni", response={201: NeutralizzazioneOut, **ERRORS}, tags=["ciclo"]
)
def neutralizzazione(request, ente: str, anno: int, dati: NeutralizzazioneIn):
    """Record the decision that leaves an indicator or objective out of the year's score."""
    _e, c = _cycle(request, ente, anno)
    piano = lifecycle.version_in_force(c) or c.versioni.order_by("-versione").first()
    n = services.neutralizza(user=request.user, piano=piano, anno=anno, **dati.dict())
    return Status(201, _neutralizzazione_out(n))


@router.post(
    "/enti/{ente}/cicli/{anno}/neutralizzazioni/{id}/revoca",
    response={200: NeutralizzazioneOut, **ERRORS},
    tags=["ciclo"],
)
def neutralizzazione_revoca(request, ente: str, anno: int, id: int, dati: RevocaIn):
    """Withdraw a recorded neutralisation, with the reason: the indicator or objective is scored again."""
    e, _c = _cycle(request, ente, anno)
    n = m.Neutralizzazione.objects.filter(pk=id, ente=e, anno=anno, revocata_il=None).first()
    if n is None:
        raise Http404(f"Nessuna neutralizzazione {id} in vigore nel {anno}.")
    services.neutralizzazione_revoca(user=request.user, neutralizzazione=n, motivo=dati.motivo)
    n.refresh_from_db()
    return _neutralizzazione_out(n)
