"""Scoring the targets real plans write (issue 10): each rule with hand-computed figures."""

from __future__ import annotations

from datetime import date

import pytest

from cruscotto.engine.model import (
    Dato,
    Indicatore,
    LineaStrategica,
    ObiettivoStrategico,
    Piano,
    Polarita,
    Prospettiva,
    Regole,
)
from cruscotto.engine.model import Ente as EnteModel
from cruscotto.engine.rollup import Copertura, score_plan
from cruscotto.engine.scoring import Consuntivo, Stato, Valori, score_indicator
from cruscotto.engine.targets import TargetKind, parse_target

END = date(2021, 12, 31)


def ind(targets: dict[int, str], *, polarita=Polarita.CRESCENTE, storico=None, **kw) -> Indicatore:
    return Indicatore(
        codice="X1",
        nome="x",
        polarita=polarita,
        target={y: parse_target(t, anno=y) for y, t in targets.items()},
        storico={y: Dato(str(v), float(v)) for y, v in (storico or {}).items()},
        **kw,
    )


def score(i: Indicatore, actuals: dict[tuple[str, int], object], anno: int = 2021, regole: Regole | None = None):
    valori = Valori({(c, y, ""): Consuntivo(v) for (c, y), v in actuals.items()})
    res, _ = score_indicator(
        i, anno=anno, valori=valori, eventi={}, as_of=date(anno, 12, 31), regole=regole or Regole()
    )
    return res


# --- parsing: every phrasing kind of the issue, with its reading ---------------------------------


@pytest.mark.parametrize(
    "printed, kind, value, op",
    [
        ("almeno 1.100", TargetKind.NUMERO, 1100.0, ">="),
        ("non inferiore a 90%", TargetKind.NUMERO, 90.0, ">="),
        ("maggiore o uguale a 90,00%", TargetKind.NUMERO, 90.0, ">="),
        ("maggiore di 75%", TargetKind.NUMERO, 75.0, ">"),
        ("superiore a 80", TargetKind.NUMERO, 80.0, ">"),
        ("non superiore a 30 giorni", TargetKind.NUMERO, 30.0, "<="),
        ("inferiore a 5", TargetKind.NUMERO, 5.0, "<"),
        ("fino a 10", TargetKind.NUMERO, 10.0, "<="),
        ("max 5", TargetKind.NUMERO, 5.0, "<="),
        ("min. 3", TargetKind.NUMERO, 3.0, ">="),
        ("≥ 95%", TargetKind.NUMERO, 95.0, ">="),
        ("=> 90", TargetKind.NUMERO, 90.0, ">="),
        ("> o = 7,5", TargetKind.NUMERO, 7.5, ">="),
        ("90% o più", TargetKind.NUMERO, 90.0, ">="),
        ("almeno uno", TargetKind.NUMERO, 1.0, ">="),
        ("entro 30 giorni", TargetKind.NUMERO, 30.0, "<="),
        ("entro 30 giorni dalla richiesta", TargetKind.NUMERO, 30.0, "<="),
        ("2 milioni di cittadini", TargetKind.NUMERO, 2_000_000.0, ""),
    ],
)
def test_thresholds_in_words(printed, kind, value, op):
    t = parse_target(printed)
    assert (t.tipo, t.valore, t.operatore) == (kind, value, op)


@pytest.mark.parametrize(
    "printed, due",
    [
        ("Dicembre 2021", date(2021, 12, 31)),
        ("entro dicembre 2021", date(2021, 12, 31)),
        ("entro il 30 giugno 2023", date(2023, 6, 30)),
        ("30.06.2023", date(2023, 6, 30)),
        ("31/12/23", date(2023, 12, 31)),
        ("entro il primo semestre 2021", date(2021, 6, 30)),
        ("entro il 2022", date(2022, 12, 31)),
        ("I trimestre 2021", date(2021, 3, 31)),
        ("2022 - 4° trimestre", date(2022, 12, 31)),
        ("entro il 31/12", date(2021, 12, 31)),  # the year of the target's column
        ("entro fine anno", date(2021, 12, 31)),
        ("Adozione del regolamento entro il 30/06/2021", date(2021, 6, 30)),
    ],
)
def test_dates_in_every_written_form(printed, due):
    t = parse_target(printed, anno=2021)
    assert t.tipo is TargetKind.SCADENZA and t.data == due


