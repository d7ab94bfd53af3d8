"""PIAO 2.3 from CSV or XLSX files: the risk register and the transparency table (docs/piao.md).

One file per table (CSV, comma or semicolon, or XLSX), named by the table; or one XLSX
workbook with one sheet per table, each sheet named by its table:

- ``processi``: ``codice, nome, area, responsabile, fasi`` (phases separated by ``;``)
- ``eventi``: ``codice, processo, descrizione``
- ``valutazioni``: ``evento``, one column per risk indicator (headed by its code or its
  name: ``interesse`` or ``Livello di interesse esterno``), ``livello, motivazione``
- ``misure``: ``codice, nome, tipo, responsabile, scadenza, indicatore, target, eventi,
  obiettivo, peso`` (events separated by ``;``; the deadline as gg/mm/aaaa)
- ``indicatori`` (optional): ``codice, nome, descrizione``: the ente's own risk indicators,
  in place of ANAC's six
- ``scala`` (optional): ``livello``, lowest first: the ente's own scale, in place of
  *basso, medio, alto*
- ``obblighi``: the transparency table, ``codice, sezione, contenuto, riferimento, produce,
  pubblica, aggiornamento``

Every bad cell of every file is listed at once, each naming the file, row, column and value;
nothing is half-read. What the rules of the method say of the whole (an unknown process, a
level without its reason...) is ``engine.rischi.controlla``'s, at the register's places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..engine.errors import ParseError
from ..engine.numbers import fold
from ..engine.rischi import (
    EventoRischio,
    IndicatoreRischio,
    Misura,
    Processo,
    Registro,
    Valutazione,
)
from ..engine.trasparenza import Obbligo
from .sezioni import Lettore as _Lettore
from .sezioni import tabelle
from .tables import Table

TABELLE = ("processi", "eventi", "valutazioni", "misure", "indicatori", "scala", "obblighi")

# Canonical column -> the headers accepted for it (the first is the one messages name).
COLONNE: dict[str, dict[str, tuple[str, ...]]] = {
    "processi": {
        "codice": ("codice", "codice processo"),
        "nome": ("nome", "processo", "denominazione"),
        "area": ("area", "area di rischio"),
        "responsabile": ("responsabile", "struttura", "struttura responsabile"),
        "fasi": ("fasi",),
    },
    "eventi": {
        "codice": ("codice", "codice evento"),
        "processo": ("processo", "codice processo"),
        "descrizione": ("descrizione", "evento", "evento rischioso"),
    },
    "misure": {
        "codice": ("codice", "codice misura"),
        "nome": ("nome", "misura"),
        "tipo": ("tipo", "tipologia"),
        "responsabile": ("responsabile", "struttura", "struttura responsabile"),
        "scadenza": ("scadenza", "termine"),
        "indicatore": ("indicatore", "indicatore di attuazione"),
        "target": ("target", "valore atteso"),
        "eventi": ("eventi", "eventi trattati"),
        "obiettivo": ("obiettivo", "obiettivo di performance"),
        "peso": ("peso",),
    },
    "indicatori": {"codice": ("codice",), "nome": ("nome", "indicatore"), "descrizione": ("descrizione",)},
    "scala": {"livello": ("livello",)},
    "obblighi": {
        "codice": ("codice",),
        "sezione": ("sezione", "sotto-sezione", "sottosezione"),
        "contenuto": ("contenuto", "contenuto dell'obbligo", "denominazione dell'obbligo"),
        "riferimento": ("riferimento", "riferimento normativo", "norma"),
        "produce": ("produce", "struttura che produce", "ufficio che produce il dato"),
        "pubblica": ("pubblica", "struttura che pubblica", "ufficio che pubblica"),
        "aggiornamento": ("aggiornamento", "frequenza", "frequenza di aggiornamento"),
    },
}
RICHIESTE = {
    "processi": ("codice", "nome", "area", "responsabile"),
    "eventi": ("codice", "processo", "descrizione"),
    "misure": ("codice", "nome", "tipo", "responsabile", "scadenza", "indicatore", "target"),
    "indicatori": ("codice", "nome"),
    "scala": ("livello",),
    "obblighi": ("codice", "sezione", "contenuto", "riferimento", "produce", "pubblica", "aggiornamento"),
}
VALUTAZIONI_FISSE = {
    "evento": ("evento", "codice evento"),
    "livello": ("livello", "giudizio"),
    "motivazione": ("motivazione",),
}


@dataclass(frozen=True, slots=True)
class Sezione23:
    """What a set of files held: the register (None when no table of it was there) and the
    transparency table (None when absent)."""

    registro: Registro | None
    obblighi: tuple[Obbligo, ...] | None


def read_processi(table: Table) -> tuple[Processo, ...]:
    r, out = _Lettore(table, COLONNE["processi"], RICHIESTE["processi"]), []
    for n, cells in table.rows:
        out.append(
            Processo(
                r.required(n, cells, "codice"),
                r.required(n, cells, "nome"),
                r.required(n, cells, "area"),
                r.required(n, cells, "responsabile"),
                r.lista(cells, "fasi"),
            )
        )
    r.done()
    return tuple(out)


def read_eventi(table: Table) -> tuple[EventoRischio, ...]:
    r, out = _Lettore(table, COLONNE["eventi"], RICHIESTE["eventi"]), []
    for n, cells in table.rows:
        out.append(
            EventoRischio(
                r.required(n, cells, "codice"), r.required(n, cells, "processo"), r.required(n, cells, "descrizione")
            )
        )
    r.done()
    return tuple(out)


def read_misure(table: Table) -> tuple[Misura, ...]:
    r, out = _Lettore(table, COLONNE["misure"], RICHIESTE["misure"]), []
    for n, cells in table.rows:
        out.append(
            Misura(
                codice=r.required(n, cells, "codice"),
                nome=r.required(n, cells, "nome"),
                tipo=fold(r.required(n, cells, "tipo")),
                responsabile=r.required(n, cells, "responsabile"),
                scadenza=r.data(n, cells, "scadenza"),
                indicatore=r.required(n, cells, "indicatore"),
                target=r.required(n, cells, "target"),
                eventi=r.lista(cells, "eventi"),
                obiettivo=r.text(cells, "obiettivo"),
                peso=r.text(cells, "peso"),
            )
        )
    r.done()
    return tuple(out)


def read_indicatori(table: Table) -> tuple[IndicatoreRischio, ...]:
    r, out = _Lettore(table, COLONNE["indicatori"], RICHIESTE["indicatori"]), []
    for n, cells in table.rows:
        out.append(
            IndicatoreRischio(
                r.required(n, cells, "codice"), r.required(n, cells, "nome"), r.text(cells, "descrizione")
            )
        )
    r.done()
    return tuple(out)


def read_scala(table: Table) -> tuple[str, ...]:
    r = _Lettore(table, COLONNE["scala"], RICHIESTE["scala"])
    out = tuple(fold(r.required(n, cells, "livello")) for n, cells in table.rows)
    r.done()
    return out


def read_valutazioni(table: Table, indicatori: Iterable[IndicatoreRischio]) -> tuple[Valutazione, ...]:
    """Each event's assessment: a column per risk indicator, by its code or its name. A column
    that is neither, nor one of the fixed ones, is an error: a typo in a header would otherwise
    drop an indicator's levels without a word."""
    colonne = dict(VALUTAZIONI_FISSE)
    for i in indicatori:
        colonne[f"i:{i.codice}"] = (i.codice, i.nome)
    r = _Lettore(table, colonne, ("evento", "livello", "motivazione"), sconosciute=False)
    if r.unknown:
        attese = ", ".join(i.codice for i in indicatori)
        raise ParseError(
            f"colonne sconosciute: {', '.join(r.unknown)} (oltre a evento, livello, motivazione, una colonna per "
            f"indicatore di rischio: {attese})",
            where=f"{table.source}, riga 1",
        )
    out = []
    for n, cells in table.rows:
        giudizi = {}
        for canon in r.cols:
            if canon.startswith("i:") and (lvl := r.text(cells, canon)):
                giudizi[canon[2:]] = fold(lvl)
        out.append(
            Valutazione(
                r.required(n, cells, "evento"),
                giudizi,
                fold(r.required(n, cells, "livello")),
                r.required(n, cells, "motivazione"),
            )
        )
    r.done()
    return tuple(out)


