"""Two web servers and two workers on one PostgreSQL (issue 16): no process keeps state of its own.

Sessions live in the database, the shared cache in Redis (CRUSCOTTO_CACHE_URL), the files jobs
make in the storage backend (docs/deployment.md, "More than one server"). Here two gunicorn
servers (two sync workers each) and two `db_worker` processes share one fresh PostgreSQL
database, one redis-server of the test's own and one CRUSCOTTO_VAR_DIR, as hosts behind a load
balancer would, and the test checks that:

- a session opened on one server is valid on the other, and a logout on one ends it on both;
- four writers, two on each of two values, read a value's row on one server and save it
  through the other (with the revision they were shown) while readers load pages on both:
  every read answers 200; every write answered as saved is in the audit trail exactly once,
  replacing the value its writer was shown, and is the stored value's last revision; a write
  told "changed meanwhile" (409) wrote nothing; the audit chain verifies (`cruscotto audit verify`);
- a value saved through one server is on the other's pages at once (their in-process page
  caches are keyed by the data, not told);
- the API's rate is counted once for both servers (the counts are in Redis);
- documents queued through both servers are built once each, by both workers, and downloaded
  from the server that did not queue them.

DEBUG is off, as in production, but static files come from the plain storage (a settings
module of the test's own): collectstatic with the compressed manifest takes about 55 s on CI's
two cores, no static file is requested here, and test_production_static.py tests the manifest.

Only with PostgreSQL (.ci/run's second pass): SQLite is one file on one machine, not a server
several hosts share.
"""

from __future__ import annotations

import http.client
import http.cookies
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cruscotto.performance import models as m

from .test_lavori import ROOT, Installation

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs one PostgreSQL server shared by every process: runs in the PostgreSQL pass of .ci/run",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed (.ci/run installs it)"),
]

HOST = "127.0.0.1"
YEAR = "/CCIAA-PT/2020"
CONTESTED = ("B.2.1-1", "B.2.2-1")  # two values; two writers on each
WRITES = 8  # per writer
API_RATE = 8  # calls a minute per user, for the whole installation
DOCUMENTS = (  # (user, kind, format): two each, the per-user bound
    ("oiv", "relazione", "docx"),
    ("oiv", "monitoraggio", "xlsx"),
    ("consultazione", "relazione", "xlsx"),
    ("consultazione", "cruscotto", "xlsx"),
)
MAGIC = {"pdf": b"%PDF", "docx": b"PK", "xlsx": b"PK"}

