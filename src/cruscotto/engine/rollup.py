"""Scoring a whole plan: indicators, the roll-up of the tree, scorecards, fund.

Roll-up rule (DOMAIN.md): every node is the weighted mean of its children
that have data; weights default to equal, are normalised over the children
with data, and a set that does not sum to 100% is reported, never fixed.
Children without data are left out and listed in the node's trace.

Scope: the entity figure is the *cruscotto di ente*. Children marked
``cruscotto: area`` (cascading-only objectives and indicators, seed 3.3) are
scored and shown, but do not enter the roll-up of an ``ente`` node.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from . import display
from .lingua import N_, Testi, _, ngettext
from .model import (
    Ambito,
    Cruscotto,
    Fondo,
    Indicatore,
    LineaStrategica,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Prospettiva,
    Regole,
    SchedaIndividuale,
)
from .scoring import (
    STATO_TESTO,
    RisultatoIndicatore,
    Stato,
    Valori,
    fmt,
    score_indicator,
    score_one,
    status_for,
    status_text,
)
from .utilizzo import misure_per_formule

REMAINDER_EPSILON = 1e-9
LEVELS = ("prospettiva", "linea", "obiettivo_strategico", "obiettivo_operativo")
# The missing-data rule in force, as the entity's trace states it: (the plan's rule, the rule
# in force) -> the words (Regole.mancanti, docs/scoring.md).
MISSING_TEXT: Testi[tuple[str, str]] = Testi(
    {
        ("zero_a_consuntivo", "escludi"): N_("dati mancanti: esclusi dal calcolo finché il periodo è aperto"),
        ("zero_a_consuntivo", "zero"): N_("dati mancanti: contano 0, periodo chiuso (salvo neutralizzazione)"),
        ("escludi", "escludi"): N_("dati mancanti: esclusi dal calcolo (regola del piano)"),
        ("zero", "zero"): N_("dati mancanti: contano 0 (regola del piano)"),
    }
)

# A node of the tree that rolls up, with the indicators at its leaves (the level names its type).
Nodo = Prospettiva | LineaStrategica | ObiettivoStrategico | ObiettivoOperativo | Indicatore


@dataclass(frozen=True, slots=True)
class Pesata:
    """One child in a weighted mean."""

    codice: str
    tipo: str
    peso: float | None
    achievement: float | None
    stato: Stato


def effective_weights(pesi: Sequence[float | None], where: str) -> tuple[list[float], list[str]]:
    """Weights to use and the warnings about them.

    All missing -> equal. Some missing -> the missing ones share what is left
    to 100 (warned). Given weights not summing to 100 -> warned, used as they
    are (the mean normalises them).
    """
    warnings: list[str] = []
    if not pesi:
        return [], warnings
    if all(p is None for p in pesi):
        return [1.0] * len(pesi), warnings
    given = sum(p for p in pesi if p is not None)
    missing = sum(1 for p in pesi if p is None)
    if missing:
        # Below a billionth of a point the remainder is float noise, not a weight
        # (37.9 + 38.8 + 23.3 may add up to 99.99999999999999).
        rest = 100.0 - given
        share = (rest if rest > REMAINDER_EPSILON else 0.0) / missing
        warnings.append(
            ngettext(
                "{where}: {n} peso mancante: gli si attribuisce il residuo, {quota}%",
                "{where}: {n} pesi mancanti: si attribuisce il residuo, {quota}% ciascuno",
                missing,
            ).format(where=where, n=missing, quota=fmt(share))
        )
        return [p if p is not None else share for p in pesi], warnings
    if abs(given - 100.0) > 1e-6:
        warnings.append(
            _("{where}: i pesi sommano {given} invece che al 100%").format(
                where=where, given=display.al(fmt(given) + "%")
            )
        )
    return [float(p) for p in pesi if p is not None], warnings  # all given: no weight is missing here


def weighted_mean(
    children: Sequence[Pesata], where: str, regole: Regole
) -> tuple[float | None, Stato, dict[str, Any], list[str]]:
    weights, warnings = effective_weights([c.peso for c in children], where)
    included: list[dict[str, Any]] = []
    excluded: list[dict[str, Any]] = []
    num = den = 0.0
    for c, w in zip(children, weights):
        row: dict[str, Any] = {
            "codice": c.codice,
            "tipo": c.tipo,
            "peso": c.peso,
            "peso_usato": w,
            "achievement": c.achievement,
            "stato": c.stato.value,
        }
        if c.achievement is None:
            excluded.append(row)
            continue
        num += w * c.achievement
        den += w
        included.append(row)
    for row in included:
        row["peso_normalizzato"] = row["peso_usato"] / den * 100.0 if den else None
    trace: dict[str, Any] = {"figli": included, "esclusi": excluded, "avvisi": list(warnings)}
    if not included or den == 0:
        pending = any(c.stato is Stato.IN_ATTESA for c in children)
        stato = Stato.IN_ATTESA if pending and not included else Stato.SENZA_DATI
        trace["calcolo"] = _("nessun figlio con dati") if not included else _("pesi dei figli con dati tutti nulli")
        return None, stato, trace, warnings
    a = num / den
    terms = " + ".join(f"{fmt(r['peso_usato'])} × {fmt(r['achievement'])}" for r in included)
    trace["calcolo"] = f"({terms}) / {fmt(den)} = {fmt(a)}"
    stato = status_for(a, regole)
    trace["stato"] = status_text(a, stato, regole)
    return a, stato, trace, warnings


@dataclass(frozen=True, slots=True)
class Copertura:
    """How many of the indicators under a figure it was computed on (DOMAIN.md, "Never silent").

    Counted over the indicators that roll up into the figure (the scope rule): *valutati*
    have an achievement; *non valutabili* have a value but no readable target or base
    (with the reason in their trace); *senza dati* have no value; *in attesa* wait for an
    event or a deadline; *baseline* are building the base of later targets.
    """

    totale: int = 0
    valutati: int = 0
    non_valutabili: int = 0
    senza_dati: int = 0
    in_attesa: int = 0
    baseline: int = 0
    neutralizzati: int = 0  # left out by a recorded decision (docs/scoring.md, "Neutralizzazione")

    @classmethod
    def of(cls, stato: Stato, achievement: float | None) -> Copertura:
        if achievement is not None:
            return cls(1, valutati=1)
        return cls(
            1,
            non_valutabili=int(stato is Stato.NON_VALUTABILE),
            senza_dati=int(stato is Stato.SENZA_DATI),
            in_attesa=int(stato is Stato.IN_ATTESA),
            baseline=int(stato is Stato.BASELINE),
            neutralizzati=int(stato is Stato.NEUTRALIZZATO),
        )

    def __add__(self, other: Copertura) -> Copertura:
        return Copertura(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple())))

    def as_tuple(self) -> tuple[int, ...]:
        return (
            self.totale,
            self.valutati,
            self.non_valutabili,
            self.senza_dati,
            self.in_attesa,
            self.baseline,
            self.neutralizzati,
        )

    @property
    def con_dati(self) -> int:
        """Indicators with a value: scored, or not scorable, or building a baseline."""
        return self.valutati + self.non_valutabili + self.baseline

    @property
    def completa(self) -> bool:
        return self.valutati == self.totale

    def as_dict(self) -> dict[str, int | str]:
        return {
            "totale": self.totale,
            "valutati": self.valutati,
            "con_dati": self.con_dati,
            "non_valutabili": self.non_valutabili,
            "senza_dati": self.senza_dati,
            "in_attesa": self.in_attesa,
            "baseline": self.baseline,
            "neutralizzati": self.neutralizzati,
            "testo": self.testo(),
        }

    def testo(self) -> str:
        """ "11 indicatori valutati su 37 con dati, 26 non valutabili, 4 senza dati" (only what is there)."""
        if self.totale == 0:
            return _("nessun indicatore")
        if self.completa:
            return ngettext(
                "{n} indicatore valutato su {totale}: tutti",
                "{n} indicatori valutati su {totale}: tutti",
                self.valutati,
            ).format(n=self.valutati, totale=self.totale)
        parts = [
            ngettext(
                "{n} indicatore valutato su {con_dati} con dati",
                "{n} indicatori valutati su {con_dati} con dati",
                self.valutati,
            ).format(n=self.valutati, con_dati=self.con_dati)
        ]
        n = self.non_valutabili
        if n:
            parts.append(ngettext("{n} non valutabile", "{n} non valutabili", n).format(n=n))
        if n := self.baseline:
            parts.append(_("{n} in costruzione della baseline").format(n=n))
        if n := self.senza_dati:
            parts.append(_("{n} senza dati").format(n=n))
        if n := self.in_attesa:
            parts.append(_("{n} in attesa").format(n=n))
        if n := self.neutralizzati:
            parts.append(ngettext("{n} neutralizzato", "{n} neutralizzati", n).format(n=n))
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class RisultatoNodo:
    codice: str
    livello: str
    nome: str
    achievement: float | None
    stato: Stato
    trace: dict[str, Any]
    cruscotto: str = "ente"
    padre: str | None = None  # "livello:codice" of the parent, for drawing the tree
    copertura: Copertura = Copertura()


@dataclass(frozen=True, slots=True)
class RisultatoScheda:
    codice: str
    nome: str
    anno: int
    achievement: float | None
    stato: Stato
    sezioni: tuple[dict[str, Any], ...]
    trace: dict[str, Any]
    copertura: Copertura = Copertura()  # over the scorecard's items


@dataclass(frozen=True, slots=True)
class RisultatoFondo:
    nome: str
    anno: int
    importo_massimo: float
    importo: float
    quota: float | None  # mean achievement of the projects, 0..100
    progetti: tuple[dict[str, Any], ...]
    trace: dict[str, Any]
    provvisorio: bool = True  # until the OIV validates the Relazione


@dataclass(frozen=True, slots=True)
class RisultatoPiano:
    anno: int
    as_of: date
    achievement: float | None
    stato: Stato
    entity_trace: dict[str, Any]
    nodi: tuple[RisultatoNodo, ...]
    indicatori: tuple[RisultatoIndicatore, ...]
    schede: tuple[RisultatoScheda, ...] = ()
    fondo: RisultatoFondo | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    copertura: Copertura = Copertura()  # of the entity figure

    def nodo(self, livello: str, codice: str) -> RisultatoNodo | None:
        for n in self.nodi:
            if n.livello == livello and n.codice == codice:
                return n
        return None

    def indicatore(self, codice: str) -> RisultatoIndicatore | None:
        for r in self.indicatori:
            if r.codice == codice:
                return r
        return None


def children_of(level: str, obj: Nodo) -> list[tuple[str, Nodo]]:
    """The children of a tree node, as (level, object); indicators first, as printed."""
    # The asserts tell the type checker what the level says (each level is one type).
    if level == "prospettiva":
        assert isinstance(obj, Prospettiva)
        return [("linea", x) for x in obj.linee]
    if level == "linea":
        assert isinstance(obj, LineaStrategica)
        return [("obiettivo_strategico", x) for x in obj.obiettivi_strategici]
    if level == "obiettivo_strategico":
        assert isinstance(obj, ObiettivoStrategico)
        out: list[tuple[str, Nodo]] = [("indicatore", i) for i in obj.indicatori]
        return out + [("obiettivo_operativo", x) for x in obj.obiettivi_operativi]
    if level == "obiettivo_operativo":
        assert isinstance(obj, ObiettivoOperativo)
        return [("indicatore", i) for i in obj.indicatori]
    return []


def scope_of(level: str, obj: Nodo, memo: dict[int, Cruscotto] | None = None) -> Cruscotto:
    """A node belongs to the cruscotto di ente when it is declared so and has an ente child.

    Lines and objectives made only of cascading (area) objectives, such as the
    seed's lines C and F, are area nodes: scored, shown, kept out of the entity.
    ``memo`` (keyed by object identity) spares recomputing subtrees in a walk.
    """
    if level == "indicatore":
        assert isinstance(obj, Indicatore)
        return obj.cruscotto
    if memo is not None and id(obj) in memo:
        return memo[id(obj)]
    declared: Cruscotto = getattr(obj, "cruscotto", Cruscotto.ENTE)  # only some levels declare one
    kids = children_of(level, obj)
    if declared is Cruscotto.AREA or not kids:
        scope = declared
    else:
        scope = Cruscotto.ENTE if any(scope_of(lv, c, memo) is Cruscotto.ENTE for lv, c in kids) else Cruscotto.AREA
    if memo is not None:
        memo[id(obj)] = scope
    return scope


def in_scope(parent: Cruscotto, child: Cruscotto) -> bool:
    """An ente node rolls up only ente children; an area node rolls up all of its children."""
    return parent is Cruscotto.AREA or child is Cruscotto.ENTE


def score_plan(
    piano: Piano,
    *,
    anno: int,
    valori: Valori | None = None,
    as_of: date | None = None,
    eventi: Mapping[str, date | None] | None = None,
    periodo: str = "",
    on_progress: Callable[[int, int], None] | None = None,
    validato: bool = False,
    neutralizzati: Mapping[tuple[str, str], str] | None = None,
    chiuso: bool = False,
) -> RisultatoPiano:
    """Score the plan for one year.

    ``as_of`` is the reference date for deadlines (default: 31 December of
    ``anno``); ``eventi`` overrides event dates of the plan (e.g. T0).
    ``on_progress(done, total)`` is called every few hundred indicators, for
    a progress bar on large plans. ``validato``: the OIV has validated the
    year's results, so the fund's amount is no longer provisional.
    ``neutralizzati`` maps (level, code) — ``("indicatore", "B.2.1-1")``, ``("obiettivo_operativo",
    "B.2.1")`` — to the recorded decision that leaves it out of the score (docs/scoring.md).
    ``chiuso``: the year (or ``periodo``) is closed, so that under ``dati_mancanti:
    zero_a_consuntivo`` a missing value counts 0 (docs/scoring.md, "Missing data").
    """
    valori = valori or Valori()
    as_of = as_of or date(anno, 12, 31)
    ev = piano.date_eventi()
    if eventi:
        ev.update(eventi)
    # One missing-data rule for everything below (indicators, objectives, areas, scorecards,
    # the fund): resolved here once, from the plan's rule and whether the year is closed.
    regole = replace(piano.regole, dati_mancanti=piano.regole.mancanti(chiuso))
    walk = _Walk(
        piano, anno=anno, valori=valori, eventi=ev, as_of=as_of, periodo=periodo, on_progress=on_progress, regole=regole
    )
    walk.neutralizzati = dict(neutralizzati or {})
    persp_children = []
    entity_coverage = Copertura()
    # The top of the tree: the ambiti (a fifth level, when the plan has one), each the mean of
    # its perspectives, and the perspectives in none.
    grouped = piano.ambito_di()
    tops: list[tuple[str, Nodo | Ambito]] = [("ambito", a) for a in piano.ambiti]
    tops += [("prospettiva", p) for p in piano.prospettive if p.codice not in grouped]
    for level, top in tops:
        pesata, scope, coverage, _leaves = walk.visit(level, top, None)
        if scope is Cruscotto.ENTE:
            persp_children.append(pesata)
            entity_coverage = entity_coverage + coverage

    if on_progress:
        on_progress(len(walk.ind_results), walk.total)
    warnings = walk.warnings
    # regole.ente = obiettivi: the entity is the mean of its strategic objectives, whatever
    # perspective and line they sit in (the perspectives then carry no weight).
    a, stato, entity_trace, w = weighted_mean(
        walk.objectives if regole.ente == "obiettivi" else persp_children, "ente", regole
    )
    warnings.extend(w)
    entity_trace["copertura"] = entity_coverage.as_dict()
    entity_trace["dati_mancanti"] = MISSING_TEXT[(piano.regole.dati_mancanti, regole.dati_mancanti)]

    schede = tuple(
        score_scheda(
            s,
            ind_results=walk.ind_results,
            valori=valori,
            eventi=ev,
            as_of=as_of,
            regole=regole,
            periodo=periodo,
            warnings=warnings,
        )
        for s in piano.schede_individuali
        if s.anno == anno
    )
    fondo = None
    if piano.fondo is not None and piano.fondo.anno == anno:
        fondo = score_fondo(piano.fondo, walk.ind_results, warnings, mancanti=regole.dati_mancanti)
        if validato:
            fondo = replace(fondo, provvisorio=False)

    return RisultatoPiano(
        anno=anno,
        as_of=as_of,
        achievement=a,
        stato=stato,
        entity_trace=entity_trace,
        nodi=tuple(n for n in walk.nodes if n is not None),  # every place is filled by now
        indicatori=tuple(walk.ind_results.values()),
        schede=schede,
        fondo=fondo,
        warnings=tuple(dict.fromkeys(warnings)),
        copertura=entity_coverage,
    )


class _Walk:
    """One walk down the tree for :func:`score_plan`: each indicator scored once, each node the
    weighted mean of its children in scope, in the order the pages list them (parents first)."""

    def __init__(
        self,
        piano: Piano,
        *,
        anno: int,
        valori: Valori,
        eventi: dict[str, date | None],
        as_of: date,
        periodo: str,
        on_progress: Callable[[int, int], None] | None,
        regole: Regole,
    ):
        self.piano, self.anno, self.valori, self.eventi, self.as_of = piano, anno, valori, eventi, as_of
        self.periodo, self.on_progress, self.regole = periodo, on_progress, regole
        self.warnings: list[str] = []
        self.misure_anno = misure_per_formule(piano, valori.misure_anno(anno), anno)
        self.ind_results: dict[str, RisultatoIndicatore] = {}
        self.nodes: list[RisultatoNodo | None] = []  # None: a parent's place, filled once its children are scored
        self.total = sum(1 for _i in piano.indicatori()) if on_progress else 0
        self.scopes: dict[int, Cruscotto] = {}
        # The strategic objectives of the cruscotto di ente (regole.ente = obiettivi).
        self.objectives: list[Pesata] = []
        self.by_code = {p.codice: p for p in piano.prospettive}
        self.neutralizzati: dict[tuple[str, str], str] = {}

    def ind(self, i: Indicatore) -> RisultatoIndicatore:
        r, w = score_indicator(
            i,
            anno=self.anno,
            valori=self.valori,
            eventi=self.eventi,
            as_of=self.as_of,
            regole=self.regole,
            periodo=self.periodo,
            misure_anno=self.misure_anno,
        )
        self.warnings.extend(w)
        decision = self.neutralizzati.get(("indicatore", i.codice))
        if decision is not None:
            r = _neutralised(r, decision)
        self.ind_results[i.codice] = r
        if self.on_progress and len(self.ind_results) % 250 == 0:
            self.on_progress(len(self.ind_results), self.total)
        return r

    def kids_of(self, level: str, obj: Nodo | Ambito) -> list[tuple[str, Nodo]]:
        # An ambito names its perspectives by code (model.Ambito); every other node holds its children.
        if isinstance(obj, Ambito):
            return [("prospettiva", self.by_code[c]) for c in obj.prospettive if c in self.by_code]
        return children_of(level, obj)

    def scope(self, level: str, obj: Nodo | Ambito, kids: list[tuple[str, Nodo]]) -> Cruscotto:
        if isinstance(obj, Ambito):  # an ambito is an ente node when any of its perspectives is
            ente = not kids or any(scope_of(lv, k, self.scopes) is Cruscotto.ENTE for lv, k in kids)
            return Cruscotto.ENTE if ente else Cruscotto.AREA
        return scope_of(level, obj, self.scopes)

    def visit(
        self, level: str, obj: Nodo | Ambito, padre: str | None
    ) -> tuple[Pesata, Cruscotto, Copertura, list[Pesata]]:
        """The node's figure, scope and coverage, and the indicators that roll up into it."""
        index = len(self.nodes)
        self.nodes.append(None)  # parents come before their children in the list
        kids = self.kids_of(level, obj)
        scope = self.scope(level, obj, kids)
        children: list[Pesata] = []
        leaves: list[Pesata] = []
        coverage = Copertura()
        for kind, child in kids:
            if isinstance(child, Indicatore):  # kind == "indicatore"
                r = self.ind(child)
                pesata, child_scope = Pesata(child.codice, kind, child.peso, r.achievement, r.stato), child.cruscotto
                child_coverage = Copertura.of(r.stato, r.achievement)
                child_leaves = [pesata]
            else:
                pesata, child_scope, child_coverage, child_leaves = self.visit(kind, child, f"{level}:{obj.codice}")
            if in_scope(scope, child_scope):
                children.append(pesata)
                leaves += child_leaves
                coverage = coverage + child_coverage
        if level == "obiettivo_strategico" and self.regole.obiettivo == "indicatori":
            # The SMVP's rule: an objective is the mean of all its indicators, also those of its
            # operational objectives, with their own weights (docs/scoring.md).
            children = leaves
        a, stato, trace, w = weighted_mean(children, f"{level} {obj.codice}", self.regole)
        self.warnings.extend(w)
        decision = self.neutralizzati.get((level, obj.codice))
        if decision is not None:
            # Left out of its parent by a recorded decision: its own figure is still shown.
            trace["neutralizzazione"] = decision
            trace["calcolo_senza_neutralizzazione"] = trace.get("calcolo")
            a_parent, stato = None, Stato.NEUTRALIZZATO
        else:
            a_parent = a
        trace["copertura"] = coverage.as_dict()
        self.nodes[index] = RisultatoNodo(obj.codice, level, obj.nome, a, stato, trace, scope.value, padre, coverage)
        pesata = Pesata(obj.codice, level, obj.peso, a_parent, stato)
        if level == "obiettivo_strategico" and scope is Cruscotto.ENTE:
            self.objectives.append(pesata)
        return pesata, scope, coverage, leaves


