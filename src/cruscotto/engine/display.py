"""How figures are written for people: the one set of display rules for the pages
(performance/templatetags), the documents (documents/formatting.py) and the charts.

Rounding is half-up on the decimal value (never on the binary float, and never by
truncation); a whole number has no decimals; a share has two; any other value two, or up to
four below 1, with no zeros after the second (0,0042 is not 0,00; 0,91 is not 0,9100).
Missing is a dash. Calculation traces use the same rules (engine/scoring.fmt). Separators are the caller's: Italian by
default; the pages pass their language's (1.234,5 in Italian, 1,234.5 in English).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

DASH = "—"
IT = (",", ".")  # decimal separator, thousands separator


def rounded(x: float, places: int) -> Decimal:
    """``x`` rounded half-up to ``places`` decimals on its decimal value (repr: 2.675 is 2,68)."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimal(x: float, places: int = 2, *, grouping: bool = True, seps: tuple[str, str] = IT) -> str:
    """``x`` with ``places`` decimals, grouped by thousands."""
    return _decimal(float(x), places, grouping, seps)


@lru_cache(maxsize=65536)
def _decimal(x: float, places: int, grouping: bool, seps: tuple[str, str]) -> str:
    # Cached: a page's traces write the same figures (100, 80, the weights) thousands of times,
    # and the exact half-up rounding through Decimal was half of the scalar engine's time
    # (bench/engine.py, docs/benchmarks.md).
    d = rounded(x, places)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    if grouping:
        whole = f"{int(whole):,}".replace(",", seps[1])
    return sign + whole + (seps[0] + frac if frac else "")


def places_for(x: float) -> int:
    """The decimals a value is rounded to: none for a whole number, two, or four below 1."""
    if float(x).is_integer():
        return 0
    return 2 if abs(x) >= 1 else 4


def number(x: float, *, seps: tuple[str, str] = IT) -> str:
    """A figure with the decimals it needs: 1.234 · 71,30 · 0,91 · 0,0042 (see the module's rules)."""
    return _number(float(x), seps)


@lru_cache(maxsize=65536)
def _number(x: float, seps: tuple[str, str]) -> str:
    places = places_for(x)
    text = decimal(x, places, seps=seps)
    if places == 4:
        whole, _, frac = text.partition(seps[0])
        text = whole + seps[0] + frac.rstrip("0").ljust(2, "0")
    return text


def pct(x: float | None, *, seps: tuple[str, str] = IT) -> str:
    return DASH if x is None else decimal(x, 2, seps=seps) + "%"


def euro(x: float | None, *, seps: tuple[str, str] = IT) -> str:
    return DASH if x is None else "€ " + decimal(x, 2, seps=seps)


def figures_in(text: str, *, seps: tuple[str, str] = IT) -> str:
    """A numeric target's text with its figures grouped by thousands: "almeno 4500" → "almeno
    4.500", beside a value written 4.130. Figures of four digits or more, not inside a date
    (31/12/2020 stays) nor already grouped; decimals stay as printed. For the texts of
    numeric targets only: a relative one ("rispetto al 2019") names years."""

    def group(m: re.Match[str]) -> str:
        whole, frac = m.group(1), m.group(2) or ""
        return f"{int(whole):,}".replace(",", seps[1]) + (seps[0] + frac[1:] if frac else "")

    return re.sub(r"(?<![\d/.,])(\d{4,})(,\d+)?(?![\d/])", group, text)


def target(t: object, *, seps: tuple[str, str] = IT, missing: str = DASH) -> str:
    """A target as printed, its figures grouped like the values beside it when it is numeric
    (a number, a band, several figures); a date or a relative target stays as written."""
    text = getattr(t, "testo", "") or ""
    if not text:
        return missing
    if getattr(getattr(t, "tipo", None), "value", None) in ("numero", "intervallo", "multiplo"):
        return figures_in(text, seps=seps)
    return text


def al(figure: str) -> str:
    """The Italian article before a figure as read aloud: "al 95%", "all'80%", "all'11%", "all'1%".

    Elided before a vowel: otto, ottanta, ottocento… (any figure starting with 8), uno,
    undici, undicimila; "cento", "mille" and the rest take "al".
    """
    return ("all'" if _vowel(figure) else "al ") + figure


def dei(figure: str) -> str:
    """The plural article with "di" before a figure: "dei 50", "degli 8", "degli 11"."""
    return ("degli " if _vowel(figure) else "dei ") + figure


def _vowel(figure: str) -> bool:
    """Whether ``figure`` read aloud begins with a vowel (otto…, uno, undici, undicimila)."""
    whole = figure.lstrip("-").split(",")[0].replace(".", "")
    digits = whole[: len(whole) - len(whole.lstrip("0123456789"))] or whole
    digits = "".join(ch for ch in digits if ch.isdigit())
    return digits.startswith("8") or digits in ("1", "11") or (digits.startswith("11") and len(digits) in (5, 8))


def day(d: date) -> str:
    """dd/mm/yyyy, also for years before 1000 (strftime writes the year 999 as "999")."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def value(v: float | bool | date | None, *, seps: tuple[str, str] = IT, yes_no: tuple[str, str] = ("sì", "no")) -> str:
    """An indicator's value: a number, a date or yes/no."""
    if v is None:
        return DASH
    if isinstance(v, bool):
        return yes_no[0] if v else yes_no[1]
    if isinstance(v, date):
        return day(v)
    return number(v, seps=seps)
