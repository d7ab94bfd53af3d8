"""Pages. Thin: they resolve the ente and year, ask selectors, render.

No scoring happens here: every figure comes from the engine via
``selectors.score``; every write goes through ``services``.
"""

from __future__ import annotations

import uuid
from functools import wraps
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cruscotto.engine.rollup import Copertura
from cruscotto.engine.scoring import RULES_TEXT

from . import fragments, permissions, selectors, services
from . import models as m
from .uploads import UPLOAD_LIMIT, UPLOAD_TYPES, import_tables, uploads_dir


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception:  # the database is down: say so, with a 503
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


YEAR_SWITCH_TARGET = {
    "monitoraggio_riga": "monitoraggio",
    "piano_importa": "piano",
    "piano_conferma": "piano",
    "indicatore_elimina": "piano",
    "nodo_elimina": "piano",
    "nodo_nuovo": "piano",
    "documento_stato": "documenti",
    "documento_scarica": "documenti",
    "versioni_diff": "ciclo",
}


def _year_links(request, anni):
    """The same page in each year of the plan (the year switch)."""
    match = request.resolver_match
    links = []
    for a in anni:
        kwargs = {**match.kwargs, "anno": a}
        # Pages that exist only as a step (a row, an upload) switch to their list page.
        name = YEAR_SWITCH_TARGET.get(match.url_name, match.url_name)
        if name != match.url_name:
            kwargs = {"ente": kwargs["ente"], "anno": a}
        links.append((a, reverse(name, kwargs=kwargs)))
    return links


def with_plan(view):
    """Resolve ``ente`` and ``anno`` from the URL, check the user may read, attach the plan."""

    @login_required
    @wraps(view)
    def wrapper(request, ente: str, anno: int, *args, **kwargs):
        ente_obj, piano = selectors.ente_and_plan(ente, anno)
        if ente_obj is None:
            raise Http404(_("Ente non trovato."))
        if not permissions.can_read(request.user, ente_obj):
            raise PermissionDenied(_("Non ha un ruolo in questo ente."))
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


def on_draft(view):
    """Plan-editing pages work on the cycle's draft (a rimodulazione in progress) when there is one."""

    @wraps(view)
    def wrapper(request, ente, anno, piano, *args, **kwargs):
        if piano.ciclo_id and piano.stato_versione != m.Piano.StatoVersione.BOZZA:
            draft = m.Piano.objects.filter(ciclo_id=piano.ciclo_id, stato_versione=m.Piano.StatoVersione.BOZZA).order_by("-versione").first()
            if draft is not None:
                draft.ente = ente
                piano = draft
        return view(request, ente, anno, piano, *args, **kwargs)

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


def _page(request, name: str, context, *, vary: tuple = (), **page_context):
    """Render page ``name`` around its cached body ``corpo/name`` (see fragments.py)."""
    corpo = fragments.body(request, f"performance/corpo/{name}.html", context, vary=vary)
    return render(request, f"performance/{name}.html", {"corpo": corpo, **page_context})


@with_plan
def cruscotto(request, ente, anno, piano):
    return _page(request, "cruscotto", lambda: _cruscotto_context(piano, anno))


def _cruscotto_context(piano, anno):
    result = selectors.score(piano, anno)
    previous = selectors.score(piano, anno - 1) if anno - 1 in piano.anni else None
    prev = {(n.livello, n.codice): n.achievement for n in previous.nodi} if previous else {}
    roots, _by = _tree(result)
    strategic = []
    # With a fifth level the roots are ambiti, and the perspectives are their children.
    for p in (c for r in roots for c in (r["children"] if r["node"].livello == "ambito" else [r])):
        for ln in p["children"]:
            for os_ in ln["children"]:
                n = os_["node"]
                before = prev.get((n.livello, n.codice))
                trend = None
                if before is not None and n.achievement is not None:
                    trend = "su" if n.achievement > before + 1e-9 else "giu" if n.achievement < before - 1e-9 else "stabile"
                strategic.append({"node": n, "prospettiva": p["node"], "linea": ln["node"], "trend": trend, "before": before})
    from cruscotto.charts import achievement_bars, entity_gauge

    from .templatetags.cruscotto_tags import STATUS, pct

    soglia = selectors.plan_for(piano).regole.soglia_raggiunto
    label = str(STATUS.get(result.stato.value, ("", ""))[1])
    gauge = entity_gauge(result.achievement, result.stato.value, threshold=soglia, title=_("Performance di ente"), label=label, pct=pct)
    bars = achievement_bars(
        [(s["node"].codice, s["node"].nome, s["node"].achievement, s["node"].stato.value) for s in strategic if s["node"].cruscotto == "ente"],
        threshold=soglia,
        title=_("Grado di raggiungimento degli obiettivi strategici"),
        no_data=_("senza dati"),
        pct=pct,
    )
    return {"result": result, "roots": roots, "strategic": strategic, "gauge": gauge, "bars": bars, "soglia": soglia}


