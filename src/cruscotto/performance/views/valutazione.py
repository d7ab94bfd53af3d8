"""Individual evaluation: the cards a user may see, one card with the steps its reader may take,
and the loading of the system and the people (performance/valutazioni.py holds the rules)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cruscotto.engine.errors import CruscottoError, ParseError

from .. import models as m
from .. import permissions
from .. import valutazioni as va
from ..uploads import saved_uploads, uploads_dir
from .base import with_plan


def _read_people(path: Path) -> list[tuple[int, dict[str, str]]]:
    from cruscotto.files.tables import cell_text, match_headers, read_table

    table = read_table(path)
    cols, _unknown = match_headers(table, {c: c for c in va.PERSONE_COLONNE})
    missing = [c for c in ("matricola", "categoria") if c not in cols]
    if missing:
        raise ValidationError(_("%(f)s, riga 1: colonne mancanti: %(c)s") % {"f": path.name, "c": ", ".join(missing)})
    return [(n, {c: cell_text(cells[i]) if i < len(cells) else "" for c, i in cols.items()}) for n, cells in table.rows]


def _upload(request, ente, anno: int) -> str:
    """Load the system (YAML/JSON) or the people (CSV/XLSX): what to say on the page."""
    from cruscotto.files.native import read_data

    action = request.POST.get("azione")
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError(_("Nessun file scelto."))
    with tempfile.TemporaryDirectory(dir=uploads_dir()) as tmp:
        if action == "sistema":
            name = Path(upload.name).name
            if Path(name).suffix.lower() not in (".yaml", ".yml", ".json"):
                raise ValidationError(_("Il sistema di valutazione è un file YAML o JSON."))
            target = Path(tmp) / ("sistema" + Path(name).suffix.lower())
            with open(target, "wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            try:
                data = read_data(target)
            except CruscottoError as exc:
                raise ValidationError(str(exc).replace(str(target), name)) from None
            va.sistema_importa(user=request.user, ente=ente, anno=anno, dati=data, fonte=name)
            return _("Sistema di valutazione %(a)s caricato da %(f)s.") % {"a": anno, "f": name}
        if action == "persone":
            files, errors = saved_uploads(request, "file", Path(tmp))
            if errors:
                raise ValidationError([f"{e['where']}: {e['message']}" if e["where"] else e["message"] for e in errors])
            try:
                rows = _read_people(files[0])
            except ParseError as exc:
                raise ValidationError(f"{exc.where or ''}: {exc.reason}".replace(tmp + "/", "")) from None
            n = va.persone_importa(user=request.user, ente=ente, righe=rows, fonte=Path(upload.name).name, anno=anno)
            return _("Persone caricate: %(n)s.") % {"n": n}
    raise ValidationError(_("Azione sconosciuta."))


@with_plan
@require_http_methods(["GET", "POST"])
def valutazione(request, ente, anno, piano):
    """The cards the user may see, their state and score; the loading of the system and people."""
    can_load = permissions.can_edit_plan(request.user, ente)
    errors: list[str] = []
    if request.method == "POST":
        if not can_load:
            raise PermissionDenied(_("Il sistema e le persone li carica il controllo di gestione."))
        try:
            messages.success(request, _upload(request, ente, anno))
            return redirect("valutazione", ente=ente.codice, anno=anno)
        except ValidationError as exc:
            errors = exc.messages
    sistema, _premi = va.sistema(ente, anno)
    schede = list(va.schede_visibili(request.user, ente, anno).order_by("persona__matricola"))
    evaluated = [s for s in schede if s.stato in va.VALUTATE]
    scores = va.punteggi(ente, anno, evaluated) if evaluated else {}
    rows = [{"s": s, "punteggio": scores[s.pk].punteggio if s.pk in scores else None} for s in schede]
    me = ente.persone.filter(utente=request.user).first()
    senza_scheda = (
        list(me.squadra.filter(attiva=True).exclude(schede__anno=anno).order_by("matricola")) if me is not None else []
    )
    ctx = {
        "sistema": sistema,
        "rows": rows,
        "persone": ente.persone.count(),
        "schede": m.SchedaValutazione.objects.filter(ente=ente, anno=anno).count(),
        "can_load": can_load,
        "errors": errors,
        "senza_scheda": senza_scheda,
    }
    return render(request, "performance/valutazione.html", ctx, status=422 if errors else 200)


def _levels(sistema, categoria: str, codice: str):
    comp = sistema.comportamento(codice) if sistema else None
    cat = sistema.categoria(categoria) if sistema else None
    scala = sistema.scala((comp.scala if comp else "") or (cat.scala if cat else "")) if sistema else None
    return comp, (scala.livelli if scala else ())


def _assign_from_post(post, sistema, persona) -> tuple[list[dict], list[list]]:
    """The assignment form: up to five own objectives and the category's behaviours with weights."""
    voci = []
    for k in range(1, 6):
        code = post.get(f"o{k}-codice", "").strip()
        if not code:
            continue
        peso = post.get(f"o{k}-peso", "").strip().replace(",", ".")
        try:
            weight = float(peso) if peso else None
        except ValueError:
            raise ValidationError(_("Obiettivo %(k)s: peso non valido: %(p)s") % {"k": k, "p": peso}) from None
        voci.append(
            {
                "codice": code,
                "nome": post.get(f"o{k}-nome", "").strip(),
                "sezione": post.get(f"o{k}-sezione", "").strip(),
                "peso": weight,
                "polarita": post.get(f"o{k}-polarita", "crescente"),
                "target": post.get(f"o{k}-target", "").strip(),
            }
        )
    comportamenti = []
    for c in sistema.comportamenti:
        text = post.get(f"c-{c.codice}", "").strip().replace(",", ".")
        if text:
            try:
                comportamenti.append([c.codice, float(text)])
            except ValueError:
                raise ValidationError(_("%(c)s: peso non valido: %(p)s") % {"c": c.codice, "p": text}) from None
    return voci, comportamenti


