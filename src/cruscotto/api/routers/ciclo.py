"""The cycle: states, adoption, rimodulazioni, the OIV's comments."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Router, Status

from cruscotto.performance import ciclo as lifecycle
from cruscotto.performance import models as m

from ..base import ERRORS, _comment_out, _cycle, _cycle_out
from ..schemas import AdozioneIn, CicloOut, CommentoIn, CommentoOut, RimodulazioneIn, TransizioneIn

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
