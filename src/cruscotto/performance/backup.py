"""Backup and restore of one ente: every row that belongs to it, as one JSON document.

``dump`` writes the ente, its structures, cycles, plan versions with their
trees, actual values, base measures, roles, closed periods, OIV comments, the
history of every change (django-simple-history's tables) and its audit trail;
``restore`` puts them into a database where that ente code is free, every row
with a new key, in one transaction. docs/backup.md describes the file.

The rows are found by walking the foreign keys from ``Ente``, over every model
of the project's apps: a new model with a key path to an ente is in the backup
without a line here. A model with no such path must be in ``EXCLUDED`` with
its reason, or ``tables()`` refuses to run (and a test fails).

Not in the backup: API tokens (secrets, and they belong to a user, not to an
ente) and passwords. Users are named by username; a missing one is created
with an unusable password.
"""

from __future__ import annotations

import gzip
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q
from django.utils import timezone

from . import catena
from . import models as m
from .audit import registra

FORMAT = "cruscotto-backup"
VERSION = 1

# Models of the project's apps that are deliberately not in a backup, and why.
EXCLUDED = {
    "performance.tokenapi": (
        "segreti di accesso all'API di un utente, non dati dell'ente: dopo un ripristino se ne creano di nuovi"
    ),
    "performance.lavoro": "lavori in corso o di ieri (documenti da scaricare): durano un giorno, si rifanno dai dati",
    "performance.vocecatalogo": (
        "il catalogo comune degli indicatori è dell'installazione, condiviso da tutti gli enti, non di un ente: "
        "i piani vi rimandano per codice (docs/confronto.md)"
    ),
}

# Rows that name their ente by its code instead of a key: the audit trail has no foreign
# keys, so that a record outlives the ente it names (models.Registro).
BY_CODE = {"performance.registro": "ente"}

# Tables whose rows the ente's audit trail records as deleted, and how: a dropped draft
# (rimodulazione eliminata) is gone with its tree, but the history of its rows is still
# there, and only the trail ties it to the ente. (An ente deleted whole leaves no such
# record: its orphaned history is not picked up by a later backup of the same code.)
DELETED_BY_TRAIL = {
    "performance.piano": ("performance.registro", "piano_id", {"azione": "piano.rimodulazione.elimina"})
}

# Plain integer columns that hold a key by convention (the audit trail's again). They are
# rewritten like foreign keys on restore; a key of a row that no longer exists is kept
# pointing at "one deleted row" (see ``_reserve_keys``).
PLAIN_KEYS = {"performance.registro": {"piano_id": "performance.piano", "utente_id": settings.AUTH_USER_MODEL}}

USER_FIELDS = ("first_name", "last_name", "email", "is_active")


class BackupError(Exception):
    """A backup that cannot be made or restored; the message is for the person running it."""