def _neutralised(r: RisultatoIndicatore, decision: str) -> RisultatoIndicatore:
    """An indicator left out of the score by a recorded decision: no achievement, its own status,
    the decision first in its trace (what it would have scored stays there, to compare)."""
    trace = dict(r.trace)
    trace["passi"] = [_("neutralizzato: {decisione}").format(decisione=decision)] + list(r.trace.get("passi", []))
    trace["risultato_senza_neutralizzazione"] = r.achievement
    trace["neutralizzazione"] = decision
    return replace(r, achievement=None, stato=Stato.NEUTRALIZZATO, trace=trace)


def area_figure(piano: Piano, result: RisultatoPiano, shares: Mapping[str, float | None]) -> tuple[float | None, int]:
    """An area's figure with the plan's weights, as the entity roll-up computes its own.

    ``shares`` names the area's indicators, each with the area's share of it in % (None: the
    whole of it). The tree is walked from the top: each child keeps its weight among *all* its
    siblings (as the plan gives it), a child the area has nothing under is left out, and an
    indicator counts with its weight times the area's share (60% of a shared indicator counts
    0,6 of its weight). As in the roll-up, a child without an achievement is left out and the
    others' weights are renormalised. Returns the figure and how many of the area's indicators
    have an achievement (docs/scoring.md, "Aree")."""
    achieved = {r.codice: r.achievement for r in result.indicatori}
    by_code = {p.codice: p for p in piano.prospettive}

    def node(kids: list[tuple[str, Nodo]]) -> tuple[float | None, bool]:
        weights, _warnings = effective_weights([k.peso for _kind, k in kids], "")
        num = den = 0.0
        present = False
        for (kind, child), w in zip(kids, weights):
            if isinstance(child, Indicatore):
                if child.codice not in shares:
                    continue
                share = shares[child.codice]
                a, w = achieved.get(child.codice), w * (1.0 if share is None else share / 100.0)
            else:
                sub = (
                    [("prospettiva", by_code[c]) for c in child.prospettive if c in by_code]
                    if isinstance(child, Ambito)
                    else children_of(kind, child)
                )
                a, here = node(sub)
                if not here:
                    continue
            present = True
            if a is not None and w > 0:
                num += w * a
                den += w
        return (num / den if den else None), present

    grouped = piano.ambito_di()
    tops: list[tuple[str, Any]] = [("ambito", a) for a in piano.ambiti]
    tops += [("prospettiva", p) for p in piano.prospettive if p.codice not in grouped]
    figure, _present = node(tops)
    return figure, sum(1 for code in shares if achieved.get(code) is not None)