@pytest.mark.parametrize(
    "printed, value, base, variazione, op",
    [
        ("+20% rispetto alla baseline", 20.0, "baseline", "percentuale", ">="),
        ("aumento del 10% rispetto al 2019", 10.0, "2019", "percentuale", ">="),
        ("+5 punti percentuali", 5.0, "precedente", "punti", ">="),
        ("riduzione del 15% dei tempi medi", -15.0, "precedente", "percentuale", "<="),
        ("mantenimento", 0.0, "precedente", "assoluta", ""),
        ("mantenimento del livello 2019", 0.0, "2019", "assoluta", ""),
        ("≥ valore dell'anno precedente", 0.0, "precedente", "assoluta", ">="),
        ("Incremento, rispetto alla baseline 2021, di almeno 40 PA", 40.0, "2021", "assoluta", ">="),
        (
            "Incremento del numero di autenticazioni del 100% rispetto alla baseline.",
            100.0,
            "baseline",
            "percentuale",
            ">=",
        ),
    ],
)
def test_targets_relative_to_a_base(printed, value, base, variazione, op):
    t = parse_target(printed)
    assert (t.tipo, t.valore, t.base, t.variazione, t.operatore) == (TargetKind.RELATIVO, value, base, variazione, op)


def test_a_sign_before_an_earlier_year_means_that_years_value():
    t = parse_target(">= 2022", anno=2023)
    assert (t.tipo, t.base, t.operatore, t.valore) == (TargetKind.RELATIVO, "2022", ">=", 0.0)
    # Not before the target's year, or with no year known: the number itself.
    assert parse_target(">= 2022", anno=2022).tipo is TargetKind.NUMERO
    assert parse_target(">= 2022").valore == 2022.0
    assert parse_target(">= 1990", anno=2021).valore == 1990.0


@pytest.mark.parametrize(
    "printed, value",
    [("costruzione della baseline", None), ("Baseline: rilevazione del dato", None), ("Baseline: 800", 800.0)],
)
def test_building_a_baseline(printed, value):
    t = parse_target(printed)
    assert (t.tipo, t.valore) == (TargetKind.BASELINE, value)


@pytest.mark.parametrize(
    "printed, value, op, cumulo",
    [
        ("ulteriori 30.000", 30000.0, "", "incremento"),
        ("altre 35 PA", 35.0, "", "incremento"),
        ("per un totale di almeno 30.000", 30000.0, ">=", "totale"),
        ("30.000 cumulato nel triennio", 30000.0, "", "totale"),
    ],
)
def test_cumulative_and_incremental_targets(printed, value, op, cumulo):
    t = parse_target(printed)
    assert (t.tipo, t.valore, t.operatore, t.cumulo) == (TargetKind.NUMERO, value, op, cumulo)


@pytest.mark.parametrize("printed", ["tra 90% e 95%", "90-95%", "da 90 a 95%"])
def test_ranges_are_bands(printed):
    t = parse_target(printed)
    assert (t.tipo, t.valore, t.massimo) == (TargetKind.INTERVALLO, 90.0, 95.0)


def test_several_measures_in_one_indicator():
    t = parse_target("almeno 100 amministrazioni coinvolte e almeno 1.728 soggetti formati")
    assert t.tipo is TargetKind.MULTIPLO
    assert [(p.valore, p.operatore) for p in t.parti] == [(100.0, ">="), (1728.0, ">=")]
    bullets = parse_target("- almeno 10 enti\n- entro il 30/06/2022 il regolamento")
    assert [p.tipo for p in bullets.parti] == [TargetKind.NUMERO, TargetKind.SCADENZA]


@pytest.mark.parametrize(
    "printed", ["Sì", "SI", "realizzazione del progetto", "adozione del regolamento", "Approvazione del Piano 2021"]
)
def test_qualitative_targets_are_yes_no(printed):
    assert parse_target(printed).tipo is TargetKind.SI_NO


def test_one_cell_with_each_years_target_gives_the_years_part():
    t = parse_target("Anno 2015: >= 90% Anno 2016: >= 95% Anno 2017: >= 100%", anno=2016)
    assert (t.tipo, t.valore, t.operatore) == (TargetKind.NUMERO, 95.0, ">=")


def test_values_for_several_years_in_a_sentence_give_the_columns_year():
    printed = "10 o più partecipanti nel 2020, 15 o più partecipanti nel 2021, 20 o più partecipanti nel 2022"
    t = parse_target(printed, anno=2021)
    assert (t.tipo, t.valore, t.operatore) == (TargetKind.NUMERO, 15.0, ">=")
    # Without a column's year, each year's value is a part; a school year is not a year's part.
    assert [p.valore for p in parse_target(printed).parti] == [10.0, 15.0, 20.0]
    school = parse_target("188 lezioni nell’anno 2019/2020 e 132+ lezioni nell’anno 2020/2021", anno=2020)
    assert school.tipo is TargetKind.MULTIPLO and len(school.parti) == 2


