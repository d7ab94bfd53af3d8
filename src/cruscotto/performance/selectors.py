"""Reads: the one place that turns database rows into engine values.

``plan_for`` rebuilds the engine ``Piano`` with a fixed number of queries
(one per table, whatever the plan size) and keeps it in a small in-process
cache keyed by the plan's ``revisione``, which every change bumps. With a
shared cache (``CRUSCOTTO_CACHE_URL``) the built plan and its scores are also
kept there, so that a process just started, or another machine, reads them
instead of building them again (``_condiviso``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache as _cache

from cruscotto.engine.lingua import in_lingua, lingua
from cruscotto.engine.model import Piano as EnginePiano
from cruscotto.engine.numbers import parse_value
from cruscotto.engine.rollup import RisultatoPiano, score_plan
from cruscotto.engine.scoring import Consuntivo as EngineConsuntivo
from cruscotto.engine.scoring import Valori
from cruscotto.files.native import plan_from_data

from . import models as m


def _drop_empty(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def plan_data(piano: m.Piano) -> dict:
    """The plan as native-file data (the same shape as a YAML plan file)."""
    prospettive = list(piano.prospettive.order_by("ordine"))
    linee = list(m.Linea.objects.filter(prospettiva__piano=piano).order_by("ordine"))
    oss = list(m.ObiettivoStrategico.objects.filter(linea__prospettiva__piano=piano).order_by("ordine"))
    oos = list(
        m.ObiettivoOperativo.objects.filter(obiettivo_strategico__linea__prospettiva__piano=piano).order_by("ordine")
    )
    inds = list(piano.indicatori.order_by("ordine"))
    # Structure lists keep the plan's order: read the link tables in insertion order.
    oo_str: dict[int, list[str]] = defaultdict(list)
    for oo_id, code in (
        m.ObiettivoOperativo.strutture.through.objects.filter(obiettivooperativo__in=oos)
        .order_by("id")
        .values_list("obiettivooperativo_id", "struttura__codice")
    ):
        oo_str[oo_id].append(code)
    ind_str: dict[int, list[str]] = defaultdict(list)
    for ind_id, code in (
        m.Indicatore.strutture.through.objects.filter(indicatore__piano=piano)
        .order_by("id")
        .values_list("indicatore_id", "struttura__codice")
    ):
        ind_str[ind_id].append(code)
    eventi = list(piano.eventi.order_by("pk"))
    strutture = list(piano.ente.strutture.select_related("padre").order_by("pk"))

    by_parent: dict[tuple[str, int], list] = defaultdict(list)
    for x in linee:
        by_parent[("p", x.prospettiva_id)].append(x)
    for x in oss:
        by_parent[("l", x.linea_id)].append(x)
    for x in oos:
        by_parent[("os", x.obiettivo_strategico_id)].append(x)
    for i in inds:
        key = ("oo", i.obiettivo_operativo_id) if i.obiettivo_operativo_id else ("osi", i.obiettivo_strategico_id)
        by_parent[key].append(i)

    def ind(i: m.Indicatore) -> dict:
        return _drop_empty(
            {
                "codice": i.codice,
                "nome": i.nome,
                "algoritmo": i.algoritmo,
                "formula": i.formula,
                "etichette": i.etichette,
                "polarita": i.polarita,
                "peso": i.peso_testo,
                "unita": i.unita,
                "tipologia": i.tipologia,
                "fonte": i.fonte,
                "strutture": ind_str[i.id],
                "cruscotto": i.cruscotto,
                "media_cluster": i.media_cluster,
                "storico": i.storico,
                "target": i.target,
                "milestones": i.milestones,
                "note": i.note,
                **i.extra,
            }
        )

    data = dict(piano.extra)
    data.update(
        {
            "formato": "cruscotto/piano@1",
            "ente": {"codice": piano.ente.codice, "nome": piano.ente.nome, "articolo": piano.ente.articolo},
            "piano": _drop_empty({"titolo": piano.titolo, "anni": piano.anni, "note": piano.note}),
            "regole": piano.regole,
            "strutture": [
                _drop_empty(
                    {"codice": s.codice, "nome": s.nome, "tipo": s.tipo, "padre": s.padre.codice if s.padre else None}
                )
                for s in strutture
            ],
            "eventi": [
                _drop_empty(
                    {
                        "codice": e.codice,
                        "nome": e.nome,
                        "data": e.data.strftime("%d/%m/%Y") if e.data else None,
                        "alias": e.alias,
                    }
                )
                for e in eventi
            ],
            "prospettive": [
                _drop_empty(
                    {
                        "codice": p.codice,
                        "nome": p.nome,
                        "peso": p.peso_testo,
                        "note": p.note,
                        **p.extra,
                        "linee": [
                            _drop_empty(
                                {
                                    "codice": ln.codice,
                                    "nome": ln.nome,
                                    "peso": ln.peso_testo,
                                    "benefici_attesi": ln.benefici_attesi,
                                    "note": ln.note,
                                    **ln.extra,
                                    "obiettivi_strategici": [
                                        _drop_empty(
                                            {
                                                "codice": o.codice,
                                                "nome": o.nome,
                                                "peso": o.peso_testo,
                                                "cause": o.cause,
                                                "note": o.note,
                                                **o.extra,
                                                "indicatori": [ind(i) for i in by_parent[("osi", o.id)]],
                                                "obiettivi_operativi": [
                                                    _drop_empty(
                                                        {
                                                            "codice": oo.codice,
                                                            "nome": oo.nome,
                                                            "peso": oo.peso_testo,
                                                            "cruscotto": oo.cruscotto,
                                                            "strutture": oo_str[oo.id],
                                                            "note": oo.note,
                                                            **oo.extra,
                                                            "indicatori": [ind(i) for i in by_parent[("oo", oo.id)]],
                                                        }
                                                    )
                                                    for oo in by_parent[("os", o.id)]
                                                ],
                                            }
                                        )
                                        for o in by_parent[("l", ln.id)]
                                    ],
                                }
                            )
                            for ln in by_parent[("p", p.id)]
                        ],
                    }
                )
                for p in prospettive
            ],
        }
    )
    return data


T = TypeVar("T")
# A week: a key holds a revision, so an entry is never stale, only unused once the data move on.
SHARED_KEEP = 7 * 24 * 3600


@lru_cache(maxsize=1)
def _codice() -> str:
    """A digest of the code that shapes what is kept in the shared cache (the engine's classes, the
    plan reader, this module): after an upgrade the old pickles are never read back into new
    classes, whatever the version number says."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted([*(root / "engine").glob("*.py"), *(root / "files").glob("*.py"), Path(__file__)]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def _condiviso(chiave: str, build: Callable[[], T]) -> T:
    """``build()``, kept in the shared cache under ``chiave`` when there is one.

    Measured on a plan of 5,000 indicators (docs/benchmarks-web.md): building the engine plan takes
    0.7 s and scoring it 0.2 s, reading both back 0.3 s; so a web process that starts answers its
    first page within the goal of issue 16. Without ``CRUSCOTTO_CACHE_URL`` the default cache is
    each process's own memory, where a copy (pickled on every write and read) would cost time and
    gain nothing: the in-process ``lru_cache`` above this is enough there.
    """
    if not settings.CRUSCOTTO_CACHE_URL:
        return build()
    key = f"motore:{_codice()}:{chiave}"
    found = _cache.get(key)
    if found is None:
        found = build()
        _cache.set(key, found, timeout=SHARED_KEEP)
    return found


