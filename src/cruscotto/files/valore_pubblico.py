"""PIAO 2.1 from CSV or XLSX files: the impact objectives and their indicators (docs/piao.md).

One file per table (CSV, comma or semicolon, or XLSX), named by the table; or one XLSX
workbook with one sheet per table, each sheet named by its table. A table may also be named
with ``valore-pubblico-`` in front (``valore-pubblico-indicatori.csv``): the name to use where
2.1 sits with 2.3, whose ``indicatori`` are the ente's risk indicators.

- ``obiettivi``: ``codice, nome, descrizione, obiettivi strategici, sdg, bes, pnrr``; the
  strategic objectives of the plan that produce it, the SDG (1-17), the BES domains and the
  PNRR missions (M1-M7) each separated by ``;``
- ``indicatori``: ``obiettivo, codice, nome, polarità, unità, fonte, baseline, anno baseline``,
  one column per year's target (``target 2021``, ``target 2022``, …), ``peso``; the polarity
  and the targets are read as the plan's (``crescente``, ``decrescente``, ``si/no``…;
  ``>= 55%``, ``+5% rispetto alla baseline``…), the weight in percentage points

Every bad cell of every file is listed at once, each naming the file, row, column and value;
nothing is half-read. What the rules say of the whole (a strategic objective the plan has not,
an SDG outside 1-17, a target missing for one of the plan's years) is
``engine.valore_pubblico.controlla``'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..engine.errors import ParseError
from ..engine.model import Dato, Indicatore, Polarita
from ..engine.numbers import fold, parse_value, parse_weight
from ..engine.targets import Target, parse_target
from ..engine.valore_pubblico import BES, ObiettivoImpatto
from .sezioni import Lettore, tabelle
from .tables import Table
from .tabular import _polarity

NOMI = {
    "obiettivi": ("obiettivi", "valore-pubblico-obiettivi", "vp-obiettivi"),
    "indicatori": ("indicatori", "valore-pubblico-indicatori", "vp-indicatori"),
}
COLONNE: dict[str, dict[str, tuple[str, ...]]] = {
    "obiettivi": {
        "codice": ("codice", "codice obiettivo"),
        "nome": ("nome", "obiettivo", "obiettivo di valore pubblico", "denominazione"),
        "descrizione": ("descrizione",),
        "strategici": ("obiettivi strategici", "obiettivi_strategici", "obiettivo strategico", "strategici"),
        "sdg": ("sdg", "obiettivi sdg", "agenda 2030"),
        "bes": ("bes", "domini bes", "dominio bes"),
        "pnrr": ("pnrr", "missioni pnrr", "missione pnrr"),
    },
    "indicatori": {
        "obiettivo": ("obiettivo", "codice obiettivo", "obiettivo di impatto"),
        "codice": ("codice", "codice indicatore"),
        "nome": ("nome", "indicatore"),
        "polarita": ("polarità", "polarita"),
        "unita": ("unità", "unita", "unità di misura", "unita di misura"),
        "fonte": ("fonte", "fonte dei dati"),
        "baseline": ("baseline", "valore di partenza"),
        "anno_baseline": ("anno baseline", "anno_baseline", "anno della baseline"),
        "peso": ("peso",),
    },
}
RICHIESTE = {"obiettivi": ("codice", "nome", "strategici"), "indicatori": ("obiettivo", "codice", "nome")}
_TARGET = re.compile(r"^target[\s_]*(\d{4})$")
_SDG = re.compile(r"^(?:sdg|goal|obiettivo)?\s*(\d{1,2})$")
_BES = {fold(b): b for b in BES}


def read_obiettivi(table: Table) -> list[ObiettivoImpatto]:
    r, out = Lettore(table, COLONNE["obiettivi"], RICHIESTE["obiettivi"]), []
    for n, cells in table.rows:
        sdg = []
        for x in r.lista(cells, "sdg"):
            m = _SDG.match(fold(x))
            if m is None:
                r.bad(n, "sdg", f"obiettivo SDG non valido (un numero da 1 a 17): {x!r}")
            else:
                sdg.append(int(m.group(1)))
        out.append(
            ObiettivoImpatto(
                codice=r.required(n, cells, "codice"),
                nome=r.required(n, cells, "nome"),
                obiettivi_strategici=r.lista(cells, "strategici") if r.required(n, cells, "strategici") else (),
                sdg=tuple(sdg),
                bes=tuple(_BES.get(fold(b), b) for b in r.lista(cells, "bes")),
                pnrr=tuple(m.upper() for m in r.lista(cells, "pnrr")),
                descrizione=r.text(cells, "descrizione"),
            )
        )
    r.done()
    return out


def _lettore_indicatori(table: Table) -> tuple[Lettore, dict[str, int]]:
    """The reader of the indicators' table, with a column per year's target; a header that
    starts like a target's and is not one is refused (its targets would be lost in silence)."""
    colonne = dict(COLONNE["indicatori"])
    anni = {}
    for h in table.headers:
        m = _TARGET.match(fold(h))
        if m is not None:
            colonne[f"t:{m.group(1)}"] = (h,)
            anni[f"t:{m.group(1)}"] = int(m.group(1))
    r = Lettore(table, colonne, RICHIESTE["indicatori"], sconosciute=False)
    strane = [h for h in r.unknown if fold(h).startswith("target")]
    if strane:
        raise ParseError(
            f"colonne sconosciute: {', '.join(strane)} (il target di un anno va in una colonna «target 2021»)",
            where=f"{table.source}, riga 1",
        )
    r.sconosciute(", ".join(names[0] for names in COLONNE["indicatori"].values()) + ", target ANNO")
    return r, anni


