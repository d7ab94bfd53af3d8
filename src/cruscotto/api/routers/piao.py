"""The PIAO's subsection 2.3: the risk register, the measures' implementation, the RPCT's
figures and the transparency table (docs/piao.md). Same rules as the pages."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from django.http import Http404
from ninja import Router, Status

from cruscotto.engine import rischi as ri
from cruscotto.engine.trasparenza import obblighi_to_data
from cruscotto.performance import models as m
from cruscotto.performance import piao as pi

from ..base import ERRORS, _ente
from ..schemas import (
    AttuazioneIn,
    MisuraPiaoOut,
    ObbligoOut,
    PubblicazioneIn,
    RegistroRischiOut,
    RelazioneRPCTOut,
    Sezione3Out,
    ValorePubblicoOut,
)

router = Router()


def _registro(request, ente: str, anno: int) -> tuple[m.Ente, m.Piao, ri.Registro, m.SezionePiao]:
    e = _ente(request, ente)
    p = pi.piao_di(e, anno)
    registro, row = pi.registro(p)
    if p is None or registro is None or row is None:
        raise Http404(f"Nessun registro dei rischi nel PIAO {anno}.")
    return e, p, registro, row


@router.get("/enti/{ente}/piao/{anno}/rischi", response={200: RegistroRischiOut, **ERRORS}, tags=["piao"])
def rischi(request, ente: str, anno: int):
    """The register of 2.3 of the PIAO whose first year is ``anno``: processes with their exposure,
    events with their assessment (the proposal and the judgement), measures, and the checks."""
    e, p, registro, row = _registro(request, ente, anno)
    esposizione = ri.esposizione(registro)
    valutazioni = {v.evento: v for v in registro.valutazioni}
    data = ri.registro_to_data(registro)
    eventi = []
    for ev in registro.eventi:
        v = valutazioni.get(ev.codice)
        es = ri.esito(v, registro) if v else None
        eventi.append(
            {
                "codice": ev.codice,
                "processo": ev.processo,
                "descrizione": ev.descrizione,
                "giudizi": dict(v.giudizi) if v else {},
                "proposto": es.proposto if es else None,
                "livello": es.livello if es else None,
                "motivazione": v.motivazione if v else "",
            }
        )
    return {
        "anni": p.anni,
        "fonte": row.fonte,
        "inventata": row.inventata,
        "scala": list(registro.scala),
        "indicatori": data["indicatori"],
        "processi": [{**x, "esposizione": esposizione.get(x["codice"])} for x in data["processi"]],
        "eventi": eventi,
        "misure": data["misure"],
        "controlli": [
            {**x.as_dict(), "severity": x.severity}
            for x in pi.controlli(registro, pi.contesto23(e, anno), pi.trattare_da(row))
        ],
    }


def _misura(r: pi.RigaMisura, anno: int) -> dict:
    a, res = r.attuazione, r.risultato
    return {
        "codice": r.misura.codice,
        "nome": r.misura.nome,
        "tipo": r.misura.tipo,
        "responsabile": r.misura.responsabile,
        "scadenza": r.misura.scadenza,
        "target": r.misura.target,
        "obiettivo": r.misura.obiettivo,
        "anno": anno,
        "valore": a.valore if a else None,
        "nota": a.nota if a else "",
        "revisione": a.revisione if a else 0,
        "stato": res.stato.value if res else None,
        "raggiungimento": res.achievement if res else None,
    }


@router.get("/enti/{ente}/piao/{anno}/misure", response={200: list[MisuraPiaoOut], **ERRORS}, tags=["piao"])
def misure(request, ente: str, anno: int):
    """Every measure of 2.3 with its implementation for the PIAO's first year and the engine's result."""
    e, p, registro, _row = _registro(request, ente, anno)
    return [_misura(r, anno) for r in pi.misure_monitorate(p, registro, pi.contesto23(e, anno).regole)]


@router.put(
    "/enti/{ente}/piao/{anno}/misure/{codice}", response={200: MisuraPiaoOut, 204: None, **ERRORS}, tags=["piao"]
)
def misura_scrivi(request, ente: str, anno: int, codice: str, dati: AttuazioneIn):
    """Record a measure's implementation (an empty ``valore`` clears it): the RPCT, an amministratore,
    or the responsabile of the owner structure; of the measure's kind; with ``revisione``, a value
    changed since it was read is 409."""
    e, p, registro, _row = _registro(request, ente, anno)
    saved = pi.attuazione_registra(
        user=request.user, piao=p, codice=codice, testo=dati.valore, nota=dati.nota, revisione=dati.revisione
    )
    if saved is None:
        return Status(204, None)
    righe = pi.misure_monitorate(p, registro, pi.contesto23(e, anno).regole)
    return _misura(next(r for r in righe if r.misura.codice == codice), anno)


@router.get("/enti/{ente}/piao/{anno}/relazione-rpct", response={200: RelazioneRPCTOut, **ERRORS}, tags=["piao"])
def relazione_rpct(request, ente: str, anno: int):
    """The RPCT's yearly figures (L. 190/2012, art. 1 c. 14), from the measures' monitoring."""
    e, p, registro, row = _registro(request, ente, anno)
    righe = pi.misure_monitorate(p, registro, pi.contesto23(e, anno).regole)
    s = pi.sintesi(p, registro, righe, pi.trattare_da(row))
    return {
        "anno": s.anno,
        "alla_data": pi.as_of(anno),
        "misure": [
            {"codice": x.codice, "tipo": x.tipo, "responsabile": x.responsabile, "stato": x.stato, "scaduta": x.scaduta}
            for x in s.misure
        ],
        "per_tipo": s.per_tipo,
        "esposizione": {k: list(v) for k, v in s.esposizione.items()},
        "scadute": list(s.scadute),
        "non_trattati": list(s.non_trattati),
    }


def _obblighi(request, ente: str, anno: int) -> tuple[m.Piao, tuple]:
    p = pi.piao_di(_ente(request, ente), anno)
    obblighi, _row = pi.obblighi(p)
    if p is None or obblighi is None:
        raise Http404(f"Nessuna tabella della trasparenza nel PIAO {anno}.")
    return p, obblighi


def _obbligo(o, s, pub) -> dict:
    return {
        **obblighi_to_data([o])[0],
        "ultima": s.ultima,
        "revisione": pub.revisione if pub else 0,
        "stato": s.stato,
        "scadenza": s.scadenza,
    }


@router.get("/enti/{ente}/piao/{anno}/trasparenza", response={200: list[ObbligoOut], **ERRORS}, tags=["piao"])
def trasparenza(request, ente: str, anno: int):
    """The transparency table of 2.3: each obligation with who produces and who publishes it, how
    often, its last recorded publication and its state (at today, or the year's end)."""
    p, obblighi = _obblighi(request, ente, anno)
    return [_obbligo(o, s, pub) for o, s, pub in pi.stati_obblighi(p, obblighi)[0]]


@router.put(
    "/enti/{ente}/piao/{anno}/trasparenza/{codice}",
    response={200: ObbligoOut, 204: None, **ERRORS},
    tags=["piao"],
)
def pubblicazione_scrivi(request, ente: str, anno: int, codice: str, dati: PubblicazioneIn):
    """Record an obligation's last publication (``null`` clears it): the RPCT, an amministratore, or
    the responsabile of the structure that publishes it; never a future date; with ``revisione``,
    a value changed since it was read is 409."""
    p, obblighi = _obblighi(request, ente, anno)
    saved = pi.pubblicazione_registra(
        user=request.user, piao=p, codice=codice, ultima=dati.ultima, nota=dati.nota, revisione=dati.revisione
    )
    if saved is None:
        return Status(204, None)
    return next(_obbligo(o, s, pub) for o, s, pub in pi.stati_obblighi(p, obblighi)[0] if o.codice == codice)


@router.get("/enti/{ente}/piao/{anno}/valore-pubblico", response={200: ValorePubblicoOut, **ERRORS}, tags=["piao"])
def valore_pubblico(request, ente: str, anno: int):
    """2.1: the impact objectives, the strategic objectives that produce them, their tags, their
    indicators with baseline and targets, and the checks."""
    from cruscotto.engine.valore_pubblico import valore_pubblico_from_data

    e = _ente(request, ente)
    p = pi.piao_di(e, anno)
    row = p.sezioni.filter(sezione=pi.VALORE_PUBBLICO).first() if p is not None else None
    if p is None or row is None:
        raise Http404(f"Nessuna sottosezione 2.1 nel PIAO {anno}.")
    obiettivi = valore_pubblico_from_data(row.dati["obiettivi"])
    return {
        "anni": p.anni,
        "fonte": row.fonte,
        "inventata": row.inventata,
        "obiettivi": [
            {
                "codice": o.codice,
                "nome": o.nome,
                "descrizione": o.descrizione,
                "obiettivi_strategici": list(o.obiettivi_strategici),
                "sdg": list(o.sdg),
                "bes": list(o.bes),
                "pnrr": list(o.pnrr),
                "indicatori": [
                    {
                        "codice": i.codice,
                        "nome": i.nome,
                        "polarita": i.polarita.value,
                        "unita": i.unita,
                        "fonte": i.fonte,
                        "baseline": i.baseline.testo if i.baseline else None,
                        "anno_baseline": i.baseline_anno,
                        "target": {str(a): t.testo for a, t in sorted(i.target.items())},
                    }
                    for i in o.indicatori
                ],
            }
            for o in obiettivi
        ],
        "controlli": [
            {**x.as_dict(), "severity": x.severity} for x in pi.controlli3(e, anno, {pi.VALORE_PUBBLICO: row.dati})
        ],
    }


@router.get("/enti/{ente}/piao/{anno}/organizzazione", response={200: Sezione3Out, **ERRORS}, tags=["piao"])
def organizzazione(request, ente: str, anno: int):
    """Section 3 computed from the staff register of ``anno_base``: headcount per structure, lavoro
    agile, the staffing needs plan, training. Breakdowns by gender or category with counts that
    name people (under CRUSCOTTO_SOGLIA_RISERVATEZZA) are null but for the amministratore."""
    from django.conf import settings

    from cruscotto.performance import permissions

    e = _ente(request, ente)
    p = pi.piao_di(e, anno)
    if p is None:
        raise Http404(f"Nessun PIAO {anno}.")
    rows = {s.sezione: s for s in p.sezioni.all()}
    b = pi.base3(e, anno)
    s3 = pi.sezione3(b, rows, settings.CRUSCOTTO_SOGLIA_RISERVATEZZA, permissions.can_manage_users(request.user, e))
    return {
        "anno_base": b.anno,
        **_sezione3_out(s3),
        "controlli": [
            {**x.as_dict(), "severity": x.severity}
            for x in pi.controlli3(e, anno, {k: v.dati for k, v in rows.items()})
        ]
        if b.anno is not None
        else [],
    }


def _riga(r) -> dict:
    return {k: getattr(r, k) for k in r.__dataclass_fields__}


def _sezione3_out(s3: dict) -> dict:
    org, agile, fab, fo = (s3.get(k) for k in ("organigramma", "agile", "fabbisogni", "formazione"))
    return {
        "organigramma": [
            {
                "struttura": s.struttura,
                "nome": s.nome,
                "padre": s.padre,
                "persone_proprie": s.propri.persone,
                "persone": s.totale.persone,
                "per_categoria": s.totale.per_categoria,
            }
            for s in org.strutture
        ]
        if org
        else None,
        "lavoro_agile": {
            "anno": agile.anno,
            "totale": _riga(agile.totale),
            "per_genere": [_riga(r) for r in agile.per_genere] if s3.get("agile_dettaglio") else None,
            "per_categoria": [_riga(r) for r in agile.per_categoria] if s3.get("agile_dettaglio") else None,
            "attivita": agile.attivita,
        }
        if agile
        else None,
        "fabbisogni": [
            {
                "anno": y.anno,
                "personale": y.personale,
                "costo": y.costo,
                "capacita": y.capacita,
                "utilizzo": y.utilizzo,
                "residuo": y.residuo,
            }
            for y in fab.anni
        ]
        if fab
        else None,
        "formazione": {
            "anno": fo.anno,
            "obiettivo_ore": fo.obiettivo_ore,
            "totale": _riga(fo.totale),
            "per_categoria": [_riga(r) for r in fo.righe[:-1]] if s3.get("formazione_dettaglio") else None,
        }
        if fo
        else None,
    }
