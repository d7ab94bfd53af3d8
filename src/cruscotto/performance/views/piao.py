"""The PIAO's pages (docs/piao.md): its index, the risk register of 2.3 with its upload, the
measures' monitoring, the RPCT's report and the transparency table."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cruscotto.engine import rischi as ri
from cruscotto.engine import trasparenza as tr

from .. import models as m
from .. import permissions
from .. import piao as pi
from ..uploads import import_tables
from .base import with_plan


def _base(request, ente, anno: int) -> dict:
    p = pi.piao_di(ente, anno)
    return {
        "piao": p,
        "anni_piao": (anno, anno + 1, anno + 2),
        "puo_caricare": permissions.can_edit_rischi(request.user, ente),
    }


@with_plan
@require_http_methods(["GET", "POST"])
def piao(request, ente, anno, piano):
    """The PIAO of the year by the template's sections, each with what cruscotto has of it, and
    the scheda anagrafica's identity (the controllo di gestione or an amministratore edits it)."""
    ctx = _base(request, ente, anno)
    errori: dict = {}
    if request.method == "POST" and request.POST.get("azione") == "adozione":
        try:
            atto_data = _data(request.POST.get("atto_data", ""))
            if atto_data is None:
                raise ValidationError({"atto_data": _("Manca la data di adozione.")})
            pi.piao_adotta(
                user=request.user, ente=ente, anno=anno, atto=request.POST.get("atto", ""), atto_data=atto_data
            )
        except ValidationError as exc:
            errori = (
                {f"adozione_{k}": " ".join(v) for k, v in exc.message_dict.items()}
                if hasattr(exc, "error_dict")
                else {"adozione_atto_data": " ".join(exc.messages)}
            )
            ctx["adozione_inviata"] = {
                "atto": request.POST.get("atto", ""),
                "atto_data": request.POST.get("atto_data", ""),
            }
        else:
            messages.success(request, _("Adozione del PIAO registrata."))
            return redirect("piao", ente=ente.codice, anno=anno)
    elif request.method == "POST":
        dati = {k: request.POST.get(k, "") for k, _label in pi.ANAGRAFICA}
        try:
            pi.anagrafica_salva(user=request.user, ente=ente, dati=dati)
        except ValidationError as exc:
            errori = {k: " ".join(v) for k, v in exc.message_dict.items()}
            ctx["inviati"] = dati
        else:
            messages.success(request, _("Scheda anagrafica salvata."))
            return redirect("piao", ente=ente.codice, anno=anno)
    valori = ctx.get("inviati") or m.Ente.objects.values_list("anagrafica", flat=True).get(pk=ente.pk)
    ctx["anagrafica"] = [
        {"campo": k, "label": label, "valore": valori.get(k, ""), "errore": errori.get(k)} for k, label in pi.ANAGRAFICA
    ]
    ctx["puo_anagrafica"] = permissions.can_edit_plan(request.user, ente)
    b = pi.base3(ente, anno)  # read once: the checks and the simplified PIAO's note share it
    ctx["verifiche"] = pi.verifiche_portale(ente, anno, b)
    ctx["dipendenti"] = pi.dipendenti(b)
    ctx["semplificato"] = pi.semplificato(b)
    ctx["errori_adozione"] = {k[len("adozione_") :]: v for k, v in errori.items() if k.startswith("adozione_")}
    righe = list(ctx["piao"].sezioni.all()) if ctx["piao"] is not None else []
    ctx["sezioni"] = {r.sezione for r in righe}
    ctx["inventate"] = {r.sezione for r in righe if r.inventata}
    ctx["sezioni3"] = [
        ("3.1", _("Struttura organizzativa"), pi.ORGANIZZAZIONE),
        ("3.2", _("Organizzazione del lavoro agile"), pi.LAVORO_AGILE),
        ("3.3", _("Piano triennale dei fabbisogni di personale"), pi.FABBISOGNI),
        ("3", _("Formazione del personale"), pi.FORMAZIONE),
    ]
    registro, row = pi.registro(ctx["piao"])
    obblighi, row_t = pi.obblighi(ctx["piao"])
    ctx.update(registro=registro, sezione_rischi=row, obblighi=obblighi, sezione_trasparenza=row_t, piano=piano)
    return render(request, "performance/piao.html", ctx, status=422 if errori else 200)