@lru_cache(maxsize=32)
def _plan_cached(piano_id: int, revisione: str) -> EnginePiano:
    def build() -> EnginePiano:
        piano = m.Piano.objects.select_related("ente").get(pk=piano_id)
        # Our own rows, written through the same reader on import: no need to check the schema again.
        return plan_from_data(plan_data(piano), source=f"piano {piano_id}", check_schema=False)

    return _condiviso(f"piano:{piano_id}:{revisione}", build)


def plan_for(piano: m.Piano) -> EnginePiano:
    """The engine plan of a stored plan (cached until the plan changes)."""
    return _plan_cached(piano.pk, piano.revisione)


@lru_cache(maxsize=4096)
def _titolo_cached(piano_id: int, revisione: str, codice: str) -> tuple[str, str, str] | None:
    row = m.Indicatore.objects.filter(piano_id=piano_id, codice=codice).values_list("codice", "nome", "extra").first()
    if row is None:
        return None
    return row[0], row[1], str((row[2] or {}).get("catalogo") or "")


def indicatore_titolo(piano: m.Piano, codice: str) -> tuple[str, str, str] | None:
    """An indicator's code, name and catalogue code, or None if the plan has no such indicator:
    what the indicator page needs before its cached body, read from its row once per plan
    revision and process (a new process need not read the whole engine plan for it)."""
    return _titolo_cached(piano.pk, piano.revisione, codice)


