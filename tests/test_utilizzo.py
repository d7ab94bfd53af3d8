"""The grado di utilizzo delle risorse: the programmes' budgets (seed, 3.3) against the amounts
committed, as measures of the plan's formulas (A.3.4-1, B.1.4-1, B.2.1-1)."""

from __future__ import annotations

import dataclasses

import pytest

from cruscotto.demo import ACTUALS, demo_path
from cruscotto.engine.batch import Batch, score_batch
from cruscotto.engine.model import Polarita
from cruscotto.engine.rollup import score_plan
from cruscotto.engine.scoring import Valori
from cruscotto.engine.utilizzo import misure_per_formule, slug, utilizzo
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals, read_measures

MISURE = demo_path("misure-2020-esempio.csv")


@pytest.fixture(scope="module")
def piano():
    return load_plan(demo_path("pistoia-2020-2022.yaml")).piano


@pytest.fixture()
def valori():
    v = read_actuals(demo_path(ACTUALS))
    return read_measures(MISURE, into=v)


def test_codes_become_parts_of_measure_names():
    assert [slug(c) for c in ("A.3", "B", "I.2.1-4", " Linea F ")] == ["a_3", "b", "i_2_1_4", "linea_f"]


def test_the_allocated_amounts_are_the_seeds_programme_and_line_totals(piano):
    m = misure_per_formule(piano, {}, 2020)
    # Printed in 3.3: programme A.3 316.050,00; line A 350.050,00; line B 872.200,00; line F 2.000,00.
    assert m["stanziato_programma_a_3"] == 316050.0
    assert (m["stanziato_linea_a"], m["stanziato_linea_b"], m["stanziato_linea_f"]) == (350050.0, 872200.0, 2000.0)
    assert not [k for k in m if k.startswith("prenotato_")]  # nothing committed, nothing invented
    assert misure_per_formule(piano, {}, 2021) == {}  # the budgets are the plan's first year's


def test_the_use_indicators_are_computed_from_the_commitments(piano, valori):
    r = score_plan(piano, anno=2020, valori=valori)
    a = r.indicatore("A.3.4-1")
    # Line A: (27.500 + 289.446,20 + 6.500) / 350.050 = 92,4%.
    assert a.actual == pytest.approx(92.4, abs=1e-12)
    assert a.trace["input"]["fonte_valore"] == "formula"
    assert a.trace["formula"]["valori"] == {"prenotato_linea_a": 323446.2, "stanziato_linea_a": 350050.0}
    assert r.indicatore("B.1.4-1").actual == pytest.approx(155849.4 / 176700 * 100)
    # B.2.1-1 has no formula in the demo (the Servizio Promozione types it): its programme's
    # commitments are in the table, the indicator keeps the value entered.
    assert r.indicatore("B.2.1-1").trace["input"]["fonte_valore"] == "consuntivo"
    b2 = next(u for u in utilizzo(piano, valori.misure_anno(2020)) if u.programma and u.programma.codice == "B.2")
    assert b2.grado == pytest.approx(r.indicatore("B.2.1-1").actual)


def test_a_periods_value_is_the_one_entered(piano, valori):
    # Base measures are by year: the first half keeps its own figure (45,2), the year is computed.
    s1 = score_plan(piano, anno=2020, valori=valori, periodo="S1").indicatore("A.3.4-1")
    assert s1.actual == 45.2 and s1.trace["input"]["fonte_valore"] == "consuntivo" and "formula" not in s1.trace


def test_a_line_with_a_programme_not_reported_has_no_figure(piano, valori):
    del valori.misure[("prenotato_programma_a_4", 2020)]
    m = misure_per_formule(piano, valori.misure_anno(2020), 2020)
    assert "prenotato_linea_a" not in m and m["prenotato_programma_a_3"] == 289446.2
    a = score_plan(piano, anno=2020, valori=valori).indicatore("A.3.4-1")
    assert a.trace["formula"]["motivo"] == "non calcolabile: misura mancante prenotato_linea_a"
    assert a.trace["input"]["fonte_valore"] == "consuntivo"  # the value typed in, as before any formula


def test_an_entered_measure_wins_over_the_derived_one(piano, valori):
    valori.misure[("stanziato_linea_a", 2020)] = 400000.0  # the budget as updated (assestato)
    a = score_plan(piano, anno=2020, valori=valori).indicatore("A.3.4-1")
    assert a.actual == pytest.approx(323446.2 / 400000 * 100)
    row = next(u for u in utilizzo(piano, valori.misure_anno(2020)) if u.programma is None and u.linea == "A")
    assert row.stanziato == 400000.0 and row.grado == pytest.approx(80.86155)


def test_the_table_lists_programmes_then_their_line(piano, valori):
    rows = utilizzo(piano, valori.misure_anno(2020))
    a_rows = [
        (u.programma.codice if u.programma else f"linea {u.linea}", u.stanziato, u.prenotato)
        for u in rows
        if u.linea == "A"
    ]
    assert a_rows == [
        ("A.1", 27500.0, 27500.0),
        ("A.3", 316050.0, 289446.2),
        ("A.4", 6500.0, 6500.0),
        ("linea A", 350050.0, 323446.2),
    ]
    c = next(u for u in rows if u.programma is None and u.linea == "C")
    assert c.stanziato == 0 and c.grado is None  # no budget: no ratio, not a division by zero


def _numeric_only(piano):
    """The demo plan without deadline and milestone indicators, which the batch scorer does not score."""
    keep = (Polarita.CRESCENTE, Polarita.DECRESCENTE)

    def obj(o, **more):
        return dataclasses.replace(o, indicatori=tuple(i for i in o.indicatori if i.polarita in keep), **more)

    return dataclasses.replace(
        piano,
        prospettive=tuple(
            dataclasses.replace(
                p,
                linee=tuple(
                    dataclasses.replace(
                        li,
                        obiettivi_strategici=tuple(
                            obj(s, obiettivi_operativi=tuple(obj(o) for o in s.obiettivi_operativi))
                            for s in li.obiettivi_strategici
                        ),
                    )
                    for li in p.linee
                ),
            )
            for p in piano.prospettive
        ),
    )


def test_the_batch_scorer_reads_the_same_measures(piano, valori):
    numeric = _numeric_only(piano)
    for v in (valori, Valori(misure=valori.misure)):  # with the typed values, and with the commitments alone
        expected = score_plan(numeric, anno=2020, valori=v)
        got = score_batch(Batch.from_plans([(numeric, v)], anno=2020), numeric.regole)
        assert got.entity[0] == expected.achievement
    assert expected.indicatore("A.3.4-1").actual == pytest.approx(92.4)  # from the measures, nothing typed
