"""The vectorised scorer (engine/batch.py) gives the scalar engine's figures, node by node."""

from __future__ import annotations

import dataclasses
import itertools
import math
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cruscotto.engine.batch import (
    CRESCENTE,
    DECRESCENTE,
    LEVELS,
    STATI,
    Batch,
    Level,
    neumaier_sum,
    score_batch,
    sum_like_python,
    synthetic,
    to_plans,
)
from cruscotto.engine.model import (
    Cruscotto,
    Ente,
    Fascia,
    Indicatore,
    LineaStrategica,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Polarita,
    Prospettiva,
    Regole,
)
from cruscotto.engine.rollup import score_plan
from cruscotto.engine.scoring import Consuntivo, Stato, Valori
from cruscotto.engine.targets import parse_target
from cruscotto.files import load_plan

ANNO = 2020


# --- the comparison -------------------------------------------------------------


def scalar_figures(pairs, regole: Regole) -> list[dict]:
    """(level, code) -> (achievement, status, cruscotto) of every node of every plan, by the scalar engine."""
    out = []
    for piano, valori in pairs:
        r = score_plan(dataclasses.replace(piano, regole=regole), anno=ANNO, valori=valori)
        figures = {("indicatore", i.codice): (i.achievement, i.stato, i.cruscotto) for i in r.indicatori}
        figures.update({(n.livello, n.codice): (n.achievement, n.stato, n.cruscotto) for n in r.nodi})
        figures[("ente", "")] = (r.achievement, r.stato, "ente")
        out.append(figures)
    return out


def assert_same_as_scalar(batch: Batch, pairs, regole: Regole, *, exact: bool = False) -> int:
    """Every indicator, node and entity of the batch agrees with rollup.score_plan; returns how many were compared."""
    expected = scalar_figures(pairs, regole)
    got = score_batch(batch, regole)
    compared = 0
    for k, level in enumerate(LEVELS):
        codes = batch.codes[k] if level != "ente" else [""] * batch.n_entities
        entity = batch.entity_of(level)
        assert len(codes) == len(got.achievement[level]) == len(got.status[level])
        for i, code in enumerate(codes):
            a_exp, stato_exp, scope_exp = expected[entity[i]][(level, code)]
            a = got.achievement[level][i]
            where = f"ente {entity[i]}, {level} {code!r}"
            if a_exp is None:
                assert np.isnan(a), f"{where}: atteso senza dati, ottenuto {a}"
            elif exact:
                assert a == a_exp, f"{where}: {a!r} != {a_exp!r}"
            else:
                assert a == pytest.approx(a_exp, rel=1e-9), where
            assert STATI[got.status[level][i]] is stato_exp, where
            assert ("ente" if got.ente[level][i] else "area") == scope_exp, where
            compared += 1
    assert len(got.entity) == len(pairs)
    return compared


# --- random plans -----------------------------------------------------------------

