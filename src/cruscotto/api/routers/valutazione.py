"""Individual evaluation: the cards a caller may see, one card with its score and steps, a step,
and the distribution and premiums of the year (the same rules and permissions as the pages:
performance/valutazioni.py)."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router

from cruscotto.performance import models as m
from cruscotto.performance import permissions
from cruscotto.performance import valutazioni as va

from ..base import ERRORS, _ente
from ..schemas import PassoIn, PremiOut, SchedaOut, SchedaRigaOut

router = Router()


def _riga(s: m.SchedaValutazione, punteggio) -> dict:
    return {
        "matricola": s.persona.matricola,
        "categoria": s.persona.categoria,
        "valutatore": s.valutatore.matricola if s.valutatore else None,
        "stato": s.stato,
        "punteggio": punteggio,
    }


@router.get(
    "/enti/{ente}/valutazioni/{anno}/schede", response={200: list[SchedaRigaOut], **ERRORS}, tags=["valutazione"]
)
def schede(request, ente: str, anno: int):
    """The cards of the year the caller may see: their own, their team's; all of them for the
    amministratore and the OIV. Consultazione sees none but their own."""
    e = _ente(request, ente)
    rows = list(va.schede_visibili(request.user, e, anno).order_by("persona__matricola"))
    evaluated = [s for s in rows if s.stato in va.VALUTATE]
    scores = va.punteggi(e, anno, evaluated) if evaluated else {}
    return [_riga(s, scores[s.pk].punteggio if s.pk in scores else None) for s in rows]


def _scheda(request, ente: str, anno: int, matricola: str) -> m.SchedaValutazione:
    e = _ente(request, ente)
    s = (
        m.SchedaValutazione.objects.filter(ente=e, anno=anno, persona__matricola=matricola)
        .select_related("persona", "persona__struttura", "valutatore", "ente")
        .first()
    )
    if s is None or not va.puo_vedere(request.user, s):
        # not 403: whether someone has a card is not everyone's business
        raise Http404("Scheda non trovata.")
    return s


def _scheda_out(s: m.SchedaValutazione) -> dict:
    result = va.punteggio(s) if s.stato in va.VALUTATE else None
    return {
        **_riga(s, result.punteggio if result else None),
        "anno": s.anno,
        "struttura": s.persona.struttura.codice if s.persona.struttura else None,
        "voci": s.voci,
        "comportamenti": s.comportamenti,
        "giudizi": s.giudizi,
        "risultati": s.risultati,
        "sezioni": [
            {k: x[k] for k in ("codice", "nome", "fonte", "peso", "achievement", "stato", "passi")}
            for x in (result.sezioni if result else ())
        ],
        "fasi": [{"tipo": f.tipo, "data": f.data, "testo": f.testo} for f in s.fasi.all()],
        "proposta_oiv": va.proposta_oiv(s),
    }


@router.get(
    "/enti/{ente}/valutazioni/{anno}/schede/{matricola}", response={200: SchedaOut, **ERRORS}, tags=["valutazione"]
)
def scheda(request, ente: str, anno: int, matricola: str):
    """One card: items, behaviours, ratings, results, its steps and, once evaluated, the score by
    section with the calculation."""
    return _scheda_out(_scheda(request, ente, anno, matricola))


@router.post(
    "/enti/{ente}/valutazioni/{anno}/schede/{matricola}/passi",
    response={200: SchedaOut, **ERRORS},
    tags=["valutazione"],
)
def passo(request, ente: str, anno: int, matricola: str, dati: PassoIn):
    """Take a step of the card (``azione``: presa_visione, colloquio_intermedio, colloquio_finale,
    autovalutazione, valuta, accetta, revisione, rispondi, decidi, decisione_organo), as its actor."""
    s = _scheda(request, ente, anno, matricola)
    va.passo(
        user=request.user,
        scheda=s,
        azione=dati.azione,
        testo=dati.testo,
        giudizi={k: float(v) for k, v in dati.giudizi.items()} if dati.giudizi is not None else None,
        risultati=dati.risultati,
        atto=dati.atto,
        data=dati.data,
    )
    s.refresh_from_db()
    return _scheda_out(s)


def _distribuzione(gruppo: str, d, avvisi=()) -> dict:
    return {
        "gruppo": gruppo,
        "n": d.n,
        "media": d.media,
        "minimo": d.minimo,
        "q1": d.q1,
        "mediana": d.mediana,
        "q3": d.q3,
        "massimo": d.massimo,
        "fasce": [list(f) for f in d.fasce],
        "avvisi": [a.message for a in avvisi],
    }


@router.get("/enti/{ente}/valutazioni/{anno}/premi", response={200: PremiOut, **ERRORS}, tags=["valutazione"])
def premi(request, ente: str, anno: int):
    """The distribution of the final scores (per category, with the caps, and per evaluator), the
    funds and what they pay, the aggregates by category (d.lgs. 33/2013 art. 20); each person's
    premium with its calculation for the amministratore and the OIV only."""
    e = _ente(request, ente)
    ruoli = permissions.grants(request.user, e.pk).ruoli
    if not ruoli & (permissions.EDITORS | {m.Ruolo.Tipo.OIV}):
        raise PermissionDenied("Distribuzione e premi li vedono il controllo di gestione, l'amministrazione e l'OIV.")
    out = va.premi_anno(e, anno)
    detail = bool(ruoli & {m.Ruolo.Tipo.AMMINISTRATORE, m.Ruolo.Tipo.OIV})
    return {
        "anno": anno,
        "provvisorio": out["provvisorio"],
        "per_categoria": [_distribuzione(k, d, a) for k, d, a in out["per_categoria"]],
        "per_valutatore": [_distribuzione(k, d) for k, d in out["per_valutatore"]],
        "fondi": [
            {
                "codice": f.codice,
                "nome": f.nome,
                "importo": f.importo,
                "organizzativa": f.organizzativa,
                "individuale": f.individuale,
                "pagato": f.pagato,
                "economia": f.economia,
            }
            for f in out["fondi"]
        ],
        "aggregati": out["aggregati"],
        "premi": [
            {
                "matricola": p.codice,
                "categoria": p.categoria,
                "organizzativo": p.organizzativo,
                "individuale": p.individuale,
                "maggiorazione": p.maggiorazione,
                "totale": p.totale,
                "calcolo": list(p.trace),
            }
            for p in out["premi"]
        ]
        if detail
        else None,
    }