@pytest.mark.parametrize(
    "printed",
    [
        "100% massimo, 80% medio, 60% basso",
        "Massimo: più di 30 - Medio: tra 15 e 30 - Basso: Meno di 15",
        "Importo da quantificare entro il 31 marzo 2021",
        "1:1 rapporto tra studenti e dispositivi digitali nelle scuole",
    ],
)
def test_scales_targets_still_to_be_set_and_ratios_are_never_read_for_a_figure(printed):
    assert parse_target(printed, anno=2021).tipo is TargetKind.DESCRITTIVO


def test_quantities_in_letters_are_read_only_as_the_object_of_the_action():
    assert (
        parse_target("Attivazione di almeno un appalto").valore,
        parse_target("Attivazione di almeno un appalto").operatore,
    ) == (1.0, ">=")
    assert parse_target("Erogazione di due corsi di formazione").valore == 2.0
    assert (
        parse_target("Attivazione di un nuovo centro che veda il coinvolgimento di almeno un ente").tipo
        is TargetKind.SI_NO
    )


# --- scoring ------------------------------------------------------------------------------------


def test_better_than_a_year_follows_the_polarity_and_never_compares_a_year_with_itself():
    up = ind({2023: "migliore 2022"})
    assert score(up, {("X1", 2022): 80.0, ("X1", 2023): 72.0}, anno=2023).achievement == pytest.approx(90.0)
    down = ind({2023: "migliore 2022"}, polarita=Polarita.DECRESCENTE)
    assert score(down, {("X1", 2022): 80.0, ("X1", 2023): 100.0}, anno=2023).achievement == pytest.approx(80.0)
    same = ind({2023: "migliore 2023"})
    r = score(same, {("X1", 2023): 72.0}, anno=2023)
    assert r.stato is Stato.NON_VALUTABILE
    assert "non precede l'anno del target 2023" in r.trace["passi"][0]


def test_a_relative_target_resolves_from_the_previous_years_actual_and_says_so():
    i = ind({2020: "100", 2021: "+20% rispetto all'anno precedente"})
    r = score(i, {("X1", 2020): 150.0, ("X1", 2021): 171.0})
    # base 150 × 1,2 = 180; 171 / 180 = 95%
    assert r.achievement == pytest.approx(95.0)
    assert "base (rispetto all'anno precedente): consuntivo 2020 = 150" in r.trace["passi"][0]
    assert "150 × (1 + 20%) = 180" in r.trace["passi"][1]


def test_a_relative_target_takes_the_printed_history_when_there_is_no_actual():
    i = ind({2021: "riduzione del 10% rispetto al 2019"}, polarita=Polarita.DECRESCENTE, storico={2019: 40})
    r = score(i, {("X1", 2021): 40.0})
    # 40 × 0,9 = 36 to reach, 40 done: 36 / 40 = 90%
    assert r.achievement == pytest.approx(90.0)
    assert "storico 2019 del piano" in r.trace["passi"][0]


def test_points_and_maintenance():
    i = ind({2021: "+5 punti percentuali"})
    assert score(i, {("X1", 2020): 60.0, ("X1", 2021): 65.0}).achievement == pytest.approx(100.0)
    keep = ind({2021: "mantenimento"})
    assert score(keep, {("X1", 2020): 80.0, ("X1", 2021): 72.0}).achievement == pytest.approx(90.0)


def test_without_a_base_the_indicator_is_non_valutabile_with_the_reason():
    i = ind({2021: "+20% rispetto alla baseline"})
    r = score(i, {("X1", 2021): 171.0})
    assert r.stato is Stato.NON_VALUTABILE and r.achievement is None
    assert "nessuna baseline" in r.trace["passi"][0]


def test_the_baseline_year_is_shown_not_scored_and_is_the_base_after():
    i = ind({2020: "costruzione della baseline", 2021: "+10% rispetto alla baseline"})
    first = score(i, {("X1", 2020): 200.0}, anno=2020)
    assert first.stato is Stato.BASELINE and first.achievement is None
    r = score(i, {("X1", 2020): 200.0, ("X1", 2021): 220.0})
    assert r.achievement == pytest.approx(100.0)
    assert "anno di costruzione della baseline" in r.trace["passi"][0]
    declared = ind({2021: "+10% rispetto alla baseline"}, baseline=Dato("300", 300.0), baseline_anno=2019)
    assert score(declared, {("X1", 2021): 297.0}).achievement == pytest.approx(90.0)


