"""REST API v1: enti, plans, the tree, indicators, targets, values, base measures, scores, the cycle.

Everything goes through the same selectors, services and permission checks as
the web pages (one permission matrix). Machines authenticate with a token
(``Authorization: Bearer ...``, made by ``manage.py token_api``); a browser
with its session (and CSRF token on writes). Errors are RFC 9457 problem
details (``application/problem+json``). OpenAPI: ``/api/v1/openapi.json``;
interactive docs: ``/api/v1/docs`` (served locally, no CDN).
"""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

import hashlib
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer, django_auth

from cruscotto.engine.export import json_value, result_to_dict
from cruscotto.performance import ciclo as lifecycle
from cruscotto.performance import models as m
from cruscotto.performance import permissions, selectors, services


class Token(HttpBearer):
    def authenticate(self, request, token: str):
        digest = hashlib.sha256(token.encode()).hexdigest()
        found = (
            m.TokenAPI.objects.select_related("utente")
            .filter(digest=digest, attivo=True, utente__is_active=True)
            .first()
        )
        if found is None:
            return None
        m.TokenAPI.objects.filter(pk=found.pk).update(usato_il=timezone.now())
        request.user = found.utente
        return found.utente


class API(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Errors are problem details: say so in the document, so that clients (and the
        # schemathesis check in tests/web/test_api_fuzz.py) expect that media type.
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {"application/problem+json": content["application/json"]}
        return schema


api = API(
    title="cruscotto API",
    version="1",
    description="Il ciclo della performance (d.lgs. 150/2009): piani, indicatori, valori, misure, punteggi, ciclo. Stesse regole delle pagine web.",
    auth=[Token(), django_auth],
    urls_namespace="api-v1",
)


class Pagination(LimitOffsetPagination):
    """limit 1..500 (default 100), offset 0..2^31-1: bounded, so a database never sees an
    integer it cannot hold (schemathesis sent 10^28 and SQLite refused it)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=2**31 - 1)

    def __init__(self, **kwargs):
        super().__init__(max_limit=500, **kwargs)


# --- errors as problem details --------------------------------------------------------------


def problem(request, status: int, title: str, detail: str = "", errors: list | None = None):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    resp = api.create_response(request, body, status=status)
    resp["Content-Type"] = "application/problem+json"
    return resp


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return problem(
        request,
        422,
        "Richiesta non valida",
        "Alcuni campi non sono validi.",
        [{"where": ".".join(str(x) for x in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors],
    )


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    return problem(request, 422, "Dati rifiutati", " ".join(exc.messages), [{"message": msg} for msg in exc.messages])


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem(request, 403, "Non consentito", str(exc))


@api.exception_handler(Http404)
def _missing(request, exc):
    return problem(request, 404, "Non trovato", str(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    resp = problem(request, 401, "Autenticazione richiesta", "Un token (Authorization: Bearer) o una sessione.")
    resp["WWW-Authenticate"] = "Bearer"
    return resp


@api.exception_handler(HttpError)
def _http(request, exc):
    if exc.status_code == 400:
        # django-ninja's only 400: a body that is not JSON (or not UTF-8).
        return problem(request, 400, "Richiesta illeggibile", f"Il corpo della richiesta non è JSON valido ({exc}).")
    return problem(request, exc.status_code, str(exc))


def _single_query_values(view):
    """No query parameter of this API is a list: a repeated one (?utente=a&utente=b) is refused,
    not silently read as its last value; nor is a filter given empty (?stato=), which would
    otherwise filter by the empty text (schemathesis found both)."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        repeated = sorted(k for k, values in request.GET.lists() if len(values) > 1)
        if repeated:
            return problem(
                request,
                422,
                "Richiesta non valida",
                "Parametri ripetuti: " + ", ".join(repeated),
                [{"where": f"query.{k}", "message": "un solo valore"} for k in repeated],
            )
        empty = sorted(k for k, values in request.GET.lists() if values == [""])
        if empty:
            return problem(
                request,
                422,
                "Richiesta non valida",
                "Parametri vuoti: " + ", ".join(empty),
                [{"where": f"query.{k}", "message": "valore vuoto"} for k in empty],
            )
        return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(_single_query_values, mode="view")


# --- schemas -------------------------------------------------------------------------------


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict] | None = None


class EnteOut(Schema):
    codice: str
    nome: str


class VersioneOut(Schema):
    versione: int
    titolo: str
    anni: list[int]
    ciclo: int | None
    stato_ciclo: str | None
    stato_versione: str
    atto: str
    atto_data: date | None
    motivazione: str


class NodoOut(Schema):
    codice: str
    livello: str
    nome: str
    padre: str | None
    achievement: float | None
    stato: str
    cruscotto: str
    copertura: dict
    risorse: float | None = None  # the resources the plan assigns to the node, in euro
    strutture: dict[str, float | None] = {}  # an objective's responsible structures and their shares (%)


class IndicatoreOut(Schema):
    codice: str
    nome: str
    algoritmo: str
    formula: str | None
    polarita: str
    peso: str | None
    unita: str
    strutture: list[str]
    cruscotto: str
    target: dict[str, str]
    consuntivo: float | str | bool | None
    achievement: float | None
    stato: str


class IndicatoreDettaglio(IndicatoreOut):
    trace: dict


class ConsuntivoOut(Schema):
    codice: str
    anno: int
    periodo: str
    valore: str
    nota: str


class ConsuntivoIn(Schema):
    valore: str
    nota: str = ""
    correzione: str = ""


class MisuraOut(Schema):
    nome: str
    anno: int
    valore: float


class MisuraIn(Schema):
    # Strict: JSON true/false is not a number (lax pydantic would store it as 1.0/0.0).
    valore: float | None = Field(..., strict=True)


class CicloOut(Schema):
    anno: int
    stato: str
    versione_in_vigore: int | None
    bozza: int | None
    passaggi_possibili: list[str]


class CommentoIn(Schema):
    oggetto: str = ""  # an indicator or objective code; empty: the Relazione as a whole
    testo: str


class CommentoOut(Schema):
    oggetto: str
    testo: str
    autore: str
    quando: str


class PeriodoIn(Schema):
    periodo: str  # "S1", "S2", or "" for the year


class TransizioneIn(Schema):
    verso: str
    nota: str = ""


class AdozioneIn(Schema):
    versione: int
    atto: str
    atto_data: date


class RimodulazioneIn(Schema):
    motivazione: str


class RegistroOut(Schema):
    quando: str
    utente: str
    azione: str
    oggetto: str
    prima: dict | list | str | float | int | bool | None
    dopo: dict | list | str | float | int | bool | None
    motivo: str


class ImportOut(Schema):
    versione: int
    stato_versione: str
    indicatori: int
    avvisi: list[str]


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}


