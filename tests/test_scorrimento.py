"""The yearly update of the seed's three-year plan (scorrimento): 2020-2022 becomes 2021-2023."""

from __future__ import annotations

import pytest

from cruscotto.demo import PLAN, demo_path
from cruscotto.engine.model import Piano
from cruscotto.engine.rollup import score_plan
from cruscotto.engine.scorrimento import scorri
from cruscotto.engine.validation import validate_plan
from cruscotto.files import load_plan


@pytest.fixture(scope="module")
def seed() -> Piano:
    return load_plan(demo_path(PLAN)).piano


def test_the_window_moves_one_year_on(seed):
    new, notes = scorri(seed)
    assert seed.anni == (2020, 2021, 2022)
    assert new.anni == (2021, 2022, 2023)
    assert "2021-2023" in new.titolo and "2020-2022" not in new.titolo
    old = {i.codice: i for i in seed.indicatori()}
    shifted = {i.codice: i for i in new.indicatori()}
    assert shifted.keys() == old.keys()  # the tree is the same
    for code, i in shifted.items():
        assert 2020 not in i.target  # the year that leaves
        assert 2023 not in i.target  # the year that enters: to be given
        for year in (2021, 2022):
            assert i.target.get(year) == old[code].target.get(year)
        assert i.storico == old[code].storico and i.peso == old[code].peso
    # the seed's printed target for 2021 of the promotion indicator stays, as printed
    assert shifted["B.2.1-1"].target[2021].testo == old["B.2.1-1"].target[2021].testo


def test_what_the_draft_lacks_is_said(seed):
    new, notes = scorri(seed)
    with_targets = [i.codice for i in seed.indicatori() if i.target]
    first = notes[0]
    assert first.startswith(f"{len(with_targets)} indicatori senza target per il 2023")
    # the year's scorecard and fund stay with the 2020 plan: their figures are 2020's
    assert new.fondo is None and seed.fondo is not None and seed.fondo.anno == 2020
    assert not new.schede_individuali
    assert any("fondo del 2020 resta al piano 2020-2022" in n for n in notes)
    assert any("scheda individuale" in n for n in notes)
    # a missing target is a warning, not an error: the draft can be completed, then adopted
    problems = validate_plan(new)
    assert not [p for p in problems if p.severity == "error"]
    assert 0 < sum(1 for p in problems if p.code == "target_mancante" and "2023" in p.message) <= len(with_targets)


def test_the_update_scores_its_first_year_with_the_old_targets(seed):
    from cruscotto.demo import ACTUALS
    from cruscotto.files.values import read_actuals

    values = read_actuals(demo_path(ACTUALS))
    new, _notes = scorri(seed)
    # the demo's values are of 2020: the new plan has no 2020 target, so only what is scored by
    # its milestones' dates (one indicator) still is
    assert score_plan(seed, anno=2020, valori=values).copertura.valutati == 50
    assert score_plan(new, anno=2020, valori=values).copertura.valutati == 1
    r = score_plan(new, anno=2021)
    assert r.copertura.totale == score_plan(seed, anno=2021).copertura.totale


def test_a_title_without_the_years_is_kept_and_said(seed):
    from dataclasses import replace

    new, notes = scorri(replace(seed, titolo="Piano della performance"))
    assert new.titolo == "Piano della performance"
    assert any("il titolo non contiene gli anni 2020-2022" in n for n in notes)
    twice, _ = scorri(new)
    assert twice.anni == (2022, 2023, 2024)
    assert all(set(i.target) <= {2022} for i in twice.indicatori())
