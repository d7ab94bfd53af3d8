"""The cycle: adoption, rimodulazioni, states, closed periods, the OIV's comments, versions, the audit trail."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cruscotto.engine.diff import diff_plans
from cruscotto.files.tables import neutralise

from .. import audit, catena, lavori, permissions, selectors, services
from .. import calendario as cal
from .. import ciclo as lifecycle
from .. import models as m
from .. import registro_leggibile as leggibile
from ..forms import (
    AdozioneForm,
    ApprovazioneForm,
    BozzaForm,
    CommentoForm,
    NeutralizzazioneForm,
    PeriodoForm,
    RegistroFiltriForm,
    RevocaForm,
    RimodulazioneForm,
    ScorrimentoForm,
    SpostamentoForm,
    TestiRelazioneForm,
    errors_of,
)
from .base import with_plan


@with_plan
@require_GET
def ciclo_pagina(request, ente, anno, piano):
    return _render(request, ente, anno, piano)


def _render(request, ente, anno, piano, errors: list[str] | None = None):
    cycle = m.Ciclo.objects.select_related("ente").get(pk=piano.ciclo_id)
    versions = list(cycle.versioni.order_by("-versione"))
    ctx = {
        "ciclo": cycle,
        "stati": m.Ciclo.Stato.choices,
        "versions": versions,
        "draft": lifecycle.draft(cycle),
        "in_force": lifecycle.version_in_force(cycle),
        "moves": [(to, dict(m.Ciclo.Stato.choices)[to]) for to in lifecycle.moves_for(request.user, cycle)],
        "closed": m.PeriodoChiuso.objects.filter(ente=ente, anno=anno).order_by("periodo"),
        "periods": [p for p in lifecycle.PERIODS if p],
        "comments": cycle.commenti.select_related("autore"),
        "can_edit": permissions.can_edit_plan(request.user, ente),
        "can_validate": permissions.can_validate(request.user, ente),
        "errors": errors or [],
        "approvata": lifecycle.approvazione(cycle),
        "testi": m.TestiRelazione.objects.filter(ente=ente, anno=anno).first(),
        "bloccato": selectors.validated(piano, anno),
        "neutralizzazioni": m.Neutralizzazione.objects.filter(ente=ente, anno=anno).select_related("decisa_da"),
        "livelli": m.Neutralizzazione.Livello.choices,
        "post": request.POST if errors else {},
        # The yearly update (scorrimento): the next year's cycle, or what preparing it makes.
        "next_cycle": m.Ciclo.objects.filter(ente=ente, anno__gt=cycle.anno)
        .exclude(versioni=None)
        .order_by("anno")
        .first(),
        "next_year": cycle.anno + 1,
        "next_from": min(piano.anni) + 1 if piano.anni else cycle.anno + 1,
        "next_to": max(piano.anni) + 1 if piano.anni else cycle.anno + 1,
    }
    return render(request, "performance/ciclo.html", ctx, status=422 if errors else 200)


def _action(form_class: type[forms.Form], act, closes=None, any_year=False):
    """A POST action of the cycle page: its form checks the request, ``act(request, ente, anno,
    piano, cycle, data)`` calls the service and returns the message; a refusal is shown on the page.
    ``closes(cycle, data)``: the periods the action closes; then it asks for a confirmation first,
    listing what it closes (ciclo.riepilogo_chiusura), and acts on the confirmed POST.
    A step of the cycle is taken on its own year's page; on the page of a later year of the
    plan (which has no cycle of its own yet) only ``any_year`` actions are.
    """

    @with_plan
    @require_POST
    def view(request, ente, anno, piano):
        form = form_class(request.POST)
        if not form.is_valid():
            return _render(request, ente, anno, piano, errors_of(form))
        cycle = m.Ciclo.objects.select_related("ente").get(pk=piano.ciclo_id)
        if cycle.anno != anno and not any_year:
            msg = _("Il %(a)s non ha un ciclo suo: questo passo del ciclo %(c)s si compie dalla pagina del %(c)s.")
            return _render(request, ente, anno, piano, [msg % {"a": anno, "c": cycle.anno}])
        periods = closes(cycle, form.cleaned_data) if closes else []
        if periods and not form.cleaned_data.get("conferma"):
            if not permissions.can_edit_plan(request.user, ente):
                raise PermissionDenied(_("Solo il controllo di gestione o un amministratore chiude un periodo."))
            summary = lifecycle.riepilogo_chiusura(ente=ente, piano=piano, anno=anno, periodi=periods)
            ctx = {"summary": summary, "post": form.cleaned_data, "action": request.path}
            return render(request, "performance/ciclo_conferma.html", ctx)
        try:
            done = act(request, ente, anno, piano, cycle, form.cleaned_data)
        except ValidationError as exc:
            return _render(request, ente, anno, piano, exc.messages)
        messages.success(request, done)
        return redirect("ciclo", ente=ente.codice, anno=anno)

    view.__name__ = view.__qualname__ = f"ciclo_{act.__name__.lstrip('_')}"
    return view


def _adotta(request, ente, anno, piano, cycle, data) -> str:
    target = get_object_or_404(m.Piano, ciclo=cycle, versione=data["versione"])
    lifecycle.adotta(user=request.user, piano=target, atto=data["atto"], atto_data=data["atto_data"])
    return _("Versione %(v)s adottata.") % {"v": target.versione}


def _sposta(request, ente, anno, piano, cycle, data) -> str:
    lifecycle.sposta(user=request.user, ciclo=cycle, verso=data["verso"], nota=data["nota"])
    return _("Ciclo aggiornato.")


def _rimodula(request, ente, anno, piano, cycle, data) -> str:
    new = lifecycle.rimodula(
        user=request.user, piano=lifecycle.version_in_force(cycle) or piano, motivazione=data["motivazione"]
    )
    return _("Rimodulazione avviata: la versione %(v)s è una bozza da modificare e poi adottare.") % {"v": new.versione}


def _scorrimento(request, ente, anno, piano, cycle, data) -> str:
    new, notes = lifecycle.scorrimento(user=request.user, ciclo=cycle)
    for note in notes:
        messages.warning(request, note)
    return _("Bozza del piano %(da)s-%(a)s preparata nel ciclo %(c)s: la si completi e la si adotti.") % {
        "da": min(new.anni),
        "a": max(new.anni),
        "c": new.ciclo.anno,
    }


def _elimina_bozza(request, ente, anno, piano, cycle, data) -> str:
    lifecycle.elimina_bozza(user=request.user, piano=get_object_or_404(m.Piano, ciclo=cycle, versione=data["versione"]))
    return _("Bozza eliminata.")


def _chiudi_periodo(request, ente, anno, piano, cycle, data) -> str:
    lifecycle.chiudi_periodo(user=request.user, ente=ente, anno=anno, periodo=data["periodo"])
    return _("Periodo chiuso.")


def _approva(request, ente, anno, piano, cycle, data) -> str:
    job = lavori.avvia_approvazione(user=request.user, ciclo=cycle, atto=data["atto"], atto_data=data["atto_data"])
    if job.stato == m.Lavoro.Stato.ERRORE:
        raise ValidationError(job.errore)
    if job.stato != m.Lavoro.Stato.PRONTO:
        return _("La Relazione approvata è in preparazione: la pagina Documenti ne mostra lo stato.")
    return _("Relazione approvata e archiviata con la sua impronta SHA-256.")


def _neutralizza(request, ente, anno, piano, cycle, data) -> str:
    target = lifecycle.version_in_force(cycle) or piano
    n = services.neutralizza(user=request.user, piano=target, anno=anno, **data)
    return _("%(c)s è neutralizzato nel %(a)s: esce dal calcolo, e la Relazione lo riporta.") % {
        "c": n.codice,
        "a": anno,
    }


def _revoca(request, ente, anno, piano, cycle, data) -> str:
    n = get_object_or_404(m.Neutralizzazione, pk=data["neutralizzazione"], ente=ente, revocata_il=None)
    services.neutralizzazione_revoca(user=request.user, neutralizzazione=n, motivo=data["motivo"])
    return _("Neutralizzazione di %(c)s revocata.") % {"c": n.codice}


def _commenta(request, ente, anno, piano, cycle, data) -> str:
    lifecycle.commenta(user=request.user, ciclo=cycle, oggetto=data["oggetto"], testo=data["testo"])
    return _("Commento registrato.")


def _testi(request, ente, anno, piano, cycle, data) -> str:
    lifecycle.testi_relazione(
        user=request.user, ente=ente, anno=anno, sintesi=data["sintesi"], note_processo=data["note_processo"]
    )
    return _("Testi della Relazione %(a)s salvati.") % {"a": anno}


# One view per action of the cycle page, each with its form (performance/forms.py).
ciclo_adotta = _action(AdozioneForm, _adotta)
ciclo_sposta = _action(
    SpostamentoForm,
    _sposta,
    # Closing the consuntivo asks first; reopening a validated year closes nothing new.
    closes=lambda cycle, d: (
        list(lifecycle.PERIODS)
        if d["verso"] == m.Ciclo.Stato.CHIUSO and cycle.stato == m.Ciclo.Stato.MONITORAGGIO
        else []
    ),
)
ciclo_rimodula = _action(RimodulazioneForm, _rimodula)
ciclo_elimina_bozza = _action(BozzaForm, _elimina_bozza)
ciclo_scorrimento = _action(ScorrimentoForm, _scorrimento, any_year=True)
ciclo_chiudi_periodo = _action(PeriodoForm, _chiudi_periodo, closes=lambda cycle, d: [d["periodo"]], any_year=True)
ciclo_commenta = _action(CommentoForm, _commenta, any_year=True)
ciclo_approva = _action(ApprovazioneForm, _approva)
ciclo_neutralizza = _action(NeutralizzazioneForm, _neutralizza, any_year=True)
ciclo_revoca = _action(RevocaForm, _revoca, any_year=True)
ciclo_testi = _action(TestiRelazioneForm, _testi, any_year=True)


@with_plan
@require_GET
def relazione_approvata(request, ente, anno, piano, fmt: str):
    """The Relazione as approved and validated: the archived file, never built again."""
    cycle = m.Ciclo.objects.filter(ente=ente, anno=anno).first()
    approved = lifecycle.approvazione(cycle) if cycle else None
    if approved is None or fmt not in ("pdf", "docx"):
        raise Http404(_("Nessuna Relazione approvata per questo anno."))
    name = f"relazione-approvata-{ente.codice}-{anno}.{fmt}"
    return FileResponse(getattr(approved, fmt).open("rb"), as_attachment=True, filename=name)


@with_plan
def versioni_diff(request, ente, anno, piano, a: int, b: int):

    # ?ciclo_a=<year>: version ``a`` is of an earlier cycle (the plan a yearly update came from).
    ciclo_a = request.GET.get("ciclo_a", "")
    if ciclo_a.isdigit() and len(ciclo_a) == 4:
        va = get_object_or_404(m.Piano, ciclo__ente=ente, ciclo__anno=int(ciclo_a), versione=a)
    else:
        va = get_object_or_404(m.Piano, ciclo_id=piano.ciclo_id, versione=a)
    vb = get_object_or_404(m.Piano, ciclo_id=piano.ciclo_id, versione=b)
    changes = diff_plans(selectors.plan_for(va), selectors.plan_for(vb))
    if request.GET.get("formato") == "csv":
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["livello", "codice", "campo", f"versione {a}", f"versione {b}"])
        for c in changes:
            w.writerow([neutralise(x) for x in c.as_row()])
        resp = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="confronto-{ente.codice}-v{a}-v{b}.csv"'
        return resp
    return render(request, "performance/versioni_diff.html", {"a": va, "b": vb, "changes": changes})


@with_plan
def registro(request, ente, anno, piano):
    qs = m.Registro.objects.filter(ente=ente.codice)
    if permissions.can_manage_users(request.user, ente):
        # User accounts belong to no ente: the amministratore sees the changes of the accounts
        # that have, or had, a role in this ente (never another ente's people).
        names = set(m.Ruolo.objects.filter(ente=ente).values_list("utente__username", flat=True))
        names |= set(
            m.Registro.objects.filter(ente=ente.codice, azione__startswith="ruolo.").values_list("oggetto", flat=True)
        )
        qs = m.Registro.objects.filter(
            Q(ente=ente.codice) | Q(ente="", azione__startswith="utente.", oggetto__in=names)
        )
    form = RegistroFiltriForm(request.GET, azioni=[(k, str(v)) for k, v in leggibile.AZIONI.items()])
    if not form.is_valid():
        return render(request, "performance/registro.html", {"form": form, "errors": errors_of(form)}, status=422)
    f = form.cleaned_data
    if f["oggetto"]:
        qs = qs.filter(oggetto__startswith=f["oggetto"].strip())
    if f["utente"]:
        qs = qs.filter(utente=f["utente"].strip())
    if f["azione"]:
        qs = qs.filter(azione=f["azione"])
    if f["dal"]:
        qs = qs.filter(quando__date__gte=f["dal"])
    if f["al"]:
        qs = qs.filter(quando__date__lte=f["al"])
    if request.GET.get("formato") == "csv":
        resp = HttpResponse(audit.as_csv(qs.order_by("quando", "pk")), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="registro-{ente.codice}.csv"'
        return resp
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    seps = (str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR")))
    rows = [
        {
            "r": r,
            "azione": leggibile.azione(r.azione),
            "modifiche": leggibile.modifiche(r.prima, r.dopo, seps),
        }
        for r in page
    ]
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields and v})
    ctx = {
        "page": page,
        "rows": rows,
        "form": form,
        "query": query,
        "verifica": permissions.can_validate(request.user, ente) or permissions.can_manage_users(request.user, ente),
    }
    return render(request, "performance/registro.html", ctx)


@with_plan
@require_GET
def registro_verifica(request, ente, anno, piano):
    """The OIV's check of the trail: is every record as written, none removed, none moved?"""
    if not (permissions.can_validate(request.user, ente) or permissions.can_manage_users(request.user, ente)):
        raise PermissionDenied(_("La verifica del registro è dell'OIV e dell'amministratore."))
    esito = catena.verifica_ente(ente.codice)
    return render(request, "performance/registro_verifica.html", {"esito": esito})


