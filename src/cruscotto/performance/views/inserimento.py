"""Several values at once: the multiple-entry form and the values file with its preview.

Both write through performance/inserimento.py: all or nothing, with the checks of a value typed in
its row. The file's preview runs the whole import and rolls it back; its confirmation carries the
previewed rows, signed, and the revisions they were previewed against, so that a value changed by
someone else in between stops the confirmation instead of being overwritten.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cruscotto.engine.errors import ParseError
from cruscotto.files.tables import InvalidFile
from cruscotto.files.values import actual_rows

from .. import inserimento as ins
from .. import models as m
from .. import selectors
from ..uploads import saved_uploads, uploads_dir
from .base import with_plan
from .monitoraggio import _filters, page_of, periodo_of, shown_rows

SALT = "cruscotto.valori.anteprima"
PREVIEW_MAX_AGE = 3600  # seconds: a preview older than an hour is read again from the file


def _require_entry(request) -> None:
    if not request.cruscotto_nav["can_enter"]:
        raise PermissionDenied(_("Non può inserire valori in questo ente."))


def _back(ente, anno: int, periodo: str) -> str:
    url = reverse("monitoraggio", kwargs={"ente": ente.codice, "anno": anno})
    return f"{url}?{urlencode({'periodo': periodo})}" if periodo else url


def _items(rows: list[dict], formula_codes: set[str], periodo: str) -> list[dict]:
    """The form's fields: one per indicator, or one per measure of a target with several. An
    indicator computed by formula takes no typed value for the year (its row asks the reason)."""
    items = []
    for r in rows:
        row = r["row"]
        if row.codice in formula_codes and not periodo:
            items.append({"r": r, "codice": row.codice, "formula": True})
            continue
        for p in r["parti"] or [None]:
            value = p["value"] if p else r["value"]
            items.append(
                {
                    "r": r,
                    "codice": p["codice"] if p else row.codice,
                    "parte": p,
                    "valore": value.valore if value else "",
                    "nota": value.nota if value else "",
                    "revisione": value.revisione if value else 0,
                }
            )
    for i, item in enumerate(items):
        item["i"] = i
    return items


@with_plan
@require_http_methods(["GET", "POST"])
def monitoraggio_insieme(request, ente, anno, piano):
    """Every value the filters show in one form, saved together or not at all."""
    _require_entry(request)
    periodo = periodo_of(request)
    f = _filters(request)
    _rows, shown, _result = shown_rows(request, piano, anno, periodo, f)
    plan = selectors.plan_for(piano)
    formula_codes = {i.codice for i in plan.indicatori() if i.formula}
    # The rows of the monitoring page it came from: its filters and its page.
    items = _items(list(page_of(request, shown).object_list), formula_codes, periodo)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    chiuso = m.PeriodoChiuso.objects.filter(ente=ente, anno=anno, periodo=periodo).exists()
    status = 200
    if request.method == "POST":
        post = request.POST
        voci = []
        for item in items:
            if item.get("formula"):
                continue
            k = item["i"]
            if post.get(f"c-{k}") != item["codice"]:
                continue  # the page was shown with other rows (filters, a new plan): not this one
            typed = post.get(f"v-{k}", "")
            nota = post.get(f"n-{k}", "")
            item["valore"], item["nota"] = typed, nota
            try:
                revisione = int(post.get(f"r-{k}", ""))
            except ValueError:
                revisione = None
            voci.append(ins.Voce(item["codice"], anno, periodo, typed, nota, revisione, dove=item["codice"]))
        correzione = post.get("correzione", "")
        try:
            esiti = ins.registra_insieme(
                user=request.user,
                piano=piano,
                voci=voci,
                correzione=correzione,
                origine=_("inserimento multiplo"),
            )
        except ins.VociRifiutate as exc:
            for dove, msg in exc.errori:
                errors.setdefault(dove, []).append(msg)
            known = {item["codice"] for item in items}
            general = [f"{d}: {msg}" for d, msg in exc.errori if d not in known]
            status = 422
        else:
            messages.success(request, _("Valori salvati: %(s)s.") % {"s": ins.sintesi(esiti)})
            return redirect(_back(ente, anno, periodo))
    for item in items:
        item["errori"] = errors.get(item["codice"], [])
    ctx = {
        "items": items,
        "periodo": periodo,
        "filtri": f,
        "query": request.GET.urlencode(),
        "chiuso": chiuso,
        "bloccato": selectors.validated(piano, anno),
        "rifiutati": sum(len(v) for v in errors.values()),
        "generali": general,
        "indietro": _back(ente, anno, periodo),
    }
    return render(request, "performance/monitoraggio_insieme.html", ctx, status=status)


def _preview_rows(esiti: list[ins.Esito]) -> list[dict]:
    return [
        {
            "dove": e.voce.dove,
            "codice": e.voce.codice,
            "anno": e.voce.anno,
            "periodo": e.voce.periodo,
            "prima": e.prima,
            "dopo": e.dopo,
            "azione": e.azione,
            "nota": e.voce.nota,
        }
        for e in esiti
    ]


def _payload(esiti: list[ins.Esito], nome: str, correzione: str, user) -> str:
    """The previewed rows, signed: the confirmation writes exactly these, checked again."""
    rows = [
        [e.voce.codice, e.voce.anno, e.voce.periodo, e.dopo, e.voce.nota, e.revisione, e.voce.causa, e.voce.azioni]
        + [e.voce.dove]
        for e in esiti
        if e.azione != "uguale"
    ]
    return signing.dumps(
        {"file": nome, "correzione": correzione, "righe": rows}, salt=f"{SALT}.{user.pk}", compress=True
    )


def _voci(data: dict) -> list[ins.Voce]:
    return [
        ins.Voce(codice, anno, periodo, testo, nota, revisione, causa, azioni, dove)
        for codice, anno, periodo, testo, nota, revisione, causa, azioni, dove in data["righe"]
    ]


def _refused(request, ctx: dict, errors: list[dict], status: int = 422):
    return render(request, "performance/valori_anteprima.html", {**ctx, "errori": errors}, status=status)


@with_plan
@require_http_methods(["GET", "POST"])
def monitoraggio_carica(request, ente, anno, piano):
    """The actual-values file (CSV or XLSX): the form (GET); step 1 reads and tries it (nothing
    written) and shows what it would do; step 2 (``conferma``) writes the previewed rows, all or
    none."""
    _require_entry(request)
    periodo = periodo_of(request)
    ctx: dict = {"periodo": periodo, "indietro": _back(ente, anno, periodo)}
    if request.method == "GET":
        return render(request, "performance/valori_carica.html", ctx)
    if request.POST.get("conferma"):
        try:
            data = signing.loads(
                request.POST.get("dati", ""), salt=f"{SALT}.{request.user.pk}", max_age=PREVIEW_MAX_AGE
            )
        except signing.BadSignature:
            return _refused(request, ctx, [{"where": "", "message": _("Anteprima scaduta: carichi di nuovo il file.")}])
        ctx["file"] = data["file"]
        try:
            esiti = ins.registra_insieme(
                user=request.user,
                piano=piano,
                voci=_voci(data),
                correzione=data["correzione"],
                origine=_("da file"),
            )
        except ins.VociRifiutate as exc:
            return _refused(request, ctx, [{"where": d, "message": msg} for d, msg in exc.errori])
        messages.success(request, _("Valori dal file salvati: %(s)s.") % {"s": ins.sintesi(esiti)})
        return redirect(_back(ente, anno, periodo))
    with tempfile.TemporaryDirectory(dir=uploads_dir()) as tmp:
        files, errors = saved_uploads(request, "file", Path(tmp))
        if errors:
            return _refused(request, ctx, errors)
        path = files[0]
        nome = Path(request.FILES["file"].name).name
        ctx["file"] = nome
        try:
            rows = actual_rows(path)
        except InvalidFile as exc:
            problems = [{"where": p.where.replace(str(path), nome), "message": p.message} for p in exc.problems]
            return _refused(request, ctx, problems)
        except ParseError as exc:
            where = (exc.where or "").replace(str(path), nome)
            message = exc.reason + (f": {exc.value!r}" if exc.value is not None else "")
            return _refused(request, ctx, [{"where": where, "message": message}])
    voci = [
        ins.Voce(
            r.codice,
            r.anno,
            r.periodo,
            r.valore,
            r.nota,
            None,
            r.causa_scostamento,
            r.azioni_correttive,
            r.where.replace(str(path), nome).removesuffix(", colonna valore"),
        )
        for r in rows
    ]
    if not voci:
        return _refused(request, ctx, [{"where": nome, "message": _("Il file non ha valori.")}])
    correzione = request.POST.get("correzione", "").strip()
    ctx["correzione"] = correzione
    try:
        esiti = ins.registra_insieme(user=request.user, piano=piano, voci=voci, correzione=correzione, prova=True)
    except ins.VociRifiutate as exc:
        return _refused(request, ctx, [{"where": d, "message": msg} for d, msg in exc.errori])
    ctx.update(
        {
            "righe": _preview_rows(esiti),
            "conteggi": ins.conteggi(esiti),
            "sintesi": ins.sintesi(esiti),
            "dati": _payload(esiti, nome, correzione, request.user),
        }
    )
    return render(request, "performance/valori_anteprima.html", ctx)
