"""The staff register and the printed personnel figures, from CSV or XLSX.

Register (one row per person per year, as at 31/12; docs/personale.md):

    anno, matricola, genere, categoria, tempo di lavoro, contratto,
    data di nascita | età, titolo di studio, legge 104,
    orario personalizzato, posizione organizzativa, note

Printed figures (the tables of a Piano or Relazione, typed as printed):

    tabella, riga, colonna, anno, valore, dicitura

Headers are matched case- and accent-insensitively, in any order. Every bad
cell of the file is reported at once, each naming file, row, column and value;
nothing is half-read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from ..engine.errors import ParseError, Problem
from ..engine.numbers import fold, parse_date
from ..engine.personale import (
    COLONNE,
    DEFINIZIONI_PER_CODICE,
    RIGHE_TABELLE,
    Dipendente,
    Stampato,
    controlla_registro,
    parse_categoria,
    parse_contratto,
    parse_esito,
    parse_genere,
    parse_tempo,
    parse_titolo,
    valore_stampato,
)
from .tables import InvalidFile, Table, cell_text, match_headers, read_table

# Canonical column -> the headers accepted for it (folded). The first is the one we write.
REGISTER_HEADERS: dict[str, tuple[str, ...]] = {
    "anno": ("anno",),
    "matricola": ("matricola", "id", "codice"),
    "genere": ("genere", "sesso"),
    "categoria": ("categoria", "categoria giuridica"),
    "tempo": ("tempo di lavoro", "tempo", "regime orario"),
    "contratto": ("contratto", "tipo di contratto", "rapporto di lavoro"),
    "data_nascita": ("data di nascita",),
    "eta": ("età", "eta al 31/12", "età al 31/12"),
    "titolo": ("titolo di studio", "titolo"),
    "legge_104": ("legge 104", "l. 104", "l.104"),
    "orario_personalizzato": ("orario personalizzato",),
    "posizione_organizzativa": ("posizione organizzativa", "po", "p.o."),
    "note": ("note",),
}
REGISTER_REQUIRED = ("anno", "matricola", "genere", "categoria", "tempo", "contratto")

PRINTED_HEADERS: dict[str, tuple[str, ...]] = {
    "tabella": ("tabella",),
    "riga": ("riga",),
    "colonna": ("colonna",),
    "anno": ("anno",),
    "valore": ("valore",),
    "dicitura": ("dicitura",),
}
PRINTED_REQUIRED = ("tabella", "riga", "anno", "valore")

T = TypeVar("T")


@dataclass
class Register:
    dipendenti: tuple[Dipendente, ...]
    warnings: list[Problem] = field(default_factory=list)  # unknown or absent columns, data changing over the years


def _columns(
    table: Table, accepted: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> tuple[dict[str, int], list[str]]:
    known = {fold(h): canon for canon, names in accepted.items() for h in names}
    cols, unknown = match_headers(table, known)
    missing = [accepted[c][0] for c in required if c not in cols]
    if missing:
        expected = ", ".join(names[0] for names in accepted.values())
        raise ParseError(
            f"colonne mancanti: {', '.join(missing)} (attese: {expected})", where=f"{table.source}, riga 1"
        )
    return cols, unknown


class _Rows:
    """Reads the cells of one row, collecting every error instead of stopping at the first."""

    def __init__(self, table: Table, cols: dict[str, int]):
        self.table = table
        self.cols = cols
        self.headers = {canon: table.headers[i] for canon, i in cols.items()}
        self.problems: list[Problem] = []
        self.n = 0
        self.cells: list[object] = []

    def at(self, n: int, cells: list[object]) -> None:
        self.n, self.cells = n, cells

    def where(self, name: str) -> str:
        return f"{self.table.source}, riga {self.n}, colonna {self.headers[name]}"

    def text(self, name: str) -> str:
        i = self.cols.get(name)
        return cell_text(self.cells[i]) if i is not None and i < len(self.cells) else ""

    def read(self, name: str, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        if name not in self.cols:
            return None
        text = self.text(name)
        if required and not text:
            self.problems.append(Problem("valore_mancante", "cella vuota: valore obbligatorio", self.where(name)))
            return None
        try:
            return parse(text)
        except ParseError as exc:
            reason = exc.reason + (f": {exc.value!r}" if exc.value is not None else "")
            self.problems.append(Problem("valore_non_valido", reason, self.where(name)))
            return None


def _year(text: str) -> int:
    try:
        y = int(text)
    except ValueError:
        raise ParseError("anno non valido", value=text) from None
    if not 1900 <= y <= 2200:
        raise ParseError("anno fuori intervallo", value=text)
    return y


def _age(text: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ParseError("età non valida (atteso un numero intero di anni)", value=text) from None


def _birth(text: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ParseError as exc:
        raise ParseError(exc.reason, value=text) from None


def read_personale(path: str | Path) -> Register:
    """The staff register; :class:`InvalidFile` lists every bad cell."""
    table = read_table(path)
    cols, unknown = _columns(table, REGISTER_HEADERS, REGISTER_REQUIRED)
    warnings = [
        Problem("colonna_sconosciuta", f"colonna ignorata: {h!r}", f"{table.source}, riga 1", "warning")
        for h in unknown
    ]
    for canon in ("titolo", "legge_104", "orario_personalizzato", "posizione_organizzativa"):
        if canon not in cols:
            warnings.append(
                Problem(
                    "colonna_assente",
                    f"manca la colonna «{REGISTER_HEADERS[canon][0]}»: gli indicatori che la usano saranno n.d.",
                    f"{table.source}, riga 1",
                    "warning",
                )
            )
    if "data_nascita" not in cols and "eta" not in cols:
        warnings.append(
            Problem(
                "colonna_assente",
                "mancano sia «data di nascita» sia «età»: l'età media sarà n.d.",
                f"{table.source}, riga 1",
                "warning",
            )
        )

    rows = _Rows(table, cols)
    out: list[Dipendente] = []
    seen: dict[tuple[int, str], int] = {}
    for n, cells in table.rows:
        rows.at(n, cells)
        before = len(rows.problems)
        anno = rows.read("anno", _year, required=True)
        matricola = rows.read("matricola", str, required=True)
        genere = rows.read("genere", parse_genere, required=True)
        categoria = rows.read("categoria", parse_categoria, required=True)
        part_time = rows.read("tempo", parse_tempo, required=True)
        indeterminato = rows.read("contratto", parse_contratto, required=True)
        nascita = rows.read("data_nascita", _birth)
        eta = rows.read("eta", _age)
        titolo = rows.read("titolo", parse_titolo)
        legge_104 = rows.read("legge_104", parse_esito)
        orario_personalizzato = rows.read("orario_personalizzato", parse_esito)
        posizione_organizzativa = rows.read("posizione_organizzativa", parse_esito)
        note = rows.text("note")
        if len(rows.problems) > before:
            continue
        assert (
            anno is not None
            and matricola
            and genere
            and categoria
            and part_time is not None
            and indeterminato is not None
        )
        key = (anno, matricola)
        if key in seen:
            rows.problems.append(
                Problem(
                    "personale_doppio",
                    f"matricola già presente per il {anno} alla riga {seen[key]}: {matricola!r}",
                    rows.where("matricola"),
                )
            )
            continue
        seen[key] = n
        try:
            out.append(
                Dipendente(
                    anno,
                    matricola,
                    genere,
                    categoria,
                    part_time,
                    indeterminato,
                    nascita,
                    eta,
                    titolo=titolo,
                    legge_104=legge_104,
                    orario_personalizzato=orario_personalizzato,
                    posizione_organizzativa=posizione_organizzativa,
                    note=note,
                )
            )
        except ParseError as exc:
            # Age and birth date disagree, or an age no employee has: name the cell that holds the age.
            column = "eta" if eta is not None else "data_nascita"
            rows.problems.append(
                Problem("valore_non_valido", f"{exc.reason}: {rows.text(column)!r}", rows.where(column))
            )
    if rows.problems:
        raise InvalidFile(table.source, rows.problems)
    warnings += [p for p in controlla_registro(out) if p.severity == "warning"]
    return Register(tuple(out), warnings)


def _riga(text: str) -> str:
    f = fold(text)
    if f in RIGHE_TABELLE or f.upper() in RIGHE_TABELLE:
        return f.upper() if f.upper() in RIGHE_TABELLE else f
    if text.strip() in DEFINIZIONI_PER_CODICE:
        return text.strip()
    raise ParseError(
        f"riga sconosciuta (attese: {', '.join(RIGHE_TABELLE)} "
        f"o il codice di un indicatore: {', '.join(DEFINIZIONI_PER_CODICE)})",
        value=text,
    )


def _colonna(text: str) -> str:
    f = fold(text)
    if f and f not in COLONNE:
        raise ParseError(f"colonna sconosciuta (attese: {', '.join(COLONNE)} o vuota per un indicatore)", value=text)
    return f


def _printed(text: str) -> str:
    valore_stampato(text)  # raises on anything but a number, a percentage, "-" or "n.d."
    return text


def read_stampati(path: str | Path) -> list[Stampato]:
    """Printed personnel figures; :class:`InvalidFile` lists every bad cell."""
    table = read_table(path)
    cols, _unknown = _columns(table, PRINTED_HEADERS, PRINTED_REQUIRED)
    rows = _Rows(table, cols)
    out: list[Stampato] = []
    for n, cells in table.rows:
        rows.at(n, cells)
        before = len(rows.problems)
        tabella = rows.read("tabella", str, required=True)
        riga = rows.read("riga", _riga, required=True)
        colonna = rows.read("colonna", _colonna) or ""
        anno = rows.read("anno", _year, required=True)
        valore = rows.read("valore", _printed, required=True)
        if len(rows.problems) > before:
            continue
        assert tabella and riga and anno is not None and valore
        # A table row needs its column, an indicator has none: say which, on this row.
        if riga in DEFINIZIONI_PER_CODICE and colonna:
            rows.problems.append(
                Problem("valore_non_valido", f"un indicatore non ha colonna: {colonna!r}", rows.where("colonna"))
            )
            continue
        if riga not in DEFINIZIONI_PER_CODICE and not colonna:
            where = rows.where("colonna") if "colonna" in cols else f"{table.source}, riga {n}"
            rows.problems.append(
                Problem("valore_mancante", f"la riga {riga!r} richiede la colonna (donne, uomini o totale)", where)
            )
            continue
        out.append(Stampato(tabella, riga, colonna, anno, valore, rows.text("dicitura")))
    if rows.problems:
        raise InvalidFile(table.source, rows.problems)
    return out
