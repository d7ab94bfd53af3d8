"""The yearly update of a multi-year plan (*scorrimento*, d.lgs. 150/2009 art. 10 c.1 lett. a).

Each year the body adopts, by 31 January, the plan for the next three years: the window moves
one year on. That is a new plan of a new cycle (the cycle of its first year), not a
rimodulazione of the old one: :func:`scorri` prepares it from the plan in force, as a draft
to be completed and adopted. What carries over and what does not:

- the tree, weights, structures, rules, events, programmes and narrative sections: as they are;
- each indicator's targets for the years still in the window; the year that leaves has its
  target dropped; the year that enters has none, and is listed (the draft says so until given);
- the historical values (``storico``) and baselines: as they are;
- the yearly parts of the old plan (the individual scorecards and the incentive fund of a year
  outside the new window, the totals printed in the old document): left out, and listed, since
  their figures belong to a year the new plan does not cover.

Pure: it takes a plan and returns a plan and the notes; the web application stores the draft.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import Indicatore, LineaStrategica, ObiettivoOperativo, ObiettivoStrategico, Piano, Prospettiva

# A printed range of years in a title: "2020-2022", "2020 – 2022", "2020/2022".
_RANGE = re.compile(r"\b(\d{4})(\s*[-–/]\s*)(\d{4})\b")


def _title(titolo: str, old: tuple[int, ...], new: tuple[int, ...]) -> str:
    def swap(m: re.Match[str]) -> str:
        if (int(m.group(1)), int(m.group(3))) == (old[0], old[-1]):
            return f"{new[0]}{m.group(2)}{new[-1]}"
        return str(m.group(0))

    return _RANGE.sub(swap, titolo)


Tree = tuple[Prospettiva, ...]


def _shift_tree(prospettive: Tree, window: set[int], last: int) -> tuple[Tree, list[str]]:
    """The tree with each indicator's targets kept for the years of ``window`` only, and the
    indicators with no target for ``last`` (the year entering the plan)."""
    missing: list[str] = []

    def ind(i: Indicatore) -> Indicatore:
        target = {a: t for a, t in i.target.items() if a in window}
        if last not in target and (i.target or not i.milestones):
            missing.append(i.codice)
        return replace(i, target=target)

    def oo(o: ObiettivoOperativo) -> ObiettivoOperativo:
        return replace(o, indicatori=tuple(ind(i) for i in o.indicatori))

    def os_(o: ObiettivoStrategico) -> ObiettivoStrategico:
        return replace(
            o,
            indicatori=tuple(ind(i) for i in o.indicatori),
            obiettivi_operativi=tuple(oo(x) for x in o.obiettivi_operativi),
        )

    def linea(li: LineaStrategica) -> LineaStrategica:
        return replace(li, obiettivi_strategici=tuple(os_(x) for x in li.obiettivi_strategici))

    return tuple(replace(p, linee=tuple(linea(x) for x in p.linee)) for p in prospettive), missing


def scorri(piano: Piano) -> tuple[Piano, list[str]]:
    """The next year's update of ``piano`` (its window one year on) and what the draft lacks."""
    if not piano.anni:
        raise ValueError("il piano non ha anni: non si può far scorrere")
    old = tuple(sorted(piano.anni))
    new = tuple(a + 1 for a in old)
    window = set(new)
    was = f"{old[0]}-{old[-1]}"
    prospettive, missing = _shift_tree(piano.prospettive, window, new[-1])
    notes: list[str] = []
    if missing:
        more = " …" if len(missing) > 20 else ""
        notes.append(
            f"{len(missing)} indicatori senza target per il {new[-1]}, l'anno che entra nel piano: "
            + ", ".join(missing[:20])
            + more
        )
    schede = tuple(s for s in piano.schede_individuali if s.anno in window)
    notes += [
        f"la scheda individuale {s.codice} del {s.anno} resta al piano {was}"
        for s in piano.schede_individuali
        if s.anno not in window
    ]
    fondo = piano.fondo if piano.fondo is not None and piano.fondo.anno in window else None
    if piano.fondo is not None and fondo is None:
        notes.append(f"il fondo del {piano.fondo.anno} resta al piano {was}: quello del {new[0]} si aggiunge")
    if piano.totali_linee_stampati:
        notes.append("i totali stampati nel documento precedente non passano al nuovo piano")
    titolo = _title(piano.titolo, old, new)
    if titolo == piano.titolo:
        notes.append(f"il titolo non contiene gli anni {was}: lo si aggiorni")
    shifted = replace(
        piano,
        titolo=titolo,
        anni=new,
        prospettive=prospettive,
        schede_individuali=schede,
        fondo=fondo,
        totali_linee_stampati={},
    )
    return shifted, notes
