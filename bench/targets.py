"""How fast targets are read (engine/targets.py), on the seed's shapes and on real plans' cells.

A plan of 5.000 indicators has 15.000 target cells, read every time the plan is loaded
(import, the first page after a change): the reading must stay a small part of that.
Prints microseconds per cell, best of N runs, and the ratio to a reference run in the
same process (Python's float() on the same count of plain numbers).

    python bench/targets.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from cruscotto.engine.errors import ParseError
from cruscotto.engine.targets import parse_target

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "target_corpus"
SEED = [
    "90%",
    "2.000",
    "-15 gg",
    "entro 31/12/2020",
    ">3 ore",
    "11 uscite",
    "100% iniziative trasmesse da ICE",
    "=1",
    "Entro 15 gg. prima di T0",
    "si",
]
PLAIN = ["90%", "2.000", "-15 gg", ">= 95%", "4500", "0"]
WORST = ["1" + " " * 598 + "x", "entro " + "1 " * 296, "almeno " + "1.000 e " * 70]


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def read_all(cells: list[str]) -> None:
    for c in cells:
        try:
            parse_target(c, anno=2021)
        except ParseError:
            pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    corpus = [
        str(e["testo"])
        for p in sorted(CORPUS.glob("*.yaml"))
        for e in yaml.safe_load(p.read_text(encoding="utf-8"))["target"]
    ]
    numbers = ["90", "2000", "-15", "95", "4500", "0"] * 200
    reference = best_of(args.repeat, lambda: [float(x) for x in numbers]) / len(numbers)
    print(f"target reading — best of {args.repeat}; reference: float() {reference * 1e6:.2f} µs a number")
    print(f"{'cells':<34}{'count':>7}{'µs/cell':>10}{'× float()':>11}")
    for name, cells in (
        ("seed shapes", SEED * 100),
        ("plain figures", PLAIN * 100),
        ("real plans' cells (corpus)", corpus),
    ):
        per = best_of(args.repeat, lambda cells=cells: read_all(cells)) / len(cells)
        print(f"{name:<34}{len(cells):>7}{per * 1e6:>10.1f}{per / reference:>11.0f}")
    worst = max(best_of(args.repeat, lambda c=c: read_all([c])) for c in WORST)
    print(f"{'worst 600-character cell':<34}{len(WORST):>7}{worst * 1e6:>10.1f}{worst / reference:>11.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
