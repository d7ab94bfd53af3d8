"""Properties that must hold for every input, not only the seed's."""

from __future__ import annotations

import math
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cruscotto.engine.errors import FormulaError, ParseError
from cruscotto.engine.formulas import compile_formula, evaluate
from cruscotto.engine.model import Polarita, Regole
from cruscotto.engine.rollup import Pesata, weighted_mean
from cruscotto.engine.scoring import Stato, higher_is_better, lower_is_better, score_one
from cruscotto.engine.targets import Target, TargetKind, parse_target

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
achievement = st.floats(min_value=0, max_value=100, allow_nan=False)
weight = st.floats(min_value=0.01, max_value=1000, allow_nan=False)


@given(finite, finite)
def test_achievement_is_always_between_0_and_100(actual, target):
    for rule in (higher_is_better, lower_is_better):
        a, _ = rule(actual, target)
        assert 0.0 <= a <= 100.0


@given(finite, finite, finite)
def test_higher_is_better_never_decreases_when_the_actual_grows(a1, a2, target):
    lo, hi = sorted((a1, a2))
    assert higher_is_better(lo, target)[0] <= higher_is_better(hi, target)[0]


@given(finite, finite, finite)
def test_lower_is_better_never_increases_when_the_actual_grows(a1, a2, target):
    lo, hi = sorted((a1, a2))
    assert lower_is_better(lo, target)[0] >= lower_is_better(hi, target)[0]


@given(st.integers(min_value=-400, max_value=400), st.integers(min_value=-400, max_value=400))
def test_deadline_score_never_increases_when_done_later(d1, d2):
    due = date(2020, 8, 15)
    t = Target("15/08/2020", TargetKind.SCADENZA, data=due)
    early, late = sorted((d1, d2))

    def s(offset):
        return score_one(
            polarita=Polarita.SCADENZA, target=t, actual=date.fromordinal(due.toordinal() + offset), eventi={}, as_of=date(2021, 12, 31), regole=Regole()
        ).achievement

    assert s(early) >= s(late)


@given(st.lists(st.tuples(weight, st.one_of(st.none(), achievement)), min_size=1, max_size=12), st.floats(min_value=0.001, max_value=1000))
def test_roll_up_is_invariant_to_scaling_all_weights(children, k):
    kids = [Pesata(str(i), "x", w, a, Stato.SENZA_DATI if a is None else Stato.RAGGIUNTO) for i, (w, a) in enumerate(children)]
    scaled = [Pesata(c.codice, c.tipo, c.peso * k, c.achievement, c.stato) for c in kids]
    a1, *_ = weighted_mean(kids, "n", Regole())
    a2, *_ = weighted_mean(scaled, "n", Regole())
    if a1 is None:
        assert a2 is None
    else:
        assert math.isclose(a1, a2, rel_tol=1e-9, abs_tol=1e-9)


@given(st.lists(st.tuples(weight, st.one_of(st.none(), achievement)), min_size=1, max_size=12))
def test_roll_up_lies_between_the_smallest_and_largest_child(children):
    kids = [Pesata(str(i), "x", w, a, Stato.SENZA_DATI if a is None else Stato.RAGGIUNTO) for i, (w, a) in enumerate(children)]
    values = [a for _, a in children if a is not None]
    a, stato, trace, _ = weighted_mean(kids, "n", Regole())
    if not values:
        assert a is None and stato is Stato.SENZA_DATI
    else:
        assert min(values) - 1e-9 <= a <= max(values) + 1e-9
        assert len(trace["esclusi"]) == len(children) - len(values)


@given(st.lists(st.one_of(st.none(), achievement), min_size=1, max_size=8))
def test_equal_weights_by_default(values):
    kids = [Pesata(str(i), "x", None, a, Stato.RAGGIUNTO) for i, a in enumerate(values)]
    present = [v for v in values if v is not None]
    a, *_ = weighted_mean(kids, "n", Regole())
    assert a is None if not present else math.isclose(a, sum(present) / len(present), rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_the_target_parser_either_parses_or_raises_a_parse_error(text):
    try:
        t = parse_target(text)
    except ParseError as exc:
        assert exc.value == text.strip() or exc.value == text
        return
    assert t is None or t.testo == text.strip()


@settings(max_examples=300)
@given(st.text(alphabet="0123456789.,-+% gentroadiT/=<>", max_size=30))
def test_the_target_parser_on_target_like_text(text):
    try:
        parse_target(text)
    except ParseError:
        pass


@settings(max_examples=300)
@given(st.text(alphabet="abxy_0123456789+-*/(). ,[]'\"=<>", max_size=40))
def test_the_formula_checker_refuses_or_the_evaluator_answers(text):
    try:
        f = compile_formula(text)
    except FormulaError:
        return
    result = evaluate(f, {n: 2.0 for n in f.nomi})
    assert result.valore is None or math.isfinite(result.valore)
    assert result.valore is not None or result.motivo.startswith("non calcolabile")


@given(finite, st.floats(min_value=0.01, max_value=1e6))
def test_a_positive_target_is_met_exactly_when_reached(actual, target):
    a, _ = higher_is_better(actual, target)
    assume(not math.isclose(actual, target))
    assert (a == 100.0) == (actual >= target) or math.isclose(actual / target, 1.0, rel_tol=1e-12)