def valori_for(piano: m.Piano, anni: list[int] | None = None) -> Valori:
    v = Valori()
    qs = piano.consuntivi.all()
    if anni:
        qs = qs.filter(anno__in=anni)
    rows = qs.values_list(
        "codice", "anno", "periodo", "valore", "nota", "sostituisce_formula", "causa_scostamento", "azioni_correttive"
    )
    for codice, anno, periodo, testo, nota, sostituisce, causa, azioni in rows:
        value = parse_value(testo)
        if value is not None:
            v.consuntivi[(codice, anno, periodo)] = EngineConsuntivo(value, nota, sostituisce, causa, azioni)
    mq = piano.ente.misure.all()
    if anni:
        mq = mq.filter(anno__in=anni)
    for nome, anno, valore in mq.values_list("nome", "anno", "valore"):
        v.misure[(nome, anno)] = valore
    return v


@lru_cache(maxsize=64)
def _score_cached(
    piano_id: int,
    revisione: str,
    valori_revisione: str,
    anno: int,
    as_of: date | None,
    validato: bool,
    periodo: str = "",
    chiuso: bool = False,
    lingua_motore: str = "it",
) -> RisultatoPiano:
    # ``valori_revisione`` is read by the caches only: a new token means new values (or a new state);
    # ``lingua_motore`` too: the result's traces and warnings are written in it (engine/lingua.py).
    def build() -> RisultatoPiano:
        piano = m.Piano.objects.select_related("ente").get(pk=piano_id)
        return score_plan(
            _plan_cached(piano_id, revisione),
            anno=anno,
            valori=valori_for(piano, [anno]),
            as_of=as_of,
            validato=validato,
            periodo=periodo,
            neutralizzati=neutralizzati(piano.ente_id, anno),
            chiuso=chiuso,
        )

    chiave = f"punteggi:{piano_id}:{revisione}:{valori_revisione}:{anno}:{as_of}:{validato:d}:{periodo}:{chiuso:d}"
    return _condiviso(f"{chiave}:{lingua_motore}", build)


def closed_periods(piano: m.Piano, anno: int) -> frozenset[str]:
    """The periods of ``anno`` closed for this plan's ente ("" is the whole year), once per request
    and plan object: with them the missing-data rule ``zero_a_consuntivo`` counts a missing value 0."""
    memo = piano.__dict__.setdefault("_chiusi", {})
    if anno not in memo:
        memo[anno] = frozenset(
            m.PeriodoChiuso.objects.filter(ente_id=piano.ente_id, anno=anno).values_list("periodo", flat=True)
        )
    return memo[anno]


def neutralizzati(ente_id: int, anno: int) -> dict[tuple[str, str], str]:
    """The year's recorded neutralisations, as the engine takes them: (level, code) -> the decision."""
    rows = m.Neutralizzazione.objects.filter(ente_id=ente_id, anno=anno, revocata_il=None)
    return {(n.livello, n.codice): n.testo() for n in rows}


def validated(piano: m.Piano, anno: int) -> bool:
    """Has the OIV validated the results of ``anno`` (the cycle of that year, if any)?"""
    cached = getattr(piano, "_validati", None)
    if cached is not None:
        return anno in cached
    return m.Ciclo.objects.filter(
        ente_id=piano.ente_id, anno=anno, stato__in=(m.Ciclo.Stato.VALIDATO, m.Ciclo.Stato.PUBBLICATO)
    ).exists()


def score(
    piano: m.Piano, anno: int, *, as_of: date | None = None, valori: Valori | None = None, periodo: str = ""
) -> RisultatoPiano:
    """Score a stored plan for a year (or a period of it: ``S1`` ...) with its stored values (or
    the given ones, for what-if).

    With stored values the result is cached per process until the plan or the
    values change (a result is immutable, so sharing it is safe).
    """
    if valori is not None:
        return score_plan(
            plan_for(piano),
            anno=anno,
            valori=valori,
            as_of=as_of,
            validato=validated(piano, anno),
            periodo=periodo,
            neutralizzati=neutralizzati(piano.ente_id, anno),
            chiuso=periodo in closed_periods(piano, anno),
        )
    return _score_cached(
        piano.pk,
        piano.revisione,
        piano.valori_revisione,
        anno,
        as_of,
        validated(piano, anno),
        periodo,
        periodo in closed_periods(piano, anno),
        lingua(),
    )


