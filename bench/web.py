"""Benchmark of the web pages: gunicorn on PostgreSQL, the demo plan, a 5,000-indicator plan and
the benchmarking page of a 100-ente installation.

One run:

1. creates a fresh PostgreSQL database (``--db-name``, default
   ``cruscotto_bench``: dropped if it exists, created, dropped again at the
   end) on the server of ``--postgres``;
2. starts a Redis server of its own on a free port (``--redis auto``, when
   ``redis-server`` is on PATH) as the shared cache (``CRUSCOTTO_CACHE_URL``),
   as docs/deployment.md's production setup has it; ``--redis off`` measures
   without one;
3. with a throw-away secret key, DEBUG off, demo mode on and a temporary
   ``CRUSCOTTO_VAR_DIR``, runs ``manage.py migrate``, ``collectstatic`` and
   ``demo_setup`` (the demo plan, CCIAA-PT, and the demo users), then imports
   a synthetic plan of ``--indicators`` indicators and ``--structures``
   structures (cruscotto/demo/sintetico.py) for a second ente, SINT-5000, with
   its 2020 actual values, and (``--enti``, default 100; 0 to skip) the
   synthetic installation of ``manage.py installazione_sintetica``; the demo
   user "controllo" gets the controllo role in SINT-5000 and in the first
   ente of the installation; with Redis, ``manage.py confronto_prepara`` fills the Confronto's
   cache as after a deploy, and its time is printed (the cold fill);
4. starts gunicorn (sync workers, ``--workers``, default cores + 1, as docs/deployment.md
   recommends from these runs) on 127.0.0.1 and a free port;
5. drives one page at a time with ``--clients`` concurrent clients for
   ``--seconds`` (after ``--warmup`` seconds whose requests are not counted):
   the trivial view ``/healthz`` as the reference, then the cruscotto,
   albero, mappa, monitoraggio and indicator pages of the demo plan and of
   the synthetic plan, and the Confronto page of the installation's first
   ente, for 2020, logged in as "controllo";
6. restarts gunicorn before each of those pages and times the first request
   after the restart (the issue's "first request after a restart"; the shared
   cache keeps what the processes before it computed, as it would in
   production);
7. prints per page the requests, requests per second, p50/p95/p99 latency
   and errors, the ratio of p95 to /healthz's, and whether each goal of
   issue 16 is met: p95 ≤ 50 ms on the demo pages, ≤ 300 ms on the synthetic
   plan's pages and on the Confronto page, the first request after a restart
   ≤ 500 ms (the exit code is 0 either way);
8. stops gunicorn and Redis and drops the database, also after an error or Ctrl-C.

The load driver is ``wrk`` when it is on PATH (``--driver auto``), else a
Python client (threads, http.client, one logged-in session per client). Only
127.0.0.1 is ever loaded.

    python bench/web.py [--json] [--seconds 10] [--clients 20] [--workers N] [--enti 100] [--profile cruscotto]

docs/benchmarks-web.md explains the figures and lists those of a reference run.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import http.cookies
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

from synthetic_plan import ANNO, ENTE_PREFIX, build_synthetic, ente_code

REPO = Path(__file__).resolve().parent.parent
MANAGE = REPO / "manage.py"
HOST = "127.0.0.1"  # the only host this benchmark ever loads
USER, PASSWORD = "controllo", "demo"  # a demo user; controllo may read and enter values everywhere
DEMO_ENTE = "CCIAA-PT"
# The pages measured on each plan; the indicator page's code is the first the tree links to.
PAGES = (
    ("cruscotto", ""),
    ("albero", "albero/"),
    ("mappa", "mappa/"),
    ("monitoraggio", "monitoraggio/"),
    ("indicatore", "indicatori/{codice}/"),
)
# Issue 16's goals: p95 in ms at the default 20 clients; the first request after a restart.
GOALS = (
    {("demo", page): 50.0 for page, _ in PAGES}
    | {("synthetic", page): 300.0 for page, _ in PAGES}
    | {("installazione", "confronto"): 300.0}
)
FIRST_GOAL_MS = 500.0
DB_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) of ``values``, interpolating linearly between ranks (numpy's
    default); None if empty."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    if not values:
        return None
    a = sorted(values)
    pos = (len(a) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(a) - 1)
    return a[lo] + (a[hi] - a[lo]) * (pos - lo)


# --- the database and the application --------------------------------------------------


def create_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def postgres_version(server_url: str) -> str:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres") as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def app_env(db_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRUSCOTTO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="cruscotto.web.settings",
        DATABASE_URL=db_url,
        CRUSCOTTO_SECRET_KEY=secrets.token_urlsafe(50),  # made for this run, never stored
        CRUSCOTTO_VAR_DIR=str(var_dir),
        CRUSCOTTO_DEBUG="0",
        CRUSCOTTO_DEMO="1",
        CRUSCOTTO_ALLOWED_HOSTS=HOST,
        CRUSCOTTO_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(
            [str(REPO / "bench")] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])
        ),
    )
    return env


LENIENT_SETTINGS = """# Written by bench/web.py --lenient-static: the real settings, with a manifest storage that
# gives the plain URL of a file it does not know instead of failing (the page works as with DEBUG on).
from cruscotto.web.settings import *  # noqa: F403
from whitenoise.storage import CompressedManifestStaticFilesStorage


class LenientManifestStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False


STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "bench_settings.LenientManifestStorage"}}  # noqa: F405
"""


def lenient_settings(env: dict[str, str], where: Path) -> None:
    """Use the real settings with ``manifest_strict = False``: a workaround, reported as such."""
    (where / "bench_settings.py").write_text(LENIENT_SETTINGS)
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(where), env["PYTHONPATH"]])


def run_step(label: str, cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{label} failed (exit code {done.returncode}):\n{done.stdout}\n{done.stderr}")
    last = done.stdout.strip().splitlines()[-1:] or [""]
    log(f"  {label}: {dt:.1f} s {last[0][:120]}")
    return dt


def load_synthetic(indicators: int, structures: int, enti: int) -> None:
    """Run inside the application's environment (a subprocess): store the synthetic plan and the
    synthetic installation, give controllo a role in the plan's ente and in the installation's first."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cruscotto.performance import models as m
    from cruscotto.performance.services import piano_import

    piano, valori = build_synthetic(indicators, structures)
    db = piano_import(piano=piano, valori=valori)
    user = get_user_model().objects.get(username=USER)
    m.Ruolo.objects.get_or_create(utente=user, ente=db.ente, tipo=m.Ruolo.Tipo.CONTROLLO)
    print(
        f"{db.ente.codice}: {db.indicatori.count()} indicators, {db.ente.strutture.count()} structures, "
        f"{db.consuntivi.count()} actual values"
    )
    if enti:
        call_command("installazione_sintetica", enti=enti, verbosity=0)
        first = m.Ente.objects.get(codice=f"{ENTE_PREFIX}-E001")
        m.Ruolo.objects.get_or_create(utente=user, ente=first, tipo=m.Ruolo.Tipo.CONTROLLO)
        made = m.Ente.objects.filter(codice__startswith=f"{ENTE_PREFIX}-E").count()
        print(f"installation: {made} synthetic enti")


# Where self time (cProfile's tottime) is spent, by the file of the function: first match wins.
PROFILE_GROUPS = (
    ("jsonschema/referencing (files.schema)", ("/jsonschema/", "/referencing/", "/rpds", "/attr/", "/attrs/")),
    ("cruscotto.files (plan_from_data)", ("/cruscotto/files/",)),
    ("cruscotto.engine", ("/cruscotto/engine/",)),
    ("cruscotto.charts", ("/cruscotto/charts",)),
    ("cruscotto templatetags", ("/cruscotto/performance/templatetags/",)),
    ("cruscotto views/selectors/permissions", ("/cruscotto/performance/", "/cruscotto/web/")),
    ("Django templates", ("/django/template/", "/django/templatetags/")),
    ("Django URL reverse", ("/django/urls/",)),
    ("Django i18n", ("/django/utils/translation/",)),
    ("Django utils (escape, formats, lazy)", ("/django/utils/",)),
    ("Django ORM", ("/django/db/",)),
    ("psycopg", ("/psycopg",)),
    ("Django other", ("/django/",)),
    ("Python built-ins", ("~",)),
)


