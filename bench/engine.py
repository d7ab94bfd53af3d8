"""Benchmark of the vectorised scorer (cruscotto.engine.batch), with SQLite and the scalar engine as yardsticks.

For each size: synthetic plans of ``--per-entity`` indicators per entity are
generated (not timed) and scored by ``score_batch`` (best of ``--repeat``
runs, time.perf_counter); the peak of the memory allocated while scoring is
taken in a separate run under tracemalloc. The same data is then loaded into
an in-memory SQLite database (not timed) and the same job is done in SQL, in
the same process: the achievement rules as one CASE expression, then one
GROUP BY per level up to the entity, with statuses at every level. SQLite's
figures and statuses must equal ours at every level (achievements within
1e-6) or the run stops: the comparison is between two programs computing the
same thing.

SQLite gets the weights already resolved (the equal-weights and
remainder rules applied when loading), so it does a little less work than
score_batch, which applies them on every run.

The scalar engine (rollup.score_plan, with its traces) scores ``--scalar-size``
indicators of the same kind of data, as a reference for the speed-up.

    python bench/engine.py [--json] [--sizes 1000,10000,100000,1000000] [--repeat 3]

docs/benchmarks.md explains the figures and lists those of a reference run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
import tracemalloc

import numpy as np

from cruscotto.engine.batch import LEVELS, NODE_LEVELS, Batch, effective_weights, score_batch, synthetic, to_plans
from cruscotto.engine.model import Regole
from cruscotto.engine.rollup import score_plan

ANNO = 2020
RULES = Regole(soglia_raggiunto=80.0, soglia_parziale=60.0)  # the seed's threshold, plus a partial band
SEED = 2020

# The indicator rules of scoring.higher_is_better / lower_is_better, as SQL. NULL is "no data".
ACHIEVEMENT_SQL = """
CASE
  WHEN actual IS NULL OR target IS NULL OR polarity = 2 THEN NULL
  WHEN polarity = 0 THEN
    CASE WHEN target > 0 THEN min(100.0, max(0.0, actual) / target * 100.0)
         WHEN target = 0 THEN CASE WHEN actual >= 0 THEN 100.0 ELSE 0.0 END
         WHEN actual >= target THEN 100.0
         ELSE max(0.0, 100.0 - (target - actual) / abs(target) * 100.0) END
  ELSE
    CASE WHEN actual <= target THEN 100.0
         WHEN target > 0 THEN target / actual * 100.0
         WHEN target < 0 THEN max(0.0, 100.0 - (actual - target) / abs(target) * 100.0)
         ELSE 0.0 END
