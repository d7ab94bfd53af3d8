"""What every page shares: the plan resolver (ente, year, version), the page cache, the tree for templates, error pages, the health probe."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import fragments, permissions, selectors
from .. import models as m


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception:  # the database is down: say so, with a 503
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def healthz_lavori(request):
    """The queue, for monitoring: how many jobs wait and run, and how long the oldest has waited.
    A job waiting longer than CRUSCOTTO_QUEUE_ALERT_SECONDS means no worker is taking jobs:
    503, so that the probe that watches the workers raises the alarm. (``/healthz`` itself stays
    trivial: load balancers call it, and the web benchmark uses it as its reference view.)"""
    from django.conf import settings
    from django.utils import timezone

    from .. import lavori

    lavori.scaduti()
    waiting = m.Lavoro.objects.filter(stato=m.Lavoro.Stato.IN_CODA)
    oldest = waiting.order_by("creato").values_list("creato", flat=True).first()
    age = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    late = age > settings.CRUSCOTTO_QUEUE_ALERT_SECONDS
    body = {
        "status": "error" if late else "ok",
        "in_coda": waiting.count(),
        "in_corso": m.Lavoro.objects.filter(stato=m.Lavoro.Stato.IN_CORSO).count(),
        "attesa_massima_secondi": age,
    }
    return JsonResponse(body, status=503 if late else 200)


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


class _Lazy:
    """A value computed the first time a template asks for it, once: the templates call it (a
    callable), the header that shows it is most often served from its cached fragment."""

    __slots__ = ("_make", "_value")

    def __init__(self, make):
        self._make = make
        self._value = None

    def __call__(self):
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value


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
            # the API's documentation in the footer, for whoever connects systems to it: the
            # controllo di gestione and the amministratore, who get tokens (docs/api.md)
            "api": bool(g.ruoli & permissions.EDITORS),
            "url_name": request.resolver_match.url_name if request.resolver_match else "",
            # only the header uses them, rendered once per page and plan revision (base.html)
            "anni_url": _Lazy(lambda: _year_links(request, piano.anni)),
        }
        return view(request, ente_obj, anno, piano, *args, **kwargs)

    return wrapper


def on_draft(view):
    """Plan-editing pages work on the cycle's draft (a rimodulazione in progress) when there is one."""

    @wraps(view)
    def wrapper(request, ente, anno, piano, *args, **kwargs):
        if piano.ciclo_id and piano.stato_versione != m.Piano.StatoVersione.BOZZA:
            draft = (
                m.Piano.objects.filter(ciclo_id=piano.ciclo_id, stato_versione=m.Piano.StatoVersione.BOZZA)
                .order_by("-versione")
                .first()
            )
            if draft is not None:
                draft.ente = ente
                piano = draft
        return view(request, ente, anno, piano, *args, **kwargs)

    return wrapper


@login_required
def home(request):
    g = permissions.grants(request.user, None)
    enti = (
        m.Ente.objects.filter(ruoli__utente=request.user).distinct()
        if not request.user.is_superuser
        else m.Ente.objects.all()
    )
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
    return fragments.page(request, f"performance/{name}.html", corpo, page_context)


def forbidden(request, exception=None):
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {}, status=404)


def server_error(request):
    """The 500 page, with no detail; under /api/ a problem+json like every other API error, 503
    when the database cannot be reached (Django calls this while handling the exception)."""
    import json
    import sys

    from django.db import DatabaseError

    down = isinstance(sys.exc_info()[1], DatabaseError)
    if request.path.startswith("/api/"):
        status = 503 if down else 500
        body = {
            "type": "about:blank",
            "title": "Servizio non disponibile" if down else "Errore del server",
            "status": status,
            "detail": "La base dati non risponde: riprovare più tardi." if down else "Errore imprevisto, registrato.",
        }
        return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")
    return render(request, "500.html", {}, status=500)


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