def profile_groups(stats) -> list[tuple[str, float]]:
    """Self time by group (PROFILE_GROUPS), largest first."""
    totals: dict[str, float] = {}
    for (filename, _line, _func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        name = next((g for g, marks in PROFILE_GROUPS if any(mk in filename for mk in marks)), "other (stdlib, ...)")
        totals[name] = totals.get(name, 0.0) + tt
    return sorted(totals.items(), key=lambda kv: -kv[1])


def profile_pages(urls: list[str], top: int) -> None:
    """Run inside the application's environment: each URL timed, then profiled with cProfile.

    Per URL: request 1 and 2 under cProfile (request 1 of a plan's first page builds the
    engine plan in this process; later ones use the per-process caches), then the median
    of 5 requests without the profiler, which is what a warm gunicorn worker does.
    """
    import cProfile
    import io
    import pstats
    import statistics

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cruscotto.performance import selectors

    client = Client(HTTP_HOST=HOST)
    client.force_login(get_user_model().objects.get(username=USER))
    for url in urls:
        for n in (1, 2):
            prof = cProfile.Profile()
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                prof.enable()
                response = client.get(url)
                prof.disable()
                dt = time.perf_counter() - t0
            db_s = sum(float(q["time"]) for q in queries.captured_queries)
            print(f"\n=== {url} — request {n} under cProfile: HTTP {response.status_code}, {dt * 1000:.0f} ms, "
                  f"{len(queries.captured_queries)} SQL queries in {db_s * 1000:.0f} ms, "
                  f"{len(response.content) / 1024:.0f} KiB")  # fmt: skip
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
                print(f"  SQL {float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}")
            stats = pstats.Stats(prof)
            total = sum(tt for _g, tt in profile_groups(stats)) or 1.0
            print("--- self time by group:")
            for group, tt in profile_groups(stats):
                if tt / total >= 0.01:
                    print(f"  {tt * 1000:8.0f} ms  {tt / total * 100:5.1f}%  {group}")
            for key in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats(key).print_stats(top)
                lines = out.getvalue().splitlines()
                first = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
                print(f"--- top {top} by {key}:")
                print("\n".join(re.sub(r"\S*/site-packages/|\S*/src/", "", line) for line in lines[first:]).rstrip())
        plain = []
        for _ in range(5):
            t0 = time.perf_counter()
            client.get(url)
            plain.append(time.perf_counter() - t0)
        print(
            f"\n=== {url} — without the profiler: median {statistics.median(plain) * 1000:.1f} ms of 5 requests "
            f"(min {min(plain) * 1000:.1f} ms)"
        )
        cleared = [name for name, obj in vars(selectors).items() if callable(getattr(obj, "cache_clear", None))]
        for name in cleared:
            getattr(selectors, name).cache_clear()
        t0 = time.perf_counter()
        client.get(url)
        print(
            f"=== {url} — without the profiler, after clearing the caches of selectors ({', '.join(cleared)}): "
            f"{(time.perf_counter() - t0) * 1000:.0f} ms"
        )


# --- Redis ---------------------------------------------------------------------------


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    """A Redis server of the run's own on a free port, keeping nothing on disk; its URL."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://{HOST}:{port}/0"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("redis-server does not answer")


# --- gunicorn -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def gunicorn_command(port: int, workers: int, log_file: Path, threads: int = 0) -> list[str]:
    """gunicorn's command: sync workers, or with ``threads`` gthread workers (which keep connections alive)."""
    exe = Path(sys.executable).parent / "gunicorn"
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "gunicorn"]
    kind = ["--worker-class", "gthread", "--threads", str(threads)] if threads else []
    return [
        *base,
        *kind,
        "cruscotto.web.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--error-logfile",
        str(log_file),
        "--log-level",
        "warning",
    ]


def wait_ready(proc: subprocess.Popen, port: int, log_file: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited (code {proc.returncode}):\n{log_file.read_text() if log_file.exists() else ''}"
            )
        try:
            status, _body, _h = fetch(port, "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn does not answer on /healthz")


def stop_process_group(proc: subprocess.Popen | None) -> None:
    """Stop gunicorn: SIGTERM to its process group (it was started in a session of its own), then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU of processes, from /proc (Linux); None where it cannot be read."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, IndexError):
        return None
    return total


def wait_idle(pids: list[int], timeout: float = 180.0) -> None:
    """Wait until gunicorn has finished what it was doing: requests a driver abandoned (wrk) or left queued."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(pids)
    while last is not None and time.monotonic() < deadline:
        time.sleep(0.25)
        now = cpu_seconds(pids)
        if now is None or now - last < 0.01:  # under 4% of a core in the last quarter second
            return
        last = now


