"""Numbers and dates for documents: Italian format, rounded half-up to two decimals only here."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..engine.scoring import STATO_TESTO

# The statuses' labels are the engine's (engine/scoring.STATO_TESTO).
STATUS_IT = {k.value: v for k, v in STATO_TESTO.items()}


def decimal_it(x: float, places: int = 2, grouping: bool = True) -> str:
    d = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    if grouping:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


def pct(x: float | None) -> str:
    return "—" if x is None else decimal_it(x) + "%"


def euro(x: float | None) -> str:
    return "—" if x is None else "€ " + decimal_it(x)


def value(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "sì" if v else "no"
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    if float(v).is_integer():
        return decimal_it(v, 0)
    return decimal_it(v, 2 if abs(v) >= 1 else 4)


def status(s) -> str:
    return STATUS_IT.get(getattr(s, "value", s), str(s))