def _esiti(registro: ri.Registro) -> list[dict]:
    """Each process with its events, their assessment read (proposal, level, reason) and the
    process's exposure, for the register's table."""
    esposizione = ri.esposizione(registro)
    valutazioni = {v.evento: v for v in registro.valutazioni}
    out = []
    for p in registro.processi:
        eventi = []
        for e in registro.eventi:
            if e.processo != p.codice:
                continue
            v = valutazioni.get(e.codice)
            eventi.append({"evento": e, "valutazione": v, "esito": ri.esito(v, registro) if v else None})
        out.append({"processo": p, "eventi": eventi, "esposizione": esposizione.get(p.codice)})
    return out


@with_plan
@require_http_methods(["GET", "POST"])
def piao_rischi(request, ente, anno, piano):
    """2.3 Rischi corruttivi: the processes, their events and assessment, the measures, what the
    method's checks find; the RPCT (or an amministratore) loads it from CSV/XLSX files."""
    import_errors: list[dict] = []
    if request.method == "POST":
        import_errors = import_tables(request, ente, anno, "piao23")
        if not import_errors:
            messages.success(request, _("Sezione 2.3 caricata."))
            return redirect("piao_rischi", ente=ente.codice, anno=anno)
    ctx = _base(request, ente, anno)
    registro, row = pi.registro(ctx["piao"])
    ctx.update(import_errors=import_errors, registro=registro, sezione=row)
    if registro is not None:
        ctx["processi"] = _esiti(registro)
        ctx["problemi"] = pi.controlli(registro, pi.contesto23(ente, anno), pi.trattare_da(row))
        ctx["indicatori_rischio"] = registro.indicatori
    return render(request, "performance/piao_rischi.html", ctx, status=422 if import_errors else 200)


def _riga_postata(request, scrivi) -> tuple[str, dict[str, str], int]:
    """One row's form posted (``codice``, ``revisione`` and the row's fields): ``scrivi(codice,
    revisione)`` writes it. Returns the code, the errors by code (empty when written) and the
    status: 409 when the value changed meanwhile, 422 when refused."""
    codice = request.POST.get("codice", "")
    try:
        revisione = int(request.POST.get("revisione", "0") or 0)
    except ValueError:
        revisione = -1  # a revision that matches nothing: the writer is told the value changed
    try:
        scrivi(codice, revisione)
    except pi.Conflitto as exc:
        return codice, {codice: " ".join(exc.messages)}, 409
    except ValidationError as exc:
        return codice, {codice: " ".join(exc.messages)}, 422
    return codice, {}, 200


@with_plan
@require_http_methods(["GET", "POST"])
def piao_misure(request, ente, anno, piano):
    """The measures of 2.3 for the PIAO's first year: each with its target, its implementation
    and the engine's result; whoever may enter a measure's implementation does it here."""
    ctx = _base(request, ente, anno)
    registro, row = pi.registro(ctx["piao"])
    errori: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if registro is None:
            raise PermissionDenied(_("La sezione 2.3 non è ancora caricata."))
        codice, errori, status = _riga_postata(
            request,
            lambda codice, revisione: pi.attuazione_registra(
                user=request.user,
                piao=ctx["piao"],
                codice=codice,
                testo=request.POST.get("valore", ""),
                nota=request.POST.get("nota", ""),
                revisione=revisione,
            ),
        )
        if not errori:
            messages.success(request, _("Attuazione della misura %(c)s registrata.") % {"c": codice})
            return redirect(f"{request.path}#misura-{codice}")
    if registro is not None:
        c = pi.contesto23(ente, anno)
        righe = pi.misure_monitorate(ctx["piao"], registro, c.regole)
        ctx["righe"] = [
            {
                "r": r,
                "puo": permissions.can_enter_misura(request.user, ente, r.misura.responsabile),
                "errore": errori.get(r.misura.codice),
                "inviato": request.POST.get("valore") if r.misura.codice in errori else None,
            }
            for r in righe
        ]
    ctx.update(registro=registro, sezione=row)
    return render(request, "performance/piao_misure.html", ctx, status=status)


@with_plan
@require_GET
def piao_rpct(request, ente, anno, piano):
    """The RPCT's yearly report (L. 190/2012, art. 1 c. 14): its figures from the monitoring."""
    ctx = _base(request, ente, anno)
    registro, row = pi.registro(ctx["piao"])
    if registro is not None:
        c = pi.contesto23(ente, anno)
        righe = pi.misure_monitorate(ctx["piao"], registro, c.regole)
        s = pi.sintesi(ctx["piao"], registro, righe, pi.trattare_da(row))
        ctx.update(sintesi=s, righe=righe, oggi=pi.as_of(anno))
        ctx["per_tipo"] = sorted(s.per_tipo.items())
        ctx["esposizione"] = [(lvl, s.esposizione.get(lvl, ())) for lvl in (*reversed(registro.scala), "non valutato")]
        ctx["nomi_misure"] = {x.misura.codice: x.misura.nome for x in righe}
        obblighi, _row_t = pi.obblighi(ctx["piao"])
        if obblighi is not None:
            ctx["obblighi_conti"] = pi.stati_obblighi(ctx["piao"], obblighi)[1]
    ctx.update(registro=registro, sezione=row)
    return render(request, "performance/piao_rpct.html", ctx)


