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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .model import Piano
from .scoring import Valori, actual_of
from .utilizzo import misure_per_formule

MINIMO = 5


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
) -> list[Confronto]:
    """For ``ente``, each code it has: its value against the cluster's and everyone's.

    ``codici[k]`` and ``crescente[k]`` describe code k; the rows are (code index, ente index,
    value, NaN for none); ``nel_cluster[e]`` says whether ente e is in the cluster."""
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
    out = []
    for i in np.flatnonzero(enti == ente):  # the ente's own rows: one per code it has
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
            )
        )
    out.sort(key=lambda x: x.codice)
    return out


def valori_piano(piano: Piano, valori: Valori, anno: int) -> list[tuple[str, float | None]]:
    """The year's value of each indicator of the plan that references the catalogue, as the
    scalar engine reads it (scoring.actual_of: the formula when its measures are there, else
    the value entered). A value that is not a number (a date, yes/no) is not comparable: None."""
    misure = misure_per_formule(piano, valori.misure_anno(anno), anno)
    out: list[tuple[str, float | None]] = []
    seen: set[str] = set()
    for ind in piano.indicatori():
        if not ind.catalogo or ind.catalogo in seen:
            continue  # two indicators of one plan on one code: the first counts
        seen.add(ind.catalogo)
        actual, _info, _warnings = actual_of(ind, anno, "", valori, misure)
        number = None if actual is None or isinstance(actual, bool | date) else float(actual)
        out.append((ind.catalogo, number))
    return out
