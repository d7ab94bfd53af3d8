"""The Documento OIV di validazione della Relazione sulla performance (art. 14, c. 4, lett. c, d.lgs. 150/2009).

Its parts follow what the DFP guidelines n. 3/2018 ask of the OIV: what was
examined, the checks made (with the figures of the audit trail behind them), a
summary of the validated results, the OIV's observations item by item, and the
conclusion. Before the OIV validates, the same document is a draft: its cover
says so and its conclusion says what is missing, so that it can circulate for
review without being mistaken for the act.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..engine.model import Piano
from ..engine.rollup import RisultatoPiano
from .blocks import Bullets, Cell, Document, Heading, Paragraph, Table
from .formatting import euro, pct, status


@dataclass(frozen=True, slots=True)
class Osservazione:
    oggetto: str  # an indicator or objective code, or "relazione"
    testo: str
    autore: str
    data: date


@dataclass(frozen=True, slots=True)
class Verifiche:
    """What the audit trail says about the year's data (counted by the caller)."""

    valori: int  # actual values of the year in the version in force
    inseriti_da: int  # distinct people who entered them
    correzioni: int  # values changed after their period was closed, each with its reason
    rimodulazioni: int  # versions after the first adopted one
    registrazioni: int  # records of the audit trail for the year


@dataclass(frozen=True, slots=True)
class Validazione:
    validata: bool
    data: date | None  # the day the OIV validated
    atto_piano: str  # the act that adopted the plan version in force
    atto_piano_data: date | None
    restituzioni: tuple[str, ...] = ()  # reasons given each time the OIV returned the Relazione
    approvazione: str = ""  # the governing organ's act that approved the Relazione, with the file's SHA-256


def _names(piano: Piano) -> dict[str, str]:
    """Names by code; codes repeat across levels (line A, objective A): the finer level wins,
    as comments are mostly on indicators."""
    names = {"relazione": "Relazione sulla performance (nel complesso)"}
    for group in (
        piano.prospettive,
        piano.linee(),
        piano.obiettivi_strategici(),
        piano.obiettivi_operativi(),
        piano.indicatori(),
    ):
        names.update({x.codice: x.nome for x in group})
    return names


