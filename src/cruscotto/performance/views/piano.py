"""The plan: import with preview, the tree and its indicators edited in place, the events' dates."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import editing, permissions, selectors, services
from .. import models as m
from ..forms import EventoForm, IndicatoreForm, NodoForm, errors_of, field_errors
from ..uploads import plan_file_refusal, preview_plan, uploads_dir
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


@with_plan
@require_http_methods(["POST"])
def piano_importa(request, ente, anno, piano):
    """Step 1: upload, check, show every error and warning. Nothing is written to the plan."""

    _require_plan_editor(request, ente)
    upload = request.FILES.get("file")
    if upload is None:
        return render(
            request,
            "performance/piano_anteprima.html",
            {"errors": [{"code": "file", "message": _("Nessun file scelto."), "where": ""}], "warnings": []},
            status=422,
        )
    msg = plan_file_refusal(upload.name, upload.size)
    suffix = Path(upload.name).suffix.lower()
    if msg is not None:
        return render(
            request,
            "performance/piano_anteprima.html",
            {"errors": [{"code": "file", "message": msg, "where": upload.name}], "warnings": []},
            status=422,
        )
    token = secrets.token_hex(16)
    path = uploads_dir() / f"{token}{suffix}"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    loaded, errors, warnings = preview_plan(path, ente)
    if errors:
        path.unlink(missing_ok=True)
    summary = None
    if loaded:
        p = loaded.piano
        current = {i.codice for i in selectors.plan_for(piano).indicatori()}
        new = {i.codice for i in p.indicatori()}
        summary = {
            "titolo": p.titolo,
            "anni": p.anni,
            "prospettive": len(p.prospettive),
            "obiettivi_strategici": sum(1 for _ in p.obiettivi_strategici()),
            "obiettivi_operativi": sum(1 for _ in p.obiettivi_operativi()),
            "indicatori": len(new),
            "nuovi": sorted(new - current),
            "tolti": sorted(current - new),
            "consuntivi": len(loaded.valori.consuntivi),
        }
    ctx = {
        "errors": errors,
        "warnings": warnings,
        "summary": summary,
        "token": None if errors else f"{token}{suffix}",
        "nome": upload.name,
    }
    return render(request, "performance/piano_anteprima.html", ctx, status=422 if errors else 200)


@with_plan
@require_http_methods(["POST"])
def piano_conferma(request, ente, anno, piano):
    """Step 2: write the checked file as a new version of the plan, in one transaction."""

    _require_plan_editor(request, ente)
    token = request.POST.get("token", "")
    if not re.fullmatch(r"[0-9a-f]{32}\.(yaml|yml|json|csv|xlsx)", token):
        raise Http404(_("Anteprima scaduta: carichi di nuovo il file."))
    path = uploads_dir() / token
    if not path.exists():
        raise Http404(_("Anteprima scaduta: carichi di nuovo il file."))
    loaded, errors, _warnings = preview_plan(path, ente)
    if errors:
        path.unlink(missing_ok=True)
        return render(request, "performance/piano_anteprima.html", {"errors": errors, "warnings": []}, status=422)
    try:
        new = services.piano_import(
            piano=loaded.piano,
            valori=loaded.valori if loaded.valori.consuntivi else None,
            user=request.user,
            motivazione=request.POST.get("motivazione", ""),
        )
    except ValidationError as exc:
        ctx = {
            "errors": [{"code": "ciclo", "message": msg, "where": ""} for msg in exc.messages],
            "warnings": [],
            "token": token,
            "nome": "",
            "motivazione_richiesta": True,
        }
        return render(request, "performance/piano_anteprima.html", ctx, status=422)
    path.unlink(missing_ok=True)
    messages.success(request, _("Piano importato come versione %(v)s.") % {"v": new.versione})
    return redirect("piano", ente=ente.codice, anno=new.anni[0] if anno not in new.anni else anno)


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
