"""PIAO 3.1, Struttura organizzativa (DM 132/2022, art. 4 c. 1 lett. a): the ente's structures
with the people in each, by category and gender, and in full-time equivalents, for one year.

The staff register (``engine/personale.py``) has one record per person at 31/12 and no unit: who
works where is its own table, an assignment of a matricola to a structure (``Assegnazione``). A
structure's own people are those assigned to it; its total is its own people and those of every
structure below it (``Struttura.padre``). The total is counted over the set of people of the
subtree, never by adding the children's totals, so nobody is counted twice.

Full-time equivalents: the register says whether a person is part time, not the percentage of
the contract. A part-time person therefore counts as one fraction for all (``QUOTA_PART_TIME``,
0.5: a half-time post, the convention here, not a norm); an ente that knows its own average
share sets it. The count of people is exact; the FTE is as good as that fraction, and says so.

Values in, values out: no storage, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import Problem, codici_ripetuti
from .lingua import _
from .model import Struttura
from .personale import Dipendente, F, M, dell_anno, per_categoria

QUOTA_PART_TIME = 0.5


@dataclass(frozen=True, slots=True)
class Assegnazione:
    """A person of the register assigned to a structure."""

    matricola: str
    struttura: str  # the structure's code


@dataclass(frozen=True, slots=True)
class Conteggio:
    """A group of people: how many, by category and gender, part time, in full-time equivalents,
    and who they are (each figure traceable to its matricole)."""

    persone: int
    per_categoria: dict[str, int]  # D, C, B, A, DIR order; categories with nobody left out
    donne: int
    uomini: int
    part_time: int
    fte: float
    matricole: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OrganicoStruttura:
    struttura: str
    nome: str
    tipo: str
    padre: str | None
    propri: Conteggio  # the people assigned to the structure itself
    totale: Conteggio  # its own and those of every structure below it


@dataclass(frozen=True, slots=True)
class Organigramma:
    anno: int
    quota_part_time: float
    strutture: tuple[OrganicoStruttura, ...]  # in the order the ente gives its structures
    ente: Conteggio  # everyone in the register at 31/12, assigned or not
    non_assegnati: tuple[str, ...]  # matricole of the register without a (known) structure


def conteggio(persone: Iterable[Dipendente], *, quota_part_time: float = QUOTA_PART_TIME) -> Conteggio:
    """The figures of a group of people (each counted once, whatever the input repeats)."""
    unici = list({d.matricola: d for d in persone}.values())
    part_time = sum(1 for d in unici if d.part_time)
    return Conteggio(
        persone=len(unici),
        per_categoria=per_categoria(unici),
        donne=sum(1 for d in unici if d.genere == F),
        uomini=sum(1 for d in unici if d.genere == M),
        part_time=part_time,
        fte=len(unici) - part_time + part_time * quota_part_time,
        matricole=tuple(sorted(d.matricola for d in unici)),
    )


def _antenati(codice: str, padri: dict[str, str | None]) -> list[str]:
    """``codice`` and the structures above it, nearest first; a loop in the tree is cut where a
    structure comes again (``controlla`` reports it)."""
    out: list[str] = []
    current: str | None = codice
    while current is not None and current in padri and current not in out:
        out.append(current)
        current = padri[current]
    return out


def _prime(assegnazioni: Iterable[Assegnazione]) -> dict[str, str]:
    """Each matricola's first assignment: a second one is an error (``controlla``) and not counted."""
    out: dict[str, str] = {}
    for a in assegnazioni:
        out.setdefault(a.matricola, a.struttura)
    return out