def machine_cpu() -> tuple[int, int] | None:
    """Busy and total jiffies of the whole machine, from /proc/stat (Linux); None elsewhere."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def worker_pids(master: int) -> list[int]:
    try:
        return [master] + [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return [master]


# --- HTTP -----------------------------------------------------------------------------


def fetch(
    port: int, path: str, *, method: str = "GET", cookie: str = "", body: str | None = None, timeout: float = 60.0
):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read(), r.headers
    finally:
        conn.close()


def _cookies(headers, jar: dict[str, str]) -> dict[str, str]:
    for raw in headers.get_all("Set-Cookie") or []:
        c = http.cookies.SimpleCookie()
        c.load(raw)
        jar.update({k: v.value for k, v in c.items()})
    return jar


def login(port: int, username: str = USER, password: str = PASSWORD) -> str:
    """Log in through the login form (with its CSRF token); the Cookie header of the session."""
    status, body, headers = fetch(port, "/accounts/login/")
    m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or m is None:
        raise RuntimeError(f"login page: HTTP {status}, CSRF token {'found' if m else 'missing'}")
    jar = _cookies(headers, {})
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": m.group(1).decode()}
    )
    status, _body, headers = fetch(
        port, "/accounts/login/", method="POST", cookie=f"csrftoken={jar.get('csrftoken', '')}", body=form
    )
    jar = _cookies(headers, jar)
    if status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login of {username} failed: HTTP {status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def resolve_indicator(target: tuple[str, str, str], port: int, cookie: str) -> tuple[str, str, str]:
    """The indicator page's URL: the first indicator the plan's tree page links to."""
    plan, page, url = target
    if "{codice}" not in url:
        return target
    tree = url.split("indicatori/")[0] + "albero/"
    status, body, _h = fetch(port, tree, cookie=cookie)
    m = re.search(rb'href="[^"]*/indicatori/([^/"]+)/"', body)
    if status != 200 or m is None:
        raise RuntimeError(f"{tree}: HTTP {status}, no indicator link")
    return plan, page, url.format(codice=urllib.parse.unquote(m.group(1).decode()))


# --- load -----------------------------------------------------------------------------


@dataclass
class Result:
    plan: str
    page: str
    url: str
    clients: int
    seconds: float  # measured wall time of the window
    requests: int  # successful (HTTP 200) responses in the window
    rps: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    errors: int  # other statuses, timeouts, connection errors
    kib: float  # size of the page
    first_ms: (
        float  # one request alone before the load: for a plan's first page, with the engine plan built in that worker
    )
    driver: str
    server_cpu_pct: float | None  # gunicorn's CPU over the window (100 = one core)
    client_cpu_pct: float | None  # this process's CPU (the Python driver) over the window
    machine_cpu_pct: float | None  # the whole machine's CPU over the window (cores × 100 = all busy)
    goal_p95_ms: float | None
    goal_met: bool | None
    p95_vs_healthz: float | None = None  # p95 over /healthz's p95 in the same run
    restart_first_ms: float | None = None  # the first request after gunicorn was restarted
    restart_goal_met: bool | None = None  # restart_first_ms ≤ FIRST_GOAL_MS


def _client_loop(
    port: int,
    path: str,
    cookie: str,
    deadline: float,
    stop: threading.Event,
    lat: list[float],
    errors: list[str],
    timeout: float,
) -> None:
    headers = {"Cookie": cookie, "User-Agent": "cruscotto-bench"}
    conn: http.client.HTTPConnection | None = None
    while not stop.is_set() and time.perf_counter() < deadline:
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            r.read()
            t1 = time.perf_counter()
            if r.will_close:  # gunicorn's sync workers close after each response
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            if conn is not None:
                conn.close()
                conn = None
            time.sleep(0.01)
            continue
        if r.status == 200:
            lat.append(t1 - t0)
        else:
            errors.append(f"HTTP {r.status}")
    if conn is not None:
        conn.close()


def drive_python(
    port: int, path: str, cookies: list[str], seconds: float, stop: threading.Event, timeout: float = 60.0
):
    """Every client loops GETs until the deadline; latencies of the 200 responses, errors, wall time."""
    lats: list[list[float]] = [[] for _ in cookies]
    errs: list[list[str]] = [[] for _ in cookies]
    t0 = time.perf_counter()
    deadline = t0 + seconds
    threads = [
        threading.Thread(
            target=_client_loop, args=(port, path, c, deadline, stop, lats[i], errs[i], timeout), daemon=True
        )
        for i, c in enumerate(cookies)
    ]
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.2)
    elapsed = time.perf_counter() - t0
    latencies = [x for lat in lats for x in lat]
    errors = [e for err in errs for e in err]
    return {
        "requests": len(latencies),
        "elapsed": elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": errors,
    }


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def drive_wrk(port: int, path: str, cookies: list[str], seconds: float, stop: threading.Event, script: Path):
    """wrk with one connection per client and the first client's session; its latencies are in microseconds."""
    threads = max(1, min(len(cookies), os.cpu_count() or 1))
    cmd = ["wrk", "-t", str(threads), "-c", str(len(cookies)), "-d", f"{max(1, round(seconds))}s", "--timeout", "60s",
           "-s", str(script), "-H", f"Cookie: {cookies[0]}", f"http://{HOST}:{port}{path}"]  # fmt: skip
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    elapsed = time.perf_counter() - t0
    m = re.search(r"^WRKJSON (\{.*\})$", out.stdout, re.M)
    if out.returncode != 0 or m is None:
        raise RuntimeError(f"wrk failed (exit code {out.returncode}):\n{out.stdout}\n{out.stderr}")
    w = json.loads(m.group(1))
    n_err = w["connect"] + w["read"] + w["write"] + w["status"] + w["timeout"]
    done = w["requests"] - w["status"]
    return {
        "requests": done,
        "elapsed": w["duration_us"] / 1e6 or elapsed,
        "p50": w["p50"] / 1e6 if done else None,
        "p95": w["p95"] / 1e6 if done else None,
        "p99": w["p99"] / 1e6 if done else None,
        "errors": ["wrk"] * n_err,
    }


