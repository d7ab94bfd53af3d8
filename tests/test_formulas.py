"""Formulas over base measures, with the seed's Pareto ratios (section 1.3)."""

from __future__ import annotations

import pytest

from cruscotto.engine.errors import FormulaError
from cruscotto.engine.formulas import compile_formula, evaluate

EQUILIBRIO = "(proventi_strutturali - oneri_strutturali) / proventi_strutturali * 100"
FUNZIONAMENTO = "oneri_funzionamento_ammortamenti_netto_fsc / oneri_correnti_netto_fsc * 100"
STRUTTURA = "patrimonio_netto / immobilizzazioni * 100"
EQUILIBRIO_ECONOMICO = "oneri_correnti_netto_fp / proventi_correnti_netto_fp * 100"

# Measures as printed in section 1.3 of the seed, and the ratio it prints.
PARETO = [
    (EQUILIBRIO, {"proventi_strutturali": 5513742.83, "oneri_strutturali": 5092710.00}, 7.64),
    (EQUILIBRIO, {"proventi_strutturali": 4966198.00, "oneri_strutturali": 4630281.00}, 6.76),
    (EQUILIBRIO, {"proventi_strutturali": 5067997.00, "oneri_strutturali": 4557730.05}, 10.07),
    (
        FUNZIONAMENTO,
        {"oneri_funzionamento_ammortamenti_netto_fsc": 1758014.00, "oneri_correnti_netto_fsc": 5517453.00},
        31.86,
    ),
    (
        FUNZIONAMENTO,
        {"oneri_funzionamento_ammortamenti_netto_fsc": 1928688.00, "oneri_correnti_netto_fsc": 5011988.00},
        38.48,
    ),
    (
        FUNZIONAMENTO,
        {"oneri_funzionamento_ammortamenti_netto_fsc": 1383320.00, "oneri_correnti_netto_fsc": 4766107.00},
        29.02,
    ),
    (STRUTTURA, {"patrimonio_netto": 12235359.00, "immobilizzazioni": 7128094.00}, 171.65),
    (STRUTTURA, {"patrimonio_netto": 10056645.00, "immobilizzazioni": 4992678.00}, 201.43),
    (STRUTTURA, {"patrimonio_netto": 9554100.00, "immobilizzazioni": 3176202.00}, 300.8),
    (EQUILIBRIO_ECONOMICO, {"oneri_correnti_netto_fp": 5875042.96, "proventi_correnti_netto_fp": 5061346.00}, 116.08),
    (EQUILIBRIO_ECONOMICO, {"oneri_correnti_netto_fp": 5900553.62, "proventi_correnti_netto_fp": 5685629.00}, 103.78),
]


@pytest.mark.parametrize("formula, measures, printed", PARETO)
def test_pareto_ratios_of_the_seed_are_recomputed_from_their_measures(formula, measures, printed):
    result = evaluate(formula, measures)
    assert result.motivo is None
    assert round(result.valore, 2) == pytest.approx(printed)
    assert result.valori == measures


def test_the_measures_a_formula_reads_are_listed_in_order():
    assert compile_formula("(oneri_personale + oneri_funzionamento) / imprese_attive * 1000").nomi == (
        "oneri_personale",
        "oneri_funzionamento",
        "imprese_attive",
    )


def test_division_by_zero_is_non_calcolabile_not_a_crash():
    r = evaluate("a / b", {"a": 1.0, "b": 0.0})
    assert r.valore is None and r.motivo == "non calcolabile: divisione per zero"


def test_a_missing_measure_is_named():
    r = evaluate("(oneri_personale + oneri_funzionamento) / imprese_attive", {"oneri_personale": 1.0})
    assert r.valore is None
    assert r.motivo == "non calcolabile: misura mancante oneri_funzionamento, imprese_attive"


def test_powers_are_bounded():
    assert evaluate("a ** 2", {"a": 3.0}).valore == 9.0
    r = evaluate("a ** b", {"a": 2.0, "b": 1000.0})
    assert r.valore is None and "esponente troppo grande" in r.motivo


@pytest.mark.parametrize(
    "bad",
    [
        "a.real",
        "__import__('os').system('true')",
        "a[0]",
        "'testo'",
        "a if b else c",
        "a < b",
        "lambda: 1",
        "[a, b]",
        "open('x')",
        "max(a, key=b)",
        "a +",
        "True + a",
    ],
)
def test_only_arithmetic_over_names_is_allowed(bad):
    with pytest.raises(FormulaError):
        compile_formula(bad)


def test_min_max_abs_round_are_allowed():
    assert (
        evaluate("max(a, b) - min(a, b) + abs(c) + round(d)", {"a": 1.0, "b": 3.0, "c": -2.0, "d": 0.6}).valore == 5.0
    )
