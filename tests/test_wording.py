"""Issue 14, wording: what the documents and pages say is Italian as people write it."""

from __future__ import annotations

from cruscotto.documents.relazione import _conteggi


def test_the_relazione_counts_only_what_there_is_with_real_plurals():
    text = _conteggi(50, {"raggiunto": 40, "parzialmente_raggiunto": 0, "non_raggiunto": 1, "senza_dati": 9})
    assert text == "Dei 50 indicatori del cruscotto di ente: 40 raggiunti, 1 non raggiunto e 9 senza dati."
    assert " 0 " not in text  # no "0 parzialmente raggiunti … e 0 in attesa"
    assert _conteggi(1, {"raggiunto": 1}) == "Dell'unico indicatore del cruscotto di ente: 1 raggiunto."


def test_the_piano_cover_does_not_repeat_its_title():
    from cruscotto.demo import demo_path
    from cruscotto.documents.piano import build_piano
    from cruscotto.files import load_plan

    piano = load_plan(demo_path()).piano
    doc = build_piano(piano)
    assert doc.title == "Piano della performance 2020-2022" and doc.subtitle == ""


def test_weights_are_reported_with_singulars_plurals_and_the_article():
    from cruscotto.engine.rollup import effective_weights

    _w, warnings = effective_weights([None, 70.0], "sezione X")
    assert warnings == ["sezione X: 1 peso mancante: gli si attribuisce il residuo, 30%"]
    _w, warnings = effective_weights([None, None, 40.0], "sezione X")
    assert warnings == ["sezione X: 2 pesi mancanti: si attribuisce il residuo, 30% ciascuno"]
    _w, warnings = effective_weights([40.0, 40.0], "sezione X")
    assert warnings == ["sezione X: i pesi sommano all'80% invece che al 100%"]


def test_the_ente_is_named_with_its_article():
    from cruscotto.engine.model import Ente

    assert Ente("PT", "Camera di Commercio di Pistoia", "la").di() == "della Camera di Commercio di Pistoia"
    assert Ente("X", "Comune di Prato", "il").di() == "del Comune di Prato"
    assert Ente("X", "Agenzia delle Entrate", "l'").di() == "dell'Agenzia delle Entrate"
    assert Ente("X", "Ente senza articolo").di() == "di Ente senza articolo"


def test_the_article_is_read_checked_and_written_back(tmp_path):
    import pytest

    from cruscotto.engine.errors import PlanError
    from cruscotto.files import load_plan, save_plan

    base = (
        "formato: cruscotto/piano@1\nente:\n  codice: X\n  nome: Comune di Prato\n  articolo: {a}\n"
        "piano:\n  titolo: Piano\n  anni: [2024]\n"
    )
    good = tmp_path / "piano.yaml"
    good.write_text(base.format(a="il"))
    piano = load_plan(good).piano
    assert piano.ente.articolo == "il"
    out = tmp_path / "copia.yaml"
    save_plan(piano, out)
    assert load_plan(out).piano.ente.di() == "del Comune di Prato"
    bad = tmp_path / "errato.yaml"
    bad.write_text(base.format(a="della"))
    with pytest.raises(PlanError, match="articolo"):
        load_plan(bad)
