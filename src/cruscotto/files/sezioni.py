"""What the readers of the PIAO's sections share (files/rischi.py, files/valore_pubblico.py,
files/sezione3.py): a table's rows read by column name with every bad cell kept for one error,
and the tables found in a set of files, each named by its table or a sheet of a workbook.

A file is a table's when its name is the table's or starts with it and a dash ("misure.csv",
"Misure 2021.xlsx"); a sheet when its name is the table's. A table may have more than one name
(``nomi``: table -> the names it is known by), so that sections whose tables share a word can
sit in one folder or one workbook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from ..engine.errors import ParseError, Problem
from ..engine.numbers import NO, YES, fold, parse_number, read_written_date
from .tables import InvalidFile, Table, cell_text, match_headers, read_table, read_xlsx


class Lettore:
    """One table's rows read by column name, with every bad cell kept for one error at the end."""

    def __init__(
        self,
        table: Table,
        colonne: Mapping[str, tuple[str, ...]],
        richieste: Iterable[str],
        *,
        sconosciute: bool = True,
    ):
        self.table = table
        self.problems: list[Problem] = []
        known = {fold(h): canon for canon, names in colonne.items() for h in names}
        self.cols, self.unknown = match_headers(table, known)
        self.nomi = {canon: names[0] for canon, names in colonne.items()}
        missing = [self.nomi[c] for c in richieste if c not in self.cols]
        if missing:
            raise ParseError(
                f"colonne mancanti: {', '.join(missing)} (attese: {', '.join(self.nomi.values())})",
                where=f"{table.source}, riga 1",
            )
        self._fuori_colonna()
        if sconosciute:
            self.sconosciute(", ".join(self.nomi.values()))

    def sconosciute(self, ammesse: str) -> None:
        """Refuse the columns the table does not know (but people's notes): a typo in an optional
        column's header would otherwise drop its values without a word. ``ammesse`` says which."""
        ignote = [h for h in self.unknown if not fold(h).startswith(("nota", "note"))]
        if ignote:
            raise ParseError(
                f"colonne sconosciute: {', '.join(ignote)} (ammesse: {ammesse}; le colonne «nota» sono ignorate)",
                where=f"{self.table.source}, riga 1",
            )

    def _fuori_colonna(self) -> None:
        """A value in a column without a header (a list not quoted in a ``;`` CSV spills into the
        next cells) is an error at its cell, never dropped."""
        width = len(self.table.headers)
        for n, cells in self.table.rows:
            for k, c in enumerate(cells):
                if (k >= width or not self.table.headers[k].strip()) and cell_text(c):
                    self.problems.append(
                        Problem(
                            "valore_non_valido",
                            f"valore in una colonna senza intestazione (un elenco con «;» in un CSV va tra "
                            f"virgolette): {cell_text(c)!r}",
                            f"{self.table.source}, riga {n}, colonna {k + 1}",
                        )
                    )

    def where(self, n: int, canon: str) -> str:
        header = self.table.headers[self.cols[canon]] if canon in self.cols else self.nomi.get(canon, canon)
        return f"{self.table.source}, riga {n}, colonna {header}"

    def raw(self, cells: list[object], canon: str) -> object:
        idx = self.cols.get(canon)
        return cells[idx] if idx is not None and idx < len(cells) else None

    def text(self, cells: list[object], canon: str) -> str:
        return cell_text(self.raw(cells, canon))

    def required(self, n: int, cells: list[object], canon: str) -> str:
        text = self.text(cells, canon)
        if not text:
            self.problems.append(Problem("valore_mancante", f"{self.nomi[canon]} mancante", self.where(n, canon)))
        return text

    def lista(self, cells: list[object], canon: str) -> tuple[str, ...]:
        return tuple(x.strip() for x in self.text(cells, canon).replace("\n", ";").split(";") if x.strip())

    def bad(self, n: int, canon: str, message: str) -> None:
        self.problems.append(Problem("valore_non_valido", message, self.where(n, canon)))

    def data(self, n: int, cells: list[object], canon: str) -> date | None:
        raw = self.raw(cells, canon)
        if isinstance(raw, date):
            return raw if not hasattr(raw, "date") else raw.date()  # a datetime from a spreadsheet
        text = cell_text(raw)
        if not text:
            return None
        try:
            d = read_written_date(text)
        except ParseError:
            d = None
        if d is None:
            self.bad(n, canon, f"data non valida (gg/mm/aaaa): {text!r}")
        return d

    def numero(self, n: int, cells: list[object], canon: str, *, richiesto: bool = True) -> float | None:
        """A number as offices write it ("36.000", "2,5", "75%"); an empty cell is missing when
        ``richiesto``, else None."""
        raw = self.raw(cells, canon)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return float(raw)
        text = cell_text(raw)
        if not text:
            if richiesto:
                self.required(n, cells, canon)
            return None
        try:
            return parse_number(text)
        except ParseError:
            self.bad(n, canon, f"numero non valido: {text!r}")
            return None

    def intero(self, n: int, cells: list[object], canon: str) -> int | None:
        """A whole number (a year, a count of people), required."""
        value = self.numero(n, cells, canon)
        if value is not None and not value.is_integer():
            self.bad(n, canon, f"atteso un numero intero: {self.text(cells, canon)!r}")
            return None
        return None if value is None else int(value)

    def si_no(self, n: int, cells: list[object], canon: str) -> bool:
        """sì or no; empty is no."""
        raw = self.raw(cells, canon)
        if isinstance(raw, bool):
            return raw
        text = fold(cell_text(raw))
        if text and text not in YES | NO:
            self.bad(n, canon, f"atteso sì o no: {cell_text(raw)!r}")
        return text in YES

    def done(self) -> None:
        if self.problems:
            raise InvalidFile(self.table.source, self.problems)