# --- helpers ------------------------------------------------------------------------------


def _ente(request, codice: str) -> m.Ente:
    ente = m.Ente.objects.filter(codice=codice).first()
    if ente is None or not permissions.can_read(request.user, ente):
        raise Http404("Ente non trovato.")  # not 403: whether an ente exists is not everyone's business
    return ente


def _plan(request, codice: str, anno: int) -> tuple[m.Ente, m.Piano]:
    ente = _ente(request, codice)
    piano = selectors.current_plan(ente, anno)
    if piano is None:
        raise Http404(f"Nessun piano per l'anno {anno}.")
    return ente, piano


def _indicator(i, r) -> dict:
    return {
        "codice": i.codice,
        "nome": i.nome,
        "algoritmo": i.algoritmo,
        "formula": i.formula,
        "polarita": i.polarita.value,
        "peso": i.peso_testo,
        "unita": i.unita,
        "strutture": list(i.strutture),
        "cruscotto": i.cruscotto.value,
        "target": {str(y): t.testo for y, t in i.target.items()},
        "consuntivo": json_value(r.actual) if r else None,
        "achievement": r.achievement if r else None,
        "stato": r.stato.value if r else "senza_dati",
    }


# --- endpoints ----------------------------------------------------------------------------


@api.get("/enti", response={200: list[EnteOut], **ERRORS}, tags=["enti"])
@paginate(Pagination)
def enti(request):
    """The enti where the user has a role."""
    qs = (
        m.Ente.objects.all()
        if request.user.is_superuser
        else m.Ente.objects.filter(ruoli__utente=request.user).distinct()
    )
    return qs.order_by("codice")