def measure(
    plan: str,
    page: str,
    url: str,
    *,
    port: int,
    cookies: list[str],
    args,
    driver: str,
    stop: threading.Event,
    master: int,
    script: Path,
) -> Result:
    pids = worker_pids(master)
    wait_idle(pids)
    t0 = time.perf_counter()
    status, body, _h = fetch(port, url, cookie=cookies[0])
    first = time.perf_counter() - t0
    if status != 200:
        raise RuntimeError(f"{url}: HTTP {status} before the load")
    drive = drive_python if driver == "python" else functools.partial(drive_wrk, script=script)
    if args.warmup > 0:
        drive(port, url, cookies, args.warmup, stop)
        wait_idle(pids)
    srv0, cli0, box0, w0 = cpu_seconds(pids), time.process_time(), machine_cpu(), time.perf_counter()
    d = drive(port, url, cookies, args.seconds, stop)
    wall = time.perf_counter() - w0
    srv1, cli1, box1 = cpu_seconds(pids), time.process_time(), machine_cpu()
    if stop.is_set():
        raise KeyboardInterrupt

    def ms(x):
        return None if x is None else round(x * 1000, 2)

    goal = GOALS.get((plan, page)) if args.clients == 20 else None
    p95 = ms(d["p95"])
    return Result(
        plan=plan,
        page=page,
        url=url,
        clients=len(cookies),
        seconds=round(d["elapsed"], 2),
        requests=d["requests"],
        rps=round(d["requests"] / d["elapsed"], 1) if d["elapsed"] else 0.0,
        p50_ms=ms(d["p50"]),
        p95_ms=p95,
        p99_ms=ms(d["p99"]),
        errors=len(d["errors"]),
        kib=round(len(body) / 1024, 1),
        first_ms=ms(first),
        driver=driver,
        server_cpu_pct=None if srv0 is None or srv1 is None else round((srv1 - srv0) / wall * 100),
        client_cpu_pct=round((cli1 - cli0) / wall * 100) if driver == "python" else None,
        machine_cpu_pct=None
        if box0 is None or box1 is None or box1[1] == box0[1]
        else round((box1[0] - box0[0]) / (box1[1] - box0[1]) * 100 * args.cores),
        goal_p95_ms=goal,
        goal_met=None if goal is None or p95 is None else p95 <= goal,
    )


# --- output ---------------------------------------------------------------------------


def headline(info: dict) -> str:
    text = (
        f"cruscotto web benchmark — {info['cores']} cores, Python {info['python']}, PostgreSQL {info['postgres']}, "
        f"gunicorn {info['gunicorn']} ({info['workers']} {info['worker_kind']} workers), driver {info['driver']}, "
        f"{info['clients']} clients, {info['seconds']:g} s per page after {info['warmup']:g} s of warm-up"
    )
    if info["loadavg"] is not None:
        text += f"; load average {info['loadavg']:.2f} at the start"
    text += f"; shared cache: {info['redis']}"
    if info["lenient_static"]:
        text += "; --lenient-static"
    return text


