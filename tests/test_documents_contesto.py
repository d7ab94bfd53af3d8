"""The Piano with the context data: chapters 1 and 2 take their tables from the data."""

from __future__ import annotations

import pytest
from docx import Document as Docx
from pypdf import PdfReader
from typer.testing import CliRunner

from cruscotto.cli import app
from cruscotto.demo import PLAN, demo_path
from cruscotto.documents.blocks import Heading, Table
from cruscotto.documents.contesto import quota_italiana
from cruscotto.documents.docx import render_docx
from cruscotto.documents.pdf import render_pdf
from cruscotto.documents.piano import build_piano
from cruscotto.files import load_plan
from cruscotto.files.contesto import load_contesto
from cruscotto.files.personale import read_personale


@pytest.fixture(scope="module")
def data():
    return load_plan(demo_path(PLAN)).piano, load_contesto(demo_path("contesto"))


@pytest.fixture(scope="module")
def piano_pdf_contesto(data, tmp_path_factory):
    piano, contesto = data
    out = tmp_path_factory.mktemp("pdf") / "piano.pdf"
    render_pdf(build_piano(piano, contesto=contesto), out)
    reader = PdfReader(out)
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def _tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def _chapter(doc, start: str, end: str) -> list:
    texts = [b.text if isinstance(b, Heading) else None for b in doc.blocks]
    return list(doc.blocks[texts.index(start) : texts.index(end)])


def test_the_shares_are_printed_in_italian_with_their_decimals(data):
    _piano, contesto = data
    assert [quota_italiana(p) for p in contesto.partecipate[:4]] == ["0,014%", "0,001%", "0,087%", "0,21%"]


def test_chapter_1_takes_organs_structure_map_and_partecipate_from_the_data(data):
    piano, contesto = data
    doc = build_piano(piano, contesto=contesto)
    ch1 = _chapter(doc, "1. Presentazione della Camera di Commercio di Pistoia", "2. Analisi del contesto esterno")
    tables = [b for b in ch1 if isinstance(b, Table)]
    captions = [t.caption for t in tables]
    for caption in (
        "Principali attività per area",
        "Organi dell'ente e organismi di cui si avvale",
        "Struttura organizzativa",
        "Società partecipate",
    ):
        assert captions.count(caption) == 1, caption
    mappa = next(t for t in tables if t.caption.startswith("Mappa degli stakeholder"))
    assert mappa.header[:3] == ("Gruppo", "Stakeholder", "Imprese Territorio: Servizi Anagrafico-certificativi")
    sapere = next(r for r in mappa.rows if r[1].text == "Sistema del sapere e della cultura")
    assert [c.text for c in sapere[2:]] == ["", "", "●", "", "", ""]
    # the typed tables they replace are gone: one partecipate table, one map, no typed organs list
    assert sum(1 for t in tables if any("codice fiscale" in h.lower() for h in t.header)) == 1
    assert sum(1 for t in tables if any("stakeholder" in h.lower() for h in t.header)) == 1
    partecipate = next(t for t in tables if t.caption == "Società partecipate")
    assert [c.text for c in partecipate.rows[0]] == ["1 - D", "Firenze Fiera s.p.a.", "04933280481", "0,014%"]
    # each in its own sub-section of the narrative, in the seed's order
    headings = [b.text for b in ch1 if isinstance(b, Heading)]
    assert headings.index("GLI ORGANI") < headings.index("STRUTTURA ORGANIZZATIVA") < headings.index("PARTECIPATE")
    i = ch1.index(partecipate)
    assert [b.text for b in ch1[:i] if isinstance(b, Heading)][-1] == "PARTECIPATE"
    # the staff tables stay the narrative's without the register, and go with it
    assert any(t.header[:2] == ("NUMERO", "CATEGORIA giuridica") for t in tables)
    registro = read_personale(demo_path("personale.csv")).dipendenti
    with_staff = _tables(build_piano(piano, contesto=contesto, personale=registro))
    assert not any(t.header[:2] == ("NUMERO", "CATEGORIA giuridica") for t in with_staff)
    assert sum(1 for t in with_staff if t.caption == "Società partecipate") == 1


