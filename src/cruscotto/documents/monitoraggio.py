"""The monitoring report of a period (e.g. the first semester): where the plan deviates.

Scored on the period's values, as entered for that period; indicators below
the threshold come first, with the gap to their yearly target.
"""

from __future__ import annotations

from ..engine.model import Piano
from ..engine.rollup import RisultatoPiano
from .blocks import Cell, Document, Heading, Paragraph, Table
from .formatting import pct, status, target_text, value


def build_monitoraggio(piano: Piano, result: RisultatoPiano, periodo: str) -> Document:
    soglia = piano.regole.soglia_raggiunto
    scored = [(r, r.achievement) for r in result.indicatori if r.achievement is not None]
    deviations = [r for r, a in sorted(((r, a) for r, a in scored if a < soglia), key=lambda ra: ra[1])]
    missing = [(r, r.target) for r in result.indicatori if r.achievement is None and r.target is not None]
    blocks: list = [Heading(f"1. Sintesi del periodo {periodo} {result.anno}")]
    blocks.append(
        Paragraph(
            f"Valori inseriti per il periodo {periodo}: "
            f"{len(scored)} indicatori valutabili su {len(result.indicatori)}. "
            f"Performance di ente sul periodo: **{pct(result.achievement)}** ({status(result.stato)}), "
            f"calcolata su: {result.copertura.testo()}. "
            f"Scostamenti (grado sotto {pct(soglia)}): **{len(deviations)}**."
        )
    )
    persp = [n for n in result.nodi if n.livello == "prospettiva"]
    blocks.append(
        Table(
            ("Prospettiva", "Grado", "Stato"),
            tuple(
                (Cell(n.nome), Cell(pct(n.achievement), "right"), Cell(status(n.stato), status=n.stato.value))
                for n in persp
            ),
            "Grado per prospettiva nel periodo",
            (3, 1, 1.2),
        )
    )
    blocks.append(Heading("2. Scostamenti"))
    if deviations:
        blocks.append(
            Table(
                ("Codice", "Indicatore", "Target anno", f"Valore {periodo}", "Grado", "Stato"),
                tuple(
                    (
                        Cell(r.codice),
                        Cell(r.nome),
                        Cell(target_text(r.target), "right"),
                        Cell(value(r.actual), "right"),
                        Cell(pct(r.achievement), "right"),
                        Cell(status(r.stato), status=r.stato.value),
                    )
                    for r in deviations
                ),
                "Indicatori sotto la soglia nel periodo, dal più lontano dal target",
                (0.9, 4, 1, 1, 0.9, 1.2),
            )
        )
    else:
        blocks.append(Paragraph("Nessuno scostamento tra gli indicatori con valori del periodo."))
    blocks.append(Heading("3. Indicatori senza valori nel periodo"))
    blocks.append(
        Table(
            ("Codice", "Indicatore", "Target anno"),
            tuple((Cell(r.codice), Cell(r.nome), Cell(t.testo, "right")) for r, t in missing),
            f"{len(missing)} indicatori da aggiornare",
            (0.9, 5, 1),
        )
    )
    return Document(
        title=f"Monitoraggio {periodo} {result.anno}",
        subtitle=piano.titolo,
        author=piano.ente.nome,
        blocks=tuple(blocks),
        date_text=f"Dati al {result.as_of:%d/%m/%Y}",
    )