def current_plan(ente: m.Ente, anno: int | None = None) -> m.Piano | None:
    """The version shown for ``anno`` (see ``ente_and_plan``); without a year, for the first
    year of the ente's latest cycle."""
    if anno is None:
        anno = ente.cicli.order_by("-anno").values_list("anno", flat=True).first()
        if anno is None:
            return None
    return ente_and_plan(ente.codice, anno)[1]


_PLAN_FIELDS = (
    "id",
    "ente_id",
    "titolo",
    "anni",
    "note",
    "versione",
    "revisione",
    "valori_revisione",
    "ciclo_id",
    "stato_versione",
)


@lru_cache(maxsize=4)
def _ente_plans_sql(vendor: str) -> str:
    # Every page asks this: the SQL is made by the ORM once per process (building the query
    # costs twice as much as running it), then run with each request's code.
    qs = (
        m.Piano.objects.filter(ente__codice="")
        .order_by("-versione", "-id")
        .values_list(*_PLAN_FIELDS, "ciclo__anno", "ciclo__stato", "ente__codice", "ente__nome")
    )
    sql, params = qs.query.sql_with_params()
    assert params == ("",), params
    return sql


def _shown(rows: list[tuple], anno: int) -> tuple | None:
    """The version pages show for ``anno``: of the latest cycle whose plan covers the year,
    the version in force; before any adoption, the latest draft."""
    n = len(_PLAN_FIELDS)
    covering = [r for r in rows if anno in r[3] and r[9] != m.Piano.StatoVersione.SUPERATA]
    if not covering:
        return None
    latest = max((r[n] or 0) for r in covering)
    cycle = [r for r in covering if (r[n] or 0) == latest]
    return next((r for r in cycle if r[9] == m.Piano.StatoVersione.IN_VIGORE), None) or max(
        cycle, key=lambda r: (r[5], r[0])
    )


def ente_and_plan(codice: str, anno: int) -> tuple[m.Ente | None, m.Piano | None]:
    """The ente with this code and the version of its plan shown for ``anno``, in one query.

    The plan comes without its large JSON columns (``extra``, ``regole``) and its creation
    time, deferred: they are read from the database if something asks for them. It knows
    which years of the ente the OIV has validated (``validated``), from the same query.
    """
    import json

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(_ente_plans_sql(connection.vendor), [codice])
        rows = [(r[0], r[1], r[2], json.loads(r[3]) if isinstance(r[3], str) else r[3], *r[4:]) for r in cur.fetchall()]
    if not rows:
        return m.Ente.objects.filter(codice=codice).first(), None
    n = len(_PLAN_FIELDS)
    ente = m.Ente.from_db("default", ["id", "codice", "nome"], [rows[0][1], rows[0][-2], rows[0][-1]])
    row = _shown(rows, anno)
    if row is None:
        return ente, None
    # from_db takes the values in the model's field order, whatever the names' order.
    values = dict(zip(_PLAN_FIELDS, row[:n]))
    names = [f.attname for f in m.Piano._meta.concrete_fields if f.attname in values]
    chosen = m.Piano.from_db("default", names, [values[k] for k in names])
    chosen.ente = ente
    chosen._validati = {r[n] for r in rows if r[n + 1] in (m.Ciclo.Stato.VALIDATO, m.Ciclo.Stato.PUBBLICATO)}
    chosen._ciclo_stato = row[n + 1]
    return ente, chosen


def resources(ente: m.Ente, anno: int) -> dict:
    """The budget tables of ``anno`` (the plan's first year), the staff register and the context data,
    as engine values, for the documents (``bilancio=None``, ``personale=None``, ``contesto=None``
    where the ente has none)."""
    return {"bilancio": bilancio(ente, anno), "personale": registro(ente), "contesto": contesto(ente)}


def registro(ente: m.Ente):
    """The ente's staff register as engine records; None where it has none."""
    from cruscotto.engine.personale import registro_from_data

    staff = m.Personale.objects.filter(ente=ente).values_list("dati", flat=True).first()
    return registro_from_data(staff) if staff else None


STAFF_TOTALS = ("totale_ruolo", "dirigenti", "non_di_ruolo", "totale")


