"""PDF documents: ``render_pdf`` draws them with Typst (``typst_pdf.py``); this module also
keeps the WeasyPrint drawing (blocks -> HTML -> PDF: A4, cover, table of contents, page
numbers, embedded fonts, tables whose header repeats on every page, figures as vectors), whose
page rules Typst's follow, as the reference of ``bench/documents.py``.

Why Typst (issue 16, docs/documents.md): the same documents, measured side by side on this
machine, in 0.06-0.08 times WeasyPrint's time (the demo Relazione 0.23 s against 3.68 s; a
5,000-indicator Relazione 3.7 s against 50 s) and less memory, with pages that pass the same
layout checks, the same fonts, and a tagged (accessible) PDF.
"""

from __future__ import annotations

import base64
import re
from html import escape
from importlib.resources import files
from pathlib import Path

from .blocks import Bullets, Cell, Document, Figure, Heading, PageBreak, Paragraph, Table

STATUS_COLOURS = {
    "raggiunto": "#00703c",
    "parzialmente_raggiunto": "#7a5200",
    "non_raggiunto": "#b71d36",
    "senza_dati": "#5c6f82",
    "in_attesa": "#004d99",
    "non_valutabile": "#5d3f8c",
    "baseline": "#35566e",
}


def _font_dir() -> Path:
    return Path(str(files("bootstrap_italia_template").joinpath("static/fonts/Titillium_Web")))


def _inline(text: str) -> str:
    """Escape, then turn **bold** into <strong>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(text))


def _css() -> str:
    d = _font_dir().as_uri()
    faces = "".join(
        f"@font-face {{ font-family: 'Titillium Web'; src: url('{d}/titillium-web-v10-latin-ext_latin-{name}.ttf'); "
        f"font-weight: {w}; font-style: {st}; }}"
        for name, w, st in (
            ("regular", 400, "normal"),
            ("italic", 400, "italic"),
            ("600", 600, "normal"),
            ("700", 700, "normal"),
        )
    )
    colours = "".join(f".st-{k} {{ color: {v}; font-weight: 600; }}" for k, v in STATUS_COLOURS.items())
    return (
        faces
        + """