@with_plan
@require_GET
def calendario(request, ente, anno, piano):
    """The year's deadlines, the law's and the plan's, with who must act and the personal feed."""
    today = timezone.localdate()
    items = [(s, s.giorni(today)) for s in cal.scadenze(ente, anno, piano)]
    feed = request.build_absolute_uri(
        reverse("calendario_ics", kwargs={"ente": ente.codice, "anno": anno})
        + "?chiave="
        + cal.chiave(request.user, ente)
    )
    return render(
        request, "performance/calendario.html", {"items": items, "feed": feed, "ruoli": dict(m.Ruolo.Tipo.choices)}
    )


@require_GET
def calendario_ics(request, ente: str, anno: int):
    """The personal iCalendar feed: read by a calendar application, with the signed key, no login."""
    obj = m.Ente.objects.filter(codice=ente).first()
    if obj is None:
        raise Http404(_("Calendario non trovato."))
    user = cal.utente_della_chiave(request.GET.get("chiave", "")[:500], obj)
    if user is None or not permissions.can_read(user, obj):
        raise Http404(_("Calendario non trovato."))
    body = cal.ics(obj, cal.scadenze(obj, anno, selectors.current_plan(obj, anno)))
    resp = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'inline; filename="cruscotto-{obj.codice}-{anno}.ics"'
    return resp
