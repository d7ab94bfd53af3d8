"""The SMVP's scoring rules, one table per rule, with the seed's own figures."""

from __future__ import annotations

from datetime import date

import pytest

from cruscotto.engine.model import Fascia, FasciaRitardo, Milestone, Polarita, Regole
from cruscotto.engine.scoring import Stato, higher_is_better, lower_is_better, score_one
from cruscotto.engine.targets import parse_target

R = Regole()  # the seed's SMVP: raggiunto at 80%
END_2020 = date(2020, 12, 31)


def score(polarita, target, actual, regole=R, as_of=END_2020, eventi=None, **kw):
    return score_one(
        polarita=polarita,
        target=parse_target(target, aliases={"t0": "T0"}) if target is not None else None,
        actual=actual,
        eventi=eventi or {"T0": None},
        as_of=as_of,
        regole=regole,
        **kw,
    )


@pytest.mark.parametrize(
    "row, actual, target, expected",
    [
        # A.3.4 resource use: 2019 printed 68,28% against a 90% target
        ("A.3.4 utilizzo risorse", 68.28, 90, 68.28 / 90 * 100),
        ("B.1.4 utilizzo risorse 2019", 98.0, 90, 100.0),
        ("B.3.2 studenti alternanza 2019", 2280, 2000, 100.0),
        ("B.3.2 classi coinvolte", 95, 100, 95.0),
        ("B.2.1 contributi per 1000 imprese", 3.54, 3, 100.0),
        ("A.3.4 protocolli e accordi", 6, 7, 6 / 7 * 100),
        ("a negative actual counts as 0", -5, 10, 0.0),
        ("T = 0 and A >= 0", 0, 0, 100.0),
        ("T = 0 and A < 0", -1, 0, 0.0),
    ],
)
def test_higher_is_better(row, actual, target, expected):
    a, _ = higher_is_better(actual, target)
    assert a == pytest.approx(expected)


@pytest.mark.parametrize(
    "row, actual, target, expected",
    [
        ("D2 tempo medio lavorazione 2019: 2 gg vs 3", 2, 3, 100.0),
        ("D2 tempo medio lavorazione: 4,35 gg vs 3", 4.35, 3, 3 / 4.35 * 100),
        ("D2 tempestività pagamenti 2019: -15,61 vs -15", -15.61, -15, 100.0),
        ("D2 tempestività pagamenti: -12 vs -15", -12, -15, 80.0),
        ("D2 tempestività pagamenti: +15 vs -15 (far too late)", 15, -15, 0.0),
        ("H3 contenziosi: 0 vs 0", 0, 0, 100.0),
        ("H3 contenziosi: 0,88 vs 0", 0.88, 0, 0.0),
        ("I.2 oneri/proventi 2018: 104,53 vs 107", 104.53, 107, 100.0),
        ("I.2 incidenza personale 45,08 vs 42", 45.08, 42, 42 / 45.08 * 100),
    ],
)
def test_lower_is_better(row, actual, target, expected):
    a, _ = lower_is_better(actual, target)
    assert a == pytest.approx(expected)


def test_status_follows_the_threshold_and_the_optional_middle_band():
    assert score(Polarita.CRESCENTE, "90%", 71.99).stato is Stato.NON_RAGGIUNTO  # 79.99%
    assert score(Polarita.CRESCENTE, "90%", 72.0).stato is Stato.RAGGIUNTO  # exactly 80%
    middle = Regole(soglia_parziale=60)
    assert score(Polarita.CRESCENTE, "90%", 60.0, regole=middle).stato is Stato.PARZIALE
    assert score(Polarita.CRESCENTE, "90%", 53.0, regole=middle).stato is Stato.NON_RAGGIUNTO


def test_no_actual_is_senza_dati_unless_the_plan_counts_it_as_zero():
    assert score(Polarita.CRESCENTE, "90%", None).stato is Stato.SENZA_DATI
    out = score(Polarita.CRESCENTE, "90%", None, regole=Regole(dati_mancanti="zero"))
    assert (out.achievement, out.stato) == (0.0, Stato.NON_RAGGIUNTO)


def test_a_value_without_a_target_for_the_year_is_non_valutabile_with_the_reason():
    out = score(Polarita.CRESCENTE, None, 5.0)
    assert out.stato is Stato.NON_VALUTABILE and "nessun target" in out.steps[0]
    assert score(Polarita.CRESCENTE, None, None).stato is Stato.SENZA_DATI