END"""

STATUS_SQL = (
    f"CASE WHEN a IS NULL THEN 0 WHEN a >= {RULES.soglia_raggiunto!r} THEN 3 "
    f"WHEN a >= {RULES.soglia_parziale!r} THEN 2 ELSE 1 END"
)

# Weighted mean over the children with data; SQLite's x / 0 is NULL, like the engine's "no data".
MEAN_SQL = "SUM({w} * {a}) / SUM(CASE WHEN {a} IS NOT NULL THEN {w} END)"

NODE_TABLES = dict(zip(NODE_LEVELS, ("oo", "os", "linea", "prospettiva")))


def sql_steps() -> list[str]:
    """The statements SQLite runs: indicators, then one GROUP BY per level up to the entity."""
    steps = [
        # scoring.score_one: a value that cannot be scored (no target, not a number) is "non valutabile" (4)
        f"CREATE TEMP TABLE s_ind AS SELECT id, parent, w, a, "
        f"CASE WHEN a IS NULL AND actual IS NOT NULL THEN 4 ELSE {STATUS_SQL} END AS status "
        f"FROM (SELECT id, parent, w, actual, {ACHIEVEMENT_SQL} AS a FROM indicator)",
        f"CREATE TEMP TABLE s_oo AS SELECT id, a, {STATUS_SQL} AS status "
        f"FROM (SELECT parent AS id, {MEAN_SQL.format(w='w', a='a')} AS a FROM s_ind GROUP BY parent)",
    ]
    below = "oo"
    for above in ("os", "linea", "prospettiva", "ente"):
        steps.append(
            f"CREATE TEMP TABLE s_{above} AS SELECT id, a, {STATUS_SQL} AS status "
            f"FROM (SELECT n.parent AS id, {MEAN_SQL.format(w='n.w', a='s.a')} AS a "
            f"FROM s_{below} AS s JOIN {below} AS n ON n.id = s.id GROUP BY n.parent)"
        )
        below = above
    return steps


def nullable(x: np.ndarray) -> list:
    """NaN as None (SQL NULL), everything else as a Python number."""
    return np.where(np.isnan(x), None, x.astype(object)).tolist()


def load_sqlite(batch: Batch) -> sqlite3.Connection:
    """The batch in an in-memory database, weights resolved (see the module docstring)."""
    if batch.on_strategic.any() or batch.area.any() or any(level.area.any() for level in batch.levels):
        raise SystemExit(
            "the SQL of this benchmark covers plans without direct indicators and area scope, as synthetic() makes them"
        )
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA temp_store = MEMORY")
    n_parents = [len(level) for level in batch.levels] + [batch.n_entities]
    w = effective_weights(batch.weight, batch.parent, n_parents[0], None)
    con.execute(
        "CREATE TABLE indicator "
        "(id INTEGER PRIMARY KEY, parent INTEGER, w REAL, actual REAL, target REAL, polarity INTEGER)"
    )
    con.executemany(
        "INSERT INTO indicator VALUES (?, ?, ?, ?, ?, ?)",
        zip(
            range(len(batch)),
            batch.parent.tolist(),
            w.tolist(),
            nullable(batch.actual),
            nullable(batch.target),
            batch.polarity.tolist(),
        ),
    )
    for k, (name, level) in enumerate(zip(NODE_LEVELS, batch.levels)):
        table = NODE_TABLES[name]
        lw = effective_weights(level.weight, level.parent, n_parents[k + 1], None)
        con.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, parent INTEGER, w REAL)")
        con.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?)", zip(range(len(level)), level.parent.tolist(), lw.tolist())
        )
    con.commit()
    return con


def run_sqlite(con: sqlite3.Connection) -> float:
    for table in ("s_ind", "s_oo", "s_os", "s_linea", "s_prospettiva", "s_ente"):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")
    start = time.perf_counter()
    for step in sql_steps():
        con.execute(step)
    return time.perf_counter() - start


def check_sqlite(con: sqlite3.Connection, batch: Batch, ours) -> None:
    """SQLite's achievements (max abs difference < 1e-6) and statuses must be ours, at every level."""
    tables = dict(zip(LEVELS, ("s_ind", "s_oo", "s_os", "s_linea", "s_prospettiva", "s_ente")))
    for level, table in tables.items():
        n = len(ours.achievement[level])
        theirs = np.full(n, np.nan)
        status = np.zeros(n, dtype=np.int8)  # nodes absent from a GROUP BY have no child: no data
        rows = con.execute(f"SELECT id, a, status FROM {table}").fetchall()
        if rows:
            ids, a, s = zip(*rows)
            theirs[list(ids)] = np.array(a, dtype=np.float64)  # None -> NaN
            status[list(ids)] = s
        mine = ours.achievement[level]
        if not np.array_equal(np.isnan(theirs), np.isnan(mine)):
            raise SystemExit(f"SQLite and score_batch disagree on which {level} nodes have data")
        diff = float(np.nanmax(np.abs(theirs - mine))) if not np.isnan(mine).all() else 0.0
        if not diff < 1e-6:
            raise SystemExit(f"SQLite and score_batch disagree at level {level}: max abs difference {diff}")
        # SQLite may add in another order: a status may differ only where a figure sits on a threshold.
        on_threshold = np.isclose(mine, RULES.soglia_raggiunto, rtol=0, atol=1e-9) | np.isclose(
            mine, RULES.soglia_parziale, rtol=0, atol=1e-9
        )
        if np.any((status != ours.status[level]) & ~on_threshold):
            raise SystemExit(f"SQLite and score_batch disagree on the statuses at level {level}")


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_mib(fn) -> float:
    """Peak memory allocated while ``fn`` runs (numpy reports its buffers to tracemalloc), in MiB."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - base) / 2**20


def scalar_reference(n_indicators: int, per_entity: int, repeat: int) -> dict:
    """rollup.score_plan on the same kind of data, and a check that it gives score_batch's entity figures."""
    batch = synthetic(max(1, n_indicators // per_entity), per_entity, seed=SEED)
    plans = to_plans(batch, anno=ANNO, regole=RULES)
    results: list = []

    def run():
        results[:] = [score_plan(piano, anno=ANNO, valori=valori) for piano, valori in plans]

    seconds = best_of(repeat, run)
    ours = score_batch(batch, RULES).entity
    scalar = np.array([np.nan if r.achievement is None else r.achievement for r in results])
    if not np.array_equal(ours, scalar, equal_nan=True):
        raise SystemExit("the scalar engine and score_batch disagree on the synthetic data")
    return {"indicators": len(batch), "seconds": seconds, "indicators_per_second": len(batch) / seconds}


def measure(n_indicators: int, per_entity: int, repeat: int, scalar: dict) -> dict:
    batch = synthetic(max(1, n_indicators // per_entity), per_entity, seed=SEED)
    n = len(batch)
    score_batch(batch, RULES)  # warm-up: first-call costs are not the engine's speed
    seconds = best_of(repeat, lambda: score_batch(batch, RULES))
    mib = peak_mib(lambda: score_batch(batch, RULES))

    con = load_sqlite(batch)
    try:
        sqlite_seconds = min(run_sqlite(con) for _ in range(repeat))
        check_sqlite(con, batch, score_batch(batch, RULES))
    finally:
        con.close()
    return {
        "indicators": n,
        "seconds": seconds,
        "indicators_per_second": n / seconds,
        "peak_mib": mib,
        "sqlite_seconds": sqlite_seconds,
        "ratio_vs_sqlite": sqlite_seconds / seconds,
        # extra keys
        "entities": batch.n_entities,
        "repeat": repeat,
        "sqlite_indicators_per_second": n / sqlite_seconds,
        "scalar_indicators_per_second": scalar["indicators_per_second"],
        "speedup_vs_scalar": (n / seconds) / scalar["indicators_per_second"],
    }


def sizes_arg(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from exc
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def environment() -> str:
    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPU(s), {platform.machine()} {platform.system()}"
    )


def print_table(rows: list[dict], scalar: dict) -> None:
    print(f"cruscotto engine benchmark — {environment()}")
    print(
        f"synthetic plans, {rows[0]['indicators'] // rows[0]['entities']} indicators per entity; "
        f"best of {rows[0]['repeat']} runs\n"
    )
    head = (
        f"{'indicators':>11} {'entities':>9} {'seconds':>9} {'indicators/s':>13} "
        f"{'peak MiB':>9} {'SQLite s':>9} {'SQLite/ours':>12}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['indicators']:>11,} {r['entities']:>9,} {r['seconds']:>9.4f} {r['indicators_per_second']:>13,.0f} "
            f"{r['peak_mib']:>9.2f} {r['sqlite_seconds']:>9.4f} {r['ratio_vs_sqlite']:>11.1f}x"
        )
    print(
        f"\nreference: scalar engine (rollup.score_plan, with traces), {scalar['indicators']:,} indicators: "
        f"{scalar['seconds']:.4f} s, {scalar['indicators_per_second']:,.0f} indicators/s"
    )
    top = max(rows, key=lambda r: r["indicators"])
    met = top["indicators"] >= 1_000_000 and top["indicators_per_second"] >= 1_000_000 and top["ratio_vs_sqlite"] > 1
    print(
        f"goal (≥ 1,000,000 indicators/s and faster than SQLite at 1M indicators): "
        f"{'met' if met else 'not met'} at {top['indicators']:,} indicators "
        f"({top['indicators_per_second']:,.0f}/s, {top['ratio_vs_sqlite']:.1f}x SQLite, "
        f"{top['speedup_vs_scalar']:,.0f}x the scalar engine)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--json", action="store_true", help="print a JSON list (one object per size) instead of the table"
    )
    parser.add_argument(
        "--sizes",
        type=sizes_arg,
        default=[1_000, 10_000, 100_000, 1_000_000],
        help="indicators per run, comma-separated",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size; the best counts (default 3)")
    parser.add_argument("--per-entity", type=int, default=100, help="indicators per entity (default 100)")
    parser.add_argument(
        "--scalar-size", type=int, default=1_000, help="indicators scored by the scalar engine (default 1000)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.per_entity < 1 or args.scalar_size < 1:
        parser.error("--repeat, --per-entity and --scalar-size must be at least 1")

    scalar = scalar_reference(args.scalar_size, args.per_entity, args.repeat)
    rows = []
    for size in args.sizes:
        rows.append(measure(size, args.per_entity, args.repeat, scalar))
        if not args.json:
            print(f"  measured {rows[-1]['indicators']:,} indicators", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows, scalar)
    return 0


if __name__ == "__main__":
    sys.exit(main())
