"""A long document drawn by Typst in parts (documents/typst_parts.py, issue 16) is the same PDF
as one compilation draws: the same pages with the same text (footer "n / N" and the Indice's
page numbers included), the same bookmarks and links, every table row once and in order, and
tags that hold together (every page's content reaches its elements, ids unique)."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from cruscotto.documents import typst_parts
from cruscotto.documents.blocks import Cell, Document, Heading, Paragraph, Table
from cruscotto.documents.relazione import build_relazione
from cruscotto.documents.typst_pdf import render_pdf_typst
from cruscotto.engine.batch import synthetic, to_plans
from cruscotto.engine.rollup import score_plan

pytest.importorskip("typst")
pikepdf = pytest.importorskip("pikepdf")

# 600 indicators: the Relazione's body, then an annex table of 600 rows. With parts of about 400
# rows the first part ends before a chapter and the second inside the annex table.
INDICATORS, PART_ROWS = 600, 400


@pytest.fixture(scope="module")
def relazione():
    ((plan, valori),) = to_plans(synthetic(1, INDICATORS, seed=2020))
    return build_relazione(plan, score_plan(plan, anno=2020, valori=valori))


@pytest.fixture(scope="module")
def pdfs(relazione, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parts")
    one = render_pdf_typst(relazione, tmp / "one.pdf", part_rows=10**9)
    # Not through render_pdf_typst, which would fall back to one compilation if the parts failed.
    parts = tmp / "parts.pdf"
    parts.write_bytes(typst_parts.render_in_parts(relazione, PART_ROWS))
    return one, parts


def test_the_parts_cut_before_a_chapter_and_inside_a_table(relazione):
    parts = typst_parts._body_parts(relazione, PART_ROWS)
    assert [p.inside_table for p in parts] == [False, True, False]


def test_every_page_has_the_same_text(pdfs):
    one, parts = (PdfReader(p) for p in pdfs)
    assert len(parts.pages) == len(one.pages) > 40
    for i, (a, b) in enumerate(zip(one.pages, parts.pages, strict=True)):
        assert b.extract_text() == a.extract_text(), f"page {i + 1}"


def test_footers_number_every_page_but_the_cover(pdfs):
    reader = PdfReader(pdfs[1])
    n = len(reader.pages)
    assert not re.search(r"\d+ / \d+", reader.pages[0].extract_text())
    for i, page in enumerate(reader.pages[1:], start=2):
        assert page.extract_text().rstrip().endswith(f"{i} / {n}"), f"page {i}"


def test_the_stamped_footers_are_pagination_artifacts(pdfs):
    """A screen reader skips them, as it skips the footers Typst draws itself."""
    with pikepdf.open(pdfs[1]) as pdf:
        for page in pdf.pages[1:]:
            contents = b"".join(c.read_bytes() for c in page.obj.Contents)
            assert b"/Artifact <</Attached [/Bottom] /Subtype /Footer /Type /Pagination>> BDC" in contents
            assert contents.rstrip().endswith(b"/CruscottoFooter Do Q EMC")


def _bookmarks(reader, items=None, level=1):
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            yield from _bookmarks(reader, item, level + 1)
        else:
            yield level, item.title, reader.get_destination_page_number(item), round(float(item.top), 1)


def _links(reader):
    """The Indice's links: the page and height each goes to."""
    for page in reader.pages[:3]:
        for annot in page.get("/Annots", []):
            dest = annot.get_object()["/Dest"]
            yield reader.get_page_number(dest[0].get_object()), round(float(dest[3]), 1)


def test_bookmarks_and_the_indices_links_go_where_they_went(pdfs, relazione):
    one, parts = (PdfReader(p) for p in pdfs)
    assert list(_bookmarks(parts)) == list(_bookmarks(one))
    assert len(list(_bookmarks(parts))) == sum(isinstance(b, Heading) for b in relazione.blocks)
    assert list(_links(parts)) == list(_links(one))
    assert len(list(_links(parts))) > 10


def _rows(pdf):
    """The tags' table rows (body rows, not the header's), each as the text of its cells'
    marked content ids, in reading order, with the page each is on."""
    pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    out = []
    for e in typst_parts._elements(typst_parts._document(pdf)):
        if e.S == "/TBody":
            out += [pages[typst_parts._page_of(tr)] for tr in typst_parts._kids(e)]
    return out


