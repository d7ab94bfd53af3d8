"""Long work outside the web process: start a job, run it in the worker, watch it.

A page or the API calls :func:`avvia_documento`: it checks the bounds, writes a ``Lavoro``
row and puts its task on the queue (django-tasks, a database queue on SQLite and
PostgreSQL). The worker process (``manage.py db_worker``) runs :func:`esegui`: it reads
what the document needs from the database, builds it with ``documents.build``, stores the
file through Django's storage API and records each stage, the timings, and on failure the
message and the traceback. While it runs, a thread writes a sign of life every few seconds:
a job whose worker died (SIGKILL, out of memory, a deploy) stops giving them, and
:func:`scaduti` ends it as failed with a message, so nobody waits for ever; it can be
retried (:func:`riprova`).
"""

from __future__ import annotations

import logging
import tempfile
import threading
import traceback
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import models as m
from . import permissions

log = logging.getLogger("cruscotto.lavori")
S = m.Lavoro.Stato


def _attivi():
    return m.Lavoro.objects.filter(stato__in=(S.IN_CODA, S.IN_CORSO))


def _entro_i_limiti(user) -> None:
    """The bounds of long work, checked before a job is written (ValidationError beyond them):
    a large plan's Piano takes a gigabyte while it is laid out, a large plan's import a minute."""
    scaduti()
    pulizia()  # finished jobs of yesterday and their files go, as the old exports folder's did
    if _attivi().filter(richiedente=user).count() >= settings.CRUSCOTTO_JOBS_PER_USER:
        raise ValidationError(
            _("Ha già %(n)s documenti in preparazione: attenda che siano pronti.")
            % {"n": settings.CRUSCOTTO_JOBS_PER_USER}
        )
    if _attivi().count() >= settings.CRUSCOTTO_JOBS_TOTAL:
        raise ValidationError(_("Troppi documenti in preparazione in questo momento: riprovi tra qualche minuto."))


def avvia_documento(
    *,
    user,
    ente: m.Ente,
    piano: m.Piano,
    anno: int,
    kind: str,
    fmt: str,
    periodo: str = "S1",
    tentativo_di: m.Lavoro | None = None,
) -> m.Lavoro:
    """Queue document ``kind`` in ``fmt`` for ``user``; ValidationError when a bound is reached."""
    from cruscotto.documents.build import KINDS, filename

    if fmt not in KINDS.get(kind, ()):
        raise ValidationError(_("Documento non disponibile."))
    if not permissions.can_read(user, ente):  # who may read the ente's results may have its documents
        raise PermissionDenied(_("Non ha accesso ai documenti di questo ente."))
    with transaction.atomic():
        _entro_i_limiti(user)
        job = m.Lavoro.objects.create(
            tipo="documento",
            parametri={"kind": kind, "fmt": fmt, "anno": anno, "periodo": periodo, "piano": piano.pk},
            ente=ente,
            richiedente=user,
            fase=_("in coda"),
            nome_file=filename(kind, fmt, ente.codice, anno, periodo),
            tentativo_di=tentativo_di,
        )
        transaction.on_commit(lambda: _enqueue(job))
    log.info("lavoro %s in coda: %s %s %s %s per %s", job.pk, kind, fmt, ente.codice, anno, user)
    return job


def _enqueue(job: m.Lavoro) -> None:
    from .tasks import esegui_lavoro

    result = esegui_lavoro.enqueue(str(job.pk))
    # An immediate backend (tests) has already run the job: keep what it wrote.
    m.Lavoro.objects.filter(pk=job.pk).update(task_id=str(result.id))


def riprova(*, user, job: m.Lavoro) -> m.Lavoro:
    """A failed job again, with the same parameters."""
    if job.stato != S.ERRORE:
        raise ValidationError(_("Si riprova solo un lavoro non riuscito."))
    p = job.parametri
    piano = m.Piano.objects.filter(pk=p["piano"]).first()
    if job.tipo == "anteprima":
        if not job.file:
            raise ValidationError(_("Anteprima scaduta: carichi di nuovo il file."))
        with job.file.open("rb") as f:
            return avvia_anteprima(
                user=user, ente=job.ente, piano=piano, upload=File(f, name=job.nome_file), importa=p.get("importa")
            )
    if job.tipo == "approvazione":
        from datetime import date

        ciclo = m.Ciclo.objects.get(pk=p["ciclo"], ente=job.ente)
        return avvia_approvazione(user=user, ciclo=ciclo, atto=p["atto"], atto_data=date.fromisoformat(p["atto_data"]))
    if job.tipo == "importazione":
        preview = m.Lavoro.objects.get(pk=p["anteprima"])
        return avvia_importazione(user=user, anteprima=preview, motivazione=p.get("motivazione", ""))
    if piano is None:
        raise ValidationError(_("Documento non disponibile."))
    return avvia_documento(
        user=user,
        ente=job.ente,
        piano=piano,
        anno=p["anno"],
        kind=p["kind"],
        fmt=p["fmt"],
        periodo=p.get("periodo", "S1"),
        tentativo_di=job,
    )


