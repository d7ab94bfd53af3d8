"""bench/web.py without PostgreSQL: the synthetic plan it loads, the percentiles it reports,
its cookie and option handling."""

from __future__ import annotations

import importlib.util
import sys
from email.message import Message
from pathlib import Path

import pytest

from cruscotto.engine.model import Polarita
from cruscotto.engine.rollup import score_plan
from cruscotto.engine.validation import validate_plan

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench_web():
    """bench/web.py as a module (under a name of its own: tests/web is a package called web)."""
    sys.path.insert(0, str(BENCH))  # for its sibling synthetic_plan
    try:
        spec = importlib.util.spec_from_file_location("bench_web", BENCH / "web.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_web"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("bench_web", None)
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def synthetic(bench_web):
    return bench_web.build_synthetic()


def test_synthetic_plan_has_5000_indicators_and_50_structures(synthetic, bench_web):
    piano, valori = synthetic
    indicators = list(piano.indicatori())
    assert len(indicators) == 5000
    assert len({i.codice for i in indicators}) == 5000
    assert len(piano.strutture) == 50
    assert piano.ente.codice == bench_web.ente_code(5000) == "SINT-5000"
    assert bench_web.ANNO in piano.anni
    # Shaped like the demo plan, scaled up: objectives at every level, every kind of indicator.
    assert len(piano.prospettive) == 4
    assert sum(1 for _ in piano.obiettivi_strategici()) == 50
    assert sum(1 for _ in piano.obiettivi_operativi()) == 500
    assert {i.polarita for i in indicators} == set(Polarita)
    # Every structure an indicator names exists, and the services hang under areas.
    codes = {s.codice for s in piano.strutture}
    assert {c for i in indicators for c in i.strutture} <= codes
    assert all(s.padre in codes for s in piano.strutture if s.tipo == "servizio")
    # Actual values for most indicators of the benchmarked year.
    assert 0.9 * 5000 < len(valori.consuntivi) < 1.2 * 5000
    assert {anno for _c, anno, _p in valori.consuntivi} == {bench_web.ANNO}


def test_synthetic_plan_is_valid_and_scores(synthetic, bench_web):
    piano, valori = synthetic
    assert validate_plan(piano) == []  # no errors, and no warnings either (weights sum to 100)
    result = score_plan(piano, anno=bench_web.ANNO, valori=valori)
    assert len(result.indicatori) == 5000
    with_data = [r for r in result.indicatori if r.achievement is not None]
    assert len(with_data) > 0.85 * 5000
    assert result.nodi[0].achievement is not None


def test_synthetic_plan_is_deterministic_and_sized_by_its_arguments(bench_web):
    from synthetic_plan import synthetic_plan_data

    assert synthetic_plan_data(100, 10) == synthetic_plan_data(100, 10)
    assert synthetic_plan_data(100, 10, seed=1) != synthetic_plan_data(100, 10, seed=2)
    piano, _valori = bench_web.build_synthetic(100, 10)
    assert sum(1 for _ in piano.indicatori()) == 100
    assert len(piano.strutture) == 10
    with pytest.raises(ValueError):
        synthetic_plan_data(10, 10)
    with pytest.raises(ValueError):
        synthetic_plan_data(100, 3)


def test_percentile_interpolates_between_ranks(bench_web):
    p = bench_web.percentile
    values = list(range(1, 101))  # 1..100
    assert p(values, 0) == 1
    assert p(values, 100) == 100
    assert p(values, 50) == pytest.approx(50.5)
    assert p(values, 95) == pytest.approx(95.05)
    assert p(values, 99) == pytest.approx(99.01)
    assert p([3.0, 1.0, 2.0], 50) == 2.0  # unsorted input
    assert p([10.0, 20.0], 25) == pytest.approx(12.5)


def test_percentile_edge_cases(bench_web):
    p = bench_web.percentile
    assert p([], 95) is None
    assert p([7.0], 0) == p([7.0], 50) == p([7.0], 99) == 7.0
    assert p([5.0] * 10, 95) == 5.0
    with pytest.raises(ValueError):
        p([1.0], 101)
    with pytest.raises(ValueError):
        p([1.0], -1)


def test_percentile_matches_numpy(bench_web):
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    values = rng.lognormal(3, 1, 997).tolist()
    for q in (50, 95, 99):
        assert bench_web.percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_cookies_are_read_from_set_cookie_headers(bench_web):
    headers = Message()
    headers["Set-Cookie"] = (
        "csrftoken=abc; expires=Wed, 24 Nov 2027 10:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax"
    )
    headers["Set-Cookie"] = "sessionid=xyz; HttpOnly; Path=/; SameSite=Lax"
    assert bench_web._cookies(headers, {}) == {"csrftoken": "abc", "sessionid": "xyz"}


def test_options(bench_web):
    args = bench_web.parse_args([])
    assert (args.seconds, args.clients, args.indicators, args.structures) == (10.0, 20, 5000, 50)
    assert args.workers == args.cores + 1 and args.threads == 0  # docs/deployment.md's recommendation
    sync = bench_web.gunicorn_command(8000, 3, Path("g.log"))
    assert sync[sync.index("--workers") + 1] == "3" and "--worker-class" not in sync
    gthread = bench_web.gunicorn_command(8000, 2, Path("g.log"), threads=4)
    assert gthread[gthread.index("--worker-class") : gthread.index("--worker-class") + 4] == [
        "--worker-class",
        "gthread",
        "--threads",
        "4",
    ]
    assert args.db_name == "cruscotto_bench"
    assert args.pages == "all" and bench_web.parse_args(["--pages", "demo"]).pages == "demo"
    with pytest.raises(SystemExit):
        bench_web.parse_args(["--db-name", "x; DROP DATABASE postgres"])
    with pytest.raises(SystemExit):
        bench_web.parse_args(["--clients", "0"])


def test_goals_are_the_issue_s(bench_web):
    """Issue 16's goals, written out: p95 ≤ 50 ms on the demo's pages, ≤ 300 ms on the
    5,000-indicator plan's and on the Confronto page; the first request after a restart ≤ 500 ms."""
    pages = ("cruscotto", "albero", "mappa", "monitoraggio", "indicatore")
    assert bench_web.GOALS == (
        {("demo", p): 50.0 for p in pages}
        | {("synthetic", p): 300.0 for p in pages}
        | {("installazione", "confronto"): 300.0}
    )
    assert bench_web.FIRST_GOAL_MS == 500.0
    assert bench_web.HOST == "127.0.0.1"


def test_a_synthetic_ente_moves_29_february_to_a_year_that_has_none():
    import random

    from cruscotto.demo.sintetico import _other_year

    assert _other_year("29/02/2020", random.Random(1), 2021) == "28/02/2021"
    assert _other_year("15/06/2020", random.Random(1), 2022) == "15/06/2022"
