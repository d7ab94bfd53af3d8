"""Benchmarking across enti: how an indicator's value compares with the other enti's (issue 16).

The seed prints, beside many indicators, the *media cluster*: the average of comparable chambers
from the national benchmarking system. An installation serving many enti computes it itself.
An indicator is comparable across enti when their plans reference the same code of the
installation's catalogue (``Indicatore.catalogo``).

Input: one row per (ente, catalogue code) for a year, with the value and whether the ente is
in the cluster asked for. Output, per code: the distribution over the cluster and over the
whole installation (count, mean, quartiles, min, max) and each ente's position.

- **Vectorised.** The rows are numpy arrays, sorted once by (code, value); every group's
  statistics are whole-array operations (no Python loop per ente or per value), so that 100
  enti × 300 indicators cost milliseconds. ``tests/test_confronto.py`` checks the figures
  against ``statistics`` on random data.
- **Quartiles** are the inclusive ones (numpy's ``linear``, ``statistics.quantiles(...,
  method="inclusive")``), as the evaluation's distribution (engine/premi.py).
- **Rank.** 1 is the best: the highest value for a ``crescente`` indicator, the lowest for a
  ``decrescente`` one. Ties share the best rank of their group (1, 2, 2, 4).
- **Publication rule.** A group of fewer than ``minimo`` enti (default 5) gives no aggregate:
  with three chambers, a mean and a minimum nearly name them. The ente's own value and rank
  are its own and always shown.
- Enti without a value for the year are left out, and counted apart (``mancanti``).
- **Achievement.** Beside the value, each ente's achievement against its own target for the
  year (grado di raggiungimento, and its state), with the same statistics and the same
  publication rule. Every row is scored at once by engine/batch.py's vectorised rules, grouped
  by the plans' rules (:func:`raggiungimenti`); a row those rules do not cover (a deadline,
  yes/no, milestones, a relative, interval, multiple or baseline target, a running total, a
  threshold met / not met) carries the scalar engine's outcome, computed with the plan's
  values once per revision (:func:`voci_piano`). ``tests/test_properties.py`` checks every
  row against rollup.score_plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from . import batch
from .model import Piano, Regole
from .scoring import Stato, Valori, actual_of, score_indicator
from .utilizzo import misure_per_formule

MINIMO = 5

# State codes of the achievements: batch's (batch.STATI, the numeric rules' states), then the
# states only the scalar engine gives (deadlines and milestones wait, a baseline year is not
# scored) and a recorded neutralisation.
STATI = (*batch.STATI, Stato.IN_ATTESA, Stato.BASELINE, Stato.NEUTRALIZZATO)
RAGGIUNTO = STATI.index(Stato.RAGGIUNTO)


@dataclass(frozen=True, slots=True)
class Statistiche:
    n: int
    media: float
    minimo: float
    q1: float
    mediana: float
    q3: float
    massimo: float


@dataclass(frozen=True, slots=True)
class Confronto:
    """One catalogue code in one year, for one ente."""

    codice: str
    valore: float | None  # the ente's own
    cluster: Statistiche | None  # None: fewer than ``minimo`` enti with a value
    tutti: Statistiche | None
    n_cluster: int  # enti of the cluster with a value (shown even when the aggregate is not)
    n_tutti: int
    posizione_cluster: int | None  # rank in the cluster, 1 = best; None without a value
    posizione_tutti: int | None
    mancanti: int  # enti of the cluster that have the indicator but no value for the year
    raggiungimento: Raggiungimento | None = None  # None: the achievements were not asked for


@dataclass(frozen=True, slots=True)
class Raggiungimento:
    """The achievements against each ente's own target, for one code: the ente's own and the
    distribution over the cluster and over everyone (the same minimum as the values)."""

    valore: float | None  # the ente's own achievement, %; None: no achievement (see stato)
    stato: Stato | None  # the ente's own state; None: the ente has no row for the code
    scalare: bool  # the ente's own was scored by the scalar engine (batch.refusal says why)
    cluster: Statistiche | None  # None: fewer than ``minimo`` enti with an achievement
    tutti: Statistiche | None
    n_cluster: int  # enti of the cluster with an achievement
    n_tutti: int
    raggiunti_cluster: int | None  # enti of the cluster that reached their target; None under the minimum
    raggiunti_tutti: int | None
    senza_cluster: int  # enti of the cluster with the indicator but no achievement (no data, waiting, ...)


def _group_stats(codes: np.ndarray, values: np.ndarray, n_codes: int) -> tuple[np.ndarray, np.ndarray]:
    """Per code (0..n_codes-1): count, and (mean, min, q1, median, q3, max) as an (n_codes, 6)
    array (NaN where the count is 0). ``values`` has no NaN."""
    order = np.lexsort((values, codes))
    c, v = codes[order], values[order]
    counts = np.bincount(c, minlength=n_codes)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full((n_codes, 6), np.nan)
    has = counts > 0
    sums = np.bincount(c, weights=v, minlength=n_codes)
    out[has, 0] = sums[has] / counts[has]
    out[has, 1] = v[starts[has]]
    out[has, 5] = v[starts[has] + counts[has] - 1]
    for col, q in ((2, 0.25), (3, 0.5), (4, 0.75)):
        # linear interpolation between the sorted values, as numpy's default quantile
        pos = starts[has] + (counts[has] - 1) * q
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, starts[has] + counts[has] - 1)
        frac = pos - lo
        out[has, col] = v[lo] + (v[hi] - v[lo]) * frac
    return counts, out


def _ranks(codes: np.ndarray, values: np.ndarray, higher_better: np.ndarray) -> np.ndarray:
    """Each row's rank within its code, 1 = best, ties sharing their best rank."""
    key = np.where(higher_better[codes], -values, values)
    order = np.lexsort((key, codes))
    c, k = codes[order], key[order]
    n = len(c)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = c[1:] != c[:-1]
    new_value = new_group.copy()
    new_value[1:] |= k[1:] != k[:-1]
    idx = np.arange(n)
    group_start = np.maximum.accumulate(np.where(new_group, idx, 0))
    value_start = np.maximum.accumulate(np.where(new_value, idx, 0))
    rank_sorted = value_start - group_start + 1
    out = np.empty(n, dtype=np.int64)
    out[order] = rank_sorted
    return out


