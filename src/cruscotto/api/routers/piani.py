"""Enti, plan versions, the tree, plan import."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cruscotto.performance import lavori, permissions, selectors, services
from cruscotto.performance import models as m
from cruscotto.performance.uploads import plan_file_refusal, preview_plan

from ..base import ERRORS, Pagination, _ente, _plan, problem
from ..schemas import EnteOut, ImportOut, LavoroOut, NodoOut, VersioneOut

router = Router()


@router.get("/enti", response={200: list[EnteOut], **ERRORS}, tags=["enti"])
@paginate(Pagination)
def enti(request):
    """The enti where the user has a role."""
    qs = (
        m.Ente.objects.all()
        if request.user.is_superuser
        else m.Ente.objects.filter(ruoli__utente=request.user).distinct()
    )
    return qs.order_by("codice")


@router.get("/enti/{ente}/piani", response={200: list[VersioneOut], **ERRORS}, tags=["piani"])
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


@router.get("/enti/{ente}/{anno}/albero", response={200: list[NodoOut], **ERRORS}, tags=["piani"])
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


@router.post("/enti/{ente}/piani", response={201: ImportOut, 202: LavoroOut, **ERRORS}, tags=["piani"])
def importa(request, ente: str, file: File[UploadedFile], motivazione: Form[str] = ""):
    """Import a plan file (YAML, JSON, CSV, XLSX) as a new draft version; every problem is listed.
    In an adopted cycle the new version is a rimodulazione and needs ``motivazione``. A large file
    (over CRUSCOTTO_IMPORT_INLINE_BYTES) is read, checked and written by the worker: the answer is
    202 with the job, to follow at ``GET /lavori/{id}``."""
    e = _ente(request, ente)
    if not permissions.can_edit_plan(request.user, e):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore importa un piano."))
    # The same checks as the page's (performance/uploads.py), in the caller's language.
    refused = plan_file_refusal(file.name or "", file.size or 0)
    if refused:
        raise DjangoValidationError(refused)
    if (file.size or 0) > settings.CRUSCOTTO_IMPORT_INLINE_BYTES:
        latest = e.piani.order_by("-pk").first()
        job = lavori.avvia_anteprima(
            user=request.user, ente=e, piano=latest, upload=file, importa={"motivazione": motivazione}
        )
        return Status(202, lavoro_out(request, job))
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


def lavoro_out(request, job: m.Lavoro) -> dict:
    esito = job.parametri.get("esito") or {}
    return {
        "id": str(job.pk),
        "tipo": job.tipo,
        "stato": job.stato,
        "fase": job.fase,
        "creato": job.creato.isoformat(),
        "finito": job.finito.isoformat() if job.finito else None,
        "errore": job.errore,
        "errori": esito.get("errors", []),
        "avvisi": [w["message"] for w in esito.get("warnings", [])],
        "versione": job.parametri.get("versione"),
        "url": request.build_absolute_uri(f"/api/v1/lavori/{job.pk}"),
    }


@router.get("/lavori/{lavoro}", response={200: LavoroOut, **ERRORS}, tags=["piani"])
def lavoro(request, lavoro: str):
    """A job the caller started (a large plan import): its state, stage, errors and, once written,
    the plan's version. Another person's job is 404, as one that does not exist."""
    try:
        uid = uuid.UUID(lavoro)
    except ValueError:
        raise Http404(_("Lavoro non trovato.")) from None
    lavori.scaduti()
    job = m.Lavoro.objects.filter(pk=uid, richiedente=request.user).first()
    if job is None:
        raise Http404(_("Lavoro non trovato."))
    return lavoro_out(request, job)