def structure_names(strutture) -> dict[str, str]:
    """Code → name of an ente's structures (rows or the engine's), and the transversal code in
    words: the pages name structures, never by code (issue 14)."""
    from django.utils.translation import gettext as _

    from .permissions import TRASVERSALE

    return {s.codice: s.nome for s in strutture} | {TRASVERSALE: _("tutte le strutture")}


def staff_composition(registro) -> tuple[list[int], list[tuple[str, list]]]:
    """The staff composition of every year of the register, for the staff page and the API alike:
    the years, and one row per line of the table (each category, then the in-role total, the
    managers, the staff not in role, the grand total), each with its engine ``Riga`` per year."""
    from cruscotto.engine import personale as pe

    years = pe.anni(registro)
    comps = [pe.composizione(registro, y) for y in years]
    rows = [(cat, [c.categoria(cat) for c in comps]) for cat in pe.CATEGORIE]
    rows += [(key, [getattr(c, key) for c in comps]) for key in STAFF_TOTALS]
    return years, rows


def bilancio(ente: m.Ente, anno: int):
    """The budget tables of ``anno`` as engine values, with the ente's base measures (the ratios'
    inputs); None where the year has no tables."""
    import dataclasses

    from cruscotto.engine.bilancio import bilancio_from_data

    data = m.Bilancio.objects.filter(ente=ente, anno=anno).values_list("dati", flat=True).first()
    return dataclasses.replace(bilancio_from_data(data), misure=misure(ente)) if data else None


def bilancio_controlli(ente: m.Ente, anno: int, tables=None) -> list:
    """Every check of the year's budget tables, with the ente's measures and the year's plan
    (for the indicators that print a ratio again): the same findings on the page, in the API,
    in the documents and in the audit trail."""
    from cruscotto.engine.bilancio import check_bilancio

    tables = tables or bilancio(ente, anno)
    if tables is None:
        return []
    piano = current_plan(ente, anno)
    return check_bilancio(tables, piano=plan_for(piano) if piano else None)


def contesto(ente: m.Ente):
    """The ente's context data as engine values (None where it has none)."""
    from cruscotto.engine.contesto import contesto_from_data

    data = m.Contesto.objects.filter(ente=ente).values_list("dati", flat=True).first()
    return contesto_from_data(data) if data else None


def misure(ente: m.Ente) -> dict[tuple[str, int], float]:
    """Every base measure of the ente, by (name, year): the inputs of its ratios."""
    return {(n, a): v for n, a, v in m.Misura.objects.filter(ente=ente).values_list("nome", "anno", "valore")}


def document_inputs(ente: m.Ente, piano: m.Piano, anno: int, kind: str, periodo: str = "S1"):
    """What document ``kind`` of ``anno`` is made of (documents/build.py), read from the database.
    In Italian, as the documents are, whatever the language of the page that asked: the result's
    traces and warnings are the engine's, written in the engine's current language."""
    with in_lingua("it"):
        return _document_inputs(ente, piano, anno, kind, periodo)


def _document_inputs(ente: m.Ente, piano: m.Piano, anno: int, kind: str, periodo: str):
    from cruscotto.documents.build import Inputs

    from . import ciclo as lifecycle
    from . import confronto, valutazioni

    validation = lifecycle.validation_inputs(ente, anno, piano) if kind == "validazione" else None
    return Inputs(
        piano=plan_for(piano),
        anno=anno,
        valori=valori_for(piano, [anno]),
        result=score(piano, anno),
        periodo=periodo,
        example_data=ente.dati_di_esempio,
        validazione=validation,
        neutralizzati=neutralizzati(ente.pk, anno),
        chiusi=closed_periods(piano, anno),
        soglia_riservatezza=settings.CRUSCOTTO_SOGLIA_RISERVATEZZA,
        redazione=lifecycle.redazione(ente, piano, anno) if kind == "relazione" else None,
        valutazione=valutazioni.pubblicazione(ente, anno, settings.CRUSCOTTO_SOGLIA_RISERVATEZZA)
        if kind in ("relazione", "opendata")
        else None,
        medie_cluster=confronto.medie_cluster(ente, piano) if kind == "piano" else {},
        confronto=tuple(confronto.confronto(ente, anno)["righe"]) if kind == "opendata" else (),
        piao=piao_documento(ente, anno) if kind in ("piao", "opendata") else None,
        **resources(ente, min(piano.anni)),
    )


