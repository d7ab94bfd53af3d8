"""Roll-up of the tree, the individual scorecard and the fund."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cruscotto.engine.model import Regole
from cruscotto.engine.rollup import Pesata, effective_weights, score_plan, weighted_mean
from cruscotto.engine.scoring import Consuntivo, Stato, Valori
from cruscotto.files import load_plan


def actuals(rows: dict) -> Valori:
    v = Valori()
    for code, value in rows.items():
        v.consuntivi[(code, 2020, "")] = Consuntivo(value)
    return v


def test_weights_default_to_equal_and_are_normalised_over_children_with_data():
    kids = [
        Pesata("a", "x", None, 50.0, Stato.NON_RAGGIUNTO),
        Pesata("b", "x", None, 100.0, Stato.RAGGIUNTO),
        Pesata("c", "x", None, None, Stato.SENZA_DATI),
    ]
    a, stato, trace, warnings = weighted_mean(kids, "nodo", Regole())
    assert a == 75.0 and stato is Stato.NON_RAGGIUNTO and not warnings
    assert [r["codice"] for r in trace["esclusi"]] == ["c"]
    assert [r["peso_normalizzato"] for r in trace["figli"]] == [50.0, 50.0]


def test_weights_that_do_not_sum_to_100_are_reported_and_used_as_given():
    # The Segretario generale's G section: items weigh 95% in all.
    w, warnings = effective_weights([10, 10, 10, 15, 10, 10, 5, 15, 10], "sezione G")
    assert w == [10, 10, 10, 15, 10, 10, 5, 15, 10]
    assert warnings == ["sezione G: i pesi sommano al 95% invece che al 100%"]


def test_missing_weights_share_the_remainder_and_are_reported():
    # H1: the accorpamento item has no printed weight, the others 30/20/20.
    w, warnings = effective_weights([None, 30, 20, 20], "sezione H1")
    assert w == [30, 30, 20, 20]
    assert "1 peso mancante: gli si attribuisce il residuo, 30%" in warnings[0]  # a real singular


def test_no_child_with_data_is_senza_dati_or_in_attesa():
    a, stato, *_ = weighted_mean([Pesata("a", "x", 50, None, Stato.SENZA_DATI)], "n", Regole())
    assert (a, stato) == (None, Stato.SENZA_DATI)
    a, stato, *_ = weighted_mean([Pesata("a", "x", 50, None, Stato.IN_ATTESA)], "n", Regole())
    assert (a, stato) == (None, Stato.IN_ATTESA)


def test_small_plan_rolls_up_by_the_printed_weights(small_plan_file):
    plan = load_plan(small_plan_file).piano
    v = actuals(
        {
            "A.3.4-1": 68.28,
            "A.3.4-2": 100.0,
            "A.3.4-3": 100.0,
            "A.3.4-4": 6.0,
            "D2-1": 2.0,
            "D2-2": 98.0,
            "D2-3": -15.61,
            "D2-4": 99.0,
        }
    )
    r = score_plan(plan, anno=2020, valori=v)
    a1 = 68.28 / 90 * 100
    a4 = 6 / 7 * 100
    expected_a34 = (50 * a1 + 20 * 100 + 20 * 100 + 10 * a4) / 100
    assert r.nodo("obiettivo_operativo", "A.3.4").achievement == pytest.approx(expected_a34)
    # every level above has one child: the same figure
    assert r.nodo("prospettiva", "TEL").achievement == pytest.approx(expected_a34)
    d2 = (100 + 100 + 100 + 99) / 4
    assert r.nodo("obiettivo_operativo", "D2").achievement == pytest.approx(d2)
    # G.2: the giornata has no value; of the milestones, those tied to T0 wait
    assert r.nodo("obiettivo_operativo", "G.2").stato is Stato.IN_ATTESA
    assert r.nodo("obiettivo_strategico", "D").achievement == pytest.approx(d2)
    assert r.achievement == pytest.approx((expected_a34 + d2) / 2)
    trace = r.nodo("obiettivo_operativo", "A.3.4").trace
    assert [c["codice"] for c in trace["figli"]] == ["A.3.4-1", "A.3.4-2", "A.3.4-3", "A.3.4-4"]
    assert trace["calcolo"].startswith("(50 × 75,87 + 20 × 100 + 20 × 100 + 10 × 85,71) / 100")


def test_fund_is_the_maximum_times_the_mean_project_achievement(small_plan_file):
    plan = load_plan(small_plan_file).piano
    v = actuals({"D2-4": 99.0, "H1-1.1": date(2020, 2, 20), "H1-1.4": date(2020, 11, 30)})
    r = score_plan(plan, anno=2020, valori=v)
    assert r.fondo.importo_massimo == 28063.95
    assert r.fondo.quota == pytest.approx((100 + 99) / 2)
    assert r.fondo.importo == pytest.approx(28063.95 * 0.995)
    assert r.fondo.provvisorio


def test_one_missing_data_rule_for_the_score_and_the_fund(small_plan_file):
    """dati_mancanti: zero_a_consuntivo (the default): while the year is open a project without
    data is left out of the fund as its indicators are left out of the roll-up; once the year is
    closed both count the missing values 0. An explicit escludi or zero holds in either state."""
    plan = load_plan(small_plan_file).piano
    assert plan.regole.dati_mancanti == "zero_a_consuntivo"
    v = actuals({"D2-4": 100.0})
    open_ = score_plan(plan, anno=2020, valori=v)
    closed = score_plan(plan, anno=2020, valori=v, chiuso=True)
    assert open_.fondo.quota == 100.0  # ACCORPAMENTO has no data: left out, as in the roll-up
    assert any("ACCORPAMENTO: nessun dato, escluso" in w for w in open_.warnings)
    assert closed.fondo.quota == 50.0  # closed: ACCORPAMENTO counts 0
    row = next(p for p in closed.fondo.progetti if p["codice"] == "ACCORPAMENTO")
    assert row["achievement"] == 0.0
    missing = [r for r in open_.indicatori if r.stato is Stato.SENZA_DATI]
    assert missing
    after = {r.codice: r for r in closed.indicatori}
    assert all(after[r.codice].achievement is not None for r in missing if r.target is not None)
    assert closed.achievement < open_.achievement
    assert "finché il periodo è aperto" in open_.entity_trace["dati_mancanti"]
    assert "periodo chiuso" in closed.entity_trace["dati_mancanti"]
    for rule, quota in (("escludi", 100.0), ("zero", 50.0)):
        fixed = replace(plan, regole=replace(plan.regole, dati_mancanti=rule))
        for chiuso in (False, True):
            assert score_plan(fixed, anno=2020, valori=v, chiuso=chiuso).fondo.quota == quota


def test_t0_given_at_scoring_time_resolves_the_milestones(small_plan_file):
    plan = load_plan(small_plan_file).piano
    v = actuals(
        {
            "H1-1.1": date(2020, 2, 20),
            "H1-1.2": date(2020, 8, 20),
            "H1-1.3": date(2020, 10, 30),
            "H1-1.4": date(2020, 11, 30),
        }
    )
    before = score_plan(plan, anno=2020, valori=v).indicatore("H1-1")
    after = score_plan(plan, anno=2020, valori=v, eventi={"T0": date(2020, 9, 14)}).indicatore("H1-1")
    assert before.achievement == 100.0  # only the two absolute milestones are scored
    assert after.achievement == 75.0  # 30 gg da T0 = 14/10: done 30/10, late


def test_area_only_indicators_are_scored_but_stay_out_of_the_entity_figure(tmp_path, small_plan_file):
    text = small_plan_file.read_text().replace(
        '- {codice: A.3.4-4, nome: Protocolli e accordi con enti, peso: "10%", target: {2020: "7"}}',
        '- {codice: A.3.4-4, nome: Protocolli e accordi con enti, peso: "10%", target: {2020: "7"}}\n'
        '                  - {codice: A.3.4-5, nome: Vetrina Toscana, cruscotto: area, target: {2020: "80%"}}',
    )
    p = tmp_path / "p.yaml"
    p.write_text(text)
    plan = load_plan(p).piano
    base = {"A.3.4-1": 90.0, "A.3.4-2": 100.0, "A.3.4-3": 100.0, "A.3.4-4": 7.0}
    r = score_plan(plan, anno=2020, valori=actuals({**base, "A.3.4-5": 10.0}))
    assert r.indicatore("A.3.4-5").achievement == 12.5
    assert r.nodo("obiettivo_operativo", "A.3.4").achievement == 100.0


def test_progress_is_reported_up_to_the_total(small_plan_file):
    plan = load_plan(small_plan_file).piano
    calls = []
    score_plan(plan, anno=2020, on_progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (10, 10)


def test_float_noise_in_the_remainder_is_not_a_weight():
    # 37.9 + 38.8 + 23.3 adds to 99.99999999999999 with a plain loop (Python 3.11)
    w, _ = effective_weights([37.9, 38.8, 23.3, None], "n")
    assert w[3] == 0.0


def test_an_objective_can_average_all_its_indicators_and_the_entity_its_objectives():
    from dataclasses import replace

    from cruscotto.files.native import plan_from_data

    def ind(code, *, peso=None):
        return {
            "codice": code,
            "nome": code,
            "polarita": "crescente",
            "target": {2020: "100"},
            **({"peso": peso} if peso else {}),
        }

    data = {
        "formato": "cruscotto/piano@1",
        "ente": {"codice": "X", "nome": "X"},
        "piano": {"titolo": "t", "anni": [2020]},
        "prospettive": [
            {
                "codice": "P1",
                "nome": "p1",
                "linee": [
                    {
                        "codice": "L1",
                        "nome": "l1",
                        "obiettivi_strategici": [
                            {
                                "codice": "O1",
                                "nome": "o1",
                                "obiettivi_operativi": [
                                    {"codice": "A1", "nome": "a1", "indicatori": [ind("I1"), ind("I2"), ind("I3")]},
                                    {"codice": "A2", "nome": "a2", "indicatori": [ind("I4")]},
                                ],
                            },
                            {"codice": "O2", "nome": "o2", "indicatori": [ind("I5")]},
                        ],
                    }
                ],
            },
            {
                "codice": "P2",
                "nome": "p2",
                "linee": [
                    {
                        "codice": "L2",
                        "nome": "l2",
                        "obiettivi_strategici": [{"codice": "O3", "nome": "o3", "indicatori": [ind("I6")]}],
                    }
                ],
            },
        ],
    }
    plan = plan_from_data(data)
    v = actuals({"I1": 100.0, "I2": 100.0, "I3": 100.0, "I4": 20.0, "I5": 60.0, "I6": 90.0})
    by_children = score_plan(plan, anno=2020, valori=v)
    assert by_children.nodo("obiettivo_strategico", "O1").achievement == pytest.approx((100 + 20) / 2)
    assert by_children.achievement == pytest.approx(((60 + 60) / 2 + 90) / 2)
    flat = replace(plan, regole=replace(plan.regole, obiettivo="indicatori", ente="obiettivi"))
    r = score_plan(flat, anno=2020, valori=v)
    # O1 over its four indicators; the entity over O1, O2, O3 (P1's two objectives count twice).
    assert r.nodo("obiettivo_strategico", "O1").achievement == pytest.approx((100 + 100 + 100 + 20) / 4)
    assert [c["codice"] for c in r.nodo("obiettivo_strategico", "O1").trace["figli"]] == ["I1", "I2", "I3", "I4"]
    assert r.achievement == pytest.approx((80 + 60 + 90) / 3)
    assert [c["codice"] for c in r.entity_trace["figli"]] == ["O1", "O2", "O3"]
    # The perspectives are still scored and shown.
    assert r.nodo("prospettiva", "P1").achievement == pytest.approx((80 + 60) / 2)
    # The rules are kept by the plan file, and the vectorised engine refuses what it cannot do.
    from cruscotto.engine.batch import Batch
    from cruscotto.files.native import plan_to_data

    assert plan_to_data(flat)["regole"]["obiettivo"] == "indicatori" and plan_from_data(plan_to_data(flat)) == flat
    with pytest.raises(ValueError, match="medie per livello"):
        Batch.from_plans([(flat, v)], anno=2020)


def test_an_area_figure_uses_the_plans_weights(small_plan_file):
    """An area's figure is the roll-up restricted to its indicators, each with its weight in the
    plan (and the area's share of it), not a plain mean of its indicators."""
    from cruscotto.engine.rollup import area_figure, score_plan
    from cruscotto.engine.scoring import Consuntivo, Valori
    from cruscotto.files import load_plan

    plan = load_plan(small_plan_file).piano
    values = Valori()
    for code, v in (("A.3.4-1", 45.0), ("A.3.4-2", 100.0), ("D2-2", 95.0)):
        values.consuntivi[(code, 2020, "")] = Consuntivo(v)
    result = score_plan(plan, anno=2020, valori=values)
    a341, a342 = result.indicatore("A.3.4-1").achievement, result.indicatore("A.3.4-2").achievement
    assert (a341, a342) == (50.0, 100.0)
    # Within A.3.4 the weights are 50% and 20%: (50 × 50 + 20 × 100) / 70 = 64,29 (a plain mean: 75).
    figure, n = area_figure(plan, result, {"A.3.4-1": None, "A.3.4-2": None})
    assert figure == pytest.approx((50 * 50 + 20 * 100) / 70) and n == 2
    assert figure == pytest.approx(result.nodo("obiettivo_operativo", "A.3.4").achievement)
    # 60% of A.3.4-1 is the area's: it counts with 0,6 of its weight.
    figure, _n = area_figure(plan, result, {"A.3.4-1": 60.0, "A.3.4-2": None})
    assert figure == pytest.approx((30 * 50 + 20 * 100) / 50)
    # Across perspectives, each keeps its weight in the plan (here equal: none is given).
    figure, n = area_figure(plan, result, {"A.3.4-1": None, "D2-2": None, "D2-1": None})
    assert figure == pytest.approx((50.0 + 100.0) / 2) and n == 2  # D2-1 has no value: left out
    assert area_figure(plan, result, {"D2-1": None}) == (None, 0)


def test_a_neutralised_indicator_or_objective_leaves_the_score_by_its_decision(small_plan_file):
    from cruscotto.engine.rollup import score_plan
    from cruscotto.engine.scoring import Consuntivo, Stato, Valori
    from cruscotto.files import load_plan

    plan = load_plan(small_plan_file).piano
    values = Valori()
    for code, v in (("A.3.4-1", 45.0), ("A.3.4-2", 100.0), ("D2-2", 95.0)):
        values.consuntivi[(code, 2020, "")] = Consuntivo(v)
    plain = score_plan(plan, anno=2020, valori=values)
    decision = "Delibera di Giunta n. 30 del 15/12/2020: progetto sospeso dalla Regione"
    out = score_plan(plan, anno=2020, valori=values, neutralizzati={("indicatore", "A.3.4-1"): decision})
    r = out.indicatore("A.3.4-1")
    assert r.achievement is None and r.stato is Stato.NEUTRALIZZATO
    assert r.trace["passi"][0] == f"neutralizzato: {decision}" and r.trace["risultato_senza_neutralizzazione"] == 50.0
    node = out.nodo("obiettivo_operativo", "A.3.4")
    assert node.achievement == pytest.approx(100.0) and node.copertura.neutralizzati == 1
    assert "1 neutralizzato" in node.copertura.testo()
    assert plain.nodo("obiettivo_operativo", "A.3.4").achievement == pytest.approx((50 * 50 + 20 * 100) / 70)
    # An objective neutralised keeps its own figure on show, and leaves its parent's mean.
    out = score_plan(plan, anno=2020, valori=values, neutralizzati={("obiettivo_operativo", "A.3.4"): decision})
    node = out.nodo("obiettivo_operativo", "A.3.4")
    assert node.stato is Stato.NEUTRALIZZATO and node.achievement == pytest.approx(
        plain.nodo("obiettivo_operativo", "A.3.4").achievement
    )
    assert out.nodo("obiettivo_strategico", "A").achievement is None  # its only child is out
    assert out.achievement == pytest.approx(out.nodo("prospettiva", "PI").achievement)


def test_a_fund_project_whose_indicators_are_all_neutralised_is_left_out(small_plan_file):
    """Left out by a recorded decision, even once the year is closed (when missing data counts 0)."""
    plan = load_plan(small_plan_file).piano
    project = next(p for p in plan.fondo.progetti if p.codice == "ACCORPAMENTO")
    decided = {("indicatore", code): "Delibera n. 40 del 10/05/2021: servizio sospeso" for code in project.indicatori}
    v = actuals({"D2-4": 100.0})
    r = score_plan(plan, anno=2020, valori=v, chiuso=True, neutralizzati=decided)
    row = next(p for p in r.fondo.progetti if p["codice"] == "ACCORPAMENTO")
    assert row["achievement"] is None and "neutralizzati" in row["nota"]
    assert r.fondo.quota == 100.0  # the other project only
    assert score_plan(plan, anno=2020, valori=v, chiuso=True).fondo.quota == 50.0  # without the decision