# A plan file up to this size is checked and imported in the web request, as people expect of
# an ordinary plan (the demo's sheet is 40 KB, read in a fraction of a second); a larger one
# (a 5,000-indicator plan is 3.8 MB and takes 13 s to check) goes to the worker.
def _inline(size: int) -> bool:
    return size <= settings.CRUSCOTTO_IMPORT_INLINE_BYTES


def avvia_anteprima(*, user, ente: m.Ente, piano: m.Piano | None, upload, importa: dict | None = None) -> m.Lavoro:
    """Step 1 of a plan import: the file is kept in the storage (any web process may serve step
    2) and read and checked (``uploads.preview_plan``) with nothing written to the plan; in the
    request for an ordinary file, by the worker for a large one. The preview (errors, warnings,
    summary) is kept in the job's ``parametri["esito"]``. With ``importa`` (the API, which has no
    preview step: ``{"motivazione": …}``) a clean file is then written in the same job."""
    if not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può modificare il piano."))
    name = Path(upload.name or "").name
    with transaction.atomic():
        _entro_i_limiti(user)
        job = m.Lavoro.objects.create(
            tipo="anteprima",
            parametri={"piano": piano.pk if piano else None, "lingua": translation.get_language()}
            | ({"importa": importa} if importa is not None else {}),
            ente=ente,
            richiedente=user,
            fase=_("in coda"),
            nome_file=name[:200],
        )
        job.file.save(f"{job.pk}{Path(name).suffix.lower()}", upload, save=True)
    return _avvia(job, inline=_inline(job.file.size))


def avvia_importazione(*, user, anteprima: m.Lavoro, motivazione: str = "") -> m.Lavoro:
    """Step 2: the previewed file written as a new version of the plan (``services.piano_import``),
    read and checked again first: in the request for an ordinary file, by the worker for a large one."""
    esito = anteprima.parametri.get("esito") or {}
    if anteprima.tipo != "anteprima" or anteprima.stato != S.PRONTO or esito.get("errors") or not anteprima.file:
        raise ValidationError(_("Anteprima scaduta: carichi di nuovo il file."))
    if esito.get("rimodulazione") and not motivazione.strip():
        raise ValidationError(
            _("Il piano %(anno)s è adottato: un nuovo file è una rimodulazione e ne serve la motivazione.")
            % {"anno": esito["summary"]["anni"][0]}
        )
    with transaction.atomic():
        _entro_i_limiti(user)
        job = m.Lavoro.objects.create(
            tipo="importazione",
            parametri={
                "piano": anteprima.parametri["piano"],
                "anteprima": str(anteprima.pk),
                "motivazione": motivazione,
                "lingua": translation.get_language(),
            },
            ente=anteprima.ente,
            richiedente=user,
            fase=_("in coda"),
            nome_file=anteprima.nome_file,
        )
    return _avvia(job, inline=_inline(anteprima.file.size))


def _avvia(job: m.Lavoro, *, inline: bool) -> m.Lavoro:
    if inline:
        esegui(str(job.pk), battito=False)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _enqueue(job))
        log.info("lavoro %s in coda: %s %s per %s", job.pk, job.tipo, job.nome_file, job.richiedente)
    return job


def scaduti() -> int:
    """End as failed the running jobs that gave no sign of life for too long (their worker died)."""
    limit = timezone.now() - timedelta(seconds=settings.CRUSCOTTO_JOB_STALE_SECONDS)
    stale = list(m.Lavoro.objects.filter(stato=S.IN_CORSO, battito__lt=limit).values_list("pk", "task_id"))
    for pk, task_id in stale:
        changed = m.Lavoro.objects.filter(pk=pk, stato=S.IN_CORSO, battito__lt=limit).update(
            stato=S.ERRORE,
            finito=timezone.now(),
            fase=_("interrotto"),
            errore=_(
                "Il processo che preparava il documento si è interrotto (nessun segno di vita da oltre %(s)s secondi). Si può riprovare."
            )
            % {"s": settings.CRUSCOTTO_JOB_STALE_SECONDS},
        )
        if changed:
            log.warning("lavoro %s interrotto: nessun segno di vita dal worker", pk)
            _fail_task(task_id)
    return len(stale)


