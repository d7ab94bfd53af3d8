"""One person's evaluation card as a document for signature (issue 15): at assignment (the
objectives and behaviours, signed by the evaluator and, for acknowledgement, by the person) and
final (the results, the ratings, the score with its calculation, the steps of the year).

It takes the card as values (``SchedaStampa``, read by performance/valutazioni.py) and gives a
``Document`` in the compact form: no cover, no contents, a page or two. The person is named by
matricola only, as on the pages: the name is written by hand next to the signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..engine import display
from .blocks import Cell, Document, Heading, Paragraph, Table
from .formatting import pct


@dataclass(frozen=True, slots=True)
class VoceStampa:
    codice: str
    nome: str
    sezione: str
    peso: float | None
    target: str  # the target as written, or the plan's objective it is linked to
    risultato: str = ""


@dataclass(frozen=True, slots=True)
class ComportamentoStampa:
    nome: str
    descrizione: str
    peso: float | None
    giudizio: str = ""  # the level and its description, once rated


@dataclass(frozen=True, slots=True)
class SezioneStampa:
    nome: str
    peso: float | None
    grado: float | None
    calcolo: str


@dataclass(frozen=True, slots=True)
class SchedaStampa:
    ente: str
    anno: int
    matricola: str
    categoria: str  # code and name
    struttura: str
    valutatore: str  # the evaluator's matricola, or "OIV" for the vertice
    stato: str  # as displayed
    voci: tuple[VoceStampa, ...]
    comportamenti: tuple[ComportamentoStampa, ...]
    sezioni: tuple[SezioneStampa, ...] = ()
    punteggio: float | None = None
    fasi: tuple[tuple[date, str, str], ...] = ()  # (date, step, text)
    proposta_oiv: bool = False
    example_data: bool = False


def _num(x: float | None) -> str:
    return "—" if x is None else display.decimal(x, 2)


def build_scheda(s: SchedaStampa, *, finale: bool) -> Document:
    """The card at assignment (``finale`` False) or with its evaluation."""
    blocks: list = []
    blocks.append(
        Table(
            ("", ""),
            (
                (Cell("Matricola"), Cell(s.matricola, bold=True)),
                (Cell("Categoria"), Cell(s.categoria)),
                (Cell("Struttura"), Cell(s.struttura or "—")),
                (Cell("Valutatore"), Cell(s.valutatore or "—")),
                (Cell("Stato della scheda"), Cell(s.stato)),
            ),
            widths=(1, 3),
        )
    )
    blocks.append(Heading("Obiettivi", 2))
    if s.voci:
        header = ["Obiettivo", "Sezione", "Peso", "Target"] + (["Risultato"] if finale else [])
        rows = tuple(
            (
                Cell(f"{v.codice} · {v.nome}"),
                Cell(v.sezione),
                Cell(_num(v.peso), "right"),
                Cell(v.target or "—"),
                *((Cell(v.risultato or "—"),) if finale else ()),
            )
            for v in s.voci
        )
        blocks.append(Table(tuple(header), rows, widths=(4, 1.2, 0.8, 1.6, *((1.6,) if finale else ()))))
    else:
        blocks.append(Paragraph("Nessun obiettivo proprio: la scheda valuta i risultati dell'ente o della struttura."))
    blocks.append(Heading("Comportamenti", 2))
    if s.comportamenti:
        header = ["Comportamento", "Peso"] + (["Giudizio"] if finale else [])
        rows = tuple(
            (
                Cell(f"{c.nome}: {c.descrizione}" if c.descrizione else c.nome),
                Cell(_num(c.peso), "right"),
                *((Cell(c.giudizio or "—"),) if finale else ()),
            )
            for c in s.comportamenti
        )
        blocks.append(Table(tuple(header), rows, widths=(5, 0.8, *((2.5,) if finale else ()))))
    else:
        blocks.append(Paragraph("Nessun comportamento nella scheda."))
    if finale:
        blocks.append(Heading("Punteggio", 2))
        if s.sezioni:
            rows = tuple(
                (Cell(x.nome), Cell(_num(x.peso), "right"), Cell(pct(x.grado), "right"), Cell(x.calcolo))
                for x in s.sezioni
            )
            blocks.append(Table(("Sezione", "Peso", "Grado", "Calcolo"), rows, widths=(2, 0.7, 0.9, 5)))
            blocks.append(Paragraph(f"**Punteggio finale: {_num(s.punteggio)}** su 100."))
        else:
            blocks.append(Paragraph("La scheda non è ancora valutata."))
        if s.fasi:
            blocks.append(Heading("Le fasi dell'anno", 2))
            blocks.append(
                Table(
                    ("Data", "Fase", "Note"),
                    tuple((Cell(d.strftime("%d/%m/%Y")), Cell(t), Cell(x or "—")) for d, t, x in s.fasi),
                    widths=(1, 2, 5),
                )
            )
    blocks.append(Heading("Firme", 2))
    signs: tuple[str, ...]
    if s.proposta_oiv:
        signs = ("L'OIV (proposta)", "Per l'organo di indirizzo politico", "La persona valutata (per presa visione)")
    else:
        signs = ("Il valutatore", "La persona valutata (per presa visione)")
    blocks.append(
        Table(
            ("", "Nome e cognome", "Data", "Firma"),
            tuple((Cell(x), Cell(""), Cell(""), Cell("")) for x in signs),
            widths=(3.2, 2.5, 1.2, 2.5),
        )
    )
    if finale and not s.proposta_oiv:
        blocks.append(
            Paragraph(
                "La persona valutata può chiedere la revisione della valutazione (procedura di conciliazione) "
                "secondo il sistema di misurazione e valutazione dell'ente.",
                "note",
            )
        )
    what = "valutazione" if finale else "assegnazione degli obiettivi"
    return Document(
        title=f"Scheda di valutazione {s.anno}",
        subtitle=f"Matricola {s.matricola}: {what}",
        author=s.ente,
        blocks=tuple(blocks),
        draft_note="Dati di esempio, inventati per la dimostrazione" if s.example_data else "",
        compact=True,
    )
