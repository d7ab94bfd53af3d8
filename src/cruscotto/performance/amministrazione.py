"""Administration from the application: enti (the installation's superuser), and each ente's
structures, users and roles (its amministratore, and no other ente's). Every write is checked
here and recorded in the audit trail (users and roles also by the signals of audit.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import models as m
from . import permissions
from .audit import registra


def _must_manage(user, ente: m.Ente) -> None:
    if not (permissions.can_manage_users(user, ente) or getattr(user, "is_superuser", False)):
        raise PermissionDenied(_("Gestisce utenti e strutture l'amministratore dell'ente."))


@transaction.atomic
def ente_crea(*, user, codice: str, nome: str, articolo: str = "") -> m.Ente:
    """A new ente of the installation: only its superuser creates one."""
    if not getattr(user, "is_superuser", False):
        raise PermissionDenied(_("Crea un ente l'amministratore dell'installazione."))
    codice, nome = codice.strip().upper(), nome.strip()
    if not codice or not nome:
        raise ValidationError(_("Servono il codice e il nome dell'ente."))
    if m.Ente.objects.filter(codice=codice).exists():
        raise ValidationError(_("L'ente %(c)s esiste già.") % {"c": codice})
    ente = m.Ente.objects.create(codice=codice, nome=nome, articolo=articolo)
    registra(
        user=user,
        azione="ente.crea",
        ente=ente,
        oggetto=codice,
        dopo={"codice": codice, "nome": nome, **({"articolo": articolo} if articolo else {})},
    )
    return ente


@transaction.atomic
def struttura_crea(*, user, ente: m.Ente, codice: str, nome: str, tipo: str, padre: str = "") -> m.Struttura:
    _must_manage(user, ente)
    codice = codice.strip().upper()
    if ente.strutture.filter(codice=codice).exists():
        raise ValidationError(_("La struttura %(c)s esiste già.") % {"c": codice})
    parent = None
    if padre:
        parent = ente.strutture.filter(codice=padre).first()
        if parent is None:
            raise ValidationError(_("Struttura superiore %(c)s non trovata.") % {"c": padre})
    s = m.Struttura.objects.create(ente=ente, codice=codice, nome=nome.strip(), tipo=tipo, padre=parent)
    dopo = {"codice": codice, "nome": s.nome, "tipo": tipo, "padre": padre}
    registra(user=user, azione="struttura.crea", ente=ente, oggetto=codice, dopo=dopo)
    return s


def utenti_dell_ente(ente: m.Ente):
    """The accounts with a role in the ente, each with its roles here (never another ente's)."""
    roles = m.Ruolo.objects.filter(ente=ente).select_related("utente").prefetch_related("strutture")
    people: dict[int, dict] = {}
    for r in roles.order_by("utente__username", "tipo"):
        people.setdefault(r.utente_id, {"utente": r.utente, "ruoli": []})["ruoli"].append(r)
    return list(people.values())


@transaction.atomic
def utente_crea(
    *,
    user,
    ente: m.Ente,
    username: str,
    email: str,
    password: str,
    ruolo: str,
    strutture: tuple[str, ...] | list[str] = (),
    nome: str = "",
    cognome: str = "",
) -> m.Ruolo:
    """A new account with its first role in this ente; the password obeys the installation's rules."""
    _must_manage(user, ente)
    users = get_user_model()
    username = username.strip()
    if users.objects.filter(username=username).exists():
        # Another ente's account is not revealed, nor reachable: the name is simply taken.
        raise ValidationError(_("Il nome utente %(u)s non è disponibile.") % {"u": username})
    new = users(username=username, email=email.strip(), first_name=nome.strip(), last_name=cognome.strip())
    validate_password(password, new)
    new.set_password(password)
    new.save()
    return _role(user=user, ente=ente, utente=new, ruolo=ruolo, strutture=strutture)


@transaction.atomic
def ruolo_assegna(
    *, user, ente: m.Ente, username: str, ruolo: str, strutture: tuple[str, ...] | list[str] = ()
) -> m.Ruolo:
    """One more role for an account that already has one in this ente."""
    _must_manage(user, ente)
    mine = m.Ruolo.objects.filter(ente=ente, utente__username=username).select_related("utente").first()
    if mine is None:
        raise ValidationError(_("%(u)s non ha ruoli in questo ente.") % {"u": username})
    if m.Ruolo.objects.filter(ente=ente, utente=mine.utente, tipo=ruolo).exists():
        raise ValidationError(_("%(u)s ha già questo ruolo.") % {"u": username})
    return _role(user=user, ente=ente, utente=mine.utente, ruolo=ruolo, strutture=strutture)


def _role(*, user, ente: m.Ente, utente, ruolo: str, strutture) -> m.Ruolo:
    if ruolo not in m.Ruolo.Tipo.values:
        raise ValidationError(_("Ruolo sconosciuto: %(r)s.") % {"r": ruolo})
    found = list(ente.strutture.filter(codice__in=strutture))
    if len(found) != len(set(strutture)):
        raise ValidationError(_("Strutture non trovate in questo ente."))
    if ruolo == m.Ruolo.Tipo.RESPONSABILE and not found:
        raise ValidationError(_("Un responsabile ha almeno una struttura."))
    r = m.Ruolo.objects.create(utente=utente, ente=ente, tipo=ruolo)
    if found:
        r.strutture.set(found)
    return r


@transaction.atomic
def ruolo_togli(*, user, ente: m.Ente, ruolo_id: int) -> None:
    _must_manage(user, ente)
    r = m.Ruolo.objects.filter(pk=ruolo_id, ente=ente).select_related("utente").first()
    if r is None:
        raise ValidationError(_("Ruolo non trovato in questo ente."))
    if r.utente_id == user.pk and r.tipo == m.Ruolo.Tipo.AMMINISTRATORE:
        raise ValidationError(_("Non può togliere a se stesso il ruolo di amministratore."))
    r.delete()


@transaction.atomic
def utente_attiva(*, user, ente: m.Ente, username: str, attivo: bool) -> None:
    """Deactivate an account (it can no longer sign in; its past stays on record) or activate it
    again. An ente's amministratore does so only for an account whose roles are all in this
    ente: one that works for another ente too is the installation's superuser's to deactivate."""
    _must_manage(user, ente)
    mine = m.Ruolo.objects.filter(ente=ente, utente__username=username).select_related("utente").first()
    if mine is None:
        raise ValidationError(_("%(u)s non ha ruoli in questo ente.") % {"u": username})
    account = mine.utente
    if account.pk == user.pk:
        raise ValidationError(_("Non può disattivare il proprio account."))
    if not user.is_superuser and m.Ruolo.objects.filter(utente=account).exclude(ente=ente).exists():
        raise ValidationError(
            _("%(u)s ha ruoli anche in altri enti: lo disattiva l'amministratore dell'installazione.") % {"u": username}
        )
    if account.is_active != attivo:
        account.is_active = attivo
        account.save(update_fields=["is_active"])  # recorded by the audit's listener (utente.modifica)
