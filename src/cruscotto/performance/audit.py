"""The audit trail: one function writes a record; signals catch what changes users and roles.

Services call ``registra`` in their own transaction, so a change and its
record are written together or not at all. Users and roles are also changed
through Django's admin, which calls no service: the signal handlers below
record those changes, with the user of the request (simple_history's
middleware keeps it) or "sistema" from a command.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from . import catena
from . import models as m

SYSTEM = "sistema"


def _plain(value):
    """JSON-safe copies of what a record keeps."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _who(user) -> tuple[str, int | None]:
    if user is None or not getattr(user, "is_authenticated", False):
        return SYSTEM, None
    return user.get_username(), user.pk


log = logging.getLogger("cruscotto.registro")


def registra(
    *,
    user,
    azione: str,
    ente: m.Ente | str | None = None,
    piano: m.Piano | None = None,
    oggetto: str = "",
    prima=None,
    dopo=None,
    motivo: str = "",
) -> m.Registro:
    name, uid = _who(user)
    if ente is None and piano is not None:
        ente = piano.ente
    code = ente if isinstance(ente, str) else (ente.codice if ente else "")
    # The same event in the logs (imports, values, cycle moves …): what, on what, by whom.
    log.info(
        "%s %s (%s) da %s",
        azione,
        oggetto,
        code,
        name,
        extra={"event": azione, "ente": code, "object": str(oggetto)[:200], "username": name},
    )
    with transaction.atomic():
        seq, precedente = catena.prossimo(code)
        record = m.Registro(
            quando=timezone.now(),
            utente=name,
            utente_id=uid,
            ente=code,
            piano_id=piano.pk if piano is not None else None,
            azione=azione,
            oggetto=str(oggetto)[:200],
            prima=_plain(prima),
            dopo=_plain(dopo),
            motivo=motivo or "",
            seq=seq,
        )
        record.impronta = catena.impronta(precedente, record)
        record.save()
    return record


CSV_HEADERS = (
    "quando",
    "utente",
    "ente",
    "piano",
    "azione",
    "oggetto",
    "prima",
    "dopo",
    "motivo",
    "numero",
    "impronta",
)


def as_csv(records) -> str:
    """The records as CSV (UTF-8), cells neutralised so that no spreadsheet runs them as formulas."""
    import json

    from cruscotto.files.tables import neutralise

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_HEADERS)
    for r in records:
        row = (
            r.quando.isoformat(),
            r.utente,
            r.ente,
            r.piano_id or "",
            r.azione,
            r.oggetto,
            json.dumps(r.prima, ensure_ascii=False) if r.prima is not None else "",
            json.dumps(r.dopo, ensure_ascii=False) if r.dopo is not None else "",
            r.motivo,
            r.seq or "",
            r.impronta,
        )
        w.writerow([neutralise(str(c)) for c in row])
    return out.getvalue()


# --- users and roles, however they change ---------------------------------------------

USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")


def _request_user():
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    return getattr(request, "user", None)


def _role_state(r: m.Ruolo) -> dict:
    return {
        "utente": r.utente.get_username(),
        "ruolo": r.tipo,
        "strutture": sorted(s.codice for s in r.strutture.all()) if r.pk else [],
    }


def _user_before(sender, instance, **kwargs):
    if instance.pk:
        old = sender.objects.filter(pk=instance.pk).values(*USER_FIELDS, "password").first()
        instance._audit_before = old


def _user_after(sender, instance, created, **kwargs):
    old = getattr(instance, "_audit_before", None)
    now = {f: getattr(instance, f) for f in USER_FIELDS}
    if created or old is None:
        registra(user=_request_user(), azione="utente.crea", oggetto=instance.get_username(), dopo=now)
        return
    changed = {f: (old[f], now[f]) for f in USER_FIELDS if old[f] != now[f]}
    password = old["password"] != instance.password
    if changed or password:
        dopo = {f: b for f, (_a, b) in changed.items()}
        if password:
            dopo["password"] = "cambiata"  # never the hash
        registra(
            user=_request_user(),
            azione="utente.modifica",
            oggetto=instance.get_username(),
            prima={f: a for f, (a, _b) in changed.items()},
            dopo=dopo,
        )
    instance._audit_before = None


def _user_deleted(sender, instance, **kwargs):
    registra(
        user=_request_user(),
        azione="utente.elimina",
        oggetto=instance.get_username(),
        prima={f: getattr(instance, f) for f in USER_FIELDS},
    )


def _role_before(sender, instance, **kwargs):
    if instance.pk:
        old = m.Ruolo.objects.filter(pk=instance.pk).select_related("utente").first()
        instance._audit_before = _role_state(old) if old else None


def _role_after(sender, instance, created, **kwargs):
    registra(
        user=_request_user(),
        azione="ruolo.crea" if created else "ruolo.modifica",
        ente=instance.ente,
        oggetto=instance.utente.get_username(),
        prima=None if created else getattr(instance, "_audit_before", None),
        dopo=_role_state(instance),
    )


def _role_deleted(sender, instance, **kwargs):
    registra(
        user=_request_user(),
        azione="ruolo.elimina",
        ente=instance.ente,
        oggetto=instance.utente.get_username(),
        prima={"utente": instance.utente.get_username(), "ruolo": instance.tipo},
    )


def _role_structures(sender, instance, action, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, m.Ruolo):
        return
    codes = sorted(m.Struttura.objects.filter(pk__in=pk_set or ()).values_list("codice", flat=True))
    registra(
        user=_request_user(),
        azione="ruolo.strutture",
        ente=instance.ente,
        oggetto=instance.utente.get_username(),
        dopo={"azione": action.removeprefix("post_"), "strutture": codes, "ora": _role_state(instance)["strutture"]},
    )


def _user_groups_or_permissions(sender, instance, action, pk_set, model, **kwargs):
    """A user's groups and permissions changed (in the admin, or anywhere): who, what, which."""
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, get_user_model()):
        return
    what = "gruppi" if model.__name__ == "Group" else "permessi"
    found = model.objects.filter(pk__in=pk_set or ())
    if what == "gruppi":
        names = sorted(g.name for g in found)
    else:  # "app.codename", as Django names a permission in code
        names = sorted(f"{p.content_type.app_label}.{p.codename}" for p in found.select_related("content_type"))
    registra(
        user=_request_user(),
        azione=f"utente.{what}",
        oggetto=instance.get_username(),
        dopo={"azione": action.removeprefix("post_"), what: names},
    )


def connect() -> None:
    user = get_user_model()
    m2m_changed.connect(_user_groups_or_permissions, sender=user.groups.through, dispatch_uid="audit-user-groups")
    m2m_changed.connect(
        _user_groups_or_permissions, sender=user.user_permissions.through, dispatch_uid="audit-user-permissions"
    )
    pre_save.connect(_user_before, sender=user, dispatch_uid="audit-user-before")
    post_save.connect(_user_after, sender=user, dispatch_uid="audit-user-after")
    post_delete.connect(_user_deleted, sender=user, dispatch_uid="audit-user-deleted")
    pre_save.connect(_role_before, sender=m.Ruolo, dispatch_uid="audit-role-before")
    post_save.connect(_role_after, sender=m.Ruolo, dispatch_uid="audit-role-after")
    post_delete.connect(_role_deleted, sender=m.Ruolo, dispatch_uid="audit-role-deleted")
    m2m_changed.connect(_role_structures, sender=m.Ruolo.strutture.through, dispatch_uid="audit-role-structures")
