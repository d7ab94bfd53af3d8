"""Targets as the seed prints them, parsed into something the engine can score.

Shapes handled (docs/targets.md has the full table):

=============================  =========================================
printed                        parsed
=============================  =========================================
``90%``, ``7``, ``2.000``      numero 90 / 7 / 2000 (unit kept)
``3gg``, ``-15 gg``, ``0``     numero 3 / -15 / 0
``=1``, ``>3 ore``             numero with operator ``=`` / ``>``
``11 uscite``                  numero 11, unit ``uscite``
``100% iniziative ... ICE``    numero 100, unit ``%``, note the rest
``entro 31/12/2020``           scadenza 2020-12-31
``15/12/2020 salvo ...``       scadenza 2020-12-15, note the rest
``Entro 15 gg. prima di T0``   scadenza relative: T0 - 15 days
``30 gg da T0``, ``Entro T0``  scadenza relative: T0 + 30 / T0
``Entro 60gg dalla data ...``  scadenza relative to another event
``si``                         si/no
anything else                  descrittivo (allowed for si/no and milestone)
=============================  =========================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import ParseError
from .numbers import NOT_AVAILABLE, YES, find_date, fold, format_value, split_number


class TargetKind(StrEnum):
    NUMERO = "numero"
    SCADENZA = "scadenza"
    SI_NO = "si/no"
    DESCRITTIVO = "descrittivo"


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed target. ``testo`` is always the text as printed, so nothing is lost."""

    testo: str
    tipo: TargetKind
    valore: float | None = None
    operatore: str = ""  # "", "=", ">", ">=", "<", "<="
    unita: str = ""
    data: date | None = None  # absolute deadline
    evento: str | None = None  # event code of a relative deadline
    giorni: int = 0  # offset from the event, negative = before
    nota: str = ""

    @property
    def relativo(self) -> bool:
        return self.evento is not None

    def scadenza(self, eventi: Mapping[str, date | None]) -> date | None:
        """The due date, resolving an event-relative deadline; ``None`` while the event date is unknown."""
        if self.data is not None:
            return self.data
        if self.evento is None:
            return None
        base = eventi.get(self.evento)
        return None if base is None else base + timedelta(days=self.giorni)

    def describe(self) -> str:
        """A short Italian description for traces."""
        if self.tipo is TargetKind.SCADENZA:
            if self.evento is None:
                return f"entro il {self.data:%d/%m/%Y}"
            if self.giorni == 0:
                return f"entro {self.evento}"
            verso = "prima di" if self.giorni < 0 else "dopo"
            return f"entro {abs(self.giorni)} giorni {verso} {self.evento}"
        return self.testo


_OPERATORS = {">=": ">=", "≥": ">=", "=>": ">=", "<=": "<=", "≤": "<=", "=<": "<=", ">": ">", "<": "<", "=": "="}
_OPERATOR_RE = re.compile(r"^\s*(>=|≥|=>|<=|≤|=<|>|<|=)\s*")
# "Entro 15 gg. prima di T0", "30 gg. da T0", "Entro 60gg dalla data ...", "Entro T0"
_RELATIVE_RE = re.compile(
    r"""^(?:entro\s+(?:il\s+|la\s+|le\s+)?)?
        (?:(?P<n>\d+)\s*(?:gg|giorni|g)\.?\s*
           (?P<dir>prima\s+d(?:ella|ell'|el|i)|dalla|dalle|dall'|dal|da|dopo(?:\s+(?:il|la)\b)?)\s*)?
        (?P<event>.+?)\s*$""",
    re.VERBOSE,
)
_UNIT_WORDS = {"%", "gg", "gg.", "giorni", "ore", "ora", "euro", "€", "uscite", "n", "n."}
# A relative deadline further than a century from its event is a typo; the bound also
# keeps the event date plus the days inside the calendar (and int() under its digit limit).
MAX_GIORNI = 36_500


def event_aliases(eventi: Mapping[str, list[str] | tuple[str, ...]]) -> dict[str, str]:
    """``{"T0": ["data accorpamento"]}`` -> folded alias -> event code (the code is its own alias)."""
    out: dict[str, str] = {}
    for code, aliases in eventi.items():
        out[_fold_event(code)] = code
        for alias in aliases:
            out[_fold_event(alias)] = code
    return out


def _fold_event(text: str) -> str:
    text = fold(text)
    text = re.sub(r"<sub>\s*(\w+)\s*</sub>", r"\1", text)
    text = text.replace("$", "").replace("_", "").replace("{", "").replace("}", "")
    # An article before the name ("la data accorpamento"), only as a word: "lavori" keeps its "la".
    text = re.sub(r"^(?:(?:la|il|le|lo)\s+|l')", "", text)
    text = re.sub(r"\bt\s+0\b", "t0", text)
    return text.strip(" .")


