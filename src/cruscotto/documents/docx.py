"""Blocks -> DOCX with python-docx: an editable document (bodies revise the text before adoption).

Same content as the PDF. A figure is embedded twice, as Office 2016 and later
do themselves: the SVG drawing (``asvg:svgBlip``, vector, used by Word 2016+ and
LibreOffice) with a PNG rendered from the same SVG by resvg as the fallback
that any older reader shows.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document as Docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .blocks import Bullets, Document, Figure, Heading, PageBreak, Paragraph, Table
from .pdf import STATUS_COLOURS, _font_dir

SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # the Office extension that carries an SVG picture
ASVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def svg_to_png(svg: str, width_px: int) -> bytes:
    """The SVG as PNG, drawn with the fonts the PDF embeds (no system font needed)."""
    import resvg_py

    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            width=width_px,
            background="#ffffff",
            skip_system_fonts=True,
            font_dirs=[str(_font_dir())],
            font_family="Titillium Web",
            sans_serif_family="Titillium Web",
        )
    )


def _add_figure(d, fig: Figure) -> None:
    from io import BytesIO

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    width = Cm(min(fig.width_cm, 17.0))
    png = svg_to_png(fig.svg, width_px=int(min(fig.width_cm, 17.0) / 2.54 * 200))  # 200 dpi
    par = d.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = par.add_run()
    shape = run.add_picture(BytesIO(png), width=width)
    n = len([p for p in d.part.package.iter_parts() if p.partname.endswith(".svg")]) + 1
    svg_part = Part(PackURI(f"/word/media/figura{n}.svg"), "image/svg+xml", fig.svg.encode("utf-8"), d.part.package)
    rid = d.part.relate_to(svg_part, RT.IMAGE)
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    ext_lst = OxmlElement("a:extLst")
    ext = OxmlElement("a:ext")
    ext.set("uri", SVG_EXT_URI)
    svg_blip = ext.makeelement(f"{{{ASVG_NS}}}svgBlip", nsmap={"asvg": ASVG_NS})
    svg_blip.set(qn("r:embed"), rid)
    ext.append(svg_blip)
    ext_lst.append(ext)
    blip.append(ext_lst)
    # The caption: the figure's text alternative for readers that show neither picture.
    shape._inline.docPr.set("descr", fig.caption)


def _runs(par, text: str, size: float | None = None, italic: bool = False) -> None:
    for i, chunk in enumerate(re.split(r"\*\*(.+?)\*\*", text)):
        if not chunk:
            continue
        run = par.add_run(chunk)
        run.bold = i % 2 == 1
        run.italic = italic
        if size:
            run.font.size = Pt(size)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _keep_row_together(row) -> None:
    """A row is not split across two pages (as the PDF's ``tr { page-break-inside: avoid }``)."""
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _shade(cell, hex_colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_colour)
    tc_pr.append(shd)


def _toc_field(d) -> None:
    """A real table-of-contents field: Word and LibreOffice fill it in when fields are updated."""
    par = d.add_paragraph()
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "Indice: aggiornare i campi (F9) per compilarlo."
    run.append(text)
    fld.append(run)
    par._p.append(fld)


def render_docx(doc: Document, out: str | Path) -> Path:
    out = Path(out)
    d = Docx()
    styles = d.styles
    styles["Normal"].font.name = "Titillium Web"
    styles["Normal"].font.size = Pt(10.5)
    section = d.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.8)
    d.core_properties.title = doc.title
    d.core_properties.author = doc.author
    d.core_properties.language = doc.language

    p = d.add_paragraph()
    _runs(p, doc.author, 16)
    d.add_heading(doc.title, level=0)
    p = d.add_paragraph()
    _runs(p, doc.subtitle, 14)
    if doc.date_text:
        d.add_paragraph(doc.date_text)
    if doc.draft_note:
        p = d.add_paragraph()
        _runs(p, doc.draft_note, italic=True)
    if not doc.compact:
        d.add_page_break()
        d.add_heading("Indice", level=1)
        _toc_field(d)
        d.add_page_break()

    first_chapter = True
    for b in doc.blocks:
        if isinstance(b, Heading):
            if b.level == 1 and not first_chapter:
                d.add_page_break()
            first_chapter = first_chapter and b.level != 1
            d.add_heading(b.text, level=min(b.level, 3))
        elif isinstance(b, Paragraph):
            par = d.add_paragraph()
            _runs(par, b.text, 9 if b.style in ("note", "small") else None, italic=b.style == "note")
        elif isinstance(b, Bullets):
            for item in b.items:
                _runs(d.add_paragraph(style="List Bullet"), item)
        elif isinstance(b, Table):
            t = d.add_table(rows=1, cols=len(b.header))
            t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            hdr = t.rows[0]
            _repeat_header(hdr)
            for cell, text in zip(hdr.cells, b.header):
                cell.text = ""
                _runs(cell.paragraphs[0], f"**{text}**", 9)
                _shade(cell, "E8F0F8")
            for i, row in enumerate(b.rows):
                added = t.add_row()
                _keep_row_together(added)
                cells = added.cells
                for cell, c in zip(cells, row):
                    cell.text = ""
                    par = cell.paragraphs[0]
                    run = par.add_run(c.text)
                    run.font.size = Pt(8.5)
                    run.bold = c.bold or i in b.group_rows
                    if c.status in STATUS_COLOURS:
                        run.font.color.rgb = RGBColor.from_string(STATUS_COLOURS[c.status].lstrip("#").upper())
                        run.bold = True
                    if c.align == "right":
                        par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    elif c.align == "center":
                        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    if i in b.group_rows:
                        _shade(cell, "F2F7FC")
            if b.widths:
                total = sum(b.widths)
                for col, w in zip(t.columns, b.widths):
                    for cell in col.cells:
                        cell.width = Cm(17.4 * w / total)
            if b.caption:
                cap = d.add_paragraph()
                _runs(cap, b.caption, 8.5, italic=True)
        elif isinstance(b, Figure):
            _add_figure(d, b)
            cap = d.add_paragraph()
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _runs(cap, b.caption, 9, italic=True)
        elif isinstance(b, PageBreak):
            d.add_page_break()
    d.save(str(out))
    return out