@with_plan
def albero(request, ente, anno, piano):
    return _page(request, "albero", lambda: _albero_context(piano, anno))


def _albero_context(piano, anno):
    result = selectors.score(piano, anno)
    roots, by_key = _tree(result)
    plan = selectors.plan_for(piano)
    indicators = {r.codice: r for r in result.indicatori}
    for os_ in plan.obiettivi_strategici():
        by_key[f"obiettivo_strategico:{os_.codice}"]["indicators"] = [indicators[i.codice] for i in os_.indicatori]
        for oo in os_.obiettivi_operativi:
            by_key[f"obiettivo_operativo:{oo.codice}"]["indicators"] = [indicators[i.codice] for i in oo.indicatori]
    # What the plan assigns to each level: resources, and the objectives' structures with shares.
    levels = [("ambito", x) for x in plan.ambiti] + [("prospettiva", x) for x in plan.prospettive] + [("linea", x) for x in plan.linee()]
    levels += [("obiettivo_strategico", x) for x in plan.obiettivi_strategici()] + [("obiettivo_operativo", x) for x in plan.obiettivi_operativi()]
    for kind, node in levels:
        item = by_key.get(f"{kind}:{node.codice}")
        if item is not None:
            item["risorse"] = node.risorse.valore if node.risorse is not None else None
            item["strutture"] = [(s, getattr(node, "quote", {}).get(s)) for s in getattr(node, "strutture", ())]
    return {"result": result, "roots": roots}


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
    # A period's values scored as the monitoring report scores them: the period's own figures.
    result = selectors.score(piano, anno, periodo=periodo)
    by_code = {r.codice: r for r in result.indicatori}
    # Not select_related("piano"): every row would carry the plan's JSON columns.
    qs = piano.indicatori.prefetch_related("strutture").order_by("ordine")
    rows = []
    values = {c.codice: c for c in piano.consuntivi.filter(anno=anno, periodo=periodo)}
    for row in qs:
        row.piano = piano  # the permission check reads the ente from here
        if not permissions.can_enter_value(request.user, row):
            continue
        if str(anno) not in row.target and row.polarita != "milestone":
            continue
        res = by_code.get(row.codice)
        rows.append({"row": row, "res": res, "value": values.get(row.codice), "parti": _parts(res, row.codice, values)})
    return rows, result


def _parts(res, codice: str, values: dict) -> list[dict]:
    """The sub-measures of a target with several (``CODICE#k``), with their values, for the row."""
    target = res.target if res is not None else None
    if target is None or not target.parti:
        return []
    return [{"codice": f"{codice}#{k}", "target": p.testo, "n": k, "value": values.get(f"{codice}#{k}")} for k, p in enumerate(target.parti, start=1)]


