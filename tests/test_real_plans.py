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
    assert (
        c.testo()
        == "0 indicatori valutati su 20 con dati, 2 non valutabili, 18 in costruzione della baseline, 27 senza dati"
    )


def test_a_target_relative_to_the_baseline_resolves_from_the_baseline_years_actual():
    loaded = load_plan(AGID)
    piano, valori = loaded.piano, loaded.valori
    ind = next(
        i
        for i in piano.indicatori()
        if i.target.get(2020)
        and i.target[2020].tipo is TargetKind.BASELINE
        and i.target.get(2021)
        and i.target[2021].tipo is TargetKind.RELATIVO
        and i.target[2021].variazione == "percentuale"
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


# --- a plan with its published results: IZSLER, Relazione sulla performance 2020 -------------------

IZSLER = PLANS / "izsler-relazione-2020"


def _izsler():
    import csv
    from dataclasses import replace

    loaded = load_plan(
        IZSLER / "piano.csv",
        ente=("IZSLER", "Istituto Zooprofilattico Sperimentale della Lombardia e dell'Emilia Romagna"),
    )
    # The Relazione's rule (FONTE.md): an objective is the mean of its indicators, the entity
    # the mean of its six objectives; each indicator actual / target, at most 100%, which is
    # cruscotto's proportional rule.
    plan = replace(loaded.piano, regole=replace(loaded.piano.regole, obiettivo="indicatori", ente="obiettivi"))
    rows = list(csv.DictReader((IZSLER / "pubblicato.csv").open(encoding="utf-8")))
    code_of = {i.nome: i.codice for i in plan.indicatori()}

    def pct(text: str) -> float:
        return float(text.strip("% ").replace(",", "."))

    published = {
        code_of[r["Indicatore"]]: pct(r["Raggiungimento pubblicato"])
        for r in rows
        if r["Indicatore"] not in ("OBIETTIVO", "ENTE")
    }
    objectives = {r["Codice"]: pct(r["Raggiungimento pubblicato"]) for r in rows if r["Indicatore"] == "OBIETTIVO"}
    entity = next(pct(r["Raggiungimento pubblicato"]) for r in rows if r["Indicatore"] == "ENTE")
    return plan, loaded.valori, published, objectives, entity, code_of


def test_the_izsler_relazione_is_whole_and_valid():
    plan, _valori, published, objectives, _entity, _codes = _izsler()
    assert len(published) == sum(1 for _ in plan.indicatori()) == 31
    assert sorted(objectives) == [o.codice for o in plan.obiettivi_strategici()] == ["1", "2", "3", "4", "5", "6"]
    assert [p for p in validate_plan(plan) if p.severity == "error"] == []


def test_the_izsler_achievements_are_reproduced_but_for_four_named_indicators():
    plan, valori, published, _objectives, _entity, _codes = _izsler()
    result = score_plan(plan, anno=2020, valori=valori)
    differ = {}
    for code, want in published.items():
        got = result.indicatore(code).achievement
        # Published with two decimals, rounded half up (8,645 → 8,65).
        if got is None or abs(got - want) > 0.0051:
            differ[code] = (got, want)
    assert differ == {
        # Printed actuals rounded to two decimals; the published % comes from the fraction
        # printed beside them (12,21/13,06 and 79/87,3): typed as such, it is reproduced below.
        "1.1/2": (pytest.approx(93.0), 93.5),
        "1.2/1": (pytest.approx(90.0), 90.49),
        # 0,2919 gives 29,19%; the Relazione prints 29,20% (an unrounded actual of 0,29195 or more).
        "2.3/1": (pytest.approx(29.19), 29.2),
        # The actual is printed "≥95%": a threshold, not a value, so the indicator has no data.
        "3.1/5": (None, 100.0),
    }
    assert result.indicatore("3.1/5").stato is Stato.SENZA_DATI
    typed = dict(valori.consuntivi)
    typed[("1.1/2", 2020, "")] = Consuntivo(12.21 / 13.06, "")
    typed[("1.2/1", 2020, "")] = Consuntivo(79 / 87.3, "")
    again = score_plan(plan, anno=2020, valori=type(valori)(consuntivi=typed))
    assert again.indicatore("1.1/2").achievement == pytest.approx(93.50, abs=0.01)
    assert again.indicatore("1.2/1").achievement == pytest.approx(90.49, abs=0.01)


def test_the_izsler_objectives_and_entity_follow_the_published_rule_and_the_differences_are_named():
    from cruscotto.engine.scoring import Valori

    plan, valori, _published, objectives, entity, _codes = _izsler()
    typed = dict(valori.consuntivi)
    typed[("1.1/2", 2020, "")] = Consuntivo(12.21 / 13.06, "")
    typed[("1.2/1", 2020, "")] = Consuntivo(79 / 87.3, "")
    result = score_plan(plan, anno=2020, valori=Valori(consuntivi=typed))
    ours = {n.codice: n.achievement for n in result.nodi if n.livello == "obiettivo_strategico"}
    # Published with one decimal (96,69 → «96,70%»).
    same = {c for c in objectives if abs(ours[c] - objectives[c]) <= 0.05}
    assert same == {"1", "2", "5", "6"}
    # Objective 3: one indicator has no value ("≥95%"), so 5 indicators, not 6: 97,57 against 98,00.
    assert ours["3"] == pytest.approx(97.57, abs=0.01) and objectives["3"] == 98.0
    # Objective 4: its ten published indicators (nine at 100%, one at 83,33%) give 98,33; the
    # Relazione prints 87,20 and does not say why.
    assert ours["4"] == pytest.approx(98.33, abs=0.01) and objectives["4"] == 87.2
    # The entity is the mean of the six objectives, as published (83,53 → «83.5 %» from the
    # published objectives); ours differs by objective 4's and 3's differences only.
    assert sum(objectives.values()) / 6 == pytest.approx(entity, abs=0.05)
    assert result.achievement == pytest.approx(sum(ours.values()) / 6)
    gap = (ours["4"] - objectives["4"] + ours["3"] - objectives["3"]) / 6
    assert result.achievement - entity == pytest.approx(gap, abs=0.06)