WEIGHTS = st.one_of(
    st.none(),
    st.sampled_from([0.0, 5.0, 10.0, 12.5, 20.0, 25.0, 33.3, 33.4, 50.0, 100.0]),
    st.floats(min_value=0, max_value=200, allow_nan=False, allow_infinity=False),
)
TARGETS = st.one_of(
    st.none(),  # no target that year
    st.sampled_from(
        ["90%", "95%", "100%", "3", "7", "0", "-15 gg", "-1", "2.000", ">3 ore", "<5", "=1", "timing (pag. 31-32)"]
    ).map(parse_target),
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False).map(parse_target),
)
ACTUALS = st.one_of(
    st.none(),  # no value entered
    st.sampled_from([0.0, 1.0, 2.0, 3.0, 4.0, 76.0, 95.0, 98.0, 100.0, 120.0, -1.0, -10.0, -15.0, -15.61, -30.0]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.sampled_from([True, False, date(2020, 6, 30)]),  # not numbers: no data for a numeric target
)
SCOPES = st.sampled_from([Cruscotto.ENTE, Cruscotto.ENTE, Cruscotto.ENTE, Cruscotto.AREA])


@st.composite
def regole(draw) -> Regole:
    fasce = draw(
        st.one_of(
            st.just(()),
            st.lists(
                st.builds(
                    Fascia,
                    st.sampled_from([0.0, 50.0, 60.0, 80.0, 80.0, 100.0]),
                    st.sampled_from([0.0, 40.0, 70.0, 100.0]),
                ),
                min_size=1,
                max_size=4,
            ).map(tuple),
        )
    )
    return Regole(
        soglia_raggiunto=draw(st.sampled_from([80.0, 100.0, 50.5, 0.0])),
        soglia_parziale=draw(st.sampled_from([None, 60.0, 90.0])),
        fasce=fasce,
        fasce_modo=draw(st.sampled_from(["gradini", "lineare"])),
        dati_mancanti=draw(st.sampled_from(["escludi", "zero", "zero_a_consuntivo"])),
    )


@st.composite
def plans(draw) -> tuple[Piano, Valori]:
    """A random plan with every shape the roll-up meets: empty nodes, direct indicators, area scope, odd weights."""
    serial = itertools.count(1)
    valori = Valori()

    def code(prefix: str) -> str:
        return f"{prefix}{next(serial)}"

    def indicators(max_size: int) -> tuple[Indicatore, ...]:
        out = []
        for _ in range(draw(st.integers(0, max_size))):
            c = code("I")
            target = draw(TARGETS)
            actual = draw(ACTUALS)
            if actual is not None:
                valori.consuntivi[(c, ANNO, "")] = Consuntivo(actual)
            out.append(
                Indicatore(
                    codice=c,
                    nome=c,
                    polarita=draw(st.sampled_from([Polarita.CRESCENTE, Polarita.DECRESCENTE])),
                    peso=draw(WEIGHTS),
                    cruscotto=draw(SCOPES),
                    target={ANNO: target} if target is not None else {},
                )
            )
        return tuple(out)

    def few(make, n: int) -> tuple:
        return tuple(make() for _ in range(draw(st.integers(0, n))))

    def oo() -> ObiettivoOperativo:
        c = code("OO")
        return ObiettivoOperativo(
            codice=c, nome=c, peso=draw(WEIGHTS), cruscotto=draw(SCOPES), indicatori=indicators(4)
        )

    def os_() -> ObiettivoStrategico:
        c = code("OS")
        return ObiettivoStrategico(
            codice=c, nome=c, peso=draw(WEIGHTS), indicatori=indicators(2), obiettivi_operativi=few(oo, 3)
        )

    def linea() -> LineaStrategica:
        c = code("L")
        return LineaStrategica(codice=c, nome=c, peso=draw(WEIGHTS), obiettivi_strategici=few(os_, 3))

    def prospettiva() -> Prospettiva:
        c = code("P")
        return Prospettiva(codice=c, nome=c, peso=draw(WEIGHTS), linee=few(linea, 2))

    piano = Piano(
        ente=Ente("E", "Ente di prova"), titolo="Piano di prova", anni=(ANNO,), prospettive=few(prospettiva, 3)
    )
    return piano, valori


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(plans(), min_size=1, max_size=3), regole())
def test_random_plans_score_as_in_the_scalar_engine(pairs, rules):
    batch = Batch.from_plans(pairs, anno=ANNO)
    assert_same_as_scalar(batch, pairs, rules)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(plans(), min_size=1, max_size=2), regole())
def test_the_figures_are_identical_not_only_close(pairs, rules):
    # Same operations in the same order (engine/batch.py's docstring): no rounding difference at all.
    batch = Batch.from_plans(pairs, anno=ANNO)
    assert_same_as_scalar(batch, pairs, rules, exact=True)


# --- the seed's rows ----------------------------------------------------------------


def numeric_part_of_small_plan(small_plan_file) -> Piano:
    """SMALL_PLAN (tests/conftest.py) without G.2, whose deadline and milestones the batch does not score."""
    piano = load_plan(small_plan_file).piano
    tel, pi = piano.prospettive
    linea_d = pi.linee[0]
    os_d = linea_d.obiettivi_strategici[0]
    os_d = dataclasses.replace(
        os_d, obiettivi_operativi=tuple(o for o in os_d.obiettivi_operativi if o.codice != "G.2")
    )
    pi = dataclasses.replace(pi, linee=(dataclasses.replace(linea_d, obiettivi_strategici=(os_d,)),))
    return dataclasses.replace(piano, prospettive=(tel, pi))


