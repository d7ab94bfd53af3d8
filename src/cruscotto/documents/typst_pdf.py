"""Blocks -> Typst source -> PDF with Typst (the ``typst`` package): the same document as
``pdf.py`` draws with WeasyPrint, to measure one engine against the other (issue 16,
docs/documents.md). Same page, fonts, cover, table of contents, landscape rule, table and
status styles; what WeasyPrint does with CSS is done here with Typst's set and show rules.

Every text of the document (the plan's names, the bodies' own paragraphs) is user input: it
goes into the source only as a Typst string literal (``"..."``, where only the backslash and
the double quote are special, and both are escaped), never as markup, so a
``#``, ``*``, ``$``, ``<label>`` or ``@ref`` in a plan's text is printed, not obeyed. The
figures go in as files of an in-memory project, never through the source text.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from .blocks import Bullets, Cell, Document, Figure, Heading, PageBreak, Paragraph, Table
from .pdf import _TABLE_FONT_PT, _TEXT_WIDTH_PT, STATUS_COLOURS, _column_fractions, _font_dir, _landscape_from

_BOLD = re.compile(r"\*\*(.+?)\*\*")
# Control characters have no glyph (Typst would print a missing-glyph box); line feeds and tabs stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _str(text: str) -> str:
    """``text`` as a Typst string literal: inside one only ``\\`` and ``"`` have a meaning, and
    both are written as their escapes (line breaks and tabs too: one block, one line of source)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def _flow(text: str) -> str:
    """Text of a paragraph, a heading or a caption, as HTML prints it: runs of white space
    (new lines included) are one space."""
    return " ".join(text.split())


def _inline(text: str) -> str:
    """A paragraph's text as Typst content: plain runs as strings, **bold** runs as strong.
    The result is a code expression (a content block holding only string literals)."""
    parts = _BOLD.split(_flow(text))
    runs = [f"#strong({_str(p)})" if i % 2 else f"#{_str(p)}" for i, p in enumerate(parts) if p]
    # ";" ends each embedded expression, so what follows a literal is never read as a
    # method call or an argument list of it.
    return "[" + "".join(r + ";" for r in runs) + "]"


# Page geometry and type sizes of pdf.py's CSS, in Typst's units.
_PREAMBLE = """
#let TITLE = {title}
#let STATUS = ({status})
#set document(title: TITLE, author: {author})
#set page(paper: "a4", margin: (top: 2.2cm, bottom: 2.2cm, x: 1.8cm),
  header: align(right, text(8pt, fill: rgb("#777777"), TITLE)),
  footer: context align(center, text(9pt, fill: rgb("#555555"),
    counter(page).display("1 / 1", both: true))))
// Titillium Web has no arrows, "≤", "≥" or "●": DejaVu Sans Mono, one of the fonts inside the
// typst package, draws them (WeasyPrint takes DejaVu Sans from the system for the same glyphs).
// CSS's line-height 1.4 with Titillium's ascender (1.133 em) and descender (0.388 em): each line
// is a box 1.4 em tall, the baseline 1.0725 em from its top, no leading between the boxes.
#set text(font: ("Titillium Web", "DejaVu Sans Mono"), size: 10.5pt, fill: rgb("#1a1a1a"), lang: {lang},
  top-edge: 1.0725em, bottom-edge: -0.3275em)
#set par(leading: 0em, spacing: 1em)
#set block(spacing: 1em)
#set list(indent: 1.2em, body-indent: 0.6em)
#show heading: set text(weight: 700, fill: rgb("#17324d"))
#show heading.where(level: 1): set text(18pt, fill: rgb("#0066cc"))
#show heading.where(level: 1): set block(above: .67em, below: .67em)
#show heading.where(level: 2): set text(13.5pt)
#show heading.where(level: 2): set block(above: 1.2em, below: .83em)
#show heading.where(level: 3): set text(11pt)
#show heading.where(level: 3): set block(above: 1em, below: 1em)
#show outline.entry: set block(spacing: .2em)
#set outline.entry(fill: repeat(".", gap: 0pt))
#show outline.entry.where(level: 2): set text(9.5pt)
// Tables: a header band with a rule under it, hairlines between rows, rows never split
// over two pages, the header row repeated on each page.
#set table(inset: (x: 4pt, y: 2.5pt), stroke: (x, y) => if y == 0 {{ (bottom: 1pt + rgb("#17324d")) }}
  else {{ (bottom: .4pt + rgb("#ccccdd")) }}, fill: (x, y) => if y == 0 {{ rgb("#e8f0f8") }})
#set table.cell(breakable: false)
#show table.cell.where(y: 0): set text(weight: 700)
#show table: set text(8.8pt)
#show table: set block(above: 5pt, below: 9pt)
#let B = box()
#let R(body) = table.cell(align: right, text(number-width: "tabular", body))
#let C(body) = table.cell(align: center, body)
#let G(body, align: left) = table.cell(align: align, fill: rgb("#f2f7fc"),
  text(weight: 600, number-width: if align == right {{ "tabular" }} else {{ auto }}, body))
#let S(status, body) = text(fill: STATUS.at(status), weight: 600, body)
#let caption(body) = block(above: 3pt, text(8.5pt, fill: rgb("#444444"), body))
// A table's caption under it, 3 pt below its last rule, as CSS's caption-side: bottom.
// A table cut into parts (typst_parts.py) keeps this wrapper without its caption until its last rows.
#let captioned(tbl, body) = block(above: 5pt, below: 9pt, {{
  show table: set block(below: 3pt)
  tbl
  if body != none {{ caption(body) }}
}})
#let landscape(body) = page(flipped: true, margin: (top: 1.6cm, right: 1.5cm, bottom: 1.8cm, left: 1.5cm), {{
  show table: set text(7.6pt)
  body
}})
"""


