"""The PIAO as a document (issue 17): the template's order, 2.2 the seed's plan, 2.3 the demo's
invented register labelled as such, sections without data saying so in their place."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from cruscotto.demo import demo_path
from cruscotto.documents.build import Inputs, build
from cruscotto.documents.piao import NON_COMPILATA, DatiPiao
from cruscotto.engine.scoring import Valori
from cruscotto.files import load_plan
from cruscotto.files.personale import read_personale
from cruscotto.files.rischi import load_sezione23

PIAO = Path(demo_path("piao"))


@pytest.fixture(scope="module")
def inputs():
    plan = load_plan(demo_path()).piano
    s = load_sezione23(PIAO / f"{t}.csv" for t in ("processi", "eventi", "valutazioni", "misure", "obblighi"))
    return Inputs(
        piano=plan,
        anno=2021,
        valori=Valori(),
        personale=read_personale(demo_path("personale.csv")).dipendenti,
        piao=DatiPiao(s.registro, s.obblighi, inventata=True),
    )


def _text(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


def test_the_pdf_follows_the_template_and_says_what_is_missing(inputs, tmp_path):
    out = tmp_path / "piao.pdf"
    title = build("piao", "pdf", inputs, out)
    assert title == "Piano integrato di attività e organizzazione 2021-2023"
    text = _text(out)
    # the template's sections in their order (the outline, then the body)
    body = text[text.index("Premessa", text.index("Premessa") + 1) :]
    order = [
        "1. Scheda anagrafica dell'amministrazione",
        "2.1 Valore pubblico",
        "2.2 Performance",
        "2.3 Rischi corruttivi e trasparenza",
        "3.1 Struttura organizzativa",
        "3.2 Organizzazione del lavoro agile",
        "3.3 Piano triennale dei fabbisogni di personale",
        "4. Monitoraggio",
    ]
    places = [body.index(h) for h in order]
    assert places == sorted(places)
    # 2.1 has no data yet: said in its place, and so for 3.2 and 3.3
    assert body.count(NON_COMPILATA) == 4  # 2.1, 3.2, 3.3, training
    # the scheda's staff count: the register's at 31/12 of the year before the PIAO; the demo's
    # register stops at 2019, whose 41 people are given, with the year said
    assert "Personale in servizio al 31/12/2019 (l'ultimo anno del registro del personale) 41" in body
    # 2.2 is the seed's plan: one of its objectives and an indicator
    assert "Consolidare la cultura della trasparenza e della legalità" in body
    # 2.3: the invented register, labelled, with its processes, measures and obligations
    assert "Dati inventati per la dimostrazione" in body and "sezione 2.3 inventata" in text
    for code in ("PR-01", "RM-01-E1", "MS-03", "OB-12"):
        assert code in body, code
    # 4: who monitors what, from DM 132/2022 art. 5
    assert "L. 190/2012, art. 1, c. 14" in body


def test_the_docx_holds_the_same_sections(inputs, tmp_path):
    out = tmp_path / "piao.docx"
    build("piao", "docx", inputs, out)
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode()
    for h in ("2.3 Rischi corruttivi e trasparenza", "Misure di prevenzione", "4. Monitoraggio"):
        assert h in xml, h


def test_without_2_3_the_section_says_it_is_not_compiled(inputs, tmp_path):
    from dataclasses import replace

    out = tmp_path / "piao.pdf"
    build("piao", "pdf", replace(inputs, piao=None), out)
    text = _text(out)
    assert f"2.3 Rischi corruttivi e trasparenza {NON_COMPILATA}" in text
    assert "MS-03" not in text and "inventat" not in text