def valori(rows: dict) -> Valori:
    v = Valori()
    for code, value in rows.items():
        if value is not None:
            v.consuntivi[(code, ANNO, "")] = Consuntivo(value)
    return v


A34 = {"A.3.4-1": 68.28, "A.3.4-2": 100.0, "A.3.4-3": 100.0, "A.3.4-4": 6.0}


@pytest.mark.parametrize(
    ("d2", "expected_d2"),
    [
        # test_rollup's figures: 2 days ≤ 3, 98% ≥ 95%, paid 15.61 days early ≤ -15, 99% of 100%.
        ({"D2-1": 2.0, "D2-2": 98.0, "D2-3": -15.61, "D2-4": 99.0}, (100 + 100 + 100 + 99) / 4),
        # 4 days for 3: 3/4; 76% of 95%; paid 10 days early for 15: 100 - 5/15 × 100; D2-4 missing, left out.
        ({"D2-1": 4.0, "D2-2": 76.0, "D2-3": -10.0, "D2-4": None}, (75 + 80 + (100 - 5 / 15 * 100)) / 3),
        # paid 20 days late: 100 - 35/15 × 100 < 0 -> 0; a negative share of pratiche counts 0.
        ({"D2-1": 3.0, "D2-2": -5.0, "D2-3": 20.0, "D2-4": 100.0}, (100 + 0 + 0 + 100) / 4),
        ({"D2-1": None, "D2-2": None, "D2-3": None, "D2-4": None}, None),
    ],
)
@pytest.mark.parametrize(
    "rules",
    [
        Regole(),
        Regole(soglia_parziale=60.0),
        Regole(dati_mancanti="zero"),
        Regole(fasce=(Fascia(0, 0), Fascia(50, 50), Fascia(90, 100)), fasce_modo="lineare"),
    ],
)
def test_seed_d2_rows(small_plan_file, d2, expected_d2, rules):
    piano = numeric_part_of_small_plan(small_plan_file)
    d2_rows = {
        i.codice: (i.target[ANNO].valore, i.peso, i.polarita)
        for o in piano.obiettivi_operativi()
        if o.codice == "D2"
        for i in o.indicatori
    }
    assert d2_rows == {
        "D2-1": (3.0, 25.0, Polarita.DECRESCENTE),
        "D2-2": (95.0, 25.0, Polarita.CRESCENTE),
        "D2-3": (-15.0, 25.0, Polarita.DECRESCENTE),
        "D2-4": (100.0, 25.0, Polarita.CRESCENTE),
    }
    pairs = [(piano, valori({**A34, **d2}))]
    batch = Batch.from_plans(pairs, anno=ANNO)
    assert_same_as_scalar(batch, pairs, rules, exact=True)

    d2_index = batch.codes[1].index("D2")
    got = score_batch(batch, rules).achievement["obiettivo_operativo"][d2_index]
    if rules == Regole():  # the hand figures are without bands and with missing data left out
        if expected_d2 is None:
            assert np.isnan(got)
        else:
            assert got == pytest.approx(expected_d2, rel=1e-12)


def test_seed_d2_rows_in_a_batch_of_many_entities(small_plan_file):
    # The same plan many times over with different actuals: grouping by entity must not mix them up.
    piano = numeric_part_of_small_plan(small_plan_file)
    rng = np.random.default_rng(7)
    pairs = []
    for _ in range(25):
        rows = {
            code: (None if rng.random() < 0.15 else float(np.round(rng.normal(loc, scale), 2)))
            for code, loc, scale in (
                ("A.3.4-1", 80, 15), ("A.3.4-2", 95, 10), ("A.3.4-3", 95, 10), ("A.3.4-4", 6, 2),
                ("D2-1", 3, 1.5), ("D2-2", 95, 8), ("D2-3", -15, 8), ("D2-4", 98, 5),
            )
        }  # fmt: skip
        pairs.append((piano, valori(rows)))
    batch = Batch.from_plans(pairs, anno=ANNO)
    assert batch.n_entities == 25 and len(batch) == 25 * 8
    assert assert_same_as_scalar(batch, pairs, Regole(soglia_parziale=60.0), exact=True) == 25 * (8 + 2 + 2 + 2 + 2 + 1)


