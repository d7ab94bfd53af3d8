"""Numbers and dates for documents: the engine's display rules (engine/display.py), in Italian."""

from __future__ import annotations

from ..engine.display import decimal, euro, pct, target, value
from ..engine.scoring import STATO_TESTO

__all__ = ["STATUS_IT", "decimal_it", "euro", "pct", "status", "target_text", "value"]

# The statuses' labels are the engine's (engine/scoring.STATO_TESTO).
STATUS_IT = {k.value: v for k, v in STATO_TESTO.items()}


def decimal_it(x: float, places: int = 2, grouping: bool = True) -> str:
    return decimal(x, places, grouping=grouping)


def target_text(t, missing: str = "—") -> str:
    """A target as printed, its figures grouped like the values beside it (engine/display.target)."""
    return target(t, missing=missing)


def status(s) -> str:
    return STATUS_IT.get(getattr(s, "value", s), str(s))