@pytest.mark.parametrize(
    "target, actual, as_of, expected, stato",
    [
        ("15/08/2020", date(2020, 8, 1), END_2020, 100.0, Stato.RAGGIUNTO),  # OCRI set up in time
        ("15/08/2020", date(2020, 8, 15), END_2020, 100.0, Stato.RAGGIUNTO),  # on the day
        ("15/08/2020", date(2020, 8, 16), END_2020, 0.0, Stato.NON_RAGGIUNTO),  # one day late
        ("30/11/2020", False, END_2020, 0.0, Stato.NON_RAGGIUNTO),  # giornata della trasparenza not held
        ("30/11/2020", False, date(2020, 6, 30), None, Stato.IN_ATTESA),  # still time
        ("entro 31/12/2020", True, END_2020, 100.0, Stato.RAGGIUNTO),  # done, date not given
        ("entro 31/12/2020", None, END_2020, None, Stato.SENZA_DATI),
    ],
)
def test_deadlines(target, actual, as_of, expected, stato):
    out = score(Polarita.SCADENZA, target, actual, as_of=as_of)
    assert (out.achievement, out.stato) == (expected, stato)


def test_deadline_bands_by_days_late():
    regole = Regole(ritardo_fasce=(FasciaRitardo(30, 50.0), FasciaRitardo(10, 80.0)))
    assert score(Polarita.SCADENZA, "15/08/2020", date(2020, 8, 20), regole=regole).achievement == 80.0
    assert score(Polarita.SCADENZA, "15/08/2020", date(2020, 9, 10), regole=regole).achievement == 50.0
    assert score(Polarita.SCADENZA, "15/08/2020", date(2020, 10, 10), regole=regole).achievement == 0.0


def test_event_relative_deadlines_wait_for_the_event_then_score():
    waiting = score(Polarita.SCADENZA, "entro T0", date(2020, 9, 1))
    assert waiting.stato is Stato.IN_ATTESA and waiting.achievement is None
    known = score(Polarita.SCADENZA, "30 gg. da T0", date(2020, 10, 1), eventi={"T0": date(2020, 9, 14)})
    assert known.achievement == 100.0
    late = score(Polarita.SCADENZA, "Entro 15 gg. prima di T0", date(2020, 9, 1), eventi={"T0": date(2020, 9, 14)})
    assert late.achievement == 0.0  # due 30/08/2020


def test_yes_no():
    assert score(Polarita.SI_NO, "rispetto termini previsti in PTPCT", True).achievement == 100.0
    assert score(Polarita.SI_NO, "si", False).achievement == 0.0
    assert score(Polarita.SI_NO, "si", 3.0).stato is Stato.NON_VALUTABILE


# The accorpamento timing of the seed (section 3.2, fund objectives).
TIMING = tuple(
    Milestone(code, desc, parse_target(due))
    for code, due, desc in [
        ("H1-1.1", "28/02/2020", "Riattivazione gruppi di lavoro intercamerali"),
        ("H1-1.2", "Entro 15 gg. prima di T0", "Gruppi di lavoro sanzioni, firma digitale ..."),
        ("H1-1.3", "Entro T0", "Completamento adempimenti preliminari"),
        ("H1-1.4", "30 gg. da T0", "Avvio programmazione nuovo Ente"),
        ("H1-1.5", "90 gg. da T0", "Prima ridefinizione compiti"),
        ("H1-1.6", "30/11/2020", "Definizione nuova struttura organizzativa"),
        ("H1-1.7", "31/12/2020", "Adozione atti per la nuova struttura dal 1/1/2021"),
    ]
)


def test_milestones_before_t0_is_known_score_only_the_absolute_ones():
    done = {"H1-1.1": date(2020, 2, 20), "H1-1.6": date(2020, 12, 3), "H1-1.7": date(2020, 12, 21)}
    out = score(Polarita.MILESTONE, "timing", None, milestones=TIMING, milestone_actuals=done)
    # 28/02 met, 30/11 missed (3/12), 31/12 met: 2 of 3; the four T0 ones wait
    assert out.achievement == pytest.approx(200 / 3)
    assert sum("evento non ancora nota" in s for s in out.steps) == 4
    assert "(4 in attesa, escluse)" in out.steps[-2]