# --- rules that are easy to get wrong ---------------------------------------------------


def piano_of(*strategici: ObiettivoStrategico) -> Piano:
    """A plan with one perspective and one line holding these strategic objectives."""
    linea = LineaStrategica(codice="L", nome="L", obiettivi_strategici=strategici)
    return Piano(
        ente=Ente("E", "E"), titolo="t", anni=(ANNO,), prospettive=(Prospettiva(codice="P", nome="P", linee=(linea,)),)
    )


def one_objective(pesi, actuals, target="100") -> tuple[Piano, Valori]:
    inds = tuple(
        Indicatore(codice=f"I{k}", nome=f"I{k}", peso=p, target={ANNO: parse_target(target)})
        for k, p in enumerate(pesi)
    )
    oo = ObiettivoOperativo(codice="OO", nome="OO", indicatori=inds)
    piano = piano_of(ObiettivoStrategico(codice="OS", nome="OS", obiettivi_operativi=(oo,)))
    return piano, valori({f"I{k}": a for k, a in enumerate(actuals)})


@pytest.mark.parametrize(
    ("pesi", "actuals"),
    [
        # The given weights sum to 100 or a hair under, depending on how they are added; the missing one
        # gets what is left (0 or ~1e-14) and is the only one with data: no data, or its own figure.
        ([37.9, 38.8, 23.3, None], [None, None, None, 50.0]),
        ([0.1] * 10 + [None], [None] * 10 + [70.0]),
        ([60.0, None, None], [90.0, 30.0, None]),  # the two missing share 40: 20 each
        ([None, None, None], [100.0, 50.0, None]),  # all missing: equal
        ([0.0, 0.0], [100.0, 50.0]),  # weights with data all 0: no data
        ([120.0, None], [100.0, 50.0]),  # nothing left to share: the missing one weighs 0
    ],
)
def test_weight_rules(pesi, actuals):
    pair = one_objective(pesi, actuals)
    assert_same_as_scalar(Batch.from_plans([pair], anno=ANNO), [pair], Regole(), exact=True)


GRID_ACTUALS = [-20.0, -15.0, -10.0, -1.0, -0.0, 0.0, 1.0, 3.0, 4.0, 95.0, 100.0, 120.0, None, True, date(2020, 3, 1)]
GRID_TARGETS = ["-15 gg", "-1", "0", "3", "95%", "100%", ">3 ore", "<5", "=0", "timing (pag. 31-32)", None]


@pytest.mark.parametrize("dati_mancanti", ["escludi", "zero"])
@pytest.mark.parametrize("polarita", [Polarita.CRESCENTE, Polarita.DECRESCENTE])
def test_every_branch_of_the_indicator_rules(polarita, dati_mancanti):
    # Every actual against every target, boundaries included (A = T, A = 0, T = 0, T < 0): one objective per target.
    rows = {}
    oos = []
    for t, target in enumerate(GRID_TARGETS):
        inds = []
        for k, actual in enumerate(GRID_ACTUALS):
            code = f"T{t}A{k}"
            inds.append(
                Indicatore(
                    codice=code, nome=code, polarita=polarita, target={ANNO: parse_target(target)} if target else {}
                )
            )
            rows[code] = actual
        oos.append(ObiettivoOperativo(codice=f"OO{t}", nome="", indicatori=tuple(inds)))
    piano = piano_of(ObiettivoStrategico(codice="OS", nome="", obiettivi_operativi=tuple(oos)))
    pair = (piano, valori(rows))
    assert (
        assert_same_as_scalar(
            Batch.from_plans([pair], anno=ANNO), [pair], Regole(dati_mancanti=dati_mancanti), exact=True
        )
        > 165
    )


def test_a_zero_actual_meets_a_zero_target():
    piano, v = one_objective([None], [0.0], target="0")
    assert score_batch(Batch.from_plans([(piano, v)], anno=ANNO)).achievement["indicatore"][0] == 100.0