@api.get("/enti/{ente}/piani", response={200: list[VersioneOut], **ERRORS}, tags=["piani"])
def piani(request, ente: str):
    """Every version of every plan of the ente, with its cycle's state."""
    e = _ente(request, ente)
    out = []
    for p in e.piani.select_related("ciclo").order_by("-ciclo__anno", "-versione"):
        out.append(
            {
                "versione": p.versione,
                "titolo": p.titolo,
                "anni": p.anni,
                "ciclo": p.ciclo.anno if p.ciclo else None,
                "stato_ciclo": p.ciclo.stato if p.ciclo else None,
                "stato_versione": p.stato_versione,
                "atto": p.atto,
                "atto_data": p.atto_data,
                "motivazione": p.motivazione,
            }
        )
    return out


@api.get("/enti/{ente}/{anno}/albero", response={200: list[NodoOut], **ERRORS}, tags=["piani"])
def albero(request, ente: str, anno: int):
    """The tree with the achievement and status of every node, in the plan's order."""
    _e, piano = _plan(request, ente, anno)
    assigned = selectors.assignments(selectors.plan_for(piano))
    return [
        {
            "codice": n.codice,
            "livello": n.livello,
            "nome": n.nome,
            "padre": n.padre,
            "achievement": n.achievement,
            "stato": n.stato.value,
            "cruscotto": n.cruscotto,
            "copertura": n.copertura.as_dict(),
            **assigned.get((n.livello, n.codice), {}),
        }
        for n in selectors.score(piano, anno).nodi
    ]


class IndicatoriFiltri(Schema):
    struttura: str | None = None
    cruscotto: str | None = None
    stato: str | None = None


@api.get("/enti/{ente}/{anno}/indicatori", response={200: list[IndicatoreOut], **ERRORS}, tags=["indicatori"])
@paginate(Pagination)
def indicatori(request, ente: str, anno: int, filtri: Query[IndicatoriFiltri]):
    """Indicators with targets, the year's actual value, achievement and status; filter by structure, scope, status."""
    _e, piano = _plan(request, ente, anno)
    plan = selectors.plan_for(piano)
    results = {r.codice: r for r in selectors.score(piano, anno).indicatori}
    out = []
    for i in plan.indicatori():
        r = results.get(i.codice)
        row = _indicator(i, r)
        if filtri.struttura and filtri.struttura not in row["strutture"]:
            continue
        if filtri.cruscotto and row["cruscotto"] != filtri.cruscotto:
            continue
        if filtri.stato and row["stato"] != filtri.stato:
            continue
        out.append(row)
    return out


@api.get("/enti/{ente}/{anno}/indicatori/{codice}", response={200: IndicatoreDettaglio, **ERRORS}, tags=["indicatori"])
def indicatore(request, ente: str, anno: int, codice: str):
    """One indicator with the trace of its computation."""
    _e, piano = _plan(request, ente, anno)
    i = selectors.plan_for(piano).indicatore(codice)
    if i is None:
        raise Http404(f"Indicatore {codice} non trovato.")
    r = selectors.score(piano, anno).indicatore(codice)
    return {**_indicator(i, r), "trace": r.trace if r else {}}


@api.get("/enti/{ente}/{anno}/consuntivi", response={200: list[ConsuntivoOut], **ERRORS}, tags=["valori"])
@paginate(Pagination)
def consuntivi(request, ente: str, anno: int, periodo: str | None = None):
    """Stored actual values of the year (of a period with ``periodo``)."""
    _e, piano = _plan(request, ente, anno)
    qs = piano.consuntivi.filter(anno=anno).order_by("codice", "periodo")
    if periodo is not None:
        qs = qs.filter(periodo=periodo)
    return [{"codice": c.codice, "anno": c.anno, "periodo": c.periodo, "valore": c.valore, "nota": c.nota} for c in qs]


