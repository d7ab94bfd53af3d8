"""PIAO 3.2, Organizzazione del lavoro agile (DM 132/2022, art. 4 c. 1 lett. b; L. 7 agosto 2015
n. 124, art. 14; L. 22 maggio 2017 n. 81, artt. 18-23): which activities can be done remotely,
the individual agreements, and the indicators of use of a year.

- An activity is remotable (*si*), in part (*in parte*) or not (*no*), with the reason when it
  is not wholly: the PIAO states the conditions, and this is the map they rest on.
- An agreement is written, for a fixed term or open-ended (L. 81/2017, art. 19), and sets how
  many days a week (or a month) are worked remotely; it may name the activity it is for.
- The indicators are over the people in service at 31/12 of the year (the staff register,
  ``engine/personale.py``), by gender, by category and in total: who had an agreement in force
  at some time in the year, and the agile days its terms allow in the year. Those days are the
  agreements' (days a week times the weeks of the agreement that fall in the year, days a month
  times its months, a month being a twelfth of the year), not days worked: those are in the
  attendance system, and reach the plan as an ordinary indicator's values.

The effects of remote work (on services, on people, on costs) are measured with the plan's own
indicators: none is invented here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import Problem, codici_ripetuti
from .lingua import _
from .personale import CATEGORIE, DIRIGENTE, GENERI, Dipendente, dell_anno

REMOTIZZABILE = ("si", "in parte", "no")
# Where an enabling condition stands (the Department's guidelines on the POLA: organisational,
# technological, training and health conditions, each assessed as it is).
STATI_CONDIZIONE = ("presente", "in corso", "da avviare")
PERIODI = ("settimana", "mese")
GIORNI_SETTIMANA = 5  # the working week; an ente on six days sets 6


@dataclass(frozen=True, slots=True)
class Attivita:
    codice: str
    nome: str
    struttura: str  # the structure's code
    remotizzabile: str  # one of REMOTIZZABILE
    motivazione: str = ""  # why not (wholly) remotable


@dataclass(frozen=True, slots=True)
class Condizione:
    """A condition remote work rests on (the organisation, the technology, the training, health
    and safety), with where it stands."""

    codice: str
    ambito: str  # "organizzativa", "tecnologica", "formativa", ... as the ente groups them
    descrizione: str
    stato: str  # one of STATI_CONDIZIONE


def controlla_condizioni(condizioni: Sequence[Condizione]) -> list[Problem]:
    """The conditions' problems at their row: codes repeated, an empty description, a state
    not among STATI_CONDIZIONE."""
    problems = codici_ripetuti(((c.codice, f"condizione {c.codice}") for c in condizioni), "agile_codice_doppio")
    for c in condizioni:
        where = f"condizione {c.codice}"
        if not c.descrizione.strip():
            problems.append(Problem("agile_condizione", _("manca la descrizione"), where))
        if c.stato not in STATI_CONDIZIONE:
            message = _("stato non ammesso ({ammessi}): {s}").format(ammessi=", ".join(STATI_CONDIZIONE), s=c.stato)
            problems.append(Problem("agile_condizione", message, where))
    return problems


def condizioni_to_data(condizioni: Iterable[Condizione]) -> list[dict[str, str]]:
    return [
        {"codice": c.codice, "ambito": c.ambito, "descrizione": c.descrizione, "stato": c.stato} for c in condizioni
    ]


def condizioni_from_data(rows: Iterable[Mapping[str, Any]]) -> tuple[Condizione, ...]:
    return tuple(Condizione(r["codice"], r.get("ambito", ""), r["descrizione"], r["stato"]) for r in rows)


@dataclass(frozen=True, slots=True)
class Accordo:
    """An individual agreement of lavoro agile."""

    matricola: str
    inizio: date
    fine: date | None  # None: open-ended
    giorni: float  # agile days per ``periodo``
    periodo: str = "settimana"  # one of PERIODI
    attivita: str = ""  # the activity's code, when the ente links them


@dataclass(frozen=True, slots=True)
class RigaAgile:
    voce: str  # a category, DIR, F, M, or "totale"
    persone: int  # in service at 31/12
    con_accordo: int  # of them, who had an agreement in force in the year
    giorni: float  # the agile days their agreements allow in the year

    @property
    def quota(self) -> float | None:
        """The share of people with an agreement; None with nobody."""
        return self.con_accordo / self.persone if self.persone else None

    @property
    def media(self) -> float | None:
        """Agile days per person with an agreement; None with nobody."""
        return self.giorni / self.con_accordo if self.con_accordo else None


@dataclass(frozen=True, slots=True)
class IndicatoriAgile:
    anno: int
    per_genere: tuple[RigaAgile, ...]  # F, M
    per_categoria: tuple[RigaAgile, ...]  # D, C, B, A, DIR: those with somebody
    totale: RigaAgile
    attivita: dict[str, int]  # REMOTIZZABILE -> how many activities

    @property
    def quota_remotizzabili(self) -> float | None:
        """The share of activities remotable at least in part; None without activities."""
        n = sum(self.attivita.values())
        return (self.attivita["si"] + self.attivita["in parte"]) / n if n else None


def _nell_anno(a: Accordo, anno: int) -> int:
    """The days of the agreement that fall in ``anno`` (0 if none, or if its dates are reversed)."""
    start = max(a.inizio, date(anno, 1, 1))
    end = min(a.fine or date(anno, 12, 31), date(anno, 12, 31))
    return max(0, (end - start).days + 1)


def giorni_nell_anno(a: Accordo, anno: int) -> float:
    """The agile days the agreement allows in ``anno``: days a week x its weeks in the year, or days
    a month x its months (a twelfth of the year's days each)."""
    days = _nell_anno(a, anno)
    if a.periodo == "mese":
        return a.giorni * days * 12 / (date(anno + 1, 1, 1) - date(anno, 1, 1)).days
    return a.giorni * days / 7 if a.periodo == "settimana" else 0.0


def massimo(periodo: str, giorni_settimana: int = GIORNI_SETTIMANA) -> int:
    """The most working days in a ``periodo``: the week's, or a month of 31 days (four weeks and
    three days) with its working days at most."""
    return giorni_settimana if periodo == "settimana" else 4 * giorni_settimana + min(3, giorni_settimana)


def indicatori(
    anno: int, attivita: Sequence[Attivita], accordi: Sequence[Accordo], persone: Iterable[Dipendente]
) -> IndicatoriAgile:
    """The year's indicators over the people in service at 31/12 of ``anno``. Agreements of
    others, or with a period unknown, count nothing (``controlla`` lists them)."""
    staff = dell_anno(persone, anno)
    giorni: dict[str, float] = {}
    for a in accordi:
        if a.periodo in PERIODI and _nell_anno(a, anno):
            giorni[a.matricola] = giorni.get(a.matricola, 0.0) + giorni_nell_anno(a, anno)

    def riga(voce: str, gruppo: list[Dipendente]) -> RigaAgile:
        con = [d for d in gruppo if d.matricola in giorni]
        return RigaAgile(voce, len(gruppo), len(con), sum(giorni[d.matricola] for d in con))

    per_categoria = [riga(c, [d for d in staff if d.categoria == c]) for c in (*CATEGORIE, DIRIGENTE)]
    return IndicatoriAgile(
        anno=anno,
        per_genere=tuple(riga(g, [d for d in staff if d.genere == g]) for g in GENERI),
        per_categoria=tuple(r for r in per_categoria if r.persone),
        totale=riga("totale", staff),
        attivita={r: sum(1 for x in attivita if x.remotizzabile == r) for r in REMOTIZZABILE},
    )


def _controlla_attivita(attivita: Sequence[Attivita], strutture: set[str]) -> list[Problem]:
    problems = codici_ripetuti(((a.codice, f"attività {a.codice}") for a in attivita), "agile_codice_doppio")
    for a in attivita:
        where = f"attività {a.codice}"
        if strutture and a.struttura not in strutture:
            problems.append(Problem("agile_struttura", _("struttura sconosciuta: {s}").format(s=a.struttura), where))
        if a.remotizzabile not in REMOTIZZABILE:
            message = _("remotizzabile non ammesso ({ammessi}): {r}").format(
                ammessi=", ".join(REMOTIZZABILE), r=a.remotizzabile
            )
            problems.append(Problem("agile_remotizzabile", message, where))
        elif a.remotizzabile != "si" and not a.motivazione.strip():
            problems.append(Problem("agile_motivazione", _("manca il motivo per cui non è remotizzabile"), where))
    return problems


def _controlla_giorni(a: Accordo, giorni_settimana: int, where: str) -> list[Problem]:
    if a.periodo not in PERIODI:
        message = _("periodo non ammesso ({ammessi}): {p}").format(ammessi=", ".join(PERIODI), p=a.periodo)
        return [Problem("agile_periodo", message, where)]
    top = massimo(a.periodo, giorni_settimana)
    if not 0 < a.giorni <= top:
        message = _("giorni per {periodo} non positivi o oltre i {massimo} lavorativi: {g}").format(
            periodo=a.periodo, massimo=top, g=a.giorni
        )
        return [Problem("agile_giorni", message, where)]
    return []


def _controlla_persona(a: Accordo, anno: int, staff: set[str], where: str) -> list[Problem]:
    if a.matricola in staff or not _nell_anno(a, anno):
        return []
    if a.fine is not None and a.fine < date(anno, 12, 31):  # ended before 31/12: the person may have left
        message = _("accordo concluso di chi non è in servizio al 31/12/{anno}: non contato").format(anno=anno)
        return [Problem("agile_cessato", message, where, "warning")]
    message = _("matricola non in servizio al 31/12/{anno}: {m}").format(anno=anno, m=a.matricola)
    return [Problem("agile_matricola", message, where)]


def controlla(
    attivita: Sequence[Attivita],
    accordi: Sequence[Accordo],
    persone: Iterable[Dipendente],
    *,
    anno: int,
    strutture: Iterable[str] = (),
    giorni_settimana: int = GIORNI_SETTIMANA,
) -> list[Problem]:
    """Each problem at its place. Activities: codes repeated, an unknown structure, a value other
    than si, in parte, no, no reason for one not wholly remotable. Agreements: dates reversed, a
    period other than a week or a month, days not positive or beyond the working days of the
    period, an activity unknown or not remotable, two agreements of one person at once, and, of
    those in force in ``anno``, one of someone not in service at 31/12 (a warning if it ended
    before: the person may have left)."""
    problems = _controlla_attivita(attivita, set(strutture))
    per_codice = {x.codice: x for x in attivita}
    staff = {d.matricola for d in dell_anno(persone, anno)}
    for k, a in enumerate(accordi, start=1):
        where = f"accordo {k} ({a.matricola}, {a.inizio.strftime('%d/%m/%Y')})"
        if a.fine is not None and a.fine < a.inizio:
            message = _("fine {f} prima dell'inizio").format(f=a.fine.strftime("%d/%m/%Y"))
            problems.append(Problem("agile_date", message, where))
        problems += _controlla_giorni(a, giorni_settimana, where) + _controlla_persona(a, anno, staff, where)
        if a.attivita and a.attivita not in per_codice:
            problems.append(Problem("agile_attivita", _("attività sconosciuta: {a}").format(a=a.attivita), where))
        elif a.attivita and per_codice[a.attivita].remotizzabile == "no":
            message = _("attività non remotizzabile: {a}").format(a=a.attivita)
            problems.append(Problem("agile_non_remotizzabile", message, where))
        for n, b in enumerate(accordi[: k - 1], start=1):
            if b.matricola == a.matricola and _sovrapposti(a, b):
                message = _("accordo sovrapposto all'accordo {n}").format(n=n)
                problems.append(Problem("agile_sovrapposto", message, where))
    return problems


def _sovrapposti(a: Accordo, b: Accordo) -> bool:
    fine_a, fine_b = a.fine or date.max, b.fine or date.max
    return a.inizio <= fine_b and b.inizio <= fine_a


def lavoro_agile_to_data(attivita: Iterable[Attivita], accordi: Iterable[Accordo]) -> dict[str, Any]:
    """The activities and the agreements as JSON-ready data, dates as ISO text."""
    return {
        "attivita": [
            {
                "codice": a.codice,
                "nome": a.nome,
                "struttura": a.struttura,
                "remotizzabile": a.remotizzabile,
                "motivazione": a.motivazione,
            }
            for a in attivita
        ],
        "accordi": [
            {
                "matricola": a.matricola,
                "inizio": a.inizio.isoformat(),
                "fine": a.fine.isoformat() if a.fine is not None else None,
                "giorni": a.giorni,
                "periodo": a.periodo,
                "attivita": a.attivita,
            }
            for a in accordi
        ],
    }


def lavoro_agile_from_data(d: Mapping[str, Any]) -> tuple[tuple[Attivita, ...], tuple[Accordo, ...]]:
    """The activities and the agreements back from :func:`lavoro_agile_to_data`."""
    attivita = tuple(
        Attivita(a["codice"], a["nome"], a["struttura"], a["remotizzabile"], a.get("motivazione", ""))
        for a in d.get("attivita", ())
    )
    accordi = tuple(
        Accordo(
            a["matricola"],
            date.fromisoformat(a["inizio"]),
            date.fromisoformat(a["fine"]) if a.get("fine") else None,
            a["giorni"],
            a.get("periodo", "settimana"),
            a.get("attivita", ""),
        )
        for a in d.get("accordi", ())
    )
    return attivita, accordi