@with_plan
@require_GET
def piao_rpct_documento(request, ente, anno, piano, fmt: str):
    """The RPCT's report as PDF or DOCX, built in the request (a few pages: well under a second)."""
    import tempfile
    from pathlib import Path

    from django.http import Http404

    from cruscotto.documents.docx import render_docx
    from cruscotto.documents.pdf import render_pdf
    from cruscotto.documents.rpct import build_rpct
    from cruscotto.engine.lingua import in_lingua

    from ..uploads import uploads_dir
    from .valutazione import DOCUMENT_TYPES, _file_response

    p = pi.piao_di(ente, anno)
    registro, row = pi.registro(p)
    if fmt not in DOCUMENT_TYPES or p is None or registro is None or row is None:
        raise Http404(_("Documento non disponibile."))
    righe = pi.misure_monitorate(p, registro, pi.contesto23(ente, anno).regole)
    monitorate = pi.monitorate(righe)
    obblighi, _row_t = pi.obblighi(p)
    with in_lingua("it"):  # the documents are Italian, whoever asks for them (documents/build.py)
        doc = build_rpct(
            registro,
            monitorate,
            pi.sintesi(p, registro, righe, pi.trattare_da(row)),
            ente=ente.nome,
            alla_data=pi.as_of(anno),
            inventata=row.inventata,
            trasparenza=[(o, s) for o, s, _p in pi.stati_obblighi(p, obblighi)[0]] if obblighi is not None else None,
        )
    with tempfile.TemporaryDirectory(dir=uploads_dir()) as tmp:
        out = Path(tmp) / f"rpct.{fmt}"
        (render_pdf if fmt == "pdf" else render_docx)(doc, out)
        return _file_response(out, f"relazione-rpct-{ente.codice}-{anno}.{fmt}", DOCUMENT_TYPES[fmt])


@with_plan
@require_GET
def piao_confronto(request, ente, anno, piano):
    """The yearly update: what 2.3 changes against the previous year's PIAO."""
    ctx = _base(request, ente, anno)
    prima, cambi = pi.cambi23(ente, anno)
    ctx.update(prima=prima, cambi=cambi)
    return render(request, "performance/piao_confronto.html", ctx)


def _data(text: str) -> date | None:
    """A date as a date field sends it (2021-03-31) or as people type it (31/03/2021); empty: None."""
    from cruscotto.engine.errors import ParseError
    from cruscotto.engine.numbers import read_written_date

    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        found = read_written_date(text)
    except ParseError:
        found = None
    if found is None:
        raise ValidationError(_("Data non valida: %(v)s (gg/mm/aaaa).") % {"v": text})
    return found


@with_plan
@require_http_methods(["GET", "POST"])
def piao_trasparenza(request, ente, anno, piano):
    """The transparency table of 2.3: each obligation, who produces and who publishes it, how often,
    its last publication and its state; who publishes it (or the RPCT) records the publication."""
    ctx = _base(request, ente, anno)
    obblighi, row = pi.obblighi(ctx["piao"])
    errori: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if obblighi is None:
            raise PermissionDenied(_("La tabella della trasparenza non è ancora caricata."))
        codice, errori, status = _riga_postata(
            request,
            lambda codice, revisione: pi.pubblicazione_registra(
                user=request.user,
                piao=ctx["piao"],
                codice=codice,
                ultima=_data(request.POST.get("ultima", "")),
                nota=request.POST.get("nota", ""),
                revisione=revisione,
            ),
        )
        if not errori:
            messages.success(request, _("Pubblicazione di %(c)s registrata.") % {"c": codice})
            return redirect(f"{request.path}#obbligo-{codice}")
    ctx.update(obblighi=obblighi, sezione=row)
    if obblighi is not None:
        strutture = pi.contesto23(ente, anno).strutture
        ctx["problemi"] = tr.controlla_obblighi(obblighi, strutture=strutture)
        righe, ctx["conti"] = pi.stati_obblighi(ctx["piao"], obblighi)
        ctx["righe"] = [
            {
                "o": o,
                "s": s,
                "p": p,
                "puo": permissions.can_enter_misura(request.user, ente, o.pubblica),
                "errore": errori.get(o.codice),
            }
            for o, s, p in righe
        ]
        ctx["oggi"] = pi.as_of(anno)
    return render(request, "performance/piao_trasparenza.html", ctx, status=status)