def read_obblighi(table: Table) -> tuple[Obbligo, ...]:
    r, out = _Lettore(table, COLONNE["obblighi"], RICHIESTE["obblighi"]), []
    for n, cells in table.rows:
        values = {c: r.required(n, cells, c) for c in RICHIESTE["obblighi"]}
        values["aggiornamento"] = fold(values["aggiornamento"])
        out.append(Obbligo(**values))
    r.done()
    return tuple(out)


def load_sezione23(paths: Iterable[str | Path], base: Registro | None = None) -> Sezione23:
    """The register and the transparency table from the files (module docstring). Every file's
    bad cells come together in one :class:`InvalidFile` per file; the first file with errors stops.

    ``base``: the register stored before. A table that does not come keeps its part of it (the
    measures loaded alone keep the processes, events and assessments), and the assessments are
    read with its indicators when no ``indicatori`` table comes."""
    t = tabelle((Path(p) for p in paths), {n: (n,) for n in TABELLE})
    b = base or Registro()
    indicatori = read_indicatori(t["indicatori"]) if "indicatori" in t else b.indicatori
    scala = read_scala(t["scala"]) if "scala" in t else b.scala
    registro = None
    if any(p in t for p in ("processi", "eventi", "valutazioni", "misure", "indicatori", "scala")):
        registro = Registro(
            processi=read_processi(t["processi"]) if "processi" in t else b.processi,
            eventi=read_eventi(t["eventi"]) if "eventi" in t else b.eventi,
            valutazioni=read_valutazioni(t["valutazioni"], indicatori) if "valutazioni" in t else b.valutazioni,
            misure=read_misure(t["misure"]) if "misure" in t else b.misure,
            indicatori=indicatori,
            scala=scala,
            extra=dict(b.extra),
        )
    obblighi = read_obblighi(t["obblighi"]) if "obblighi" in t else None
    return Sezione23(registro, obblighi)