def _giudizi(post, scheda) -> dict[str, float]:
    """The evaluation form's level per behaviour."""
    giudizi = {}
    for code, _peso in scheda.comportamenti:
        text = post.get(f"g-{code}", "").strip().replace(",", ".")
        if text:
            try:
                giudizi[str(code)] = float(text)
            except ValueError:
                raise ValidationError(_("%(c)s: livello non valido: %(v)s") % {"c": code, "v": text}) from None
    return giudizi


def _data(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(_("Data non valida: %(d)s") % {"d": text}) from None


def _act(request, scheda, persona, anno, sistema) -> str:
    """One step of the card, from the form's ``azione``: what to say on the page."""
    post, user = request.POST, request.user
    action = post.get("azione", "")
    testo = post.get("testo", "")
    if action == "assegna":
        voci, comportamenti = _assign_from_post(post, sistema, persona)
        va.scheda_assegna(user=user, persona=persona, anno=anno, voci=voci, comportamenti=comportamenti)
        return _("Scheda assegnata.")
    if scheda is None:
        raise Http404(_("La persona non ha ancora la scheda."))
    valuta = action == "valuta"
    va.passo(
        user=user,
        scheda=scheda,
        azione=action,
        testo=testo,
        giudizi=_giudizi(post, scheda) if valuta else None,
        risultati={v["codice"]: post.get(f"r-{v['codice']}", "") for v in scheda.voci if not v.get("collegato")}
        if valuta
        else None,
        atto=post.get("atto", ""),
        data=_data(post.get("data", "")) if action == "decisione_organo" else None,
    )
    return _("Scheda aggiornata.")


@with_plan
@require_http_methods(["GET", "POST"])
def valutazione_scheda(request, ente, anno, piano, matricola: str):
    """One person's card: its items, ratings, score and trace, its steps, and the forms of the
    steps this reader may take now."""
    persona = ente.persone.filter(matricola=matricola).select_related("struttura", "valutatore").first()
    if persona is None:
        raise Http404(_("Persona non trovata."))
    scheda = m.SchedaValutazione.objects.filter(persona=persona, anno=anno).select_related("valutatore").first()
    boss = persona.valutatore
    vertice = scheda is not None and va.proposta_oiv(scheda)
    ruoli = permissions.grants(request.user, ente.pk).ruoli
    # the vertice's card: the OIV takes the evaluator's steps (its proposal), the Giunta decides
    is_boss = (m.Ruolo.Tipo.OIV in ruoli) if vertice else (boss is not None and boss.utente_id == request.user.pk)
    if scheda is not None and not va.puo_vedere(request.user, scheda):
        raise PermissionDenied(_("Una scheda la vedono la persona, il suo valutatore, l'amministrazione e l'OIV."))
    if scheda is None and not (is_boss or m.Ruolo.Tipo.AMMINISTRATORE in ruoli):
        raise Http404(_("La persona non ha ancora la scheda."))
    sistema, _premi = va.sistema(ente, anno)
    errors: list[str] = []
    if request.method == "POST":
        try:
            messages.success(request, _act(request, scheda, persona, anno, sistema))
            return redirect("valutazione_scheda", ente=ente.codice, anno=anno, matricola=matricola)
        except ValidationError as exc:
            errors = exc.messages
    result = None
    if scheda is not None and scheda.stato in va.VALUTATE:
        result = va.punteggio(scheda)
    categoria = sistema.categoria(persona.categoria) if sistema else None
    behaviours = []
    if scheda is not None:
        for code, peso in scheda.comportamenti:
            comp, levels = _levels(sistema, persona.categoria, code)
            behaviours.append(
                {"codice": code, "peso": peso, "comp": comp, "livelli": levels, "giudizio": scheda.giudizi.get(code)}
            )
    offered = [
        c for c in (sistema.comportamenti if sistema else ()) if not c.categorie or persona.categoria in c.categorie
    ]
    is_me = persona.utente_id == request.user.pk
    reviewer = bool(ruoli & {m.Ruolo.Tipo.AMMINISTRATORE, m.Ruolo.Tipo.OIV})
    ctx = {
        "persona": persona,
        "scheda": scheda,
        "result": result,
        "categoria": categoria,
        "sezioni_obiettivi": [
            s for s in (categoria.sezioni if categoria else ()) if s.fonte in ("obiettivi", "individuali")
        ],
        "behaviours": behaviours,
        "offerti": offered,
        "proprie": [v for v in (scheda.voci if scheda else []) if not v.get("collegato")],
        "is_me": is_me,
        "is_boss": is_boss,
        "reviewer": reviewer,
        "vertice": vertice,
        "giunta": vertice and m.Ruolo.Tipo.AMMINISTRATORE in ruoli,
        "errors": errors,
        "righe_obiettivi": range(1, 6),
    }
    return render(request, "performance/valutazione_scheda.html", ctx, status=422 if errors else 200)


@with_plan
def valutazione_premi(request, ente, anno, piano):
    """The distribution of the final scores and the premiums: totals and distributions for the
    controllo di gestione, each person's premium (by matricola) for the amministratore and the OIV."""
    ruoli = permissions.grants(request.user, ente.pk).ruoli
    if not ruoli & (permissions.EDITORS | {m.Ruolo.Tipo.OIV}):
        raise PermissionDenied(
            _("Distribuzione e premi li vedono il controllo di gestione, l'amministrazione e l'OIV.")
        )
    from cruscotto.charts import histogram

    ctx = va.premi_anno(ente, anno)
    ctx["dettaglio"] = bool(ruoli & {m.Ruolo.Tipo.AMMINISTRATORE, m.Ruolo.Tipo.OIV})
    ctx["per_categoria"] = [
        (cat, d, avvisi, histogram(d.fasce, title=_("Punteggi della categoria %(c)s") % {"c": cat}, of=_("persone")))
        for cat, d, avvisi in ctx["per_categoria"]
    ]
    return render(request, "performance/valutazione_premi.html", ctx)


DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _file_response(path: Path, name: str, content_type: str):
    from django.http import HttpResponse

    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"  # personal data: no cache keeps it
    return response


@with_plan
def valutazione_scheda_documento(request, ente, anno, piano, matricola: str, fase: str, fmt: str):
    """One card as PDF or DOCX for signature, at assignment or with its evaluation; built in the
    request (a page or two: under a second), never stored, seen by whoever may see the card."""
    from cruscotto.documents.docx import render_docx
    from cruscotto.documents.pdf import render_pdf
    from cruscotto.documents.scheda import build_scheda

    if fase not in ("assegnazione", "valutazione") or fmt not in DOCUMENT_TYPES:
        raise Http404(_("Documento non disponibile."))
    scheda = (
        m.SchedaValutazione.objects.filter(ente=ente, anno=anno, persona__matricola=matricola)
        .select_related("persona", "persona__struttura", "valutatore", "ente")
        .first()
    )
    if scheda is None or not va.puo_vedere(request.user, scheda):
        raise Http404(_("Scheda non trovata."))
    doc = build_scheda(va.stampa(scheda, example_data=ente.dati_di_esempio), finale=fase == "valutazione")
    with tempfile.TemporaryDirectory(dir=uploads_dir()) as tmp:
        out = Path(tmp) / f"scheda.{fmt}"
        (render_pdf if fmt == "pdf" else render_docx)(doc, out)
        return _file_response(out, f"scheda-{ente.codice}-{anno}-{matricola}-{fase}.{fmt}", DOCUMENT_TYPES[fmt])


@with_plan
def valutazione_schede_xlsx(request, ente, anno, piano):
    """The cards the user may see (their team's; all for the amministratore and the OIV) as a
    workbook: state, score and each section's grade."""
    from cruscotto.documents.xlsx import render_team_xlsx

    schede = va.schede_visibili(request.user, ente, anno).order_by("persona__matricola")
    righe = va.squadra_righe(ente, anno, schede.select_related("persona__struttura"))
    with tempfile.TemporaryDirectory(dir=uploads_dir()) as tmp:
        out = Path(tmp) / "schede.xlsx"
        render_team_xlsx(
            righe,
            out,
            titolo=f"{ente.nome}: schede di valutazione {anno}",
            example_data=ente.dati_di_esempio,
        )
        return _file_response(
            out,
            f"schede-{ente.codice}-{anno}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