def build_validazione(
    piano: Piano,
    result: RisultatoPiano,
    *,
    validazione: Validazione,
    verifiche: Verifiche,
    osservazioni: list[Osservazione],
    example_data: bool = False,
) -> Document:
    anno = result.anno
    blocks: list = [Heading("1. Oggetto della validazione")]
    adopted = (
        f"adottato con {validazione.atto_piano}"
        + (f" del {validazione.atto_piano_data:%d/%m/%Y}" if validazione.atto_piano_data else "")
        if validazione.atto_piano
        else "non ancora adottato"
    )
    blocks.append(
        Paragraph(
            f"L'Organismo indipendente di valutazione (OIV) {piano.ente.di()}, "
            "ai sensi dell'art. 14, comma 4, lettera c) del d.lgs. 150/2009 "
            "e delle Linee guida del Dipartimento della Funzione pubblica n. 3/2018, "
            f"ha esaminato la Relazione sulla performance {anno}, "
            f"che rendiconta i risultati rispetto al {piano.titolo} ({adopted})."
        )
    )

    blocks.append(Heading("2. Verifiche svolte"))
    blocks.append(
        Bullets(
            (
                "Conformità: la Relazione segue la struttura delle Linee guida n. 3/2018 "
                "e rendiconta ogni obiettivo e indicatore del piano in vigore.",
                f"Attendibilità dei dati: valori a consuntivo {verifiche.valori}, "
                f"inseriti da utenti diversi {verifiche.inseriti_da}, ciascuno con autore e data "
                "nel registro delle modifiche "
                f"(registrazioni sulle versioni del piano: {verifiche.registrazioni}); "
                "correzioni dopo la chiusura di un periodo: "
                f"{verifiche.correzioni}, ciascuna con il suo motivo.",
                f"Coerenza con il piano: rimodulazioni adottate nel ciclo {verifiche.rimodulazioni}, "
                "ciascuna con atto e motivazione; "
                "i target e i pesi usati sono quelli della versione in vigore.",
                "Calcolo: gradi di raggiungimento, aggregazioni e fondo sono ricalcolati dai dati "
                "con le regole del piano; ogni cifra ha la sua traccia di calcolo.",
                "Comprensibilità: la Relazione presenta i risultati con tabelle e grafici, "
                "a partire da una sintesi dei principali risultati.",
            )
        )
    )

    blocks.append(Heading("3. Sintesi dei risultati"))
    blocks.append(
        Paragraph(
            f"Performance complessiva dell'ente nel {anno}: **{pct(result.achievement)}** ({status(result.stato)})."
        )
    )
    persp = [n for n in result.nodi if n.livello == "prospettiva"]
    blocks.append(
        Table(
            ("Prospettiva", "Grado di raggiungimento", "Stato"),
            tuple(
                (Cell(n.nome), Cell(pct(n.achievement), "right"), Cell(status(n.stato), status=n.stato.value))
                for n in persp
            ),
            "Risultati per prospettiva della Balanced Scorecard",
            (3, 1.3, 1.3),
        )
    )
    if result.fondo:
        f = result.fondo
        final = "definitivo" if not f.provvisorio else "provvisorio fino alla validazione"
        blocks.append(
            Paragraph(
                f"Fondo per la performance ({f.nome}): **{euro(f.importo)}** su {euro(f.importo_massimo)} "
                f"(quota {pct(f.quota)}), importo {final}."
            )
        )

    blocks.append(Heading("4. Osservazioni dell'OIV"))
    if osservazioni:
        names = _names(piano)
        blocks.append(
            Table(
                ("N.", "Oggetto", "Osservazione", "Data"),
                tuple(
                    (
                        Cell(str(n), "right"),
                        Cell(
                            o.oggetto if o.oggetto == "relazione" else f"{o.oggetto} {names.get(o.oggetto, '')}".strip()
                        ),
                        Cell(o.testo),
                        Cell(f"{o.data:%d/%m/%Y}"),
                    )
                    for n, o in enumerate(osservazioni, start=1)
                ),
                f"{len(osservazioni)} osservazioni, voce per voce",
                (0.4, 2.2, 4, 0.9),
            )
        )
    else:
        blocks.append(Paragraph("L'OIV non ha formulato osservazioni."))
    if validazione.restituzioni:
        blocks.append(
            Paragraph("La Relazione è stata restituita all'amministrazione con queste richieste, poi accolte:")
        )
        blocks.append(Bullets(tuple(validazione.restituzioni)))

    blocks.append(Heading("5. Conclusione"))
    if validazione.approvazione:
        blocks.append(
            Paragraph(f"La Relazione oggetto della validazione è quella approvata: {validazione.approvazione}.")
        )
    if validazione.validata:
        when = f" in data {validazione.data:%d/%m/%Y}" if validazione.data else ""
        blocks.append(
            Paragraph(
                f"**L'OIV valida la Relazione sulla performance {anno} {piano.ente.di()}**{when}. "
                "Da questa validazione il fondo e i premi collegati alla performance non sono più provvisori."
            )
        )
    else:
        blocks.append(
            Paragraph(
                "**Bozza: la Relazione non è ancora validata.** "
                "Il documento diventa definitivo quando l'OIV valida il ciclo in cruscotto "
                "(passo «validato OIV»); fino ad allora fondo e premi restano provvisori."
            )
        )
    blocks.append(Paragraph("L'Organismo indipendente di valutazione", "lead"))

    notes = []
    if not validazione.validata:
        notes.append("BOZZA: non ancora validata")
    if example_data:
        notes.append("dati di esempio")
    return Document(
        title=f"Documento di validazione della Relazione sulla performance {anno}",
        subtitle=piano.titolo,
        author=piano.ente.nome,
        blocks=tuple(blocks),
        date_text=f"Validato il {validazione.data:%d/%m/%Y}"
        if validazione.validata and validazione.data
        else f"Dati al {result.as_of:%d/%m/%Y}",
        draft_note="; ".join(notes),
    )
