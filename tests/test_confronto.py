"""Benchmarking across enti (engine/confronto.py): a hand-computed case, and the vectorised
figures against the standard library's on random data."""

from __future__ import annotations

import statistics
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cruscotto.engine import confronto as cf
from cruscotto.engine.model import (
    Ente,
    Evento,
    Fascia,
    FasciaRitardo,
    Indicatore,
    LineaStrategica,
    Milestone,
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


def test_a_cluster_by_hand():
    # one code (days to pay an invoice: lower is better), seven enti; ente 6 has no value;
    # the cluster is enti 0-4 and 6
    codes = np.zeros(7, dtype=int)
    enti = np.arange(7)
    values = np.array([30.0, 12.0, 20.0, 20.0, 41.0, 8.0, np.nan])
    cluster = np.array([True, True, True, True, True, False, True])
    (got,) = cf.confronta(["TEMPI-PAG"], [False], codes, enti, values, cluster, ente=2)
    assert got.valore == 20.0 and got.mancanti == 1 and (got.n_cluster, got.n_tutti) == (5, 6)
    # cluster 12, 20, 20, 30, 41: mean 24,6; inclusive quartiles 20 and 30
    assert got.cluster == cf.Statistiche(5, 24.6, 12.0, 20.0, 20.0, 30.0, 41.0)
    # ties share their best rank: 12 is first, the two 20s are second
    assert got.posizione_cluster == 2 and got.posizione_tutti == 3  # 8 and 12 are better
    (other,) = cf.confronta(["TEMPI-PAG"], [False], codes, enti, values, cluster, ente=5)
    assert other.posizione_cluster is None and other.posizione_tutti == 1  # not in the cluster
    (none,) = cf.confronta(["TEMPI-PAG"], [False], codes, enti, values, cluster, ente=6)
    assert none.valore is None and none.posizione_tutti is None


def test_too_small_a_cluster_shows_no_aggregate():
    codes, enti = np.zeros(4, dtype=int), np.arange(4)
    values = np.array([1.0, 2.0, 3.0, 4.0])
    (got,) = cf.confronta(["X"], [True], codes, enti, values, np.ones(4, dtype=bool), ente=0)
    assert got.cluster is None and got.tutti is None and got.n_cluster == 4
    assert got.posizione_cluster == 4  # the ente's own rank is its own: shown
    (got,) = cf.confronta(["X"], [True], codes, enti, values, np.ones(4, dtype=bool), ente=0, minimo=4)
    assert got.cluster is not None and got.cluster.mediana == 2.5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(-50, 50).map(float))),
        min_size=1,
        max_size=60,
    ),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_the_vectorised_figures_are_the_standard_librarys(rows, direction):
    # ente i has row i; codes 0-3; every other ente is in the cluster
    codes = np.array([c for c, _v in rows])
    values = np.array([np.nan if v is None else v for _c, v in rows])
    enti = np.arange(len(rows))
    cluster = enti % 2 == 0
    names = ["A", "B", "C", "D"]
    for e in range(len(rows)):
        (got,) = cf.confronta(names, direction, codes, enti, values, cluster, ente=e, minimo=1)
        k = codes[e]
        xs = [v for (c, v), i in zip(rows, enti, strict=True) if c == k and v is not None and cluster[i]]
        everyone = [v for c, v in rows if c == k and v is not None]
        if len(xs) >= 1:
            q = statistics.quantiles(xs, n=4, method="inclusive") if len(xs) > 1 else [xs[0]] * 3
            assert got.cluster is not None
            assert (got.cluster.n, got.cluster.minimo, got.cluster.massimo) == (len(xs), min(xs), max(xs))
            assert got.cluster.media == pytest.approx(statistics.fmean(xs))
            assert [got.cluster.q1, got.cluster.mediana, got.cluster.q3] == pytest.approx(q)
        else:
            assert got.cluster is None
        if rows[e][1] is not None:
            better = [v for v in everyone if (v > rows[e][1] if direction[k] else v < rows[e][1])]
            assert got.posizione_tutti == len(better) + 1