def _stats(count: int, row: np.ndarray, minimo: int) -> Statistiche | None:
    if count < minimo or count == 0:
        return None
    return Statistiche(count, *(float(x) for x in row))


def confronta(
    codici: Sequence[str],
    crescente: Sequence[bool],
    righe_codice: np.ndarray,
    righe_ente: np.ndarray,
    righe_valore: np.ndarray,
    nel_cluster: np.ndarray,
    ente: int,
    *,
    minimo: int = MINIMO,
    righe_raggiungimento: np.ndarray | None = None,
    righe_stato: np.ndarray | None = None,
    righe_scalare: np.ndarray | None = None,
) -> list[Confronto]:
    """For ``ente``, each code it has: its value against the cluster's and everyone's.

    ``codici[k]`` and ``crescente[k]`` describe code k; the rows are (code index, ente index,
    value, NaN for none); ``nel_cluster[e]`` says whether ente e is in the cluster. With
    ``righe_raggiungimento`` (each row's achievement, NaN for none, as :func:`raggiungimenti`
    gives it), ``righe_stato`` (its code into STATI) and ``righe_scalare``, each Confronto also
    carries the achievements' figures (:class:`Raggiungimento`)."""
    codes = np.asarray(righe_codice, dtype=np.int64)
    enti = np.asarray(righe_ente, dtype=np.int64)
    values = np.asarray(righe_valore, dtype=np.float64)
    cluster = np.asarray(nel_cluster, dtype=bool)
    higher = np.asarray(crescente, dtype=bool)
    n_codes = len(codici)
    present = ~np.isnan(values)
    in_cluster = cluster[enti]
    all_counts, all_stats = _group_stats(codes[present], values[present], n_codes)
    sel = present & in_cluster
    cl_counts, cl_stats = _group_stats(codes[sel], values[sel], n_codes)
    missing = np.bincount(codes[in_cluster & ~present], minlength=n_codes)
    rank_all = np.zeros(len(codes), dtype=np.int64)
    rank_all[present] = _ranks(codes[present], values[present], higher)
    rank_cl = np.zeros(len(codes), dtype=np.int64)
    rank_cl[sel] = _ranks(codes[sel], values[sel], higher)
    own = np.flatnonzero(enti == ente)  # the ente's own rows: one per code it has
    achieved = (
        None
        if righe_raggiungimento is None
        else _raggiungimenti_di(
            own, codes, in_cluster, n_codes, righe_raggiungimento, righe_stato, righe_scalare, minimo
        )
    )
    out = []
    for j, i in enumerate(own):
        k = int(codes[i])
        mine = bool(present[i])
        out.append(
            Confronto(
                codice=codici[k],
                valore=float(values[i]) if mine else None,
                cluster=_stats(int(cl_counts[k]), cl_stats[k], minimo),
                tutti=_stats(int(all_counts[k]), all_stats[k], minimo),
                n_cluster=int(cl_counts[k]),
                n_tutti=int(all_counts[k]),
                posizione_cluster=int(rank_cl[i]) if mine and in_cluster[i] else None,
                posizione_tutti=int(rank_all[i]) if mine else None,
                mancanti=int(missing[k]),
                raggiungimento=None if achieved is None else achieved[j],
            )
        )
    out.sort(key=lambda x: x.codice)
    return out


