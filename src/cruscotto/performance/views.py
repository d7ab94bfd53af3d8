"""Pages. Thin: they resolve the ente and year, ask selectors, render.

No scoring happens here: every figure comes from the engine via
``selectors.score``; every write goes through ``services``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cruscotto.engine.scoring import RULES_TEXT

from . import models as m
from . import permissions, selectors, services


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception:  # the database is down: say so, with a 503
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _year_links(request, anni):
    """The same page in each year of the plan (the year switch)."""
    match = request.resolver_match
    links = []
    for a in anni:
        kwargs = {**match.kwargs, "anno": a}
        name = match.url_name if match.url_name != "monitoraggio_riga" else "monitoraggio"
        if name == "monitoraggio":
            kwargs.pop("codice", None)
        links.append((a, reverse(name, kwargs=kwargs)))
    return links


def with_plan(view):
    """Resolve ``ente`` and ``anno`` from the URL, check the user may read, attach the plan."""

    @login_required
    @wraps(view)
    def wrapper(request, ente: str, anno: int, *args, **kwargs):
        ente_obj = get_object_or_404(m.Ente, codice=ente)
        if not permissions.can_read(request.user, ente_obj):
            raise PermissionDenied(_("Non ha un ruolo in questo ente."))
        piano = selectors.current_plan(ente_obj, anno)
        if piano is None:
            raise Http404(_("Nessun piano per l'anno %(anno)s.") % {"anno": anno})
        g = permissions.grants(request.user, ente_obj.pk)
        request.cruscotto_nav = {
            "ente": ente_obj,
            "anno": anno,
            "piano": piano,
            "anni": piano.anni,
            "ruoli": sorted(g.ruoli),
            "can_edit_plan": permissions.can_edit_plan(request.user, ente_obj),
            "can_enter": bool(g.ruoli & (permissions.EDITORS | {m.Ruolo.Tipo.RESPONSABILE})),
            "url_name": request.resolver_match.url_name if request.resolver_match else "",
            "anni_url": _year_links(request, piano.anni),
        }
        return view(request, ente_obj, anno, piano, *args, **kwargs)

    return wrapper


@login_required
def home(request):
    g = permissions.grants(request.user, None)
    enti = m.Ente.objects.filter(ruoli__utente=request.user).distinct() if not request.user.is_superuser else m.Ente.objects.all()
    for ente in enti:
        piano = selectors.current_plan(ente)
        if piano and piano.anni:
            return redirect("cruscotto", ente=ente.codice, anno=piano.anni[0])
    return render(request, "performance/nessun_ente.html", {"grants": g}, status=200)


def _tree(result):
    """Nodes nested for templates: each node with its children and indicators."""
    by_key = {}
    roots = []
    for n in result.nodi:
        item = {"node": n, "children": [], "indicators": []}
        by_key[f"{n.livello}:{n.codice}"] = item
        if n.padre is None:
            roots.append(item)
        else:
            by_key[n.padre]["children"].append(item)
    return roots, by_key


@with_plan
def cruscotto(request, ente, anno, piano):
    result = selectors.score(piano, anno)
    previous = selectors.score(piano, anno - 1) if anno - 1 in piano.anni else None
    prev = {(n.livello, n.codice): n.achievement for n in previous.nodi} if previous else {}
    roots, _by = _tree(result)
    strategic = []
    for p in roots:
        for ln in p["children"]:
            for os_ in ln["children"]:
                n = os_["node"]
                before = prev.get((n.livello, n.codice))
                trend = None
                if before is not None and n.achievement is not None:
                    trend = "su" if n.achievement > before + 1e-9 else "giu" if n.achievement < before - 1e-9 else "stabile"
                strategic.append({"node": n, "prospettiva": p["node"], "linea": ln["node"], "trend": trend, "before": before})
    return render(request, "performance/cruscotto.html", {"result": result, "roots": roots, "strategic": strategic})


@with_plan
def albero(request, ente, anno, piano):
    result = selectors.score(piano, anno)
    roots, by_key = _tree(result)
    plan = selectors.plan_for(piano)
    indicators = {r.codice: r for r in result.indicatori}
    for os_ in plan.obiettivi_strategici():
        by_key[f"obiettivo_strategico:{os_.codice}"]["indicators"] = [indicators[i.codice] for i in os_.indicatori]
        for oo in os_.obiettivi_operativi:
            by_key[f"obiettivo_operativo:{oo.codice}"]["indicators"] = [indicators[i.codice] for i in oo.indicatori]
    return render(request, "performance/albero.html", {"result": result, "roots": roots})


@with_plan
def indicatore(request, ente, anno, piano, codice: str):
    row = get_object_or_404(m.Indicatore.objects.select_related("piano").prefetch_related("strutture"), piano=piano, codice=codice)
    plan = selectors.plan_for(piano)
    ind = plan.indicatore(codice)
    result = selectors.score(piano, anno)
    res = result.indicatore(codice)
    values = list(piano.consuntivi.filter(codice__in=[codice] + [ms.codice for ms in ind.milestones]).order_by("anno", "periodo", "codice"))
    history = list(m.Consuntivo.history.filter(piano_id=piano.pk, codice=codice).select_related("history_user").order_by("-history_date")[:50])
    from cruscotto.charts import indicator_chart

    chart = indicator_chart(ind, {v.anno: v for v in values if v.periodo == "" and v.codice == codice})
    return render(
        request,
        "performance/indicatore.html",
        {
            "row": row,
            "ind": ind,
            "res": res,
            "values": values,
            "history": history,
            "rule": RULES_TEXT.get(ind.polarita.value, ""),
            "chart": chart,
            "can_enter": permissions.can_enter_value(request.user, row),
        },
    )


def _monitoring_rows(request, piano, anno, periodo):
    result = selectors.score(piano, anno)
    by_code = {r.codice: r for r in result.indicatori}
    qs = piano.indicatori.select_related("piano").prefetch_related("strutture").order_by("ordine")
    rows = []
    values = {c.codice: c for c in piano.consuntivi.filter(anno=anno, periodo=periodo)}
    for row in qs:
        if not permissions.can_enter_value(request.user, row):
            continue
        if str(anno) not in row.target and row.polarita != "milestone":
            continue
        rows.append({"row": row, "res": by_code.get(row.codice), "value": values.get(row.codice)})
    return rows, result


@with_plan
def monitoraggio(request, ente, anno, piano):
    periodo = request.GET.get("periodo", "")
    if periodo not in ("", "S1", "S2", "T1", "T2", "T3", "T4"):
        periodo = ""
    rows, result = _monitoring_rows(request, piano, anno, periodo)
    return render(request, "performance/monitoraggio.html", {"rows": rows, "result": result, "periodo": periodo})


@with_plan
@require_http_methods(["GET", "POST"])
def monitoraggio_riga(request, ente, anno, piano, codice: str):
    """One row of the data-entry table: shown, edited in place (htmx), saved."""
    periodo = request.POST.get("periodo", request.GET.get("periodo", ""))
    row = get_object_or_404(m.Indicatore.objects.select_related("piano").prefetch_related("strutture"), piano=piano, codice=codice)
    if not permissions.can_enter_value(request.user, row):
        raise PermissionDenied(_("Non può inserire valori per questo indicatore."))
    error = None
    editing = request.GET.get("modifica") == "1"
    if request.method == "POST":
        try:
            services.consuntivo_registra(
                user=request.user, piano=piano, codice=codice, anno=anno, periodo=periodo, testo=request.POST.get("valore", ""), nota=request.POST.get("nota", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            editing = True
    result = selectors.score(piano, anno)
    value = piano.consuntivi.filter(codice=codice, anno=anno, periodo=periodo).first()
    ctx = {
        "r": {"row": row, "res": result.indicatore(codice), "value": value},
        "result": result,
        "periodo": periodo,
        "editing": editing,
        "error": error,
        "submitted": request.POST.get("valore") if error else None,
        "oob": request.method == "POST" and not error,
    }
    status = 422 if error else 200
    if not request.htmx:
        # Without JavaScript: a whole page to edit the row, and back to the list after saving.
        if request.method == "POST" and not error:
            return redirect(f"{reverse('monitoraggio', kwargs={'ente': ente.codice, 'anno': anno})}?periodo={periodo}#riga-{slugify(codice)}")
        ctx["editing"] = True
        return render(request, "performance/monitoraggio_riga.html", ctx, status=status)
    return render(request, "performance/_riga_monitoraggio.html", ctx, status=status)


def forbidden(request, exception=None):
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {}, status=404)


def server_error(request):
    return render(request, "500.html", {}, status=500)


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