_WORD = re.compile(r"(\S+)")
_AFTER_PUNCTUATION = re.compile(r"(?<=[./_:;,\-])")


def _capacities(t: Table) -> list[int | None]:
    """How many characters of a word each column holds, by pdf.py's own estimate for its widths
    (a character about 0.55 em; 0.6 here, to break a little early rather than print over the
    next column). None where the table gives no widths: Typst sizes those columns to their text."""
    if not t.widths:
        return [None] * len(t.header)
    width, em = _TEXT_WIDTH_PT[t.landscape], _TABLE_FONT_PT[t.landscape]
    return [max(4, int((f * width - 8) / (0.6 * em))) for f in _column_fractions(t)]


def _wrapped(text: str, capacity: int | None) -> str:
    """A text cell's text, with places to break a word too long for its column: after its
    punctuation, then every ``capacity`` characters. pdf.py lets such a word break anywhere
    (``overflow-wrap: break-word``, only when the word does not fit a line of its own); Typst has
    no such rule and would print it over the next column. The break is an empty box, not a
    zero-width space: that would come back in the PDF's text and split the word for a search
    or a screen reader."""
    parts = _WORD.split(text)
    if capacity is None or all(len(w) <= capacity for w in parts[1::2]):
        return _str(text)
    runs, plain = [], ""
    for i, part in enumerate(parts):
        if i % 2 == 0 or len(part) <= capacity:  # spaces, and the words that fit: as they are
            plain += part
            continue
        if plain:
            runs.append(f"#{_str(plain)};")
            plain = ""
        pieces = [p[j : j + capacity] for p in _AFTER_PUNCTUATION.split(part) if p for j in range(0, len(p), capacity)]
        runs.append("#B;".join(f"#{_str(p)};" for p in pieces))
    if plain:
        runs.append(f"#{_str(plain)};")
    return "[" + "".join(runs) + "]"


def _cell(c: Cell, group: bool, capacity: int | None) -> str:
    # Figures are never broken (a number cut in two reads as two numbers), as in pdf.py.
    body = _str(c.text) if c.align == "right" else _wrapped(c.text, capacity)
    if c.bold:
        body = f"strong({body})"
    if c.status in STATUS_COLOURS:  # an unknown status is printed plain, as pdf.py's CSS does
        body = f"S({_str(c.status)}, {body})"
    if group:
        return f"G({body}, align: {c.align if c.align in ('right', 'center') else 'left'})"
    if c.align == "right":
        return f"R({body})"
    if c.align == "center":
        return f"C({body})"
    return body