def score_scheda(
    scheda: SchedaIndividuale,
    *,
    ind_results: Mapping[str, RisultatoIndicatore],
    valori: Valori,
    eventi: Mapping[str, date | None],
    as_of: date,
    regole: Regole,
    periodo: str,
    warnings: list[str],
) -> RisultatoScheda:
    """Score = Σ section weight × weighted mean of its items (weights normalised over sections with data)."""
    sections = []
    sec_children = []
    coverage = Copertura()
    for sez in scheda.sezioni:
        items = []
        rows = []
        for voce in sez.voci:
            if voce.indicatore:
                r = ind_results.get(voce.indicatore)
                if r is None:
                    warnings.append(
                        _("scheda {codice}, voce {codice2}: indicatore {indicatore} non trovato").format(
                            codice=scheda.codice, codice2=voce.codice, indicatore=voce.indicatore
                        )
                    )
                    a_, st, steps = (
                        None,
                        Stato.SENZA_DATI,
                        [_("indicatore {indicatore} non trovato").format(indicatore=voce.indicatore)],
                    )
                else:
                    a_, st, steps = (
                        r.achievement,
                        r.stato,
                        [
                            _("dall'indicatore {indicatore}: {achievement} ({stato})").format(
                                indicatore=voce.indicatore, achievement=fmt(r.achievement), stato=STATO_TESTO[r.stato]
                            )
                        ],
                    )
            else:
                c = valori.consuntivo(voce.codice, scheda.anno, periodo)
                ms = {m.codice: (valori.consuntivo(m.codice, scheda.anno, periodo) or None) for m in voce.milestones}
                out = score_one(
                    polarita=voce.polarita,
                    target=voce.target,
                    actual=c.valore if c else None,
                    milestones=voce.milestones,
                    milestone_actuals={k: (v.valore if v else None) for k, v in ms.items()},
                    eventi=eventi,
                    as_of=as_of,
                    regole=regole,
                )
                a_, st, steps = out.achievement, out.stato, list(out.steps)
            items.append(Pesata(voce.codice, "voce", voce.peso, a_, st))
            coverage = coverage + Copertura.of(st, a_)
            rows.append(
                {
                    "codice": voce.codice,
                    "nome": voce.nome,
                    "peso": voce.peso,
                    "achievement": a_,
                    "stato": st.value,
                    "passi": steps,
                }
            )
        a, stato, trace, w = weighted_mean(
            items, _("scheda {codice}, sezione {codice2}").format(codice=scheda.codice, codice2=sez.codice), regole
        )
        warnings.extend(w)
        sections.append(
            {
                "codice": sez.codice,
                "nome": sez.nome,
                "peso": sez.peso,
                "achievement": a,
                "stato": stato.value,
                "voci": rows,
                "trace": trace,
            }
        )
        sec_children.append(Pesata(sez.codice, "sezione", sez.peso, a, stato))
    a, stato, trace, w = weighted_mean(sec_children, _("scheda {codice}").format(codice=scheda.codice), regole)
    warnings.extend(w)
    trace["copertura"] = coverage.as_dict()
    return RisultatoScheda(scheda.codice, scheda.nome, scheda.anno, a, stato, tuple(sections), trace, coverage)