def parse_target(text: object, *, aliases: Mapping[str, str] | None = None, where: str | None = None) -> Target | None:
    """Parse a printed target; ``None`` when the cell is empty (no target that year).

    ``aliases`` maps folded event names to event codes (see :func:`event_aliases`);
    without it only the literal code ``T0`` is known.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        return Target(testo="si" if text else "no", tipo=TargetKind.SI_NO, valore=1.0 if text else 0.0)
    if isinstance(text, (int, float)):
        # The text must read back as the value (plans are written back out with it):
        # format_value, as repr() gives "1.234" (read as thousands) and "1e-05".
        return Target(testo=format_value(float(text)), tipo=TargetKind.NUMERO, valore=float(text))
    if isinstance(text, date):
        return Target(testo=format_value(text), tipo=TargetKind.SCADENZA, data=text)
    raw = str(text).strip()
    f = fold(raw)
    if f in NOT_AVAILABLE:
        return None
    aliases = aliases if aliases is not None else {"t0": "T0"}

    # 1. An absolute deadline: "entro 31/12/2020", "15/12/2020 salvo diverso termine ...".
    m = re.match(r"^(?:entro\s+(?:il\s+)?)?(\d{1,2}/\d{1,2}/\d{4})\s*(.*)$", f)
    if m:
        d = find_date(m.group(1))
        if d is None:
            raise ParseError("data inesistente nel target", value=raw, where=where)
        return Target(testo=raw, tipo=TargetKind.SCADENZA, data=d, nota=_tail(raw, m.group(2)))

    # 2. A deadline relative to an event (T0, entry into force of guidelines ...).
    m = _RELATIVE_RE.match(f)
    if m:
        code = aliases.get(_fold_event(m.group("event")))
        has_shape = m.group("n") is not None or f.startswith("entro")
        if code is not None and (has_shape or _fold_event(f) in aliases):
            digits = (m.group("n") or "0").lstrip("0") or "0"
            if len(digits) > len(str(MAX_GIORNI)) or int(digits) > MAX_GIORNI:
                raise ParseError(f"termine in giorni fuori misura (massimo {MAX_GIORNI} giorni dall'evento)", value=raw, where=where)
            days = int(digits)
            if m.group("dir") and m.group("dir").startswith("prima"):
                days = -days
            return Target(testo=raw, tipo=TargetKind.SCADENZA, evento=code, giorni=days)
        if m.group("n") is not None and m.group("dir"):
            raise ParseError(
                f"evento sconosciuto nel target (eventi noti: {', '.join(sorted(set(aliases.values())))})",
                value=raw,
                where=where,
            )

    # 3. Yes / no.
    if f in YES:
        return Target(testo=raw, tipo=TargetKind.SI_NO, valore=1.0)

    # 4. A number, with an optional comparison and unit: "=1", ">3 ore", "90%", "-15 gg".
    op = ""
    body = raw
    om = _OPERATOR_RE.match(raw)
    if om:
        op = _OPERATORS[om.group(1)]
        body = raw[om.end():]
    parts = split_number(body)
    if parts is not None:
        value, rest = parts
        if _RANGE_RE.match(rest):
            # "90-95%" once read as 90 with the unit "-95%": a range is no target the rules can score.
            raise ParseError("target a intervallo non ammesso: scrivere un valore (90%) o una soglia (>=90%)", value=raw, where=where)
        unit, note = _split_unit(rest)
        return Target(testo=raw, tipo=TargetKind.NUMERO, valore=value, operatore=op, unita=unit, nota=note)
    if op:
        raise ParseError("target non valido: dopo il segno di confronto serve un numero", value=raw, where=where)

    # 5. Words only ("timing (pag. 31-32 ...)", "rispetto termini previsti in PTPCT").
    return Target(testo=raw, tipo=TargetKind.DESCRITTIVO, nota=raw)


_RANGE_RE = re.compile(r"\s*(?:[-–—÷]|a\s)\s*\d")


def _split_unit(rest: str) -> tuple[str, str]:
    rest = rest.strip()
    if not rest:
        return "", ""
    if rest.startswith("%"):
        return "%", rest[1:].strip()
    first, _, after = rest.partition(" ")
    if fold(first) in _UNIT_WORDS or len(rest.split()) <= 2:
        return first, after.strip()
    return "", rest


def _tail(raw: str, folded_tail: str) -> str:
    """The caveat after an absolute deadline as typed (case, accents and spaces kept)."""
    if not folded_tail:
        return ""
    # Cut after the date in the typed text. Cutting the folded tail's length off the end
    # lost text wherever folding shortens it: "01/01/2020 a  b" gave the caveat "b".
    m = re.match(r"\s*(?:entro\s+(?:il\s+)?)?\d{1,2}/\d{1,2}/\d{4}\s*(.*)", raw, re.IGNORECASE | re.DOTALL)
    if m and fold(m.group(1)) == folded_tail:
        return m.group(1).strip()
    return folded_tail
