"""Several actual values at once: the monitoring page's multiple entry and the values file.

Each value goes through the one service that records a value (services.consuntivo_registra):
the same permission, kind, plausibility, formula, closed-period, lock and revision checks as a
value typed in its row, and the same audit record, which says where the value came from. All or
nothing: one refused value and none is written, and every refusal comes back with its place (the
file's row, or the indicator's code), so that the office fixes them all in one go.

``prova=True`` runs every check and every write inside a transaction that is then rolled back:
the preview of a file says exactly what the confirmation will do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cruscotto.engine.entry import EntryError, read_entry
from cruscotto.engine.numbers import format_value

from . import models as m
from . import services


@dataclass(frozen=True, slots=True)
class Voce:
    """One value to record. ``revisione``: the stored value's revision when it was shown or
    previewed (0: none; None: no check). ``causa``/``azioni``: None keeps the stored text."""

    codice: str
    anno: int
    periodo: str
    testo: object
    nota: str = ""
    revisione: int | None = None
    causa: str | None = None
    azioni: str | None = None
    dove: str = ""  # the place said with an error and in the audit record: "valori.csv, riga 4"


@dataclass(frozen=True, slots=True)
class Esito:
    """What recording a value does (or did): ``azione`` is nuovo, cambia, cancella or uguale."""

    voce: Voce
    azione: str
    prima: str  # the stored value before ("" none)
    dopo: str  # the value as it is stored ("" none)
    revisione: int  # the stored value's revision before (0: none), for the confirmation's check


class VociRifiutate(ValidationError):
    """Some values were refused: nothing was written. ``errori``: (place, message) each."""

    def __init__(self, errori: list[tuple[str, str]]):
        super().__init__([f"{dove}: {msg}" if dove else msg for dove, msg in errori], code="voci_rifiutate")
        self.errori = errori


class _Prova(Exception):
    """Raised to roll back a trial run."""


def _stored_text(value_text: object) -> str | None:
    """The text a value would be stored as, or None when it does not read (the service says why)."""
    try:
        value = read_entry(value_text.strip() if isinstance(value_text, str) else value_text)
    except EntryError:
        return None
    return "" if value is None else format_value(value)


def registra_insieme(
    *, user, piano: m.Piano, voci: list[Voce], correzione: str = "", origine: str = "", prova: bool = False
) -> list[Esito]:
    """Record ``voci`` all together, or none (:class:`VociRifiutate` with every refusal).

    A value equal to the stored one, with the same note (and the same reasons when given), is left
    alone: no write, no audit record. An empty text clears the stored value. ``correzione`` is the
    reason of the corrections in a closed period; ``origine`` goes into each audit record.
    """
    esiti: list[Esito] = []
    errori: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            stored = {
                (c.codice, c.anno, c.periodo): c
                for c in piano.consuntivi.filter(codice__in={v.codice for v in voci}, anno__in={v.anno for v in voci})
            }
            for v in voci:
                before = stored.get((v.codice, v.anno, v.periodo))
                text = _stored_text(v.testo)
                same = (
                    before is not None
                    and text == before.valore
                    and v.nota.strip() == before.nota
                    and (v.causa is None or v.causa.strip() == before.causa_scostamento)
                    and (v.azioni is None or v.azioni.strip() == before.azioni_correttive)
                )
                if same or (before is None and text == ""):
                    esiti.append(Esito(v, "uguale", before.valore if before else "", text or "", _rev(before)))
                    continue
                try:
                    # consuntivo_registra is atomic itself: a refused value leaves no half-write
                    row = services.consuntivo_registra(
                        user=user,
                        piano=piano,
                        codice=v.codice,
                        anno=v.anno,
                        periodo=v.periodo,
                        testo=v.testo if not isinstance(v.testo, str) else v.testo.strip(),
                        nota=v.nota,
                        correzione=correzione,
                        revisione=v.revisione,
                        causa_scostamento=v.causa,
                        azioni_correttive=v.azioni,
                        origine=" · ".join(x for x in (origine, v.dove) if x),
                    )
                except (ValidationError, PermissionDenied) as exc:
                    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                    errori += [(v.dove or v.codice, msg) for msg in messages]
                    continue
                azione = "cancella" if row is None else ("cambia" if before is not None else "nuovo")
                esiti.append(Esito(v, azione, before.valore if before else "", row.valore if row else "", _rev(before)))
            if errori:
                raise VociRifiutate(errori)
            if prova:
                raise _Prova
    except _Prova:
        pass
    return esiti


def _rev(row: m.Consuntivo | None) -> int:
    return row.revisione if row is not None else 0


def conteggi(esiti: list[Esito]) -> dict[str, int]:
    """How many values are new, changed, cleared and unchanged."""
    out = {"nuovo": 0, "cambia": 0, "cancella": 0, "uguale": 0}
    for e in esiti:
        out[e.azione] += 1
    return out


def sintesi(esiti: list[Esito]) -> str:
    """The counts in words, only those there are: "2 nuovi, 1 cambiato, 3 invariati"."""
    n = conteggi(esiti)
    parts = [
        ngettext("%(n)s nuovo", "%(n)s nuovi", n["nuovo"]),
        ngettext("%(n)s cambiato", "%(n)s cambiati", n["cambia"]),
        ngettext("%(n)s cancellato", "%(n)s cancellati", n["cancella"]),
        ngettext("%(n)s invariato", "%(n)s invariati", n["uguale"]),
    ]
    said = [p % {"n": k} for p, k in zip(parts, n.values(), strict=True) if k]
    return ", ".join(said) if said else _("nessun valore")
