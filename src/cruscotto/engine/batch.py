"""Scoring many plans at once with numpy: numeric indicators and the roll-up.

Why this exists: the scalar engine (scoring.py, rollup.py) scores one
indicator at a time and writes an Italian trace of every step. That is what a
screen needs, and it costs tens of microseconds an indicator. Comparing
thousands of entities (a system-wide dashboard, simulations, the benchmark in
bench/engine.py) needs the same figures without the traces, so here the plans
are flat arrays and every rule is a whole-array operation.

Same rules, same numbers. The arithmetic is written with the same operations
in the same order as the scalar engine, and the grouped sums (np.bincount) add
each parent's children in plan order, as the scalar loop does, so the figures
agree bit for bit, not only approximately; tests/test_batch.py checks it
against rollup.score_plan on random plans.

What is covered: numeric indicators (polarity crescente / decrescente; a
target's ``>`` or ``<`` sets the direction, as in scoring.score_numeric), the
plan's bands and status thresholds, the ``dati_mancanti`` rule, the weight
rules of rollup.effective_weights and the scope rule (``cruscotto: area``) of
rollup.scope_of. Deadlines, yes/no and milestones stay in the scalar engine:
:meth:`Batch.from_plans` refuses them rather than score them differently
(:func:`refusal` says why).

Used by the product: the benchmarking across enti (engine/confronto.py) scores
every ente's catalogue indicators at once with :func:`score_rows_by_rules`,
flat rows grouped by their plans' rules, and leaves what :func:`refusal`
refuses to the scalar engine.

Layout: one array per field. Indicators point to their parent by index (an
operational objective, or a strategic objective when ``on_strategic``), each
level of nodes points to the level above, perspectives to their entity. No
Python loop runs per indicator or per node in :func:`score_batch`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from numpy.typing import DTypeLike

from .model import (
    Cruscotto,
    Ente,
    Indicatore,
    LineaStrategica,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Polarita,
    Prospettiva,
    Regole,
)
from .numbers import Value
from .rollup import REMAINDER_EPSILON
from .scoring import Consuntivo, Stato, Valori, actual_of
from .targets import Target, TargetKind
from .utilizzo import misure_per_formule

# Bottom-up, as the roll-up runs. The names are rollup.py's "livello" values.
LEVELS = ("indicatore", "obiettivo_operativo", "obiettivo_strategico", "linea", "prospettiva", "ente")
NODE_LEVELS = LEVELS[1:5]  # the levels held in Batch.levels, in this order

# Polarity codes of Batch.polarity. NON_NUMERICO marks an indicator that has a
# target for the year but cannot be scored as a number (a descriptive target,
# or an actual that is a date or yes/no): the scalar engine gives it no data,
# except that a missing actual under ``dati_mancanti: zero`` still counts 0.
CRESCENTE, DECRESCENTE, NON_NUMERICO = 0, 1, 2

# Status codes of BatchResult.status: STATI[code] is the scalar engine's Stato.
# Numeric indicators are never "in attesa" (only deadlines and milestones wait).
SENZA_DATI, NON_RAGGIUNTO, PARZIALE, RAGGIUNTO, NON_VALUTABILE = 0, 1, 2, 3, 4
STATI = (Stato.SENZA_DATI, Stato.NON_RAGGIUNTO, Stato.PARZIALE, Stato.RAGGIUNTO, Stato.NON_VALUTABILE)


def _set_dtypes(obj: object, **dtypes: DTypeLike) -> None:
    """Fix the dtypes the rules rely on (``~area`` must be a boolean not); no copy when they are right already."""
    for name, dtype in dtypes.items():
        object.__setattr__(obj, name, np.asarray(getattr(obj, name), dtype=dtype))


@dataclass(frozen=True, slots=True)
class Level:
    """The nodes of one level of the tree, for every entity of a batch."""

    parent: np.ndarray  # int64: index of the parent in the level above (the entity, for perspectives)
    weight: np.ndarray  # float64: weight as printed (percentage points), NaN where not given
    area: np.ndarray  # bool: declared ``cruscotto: area`` (only operational objectives have the field in the model)

    def __post_init__(self) -> None:
        _set_dtypes(self, parent=np.int64, weight=np.float64, area=bool)
        if not len(self.parent) == len(self.weight) == len(self.area):
            raise ValueError("Level: parent, weight e area devono avere la stessa lunghezza")

    @classmethod
    def of(
        cls,
        parent: Sequence[int] | np.ndarray,
        weight: Sequence[float | None] | np.ndarray | None = None,
        area: Sequence[bool] | np.ndarray | None = None,
    ) -> Level:
        """A level from sequences; weights default to "not given", scope to the entity's."""
        n = len(parent)
        # np.asarray: arrays for the fields' type; __post_init__ then fixes the dtypes, as it would from the sequences.
        return cls(
            np.asarray(parent),
            np.full(n, np.nan) if weight is None else np.asarray(weight),
            np.zeros(n, dtype=bool) if area is None else np.asarray(area),
        )

    def __len__(self) -> int:
        return len(self.parent)