def _sezioni_caricate(request, ente, anno, url_name: str):
    """The upload of 2.1 and section 3 posted: (errors, None) or ([], redirect)."""
    errors = import_tables(request, ente, anno, "piao_sezioni")
    if errors:
        return errors, None
    messages.success(request, _("Sezioni del PIAO caricate."))
    return [], redirect(url_name, ente=ente.codice, anno=anno)


def _dati(p) -> dict:
    return {s.sezione: s for s in p.sezioni.all()} if p is not None else {}


@with_plan
@require_http_methods(["GET", "POST"])
def piao_valore_pubblico(request, ente, anno, piano):
    """2.1 Valore pubblico: the impact objectives, the strategic objectives that produce them, their
    SDG, BES and PNRR tags, their indicators with baseline, targets and the year's value scored by
    the engine, and the checks; the controllo di gestione enters the values and loads the files."""
    from cruscotto.engine import valore_pubblico as vp

    import_errors: list[dict] = []
    errori: dict[str, str] = {}
    status = 200
    ctx = _base(request, ente, anno)
    if request.method == "POST" and request.POST.get("azione") == "piao_sezioni":
        import_errors, stored = _sezioni_caricate(request, ente, anno, "piao_valore_pubblico")
        if stored:
            return stored
        status = 422
    elif request.method == "POST":
        if ctx["piao"] is None:
            raise PermissionDenied(_("La sottosezione 2.1 non è ancora caricata."))
        _codice, errori, status = _riga_postata(
            request,
            lambda codice, revisione: pi.valore_impatto_registra(
                user=request.user,
                piao=ctx["piao"],
                codice=codice,
                testo=request.POST.get("valore", ""),
                nota=request.POST.get("nota", ""),
                revisione=revisione,
            ),
        )
        if not errori:
            messages.success(request, _("Valore registrato."))
            return redirect(f"{request.path}#ind-{request.POST.get('codice', '')}")
    rows = _dati(ctx["piao"])
    row = rows.get(pi.VALORE_PUBBLICO)
    puo = permissions.can_edit_plan(request.user, ente)
    ctx.update(import_errors=import_errors, sezione=row, puo_caricare=puo)
    if row is not None:
        obiettivi = vp.valore_pubblico_from_data(row.dati["obiettivi"])
        risultati, valori = pi.impatti(ctx["piao"], obiettivi, pi.contesto23(ente, anno).regole)
        ctx["obiettivi"] = [
            {
                "o": o,
                "r": r,
                "indicatori": [
                    {
                        "i": i,
                        "res": res,
                        "v": valori.get(i.codice),
                        "errore": errori.get(i.codice),
                        "inviato": request.POST.get("valore") if i.codice in errori else None,
                    }
                    for i, res in zip(o.indicatori, r.indicatori, strict=True)
                ],
            }
            for o, r in zip(obiettivi, risultati, strict=True)
        ]
        ctx["puo_valori"] = puo
        ctx["problemi"] = pi.controlli3(ente, anno, {pi.VALORE_PUBBLICO: row.dati})
    return render(request, "performance/piao_valore_pubblico.html", ctx, status=status)


@with_plan
@require_http_methods(["GET", "POST"])
def piao_organizzazione(request, ente, anno, piano):
    """Section 3: 3.1 the structures with their headcount, 3.2 lavoro agile, 3.3 the staffing needs
    plan with its capacity and budget checks, training; all computed from the staff register."""
    from django.conf import settings

    import_errors: list[dict] = []
    if request.method == "POST":
        import_errors, stored = _sezioni_caricate(request, ente, anno, "piao_organizzazione")
        if stored:
            return stored
    ctx = _base(request, ente, anno)
    rows = _dati(ctx["piao"])
    b = pi.base3(ente, anno)
    soglia = settings.CRUSCOTTO_SOGLIA_RISERVATEZZA
    ctx.update(import_errors=import_errors, base=b, righe=rows, soglia=soglia)
    ctx["puo_caricare"] = permissions.can_edit_plan(request.user, ente)
    if b.anno is not None:
        ctx.update(pi.sezione3(b, rows, soglia, permissions.can_manage_users(request.user, ente)))
        ctx["problemi"] = pi.controlli3(ente, anno, {k: v.dati for k, v in rows.items()}, b)
    return render(request, "performance/piao_organizzazione.html", ctx, status=422 if import_errors else 200)
