"""Benchmarking across enti, stored (issue 16; the statistics: engine/confronto.py).

Which values: for every ente, the version of its plan shown for the year (as every page
shows it), and in it each indicator that references the installation's catalogue, with the
year's value as the engine reads it.

Speed at national scale: a plan's values, and what their achievements need (engine/confronto
.voci_piano), are computed once per plan, revision and values' revision, and kept in the cache
(``CACHES["default"]``; Redis when ``CRUSCOTTO_CACHE_URL`` says so): a new value of one ente
recomputes that ente only, and the queue's job (:func:`prepara_ente`) does it ahead of the
next reader. The page then costs one query for the plans of every ente, one round trip to the
cache, every ente's achievements scored at once by engine/batch.py and the vectorised
statistics.

Who sees what: an ente sees the others' values only as aggregates, unless the other ente has
published that year (its cycle is *pubblicato*): the Relazione is then public by law, and so
are its values. A group of fewer than ``CRUSCOTTO_CONFRONTO_MINIMO`` enti shows no aggregate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache

from cruscotto.engine import confronto as cf

from . import models as m
from . import selectors

# A plan's values stay in the cache for a month: a new revision of the plan or its values is a
# new key, and the old one goes by itself (in Redis as in local memory).
KEEP = 30 * 24 * 3600


@dataclass(frozen=True)
class EnteConfronto:
    pk: int
    codice: str
    nome: str
    attributi: dict[str, str]
    pubblicato: bool


@dataclass(frozen=True)
class Righe:
    """Every ente's catalogue values of a year, as the engine's arrays take them."""

    anno: int
    enti: list[EnteConfronto]
    codici: list[str]
    crescente: list[bool]
    codice: np.ndarray
    ente: np.ndarray
    valore: np.ndarray
    # each row's achievement against the ente's own target (NaN: none), its state (into
    # engine/confronto.STATI) and whether the scalar engine scored it (cf.raggiungimenti)
    raggiungimento: np.ndarray
    stato: np.ndarray
    scalare: np.ndarray


def _piani_mostrati(anno: int) -> list[tuple[EnteConfronto, m.Piano]]:
    """For every ente, the version of its plan shown for ``anno`` (selectors._shown), in one query."""
    fields = selectors._PLAN_FIELDS
    qs = m.Piano.objects.values_list(*fields, "ciclo__anno", "ciclo__stato", "ente__codice", "ente__nome")
    by_ente: dict[int, list[tuple]] = {}
    for r in qs:
        anni = json.loads(r[3]) if isinstance(r[3], str) else r[3]
        by_ente.setdefault(r[1], []).append((r[0], r[1], r[2], anni, *r[4:]))
    attributi = dict(m.Ente.objects.values_list("pk", "attributi"))
    n = len(fields)
    out = []
    for ente_id, rows in by_ente.items():
        row = selectors._shown(rows, anno)
        if row is None:
            continue
        values = dict(zip(fields, row[:n], strict=True))
        names = [f.attname for f in m.Piano._meta.concrete_fields if f.attname in values]
        piano = m.Piano.from_db("default", names, [values[k] for k in names])
        published = any(r[n] == anno and r[n + 1] == m.Ciclo.Stato.PUBBLICATO for r in rows)
        info = EnteConfronto(ente_id, row[-2], row[-1], attributi.get(ente_id) or {}, published)
        out.append((info, piano))
    out.sort(key=lambda x: x[0].codice)
    return out


def stato_installazione() -> str:
    """A digest of everything the comparisons read: every plan's revisions, every cycle's state
    (publication decides which names show), the enti's attributes (the clusters) and the catalogue.
    A page that shows other enti's figures is cached under it, so any change anywhere renders it
    anew. Four small queries: cheap beside the page it keys (measured in docs/confronto.md)."""
    import hashlib

    h = hashlib.sha256()
    for rows in (
        m.Piano.objects.order_by("pk").values_list("pk", "revisione", "valori_revisione"),
        m.Ciclo.objects.order_by("pk").values_list("pk", "stato"),
        m.Ente.objects.order_by("pk").values_list("pk", "attributi"),
        m.VoceCatalogo.objects.order_by("pk").values_list("pk", "codice", "nome", "unita", "polarita"),
    ):
        h.update(repr(list(rows)).encode())
    return h.hexdigest()[:16]


def _chiave(piano: m.Piano, anno: int) -> str:
    # The code's digest too: an entry holds engine objects (cf.VocePiano, Regole), and an upgrade
    # may change them or the rules that read them; after one, `manage.py confronto_prepara`.
    return f"confronto:{selectors._codice()}:{piano.pk}:{piano.revisione}:{piano.valori_revisione}:{anno}"


def _valori(piano: m.Piano, anno: int) -> list[cf.VocePiano]:
    """One plan's catalogue rows for ``anno`` (the computation the cache keeps): read as its own
    pages score it, with the year closed or not and its neutralisations (selectors.score)."""
    return cf.voci_piano(
        selectors.plan_for(piano),
        selectors.valori_for(piano, [anno]),
        anno,
        chiuso="" in selectors.closed_periods(piano, anno),
        neutralizzati=selectors.neutralizzati(piano.ente_id, anno),
    )


def _voci(plans: list[tuple[EnteConfronto, m.Piano]], anno: int) -> tuple[dict[str, list[cf.VocePiano]], int]:
    """Each plan's rows by cache key, from the cache, the missing ones computed and stored; and
    how many were computed."""
    keys = {_chiave(p, anno): p for _info, p in plans}
    found = cache.get_many(list(keys))
    computed = 0
    for key, p in keys.items():
        if key not in found:
            found[key] = _valori(p, anno)
            cache.set(key, found[key], timeout=KEEP)
            computed += 1
    return found, computed


def righe(anno: int) -> Righe:
    """Every ente's catalogue values of ``anno`` and their achievements (module docstring: the
    rows computed once per plan's revision, then from the cache; the achievements scored here,
    every ente's at once)."""
    plans = _piani_mostrati(anno)
    found, _computed = _voci(plans, anno)
    catalogo = {v.codice: v.polarita != "decrescente" for v in m.VoceCatalogo.objects.all()}
    rows_by_ente = [found[_chiave(p, anno)] for _info, p in plans]
    codes = sorted({r.catalogo for rows in rows_by_ente for r in rows if r.catalogo in catalogo})
    index = {c: k for k, c in enumerate(codes)}
    kept: list[cf.VocePiano] = []
    rows_code, rows_ente = [], []
    for e, rows in enumerate(rows_by_ente):
        for r in rows:
            if r.catalogo in index:  # a code not (or no longer) in the catalogue is not compared
                kept.append(r)
                rows_code.append(index[r.catalogo])
                rows_ente.append(e)
    achievement, state, scalar = cf.raggiungimenti(kept)
    return Righe(
        anno,
        [info for info, _p in plans],
        codes,
        [catalogo[c] for c in codes],
        np.array(rows_code, dtype=np.int64),
        np.array(rows_ente, dtype=np.int64),
        np.array([np.nan if r.valore is None else r.valore for r in kept], dtype=np.float64),
        achievement,
        state,
        scalar,
    )