@dataclass(frozen=True, slots=True)
class Batch:
    """Many plans as flat arrays: one entry per indicator, one :class:`Level` per node level.

    Children of the same parent must appear in plan order (indicators of a
    strategic objective before its operational objectives, as
    rollup.children_of lists them): sums are taken in array order, and that
    is what makes the figures identical to the scalar engine's.
    """

    actual: np.ndarray  # float64: the value for the year; NaN = no value entered
    target: np.ndarray  # float64: the target for the year; NaN = no target that year
    polarity: np.ndarray  # int8: CRESCENTE, DECRESCENTE or NON_NUMERICO, after the target's > / < sign
    weight: np.ndarray  # float64: weight as printed, NaN where not given
    parent: np.ndarray  # int64: index into levels[0] (operational objectives), or levels[1] where on_strategic
    on_strategic: np.ndarray  # bool: the indicator hangs directly on a strategic objective
    area: np.ndarray  # bool: declared ``cruscotto: area``
    levels: tuple[Level, Level, Level, Level]  # obiettivo_operativo, obiettivo_strategico, linea, prospettiva
    n_entities: int
    codes: tuple[tuple[str, ...], ...] | None = None  # per level of LEVELS[:5], when built from plans

    def __post_init__(self) -> None:
        _set_dtypes(
            self,
            actual=np.float64,
            target=np.float64,
            weight=np.float64,
            polarity=np.int8,
            parent=np.int64,
            on_strategic=bool,
            area=bool,
        )
        n = len(self.actual)
        for name in ("target", "polarity", "weight", "parent", "on_strategic", "area"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"Batch.{name}: {len(getattr(self, name))} valori, attesi {n}")
        if len(self.levels) != 4:
            raise ValueError("Batch.levels: servono 4 livelli (obiettivi operativi, strategici, linee, prospettive)")
        sizes = [len(level) for level in self.levels] + [self.n_entities]
        on_oo = ~self.on_strategic
        for what, idx, size in (
            ("indicatori (obiettivo operativo)", self.parent[on_oo], sizes[0]),
            ("indicatori (obiettivo strategico)", self.parent[self.on_strategic], sizes[1]),
            *((f"{NODE_LEVELS[k]}", self.levels[k].parent, sizes[k + 1]) for k in range(4)),
        ):
            if len(idx) and (idx.min() < 0 or idx.max() >= size):
                raise ValueError(f"Batch: indice del padre fuori intervallo per {what}")

    def __len__(self) -> int:
        return len(self.actual)

    def entity_of(self, level: str) -> np.ndarray:
        """The entity index of every node of ``level`` (one of LEVELS)."""
        k = LEVELS.index(level)
        if k == 5:
            return np.arange(self.n_entities)
        if k == 0:
            # Climb to the strategic objective first: directly, or through the operational objective.
            idx = self.parent.copy()
            on_oo = ~self.on_strategic
            idx[on_oo] = self.levels[0].parent[self.parent[on_oo]]
            start = 1
        else:
            idx = np.arange(len(self.levels[k - 1]))
            start = k - 1
        for level_ in self.levels[start:]:
            idx = level_.parent[idx]
        return idx

    @classmethod
    def from_plans(cls, plans: Sequence[tuple[Piano, Valori | None]], *, anno: int, periodo: str = "") -> Batch:
        """One entity per (plan, actual values) pair, walked in plan order.

        For tests and small data: this walks the plans in Python. The actual
        value is taken as the scalar engine takes it (scoring.actual_of: the
        formula when its measures are there, else the value entered).
        Raises ValueError on an indicator that is not numeric.
        """
        ind: list[
            tuple[float, float, int, float | None, bool, str, int, bool]
        ] = []  # _indicator_row's, parent, on_strategic
        nodes: dict[str, list[tuple[int, float | None, bool, str]]] = {
            name: [] for name in NODE_LEVELS
        }  # parent, peso, area, codice

        def add(
            level: str, parent: int, obj: Prospettiva | LineaStrategica | ObiettivoStrategico | ObiettivoOperativo
        ) -> int:
            rows = nodes[level]
            rows.append((parent, obj.peso, getattr(obj, "cruscotto", Cruscotto.ENTE) is Cruscotto.AREA, obj.codice))
            return len(rows) - 1

        for e, (piano, valori) in enumerate(plans):
            if (piano.regole.obiettivo, piano.regole.ente) != ("figli", "prospettive"):
                raise ValueError(
                    f"piano {piano.ente.codice}: il calcolo vettoriale copre solo le medie per livello "
                    "(regole.obiettivo = figli, regole.ente = prospettive)"
                )
            valori = valori or Valori()
            misure = misure_per_formule(piano, valori.misure_anno(anno), anno)
            for p in piano.prospettive:
                ip = add("prospettiva", e, p)
                for linea in p.linee:
                    il = add("linea", ip, linea)
                    for os_ in linea.obiettivi_strategici:
                        ios = add("obiettivo_strategico", il, os_)
                        for i in os_.indicatori:
                            ind.append(
                                (*_indicator_row(i, anno, periodo, valori, misure, piano.regole.soglie), ios, True)
                            )
                        for oo in os_.obiettivi_operativi:
                            ioo = add("obiettivo_operativo", ios, oo)
                            for i in oo.indicatori:
                                ind.append(
                                    (*_indicator_row(i, anno, periodo, valori, misure, piano.regole.soglie), ioo, False)
                                )

        def column(rows: Sequence[tuple[object, ...]], k: int, dtype: DTypeLike) -> np.ndarray:
            return np.array([r[k] for r in rows], dtype=dtype) if rows else np.zeros(0, dtype=dtype)

        def weights(pesi: Iterable[float | None]) -> np.ndarray:
            return np.array([np.nan if p is None else float(p) for p in pesi], dtype=np.float64)

        def level(rows: list[tuple[int, float | None, bool, str]]) -> Level:
            return Level(column(rows, 0, np.int64), weights(r[1] for r in rows), column(rows, 2, bool))

        oo_lv, os_lv, l_lv, p_lv = (level(nodes[name]) for name in NODE_LEVELS)
        codes = (tuple(r[5] for r in ind),) + tuple(tuple(r[3] for r in nodes[name]) for name in NODE_LEVELS)
        return cls(
            actual=column(ind, 0, np.float64),
            target=column(ind, 1, np.float64),
            polarity=column(ind, 2, np.int8),
            weight=weights(r[3] for r in ind),
            area=column(ind, 4, bool),
            parent=column(ind, 6, np.int64),
            on_strategic=column(ind, 7, bool),
            levels=(oo_lv, os_lv, l_lv, p_lv),
            n_entities=len(plans),
            codes=codes,
        )