# --- the achievements: batch's vectorised rules against the scalar engine -------------------

ANNO = 2020
CATALOGO = ["TEMPI-PAG", "PRATICHE", "SODDISF", "DIGITALE", "ENTRATE"]
# Targets of every kind a plan has: batch's (numbers, thresholds, descriptive) and the scalar
# engine's only (relative, interval, multiple, baseline, running total, deadlines, yes/no).
TESTI_TARGET = [
    "90%", "100%", "3", "0", "-15 gg", ">3 ore", "<5", ">= 90%", "almeno 95%", "timing (pag. 31-32)",
    "+5% rispetto al 2019", "tra 10 e 20", "95% e 3 gg", "baseline", "totale 100",
    "entro il 30/06/2020", "entro 60 gg da T0", "sì",
]  # fmt: skip
VALORI = st.one_of(
    st.none(),
    st.none(),  # twice: a missing value is where the rules differ most (dati_mancanti, chiuso)
    st.sampled_from([0.0, 3.0, 4.0, 12.0, 76.0, 95.0, 100.0, 120.0, -10.0, -15.61]),
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
    st.sampled_from([True, False, date(2020, 3, 1), date(2020, 9, 30)]),
)


@st.composite
def regole(draw) -> Regole:
    fasce = draw(
        st.one_of(
            st.just(()),
            st.lists(
                st.builds(Fascia, st.sampled_from([0.0, 50.0, 80.0, 100.0]), st.sampled_from([0.0, 40.0, 100.0])),
                min_size=1,
                max_size=3,
            ).map(tuple),
        )
    )
    return Regole(
        soglia_raggiunto=draw(st.sampled_from([80.0, 100.0, 50.5])),
        soglia_parziale=draw(st.sampled_from([None, 60.0])),
        fasce=fasce,
        fasce_modo=draw(st.sampled_from(["gradini", "lineare"])),
        dati_mancanti=draw(st.sampled_from(["escludi", "zero", "zero_a_consuntivo"])),
        soglie=draw(st.sampled_from(["proporzionale", "raggiunto"])),
        ritardo_fasce=draw(st.sampled_from([(), (FasciaRitardo(30, 50.0),)])),
    )


