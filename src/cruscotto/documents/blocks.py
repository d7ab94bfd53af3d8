"""The neutral content of a document: headings, paragraphs, tables, figures."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1  # 1 = chapter (new page in the PDF), 2, 3
    landscape: bool = False  # on the landscape pages of the wide tables that follow it


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str  # plain text; **bold** spans are kept as runs
    style: str = ""  # "", "small", "lead", "note"


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    align: str = "left"  # left | right | center
    status: str | None = None  # a Stato value: coloured in the PDF, written in both
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    widths: tuple[float, ...] = ()  # relative column widths
    group_rows: frozenset[int] = field(default_factory=frozenset)  # rows drawn as group headings
    landscape: bool = False  # wide tables (the triennial cruscotto) on landscape pages


@dataclass(frozen=True, slots=True)
class Figure:
    svg: str
    caption: str
    width_cm: float = 16.0


@dataclass(frozen=True, slots=True)
class PageBreak:
    pass


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    subtitle: str
    author: str  # the ente
    blocks: tuple
    date_text: str = ""
    language: str = "it"
    draft_note: str = ""  # e.g. "dati di esempio"; printed on the cover
    # A form of a page or two (an evaluation card for signature): the title at the top of the
    # first page, no cover page, no table of contents.
    compact: bool = False


Block = Heading | Paragraph | Bullets | Table | Figure | PageBreak