def test_a_band_is_met_inside_and_follows_the_polarity_outside():
    i = ind({2021: "tra 90% e 95%"})
    assert score(i, {("X1", 2021): 92.0}).achievement == 100.0
    assert score(i, {("X1", 2021): 99.0}).achievement == 100.0  # above, higher is better
    assert score(i, {("X1", 2021): 81.0}).achievement == pytest.approx(90.0)  # 81 / 90
    low = ind({2021: "da 3 a 5 giorni"}, polarita=Polarita.DECRESCENTE)
    assert score(low, {("X1", 2021): 2.0}).achievement == 100.0
    assert score(low, {("X1", 2021): 8.0}).achievement == pytest.approx(62.5)  # 5 / 8


def test_thresholds_are_proportional_or_met_by_the_plans_rule():
    i = ind({2021: "almeno 1.000"})
    assert score(i, {("X1", 2021): 900.0}).achievement == pytest.approx(90.0)
    assert score(i, {("X1", 2021): 900.0}, regole=Regole(soglie="raggiunto")).achievement == 0.0
    assert score(i, {("X1", 2021): 1000.0}, regole=Regole(soglie="raggiunto")).achievement == 100.0
    # The indicator's own rule wins over the plan's.
    own = ind({2021: "almeno 1.000"}, soglie="raggiunto")
    assert score(own, {("X1", 2021): 900.0}).achievement == 0.0
    # A plain figure is never a threshold: proportional under either rule.
    plain = ind({2021: "1.000"})
    assert score(plain, {("X1", 2021): 900.0}, regole=Regole(soglie="raggiunto")).achievement == pytest.approx(90.0)


def test_a_running_total_adds_the_years_actuals():
    i = ind({2020: "10.000", 2021: "per un totale di almeno 30.000"})
    r = score(i, {("X1", 2020): 12_000.0, ("X1", 2021): 15_000.0})
    assert r.achievement == pytest.approx(90.0)  # 27.000 / 30.000
    assert "2020: 12.000 + 2021: 15.000 = 27.000" in r.trace["passi"][0]
    missing = score(i, {("X1", 2021): 15_000.0})
    assert missing.stato is Stato.NON_VALUTABILE and "manca il consuntivo di 2020" in missing.trace["passi"][0]


def test_sub_measures_score_as_the_mean_or_all_of_them():
    i = ind({2021: "almeno 100 amministrazioni e almeno 1.000 soggetti"})
    values = {("X1#1", 2021): 100.0, ("X1#2", 2021): 800.0}
    assert score(i, values).achievement == pytest.approx(90.0)  # (100 + 80) / 2
    assert score(i, values, regole=Regole(multiplo="tutti")).achievement == pytest.approx(80.0)
    one_value = score(i, {("X1", 2021): 900.0})
    assert one_value.stato is Stato.NON_VALUTABILE  # a single value for two measures: say so


def test_a_value_without_a_readable_target_is_non_valutabile_not_senza_dati():
    i = ind({2021: "vedi cronoprogramma"})
    assert score(i, {("X1", 2021): 5.0}).stato is Stato.NON_VALUTABILE
    assert score(i, {}).stato is Stato.SENZA_DATI


# --- coverage of every roll-up -------------------------------------------------------------------


def test_every_roll_up_carries_its_coverage():
    inds = (
        Indicatore("A", "a", target={2021: parse_target("100")}),
        Indicatore("B", "b", target={2021: parse_target("vedi allegato")}),
        Indicatore("C", "c", target={2021: parse_target("100")}),
        Indicatore("D", "d", target={2021: parse_target("costruzione della baseline")}),
    )
    piano = Piano(
        ente=EnteModel("E", "Ente"),
        titolo="t",
        anni=(2021,),
        prospettive=(
            Prospettiva(
                "P",
                "p",
                linee=(
                    LineaStrategica("L", "l", obiettivi_strategici=(ObiettivoStrategico("O", "o", indicatori=inds),)),
                ),
            ),
        ),
    )
    valori = Valori({(c, 2021, ""): Consuntivo(v) for c, v in (("A", 80.0), ("B", 3.0), ("D", 7.0))})
    result = score_plan(piano, anno=2021, valori=valori)
    assert result.copertura == Copertura(totale=4, valutati=1, non_valutabili=1, senza_dati=1, baseline=1)
    assert (
        result.copertura.testo()
        == "1 indicatore valutato su 3 con dati, 1 non valutabile, 1 in costruzione della baseline, 1 senza dati"
    )
    assert result.achievement == pytest.approx(80.0)  # computed on A alone, and it says so
    assert all(n.copertura == result.copertura for n in result.nodi)
    assert result.entity_trace["copertura"]["valutati"] == 1