def piao_documento(ente: m.Ente, anno: int):
    """The PIAO as its document and the open data read it (documents/piao.DatiPiao); None when
    the ente has no PIAO of ``anno``."""
    from django.utils.translation import override

    from cruscotto.documents.piao import DatiPiao
    from cruscotto.engine.valore_pubblico import valore_pubblico_from_data

    from . import piao

    p = piao.piao_di(ente, anno)
    if p is None:
        return None
    b = piao.base3(ente, anno)  # read once: section 3, the checks and the simplified PIAO share it
    with override("it"):  # the labels as the document prints them, whoever asked
        verifiche = tuple((v.testo, v.esito, v.dettaglio) for v in piao.verifiche_portale(ente, anno, b))
        anagrafica = tuple((str(label), ente.anagrafica[k]) for k, label in piao.ANAGRAFICA if ente.anagrafica.get(k))
    registro, row = piao.registro(p)
    obblighi, row_t = piao.obblighi(p)
    monitorate = (
        piao.monitorate(piao.misure_monitorate(p, registro, piao.contesto23(ente, anno).regole))
        if registro is not None
        else ()
    )
    stati = tuple((o, st) for o, st, _p in piao.stati_obblighi(p, obblighi)[0]) if obblighi is not None else ()
    rows = {r.sezione: r for r in p.sezioni.all()}
    vp = rows.get(piao.VALORE_PUBBLICO)
    # A published document: the breakdowns with counts that name people are left out (tutto=False).
    s3 = piao.sezione3(b, rows, settings.CRUSCOTTO_SOGLIA_RISERVATEZZA, tutto=False)
    prima, cambi = piao.cambi23(ente, anno)
    return DatiPiao(
        registro=registro,
        obblighi=obblighi,
        inventata=any(r is not None and r.inventata for r in (row, row_t)),
        cambi=tuple(cambi) if cambi is not None else None,
        anno_prima=prima.anno if prima is not None else None,
        monitorate=monitorate,
        stati=stati,
        anagrafica=anagrafica,
        valore_pubblico=valore_pubblico_from_data(vp.dati["obiettivi"]) if vp is not None else None,
        sezione3=s3,
        anno_base=b.anno,
        inventate=frozenset(k for k, r in rows.items() if r.inventata),
        verifiche=verifiche,
        semplificato=piao.semplificato(b),
        dipendenti=piao.dipendenti(b),
    )


def assignments(plan: EnginePiano) -> dict[tuple[str, str], dict]:
    """What the plan gives each level above the indicators, by (level, code): its resources
    (euro) and, for objectives, its responsible structures with their shares (None: no share)."""
    levels: list[tuple[str, Any]] = [("ambito", x) for x in plan.ambiti] + [
        ("prospettiva", x) for x in plan.prospettive
    ]
    levels += [("linea", x) for x in plan.linee()] + [("obiettivo_strategico", x) for x in plan.obiettivi_strategici()]
    levels += [("obiettivo_operativo", x) for x in plan.obiettivi_operativi()]
    return {
        (kind, x.codice): {
            "risorse": x.risorse.valore if x.risorse is not None else None,
            "strutture": {s: getattr(x, "quote", {}).get(s) for s in getattr(x, "strutture", ())},
        }
        for kind, x in levels
    }


# --- the areas: which indicators are a structure's, and its share of each ------------------


def area_codes(strutture, code: str) -> set[str]:
    """A structure, the structures under it, and the transversal ones: whose indicators are its."""
    out = {code}
    changed = True
    while changed:
        changed = False
        for s in strutture:
            if s.padre_id and s.padre.codice in out and s.codice not in out:
                out.add(s.codice)
                changed = True
    return out | {"TRASVERSALE"}


def area_share(quote: dict[str, float], codes: set[str]) -> float | None:
    """The area's share of an indicator shared among structures ("PROMOZIONE (60%)"), given on
    the indicator or on its objective (Piano.responsabili); None when not given."""
    if not quote:
        return None
    return sum(q for code, q in quote.items() if code in codes)


def area_shares(plan: EnginePiano, strutture, code: str, assigned=None) -> dict[str, float | None]:
    """The indicators of structure ``code`` with its share of each: what its figure is the mean of
    (engine rollup.area_figure), for the area pages and the evaluation's ``area`` section."""
    assigned = assigned if assigned is not None else plan.responsabili()
    codes = area_codes(strutture, code)
    return {
        i.codice: area_share(assigned[i.codice][1], codes)
        for i in plan.indicatori()
        if set(assigned[i.codice][0]) & codes
    }
