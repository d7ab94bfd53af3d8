"""Spreadsheets are read safely: no zip bomb, no XML entity expansion, no formula run."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from cruscotto.engine.errors import ParseError
from cruscotto.files.tables import XLSX_MAX_RATIO, check_xlsx, read_xlsx


def _xlsx_with(path, member: str, data: bytes):
    """A real workbook with one part replaced (or added)."""
    buf = io.BytesIO()
    Workbook().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != member:
                out.writestr(item, src.read(item.filename))
        out.writestr(member, data)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    # 60 MB of one repeated byte packs to ~60 KB: a ratio of about 1,000.
    bomb = _xlsx_with(tmp_path / "bomba.xlsx", "xl/worksheets/sheet1.xml", b"<" + b"a" * 60_000_000)
    assert bomb.stat().st_size < 200_000
    t = time.perf_counter()
    with pytest.raises(ParseError) as exc:
        read_xlsx(bomb)
    assert time.perf_counter() - t < 1.0  # refused from the zip directory alone
    assert (
        "zip bomb" in str(exc.value)
        and "bomba.xlsx" in str(exc.value)
        and f"massimo {XLSX_MAX_RATIO}" in str(exc.value)
    )


def test_a_file_that_is_no_zip_is_refused_with_its_name(tmp_path):
    fake = tmp_path / "piano.xlsx"
    fake.write_text("codice;nome\n1;uno\n")
    with pytest.raises(ParseError, match=r"piano\.xlsx: il file non è un XLSX valido"):
        read_xlsx(fake)


def test_xml_entity_expansion_is_refused(tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&d;</t></is></c></row></sheetData></worksheet>'
    )
    path = _xlsx_with(tmp_path / "entita.xlsx", "xl/worksheets/sheet1.xml", laughs)
    check_xlsx(path)  # small and plain: the zip is fine, the XML is not
    with pytest.raises(ParseError, match=r"entita\.xlsx: il file XLSX non si può leggere"):
        read_xlsx(path)


def test_formulas_are_not_run_only_their_cached_value_is_read(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["codice", "valore"])
    ws.append(["A", "=1+1"])  # no cached value: openpyxl writes none, Excel would compute 2
    path = tmp_path / "formule.xlsx"
    wb.save(path)
    table = read_xlsx(path)
    assert table.rows == [(2, ["A", None])]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x";"clic")', "+39 0573 99141", "-cmd|' /C calc'!A0", "@SUM(A1)", "\t=1"]
)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised_and_read_back(tmp_path, text):
    from cruscotto.files.tables import read_csv, write_csv

    path = tmp_path / "x.csv"
    write_csv(path, ["codice", "nome"], [["A", text]])
    import csv

    cell = list(csv.reader(path.open(encoding="utf-8")))[1][1]
    assert cell == "'" + text  # what a spreadsheet sees: text, not a formula
    assert read_csv(path).rows[0][1][1] == text  # cruscotto reads its own file back unchanged


@pytest.mark.parametrize("number", ["-5", "+3,5%", "-15", "1.234,5"])
def test_plain_numbers_are_left_alone(tmp_path, number):
    from cruscotto.files.tables import neutralise

    assert neutralise(number) == number


def test_xlsx_exports_write_formula_like_text_as_text(tmp_path, small_plan_file):
    from dataclasses import replace

    from openpyxl import load_workbook

    from cruscotto.files import load_plan
    from cruscotto.files.tabular import write_xlsx_plan

    piano = load_plan(small_plan_file).piano
    first = next(piano.indicatori())
    evil = "=cmd|' /C calc'!A0"
    os_ = piano.prospettive[0].linee[0].obiettivi_strategici[0]
    renamed = replace(os_, indicatori=(replace(first, nome=evil), *os_.indicatori[1:]))
    linea = replace(
        piano.prospettive[0].linee[0],
        obiettivi_strategici=(renamed, *piano.prospettive[0].linee[0].obiettivi_strategici[1:]),
    )
    persp = replace(piano.prospettive[0], linee=(linea, *piano.prospettive[0].linee[1:]))
    piano = replace(piano, prospettive=(persp, *piano.prospettive[1:]))
    out = tmp_path / "piano.xlsx"
    write_xlsx_plan(piano, out)
    cells = [c for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)  # a string, never a formula
    assert next(load_plan(out).piano.indicatori()).nome == evil
