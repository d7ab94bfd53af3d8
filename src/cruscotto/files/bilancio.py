"""The budget tables of an ente from CSV or XLSX files (docs/bilancio.md).

A folder holds one file per table, each optional, as CSV (comma or semicolon)
or XLSX with the same name:

- ``preventivo-<anno>``: ``anno, codice, voce, previsione_consuntivo, preventivo, A, B, C, D, totale_funzioni``
- ``investimenti-<anno>``: ``anno, categoria, gruppo, voce, importo, tipo`` (``voce`` or ``totale``)
- ``patrimonio-netto-<anno>``: ``anno, voce, descrizione, importo`` (voce: iniziale, pareggio, investimenti, ammortamenti, residuo)
- ``stato-patrimoniale``: ``anno, attivo, passivo, patrimonio_netto, risultato``
- ``composizione``: ``tabella, voce, righe_preventivo, <anno>, <anno>, ...``

Amounts are written as printed (``3.722.800``, ``-1.271.100``, ``6.487.085,00``);
an empty cell is a blank in print. A cell that is not a number stops the load
with an error naming file, row, column and value; nothing is half-read.
"""

from __future__ import annotations

from pathlib import Path

from ..engine.bilancio import (
    CATEGORIE_INVESTIMENTI,
    COLONNE,
    Bilancio,
    Composizione,
    Investimento,
    PatrimonioNetto,
    PianoInvestimenti,
    Preventivo,
    RigaPreventivo,
    StatoPatrimoniale,
)
from ..engine.errors import ParseError, Problem
from ..engine.numbers import fold, split_number
from .tables import InvalidFile, Table, cell_text, match_headers, read_table

PREVENTIVO_COLUMNS = ("anno", "codice", "voce", "previsione_consuntivo", "preventivo", "A", "B", "C", "D", "totale_funzioni")
INVESTIMENTI_COLUMNS = ("anno", "categoria", "gruppo", "voce", "importo", "tipo")
PATRIMONIO_COLUMNS = ("anno", "voce", "descrizione", "importo")
PATRIMONIO_VOCI = ("iniziale", "pareggio", "investimenti", "ammortamenti", "residuo")
STATO_COLUMNS = ("anno", "attivo", "passivo", "patrimonio_netto", "risultato")