# --- which tables, found how ------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """A column holding the key of a row of ``target``."""

    name: str  # the field's name, as Django's serializer writes it
    target: type[models.Model]
    strict: bool  # a database constraint: the row it names exists


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    owner: models.ForeignKey | None  # the key its rows are found by (None: the ente, or rows kept by code)
    by_code: str | None
    keys: tuple[Key, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _project_models() -> list[type[models.Model]]:
    """Every table of the project's apps (a proxy has no table of its own)."""
    return [
        mdl
        for cfg in apps.get_app_configs()
        if cfg.name.startswith("cruscotto.")
        for mdl in cfg.get_models(include_auto_created=True)
        if not mdl._meta.proxy and mdl._meta.managed
    ]


def _tracked(model) -> type[models.Model] | None:
    """The model a simple_history table follows (its ``id`` column holds that model's key)."""
    return getattr(model, "instance_type", None)


def _foreign_keys(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]


def _keys(model) -> tuple[Key, ...]:
    keys = [Key(f.name, f.related_model, f.db_constraint) for f in _foreign_keys(model)]
    tracked = _tracked(model)
    if tracked is not None:
        # The tracked object may be deleted since: its history keeps its key all the same.
        keys.append(Key(tracked._meta.pk.attname, tracked, False))
    for name, target in PLAIN_KEYS.get(model._meta.label_lower, {}).items():
        keys.append(Key(name, apps.get_model(target), False))
    return tuple(keys)


def tables() -> list[Table]:
    """The tables of a backup, in the order a restore fills them (a row after the rows it names)."""
    user = get_user_model()
    found = [mdl for mdl in _project_models() if mdl._meta.label_lower not in EXCLUDED]
    depth: dict[type[models.Model], int] = {m.Ente: 0}
    depth.update({mdl: 0 for mdl in found if mdl._meta.label_lower in BY_CODE})
    changed = True
    while changed:
        changed = False
        for mdl in found:
            if mdl in depth:
                continue
            reach = [
                depth[f.related_model]
                for f in _foreign_keys(mdl)
                if f.related_model in depth and f.related_model is not mdl
            ]
            if reach:
                depth[mdl] = 1 + min(reach)
                changed = True
    lost = sorted(mdl._meta.label_lower for mdl in found if mdl not in depth)
    if lost:
        raise BackupError(
            "modelli senza un percorso di chiavi fino a Ente, quindi fuori dal backup: "
            + ", ".join(lost)
            + " (collegarli all'ente o aggiungerli a backup.EXCLUDED con il motivo)"
        )

    result = {}
    for mdl in found:
        label = mdl._meta.label_lower
        keys = _keys(mdl)
        for k in keys:
            if k.target is not user and k.target not in depth:
                raise BackupError(
                    f"{label}.{k.name} rimanda a {k.target._meta.label_lower}, che non è nel backup: "
                    "il ripristino non saprebbe a cosa collegarlo"
                )
        owner = None
        if mdl is not m.Ente and label not in BY_CODE:
            # Rows are found through one key. History rows through history rows, which are never
            # deleted; then a key that cannot be empty; then the shortest path to the ente.
            candidates = [f for f in _foreign_keys(mdl) if f.related_model in depth and f.related_model is not mdl]
            owner = min(
                candidates, key=lambda f: (_tracked(f.related_model) is None, f.null, depth[f.related_model], f.name)
            )
        result[mdl] = Table(mdl, owner, BY_CODE.get(label), keys)

    ordered: list[Table] = []
    placed: set[type[models.Model]] = set()
    while len(ordered) < len(result):
        ready = [
            t
            for mdl, t in result.items()
            if mdl not in placed and all(k.target in placed or k.target is mdl or k.target is user for k in t.keys)
        ]
        if not ready:
            raise BackupError(
                "chiavi circolari tra " + ", ".join(t.label for mdl, t in result.items() if mdl not in placed)
            )
        ordered.append(ready[0])
        placed.add(ready[0].model)
    return ordered


# --- dump ---------------------------------------------------------------------------------


@dataclass
class DumpSummary:
    rows: dict[str, int]
    users: int
    catena: dict | None = None  # {"ultima": n, "impronta": h}: the trail's head, an anchor

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def line(self, ente: str, output) -> str:
        text = f"{ente} → {output}: {self.total} righe, {self.users} utenti"
        if self.catena:
            text += f"; registro fino alla voce n. {self.catena['ultima']}, impronta {self.catena['impronta']}"
        return text


def _rows(model, ente: m.Ente, by_model: dict, memo: dict) -> models.QuerySet:
    """The rows of ``model`` that belong to ``ente``, as a query (subqueries, no id lists in memory)."""
    if model in memo:
        return memo[model]
    t = by_model[model]
    base = model._base_manager
    if model is m.Ente:
        qs = base.filter(pk=ente.pk)
    elif t.by_code:
        qs = base.filter(**{t.by_code: ente.codice})
    else:
        f = t.owner
        parent = f.related_model
        q = Q(**{f"{f.attname}__in": _rows(parent, ente, by_model, memo).values("pk")})
        trail = DELETED_BY_TRAIL.get(parent._meta.label_lower)
        if not f.db_constraint and trail:
            # A history row whose parent was deleted cannot be found through it.
            src, column, which = trail
            deleted = (
                _rows(apps.get_model(src), ente, by_model, memo)
                .filter(**which, **{f"{column}__isnull": False})
                .values(column)
            )
            q |= Q(**{f"{f.attname}__in": deleted})
        qs = base.filter(q)
    memo[model] = qs
    return qs


def _json_default(value: Any):
    # Full precision: DjangoJSONEncoder would cut datetimes to milliseconds, and the
    # history's dates would no longer be the same after a restore.
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    raise TypeError(f"valore non serializzabile: {type(value).__name__}")


def _latest_migrations(labels: set[str]) -> dict[str, str]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    latest = {}
    for app in sorted(labels):
        applied = [name for (a, name) in loader.applied_migrations if a == app]
        if applied:
            latest[app] = max(applied, key=lambda name: len(loader.graph.forwards_plan((app, name))))
    return latest


def dump(ente_codice: str, fh: IO[bytes] | gzip.GzipFile, *, now: datetime | None = None) -> DumpSummary:
    """Write the backup of one ente to a binary file; the whole document is read in one snapshot."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One consistent picture while people keep working: every query sees the same moment.
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        ente = m.Ente.objects.filter(codice=ente_codice).first()
        if ente is None:
            raise BackupError(f"l'ente «{ente_codice}» non esiste in questo database")
        order = tables()
        by_model = {t.model: t for t in order}
        memo: dict = {}
        user_model = get_user_model()
        user_ids: set[int] = set()
        data: dict[str, list] = {}
        for t in order:
            qs = _rows(t.model, ente, by_model, memo).order_by("pk")
            names = [f.name for f in t.model._meta.concrete_fields if not f.primary_key]
            data[t.label] = [
                {"pk": r["pk"], "fields": r["fields"]} for r in serializers.serialize("python", qs, fields=names)
            ]
            for k in t.keys:
                if k.target is user_model:
                    user_ids.update(r["fields"][k.name] for r in data[t.label] if r["fields"][k.name] is not None)
        users = [
            {"pk": u.pk, "username": u.get_username(), **{f: getattr(u, f) for f in USER_FIELDS}}
            for u in user_model._base_manager.filter(pk__in=user_ids).order_by("pk")
        ]
        trail = sorted((r["fields"] for r in data.get("performance.registro", [])), key=lambda f: f["seq"] or 0)
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "created": (now or timezone.now()).isoformat(),
            "ente": ente.codice,
            "app_migrations": _latest_migrations({t.model._meta.app_label for t in order}),
            "counts": {label: len(rows) for label, rows in data.items()},
            # The trail's last number and impronta, to note down: an anchor for a later
            # ``cruscotto audit verify --ancora`` or ``restore --ancora`` (catena.py).
            "catena": {"ultima": trail[-1]["seq"], "impronta": trail[-1]["impronta"]} if trail else None,
            "users": users,
            "models": data,
        }
    fh.write(json.dumps(doc, ensure_ascii=False, indent=1, default=_json_default).encode())
    return DumpSummary(doc["counts"], len(users), doc["catena"])


def dump_to_path(ente_codice: str, path: Path) -> DumpSummary:
    """``dump`` into a file, gzip-compressed if its name ends in .gz.

    The file is readable by its owner only (names and e-mail addresses of people), and
    appears only when complete: a failed dump never leaves a half file that looks like a backup.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".parziale")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw:
            if path.suffix == ".gz":
                with gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as fh:
                    summary = dump(ente_codice, fh)
            else:
                summary = dump(ente_codice, raw)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return summary


