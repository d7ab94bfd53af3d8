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
