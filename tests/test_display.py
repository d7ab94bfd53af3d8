"""The one set of display rules (engine/display.py): pages, documents and charts write a figure
the same way, in the separators of their language."""

from __future__ import annotations

from datetime import date

import pytest

from cruscotto.documents import formatting
from cruscotto.engine import display


@pytest.mark.parametrize(
    "v, it, en",
    [
        (None, "—", "—"),
        (1234567.0, "1.234.567", "1,234,567"),
        (2.675, "2,68", "2.68"),  # half-up on the decimal value: the float 2.675 is 2.67499…
        (-2.675, "-2,68", "-2.68"),
        (0.0042, "0,0042", "0.0042"),  # below 1: four decimals, not 0,00
        (0.91, "0,91", "0.91"),  # ... but no zeros after the second: not 0,9100 (issue 14)
        (0.5, "0,50", "0.50"),
        (71.3, "71,30", "71.30"),  # one way: never 71,3 here and 71,30 there
        (24903.635, "24.903,64", "24,903.64"),
        (True, "sì", "sì"),
        (date(999, 3, 1), "01/03/0999", "01/03/0999"),
    ],
)
def test_values(v, it, en):
    assert display.value(v) == it
    assert display.value(v, seps=(".", ",")) == en


def test_shares_and_amounts():
    assert display.pct(99.995) == "100,00%" and display.pct(None) == "—"
    assert display.euro(24903.64) == "€ 24.903,64"
    assert display.decimal(1234.5, 1, grouping=False) == "1234,5"


def test_documents_and_pages_write_alike():
    """The pages' filters (Italian) and the documents give the same text for the same figure."""
    from django.utils import translation

    from cruscotto.performance.templatetags.cruscotto_tags import num, pct

    with translation.override("it"):
        for v in (1234567.0, 2.675, 0.0042, 87.5, date(2020, 12, 31)):
            assert num(v) == formatting.value(v)
        assert pct(66.665) == formatting.pct(66.665) == "66,67%"
    with translation.override("en"):
        assert num(1234.5) == "1,234.50" and num(False) == "no"


def test_traces_write_figures_as_the_pages_do():
    """Issue 14: "28063,95 × 88,7389 / 100 = 24903,6374" under "€ 28.063,95" is gone."""
    from cruscotto.engine.scoring import fmt, higher_is_better

    assert fmt(24903.6374) == "24.903,64" and fmt(66.66666) == "66,67" and fmt(0.0) == "0" and fmt(-0.0001) == "-0,0001"
    _a, text = higher_is_better(1.8, 90)
    assert text.startswith("min(100; max(0; 1,80) / 90 × 100)")  # the Italian spreadsheet separator


@pytest.mark.parametrize(
    "figure, text",
    [("95%", "al 95%"), ("80%", "all'80%"), ("8%", "all'8%"), ("11%", "all'11%"), ("1%", "all'1%"),
     ("1,5%", "all'1,5%"), ("18%", "al 18%"), ("100%", "al 100%"), ("110%", "al 110%"), ("11.000", "all'11.000")],
)  # fmt: skip
def test_the_article_before_a_figure(figure, text):
    assert display.al(figure) == text


def test_a_numeric_targets_figures_are_grouped_but_dates_and_years_are_not():
    assert display.figures_in("almeno 4500") == "almeno 4.500"
    assert display.figures_in(">= 12000,5") == ">= 12.000,5"
    assert display.figures_in("entro 31/12/2020") == "entro 31/12/2020"
    assert display.figures_in("4.500") == "4.500" and display.figures_in("90%") == "90%"


def test_the_page_filters_for_targets_and_units():
    from django.utils import translation

    from cruscotto.engine.targets import parse_target
    from cruscotto.performance.templatetags.cruscotto_tags import con_unita, target

    with translation.override("it"):
        assert target(parse_target("4500")) == "4.500"
        assert target(parse_target("entro 31/12/2020")) == "entro 31/12/2020"
        assert target(None) == "—"
        t = parse_target("90%")
        assert con_unita(92.4, t) == "92,40%" and con_unita(None, t) == "—"
        assert con_unita(4130.0, parse_target("4500")) == "4.130"
