"""Reading the seed's printed figures and targets."""

from __future__ import annotations

from datetime import date

import pytest

from cruscotto.engine.errors import ParseError
from cruscotto.engine.numbers import parse_date, parse_number, parse_optional_number, parse_value, parse_weight
from cruscotto.engine.targets import TargetKind, event_aliases, parse_target

ALIASES = event_aliases(
    {
        "T0": ["data accorpamento", "termini previsti per accorpamento"],
        "LG-ANAC": ["data entrata in vigore linee guida ANAC"],
    }
)


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("2.000", 2000.0),
        ("68,28%", 68.28),
        ("117.762,00", 117762.0),
        ("5.513.742,83", 5513742.83),
        ("-15 gg", -15.0),
        ("-15,61", -15.61),
        ("3gg", 3.0),
        ("4,35", 4.35),
        ("0", 0.0),
        ("2,80%", 2.8),
        ("1234.5", 1234.5),  # a machine-written decimal point
        ("−8,69", -8.69),  # a typographic minus
        (12, 12.0),
    ],
)
def test_italian_numbers_are_read_as_printed(printed, expected):
    assert parse_number(printed) == pytest.approx(expected)


@pytest.mark.parametrize("printed", ["", "-", "nd", "N/D", "n.d."])
def test_the_seeds_no_value_marks_are_none(printed):
    assert parse_optional_number(printed) is None


@pytest.mark.parametrize("bad", ["abc", "in attesa di consuntivo", "%", True])
def test_a_number_that_cannot_be_read_names_the_value(bad):
    with pytest.raises(ParseError) as exc:
        parse_number(bad, where="riga 3, colonna Peso")
    assert "riga 3, colonna Peso" in str(exc.value)
    assert repr(bad) in str(exc.value)


def test_dates_are_day_first_and_impossible_dates_are_errors():
    assert parse_date("15/08/2020") == date(2020, 8, 15)
    assert parse_date("2020-08-15") == date(2020, 8, 15)
    with pytest.raises(ParseError, match="data inesistente"):
        parse_date("31/02/2020")
    with pytest.raises(ParseError, match="data non valida"):
        parse_date("agosto 2020")


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("68,28", 68.28),
        ("10/12/2019", date(2019, 12, 10)),
        ("si", True),
        ("Sì", True),
        ("no", False),
        ("", None),
        ("1", 1.0),
        ("0", 0.0),
    ],
)
def test_actual_values_are_numbers_dates_or_yes_no(printed, expected):
    assert parse_value(printed) == expected


def test_weights_are_percentage_points_and_never_negative():
    assert parse_weight("50%") == 50.0
    assert parse_weight(None) is None
    with pytest.raises(ParseError, match="peso negativo"):
        parse_weight("-5%")


# Every target shape printed in the seed (sections 3.2, 3.3 and 4).
@pytest.mark.parametrize(
    "printed, kind, value, op, unit",
    [
        ("90%", TargetKind.NUMERO, 90.0, "", "%"),
        ("7", TargetKind.NUMERO, 7.0, "", ""),
        ("2.000", TargetKind.NUMERO, 2000.0, "", ""),
        ("3gg", TargetKind.NUMERO, 3.0, "", "gg"),
        ("-15 gg", TargetKind.NUMERO, -15.0, "", "gg"),
        ("0", TargetKind.NUMERO, 0.0, "", ""),
        ("=1", TargetKind.NUMERO, 1.0, "=", ""),
        (">3 ore", TargetKind.NUMERO, 3.0, ">", "ore"),
        ("11 uscite", TargetKind.NUMERO, 11.0, "", "uscite"),
        ("4500", TargetKind.NUMERO, 4500.0, "", ""),
        ("2,80%", TargetKind.NUMERO, 2.8, "", "%"),
        ("100% iniziative trasmesse da ICE", TargetKind.NUMERO, 100.0, "", "%"),
        ("si", TargetKind.SI_NO, 1.0, "", ""),
    ],
)
def test_numeric_targets(printed, kind, value, op, unit):
    t = parse_target(printed, aliases=ALIASES)
    assert (t.tipo, t.valore, t.operatore, t.unita) == (kind, value, op, unit)
    assert t.testo == printed


def test_a_note_after_the_number_is_kept():
    t = parse_target("100% obiettivi operativi gruppi di lavoro assegnati dal SG")
    assert t.valore == 100.0 and t.nota == "obiettivi operativi gruppi di lavoro assegnati dal SG"