class _Cells:
    """Reads cells and keeps every bad one, so that a file's errors are listed all at once."""

    def __init__(self, table: Table):
        self.table = table
        self.problems: list[Problem] = []

    def __call__(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ParseError as exc:
            self.problems.append(Problem("valore_non_valido", exc.reason + (f": {exc.value!r}" if exc.value is not None else ""), exc.where or self.table.source))
            return None

    def done(self) -> None:
        if self.problems:
            raise InvalidFile(self.table.source, self.problems)


def _cols(table: Table, required: tuple[str, ...]) -> dict[str, int]:
    cols, _unknown = match_headers(table, {fold(c): c for c in required})
    missing = [c for c in required if c not in cols]
    if missing:
        raise ParseError(f"colonne mancanti: {', '.join(missing)} (attese: {', '.join(required)})", where=f"{table.source}, riga 1")
    return cols


def _get(cells: list, idx: int) -> str:
    return cell_text(cells[idx]) if idx < len(cells) else ""


def _amount(text: str, where: str, *, percent: bool = False) -> float | None:
    """A printed amount; None for an empty cell. Any text around the number is an error here:
    a budget cell holds a figure, and "1.000 circa" must not pass as 1.000."""
    if text == "":
        return None
    parts = split_number(text)
    if parts is None or parts[1].strip() not in (("%", "") if percent else ("",)):
        raise ParseError("importo non valido" if not percent else "percentuale non valida", value=text, where=where)
    return parts[0]


def _year(text: str, where: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise ParseError("anno non valido", value=text, where=where)
    return int(text)


def read_preventivo(path: str | Path) -> Preventivo:
    table = read_table(path)
    cols = _cols(table, PREVENTIVO_COLUMNS)
    key = dict(zip(PREVENTIVO_COLUMNS[3:], COLONNE, strict=True))  # previsione_consuntivo -> consuntivo, ...
    years, rows, seen = set(), [], set()
    cell = _Cells(table)
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        year = cell(_year, _get(cells, cols["anno"]), f"{where}, colonna anno")
        if year is not None:
            years.add(year)
        code = _get(cells, cols["codice"]).replace(" ", "")
        if not code:
            cell.problems.append(Problem("valore_mancante", "codice della riga vuoto", f"{where}, colonna codice"))
        elif code in seen:
            cell.problems.append(Problem("valore_non_valido", f"riga {code} ripetuta", f"{where}, colonna codice"))
        seen.add(code)
        values = {key[c]: cell(_amount, _get(cells, cols[c]), f"{where}, colonna {table.headers[cols[c]]}") for c in PREVENTIVO_COLUMNS[3:]}
        rows.append(RigaPreventivo(code, _get(cells, cols["voce"]), values))
    cell.done()
    if len(years) != 1:
        raise ParseError(f"un preventivo è di un solo anno, qui: {', '.join(map(str, sorted(years))) or 'nessuno'}", where=table.source)
    return Preventivo(years.pop(), tuple(rows), fonte=table.source)


def read_investimenti(path: str | Path) -> PianoInvestimenti:
    table = read_table(path)
    cols = _cols(table, INVESTIMENTI_COLUMNS)
    years, items, totals = set(), [], {}
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        years.add(_year(_get(cells, cols["anno"]), f"{where}, colonna anno"))
        cat = fold(_get(cells, cols["categoria"]))
        kind = fold(_get(cells, cols["tipo"])) or "voce"
        amount = _amount(_get(cells, cols["importo"]), f"{where}, colonna importo")
        if amount is None:
            raise ParseError("importo mancante", where=f"{where}, colonna importo")
        if kind not in ("voce", "totale"):
            raise ParseError("tipo non valido (voce o totale)", value=_get(cells, cols["tipo"]), where=f"{where}, colonna tipo")
        if cat and cat not in CATEGORIE_INVESTIMENTI:
            raise ParseError(
                f"categoria sconosciuta (attese: {', '.join(CATEGORIE_INVESTIMENTI)})",
                value=_get(cells, cols["categoria"]),
                where=f"{where}, colonna categoria",
            )
        if kind == "totale":
            totals[cat or "totale"] = amount
        elif not cat:
            raise ParseError("categoria mancante per una voce", where=f"{where}, colonna categoria")
        else:
            items.append(Investimento(cat, _get(cells, cols["gruppo"]), _get(cells, cols["voce"]), amount))
    if len(years) != 1:
        raise ParseError("un piano degli investimenti è di un solo anno", where=table.source)
    return PianoInvestimenti(years.pop(), tuple(items), totals)


def read_patrimonio(path: str | Path) -> PatrimonioNetto:
    table = read_table(path)
    cols = _cols(table, PATRIMONIO_COLUMNS)
    years, values = set(), {}
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        years.add(_year(_get(cells, cols["anno"]), f"{where}, colonna anno"))
        voce = fold(_get(cells, cols["voce"]))
        if voce not in PATRIMONIO_VOCI:
            raise ParseError(
                f"voce sconosciuta (attese: {', '.join(PATRIMONIO_VOCI)})", value=_get(cells, cols["voce"]), where=f"{where}, colonna voce"
            )
        values[voce] = _amount(_get(cells, cols["importo"]), f"{where}, colonna importo")
    missing = [v for v in ("iniziale", "ammortamenti") if values.get(v) is None]
    if missing or len(years) != 1:
        raise ParseError(f"servono un solo anno e le voci {', '.join(missing or PATRIMONIO_VOCI[:1])}", where=table.source)
    printed = {k: v for k, v in values.items() if k in ("pareggio", "investimenti", "residuo") and v is not None}
    return PatrimonioNetto(years.pop(), values["iniziale"], values["ammortamenti"], printed)


def read_stato_patrimoniale(path: str | Path) -> tuple[StatoPatrimoniale, ...]:
    table = read_table(path)
    cols = _cols(table, STATO_COLUMNS)
    out = []
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        values = {c: _amount(_get(cells, cols[c]), f"{where}, colonna {c}") for c in STATO_COLUMNS[1:]}
        for c in STATO_COLUMNS[1:4]:
            if values[c] is None:
                raise ParseError("importo mancante", where=f"{where}, colonna {c}")
        out.append(
            StatoPatrimoniale(
                _year(_get(cells, cols["anno"]), f"{where}, colonna anno"),
                values["attivo"],
                values["passivo"],
                values["patrimonio_netto"],
                values["risultato"],
            )
        )
    return tuple(out)


def read_composizioni(path: str | Path) -> tuple[Composizione, ...]:
    table = read_table(path)
    cols = _cols(table, ("tabella", "voce", "righe_preventivo"))
    year_cols = {}
    for idx, h in enumerate(table.headers):
        if idx not in cols.values():
            year_cols[_year(h.strip(), f"{table.source}, riga 1, colonna {h}")] = idx
    tables: dict[str, list] = {}
    rows_of: dict[str, dict[str, tuple[str, ...]]] = {}
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        name = fold(_get(cells, cols["tabella"]))
        if name not in ("proventi", "oneri"):
            raise ParseError(
                "tabella sconosciuta (proventi o oneri)", value=_get(cells, cols["tabella"]), where=f"{where}, colonna tabella"
            )
        label = _get(cells, cols["voce"])
        shares = {}
        for y, idx in year_cols.items():
            v = _amount(_get(cells, idx), f"{where}, colonna {y}", percent=True)
            if v is not None:
                shares[y] = v
        tables.setdefault(name, []).append((label, shares))
        codes = tuple(c.strip() for c in _get(cells, cols["righe_preventivo"]).split(",") if c.strip())
        if codes:
            rows_of.setdefault(name, {})[label] = codes
    return tuple(Composizione(name, tuple(rows), rows_of.get(name, {})) for name, rows in tables.items())


def _find(folder: Path, stem: str) -> Path | None:
    """``stem`` or ``stem-<year>``, as CSV or XLSX."""
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() in (".csv", ".xlsx") and (
            p.stem == stem or (p.stem.startswith(stem + "-") and p.stem[len(stem) + 1 :].isdigit())
        ):
            return p
    return None


def load_bilancio(folder: str | Path) -> Bilancio:
    """Every table found in ``folder`` (each is optional)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ParseError("cartella del bilancio non trovata", where=str(folder))
    found = {stem: _find(folder, stem) for stem in ("preventivo", "investimenti", "patrimonio-netto", "stato-patrimoniale", "composizione")}
    return Bilancio(
        preventivo=read_preventivo(found["preventivo"]) if found["preventivo"] else None,
        investimenti=read_investimenti(found["investimenti"]) if found["investimenti"] else None,
        patrimonio=read_patrimonio(found["patrimonio-netto"]) if found["patrimonio-netto"] else None,
        stato_patrimoniale=read_stato_patrimoniale(found["stato-patrimoniale"]) if found["stato-patrimoniale"] else (),
        composizioni=read_composizioni(found["composizione"]) if found["composizione"] else (),
    )