def test_partial_weights_as_in_the_docs():
    piano, v = one_objective([60.0, None, None], [90.0, 30.0, None])
    got = score_batch(Batch.from_plans([(piano, v)], anno=ANNO)).achievement["obiettivo_operativo"][0]
    assert got == pytest.approx((60 * 90 + 20 * 30) / 80)


def python_neumaier(values: list[float]) -> float:
    """CPython 3.12's sum() of floats, transcribed, to check the vectorised one on any Python."""
    total = comp = 0.0
    for x in values:
        t = total + x
        comp += (total - t) + x if abs(total) >= abs(x) else (x - t) + total
        total = t
    return total + comp if comp and math.isfinite(comp) else total


SUMMANDS = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.one_of(st.sampled_from([0.1, 0.2, 0.3, 33.3, 33.4, 12.5, 1e16, -1e16, 1.0]), st.floats(-1e6, 1e6)),
    ),
    max_size=40,
)


@given(SUMMANDS)
def test_grouped_sums_are_those_of_the_builtin_sum(pairs):
    groups = np.array([g for g, _ in pairs], dtype=np.int64)
    values = np.array([x for _, x in pairs], dtype=np.float64)
    got = sum_like_python(values, groups, 5)
    for g in range(5):
        assert got[g] == sum(x for h, x in pairs if h == g)
    got = neumaier_sum(values, groups, 5)
    for g in range(5):
        assert got[g] == python_neumaier([x for h, x in pairs if h == g])


def test_the_sums_differ_where_it_matters():
    # Why the care: the same weights add up differently with and without compensation.
    values, groups = np.array([37.9, 38.8, 23.3]), np.zeros(3, dtype=np.int64)
    assert neumaier_sum(values, groups, 1)[0] == 100.0
    assert np.bincount(groups, weights=values)[0] == 99.99999999999999


def test_area_nodes_stay_out_of_the_entity_figure():
    inds_area = (Indicatore(codice="IA", nome="IA", cruscotto=Cruscotto.AREA, target={ANNO: parse_target("100")}),)
    inds_ente = (Indicatore(codice="IE", nome="IE", target={ANNO: parse_target("100")}),)
    os_ = ObiettivoStrategico(
        codice="OS",
        nome="OS",
        obiettivi_operativi=(
            ObiettivoOperativo(codice="OA", nome="OA", cruscotto=Cruscotto.AREA, indicatori=inds_ente),
            ObiettivoOperativo(codice="OM", nome="OM", indicatori=inds_area),  # only area children: an area node
        ),
    )
    piano = piano_of(os_)
    pair = (piano, valori({"IE": 50.0, "IA": 100.0}))
    batch = Batch.from_plans([pair], anno=ANNO)
    r = score_batch(batch)
    assert list(r.ente["obiettivo_operativo"]) == [False, False]
    assert np.isnan(r.entity[0])  # both objectives are area: the entity has nothing to roll up
    assert list(r.achievement["obiettivo_operativo"]) == [50.0, 100.0]  # area nodes still have their figure
    assert_same_as_scalar(batch, [pair], Regole(), exact=True)


def test_actual_from_a_formula_is_read_as_the_scalar_engine_reads_it():
    ind = Indicatore(codice="F1", nome="F1", formula="evase / ricevute * 100", target={ANNO: parse_target("90%")})
    oo = ObiettivoOperativo(codice="OO", nome="OO", indicatori=(ind,))
    piano = piano_of(ObiettivoStrategico(codice="OS", nome="OS", obiettivi_operativi=(oo,)))
    v = valori({"F1": 10.0})  # entered, but the formula wins
    v.misure.update({("evase", ANNO): 81.0, ("ricevute", ANNO): 100.0})
    batch = Batch.from_plans([(piano, v)], anno=ANNO)
    assert batch.actual[0] == pytest.approx(81.0)
    assert_same_as_scalar(batch, [(piano, v)], Regole())


def test_non_numeric_indicators_are_refused():
    ind = Indicatore(
        codice="S1", nome="S1", polarita=Polarita.SCADENZA, target={ANNO: parse_target("entro 31/12/2020")}
    )
    piano = piano_of(ObiettivoStrategico(codice="OS", nome="OS", indicatori=(ind,)))
    with pytest.raises(ValueError, match="scadenza"):
        Batch.from_plans([(piano, Valori())], anno=ANNO)


