"""The Relazione and the Piano drawn by Typst (documents/typst_pdf.py, issue 16): every word of
the document is in the PDF, the plan's text is never read as Typst markup, and the printed page
keeps pdf.py's rules (landscape pages, bookmarks, page numbers, fonts, no text over text)."""

from __future__ import annotations

import re
import shutil

import pytest
from pypdf import PdfReader

from cruscotto.documents.blocks import Bullets, Cell, Document, Figure, Heading, Paragraph, Table
from cruscotto.documents.pdf import _landscape_from
from cruscotto.documents.relazione import build_relazione
from cruscotto.documents.typst_pdf import render_pdf_typst
from cruscotto.engine.rollup import score_plan
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals

pytest.importorskip("typst")

A4 = (595, 842)


@pytest.fixture(scope="module")
def relazione(demo_plan_path, demo_actuals_path, tmp_path_factory):
    plan = load_plan(demo_plan_path).piano
    result = score_plan(plan, anno=2020, valori=read_actuals(demo_actuals_path))
    doc = build_relazione(plan, result, example_data=True)
    return doc, render_pdf_typst(doc, tmp_path_factory.mktemp("typst") / "relazione.pdf")


@pytest.fixture(scope="module")
def piano(demo_plan_path, tmp_path_factory):
    from cruscotto.documents.piano import build_piano

    doc = build_piano(load_plan(demo_plan_path).piano)
    return doc, render_pdf_typst(doc, tmp_path_factory.mktemp("typst") / "piano.pdf")


def _texts(doc: Document):
    """Every text the document prints: the cover's and each block's."""
    yield from (doc.title, doc.subtitle, doc.author, doc.date_text, doc.draft_note)
    for b in doc.blocks:
        if isinstance(b, Heading | Paragraph):
            yield b.text.replace("**", "")  # the markers of the bold runs are not printed
        elif isinstance(b, Bullets):
            yield from (i.replace("**", "") for i in b.items)
        elif isinstance(b, Table):
            yield from b.header
            yield from (c.text for row in b.rows for c in row)
            yield b.caption
        elif isinstance(b, Figure):
            yield b.caption


def _flat(pdf) -> str:
    """The PDF's text without white space: a word wrapped over two lines of a narrow column
    (or broken where it had to be) is whole again."""
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))


@pytest.mark.parametrize("which", ["relazione", "piano"])
def test_every_word_of_the_document_is_in_the_pdf(which, request):
    doc, pdf = request.getfixturevalue(which)
    flat = _flat(pdf)
    words = {w for text in _texts(doc) for w in text.split()}
    assert len(words) > 1000  # the whole document, not a corner of it
    assert sorted(w for w in words if w not in flat) == []


def test_the_relazione_has_cover_toc_and_page_numbers(relazione):
    _doc, pdf = relazione
    reader = PdfReader(pdf)
    n = len(reader.pages)
    assert n > 10
    first = reader.pages[0].extract_text()
    assert "Relazione sulla performance 2020" in first and "dati di esempio inventati" in first
    assert f"1 / {n}" not in first  # the cover has no page number...
    toc = reader.pages[1].extract_text()
    assert "Indice" in toc and "3. La performance organizzativa" in toc
    assert f"3 / {n}" in reader.pages[2].extract_text()  # ...but counts as page 1, as in pdf.py
    assert reader.metadata.title == "Relazione sulla performance 2020"


def _bookmarks(pdf) -> list[tuple[str, int]]:
    reader = PdfReader(pdf)
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    return found


@pytest.mark.parametrize("which", ["relazione", "piano"])
def test_a_bookmark_for_every_heading_and_the_chapters_start_a_page(which, request):
    doc, pdf = request.getfixturevalue(which)
    headings = [b for b in doc.blocks if isinstance(b, Heading)]
    marks = _bookmarks(pdf)
    assert [t for t, _p in marks] == [" ".join(h.text.split()) for h in headings]
    reader = PdfReader(pdf)
    for h, (_t, page) in zip(headings, marks, strict=True):
        if h.level == 1:  # its page holds nothing before it but the running title
            text = reader.pages[page].extract_text()
            assert text.startswith(doc.title) and text[len(doc.title) :].lstrip().startswith(h.text.split()[0]), h.text


def _blank_pages(pdf, title: str) -> list[int]:
    """Pages with nothing but the running title and the page number."""
    reader = PdfReader(pdf)
    n = len(reader.pages)
    return [
        k + 1
        for k, page in enumerate(reader.pages)
        if not " ".join(page.extract_text().split()).replace(title, "").replace(f"{k + 1} / {n}", "").strip()
    ]


@pytest.mark.parametrize("which", ["relazione", "piano"])
def test_no_blank_page(which, request):
    doc, pdf = request.getfixturevalue(which)
    assert _blank_pages(pdf, doc.title) == []


def test_the_wide_tables_are_on_landscape_pages(piano):
    doc, pdf = piano
    reader = PdfReader(pdf)
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert set(sizes) == {A4, A4[::-1]}
    # each heading on a page of the orientation pdf.py gives it: landscape before a wide table
    headings = [k for k, b in enumerate(doc.blocks) if isinstance(b, Heading)]
    landscape = [_landscape_from(doc.blocks, k) for k in headings]
    assert any(landscape) and not all(landscape)
    for k, wide, (title, page) in zip(headings, landscape, _bookmarks(pdf), strict=True):
        assert sizes[page] == (A4[::-1] if wide else A4), (title, doc.blocks[k])