# --- restore ------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    ente: m.Ente | None = None
    rows: dict[str, int] = field(default_factory=dict)
    users_created: list[str] = field(default_factory=list)
    users_reused: list[str] = field(default_factory=list)
    trail_kept: int = 0
    trail_chained: int = 0  # records of a backup from before the chain, chained on restore
    trail_head: tuple[int, str] | None = None  # the verified chain's last number and impronta

    def lines(self) -> list[str]:
        """What the person who ran the restore needs to know, and to do next."""
        assert self.ente is not None  # a report is read once the restore has made the ente
        out = [f"ente {self.ente.codice} ripristinato: {sum(self.rows.values())} righe"]
        if self.users_created:
            out.append("utenti creati senza password (un amministratore la imposta): " + ", ".join(self.users_created))
        if self.users_reused:
            out.append("utenti già presenti, ai quali vanno i ruoli del backup: " + ", ".join(self.users_reused))
        if self.trail_head:
            seq, h = self.trail_head
            out.append(f"registro: catena verificata fino alla voce n. {seq}, impronta {h}")
        if self.trail_chained:
            out.append(
                f"registro: {self.trail_chained} voci di un backup senza catena (versione precedente), "
                "numerate e concatenate ora: la loro integrità prima del backup non è verificabile"
            )
        if self.trail_kept:
            out.append(f"registro: {self.trail_kept} voci erano già presenti e non sono state duplicate")
        return out


