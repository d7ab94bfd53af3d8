"""PIAO section 3, training: the courses of a year, who attended how many hours, and what the
PIAO and the performance plan read from them.

The yearly target is hours per employee: at least 40 a year under the Directive of the Minister
for public administration of 14 January 2025 (``ORE_OBIETTIVO``; an ente may set its own). The
figures are per category of the staff register (``engine/personale.py``), and for the whole
staff in service at 31/12 (permanent and fixed-term: the seed's "Ore di formazione erogate /
Totale personale dipendente (TI+TD)", its PARETO indicator of average training hours, which
``misure`` feeds as base measures so that the plan's formula computes it from the records).

Every figure is a count or a sum of the records, with the people it is over: nothing typed
twice, nothing estimated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import Problem, codici_ripetuti
from .lingua import _
from .personale import CATEGORIE, DIRIGENTE, Dipendente

ORE_OBIETTIVO = 40.0


@dataclass(frozen=True, slots=True)
class Corso:
    codice: str
    titolo: str
    ore: float  # the course's length
    obbligatorio: bool = False  # required by law (anticorruption, safety at work, privacy)
    area: str = ""  # the subject area ("digitale", "anticorruzione", ...)
    obiettivo: str = ""  # the code of the plan's objective it serves, if any


@dataclass(frozen=True, slots=True)
class Partecipazione:
    matricola: str
    corso: str  # the course's code
    ore: float  # hours attended


@dataclass(frozen=True, slots=True)
class RigaFormazione:
    """One category's (or the total's) figures."""

    voce: str  # a category, DIR, or "totale"
    persone: int  # in service at 31/12
    formati: int  # who attended at least one hour
    ore: float  # hours attended, summed
    al_obiettivo: int  # who reached the yearly target

    @property
    def media(self) -> float | None:
        """Hours per person in service (the PIAO's and the seed's measure); None with nobody."""
        return self.ore / self.persone if self.persone else None


@dataclass(frozen=True, slots=True)
class Riepilogo:
    anno: int
    obiettivo_ore: float
    righe: tuple[RigaFormazione, ...]  # by category (CATEGORIE order, then DIR), then "totale"
    obbligatori_mancanti: tuple[tuple[str, str], ...]  # (matricola, course) of required courses not attended

    @property
    def totale(self) -> RigaFormazione:
        return self.righe[-1]


def controlla(
    corsi: Sequence[Corso], partecipazioni: Sequence[Partecipazione], persone: Iterable[Dipendente]
) -> list[Problem]:
    """Each problem of the records at its place: a course repeated or without hours, a
    participation of somebody not in the register or in an unknown course, hours that are
    negative or beyond the course's length."""
    problems = codici_ripetuti(((c.codice, f"corso {c.codice}") for c in corsi), "formazione_corso_doppio")
    matricole = {p.matricola for p in persone}
    by_code: dict[str, Corso] = {}
    for c in corsi:
        where = f"corso {c.codice}"
        by_code[c.codice] = c
        if not c.ore > 0:
            problems.append(Problem("formazione_ore", _("ore del corso non positive: {o}").format(o=c.ore), where))
    for k, p in enumerate(partecipazioni, start=1):
        where = f"partecipazione {k} ({p.matricola}, {p.corso})"
        if p.matricola not in matricole:
            message = _("matricola non nel registro del personale: {m}").format(m=p.matricola)
            problems.append(Problem("formazione_matricola", message, where))
        corso = by_code.get(p.corso)
        if corso is None:
            problems.append(Problem("formazione_corso", _("corso sconosciuto: {c}").format(c=p.corso), where))
        if p.ore < 0:
            problems.append(Problem("formazione_ore", _("ore negative: {o}").format(o=p.ore), where))
        elif corso is not None and p.ore > corso.ore:
            message = _("ore frequentate ({o}) oltre la durata del corso ({d})").format(o=p.ore, d=corso.ore)
            problems.append(Problem("formazione_ore", message, where))
    return problems


def riepilogo(
    anno: int,
    corsi: Sequence[Corso],
    partecipazioni: Sequence[Partecipazione],
    persone: Iterable[Dipendente],
    *,
    obiettivo_ore: float = ORE_OBIETTIVO,
) -> Riepilogo:
    """The year's figures over the people in service at 31/12 of ``anno``. Hours of people not in
    the register, or in unknown courses, are left out (``controlla`` lists them)."""
    staff = [p for p in persone if p.anno == anno]
    known = {c.codice for c in corsi}
    ore: dict[str, float] = {}
    for p in partecipazioni:
        if p.corso in known and p.ore > 0:
            ore[p.matricola] = ore.get(p.matricola, 0.0) + p.ore

    def riga(voce: str, gruppo: list[Dipendente]) -> RigaFormazione:
        hours = [ore.get(d.matricola, 0.0) for d in gruppo]
        return RigaFormazione(
            voce=voce,
            persone=len(gruppo),
            formati=sum(1 for h in hours if h > 0),
            ore=sum(hours),
            al_obiettivo=sum(1 for h in hours if h >= obiettivo_ore),
        )

    righe = [riga(cat, [d for d in staff if d.categoria == cat]) for cat in (*CATEGORIE, DIRIGENTE)]
    righe = [r for r in righe if r.persone] + [riga("totale", staff)]
    seguiti = {(p.matricola, p.corso) for p in partecipazioni if p.ore > 0}
    mancanti = tuple(
        (d.matricola, c.codice)
        for c in corsi
        if c.obbligatorio
        for d in staff
        if (d.matricola, c.codice) not in seguiti
    )
    return Riepilogo(anno, obiettivo_ore, tuple(righe), mancanti)


def misure(r: Riepilogo) -> dict[str, float]:
    """Base measures for the plan's formulas (``ore_formazione / personale``: the seed's average
    training hours), named as the plan's formulas name them."""
    return {"ore_formazione": r.totale.ore, "personale_formazione": float(r.totale.persone)}


def formazione_to_data(corsi: Iterable[Corso], partecipazioni: Iterable[Partecipazione]) -> dict[str, Any]:
    """The courses and the participations as JSON-ready data."""
    return {
        "corsi": [
            {
                "codice": c.codice,
                "titolo": c.titolo,
                "ore": c.ore,
                "obbligatorio": c.obbligatorio,
                "area": c.area,
                "obiettivo": c.obiettivo,
            }
            for c in corsi
        ],
        "partecipazioni": [{"matricola": p.matricola, "corso": p.corso, "ore": p.ore} for p in partecipazioni],
    }


def formazione_from_data(d: Mapping[str, Any]) -> tuple[tuple[Corso, ...], tuple[Partecipazione, ...]]:
    """The courses and the participations back from :func:`formazione_to_data`."""
    corsi = tuple(
        Corso(
            c["codice"], c["titolo"], c["ore"], c.get("obbligatorio", False), c.get("area", ""), c.get("obiettivo", "")
        )
        for c in d.get("corsi", ())
    )
    return corsi, tuple(Partecipazione(p["matricola"], p["corso"], p["ore"]) for p in d.get("partecipazioni", ()))