def prepara(anno: int) -> int:
    """Fill the cache with every shown plan's rows of ``anno`` (`manage.py confronto_prepara`);
    returns how many were computed (0: all were there)."""
    return _voci(_piani_mostrati(anno), anno)[1]


def anni_con_piano(piani=None) -> list[int]:
    """Every year some plan covers (of ``piani``, a queryset of plans; all plans by default)."""
    years: set[int] = set()
    for anni in (m.Piano.objects if piani is None else piani).values_list("anni", flat=True):
        years.update(json.loads(anni) if isinstance(anni, str) else anni)
    return sorted(years)


def prepara_ente(ente_id: int) -> int:
    """The queue's job after a change of one ente's plan or values (performance/tasks.py): the
    rows of the plan shown for each year of its plans, computed now so that the next reader
    finds them. Idempotent: an entry already there (nothing changed since) is not computed
    again, so the job then costs a query and a cache look-up. Returns how many were computed."""
    if not m.VoceCatalogo.objects.exists():
        return 0  # an installation without a catalogue compares nothing
    ente = m.Ente.objects.filter(pk=ente_id).first()
    if ente is None:
        return 0
    done = 0
    for anno in anni_con_piano(ente.piani):
        piano = selectors.ente_and_plan(ente.codice, anno)[1]
        if piano is None:
            continue
        key = _chiave(piano, anno)
        if cache.get(key) is None:
            cache.set(key, _valori(piano, anno), timeout=KEEP)
            done += 1
    return done


def accoda_dopo_il_commit(ente_id: int) -> None:
    """After the transaction that changed one ente's plan or values commits, put its job on the
    queue (:func:`prepara_ente`, in the worker). Only with a shared cache (CRUSCOTTO_CACHE_URL):
    without one, each process keeps its own entries and the worker's would serve no page.
    Once per ente and transaction: a bulk entry of a hundred values queues one job."""
    if not settings.CRUSCOTTO_CACHE_URL:
        return
    from django.db import transaction

    pending = transaction.get_connection().__dict__.setdefault("_confronto_da_preparare", set())
    pending.add(ente_id)

    def enqueue() -> None:
        # The first callback of the commit queues the job; the ente's others find it gone. (A
        # rolled-back transaction leaves its id here: the next commit for that ente queues it.)
        if ente_id not in pending:
            return
        pending.discard(ente_id)
        if not m.VoceCatalogo.objects.exists():
            return  # an installation without a catalogue compares nothing: no job
        from .tasks import prepara_confronto

        prepara_confronto.enqueue(ente_id)

    transaction.on_commit(enqueue)


