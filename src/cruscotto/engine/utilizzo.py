"""The use of the programmes' budgets: measures for the *grado di utilizzo delle risorse*.

The plan's programmes carry their budget (oneri promozionali by project, the
seed's 3.3 tables). The seed's *grado di utilizzo* indicators divide what has
been committed (*prenotato*) by what was allocated (*stanziato*), for a
programme or a whole strategic line. Here the allocated amounts come from the
plan and the committed ones from base measures the accounting system sends,
one per programme:

- ``stanziato_programma_<p>``: the programme's oneri promozionali, added up
  from its projects (``A.3`` -> ``stanziato_programma_a_3``);
- ``stanziato_linea_<l>``: the same over the line's programmes;
- ``prenotato_programma_<p>``: a base measure (input);
- ``prenotato_linea_<l>``: the line's programmes' commitments added up, only
  when every programme of the line with a budget has its own: a missing one
  leaves the line's figure missing, never silently zero.

The budgets are those of the plan's first year (the preventivo the plan was
written with). A base measure of the same name always wins over the derived
one: an updated budget (*assestato*) is entered as ``stanziato_...``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .model import Piano, Programma
from .numbers import fold


def slug(codice: str) -> str:
    """``"A.3"`` -> ``"a_3"``: a code as part of a measure name."""
    return re.sub(r"[^0-9a-z]+", "_", fold(codice)).strip("_")


def _budget(pg: Programma) -> float:
    return pg.somma("oneri_promozionali")


@dataclass(frozen=True, slots=True)
class Utilizzo:
    """One row of the budget-use table: a programme, or a line's total (``programma`` None)."""

    linea: str | None
    programma: Programma | None
    stanziato: float
    prenotato: float | None

    @property
    def grado(self) -> float | None:
        if self.prenotato is None or not self.stanziato:
            return None
        return self.prenotato / self.stanziato * 100


def utilizzo(piano: Piano, misure_anno: Mapping[str, float]) -> list[Utilizzo]:
    """Programme by programme, each line followed by its total (plan order)."""
    out: list[Utilizzo] = []
    lines: dict[str | None, list[Utilizzo]] = {}
    for pg in piano.programmi:
        lines.setdefault(pg.linea, []).append(
            Utilizzo(
                pg.linea,
                pg,
                misure_anno.get(f"stanziato_programma_{slug(pg.codice)}", _budget(pg)),
                misure_anno.get(f"prenotato_programma_{slug(pg.codice)}"),
            )
        )
    for linea, rows in lines.items():
        out += rows
        if linea is not None:
            derived = _line(rows)
            stanziato = misure_anno.get(f"stanziato_linea_{slug(linea)}", derived[0])
            prenotato = misure_anno.get(f"prenotato_linea_{slug(linea)}", derived[1])
            out.append(Utilizzo(linea, None, stanziato, prenotato))
    return out


def _line(rows: list[Utilizzo]) -> tuple[float, float | None]:
    stanziato = sum(r.stanziato for r in rows)
    funded = [r for r in rows if r.stanziato]
    if not funded or any(r.prenotato is None for r in funded):
        return stanziato, None
    return stanziato, sum(r.prenotato for r in rows if r.prenotato is not None)


def misure_per_formule(piano: Piano, misure_anno: Mapping[str, float], anno: int) -> dict[str, float]:
    """The year's base measures, with the programmes' budget measures added for the plan's first
    year (entered measures win)."""
    if not piano.programmi or not piano.anni or anno != piano.anni[0]:
        return dict(misure_anno)
    derived: dict[str, float] = {}
    for u in utilizzo(piano, misure_anno):
        if u.programma:
            name = f"programma_{slug(u.programma.codice)}"
        else:
            assert u.linea is not None  # utilizzo() adds a line's total only for a line
            name = f"linea_{slug(u.linea)}"
        derived[f"stanziato_{name}"] = u.stanziato
        if u.prenotato is not None:
            derived[f"prenotato_{name}"] = u.prenotato
    return {**derived, **misure_anno}