@pytest.mark.parametrize(
    "printed, due",
    [
        ("entro 31/12/2020", date(2020, 12, 31)),
        ("31/12/2020", date(2020, 12, 31)),
        ("15/08/2020", date(2020, 8, 15)),
        ("23/09/2020", date(2020, 9, 23)),
        ("entro il 31/12/2020", date(2020, 12, 31)),
        ("15/12/2020 salvo diverso termine stabilito dall'ANAC", date(2020, 12, 15)),
    ],
)
def test_absolute_deadlines(printed, due):
    t = parse_target(printed, aliases=ALIASES)
    assert t.tipo is TargetKind.SCADENZA and t.data == due and not t.relativo


def test_a_deadline_keeps_its_printed_caveat():
    t = parse_target("15/12/2020 salvo diverso termine stabilito dall'ANAC")
    assert t.nota == "salvo diverso termine stabilito dall'ANAC"


@pytest.mark.parametrize(
    "printed, event, days",
    [
        ("Entro 15 gg. prima di T0", "T0", -15),
        ("Entro T0", "T0", 0),
        ("30 gg. da T0", "T0", 30),
        ("90 gg. da T0", "T0", 90),
        ("15 gg prima di T0", "T0", -15),
        ("entro data accorpamento", "T0", 0),
        ("entro termini previsti per accorpamento", "T0", 0),
        ("Entro 60gg dalla data entrata in vigore linee guida ANAC", "LG-ANAC", 60),
        ("Entro 15 gg. prima di $T_0$", "T0", -15),
        ("30 gg. da T <sub>0</sub>", "T0", 30),
    ],
)
def test_deadlines_relative_to_an_event(printed, event, days):
    t = parse_target(printed, aliases=ALIASES)
    assert (t.tipo, t.evento, t.giorni) == (TargetKind.SCADENZA, event, days)


def test_relative_deadlines_resolve_only_when_the_event_date_is_known():
    t = parse_target("Entro 15 gg. prima di T0", aliases=ALIASES)
    assert t.scadenza({"T0": None}) is None
    assert t.scadenza({"T0": date(2020, 9, 14)}) == date(2020, 8, 30)
    assert parse_target("30 gg. da T0").scadenza({"T0": date(2020, 9, 14)}) == date(2020, 10, 14)


def test_words_only_targets_are_descriptive():
    t = parse_target("timing (pag. 31-32 Piano Performance)")
    assert t.tipo is TargetKind.DESCRITTIVO
    assert parse_target("rispetto termini previsti in PTPCT").tipo is TargetKind.DESCRITTIVO


@pytest.mark.parametrize("empty", [None, "", "-", "nd"])
def test_an_empty_cell_is_no_target(empty):
    assert parse_target(empty) is None


@pytest.mark.parametrize(
    "bad, message",
    [
        ("31/02/2020", "data inesistente"),
        ("entro il 31.02.2021", "data inesistente"),
        ("tra 95% e 90%", "estremi invertiti"),
        ("Entro 99999 gg. prima di T0", "fuori misura"),
    ],
)
def test_target_parse_errors_name_place_and_value(bad, message):
    with pytest.raises(ParseError) as exc:
        parse_target(bad, aliases=ALIASES, where="riga 7, colonna Target 2020")
    text = str(exc.value)
    assert message in text and "riga 7, colonna Target 2020" in text and repr(bad) in text


def test_a_deadline_relative_to_an_undeclared_event_keeps_the_event_words():
    # Real plans name events the sheet cannot declare: the loader adds them without a date.
    t = parse_target("Entro 15 gg. prima di fine mondo", aliases=ALIASES)
    assert (t.tipo, t.evento, t.giorni) == (TargetKind.SCADENZA, "fine mondo", -15)
    assert t.scadenza({}) is None


@pytest.mark.parametrize("words", [">= tanti", "Realizzazione di 3 eventi in 2 sedi", "timing (pag. 31-32)", "12,5,3"])
def test_a_sentence_is_never_read_for_its_first_number(words):
    t = parse_target(words, aliases=ALIASES)
    assert t.tipo is TargetKind.DESCRITTIVO and t.valore is None and t.nota == words


def test_a_sentence_with_one_figure_is_read_for_that_figure_and_keeps_its_words():
    t = parse_target("Documentazione nel catalogo di almeno 150 dataset dinamici")
    assert (t.tipo, t.valore, t.operatore) == (TargetKind.NUMERO, 150.0, ">=")
    assert t.nota == "Documentazione nel catalogo di almeno 150 dataset dinamici"
    # Years, dates and article numbers are not figures.
    t = parse_target("Partecipazione di ulteriori 107.200 dipendenti ai sensi dell'art. 14 nel corso del 2024")
    assert (t.tipo, t.valore, t.cumulo) == (TargetKind.NUMERO, 107200.0, "incremento")