def _indicator_row(
    ind: Indicatore,
    anno: int,
    periodo: str,
    valori: Valori,
    misure: Mapping[str, float],
    regole_soglie: str = "proporzionale",
) -> tuple[float, float, int, float | None, bool, str]:
    """(actual, target, polarity code, weight, area, code) of one indicator, as the scalar engine would read them."""
    target = ind.target.get(anno)
    why = refusal(ind, target, regole_soglie)
    if why is not None:
        raise ValueError(why)
    actual, _, _ = actual_of(ind, anno, periodo, valori, misure)
    a, t, pol = numeric_row(ind.polarita, target, actual)
    return a, t, pol, ind.peso, ind.cruscotto is Cruscotto.AREA, ind.codice


def refusal(ind: Indicatore, target: Target | None, regole_soglie: str = "proporzionale") -> str | None:
    """Why the vectorised rules cannot score ``ind`` against the year's ``target`` (None: they
    can): a polarity other than crescente / decrescente (a deadline, yes/no, milestones), or a
    target the scalar engine scores by another rule (relative, interval, multiple, baseline,
    running total, a threshold met / not met). ``regole_soglie``: the plan's ``regole.soglie``."""
    if ind.polarita not in (Polarita.CRESCENTE, Polarita.DECRESCENTE):
        return (
            f"indicatore {ind.codice}: polarità {ind.polarita.value}, "
            "il calcolo vettoriale copre solo crescente e decrescente"
        )
    if target is not None and (
        target.tipo in (TargetKind.RELATIVO, TargetKind.INTERVALLO, TargetKind.MULTIPLO, TargetKind.BASELINE)
        or target.cumulo == "totale"
        or (target.soglia and (ind.soglie or regole_soglie) == "raggiunto")
    ):
        return (
            f"indicatore {ind.codice}: target {target.testo!r} ({target.tipo.value}), "
            "il calcolo vettoriale copre solo numeri e soglie proporzionali"
        )
    return None