@with_plan
def monitoraggio(request, ente, anno, piano):
    periodo = request.GET.get("periodo", "")
    if periodo not in ("", "S1", "S2", "T1", "T2", "T3", "T4"):
        periodo = ""

    def context():
        rows, result = _monitoring_rows(request, piano, anno, periodo)
        return {"rows": rows, "result": result, "periodo": periodo}

    return _page(request, "monitoraggio", context, vary=(periodo,))


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
    target = selectors.plan_for(piano).indicatore(codice).target.get(anno)
    # A target with several measures takes one value each (CODICE#k, fields valore_k), saved together.
    fields = [(f"{codice}#{k}", f"valore_{k}") for k in range(1, len(target.parti) + 1)] if target is not None else []
    if request.method == "POST":
        try:
            with transaction.atomic():  # all the sub-measures or none
                for code, field in fields or [(codice, "valore")]:
                    services.consuntivo_registra(
                        user=request.user,
                        piano=piano,
                        codice=code,
                        anno=anno,
                        periodo=periodo,
                        testo=request.POST.get(field, ""),
                        nota=request.POST.get("nota", ""),
                        correzione=request.POST.get("correzione", ""),
                    )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            editing = True
    result = selectors.score(piano, anno, periodo=periodo)
    value = piano.consuntivi.filter(codice=codice, anno=anno, periodo=periodo).first()
    saved = {c.codice: c for c in piano.consuntivi.filter(codice__startswith=f"{codice}#", anno=anno, periodo=periodo)}
    res = result.indicatore(codice)
    ctx = {
        "r": {"row": row, "res": res, "value": value, "parti": _parts(res, codice, saved)},
        "result": result,
        "periodo": periodo,
        "editing": editing,
        "error": error,
        "submitted": request.POST.get("valore") if error else None,
        "oob": request.method == "POST" and not error,
        "chiuso": m.PeriodoChiuso.objects.filter(ente=ente, anno=anno, periodo=periodo).exists(),
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


@with_plan
def mappa(request, ente, anno, piano):
    return _page(request, "mappa", lambda: _mappa_context(ente, piano, anno))


def _mappa_context(ente, piano, anno):
    from cruscotto.charts import map_status, strategy_map

    result = selectors.score(piano, anno)
    plan = selectors.plan_for(piano)
    base = reverse("albero", kwargs={"ente": ente.codice, "anno": anno})
    svg = strategy_map(plan, result, link=lambda code: f"{base}#os-{slugify(code)}")
    status = map_status(plan, result)
    nodes = {n.codice: n for n in result.nodi if n.livello == "obiettivo_strategico"}
    rows = [
        {"prospettiva": p, "os": o, "key": status[o.codice], "node": nodes.get(o.codice)}
        for p in plan.prospettive
        for ln in p.linee
        for o in ln.obiettivi_strategici
    ]
    return {"svg": svg, "rows": rows, "result": result, "vision": plan.vision}


def _descendants(strutture, code: str) -> set[str]:
    out = {code}
    changed = True
    while changed:
        changed = False
        for s in strutture:
            if s.padre_id and s.padre.codice in out and s.codice not in out:
                out.add(s.codice)
                changed = True
    return out


@with_plan
def aree(request, ente, anno, piano):
    return _page(request, "aree", lambda: _aree_context(ente, piano, anno))


def _aree_context(ente, piano, anno):
    strutture = list(ente.strutture.select_related("padre").order_by("pk"))
    result = selectors.score(piano, anno)
    plan = selectors.plan_for(piano)
    by_code = {r.codice: r for r in result.indicatori}
    assigned = plan.responsabili()
    cards = []
    for s in strutture:
        if s.tipo == "trasversale":
            continue
        codes = _descendants(strutture, s.codice) | {permissions.TRASVERSALE}
        inds = [(i, by_code[i.codice], area_share(assigned[i.codice][1], codes)) for i in plan.indicatori() if set(assigned[i.codice][0]) & codes]
        mean, with_data = area_mean(inds)
        cards.append({"s": s, "n": len(inds), "mean": mean, "with_data": with_data})
    return {"cards": cards}


@with_plan
def area(request, ente, anno, piano, struttura: str):
    strutture = list(ente.strutture.select_related("padre").order_by("pk"))
    s = next((x for x in strutture if x.codice == struttura), None)
    if s is None:
        raise Http404(_("Struttura non trovata."))
    codes = _descendants(strutture, s.codice) | {permissions.TRASVERSALE}
    result = selectors.score(piano, anno)
    plan = selectors.plan_for(piano)
    by_code = {r.codice: r for r in result.indicatori}
    # An indicator belongs to the area through its own structures, else its objective's.
    assigned = plan.responsabili()
    groups = []
    for os_ in plan.obiettivi_strategici():
        holders = [(None, os_.indicatori)] + [(oo, oo.indicatori) for oo in os_.obiettivi_operativi]
        for oo, inds in holders:
            rows = [(i, by_code[i.codice], area_share(assigned[i.codice][1], codes)) for i in inds if set(assigned[i.codice][0]) & codes]
            if rows:
                groups.append({"os": os_, "oo": oo, "rows": rows})
    rows = [row for g in groups for row in g["rows"]]
    mean, count = area_mean(rows)
    coverage = sum((Copertura.of(r.stato, r.achievement) for _i, r, _q in rows), Copertura())
    return render(request, "performance/area.html", {"s": s, "groups": groups, "mean": mean, "count": count, "coverage": coverage})


def area_share(quote: dict[str, float], codes: set[str]) -> float | None:
    """The area's share of an indicator shared among structures ("PROMOZIONE (60%)"), given on
    the indicator or on its objective (Piano.responsabili); None when not given."""
    if not quote:
        return None
    return sum(q for code, q in quote.items() if code in codes)


def area_mean(rows) -> tuple[float | None, int]:
    """An area's mean over its indicators with an achievement, each counting with the area's
    share of it (100% when the plan gives no shares): 60% of a shared indicator counts 0,6.
    ``rows``: (indicator, result, the area's share or None)."""
    num = den = 0.0
    count = 0
    for _ind, res, share in rows:
        if res.achievement is None:
            continue
        weight = 1.0 if share is None else share / 100.0
        num += weight * res.achievement
        den += weight
        count += 1
    return (num / den if den else None), count


@with_plan
def individuale(request, ente, anno, piano):
    return _page(request, "individuale", lambda: {"schede": selectors.score(piano, anno).schede})


def _whatif_valori(request, piano, anno, fund_codes):
    """Stored values with the page's changes on top: nothing is saved."""
    from cruscotto.engine.errors import ParseError
    from cruscotto.engine.numbers import parse_value
    from cruscotto.engine.scoring import Consuntivo as EC

    valori = selectors.valori_for(piano, [anno])
    errors = {}
    changed = {}
    for code in fund_codes:
        key = f"v-{code}"
        if key not in request.POST:
            continue
        text = request.POST.get(key, "").strip()
        stored = valori.consuntivi.get((code, anno, ""))
        try:
            value = parse_value(text)
        except ParseError:
            errors[code] = text
            continue
        if value is None:
            valori.consuntivi.pop((code, anno, ""), None)
        else:
            valori.consuntivi[(code, anno, "")] = EC(value, "what-if")
        if (stored.valore if stored else None) != value:
            changed[code] = text
    return valori, errors, changed


@with_plan
@require_http_methods(["GET", "POST"])
def fondo(request, ente, anno, piano):
    from cruscotto.engine.numbers import format_value

    plan = selectors.plan_for(piano)
    current = selectors.score(piano, anno)
    if plan.fondo is None or current.fondo is None:
        return render(request, "performance/fondo.html", {"fondo": None})
    fund_inds = [plan.indicatore(c) for g in plan.fondo.progetti for c in g.indicatori if plan.indicatore(c)]
    codes = []
    for i in fund_inds:
        codes += [m_.codice for m_ in i.milestones] if i.milestones else [i.codice]
    whatif = None
    errors, changed = {}, {}
    if request.method == "POST":
        valori, errors, changed = _whatif_valori(request, piano, anno, codes)
        whatif = selectors.score(piano, anno, valori=valori)
    stored = selectors.valori_for(piano, [anno])
    inputs = []
    for i in fund_inds:
        for m_ in i.milestones or [None]:
            code = m_.codice if m_ else i.codice
            c = stored.consuntivi.get((code, anno, ""))
            posted = request.POST.get(f"v-{code}") if request.method == "POST" else None
            inputs.append({"code": code, "ind": i, "milestone": m_, "value": posted if posted is not None else (format_value(c.valore) if c else ""), "error": code in errors})
    nodes_now = {(n.livello, n.codice): n for n in current.nodi}
    diffs = []
    if whatif:
        for n in whatif.nodi:
            before = nodes_now.get((n.livello, n.codice))
            if before and before.achievement != n.achievement:
                diffs.append({"before": before, "after": n})
    ctx = {"fondo": current.fondo, "whatif": whatif, "inputs": inputs, "errors": errors, "changed": changed, "diffs": diffs, "current": current}
    template = "performance/_fondo_esito.html" if request.htmx and request.method == "POST" else "performance/fondo.html"
    return render(request, template, ctx, status=422 if errors else 200)


@with_plan
@require_http_methods(["GET", "POST"])
def eventi(request, ente, anno, piano):
    from cruscotto.engine.errors import ParseError
    from cruscotto.engine.numbers import parse_date

    error = None
    if request.method == "POST":
        code = request.POST.get("codice", "")
        text = request.POST.get("data", "").strip()
        try:
            value = parse_date(text) if text else None
            services.evento_imposta_data(user=request.user, piano=piano, codice=code, data=value)
            return redirect("eventi", ente=ente.codice, anno=anno)
        except ParseError:
            error = (code, _("Data non valida: %(v)s (atteso gg/mm/aaaa).") % {"v": text})
        except m.Evento.DoesNotExist:
            raise Http404(_("Evento non trovato.")) from None
    plan = selectors.plan_for(piano)
    dates = plan.date_eventi()
    uses = []
    for i in plan.indicatori():
        for ms in i.milestones:
            if ms.scadenza.evento:
                uses.append({"evento": ms.scadenza.evento, "cosa": f"{i.codice} · {ms.codice}", "testo": ms.scadenza.testo, "data": ms.scadenza.scadenza(dates)})
        for y, t in i.target.items():
            if t.evento:
                uses.append({"evento": t.evento, "cosa": f"{i.codice} ({y})", "testo": t.testo, "data": t.scadenza(dates)})
    for s in plan.schede_individuali:
        for z in s.sezioni:
            for v in z.voci:
                if v.target and v.target.evento:
                    uses.append({"evento": v.target.evento, "cosa": f"{s.codice} · {v.codice}", "testo": v.target.testo, "data": v.target.scadenza(dates)})
    return render(request, "performance/eventi.html", {"eventi": piano.eventi.order_by("pk"), "uses": uses, "error": error})


# --- the plan: import with preview, editing ------------------------------------------------

def _require_plan_editor(request, ente):
    if not permissions.can_edit_plan(request.user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può modificare il piano."))


def _preview(path, ente):
    """Read and check an uploaded plan without writing anything."""
    from cruscotto.engine.errors import PlanError
    from cruscotto.engine.validation import validate_plan
    from cruscotto.files import load_plan

    try:
        # A sheet without a Piano tab belongs to the ente of the page it is uploaded on.
        loaded = load_plan(path, ente=(ente.codice, ente.nome))
    except PlanError as exc:
        return None, [p.as_dict() for p in exc.problems], []
    problems = loaded.locate(validate_plan(loaded.piano))
    errors = [p.as_dict() for p in problems if p.severity == "error"]
    warnings = [p.as_dict() for p in loaded.warnings] + [p.as_dict() for p in problems if p.severity == "warning"]
    if loaded.piano.ente.codice != ente.codice:
        errors.insert(0, {"code": "ente", "message": _("Il file è il piano dell'ente %(f)s, non di %(e)s.") % {"f": loaded.piano.ente.codice, "e": ente.codice}, "where": "ente.codice"})
    return loaded, errors, warnings


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
    import secrets

    _require_plan_editor(request, ente)
    upload = request.FILES.get("file")
    if upload is None:
        return render(request, "performance/piano_anteprima.html", {"errors": [{"code": "file", "message": _("Nessun file scelto."), "where": ""}], "warnings": []}, status=422)
    suffix = Path(upload.name).suffix.lower()
    if suffix not in UPLOAD_TYPES or upload.size > UPLOAD_LIMIT:
        msg = _("Formato non ammesso (ammessi: %(t)s).") % {"t": ", ".join(UPLOAD_TYPES)} if suffix not in UPLOAD_TYPES else _("File troppo grande (massimo 10 MB).")
        return render(request, "performance/piano_anteprima.html", {"errors": [{"code": "file", "message": msg, "where": upload.name}], "warnings": []}, status=422)
    token = secrets.token_hex(16)
    path = uploads_dir() / f"{token}{suffix}"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    loaded, errors, warnings = _preview(path, ente)
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
    ctx = {"errors": errors, "warnings": warnings, "summary": summary, "token": None if errors else f"{token}{suffix}", "nome": upload.name}
    return render(request, "performance/piano_anteprima.html", ctx, status=422 if errors else 200)


@with_plan
@require_http_methods(["POST"])
def piano_conferma(request, ente, anno, piano):
    """Step 2: write the checked file as a new version of the plan, in one transaction."""
    import re

    from django.contrib import messages

    _require_plan_editor(request, ente)
    token = request.POST.get("token", "")
    if not re.fullmatch(r"[0-9a-f]{32}\.(yaml|yml|json|csv|xlsx)", token):
        raise Http404(_("Anteprima scaduta: carichi di nuovo il file."))
    path = uploads_dir() / token
    if not path.exists():
        raise Http404(_("Anteprima scaduta: carichi di nuovo il file."))
    loaded, errors, _warnings = _preview(path, ente)
    if errors:
        path.unlink(missing_ok=True)
        return render(request, "performance/piano_anteprima.html", {"errors": errors, "warnings": []}, status=422)
    try:
        new = services.piano_import(piano=loaded.piano, valori=loaded.valori if loaded.valori.consuntivi else None, user=request.user, motivazione=request.POST.get("motivazione", ""))
    except ValidationError as exc:
        ctx = {"errors": [{"code": "ciclo", "message": msg, "where": ""} for msg in exc.messages], "warnings": [], "token": token, "nome": "", "motivazione_richiesta": True}
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
    from . import editing

    _require_plan_editor(request, ente)
    row = get_object_or_404(piano.indicatori.prefetch_related("strutture"), codice=codice)
    errors = {}
    if request.method == "POST":
        values = _indicator_values(request.POST, piano.anni)
        try:
            editing.indicatore_aggiorna(user=request.user, piano=piano, codice=codice, values=values)
            return redirect("indicatore", ente=ente.codice, anno=anno, codice=codice)
        except ValidationError as exc:
            errors = _form_errors(exc)
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
    from . import editing

    _require_plan_editor(request, ente)
    errors = {}
    form = {"polarita": "crescente", "cruscotto": "ente", "target": {}, "strutture": [], "etichette": []}
    if request.method == "POST":
        form = _indicator_values(request.POST, piano.anni)
        try:
            row = editing.indicatore_crea(user=request.user, piano=piano, livello=livello, codice_padre=padre, values=form)
            return redirect("indicatore", ente=ente.codice, anno=anno, codice=row.codice)
        except ValidationError as exc:
            errors = _form_errors(exc)
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
    from django.contrib import messages

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

    from . import editing

    _require_plan_editor(request, ente)
    return _delete_and_back(request, ente, anno, lambda: editing.indicatore_elimina(user=request.user, piano=piano, codice=codice), _("Indicatore %(c)s eliminato.") % {"c": codice})


@with_plan
@require_http_methods(["GET", "POST"])
@on_draft
def nodo_modifica(request, ente, anno, piano, livello: str, codice: str):
    from . import editing

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
        try:
            editing.nodo_aggiorna(user=request.user, piano=piano, livello=livello, codice=codice, **form)
            return redirect("piano", ente=ente.codice, anno=anno)
        except ValidationError as exc:
            errors = _form_errors(exc)
    return render(request, "performance/nodo_form.html", {"form": form, "errors": errors, "livello": livello, "codice": codice}, status=422 if errors else 200)


@with_plan
@require_http_methods(["GET", "POST"])
@on_draft
def nodo_nuovo(request, ente, anno, piano, livello: str, padre: str):
    """A new child of ``livello``/``padre`` (``piano``/``-`` for a perspective)."""
    from . import editing

    _require_plan_editor(request, ente)
    if livello not in editing.CHILD_LEVEL:
        raise Http404()
    errors, form = {}, {"codice": "", "nome": "", "peso": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            editing.nodo_crea(user=request.user, piano=piano, livello_padre=livello, codice_padre=None if livello == "piano" else padre, **form)
            return redirect("piano", ente=ente.codice, anno=anno)
        except ValidationError as exc:
            errors = _form_errors(exc)
    ctx = {"form": form, "errors": errors, "livello": editing.CHILD_LEVEL[livello], "padre": padre if livello != "piano" else None}
    return render(request, "performance/nodo_nuovo.html", ctx, status=422 if errors else 200)


@with_plan
@require_http_methods(["POST"])
@on_draft
def nodo_elimina(request, ente, anno, piano, livello: str, codice: str):

    from . import editing

    _require_plan_editor(request, ente)
    if livello not in editing.LEVEL_MODELS:
        raise Http404()
    return _delete_and_back(request, ente, anno, lambda: editing.nodo_elimina(user=request.user, piano=piano, livello=livello, codice=codice), _("%(c)s eliminato.") % {"c": codice})


# --- documents: built in the background, downloaded when ready ------------------------------


@with_plan
@require_http_methods(["GET", "POST"])
def documenti(request, ente, anno, piano):
    """The documents page; a POST queues one for the worker (performance/lavori.py)."""
    from cruscotto.documents.build import KINDS

    from . import lavori

    if request.method == "GET":
        mine = m.Lavoro.objects.filter(ente=ente, richiedente=request.user).order_by("-creato")[:10]
        return render(request, "performance/documenti.html", {"kinds": KINDS, "lavori": mine})
    kind, fmt = request.POST.get("tipo", ""), request.POST.get("formato", "")
    if fmt not in KINDS.get(kind, ()):
        raise Http404(_("Documento non disponibile."))
    periodo = request.POST.get("periodo", "S1")
    if periodo not in ("S1", "S2", "T1", "T2", "T3", "T4"):
        raise Http404(_("Periodo non valido."))
    try:
        job = lavori.avvia_documento(user=request.user, ente=ente, piano=piano, anno=anno, kind=kind, fmt=fmt, periodo=periodo)
    except ValidationError as exc:
        return render(request, "performance/_documento_stato.html", {"refused": " ".join(exc.messages)}, status=429)
    if not request.htmx:
        return redirect("documento_stato", ente=ente.codice, anno=anno, token=str(job.pk))
    return render(request, "performance/_documento_stato.html", {"job": job})


def _job(request, ente, token: str) -> m.Lavoro:
    """The requester's own job of this ente, or 404 (a job is not shared by its link)."""
    from . import lavori

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
    from . import lavori

    job = _job(request, ente, token)
    try:
        again = lavori.riprova(user=request.user, job=job)
    except ValidationError as exc:
        return render(request, "performance/_documento_stato.html", {"job": job, "refused": " ".join(exc.messages)}, status=429)
    if not request.htmx:
        return redirect("documento_stato", ente=ente.codice, anno=anno, token=str(again.pk))
    return render(request, "performance/_documento_stato.html", {"job": again})


@with_plan
def documento_scarica(request, ente, anno, piano, token: str):
    from django.http import FileResponse

    job = _job(request, ente, token)
    if job.stato != m.Lavoro.Stato.PRONTO or not job.file:
        raise Http404(_("Documento non trovato."))
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.nome_file)


# --- the cycle: adoption, rimodulazioni, states, closed periods, OIV, audit trail ----------


def _parse_date(text: str):
    from cruscotto.engine.errors import ParseError
    from cruscotto.engine.numbers import parse_date

    try:
        return parse_date(text.strip()) if text.strip() else None
    except ParseError:
        raise ValidationError(_("Data non valida: %(v)s (atteso gg/mm/aaaa).") % {"v": text}) from None


@with_plan
@require_http_methods(["GET", "POST"])
def ciclo_pagina(request, ente, anno, piano):
    from django.contrib import messages

    from . import ciclo as lifecycle

    cycle = m.Ciclo.objects.select_related("ente").get(pk=piano.ciclo_id)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("azione", "")
        try:
            if action == "adotta":
                target = get_object_or_404(m.Piano, ciclo=cycle, versione=request.POST.get("versione"))
                lifecycle.adotta(user=request.user, piano=target, atto=request.POST.get("atto", ""), atto_data=_parse_date(request.POST.get("atto_data", "")))
                messages.success(request, _("Versione %(v)s adottata.") % {"v": target.versione})
            elif action == "sposta":
                lifecycle.sposta(user=request.user, ciclo=cycle, verso=request.POST.get("verso", ""), nota=request.POST.get("nota", ""))
                messages.success(request, _("Ciclo aggiornato."))
            elif action == "rimodula":
                new = lifecycle.rimodula(user=request.user, piano=lifecycle.version_in_force(cycle) or piano, motivazione=request.POST.get("motivazione", ""))
                messages.success(request, _("Rimodulazione avviata: la versione %(v)s è una bozza da modificare e poi adottare.") % {"v": new.versione})
            elif action == "elimina_bozza":
                lifecycle.elimina_bozza(user=request.user, piano=get_object_or_404(m.Piano, ciclo=cycle, versione=request.POST.get("versione")))
                messages.success(request, _("Bozza eliminata."))
            elif action == "chiudi_periodo":
                lifecycle.chiudi_periodo(user=request.user, ente=ente, anno=anno, periodo=request.POST.get("periodo", ""))
                messages.success(request, _("Periodo chiuso."))
            elif action == "commenta":
                lifecycle.commenta(user=request.user, ciclo=cycle, oggetto=request.POST.get("oggetto", ""), testo=request.POST.get("testo", ""))
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
    from cruscotto.engine.diff import diff_plans

    va = get_object_or_404(m.Piano, ciclo_id=piano.ciclo_id, versione=a)
    vb = get_object_or_404(m.Piano, ciclo_id=piano.ciclo_id, versione=b)
    changes = diff_plans(selectors.plan_for(va), selectors.plan_for(vb))
    if request.GET.get("formato") == "csv":
        import csv
        import io

        from cruscotto.files.tables import neutralise

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
    from django.core.paginator import Paginator

    from . import audit

    qs = m.Registro.objects.filter(ente=ente.codice)
    if permissions.can_manage_users(request.user, ente):
        # user accounts belong to no ente: the amministratore sees their changes here too
        from django.db.models import Q

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


def _upload(request, ente, anno: int, kind: str, message: str, url_name: str):
    """A page's upload form posted: ``(errors, None)`` when nothing was written (the page shows
    them), ``([], redirect)`` when the tables were stored (POST/redirect/GET)."""
    from django.contrib import messages

    errors = import_tables(request, ente, anno, kind)
    if errors:
        return errors, None
    messages.success(request, message)
    return [], redirect(url_name, ente=ente.codice, anno=anno)


@with_plan
@require_http_methods(["GET", "POST"])
def bilancio(request, ente, anno, piano):
    """The budget tables of the year, as printed, with every disagreement marked in its cell."""
    from cruscotto.engine import bilancio as b
    from cruscotto.engine import rapporti
    from cruscotto.engine.utilizzo import utilizzo

    import_errors: list[dict] = []
    if request.method == "POST":
        measures = request.POST.get("azione") == "misure"
        done = _("Misure di base registrate.") if measures else _("Tabelle di bilancio caricate.")
        import_errors, stored = _upload(request, ente, anno, "misure" if measures else "bilancio", done, "bilancio")
        if stored:
            return stored
    row = m.Bilancio.objects.filter(ente=ente, anno=anno).first()
    ctx = {"row": row, "import_errors": import_errors, "anni": list(m.Bilancio.objects.filter(ente=ente).order_by("anno").values_list("anno", flat=True))}
    engine = selectors.plan_for(piano)
    if anno == engine.anni[0] and engine.programmi:
        # Programmes and lines with no budget and nothing committed would only be rows of dashes.
        rows = utilizzo(engine, {n: v for (n, y), v in selectors.misure(ente).items() if y == anno})
        ctx["utilizzo"] = [u for u in rows if u.stanziato or u.prenotato]
    if row is not None:
        tables = selectors.bilancio(ente, anno)
        ctx["findings"] = selectors.bilancio_controlli(ente, anno, tables)
        if tables.rapporti:
            years, rows = rapporti.tabella(tables.rapporti, tables.misure)
            # A link only to an indicator of this plan (the code comes from an uploaded file).
            ctx["rapporti"] = [(r, per_anno, bool(r.indicatore and engine.indicatore(r.indicatore))) for r, per_anno in rows]
            ctx["rapporti_anni"] = years
        if tables.preventivo:
            p = tables.preventivo
            found = rapporti.previsioni(engine, b.misure_dal_preventivo(p))
            ctx["previsioni"] = [(f, engine.indicatore(f.codice).target.get(p.anno), f.esiti.get(p.anno)) for f in found]
            ctx["previsioni_anni"] = [p.anno - 1, p.anno]
            marks: dict = {}
            for key, problem in b.check_preventivo_celle(p):
                if key:
                    marks.setdefault(key, []).append(problem.message)
            ctx["preventivo"] = p
            ctx["colonne"] = [(c, b.COLONNE_NOMI[c]) for c in b.COLONNE]
            ctx["righe"] = []
            for voce in b.SCHEMA:
                r = p.riga(voce.codice)
                values = r.valori if r else {}
                cells = [{"valore": values.get(c), "segnalazioni": marks.get((voce.codice, c), [])} for c in b.COLONNE]
                ctx["righe"].append({"voce": voce, "nome": r.nome if r else voce.nome, "celle": cells})
        if tables.investimenti:
            pi = tables.investimenti
            ctx["investimenti"] = [(cat, [v for v in pi.voci if v.categoria == cat], pi.totale(cat), pi.totali_stampati.get(cat)) for cat in b.CATEGORIE_INVESTIMENTI]
            ctx["investimenti_totale"] = (pi.totale(), pi.totali_stampati.get("totale"))
        if tables.patrimonio and tables.preventivo:
            ctx["patrimonio"] = b.proiezione(tables.patrimonio, tables.preventivo)
            ctx["patrimonio_stampati"] = tables.patrimonio.stampati
        ctx["stato_patrimoniale"] = tables.stato_patrimoniale
        ctx["composizioni"] = [(c, sorted({y for _l, q in c.voci for y in q})) for c in tables.composizioni]
    return render(request, "performance/bilancio.html", ctx, status=422 if import_errors else 200)


@with_plan
@require_http_methods(["GET", "POST"])
def personale(request, ente, anno, piano):
    """The personnel tables and the analisi di genere, computed from the register (never typed)."""
    from cruscotto.engine import personale as pe

    import_errors: list[dict] = []
    if request.method == "POST":
        import_errors, stored = _upload(request, ente, anno, "personale", _("Registro del personale caricato."), "personale")
        if stored:
            return stored
    row = m.Personale.objects.filter(ente=ente).first()
    context = selectors.contesto(ente)
    ctx: dict = {"row": row, "import_errors": import_errors, "azioni_positive": context.azioni_positive if context else ()}
    if row is not None:
        registro = pe.registro_from_data(row.dati)
        years = pe.anni(registro)
        comps = [pe.composizione(registro, y) for y in years]
        ctx["anni"] = years
        ctx["composizione"] = [
            (cat, [(c.categoria(cat).donne, c.categoria(cat).uomini) for c in comps]) for cat in pe.CATEGORIE if any(c.categoria(cat).totale for c in comps)
        ] + [(_("Totale in ruolo"), [(c.totale_ruolo.donne, c.totale_ruolo.uomini) for c in comps]), (_("Dirigenti"), [(c.dirigenti.donne, c.dirigenti.uomini) for c in comps]), (_("Totale generale"), [(c.totale.donne, c.totale.uomini) for c in comps])]
        tip = [pe.tipologia_contrattuale(registro, y) for y in years]
        ctx["tipologia"] = [(t.anno, t.tempo_pieno.totale, t.tempo_parziale.totale, t.totale.totale) for t in tip]
        by_year = {y: pe.indicatori_genere(registro, y) for y in years}

        def why(ind):
            # The engine's explanation, in the page's language where it is the missing-data one.
            t = ind.traccia
            return _("dato non rilevato per %(n)s persone") % {"n": len(t.senza_dato)} if t.senza_dato else t.spiegazione(ind.definizione.misura)

        ctx["indicatori"] = [(d, [(by_year[y][i].valore, why(by_year[y][i])) for y in years]) for i, d in enumerate(pe.DEFINIZIONI)]
    return render(request, "performance/personale.html", ctx, status=422 if import_errors else 200)


@with_plan
@require_http_methods(["GET", "POST"])
def contesto(request, ente, anno, piano):
    """The ente and its context as data: organs, structure, activities, stakeholder map,
    partecipate, the external context's tables as printed, and what the checks found."""
    from cruscotto.documents.contesto import quota_italiana
    from cruscotto.engine import contesto as co

    import_errors: list[dict] = []
    if request.method == "POST":
        import_errors, stored = _upload(request, ente, anno, "contesto", _("Dati di contesto caricati."), "contesto")
        if stored:
            return stored
    row = m.Contesto.objects.filter(ente=ente).first()
    ctx: dict = {"row": row, "import_errors": import_errors}
    if row is not None:
        data = co.contesto_from_data(row.dati)
        ctx["contesto"] = data
        ctx["findings"] = co.check_contesto(data)
        ctx["partecipate"] = [(p, quota_italiana(p)) for p in data.partecipate]
        if data.mappa:
            # The map's two-row header: a top header over its sub-columns, or one spanning both rows.
            cols = data.mappa.colonne
            ctx["mappa_gruppi"] = [(p, [c for c in cols if c.prospettiva == p]) for p in data.mappa.prospettive]
            ctx["mappa_due_righe"] = any(c.voce for c in cols)
            ctx["mappa_righe"] = [(r, list(zip(cols, r.segni))) for r in data.mappa.righe]
        # The activities table as printed: one column per area, a row per line.
        ctx["attivita_righe"] = data.righe_attivita()
    return render(request, "performance/contesto.html", ctx, status=422 if import_errors else 200)