def test_a_wrong_batch_is_caught():
    # The comparison can fail: flip one polarity and it must.
    pair = one_objective([50.0, 50.0], [2.0, 2.0], target="3")
    batch = Batch.from_plans([pair], anno=ANNO)
    assert_same_as_scalar(batch, [pair], Regole())
    flipped = dataclasses.replace(batch, polarity=np.array([DECRESCENTE, CRESCENTE], dtype=np.int8))
    with pytest.raises(AssertionError):
        assert_same_as_scalar(flipped, [pair], Regole())


def test_parent_indexes_are_checked():
    oo = Level.of([0])
    others = (Level.of([0]), Level.of([0]), Level.of([0]))
    with pytest.raises(ValueError, match="fuori intervallo"):
        Batch(
            actual=np.array([1.0]),
            target=np.array([1.0]),
            polarity=np.array([CRESCENTE], dtype=np.int8),
            weight=np.array([np.nan]),
            parent=np.array([1]),  # there is one operational objective: index 1 does not exist
            on_strategic=np.array([False]),
            area=np.array([False]),
            levels=(oo, *others),
            n_entities=1,
        )


# --- synthetic data ------------------------------------------------------------------


def test_synthetic_data_scores_as_in_the_scalar_engine():
    batch = synthetic(6, 100, seed=3)
    pairs = to_plans(batch)
    rules = Regole(soglia_parziale=60.0)
    for p, _ in pairs:
        assert sum(1 for _ in p.indicatori()) == 100
    assert (
        assert_same_as_scalar(dataclasses.replace(batch, codes=tuple(_codes_of(pairs))), pairs, rules, exact=True) > 600
    )


def _codes_of(pairs):
    """The codes of to_plans' plans in batch order (entity by entity, as synthetic lays them out)."""
    ind, oo, os_, ln, pr = [], [], [], [], []
    for piano, _ in pairs:
        pr += [p.codice for p in piano.prospettive]
        ln += [x.codice for x in piano.linee()]
        os_ += [x.codice for x in piano.obiettivi_strategici()]
        oo += [x.codice for x in piano.obiettivi_operativi()]
        ind += [x.codice for x in piano.indicatori()]
    return ind, oo, os_, ln, pr


def test_synthetic_data_looks_like_the_seed():
    batch = synthetic(200, 100, seed=0)
    n = len(batch)
    assert n == 20_000 and batch.n_entities == 200
    assert [len(level) for level in batch.levels] == [200 * 20, 200 * 14, 200 * 9, 200 * 4]
    assert 0.03 < np.isnan(batch.actual).mean() < 0.08
    assert 0.20 < (batch.polarity == DECRESCENTE).mean() < 0.30
    assert (batch.target < 0).any() and (batch.target == 0).any()
    # Weights sum to 100 inside every operational objective that gives them all.
    oo = batch.parent
    given = np.bincount(oo, weights=np.nan_to_num(batch.weight), minlength=len(batch.levels[0]))
    all_given = np.bincount(oo, weights=np.isnan(batch.weight), minlength=len(batch.levels[0])) == 0
    assert np.allclose(given[all_given], 100.0)
    # Every node has at least one child, and entities are laid out one after the other.
    assert np.bincount(oo).min() >= 1
    assert np.all(np.diff(batch.entity_of("indicatore")) >= 0)
    r = score_batch(batch)
    assert not np.isnan(r.entity).any()
    # 4: a value without a target for the year (1% of the synthetic rows) is non valutabile.
    assert set(np.unique(r.status["indicatore"])) <= {0, 1, 3, 4}
    assert Stato.RAGGIUNTO in r.stati("ente") or Stato.NON_RAGGIUNTO in r.stati("ente")


def test_synthetic_data_is_reproducible():
    a, b = synthetic(10, 100, seed=5), synthetic(10, 100, seed=5)
    np.testing.assert_array_equal(a.actual, b.actual)
    assert not np.array_equal(np.nan_to_num(a.actual), np.nan_to_num(synthetic(10, 100, seed=6).actual))
