"""The tables beside the plan: budget, staff register, context data."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cruscotto.documents.contesto import quota_italiana
from cruscotto.engine import bilancio as b
from cruscotto.engine import contesto as co
from cruscotto.engine import personale as pe
from cruscotto.engine import rapporti
from cruscotto.engine.riservatezza import RISERVATO
from cruscotto.engine.utilizzo import utilizzo

from .. import models as m
from .. import permissions, selectors
from ..forms import TabelleForm, errors_of
from ..uploads import import_tables
from .base import with_plan


def _upload(request, ente, anno: int, url_name: str, choose):
    """A page's upload form posted: ``(errors, None)`` when nothing was written (the page shows
    them), ``([], redirect)`` when the tables were stored (POST/redirect/GET). The form checks the
    upload's own fields; ``choose(cleaned_data)`` says which tables they are and the message."""

    if not permissions.can_edit_plan(request.user, ente):  # who may not upload learns that first
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può modificare il piano."))
    form = TabelleForm(request.POST, request.FILES)
    if not form.is_valid():
        return [{"where": "", "message": msg} for msg in errors_of(form)], None
    kind, message = choose(form.cleaned_data)
    errors = import_tables(request, ente, anno, kind)
    if errors:
        return errors, None
    messages.success(request, message)
    return [], redirect(url_name, ente=ente.codice, anno=anno)


def _budget_or_measures(data) -> tuple[str, str]:
    if data["azione"] == "misure":
        return "misure", _("Misure di base registrate.")
    return "bilancio", _("Tabelle di bilancio caricate.")


@with_plan
@require_http_methods(["GET", "POST"])
def bilancio(request, ente, anno, piano):
    """The budget tables of the year, as printed, with every disagreement marked in its cell."""

    import_errors: list[dict] = []
    if request.method == "POST":
        import_errors, stored = _upload(request, ente, anno, "bilancio", _budget_or_measures)
        if stored:
            return stored
    row = m.Bilancio.objects.filter(ente=ente, anno=anno).first()
    ctx = {
        "row": row,
        "import_errors": import_errors,
        "anni": list(m.Bilancio.objects.filter(ente=ente).order_by("anno").values_list("anno", flat=True)),
    }
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
            ctx["rapporti"] = [
                (r, per_anno, bool(r.indicatore and engine.indicatore(r.indicatore))) for r, per_anno in rows
            ]
            ctx["rapporti_anni"] = years
        if tables.preventivo:
            p = tables.preventivo
            found = rapporti.previsioni(engine, b.misure_dal_preventivo(p))
            ctx["previsioni"] = [
                (f, engine.indicatore(f.codice).target.get(p.anno), f.esiti.get(p.anno)) for f in found
            ]
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
            ctx["investimenti"] = [
                (cat, [v for v in pi.voci if v.categoria == cat], pi.totale(cat), pi.totali_stampati.get(cat))
                for cat in b.CATEGORIE_INVESTIMENTI
            ]
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

    import_errors: list[dict] = []
    if request.method == "POST":
        import_errors, stored = _upload(
            request, ente, anno, "personale", lambda _d: ("personale", _("Registro del personale caricato."))
        )
        if stored:
            return stored
    row = m.Personale.objects.filter(ente=ente).first()
    context = selectors.contesto(ente)
    ctx: dict = {
        "row": row,
        "import_errors": import_errors,
        "azioni_positive": context.azioni_positive if context else (),
    }
    registro = selectors.registro(ente) if row is not None else None
    if registro is not None:
        years, composition = selectors.staff_composition(registro)
        # Small counts hidden for every role but the amministratore (engine/riservatezza.py).
        soglia = settings.CRUSCOTTO_SOGLIA_RISERVATEZZA
        tutto = permissions.can_manage_users(request.user, ente)
        hidden = {} if tutto else pe.celle_riservate(registro, years, soglia)

        def shown(key, y, g, value):
            text = hidden.get((key, y, g))
            return value if text is None else (_("riservato") if text == RISERVATO else text)

        ctx["riservatezza"] = {"soglia": soglia, "tutto": tutto, "nascosti": bool(hidden)}
        labels = {
            "totale_ruolo": _("Totale in ruolo"),
            "dirigenti": _("Dirigenti"),
            "non_di_ruolo": _("Non di ruolo"),
            "totale": _("Totale generale"),
        }
        ctx["anni"] = years
        # A category nobody is in, in any year, is not a line of the table.
        ctx["composizione"] = [
            (
                labels.get(key, key),
                [(shown(key, y, pe.F, r.donne), shown(key, y, pe.M, r.uomini)) for y, r in zip(years, cells)],
            )
            for key, cells in composition
            if key in labels or any(r.totale for r in cells)
        ]
        tip = [pe.tipologia_contrattuale(registro, y) for y in years]
        ctx["tipologia"] = [
            (
                t.anno,
                shown("tempo_pieno", t.anno, "T", t.tempo_pieno.totale),
                shown("tempo_parziale", t.anno, "T", t.tempo_parziale.totale),
                shown("totale_ruolo", t.anno, "T", t.totale.totale),
            )
            for t in tip
        ]
        by_year = {y: pe.indicatori_genere(registro, y) for y in years}

        def why(ind):
            # The engine's explanation, in the page's language where it is the missing-data one.
            t = ind.traccia
            return (
                _("dato non rilevato per %(n)s persone") % {"n": len(t.senza_dato)}
                if t.senza_dato
                else t.spiegazione(ind.definizione.misura)
            )

        def cell(ind):
            # (value, explanation, text shown instead): a hidden value hides its trace too
            text = None if tutto else pe.indicatore_riservato(ind, soglia)
            if text is not None:
                ctx["riservatezza"]["nascosti"] = True
                return (None, "", _("riservato") if text == RISERVATO else text)
            return (ind.valore, why(ind), None)

        ctx["indicatori"] = [(d, [cell(by_year[y][i]) for y in years]) for i, d in enumerate(pe.DEFINIZIONI)]
    return render(request, "performance/personale.html", ctx, status=422 if import_errors else 200)


@with_plan
@require_http_methods(["GET", "POST"])
def contesto(request, ente, anno, piano):
    """The ente and its context as data: organs, structure, activities, stakeholder map,
    partecipate, the external context's tables as printed, and what the checks found."""

    import_errors: list[dict] = []
    if request.method == "POST":
        import_errors, stored = _upload(
            request, ente, anno, "contesto", lambda _d: ("contesto", _("Dati di contesto caricati."))
        )
        if stored:
            return stored
    row = m.Contesto.objects.filter(ente=ente).first()
    ctx: dict = {"row": row, "import_errors": import_errors}
    data = selectors.contesto(ente) if row is not None else None
    if data is not None:
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
