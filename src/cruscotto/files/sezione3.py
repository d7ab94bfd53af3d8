"""PIAO section 3 from CSV or XLSX files: the organisation, lavoro agile, the staffing needs plan
and training (docs/piao.md).

One file per table (CSV, comma or semicolon, or XLSX), named by the table; or one XLSX
workbook with one sheet per table, each sheet named by its table. Every table is optional:
what is absent is None.

- 3.1 ``assegnazioni``: ``matricola, struttura`` (the structure's code in the plan)
- 3.2 ``attivita``: ``codice, attività, struttura, remotizzabile`` (sì, in parte, no),
  ``motivazione`` (why not wholly)
- 3.2 ``condizioni``: ``codice, ambito`` (organizzativa, tecnologica, formativa...),
  ``descrizione, stato`` (presente, in corso, da avviare): the conditions remote work rests on
- 3.2 ``accordi``: ``matricola, inizio, fine`` (empty: open-ended), ``giorni, periodo``
  (settimana, the default, or mese), ``attività`` (its code, optional); dates as gg/mm/aaaa
- 3.3 ``cessazioni``: ``data, motivo, matricola, categoria`` (a named person, whose category
  is the register's, or one of a category)
- 3.3 ``assunzioni``: ``anno, categoria, numero, modalità`` (concorso, mobilità, progressione
  verticale, stabilizzazione, altro), ``costo unitario, da categoria`` (a progression's origin)
- 3.3 ``parametri``: ``nome, valore``, one row per figure of the ente: ``costo D`` (the yearly
  cost of one person of a category, one row per category), ``turnover 2021`` (the year's
  percentage, one row per year), ``tetto`` (the spending cap), ``residui`` (capacity of
  earlier years), ``riporto`` (sì or no), ``fuori capacità`` (the modes that use none,
  separated by ``;``)
- training ``corsi``: ``codice, titolo, ore, obbligatorio`` (sì or no), ``area, obiettivo``
- training ``partecipazioni``: ``matricola, corso, ore``

Numbers as offices write them (``36.000``, ``2,5``, ``75%``). Every bad cell of every file is
listed at once, each naming the file, row, column and value; nothing is half-read. What the
rules say of the whole (a matricola not in the register, an unknown structure, agreements
overlapping, hires beyond the capacity...) is each engine's ``controlla``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.fabbisogni import MODALITA, Assunzione, Cessazione, Parametri
from ..engine.formazione import Corso, Partecipazione
from ..engine.lavoro_agile import Accordo, Attivita, Condizione
from ..engine.numbers import fold
from ..engine.organizzazione import Assegnazione
from .sezioni import Lettore, tabelle
from .tables import Table

TABELLE = (
    "assegnazioni",
    "attivita",
    "condizioni",
    "accordi",
    "cessazioni",
    "assunzioni",
    "parametri",
    "corsi",
    "partecipazioni",
)
_MATRICOLA = ("matricola",)
_STRUTTURA = ("struttura", "codice struttura", "unità organizzativa", "ufficio")
COLONNE: dict[str, dict[str, tuple[str, ...]]] = {
    "assegnazioni": {"matricola": _MATRICOLA, "struttura": _STRUTTURA},
    "attivita": {
        "codice": ("codice", "codice attività"),
        "nome": ("attività", "nome", "descrizione"),
        "struttura": _STRUTTURA,
        "remotizzabile": ("remotizzabile", "lavoro agile"),
        "motivazione": ("motivazione", "motivo"),
    },
    "condizioni": {
        "codice": ("codice",),
        "ambito": ("ambito", "tipo"),
        "descrizione": ("descrizione", "condizione"),
        "stato": ("stato",),
    },
    "accordi": {
        "matricola": _MATRICOLA,
        "inizio": ("inizio", "data inizio", "decorrenza"),
        "fine": ("fine", "data fine", "scadenza"),
        "giorni": ("giorni", "giorni agili"),
        "periodo": ("periodo",),
        "attivita": ("attività", "codice attività"),
    },
    "cessazioni": {
        "data": ("data", "data cessazione"),
        "motivo": ("motivo", "causa"),
        "matricola": _MATRICOLA,
        "categoria": ("categoria",),
    },
    "assunzioni": {
        "anno": ("anno",),
        "categoria": ("categoria",),
        "numero": ("numero", "posti", "unità"),
        "modalita": ("modalità", "modalità di reclutamento"),
        "costo": ("costo unitario", "costo_unitario", "costo annuo unitario", "costo"),
        "da_categoria": ("da categoria", "da_categoria", "categoria di provenienza"),
    },
    "parametri": {"nome": ("nome", "parametro"), "valore": ("valore",)},
    "corsi": {
        "codice": ("codice", "codice corso"),
        "titolo": ("titolo", "corso", "nome"),
        "ore": ("ore", "durata", "durata in ore"),
        "obbligatorio": ("obbligatorio",),
        "area": ("area", "area tematica"),
        "obiettivo": ("obiettivo", "obiettivo del piano"),
    },
    "partecipazioni": {"matricola": _MATRICOLA, "corso": ("corso", "codice corso"), "ore": ("ore", "ore frequentate")},
}
RICHIESTE = {
    "assegnazioni": ("matricola", "struttura"),
    "attivita": ("codice", "nome", "struttura", "remotizzabile"),
    "condizioni": ("codice", "descrizione", "stato"),
    "accordi": ("matricola", "inizio", "giorni"),
    "cessazioni": ("data", "motivo"),
    "assunzioni": ("anno", "categoria", "numero", "modalita", "costo"),
    "parametri": ("nome", "valore"),
    "corsi": ("codice", "titolo", "ore"),
    "partecipazioni": ("matricola", "corso", "ore"),
}
_MODALITA = {fold(m): m for m in MODALITA}


@dataclass(frozen=True, slots=True)
class Sezione3:
    """What a set of files held, each part None when its table was not there."""

    assegnazioni: tuple[Assegnazione, ...] | None = None
    attivita: tuple[Attivita, ...] | None = None
    condizioni: tuple[Condizione, ...] | None = None
    accordi: tuple[Accordo, ...] | None = None
    cessazioni: tuple[Cessazione, ...] | None = None
    assunzioni: tuple[Assunzione, ...] | None = None
    parametri: Parametri | None = None
    corsi: tuple[Corso, ...] | None = None
    partecipazioni: tuple[Partecipazione, ...] | None = None


def read_assegnazioni(table: Table) -> tuple[Assegnazione, ...]:
    r = Lettore(table, COLONNE["assegnazioni"], RICHIESTE["assegnazioni"])
    out = tuple(Assegnazione(r.required(n, c, "matricola"), r.required(n, c, "struttura")) for n, c in table.rows)
    r.done()
    return out


def read_condizioni(table: Table) -> tuple[Condizione, ...]:
    r = Lettore(table, COLONNE["condizioni"], RICHIESTE["condizioni"])
    out = tuple(
        Condizione(
            r.required(n, c, "codice"),
            r.text(c, "ambito"),
            r.required(n, c, "descrizione"),
            fold(r.required(n, c, "stato")),
        )
        for n, c in table.rows
    )
    r.done()
    return out


def read_attivita(table: Table) -> tuple[Attivita, ...]:
    r = Lettore(table, COLONNE["attivita"], RICHIESTE["attivita"])
    out = tuple(
        Attivita(
            r.required(n, c, "codice"),
            r.required(n, c, "nome"),
            r.required(n, c, "struttura"),
            fold(r.required(n, c, "remotizzabile")),
            r.text(c, "motivazione"),
        )
        for n, c in table.rows
    )
    r.done()
    return out


def read_accordi(table: Table) -> tuple[Accordo, ...]:
    r, out = Lettore(table, COLONNE["accordi"], RICHIESTE["accordi"]), []
    for n, c in table.rows:
        matricola = r.required(n, c, "matricola")
        inizio = r.data(n, c, "inizio") if r.required(n, c, "inizio") else None
        fine = r.data(n, c, "fine")
        giorni = r.numero(n, c, "giorni")
        if inizio is not None and giorni is not None:
            periodo = fold(r.text(c, "periodo")) or "settimana"
            out.append(Accordo(matricola, inizio, fine, giorni, periodo, r.text(c, "attivita")))
    r.done()
    return tuple(out)


def read_cessazioni(table: Table) -> tuple[Cessazione, ...]:
    r, out = Lettore(table, COLONNE["cessazioni"], RICHIESTE["cessazioni"]), []
    for n, c in table.rows:
        data = r.data(n, c, "data") if r.required(n, c, "data") else None
        if data is not None:
            out.append(Cessazione(data, r.text(c, "motivo"), r.text(c, "matricola"), r.text(c, "categoria").upper()))
    r.done()
    return tuple(out)


def read_assunzioni(table: Table) -> tuple[Assunzione, ...]:
    r, out = Lettore(table, COLONNE["assunzioni"], RICHIESTE["assunzioni"]), []
    for n, c in table.rows:
        anno, numero, costo = r.intero(n, c, "anno"), r.intero(n, c, "numero"), r.numero(n, c, "costo")
        categoria = r.required(n, c, "categoria").upper()
        modalita = r.required(n, c, "modalita")
        if anno is not None and numero is not None and costo is not None:
            modalita = _MODALITA.get(fold(modalita), modalita)
            out.append(Assunzione(anno, categoria, numero, modalita, costo, r.text(c, "da_categoria").upper()))
    r.done()
    return tuple(out)


_COSTO = re.compile(r"^costo(?: unitario| annuo| annuo unitario)? (\w+)$")
_TURNOVER = re.compile(r"^turnover (\d{4})$")
_NOMI_PARAMETRI = "costo D, turnover 2021, tetto, residui, riporto, fuori capacità"


def _parametro(r: Lettore, n: int, cells: list[object], nome: str, out: dict[str, Any]) -> None:
    if (m := _COSTO.match(nome)) is not None:
        out["costi"][m.group(1).upper()] = r.numero(n, cells, "valore") or 0.0
    elif (m := _TURNOVER.match(nome)) is not None:
        out["turnover"][int(m.group(1))] = r.numero(n, cells, "valore") or 0.0
    elif nome in ("tetto", "tetto di spesa"):
        out["tetto"] = r.numero(n, cells, "valore")
    elif nome in ("residui", "capacita residua"):
        out["residui"] = r.numero(n, cells, "valore") or 0.0
    elif nome == "riporto":
        out["riporto"] = r.si_no(n, cells, "valore")
    elif nome in ("fuori capacita", "modalita fuori capacita"):
        out["fuori_capacita"] = frozenset(_MODALITA.get(fold(x), x) for x in r.lista(cells, "valore"))
    elif nome:
        r.bad(n, "nome", f"parametro sconosciuto (ammessi: {_NOMI_PARAMETRI}): {r.text(cells, 'nome')!r}")


def read_parametri(table: Table) -> Parametri:
    """The ente's figures, one row each (module docstring); a name repeated or unknown is a bad cell."""
    r = Lettore(table, COLONNE["parametri"], RICHIESTE["parametri"])
    out: dict[str, Any] = {"costi": {}, "turnover": {}}
    visti: set[str] = set()
    for n, c in table.rows:
        nome = fold(r.required(n, c, "nome"))
        if nome in visti:
            r.bad(n, "nome", f"parametro ripetuto: {r.text(c, 'nome')!r}")
            continue
        visti.add(nome)
        _parametro(r, n, c, nome, out)
    r.done()
    return Parametri(**out)


