"""The RPCT's yearly report (L. 190/2012, art. 1 c. 14) as a document: the implementation of the
measures of the PIAO's 2.3, from their monitoring as the engine scored it, the processes by
level of exposure, the events at risk left without a specific measure.

ANAC publishes each year the form the report is filed on; this document is what the RPCT
reads the form's answers from, every figure traceable to a measure, an event or a process.
Nothing here is written by hand: counts and lists of ``engine.rischi.sintesi_rpct``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..engine.rischi import Registro, SintesiRPCT
from ..engine.scoring import RisultatoIndicatore
from ..engine.trasparenza import Obbligo, StatoObbligo
from .blocks import Bullets, Cell, Document, Heading, Paragraph, Table
from .formatting import pct, status, target_text


@dataclass(frozen=True)
class MisuraMonitorata:
    """A measure as monitored: its code, the value entered (as the engine formats it), the note,
    and the engine's result (None: its target cannot be read)."""

    codice: str
    valore: str
    nota: str
    risultato: RisultatoIndicatore | None


def build_rpct(
    registro: Registro,
    misure: Sequence[MisuraMonitorata],
    sintesi: SintesiRPCT,
    *,
    ente: str,
    alla_data: date,
    inventata: bool = False,
    trasparenza: Sequence[tuple[Obbligo, StatoObbligo]] | None = None,
) -> Document:
    monitorate = {x.codice: x for x in misure}
    anno = sintesi.anno
    blocks: list = [Heading(f"1. Attuazione delle misure di prevenzione nel {anno}")]
    totale = len(sintesi.misure)
    raggiunte = sum(1 for s in sintesi.misure if s.stato == "raggiunto")
    blocks.append(
        Paragraph(
            f"Misure previste dalla sezione 2.3 del PIAO: **{totale}**; attuate (target raggiunto) alla data del "
            f"{alla_data:%d/%m/%Y}: **{raggiunte}**; scadute e non attuate: **{len(sintesi.scadute)}**. "
            "Ogni misura è valutata dal motore di cruscotto con le regole del piano della performance, "
            "dal valore inserito nel monitoraggio."
        )
    )
    conteggi: list[tuple[Cell, ...]] = []
    for tipo, conti in sorted(sintesi.per_tipo.items()):
        for stato, n in sorted(conti.items()):
            conteggi.append((Cell(tipo), Cell(status(stato), status=stato), Cell(str(n), "right")))
    blocks.append(Table(("Tipo", "Stato", "Misure"), tuple(conteggi), "Misure per tipo e stato", (2, 2, 1)))
    rows: list[tuple[Cell, ...]] = []
    for m, s in zip(registro.misure, sintesi.misure, strict=True):
        x = monitorate.get(m.codice)
        r = x.risultato if x else None
        rows.append(
            (
                Cell(m.codice),
                Cell(m.nome),
                Cell(m.responsabile),
                Cell(f"{m.scadenza:%d/%m/%Y}" if m.scadenza else "—", "right"),
                Cell(target_text(r.target) if r else m.target, "right"),
                Cell(x.valore if x and x.valore else "—", "right"),
                Cell(pct(r.achievement) if r and r.achievement is not None else "—", "right"),
                Cell(status(s.stato) + (" (scaduta)" if s.scaduta else ""), status=s.stato),
            )
        )
    blocks.append(
        Table(
            ("Codice", "Misura", "Responsabile", "Scadenza", "Target", "Valore", "Grado", "Stato"),
            tuple(rows),
            f"Le misure e il loro monitoraggio, {anno}",
            (0.8, 3.2, 1.4, 0.9, 1, 1, 0.8, 1.2),
            landscape=True,
        )
    )
    note = [f"{x.codice}: {x.nota}" for x in misure if x.nota]
    if note:
        blocks.append(Paragraph("Note del monitoraggio:", style="small"))
        blocks.append(Bullets(tuple(note)))
    blocks.append(Heading(f"2. Misure scadute e non attuate al {alla_data:%d/%m/%Y}"))
    nomi = {m.codice: m.nome for m in registro.misure}
    if sintesi.scadute:
        blocks.append(Bullets(tuple(f"{c}: {nomi[c]}" for c in sintesi.scadute)))
    else:
        blocks.append(Paragraph("Nessuna."))
    blocks.append(Heading("3. Processi per livello di esposizione al rischio"))
    processi = {p.codice: p.nome for p in registro.processi}
    livelli = [*reversed(registro.scala), "non valutato"]
    blocks.append(
        Table(
            ("Livello", "Processi"),
            tuple(
                (Cell(lvl), Cell("; ".join(f"{c} {processi[c]}" for c in sintesi.esposizione.get(lvl, ())) or "—"))
                for lvl in livelli
            ),
            "Un processo è esposto quanto il più alto dei suoi eventi (PNA 2019, Allegato 1)",
            (1, 5),
        )
    )
    blocks.append(Heading("4. Eventi a rischio senza una misura specifica"))
    eventi = {e.codice: e.descrizione for e in registro.eventi}
    if sintesi.non_trattati:
        blocks.append(Bullets(tuple(f"{c}: {eventi[c]}" for c in sintesi.non_trattati)))
    else:
        blocks.append(Paragraph("Nessuno: ogni evento al livello di trattamento o sopra ha una misura specifica."))
    if trasparenza is not None:
        blocks += _trasparenza(trasparenza, alla_data)
    return Document(
        title=f"Relazione annuale del Responsabile della prevenzione della corruzione e della trasparenza {anno}",
        subtitle="Attuazione della sezione 2.3 del PIAO (L. 190/2012, art. 1 c. 14)",
        author=ente,
        blocks=tuple(blocks),
        date_text=f"Dati al {alla_data:%d/%m/%Y}",
        draft_note="sezione 2.3 inventata per la dimostrazione" if inventata else "",
    )


def _trasparenza(righe: Sequence[tuple[Obbligo, StatoObbligo]], alla_data: date) -> list:
    conti: dict[str, int] = {}
    for _o, s in righe:
        conti[s.stato] = conti.get(s.stato, 0) + 1
    fuori = [(o, s) for o, s in righe if s.stato != "in regola"]
    blocks: list = [
        Heading("5. Trasparenza: gli obblighi di pubblicazione"),
        Paragraph(
            f"Obblighi della tabella della trasparenza: **{len(righe)}**; al {alla_data:%d/%m/%Y}: "
            + ", ".join(f"{stato} {n}" for stato, n in sorted(conti.items()))
            + ". Lo stato viene dall'ultima pubblicazione registrata e dalla frequenza di aggiornamento."
        ),
    ]
    if fuori:
        blocks.append(
            Table(
                ("Codice", "Obbligo", "Pubblica", "Aggiornamento", "Ultima", "Stato"),
                tuple(
                    (
                        Cell(o.codice),
                        Cell(f"{o.sezione}: {o.contenuto}"),
                        Cell(o.pubblica),
                        Cell(o.aggiornamento),
                        Cell(f"{s.ultima:%d/%m/%Y}" if s.ultima else "—", "right"),
                        Cell(s.stato),
                    )
                    for o, s in fuori
                ),
                "Gli obblighi non in regola",
                (0.8, 4, 1.4, 1.1, 1, 1.2),
            )
        )
    return blocks