def score_fondo(
    fondo: Fondo, ind_results: Mapping[str, RisultatoIndicatore], warnings: list[str], *, mancanti: str = "zero"
) -> RisultatoFondo:
    """Amount = maximum × mean project achievement / 100.

    A project's achievement is the mean of its indicators with an achievement. The
    missing-data rule in force (``mancanti``, as resolved by :func:`score_plan`) is the
    roll-up's: under ``zero`` an indicator without a value already scored 0, and a project
    with no achievement at all counts 0; under ``escludi`` (a year still open) such a project
    is left out, as the roll-up leaves out an objective without data. docs/scoring.md.
    """
    rows = []
    pesi = [p.peso for p in fondo.progetti]
    weights, w = effective_weights(pesi, _("fondo {nome}").format(nome=fondo.nome))
    warnings.extend(w)
    num = den = 0.0
    for prog, weight in zip(fondo.progetti, weights):
        vals = []
        found = []
        for code in prog.indicatori:
            r = ind_results.get(code)
            if r is None:
                warnings.append(
                    _("fondo, progetto {codice}: indicatore {code} non trovato").format(codice=prog.codice, code=code)
                )
                continue
            found.append(r)
            if r.achievement is not None:
                vals.append(r.achievement)
        # Left out: every indicator neutralised by a recorded decision, or no data while the
        # missing-data rule in force leaves it out (an open year).
        left_out = None
        if found and not vals and all(r.stato is Stato.NEUTRALIZZATO for r in found):
            left_out = _("indicatori neutralizzati: progetto escluso")
        elif not vals and mancanti == "escludi":
            warnings.append(
                _("fondo, progetto {codice}: nessun dato, escluso finché l'anno è aperto").format(codice=prog.codice)
            )
            left_out = _("nessun indicatore con dati: escluso finché l'anno è aperto (regola dati mancanti)")
        if left_out:
            row = {"codice": prog.codice, "nome": prog.nome, "indicatori": list(prog.indicatori)}
            rows.append({**row, "peso_usato": weight, "achievement": None, "nota": left_out})
            continue
        if vals:
            pa = sum(vals) / len(vals)
            note = ngettext(
                "media di {n} indicatore con dati = {pa}", "media di {n} indicatori con dati = {pa}", len(vals)
            ).format(n=len(vals), pa=fmt(pa))
        else:
            pa = 0.0
            note = _("nessun indicatore con dati: conta 0")
            warnings.append(_("fondo, progetto {codice}: nessun dato, conteggiato 0").format(codice=prog.codice))
        num += weight * pa
        den += weight
        rows.append(
            {
                "codice": prog.codice,
                "nome": prog.nome,
                "indicatori": list(prog.indicatori),
                "peso_usato": weight,
                "achievement": pa,
                "nota": note,
            }
        )
    quota = num / den if den else None
    paid = quota is not None and (fondo.soglia_minima is None or quota >= fondo.soglia_minima)
    importo = fondo.importo_massimo * quota / 100.0 if paid and quota is not None else 0.0
    calc = (
        f"€ {display.decimal(fondo.importo_massimo, 2)} × {fmt(quota)}% = € {display.decimal(importo, 2)}"
        if paid
        else _("sotto la soglia minima o senza progetti → 0")
    )
    trace = {"calcolo": calc, "quota": quota, "soglia_minima": fondo.soglia_minima, "regola": fondo.regola}
    return RisultatoFondo(fondo.nome, fondo.anno, fondo.importo_massimo, importo, quota, tuple(rows), trace)