def _table(t: Table, start: int = 0, stop: int | None = None) -> str:
    """The table, or its rows ``start:stop`` with the header (a part of a table cut by
    typst_parts.py); the caption goes with the last rows."""
    stop = len(t.rows) if stop is None else stop
    if t.widths:
        columns = "(" + ", ".join(f"{f:.4f}fr" for f in _column_fractions(t)) + ",)"
    else:
        columns = str(len(t.header) or max((len(r) for r in t.rows), default=1))
    lines = [f"table(columns: {columns},"]
    if t.header:
        lines.append("table.header(" + ", ".join(_str(h) for h in t.header) + "),")
    capacities = _capacities(t)
    for i in range(start, stop):
        row, group = t.rows[i], i in t.group_rows
        cells = (_cell(c, group, capacities[j] if j < len(capacities) else None) for j, c in enumerate(row))
        lines.append(", ".join(cells) + ",")
    lines.append(")")
    table = "\n".join(lines)
    if not t.caption:
        return f"#{table}"
    return f"#captioned({table}, {_str(_flow(t.caption)) if stop == len(t.rows) else 'none'})"


def _front(doc: Document) -> list[str]:
    """The cover and the table of contents, or a compact document's title block."""
    draft = (
        f'#block(above: 2em, inset: .5em, width: 100%, stroke: 0.75pt + rgb("#7a5200"), '
        f'text(fill: rgb("#7a5200"), {_str(_flow(doc.draft_note))}))'
        if doc.draft_note
        else ""
    )
    if doc.compact:
        return [
            '#block(width: 100%, below: 1.5em, inset: (bottom: .6em), stroke: (bottom: 0.75pt + rgb("#0066cc")))[\n'
            f'#text(fill: rgb("#0066cc"), weight: 600, {_str(_flow(doc.author))})\n\n'
            f"#text(18pt, weight: 700, {_str(_flow(doc.title))})\n\n"
            f"#{_str(_flow(doc.subtitle))};\n\n{draft}]"
        ]
    # The cover counts as page 1 (the footer reads "3 / N" on the third page, as in pdf.py)
    # but prints neither the running title nor the page number.
    return [
        "#page(header: none, footer: none, block(height: 24cm, width: 100%)[#set par(spacing: 0pt)\n#v(1fr)\n"
        f'#text(16pt, fill: rgb("#0066cc"), weight: 600, {_str(_flow(doc.author))})\n'
        f'#block(above: 9pt, below: 9pt, text(30pt, weight: 700, fill: rgb("#0066cc"), {_str(_flow(doc.title))}))\n'
        f"#text(14pt, {_str(_flow(doc.subtitle))})\n\n#{_str(_flow(doc.date_text))};\n\n{draft}\n#v(1fr)])",
        '#heading(level: 2, outlined: false, bookmarked: false, "Indice")',
        "#pad(left: 30pt, outline(title: none, depth: 2, indent: 1.2em))",  # a list's indent, as HTML's
        "#pagebreak()",
    ]


def _block(b, files: dict[str, bytes], first_of_page: bool) -> str:
    """One block as Typst source; a figure's SVG is added to ``files``."""
    if isinstance(b, Heading):
        # A chapter starts a page, unless the block is already the first of one (a landscape
        # run's page(): a weak page break as its first thing would leave a blank page).
        brk = "#pagebreak(weak: true)\n" if b.level == 1 and not first_of_page else ""
        return f"{brk}#heading(level: {b.level}, {_str(_flow(b.text))})"
    if isinstance(b, Paragraph):
        if b.style == "note":
            return f'#text(9pt, fill: rgb("#555555"), style: "italic", {_inline(b.text)})\n'
        return f"#{_inline(b.text)}\n"
    if isinstance(b, Bullets):
        return "#list(" + ", ".join(_inline(i) for i in b.items) + ",)"
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Figure):
        name = f"figura{len(files) + 1}.svg"
        files[name] = b.svg.encode("utf-8")
        caption = _str(_flow(b.caption))
        return (
            f'#block(breakable: false, above: 1em, below: 1em)[#image({_str(name)}, format: "svg", '
            f'width: {b.width_cm}cm, alt: {caption})\n#block(above: 0pt, text(8.5pt, fill: rgb("#444444"), '
            f"{caption}))]"
        )
    if isinstance(b, PageBreak):
        return "#pagebreak(weak: true)"
    raise TypeError(f"unknown block {type(b).__name__}")