def test_every_row_is_tagged_once_in_order(pdfs, relazione):
    with pikepdf.open(pdfs[0]) as one, pikepdf.open(pdfs[1]) as parts:
        rows = _rows(parts)
        assert rows == _rows(one)  # the same rows on the same pages
        assert len(rows) == sum(len(b.rows) for b in relazione.blocks if isinstance(b, Table))


def test_the_tags_hold_together(pdfs):
    with pikepdf.open(pdfs[1]) as pdf:
        assert pdf.Root.MarkInfo.Marked
        tree = pdf.Root.StructTreeRoot
        document = typst_parts._document(pdf)
        elements = {e.objgen: e for e in typst_parts._elements(document)}
        for parent in [document, *elements.values()]:
            assert all(kid.P.objgen == parent.objgen for kid in typst_parts._kids(parent))
        pages = {p.obj.objgen for p in pdf.pages}
        assert all(e.Pg.objgen in pages for e in elements.values() if "/Pg" in e)
        # The parent tree: keys 0..n-1, one per page (and link); a page's key gives elements of
        # the tree, some of them on that page.
        nums = tree.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert keys == list(range(len(keys))) and int(tree.ParentTreeNextKey) == len(keys)
        page_keys = [int(p.obj.StructParents) for p in pdf.pages]
        assert len(set(page_keys)) == len(page_keys)
        for page, key in zip(pdf.pages, page_keys, strict=True):
            marked = [e for e in nums[2 * key + 1] if isinstance(e, pikepdf.Dictionary)]
            assert all(e.objgen in elements for e in marked)
            assert not marked or any(typst_parts._page_of(e) == page.obj.objgen for e in marked)
        # The header cells' ids: unique over the parts, and every data cell's headers among them.
        ids = [str(x) for x in tree.IDTree.Names[::2]]
        assert len(ids) == len(set(ids)) > 0
        headers = set()
        for e in elements.values():
            attrs = e.get("/A")
            for attr in attrs if isinstance(attrs, pikepdf.Array) else [attrs]:
                if isinstance(attr, pikepdf.Dictionary) and "/Headers" in attr:
                    headers |= {str(h) for h in attr.Headers}
        assert headers and headers <= set(ids)


def _table(n: int, landscape: bool, name: str) -> Table:
    # Rows of one, two and three lines, a group row now and then, a status: pages hold
    # different numbers of rows, so a cut falls anywhere.
    rows = tuple(
        (
            Cell(f"{name} {i}" + " con un nome che va a capo nella sua colonna" * (i % 3), bold=i % 17 == 0),
            Cell(f"{i * 7 % 101},{i % 10}", align="right"),
            Cell("raggiunto" if i % 2 else "non raggiunto", status="raggiunto" if i % 2 else "non_raggiunto"),
        )
        for i in range(n)
    )
    return Table(
        header=("Indicatore", "Valore", "Stato"),
        rows=rows,
        caption=f"{name}: {n} righe",
        widths=(6, 2, 2),
        group_rows=frozenset(range(0, n, 40)),
        landscape=landscape,
    )


def test_a_cut_inside_a_landscape_table_and_one_inside_a_portrait_table(tmp_path, monkeypatch):
    blocks = (
        Heading("1. Ritratto"),
        Paragraph("Una tabella lunga in verticale."),
        _table(420, False, "Verticale"),
        Heading("2. Paesaggio", landscape=True),
        _table(420, True, "Orizzontale"),
        Heading("3. Fine"),
        Paragraph("Fine del documento."),
    )
    doc = Document(title="Prova", subtitle="Parti", author="Ente", blocks=blocks, date_text="2026")
    cuts = []
    plan_end = typst_parts._plan_end

    def spy(doc, start, budget):
        end, inside = plan_end(doc, start, budget)
        if inside:
            cuts.append(doc.blocks[end[0]].landscape)
        return end, inside

    monkeypatch.setattr(typst_parts, "_plan_end", spy)
    (tmp_path / "parts.pdf").write_bytes(typst_parts.render_in_parts(doc, 300))
    assert True in cuts and False in cuts
    one = PdfReader(render_pdf_typst(doc, tmp_path / "one.pdf", part_rows=10**9))
    parts = PdfReader(tmp_path / "parts.pdf")
    assert len(parts.pages) == len(one.pages)
    for i, (a, b) in enumerate(zip(one.pages, parts.pages, strict=True)):
        assert (b.mediabox.width, b.mediabox.height) == (a.mediabox.width, a.mediabox.height), f"page {i + 1}"
        assert b.extract_text() == a.extract_text(), f"page {i + 1}"
    assert list(_bookmarks(parts)) == list(_bookmarks(one))
