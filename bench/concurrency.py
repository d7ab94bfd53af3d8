"""Two writers and twenty readers on one value: lost updates and errors, on SQLite and PostgreSQL.

Issue 12 measured, before the value's revision existed, 142 of 351 writes that replaced a
value the writer had not seen, two first writes at the same moment answered 500 in 29 of 30
tries, and 12 of 179 writes failed with "database is locked" on SQLite. This script measures
the same three things against a real server:

1. a fresh database (a SQLite file in a temporary folder; a PostgreSQL database made for the
   run and dropped at the end), migrated, with the demo (``demo_setup``);
2. gunicorn with ``--workers`` sync workers on 127.0.0.1;
3. for ``--seconds``: two writers ("controllo" and "admin") that each, in a loop, open the
   monitoring row of B.2.1-1 for editing (its value and revision as shown) and save a new
   value with that revision, while ``--readers`` readers load the cruscotto and the
   monitoring page. A write answers 200 (written), 409 (the value changed since it was shown:
   nothing written, the writer is told) or anything else (an error);
4. the audit trail then tells, for every value written, what it replaced: a **lost update**
   is a write that replaced a value other than the one its writer was shown;
5. ``--first-writes`` times: the value is cleared, both writers open the empty row, and both
   save a first value at the same moment (a barrier): one must be written, the other told.

The same run is repeated with the writers not sending the revision (``senza revisione``),
the behaviour before the issue, as the reference: its lost updates are what the revision
prevents. Figures are printed per database; the exit code is 0 either way.

    python bench/concurrency.py [--db sqlite|postgres|both] [--seconds 15] [--readers 20]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import web
from web import (
    HOST,
    REPO,
    app_env,
    create_database,
    drop_database,
    fetch,
    free_port,
    gunicorn_command,
    login,
    run_step,
    stop_process_group,
    wait_ready,
)

CODE = "B.2.1-1"
ROW = f"/CCIAA-PT/2020/monitoraggio/{CODE}/"
READ_PAGES = ("/CCIAA-PT/2020/", "/CCIAA-PT/2020/monitoraggio/")
WRITERS = (("controllo", "demo"), ("admin", "demo"))


@dataclass
class Tally:
    written: int = 0
    told: int = 0  # 409: changed since shown
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # value written -> the value its writer was shown
    reads: int = 0
    read_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(what[:200])


def _open_row(port: int, cookie: str) -> tuple[str, str, str]:
    """The row opened for editing: the value shown, its revision, the form's CSRF token."""
    status, body, _h = fetch(port, f"{ROW}?modifica=1", cookie=cookie)
    if status != 200:
        raise RuntimeError(f"row: HTTP {status}")
    html = body.decode()
    value = re.search(r'name="valore" type="text"[^>]*value="([^"]*)"', html)
    rev = re.search(r'name="revisione" value="(\d+)"', html)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not (value and rev and token):
        raise RuntimeError("row: form fields not found")
    return value.group(1), rev.group(1), token.group(1)


def _save(port: int, cookie: str, token: str, value: str, rev: str | None) -> int:
    form = {"valore": value, "periodo": "", "csrfmiddlewaretoken": token}
    if rev is not None:
        form["revisione"] = rev
    status, _body, _h = fetch(port, ROW, method="POST", cookie=cookie, body=urllib.parse.urlencode(form))
    return status


def _writer(port: int, cookie: str, n: int, stop: threading.Event, tally: Tally, with_revision: bool) -> None:
    count = 0
    while not stop.is_set():
        count += 1
        # Unique per writer and write, a plausible share, and stored as typed (no trailing 0).
        new = f"{10 * n},{count:05d}1"
        try:
            shown, rev, token = _open_row(port, cookie)
            status = _save(port, cookie, token, new, rev if with_revision else None)
        except Exception as exc:  # a connection error is an error of the run
            tally.error(f"{exc.__class__.__name__}: {exc}")
            continue
        with tally.lock:
            if status in (200, 302):
                tally.written += 1
                tally.shown[new] = shown
            elif status == 409:
                tally.told += 1
            else:
                tally.errors += 1
                if len(tally.error_samples) < 5:
                    tally.error_samples.append(f"HTTP {status}")


def _reader(port: int, cookie: str, stop: threading.Event, tally: Tally) -> None:
    i = 0
    while not stop.is_set():
        i += 1
        try:
            status, _b, _h = fetch(port, READ_PAGES[i % len(READ_PAGES)], cookie=cookie)
        except Exception:
            status = 0
        with tally.lock:
            tally.reads += 1
            if status != 200:
                tally.read_errors += 1


