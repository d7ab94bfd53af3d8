"""Reading numbers, dates and yes/no values as Italian offices print them.

``2.000`` is two thousand, ``68,28%`` is 68.28, ``117.762,00`` is 117762,
``-15 gg`` is -15, ``31/12/2020`` is a date. Percentages stay in percentage
points (``90%`` -> 90.0): actual values of percentage indicators are entered
the same way, so target and actual are on one scale.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from .errors import ParseError
from .lingua import _

# A number with optional sign, Italian thousands dots and decimal comma, or a
# plain machine number (1234.5). The unit that may follow is the rest of the text.
# Written so that no two parts can match the same spaces: "\s*[-]?\s*" and a lazy
# unit before "\s*$" made the regex backtrack quadratically on a long cell.
_NUMBER = re.compile(
    r"""^\s*
    (?:(?P<sign>[-+−–])\s*)?
    (?:(?P<grouped>[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?(?!\d))  # 1.234.567,89 (a group never starts with 0)
      |(?P<machine>\d*\.\d+)                                # 1234.89 (machine format)
      |(?P<plain>\d+(?:,\d+)?))                              # 1234,89""",
    re.VERBOSE,
)
_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")

# What the seed prints where there is no value.
NOT_AVAILABLE = frozenset({"", "-", "—", "–", "nd", "n.d.", "n.d", "n/d", "na", "n.a.", "€ -", "€ –", "€-"})

YES = frozenset({"si", "sì", "yes", "true", "vero", "fatto", "realizzato"})
NO = frozenset({"no", "false", "falso", "non fatto", "non realizzato"})


def fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: for matching headers and words."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def split_number(text: str) -> tuple[float, str] | None:
    """``"-15 gg"`` -> ``(-15.0, "gg")``; ``None`` when the text does not start with a number."""
    # Budget tables print amounts as "€ 2.000,00": the currency sign carries no number.
    if text.lstrip().startswith(("€", "-€", "- €")):
        text = text.replace("€", "", 1)
    m = _NUMBER.match(text)
    if not m:
        return None
    unit = text[m.end() :].strip()
    if "\n" in unit:
        return None  # as before: the unit is on the number's line
    if m.group("grouped"):
        # 2.000 is two thousand, as Italian offices write it; 12.5000 and 0.500 are not
        # groups of thousands (the digit after, the leading 0) and read as machine decimals.
        raw = m.group("grouped").replace(".", "").replace(",", ".")
    elif m.group("machine"):
        raw = m.group("machine")
    else:
        raw = m.group("plain").replace(",", ".")
    value = float(raw)
    if m.group("sign") in ("-", "−", "–"):
        value = -value
    return value, unit


def parse_number(text: object, *, where: str | None = None) -> float:
    """A number as printed (``"2.000"``, ``"68,28%"``, ``"-15 gg"``); units are ignored."""
    if isinstance(text, bool):
        raise ParseError(_("numero non valido"), value=text, where=where)
    if isinstance(text, (int, float)):
        return float(text)
    parts = split_number(str(text))
    if parts is None:
        raise ParseError(_("numero non valido"), value=text, where=where)
    return parts[0]


def parse_optional_number(text: object, *, where: str | None = None) -> float | None:
    """Like :func:`parse_number`, but ``None`` for the seed's "no value" marks (``-``, ``nd``, empty)."""
    if text is None:
        return None
    if isinstance(text, str) and fold(text) in NOT_AVAILABLE:
        return None
    return parse_number(text, where=where)


def parse_date(text: object, *, where: str | None = None) -> date:
    """``31/12/2020`` (or ISO ``2020-12-31``, or a ``date``) -> ``date``."""
    if isinstance(text, date):
        return text
    s = str(text)
    m = _DATE.match(s)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _ISO_DATE.match(s)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ParseError(_("data inesistente"), value=text, where=where) from None
    raise ParseError(_("data non valida (atteso gg/mm/aaaa)"), value=text, where=where)


def find_date(text: str) -> date | None:
    """The first dd/mm/yyyy date inside a text, if any."""
    m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


