"""Actual values and base measures from CSV files.

Actual values: ``codice_indicatore,anno,periodo,valore,nota`` (periodo empty =
the whole year), and optionally ``causa_scostamento`` and ``azioni_correttive``.
Base measures: ``misura,anno,valore``. A bad cell stops the load with an error
naming file, row, column and value; nothing is half-read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..engine.entry import read_entry, read_period
from ..engine.errors import ParseError
from ..engine.numbers import parse_number
from ..engine.scoring import Consuntivo, Valori
from .tables import Table, cell_text, match_headers, read_table

ACTUAL_COLUMNS = ("codice_indicatore", "anno", "periodo", "valore", "nota")
ACTUAL_OPTIONAL = ("periodo", "nota", "causa_scostamento", "azioni_correttive")
MEASURE_COLUMNS = ("misura", "anno", "valore")


def _year(text: str, where: str) -> int:
    try:
        y = int(text)
    except ValueError:
        raise ParseError("anno non valido", value=text, where=where) from None
    if not 1900 <= y <= 2200:
        raise ParseError("anno fuori intervallo", value=text, where=where)
    return y


def _columns(table: Table, required: tuple[str, ...], optional: Sequence[str] = ()) -> dict[str, int]:
    known = {c: c for c in required + tuple(optional)}
    cols, _unknown = match_headers(table, known)
    missing = [c for c in required if c not in cols]
    if missing:
        raise ParseError(
            f"colonne mancanti: {', '.join(missing)} (attese: {', '.join(required + tuple(optional))})",
            where=f"{table.source}, riga 1",
        )
    return cols


@dataclass(frozen=True, slots=True)
class ActualRow:
    """One row of an actual-values file, as typed: the value is read by whoever stores it (the
    engine's one parser), so that a page can say of each row what it would do."""

    riga: int
    codice: str
    anno: int
    periodo: str
    valore: object  # the cell: text, or a number or date from a spreadsheet
    nota: str
    causa_scostamento: str | None  # None: the file has no such column (the stored text stays)
    azioni_correttive: str | None
    where: str


def actual_rows(path: str | Path) -> list[ActualRow]:
    """The rows of an actual-values file that carry a value, checked for shape: columns, codes,
    years, periods, one row per indicator and period. An empty value is no value (skipped).
    Optional columns: ``periodo``, ``nota``, ``causa_scostamento``, ``azioni_correttive``."""
    table = read_table(path)
    cols = _columns(table, ("codice_indicatore", "anno", "valore"), ACTUAL_OPTIONAL)
    out: list[ActualRow] = []
    seen: set[tuple[str, int, str]] = set()
    for n, cells in table.rows:

        def cell(name: str) -> str:
            i = cols.get(name)
            return cell_text(cells[i]) if i is not None and i < len(cells) else ""

        def optional(name: str) -> str | None:
            return cell(name) if name in cols else None

        where = f"{table.source}, riga {n}"
        code = cell("codice_indicatore")
        if not code:
            raise ParseError("codice_indicatore vuoto", where=f"{where}, colonna codice_indicatore")
        anno = _year(cell("anno"), f"{where}, colonna anno")
        periodo = read_period(cell("periodo"), where=f"{where}, colonna periodo")
        raw = cells[cols["valore"]] if cols["valore"] < len(cells) else None
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw is None or raw == "":
            continue  # an empty value is no value
        key = (code, anno, periodo)
        if key in seen:
            raise ParseError(f"valore ripetuto per {code} {anno} {periodo or '(anno intero)'}", where=where)
        seen.add(key)
        out.append(
            ActualRow(
                n,
                code,
                anno,
                periodo,
                raw,
                cell("nota"),
                optional("causa_scostamento"),
                optional("azioni_correttive"),
                f"{where}, colonna valore",
            )
        )
    return out


def read_actuals(path: str | Path, into: Valori | None = None) -> Valori:
    out: dict[tuple[str, int, str], Consuntivo] = {}
    for row in actual_rows(path):
        # A typed value is read whole (engine/entry.py): "12,5,3" is an error here, not 12,5.
        value = read_entry(row.valore, where=row.where)
        if value is None:
            continue
        out[(row.codice, row.anno, row.periodo)] = Consuntivo(value, row.nota)
    valori = into or Valori()
    valori.consuntivi.update(out)
    return valori


def read_measures(path: str | Path, into: Valori | None = None) -> Valori:
    table = read_table(path)
    cols = _columns(table, MEASURE_COLUMNS)
    out: dict[tuple[str, int], float] = {}
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        name = cell_text(cells[cols["misura"]])
        if not name:
            raise ParseError("misura vuota", where=f"{where}, colonna misura")
        anno = _year(cell_text(cells[cols["anno"]]), f"{where}, colonna anno")
        value = parse_number(
            cells[cols["valore"]] if cols["valore"] < len(cells) else "", where=f"{where}, colonna valore"
        )
        if (name, anno) in out:
            raise ParseError(f"misura ripetuta: {name} {anno}", where=where)
        out[(name, anno)] = value
    valori = into or Valori()
    valori.misure.update(out)
    return valori
