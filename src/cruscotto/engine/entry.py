"""Values typed in: one reader and one set of rules for the monitoring page, the REST API, the
actual-values file and the command line (docs/scoring.md, "Valori inseriti").

A plan's *printed* figures are read generously (engine/numbers.py, engine/targets.py): a
target cell is prose. A value somebody types is not: it is read whole or refused, so that a
slip never becomes a figure. ``"12,5,3"``, ``"12 abc"``, ``"1e3"``, ``"1_000"``,
``"1,000,000"`` and ``"12 ,5"`` are errors, not 12,5, 12, 1 or 1.000; a date on a numeric
indicator or a number on a date indicator is refused, not scored as something else; a number
beyond 10^15 (or not finite) is refused. Each refusal has a stable ``code`` so that the
application can say it in the user's language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from .errors import ParseError
from .lingua import _
from .model import Indicatore, Piano, Polarita
from .numbers import NOT_AVAILABLE, Value, fold, read_written_date
from .targets import TargetKind

if TYPE_CHECKING:
    from .scoring import Consuntivo

# The periods a value may belong to: "" is the whole year; semesters and quarters for monitoring.
PERIODI = ("", "S1", "S2", "T1", "T2", "T3", "T4")
LIMIT = 1e15  # beyond any amount a public body records (a national budget is about 10^12 euro)

# A number as people type it: Italian (1.234,5 with dots only in groups of three, or 1234,5) or
# a machine decimal (1234.5); an optional sign; the euro sign before, a unit after. Nothing else.
_TYPED = re.compile(
    r"""^(?P<sign>[-+−–])?\s*(?:€\s*)?
    (?P<number>[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?   # 1.234.567,89
      |\d+,\d+                                   # 1234,89
      |\d+\.\d+                                  # 1234.89 (machine format; 1.234 is a group)
      |\d+)                                      # 1234
    (?:\s*(?P<unit>%|€|euro|gg|giorni|ore|mesi|punti|p\.p\.|pp))?$""",
    re.VERBOSE | re.IGNORECASE,
)
YES = frozenset({"si", "sì"})
NO = frozenset({"no"})


class Atteso(StrEnum):
    """What an indicator takes as its value, in a year."""

    NUMERO = "numero"
    DATA = "data"  # a completion date; sì/no also, for done or not done (score.deadline)
    SI_NO = "si/no"
    QUALSIASI = "qualsiasi"  # a descriptive target: any of the three


class EntryError(ParseError):
    """A typed value refused; ``code`` names the rule (for the application's translated message)."""

    def __init__(self, code: str, message: str, *, value: object = None, where: str | None = None):
        super().__init__(message, value=value, where=where)
        self.code = code


def read_entry(text: object, *, where: str | None = None) -> Value | None:
    """A typed value, read whole: a number, a date or sì/no; ``None`` when empty ("", "-", "nd").

    Spreadsheet cells arrive as numbers, dates or booleans and are checked the same way."""
    if text is None:
        return None
    if isinstance(text, (bool, date)):
        return text
    if isinstance(text, (int, float)):
        return _bounded(float(text), text, where)
    s = str(text).strip()
    f = fold(s)
    if f in NOT_AVAILABLE:
        return None
    if f in YES:
        return True
    if f in NO:
        return False
    number = _typed_number(s, where)
    if number is not None:
        return number
    try:
        written = read_written_date(s) if len(s) <= 60 else None
    except ParseError:
        raise EntryError("data_inesistente", _("data inesistente"), value=text, where=where) from None
    if written is not None:
        return written
    raise EntryError(
        "non_valido",
        _("valore non valido (atteso un numero come 68,28, una data gg/mm/aaaa o sì/no)"),
        value=text,
        where=where,
    )


def read_period(text: object, *, where: str | None = None) -> str:
    """A value's period, the same everywhere (page, API, files): "" (the year), S1, S2, T1 … T4."""
    period = str(text or "").strip().upper()
    if period in ("ANNO", "ANNUALE"):
        return ""
    if period not in PERIODI:
        raise EntryError(
            "periodo",
            _("periodo sconosciuto (ammessi: vuoto per l'anno, S1, S2, T1, T2, T3, T4)"),
            value=text,
            where=where,
        )
    return period


def _typed_number(s: str, where: str | None) -> float | None:
    m = _TYPED.match(s)
    if not m:
        return None
    raw = m.group("number")
    if "," in raw:  # Italian: dots group thousands, the comma is the decimal point
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", raw):
        raw = raw.replace(".", "")  # 2.000 is two thousand, as offices write it
    value = float(raw)
    if m.group("sign") in ("-", "−", "–"):
        value = -value
    return _bounded(value, s, where)


def _bounded(value: float, text: object, where: str | None) -> float:
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise EntryError("fuori_limite", _("numero non finito o oltre 10^15"), value=text, where=where)
    return value


def expected(ind: Indicatore, anno: int, code: str | None = None) -> Atteso:
    """What ``ind`` takes in ``anno``: for ``code`` one of its milestones (``H1-1.2``) or one
    of its target's measures (``CODICE#2``)."""
    if ind.polarita is Polarita.SI_NO:
        return Atteso.SI_NO
    if ind.polarita in (Polarita.SCADENZA, Polarita.MILESTONE):
        return Atteso.DATA
    if code is not None and code != ind.codice and any(m.codice == code for m in ind.milestones):
        return Atteso.DATA
    target = ind.target.get(anno)
    if target is not None and code and "#" in code and target.parti:
        k = code.partition("#")[2]
        if k.isdigit() and 1 <= int(k) <= len(target.parti):
            target = target.parti[int(k) - 1]
    if target is None:
        return Atteso.NUMERO
    return {
        TargetKind.SCADENZA: Atteso.DATA,
        TargetKind.SI_NO: Atteso.SI_NO,
        TargetKind.DESCRITTIVO: Atteso.QUALSIASI,
        TargetKind.MULTIPLO: Atteso.QUALSIASI,  # one value for several measures: said at scoring
    }.get(target.tipo, Atteso.NUMERO)


def check_kind(value: Value | None, atteso: Atteso, *, text: object = None, where: str | None = None) -> None:
    """Refuse a value of the wrong kind for its indicator (a date on a numeric one, …)."""
    if value is None or atteso is Atteso.QUALSIASI:
        return
    shown = text if text is not None else value
    if atteso is Atteso.NUMERO and not (isinstance(value, float) and not isinstance(value, bool)):
        raise EntryError("atteso_numero", _("l'indicatore prende un numero"), value=shown, where=where)
    if atteso is Atteso.DATA and isinstance(value, float):
        raise EntryError(
            "atteso_data", _("l'indicatore prende una data (gg/mm/aaaa) o sì/no"), value=shown, where=where
        )
    if atteso is Atteso.SI_NO and not isinstance(value, bool):
        raise EntryError("atteso_si_no", _("l'indicatore prende sì o no"), value=shown, where=where)


# Words that say a figure may fall below zero or pass 100%: a variation, a balance.
_SIGNED = re.compile(r"variazion|scostament|saldo|differenz|delta|crescita|incremento|aumento|riduzione|risultato")


@dataclass(frozen=True, slots=True)
class Implausibile:
    code: str  # "negativo" or "oltre_100"
    message: str


def implausible(ind: Indicatore, value: Value | None) -> Implausibile | None:
    """Whether a number lies outside the indicator's plausible range: below zero for a count or
    a share, above 100% for a share. The words of the name and unit that allow a sign (a
    variation, a balance) and the plan's own figures (a negative history, a target above 100%)
    lift the check. A plausible value is None; an implausible one needs a confirmation."""
    if not isinstance(value, float) or isinstance(value, bool):
        return None
    words = fold(f"{ind.nome} {ind.unita} {ind.algoritmo}")
    if _SIGNED.search(words):
        return None
    printed = [d.valore for d in ind.storico.values() if isinstance(d.valore, float)]
    printed += [t.valore for t in ind.target.values() if t.valore is not None]
    unit = fold(ind.unita)
    share = "%" in unit or "percentual" in unit or any("%" in t.unita for t in ind.target.values())
    if value < 0 and not any(p < 0 for p in printed):
        return Implausibile("negativo", "valore negativo per un indicatore che non scende sotto zero")
    if share and value > 100 and not any(p > 100 for p in printed):
        return Implausibile("oltre_100", "valore oltre il 100% per una percentuale")
    return None


def check_actuals(piano: Piano, consuntivi: Mapping[tuple[str, int, str], Consuntivo]) -> Iterator[EntryError]:
    """Every stored value of the wrong kind for its indicator (the actual-values file, the CLI).
    ``consuntivi`` maps (code, year, period) to a Consuntivo (engine/scoring.Valori)."""
    owners: dict[str, Indicatore] = {}
    for i in piano.indicatori():
        owners[i.codice] = i
        for m in i.milestones:
            owners.setdefault(m.codice, i)
    for (code, anno, periodo), c in consuntivi.items():
        ind = owners.get(code.partition("#")[0])
        if ind is None:
            continue  # an unknown code is validation's finding (valore_senza_indicatore)
        try:
            check_kind(c.valore, expected(ind, anno, code), where=f"{code} {anno}{' ' + periodo if periodo else ''}")
        except EntryError as exc:
            yield exc