SETTINGS = """# Written by tests/web/test_scaleout.py: the real settings (DEBUG off), static files unhashed.
from cruscotto.web.settings import *  # noqa: F403

PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": PLAIN}}  # noqa: F405
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _until(test, what: Callable[[], str], seconds: float = 60.0, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = test()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:.0f} s: {what()}")


class Browser:
    """One person's cookies, sent to whichever server is asked (as behind a load balancer)."""

    def __init__(self, jar: dict[str, str] | None = None):
        self.jar = dict(jar or {})

    def request(self, port: int, path: str, form: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            h = dict(headers or {})
            cookies = "; ".join(f"{k}={v}" for k, v in self.jar.items() if v)
            if cookies:
                h["Cookie"] = cookies
            body = None
            if form is not None:
                body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.jar.get("csrftoken", "")})
                h["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request("GET" if form is None else "POST", path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            for raw in r.headers.get_all("Set-Cookie") or []:
                c = http.cookies.SimpleCookie()
                c.load(raw)
                self.jar.update({k: v.value for k, v in c.items()})
            return r.status, data, r.headers
        finally:
            conn.close()

    def login(self, port: int, username: str) -> Browser:
        status, _b, _h = self.request(port, "/accounts/login/")
        assert status == 200 and self.jar.get("csrftoken"), status
        status, _b, _h = self.request(port, "/accounts/login/", {"username": username, "password": "demo"})
        assert status == 302 and self.jar.get("sessionid"), f"login of {username}: HTTP {status}"
        return self


@dataclass
class Write:
    writer: int
    codice: str
    shown: str  # the value the writer was shown (on one server)
    value: str  # the value it saved (through the other)
    status: int  # 302 saved, 409 changed meanwhile: nothing written


def _open_row(browser: Browser, port: int, codice: str) -> tuple[str, str]:
    """The row opened for editing: the value shown and its revision."""
    status, body, _h = browser.request(port, f"{YEAR}/monitoraggio/{codice}/?modifica=1")
    html = body.decode()
    value = re.search(r'name="valore" type="text"[^>]*value="([^"]*)"', html)
    rev = re.search(r'name="revisione" value="(\d+)"', html)
    assert status == 200 and value and rev, f"row {codice} on :{port}: HTTP {status}"
    return value.group(1), rev.group(1)


def _save(browser: Browser, port: int, codice: str, value: str, rev: str) -> int:
    form = {"valore": value, "periodo": "", "revisione": rev}
    status, body, _h = browser.request(port, f"{YEAR}/monitoraggio/{codice}/", form)
    assert status in (302, 409), f"save of {codice} on :{port}: HTTP {status} " + " ".join(
        re.findall(r"id=\"errore-[^>]*>([^<]*)", body.decode())
    )
    return status


class Cluster:
    """One installation (Installation: a fresh PostgreSQL database, migrated, with the demo),
    one redis-server, two gunicorn servers and two workers, all with the same settings."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.installation: Installation | None = None
        try:
            self._start_all()
        except BaseException:
            self.close()
            raise

    def _start_all(self) -> None:
        tmp_path = self.tmp
        self.redis_port = _free_port()
        self._start(
            "redis",
            [shutil.which("redis-server") or "redis-server"]
            + ["--port", str(self.redis_port), "--bind", HOST, "--save", "", "--appendonly", "no"],
            os.environ,
        )
        self.installation = Installation(tmp_path)  # migrate, demo_setup: about 10 s
        (tmp_path / "scaleout_settings.py").write_text(SETTINGS)
        self.env = {
            **self.installation.env,
            "DJANGO_SETTINGS_MODULE": "scaleout_settings",
            "PYTHONPATH": os.pathsep.join([str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "CRUSCOTTO_DEBUG": "0",
            "CRUSCOTTO_CACHE_URL": f"redis://{HOST}:{self.redis_port}/0",
            "CRUSCOTTO_API_RATE": f"{API_RATE}/m",
            "CRUSCOTTO_JOB_STALE_SECONDS": "120",  # a busy machine must not look like a dead worker
            "CRUSCOTTO_LOG_LEVEL": "WARNING",
            "CRUSCOTTO_APP_LOG_LEVEL": "WARNING",
        }
        self.installation.env = self.env
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.ports = [_free_port(), _free_port()]
        self.servers = [
            self._start(
                f"web-{i}",
                [str(gunicorn), "cruscotto.web.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", "2"]
                + ["--timeout", "120", "--log-level", "warning"],
                self.server_env(i),
            )
            for i, port in enumerate(self.ports)
        ]
        # Each worker stops after two jobs: with four documents both must take part, whichever
        # starts first (test_lavori.py's two-workers test does the same).
        self.workers = [
            self._start(
                f"worker-{i}",
                [sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.2", "--no-startup-delay"]
                + ["--max-tasks", "2", "--worker-id", f"scaleout-{i}"],
                self.env,
            )
            for i in range(2)
        ]

    def server_env(self, i: int) -> dict[str, str]:
        """The environment of server ``i``: the same for both (a place to make them differ)."""
        return self.env

    def _start(self, name: str, cmd: list[str], env) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        with open(log, "w") as out:
            p = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(p)
        self.logs.append(log)
        return p

    def output(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.logs if log.exists())

    def wait_ready(self) -> None:
        def redis_up() -> bool:
            try:
                socket.create_connection((HOST, self.redis_port), timeout=0.2).close()
                return True
            except OSError:
                return False

        def up(port: int) -> bool:
            assert all(p.poll() is None for p in self.servers), self.output()
            try:
                return Browser().request(port, "/healthz")[0] == 200
            except OSError:
                return False

        _until(redis_up, lambda: f"redis-server on :{self.redis_port}\n{self.output()}", seconds=10)
        for port in self.ports:
            _until(lambda port=port: up(port), lambda port=port: f"gunicorn on :{port}\n{self.output()}", 90, 0.2)

    def sql(self, query: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            return conn.execute(query, params).fetchall()

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
        if self.installation is not None:
            self.installation.close()  # the workers it knows of; drops the database


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path)
    try:
        c.wait_ready()
        yield c
    finally:
        c.close()


def _log_in(cluster: Cluster) -> dict[str, Browser]:
    """The people of the test, each logged in on one of the servers (at once: a login costs a PBKDF2)."""
    a, b = cluster.ports
    logins: dict[str, Browser] = {}
    threads = [
        threading.Thread(target=lambda u=u, p=p: logins.__setitem__(u, Browser().login(p, u)))
        for u, p in (("controllo", a), ("admin", b), ("consultazione", a), ("oiv", b))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(logins) == 4, cluster.output()
    return logins


def _queue_documents(cluster: Cluster, logins: dict[str, Browser]) -> dict[str, tuple[str, str, int]]:
    """DOCUMENTS queued through both servers: job id -> (user, format, the server that queued it)."""
    queued = {}
    for n, (user, kind, fmt) in enumerate(DOCUMENTS):
        port = cluster.ports[n % 2]
        status, _body, headers = logins[user].request(port, f"{YEAR}/documenti/", {"tipo": kind, "formato": fmt})
        where = re.fullmatch(rf"{YEAR}/documenti/([0-9a-f-]{{36}})/", headers.get("Location", ""))
        assert status == 302 and where, f"{kind} {fmt} on :{port}: HTTP {status}"
        queued[where.group(1)] = (user, fmt, port)
    return queued


def _write_and_read(cluster: Cluster, logins: dict[str, Browser]) -> list[Write]:
    """Four writers, two on each CONTESTED value, each opening the row on one server and saving
    through the other; four readers on both servers until the writers are done."""
    a, b = cluster.ports
    other = {a: b, b: a}
    writes: list[Write] = []
    reads: list[tuple[int, str, int]] = []
    failures: list[str] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        browser = Browser(logins["controllo" if n % 2 else "admin"].jar)  # one user's session, on both servers
        codice = CONTESTED[n // 2]
        try:
            for k in range(WRITES):
                shown_on = cluster.ports[(n + k) % 2]
                shown, rev = _open_row(browser, shown_on, codice)
                value = f"{40 + n},{k:03d}1"  # unique per writer and write, plausible, stored as typed
                writes.append(Write(n, codice, shown, value, _save(browser, other[shown_on], codice, value, rev)))
        except Exception as exc:
            failures.append(f"writer {n}: {exc}")

    def reader(n: int) -> None:
        browser = Browser(logins["consultazione"].jar)
        pages = (f"{YEAR}/", f"{YEAR}/indicatori/{CONTESTED[n % 2]}/", f"{YEAR}/monitoraggio/", f"{YEAR}/albero/")
        i = n
        while not stop.is_set():
            port, page = cluster.ports[i % 2], pages[(i // 2) % len(pages)]
            try:
                reads.append((port, page, browser.request(port, page)[0]))
            except OSError as exc:
                failures.append(f"reader {n}: {page} on :{port}: {exc}")
            i += 1

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    readers = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for t in writers + readers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not failures, failures
    assert len(writes) == 4 * WRITES
    bad_reads = [r for r in reads if r[2] != 200]
    assert not bad_reads, bad_reads[:10]
    assert all(sum(1 for r in reads if r[0] == port) >= 5 for port in cluster.ports), len(reads)
    return writes


def _stored(cluster: Cluster) -> dict[str, tuple[int, str, int]]:
    """Of each CONTESTED value of 2020: its rows (one), its text, its revision."""
    rows = cluster.sql(
        f"SELECT codice, count(*), max(valore), max(revisione) FROM {m.Consuntivo._meta.db_table} "
        "WHERE anno = 2020 AND periodo = '' AND codice = ANY(%s) GROUP BY codice",
        [list(CONTESTED)],
    )
    return {codice: (count, valore, revisione) for codice, count, valore, revisione in rows}


def _check_writes(cluster: Cluster, writes: list[Write], before: dict[str, tuple[int, str, int]]) -> None:
    """Every write answered as saved is in the trail once, replacing what its writer was shown;
    nothing else was written (a 409 wrote nothing); the stored value is the last one written."""
    trail = cluster.sql(
        f"SELECT oggetto, prima->>'valore', dopo->>'valore' FROM {m.Registro._meta.db_table} "
        "WHERE azione = 'consuntivo.registra' AND oggetto = ANY(%s) ORDER BY seq",
        [[f"{c} 2020" for c in CONTESTED]],
    )
    after = _stored(cluster)
    for codice in CONTESTED:
        saved = [w for w in writes if w.codice == codice and w.status == 302]
        mine = [(prima, dopo) for oggetto, prima, dopo in trail if oggetto == f"{codice} 2020"]
        assert saved, f"no write of {codice} was saved"
        assert sorted(dopo for _p, dopo in mine) == sorted(w.value for w in saved), (codice, mine, saved)
        replaced = {dopo: prima for prima, dopo in mine}
        lost = [w for w in saved if replaced[w.value] != w.shown]
        assert not lost, f"writes that replaced a value their writer had not seen: {lost}"
        assert after[codice] == (1, mine[-1][1], before[codice][2] + len(saved)), (codice, after[codice])


def _check_documents(cluster: Cluster, logins: dict[str, Browser], queued: dict[str, tuple[str, str, int]]) -> None:
    """Each document built once, by either worker, two each; downloaded from the other server."""
    from django_tasks_db.models import DBTaskResult

    a, b = cluster.ports
    other = {a: b, b: a}
    for w in cluster.workers:  # each stops after its two jobs
        w.wait(timeout=120)
        assert w.returncode == 0, cluster.output()
    jobs = {
        str(pk): (stato, file)
        for pk, stato, file in cluster.sql(f"SELECT id, stato, file FROM {m.Lavoro._meta.db_table}")
    }
    assert set(jobs) == set(queued) and all(s == "pronto" for s, _f in jobs.values()), jobs
    runs = cluster.sql(f"SELECT status, worker_ids FROM {DBTaskResult._meta.db_table}")
    assert len(runs) == len(DOCUMENTS) and all(s == "SUCCESSFUL" and len(ids) == 1 for s, ids in runs), runs
    assert sorted(ids[0] for _s, ids in runs) == ["scaleout-0"] * 2 + ["scaleout-1"] * 2, runs
    media = Path(cluster.env["CRUSCOTTO_VAR_DIR"]) / "media"
    for pk, (user, fmt, port) in queued.items():
        status, body, _h = logins[user].request(other[port], f"{YEAR}/documenti/{pk}/scarica/")
        assert status == 200 and body.startswith(MAGIC[fmt]), f"{pk} ({fmt}) from :{other[port]}: HTTP {status}"
        assert body == (media / jobs[pk][1]).read_bytes()


def test_two_servers_and_two_workers_share_everything(cluster):
    a, b = cluster.ports
    logins = _log_in(cluster)
    # Sessions: opened on one server, known on the other.
    status, body, _h = logins["controllo"].request(b, f"{YEAR}/")
    assert status == 200 and "Controllo di gestione" in body.decode(), f"a session of :{a} on :{b}: HTTP {status}"

    # Documents queued through both servers, built while the writers and readers run.
    queued = _queue_documents(cluster, logins)
    before = _stored(cluster)
    writes = _write_and_read(cluster, logins)
    _check_writes(cluster, writes, before)

    # A value saved through one server is on the other's pages at once.
    browser = logins["controllo"]
    for _ in range(4):  # the page bodies kept by B's workers, for the values as they are
        assert browser.request(b, f"{YEAR}/monitoraggio/")[0] == 200
    _shown, rev = _open_row(browser, a, CONTESTED[0])
    assert _save(browser, a, CONTESTED[0], "57,43", rev) == 302
    for page in (f"{YEAR}/monitoraggio/", f"{YEAR}/indicatori/{CONTESTED[0]}/") * 2:
        status, body, _h = browser.request(b, page)
        assert status == 200 and "57,43" in body.decode(), f"{page} on :{b} does not show the value saved on :{a}"

    # The API's rate is counted once for both servers (in Redis), not per process.
    statuses = [browser.request(cluster.ports[i % 2], "/api/v1/enti")[0] for i in range(API_RATE + 4)]
    assert statuses == [200] * API_RATE + [429] * 4, f"the servers count the API calls apart: {statuses}"

    _check_documents(cluster, logins, queued)

    # The audit chain, written by four web processes at once, verifies.
    r = subprocess.run(
        [sys.executable, "-m", "cruscotto.cli", "audit", "verify", "--ente", "CCIAA-PT"],
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and "integra CCIAA-PT" in r.stdout, r.stdout + r.stderr

    # A logout on one server ends the session on both.
    session = {"sessionid": browser.jar["sessionid"]}
    assert browser.request(b, "/accounts/logout/", {})[0] == 302
    status, _body, headers = Browser(session).request(a, f"{YEAR}/")
    assert status == 302 and headers["Location"].startswith("/accounts/login/"), status