@pytest.mark.parametrize("which", ["relazione", "piano"])
def test_the_pdf_embeds_titillium_and_only_the_fallback_for_symbols(which, request):
    _doc, pdf = request.getfixturevalue(which)
    fonts = set()
    for page in PdfReader(pdf).pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            font = f.get_object()
            desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts.add((str(font["/BaseFont"]).split("+")[-1], "/FontFile2" in desc or "/FontFile3" in desc))
    assert fonts and all(embedded for _name, embedded in fonts)
    names = {name for name, _e in fonts}
    assert {"TitilliumWeb-Regular", "TitilliumWeb-Bold"} <= names
    assert names <= {
        "TitilliumWeb-Regular",
        "TitilliumWeb-Italic",
        "TitilliumWeb-SemiBold",
        "TitilliumWeb-Bold",
        "DejaVuSansMono",
    }, names


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed (.ci/run installs it)")
@pytest.mark.parametrize("which", ["relazione", "piano"])
def test_no_text_over_text_and_no_heading_at_a_page_foot(which, request):
    from tests.test_documents import headings_at_a_page_foot, overlapping_words

    _doc, pdf = request.getfixturevalue(which)
    assert overlapping_words(pdf) == []
    assert headings_at_a_page_foot(pdf) == []


# Typst's markup, code and math in a plan's text: each would change the page (its width, the
# bold, a label, a reference, a comment that eats the rest of the line) if it were obeyed.
NASTY = (
    '#set page(width: 1pt) *x* _y_ `z` $m$ \\ \\n ] [ // c /* d */ <lab> @ref ~ "q" '
    '= + - 1. #{1+1} #"s".len() #emph[e] ) ; {'
)


def test_the_plans_text_is_printed_never_obeyed(tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40"/></svg>'
    doc = Document(
        title=f"titolo {NASTY}",
        subtitle=f"sottotitolo {NASTY}",
        author=f"ente {NASTY}",
        date_text=f"data {NASTY}",
        draft_note=f"nota {NASTY}",
        blocks=(
            Heading(f"capitolo {NASTY}"),
            Paragraph(f"paragrafo {NASTY} e **grassetto {NASTY}**"),
            Paragraph(f"nota a piè {NASTY}", style="note"),
            Bullets((f"punto {NASTY}",)),
            Table(
                (f"intestazione {NASTY}", "valore"),
                (
                    (Cell(f"cella {NASTY}", status="raggiunto"), Cell("1,5", align="right")),
                    (Cell(f"gruppo {NASTY}", bold=True), Cell("2", align="center")),
                    (Cell("a **b** c"), Cell("PROG.INTEGR.FONDO.ANCORA.PIU.LUNGO")),
                ),
                caption=f"didascalia {NASTY}",
                widths=(3, 1),
                group_rows=frozenset({1}),
            ),
            Figure(svg, f"figura {NASTY}"),
            Heading(f"largo {NASTY}"),  # a chapter on a landscape page: its page(), no blank page before
            Table(("a", "b"), ((Cell(f"orizzontale {NASTY}"), Cell("3", align="right")),), landscape=True),
        ),
    )
    pdf = render_pdf_typst(doc, tmp_path / "prova.pdf")
    reader = PdfReader(pdf)
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    text = " ".join(pages)
    nasty = " ".join(NASTY.split())
    for label in ("titolo", "sottotitolo", "ente", "data", "nota"):
        assert f"{label} {nasty}" in pages[0], label
    for label in ("capitolo", "paragrafo", "grassetto", "nota a piè", "punto", "intestazione", "cella", "gruppo"):
        assert f"{label} {nasty}" in text, label
    for label in ("didascalia", "figura", "largo", "orizzontale"):
        assert f"{label} {nasty}" in text, label
    assert "a **b** c" in text  # in a cell the asterisks are text, as in pdf.py
    assert "PROG.INTEGR.FONDO.ANCORA.PIU.LUNGO" in re.sub(r"\s+", "", text)
    assert reader.metadata.title == f"titolo {nasty}"
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes[:-1] == [A4] * (len(sizes) - 1) and sizes[-1] == A4[::-1]  # no page 1 pt wide
    assert _blank_pages(pdf, f"titolo {nasty}") == []
    assert [t for t, _p in _bookmarks(pdf)] == [f"capitolo {nasty}", f"largo {nasty}"]  # no <lab> made a label


def test_a_compact_document_has_no_cover_and_no_contents(tmp_path):
    doc = Document(
        title="Scheda di valutazione",
        subtitle="Segretario generale, 2020",
        author="Camera di Commercio di Pistoia",
        blocks=(Heading("Obiettivi", level=2), Paragraph("Firma del valutatore.")),
        compact=True,
    )
    reader = PdfReader(render_pdf_typst(doc, tmp_path / "scheda.pdf"))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Scheda di valutazione" in text and "Firma del valutatore." in text and "1 / 1" in text
    assert "Indice" not in text
