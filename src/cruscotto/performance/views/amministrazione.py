"""Administration from the application: an ente's structures, users and roles; new enti."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import amministrazione as admin
from .. import models as m
from .. import permissions
from ..forms import EnteForm, RuoloForm, RuoloTogliForm, StrutturaForm, UtenteAttivoForm, UtenteForm, errors_of


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


# Each action of the page: its form, the service it calls, the message once done.
ACTIONS: dict[str, tuple[type[forms.Form], Callable[..., object], object]] = {
    "struttura": (
        StrutturaForm,
        lambda r, e, d: admin.struttura_crea(user=r.user, ente=e, **d),
        gettext_lazy("Struttura aggiunta."),
    ),
    "utente": (
        UtenteForm,
        lambda r, e, d: admin.utente_crea(user=r.user, ente=e, **{**d, "strutture": _codes(d["strutture"])}),
        gettext_lazy("Utente creato con il suo ruolo."),
    ),
    "ruolo": (
        RuoloForm,
        lambda r, e, d: admin.ruolo_assegna(user=r.user, ente=e, **{**d, "strutture": _codes(d["strutture"])}),
        gettext_lazy("Ruolo assegnato."),
    ),
    "togli": (
        RuoloTogliForm,
        lambda r, e, d: admin.ruolo_togli(user=r.user, ente=e, ruolo_id=d["ruolo"]),
        gettext_lazy("Ruolo tolto."),
    ),
    "attivo": (
        UtenteAttivoForm,
        lambda r, e, d: admin.utente_attiva(user=r.user, ente=e, **d),
        gettext_lazy("Account aggiornato."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def amministrazione(request, ente: str):
    """An ente's structures, users and roles, managed by its amministratore (the page of a new ente
    too, which has no plan yet)."""
    obj = m.Ente.objects.filter(codice=ente).first()
    if obj is None:
        raise Http404(_("Ente non trovato."))
    if not (permissions.can_manage_users(request.user, obj) or request.user.is_superuser):
        raise PermissionDenied(_("Gestisce utenti e strutture l'amministratore dell'ente."))
    errors: list[str] = []
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("azione", ""))
        if action is None:
            raise Http404()
        form_class, act, done = action
        form = form_class(request.POST)
        if not form.is_valid():
            errors = errors_of(form)
        else:
            try:
                act(request, obj, form.cleaned_data)
                messages.success(request, str(done))
                return redirect("amministrazione", ente=obj.codice)
            except ValidationError as exc:
                errors = exc.messages
    ctx = {
        "ente": obj,
        "strutture": obj.strutture.select_related("padre").order_by("codice"),
        "persone": admin.utenti_dell_ente(obj),
        "tipi_struttura": m.Struttura.Tipo.choices,
        "ruoli": m.Ruolo.Tipo.choices,
        "errors": errors,
    }
    return render(request, "performance/amministrazione.html", ctx, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def ente_nuovo(request):
    """A new ente: the installation's superuser creates it, then gives it its amministratore."""
    if not request.user.is_superuser:
        raise PermissionDenied(_("Crea un ente l'amministratore dell'installazione."))
    errors: list[str] = []
    if request.method == "POST":
        form = EnteForm(request.POST)
        if not form.is_valid():
            errors = errors_of(form)
        else:
            try:
                ente = admin.ente_crea(user=request.user, **form.cleaned_data)
                messages.success(request, _("Ente %(c)s creato.") % {"c": ente.codice})
                return redirect("amministrazione", ente=ente.codice)
            except ValidationError as exc:
                errors = exc.messages
    articoli = [a for a, _label in m.Ente._meta.get_field("articolo").choices]
    return render(
        request, "performance/ente_nuovo.html", {"errors": errors, "articoli": articoli}, status=422 if errors else 200
    )