_MONTHS = {
    "gennaio": 1,
    "febbraio": 2,
    "marzo": 3,
    "aprile": 4,
    "maggio": 5,
    "giugno": 6,
    "luglio": 7,
    "agosto": 8,
    "settembre": 9,
    "ottobre": 10,
    "novembre": 11,
    "dicembre": 12,
    "gen": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "mag": 5,
    "giu": 6,
    "lug": 7,
    "ago": 8,
    "set": 9,
    "sett": 9,
    "ott": 10,
    "nov": 11,
    "dic": 12,
}
_ORDINALS = {
    "primo": 1,
    "1": 1,
    "i": 1,
    "secondo": 2,
    "2": 2,
    "ii": 2,
    "terzo": 3,
    "3": 3,
    "iii": 3,
    "quarto": 4,
    "4": 4,
    "iv": 4,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Each written form of a date, on folded text (lower case, no accents). The day-first
# numeric form takes "/", "." or "-" and a two-digit year (20xx); ordinals take "1°" or "1^".
_WRITTEN_DATE = re.compile(
    rf"""(?P<numeric>(?<![\d.,/])(?P<d>\d{{1,2}})\s?(?P<sep>[/.-])\s?(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}})(?![\d/]|[.,]\d))
      |(?P<iso>(?<!\d)(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})(?!\d))
      |(?P<long>(?<!\d)(?P<ld>\d{{1,2}})(?:°|º|\^)?\s+(?P<lm>{_MONTH_RE})\.?\s+(?P<ly>\d{{4}})(?!\d))
      |(?P<month>\b(?P<mm>{_MONTH_RE})\.?\s+(?:del\s+|dell'\s*|anno\s+)?(?P<my>\d{{4}})(?!\d))
      |(?P<monthnum>(?<![\d/.,])(?P<nm>0?[1-9]|1[0-2])/(?P<ny>(?:19|20)\d\d)(?![\d/]))
      |(?P<part>\b(?P<po>primo|secondo|terzo|quarto|i{{1,3}}|iv|[1-4])\s*(?:°|º|\^)?\s*
         (?P<pk>semestre|trimestre|quadrimestre|bimestre)\s+(?:del\s+|dell'\s*|anno\s+)?(?P<py>\d{{4}})(?!\d))
      |(?P<yearpart>(?<!\d)(?P<ypy>\d{{4}})\s*[-–—,]?\s*(?P<ypo>primo|secondo|terzo|quarto|i{{1,3}}|iv|[1-4])\s*(?:°|º|\^)?\s*
         (?P<ypk>semestre|trimestre|quadrimestre|bimestre)\b)""",
    re.VERBOSE,
)
_PART_MONTHS = {"semestre": 6, "trimestre": 3, "quadrimestre": 4, "bimestre": 2}


def _month_end(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def search_date(folded: str) -> tuple[date, int, int] | None:
    """The first date written in any of the forms plans use, in a folded text (:func:`fold`).

    ``31/12/2020``, ``30.06.2023``, ``31/12/23``, ``2023-06-30``, ``30 giugno 2023``;
    a month (``dicembre 2021``) or a part of a year (``primo semestre 2021``, ``I trimestre
    2021``) is its last day, the date by which it is over. Returns the date and the span
    it was read from; ``None`` when there is none. A date that does not exist
    (``31/02/2020``) raises :class:`ParseError`.
    """
    m = _WRITTEN_DATE.search(folded)
    if m is None:
        return None
    try:
        if m.group("numeric"):
            y = int(m.group("y"))
            if len(m.group("y")) == 2:
                y += 2000
            d = date(y, int(m.group("m")), int(m.group("d")))
        elif m.group("iso"):
            d = date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        elif m.group("long"):
            d = date(int(m.group("ly")), _MONTHS[m.group("lm")], int(m.group("ld")))
        elif m.group("month"):
            d = _month_end(int(m.group("my")), _MONTHS[m.group("mm")])
        elif m.group("monthnum"):
            d = _month_end(int(m.group("ny")), int(m.group("nm")))
        else:
            part = "" if m.group("part") else "y"
            n = _ORDINALS[m.group(part + "po" if part else "po")] if not part else _ORDINALS[m.group("ypo")]
            size = _PART_MONTHS[m.group("pk") if not part else m.group("ypk")]
            if n * size > 12:
                raise ValueError
            d = _month_end(int(m.group("py") if not part else m.group("ypy")), n * size)
    except ValueError:
        raise ParseError(_("data inesistente"), value=m.group(0)) from None
    return d, m.start(), m.end()


def read_written_date(text: str) -> date | None:
    """A text that is one date and nothing else, in any written form (see :func:`search_date`)."""
    f = fold(text).strip(" .")
    found = search_date(f)
    if found is None or found[1] != 0 or found[2] != len(f):
        return None
    return found[0]


def parse_weight(text: object, *, where: str | None = None) -> float | None:
    """A weight in percentage points (``"50%"`` -> 50.0); ``None`` means "equal weights"."""
    value = parse_optional_number(text, where=where)
    if value is not None and value < 0:
        raise ParseError(_("peso negativo"), value=text, where=where)
    return value


Value = float | date | bool
"""An actual value: a number, a completion date, or yes/no."""


def parse_value(text: object, *, where: str | None = None) -> Value | None:
    """An actual value as entered: number, ``dd/mm/yyyy`` date, ``si``/``no``; ``None`` when empty."""
    if text is None:
        return None
    if isinstance(text, (bool, date)):
        return text
    if isinstance(text, (int, float)):
        return float(text)
    s = str(text).strip()
    f = fold(s)
    if f in NOT_AVAILABLE:
        return None
    if _DATE.match(s) or _ISO_DATE.match(s):
        return parse_date(s, where=where)
    try:
        written = read_written_date(s) if len(s) <= 60 else None
    except ParseError as exc:
        raise ParseError(exc.reason, value=text, where=where) from None
    if written is not None:
        return written
    if f in YES:
        return True
    if f in NO:
        return False
    parts = split_number(s)
    if parts is None:
        raise ParseError(
            _("valore non valido (atteso un numero, una data gg/mm/aaaa o si/no)"), value=text, where=where
        )
    return parts[0]


def format_value(value: Value | None) -> str:
    """The inverse of :func:`parse_value`, in the Italian format (no thousands separator)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "si" if value else "no"
    if isinstance(value, date):
        # Not strftime("%Y"): it writes the year 999 as "999", which is no dd/mm/yyyy date.
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    # The shortest digits that read back as the same float (repr), written out in
    # full: repr's exponent form (1e-05, 1e+16) would read back as 1 with a "unit".
    text = format(Decimal(repr(float(value))), "f")
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")
