"""Reading and writing rows of cells: CSV (comma or semicolon) and XLSX.

One reader for every tabular file so that errors look the same everywhere:
``file, riga N, colonna X: message: 'value'``. Row numbers are the ones a
person sees in a spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..engine.errors import ParseError, Problem
from ..engine.numbers import fold

# A file's error message lists this many bad cells; the exception carries them all.
SHOWN = 20


class InvalidFile(ParseError):
    """Every bad cell of one file; a ParseError, so callers that catch those catch this too."""

    def __init__(self, source: str, problems: list[Problem]):
        self.problems = problems
        lines = [f"{len(problems)} valore/i non valido/i"]
        lines += [f"  - {p.where}: {p.message}" for p in problems[:SHOWN]]
        if len(problems) > SHOWN:
            lines.append(f"  ... e altri {len(problems) - SHOWN}")
        super().__init__("\n".join(lines), where=source)


@dataclass(frozen=True, slots=True)
class Table:
    source: str
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number as seen in the file, cells)


CELLA_MASSIMA = 131_072  # characters in a CSV cell (the csv module's default limit)


def _sniff_delimiter(sample: str) -> str:
    first = sample.splitlines()[0] if sample else ""
    # Italian Excel writes ';' because ',' is the decimal separator.
    return ";" if first.count(";") > first.count(",") else ","


def read_csv(path: str | Path) -> Table:
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"il file non è in UTF-8 (byte {exc.start}); salvarlo come «CSV UTF-8»", where=str(path)
        ) from None
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            # The bound is ours, not the csv module's: its limit is one setting for the whole
            # process, and a library may raise it (frictionless sets it to the maximum on import).
            wide = next((k for k, c in enumerate(row, start=1) if len(c) > CELLA_MASSIMA), None)
            if wide is not None:
                raise csv.Error(f"cella di {len(row[wide - 1]):_} caratteri".replace("_", "."))
            rows.append(row)
    except csv.Error as exc:
        # A cell beyond the bound (Excel itself holds 32,767 characters) or a broken quote: the
        # row and, when it can be told, the column.
        line = text.splitlines()[reader.line_num - 1] if 0 < reader.line_num <= len(text.splitlines()) else ""
        cells = line.split(delimiter)
        wide = next((k for k, c in enumerate(cells, start=1) if len(c) > CELLA_MASSIMA), None)
        col = f", colonna {wide}" if wide else ""
        raise ParseError(
            f"riga {reader.line_num}{col}: cella non leggibile ({exc}); una cella contiene al più "
            f"{CELLA_MASSIMA:_} caratteri".replace("_", "."),
            where=str(path),
        ) from None
    if not rows:
        raise ParseError("il file è vuoto: manca la riga di intestazione", where=str(path))
    headers = [unneutralise(h.strip()) for h in rows[0]]
    # A cell written as '=... by a neutralising export comes back as it was.
    body: list[tuple[int, list[object]]] = [
        (i + 2, [unneutralise(c) for c in r]) for i, r in enumerate(rows[1:]) if any(c.strip() for c in r)
    ]
    return Table(str(path), headers, body)


_PRINTED_PCT = re.compile(r"^(-?\d+)(?:,(\d+))?%$")
_PRINTED_NUM = re.compile(r"^-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")


def number_format_for(decimals: int, *, percent: bool = False, grouping: bool = False) -> str:
    base = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals else "")
    return base + ("%" if percent else "")


def format_printed(value: float, number_format: str) -> str:
    """A number as an Italian office prints it, following an Excel number format (0, #,##0.00, 0.0% ...)."""
    percent = number_format.endswith("%")
    fmt = number_format.rstrip("%")
    decimals = len(fmt.split(".", 1)[1]) if "." in fmt else 0
    x = value * 100 if percent else value
    text = f"{x:,.{decimals}f}" if "," in fmt else f"{x:.{decimals}f}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if text.startswith("-") and float(x) == 0:
        text = text[1:]
    return text + ("%" if percent else "")


def printed_to_number(text: str) -> tuple[float, str] | None:
    """``"90%"`` -> (0.9, "0%"), ``"2.000"`` -> (2000, "#,##0"), ``"4,35"`` -> (4.35, "0.00"); None for other text.

    Only when writing the number back with that format gives the very same text,
    so a sheet of numbers reads back exactly as printed.
    """
    m = _PRINTED_PCT.match(text)
    if m:
        decimals = len(m.group(2) or "")
        value = float(text[:-1].replace(",", ".")) / 100
        fmt = number_format_for(decimals, percent=True)
    else:
        m = _PRINTED_NUM.match(text)
        if not m:
            return None
        decimals = len(m.group(1) or "")
        value = float(text.replace(".", "").replace(",", "."))
        fmt = number_format_for(decimals, grouping="." in text)
    return (value, fmt) if format_printed(value, fmt) == text else None


_OUR_FORMAT = re.compile(r"^(?:#,##0|0)(?:\.0+)?%?$")


def _xlsx_cell(cell: Any) -> object:  # an openpyxl cell (openpyxl ships no types)
    """A cell's value; a number with a number format reads as the text a person sees (``"90%"``, ``"2.000"``)."""
    v = cell.value
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and _OUR_FORMAT.match(fmt):
        return format_printed(float(v), fmt)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in fmt:
        pct = v * 100
        text = repr(round(pct, 10))
        text = text[:-2] if text.endswith(".0") else text
        return text.replace(".", ",") + "%"
    return v


# Limits on what an XLSX (a zip of XML files) may unpack to before openpyxl sees it. A real
# plan unpacks to a few MB (the 5,000-indicator one to 9 MB, ratio 11); a zip bomb to GBs at
# ratios in the thousands. XML entity tricks are handled by defusedxml, which openpyxl uses
# by itself when installed (docs/security.md).
# The bounds hold for the whole archive, not only part by part: 190 parts of 1 MB each (each
# under a per-part test) once unpacked to 190 MB and took 113 s of CPU (issue 13).
XLSX_MAX_MEMBERS = 1_000  # a workbook has tens of parts: one per sheet, styles, strings
XLSX_MAX_UNPACKED = 64 * 1024 * 1024  # seven times the 5,000-indicator plan
XLSX_MAX_RATIO = 100


def check_xlsx(path: str | Path) -> None:
    """Refuse a file that is no zip, or that would unpack to more than the limits above."""
    import zipfile

    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ParseError(
            f"il file non è un XLSX valido (non è un archivio zip: {exc.__class__.__name__})", where=str(path)
        ) from None
    if len(members) > XLSX_MAX_MEMBERS:
        raise ParseError(
            f"il file XLSX contiene troppe parti ({len(members)}, massimo {XLSX_MAX_MEMBERS})", where=str(path)
        )
    total = sum(m.file_size for m in members)
    if total > XLSX_MAX_UNPACKED:
        raise ParseError(
            f"il file XLSX si espande a {total // (1024 * 1024)} MB "
            f"(massimo {XLSX_MAX_UNPACKED // (1024 * 1024)} MB): rifiutato",
            where=str(path),
        )
    packed = sum(m.compress_size for m in members)
    if total > 8 * 1024 * 1024 and total > XLSX_MAX_RATIO * max(packed, 1):
        raise ParseError(
            f"il file XLSX è compresso {total // max(packed, 1)} volte nel suo insieme (massimo {XLSX_MAX_RATIO}): "
            "sembra una «zip bomb», rifiutato",
            where=str(path),
        )
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > XLSX_MAX_RATIO * max(m.compress_size, 1):
            raise ParseError(
                f"la parte {m.filename} del file XLSX è compressa {m.file_size // max(m.compress_size, 1)} volte "
                f"(massimo {XLSX_MAX_RATIO}): "
                "sembra una «zip bomb», rifiutato",
                where=str(path),
            )


def read_xlsx(path: str | Path, *, skip: Sequence[str] = ()) -> Table:
    """Every sheet but ``skip``, with one header row each (the same headers on every sheet).

    Only cached cell values are read (``data_only``): formulas in the file are
    never evaluated.
    """
    from openpyxl import load_workbook

    path = Path(path)
    check_xlsx(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file (defusedxml's too)
        raise ParseError(f"il file XLSX non si può leggere ({exc.__class__.__name__})", where=str(path)) from None
    try:
        headers: list[str] | None = None
        body: list[tuple[int, list[object]]] = []
        skipped = {fold(s) for s in skip}
        for ws in wb.worksheets:
            if fold(ws.title) in skipped:
                continue
            it = ws.iter_rows()
            first = next(it, None)
            if first is None:
                continue
            h = [cell_text(c.value) for c in first]
            while h and not h[-1]:
                h.pop()
            if headers is None:
                headers = h
            elif [fold(x) for x in h] != [fold(x) for x in headers]:
                raise ParseError("i fogli hanno intestazioni diverse", where=f"{path}, foglio {ws.title}")
            for n, row in enumerate(it, start=2):
                cells = [_xlsx_cell(c) for c in row]
                if any(c not in (None, "") for c in cells):
                    body.append((n, cells))
        if headers is None:
            raise ParseError("il file è vuoto: manca la riga di intestazione", where=str(path))
        return Table(str(path), headers, body)
    finally:
        wb.close()


def read_sheet_pairs(path: str | Path, sheet: str) -> list[tuple[str, str]] | None:
    """The (key, text) rows of a key/value sheet, or ``None`` when the sheet is absent."""
    from openpyxl import load_workbook

    check_xlsx(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # as in read_xlsx
        raise ParseError(f"il file XLSX non si può leggere ({exc.__class__.__name__})", where=str(path)) from None
    try:
        names = {fold(n): n for n in wb.sheetnames}
        if fold(sheet) not in names:
            return None
        ws = wb[names[fold(sheet)]]
        out = []
        for row in ws.iter_rows(min_row=2, values_only=True):
            if row and row[0]:
                out.append((str(row[0]), "" if len(row) < 2 or row[1] is None else str(row[1])))
        return out
    finally:
        wb.close()


def read_table(path: str | Path) -> Table:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise ParseError("formato di file non riconosciuto (attesi .csv o .xlsx)", value=Path(path).name)


def cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def match_headers(table: Table, known: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Map canonical names to column indexes; ``known`` maps folded header -> canonical name.

    Returns the mapping and the headers that were not recognised.
    """
    found: dict[str, int] = {}
    unknown: list[str] = []
    for idx, h in enumerate(table.headers):
        key = known.get(fold(h))
        if key is None:
            if h:
                unknown.append(h)
            continue
        if key in found:
            raise ParseError(f"colonna ripetuta: {h!r}", where=f"{table.source}, riga 1")
        found[key] = idx
    return found, unknown


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d.,]*)%?$")


def neutralise(text: str) -> str:
    """A text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` at the start),
    prefixed with ``'`` so that it shows as text (OWASP's advice for CSV injection).

    A plain number (``-5``, ``+3,5%``) is left alone: a spreadsheet reads it as a number,
    not a formula. ``unneutralise`` undoes it when cruscotto reads its own file back.
    """
    if text and text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text[1:]):
        return text[1:]
    return text


def write_csv(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> None:
    """CSV in UTF-8; texts that a spreadsheet would run as formulas are neutralised."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow([neutralise(str(h)) for h in headers])
        for r in rows:
            w.writerow(["" if c is None else neutralise(c) if isinstance(c, str) else c for c in r])
