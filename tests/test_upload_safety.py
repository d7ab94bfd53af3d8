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
    assert "zip bomb" in str(exc.value) and "bomba.xlsx" in str(exc.value) and f"massimo {XLSX_MAX_RATIO}" in str(exc.value)


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
