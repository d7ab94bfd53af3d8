"""Uploaded files: size and type checks, and the tables (budget, measures, staff, context) read
and stored all or nothing. The pages and the REST API share it, so both answer alike."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cruscotto.engine.entry import check_actuals
from cruscotto.engine.errors import PlanError
from cruscotto.engine.validation import validate_plan
from cruscotto.files import LoadedPlan, load_plan

from . import limiti, permissions, services

UPLOAD_LIMIT = 10 * 1024 * 1024  # 10 MiB: far above a real plan (the demo XLSX is 40 KB)
UPLOAD_TYPES = (".yaml", ".yml", ".json", ".csv", ".xlsx")


def uploads_dir():
    from django.conf import settings

    d = settings.VAR_DIR / "uploads"
    d.mkdir(exist_ok=True)
    return d


def plan_file_refusal(name: str, size: int) -> str | None:
    """Why an uploaded plan file is refused before it is read (its type, its size), or None."""
    suffix = Path(name or "").suffix.lower()
    if suffix not in UPLOAD_TYPES:
        return _("Formato non ammesso: %(s)s (ammessi: %(t)s).") % {"s": suffix or "—", "t": ", ".join(UPLOAD_TYPES)}
    if size > UPLOAD_LIMIT:
        return _("File troppo grande (massimo 10 MB).")
    return None


def preview_plan(path: Path, ente) -> tuple[LoadedPlan | None, list[dict], list[dict]]:
    """Read and check an uploaded plan without writing anything: the plan, its errors (nothing
    may be written while there are any) and its warnings, for the page and the API alike."""
    try:
        # A sheet without a Piano tab belongs to the ente of the page or call it is uploaded through.
        loaded = load_plan(path, ente=(ente.codice, ente.nome))
    except PlanError as exc:
        return None, [p.as_dict() for p in exc.problems], []
    problems = loaded.locate(validate_plan(loaded.piano))
    errors = [p.as_dict() for p in problems if p.severity == "error"]
    # Texts that would not fit their columns (or hold a NUL): refused here, not half-imported.
    errors += limiti.plan_problems(loaded.piano)
    # The file's actual values, each of its indicator's kind (a date on a numeric one is refused).
    for wrong in check_actuals(loaded.piano, loaded.valori.consuntivi):
        where = wrong.where or ""
        code = where.split(" ", 1)[0]
        if code in loaded.righe:
            where = f"riga {loaded.righe[code]} ({where})"
        errors.append({"code": "valore_non_valido", "message": f"{wrong.reason}: {wrong.value!r}", "where": where})
    warnings = [p.as_dict() for p in loaded.warnings] + [p.as_dict() for p in problems if p.severity == "warning"]
    if loaded.piano.ente.codice != ente.codice:
        errors.insert(
            0,
            {
                "code": "ente",
                "message": _("Il file è il piano dell'ente %(f)s, non di %(e)s.")
                % {"f": loaded.piano.ente.codice, "e": ente.codice},
                "where": "ente.codice",
            },
        )
    return loaded, errors, warnings


def plan_summary(loaded: LoadedPlan, current) -> dict:
    """What the preview tells of a file: its shape, and the indicators it adds and removes
    against ``current`` (the engine plan in force on the page, or None)."""
    p = loaded.piano
    now = {i.codice for i in current.indicatori()} if current is not None else set()
    new = {i.codice for i in p.indicatori()}
    return {
        "titolo": p.titolo,
        "anni": list(p.anni),
        "prospettive": len(p.prospettive),
        "obiettivi_strategici": sum(1 for _ in p.obiettivi_strategici()),
        "obiettivi_operativi": sum(1 for _ in p.obiettivi_operativi()),
        "indicatori": len(new),
        "nuovi": sorted(new - now),
        "tolti": sorted(now - new),
        "consuntivi": len(loaded.valori.consuntivi),
    }


TABLE_TYPES = (".csv", ".xlsx")


def saved_uploads(request, field: str, folder: Path) -> tuple[list[Path], list[dict]]:
    """The uploaded files of ``field`` in ``folder`` under their own (sanitised) names; refused ones listed."""
    saved, errors = [], []
    for upload in request.FILES.getlist(field):
        name = Path(upload.name).name
        suffix = Path(name).suffix.lower()
        if suffix not in TABLE_TYPES:
            errors.append(
                {"where": name, "message": _("Formato non ammesso (ammessi: %(t)s).") % {"t": ", ".join(TABLE_TYPES)}}
            )
            continue
        if upload.size > UPLOAD_LIMIT:
            errors.append({"where": name, "message": _("File troppo grande (massimo 10 MB).")})
            continue
        # A name of the user's, made safe: "!!!.csv" or "....csv" slugify to nothing and once wrote
        # next to the folder, not in it; two files of the same name no longer overwrite each other.
        stem = slugify(Path(name).stem).replace("_", "-") or "file"
        target = folder / f"{stem}{suffix}"
        n = 2
        while target.exists():
            target, n = folder / f"{stem}-{n}{suffix}", n + 1
        if target.resolve().parent != folder.resolve():
            raise SuspiciousFileOperation(f"nome di file non ammesso: {name!r}")
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        saved.append(target)
    if not saved and not errors:
        errors.append({"where": "", "message": _("Nessun file scelto.")})
    return saved, errors


def _fonte(request, limit: int = 200) -> str:
    """The uploaded files' names, as the record's source: all of them when they fit, else how
    many there were and as many names as fit (the field holds 200 characters)."""
    names = [u.name for u in request.FILES.getlist("file")]
    text = ", ".join(names)
    if len(text) <= limit:
        return text
    head = f"{len(names)} file: "
    return head + text[: limit - len(head) - 1].rsplit(", ", 1)[0] + "…"


def import_tables(request, ente, anno: int | None, kind: str) -> list[dict]:
    """Read the uploaded tables (``request.FILES["file"]``) and store them; every error comes back,
    and then nothing is written. ``kind``: bilancio (of ``anno``), misure, personale, contesto."""
    import tempfile

    from cruscotto.engine.errors import ParseError
    from cruscotto.files.tables import InvalidFile

    if kind == "piao23":  # the RPCT's proposal (L. 190/2012, art. 1 c. 8)
        if not permissions.can_edit_rischi(request.user, ente):
            raise PermissionDenied(_("Solo l'RPCT o un amministratore carica la sezione 2.3 del PIAO."))
    elif not permissions.can_edit_plan(request.user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può modificare il piano."))
    with tempfile.TemporaryDirectory(dir=uploads_dir()) as tmp:
        files, errors = saved_uploads(request, "file", Path(tmp))
        if errors:
            return errors
        try:
            return _STORE[kind](request, ente, anno, files, tmp)
        except InvalidFile as exc:  # every bad cell of the file
            return [{"where": p.where.replace(tmp + "/", ""), "message": p.message} for p in exc.problems]
        except ParseError as exc:
            return [
                {
                    "where": (exc.where or "").replace(tmp + "/", ""),
                    "message": exc.reason + (f": {exc.value!r}" if exc.value is not None else ""),
                }
            ]
        except ValidationError as exc:
            return [{"where": "", "message": msg} for msg in exc.messages]


def _none_recognised(files: list[Path], message: str) -> list[dict]:
    return [{"where": ", ".join(f.name for f in files), "message": message}]


def _store_bilancio(request, ente, anno, files: list[Path], folder: str) -> list[dict]:
    from cruscotto.files.bilancio import load_bilancio

    tables = load_bilancio(folder)
    found = (
        tables.preventivo,
        tables.investimenti,
        tables.patrimonio,
        tables.stato_patrimoniale,
        tables.composizioni,
        tables.rapporti,
    )
    if not any(found):
        return _none_recognised(
            files,
            _(
                "Nessuna tabella di bilancio riconosciuta: i file si chiamano preventivo-ANNO, investimenti-ANNO, "
                "patrimonio-netto-ANNO, stato-patrimoniale, composizione, rapporti (con misure, facoltativo); le "
                "sole misure di base si caricano con il loro modulo."
            ),
        )
    services.bilancio_importa(user=request.user, ente=ente, bilancio=tables, fonte=_fonte(request), anno=anno)
    return []


def _store_misure(request, ente, anno, files: list[Path], folder: str) -> list[dict]:
    from cruscotto.engine.scoring import Valori
    from cruscotto.files.values import read_measures

    valori = Valori()
    for f in files:
        read_measures(f, into=valori)
    with transaction.atomic():  # all the measures or none
        for (nome, year), value in sorted(valori.misure.items()):
            services.misura_registra(user=request.user, ente=ente, nome=nome, anno=year, valore=value)
    return []


def _store_contesto(request, ente, anno, files: list[Path], folder: str) -> list[dict]:
    from cruscotto.files.contesto import load_contesto

    c = load_contesto(folder)
    if not any((c.organi, c.struttura, c.attivita, c.mappa, c.partecipate, c.tabelle, c.azioni_positive)):
        return _none_recognised(
            files,
            _(
                "Nessuna tabella riconosciuta: i file si chiamano organi, struttura, attivita, stakeholder, "
                "partecipate, azioni-positive, contesto e contesto-NOME."
            ),
        )
    services.contesto_importa(user=request.user, ente=ente, contesto=c, fonte=_fonte(request))
    return []


def _store_personale(request, ente, anno, files: list[Path], folder: str) -> list[dict]:
    from cruscotto.files.personale import read_personale

    register = read_personale(files[0])
    fonte = request.FILES.getlist("file")[0].name
    services.personale_importa(user=request.user, ente=ente, registro=register.dipendenti, fonte=fonte)
    return []


def _store_piao23(request, ente, anno, files: list[Path], folder: str) -> list[dict]:
    from cruscotto.files.rischi import load_sezione23

    from . import piao

    stored, _row = piao.registro(piao.piao_di(ente, anno))
    sezione = load_sezione23(files, base=stored)
    if sezione.registro is None and sezione.obblighi is None:
        return _none_recognised(
            files,
            _(
                "Nessuna tabella riconosciuta: i file (o i fogli di una cartella XLSX) si chiamano processi, eventi, "
                "valutazioni, misure, indicatori, scala e obblighi."
            ),
        )
    try:
        piao.sezione23_importa(
            user=request.user,
            ente=ente,
            anno=anno,
            registro_=sezione.registro,
            obblighi_=sezione.obblighi,
            fonte=_fonte(request),
        )
    except piao.SezioneNonValida as exc:  # the method's rules, each at its place in the register
        return [{"where": p.where, "message": p.message} for p in exc.problems]
    return []


def _store_piao_sezioni(request, ente, anno, files: list[Path], folder: str) -> list[dict]:
    from cruscotto.files.sezione3 import load_sezione3
    from cruscotto.files.valore_pubblico import load_valore_pubblico

    from . import piao

    vp, s3 = load_valore_pubblico(files), load_sezione3(files)
    if vp is None and not any(getattr(s3, f) is not None for f in s3.__dataclass_fields__):
        return _none_recognised(
            files,
            _(
                "Nessuna tabella riconosciuta: i file (o i fogli) si chiamano valore-pubblico-obiettivi, "
                "valore-pubblico-indicatori, assegnazioni, attivita, accordi, cessazioni, assunzioni, parametri, "
                "corsi e partecipazioni."
            ),
        )
    try:
        piao.sezioni_importa(user=request.user, ente=ente, anno=anno, vp=vp, s3=s3, fonte=_fonte(request))
    except piao.SezioneNonValida as exc:
        return [{"where": p.where, "message": p.message} for p in exc.problems]
    return []


# Which tables an upload holds, and how they are stored (all or nothing, by the services).
_STORE = {"bilancio": _store_bilancio, "misure": _store_misure, "contesto": _store_contesto}
_STORE["personale"] = _store_personale
_STORE["piao23"] = _store_piao23
_STORE["piao_sezioni"] = _store_piao_sezioni
