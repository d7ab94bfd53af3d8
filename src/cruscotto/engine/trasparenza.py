"""PIAO 2.3, the transparency table: each publication obligation of d.lgs. 33/2013 with the
office that produces the data, the office that publishes it, and how often it is updated (the
columns of ANAC's delibera 1310/2016, Allegato 1), and the state of each at a date.

The update frequencies are the ones that table uses: *tempestivo* (art. 8: as soon as the data
exists; no date can be computed, so the state is what the last check found), *trimestrale*,
*semestrale*, *annuale*, and *una tantum* for what is published once. For the periodic ones the
next due date is the last publication plus the period, and an obligation never published is
late from the start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import Problem, codici_ripetuti
from .lingua import _

# Months between two publications of a periodic obligation.
MESI = {"trimestrale": 3, "semestrale": 6, "annuale": 12}
AGGIORNAMENTI = ("tempestivo", *MESI, "una tantum")


@dataclass(frozen=True, slots=True)
class Obbligo:
    """One row of the transparency table."""

    codice: str
    sezione: str  # the section of Amministrazione trasparente ("Personale > Dotazione organica")
    contenuto: str  # what is published
    riferimento: str  # the norm ("art. 16, c. 1, d.lgs. 33/2013")
    produce: str  # the structure that produces the data
    pubblica: str  # the structure that publishes it
    aggiornamento: str  # one of AGGIORNAMENTI


@dataclass(frozen=True, slots=True)
class StatoObbligo:
    codice: str
    stato: str  # "in regola", "in ritardo", "mai pubblicato", "da verificare"
    ultima: date | None
    scadenza: date | None  # the next due date, where the frequency gives one


def _piu_mesi(d: date, mesi: int) -> date:
    """``d`` moved on by ``mesi`` months, on the same day or the month's last (31/01 + 1 = 28/02)."""
    y, m = divmod(d.month - 1 + mesi, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def controlla_obblighi(obblighi: Sequence[Obbligo], *, strutture: Iterable[str] = ()) -> list[Problem]:
    """The table's problems, each at its row: codes repeated, empty fields, unknown structures,
    a frequency not among the table's."""
    problems = codici_ripetuti(((o.codice, f"obbligo {o.codice}") for o in obblighi), "trasparenza_codice_doppio")
    known = set(strutture)
    for o in obblighi:
        where = f"obbligo {o.codice}"
        for campo, valore in (("sezione", o.sezione), ("contenuto", o.contenuto), ("riferimento", o.riferimento)):
            if not valore.strip():
                problems.append(Problem("trasparenza_campo", _("campo vuoto: {campo}").format(campo=campo), where))
        for campo, codice in (("produce", o.produce), ("pubblica", o.pubblica)):
            if not codice.strip():
                message = _("manca la struttura ({campo})").format(campo=campo)
                problems.append(Problem("trasparenza_struttura", message, where))
            elif known and codice not in known:
                message = _("struttura sconosciuta ({campo}): {s}").format(campo=campo, s=codice)
                problems.append(Problem("trasparenza_struttura", message, where))
        if o.aggiornamento not in AGGIORNAMENTI:
            message = _("aggiornamento non ammesso ({ammessi}): {a}").format(
                ammessi=", ".join(AGGIORNAMENTI), a=o.aggiornamento
            )
            problems.append(Problem("trasparenza_aggiornamento", message, where))
    return problems


def prossima(o: Obbligo, ultima: date | None) -> date | None:
    """The next publication a periodic obligation is due by (None: not periodic, or never published)."""
    return _piu_mesi(ultima, MESI[o.aggiornamento]) if ultima is not None and o.aggiornamento in MESI else None


def stato(o: Obbligo, ultima: date | None, oggi: date) -> StatoObbligo:
    """The obligation's state on ``oggi`` given its last publication (None: never published)."""
    if o.aggiornamento in MESI:
        if ultima is None:
            return StatoObbligo(o.codice, "mai pubblicato", None, oggi)
        scadenza = _piu_mesi(ultima, MESI[o.aggiornamento])
        return StatoObbligo(o.codice, "in regola" if oggi <= scadenza else "in ritardo", ultima, scadenza)
    if o.aggiornamento == "una tantum":
        return StatoObbligo(o.codice, "in regola" if ultima else "mai pubblicato", ultima, None if ultima else oggi)
    # tempestivo: as soon as the data exists, which only the office knows; the check says it
    return StatoObbligo(o.codice, "da verificare" if ultima is None else "in regola", ultima, None)


def monitoraggio(
    obblighi: Sequence[Obbligo], pubblicazioni: Mapping[str, date], oggi: date
) -> tuple[list[StatoObbligo], dict[str, int]]:
    """Every obligation's state on ``oggi``, and how many are in each state (the RPCT's check)."""
    stati = [stato(o, pubblicazioni.get(o.codice), oggi) for o in obblighi]
    counts: dict[str, int] = {}
    for s in stati:
        counts[s.stato] = counts.get(s.stato, 0) + 1
    return stati, counts


_CAMPI = ("codice", "sezione", "contenuto", "riferimento", "produce", "pubblica", "aggiornamento")


def obblighi_to_data(obblighi: Sequence[Obbligo]) -> list[dict[str, str]]:
    return [{k: getattr(o, k) for k in _CAMPI} for o in obblighi]


def obblighi_from_data(rows: Iterable[Mapping[str, Any]]) -> tuple[Obbligo, ...]:
    return tuple(Obbligo(**{k: str(r.get(k, "")) for k in _CAMPI}) for r in rows)