def _read(fh: IO) -> dict:
    raw = fh.read()
    if isinstance(raw, str):
        raw = raw.encode()
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        doc = json.loads(raw)
    except (OSError, EOFError, ValueError):
        raise BackupError(
            "il file non è un backup di cruscotto: non è un documento JSON leggibile (troncato o danneggiato?)"
        ) from None
    return doc


def _check(doc, order: list[Table]) -> None:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else None
        raise BackupError(f"il file non è un backup di cruscotto (formato {found!r}, atteso {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise BackupError(
            f"versione {doc.get('version')!r} del formato di backup non supportata: "
            f"questa installazione legge la versione {VERSION}"
        )
    for key, kind in (("ente", str), ("users", list), ("models", dict), ("counts", dict), ("app_migrations", dict)):
        if not isinstance(doc.get(key), kind):
            raise BackupError(f"backup incompleto o modificato: manca «{key}»")
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for app, name in sorted(doc["app_migrations"].items()):
        if (app, name) not in loader.graph.nodes:
            raise BackupError(
                "il backup viene da una versione di cruscotto più recente di questa "
                f"(migrazione {app}.{name} sconosciuta): aggiornare cruscotto prima di ripristinarlo"
            )
        if (app, name) not in loader.applied_migrations:
            raise BackupError(
                f"il database non ha ancora la migrazione {app}.{name} del backup: "
                "eseguire «manage.py migrate» prima del ripristino"
            )
    known = {t.label for t in order}
    unknown = sorted(set(doc["models"]) - known)
    if unknown:
        raise BackupError("il backup contiene tabelle che questa versione non conosce: " + ", ".join(unknown))
    if set(doc["counts"]) != set(doc["models"]):
        raise BackupError("backup incompleto o modificato: le tabelle non sono quelle dichiarate nell'intestazione")
    for label, rows in doc["models"].items():
        if not isinstance(rows, list) or doc["counts"].get(label) != len(rows):
            raise BackupError(
                f"backup incompleto o modificato: {label} ha {len(rows) if isinstance(rows, list) else '?'} righe, "
                f"l'intestazione ne dichiara {doc['counts'].get(label)}"
            )
    # A backup made at this database's migration has every table this version knows (empty
    # ones too); an older one may lack the tables added since, which are then empty.
    current = _latest_migrations({t.model._meta.app_label for t in order})
    absent = sorted(
        t.label
        for t in order
        if t.label not in doc["models"]
        and doc["app_migrations"].get(t.model._meta.app_label) == current.get(t.model._meta.app_label)
    )
    if absent:
        raise BackupError("backup incompleto o modificato: mancano le tabelle " + ", ".join(absent))