def numeric_row(polarita: Polarita, target: Target | None, actual: Value | None) -> tuple[float, float, int]:
    """(actual, target, polarity code) of an indicator that :func:`refusal` accepts, from its
    actual value as scoring.actual_of reads it and its target for the year."""
    pol = CRESCENTE if polarita is Polarita.CRESCENTE else DECRESCENTE
    if target is None:
        t = np.nan
    elif target.tipo is not TargetKind.NUMERO:
        t, pol = 0.0, NON_NUMERICO  # the placeholder 0 says "there is a target": see NON_NUMERICO
    else:
        assert target.valore is not None  # a numero target has its figure (as scoring.score_numeric assumes)
        t = float(target.valore)
        if target.operatore in (">", ">="):
            pol = CRESCENTE
        elif target.operatore in ("<", "<="):
            pol = DECRESCENTE
    if actual is None:
        a = np.nan
    elif isinstance(actual, (bool, date)):
        a, pol = 0.0, NON_NUMERICO  # a value is there, but not a number
    else:
        a = float(actual)
    return a, t, pol


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Achievements (NaN = no data), status codes (into STATI) and scope, by level name (LEVELS)."""

    achievement: dict[str, np.ndarray]
    status: dict[str, np.ndarray]
    ente: dict[str, np.ndarray]  # bool: the node belongs to the cruscotto di ente (rollup.scope_of)

    @property
    def entity(self) -> np.ndarray:
        return self.achievement["ente"]

    def stati(self, level: str) -> list[Stato]:
        return [STATI[c] for c in self.status[level]]


# --- indicators ---------------------------------------------------------------


def indicator_achievements(batch: Batch, regole: Regole) -> tuple[np.ndarray, np.ndarray]:
    """Achievement and status code of every indicator of a batch (:func:`score_rows` on its columns)."""
    return score_rows(batch.actual, batch.target, batch.polarity, regole)


def score_rows(
    actual: np.ndarray, target: np.ndarray, polarity: np.ndarray, regole: Regole
) -> tuple[np.ndarray, np.ndarray]:
    """Achievement and status code of indicator rows under one set of rules (scoring.score_one
    for numeric indicators): ``actual``, ``target`` and ``polarity`` as the Batch columns.

    ``regole.dati_mancanti`` is the rule in force: ``zero`` counts a missing actual 0, anything
    else leaves it out (score_batch resolves ``zero_a_consuntivo`` first; score_rows_by_rules
    refuses it unresolved). Every branch is evaluated on the whole array and the right one
    picked: simpler than splitting the array case by case, and fast enough (about 50 ms for a
    million indicators on a 2-core machine). The branch formulas are the scalar ones,
    operation for operation.
    """
    A, T = actual, target
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        abs_t = np.abs(T)
        # scoring.higher_is_better
        higher = np.where(
            T > 0,
            np.minimum(100.0, np.maximum(0.0, A) / T * 100.0),
            np.where(
                T == 0,
                np.where(A >= 0, 100.0, 0.0),
                np.where(A >= T, 100.0, np.maximum(0.0, 100.0 - (T - A) / abs_t * 100.0)),
            ),
        )
        # scoring.lower_is_better
        lower = np.where(
            A <= T,
            100.0,
            np.where(T > 0, T / A * 100.0, np.where(T < 0, np.maximum(0.0, 100.0 - (A - T) / abs_t * 100.0), 0.0)),
        )
    has_target = ~np.isnan(T)
    has_actual = ~np.isnan(A)
    scorable = has_target & has_actual & (polarity != NON_NUMERICO)
    a = np.where(scorable, np.where(polarity == DECRESCENTE, lower, higher), np.nan)
    if regole.fasce:
        a = np.where(scorable, _apply_bands(a, regole), np.nan)
    status = status_codes(a, regole)
    if regole.dati_mancanti == "zero":
        # score_one: a missing actual counts as an actual of 0 (bands apply), when the target can be scored.
        missing = has_target & ~has_actual & (polarity != NON_NUMERICO)
        zero = np.zeros(int(missing.sum()))
        a[missing] = _apply_bands(zero, regole) if regole.fasce else zero
        status = status_codes(a, regole)
    # scoring.score_one: a value that cannot be scored (no target, or not a number) is "non valutabile".
    status[np.isnan(a) & has_actual] = NON_VALUTABILE
    return a, status


def regole_indicatore(regole: Regole, *, chiuso: bool) -> Regole:
    """The rule values an indicator's own score depends on (soglie di stato, fasce, dati mancanti
    in force), the others left at their defaults: plans that differ only in how they roll up
    share one group in :func:`score_rows_by_rules`."""
    return Regole(
        soglia_raggiunto=regole.soglia_raggiunto,
        soglia_parziale=regole.soglia_parziale,
        fasce=tuple(regole.fasce),
        fasce_modo=regole.fasce_modo,
        dati_mancanti=regole.mancanti(chiuso),
    )


def score_rows_by_rules(
    actual: np.ndarray,
    target: np.ndarray,
    polarity: np.ndarray,
    rule: np.ndarray,
    rules: Sequence[Regole],
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`score_rows` for rows of many plans, each under its own plan's rules: row i under
    ``rules[rule[i]]``. The loop runs once per distinct set of rules (an installation has a
    handful), each group scored as one array.

    Every rule's ``dati_mancanti`` must be the one in force (``zero`` or ``escludi``, see
    Regole.mancanti): under ``zero_a_consuntivo`` whether a missing value counts 0 depends on
    the year being closed, which the rows do not say, so it is refused rather than guessed.
    """
    actual = np.asarray(actual, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    polarity = np.asarray(polarity, dtype=np.int8)
    rule = np.asarray(rule, dtype=np.int64)
    if not len(actual) == len(target) == len(polarity) == len(rule):
        raise ValueError("score_rows_by_rules: actual, target, polarity e rule devono avere la stessa lunghezza")
    for regole in rules:
        if regole.dati_mancanti not in ("zero", "escludi"):
            raise ValueError(
                f"score_rows_by_rules: dati_mancanti {regole.dati_mancanti!r} non risolto (Regole.mancanti)"
            )
    a = np.full(len(actual), np.nan)
    status = np.full(len(actual), SENZA_DATI, dtype=np.int8)
    for k in np.unique(rule).tolist():
        sel = rule == k
        a[sel], status[sel] = score_rows(actual[sel], target[sel], polarity[sel], rules[k])
    return a, status


def _apply_bands(a: np.ndarray, regole: Regole) -> np.ndarray:
    """scoring.apply_bands on an array: the last band starting at or below a, or 0 below the first."""
    bands = sorted(regole.fasce, key=lambda b: b.da)  # the scalar sort: stable, so ties keep plan order
    da = np.array([b.da for b in bands])
    pts = np.array([b.punteggio for b in bands])
    idx = np.searchsorted(da, a, side="right") - 1
    below = idx < 0
    i = np.clip(idx, 0, len(bands) - 1)
    score = pts[i]
    if regole.fasce_modo == "lineare" and len(bands) > 1:
        j = np.minimum(i + 1, len(bands) - 1)
        span = da[j] - da[i]
        with np.errstate(divide="ignore", invalid="ignore"):
            linear = pts[i] + (a - da[i]) / span * (pts[j] - pts[i])
        score = np.where((i + 1 < len(bands)) & (span != 0), linear, score)
    return np.where(below, 0.0, score)


def status_codes(a: np.ndarray, regole: Regole) -> np.ndarray:
    """scoring.status_for on an array; NaN is "senza dati"."""
    status = np.full(a.shape, NON_RAGGIUNTO, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        if regole.soglia_parziale is not None:
            status[a >= regole.soglia_parziale] = PARZIALE
        status[a >= regole.soglia_raggiunto] = RAGGIUNTO  # checked first by the scalar rule, so it wins
    status[np.isnan(a)] = SENZA_DATI
    return status


# --- roll-up ------------------------------------------------------------------


def sum_like_python(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Per-group sums equal, bit for bit, to the built-in sum() over each group's values in order.

    rollup.effective_weights adds the given weights with sum(), and a share of
    "what is left to 100" can differ in the last bit if the sum does: 37.9 +
    38.8 + 23.3 is 100.0 with Python 3.12's sum and 99.99999999999999 with a
    plain loop (so are about 7% of sets of one-decimal weights summing to
    100). Python 3.11 adds plainly, as np.bincount does; 3.12 and later use
    Neumaier's compensated sum.
    """
    if sys.version_info < (3, 12):
        return np.bincount(groups, weights=values, minlength=n)
    return neumaier_sum(values, groups, n)


def neumaier_sum(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """CPython 3.12's float sum() (Python/bltinmodule.c), per group, one sibling position at a time.

    The loop runs over positions within a group (as many times as the largest
    group has values), each step vectorised over all the groups.
    """
    order = np.argsort(groups, kind="stable")
    g, v = groups[order], values[order]
    counts = np.bincount(g, minlength=n)
    position = np.arange(len(g)) - (np.cumsum(counts) - counts)[g]
    total = np.zeros(n)
    comp = np.zeros(n)
    for k in range(int(position.max()) + 1 if len(position) else 0):
        at = position == k  # at most one value per group
        gk, x = g[at], v[at]
        f = total[gk]
        t = f + x
        comp[gk] += np.where(np.abs(f) >= np.abs(x), (f - t) + x, (x - t) + f)
        total[gk] = t
    fix = (comp != 0) & np.isfinite(comp)
    total[fix] += comp[fix]
    return total


def effective_weights(weight: np.ndarray, parent: np.ndarray, n: int, in_scope: np.ndarray | None) -> np.ndarray:
    """rollup.effective_weights for every group of siblings at once.

    Among the children that count (``in_scope``; None = all): all weights
    missing -> 1 each; some missing -> each gets max(0, 100 - sum of the
    given ones) / number missing; none missing -> as printed. Warnings are
    the scalar engine's business.
    """
    missing = np.isnan(weight)
    if not missing.any():
        return weight
    counted_missing = missing if in_scope is None else missing & in_scope
    counted_given = ~missing if in_scope is None else ~missing & in_scope
    n_missing = np.bincount(parent[counted_missing], minlength=n)
    n_given = np.bincount(parent[counted_given], minlength=n)
    # Only groups with both given and missing weights need the sum of the given ones.
    partial = (n_missing > 0) & (n_given > 0)
    summed = counted_given & partial[parent]
    given = sum_like_python(weight[summed], parent[summed], n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = 100.0 - given
        share = np.where(n_given == 0, 1.0, np.where(rest > REMAINDER_EPSILON, rest, 0.0) / n_missing)
    return np.where(missing, share[parent], weight)


def roll_up(
    a: np.ndarray,
    weight: np.ndarray,
    ente: np.ndarray,
    parent: np.ndarray,
    declared_area: np.ndarray,
    n: int,
    *,
    derive_scope: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """One level of rollup.score_plan: each parent's weighted mean over its children with data.

    ``a``, ``weight``, ``ente`` (the child's scope) and ``parent`` describe the
    children; ``declared_area`` and ``n`` the parents. Returns the parents'
    achievements (NaN = no data) and their scope (True = ente). A parent is
    an area node when declared so or when it has children and none is ente
    (rollup.scope_of); an ente parent counts only its ente children
    (rollup.in_scope). The entity takes ``derive_scope=False``: it is ente
    whatever its perspectives are.
    """
    all_ente = bool(ente.all())
    if derive_scope and not all_ente:
        has_children = np.bincount(parent, minlength=n) > 0
        has_ente_child = np.bincount(parent[ente], minlength=n) > 0
        area = declared_area | (has_children & ~has_ente_child)
    else:
        area = declared_area  # with only ente children, only a declaration makes an area node
    in_scope = None if all_ente else area[parent] | ente
    w = effective_weights(weight, parent, n, in_scope)
    data = ~np.isnan(a) if in_scope is None else in_scope & ~np.isnan(a)
    # Children without data (or out of scope) add 0.0, which leaves every sum as it was. (The
    # weight of an out-of-scope child may be inf or NaN, from a share of nothing: it is never used.)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = np.bincount(parent, weights=np.where(data, w * a, 0.0), minlength=n)
        den = np.bincount(parent, weights=np.where(data, w, 0.0), minlength=n)
        mean = np.where(den != 0.0, num / den, np.nan)  # rollup.weighted_mean: den == 0 -> no data
    return mean, ~area


def score_batch(batch: Batch, regole: Regole | None = None, *, chiuso: bool = False) -> BatchResult:
    """Score every indicator and roll the trees up to their entities (default rules: Regole()).
    ``chiuso``: the year is closed, for the missing-data rule (rollup.score_plan)."""
    regole = regole or Regole()
    regole = replace(regole, dati_mancanti=regole.mancanti(chiuso))
    a_ind, s_ind = indicator_achievements(batch, regole)
    ente_ind = ~batch.area
    oo, os_, linea, prosp = batch.levels

    direct = batch.on_strategic
    if direct.any():
        on_oo = ~direct
        a_oo, ente_oo = roll_up(
            a_ind[on_oo], batch.weight[on_oo], ente_ind[on_oo], batch.parent[on_oo], oo.area, len(oo)
        )
        # A strategic objective's children: its own indicators first, then its operational objectives
        # (rollup.children_of); concatenating keeps that order inside every group.
        a_os, ente_os = roll_up(
            np.concatenate([a_ind[direct], a_oo]),
            np.concatenate([batch.weight[direct], oo.weight]),
            np.concatenate([ente_ind[direct], ente_oo]),
            np.concatenate([batch.parent[direct], oo.parent]),
            os_.area,
            len(os_),
        )
    else:
        a_oo, ente_oo = roll_up(a_ind, batch.weight, ente_ind, batch.parent, oo.area, len(oo))
        a_os, ente_os = roll_up(a_oo, oo.weight, ente_oo, oo.parent, os_.area, len(os_))
    a_l, ente_l = roll_up(a_os, os_.weight, ente_os, os_.parent, linea.area, len(linea))
    a_p, ente_p = roll_up(a_l, linea.weight, ente_l, linea.parent, prosp.area, len(prosp))
    a_e, ente_e = roll_up(
        a_p,
        prosp.weight,
        ente_p,
        prosp.parent,
        np.zeros(batch.n_entities, dtype=bool),
        batch.n_entities,
        derive_scope=False,
    )

    achievements = dict(zip(LEVELS, (a_ind, a_oo, a_os, a_l, a_p, a_e)))
    status = {level: s_ind if level == "indicatore" else status_codes(a, regole) for level, a in achievements.items()}
    ente = dict(zip(LEVELS, (ente_ind, ente_oo, ente_os, ente_l, ente_p, ente_e)))
    return BatchResult(achievement=achievements, status=status, ente=ente)


# --- synthetic data -----------------------------------------------------------

# Nodes per entity, close to the seed's cruscotto (4 perspectives, 9 lines, 14 strategic and 21 operational objectives).
SHAPE = (4, 9, 14, 20)


def _spread(rng: np.random.Generator, n_entities: int, n_children: int, n_parents: int) -> np.ndarray:
    """Parent index of every child: each parent gets at least one, children sorted by parent, entity by entity."""
    if n_children == 0:
        return np.zeros(0, dtype=np.int64)
    local = np.concatenate(
        [
            np.broadcast_to(np.arange(n_parents), (n_entities, n_parents)),
            rng.integers(0, n_parents, (n_entities, n_children - n_parents)),
        ],
        axis=1,
    )
    local.sort(axis=1)
    return (local + np.arange(n_entities)[:, None] * n_parents).ravel().astype(np.int64)


def synthetic(n_entities: int, n_indicators_per_entity: int = 100, seed: int = 0) -> Batch:
    """A realistic batch: one tree per entity shaped like the seed's, with its kind of figures.

    Per entity: 4 perspectives, 9 lines, 14 strategic and 20 operational
    objectives (fewer when there are fewer indicators), indicators spread
    over the operational objectives. Weights as the seed prints them: given
    per indicator and summing to 100 inside an operational objective (one in
    ten objectives has none, equal weights; one in twenty leaves one weight
    out, which takes what is left to 100); none above. About 25% of the
    indicators are decrescente (days, some targets negative like the seed's
    "-15 gg" payment time); some crescente ones are growth rates that can go
    below zero; 5% have no actual and 1% no target that year.
    """
    rng = np.random.default_rng(seed)
    n_ind = n_indicators_per_entity
    n_oo = min(SHAPE[3], n_ind)
    n_os = min(SHAPE[2], n_oo)
    n_l = min(SHAPE[1], n_os)
    n_p = min(SHAPE[0], n_l)
    E = n_entities
    prosp = Level.of(np.repeat(np.arange(E), n_p))
    linea = Level.of(_spread(rng, E, n_l, n_p))
    os_ = Level.of(_spread(rng, E, n_os, n_l))
    oo = Level.of(_spread(rng, E, n_oo, n_os))
    parent = _spread(rng, E, n_ind, n_oo)
    n = len(parent)

    # Weights: integer shares in steps of 5, scaled to 100 inside each operational objective.
    raw = rng.integers(1, 5, n) * 5.0
    per_oo = np.bincount(parent, weights=raw, minlength=len(oo))
    weight = raw / per_oo[parent] * 100.0
    kind = rng.random(len(oo))
    weight[(kind < 0.10)[parent]] = np.nan  # no weights: equal
    partial = (kind >= 0.10) & (kind < 0.15)
    first_of_oo = np.r_[True, parent[1:] != parent[:-1]]
    weight[partial[parent]] *= 0.8  # the given ones sum to 80 ...
    weight[partial[parent] & first_of_oo] = np.nan  # ... and the first takes the remaining 20

    polarity = np.where(rng.random(n) < 0.25, DECRESCENTE, CRESCENTE).astype(np.int8)
    dec = polarity == DECRESCENTE
    # Targets: percentages, counts and growth rates (2.8%) for crescente; days (a few negative,
    # a few zero) for decrescente.
    target = np.where(
        dec,
        rng.choice(np.array([3.0, 5.0, 30.0, 60.0, -15.0, -10.0, 0.0]), n, p=[0.25, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05]),
        rng.choice(
            np.array([90.0, 95.0, 100.0, 80.0, 7.0, 2000.0, 2.8, 0.0]),
            n,
            p=[0.25, 0.15, 0.25, 0.1, 0.1, 0.05, 0.05, 0.05],
        ),
    )
    # Actuals scattered around the target: relative noise for most, absolute noise for growth rates
    # (which can fall below zero) and for targets at or below zero.
    absolute = (target <= 0) | (target == 2.8)
    actual = np.where(absolute, target + rng.normal(0.0, 4.0, n), target * rng.normal(1.0, 0.2, n))
    actual = np.round(actual, 2)
    actual[rng.random(n) < 0.05] = np.nan
    target[rng.random(n) < 0.01] = np.nan
    return Batch(
        actual=actual,
        target=target,
        polarity=polarity,
        weight=weight,
        parent=parent,
        on_strategic=np.zeros(n, dtype=bool),
        area=np.zeros(n, dtype=bool),
        levels=(oo, os_, linea, prosp),
        n_entities=E,
    )


def to_plans(batch: Batch, *, anno: int = 2020, regole: Regole | None = None) -> list[tuple[Piano, Valori]]:
    """The batch as engine plans and actual values, one per entity: for the scalar engine to check and to time.

    A Python walk, meant for small batches. Codes come from ``batch.codes``
    when there are some, else are made up per entity (P1, L1, OS1, OO1, I1 ...).
    """
    entity = {level: batch.entity_of(level) for level in LEVELS[:5]}
    codes = batch.codes or tuple(
        _made_up_codes(prefix, entity[level]) for prefix, level in zip(("I", "OO", "OS", "L", "P"), LEVELS[:5])
    )
    oo_lv, os_lv, l_lv, p_lv = batch.levels
    valori = [Valori() for _ in range(batch.n_entities)]

    def peso(w: float) -> float | None:
        return None if np.isnan(w) else float(w)

    def children(parents: np.ndarray, n: int) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in range(n)]
        for i, p in enumerate(parents.tolist()):
            out[p].append(i)
        return out

    indicators = []
    for i in range(len(batch)):
        pol = int(batch.polarity[i])
        t = float(batch.target[i])
        if np.isnan(t):
            target = {}
        elif pol == NON_NUMERICO:
            target = {anno: Target(testo="da definire", tipo=TargetKind.DESCRITTIVO, nota="da definire")}
        else:
            target = {anno: Target(testo=f"{t:g}", tipo=TargetKind.NUMERO, valore=t)}
        indicators.append(
            Indicatore(
                codice=codes[0][i],
                nome=codes[0][i],
                polarita=Polarita.DECRESCENTE if pol == DECRESCENTE else Polarita.CRESCENTE,
                peso=peso(batch.weight[i]),
                cruscotto=Cruscotto.AREA if batch.area[i] else Cruscotto.ENTE,
                target=target,
            )
        )
        if not np.isnan(batch.actual[i]):
            valori[entity["indicatore"][i]].consuntivi[(codes[0][i], anno, "")] = Consuntivo(float(batch.actual[i]))

    on_oo = np.where(~batch.on_strategic, batch.parent, -1)
    on_os = np.where(batch.on_strategic, batch.parent, -1)
    ind_of_oo = children(on_oo[on_oo >= 0], len(oo_lv))
    ind_idx_oo = np.flatnonzero(on_oo >= 0)
    ind_of_os = children(on_os[on_os >= 0], len(os_lv))
    ind_idx_os = np.flatnonzero(on_os >= 0)

    oos = [
        ObiettivoOperativo(
            codice=codes[1][k],
            nome=codes[1][k],
            peso=peso(oo_lv.weight[k]),
            cruscotto=Cruscotto.AREA if oo_lv.area[k] else Cruscotto.ENTE,
            indicatori=tuple(indicators[ind_idx_oo[j]] for j in ind_of_oo[k]),
        )
        for k in range(len(oo_lv))
    ]
    oo_of_os = children(oo_lv.parent, len(os_lv))
    oss = [
        ObiettivoStrategico(
            codice=codes[2][k],
            nome=codes[2][k],
            peso=peso(os_lv.weight[k]),
            indicatori=tuple(indicators[ind_idx_os[j]] for j in ind_of_os[k]),
            obiettivi_operativi=tuple(oos[j] for j in oo_of_os[k]),
        )
        for k in range(len(os_lv))
    ]
    os_of_l = children(os_lv.parent, len(l_lv))
    linee = [
        LineaStrategica(
            codice=codes[3][k],
            nome=codes[3][k],
            peso=peso(l_lv.weight[k]),
            obiettivi_strategici=tuple(oss[j] for j in os_of_l[k]),
        )
        for k in range(len(l_lv))
    ]
    l_of_p = children(l_lv.parent, len(p_lv))
    prospettive = [
        Prospettiva(
            codice=codes[4][k], nome=codes[4][k], peso=peso(p_lv.weight[k]), linee=tuple(linee[j] for j in l_of_p[k])
        )
        for k in range(len(p_lv))
    ]
    p_of_e = children(p_lv.parent, batch.n_entities)
    return [
        (
            Piano(
                ente=Ente(f"E{e + 1}", f"Ente sintetico {e + 1}"),
                titolo="Piano sintetico",
                anni=(anno,),
                regole=regole or Regole(),
                prospettive=tuple(prospettive[j] for j in p_of_e[e]),
            ),
            valori[e],
        )
        for e in range(batch.n_entities)
    ]


def _made_up_codes(prefix: str, entity: np.ndarray) -> tuple[str, ...]:
    """P1, P2 ... numbered from 1 inside each entity (nodes are grouped by entity in a synthetic batch)."""
    seen: dict[int, int] = {}
    out = []
    for e in entity.tolist():
        seen[e] = seen.get(e, 0) + 1
        out.append(f"{prefix}{seen[e]}")
    return tuple(out)