def print_table(results: list[Result], info: dict) -> None:
    print(headline(info))
    head = (
        "plan",
        "page",
        "KiB",
        "first ms",
        "after restart ms",
        "requests",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "p95/healthz",
        "errors",
        "gunicorn CPU",
        "client CPU",
        "machine CPU",
        "goal p95",
    )
    rows = []
    for r in results:

        def f(x, spec=".1f"):
            return "-" if x is None else format(x, spec)

        goal = "" if r.goal_p95_ms is None else f"≤ {r.goal_p95_ms:g}: {'met' if r.goal_met else 'MISSED'}"
        rows.append((r.plan, r.page, f(r.kib), f(r.first_ms, ".0f"), f(r.restart_first_ms, ".0f"), str(r.requests),
                     f(r.rps), f(r.p50_ms), f(r.p95_ms), f(r.p99_ms), f(r.p95_vs_healthz, ".1f"), str(r.errors),
                     f(r.server_cpu_pct, ".0f") + "%",
                     f(r.client_cpu_pct, ".0f") + ("%" if r.client_cpu_pct is not None else ""),
                     f(r.machine_cpu_pct, ".0f") + "%", goal))  # fmt: skip
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    left = {0, 1, len(head) - 1}
    for row in [head, *rows]:
        print("  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    print()
    for r in results:
        if r.goal_p95_ms is not None:
            print(
                f"goal: {r.plan} {r.page} p95 {r.p95_ms} ms ≤ {r.goal_p95_ms:g} ms: {'met' if r.goal_met else 'MISSED'}"
            )
    for r in results:
        if r.restart_first_ms is not None:
            print(
                f"goal: {r.plan} {r.page} first request after a restart {r.restart_first_ms:.0f} ms "
                f"≤ {FIRST_GOAL_MS:g} ms: {'met' if r.restart_goal_met else 'MISSED'}"
            )


# --- main -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None):
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per page, instead of the table")
    p.add_argument("--seconds", type=float, default=10.0, help="measured seconds per page (default 10)")
    p.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of load before each page's measure, not counted (default 2)"
    )
    p.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    p.add_argument("--workers", type=int, default=cores + 1, help=f"gunicorn workers (default cores + 1 = {cores + 1})")
    p.add_argument("--threads", type=int, default=0,
                   help="gunicorn gthread workers with this many threads each, which keep connections alive "
                        "(default 0: sync workers, one connection per request)")  # fmt: skip
    p.add_argument("--indicators", type=int, default=5000, help="indicators of the synthetic plan (default 5000)")
    p.add_argument("--structures", type=int, default=50, help="structures of the synthetic plan (default 50)")
    p.add_argument("--enti", type=int, default=100,
                   help="enti of the synthetic installation for the Confronto page (default 100; 0: none)")  # fmt: skip
    p.add_argument("--redis", choices=("auto", "off"), default="auto",
                   help="auto: a Redis server of its own as the shared cache, if redis-server is on PATH")  # fmt: skip
    p.add_argument("--no-restart", action="store_true", help="do not measure the first request after a restart")
    p.add_argument("--pages", choices=("all", "demo"), default="all",
                   help="demo: only /healthz and the demo plan's pages, no synthetic plan")  # fmt: skip
    p.add_argument(
        "--driver",
        choices=("auto", "python", "wrk"),
        default="auto",
        help="load driver: wrk if on PATH (auto), or the Python client",
    )
    p.add_argument("--postgres", default=os.environ.get("CRUSCOTTO_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
                   help="PostgreSQL server, without a database name "
                        "(default $CRUSCOTTO_BENCH_POSTGRES or postgres://postgres@127.0.0.1:5432)")  # fmt: skip
    p.add_argument(
        "--db-name",
        default="cruscotto_bench",
        help="database created, and dropped, by the run (default cruscotto_bench)",
    )
    choices = (
        [f"{plan}:{name}" for plan in ("demo", "synthetic") for name, _ in PAGES]
        + [name for name, _ in PAGES]
        + ["installazione:confronto"]
    )
    p.add_argument("--profile", action="append", choices=choices, default=[], metavar="[PLAN:]PAGE",
                   help="after the load, profile a page (PLAN demo or synthetic, the default): "
                        "2 requests under cProfile, then timings without it; repeatable")  # fmt: skip
    p.add_argument("--profile-top", type=int, default=25, help="functions listed per profile (default 25)")
    p.add_argument("--lenient-static", action="store_true",
                   help="workaround: serve with the manifest storage's manifest_strict off "
                        "(a template asks for a static file not in the manifest)")  # fmt: skip
    p.add_argument("--no-load", action="store_true", help="set up and profile only: no gunicorn, no load")
    p.add_argument(
        "--load-synthetic", action="store_true", help=argparse.SUPPRESS
    )  # internal: run in the app's environment
    p.add_argument("--profile-urls", nargs="*", help=argparse.SUPPRESS)  # internal: run in the app's environment
    args = p.parse_args(argv)
    if args.clients < 1 or args.workers < 1 or args.seconds <= 0 or args.warmup < 0:
        p.error("--clients and --workers must be at least 1, --seconds positive, --warmup not negative")
    if not DB_NAME_RE.fullmatch(args.db_name):
        p.error("--db-name: lower-case letters, digits and _ only")
    args.cores = cores
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.load_synthetic:
        load_synthetic(args.indicators, args.structures, args.enti)
        return 0
    if args.profile_urls is not None:
        profile_pages(args.profile_urls, args.profile_top)
        return 0

    driver = args.driver
    if driver == "auto":
        driver = "wrk" if shutil.which("wrk") else "python"
    elif driver == "wrk" and not shutil.which("wrk"):
        log("wrk is not on PATH")
        return 2

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    stop = threading.Event()
    tmp = Path(tempfile.mkdtemp(prefix="cruscotto-bench-web-"))
    gunicorn: subprocess.Popen | None = None
    redis: subprocess.Popen | None = None
    db_created = False
    results: list[Result] = []
    try:
        import gunicorn as gunicorn_pkg

        info = {
            "cores": args.cores,
            "python": platform.python_version(),
            "postgres": postgres_version(args.postgres),
            "gunicorn": gunicorn_pkg.__version__,
            "workers": args.workers,
            "worker_kind": f"gthread × {args.threads} threads" if args.threads else "sync",
            "driver": driver,
            "clients": args.clients,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "lenient_static": args.lenient_static,
            "redis": "Redis (started below)" if args.redis == "auto" and shutil.which("redis-server") else "none",
            "loadavg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        }
        log(headline(info))
        db_url = f"{args.postgres}/{args.db_name}"
        log(f"database {args.db_name} on {args.postgres}; temporary files in {tmp}")
        create_database(args.postgres, args.db_name)
        db_created = True
        env = app_env(db_url, tmp / "var")
        if args.redis == "auto" and shutil.which("redis-server"):
            redis, env["CRUSCOTTO_CACHE_URL"] = start_redis(tmp)
            info["redis"] = f"Redis ({env['CRUSCOTTO_CACHE_URL']})"
            log(f"  shared cache: {env['CRUSCOTTO_CACHE_URL']}")
        if args.lenient_static:
            lenient_settings(env, tmp)
            log("  --lenient-static: static files storage with manifest_strict = False")
        py = sys.executable
        run_step("migrate", [py, str(MANAGE), "migrate", "--noinput", "-v0"], env, tmp)
        run_step("collectstatic", [py, str(MANAGE), "collectstatic", "--noinput", "-v1"], env, tmp)
        run_step("demo_setup", [py, str(MANAGE), "demo_setup"], env, tmp)
        synth = ente_code(args.indicators)
        plans = (("demo", DEMO_ENTE), ("synthetic", synth)) if args.pages == "all" else (("demo", DEMO_ENTE),)
        if args.pages == "all":
            run_step(
                "synthetic plan",
                [
                    py,
                    str(Path(__file__).resolve()),
                    "--load-synthetic",
                    "--indicators",
                    str(args.indicators),
                    "--structures",
                    str(args.structures),
                    "--enti",
                    str(args.enti),
                ],
                env,
                tmp,
            )
            if args.enti and env.get("CRUSCOTTO_CACHE_URL"):
                # The Confronto's cold fill, as after a deploy: every plan's catalogue rows
                # computed into the shared cache (docs/confronto.md); its time is the figure.
                run_step("confronto_prepara (cold fill)", [py, str(MANAGE), "confronto_prepara", "--anno", str(ANNO)],
                         env, tmp)  # fmt: skip

        targets = [("reference", "healthz", "/healthz")]
        for plan, ente in plans:
            targets += [(plan, page, f"/{ente}/{ANNO}/{suffix}") for page, suffix in PAGES]
        if args.enti and args.pages == "all":
            targets.append(("installazione", "confronto", f"/{ENTE_PREFIX}-E001/{ANNO}/confronto/"))

        if not args.no_load:
            port = free_port()
            log_file = tmp / "gunicorn.log"

            def start_gunicorn() -> subprocess.Popen:
                with open(log_file, "ab") as server_out:  # the application's own log (errors) goes there too
                    command = gunicorn_command(port, args.workers, log_file, args.threads)
                    proc = subprocess.Popen(command, env=env, cwd=tmp, start_new_session=True, stdout=server_out,
                                            stderr=server_out)  # fmt: skip
                wait_ready(proc, port, log_file)
                return proc

            gunicorn = start_gunicorn()
            log(f"gunicorn on http://{HOST}:{port} ({args.workers} workers); {args.clients} clients log in as {USER}")
            sessions: list[str] = [""] * args.clients
            errors: list[BaseException] = []

            def one_login(i):
                try:
                    sessions[i] = login(port)
                except BaseException as exc:  # reported below
                    errors.append(exc)

            threads = [threading.Thread(target=one_login, args=(i,), daemon=True) for i in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                while t.is_alive():
                    t.join(0.2)
            if errors:
                raise errors[0]
            script = tmp / "report.lua"
            script.write_text(WRK_SCRIPT)
            targets = [resolve_indicator(t, port, sessions[0]) for t in targets]
            for plan, page, url in targets:
                r = measure(
                    plan,
                    page,
                    url,
                    port=port,
                    cookies=sessions,
                    args=args,
                    driver=driver,
                    stop=stop,
                    master=gunicorn.pid,
                    script=script,
                )
                log(
                    f"  {plan:9} {page:12} {r.requests:6d} requests  {r.rps:7.1f}/s  "
                    f"p50 {r.p50_ms} ms  p95 {r.p95_ms} ms  p99 {r.p99_ms} ms  errors {r.errors}"
                )
                results.append(r)
            reference = next((r.p95_ms for r in results if r.page == "healthz"), None)
            for r in results:
                if reference and r.p95_ms is not None:
                    r.p95_vs_healthz = round(r.p95_ms / reference, 2)
            if not args.no_restart:
                # Each page's first request after a restart: every worker is new, the shared cache
                # keeps what the processes before computed (as after a deploy in production).
                for r in results:
                    if r.page == "healthz":
                        continue
                    stop_process_group(gunicorn)
                    gunicorn = start_gunicorn()
                    # every worker booted (each warms itself before it accepts: web/startup.warm)
                    time.sleep(0.5)
                    wait_idle(worker_pids(gunicorn.pid))
                    t0 = time.perf_counter()
                    status, _body, _h = fetch(port, r.url, cookie=sessions[0])
                    if status != 200:
                        raise RuntimeError(f"{r.url}: HTTP {status} after a restart")
                    r.restart_first_ms = round((time.perf_counter() - t0) * 1000, 1)
                    r.restart_goal_met = r.restart_first_ms <= FIRST_GOAL_MS
                    log(f"  {r.plan:9} {r.page:12} first request after a restart: {r.restart_first_ms:.0f} ms")
            stop_process_group(gunicorn)
            gunicorn = None
            if args.json:
                print(json.dumps([asdict(r) for r in results], indent=2))
            else:
                print_table(results, info)

        if args.profile:
            wanted = [x if ":" in x else f"synthetic:{x}" for x in args.profile]
            urls = [url for plan, page, url in targets if f"{plan}:{page}" in wanted and "{codice}" not in url]
            out = sys.stderr if args.json else sys.stdout
            out.flush()
            subprocess.run(
                [py, str(Path(__file__).resolve()), "--profile-top", str(args.profile_top), "--profile-urls", *urls],
                env=env,
                cwd=tmp,
                stdout=out,
                check=True,
            )
        return 0
    except KeyboardInterrupt:
        stop.set()
        log("interrupted: cleaning up")
        return 130
    except Exception:
        server_log = tmp / "gunicorn.log"
        if server_log.exists() and server_log.stat().st_size:
            text = server_log.read_text(errors="replace")
            log("--- end of the gunicorn log:\n" + "\n".join(text.splitlines()[-40:]))
            if "Missing staticfiles manifest entry" in text:
                log("A template asks for a static file that is not in the manifest: "
                    "with DEBUG off every page fails with 500. "
                    "To be fixed in the application; to measure meanwhile: --lenient-static")  # fmt: skip
        raise
    finally:
        stop.set()
        stop_process_group(gunicorn)
        stop_process_group(redis)
        if db_created:
            try:
                drop_database(args.postgres, args.db_name)
            except Exception as exc:  # keep cleaning up
                log(f"database {args.db_name} not dropped: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