def _preamble(doc: Document) -> str:
    status = ", ".join(f"{k}: rgb({_str(v)})" for k, v in STATUS_COLOURS.items())
    return _PREAMBLE.format(
        title=_str(_flow(doc.title)), author=_str(_flow(doc.author)), lang=_str(doc.language), status=status
    )


def _body(doc: Document, files: dict[str, bytes], start: tuple[int, int] = (0, 0), end: tuple[int, int] | None = None):
    """The blocks from ``start`` to ``end`` as Typst source, each a (block, row) position: the
    whole of the blocks before ``end``'s block and that table's rows before ``end``'s row; from
    ``start``'s table its rows from ``start``'s row on."""
    (k0, r0), (k1, r1) = start, end or (len(doc.blocks), 0)
    out: list[str] = []
    # Consecutive landscape blocks (pdf.py's .landscape divs, one named page sequence) share
    # one page() of landscape pages.
    run: list[str] | None = None
    for k in range(k0, min(k1 + (r1 > 0), len(doc.blocks))):
        b = doc.blocks[k]
        landscape = _landscape_from(doc.blocks, k) if isinstance(b, Heading) else isinstance(b, Table) and b.landscape
        if landscape and run is None:
            run = []
        elif not landscape and run is not None:
            out.append("#landscape[\n" + "\n".join(run) + "\n]")
            run = None
        if isinstance(b, Table):
            src = _table(b, r0 if k == k0 else 0, r1 if k == k1 else None)
        else:
            src = _block(b, files, first_of_page=run == [])
        (out if run is None else run).append(src)
    if run is not None:
        out.append("#landscape[\n" + "\n".join(run) + "\n]")
    return out


def to_typst(doc: Document) -> tuple[str, dict[str, bytes]]:
    """The Typst source of ``doc`` and the files it reads (the figures' SVG)."""
    files: dict[str, bytes] = {}
    out = [_preamble(doc), *_front(doc), *_body(doc, files)]
    return "\n".join(out) + "\n", files


# A document with more table rows than this is drawn in parts (typst_parts.py): Typst keeps
# about 75 KB for each table row it lays out until its compilation ends, so 10,000 rows took
# 1 GiB in one compilation.
PART_ROWS = 2500


def compile_typst(source: str, files: dict[str, bytes]) -> bytes:
    import typst

    # Only the bundled Titillium Web and the fonts inside the typst package: the same PDF on
    # every machine, whatever fonts the system has.
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(_font_dir())])
    project: dict[str, bytes] = {"main.typ": source.encode("utf-8"), **files}
    # A dict of files is a project in memory (typst-py's README, "Multi-file projects"); the
    # package's type stubs do not list it among the inputs yet.
    compiler = typst.Compiler(font_paths=fonts, ignore_system_fonts=True)
    pdf = compiler.compile(project, format="pdf")  # type: ignore[type-var]
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf_typst(doc: Document, out: str | Path, part_rows: int = PART_ROWS) -> Path:
    """``doc`` as a PDF at ``out``: in one compilation, or in parts of about ``part_rows``
    table rows when it has more."""
    out = Path(out)
    rows = sum(len(b.rows) for b in doc.blocks if isinstance(b, Table))
    if rows > part_rows and not doc.compact:
        from .typst_parts import render_in_parts

        try:
            out.write_bytes(render_in_parts(doc, part_rows))
            return out
        except RuntimeError:
            # A document the parts cannot reproduce exactly (a table whose cut page holds
            # something else): one compilation, more memory, the same PDF.
            logging.getLogger(__name__).warning("PDF in parts failed, drawn in one compilation", exc_info=True)
    out.write_bytes(compile_typst(*to_typst(doc)))
    return out
