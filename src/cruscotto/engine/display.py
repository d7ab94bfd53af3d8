"""How figures are written for people: the one set of display rules for the pages
(performance/templatetags), the documents (documents/formatting.py) and the charts.

Rounding is half-up on the decimal value (never on the binary float, and never by
truncation); a whole number has no decimals; a share has two; any other value two, or four
below 1 (0,0042 is not 0,00). Missing is a dash. Separators are the caller's: Italian by
default; the pages pass their language's (1.234,5 in Italian, 1,234.5 in English).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DASH = "—"
IT = (",", ".")  # decimal separator, thousands separator


def rounded(x: float, places: int) -> Decimal:
    """``x`` rounded half-up to ``places`` decimals on its decimal value (repr: 2.675 is 2,68)."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimal(x: float, places: int = 2, *, grouping: bool = True, seps: tuple[str, str] = IT) -> str:
    """``x`` with ``places`` decimals, grouped by thousands."""
    d = rounded(x, places)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    if grouping:
        whole = f"{int(whole):,}".replace(",", seps[1])
    return sign + whole + (seps[0] + frac if frac else "")


def places_for(x: float) -> int:
    """The decimals a value is written with: none for a whole number, two, or four below 1."""
    if float(x).is_integer():
        return 0
    return 2 if abs(x) >= 1 else 4


def pct(x: float | None, *, seps: tuple[str, str] = IT) -> str:
    return DASH if x is None else decimal(x, 2, seps=seps) + "%"


def euro(x: float | None, *, seps: tuple[str, str] = IT) -> str:
    return DASH if x is None else "€ " + decimal(x, 2, seps=seps)


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
    return decimal(v, places_for(v), seps=seps)