def _targets(r: Lettore, anni: dict[str, int], n: int, cells: list[object]) -> dict[int, Target]:
    out = {}
    for canon, anno in anni.items():
        text = r.text(cells, canon)
        try:
            t = parse_target(text, anno=anno) if text else None
        except ParseError as exc:
            r.bad(n, canon, f"{exc.reason}: {text!r}")
            continue
        if t is not None:
            out[anno] = t
    return out


def _polarita(r: Lettore, n: int, cells: list[object]) -> Polarita:
    text = r.text(cells, "polarita")
    if not text:
        return Polarita.CRESCENTE
    try:
        return Polarita(_polarity(text))
    except ValueError:
        r.bad(n, "polarita", f"polarità non ammessa ({', '.join(p.value for p in Polarita)}): {text!r}")
        return Polarita.CRESCENTE


def _baseline(r: Lettore, n: int, cells: list[object]) -> Dato | None:
    text = r.text(cells, "baseline")
    if not text:
        return None
    try:
        return Dato(text, parse_value(text))
    except ParseError:
        r.bad(n, "baseline", f"baseline non valida (un numero, una data o sì/no): {text!r}")
        return None


def _peso(r: Lettore, n: int, cells: list[object]) -> float | None:
    text = r.text(cells, "peso")
    try:
        return parse_weight(text) if text else None
    except ParseError as exc:
        r.bad(n, "peso", f"{exc.reason}: {text!r}")
        return None


def read_indicatori(table: Table, obiettivi: Iterable[str]) -> dict[str, list[Indicatore]]:
    """Each objective's indicators, in the table's order; one of an objective not in
    ``obiettivi`` (the codes of the objectives' table) is a bad cell."""
    r, anni = _lettore_indicatori(table)
    known = set(obiettivi)
    out: dict[str, list[Indicatore]] = {}
    for n, cells in table.rows:
        anno_baseline = r.intero(n, cells, "anno_baseline") if r.text(cells, "anno_baseline") else None
        ind = Indicatore(
            codice=r.required(n, cells, "codice"),
            nome=r.required(n, cells, "nome"),
            polarita=_polarita(r, n, cells),
            peso=_peso(r, n, cells),
            peso_testo=r.text(cells, "peso") or None,
            unita=r.text(cells, "unita"),
            fonte=r.text(cells, "fonte"),
            target=_targets(r, anni, n, cells),
            baseline=_baseline(r, n, cells),
            baseline_anno=anno_baseline,
        )
        obiettivo = r.required(n, cells, "obiettivo")
        if obiettivo and obiettivo not in known:
            r.bad(n, "obiettivo", f"obiettivo sconosciuto (non nella tabella obiettivi): {obiettivo!r}")
        out.setdefault(obiettivo, []).append(ind)
    r.done()
    return out


def load_valore_pubblico(paths: Iterable[str | Path]) -> tuple[ObiettivoImpatto, ...] | None:
    """The impact objectives with their indicators from the files (module docstring); None when
    no table of 2.1 is among them. Every file's bad cells come together in one
    :class:`InvalidFile` per file; an indicator of an objective the objectives' table has not is
    one of its bad cells."""
    t = tabelle((Path(p) for p in paths), NOMI)
    if not t:
        return None
    if "obiettivi" not in t:
        raise ParseError("la tabella indicatori senza la tabella obiettivi", where=t["indicatori"].source)
    obiettivi = read_obiettivi(t["obiettivi"])
    indicatori = read_indicatori(t["indicatori"], (o.codice for o in obiettivi)) if "indicatori" in t else {}
    return tuple(replace(o, indicatori=tuple(indicatori.get(o.codice, ()))) for o in obiettivi)
