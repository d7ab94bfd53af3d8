"""The Piano and the Relazione with the budget tables and the staff register: tables from the data."""

from __future__ import annotations

import pytest

from cruscotto.demo import ACTUALS, PLAN, demo_path
from cruscotto.documents.blocks import Heading, Table
from cruscotto.documents.piano import build_piano
from cruscotto.documents.relazione import build_relazione
from cruscotto.engine.rollup import score_plan
from cruscotto.files import load_plan
from cruscotto.files.bilancio import load_bilancio
from cruscotto.files.personale import read_personale
from cruscotto.files.values import read_actuals


@pytest.fixture(scope="module")
def data():
    loaded = load_plan(demo_path(PLAN))
    valori = read_actuals(demo_path(ACTUALS), into=loaded.valori)
    return (
        loaded.piano,
        valori,
        load_bilancio(demo_path("bilancio")),
        read_personale(demo_path("personale.csv")).dipendenti,
    )


def _text(doc) -> str:
    out = []
    for blk in doc.blocks:
        if isinstance(blk, Table):
            out += [blk.caption, " | ".join(blk.header)] + [" | ".join(c.text for c in row) for row in blk.rows]
        else:
            out.append(getattr(blk, "text", "") or " ".join(getattr(blk, "items", ())))
    return "\n".join(out)


def test_the_piano_takes_its_budget_and_staff_tables_from_the_data(data):
    piano, _valori, bilancio, registro = data
    typed = _text(build_piano(piano))
    computed = _text(build_piano(piano, bilancio=bilancio, personale=registro))
    # the seed's typed table is gone, the data's is there, with its disagreements marked
    assert (
        "VALORI COMPLESSIVI: PREVENTIVO ANNO 2020" in typed
        and "VALORI COMPLESSIVI: PREVENTIVO ANNO 2020" not in computed
    )
    assert (
        "3 Contributi trasferimenti e altre entrate | 87.600 | 131.877 | 400 | 2.000 | 3.000 | 126.477 | 131.877"
        in computed
    )
    assert (
        "-1.894.354 (*)" in computed
        and "Controlli: 12 segnalazioni (cifre stampate che non coincidono con le loro parti o con le misure)."
        in computed
    )
    assert "6.487.085 − 451.000 − 92.800 + 179.276 = 6.122.561" in computed
    # staff: a published document hides small counts. B has 2 women and 2 men in 2019 ("< 3"),
    # and D's 8 and 3 would give B away through the women's column: "riservato" (2016 shows all)
    assert "D | 11 | 4 | riservato | riservato | riservato | riservato | riservato | riservato" in computed
    assert "B | 3 | 4 | < 3 | riservato | < 3 | riservato | < 3 | < 3" in computed
    assert "Totale in ruolo | 38 | 14 | 32 | 13 | 31 | 12 | 29 | 11" in computed
    assert "% di Donne rispetto al totale del personale | 71,11% | 72,09% | 72,50%" in computed
    headings = [
        b.text for b in build_piano(piano, bilancio=bilancio, personale=registro).blocks if isinstance(b, Heading)
    ]
    assert (
        headings.index("1.3 Bilancio. Le risorse economiche")
        < headings.index("Preventivo economico 2020 per funzione istituzionale")
        < headings.index("2. Analisi del contesto esterno")
    )


def test_the_relazione_computes_its_gender_chapter(data):
    piano, valori, bilancio, registro = data
    result = score_plan(piano, anno=2020, valori=valori)
    text = _text(build_relazione(piano, result, bilancio=bilancio, personale=registro))
    assert "Gli indicatori dell'analisi di genere calcolati dal registro del personale al 31/12 (2017-2019)." in text
    assert "% part time rispetto al totale personale | 17,39% | 18,18% | 17,07%" in text
    without = _text(build_relazione(piano, result))
    assert "calcolati dal registro" not in without  # no register: the plan's narrative, as before


def test_the_command_line_builds_the_piano_with_the_data(tmp_path):
    from docx import Document as Docx
    from typer.testing import CliRunner

    from cruscotto.cli import app

    out = tmp_path / "piano.docx"
    args = [
        "report",
        "piano",
        demo_path(PLAN),
        "--year",
        "2020",
        "--format",
        "docx",
        "-o",
        str(out),
        "--bilancio",
        demo_path("bilancio"),
        "--personale",
        demo_path("personale.csv"),
    ]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    cells = {c.text for t in Docx(out).tables for row in t.rows for c in row.cells}
    assert "6.122.561" in cells and "-1.894.354 (*)" in cells
    bad = CliRunner().invoke(app, [*args[:-1], str(tmp_path / "nessuno.csv")])
    assert bad.exit_code == 1


def test_the_relazione_shows_the_use_of_the_programmes_budgets(data):
    from cruscotto.demo import MEASURES
    from cruscotto.files.values import read_measures

    piano, valori, bilancio, _registro = data
    measures = read_measures(demo_path(MEASURES)).misure_anno(2020)
    result = score_plan(piano, anno=2020, valori=valori)
    text = _text(build_relazione(piano, result, bilancio=bilancio, misure=measures))
    assert "Programma | Stanziato | Prenotato | Grado di utilizzo" in text
    assert (
        "Totale linea A | 350.050 | 323.446,20 | 92,40%" in text
        and "A.3 Azioni promozionali per la valorizzazione complessiva del territorio | 316.050 | 289.446,20 | 91,58%"
        in text
    )
    assert "Totale linea C" not in text  # no budget, nothing committed
    assert "Pareto" in text and "300,80" in text  # the ratios, computed from the measures that came with the tables
    nothing = _text(build_relazione(piano, result))
    assert (
        "Utilizzo delle risorse dei programmi" in nothing and "Totale linea A | 350.050 | — | —" in nothing
    )  # budgets known, nothing committed yet
    assert "Utilizzo delle risorse" not in _text(
        build_relazione(piano, score_plan(piano, anno=2021, valori=valori), misure=measures)
    )
