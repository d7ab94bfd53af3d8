"""Long work on the real queue: jobs in the database, worker processes (`manage.py db_worker`).

The first tests run in the test process (bounds, failures, stale jobs, retry). The last ones
start real worker processes on a database of their own, made for the test: a SQLite file, or
a fresh PostgreSQL database when the suite runs on PostgreSQL (.ci/run), and kill one with
SIGKILL in the middle of a build.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cruscotto.performance import lavori
from cruscotto.performance import models as m

S = m.Lavoro.Stato
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queued(settings):
    """Jobs stay in the queue: nothing runs them (the bounds and the page's states)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_jobs_are_bounded_per_user_and_in_all(piano, queued, settings, django_capture_on_commit_callbacks):
    from django.utils import translation

    translation.activate("it")  # the messages are the services', in the active language
    settings.CRUSCOTTO_JOBS_PER_USER, settings.CRUSCOTTO_JOBS_TOTAL = 2, 3
    oiv, controllo = _user("oiv"), _user("controllo")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            lavori.avvia_documento(user=oiv, ente=piano.ente, piano=piano, anno=2020, kind="relazione", fmt="pdf")
    with pytest.raises(ValidationError, match="Ha già 2 documenti in preparazione"):
        lavori.avvia_documento(user=oiv, ente=piano.ente, piano=piano, anno=2020, kind="relazione", fmt="pdf")
    lavori.avvia_documento(user=controllo, ente=piano.ente, piano=piano, anno=2020, kind="piano", fmt="docx")
    with pytest.raises(ValidationError, match="Troppi documenti"):
        lavori.avvia_documento(
            user=_user("consultazione"), ente=piano.ente, piano=piano, anno=2020, kind="piano", fmt="pdf"
        )
    assert m.Lavoro.objects.filter(stato=S.IN_CODA).count() == 3


def test_the_page_refuses_beyond_the_bound_and_says_why(as_user, piano, queued, settings):
    settings.CRUSCOTTO_JOBS_PER_USER = 1
    c = as_user("oiv")
    assert (
        c.post("/CCIAA-PT/2020/documenti/", {"tipo": "relazione", "formato": "pdf"}, HTTP_HX_REQUEST="true").status_code
        == 200
    )
    r = c.post("/CCIAA-PT/2020/documenti/", {"tipo": "relazione", "formato": "docx"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 429 and "Ha già 1 documenti in preparazione" in r.content.decode()
    # The page shows the queued job as such.
    page = c.get("/CCIAA-PT/2020/documenti/").content.decode()
    assert "in coda dalle" in page


def test_a_failed_job_keeps_its_message_and_traceback_and_can_be_retried(as_user, piano, queued):
    job = m.Lavoro.objects.create(
        tipo="documento",
        parametri={"kind": "relazione", "fmt": "pdf", "anno": 2020, "piano": 10**9},
        ente=piano.ente,
        richiedente=_user("oiv"),
        nome_file="relazione.pdf",
    )
    with pytest.raises(m.Piano.DoesNotExist):
        lavori.esegui(str(job.pk))
    job.refresh_from_db()
    assert (
        job.stato == S.ERRORE
        and job.errore.startswith("DoesNotExist: ")
        and "Traceback (most recent call last)" in job.traccia
    )
    assert job.finito is not None
    c = as_user("oiv")
    html = c.get(f"/CCIAA-PT/2020/documenti/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "non è riuscita" in html and "DoesNotExist" in html and "Riprova" in html
    # Retried with the same parameters (here still failing: a plan that does not exist).
    m.Lavoro.objects.filter(pk=job.pk).update(parametri={**job.parametri, "piano": piano.pk})
    r = c.post(f"/CCIAA-PT/2020/documenti/{job.pk}/riprova/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    again = m.Lavoro.objects.get(tentativo_di=job)
    assert again.stato == S.IN_CODA and again.parametri["piano"] == piano.pk
    # Someone else neither sees it nor retries it.
    other = as_user("controllo")
    assert other.get(f"/CCIAA-PT/2020/documenti/{job.pk}/").status_code == 404
    assert other.post(f"/CCIAA-PT/2020/documenti/{job.pk}/riprova/").status_code == 404


def test_a_running_job_without_signs_of_life_ends_failed(piano, queued, settings):
    settings.CRUSCOTTO_JOB_STALE_SECONDS = 60
    old = timezone.now() - timedelta(seconds=61)
    fresh = timezone.now() - timedelta(seconds=5)
    dead = m.Lavoro.objects.create(
        tipo="documento", parametri={}, ente=piano.ente, stato=S.IN_CORSO, iniziato=old, battito=old
    )
    alive = m.Lavoro.objects.create(
        tipo="documento", parametri={}, ente=piano.ente, stato=S.IN_CORSO, iniziato=old, battito=fresh
    )
    assert lavori.scaduti() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.stato == S.ERRORE and "si è interrotto" in dead.errore and "Si può riprovare" in dead.errore
    assert alive.stato == S.IN_CORSO


def test_finished_jobs_are_cleaned_up_with_their_files(piano, queued):
    from django.core.files.base import ContentFile

    job = m.Lavoro.objects.create(tipo="documento", parametri={}, ente=piano.ente, stato=S.PRONTO)
    job.file.save("x.pdf", ContentFile(b"%PDF-1.7"), save=True)
    name = job.file.name
    m.Lavoro.objects.filter(pk=job.pk).update(creato=timezone.now() - timedelta(days=2))
    assert lavori.pulizia(giorni=1) == 1
    from django.core.files.storage import default_storage

    assert not default_storage.exists(name)


# --- real worker processes ---------------------------------------------------------------------


def _database_url(tmp_path: Path) -> str:
    """A database of the test's own: a SQLite file, or a new PostgreSQL database."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'coda.sqlite3'}"
    import psycopg

    base, _name = configured.rsplit("/", 1)
    name = f"cruscotto_coda_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


class Installation:
    """An installation in a temporary folder, driven through `manage.py` as an operator would."""

    def __init__(self, tmp_path: Path):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cruscotto.web.settings",
            "DATABASE_URL": _database_url(tmp_path),
            "CRUSCOTTO_VAR_DIR": str(tmp_path / "var"),
            "CRUSCOTTO_SECRET_KEY": "only-for-tests-" + "y" * 40,
            "CRUSCOTTO_DEMO": "1",
            "CRUSCOTTO_HTTPS": "0",
            "CRUSCOTTO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "CRUSCOTTO_JOB_HEARTBEAT_SECONDS": "0.5",
            "CRUSCOTTO_JOB_STALE_SECONDS": "4",
        }
        self.workers: list[subprocess.Popen] = []
        self.manage("migrate", "--noinput", "-v0")
        self.manage("demo_setup", "-v0")

    def manage(self, *args: str) -> str:
        r = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    def python(self, code: str) -> str:
        """Run ``code`` inside the installation (django set up); return what it prints."""
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def start(self, kind: str, fmt: str, user: str = "oiv") -> str:
        return self.python(
            "from cruscotto.performance import lavori, models as m\n"
            "from django.contrib.auth import get_user_model\n"
            "e = m.Ente.objects.get(codice='CCIAA-PT'); p = e.piani.order_by('-versione').first()\n"
            f"j = lavori.avvia_documento(user=get_user_model().objects.get(username='{user}'), ente=e, piano=p, anno=2020, kind='{kind}', fmt='{fmt}')\n"
            "print(j.pk)"
        )

    def jobs(self) -> dict[str, tuple[str, str, str]]:
        out = self.python(
            "from cruscotto.performance import models as m\n"
            "for j in m.Lavoro.objects.all(): print(j.pk, j.stato, j.file.name or '-', j.errore.replace(chr(10), ' ') or '-', sep='|')"
        )
        return {row.split("|")[0]: tuple(row.split("|")[1:]) for row in out.splitlines() if row}

    def worker(self, *args: str) -> subprocess.Popen:
        p = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.2", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.workers.append(p)
        return p

    def wait(self, test, seconds: float = 120.0):
        deadline = time.time() + seconds
        while time.time() < deadline:
            jobs = self.jobs()
            if test(jobs):
                return jobs
            time.sleep(0.5)
        raise AssertionError(f"timed out: {self.jobs()}")

    def close(self) -> None:
        for p in self.workers:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=10)
            if p.stdout:
                p.stdout.close()
        url = self.env["DATABASE_URL"]
        if url.startswith("postgres"):
            import psycopg

            base, name = url.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def installation(tmp_path):
    inst = Installation(tmp_path)
    yield inst
    inst.close()


# A storage that holds every save until the test opens its gate (a file): the worker is then
# killed while its job is certainly "in corso", however fast the build (a Typst PDF of the demo's
# Piano takes under a second, too short to catch by polling). The storage is a setting any
# installation may change (CRUSCOTTO_STORAGE_BACKEND), so the product's code is not touched.
GATED_STORAGE = """
import os, time
from django.core.files.storage import FileSystemStorage


class Cancello(FileSystemStorage):
    def _save(self, name, content):
        while not os.path.exists(os.environ["CRUSCOTTO_TEST_CANCELLO"]):
            time.sleep(0.05)
        return super()._save(name, content)
"""


def test_a_worker_killed_mid_build_leaves_a_failed_job_that_can_be_retried(installation, tmp_path):
    (tmp_path / "cancello_prova.py").write_text(GATED_STORAGE)
    gate = tmp_path / "cancello-aperto"
    installation.env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH", "")])),
        CRUSCOTTO_STORAGE_BACKEND="cancello_prova.Cancello",
        CRUSCOTTO_TEST_CANCELLO=str(gate),
    )
    job = installation.start("piano", "pdf")
    worker = installation.worker()
    installation.wait(lambda jobs: jobs[job][0] == "in_corso")
    time.sleep(1)  # built by now, or still building: either way not stored, the gate is shut
    assert installation.jobs()[job][0] == "in_corso"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert installation.jobs()[job][0] == "in_corso"  # nobody knows yet
    time.sleep(5)  # no sign of life for longer than CRUSCOTTO_JOB_STALE_SECONDS
    installation.python("from cruscotto.performance import lavori; print(lavori.scaduti())")
    state, _file, error = installation.jobs()[job]
    assert state == "errore" and "si è interrotto" in error
    # Retried, with a worker alive: the document is made and stored.
    gate.touch()
    again = installation.python(
        "from cruscotto.performance import lavori, models as m\n"
        f"j = m.Lavoro.objects.get(pk='{job}'); print(lavori.riprova(user=j.richiedente, job=j).pk)"
    )
    installation.worker()
    jobs = installation.wait(lambda jobs: jobs[again][0] in ("pronto", "errore"))
    assert jobs[again][0] == "pronto", jobs[again]
    assert jobs[again][1].startswith("lavori/") and jobs[again][1].endswith(".pdf")
    assert (Path(installation.env["CRUSCOTTO_VAR_DIR"]) / "media" / jobs[again][1]).read_bytes().startswith(b"%PDF")


def test_two_workers_never_take_the_same_job(installation):
    started = [
        installation.start(kind, fmt, user)
        for kind, fmt, user in (
            ("cruscotto", "xlsx", "oiv"),
            ("opendata", "zip", "oiv"),
            ("cruscotto", "xlsx", "controllo"),
            ("relazione", "xlsx", "controllo"),
            ("cruscotto", "xlsx", "consultazione"),
            ("monitoraggio", "xlsx", "consultazione"),
        )
    ]
    # Each worker stops after three jobs (or when the queue is empty), so both must take part
    # whatever their start-up times: on a slow machine the first could otherwise run all six
    # before the second has imported Django, and the test would prove nothing about two workers.
    first, second = (installation.worker("--batch", "--max-tasks", "3") for _ in range(2))
    for w in (first, second):
        w.wait(timeout=180)
    jobs = installation.jobs()
    assert all(jobs[j][0] == "pronto" for j in started), jobs
    # Each job ran once, in one worker: the queue's records say which.
    out = installation.python(
        "from django_tasks_db.models import DBTaskResult\n"
        "for r in DBTaskResult.objects.all(): print(r.status, len(r.worker_ids), r.return_value, r.worker_ids[0])"
    )
    rows = [line.split() for line in out.splitlines()]
    assert len(rows) == 6 and all(r[:3] == ["SUCCESSFUL", "1", "pronto"] for r in rows), out
    # Three each: neither ran a job the other had claimed.
    per_worker = [r[3] for r in rows]
    assert sorted(per_worker.count(w) for w in set(per_worker)) == [3, 3], out
    logs = first.stdout.read() + second.stdout.read()
    assert "non in coda: non eseguito" not in logs


@pytest.mark.django_db(transaction=True)
def test_the_nightly_backup_and_clean_up_go_through_the_queue(tmp_path, settings):
    """What cron starts (`manage.py accoda`) runs in the worker: one backup job per ente, each a
    file that restores; finished jobs of yesterday go with their files."""
    import gzip
    import json

    from django.core.management import call_command

    settings.DEMO = True
    call_command("demo_setup", verbosity=0)
    call_command("accoda", "backup", "--cartella", str(tmp_path / "copie"), verbosity=0)
    job = m.Lavoro.objects.get(tipo="backup")
    assert job.stato == S.PRONTO and job.ente.codice == "CCIAA-PT"
    data = json.loads(gzip.decompress((tmp_path / "copie" / job.nome_file).read_bytes()))
    assert data["ente"] == "CCIAA-PT" and data["counts"]["performance.indicatore"] > 0
    m.Lavoro.objects.filter(pk=job.pk).update(creato=timezone.now() - timedelta(days=2))
    call_command("accoda", "pulizia", verbosity=0)
    assert not m.Lavoro.objects.filter(pk=job.pk).exists()


def test_the_queue_probe_says_when_no_worker_takes_jobs(client, piano, queued, settings):
    """/healthz/lavori: 200 while jobs are taken, 503 once one has waited too long (no worker)."""
    r = client.get("/healthz/lavori")
    assert r.status_code == 200 and r.json() == {
        "status": "ok",
        "in_coda": 0,
        "in_corso": 0,
        "attesa_massima_secondi": 0,
    }
    job = lavori.avvia_documento(user=_user("oiv"), ente=piano.ente, piano=piano, anno=2020, kind="piano", fmt="pdf")
    assert client.get("/healthz/lavori").json()["in_coda"] == 1
    m.Lavoro.objects.filter(pk=job.pk).update(creato=timezone.now() - timedelta(seconds=301))
    r = client.get("/healthz/lavori")
    assert r.status_code == 503 and r.json()["status"] == "error" and r.json()["attesa_massima_secondi"] >= 301
