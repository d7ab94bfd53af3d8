"""The tabular *cruscotto* sheet: one row per indicator, CSV or XLSX.

Headers are matched case- and accent-insensitively, in any order; unknown
columns are ignored with a warning. ``Storico YYYY``, ``Target YYYY`` and
``Consuntivo YYYY`` may appear for any number of years. Three optional
columns of ours carry what a round trip needs: ``Cruscotto`` (ente/area),
``Milestone`` (one per line: ``CODICE | scadenza | descrizione [| peso]``)
and ``Note``.

An XLSX written by cruscotto also has a sheet ``Piano`` with the parts of the
plan that are not one-row-per-indicator (ente, rules, structures, events,
programmes and budgets, scorecards, fund, the tree's names and weights), as
native YAML: so native -> XLSX -> native gives the same plan. A CSV, or an
XLSX made by hand without that sheet, builds the tree from the rows alone, and
then levels above the indicator weigh equally.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..engine.entry import read_entry
from ..engine.errors import ParseError, PlanError, Problem
from ..engine.model import (
    Ambito,
    Indicatore,
    LineaStrategica,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Prospettiva,
)
from ..engine.numbers import fold, format_value
from ..engine.scoring import Consuntivo, Valori
from .limits import TooComplex, load_yaml
from .native import indicatore_to_data, plan_from_data, plan_to_data
from .tables import Table, cell_text, match_headers, read_sheet_pairs, read_table, write_csv

PLAN_SHEET = "Piano"
MAIN_SHEET = "Cruscotto"
CELL_LIMIT = 30000  # Excel holds at most 32,767 characters in a cell

COLUMNS = [
    ("prospettiva", "Prospettiva"),
    ("linea", "Linea strategica"),
    ("obiettivo_strategico", "Obiettivo strategico"),
    ("obiettivo_operativo", "Obiettivo operativo"),
    ("codice", "Codice"),
    ("nome", "Indicatore"),
    ("algoritmo", "Algoritmo"),
    ("formula", "Formula"),
    ("etichette", "Etichette"),
    ("polarita", "Polarità"),
    ("peso", "Peso"),
    ("unita", "Unità di misura"),
    ("tipologia", "Tipologia"),
    ("fonte", "Fonte"),
    ("strutture", "Strutture"),
    ("media_cluster", "Media cluster"),
]
EXTRA_COLUMNS = [("cruscotto", "Cruscotto"), ("milestones", "Milestone"), ("eventi", "Eventi"), ("note", "Note")]
# Read, never written: the body a sheet belongs to, and the indicator's baseline.
# The weights of the levels above the indicator: written when a plan has any.
LEVEL_WEIGHT_COLUMNS = [
    ("peso_prospettiva", "Peso prospettiva"),
    ("peso_linea", "Peso linea strategica"),
    ("peso_obiettivo_strategico", "Peso obiettivo strategico"),
    ("peso_obiettivo_operativo", "Peso obiettivo operativo"),
]
# The resources (euro) of the levels above the indicator, and the responsible structures of the
# objectives with their shares ("PROMOZIONE (60%), ANAGRAFE (40%)"): written when a plan has any.
LEVEL_RESOURCE_COLUMNS = [
    ("risorse_prospettiva", "Risorse prospettiva"),
    ("risorse_linea", "Risorse linea strategica"),
    ("risorse_obiettivo_strategico", "Risorse obiettivo strategico"),
    ("risorse_obiettivo_operativo", "Risorse obiettivo operativo"),
]
OBJECTIVE_STRUCTURE_COLUMNS = [
    ("strutture_obiettivo_strategico", "Strutture obiettivo strategico"),
    ("strutture_obiettivo_operativo", "Strutture obiettivo operativo"),
]
# The fifth level, above the perspectives (docs/tabular.md): written when a plan has it.
AMBITO_COLUMNS = [("ambito", "Ambito"), ("peso_ambito", "Peso ambito"), ("risorse_ambito", "Risorse ambito")]
READ_ONLY_COLUMNS = [
    ("ente", "Ente"),
    ("baseline", "Baseline"),
    ("baseline_anno", "Anno baseline"),
    ("soglie", "Soglie"),
]
_KNOWN = {
    fold(label): key
    for key, label in COLUMNS
    + EXTRA_COLUMNS
    + READ_ONLY_COLUMNS
    + LEVEL_WEIGHT_COLUMNS
    + LEVEL_RESOURCE_COLUMNS
    + OBJECTIVE_STRUCTURE_COLUMNS
    + AMBITO_COLUMNS
}
_KNOWN.update({"priorita politica": "ambito", "area di intervento": "ambito", "budget ambito": "risorse_ambito"})
_KNOWN.update({fold(label.replace("Risorse", "Budget")): key for key, label in LEVEL_RESOURCE_COLUMNS})
_KNOWN.update({"unita": "unita", "polarita": "polarita", "indicatore": "nome", "codice indicatore": "codice"})
# The names real plans give their levels (docs/tabular.md).
_KNOWN.update(
    {
        "missione": "prospettiva",
        "area strategica": "linea",
        "programma": "linea",
        "obiettivo": "obiettivo_strategico",
        "obiettivo specifico": "obiettivo_strategico",
        "obiettivo annuale": "obiettivo_operativo",
    }
)
_YEAR_COL = re.compile(r"^(storico|target|consuntivo)\s+(\d{4})$")


@dataclass
class TabularResult:
    piano: Piano
    valori: Valori
    warnings: list[Problem] = field(default_factory=list)
    righe: dict[str, int] = field(default_factory=dict)  # indicator code -> the sheet's row


# A level the sheet does not have: one node of that level holds all the rows.
IMPLICIT = {
    "prospettiva": "- - (prospettiva non prevista dal piano)",
    "linea": "- - (linea non prevista dal piano)",
    "obiettivo_strategico": "- - (obiettivo non previsto dal piano)",
}
_SHORT_CODE = re.compile(r"^\d{1,3}(?:\.\d{1,3})?[a-z]?$", re.IGNORECASE)


_SHARE = re.compile(r"^(?P<code>.+?)\s*(?:\(\s*(?P<q>\d+(?:[.,]\d+)?)\s*%\s*\)|\s+(?P<q2>\d+(?:[.,]\d+)?)\s*%)$")


def _structures_cell(text: str) -> dict[str, Any]:
    """``PROMOZIONE (60%), ANAGRAFE (40%)``: the responsible structures, each with its optional share."""
    codes, shares = [], {}
    for item in (s.strip() for s in re.split(r"[,;]", text)):
        if not item:
            continue
        m = _SHARE.match(item)
        code = m.group("code").strip() if m else item
        codes.append(code)
        if m:
            shares[code] = (m.group("q") or m.group("q2")).replace(",", ".") + "%"
    return {"strutture": codes, "quote": shares}


def _structures_text(node: Indicatore | ObiettivoStrategico | ObiettivoOperativo | None) -> str:
    """An indicator's or an objective's structures, each with its share: ``PROMOZIONE (60%), ANAGRAFE (40%)``."""
    if node is None:
        return ""
    return ", ".join(f"{s} ({format_value(node.quote[s])}%)" if s in node.quote else s for s in node.strutture)


def full_code(code: str, parent: str, position: int, occurrences: int) -> str:
    """A stable code for an indicator whose printed code is missing or not unique.

    Plans number indicators under each objective ("1", "2" …) or print no code at all:
    such an indicator is ``PARENT/CODE`` ("OB.1.1/2"), or ``PARENT/N`` by its position
    under the parent when there is no code. A code printed once in the sheet, and not a
    bare number, is kept as it is (docs/tabular.md)."""
    code = code.strip()
    if not code:
        return f"{parent}/{position}"
    if occurrences > 1 or _SHORT_CODE.match(code):
        return f"{parent}/{code}"
    return code


CODE_LIMIT = 40  # the longest code the application stores


def node_code(siblings: list[dict[str, Any]], text: str, parent: str | None, prefix: str) -> tuple[str, str]:
    """The code and name of a level's cell, ``"B1 - Sviluppare ..."``; a cell with a name and no
    code gets one (docs/tabular.md): the same node again keeps it; a new one is its parent's code
    and its place under the parent ("5.1"), or ``prefix`` and its place at the top ("P2").
    A level the sheet does not have is one node with its parent's code."""
    code, name = split_node(text)
    real_parent = parent if parent and parent != "-" else None
    if text in IMPLICIT.values():
        return real_parent or "-", name
    if code == name and (re.search(r"\s", name) or len(name) > CODE_LIMIT):
        for it in siblings:
            if fold(str(it.get("nome", ""))) == fold(name):
                return str(it["codice"]), name
        n = len(siblings) + 1
        return (f"{real_parent}.{n}" if real_parent else f"{prefix}{n}"), name
    return code, name