def _raggiungimenti_di(
    own: np.ndarray,
    codes: np.ndarray,
    in_cluster: np.ndarray,
    n_codes: int,
    righe_raggiungimento: np.ndarray,
    righe_stato: np.ndarray | None,
    righe_scalare: np.ndarray | None,
    minimo: int,
) -> list[Raggiungimento]:
    """The achievements' figures of the rows ``own`` (one ente's), in their order: the same
    vectorised statistics as the values', over the achievements."""
    ach = np.asarray(righe_raggiungimento, dtype=np.float64)
    state = np.full(len(ach), STATI.index(Stato.SENZA_DATI), dtype=np.int8) if righe_stato is None else righe_stato
    state = np.asarray(state, dtype=np.int8)
    scalar = np.zeros(len(ach), dtype=bool) if righe_scalare is None else np.asarray(righe_scalare, dtype=bool)
    has = ~np.isnan(ach)
    all_counts, all_stats = _group_stats(codes[has], ach[has], n_codes)
    sel = has & in_cluster
    cl_counts, cl_stats = _group_stats(codes[sel], ach[sel], n_codes)
    reached = state == RAGGIUNTO
    reached_all = np.bincount(codes[reached], minlength=n_codes)
    reached_cl = np.bincount(codes[reached & in_cluster], minlength=n_codes)
    without = np.bincount(codes[in_cluster & ~has], minlength=n_codes)
    out = []
    for i in own:
        k = int(codes[i])
        cluster = _stats(int(cl_counts[k]), cl_stats[k], minimo)
        tutti = _stats(int(all_counts[k]), all_stats[k], minimo)
        out.append(
            Raggiungimento(
                valore=float(ach[i]) if has[i] else None,
                stato=STATI[int(state[i])],
                scalare=bool(scalar[i]),
                cluster=cluster,
                tutti=tutti,
                n_cluster=int(cl_counts[k]),
                n_tutti=int(all_counts[k]),
                # how many reached is an aggregate too: shown only where the distribution is
                raggiunti_cluster=int(reached_cl[k]) if cluster is not None else None,
                raggiunti_tutti=int(reached_all[k]) if tutti is not None else None,
                senza_cluster=int(without[k]),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class VocePiano:
    """One catalogue indicator of one plan in one year: what the comparison reads of it, kept
    in the cache once per revision of the plan and of its values.

    ``actual``, ``target`` and ``polarita`` are engine/batch.py's columns (batch.numeric_row)
    and ``regole`` the plan's rules an indicator's score depends on (batch.regole_indicatore),
    for :func:`raggiungimenti` to score every ente's rows at once. ``esito`` is set when the
    row is already scored: by the scalar engine, for what batch's rules do not cover (``motivo``
    is batch.refusal's reason), or left out by a recorded neutralisation."""

    catalogo: str
    indicatore: str  # the plan's own code
    valore: float | None  # the value compared: None when there is none or it is not a number
    actual: float
    target: float
    polarita: int
    regole: Regole
    esito: tuple[float | None, Stato] | None = None
    motivo: str = ""

    @property
    def scalare(self) -> bool:
        """Scored by the scalar engine (not by batch's vectorised rules, not neutralised)."""
        return self.esito is not None and self.esito[1] is not Stato.NEUTRALIZZATO


def voci_piano(
    piano: Piano,
    valori: Valori,
    anno: int,
    *,
    chiuso: bool = False,
    neutralizzati: Mapping[tuple[str, str], str] | None = None,
    as_of: date | None = None,
) -> list[VocePiano]:
    """Each indicator of the plan that references the catalogue, for ``anno``: its value as the
    scalar engine reads it (scoring.actual_of: the formula when its measures are there, else the
    value entered; a date or yes/no is not a comparable number: None), and what its achievement
    needs, read as rollup.score_plan reads it with the same ``chiuso``, ``neutralizzati`` and
    ``as_of`` (default 31 December). Two indicators of one plan on one code: the first counts."""
    misure = misure_per_formule(piano, valori.misure_anno(anno), anno)
    full = replace(piano.regole, dati_mancanti=piano.regole.mancanti(chiuso))  # as score_plan resolves it
    regole = batch.regole_indicatore(piano.regole, chiuso=chiuso)
    neutral = neutralizzati or {}
    eventi = piano.date_eventi()
    out: list[VocePiano] = []
    seen: set[str] = set()
    for ind in piano.indicatori():
        if not ind.catalogo or ind.catalogo in seen:
            continue
        seen.add(ind.catalogo)
        actual, _info, _warnings = actual_of(ind, anno, "", valori, misure)
        number = None if actual is None or isinstance(actual, bool | date) else float(actual)
        target = ind.target.get(anno)
        why = batch.refusal(ind, target, piano.regole.soglie)
        if why is None:
            a, t, pol = batch.numeric_row(ind.polarita, target, actual)
            esito = None
        else:
            # Not batch's to score: the scalar engine's outcome, as the indicator page shows it.
            a, t, pol = np.nan, np.nan, batch.NON_NUMERICO
            r, _w = score_indicator(
                ind,
                anno=anno,
                valori=valori,
                eventi=eventi,
                as_of=as_of or date(anno, 12, 31),
                regole=full,
                misure_anno=misure,
            )
            esito = (r.achievement, r.stato)
        decision = neutral.get(("indicatore", ind.codice))
        if decision is not None:
            esito, why = (None, Stato.NEUTRALIZZATO), decision  # rollup._neutralised
        out.append(VocePiano(ind.catalogo, ind.codice, number, a, t, pol, regole, esito, why or ""))
    return out


def raggiungimenti(voci: Sequence[VocePiano]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The achievement (NaN: none), state code (into STATI) and "scored by the scalar engine"
    flag of every row, of any number of plans: the rows without an ``esito`` scored at once by
    batch.score_rows_by_rules, grouped by their plans' rules; the others as they come."""
    n = len(voci)
    index: dict[Regole, int] = {}
    rule = np.array([index.setdefault(v.regole, len(index)) for v in voci], dtype=np.int64)
    actual = np.array([v.actual for v in voci], dtype=np.float64)
    target = np.array([v.target for v in voci], dtype=np.float64)
    polarity = np.array([v.polarita for v in voci], dtype=np.int8)
    done = np.array([v.esito is not None for v in voci], dtype=bool)
    todo = ~done
    a = np.full(n, np.nan)
    state = np.zeros(n, dtype=np.int8)
    a[todo], state[todo] = batch.score_rows_by_rules(
        actual[todo], target[todo], polarity[todo], rule[todo], list(index)
    )
    scalar = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(done).tolist():  # the few rows batch does not score
        v = voci[i]
        assert v.esito is not None
        a[i] = np.nan if v.esito[0] is None else v.esito[0]
        state[i] = STATI.index(v.esito[1])
        scalar[i] = v.scalare
    return a, state, scalar
