"""The plan: import with preview, the tree and its indicators edited in place, the events' dates."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from .. import editing, lavori, permissions, selectors, services
from .. import models as m
from ..forms import EventoForm, IndicatoreForm, NodoForm, PianoConfermaForm, PianoImportForm, errors_of, field_errors
from .base import on_draft, with_plan


@with_plan
@require_http_methods(["GET", "POST"])
def eventi(request, ente, anno, piano):

    error = None
    if request.method == "POST":
        form = EventoForm(request.POST)
        if not form.is_valid():
            error = (request.POST.get("codice", "")[:200], " ".join(errors_of(form)))
        else:
            try:
                services.evento_imposta_data(
                    user=request.user, piano=piano, codice=form.cleaned_data["codice"], data=form.cleaned_data["data"]
                )
                return redirect("eventi", ente=ente.codice, anno=anno)
            except m.Evento.DoesNotExist:
                raise Http404(_("Evento non trovato.")) from None
    plan = selectors.plan_for(piano)
    dates = plan.date_eventi()
    uses = []
    for i in plan.indicatori():
        for ms in i.milestones:
            if ms.scadenza.evento:
                uses.append(
                    {
                        "evento": ms.scadenza.evento,
                        "cosa": f"{i.codice} · {ms.codice}",
                        "testo": ms.scadenza.testo,
                        "data": ms.scadenza.scadenza(dates),
                    }
                )
        for y, t in i.target.items():
            if t.evento:
                uses.append(
                    {"evento": t.evento, "cosa": f"{i.codice} ({y})", "testo": t.testo, "data": t.scadenza(dates)}
                )
    for s in plan.schede_individuali:
        for z in s.sezioni:
            for v in z.voci:
                if v.target and v.target.evento:
                    uses.append(
                        {
                            "evento": v.target.evento,
                            "cosa": f"{s.codice} · {v.codice}",
                            "testo": v.target.testo,
                            "data": v.target.scadenza(dates),
                        }
                    )
    return render(
        request, "performance/eventi.html", {"eventi": piano.eventi.order_by("pk"), "uses": uses, "error": error}
    )


def _require_plan_editor(request, ente):
    if not permissions.can_edit_plan(request.user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può modificare il piano."))


@with_plan
@on_draft
def piano_pagina(request, ente, anno, piano):
    plan = selectors.plan_for(piano)
    may = permissions.can_edit_plan(request.user, ente)
    draft = piano.stato_versione == m.Piano.StatoVersione.BOZZA
    ctx = {
        "plan": plan,
        "shown": piano,
        "versions": m.Piano.objects.filter(ciclo_id=piano.ciclo_id).order_by("-versione"),
        "can_edit": may and draft,  # an adopted version is locked: changes go through a rimodulazione
        "can_import": may,
        "locked": not draft,
        "rimodulazione": draft and bool(piano.motivazione),
    }
    return render(request, "performance/piano.html", ctx)


def _preview_page(request, job: m.Lavoro, *, extra_errors=(), status=None):
    """The preview of an uploaded plan file (a job's ``esito``): errors, summary, warnings and,
    when nothing stops it, the confirmation form."""
    esito = job.parametri.get("esito") or {}
    errors = list(extra_errors) + list(esito.get("errors", []))
    ctx = {
        "errors": errors,
        "warnings": esito.get("warnings", []),
        "summary": esito.get("summary"),
        "token": None if esito.get("errors") or not job.file else str(job.pk),
        "nome": job.nome_file,
        "motivazione_richiesta": esito.get("rimodulazione", False),
    }
    return render(request, "performance/piano_anteprima.html", ctx, status=status or (422 if errors else 200))


def _import_refused(request, message: str, where: str = "", status: int = 422):
    ctx = {"errors": [{"code": "file", "message": message, "where": where}], "warnings": []}
    return render(request, "performance/piano_anteprima.html", ctx, status=status)


@with_plan
@require_http_methods(["POST"])
def piano_importa(request, ente, anno, piano):
    """Step 1: upload, check, show every error and warning. Nothing is written to the plan.
    An ordinary file is checked in the request; a large one by the worker (lavori.py), and the
    page follows it."""

    _require_plan_editor(request, ente)
    form = PianoImportForm(request.POST, request.FILES)
    if not form.is_valid():
        upload = request.FILES.get("file")
        return _import_refused(request, " ".join(form.errors.get("file", [])), upload.name if upload else "")
    try:
        job = lavori.avvia_anteprima(user=request.user, ente=ente, piano=piano, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        return _import_refused(request, " ".join(exc.messages), status=429)
    return _follow_import(request, ente, anno, job)


def _follow_import(request, ente, anno, job: m.Lavoro):
    """Where an import job leads: its preview, the plan once imported, or the page that waits."""
    if request.htmx and not job.attivo and request.method == "GET":
        return HttpResponseClientRedirect(request.path)
    if job.stato == m.Lavoro.Stato.PRONTO and job.tipo == "anteprima":
        return _preview_page(request, job)
    if job.stato == m.Lavoro.Stato.PRONTO:
        messages.success(request, _("Piano importato come versione %(v)s.") % {"v": job.parametri["versione"]})
        return redirect("piano", ente=ente.codice, anno=job.parametri["anno"])
    if job.stato == m.Lavoro.Stato.ERRORE and job.tipo == "importazione":
        preview = m.Lavoro.objects.filter(pk=job.parametri["anteprima"], ente=ente).first()
        if preview is not None and preview.file:
            return _preview_page(request, preview, extra_errors=[{"code": "ciclo", "message": job.errore, "where": ""}])
    if job.stato == m.Lavoro.Stato.ERRORE:
        return _import_refused(request, job.errore, job.nome_file)
    if request.method == "POST":
        return redirect("piano_lavoro", ente=ente.codice, anno=anno, token=str(job.pk))
    if request.htmx and job.attivo:
        return render(request, "performance/_piano_lavoro_stato.html", {"job": job})
    return render(request, "performance/piano_lavoro.html", {"job": job})


@with_plan
def piano_lavoro(request, ente, anno, piano, token: str):
    """A large import followed while the worker reads (or writes) the plan."""
    _require_plan_editor(request, ente)
    job = _import_job(request, ente, token)
    return _follow_import(request, ente, anno, job)


def _import_job(request, ente, token) -> m.Lavoro:
    """The requester's own import job of this ente, or 404 (a preview is not shared by its link)."""
    try:
        uid = uuid.UUID(str(token))
    except ValueError:
        raise Http404(_("Anteprima scaduta: carichi di nuovo il file.")) from None
    lavori.scaduti()
    job = m.Lavoro.objects.filter(
        pk=uid, ente=ente, richiedente=request.user, tipo__in=("anteprima", "importazione")
    ).first()
    if job is None:
        raise Http404(_("Anteprima scaduta: carichi di nuovo il file."))
    return job


@with_plan
@require_http_methods(["POST"])
def piano_conferma(request, ente, anno, piano):
    """Step 2: write the checked file as a new version of the plan, in one transaction."""

    _require_plan_editor(request, ente)
    form = PianoConfermaForm(request.POST)
    if not form.is_valid():
        if "token" in form.errors:
            raise Http404(_("Anteprima scaduta: carichi di nuovo il file."))
        return _import_refused(request, " ".join(errors_of(form)))
    preview = _import_job(request, ente, form.cleaned_data["token"])
    try:
        job = lavori.avvia_importazione(
            user=request.user, anteprima=preview, motivazione=form.cleaned_data["motivazione"]
        )
    except ValidationError as exc:
        if not preview.file or preview.stato != m.Lavoro.Stato.PRONTO:
            raise Http404(" ".join(exc.messages)) from None
        errors = [{"code": "ciclo", "message": msg, "where": ""} for msg in exc.messages]
        return _preview_page(request, preview, extra_errors=errors, status=422)
    return _follow_import(request, ente, anno, job)


def _form_errors(exc: ValidationError) -> dict[str, list[str]]:
    """Field errors for templates (which cannot read the key ``__all__``)."""
    errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    if "__all__" in errors:
        errors["generale"] = errors.pop("__all__")
    return errors


def _checked_save(form, save):
    """The plan editor's POST: the form bounds each field to its column, then ``save`` calls the
    service (which checks the plan's rules). Returns the errors by field, or ``save``'s response."""
    if not form.is_valid():
        return field_errors(form), None
    try:
        return {}, save()
    except ValidationError as exc:
        return _form_errors(exc), None


def _indicator_values(post, anni) -> dict:
    return {
        "codice": post.get("codice", ""),
        "nome": post.get("nome", ""),
        "algoritmo": post.get("algoritmo", ""),
        "formula": post.get("formula", ""),
        "etichette": [t.strip() for t in post.get("etichette", "").split(",") if t.strip()],
        "polarita": post.get("polarita", "crescente"),
        "peso": post.get("peso", ""),
        "unita": post.get("unita", ""),
        "tipologia": post.get("tipologia", ""),
        "fonte": post.get("fonte", ""),
        "strutture": post.getlist("strutture"),
        "media_cluster": post.get("media_cluster", ""),
        "note": post.get("note", ""),
        "cruscotto": post.get("cruscotto", "ente"),
        "target": {str(y): post.get(f"target_{y}", "") for y in anni},
    }


@with_plan
@require_http_methods(["GET", "POST"])
@on_draft
def indicatore_modifica(request, ente, anno, piano, codice: str):
    _require_plan_editor(request, ente)
    row = get_object_or_404(piano.indicatori.prefetch_related("strutture"), codice=codice)
    errors = {}
    if request.method == "POST":
        values = _indicator_values(request.POST, piano.anni)

        def save():
            editing.indicatore_aggiorna(user=request.user, piano=piano, codice=codice, values=values)
            return redirect("indicatore", ente=ente.codice, anno=anno, codice=codice)

        errors, done = _checked_save(IndicatoreForm(request.POST, anni=piano.anni), save)
        if done:
            return done
        form = values
    else:
        form = {
            "codice": row.codice, "nome": row.nome, "algoritmo": row.algoritmo, "formula": row.formula, "etichette": row.etichette,
            "polarita": row.polarita, "peso": row.peso_testo, "unita": row.unita, "tipologia": row.tipologia, "fonte": row.fonte,
            "strutture": [s.codice for s in row.strutture.all()], "media_cluster": row.media_cluster, "note": row.note,
            "cruscotto": row.cruscotto, "target": row.target,
        }  # fmt: skip
    return _indicator_form(request, piano, form, errors, row=row)


@with_plan
@require_http_methods(["GET", "POST"])
@on_draft
def indicatore_nuovo(request, ente, anno, piano, livello: str, padre: str):
    _require_plan_editor(request, ente)
    errors = {}
    form = {"polarita": "crescente", "cruscotto": "ente", "target": {}, "strutture": [], "etichette": []}
    if request.method == "POST":
        form = _indicator_values(request.POST, piano.anni)

        def save():
            row = editing.indicatore_crea(
                user=request.user, piano=piano, livello=livello, codice_padre=padre, values=form
            )
            return redirect("indicatore", ente=ente.codice, anno=anno, codice=row.codice)

        errors, done = _checked_save(IndicatoreForm(request.POST, anni=piano.anni), save)
        if done:
            return done
    return _indicator_form(request, piano, form, errors, parent=(livello, padre))


def _indicator_form(request, piano, form, errors, row=None, parent=None):
    ctx = {
        "form": form,
        "errors": errors,
        "row": row,
        "parent": parent,
        "anni": piano.anni,
        "strutture": piano.ente.strutture.order_by("pk"),
        "polarita": ["crescente", "decrescente", "scadenza", "si/no", "milestone"],
        "target_errors": {y: errors.get(f"target_{y}") for y in piano.anni},
    }
    return render(request, "performance/indicatore_form.html", ctx, status=422 if errors else 200)


def _delete_and_back(request, ente, anno, delete, done_message: str):
    """Run a deletion; say what happened (or why not) and go back to the plan page."""

    try:
        delete()
        messages.success(request, done_message)
    except ValidationError as exc:
        messages.error(request, _("Non eliminato: ") + " ".join(exc.messages))
    return redirect("piano", ente=ente.codice, anno=anno)


@with_plan
@require_http_methods(["POST"])
@on_draft
def indicatore_elimina(request, ente, anno, piano, codice: str):
    _require_plan_editor(request, ente)
    return _delete_and_back(
        request,
        ente,
        anno,
        lambda: editing.indicatore_elimina(user=request.user, piano=piano, codice=codice),
        _("Indicatore %(c)s eliminato.") % {"c": codice},
    )


@with_plan
@require_http_methods(["GET", "POST"])
@on_draft
def nodo_modifica(request, ente, anno, piano, livello: str, codice: str):
    _require_plan_editor(request, ente)
    if livello not in editing.LEVEL_MODELS:
        raise Http404()
    data = selectors.plan_data(piano)
    node, _holder = editing._find(data, livello, codice)
    if node is None:
        raise Http404()
    errors = {}
    form = {"nome": node.get("nome", ""), "peso": node.get("peso") or "", "note": node.get("note") or ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("nome", "peso", "note")}

        def save():
            editing.nodo_aggiorna(user=request.user, piano=piano, livello=livello, codice=codice, **form)
            return redirect("piano", ente=ente.codice, anno=anno)

        errors, done = _checked_save(NodoForm(request.POST), save)
        if done:
            return done
    return render(
        request,
        "performance/nodo_form.html",
        {"form": form, "errors": errors, "livello": livello, "codice": codice},
        status=422 if errors else 200,
    )


@with_plan
@require_http_methods(["GET", "POST"])
@on_draft
def nodo_nuovo(request, ente, anno, piano, livello: str, padre: str):
    """A new child of ``livello``/``padre`` (``piano``/``-`` for a perspective)."""
    _require_plan_editor(request, ente)
    if livello not in editing.CHILD_LEVEL:
        raise Http404()
    errors, form = {}, {"codice": "", "nome": "", "peso": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}

        def save():
            parent = None if livello == "piano" else padre
            editing.nodo_crea(user=request.user, piano=piano, livello_padre=livello, codice_padre=parent, **form)
            return redirect("piano", ente=ente.codice, anno=anno)

        errors, done = _checked_save(NodoForm(request.POST), save)
        if done:
            return done
    ctx = {
        "form": form,
        "errors": errors,
        "livello": editing.CHILD_LEVEL[livello],
        "padre": padre if livello != "piano" else None,
    }
    return render(request, "performance/nodo_nuovo.html", ctx, status=422 if errors else 200)


@with_plan
@require_http_methods(["POST"])
@on_draft
def nodo_elimina(request, ente, anno, piano, livello: str, codice: str):
    _require_plan_editor(request, ente)
    if livello not in editing.LEVEL_MODELS:
        raise Http404()
    return _delete_and_back(
        request,
        ente,
        anno,
        lambda: editing.nodo_elimina(user=request.user, piano=piano, livello=livello, codice=codice),
        _("%(c)s eliminato.") % {"c": codice},
    )
