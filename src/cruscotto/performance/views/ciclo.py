"""The cycle: adoption, rimodulazioni, states, closed periods, the OIV's comments, versions, the audit trail."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cruscotto.engine.diff import diff_plans
from cruscotto.engine.errors import ParseError
from cruscotto.engine.numbers import parse_date
from cruscotto.files.tables import neutralise

from .. import audit, permissions, selectors
from .. import ciclo as lifecycle
from .. import models as m
from .base import with_plan


def _parse_date(text: str):

    try:
        return parse_date(text.strip()) if text.strip() else None
    except ParseError:
        raise ValidationError(_("Data non valida: %(v)s (atteso gg/mm/aaaa).") % {"v": text}) from None


@with_plan
@require_http_methods(["GET", "POST"])
def ciclo_pagina(request, ente, anno, piano):
    cycle = m.Ciclo.objects.select_related("ente").get(pk=piano.ciclo_id)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("azione", "")
        try:
            if action == "adotta":
                target = get_object_or_404(m.Piano, ciclo=cycle, versione=request.POST.get("versione"))
                lifecycle.adotta(
                    user=request.user,
                    piano=target,
                    atto=request.POST.get("atto", ""),
                    atto_data=_parse_date(request.POST.get("atto_data", "")),
                )
                messages.success(request, _("Versione %(v)s adottata.") % {"v": target.versione})
            elif action == "sposta":
                lifecycle.sposta(
                    user=request.user,
                    ciclo=cycle,
                    verso=request.POST.get("verso", ""),
                    nota=request.POST.get("nota", ""),
                )
                messages.success(request, _("Ciclo aggiornato."))
            elif action == "rimodula":
                new = lifecycle.rimodula(
                    user=request.user,
                    piano=lifecycle.version_in_force(cycle) or piano,
                    motivazione=request.POST.get("motivazione", ""),
                )
                messages.success(
                    request,
                    _("Rimodulazione avviata: la versione %(v)s è una bozza da modificare e poi adottare.")
                    % {"v": new.versione},
                )
            elif action == "elimina_bozza":
                lifecycle.elimina_bozza(
                    user=request.user,
                    piano=get_object_or_404(m.Piano, ciclo=cycle, versione=request.POST.get("versione")),
                )
                messages.success(request, _("Bozza eliminata."))
            elif action == "chiudi_periodo":
                lifecycle.chiudi_periodo(
                    user=request.user, ente=ente, anno=anno, periodo=request.POST.get("periodo", "")
                )
                messages.success(request, _("Periodo chiuso."))
            elif action == "commenta":
                lifecycle.commenta(
                    user=request.user,
                    ciclo=cycle,
                    oggetto=request.POST.get("oggetto", ""),
                    testo=request.POST.get("testo", ""),
                )
                messages.success(request, _("Commento registrato."))
            else:
                raise ValidationError(_("Azione sconosciuta."))
            return redirect("ciclo", ente=ente.codice, anno=anno)
        except ValidationError as exc:
            errors = exc.messages
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
        "errors": errors,
        "post": request.POST if errors else {},
    }
    return render(request, "performance/ciclo.html", ctx, status=422 if errors else 200)


@with_plan
def versioni_diff(request, ente, anno, piano, a: int, b: int):

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
        # user accounts belong to no ente: the amministratore sees their changes here too

        qs = m.Registro.objects.filter(Q(ente=ente.codice) | Q(ente="", azione__startswith="utente."))
    oggetto, utente = request.GET.get("oggetto", "").strip(), request.GET.get("utente", "").strip()
    if oggetto:
        qs = qs.filter(oggetto__startswith=oggetto)
    if utente:
        qs = qs.filter(utente=utente)
    if request.GET.get("formato") == "csv":
        resp = HttpResponse(audit.as_csv(qs.order_by("quando", "pk")), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="registro-{ente.codice}.csv"'
        return resp
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    return render(request, "performance/registro.html", {"page": page, "oggetto": oggetto, "utente": utente})