def organigramma(
    strutture: Sequence[Struttura],
    persone: Iterable[Dipendente],
    assegnazioni: Iterable[Assegnazione],
    *,
    anno: int,
    quota_part_time: float = QUOTA_PART_TIME,
) -> Organigramma:
    """The headcount of each structure at 31/12 of ``anno``, its own and with the structures below
    it. Assignments to unknown structures or of people not in that year's register, and second
    assignments, are left out (``controlla`` lists them)."""
    staff = {d.matricola: d for d in dell_anno(persone, anno)}
    padri = {s.codice: s.padre for s in strutture}
    propri: dict[str, list[Dipendente]] = {s.codice: [] for s in strutture}
    sotto: dict[str, list[Dipendente]] = {s.codice: [] for s in strutture}
    for matricola, codice in _prime(assegnazioni).items():
        d = staff.get(matricola)
        if d is None or codice not in padri:
            continue
        propri[codice].append(d)
        for su in _antenati(codice, padri):
            sotto[su].append(d)
    assegnati = {m for group in propri.values() for m in (d.matricola for d in group)}

    def conta(group: Iterable[Dipendente]) -> Conteggio:
        return conteggio(group, quota_part_time=quota_part_time)

    righe = tuple(
        OrganicoStruttura(s.codice, s.nome, s.tipo, s.padre, conta(propri[s.codice]), conta(sotto[s.codice]))
        for s in strutture
    )
    return Organigramma(
        anno=anno,
        quota_part_time=quota_part_time,
        strutture=righe,
        ente=conta(staff.values()),
        non_assegnati=tuple(sorted(m for m in staff if m not in assegnati)),
    )


def _albero(strutture: Sequence[Struttura]) -> list[Problem]:
    padri = {s.codice: s.padre for s in strutture}
    problems = codici_ripetuti(((s.codice, f"struttura {s.codice}") for s in strutture), "organizzazione_codice_doppio")
    for s in strutture:
        where = f"struttura {s.codice}"
        if s.padre is not None and s.padre not in padri:
            message = _("struttura superiore sconosciuta: {p}").format(p=s.padre)
            problems.append(Problem("organizzazione_padre", message, where))
        elif s.padre is not None and s.codice in _antenati(s.padre, padri):
            problems.append(Problem("organizzazione_ciclo", _("la struttura sta sotto se stessa"), where))
    return problems


def controlla(
    strutture: Sequence[Struttura],
    persone: Iterable[Dipendente],
    assegnazioni: Sequence[Assegnazione],
    *,
    anno: int,
) -> list[Problem]:
    """Each problem at its place: the tree (codes repeated, a parent unknown, a loop); an assignment
    to an unknown structure, of a matricola not in the register at 31/12 of ``anno``, or of a
    person already assigned; and, as a warning, a person of the register with no structure (the
    ente's total counts them, no structure does)."""
    problems = _albero(strutture)
    known = {s.codice for s in strutture}
    staff = {d.matricola for d in dell_anno(persone, anno)}
    prima: dict[str, tuple[int, str]] = {}
    for k, a in enumerate(assegnazioni, start=1):
        where = f"assegnazione {k} ({a.matricola}, {a.struttura})"
        if a.struttura not in known:
            problems.append(
                Problem("organizzazione_struttura", _("struttura sconosciuta: {s}").format(s=a.struttura), where)
            )
        if a.matricola not in staff:
            message = _("matricola non nel registro del personale al 31/12/{anno}: {m}").format(
                anno=anno, m=a.matricola
            )
            problems.append(Problem("organizzazione_matricola", message, where))
        if a.matricola in prima:
            n, s = prima[a.matricola]
            message = _("persona già assegnata a {s} (assegnazione {n})").format(s=s, n=n)
            problems.append(Problem("organizzazione_doppia", message, where))
        else:
            prima[a.matricola] = (k, a.struttura)
    for m in sorted(staff - prima.keys()):
        problems.append(
            Problem("organizzazione_senza_struttura", _("persona senza struttura"), f"matricola {m}", "warning")
        )
    return problems


def organizzazione_to_data(assegnazioni: Iterable[Assegnazione]) -> list[dict[str, str]]:
    """The assignments as JSON-ready data."""
    return [{"matricola": a.matricola, "struttura": a.struttura} for a in assegnazioni]


def organizzazione_from_data(rows: Iterable[Mapping[str, Any]]) -> tuple[Assegnazione, ...]:
    return tuple(Assegnazione(str(r["matricola"]), str(r["struttura"])) for r in rows)
