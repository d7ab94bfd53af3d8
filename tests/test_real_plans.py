"""Whole real plans of other bodies, transcribed as printed (tests/data/piani_reali/*/FONTE.md).

They are national three-year plans with expected results and yearly targets (AgID's Piano
triennale per l'informatica 2020-2022; the Piano operativo of the Strategia nazionale per le
competenze digitali), not Pistoia's: levels it does not have, codes repeated under their
objectives, targets written as sentences, baselines and variations over them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cruscotto.engine.rollup import score_plan
from cruscotto.engine.scoring import Consuntivo, Stato
from cruscotto.engine.targets import TargetKind
from cruscotto.engine.validation import validate_plan
from cruscotto.files import load_plan

PLANS = Path(__file__).parent / "data" / "piani_reali"
AGID = PLANS / "agid-piano-triennale-2020-2022" / "piano.csv"
DTD = PLANS / "dtd-competenze-digitali-2020" / "piano.csv"


@pytest.mark.parametrize("folder", sorted(p for p in PLANS.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_each_plan_keeps_its_source_and_loads_whole(folder):
    source = (folder / "FONTE.md").read_text(encoding="utf-8")
    assert "https://" in source
    loaded = load_plan(folder / "piano.csv")
    assert sum(1 for _ in loaded.piano.indicatori()) >= 25
    # The sheet's codes stay unique: repeated ones are qualified by their objective.
    codes = [i.codice for i in loaded.piano.indicatori()]
    assert len(codes) == len(set(codes))


def test_the_national_skills_plan_has_no_target_error():
    problems = validate_plan(load_plan(DTD).piano)
    assert [p for p in problems if p.severity == "error"] == []
    # Its "RO 1.1" … are printed twice, under different objectives: full codes tell them apart.
    codes = {i.codice for i in load_plan(DTD).piano.indicatori()}
    assert any(c.endswith("/RO 1.1") for c in codes)


def test_the_agid_plan_reads_all_but_four_targets_and_names_them():
    loaded = load_plan(AGID)
    errors = [p for p in validate_plan(loaded.piano) if p.severity == "error"]
    # Three sentences with several figures and no threshold per part (never read for their
    # first number), and one yes/no target the transcription put on a numeric indicator.
    assert sorted(p.where for p in errors) == [
        "indicatore R.A.1.2c, target 2022",
        "indicatore R.A.3.1c, target 2021",
        "indicatore R.A.3.1c, target 2022",
        "indicatore R.A.8.3a, target 2020",
    ]
    kinds = {t.tipo for i in loaded.piano.indicatori() for t in i.target.values()}
    assert {TargetKind.BASELINE, TargetKind.RELATIVO, TargetKind.NUMERO, TargetKind.MULTIPLO} <= kinds


def test_the_agid_plans_first_year_builds_baselines_and_says_so():
    loaded = load_plan(AGID)
    result = score_plan(loaded.piano, anno=2020, valori=loaded.valori)
    c = result.copertura
    assert (c.totale, c.valutati, c.baseline, c.non_valutabili) == (47, 0, 18, 2)
    assert c.senza_dati == 27 and result.achievement is None
    assert c.testo() == "0 indicatori valutati su 20 con dati, 2 non valutabili, 18 in costruzione della baseline, 27 senza dati"


def test_a_target_relative_to_the_baseline_resolves_from_the_baseline_years_actual():
    loaded = load_plan(AGID)
    piano, valori = loaded.piano, loaded.valori
    ind = next(
        i for i in piano.indicatori()
        if i.target.get(2020) and i.target[2020].tipo is TargetKind.BASELINE
        and i.target.get(2021) and i.target[2021].tipo is TargetKind.RELATIVO and i.target[2021].variazione == "percentuale"
        and valori.consuntivo(i.codice, 2020) is not None
    )
    base = valori.consuntivo(ind.codice, 2020).valore
    t = ind.target[2021]
    figure = base * (1 + t.valore / 100)
    valori.consuntivi[(ind.codice, 2021, "")] = Consuntivo(figure)
    r = score_plan(piano, anno=2021, valori=valori).indicatore(ind.codice)
    assert r.achievement == pytest.approx(100.0) and r.stato is Stato.RAGGIUNTO
    assert any("anno di costruzione della baseline" in s for s in r.trace["passi"])


def test_a_target_not_read_is_named_by_the_sheets_row_column_and_text():
    loaded = load_plan(AGID)
    errors = [p for p in loaded.locate(validate_plan(loaded.piano)) if p.severity == "error"]
    where = {p.where: p.message for p in errors}
    message = where["piano.csv, riga 18, colonna Target 2021 (indicatore R.A.3.1c)"]
    assert "'Incremento di 10 nuove Amministrazioni" in message and "descrittivo" in message