@page { size: A4; margin: 2.2cm 1.8cm 2.2cm 1.8cm;
  @bottom-center { content: counter(page) " / " counter(pages); font-family: 'Titillium Web'; \
font-size: 9pt; color: #555; }
  @top-right { content: string(doctitle); font-family: 'Titillium Web'; font-size: 8pt; color: #777; } }
@page cover { @bottom-center { content: none; } @top-right { content: none; } }
@page landscape { size: A4 landscape; margin: 1.6cm 1.5cm 1.8cm 1.5cm; }
.landscape { page: landscape; }
.landscape table { font-size: 7.6pt; }
html { font-family: 'Titillium Web', sans-serif; font-size: 10.5pt; line-height: 1.4; color: #1a1a1a; }
.cover { page: cover; height: 24cm; display: flex; flex-direction: column; justify-content: center; }
.cover .ente { font-size: 16pt; color: #0066cc; font-weight: 600; }
.cover h1 { font-size: 30pt; margin: .3em 0; string-set: doctitle content(); }
.cover .sub { font-size: 14pt; }
.cover .draft { margin-top: 2em; padding: .5em; border: 1px solid #7a5200; color: #7a5200; }
.compact { margin-bottom: 1em; border-bottom: 1px solid #0066cc; }
.compact .ente { color: #0066cc; font-weight: 600; }
.compact h1 { font-size: 18pt; margin: .2em 0; string-set: doctitle content(); page-break-before: avoid; }
.compact .draft { margin: .5em 0; padding: .3em; border: 1px solid #7a5200; color: #7a5200; }
nav.toc { page-break-after: always; }
nav.toc a { color: #1a1a1a; text-decoration: none; }
nav.toc a::after { content: leader('.') target-counter(attr(href), page); }
nav.toc li { list-style: none; margin: .2em 0; }
nav.toc li.l2 { margin-left: 1.2em; font-size: 9.5pt; }
h1 { font-size: 18pt; color: #0066cc; page-break-before: always; page-break-after: avoid; }
h2 { font-size: 13.5pt; color: #17324d; page-break-after: avoid; margin-top: 1.2em; }
h3 { font-size: 11pt; color: #17324d; page-break-after: avoid; margin-top: 1em; }
p.note { font-size: 9pt; color: #555; font-style: italic; }
table { width: 100%; border-collapse: collapse; margin: .6em 0 1em; font-size: 8.8pt; }
thead { display: table-header-group; }
th { background: #e8f0f8; text-align: left; padding: 3pt 4pt; border-bottom: 1pt solid #17324d; }
td { padding: 2.5pt 4pt; border-bottom: .4pt solid #ccd; vertical-align: top; white-space: pre-wrap;
  overflow-wrap: break-word; }
tr { page-break-inside: avoid; }
tr.group td { background: #f2f7fc; font-weight: 600; }
td.r { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
td.c { text-align: center; }
caption { caption-side: bottom; text-align: left; font-size: 8.5pt; color: #444; padding-top: 3pt; }
figure { margin: 1em 0; page-break-inside: avoid; }
figcaption { font-size: 8.5pt; color: #444; }
"""
        + colours
    )


# The page's text width in points (A4 less the margins of @page) and the tables' font sizes, to
# know how wide a figure prints: 17.4 cm portrait at 8.8 pt, 26.7 cm landscape at 7.6 pt.
_TEXT_WIDTH_PT = {False: 17.4 / 2.54 * 72, True: 26.7 / 2.54 * 72}
_TABLE_FONT_PT = {False: 8.8, True: 7.6}


def _column_fractions(table: Table) -> list[float]:
    """The share of the table's width of each column: the widths the document asks for, widened
    where a word would not fit. Figures are never broken over lines (a number cut in two reads
    as two numbers) and must not print over the next column, so a right-aligned column is at
    least as wide as its longest word (about 0.55 em a character, plus the cell's padding); a
    text column is as wide as its longest ordinary word (up to 14 characters: longer codes and
    addresses break where they must); the other columns give up the difference in proportion."""
    total = sum(table.widths)
    fractions = [w / total for w in table.widths]
    width, em = _TEXT_WIDTH_PT[table.landscape], _TABLE_FONT_PT[table.landscape]
    needed = [0.0] * len(fractions)
    for row in (tuple(Cell(h) for h in table.header), *table.rows):
        for i, cell in enumerate(row[: len(fractions)]):
            words = [len(word) for word in cell.text.split()]
            if cell.align != "right":
                words = [n for n in words if n <= 14]
            if words:
                needed[i] = max(needed[i], (max(words) * 0.55 * em + 9) / width)
    raised = [i for i, f in enumerate(fractions) if needed[i] > f]
    if not raised:
        return fractions
    rest = sum(f for i, f in enumerate(fractions) if i not in raised)
    give = sum(needed[i] - fractions[i] for i in raised)
    if rest <= give:  # more figures than page: keep the asked widths (the overlap test will say)
        return fractions
    scale = (rest - give) / rest
    return [needed[i] if i in raised else f * scale for i, f in enumerate(fractions)]


def _landscape_from(blocks: tuple, k: int) -> bool:
    """Whether the heading at ``k`` is printed landscape: its own flag, or that of the first
    block after it that is not a heading."""
    for b in blocks[k:]:
        if getattr(b, "landscape", False):
            return True
        if not isinstance(b, Heading):
            return False
    return False


def to_html(doc: Document) -> str:
    parts = []
    toc = []
    body = []
    n = 0
    for k, b in enumerate(doc.blocks):
        if isinstance(b, Heading):
            n += 1
            anchor = f"h{n}"
            if b.level <= 2:
                toc.append(f'<li class="l{b.level}"><a href="#{anchor}">{escape(b.text)}</a></li>')
            heading = f'<h{b.level} id="{anchor}">{escape(b.text)}</h{b.level}>'
            # A heading goes on the page of what it introduces: before a landscape table it is
            # landscape too, or the change of page size would leave it alone at a page's foot.
            body.append(f'<div class="landscape">{heading}</div>' if _landscape_from(doc.blocks, k) else heading)
        elif isinstance(b, Paragraph):
            cls = f' class="{b.style}"' if b.style else ""
            body.append(f"<p{cls}>{_inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            cols = ""
            if b.widths:
                cols = (
                    "<colgroup>"
                    + "".join(f'<col style="width:{f * 100:.1f}%">' for f in _column_fractions(b))
                    + "</colgroup>"
                )
            head = "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in b.header) + "</tr></thead>"
            rows = []
            for i, row in enumerate(b.rows):
                cells = []
                for c in row:
                    classes: list[str] = []
                    if c.align == "right":
                        classes.append("r")
                    elif c.align == "center":
                        classes.append("c")
                    if c.status:
                        classes.append(f"st-{c.status}")
                    text = escape(c.text)
                    if c.bold:
                        text = f"<strong>{text}</strong>"
                    cells.append(f'<td class="{" ".join(classes)}">{text}</td>' if classes else f"<td>{text}</td>")
                opening = '<tr class="group">' if i in b.group_rows else "<tr>"
                rows.append(opening + "".join(cells) + "</tr>")
            caption = f"<caption>{escape(b.caption)}</caption>" if b.caption else ""
            # With the widths given, a fixed layout: the columns are known without measuring every
            # cell's text first (the automatic layout measured each cell twice: a fifth of the time).
            opening = '<table style="table-layout:fixed">' if b.widths else "<table>"
            table = f"{opening}{caption}{cols}{head}<tbody>{''.join(rows)}</tbody></table>"
            body.append(f'<div class="landscape">{table}</div>' if b.landscape else table)
        elif isinstance(b, Figure):
            data = base64.b64encode(b.svg.encode("utf-8")).decode("ascii")
            body.append(
                f'<figure><img src="data:image/svg+xml;base64,{data}" style="width:{b.width_cm}cm" '
                f'alt="{escape(b.caption)}"><figcaption>{escape(b.caption)}</figcaption></figure>'
            )
        elif isinstance(b, PageBreak):
            body.append('<div style="page-break-after: always"></div>')
    cover = (
        f'<section class="cover"><div class="ente">{escape(doc.author)}</div><h1>{escape(doc.title)}</h1>'
        f'<div class="sub">{escape(doc.subtitle)}</div><div>{escape(doc.date_text)}</div>'
        + (f'<div class="draft">{escape(doc.draft_note)}</div>' if doc.draft_note else "")
        + "</section>"
    )
    parts.append(
        f'<!doctype html><html lang="{doc.language}"><head><meta charset="utf-8"><title>{escape(doc.title)}</title>'
    )
    parts.append(f'<meta name="author" content="{escape(doc.author)}"><style>{_css()}</style></head><body>')
    if doc.compact:
        parts.append(
            f'<header class="compact"><div class="ente">{escape(doc.author)}</div><h1>{escape(doc.title)}</h1>'
            f'<div class="sub">{escape(doc.subtitle)}</div>'
            + (f'<div class="draft">{escape(doc.draft_note)}</div>' if doc.draft_note else "")
            + "</header>"
        )
    else:
        parts.append(cover)
        parts.append('<nav class="toc"><h2>Indice</h2><ul>' + "".join(toc) + "</ul></nav>")
    parts.extend(body)
    parts.append("</body></html>")
    return "".join(parts)


def render_pdf(doc: Document, out: str | Path) -> Path:
    """The product's PDF: drawn by Typst (see the module's docstring)."""
    from .typst_pdf import render_pdf_typst

    return render_pdf_typst(doc, out)


def render_pdf_weasyprint(doc: Document, out: str | Path) -> Path:
    """The same document drawn by WeasyPrint: the reference of bench/documents.py."""
    from weasyprint import HTML

    out = Path(out)
    HTML(string=to_html(doc), base_url=str(_font_dir())).write_pdf(out)
    return out
