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