def _fail_task(task_id: str) -> None:
    """The queue's own record of a job whose worker died says so too."""
    if not task_id:
        return
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: nothing of ours to correct
        return
    DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now(), exception_class_path="cruscotto.WorkerInterrotto"
    )


class _Heartbeat(threading.Thread):
    """Writes the job's sign of life every few seconds while the build runs."""

    def __init__(self, pk):
        super().__init__(name=f"battito-{pk}", daemon=True)
        self.pk = pk
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.wait(settings.CRUSCOTTO_JOB_HEARTBEAT_SECONDS):
                m.Lavoro.objects.filter(pk=self.pk, stato=S.IN_CORSO).update(battito=timezone.now())
        finally:
            connection.close()  # this thread's own connection


def _stage(pk, text: str) -> None:
    m.Lavoro.objects.filter(pk=pk).update(fase=text, battito=timezone.now())


class Rifiutato(Exception):
    """Work that ended for a reason to show as it is (a plan the cycle refuses), not a fault."""


def esegui(pk: str, *, battito: bool = True) -> str:
    """Run job ``pk`` (in the worker; a plan import of an ordinary size in the request, without
    the sign-of-life thread): build, store, record. Returns the job's final state."""
    now = timezone.now()
    taken = m.Lavoro.objects.filter(pk=pk, stato=S.IN_CODA).update(
        stato=S.IN_CORSO, iniziato=now, battito=now, fase=_("preparazione")
    )
    if not taken:
        log.warning("lavoro %s non in coda: non eseguito", pk)
        return "saltato"
    job = m.Lavoro.objects.select_related("ente", "richiedente").get(pk=pk)
    beat = _Heartbeat(job.pk) if battito else None
    if beat:
        beat.start()
    try:
        with translation.override(job.parametri.get("lingua") or settings.LANGUAGE_CODE):
            WORK[job.tipo](job)
        m.Lavoro.objects.filter(pk=job.pk).update(
            stato=S.PRONTO, fase=_("pronto"), file=job.file.name, finito=timezone.now(), battito=timezone.now()
        )
        log.info("lavoro %s pronto: %s %s", job.pk, job.tipo, job.nome_file)
        return str(S.PRONTO)
    except Rifiutato as exc:
        log.info("lavoro %s rifiutato: %s", job.pk, exc)
        m.Lavoro.objects.filter(pk=job.pk).update(
            stato=S.ERRORE, fase=_("errore"), finito=timezone.now(), errore=str(exc)[:2000]
        )
        return str(S.ERRORE)
    except Exception as exc:
        log.exception("lavoro %s non riuscito", job.pk)
        m.Lavoro.objects.filter(pk=job.pk).update(
            stato=S.ERRORE,
            fase=_("errore"),
            finito=timezone.now(),
            errore=f"{exc.__class__.__name__}: {exc}"[:2000],
            traccia=traceback.format_exc(),
        )
        raise
    finally:
        if beat:
            beat.stop.set()
            beat.join(timeout=5)


