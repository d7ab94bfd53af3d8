"""Small counts of people, hidden where they could point at someone.

A table that says "1 man with Legge 104 permits" in an office of forty tells colleagues who
he is, and a fact about his or his family's health (d.lgs. 196/2003 art. 2-septies; GDPR
art. 9). The rule here, the usual one of official statistics:

- **primary**: a count of 1 to ``soglia`` − 1 people (default 3) is shown as "< 3";
  0 is shown (nobody is named by it). Not the dirigenti: d.lgs. 33/2013 art. 14 has each
  of them published by name, with the post held, so their number names nobody new;
- **secondary**: a count that could be worked out from the ones shown is hidden too, as
  *riservato*. The tables here are sums (women + men = total; the categories add up to the
  in-role total; in role + dirigenti + not in role = everyone): in every such sum, one
  hidden cell alone would be the total minus the others, so a second one is hidden. It is
  the smallest other cell that is not a total: totals stay shown and right.

What is hidden is decided on the true figures and only for showing: every total and every
percentage is computed from the register as before. docs/personale.md, "Riservatezza".
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import TypeVar

SOGLIA = 3
RISERVATO = "riservato"

K = TypeVar("K", bound=Hashable)


def meno_di(soglia: int) -> str:
    return f"< {soglia}"


def piccolo(n: float | None, soglia: int) -> bool:
    """A count that names people: from 1 to ``soglia`` − 1."""
    return n is not None and 0 < n < soglia


def sopprimi(
    valori: Mapping[K, float],
    somme: Sequence[tuple[Sequence[K], K]],
    soglia: int = SOGLIA,
    *,
    pubblici: Collection[K] = (),
) -> dict[K, str]:
    """The cells to hide and the text shown instead ("< 3", or *riservato* for a complement).

    ``somme`` lists the sums binding the cells, each as ``(parts, total)``. A sum with
    exactly one hidden cell gets a second: the smallest non-zero part, then a zero part,
    and the total only when every part is hidden already. Repeated until no sum has
    exactly one. Deterministic: the same table hides the same cells on the page, in the
    documents and in the API. Cells in ``pubblici`` are public anyway (the dirigenti, whom
    the law has published by name): never hidden, and known to whoever reads a sum.
    """
    hidden: dict[K, str] = {k: meno_di(soglia) for k, v in valori.items() if piccolo(v, soglia) and k not in pubblici}
    changed = True
    while changed:
        changed = False
        for parts, total in somme:
            cells = [*parts, total]
            if sum(k in hidden for k in cells) != 1:
                continue
            candidates = [(i, k) for i, k in enumerate(cells) if k not in hidden and k not in pubblici]
            if not candidates:
                continue
            _i, pick = min(candidates, key=lambda ik: (ik[1] == total, valori[ik[1]] == 0, valori[ik[1]], ik[0]))
            hidden[pick] = RISERVATO
            changed = True
    return hidden
