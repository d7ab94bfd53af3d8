"""Revision tokens and the values of a superseded version: what services, the cycle and the plan
editor share. Its own module so that none of them imports another in a circle."""

from __future__ import annotations

from . import models as m


def bump(piano: m.Piano) -> None:
    """Mark the plan changed: the cached engine plan of the old revision is no longer used."""
    piano.revisione = m.new_revision()
    m.Piano.objects.filter(pk=piano.pk).update(revisione=piano.revisione)
    _confronto(piano.ente_id)


def valori_cambiati(*, piano: m.Piano | None = None, ente: m.Ente | None = None) -> None:
    """Mark stored values changed: of one plan, or (base measures) of every plan of an ente.

    Every write of an actual value or a base measure calls this, in its transaction: the
    cached scores and pages are keyed by ``valori_revisione``.
    """
    token = m.new_revision()
    if piano is not None:
        piano.valori_revisione = token
        m.Piano.objects.filter(pk=piano.pk).update(valori_revisione=token)
    if ente is not None:
        m.Piano.objects.filter(ente=ente).update(valori_revisione=token)
    _confronto(ente.pk if ente is not None else piano.ente_id if piano is not None else None)


def _confronto(ente_id: int | None) -> None:
    """The ente's rows for benchmarking are computed again, ahead of the next reader, once the
    change commits (performance/confronto.py)."""
    if ente_id is None:
        return
    from .confronto import accoda_dopo_il_commit  # confronto reads selectors, which import much

    accoda_dopo_il_commit(ente_id)


def move_values(old: m.Piano, new: m.Piano) -> int:
    """The values of the superseded version go to the new one (where it has none of its own)."""
    have = set(new.consuntivi.values_list("codice", "anno", "periodo"))
    moved = 0
    for c in old.consuntivi.all():
        if (c.codice, c.anno, c.periodo) in have:
            continue
        c.piano = new
        c.save()
        moved += 1
    return moved
