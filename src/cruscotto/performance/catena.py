"""The audit trail as a hash chain, one per ente: any edit, gap or reordering shows.

Each record carries its number in its ente's chain (``seq``, from 1, no gaps) and an
``impronta``: SHA-256 of the previous record's impronta and of this record's content.
Changing a record changes its impronta, and the next record no longer links to it;
deleting one leaves a gap in the numbers; moving one breaks both. ``verifica`` reads
a chain and says where.

What the impronta covers: number, time, username, action, object, before, after, reason.
Not the database keys (``piano_id``, ``utente_id``) nor the ente's code: a restore
rewrites them (a new database, a new code), and the restored chain must still verify
against the impronte written down before (docs/security.md, "Registro").

The chain has no secret: who can rewrite every record from one point on can recompute
every impronta after it. Two things stop that. The application's database role cannot
update, delete or truncate the table (docs/security.md gives the PostgreSQL setup); and
an impronta kept elsewhere (in a backup, in the OIV's minutes) is an anchor that
``verifica`` checks: a chain rewritten after it no longer has that impronta at that number.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

INIZIO = "0" * 64  # the "previous impronta" of a chain's first record
EXACT_INT = 2**53  # beyond this a JSON number may come back from PostgreSQL as another type
ADVISORY_NAMESPACE = 4_141_571  # pg_advisory_xact_lock(namespace, key): this lock's family


def _canon(value):
    """The JSON value as the database gives it back, whatever it was when written.

    PostgreSQL's jsonb keeps numbers as decimals: a float written as 1e16 comes back as the
    integer 10000000000000000, 2.0 may come back as 2. Numbers are hashed by value, in one
    form: an integral number as an integer, any other as Python's shortest repr.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) < EXACT_INT else repr(float(value))
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < EXACT_INT:
            return int(value)
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    return str(value)


def _instant(quando) -> str:
    if isinstance(quando, str):
        parsed = parse_datetime(quando)
        if parsed is None:
            raise ValueError(f"data non leggibile: {quando!r}")
        quando = parsed
    if quando.tzinfo is None:
        quando = quando.replace(tzinfo=UTC)
    return quando.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def contenuto(r) -> bytes:
    """The bytes a record's impronta covers; ``r`` is a Registro or a dict of its fields."""
    get = r.get if isinstance(r, dict) else (lambda name: getattr(r, name))
    doc = [
        get("seq"),
        _instant(get("quando")),
        get("utente") or "",
        get("azione") or "",
        get("oggetto") or "",
        _canon(get("prima")),
        _canon(get("dopo")),
        get("motivo") or "",
    ]
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def impronta(precedente: str, r) -> str:
    return hashlib.sha256(precedente.encode() + b"\n" + contenuto(r)).hexdigest()


def prossimo(codice: str) -> tuple[int, str]:
    """The next number of ``codice``'s chain and the impronta it links to.

    Call inside the transaction that writes the record: on PostgreSQL a lock per ente
    (released at commit) makes two writers of the same ente take turns; SQLite's
    transactions here are IMMEDIATE, one writer at a time. The unique (ente, seq)
    constraint refuses a duplicate number whatever happens.
    """
    from . import models as m

    assert connection.in_atomic_block, "prossimo() va chiamato nella transazione che scrive la voce"
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ADVISORY_NAMESPACE, codice])
    last = m.Registro.objects.filter(ente=codice).order_by("-seq").values_list("seq", "impronta").first()
    if last is None or last[0] is None:
        return 1, INIZIO
    return last[0] + 1, last[1]


# --- verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Problema:
    seq: int | None
    tipo: str  # "alterata", "lacuna", "ordine", "ancora", "numero"
    testo: str


@dataclass
class Esito:
    ente: str
    voci: int = 0
    ultima: int = 0
    impronta: str = INIZIO
    problemi: list[Problema] = field(default_factory=list)

    @property
    def integra(self) -> bool:
        return not self.problemi


def verifica(records: Iterable, *, ente: str = "", ancore: dict[int, str] | None = None) -> Esito:
    """Check a chain: ``records`` in the order of their numbers (Registro rows or field dicts).

    Each problem is reported once, where it is: an altered record does not make every
    later one "altered" too (the next record is checked against the impronta stored in
    the one before). ``ancore`` maps numbers to impronte known from elsewhere.
    """
    esito = Esito(ente=ente)
    get = lambda r, name: r.get(name) if isinstance(r, dict) else getattr(r, name)  # noqa: E731
    prev_seq, prev_when = 0, None
    prev_hash: str | None = INIZIO
    for r in records:
        seq, stored = get(r, "seq"), get(r, "impronta")
        esito.voci += 1
        if not isinstance(seq, int) or seq < 1 or not stored:
            esito.problemi.append(Problema(None, "numero", _("una voce non ha numero o impronta nella catena")))
            continue
        if seq <= prev_seq:
            esito.problemi.append(
                Problema(seq, "numero", _("la voce n. %(n)d compare dopo la n. %(p)d") % {"n": seq, "p": prev_seq})
            )
            continue
        if seq > prev_seq + 1:
            missing = str(prev_seq + 1) if seq == prev_seq + 2 else _("%(a)d–%(b)d") % {"a": prev_seq + 1, "b": seq - 1}
            esito.problemi.append(
                Problema(seq, "lacuna", _("mancano le voci n. %(voci)s (cancellate?)") % {"voci": missing})
            )
            prev_hash = None  # the link cannot be checked across a gap
        when = _instant(get(r, "quando"))
        if prev_when is not None and when < prev_when:
            esito.problemi.append(
                Problema(seq, "ordine", _("la voce n. %(n)d è datata prima della voce che la precede") % {"n": seq})
            )
        if prev_hash is not None and impronta(prev_hash, r) != stored:
            esito.problemi.append(
                Problema(
                    seq,
                    "alterata",
                    _(
                        "la voce n. %(n)d non corrisponde alla sua impronta: modificata, sostituita "
                        "o spostata dopo la scrittura"
                    )
                    % {"n": seq},
                )
            )
        if ancore and seq in ancore and ancore[seq] != stored:
            esito.problemi.append(
                Problema(
                    seq,
                    "ancora",
                    _("la voce n. %(n)d non ha l'impronta annotata altrove (%(h)s…)")
                    % {"n": seq, "h": ancore[seq][:12]},
                )
            )
        prev_seq, prev_hash, prev_when = seq, stored, when
        esito.ultima, esito.impronta = seq, stored
    for seq in sorted(set(ancore or {}) - set(range(1, esito.ultima + 1))):
        esito.problemi.append(
            Problema(
                seq, "ancora", _("la voce n. %(n)d, annotata altrove, non c'è più (registro accorciato?)") % {"n": seq}
            )
        )
    return esito


def verifica_ente(codice: str, *, ancore: dict[int, str] | None = None) -> Esito:
    """Verify one ente's chain as the database holds it now (one consistent read)."""
    from . import models as m

    with transaction.atomic():
        qs = m.Registro.objects.filter(ente=codice).order_by("seq", "pk")
        fields = ("seq", "impronta", "quando", "utente", "azione", "oggetto", "prima", "dopo", "motivo")
        return verifica(qs.values(*fields).iterator(chunk_size=2000), ente=codice, ancore=ancore)


def catene() -> list[str]:
    """The codes that have a chain (the enti, the deleted ones too, and "" for the accounts)."""
    from . import models as m

    return sorted(set(m.Registro.objects.values_list("ente", flat=True).distinct()))
