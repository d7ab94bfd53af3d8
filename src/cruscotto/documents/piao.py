"""The PIAO as a document, in the order of the Piano-tipo (DM 132/2022): scheda anagrafica;
2 Valore pubblico, performance e anticorruzione (2.1, 2.2 the performance plan, 2.3 the risk
register and the transparency table); 3 Organizzazione e capitale umano; 4 Monitoraggio.

Generated from the data, never typed: a section cruscotto has no data for says so in its place
("non ancora compilata in cruscotto") rather than being left out, so that a reader sees what is
missing; a section invented for the demonstration says so too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..engine.model import Piano
from ..engine.rischi import Registro, esito, esposizione
from ..engine.riservatezza import SOGLIA
from ..engine.trasparenza import Obbligo
from .blocks import Cell, Document, Heading, Paragraph, Table

NON_COMPILATA = "Sottosezione non ancora compilata in cruscotto."
INVENTATA = "Dati inventati per la dimostrazione: nessuna voce di questa sottosezione viene da un documento dell'ente."

# DM 132/2022, art. 5: who monitors each section, and how.
MONITORAGGIO = (
    (
        "2.1 Valore pubblico e 2.2 Performance",
        "OIV, con il controllo di gestione",
        "monitoraggio infrannuale; Relazione sulla performance validata dall'OIV entro il 30 giugno",
        "d.lgs. 150/2009, artt. 6 e 10, c. 1, lett. b)",
    ),
    (
        "2.3 Rischi corruttivi e trasparenza",
        "RPCT, con i responsabili delle misure",
        "monitoraggio delle misure; relazione annuale dell'RPCT nei termini indicati dall'ANAC",
        "L. 190/2012, art. 1, c. 14; indicazioni ANAC",
    ),
    (
        "3 Organizzazione e capitale umano",
        "OIV",
        "coerenza con gli obiettivi di performance, su base triennale",
        "DM 132/2022, art. 5",
    ),
)


@dataclass(frozen=True)
class DatiPiao:
    """What the PIAO's document and open data read besides the plan: 2.3's register and
    transparency table (and whether they are the demo's invented ones), the scheda's identity."""

    registro: Registro | None = None
    obblighi: tuple[Obbligo, ...] | None = None
    inventata: bool = False
    # The yearly update: the changes against the previous year's PIAO (engine.diff.Cambio), and
    # that PIAO's first year; None when there is no previous PIAO.
    cambi: tuple | None = None
    anno_prima: int | None = None
    # The monitoring, for the open data: each measure as monitored (documents/rpct.MisuraMonitorata)
    # and each obligation with its state ((Obbligo, StatoObbligo)).
    monitorate: tuple = ()
    stati: tuple = ()
    # The scheda anagrafica's identity fields, as (label, value), in the template's order.
    anagrafica: tuple[tuple[str, str], ...] = ()


def _demoted(blocks: Sequence) -> list:
    """The performance plan's chapter inside subsection 2.2: its headings under 2.2's (level 3, so
    the Indice keeps the PIAO's own two levels) and without their own numbers (the PIAO numbers
    them)."""
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            text = re.sub(r"^\d+(\.\d+)*\.?\s+", "", b.text)
            b = replace(b, text=text, level=3)
        out.append(b)
    return out


def _anagrafica(ente: str, anni: Sequence[int], piano: Piano | None, personale, contesto, dati: DatiPiao) -> list:
    from ..engine import personale as pe

    rows = [("Amministrazione", ente), *dati.anagrafica, ("Triennio", f"{anni[0]}-{anni[-1]}")]
    # The Piano-tipo asks for the staff at 31/12 of the year before; a register that stops earlier
    # gives its last year, named as such, rather than nothing or a figure of the wrong year.
    anni_registro = [a for a in pe.anni(personale or ()) if a < anni[0]]
    if anni_registro:
        ultimo = max(anni_registro)
        nota = "" if ultimo == anni[0] - 1 else " (l'ultimo anno del registro del personale)"
        rows.append((f"Personale in servizio al 31/12/{ultimo}{nota}", str(len(pe.dell_anno(personale, ultimo)))))
    if piano is not None and piano.strutture:
        rows.append(("Strutture organizzative", str(len(piano.strutture))))
    if contesto is not None and contesto.organi:
        rows.append(("Organi", "; ".join(o.nome for o in contesto.organi)))
    return [
        Heading("1. Scheda anagrafica dell'amministrazione"),
        Table(("Voce", "Dato"), tuple((Cell(k), Cell(v)) for k, v in rows), "Scheda anagrafica", (1.5, 4)),
    ]


def _rischi(r: Registro) -> list:
    exp = esposizione(r)
    valutazioni = {v.evento: v for v in r.valutazioni}
    blocks: list = [
        Heading("Mappatura dei processi", 3),
        Table(
            ("Codice", "Processo", "Area di rischio", "Responsabile", "Esposizione"),
            tuple(
                (Cell(p.codice), Cell(p.nome), Cell(p.area), Cell(p.responsabile), Cell(exp.get(p.codice) or "—"))
                for p in r.processi
            ),
            "I processi, la loro area di rischio e la loro esposizione (il livello più alto dei loro eventi)",
            (0.8, 3, 2, 1.5, 1),
        ),
        Heading("Valutazione del rischio", 3),
    ]
    rows = []
    for e in r.eventi:
        v = valutazioni.get(e.codice)
        es = esito(v, r) if v else None
        rows.append(
            (
                Cell(e.codice),
                Cell(e.descrizione),
                Cell(es.proposto or "—" if es else "—"),
                Cell(es.livello or "—" if es else "non valutato"),
                Cell(v.motivazione if v else ""),
            )
        )
    blocks.append(
        Table(
            ("Evento", "Descrizione", "Proposto", "Giudizio", "Motivazione"),
            tuple(rows),
            "Eventi rischiosi: livello proposto dagli indicatori, giudizio sintetico motivato (PNA 2019, Allegato 1)",
            (0.9, 3, 0.9, 0.9, 3.3),
            landscape=True,
        )
    )
    blocks.append(Heading("Misure di prevenzione", 3))
    blocks.append(
        Table(
            ("Codice", "Misura", "Tipo", "Responsabile", "Scadenza", "Indicatore", "Target", "Eventi"),
            tuple(
                (
                    Cell(m.codice),
                    Cell(m.nome),
                    Cell(m.tipo),
                    Cell(m.responsabile),
                    Cell(f"{m.scadenza:%d/%m/%Y}" if m.scadenza else "—", "right"),
                    Cell(m.indicatore),
                    Cell(m.target, "right"),
                    Cell(", ".join(m.eventi) or "—"),
                )
                for m in r.misure
            ),
            "Misure generali e specifiche, con responsabile, scadenza, indicatore e target",
            (0.8, 3, 0.9, 1.4, 0.9, 2, 1, 1),
            landscape=True,
        )
    )
    return blocks


def _trasparenza(obblighi: Sequence[Obbligo]) -> list:
    return [
        Heading("Trasparenza: gli obblighi di pubblicazione", 3),
        Table(
            ("Codice", "Sezione", "Contenuto", "Riferimento", "Produce", "Pubblica", "Aggiornamento"),
            tuple(
                (
                    Cell(o.codice),
                    Cell(o.sezione),
                    Cell(o.contenuto),
                    Cell(o.riferimento),
                    Cell(o.produce),
                    Cell(o.pubblica),
                    Cell(o.aggiornamento),
                )
                for o in obblighi
            ),
            "Obblighi del d.lgs. 33/2013: chi produce il dato, chi lo pubblica, ogni quanto (delibera ANAC 1310/2016)",
            (0.7, 2.5, 2.5, 1.6, 1.3, 1.3, 1),
            landscape=True,
        ),
    ]


def build_piao(
    *,
    ente: str,
    anno: int,
    piano: Piano | None,
    dati: DatiPiao,
    personale=None,
    contesto=None,
    soglia: int = SOGLIA,
) -> Document:
    """The PIAO whose first year is ``anno``: ``piano`` is its 2.2 (None: no plan covers the year)."""
    from .piano import _pianificazione
    from .risorse import personale_blocks

    anni = (anno, anno + 1, anno + 2)
    blocks: list = [
        Heading("Premessa"),
        Paragraph(
            f"Piano integrato di attività e organizzazione {anni[0]}-{anni[-1]} (DL 80/2021, art. 6; DPR 81/2022; "
            "DM 132/2022 e Piano-tipo). Il documento è generato dai dati di cruscotto: la sottosezione 2.2 è il "
            "piano della performance, la 2.3 il registro dei rischi e la tabella della trasparenza; una "
            "sottosezione di cui cruscotto non ha ancora i dati lo dice al suo posto."
        ),
    ]
    blocks += _anagrafica(ente, anni, piano, personale, contesto, dati)
    blocks += [Heading("2. Valore pubblico, performance e anticorruzione"), Heading("2.1 Valore pubblico", 2)]
    blocks.append(Paragraph(NON_COMPILATA, style="note"))
    blocks.append(Heading("2.2 Performance", 2))
    if piano is None:
        blocks.append(Paragraph(f"Nessun piano della performance copre il {anno}.", style="note"))
    else:
        blocks.append(Paragraph(f"{piano.titolo}: la pianificazione triennale e il cruscotto di ente."))
        blocks += _demoted(_pianificazione(piano, piano.anni[0], piano.anni[-1], list(piano.anni), {}))
    blocks.append(Heading("2.3 Rischi corruttivi e trasparenza", 2))
    if dati.inventata:
        blocks.append(Paragraph(INVENTATA, style="note"))
    if dati.registro is None and dati.obblighi is None:
        blocks.append(Paragraph(NON_COMPILATA, style="note"))
    if dati.registro is not None:
        blocks += _rischi(dati.registro)
    if dati.obblighi is not None:
        blocks += _trasparenza(dati.obblighi)
    blocks += [Heading("3. Organizzazione e capitale umano"), Heading("3.1 Struttura organizzativa", 2)]
    if piano is not None and piano.strutture:
        blocks.append(
            Table(
                ("Codice", "Struttura", "Tipo"),
                tuple((Cell(s.codice), Cell(s.nome), Cell(s.tipo)) for s in piano.strutture),
                "Le strutture organizzative",
                (1.2, 4, 1),
            )
        )
    if personale:
        blocks += personale_blocks(personale, parts=("tabelle",), soglia=soglia)
    for titolo in (
        "3.2 Organizzazione del lavoro agile",
        "3.3 Piano triennale dei fabbisogni di personale",
        "Formazione del personale",
    ):
        blocks += [Heading(titolo, 2), Paragraph(NON_COMPILATA, style="note")]
    blocks.append(Heading("4. Monitoraggio"))
    blocks.append(
        Table(
            ("Sezione", "Chi monitora", "Come e quando", "Fonte"),
            tuple(tuple(Cell(x) for x in row) for row in MONITORAGGIO),
            "Il monitoraggio di ogni sezione (DM 132/2022, art. 5)",
            (2, 1.8, 3, 1.8),
        )
    )
    if dati.cambi is not None:
        blocks += _aggiornamento(dati)
    return Document(
        title=f"Piano integrato di attività e organizzazione {anni[0]}-{anni[-1]}",
        subtitle="PIAO (DL 80/2021, art. 6)",
        author=ente,
        blocks=tuple(blocks),
        draft_note="sezione 2.3 inventata per la dimostrazione" if dati.inventata else "",
    )


def _aggiornamento(s: DatiPiao) -> list:
    """The annex of a yearly update: what 2.3 changes against the previous year's PIAO."""
    cambi = s.cambi or ()
    title = f"Allegato: modifiche della sezione 2.3 rispetto al PIAO {s.anno_prima}-{(s.anno_prima or 0) + 2}"
    if not cambi:
        return [Heading(title), Paragraph("Nessuna modifica.")]
    return [
        Heading(title),
        Table(
            ("Voce", "Codice", "Cosa", "Prima", "Dopo"),
            tuple((Cell(c.livello), Cell(c.codice), Cell(c.campo), Cell(c.prima), Cell(c.dopo)) for c in cambi),
            f"{len(cambi)} voci aggiunte, tolte o cambiate",
            (1, 1, 1.2, 3, 3),
            landscape=True,
        ),
    ]