def _documento(job: m.Lavoro) -> None:
    from cruscotto.documents.build import build

    from .selectors import document_inputs

    p = job.parametri
    piano = m.Piano.objects.get(pk=p["piano"], ente=job.ente)
    inputs = document_inputs(job.ente, piano, p["anno"], p["kind"], p.get("periodo", "S1"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / job.nome_file
        build(p["kind"], p["fmt"], inputs, out, lambda text: _stage(job.pk, text))
        _stage(job.pk, _("salvataggio"))
        with out.open("rb") as f:
            job.file.save(f"{job.pk}.{p['fmt']}", File(f), save=False)


def _backup(job: m.Lavoro) -> None:
    """The ente's backup (performance/backup.py), written into the job's folder."""
    from .backup import dump_to_path

    folder = Path(job.parametri["cartella"])
    folder.mkdir(parents=True, exist_ok=True)
    summary = dump_to_path(job.ente.codice, folder / job.nome_file)
    _stage(job.pk, _("%(n)s righe") % {"n": summary.total})


def avvia_approvazione(*, user, ciclo: m.Ciclo, atto: str, atto_data) -> m.Lavoro:
    """The governing organ approved the Relazione (a delibera, its number and date): build it, PDF
    and DOCX, from the version in force and archive that exact file with its SHA-256. In the
    request for an ordinary plan, by the worker for a large one."""
    from .ciclo import version_in_force
    from .selectors import plan_for

    if not permissions.can_edit_plan(user, ciclo.ente):
        raise PermissionDenied(_("Registra l'approvazione il controllo di gestione o un amministratore."))
    if ciclo.stato != m.Ciclo.Stato.CHIUSO:
        raise ValidationError(_("Si approva la Relazione di un anno chiuso (consuntivo chiuso)."))
    if not atto.strip() or atto_data is None:
        raise ValidationError(_("Servono l'atto di approvazione (numero della delibera) e la sua data."))
    piano = version_in_force(ciclo)
    if piano is None:
        raise ValidationError(_("Il ciclo non ha una versione del piano in vigore."))
    with transaction.atomic():
        _entro_i_limiti(user)
        job = m.Lavoro.objects.create(
            tipo="approvazione",
            parametri={"ciclo": ciclo.pk, "piano": piano.pk, "atto": atto.strip(), "atto_data": atto_data.isoformat()},
            ente=ciclo.ente,
            richiedente=user,
            fase=_("in coda"),
            nome_file=f"relazione-{ciclo.ente.codice}-{ciclo.anno}",
        )
    # A PDF of the demo plan takes seconds; one of thousands of indicators, minutes.
    return _avvia(job, inline=sum(1 for _ in plan_for(piano).indicatori()) <= 500)


def _approvazione(job: m.Lavoro) -> None:
    import hashlib
    from datetime import date

    from cruscotto.documents.build import build

    from .audit import registra
    from .selectors import document_inputs

    p = job.parametri
    ciclo = m.Ciclo.objects.select_related("ente").get(pk=p["ciclo"], ente=job.ente)
    if ciclo.stato != m.Ciclo.Stato.CHIUSO:
        raise Rifiutato(_("Si approva la Relazione di un anno chiuso (consuntivo chiuso)."))
    piano = m.Piano.objects.get(pk=p["piano"], ente=job.ente)
    inputs = document_inputs(job.ente, piano, ciclo.anno, "relazione", "S1")
    row = m.RelazioneApprovata(
        ciclo=ciclo,
        anno=ciclo.anno,
        atto=p["atto"],
        atto_data=date.fromisoformat(p["atto_data"]),
        approvata_da=job.richiedente,
    )
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("pdf", "docx"):
            _stage(job.pk, _("costruzione della Relazione %(f)s") % {"f": fmt.upper()})
            out = Path(tmp) / f"{job.nome_file}.{fmt}"
            build("relazione", fmt, inputs, out)
            setattr(row, f"sha256_{fmt}", hashlib.sha256(out.read_bytes()).hexdigest())
            with out.open("rb") as f:
                getattr(row, fmt).save(f"{job.pk}.{fmt}", File(f), save=False)
    with transaction.atomic():
        ciclo.approvazioni.filter(annullata_il=None).update(annullata_il=timezone.now())
        row.save()
        registra(
            user=job.richiedente,
            azione="relazione.approva",
            ente=ciclo.ente,
            piano=piano,
            oggetto=f"relazione {ciclo.anno}",
            dopo={
                "atto": row.atto,
                "atto_data": p["atto_data"],
                "sha256_pdf": row.sha256_pdf,
                "sha256_docx": row.sha256_docx,
            },
        )


def _local_copy(job: m.Lavoro, tmp: str) -> Path:
    """The job's stored file as a local file (the storage may be S3), under its own suffix."""
    path = Path(tmp) / f"piano{Path(job.file.name).suffix.lower()}"
    with job.file.open("rb") as src, path.open("wb") as dst:
        for chunk in src.chunks():
            dst.write(chunk)
    return path


def _anteprima(job: m.Lavoro) -> None:
    from .selectors import plan_for
    from .uploads import plan_summary, preview_plan

    _stage(job.pk, _("lettura del file"))
    with tempfile.TemporaryDirectory() as tmp:
        loaded, errors, warnings = preview_plan(_local_copy(job, tmp), job.ente)
    esito: dict = {"errors": errors, "warnings": warnings, "summary": None, "rimodulazione": False}
    if loaded is not None:
        current = m.Piano.objects.filter(pk=job.parametri["piano"], ente=job.ente).first()  # None: a first plan
        esito["summary"] = plan_summary(loaded, plan_for(current) if current else None)
        esito["rimodulazione"] = m.Piano.objects.filter(
            ente=job.ente,
            ciclo__anno=min(loaded.piano.anni),
            stato_versione=m.Piano.StatoVersione.IN_VIGORE,
        ).exists()
    if errors:  # a file that cannot be imported is not kept
        job.file.delete(save=False)
        job.file.name = ""
    job.parametri = {**job.parametri, "esito": esito}
    m.Lavoro.objects.filter(pk=job.pk).update(parametri=job.parametri, file=job.file.name)
    if "importa" in job.parametri and errors:
        raise Rifiutato(_("Piano con errori: nulla è stato scritto") + f" ({len(errors)})")
    if "importa" in job.parametri and loaded is not None:
        # The API's import has no preview step: a clean file is written in the same job.
        _scrivi(job, loaded, job.parametri["importa"].get("motivazione", ""))
        job.file.delete(save=False)
        job.file.name = ""


def _importazione(job: m.Lavoro) -> None:
    from .uploads import preview_plan

    p = job.parametri
    preview = m.Lavoro.objects.filter(pk=p["anteprima"], ente=job.ente).first()
    if preview is None or not preview.file:
        raise Rifiutato(_("Anteprima scaduta: carichi di nuovo il file."))
    _stage(job.pk, _("lettura del file"))
    with tempfile.TemporaryDirectory() as tmp:
        # Read and checked again: the plan may have changed since the preview (another import).
        loaded, errors, _warnings = preview_plan(_local_copy(preview, tmp), job.ente)
    if loaded is None or errors:
        raise Rifiutato(" ".join(e["message"] for e in errors[:5]))
    _scrivi(job, loaded, p.get("motivazione", ""))
    preview.file.delete(save=False)  # imported: the preview cannot be confirmed twice
    m.Lavoro.objects.filter(pk=preview.pk).update(file="")


def _scrivi(job: m.Lavoro, loaded, motivazione: str) -> None:
    """The checked plan written as a new version (services.piano_import); the version in the job."""
    from . import services

    _stage(job.pk, _("scrittura del piano"))
    try:
        new = services.piano_import(
            piano=loaded.piano,
            valori=loaded.valori if loaded.valori.consuntivi else None,
            user=job.richiedente,
            motivazione=motivazione,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise Rifiutato(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    job.parametri = {**job.parametri, "versione": new.versione, "anno": new.anni[0]}
    m.Lavoro.objects.filter(pk=job.pk).update(parametri=job.parametri)


def avvia_promemoria() -> m.Lavoro | None:
    """The morning's reminders (performance/calendario.py) as one job (`manage.py accoda promemoria`)."""
    ente = m.Ente.objects.order_by("pk").first()
    if ente is None:
        return None
    with transaction.atomic():
        job = m.Lavoro.objects.create(tipo="promemoria", parametri={}, ente=ente, fase=_("in coda"), nome_file="")
        transaction.on_commit(lambda: _enqueue(job))
    return job


def _promemoria(job: m.Lavoro) -> None:
    from .calendario import promemoria

    sent = promemoria(oggi=timezone.localdate())
    job.parametri = {**job.parametri, "inviati": sent}
    m.Lavoro.objects.filter(pk=job.pk).update(parametri=job.parametri, fase=_("%(n)s promemoria inviati") % {"n": sent})


def avvia_backup(*, cartella: str | Path) -> list[m.Lavoro]:
    """One backup job per ente, for the nightly copy (`manage.py accoda backup`, docs/backup.md)."""
    jobs = []
    stamp = timezone.localdate().isoformat()
    with transaction.atomic():
        for ente in m.Ente.objects.order_by("codice"):
            job = m.Lavoro.objects.create(
                tipo="backup",
                parametri={"cartella": str(cartella)},
                ente=ente,
                fase=_("in coda"),
                nome_file=f"{ente.codice}-{stamp}.json.gz",
            )
            transaction.on_commit(lambda job=job: _enqueue(job))
            jobs.append(job)
    log.info("%s backup in coda in %s", len(jobs), cartella)
    return jobs


# What each kind of job does, in the worker.
WORK = {
    "documento": _documento,
    "backup": _backup,
    "anteprima": _anteprima,
    "importazione": _importazione,
    "approvazione": _approvazione,
    "promemoria": _promemoria,
}


def pulizia(*, giorni: int = 1) -> int:
    """Delete finished jobs older than ``giorni`` days, their files with them: documents fetched
    or not, and previews of plans never confirmed (an ``anteprima`` stays *pronto* until then).
    Then whatever an interrupted upload left in the upload folder (a process killed with SIGKILL
    cannot remove its own files: Django's partial uploads go there, FILE_UPLOAD_TEMP_DIR)."""
    import shutil

    from django.conf import settings

    limit = timezone.now() - timedelta(days=giorni)
    old = m.Lavoro.objects.filter(stato__in=(S.PRONTO, S.ERRORE), creato__lt=limit)
    n = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        n += 1
    folders = {settings.VAR_DIR / "uploads", Path(settings.FILE_UPLOAD_TEMP_DIR)}
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.resolve() in {f.resolve() for f in folders} or entry.stat().st_mtime >= limit.timestamp():
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            n += 1
    return n
