"""Benchmarking across enti: the ente's catalogue indicators against its cluster's and
everyone's, aggregates only (performance/confronto.py)."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from dataclasses import asdict

from django.conf import settings
from ninja import Query, Router

from cruscotto.performance import confronto as co
from cruscotto.performance import models as m
from cruscotto.performance import selectors

from ..base import ERRORS, _plan
from ..schemas import ConfrontoFiltri, ConfrontoOut

router = Router()


@router.get("/enti/{ente}/confronto/{anno}", response={200: ConfrontoOut, **ERRORS}, tags=["confronto"])
def confronto(request, ente: str, anno: int, filtri: Query[ConfrontoFiltri]):
    """``gruppo``: the attributes the cluster is formed by, comma-separated
    (``classe_dimensionale,regione``), or ``tutti`` for the whole installation; without it,
    every attribute of CRUSCOTTO_CONFRONTO_ATTRIBUTI the ente has a value for. An unknown
    attribute is left out."""
    e, piano = _plan(request, ente, anno)
    gruppo = filtri.gruppo
    attributi = None
    if gruppo is not None:
        allowed = set(settings.CRUSCOTTO_CONFRONTO_ATTRIBUTI)
        attributi = [] if gruppo == "tutti" else [a for a in gruppo.split(",") if a in allowed]
    data = co.confronto(e, anno, attributi)
    mine = {i.catalogo: i.codice for i in selectors.plan_for(piano).indicatori() if i.catalogo}
    voci = {v.codice: v for v in m.VoceCatalogo.objects.filter(codice__in=[r.codice for r in data["righe"]])}
    rows = []
    for r in data["righe"]:
        v = voci.get(r.codice)
        rows.append(
            {
                "codice": r.codice,
                "nome": v.nome if v else "",
                "unita": v.unita if v else "",
                "polarita": v.polarita if v else "",
                "indicatore": mine.get(r.codice),
                "valore": r.valore,
                "posizione_gruppo": r.posizione_cluster,
                "posizione_tutti": r.posizione_tutti,
                "n_gruppo": r.n_cluster,
                "n_tutti": r.n_tutti,
                "gruppo": asdict(r.cluster) if r.cluster else None,
                "tutti": asdict(r.tutti) if r.tutti else None,
                "raggiungimento": _raggiungimento(r.raggiungimento),
            }
        )
    return {
        "anno": anno,
        "gruppo": data["cluster"],
        "enti": data["enti"],
        "enti_gruppo": data.get("enti_cluster", 0),
        "minimo": settings.CRUSCOTTO_CONFRONTO_MINIMO,
        "scalari": data.get("scalari", 0),
        "righe": rows,
    }


def _raggiungimento(g):
    """The achievements of one code: the ente's own and the aggregates (engine/confronto.Raggiungimento)."""
    if g is None:
        return None
    return {
        "valore": g.valore,
        "stato": g.stato.value if g.stato else None,
        "scalare": g.scalare,
        "n_gruppo": g.n_cluster,
        "n_tutti": g.n_tutti,
        "raggiunti_gruppo": g.raggiunti_cluster,
        "raggiunti_tutti": g.raggiunti_tutti,
        "senza_gruppo": g.senza_cluster,
        "gruppo": asdict(g.cluster) if g.cluster else None,
        "tutti": asdict(g.tutti) if g.tutti else None,
    }