@api.put("/enti/{ente}/{anno}/consuntivi/{codice}", response={200: ConsuntivoOut, 204: None, **ERRORS}, tags=["valori"])
def consuntivo_scrivi(request, ente: str, anno: int, codice: str, dati: ConsuntivoIn, periodo: str = ""):
    """Record an actual value (an empty ``valore`` clears it). Same rules as the monitoring page:
    a responsabile for his structures; a closed period needs ``correzione``."""
    _e, piano = _plan(request, ente, anno)
    if periodo not in lifecycle.PERIODS:
        raise DjangoValidationError(f"Periodo sconosciuto: {periodo}")
    saved = services.consuntivo_registra(
        user=request.user,
        piano=piano,
        codice=codice,
        anno=anno,
        periodo=periodo,
        testo=dati.valore,
        nota=dati.nota,
        correzione=dati.correzione,
    )
    if saved is None:
        return Status(204, None)
    return {
        "codice": saved.codice,
        "anno": saved.anno,
        "periodo": saved.periodo,
        "valore": saved.valore,
        "nota": saved.nota,
    }


@api.get("/enti/{ente}/misure", response={200: list[MisuraOut], **ERRORS}, tags=["misure"])
@paginate(Pagination)
def misure(request, ente: str, anno: int | None = None):
    """Base measures (accounts, registers) that feed the indicators' formulas."""
    qs = _ente(request, ente).misure.order_by("anno", "nome")
    if anno is not None:
        qs = qs.filter(anno=anno)
    return [{"nome": x.nome, "anno": x.anno, "valore": x.valore} for x in qs]


@api.put("/enti/{ente}/misure/{nome}/{anno}", response={200: MisuraOut, 204: None, **ERRORS}, tags=["misure"])
def misura_scrivi(request, ente: str, nome: str, anno: int, dati: MisuraIn):
    """Record a base measure (``null`` clears it): for an accounting system pushing its figures."""
    saved = services.misura_registra(
        user=request.user, ente=_ente(request, ente), nome=nome, anno=anno, valore=dati.valore
    )
    if saved is None:
        return Status(204, None)
    return {"nome": saved.nome, "anno": saved.anno, "valore": saved.valore}


@api.get("/enti/{ente}/{anno}/punteggi", response={200: dict, **ERRORS}, tags=["punteggi"])
def punteggi(request, ente: str, anno: int):
    """The scores with their traces: the same JSON as ``cruscotto score --json`` (docs/cli.md)."""
    _e, piano = _plan(request, ente, anno)
    return result_to_dict(selectors.score(piano, anno))


@api.post("/enti/{ente}/piani", response={201: ImportOut, **ERRORS}, tags=["piani"])
def importa(request, ente: str, file: File[UploadedFile], motivazione: Form[str] = ""):
    """Import a plan file (YAML, JSON, CSV, XLSX) as a new draft version; every problem is listed.
    In an adopted cycle the new version is a rimodulazione and needs ``motivazione``."""
    import tempfile
    from pathlib import Path

    from cruscotto.performance.uploads import plan_file_refusal, preview_plan

    e = _ente(request, ente)
    if not permissions.can_edit_plan(request.user, e):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore importa un piano."))
    # The same checks as the page's (performance/uploads.py), in the caller's language.
    refused = plan_file_refusal(file.name or "", file.size or 0)
    if refused:
        raise DjangoValidationError(refused)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"piano{Path(file.name or '').suffix.lower()}"
        with open(path, "wb") as fh:
            for chunk in file.chunks():
                fh.write(chunk)
        loaded, errors, warnings = preview_plan(path, e)
    if loaded is None:
        return problem(request, 422, _("Piano non valido"), _("%(n)s problemi") % {"n": len(errors)}, errors)
    if errors:
        return problem(
            request, 422, _("Piano con errori: nulla è stato scritto"), _("%(n)s errori") % {"n": len(errors)}, errors
        )
    new = services.piano_import(
        piano=loaded.piano,
        valori=loaded.valori if loaded.valori.consuntivi else None,
        user=request.user,
        motivazione=motivazione,
    )
    return Status(
        201,
        {
            "versione": new.versione,
            "stato_versione": new.stato_versione,
            "indicatori": new.indicatori.count(),
            "avvisi": [w["message"] for w in warnings],
        },
    )


class ControlloOut(Schema):
    code: str
    where: str
    message: str


class BilancioOut(Schema):
    anno: int
    fonte: str
    tabelle: dict
    risultati: dict
    patrimonio_netto: dict | None
    controlli: list[ControlloOut]


