"""Documents: queued for the worker (performance/lavori.py), followed, downloaded."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cruscotto.documents.build import KINDS

from .. import lavori
from .. import models as m
from ..ciclo import approvazione
from ..forms import DocumentoForm
from .base import with_plan


@with_plan
@require_http_methods(["GET", "POST"])
def documenti(request, ente, anno, piano):
    """The documents page; a POST queues one for the worker (performance/lavori.py)."""
    if request.method == "GET":
        mine = m.Lavoro.objects.filter(ente=ente, richiedente=request.user).order_by("-creato")[:10]
        cycle = m.Ciclo.objects.filter(ente=ente, anno=anno).first()
        approved = approvazione(cycle) if cycle else None
        return render(request, "performance/documenti.html", {"kinds": KINDS, "lavori": mine, "approvata": approved})
    form = DocumentoForm(request.POST)
    if not form.is_valid() or form.cleaned_data["formato"] not in KINDS.get(form.cleaned_data["tipo"], ()):
        raise Http404(_("Documento non disponibile."))
    kind, fmt = form.cleaned_data["tipo"], form.cleaned_data["formato"]
    periodo = form.cleaned_data["periodo"] or "S1"
    try:
        job = lavori.avvia_documento(
            user=request.user, ente=ente, piano=piano, anno=anno, kind=kind, fmt=fmt, periodo=periodo
        )
    except ValidationError as exc:
        return render(request, "performance/_documento_stato.html", {"refused": " ".join(exc.messages)}, status=429)
    if not request.htmx:
        return redirect("documento_stato", ente=ente.codice, anno=anno, token=str(job.pk))
    return render(request, "performance/_documento_stato.html", {"job": job})


def _job(request, ente, token: str) -> m.Lavoro:
    """The requester's own job of this ente, or 404 (a job is not shared by its link)."""
    try:
        uid = uuid.UUID(token)
    except ValueError:
        raise Http404(_("Documento non trovato.")) from None
    lavori.scaduti()
    job = m.Lavoro.objects.filter(pk=uid, ente=ente, richiedente=request.user).first()
    if job is None:
        raise Http404(_("Documento non trovato."))
    return job


@with_plan
def documento_stato(request, ente, anno, piano, token: str):
    job = _job(request, ente, token)
    template = "performance/_documento_stato.html" if request.htmx else "performance/documento.html"
    return render(request, template, {"job": job})


@with_plan
@require_http_methods(["POST"])
def documento_riprova(request, ente, anno, piano, token: str):
    job = _job(request, ente, token)
    try:
        again = lavori.riprova(user=request.user, job=job)
    except ValidationError as exc:
        return render(
            request, "performance/_documento_stato.html", {"job": job, "refused": " ".join(exc.messages)}, status=429
        )
    if not request.htmx:
        return redirect("documento_stato", ente=ente.codice, anno=anno, token=str(again.pk))
    return render(request, "performance/_documento_stato.html", {"job": again})


@with_plan
def documento_scarica(request, ente, anno, piano, token: str):

    job = _job(request, ente, token)
    if job.stato != m.Lavoro.Stato.PRONTO or not job.file:
        raise Http404(_("Documento non trovato."))
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.nome_file)
