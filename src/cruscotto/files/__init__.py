"""Plan files in and out: native YAML/JSON, tabular CSV/XLSX, actual values, measures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.errors import ParseError, PlanError, Problem
from ..engine.model import Piano
from ..engine.scoring import Valori
from .native import dump_native, load_native
from .tabular import load_tabular, write_csv_plan, write_xlsx_plan

NATIVE = (".yaml", ".yml", ".json")
_INDICATOR_WHERE = re.compile(r"^indicatore (.+?)(?:, target (\d{4}))?$")
TABULAR = (".csv", ".xlsx", ".xlsm")


@dataclass
class LoadedPlan:
    piano: Piano
    valori: Valori = field(default_factory=Valori)  # actual values found in a tabular file
    warnings: list[Problem] = field(default_factory=list)  # about the file itself (unknown columns ...)
    righe: dict[str, int] = field(default_factory=dict)  # a sheet's indicator code -> row
    source: str = ""

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """Validation problems of a sheet's indicators named by row and column, as a spreadsheet shows them:
        "indicatore OB.1/2, target 2021" -> "piano.csv, riga 4, colonna Target 2021 (indicatore OB.1/2)"."""
        if not self.righe:
            return problems
        for p in problems:
            m = _INDICATOR_WHERE.match(p.where)
            if m and m.group(1) in self.righe:
                column = f", colonna Target {m.group(2)}" if m.group(2) else ""
                p.where = f"{self.source}, riga {self.righe[m.group(1)]}{column} (indicatore {m.group(1)})"
        return problems


def load_plan(path: str | Path, *, ente: tuple[str, str] | None = None) -> LoadedPlan:
    """Read a plan in any supported format; :class:`PlanError` lists every problem found.

    ``ente`` (code, name) is the body a sheet without a ``Piano`` tab belongs to: the
    page or API call it is uploaded through says it, never the file's name (an upload's
    name is a random one). A sheet's own ``Ente`` column wins."""
    path = Path(path)
    if not path.exists():
        raise PlanError([Problem("file", "file non trovato", str(path))], str(path))
    suffix = path.suffix.lower()
    try:
        if suffix in NATIVE:
            return LoadedPlan(load_native(path))
        if suffix in TABULAR:
            r = load_tabular(path, ente=ente)
            return LoadedPlan(r.piano, r.valori, r.warnings, r.righe, path.name)
    except ParseError as exc:
        raise PlanError(
            [
                Problem(
                    "valore_non_valido",
                    f"{exc.reason}" + (f": {exc.value!r}" if exc.value is not None else ""),
                    exc.where or str(path),
                )
            ],
            str(path),
        ) from None
    raise PlanError(
        [
            Problem(
                "formato", f"estensione {suffix!r} non riconosciuta (attese: {', '.join(NATIVE + TABULAR)})", str(path)
            )
        ],
        str(path),
    )


def save_plan(piano: Piano, path: str | Path, valori: Valori | None = None) -> None:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in NATIVE:
        dump_native(piano, path)
    elif suffix == ".csv":
        write_csv_plan(piano, path, valori)
    elif suffix in (".xlsx",):
        write_xlsx_plan(piano, path, valori)
    else:
        raise PlanError(
            [Problem("formato", f"estensione {suffix!r} non riconosciuta per la scrittura", str(path))], str(path)
        )


__all__ = ["LoadedPlan", "load_plan", "save_plan"]
