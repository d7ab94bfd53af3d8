"""bench/documents.py says why a build failed (issue 16): the child's exception with its
traceback, or the signal that killed it, instead of "the build failed in the child process"."""

from __future__ import annotations

import importlib.util
import os
import signal
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "documents.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_documents", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_build_that_works_gives_its_seconds_and_memory(bench):
    seconds, peak = bench.measure(lambda: sum(range(10_000)))
    assert 0 < seconds < 5 and peak > 1


def test_a_build_that_raises_says_what_and_where(bench):
    def broken():
        raise ValueError("tabella senza colonne")

    with pytest.raises(RuntimeError) as err:
        bench.measure(broken)
    text = str(err.value)
    assert "exit 1" in text and "ValueError: tabella senza colonne" in text and "in broken" in text


def test_a_build_killed_says_by_which_signal(bench):
    with pytest.raises(RuntimeError, match="killed by SIGKILL at a peak of .* MiB .*out-of-memory"):
        bench.measure(lambda: os.kill(os.getpid(), signal.SIGKILL))


def _row(plan, n, engine, seconds, mib, pages, runs=1):
    return {
        "plan": plan,
        "indicators": n,
        "document": "relazione",
        "format": "pdf",
        "engine": engine,
        "seconds": seconds,
        "worst_seconds": seconds,
        "runs": runs,
        "peak_mib": mib,
        "pages": pages,
        "bytes": 1000,
    }


def test_the_report_judges_each_engine_against_the_goals(bench):
    """Issue 16's goals, per engine: the demo Relazione PDF in 2 s, the 5,000-indicator one in
    15 s and 400 MiB (both limits), and the ratio Typst / WeasyPrint of the same document."""
    rows = [
        _row("demo", 79, "weasyprint", 4.0, 120.0, 27, runs=3),
        _row("demo", 79, "typst", 0.4, 100.0, 27, runs=3),
        _row("sintetico 5000", 5000, "weasyprint", 91.0, 1136.0, 372),
        _row("sintetico 5000", 5000, "typst", 10.0, 450.0, 370),  # fast enough, too big
    ]
    text = "\n".join(bench.report(rows))
    assert "pdf (weasyprint)" in text and "pdf (typst)" in text
    assert "demo Relazione PDF ≤ 2 s, weasyprint: NOT met (best 4.00 s" in text
    assert "demo Relazione PDF ≤ 2 s, typst: met (best 0.40 s" in text
    assert "5,000-indicator Relazione PDF ≤ 15 s and ≤ 400 MiB, weasyprint: NOT met (91.00 s, 1136 MiB)" in text
    assert "5,000-indicator Relazione PDF ≤ 15 s and ≤ 400 MiB, typst: NOT met (10.00 s, 450 MiB)" in text
    assert "demo relazione: seconds 0.10×, peak memory 0.83×, pages 27 against 27" in text
    assert "sintetico 5000 relazione: seconds 0.11×" in text


def test_the_bench_runs_the_typst_row(tmp_path):
    """The Typst PDF measured end to end in a fresh process (the bench's own parent never
    renders: a child forked after a Typst compile in its parent would hang)."""
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, str(BENCH), "--json", "--big", "0", "--repeat", "1", "--documents", "relazione"]
        + ["--engines", "typst"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    rows = json.loads(out.stdout)
    (pdf,) = [r for r in rows if r["format"] == "pdf"]
    assert pdf["engine"] == "typst" and pdf["pages"] > 10 and pdf["bytes"] > 10_000
    assert 0 < pdf["seconds"] < 60 and pdf["peak_mib"] > 10
    assert [r["document"] for r in rows] == ["(score: reference)", "relazione", "relazione"]  # and the DOCX
