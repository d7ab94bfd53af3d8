"""The budget tables of an ente from CSV or XLSX files (docs/bilancio.md).

A folder holds one file per table, each optional, as CSV (comma or semicolon)
or XLSX with the same name:

- ``preventivo-<anno>``: ``anno, codice, voce, previsione_consuntivo, preventivo, A, B, C, D, totale_funzioni``
- ``investimenti-<anno>``: ``anno, categoria, gruppo, voce, importo, tipo`` (``voce`` or ``totale``)
- ``patrimonio-netto-<anno>``: ``anno, voce, descrizione, importo``
  (voce: iniziale, pareggio, investimenti, ammortamenti, residuo)
- ``stato-patrimoniale``: ``anno, attivo, passivo, patrimonio_netto, risultato``
- ``composizione``: ``tabella, voce, righe_preventivo, <anno>, <anno>, ...``
- ``rapporti``: ``codice, nome, formula, indicatore, fonte, anno_cluster, media_cluster, <anno>, ...``
  (the Pareto ratios, printed values kept as text)
- ``misure``: ``misura, anno, valore`` (base measures by year, as docs/tabular.md), the ratios' inputs

Amounts are written as printed (``3.722.800``, ``-1.271.100``, ``6.487.085,00``);
an empty cell is a blank in print. A cell that is not a number stops the load
with an error naming file, row, column and value; nothing is half-read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

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
from ..engine.errors import FormulaError, ParseError, Problem
from ..engine.formulas import compile_formula
from ..engine.numbers import fold, split_number
from ..engine.rapporti import NON_DISPONIBILE, Rapporto, printed_number
from .tables import InvalidFile, Table, cell_text, match_headers, read_table

PREVENTIVO_COLUMNS = (
    "anno",
    "codice",
    "voce",
    "previsione_consuntivo",
    "preventivo",
    "A",
    "B",
    "C",
    "D",
    "totale_funzioni",
)
INVESTIMENTI_COLUMNS = ("anno", "categoria", "gruppo", "voce", "importo", "tipo")
PATRIMONIO_COLUMNS = ("anno", "voce", "descrizione", "importo")
PATRIMONIO_VOCI = ("iniziale", "pareggio", "investimenti", "ammortamenti", "residuo")
STATO_COLUMNS = ("anno", "attivo", "passivo", "patrimonio_netto", "risultato")


P = ParamSpec("P")
R = TypeVar("R")


class _Cells:
    """Reads cells and keeps every bad one, so that a file's errors are listed all at once."""

    def __init__(self, table: Table):
        self.table = table
        self.problems: list[Problem] = []

    def __call__(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return fn(*args, **kwargs)
        except ParseError as exc:
            self.problems.append(
                Problem(
                    "valore_non_valido",
                    exc.reason + (f": {exc.value!r}" if exc.value is not None else ""),
                    exc.where or self.table.source,
                )
            )
            return None

    def done(self) -> None:
        if self.problems:
            raise InvalidFile(self.table.source, self.problems)


def _cols(table: Table, required: tuple[str, ...]) -> dict[str, int]:
    cols, _unknown = match_headers(table, {fold(c): c for c in required})
    missing = [c for c in required if c not in cols]
    if missing:
        raise ParseError(
            f"colonne mancanti: {', '.join(missing)} (attese: {', '.join(required)})", where=f"{table.source}, riga 1"
        )
    return cols


def _get(cells: list[object], idx: int) -> str:
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
        values = {
            key[c]: cell(_amount, _get(cells, cols[c]), f"{where}, colonna {table.headers[cols[c]]}")
            for c in PREVENTIVO_COLUMNS[3:]
        }
        rows.append(RigaPreventivo(code, _get(cells, cols["voce"]), values))
    cell.done()
    if len(years) != 1:
        raise ParseError(
            f"un preventivo è di un solo anno, qui: {', '.join(map(str, sorted(years))) or 'nessuno'}",
            where=table.source,
        )
    return Preventivo(years.pop(), tuple(rows), fonte=table.source)


def _missing(cell: _Cells, where: str, what: str = "importo mancante") -> None:
    cell.problems.append(Problem("valore_mancante", what, where))


def read_investimenti(path: str | Path) -> PianoInvestimenti:
    table = read_table(path)
    cols = _cols(table, INVESTIMENTI_COLUMNS)
    cell = _Cells(table)
    years: set[int] = set()
    items: list[Investimento] = []
    totals: dict[str, float] = {}
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        year = cell(_year, _get(cells, cols["anno"]), f"{where}, colonna anno")
        if year is not None:  # None: the cell's problem is recorded, and cell.done() raises
            years.add(year)
        cat = fold(_get(cells, cols["categoria"]))
        kind = fold(_get(cells, cols["tipo"])) or "voce"
        amount = cell(_amount, _get(cells, cols["importo"]), f"{where}, colonna importo")
        if amount is None and _get(cells, cols["importo"]) == "":
            _missing(cell, f"{where}, colonna importo")
        if kind not in ("voce", "totale"):
            cell.problems.append(
                Problem(
                    "valore_non_valido",
                    f"tipo non valido (voce o totale): {_get(cells, cols['tipo'])!r}",
                    f"{where}, colonna tipo",
                )
            )
        elif cat and cat not in CATEGORIE_INVESTIMENTI:
            cell.problems.append(
                Problem(
                    "valore_non_valido",
                    f"categoria sconosciuta (attese: {', '.join(CATEGORIE_INVESTIMENTI)}): "
                    f"{_get(cells, cols['categoria'])!r}",
                    f"{where}, colonna categoria",
                )
            )
        elif kind == "totale":
            if amount is not None:  # None: the cell's problem is recorded, and cell.done() raises
                totals[cat or "totale"] = amount
        elif not cat:
            _missing(cell, f"{where}, colonna categoria", "categoria mancante per una voce")
        elif amount is not None:  # None: as above
            items.append(Investimento(cat, _get(cells, cols["gruppo"]), _get(cells, cols["voce"]), amount))
    cell.done()
    if len(years) != 1:
        raise ParseError("un piano degli investimenti è di un solo anno", where=table.source)
    return PianoInvestimenti(years.pop(), tuple(items), totals)


def read_patrimonio(path: str | Path) -> PatrimonioNetto:
    table = read_table(path)
    cols = _cols(table, PATRIMONIO_COLUMNS)
    cell = _Cells(table)
    years: set[int] = set()
    values: dict[str, float | None] = {}
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        year = cell(_year, _get(cells, cols["anno"]), f"{where}, colonna anno")
        if year is not None:  # None: the cell's problem is recorded, and cell.done() raises
            years.add(year)
        voce = fold(_get(cells, cols["voce"]))
        amount = cell(_amount, _get(cells, cols["importo"]), f"{where}, colonna importo")
        if voce not in PATRIMONIO_VOCI:
            cell.problems.append(
                Problem(
                    "valore_non_valido",
                    f"voce sconosciuta (attese: {', '.join(PATRIMONIO_VOCI)}): {_get(cells, cols['voce'])!r}",
                    f"{where}, colonna voce",
                )
            )
        else:
            values[voce] = amount
    cell.done()
    missing = [v for v in ("iniziale", "ammortamenti") if values.get(v) is None]
    if missing or len(years) != 1:
        raise ParseError(
            f"servono un solo anno e le voci {', '.join(missing or PATRIMONIO_VOCI[:1])}", where=table.source
        )
    printed = {k: v for k, v in values.items() if k in ("pareggio", "investimenti", "residuo") and v is not None}
    iniziale, ammortamenti = values["iniziale"], values["ammortamenti"]
    assert iniziale is not None and ammortamenti is not None  # not missing: checked above
    return PatrimonioNetto(years.pop(), iniziale, ammortamenti, printed)


def read_stato_patrimoniale(path: str | Path) -> tuple[StatoPatrimoniale, ...]:
    table = read_table(path)
    cols = _cols(table, STATO_COLUMNS)
    cell = _Cells(table)
    out: list[StatoPatrimoniale] = []
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        year = cell(_year, _get(cells, cols["anno"]), f"{where}, colonna anno")
        values = {c: cell(_amount, _get(cells, cols[c]), f"{where}, colonna {c}") for c in STATO_COLUMNS[1:]}
        for c in STATO_COLUMNS[1:4]:
            if _get(cells, cols[c]) == "":
                _missing(cell, f"{where}, colonna {c}")
        attivo, passivo, netto = values["attivo"], values["passivo"], values["patrimonio_netto"]
        if year is None or attivo is None or passivo is None or netto is None:
            continue  # an empty or bad cell: its problem is recorded, and cell.done() raises
        out.append(StatoPatrimoniale(year, attivo, passivo, netto, values["risultato"]))
    cell.done()
    return tuple(out)


def _year_columns(table: Table, cols: dict[str, int], cell: _Cells) -> dict[int, int]:
    """Every column besides the named ones is a year (its header), by year -> column index."""
    out = {}
    for idx, h in enumerate(table.headers):
        if idx not in cols.values():
            y = cell(_year, h.strip(), f"{table.source}, riga 1, colonna {h}")
            if y is not None:
                out[y] = idx
    return out


def read_composizioni(path: str | Path) -> tuple[Composizione, ...]:
    table = read_table(path)
    cols = _cols(table, ("tabella", "voce", "righe_preventivo"))
    cell = _Cells(table)
    year_cols = _year_columns(table, cols, cell)
    tables: dict[str, list[tuple[str, dict[int, float]]]] = {}
    rows_of: dict[str, dict[str, tuple[str, ...]]] = {}
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        name = fold(_get(cells, cols["tabella"]))
        if name not in ("proventi", "oneri"):
            cell.problems.append(
                Problem(
                    "valore_non_valido",
                    f"tabella sconosciuta (proventi o oneri): {_get(cells, cols['tabella'])!r}",
                    f"{where}, colonna tabella",
                )
            )
            continue
        label = _get(cells, cols["voce"])
        shares = {}
        for y, idx in year_cols.items():
            v = cell(_amount, _get(cells, idx), f"{where}, colonna {y}", percent=True)
            if v is not None:
                shares[y] = v
        tables.setdefault(name, []).append((label, shares))
        codes = tuple(c.strip() for c in _get(cells, cols["righe_preventivo"]).split(",") if c.strip())
        if codes:
            rows_of.setdefault(name, {})[label] = codes
    cell.done()
    return tuple(Composizione(name, tuple(rows), rows_of.get(name, {})) for name, rows in tables.items())


RAPPORTI_COLUMNS = ("codice", "nome", "formula", "indicatore", "fonte", "anno_cluster", "media_cluster")


def read_rapporti(path: str | Path) -> tuple[Rapporto, ...]:
    """The ratios; every bad cell of the file is listed at once."""
    table = read_table(path)
    cols = _cols(table, RAPPORTI_COLUMNS)
    cell = _Cells(table)
    year_cols = _year_columns(table, cols, cell)
    out, seen = [], set()
    for n, cells in table.rows:
        where = f"{table.source}, riga {n}"
        code = _get(cells, cols["codice"])
        if not code:
            cell.problems.append(Problem("valore_mancante", "codice del rapporto vuoto", f"{where}, colonna codice"))
        elif code in seen:
            cell.problems.append(Problem("valore_non_valido", f"rapporto {code} ripetuto", f"{where}, colonna codice"))
        seen.add(code)
        formula = _get(cells, cols["formula"])
        try:
            compile_formula(formula)
        except FormulaError as exc:
            cell.problems.append(Problem("valore_non_valido", str(exc), f"{where}, colonna formula"))
        printed = {}
        for y, idx in year_cols.items():
            text = _get(cells, idx)
            if text and printed_number(text) is None and fold(text) not in NON_DISPONIBILE:
                cell.problems.append(
                    Problem(
                        "valore_non_valido", f"valore non valido (un numero, o N/D): {text!r}", f"{where}, colonna {y}"
                    )
                )
            elif text:
                printed[y] = text
        cluster = _get(cells, cols["media_cluster"])
        if cluster and printed_number(cluster) is None:
            cell.problems.append(
                Problem(
                    "valore_non_valido", f"media cluster non valida: {cluster!r}", f"{where}, colonna media_cluster"
                )
            )
        cluster_year = _get(cells, cols["anno_cluster"])
        out.append(
            Rapporto(
                code,
                _get(cells, cols["nome"]),
                formula,
                printed,
                cluster or None,
                cell(_year, cluster_year, f"{where}, colonna anno_cluster") if cluster_year else None,
                _get(cells, cols["indicatore"]) or None,
                _get(cells, cols["fonte"]),
            )
        )
    cell.done()
    return tuple(out)


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
    from .values import read_measures

    stems = (
        "preventivo",
        "investimenti",
        "patrimonio-netto",
        "stato-patrimoniale",
        "composizione",
        "rapporti",
        "misure",
    )
    found = {stem: _find(folder, stem) for stem in stems}
    return Bilancio(
        preventivo=read_preventivo(found["preventivo"]) if found["preventivo"] else None,
        investimenti=read_investimenti(found["investimenti"]) if found["investimenti"] else None,
        patrimonio=read_patrimonio(found["patrimonio-netto"]) if found["patrimonio-netto"] else None,
        stato_patrimoniale=read_stato_patrimoniale(found["stato-patrimoniale"]) if found["stato-patrimoniale"] else (),
        composizioni=read_composizioni(found["composizione"]) if found["composizione"] else (),
        rapporti=read_rapporti(found["rapporti"]) if found["rapporti"] else (),
        misure=read_measures(found["misure"]).misure if found["misure"] else {},
    )
