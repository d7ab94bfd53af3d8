"""The engine's small family of errors.

Every error that comes from user input says *where* (file, row, column or
path in the plan) and *what value* was wrong, in Italian, because the people
who read these messages are the controllo di gestione office.
"""

from __future__ import annotations

from collections.abc import Iterable


class CruscottoError(Exception):
    """Base class of every error the engine raises on purpose."""


class ParseError(CruscottoError, ValueError):
    """A printed value (number, target, date, weight) cannot be read.

    ``where`` names the place (``"riga 12, colonna Target 2020"`` or
    ``"prospettive[0].linee[1]...target.2020"``); ``value`` is the text as found.
    """

    def __init__(self, message: str, *, value: object = None, where: str | None = None):
        self.reason = message
        self.value = value
        self.where = where
        text = message
        if value is not None:
            text += f": {value!r}"
        if where:
            text = f"{where}: {text}"
        super().__init__(text)

    def located(self, where: str) -> ParseError:
        """The same error, with ``where`` prefixed by an outer location."""
        inner = f"{where}, {self.where}" if self.where else where
        return ParseError(self.reason, value=self.value, where=inner)


class PlanError(CruscottoError):
    """A plan file is not a valid plan. ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = problems
        self.source = source
        head = f"{source}: " if source else ""
        lines = [f"{head}{len(problems)} errore/i nel piano"]
        lines += [f"  - {p.where}: {p.message}" if p.where else f"  - {p.message}" for p in problems]
        super().__init__("\n".join(lines))


class FormulaError(CruscottoError, ValueError):
    """A formula is not allowed or not well formed (found when the plan loads)."""


class Problem:
    """One finding of validation: an error or a warning, with a stable code."""

    __slots__ = ("code", "message", "where", "severity")

    def __init__(self, code: str, message: str, where: str = "", severity: str = "error"):
        self.code = code
        self.message = message
        self.where = where
        self.severity = severity

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "where": self.where}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Problem({self.severity} {self.code} @ {self.where}: {self.message})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self.as_dict() == other.as_dict() and self.severity == other.severity

    def __hash__(self) -> int:
        return hash((self.code, self.message, self.where, self.severity))


def codici_ripetuti(voci: Iterable[tuple[str, str]], code: str) -> list[Problem]:
    """A problem for each code met again in ``voci`` ((code, where it is) pairs, in order): the one
    check every register of the engine makes on its own codes."""
    from .lingua import _  # here: the engine's catalogue is not needed to import the errors

    seen: set[str] = set()
    out: list[Problem] = []
    for codice, where in voci:
        if codice in seen:
            out.append(Problem(code, _("codice ripetuto: {c}").format(c=codice), where))
        seen.add(codice)
    return out