def test_milestones_once_t0_is_known():
    done = {
        "H1-1.1": date(2020, 2, 20),
        "H1-1.2": date(2020, 8, 25),  # due 30/08
        "H1-1.3": date(2020, 9, 14),  # due 14/09
        "H1-1.4": date(2020, 10, 20),  # due 14/10: late
        "H1-1.5": date(2020, 12, 1),  # due 13/12
        "H1-1.6": date(2020, 11, 30),
        "H1-1.7": date(2020, 12, 21),
    }
    out = score(
        Polarita.MILESTONE, "timing", None, milestones=TIMING, milestone_actuals=done, eventi={"T0": date(2020, 9, 14)}
    )
    assert out.achievement == pytest.approx(600 / 7)
    assert out.stato is Stato.RAGGIUNTO


def test_milestones_with_weights():
    ms = (Milestone("a", "", parse_target("31/03/2020"), 75.0), Milestone("b", "", parse_target("30/06/2020"), 25.0))
    out = score(
        Polarita.MILESTONE, None, None, milestones=ms, milestone_actuals={"a": date(2020, 3, 1), "b": date(2020, 7, 1)}
    )
    assert out.achievement == 75.0


def test_all_milestones_waiting_is_in_attesa():
    out = score(Polarita.MILESTONE, "timing", None, milestones=TIMING[1:5], milestone_actuals={})
    assert out.stato is Stato.IN_ATTESA and out.achievement is None


def test_comparison_targets_set_the_direction():
    # G.2 formazione anticorruzione ">3 ore": 3 hours meet it (docs/scoring.md)
    assert score(Polarita.CRESCENTE, ">3 ore", 3.0).achievement == 100.0
    assert score(Polarita.CRESCENTE, ">3 ore", 1.5).achievement == 50.0
    assert score(Polarita.CRESCENTE, "<5", 10.0).achievement == 50.0
    # "=1" (sportelli anno x / anno x-1): maintenance, higher is better
    assert score(Polarita.CRESCENTE, "=1", 0.9).achievement == pytest.approx(90.0)


def test_step_bands():
    bands = Regole(fasce=(Fascia(0, 0), Fascia(60, 60), Fascia(70, 80), Fascia(90, 90), Fascia(99, 100)))
    for actual, expected in [(50, 0), (65, 60), (75, 80), (95, 90), (99.5, 100)]:
        assert score(Polarita.CRESCENTE, "100", actual, regole=bands).achievement == expected


def test_linear_bands_interpolate_between_band_starts():
    bands = Regole(fasce=(Fascia(0, 0), Fascia(60, 0), Fascia(100, 100)), fasce_modo="lineare")
    assert score(Polarita.CRESCENTE, "100", 80, regole=bands).achievement == pytest.approx(50.0)
    assert score(Polarita.CRESCENTE, "100", 40, regole=bands).achievement == 0.0


def test_every_result_explains_itself():
    out = score(Polarita.CRESCENTE, "90%", 68.28)
    text = " ".join(out.steps)
    assert "min(100; max(0; 68,28) / 90 × 100) = 75,87" in text
    assert "< 80 (soglia) → non raggiunto" in text or "a = 75,87 < 80 → non raggiunto" in text


def test_a_type_mismatch_is_explained_not_raised():
    # A value that is there but cannot be scored is "non valutabile", never "senza dati".
    out = score(Polarita.CRESCENTE, "90%", date(2020, 1, 1))
    assert out.stato is Stato.NON_VALUTABILE and "non numerico" in out.steps[0]
    out = score(Polarita.SCADENZA, "90%", date(2020, 1, 1))
    assert out.stato is Stato.NON_VALUTABILE and "non è una scadenza" in out.steps[0]
    out = score(Polarita.SCADENZA, "entro 31/12/2020", 15.0)
    assert out.stato is Stato.NON_VALUTABILE and "non è una data" in out.steps[0]


def test_a_nan_actual_is_no_value():
    assert score(Polarita.DECRESCENTE, "3", float("nan")).stato is Stato.SENZA_DATI
    assert score(Polarita.CRESCENTE, "90%", float("nan")).stato is Stato.SENZA_DATI


def test_missing_counted_as_zero_goes_through_the_bands_like_an_entered_zero():
    regole = Regole(dati_mancanti="zero", fasce=(Fascia(0, 20), Fascia(60, 60)))
    assert (
        score(Polarita.CRESCENTE, "90%", None, regole=regole).achievement
        == score(Polarita.CRESCENTE, "90%", 0.0, regole=regole).achievement
        == 20
    )


def test_an_unscorable_target_stays_unscored_even_when_missing_counts_zero():
    out = score(Polarita.CRESCENTE, "timing (pag. 31-32)", None, regole=Regole(dati_mancanti="zero"))
    assert out.stato is Stato.SENZA_DATI and "non numerico" in out.steps[0]