@api.get("/enti/{ente}/bilanci/{anno}", response={200: BilancioOut, **ERRORS}, tags=["bilancio"])
def bilancio(request, ente: str, anno: int):
    """The budget tables of the year as stored (figures as printed), the totals and results computed
    from their rows, the net-worth projection, and every printed total that disagrees (docs/bilancio.md)."""
    from cruscotto.engine import bilancio as b

    e = _ente(request, ente)
    row = m.Bilancio.objects.filter(ente=e, anno=anno).first()
    if row is None:
        raise Http404(f"Nessuna tabella di bilancio per il {anno}.")
    tables = selectors.bilancio(e, anno)
    computed = b.calcola(tables.preventivo) if tables.preventivo else {}
    pn = b.proiezione(tables.patrimonio, tables.preventivo) if tables.patrimonio and tables.preventivo else None
    found = selectors.bilancio_controlli(e, anno, tables)
    return {
        "anno": row.anno,
        "fonte": row.fonte,
        "tabelle": row.dati,
        "risultati": computed,
        "patrimonio_netto": pn,
        "controlli": [p.as_dict() for p in found],
    }


class IndicatoreGenereOut(Schema):
    codice: str
    dicitura: str
    misura: str
    anno: int
    valore: float | None
    numeratore: float
    denominatore: int
    spiegazione: str


class PersonaleOut(Schema):
    anni: list[int]
    composizione: list[dict]
    indicatori: list[IndicatoreGenereOut]


@api.get("/enti/{ente}/personale", response={200: PersonaleOut, **ERRORS}, tags=["personale"])
def personale(request, ente: str):
    """The staff tables and the analisi di genere computed from the register: totals and indicators
    with numerator and denominator, never the records themselves (docs/personale.md)."""
    from cruscotto.engine import personale as pe

    e = _ente(request, ente)
    row = m.Personale.objects.filter(ente=e).first()
    if row is None:
        raise Http404("Nessun registro del personale.")
    reg = selectors.registro(e)
    years, table = selectors.staff_composition(reg)
    comp = [
        {"anno": y, "voce": r.voce, "donne": r.donne, "uomini": r.uomini, "totale": r.totale}
        for k, y in enumerate(years)
        for _key, cells in table
        for r in (cells[k],)
    ]
    inds = []
    for y in years:
        for ind in pe.indicatori_genere(reg, y):
            t = ind.traccia
            inds.append(
                {
                    "codice": ind.definizione.codice,
                    "dicitura": ind.definizione.dicitura,
                    "misura": ind.definizione.misura,
                    "anno": y,
                    "valore": ind.valore,
                    "numeratore": t.numeratore,
                    "denominatore": t.denominatore,
                    "spiegazione": t.spiegazione(ind.definizione.misura),
                }
            )
    return {"anni": years, "composizione": comp, "indicatori": inds}


class OrganoOut(Schema):
    nome: str
    ruolo: str
    tipo: str


class VoceStrutturaOut(Schema):
    nome: str
    descrizione: str


class AreaAttivitaOut(Schema):
    area: str
    attivita: list[str]


class StakeholderOut(Schema):
    gruppo: str
    nome: str
    segnate: list[str] = Field(description="Le intestazioni delle colonne segnate")


class MappaOut(Schema):
    colonne: list[str] = Field(description="Intestazioni come stampate; una sotto-colonna è «intestazione: voce»")
    righe: list[StakeholderOut]


class PartecipataOut(Schema):
    progressivo: str
    nome: str
    codice_fiscale: str
    quota: float = Field(description="Punti percentuali: 0,21% è 0.21")
    quota_stampata: str


class CellaOut(Schema):
    testo: str = Field(description="Come stampata")
    numero: float | None = Field(description="La cifra, quando la cella è un numero (le percentuali in punti)")


class QuoteOut(Schema):
    colonna: str
    valori: str
    totale: str
    completa: bool


class TabellaContestoOut(Schema):
    slug: str
    titolo: str
    intestazioni: list[str]
    righe: list[list[CellaOut]]
    origine: str = Field(description="«tabella»: stampata come tale; «testo»: cifre citate nel testo")
    fonte: str
    nota: str
    quote: QuoteOut | None
    confronta: str


class AzionePositivaOut(Schema):
    azione: str
    descrizione: str
    atto: str
    riferimento: str


