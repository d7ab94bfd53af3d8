"""Benchmarking across enti (engine/confronto.py): a hand-computed case, and the vectorised
figures against the standard library's on random data."""

from __future__ import annotations

import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cruscotto.engine import confronto as cf


def test_a_cluster_by_hand():
    # one code (days to pay an invoice: lower is better), seven enti; ente 6 has no value;
    # the cluster is enti 0-4 and 6
    codes = np.zeros(7, dtype=int)
    enti = np.arange(7)
    values = np.array([30.0, 12.0, 20.0, 20.0, 41.0, 8.0, np.nan])
    cluster = np.array([True, True, True, True, True, False, True])
    (got,) = cf.confronta(["TEMPI-PAG"], [False], codes, enti, values, cluster, ente=2)
    assert got.valore == 20.0 and got.mancanti == 1 and (got.n_cluster, got.n_tutti) == (5, 6)
    # cluster 12, 20, 20, 30, 41: mean 24,6; inclusive quartiles 20 and 30
    assert got.cluster == cf.Statistiche(5, 24.6, 12.0, 20.0, 20.0, 30.0, 41.0)
    # ties share their best rank: 12 is first, the two 20s are second
    assert got.posizione_cluster == 2 and got.posizione_tutti == 3  # 8 and 12 are better
    (other,) = cf.confronta(["TEMPI-PAG"], [False], codes, enti, values, cluster, ente=5)
    assert other.posizione_cluster is None and other.posizione_tutti == 1  # not in the cluster
    (none,) = cf.confronta(["TEMPI-PAG"], [False], codes, enti, values, cluster, ente=6)
    assert none.valore is None and none.posizione_tutti is None


def test_too_small_a_cluster_shows_no_aggregate():
    codes, enti = np.zeros(4, dtype=int), np.arange(4)
    values = np.array([1.0, 2.0, 3.0, 4.0])
    (got,) = cf.confronta(["X"], [True], codes, enti, values, np.ones(4, dtype=bool), ente=0)
    assert got.cluster is None and got.tutti is None and got.n_cluster == 4
    assert got.posizione_cluster == 4  # the ente's own rank is its own: shown
    (got,) = cf.confronta(["X"], [True], codes, enti, values, np.ones(4, dtype=bool), ente=0, minimo=4)
    assert got.cluster is not None and got.cluster.mediana == 2.5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(-50, 50).map(float))),
        min_size=1,
        max_size=60,
    ),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_the_vectorised_figures_are_the_standard_librarys(rows, direction):
    # ente i has row i; codes 0-3; every other ente is in the cluster
    codes = np.array([c for c, _v in rows])
    values = np.array([np.nan if v is None else v for _c, v in rows])
    enti = np.arange(len(rows))
    cluster = enti % 2 == 0
    names = ["A", "B", "C", "D"]
    for e in range(len(rows)):
        (got,) = cf.confronta(names, direction, codes, enti, values, cluster, ente=e, minimo=1)
        k = codes[e]
        xs = [v for (c, v), i in zip(rows, enti, strict=True) if c == k and v is not None and cluster[i]]
        everyone = [v for c, v in rows if c == k and v is not None]
        if len(xs) >= 1:
            q = statistics.quantiles(xs, n=4, method="inclusive") if len(xs) > 1 else [xs[0]] * 3
            assert got.cluster is not None
            assert (got.cluster.n, got.cluster.minimo, got.cluster.massimo) == (len(xs), min(xs), max(xs))
            assert got.cluster.media == pytest.approx(statistics.fmean(xs))
            assert [got.cluster.q1, got.cluster.mediana, got.cluster.q3] == pytest.approx(q)
        else:
            assert got.cluster is None
        if rows[e][1] is not None:
            better = [v for v in everyone if (v > rows[e][1] if direction[k] else v < rows[e][1])]
            assert got.posizione_tutti == len(better) + 1
