"""The demo plan is the seed's plan: its figures are where the seed prints them."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from cruscotto.engine.model import TAG_FONDO, Cruscotto, Polarita
from cruscotto.engine.rollup import score_plan
from cruscotto.engine.scoring import Stato
from cruscotto.engine.targets import TargetKind
from cruscotto.engine.validation import validate_plan
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals


@pytest.fixture(scope="module")
def plan(demo_plan_path):
    return load_plan(demo_plan_path).piano


@pytest.fixture(scope="module")
def result(plan, demo_actuals_path):
    return score_plan(plan, anno=2020, valori=read_actuals(demo_actuals_path))


def test_the_tree_has_the_seeds_shape(plan):
    assert [p.codice for p in plan.prospettive] == ["TEL", "EF", "PI", "ICA"]
    assert sorted(ln.codice for ln in plan.linee()) == list("ABCDEFGHI")
    assert {o.codice for o in plan.obiettivi_strategici()} >= {
        "A",
        "B1",
        "B2",
        "B3",
        "E",
        "I.2",
        "I.3",
        "D",
        "G",
        "H1",
        "H2",
        "H3",
    }
    scopes = Counter(i.cruscotto for i in plan.indicatori())
    assert scopes[Cruscotto.ENTE] == 54  # every row of the cruscotto di ente (3.2)
    assert plan.anni == (2020, 2021, 2022)


@pytest.mark.parametrize(
    "code, year, printed, value",
    [
        ("A.3.4-1", 2020, "90%", 90.0),
        ("B.3.2-1", 2021, "2.000", 2000.0),
        ("D2-3", 2020, "-15", -15.0),
        ("D2-3", 2021, "-16", -16.0),
        ("D2-3", 2022, "-17", -17.0),
        ("I.2.1-1", 2022, "40%", 40.0),
        ("D1-2", 2020, "1", 1.0),
        ("B.2.1-2", 2020, "2,80%", 2.8),
    ],
)
def test_targets_are_transcribed_as_printed(plan, code, year, printed, value):
    t = plan.indicatore(code).target[year]
    assert (t.testo, t.valore) == (printed, value)


def test_history_cluster_averages_and_weights_as_printed(plan):
    a = plan.indicatore("A.3.4-1")
    assert a.storico[2019].testo == "68,28%" and a.storico[2019].valore == 68.28
    assert a.storico[2018].valore == 99.61 and a.peso == 50.0
    assert plan.indicatore("D2-1").media_cluster.valore == 4.35
    assert plan.indicatore("I.2.1-3").media_cluster.valore == 117762.0
    assert plan.indicatore("G.2-3").storico[2019].valore.isoformat() == "2019-10-09"


def test_every_operational_objective_of_the_cruscotto_di_ente_weighs_100(plan):
    for oo in plan.obiettivi_operativi():
        weights = [i.peso for i in oo.indicatori if i.cruscotto is Cruscotto.ENTE]
        if weights:
            assert sum(weights) == pytest.approx(100.0), oo.codice


def test_deadlines_and_the_accorpamento_timing(plan):
    assert plan.indicatore("E1-3").target[2020].data.isoformat() == "2020-08-15"  # OCRI
    h1 = plan.indicatore("H1-1")
    assert h1.polarita is Polarita.MILESTONE and len(h1.milestones) == 7
    relative = [m for m in h1.milestones if m.scadenza.relativo]
    assert [(m.scadenza.evento, m.scadenza.giorni) for m in relative] == [
        ("T0", -15),
        ("T0", 0),
        ("T0", 30),
        ("T0", 90),
    ]
    assert [m.scadenza.data.isoformat() for m in h1.milestones if not m.scadenza.relativo] == [
        "2020-02-28",
        "2020-11-30",
        "2020-12-31",
    ]
    assert plan.indicatore("G.2-1").target[2020].operatore == ">"


def test_the_fund_is_the_seeds(plan):
    f = plan.fondo
    assert f.importo_massimo == 28063.95 and f.importo_testo == "28.063,95" and f.anno == 2020
    assert len(f.progetti) == 3
    tagged = {i.codice for i in plan.indicatori() if TAG_FONDO in i.etichette}
    assert {c for g in f.progetti for c in g.indicatori} == tagged == {"D1-1", "D1-2", "D2-4", "H1-1"}


def test_the_segretario_generale_scorecard(plan):
    (sg,) = plan.schede_individuali
    assert [(z.codice, z.peso) for z in sg.sezioni] == [("E", 30.0), ("G", 30.0), ("H1", 40.0)]
    g = next(z for z in sg.sezioni if z.codice == "G")
    assert sum(v.peso for v in g.voci) == 95.0  # as printed
    assert any(v.target and v.target.evento == "LG-ANAC" and v.target.giorni == 60 for v in g.voci)


def test_programme_budgets_as_printed(plan):
    a3 = next(p for p in plan.programmi if p.codice == "A.3")
    assert a3.totale_stampato["oneri_promozionali"].valore == 316050.0
    assert a3.totale_stampato["proventi"].valore == 152500.0
    assert (
        sum(
            pj.budget["oneri_promozionali"].valore
            for a in a3.azioni
            for pj in a.progetti
            if "oneri_promozionali" in pj.budget and pj.budget["oneri_promozionali"].valore
        )
        == 316050.0
    )
    assert plan.totali_linee_stampati["B"]["oneri_promozionali"].valore == 872200.0
    assert plan.totali_linee_stampati["B"]["proventi"].valore == 832277.0


def test_validation_reports_the_seeds_own_inconsistencies_as_warnings(plan):
    problems = validate_plan(plan)
    assert not [p for p in problems if p.severity == "error"]
    found = {(p.code, p.where) for p in problems}
    assert ("pesi", "scheda SG, sezione G") in found  # 95%
    assert ("pesi", "scheda SG, sezione H1") in found  # one item without weight
    assert ("unita_incoerente", "indicatore G.2-1") in found  # unit "data", target ">3 ore"
    assert ("target_mancante", "indicatore A.3.4-4") in found  # no 2021/2022 target printed
    # the printed programme and line totals all agree with their rows
    assert not [p for p in problems if p.code == "totale_non_coerente"]


def test_a_total_that_disagrees_is_reported_with_both_figures(plan):
    from dataclasses import replace

    from cruscotto.engine.model import Dato

    a3 = next(p for p in plan.programmi if p.codice == "A.3")
    bad = replace(a3, totale_stampato={**a3.totale_stampato, "oneri_promozionali": Dato("316.500,00", 316500.0)})
    plan2 = replace(plan, programmi=tuple(bad if p.codice == "A.3" else p for p in plan.programmi))
    msgs = [(p.where, p.message) for p in validate_plan(plan2) if p.code == "totale_non_coerente"]
    assert msgs == [
        ("programma A.3, totale", "oneri promozionali: totale stampato 316.500,00 ≠ somma delle righe 316.050")
    ]


def test_example_actuals_are_labelled_as_invented(demo_actuals_path):
    with open(demo_actuals_path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["nota"].startswith("Dato inventato a scopo dimostrativo") for r in rows)


def test_every_actual_names_something_in_the_plan(plan, demo_actuals_path):
    codes = {i.codice for i in plan.indicatori()} | {m.codice for i in plan.indicatori() for m in i.milestones}
    codes |= {v.codice for s in plan.schede_individuali for z in s.sezioni for v in z.voci}
    assert {k[0] for k in read_actuals(demo_actuals_path).consuntivi} <= codes


def test_the_demo_2020_scorecard_shows_every_colour(result):
    statuses = Counter(i.stato for i in result.indicatori)
    assert statuses[Stato.RAGGIUNTO] and statuses[Stato.NON_RAGGIUNTO] and statuses[Stato.SENZA_DATI]
    assert result.achievement is not None and 0 <= result.achievement <= 100
    assert [n.codice for n in result.nodi if n.livello == "prospettiva"] == ["TEL", "EF", "PI", "ICA"]


def test_the_entity_figure_is_the_mean_of_the_perspectives(result):
    persp = [n.achievement for n in result.nodi if n.livello == "prospettiva"]
    assert result.achievement == pytest.approx(sum(persp) / 4)


def test_the_fund_amount_follows_the_projects(result):
    f = result.fondo
    projects = {p["codice"]: p["achievement"] for p in f.progetti}
    assert f.quota == pytest.approx(sum(projects.values()) / 3)
    assert f.importo == pytest.approx(28063.95 * f.quota / 100)


def test_lines_made_only_of_cascading_objectives_stay_out_of_the_entity_figure(result):
    c = result.nodo("linea", "C")
    assert c.cruscotto == "area" and c.achievement is not None
    tel = result.nodo("prospettiva", "TEL")
    assert [ch["codice"] for ch in tel.trace["figli"]] == ["A", "B", "E"]


def test_relative_deadlines_wait_for_t0(plan, result, demo_actuals_path):
    from datetime import date

    later = score_plan(plan, anno=2020, valori=read_actuals(demo_actuals_path), eventi={"T0": date(2020, 9, 14)})
    before = result.indicatore("H1-1")
    after = later.indicatore("H1-1")
    assert sum("non ancora nota" in s for s in before.trace["passi"]) == 4
    assert sum("non ancora nota" in s for s in after.trace["passi"]) == 0
    assert all(
        t.tipo is not TargetKind.DESCRITTIVO or plan.indicatore(c).polarita in (Polarita.SI_NO, Polarita.MILESTONE)
        for c in (i.codice for i in plan.indicatori())
        for t in plan.indicatore(c).target.values()
    )


def test_formulas_compute_actuals_from_the_seeds_2020_budget(plan):
    """The preventivo 2020 (seed section 1.3) as base measures: the economic indicators compute themselves."""
    from cruscotto.demo import demo_path
    from cruscotto.files.values import read_measures

    measures = read_measures(demo_path("misure-2020-preventivo.csv"))
    r = score_plan(plan, anno=2020, valori=measures)
    equilibrio = r.indicatore("I.2.1-4")  # oneri correnti / proventi correnti, lower is better, target 107
    assert equilibrio.actual == pytest.approx(6108547 / 5641647 * 100)
    assert equilibrio.achievement == pytest.approx(107 / (6108547 / 5641647 * 100) * 100)
    assert equilibrio.trace["input"]["fonte_valore"] == "formula"
    struttura = r.indicatore("I.2.1-5")  # (oneri correnti - interventi economici) / proventi correnti, target 85%
    assert struttura.actual == pytest.approx((6108547 - 1271100) / 5641647 * 100)
    ricchezza = r.indicatore("H2-5")  # interventi economici / proventi correnti, target 20%
    assert ricchezza.actual == pytest.approx(1271100 / 5641647 * 100) and ricchezza.achievement == 100.0
    personale = r.indicatore("I.2.1-1")  # needs oneri correnti net of the fund: not given
    assert personale.actual is None
    assert personale.trace["formula"]["motivo"] == "non calcolabile: misura mancante oneri_correnti_netto_fsc"


def test_the_accorpamento_timing_is_scored_only_in_its_year(plan):
    r2021 = score_plan(plan, anno=2021)
    h1 = r2021.indicatore("H1-1")
    assert h1.stato is Stato.SENZA_DATI and h1.trace["passi"] == ["nessun target per l'anno"]