class ContestoOut(Schema):
    fonte: str
    aggiornato_il: str
    organi: list[OrganoOut]
    struttura: list[VoceStrutturaOut]
    attivita: list[AreaAttivitaOut]
    mappa: MappaOut | None
    partecipate: list[PartecipataOut]
    tabelle: list[TabellaContestoOut]
    azioni_positive: list[AzionePositivaOut] = Field(
        default=[], description="Pari opportunità: il piano di azioni positive e gli obiettivi del CUG"
    )
    controlli: list[ControlloOut]


@api.get("/enti/{ente}/contesto", response={200: ContestoOut, **ERRORS}, tags=["contesto"])
def contesto(request, ente: str):
    """The ente's context as stored (words and figures as printed): organs, structure, activities,
    stakeholder map, partecipate, the external context's tables, and what the checks found (docs/contesto.md)."""
    from cruscotto.engine import contesto as co

    e = _ente(request, ente)
    row = m.Contesto.objects.filter(ente=e).first()
    if row is None:
        raise Http404("Nessun dato di contesto.")
    data = selectors.contesto(e)
    return {
        "mappa": None,
        **co.contesto_to_data(data),
        "fonte": row.fonte,
        "aggiornato_il": row.aggiornato_il.isoformat(),
        "controlli": [p.as_dict() for p in co.check_contesto(data)],
    }


def _cycle(request, ente: str, anno: int) -> tuple[m.Ente, m.Ciclo]:
    e = _ente(request, ente)
    c = m.Ciclo.objects.filter(ente=e, anno=anno).first()
    if c is None:
        raise Http404(f"Nessun ciclo {anno}.")
    return e, c


def _cycle_out(request, c: m.Ciclo) -> dict:
    vf, d = lifecycle.version_in_force(c), lifecycle.draft(c)
    return {
        "anno": c.anno,
        "stato": c.stato,
        "versione_in_vigore": vf.versione if vf else None,
        "bozza": d.versione if d else None,
        "passaggi_possibili": lifecycle.moves_for(request.user, c),
    }


@api.get("/enti/{ente}/cicli/{anno}", response={200: CicloOut, **ERRORS}, tags=["ciclo"])
def ciclo(request, ente: str, anno: int):
    """The cycle of the plan starting in ``anno``: state, versions, the steps this user may take."""
    return _cycle_out(request, _cycle(request, ente, anno)[1])


@api.post("/enti/{ente}/cicli/{anno}/transizioni", response={200: CicloOut, **ERRORS}, tags=["ciclo"])
def transizione(request, ente: str, anno: int, dati: TransizioneIn):
    """Move the cycle (in monitoraggio, consuntivo chiuso, validato OIV, pubblicato; the OIV's return)."""
    _e, c = _cycle(request, ente, anno)
    return _cycle_out(request, lifecycle.sposta(user=request.user, ciclo=c, verso=dati.verso, nota=dati.nota))


@api.post("/enti/{ente}/cicli/{anno}/adozioni", response={200: CicloOut, **ERRORS}, tags=["ciclo"])
def adozione(request, ente: str, anno: int, dati: AdozioneIn):
    """Adopt a draft version (the plan, or a rimodulazione) with its act."""
    _e, c = _cycle(request, ente, anno)
    target = c.versioni.filter(versione=dati.versione).first()
    if target is None:
        raise Http404(f"Versione {dati.versione} non trovata.")
    lifecycle.adotta(user=request.user, piano=target, atto=dati.atto, atto_data=dati.atto_data)
    return _cycle_out(request, m.Ciclo.objects.get(pk=c.pk))


@api.post("/enti/{ente}/cicli/{anno}/rimodulazioni", response={200: CicloOut, **ERRORS}, tags=["ciclo"])
def rimodulazione(request, ente: str, anno: int, dati: RimodulazioneIn):
    """Start a rimodulazione: a draft copy of the version in force."""
    _e, c = _cycle(request, ente, anno)
    vf = lifecycle.version_in_force(c)
    if vf is None:
        raise DjangoValidationError("Nessuna versione in vigore da rimodulare.")
    lifecycle.rimodula(user=request.user, piano=vf, motivazione=dati.motivazione)
    return _cycle_out(request, c)


def _comment_out(c: m.Commento) -> dict:
    return {
        "oggetto": c.oggetto,
        "testo": c.testo,
        "autore": c.autore.get_username() if c.autore else "",
        "quando": c.creato_il.isoformat(),
    }