def read_corsi(table: Table) -> tuple[Corso, ...]:
    r, out = Lettore(table, COLONNE["corsi"], RICHIESTE["corsi"]), []
    for n, c in table.rows:
        codice, titolo, ore = r.required(n, c, "codice"), r.required(n, c, "titolo"), r.numero(n, c, "ore")
        obbligatorio = r.si_no(n, c, "obbligatorio")
        if ore is not None:
            out.append(Corso(codice, titolo, ore, obbligatorio, r.text(c, "area"), r.text(c, "obiettivo")))
    r.done()
    return tuple(out)


def read_partecipazioni(table: Table) -> tuple[Partecipazione, ...]:
    r, out = Lettore(table, COLONNE["partecipazioni"], RICHIESTE["partecipazioni"]), []
    for n, c in table.rows:
        matricola, corso, ore = r.required(n, c, "matricola"), r.required(n, c, "corso"), r.numero(n, c, "ore")
        if ore is not None:
            out.append(Partecipazione(matricola, corso, ore))
    r.done()
    return tuple(out)


_LETTORI = {
    "assegnazioni": read_assegnazioni,
    "attivita": read_attivita,
    "condizioni": read_condizioni,
    "accordi": read_accordi,
    "cessazioni": read_cessazioni,
    "assunzioni": read_assunzioni,
    "parametri": read_parametri,
    "corsi": read_corsi,
    "partecipazioni": read_partecipazioni,
}


def load_sezione3(paths: Iterable[str | Path]) -> Sezione3:
    """Section 3's parts from the files (module docstring), each None when its table is absent.
    Every file's bad cells come together in one :class:`InvalidFile` per file; the first file
    with errors stops."""
    t = tabelle((Path(p) for p in paths), {n: (n,) for n in TABELLE})
    parti: dict[str, Any] = {name: read(t[name]) for name, read in _LETTORI.items() if name in t}
    return Sezione3(**parti)