@st.composite
def piani_del_catalogo(draw) -> tuple[Piano, Valori, bool, dict]:
    """A plan whose indicators reference the catalogue (some twice, some not at all), with every
    polarity and kind of target, its values, whether the year is closed and its neutralisations."""
    valori = Valori()
    inds = []
    for k in range(draw(st.integers(1, 8))):
        code = f"I{k}"
        polarita = draw(st.sampled_from(list(Polarita)))
        testo = draw(st.one_of(st.none(), st.sampled_from(TESTI_TARGET)))
        milestones = ()
        if polarita is Polarita.MILESTONE:
            scadenze = st.sampled_from(["entro il 30/06/2020", "entro 60 gg da T0"]).map(parse_target)
            milestones = tuple(
                Milestone(f"{code}-M{j}", "fase", draw(scadenze)) for j in range(draw(st.integers(1, 2)))
            )
            for ms in milestones:
                v = draw(VALORI)
                if v is not None:
                    valori.consuntivi[(ms.codice, ANNO, "")] = Consuntivo(v)
        for anno in (2019, 2020):  # 2019: the base of a relative target, a running total's past
            v = draw(VALORI)
            if v is not None:
                valori.consuntivi[(code, anno, "")] = Consuntivo(v)
        inds.append(
            Indicatore(
                codice=code,
                nome=code,
                polarita=polarita,
                catalogo=draw(st.sampled_from(["", *CATALOGO])),
                target={ANNO: parse_target(testo)} if testo else {},
                milestones=milestones,
                soglie=draw(st.sampled_from([None, None, "raggiunto", "proporzionale"])),
            )
        )
    oo = ObiettivoOperativo(codice="OO", nome="OO", indicatori=tuple(inds))
    os_ = ObiettivoStrategico(codice="OS", nome="OS", obiettivi_operativi=(oo,))
    linea = LineaStrategica(codice="L", nome="L", obiettivi_strategici=(os_,))
    piano = Piano(
        ente=Ente("E", "E"),
        titolo="t",
        anni=(2019, ANNO),
        regole=draw(regole()),
        prospettive=(Prospettiva(codice="P", nome="P", linee=(linea,)),),
        eventi=(Evento("T0", "avvio", draw(st.sampled_from([None, date(2020, 2, 1)]))),),
    )
    neutral = {("indicatore", i.codice): "delibera n. 1" for i in inds if draw(st.booleans()) and draw(st.booleans())}
    return piano, valori, draw(st.booleans()), neutral


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(piani_del_catalogo(), min_size=1, max_size=4))
def test_every_catalogue_rows_achievement_is_the_scalar_engines(plans):
    voci = [cf.voci_piano(p, v, ANNO, chiuso=chiuso, neutralizzati=n) for p, v, chiuso, n in plans]
    # every ente's rows scored at once, each plan under its own rules
    a, state, scalar = cf.raggiungimenti([x for rows in voci for x in rows])
    i = 0
    for (piano, valori, chiuso, neutral), rows in zip(plans, voci, strict=True):
        expected = score_plan(piano, anno=ANNO, valori=valori, chiuso=chiuso, neutralizzati=neutral)
        first = {}
        for ind in piano.indicatori():
            if ind.catalogo:
                first.setdefault(ind.catalogo, ind.codice)
        assert [(x.catalogo, x.indicatore) for x in rows] == list(first.items())
        for x in rows:
            r = expected.indicatore(x.indicatore)
            where = f"{x.indicatore} ({x.motivo or 'batch'})"
            if r.achievement is None:
                assert np.isnan(a[i]), where
            else:
                assert a[i] == r.achievement, where  # the same, not only close
            assert cf.STATI[state[i]] is r.stato, where
            assert scalar[i] == (x.esito is not None and r.stato is not Stato.NEUTRALIZZATO), where
            i += 1
    assert i == len(a)


@pytest.mark.parametrize(
    ("dati_mancanti", "chiuso", "counts_zero"),
    [
        ("escludi", False, False),
        ("escludi", True, False),
        ("zero", False, True),
        ("zero", True, True),
        ("zero_a_consuntivo", False, False),  # the year is open: left out
        ("zero_a_consuntivo", True, True),  # closed: counts 0
    ],
)
def test_a_missing_value_counts_zero_only_when_the_plans_rule_says_so(dati_mancanti, chiuso, counts_zero):
    inds = (
        Indicatore(codice="N", nome="N", catalogo="PRATICHE", target={ANNO: parse_target("90%")}),
        Indicatore(
            codice="S", nome="S", polarita=Polarita.SI_NO, catalogo="DIGITALE", target={ANNO: parse_target("sì")}
        ),
    )
    oo = ObiettivoOperativo(codice="OO", nome="OO", indicatori=inds)
    os_ = ObiettivoStrategico(codice="OS", nome="OS", obiettivi_operativi=(oo,))
    piano = Piano(
        ente=Ente("E", "E"),
        titolo="t",
        anni=(ANNO,),
        regole=Regole(dati_mancanti=dati_mancanti),
        prospettive=(
            Prospettiva(
                codice="P", nome="P", linee=(LineaStrategica(codice="L", nome="L", obiettivi_strategici=(os_,)),)
            ),
        ),
    )
    rows = cf.voci_piano(piano, Valori(), ANNO, chiuso=chiuso)
    assert [(r.indicatore, r.scalare) for r in rows] == [
        ("N", False),
        ("S", True),
    ]  # N by batch, S by the scalar engine
    a, state, _scalar = cf.raggiungimenti(rows)
    expected = score_plan(piano, anno=ANNO, chiuso=chiuso)
    for k, code in enumerate(["N", "S"]):
        assert expected.indicatore(code).achievement == (0.0 if counts_zero else None)
        assert (a[k] == 0.0) if counts_zero else np.isnan(a[k])
        assert cf.STATI[state[k]] is (Stato.NON_RAGGIUNTO if counts_zero else Stato.SENZA_DATI)