def _trail(env: dict[str, str]) -> list[tuple[str | None, str | None]]:
    """(before, after) of every write of the value, in order, from the audit trail."""
    code = (
        "import json; from cruscotto.performance.models import Registro as R; "
        f"rows = R.objects.filter(oggetto='{CODE} 2020').order_by('pk').values_list('prima', 'dopo'); "
        "print(json.dumps([((p or {}).get('valore'), (d or {}).get('valore')) for p, d in rows]))"
    )
    out = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "shell", "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return [tuple(x) for x in json.loads(out.stdout.strip().splitlines()[-1])]


def load_run(port: int, env: dict[str, str], seconds: float, readers: int, with_revision: bool) -> dict:
    writer_cookies = [login(port, u, p) for u, p in WRITERS]
    reader_cookies = [login(port, "consultazione", "demo") for _ in range(readers)]
    before = len(_trail(env))
    tally = Tally()
    stop = threading.Event()
    threads = [
        threading.Thread(target=_writer, args=(port, c, n, stop, tally, with_revision))
        for n, c in enumerate(writer_cookies, start=1)
    ]
    threads += [threading.Thread(target=_reader, args=(port, c, stop, tally)) for c in reader_cookies]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    replaced = {after: prior for prior, after in _trail(env)[before:]}
    lost = sum(1 for new, shown in tally.shown.items() if replaced.get(new) != shown)
    return {
        "revisione": with_revision,
        "scritture": tally.written + tally.told + tally.errors,
        "scritte": tally.written,
        "avvisate_409": tally.told,
        "perdite": lost,
        "errori": tally.errors,
        "esempi_errori": tally.error_samples,
        "letture": tally.reads,
        "errori_letture": tally.read_errors,
    }


def first_writes(port: int, tries: int) -> dict:
    cookies = [login(port, u, p) for u, p in WRITERS]
    outcomes: dict[str, int] = {}
    for k in range(tries):
        shown, rev, token = _open_row(port, cookies[0])
        if rev != "0":
            _save(port, cookies[0], token, "", rev)  # clear it: the next writes are first writes
        opened = [_open_row(port, c) for c in cookies]
        barrier = threading.Barrier(len(cookies))
        statuses: list[int] = [0] * len(cookies)

        def go(i: int) -> None:
            _shown, r, t = opened[i]
            barrier.wait()
            statuses[i] = _save(port, cookies[i], t, f"{30 + i},{k:04d}1", r)

        threads = [threading.Thread(target=go, args=(i,)) for i in range(len(cookies))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        key = "+".join(str(s) for s in sorted(statuses))
        outcomes[key] = outcomes.get(key, 0) + 1
    return outcomes


def one_database(kind: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="cruscotto-concurrency-"))
    name = "cruscotto_concurrency"
    if kind == "postgres":
        create_database(args.postgres, name)
        db_url = f"{args.postgres}/{name}"
    else:
        db_url = f"sqlite:///{tmp / 'cruscotto.sqlite3'}"
    env = app_env(db_url, tmp)
    proc = None
    try:
        run_step("migrate", [sys.executable, "manage.py", "migrate", "--noinput"], env, REPO)
        run_step("collectstatic", [sys.executable, "manage.py", "collectstatic", "--noinput"], env, REPO)
        run_step("demo_setup", [sys.executable, "manage.py", "demo_setup"], env, REPO)
        port = free_port()
        log_file = tmp / "gunicorn.log"
        with open(tmp / "server.out", "w") as out:  # the server's own lines, kept out of the report
            proc = subprocess.Popen(
                gunicorn_command(port, args.workers, log_file),
                env=env,
                cwd=REPO,
                start_new_session=True,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_ready(proc, port, log_file)
        runs = [load_run(port, env, args.seconds, args.readers, with_revision) for with_revision in (False, True)]
        firsts = first_writes(port, args.first_writes)
        return {"database": kind, "workers": args.workers, "runs": runs, "prime_scritture": firsts}
    finally:
        stop_process_group(proc)
        if kind == "postgres":
            drop_database(args.postgres, name)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--seconds", type=float, default=15.0)
    p.add_argument("--readers", type=int, default=20)
    p.add_argument("--workers", type=int, default=5)
    p.add_argument("--first-writes", type=int, default=30)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = [one_database(kind, args) for kind in kinds]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for r in results:
        print(f"\n{r['database']} ({r['workers']} gunicorn workers, {HOST})")
        for run in r["runs"]:
            label = "con revisione" if run["revisione"] else "senza revisione (riferimento)"
            print(
                f"  {label:32} scritture {run['scritture']:5}  scritte {run['scritte']:5}  "
                f"avvisate (409) {run['avvisate_409']:5}  perse {run['perdite']:4}  errori {run['errori']:3}  "
                f"letture {run['letture']:6} (errori {run['errori_letture']})"
            )
            for sample in run["esempi_errori"]:
                print(f"      errore: {sample}")
        print(f"  prime scritture simultanee ({sum(r['prime_scritture'].values())} prove): {r['prime_scritture']}")
    return 0


if __name__ == "__main__":
    web.log = lambda msg: print(msg, file=sys.stderr)
    sys.exit(main())
