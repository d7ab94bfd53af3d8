"""An import that dies halfway leaves the database as it was: one transaction, all or nothing.

In process, an error halfway through (on SQLite and PostgreSQL); and for real, a process
killed with SIGKILL in the middle of writing the tree into a SQLite file, then opened again.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from cruscotto.demo import PLAN, demo_path
from cruscotto.files import load_plan
from cruscotto.performance import models as m
from cruscotto.performance import services

from .test_audit_completeness import _changed, _snapshot

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_an_error_halfway_writes_nothing(piano, monkeypatch, django_user_model):
    loaded = load_plan(demo_path(PLAN))
    real_create = m.ObiettivoOperativo.objects.create
    calls = {"n": 0}

    def create_then_fail(**kwargs):
        calls["n"] += 1
        if calls["n"] == 5:  # the plan row, events, perspectives, lines and four objectives are written by now
            raise RuntimeError("interrotto")
        return real_create(**kwargs)

    monkeypatch.setattr(m.ObiettivoOperativo.objects, "create", create_then_fail)
    before, records = _snapshot(), m.Registro.objects.count()
    with pytest.raises(RuntimeError):
        services.piano_import(
            piano=loaded.piano, valori=loaded.valori, user=django_user_model.objects.get(username="controllo")
        )
    assert calls["n"] == 5
    assert _changed(before, _snapshot()) == set() and m.Registro.objects.count() == records


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import django
    django.setup()
    from cruscotto.demo import PLAN, demo_path
    from cruscotto.files import load_plan
    from cruscotto.performance import models as m, services
    loaded = load_plan(demo_path(PLAN))
    if sys.argv[1] == "kill":
        real = m.ObiettivoOperativo.objects.create
        calls = [0]
        def create(**kw):
            calls[0] += 1
            if calls[0] == 5:
                os.kill(os.getpid(), signal.SIGKILL)  # no exception, no cleanup: the process is gone
            return real(**kw)
        m.ObiettivoOperativo.objects.create = create
    services.piano_import(piano=loaded.piano, valori=loaded.valori)
    """
)


def _counts(path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.mark.sqlite_only
def test_a_process_killed_halfway_through_an_import_leaves_nothing_behind(tmp_path):
    db = tmp_path / "cruscotto.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CRUSCOTTO_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "cruscotto.web.settings",
        "DATABASE_URL": f"sqlite:///{db}",
        "CRUSCOTTO_VAR_DIR": str(tmp_path),
        "CRUSCOTTO_DEBUG": "1",
    }
    run = lambda *args: subprocess.run([sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True)  # noqa: E731
    assert run("manage.py", "migrate", "--noinput", "-v0").returncode == 0
    first = run("-c", KILLER, "ok")
    assert first.returncode == 0, first.stderr
    before = _counts(db)
    assert before["performance_indicatore"] == 79
    killed = run("-c", KILLER, "kill")
    assert killed.returncode == -9, killed.stderr  # SIGKILL, halfway
    assert _counts(db) == before  # the half-written version rolled back when the file was opened again
    again = run("-c", KILLER, "ok")  # and the database still takes the import
    assert again.returncode == 0, again.stderr
    assert _counts(db)["performance_indicatore"] == 2 * 79
