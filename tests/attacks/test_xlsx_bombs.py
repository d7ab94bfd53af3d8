"""XLSX bombs (issue 13, item 2): parts of 1 MB or less each skipped the per-part ratio test, and
190 of them unpacked to 190 MB (113 s of CPU, 845 MB). The whole archive is bounded now."""

from __future__ import annotations

import time
import zipfile

import pytest

from cruscotto.engine.errors import PlanError
from cruscotto.files import load_plan


def _bomb(path, parts: int, size: int) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for k in range(parts):
            zf.writestr(f"xl/worksheets/sheet{k}.xml", "<a>" + "x" * (size - 7) + "</a>")


@pytest.mark.sqlite_only  # files only, no database
@pytest.mark.parametrize(
    ("parts", "size", "words"),
    [(190, 1024 * 1024, "si espande"), (40, 1024 * 1024, "compresso"), (2_000, 10, "troppe parti")],
)
def test_an_xlsx_bomb_is_refused_before_it_is_read(tmp_path, parts, size, words):
    path = tmp_path / "bomba.xlsx"
    _bomb(path, parts, size)
    assert path.stat().st_size < 2 * 1024 * 1024
    t0 = time.perf_counter()
    with pytest.raises(PlanError, match=words):
        load_plan(path)
    assert time.perf_counter() - t0 < 2