def _reserve_keys(model, n: int) -> list[int]:
    """``n`` keys of ``model``'s table that no new row will ever take.

    History and the audit trail name deleted rows too (a cleared value, a removed link, a
    deleted user). In the original database their keys are never reused (sequences;
    AUTOINCREMENT on SQLite); after a restore each must still name one deleted row and not
    become the key of some future row, so it gets a key the table's counter then skips.
    """
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, n]
            )
            return [row[0] for row in cur.fetchall()]
        if connection.vendor == "sqlite":
            q = connection.ops.quote_name
            cur.execute(f"SELECT MAX({q(column)}) FROM {q(table)}")
            top = cur.fetchone()[0] or 0
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cur.fetchone()
            top = max(top, row[0] if row else 0)
            if row:
                cur.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [top + n, table])
            else:
                cur.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top + n])
            return list(range(top + 1, top + n + 1))
    raise BackupError(f"ripristino non disponibile sul database {connection.vendor} (solo PostgreSQL e SQLite)")


class _Keys:
    """Original key → new key, per model: rows written by this restore, and deleted rows."""

    def __init__(self):
        self.rows: dict[type[models.Model], dict[int, int]] = defaultdict(dict)
        self.deleted: dict[type[models.Model], dict[int, int]] = defaultdict(dict)

    def prepare(self, table: Table, rows: list[dict]) -> None:
        """Check every key of these rows has a new value; deleted rows get theirs now."""
        for k in table.keys:
            if k.target is table.model:
                present = {r["pk"] for r in rows}
            else:
                present = set(self.rows[k.target])
            values = {r["fields"].get(k.name) for r in rows} - {None}
            missing = sorted(values - present - set(self.deleted[k.target]))
            if not missing:
                continue
            if k.strict:
                raise BackupError(
                    f"backup incoerente: {table.label}.{k.name} rimanda a righe di {k.target._meta.label_lower} "
                    f"che non contiene ({', '.join(map(str, missing[:5]))})"
                )
            self.deleted[k.target].update(zip(missing, _reserve_keys(k.target, len(missing))))

    def new(self, target, old):
        if old is None:
            return None
        if old in self.rows[target]:
            return self.rows[target][old]
        return self.deleted[target][old]


def _users(doc: dict, keys: _Keys, report: RestoreReport) -> None:
    user_model = get_user_model()
    for u in doc["users"]:
        username = u["username"]
        existing = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if existing is not None:
            report.users_reused.append(username)
        else:
            # No password travels in a backup: an administrator sets one (or the users log in through SSO).
            existing = user_model._default_manager.create_user(
                username, password=None, **{f: u[f] for f in USER_FIELDS if f in u}
            )
            report.users_created.append(username)
        keys.rows[user_model][u["pk"]] = existing.pk