def split_node(text: str) -> tuple[str, str]:
    """``"B1 - Sviluppare ..."`` -> ``("B1", "Sviluppare ...")``."""
    m = re.match(r"^\s*(\S+?)\s+[-–—]\s+(.*\S)\s*$", text)
    if m:
        return m.group(1), m.group(2)
    return text.strip(), text.strip()


def _polarity(text: str) -> str:
    f = fold(text).replace(" ", "")
    return {"si/no": "si/no", "sino": "si/no", "si-no": "si/no"}.get(f, fold(text))


def _milestones_from_cell(text: str, where: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2:
            raise ParseError("milestone non valida (atteso «CODICE | scadenza | descrizione»)", value=line, where=where)
        m = {"codice": parts[0], "scadenza": parts[1], "descrizione": parts[2] if len(parts) > 2 else ""}
        if len(parts) > 3 and parts[3]:
            m["peso"] = parts[3]
        out.append(m)
    return out


def _milestones_to_cell(ms: list[dict[str, Any]]) -> str:
    return "\n".join(
        " | ".join(
            [m["codice"], m["scadenza"], m.get("descrizione", "")]
            + ([str(m["peso"])] if m.get("peso") is not None else [])
        )
        for m in ms
    )


def load_tabular(path: str | Path, *, ente: tuple[str, str] | None = None) -> TabularResult:
    path = Path(path)
    table = read_table(path) if path.suffix.lower() == ".csv" else _read_xlsx_main(path)
    base = _plan_sheet(path) if path.suffix.lower() != ".csv" else None
    return tabular_to_plan(table, base, ente=ente)


def _events_from_cell(text: str, where: str) -> list[dict[str, Any]]:
    """``T0 | data accorpamento | 14/09/2020 | termini previsti per accorpamento; data accorpamento``"""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            raise ParseError(
                "evento non valido (atteso «CODICE | nome | data | alias; alias»)", value=line, where=where
            )
        e: dict[str, Any] = {"codice": parts[0], "nome": parts[1] if len(parts) > 1 else ""}
        if len(parts) > 2 and parts[2]:
            e["data"] = parts[2]
        if len(parts) > 3 and parts[3]:
            e["alias"] = [a.strip() for a in parts[3].split(";") if a.strip()]
        out.append(e)
    return out


def _events_to_cell(piano: Piano, ind: Indicatore) -> str:
    """The events the indicator's targets and milestones name, so a CSV keeps them."""
    used = {t.evento for t in ind.target.values() if t.evento} | {
        m.scadenza.evento for m in ind.milestones if m.scadenza.evento
    }
    lines = []
    for e in piano.eventi:
        if e.codice in used:
            lines.append(
                " | ".join(
                    [e.codice, e.nome, e.data.strftime("%d/%m/%Y") if e.data else "", "; ".join(e.alias)]
                ).rstrip(" |")
            )
    return "\n".join(lines)


def _read_xlsx_main(path: Path) -> Table:
    from .tables import read_xlsx

    return read_xlsx(path, skip=(PLAN_SHEET,))


def _plan_sheet(path: Path) -> dict[str, Any] | None:
    pairs = read_sheet_pairs(path, PLAN_SHEET)
    if pairs is None:
        return None
    chunks: dict[str, list[str]] = {}
    for key, text in pairs:
        chunks.setdefault(key, []).append(text)
    data: dict[str, Any] = {}
    for key, parts in chunks.items():
        try:
            data[key] = load_yaml("".join(parts))
        except TooComplex as exc:
            raise ParseError(f"foglio {PLAN_SHEET}: {exc}", value=key, where=str(path)) from None
        except yaml.YAMLError as exc:
            raise ParseError(
                f"foglio {PLAN_SHEET}: valore YAML non valido ({exc.__class__.__name__})", value=key, where=str(path)
            ) from None
    return data


def tabular_to_plan(
    table: Table, base: dict[str, Any] | None = None, *, ente: tuple[str, str] | None = None
) -> TabularResult:
    """The plan of a sheet: one row per indicator under its levels (docs/tabular.md). ``base``
    is the plan data of a ``Piano`` tab (its title, events, skeleton), ``ente`` the ente the
    upload belongs to when the sheet names none. Every bad row is reported at once (PlanError)."""
    reader = _SheetReader(table)
    data = reader.start(base or {}, ente)
    for n, cells in table.rows:
        reader.row(n, cells)
    if reader.problems:
        raise PlanError(reader.problems, table.source)
    # Map native-reader paths back to spreadsheet rows in error messages.
    rows_by_path = _row_paths(data)
    try:
        piano = plan_from_data(data, table.source)
    except PlanError as exc:
        for pr in exc.problems:
            for prefix, row in rows_by_path.items():
                if pr.where.startswith(prefix):
                    pr.where = f"riga {row} ({pr.where[len(prefix) :].lstrip('.') or 'indicatore'})"
                    break
        raise
    return TabularResult(piano, reader.valori, reader.warnings, reader.righe)


CellOf = Callable[[str], str]  # a row's cell by column key


class _SheetReader:
    """The reading of one sheet, row by row, into native plan data (files/native.py)."""

    def __init__(self, table: Table):
        self.table = table
        self.warnings: list[Problem] = []
        self.problems: list[Problem] = []
        self.valori = Valori()
        self.righe: dict[str, int] = {}  # indicator code -> row
        self.above: dict[str, str] = {}  # the last level cells: an empty one repeats them (merged cells)
        self.owners: dict[tuple[str, str], str] = {}  # (level, code) -> the parent it was first under
        self.years: dict[str, dict[int, int]] = {"storico": {}, "target": {}, "consuntivo": {}}
        for idx, h in enumerate(table.headers):
            m = _YEAR_COL.match(fold(h))
            if m:
                self.years[m.group(1)][int(m.group(2))] = idx
        self.cols = self._columns()
        self.code_counts: dict[str, int] = {}
        if "codice" in self.cols:
            for _n, c in table.rows:
                code = cell_text(c[self.cols["codice"]]) if self.cols["codice"] < len(c) else ""
                self.code_counts[code] = self.code_counts.get(code, 0) + 1
        self.data: dict[str, Any] = {}

    def _columns(self) -> dict[str, int]:
        """The known columns; unknown ones are warnings, missing required ones an error."""
        table = self.table
        cols, unknown = match_headers(table, dict(_KNOWN))
        for h in unknown:
            if not _YEAR_COL.match(fold(h)):
                self.warnings.append(
                    Problem("colonna_sconosciuta", f"colonna {h!r} ignorata", f"{table.source}, riga 1", "warning")
                )
        # The sheet takes the levels it is given (docs/tabular.md): at least one level column,
        # the indicator's name; codes may be missing or repeat under different objectives.
        missing = [label for key, label in COLUMNS[4:6] if key not in cols and key != "codice"]
        level_keys = [key for key, _label in COLUMNS[:4] if key in cols]
        if not level_keys:
            missing.insert(
                0, "una colonna di livello (Prospettiva, Linea strategica, Obiettivo strategico o Obiettivo operativo)"
            )
        if missing:
            raise ParseError(f"colonne obbligatorie mancanti: {', '.join(missing)}", where=f"{table.source}, riga 1")
        # Only operational objectives given: they are the objectives the indicators hang on.
        if level_keys == ["obiettivo_operativo"]:
            cols["obiettivo_strategico"] = cols.pop("obiettivo_operativo")
        return cols

    def _column_texts(self, key: str) -> Iterator[tuple[int, str]]:
        i = self.cols.get(key)
        for n, c in self.table.rows:
            if i is not None and i < len(c) and cell_text(c[i]):
                yield n, cell_text(c[i])

    def start(self, data: dict[str, Any], ente: tuple[str, str] | None) -> dict[str, Any]:
        """The plan's own data before the rows: the ente, the events, the title, the skeleton."""
        source = self.table.source
        self.data = data
        data.setdefault("formato", "cruscotto/piano@1")
        sheet_ente = next((text for _n, text in self._column_texts("ente")), "")
        if sheet_ente:
            code, name = split_node(sheet_ente)
            data.setdefault("ente", {"codice": code, "nome": name})
        elif ente is not None:
            data.setdefault("ente", {"codice": ente[0], "nome": ente[1]})
        else:
            data.setdefault("ente", {"codice": Path(source).stem.upper()[:30] or "ENTE", "nome": Path(source).stem})
        # Events named in the sheet's Eventi column are declared before any target is read.
        declared = {str(e.get("codice")) for e in data.get("eventi") or []}
        for n, text in self._column_texts("eventi"):
            for e in _events_from_cell(text, f"{source}, riga {n}, colonna Eventi"):
                if e["codice"] not in declared:
                    declared.add(e["codice"])
                    data.setdefault("eventi", []).append(e)
        plan_years = sorted(self.years["target"]) or sorted(self.years["consuntivo"])
        data.setdefault("piano", {"titolo": Path(source).stem, "anni": plan_years})
        data["prospettive"] = data.get("prospettive") or []
        # Indicators come from the rows only: clear any in the skeleton.
        for p in data["prospettive"]:
            for ln in p.get("linee") or []:
                for os_ in ln.get("obiettivi_strategici") or []:
                    os_["indicatori"] = []
                    for oo in os_.get("obiettivi_operativi") or []:
                        oo["indicatori"] = []
        return data

    def find(
        self, items: list[dict[str, Any]], code: str, name: str, key: str, where: str, **attrs: Any
    ) -> dict[str, Any]:
        """The node with that code under its parent (made on its first row). A level's weight,
        resources and structures repeat on each of its rows: the first non-empty is kept, and a
        different one is a warning."""
        attrs = {k: v for k, v in attrs.items() if v not in ("", None, [], {})}
        for it in items:
            if str(it.get("codice")) != code:
                continue
            if name and it.get("nome") and it["nome"] != name and name != code:
                msg = f"{code}: nome {name!r} diverso da {it['nome']!r}; si tiene il primo"
                self.warnings.append(Problem("nome_diverso", msg, where, "warning"))
            for k, v in attrs.items():
                if it.get(k) in (None, "", [], {}):
                    it[k] = v
                elif fold(str(it[k])) != fold(str(v)):
                    msg = f"{code}: {k} {v!r} diverso da {it[k]!r}; si tiene il primo"
                    self.warnings.append(Problem(f"{k}_diverso", msg, where, "warning"))
            return it
        node = {"codice": code, "nome": name, key: [], **attrs}
        items.append(node)
        return node

    def qualify(self, level: str, code: str, parent: str) -> str:
        """A level's code printed again under another parent is another node: ``PARENT/CODE``
        (the same mission under two political priorities), as indicators' codes (docs/tabular.md)."""
        owner = self.owners.setdefault((level, code), parent)
        if owner == parent:
            return code
        qualified = f"{parent}/{code}"
        self.owners.setdefault((level, qualified), parent)
        return qualified

    def _path(self, cell: CellOf, where: str) -> list[str] | None:
        """The row's perspective, line and strategic objective (a level the plan lacks is one
        implicit node; an empty cell repeats the row above); None, with the problem, if one is missing."""
        path_cells = []
        for key, _label in COLUMNS[:3]:
            if key not in self.cols:
                path_cells.append(IMPLICIT[key])  # a level the plan does not have: one node holds the next
                continue
            text = cell(key)
            if not text and key in self.above:
                text = self.above[key]  # merged cells: an empty level cell repeats the row above
            path_cells.append(text)
        if not all(path_cells):
            empty = [label for (key, label), v in zip(COLUMNS[:3], path_cells) if not v]
            msg = f"indicatore senza collocazione nell'albero: manca {', '.join(empty)}"
            self.problems.append(Problem("senza_obiettivo", msg, where))
            return None
        for (key, _label), text in zip(COLUMNS[:3], path_cells):
            if key in self.cols:
                self.above[key] = text
        return path_cells

    def _ambito(self, cell: CellOf, where: str) -> dict[str, Any] | None:
        if "ambito" not in self.cols:
            return None
        text = cell("ambito") or self.above.get("ambito", "")
        if not text:
            return None
        self.above["ambito"] = text
        ac, an = node_code(self.data.setdefault("ambiti", []), text, None, "A")
        return self.find(
            self.data["ambiti"], ac, an, "prospettive", where, peso=cell("peso_ambito"), risorse=cell("risorse_ambito")
        )

    def _holder(self, cell: CellOf, path_cells: list[str], where: str) -> dict[str, Any]:
        """The node the row's indicator hangs on (its operational objective, or its strategic
        one), made with the levels above it on their first row."""
        ambito = self._ambito(cell, where)
        skeleton = self.data["prospettive"]
        pc, pn = node_code(skeleton, path_cells[0], ambito["codice"] if ambito else None, "P")
        pc = self.qualify("prospettiva", pc, ambito["codice"] if ambito else "")
        p = self.find(
            skeleton, pc, pn, "linee", where, peso=cell("peso_prospettiva"), risorse=cell("risorse_prospettiva")
        )
        if ambito is not None and pc not in ambito["prospettive"]:
            ambito["prospettive"].append(pc)
        lc, ln_ = node_code(p.setdefault("linee", []), path_cells[1], pc, "L")
        lc = self.qualify("linea", lc, pc)
        ln = self.find(
            p["linee"], lc, ln_, "obiettivi_strategici", where, peso=cell("peso_linea"), risorse=cell("risorse_linea")
        )
        oc, on = node_code(ln.setdefault("obiettivi_strategici", []), path_cells[2], lc, "OS")
        oc = self.qualify("obiettivo_strategico", oc, lc)
        os_ = self.find(
            ln["obiettivi_strategici"],
            oc,
            on,
            "obiettivi_operativi",
            where,
            peso=cell("peso_obiettivo_strategico"),
            risorse=cell("risorse_obiettivo_strategico"),
            **_structures_cell(cell("strutture_obiettivo_strategico")),
        )
        oo_text = cell("obiettivo_operativo")
        if not oo_text:
            os_.setdefault("indicatori", [])
            return os_
        ooc, oon = node_code(os_.setdefault("obiettivi_operativi", []), oo_text, oc, "OO")
        ooc = self.qualify("obiettivo_operativo", ooc, oc)
        holder = self.find(
            os_["obiettivi_operativi"],
            ooc,
            oon,
            "indicatori",
            where,
            peso=cell("peso_obiettivo_operativo"),
            risorse=cell("risorse_obiettivo_operativo"),
            **_structures_cell(cell("strutture_obiettivo_operativo")),
        )
        if cell("cruscotto") and "cruscotto" not in holder:
            holder["cruscotto"] = fold(cell("cruscotto"))
        holder.setdefault("indicatori", [])
        return holder

    def _by_year(self, kind: str, cells: list[Any]) -> dict[int, str]:
        return {
            y: cell_text(cells[i])
            for y, i in sorted(self.years[kind].items())
            if i < len(cells) and cell_text(cells[i])
        }

    def row(self, n: int, cells: list[Any]) -> None:
        """One indicator's row: its place in the tree, its fields, its actual values."""
        where = f"{self.table.source}, riga {n}"

        def cell(key: str) -> str:
            i = self.cols.get(key)
            return cell_text(cells[i]) if i is not None and i < len(cells) else ""

        path_cells = self._path(cell, where)
        if path_cells is None:
            return
        holder = self._holder(cell, path_cells, where)
        ind: dict[str, Any] = {
            "codice": cell("codice"),
            "nome": cell("nome"),
            "algoritmo": cell("algoritmo") or None,
            "formula": cell("formula") or None,
            "etichette": [t.strip().upper() for t in re.split(r"[,/]", cell("etichette")) if t.strip()],
            "polarita": _polarity(cell("polarita")) if cell("polarita") else "crescente",
            "peso": cell("peso") or None,
            "unita": cell("unita") or None,
            "tipologia": cell("tipologia") or None,
            "fonte": cell("fonte") or None,
            **_structures_cell(cell("strutture")),
            "cruscotto": fold(cell("cruscotto")) or None,
            "media_cluster": cell("media_cluster") or None,
            "storico": self._by_year("storico", cells),
            "target": self._by_year("target", cells),
            "note": cell("note") or None,
            "baseline": cell("baseline") or None,
            "baseline_anno": cell("baseline_anno") or None,
            "soglie": fold(cell("soglie")) or None,
        }
        ind["codice"] = full_code(
            ind["codice"], str(holder["codice"]), len(holder["indicatori"]) + 1, self.code_counts.get(ind["codice"], 0)
        )
        try:
            if cell("milestones"):
                ind["milestones"] = _milestones_from_cell(cell("milestones"), f"{where}, colonna Milestone")
            for y, i in self.years["consuntivo"].items():
                raw = cells[i] if i < len(cells) else None
                v = read_entry(raw, where=f"{where}, colonna Consuntivo {y}")
                if v is not None:
                    self.valori.consuntivi[(ind["codice"], y, "")] = Consuntivo(v, "")
        except ParseError as exc:
            self.problems.append(Problem("valore_non_valido", f"{exc.reason}: {exc.value!r}", exc.where or where))
            return
        ind["_riga"] = n
        self.righe[ind["codice"]] = n
        holder["indicatori"].append({k: v for k, v in ind.items() if v not in (None, [], {}, "")})


def _row_paths(data: dict[str, Any]) -> dict[str, int]:
    """``prospettive[0]...indicatori[2]`` -> spreadsheet row, and drop the ``_riga`` marks."""
    out: dict[str, int] = {}
    for ip, p in enumerate(data.get("prospettive") or []):
        for il, ln in enumerate(p.get("linee") or []):
            for io, os_ in enumerate(ln.get("obiettivi_strategici") or []):
                base = f"prospettive[{ip}].linee[{il}].obiettivi_strategici[{io}]"
                for ii, ind in enumerate(os_.get("indicatori") or []):
                    out[f"{base}.indicatori[{ii}]"] = ind.pop("_riga", 0)
                for ioo, oo in enumerate(os_.get("obiettivi_operativi") or []):
                    for ii, ind in enumerate(oo.get("indicatori") or []):
                        out[f"{base}.obiettivi_operativi[{ioo}].indicatori[{ii}]"] = ind.pop("_riga", 0)
    # Longest first, so that indicatori[1] does not match indicatori[10].
    return dict(sorted(out.items(), key=lambda kv: -len(kv[0])))


# --- writing ---------------------------------------------------------------------


def plan_rows(piano: Piano, valori: Valori | None = None) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the cruscotto sheet (printed values as text)."""
    hist_years = sorted({y for i in piano.indicatori() for y in i.storico})
    target_years = sorted(set(piano.anni) | {y for i in piano.indicatori() for y in i.target})
    actual_years = sorted({a for (_, a, per) in (valori.consuntivi if valori else {}) if per == ""})
    headers = [label for _, label in COLUMNS]
    headers += [f"Storico {y}" for y in hist_years] + [f"Target {y}" for y in target_years]
    headers += [f"Consuntivo {y}" for y in actual_years]
    headers += [label for _, label in EXTRA_COLUMNS]
    levels: tuple[Prospettiva | LineaStrategica | ObiettivoStrategico | ObiettivoOperativo, ...] = (
        *piano.prospettive,
        *piano.linee(),
        *piano.obiettivi_strategici(),
        *piano.obiettivi_operativi(),
    )
    weighted = any(x.peso is not None for x in levels)
    if weighted:
        headers += [label for _, label in LEVEL_WEIGHT_COLUMNS]
    resourced = any(x.risorse is not None for x in levels)
    if resourced:
        headers += [label for _, label in LEVEL_RESOURCE_COLUMNS]
    objectives: tuple[ObiettivoStrategico | ObiettivoOperativo, ...] = (
        *piano.obiettivi_strategici(),
        *piano.obiettivi_operativi(),
    )
    staffed = any(x.strutture for x in objectives)
    if staffed:
        headers += [label for _, label in OBJECTIVE_STRUCTURE_COLUMNS]
    ambito_of = piano.ambito_di()
    if piano.ambiti:
        headers += [label for _, label in AMBITO_COLUMNS]
    rows = []
    for p in piano.prospettive:
        for ln in p.linee:
            for os_ in ln.obiettivi_strategici:
                holders: list[tuple[ObiettivoOperativo | None, tuple[Indicatore, ...]]] = [(None, os_.indicatori)]
                holders += [(oo, oo.indicatori) for oo in os_.obiettivi_operativi]
                for oo, inds in holders:
                    for i in inds:
                        d = indicatore_to_data(i)
                        row = [
                            f"{p.codice} - {p.nome}",
                            f"{ln.codice} - {ln.nome}",
                            f"{os_.codice} - {os_.nome}",
                            f"{oo.codice} - {oo.nome}" if oo else "",
                            i.codice,
                            i.nome,
                            i.algoritmo,
                            i.formula or "",
                            ", ".join(i.etichette),
                            i.polarita.value,
                            d.get("peso", ""),
                            i.unita,
                            i.tipologia,
                            i.fonte,
                            _structures_text(i),
                            i.media_cluster.testo if i.media_cluster else "",
                        ]
                        row += [i.storico[y].testo if y in i.storico else "" for y in hist_years]
                        row += [i.target[y].testo if y in i.target else "" for y in target_years]
                        for y in actual_years:
                            c = valori.consuntivo(i.codice, y) if valori else None
                            row.append(_actual_text(c))
                        row += [
                            i.cruscotto.value,
                            _milestones_to_cell(d.get("milestones", [])),
                            _events_to_cell(piano, i),
                            i.note or "",
                        ]
                        if weighted:
                            row += [_weight_text(x) for x in (p, ln, os_, oo)]
                        if resourced:
                            row += [
                                x.risorse.testo if x is not None and x.risorse is not None else ""
                                for x in (p, ln, os_, oo)
                            ]
                        if staffed:
                            row += [_structures_text(os_), _structures_text(oo)]
                        if piano.ambiti:
                            a = ambito_of.get(p.codice)
                            row += (
                                [f"{a.codice} - {a.nome}", _weight_text(a), a.risorse.testo if a.risorse else ""]
                                if a
                                else ["", "", ""]
                            )
                        rows.append(row)
    return headers, rows


def _weight_text(node: Prospettiva | LineaStrategica | ObiettivoStrategico | ObiettivoOperativo | Ambito | None) -> str:
    if node is None or node.peso is None:
        return ""
    return node.peso_testo if node.peso_testo is not None else format_value(node.peso)


def _actual_text(c: Consuntivo | None) -> str:
    return format_value(c.valore) if c else ""


def _skeleton(piano: Piano) -> dict[str, Any]:
    data = plan_to_data(piano)
    for p in data.get("prospettive", []):
        for ln in p.get("linee", []):
            for os_ in ln.get("obiettivi_strategici", []):
                os_.pop("indicatori", None)
                for oo in os_.get("obiettivi_operativi", []):
                    oo.pop("indicatori", None)
    return data


def csv_losses(piano: Piano) -> list[str]:
    """What a CSV sheet cannot carry of a plan (it has one row per indicator, and the events its
    targets name): said by ``cruscotto convert`` so that nothing is lost in silence."""
    p = piano
    lost = []
    if p.programmi:
        lost.append(f"{len(p.programmi)} programmi con i loro budget")
    if p.schede_individuali:
        lost.append(f"{len(p.schede_individuali)} schede individuali")
    if p.fondo:
        lost.append("il fondo")
    if p.strutture:
        lost.append(f"i nomi di {len(p.strutture)} strutture")
    if p.regole != type(p.regole)():
        lost.append("le regole di valutazione")
    if p.sezioni or p.mandato or p.mission or p.vision:
        lost.append("mandato, mission, vision e sezioni descrittive")
    used = {
        t.evento for i in p.indicatori() for t in (*i.target.values(), *(m.scadenza for m in i.milestones)) if t.evento
    }
    unused = [e.codice for e in p.eventi if e.codice not in used]
    if unused:
        lost.append(f"gli eventi non usati dai target ({', '.join(unused)})")
    return lost


def write_csv_plan(piano: Piano, path: str | Path, valori: Valori | None = None, delimiter: str = ",") -> None:
    headers, rows = plan_rows(piano, valori)
    write_csv(path, headers, rows, delimiter=delimiter)


def sheet_title(text: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "-", text)[:31].strip() or "Foglio"
    title, n = base, 2
    while title.lower() in used or title.lower() == PLAN_SHEET.lower():
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def write_xlsx_plan(piano: Piano, path: str | Path, valori: Valori | None = None) -> None:
    """The cruscotto as the seed lays it out: one sheet per perspective, bold frozen headers,
    filters, printed numbers as numbers and percentages as percentages (so Excel can sum
    and chart them), and a ``Piano`` sheet with the rest of the plan."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from .tables import printed_to_number

    headers, rows = plan_rows(piano, valori)
    numeric_cols = {
        i
        for i, h in enumerate(headers)
        if h in ("Peso", "Media cluster") or h.split(" ")[0] in ("Storico", "Target", "Consuntivo")
    }
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    by_perspective: dict[str, list[list[Any]]] = {}
    for r in rows:
        by_perspective.setdefault(r[0], []).append(r)
    if not by_perspective:
        by_perspective[MAIN_SHEET] = []
    for persp, prow in by_perspective.items():
        ws = wb.create_sheet(sheet_title(persp, used))
        ws.append(headers)
        for r in prow:
            ws.append(r)
        for c in ws[1]:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="E8F0F8")
        ws.freeze_panes = "F2"
        ws.auto_filter.ref = ws.dimensions
        for idx, h in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(idx)].width = (
                40 if h in ("Indicatore", "Algoritmo", "Milestone") else 16
            )
        for row in ws.iter_rows(min_row=2):
            for idx, c in enumerate(row):
                c.alignment = Alignment(wrap_text=True, vertical="top")
                if idx in numeric_cols and isinstance(c.value, str):
                    as_number = printed_to_number(c.value)
                    if as_number is not None:
                        c.value, c.number_format = as_number
                        c.alignment = Alignment(horizontal="right", vertical="top")
                if c.data_type == "f":
                    # openpyxl takes a leading "=" as a formula; "=1" is a printed target.
                    c.data_type = "s"
    ps = wb.create_sheet(PLAN_SHEET)
    ps.append(["chiave", "valore (YAML)"])
    for key, value in _skeleton(piano).items():
        text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000)
        for start in range(0, len(text), CELL_LIMIT):
            ps.append([key, text[start : start + CELL_LIMIT]])
    for row in ps.iter_rows():
        for c in row:
            # Text, always: a chunk (or a vision) starting with "=" would be a live formula.
            if isinstance(c.value, str):
                c.data_type = "s"
    ps.column_dimensions["A"].width = 24
    ps.column_dimensions["B"].width = 120
    wb.save(path)