def _nome(text: str) -> str:
    return fold(text).replace("_", "-").replace(" ", "-")


def tabella(path: Path, nomi: Mapping[str, Iterable[str]]) -> str | None:
    """The table a file holds, from its name ("processi.csv", "Misure 2021.xlsx" → misure)."""
    stem = _nome(path.stem)
    return next((t for t, names in nomi.items() for x in names if stem == x or stem.startswith(x + "-")), None)


def tabelle(paths: Iterable[Path], nomi: Mapping[str, Iterable[str]]) -> dict[str, Table]:
    """Each table's rows, from files named by their table or from the sheets of a workbook; a
    table in two files (or sheets) is refused, naming both."""
    found: dict[str, Table] = {}

    def add(name: str, table: Table) -> None:
        if name in found:
            raise ParseError(f"la tabella {name} è in due file", where=f"{found[name].source}, {table.source}")
        found[name] = table

    for path in paths:
        name = tabella(path, nomi)
        if name is not None:
            add(name, read_table(path))
            continue
        if path.suffix.lower() == ".xlsx":
            for sheet, table in fogli(path, nomi):
                add(sheet, table)
    return found


def fogli(path: Path, nomi: Mapping[str, Iterable[str]]) -> list[tuple[str, Table]]:
    """The sheets of a workbook named by one of the tables, each with its table."""
    from openpyxl import load_workbook

    from .tables import check_xlsx

    check_xlsx(path)
    try:
        wb = load_workbook(path, read_only=True)
        names = list(wb.sheetnames)
        wb.close()
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ParseError(f"il file XLSX non si può leggere ({exc.__class__.__name__})", where=str(path)) from None
    out = []
    for sheet in names:
        name = next((t for t, alias in nomi.items() if _nome(sheet) in alias), None)
        if name is not None:
            t = read_xlsx(path, skip=[s for s in names if s != sheet])
            out.append((name, Table(f"{path}, foglio {sheet}", t.headers, t.rows)))
    return out