def _insert(table: Table, rows: list[dict], keys: _Keys, codice: str) -> list[models.Model]:
    """Write one table's rows with new keys; return them (with their new keys)."""
    model = table.model
    rows = sorted(rows, key=lambda r: r["pk"])  # the original order: link tables keep the plan's order by key
    keys.prepare(table, rows)
    self_keys = [k for k in table.keys if k.target is model]
    # Cache tokens (Piano.revisione...) are keys of in-process caches, not data: new ones,
    # so that no cache can take a restored plan for the one it was copied from.
    tokens = [f.name for f in model._meta.concrete_fields if f.default is m.new_revision]
    stamped = [
        f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    objects = []
    for r in rows:
        values = dict(r["fields"])
        for k in table.keys:
            if k.name in values and k.target is not model:
                values[k.name] = keys.new(k.target, values[k.name])
        for k in self_keys:
            values[k.name] = None  # set once every row of the table has its new key
        for name in tokens:
            values[name] = m.new_revision()
        if model is m.Ente:
            values["codice"] = codice
        if table.by_code:
            values[table.by_code] = codice
        try:
            (obj,) = serializers.deserialize("python", [{"model": table.label, "pk": None, "fields": values}])
        except (DeserializationError, LookupError, ValueError) as exc:
            raise BackupError(f"riga {r['pk']} di {table.label} non leggibile: {exc}") from None
        objects.append(obj.object)
    # bulk_create sets auto_now dates to now: keep the original ones and write them back after.
    kept = [[getattr(o, f.attname) for f in stamped] for o in objects]
    created = model._base_manager.bulk_create(objects, batch_size=500)
    for r, obj in zip(rows, created):
        if obj.pk is None:
            raise BackupError(f"il database non restituisce le chiavi nuove di {table.label}")
        keys.rows[model][r["pk"]] = obj.pk
    if self_keys or stamped:
        for r, obj, dates in zip(rows, created, kept):
            for k in self_keys:
                setattr(obj, model._meta.get_field(k.name).attname, keys.new(model, r["fields"].get(k.name)))
            for f, value in zip(stamped, dates):
                setattr(obj, f.attname, value)
        model._base_manager.bulk_update(
            created, [k.name for k in self_keys] + [f.name for f in stamped], batch_size=500
        )
    return created


def _already_recorded(table: Table, rows: list[dict], codice: str) -> tuple[list[dict], int]:
    """The rows kept by code that the database already holds (an ente deleted, then restored).

    The audit trail outlives the ente: its records are still there and are not written twice.
    Two records are the same when every column but the keys is the same.
    """
    model = table.model
    assert table.by_code is not None  # only the tables kept by code come here
    skip = {"pk", *(k.name for k in table.keys), table.by_code, "seq", "impronta"}
    compared = [f for f in model._meta.concrete_fields if f.name not in skip and not f.primary_key]
    existing = model._base_manager.filter(**{table.by_code: codice})
    if not existing.exists():
        return rows, 0

    def signature(obj) -> str:
        return json.dumps([getattr(obj, f.attname) for f in compared], default=_json_default, sort_keys=True)

    have = {signature(o) for o in existing.iterator()}
    fresh = []
    for r in rows:
        (obj,) = serializers.deserialize(
            "python",
            [
                {
                    "model": table.label,
                    "pk": None,
                    "fields": {f.name: r["fields"][f.name] for f in compared if f.name in r["fields"]},
                }
            ],
        )
        if signature(obj.object) not in have:
            fresh.append(r)
    return fresh, len(rows) - len(fresh)


def restore_report(
    fh: IO, *, rename_to: str | None = None, user=None, ancore: dict[int, str] | None = None
) -> RestoreReport:
    """Restore a backup as a new ente (its own code, or ``rename_to``); all or nothing.

    Refused, with the database untouched: a file that is not a backup of this format and
    version, one made by a newer version of cruscotto (or at a migration this database has
    not applied yet), an ente code already in use. Any error halfway rolls everything back.
    """
    doc = _read(fh)
    order = tables()
    try:
        return _restore(doc, order, rename_to=rename_to, user=user, ancore=ancore)
    except DatabaseError as exc:
        raise BackupError(f"ripristino annullato, il database è com'era: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        # A file edited by hand, or damaged in a way JSON does not notice.
        raise BackupError(
            f"ripristino annullato, il database è com'era: backup danneggiato o modificato ({exc!r})"
        ) from None


def _trail(table: Table, rows: list[dict], codice: str, report: RestoreReport, *, ancore) -> list[dict]:
    """The audit records to write: the backup's chain verified, joined to the one already here.

    A backup's trail must verify (catena.py): an edited, removed or reordered record, or
    one that does not match an impronta noted elsewhere (``ancore``), refuses the whole
    restore. Records of the same code already in this database (an ente deleted, then
    restored) must be the same chain: those are kept, the rest follow them.
    """
    numbered = [r for r in rows if r["fields"].get("seq") is not None]
    if not numbered:
        # A backup from before the chain (migration 0015): chained now, in the order written.
        rows, skipped = _already_recorded(table, rows, codice)
        report.trail_kept += skipped
        seq, prev = catena.prossimo(codice)
        for r in sorted(rows, key=lambda r: (r["fields"]["quando"], r["pk"])):
            r["fields"]["seq"] = seq
            r["fields"]["impronta"] = prev = catena.impronta(prev, r["fields"])
            seq += 1
        report.trail_chained = len(rows)
        return rows
    if len(numbered) != len(rows):
        raise BackupError("registro del backup non integro: alcune voci non hanno numero nella catena")
    rows = sorted(rows, key=lambda r: (r["fields"]["seq"], r["pk"]))
    esito = catena.verifica([r["fields"] for r in rows], ente=codice, ancore=ancore)
    if not esito.integra:
        raise BackupError(
            "registro del backup non integro, ripristino rifiutato: "
            + "; ".join(p.testo for p in esito.problemi[:5])
            + (f" (e altri {len(esito.problemi) - 5} problemi)" if len(esito.problemi) > 5 else "")
        )
    report.trail_head = (esito.ultima, esito.impronta)
    here = dict(m.Registro.objects.filter(ente=codice).values_list("seq", "impronta"))
    for r in rows:
        seq = r["fields"]["seq"]
        if seq in here and here[seq] != r["fields"]["impronta"]:
            raise BackupError(
                f"il registro dell'ente «{codice}» in questo database è un'altra catena "
                f"(la voce n. {seq} è diversa da quella del backup): ripristinare con un altro codice (--come)"
            )
    fresh = [r for r in rows if r["fields"]["seq"] not in here]
    report.trail_kept += len(rows) - len(fresh)
    return fresh


def _restore(doc, order: list[Table], *, rename_to: str | None, user, ancore=None) -> RestoreReport:
    _check(doc, order)
    codice = (rename_to or doc["ente"]).strip()
    if not codice or len(codice) > m.Ente._meta.get_field("codice").max_length:
        raise BackupError(f"codice ente non valido: «{codice}»")
    with transaction.atomic():
        if m.Ente.objects.filter(codice=codice).exists():
            raise BackupError(
                f"l'ente «{codice}» esiste già in questo database: il ripristino non sovrascrive; "
                "indicare un altro codice (--come CODICE) per ripristinarlo accanto"
            )
        keys = _Keys()
        report = RestoreReport()
        _users(doc, keys, report)
        for t in order:
            rows = doc["models"].get(t.label, [])
            if t.model is m.Registro:
                rows = _trail(t, rows, codice, report, ancore=ancore)
            elif t.by_code:
                rows, skipped = _already_recorded(t, rows, codice)
                report.trail_kept += skipped
            _insert(t, rows, keys, codice)
            report.rows[t.label] = len(rows)
        report.ente = m.Ente.objects.get(codice=codice)
        registra(
            user=user,
            azione="ripristino",
            ente=report.ente,
            oggetto=f"backup di {doc['ente']} del {doc['created']}"[:200],
            dopo={
                "da": doc["ente"],
                "creato": doc["created"],
                "righe": sum(report.rows.values()),
                "utenti_creati": report.users_created,
                "utenti_esistenti": report.users_reused,
            },
        )
    return report


def restore(fh: IO, *, rename_to: str | None = None, user=None) -> m.Ente:
    """Restore a backup (see ``restore_report``); return the new ente."""
    ente = restore_report(fh, rename_to=rename_to, user=user).ente
    assert ente is not None  # restore_report raises rather than return without one
    return ente


def restore_from_path(
    path: Path, *, rename_to: str | None = None, user=None, ancore: dict[int, str] | None = None
) -> RestoreReport:
    try:
        with open(path, "rb") as fh:
            return restore_report(fh, rename_to=rename_to, user=user, ancore=ancore)
    except OSError as exc:
        raise BackupError(f"file non leggibile: {path}: {exc.strerror or exc}") from None