@api.get("/enti/{ente}/cicli/{anno}/commenti", response={200: list[CommentoOut], **ERRORS}, tags=["ciclo"])
def commenti(request, ente: str, anno: int):
    """The OIV's comments on the cycle, item by item, oldest first."""
    _e, c = _cycle(request, ente, anno)
    return [_comment_out(x) for x in c.commenti.select_related("autore")]


@api.post("/enti/{ente}/cicli/{anno}/commenti", response={201: CommentoOut, **ERRORS}, tags=["ciclo"])
def commento(request, ente: str, anno: int, dati: CommentoIn):
    """The OIV comments an indicator, an objective or (with no ``oggetto``) the Relazione."""
    _e, c = _cycle(request, ente, anno)
    return Status(
        201, _comment_out(lifecycle.commenta(user=request.user, ciclo=c, oggetto=dati.oggetto, testo=dati.testo))
    )


@api.post("/enti/{ente}/{anno}/periodi-chiusi", response={200: list[str], **ERRORS}, tags=["valori"])
def chiudi_periodo(request, ente: str, anno: int, dati: PeriodoIn):
    """Close a period of the year (S1, S2, or "" for the year): its values then change only by a reasoned correction.
    Answers the closed periods of the year."""
    e = _ente(request, ente)
    lifecycle.chiudi_periodo(user=request.user, ente=e, anno=anno, periodo=dati.periodo)
    return sorted(m.PeriodoChiuso.objects.filter(ente=e, anno=anno).values_list("periodo", flat=True))


@api.get("/enti/{ente}/registro", response={200: list[RegistroOut], **ERRORS}, tags=["registro"])
@paginate(Pagination)
def registro(request, ente: str, oggetto: str | None = None, utente: str | None = None):
    """The audit trail of the ente, newest first."""
    e = _ente(request, ente)
    qs = m.Registro.objects.filter(ente=e.codice)
    if oggetto:
        qs = qs.filter(oggetto__startswith=oggetto)
    if utente:
        qs = qs.filter(utente=utente)
    return [
        {
            "quando": r.quando.isoformat(),
            "utente": r.utente,
            "azione": r.azione,
            "oggetto": r.oggetto,
            "prima": r.prima,
            "dopo": r.dopo,
            "motivo": r.motivo,
        }
        for r in qs
    ]


# --- uploads of tables: the same reading, checks and all-or-nothing writing as the pages --------


def _import(request, e: m.Ente, anno: int | None, kind: str):
    from cruscotto.performance.uploads import import_tables

    errors = import_tables(request, e, anno, kind)
    if errors:
        return problem(request, 422, "Tabelle non valide", f"{len(errors)} errori: nulla è stato scritto.", errors)
    return None


@api.post("/enti/{ente}/bilanci/{anno}", response={201: BilancioOut, **ERRORS}, tags=["bilancio"])
def bilancio_carica(request, ente: str, anno: int, file: File[list[UploadedFile]]):
    """Upload the budget tables of the year (CSV or XLSX named as in docs/bilancio.md: preventivo-ANNO,
    rapporti, misure ...): they replace the year's, every bad cell is listed and then nothing is written."""
    e = _ente(request, ente)
    refused = _import(request, e, anno, "bilancio")
    return refused or Status(201, bilancio(request, ente, anno))


@api.post("/enti/{ente}/personale", response={201: PersonaleOut, **ERRORS}, tags=["personale"])
def personale_carica(request, ente: str, file: File[list[UploadedFile]]):
    """Upload the staff register (CSV or XLSX, docs/personale.md): it replaces the earlier one;
    every bad cell is listed and then nothing is written."""
    e = _ente(request, ente)
    refused = _import(request, e, None, "personale")
    return refused or Status(201, personale(request, ente))


@api.post("/enti/{ente}/contesto", response={201: ContestoOut, **ERRORS}, tags=["contesto"])
def contesto_carica(request, ente: str, file: File[list[UploadedFile]]):
    """Upload the context files (docs/contesto.md): they replace the earlier data; every bad cell
    is listed and then nothing is written."""
    e = _ente(request, ente)
    refused = _import(request, e, None, "contesto")
    return refused or Status(201, contesto(request, ente))