def test_chapter_2_prints_the_tables_in_place_and_the_quoted_figures_after_the_text(data):
    piano, contesto = data
    doc = build_piano(piano, contesto=contesto)
    ch2 = _chapter(doc, "2. Analisi del contesto esterno", "3. Pianificazione")
    tables = [b for b in ch2 if isinstance(b, Table)]
    assert len(tables) == len(contesto.tabelle) == 11  # the three printed ones once each, and the eight from the prose
    export = next(t for t in tables if t.caption.startswith("Primi 10 prodotti per valore esportato – anno 2018"))
    assert "Fonte:Istat" in export.caption and [c.text for c in export.rows[0]] == [
        "Piante vive",
        "242.098.890",
        "18,0",
        "3,0",
    ]
    heads = [b.text for b in ch2 if isinstance(b, Heading)]
    assert (
        heads.index("Il Commercio estero")
        < heads.index("ELEMENTI DI CARATTERE NORMATIVO")
        < heads.index("Il contesto esterno in cifre")
    )
    # the printed table stays where the seed prints it, under its sub-section
    assert [b.text for b in ch2[: ch2.index(export)] if isinstance(b, Heading)][-1] == "Il Commercio estero"
    assert any(
        "le colonne «2012» e «2015» riportano le stesse cifre" in item for b in ch2 for item in getattr(b, "items", ())
    )
    # without the data, the chapter is the narrative as before
    assert (
        len(
            [
                b
                for b in _chapter(build_piano(piano), "2. Analisi del contesto esterno", "3. Pianificazione")
                if isinstance(b, Table)
            ]
        )
        == 3
    )


def test_the_piano_pdf_carries_the_context(piano_pdf_contesto):
    text = piano_pdf_contesto
    assert "Firenze Fiera s.p.a." in text and "04933280481" in text and "0,014%" in text
    assert "Borsa Merci telematica Italiana" in text and "06044201009" in text
    assert "Sistema del sapere e della cultura" in text and "Mappa degli stakeholder" in text
    assert "Il contesto esterno in cifre" in text and "Esportazioni 2018 per area e paese di destinazione" in text


def test_the_piano_docx_carries_the_context(data, tmp_path):
    piano, contesto = data
    out = tmp_path / "piano.docx"
    render_docx(build_piano(piano, contesto=contesto), out)
    doc = Docx(out)
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {
        "Firenze Fiera s.p.a.",
        "04933280481",
        "0,014%",
        "Sistema del sapere e della cultura",
        "IL CONSIGLIO CAMERALE",
    } <= cells
    assert "Il contesto esterno in cifre" in {p.text for p in doc.paragraphs}


def test_cli_report_piano_with_the_context(demo_plan_path, tmp_path):
    out = tmp_path / "piano.docx"
    r = CliRunner().invoke(
        app,
        [
            "report",
            "piano",
            str(demo_plan_path),
            "--year",
            "2020",
            "--format",
            "docx",
            "-o",
            str(out),
            "--contesto",
            str(demo_path("contesto")),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "00140570466" in {c.text for t in Docx(out).tables for row in t.rows for c in row.cells}
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "partecipate.csv").write_text("nome;codice_fiscale;quota\nFiera;04933280481;tanta\n", encoding="utf-8")
    r = CliRunner().invoke(
        app,
        [
            "report",
            "piano",
            str(demo_plan_path),
            "--year",
            "2020",
            "--format",
            "docx",
            "-o",
            str(out),
            "--contesto",
            str(bad),
        ],
    )
    assert r.exit_code == 1 and "partecipate.csv" in r.output


def test_the_relazione_carries_organs_partecipate_and_the_printed_context_tables(data, demo_plan_path, tmp_path):
    from cruscotto.documents.relazione import build_relazione
    from cruscotto.engine.rollup import score_plan

    piano, contesto = data
    doc = build_relazione(piano, score_plan(piano, anno=2020), contesto=contesto)
    chapter = _chapter(doc, "2. Il contesto e le risorse", "3. La performance organizzativa")
    headings = [b.text for b in chapter if isinstance(b, Heading)]
    assert headings[headings.index("Gli organi") :][:3] == ["Gli organi", "Le partecipate", "Il contesto esterno"]
    tables = [b for b in chapter if isinstance(b, Table)]
    assert ("Firenze Fiera s.p.a.", "04933280481", "0,014%") in {
        (r[1].text, r[2].text, r[3].text) for t in tables for r in t.rows if len(r) == 4
    }
    printed = [t for t in contesto.tabelle if t.origine == "tabella"]
    assert len(printed) == 3 and all(any(t.titolo in (b.caption or "") for b in tables) for t in printed)
    without = build_relazione(piano, score_plan(piano, anno=2020))
    assert "Le partecipate" not in [b.text for b in without.blocks if isinstance(b, Heading)]
    # and from the command line
    out = tmp_path / "relazione.docx"
    r = CliRunner().invoke(
        app,
        [
            "report",
            "relazione",
            str(demo_plan_path),
            "--year",
            "2020",
            "--format",
            "docx",
            "-o",
            str(out),
            "--contesto",
            str(demo_path("contesto")),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "04933280481" in {c.text for t in Docx(out).tables for row in t.rows for c in row.cells}