def cluster_di(ente: EnteConfronto, enti: list[EnteConfronto], attributi: list[str]) -> np.ndarray:
    """The enti sharing ``ente``'s value of every attribute in ``attributi`` (all of them when
    the list is empty: the whole installation)."""
    mine = {a: ente.attributi.get(a) for a in attributi}
    return np.array([all(e.attributi.get(a) == v for a, v in mine.items()) for e in enti], dtype=bool)


def confronto(ente: m.Ente, anno: int, attributi: list[str] | None = None) -> dict[str, Any]:
    """The ente's catalogue indicators of ``anno`` against its cluster's and everyone's.

    ``attributi``: what the cluster is formed by. By default the first of the installation's
    CRUSCOTTO_CONFRONTO_ATTRIBUTI the ente has a value for: for the chambers, the size class, as
    the seed's "media del cluster dimensionale". All of them at once make clusters too small to
    show (100 chambers in 4 classes × 12 regions × merged or not: 4 or fewer each, measured on
    the synthetic installation); the reader adds the others."""
    data = righe(anno)
    me = next((e for e in data.enti if e.pk == ente.pk), None)
    if attributi is None:
        attributi = [a for a in settings.CRUSCOTTO_CONFRONTO_ATTRIBUTI if me and me.attributi.get(a)][:1]
    if me is None:
        return {"anno": anno, "righe": [], "attributi": attributi, "cluster": {}, "enti": len(data.enti), "scalari": 0}
    mask = cluster_di(me, data.enti, attributi)
    index = data.enti.index(me)
    rows = cf.confronta(
        data.codici,
        data.crescente,
        data.codice,
        data.ente,
        data.valore,
        mask,
        index,
        minimo=settings.CRUSCOTTO_CONFRONTO_MINIMO,
        righe_raggiungimento=data.raggiungimento,
        righe_stato=data.stato,
        righe_scalare=data.scalare,
    )
    return {
        "anno": anno,
        "righe": rows,
        "attributi": attributi,
        "cluster": {a: me.attributi.get(a) for a in attributi},
        "enti": len(data.enti),
        "enti_cluster": int(mask.sum()),
        # of every ente's rows, how many the scalar engine scored (batch's rules do not cover them)
        "scalari": int(data.scalare.sum()),
    }


def valori_visibili(ente: m.Ente, anno: int, codice: str) -> list[dict[str, Any]]:
    """The values of one catalogue code across the enti, as ``ente`` may see them: its own and
    those of the enti that published the year, by name; the others without a name (for the
    chart of the indicator page, each dot an ente)."""
    data = righe(anno)
    if codice not in data.codici:
        return []
    k = data.codici.index(codice)
    out = []
    for i in np.flatnonzero(data.codice == k):
        value = data.valore[i]
        if np.isnan(value):
            continue
        e = data.enti[int(data.ente[i])]
        named = e.pk == ente.pk or e.pubblicato
        out.append(
            {
                "valore": float(value),
                "ente": e.nome if named else None,
                "proprio": e.pk == ente.pk,
            }
        )
    out.sort(key=lambda x: x["valore"])
    return out


@dataclass(frozen=True)
class MediaCalcolata:
    """A cluster average computed by cruscotto, standing in for the printed *media cluster*."""

    valore: float
    n: int  # enti of the cluster with a value
    anno: int
    calcolata_il: str  # dd/mm/yyyy


def medie_cluster(ente: m.Ente, piano: m.Piano, anni_indietro: int = 3) -> dict[str, MediaCalcolata]:
    """For each indicator of the plan that references the catalogue, the cluster's mean of the
    latest year before the plan's first with enough enti to show it (within ``anni_indietro``
    years): what the seed prints as "media cluster", here computed (docs/confronto.md)."""
    from django.utils import timezone

    plan = selectors.plan_for(piano)
    by_code = {i.catalogo: i.codice for i in plan.indicatori() if i.catalogo}
    if not by_code:
        return {}
    today = timezone.localdate().strftime("%d/%m/%Y")
    out: dict[str, MediaCalcolata] = {}
    first = min(piano.anni)
    for year in range(first - 1, first - 1 - anni_indietro, -1):
        for row in confronto(ente, year)["righe"]:
            code = by_code.get(row.codice)
            if code and code not in out and row.cluster is not None:
                out[code] = MediaCalcolata(row.cluster.media, row.cluster.n, year, today)
    return out
