"""The shared cache (CRUSCOTTO_CACHE_URL, issue 16): with a Redis server, each plan's values
for benchmarking are kept there, where every web process and machine finds them; a bad address
stops the start with the reason. A Redis server of its own on a free port (.ci/run installs
redis-server; without it this module is skipped, saying so)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from django.core.management import call_command

from cruscotto.performance import confronto as co
from cruscotto.performance import models as m


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server not installed (.ci/run installs it)")
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def test_the_benchmarking_values_live_in_redis(db, settings, redis_url, monkeypatch):
    import redis

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "prova",
        },
    }
    settings.CRUSCOTTO_CONFRONTO_MINIMO = 3
    call_command("installazione_sintetica", enti=5, indicatori=48, catalogo=4, verbosity=0)
    first = co.righe(2020)
    server = redis.Redis.from_url(redis_url)
    keys = sorted(k.decode() for k in server.keys("prova:*confronto:*"))
    # one key a plan: the five synthetic enti's and the demo ente's
    assert len(keys) == m.Piano.objects.count() == 6
    assert all(k.endswith(":2020") for k in keys)
    # another process finds them: nothing is computed again
    calls = []
    monkeypatch.setattr(co, "_valori", lambda piano, anno: calls.append(piano.pk))
    again = co.righe(2020)
    assert calls == [] and np.array_equal(again.valore, first.valore, equal_nan=True)


def test_a_cache_address_that_is_not_redis_stops_the_start():
    env = {**os.environ, "CRUSCOTTO_CACHE_URL": "memcached://127.0.0.1:11211", "DJANGO_SETTINGS_MODULE": ""}
    env["DJANGO_SETTINGS_MODULE"] = "cruscotto.web.settings"
    r = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode != 0 and "CRUSCOTTO_CACHE_URL: un indirizzo Redis" in r.stderr


def _shared(settings, redis_url: str, prefix: str) -> None:
    settings.CRUSCOTTO_CACHE_URL = redis_url
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        },
    }


def _new_process() -> None:
    """What a process that has just started has: no engine plan or score in memory, no page body."""
    from django.core.cache import caches

    from cruscotto.performance import selectors

    selectors._plan_cached.cache_clear()
    selectors._score_cached.cache_clear()
    selectors._titolo_cached.cache_clear()
    caches["pagine"].clear()


def test_a_new_process_reads_the_engine_plan_scores_and_pages_from_redis(
    as_user, piano, settings, redis_url, monkeypatch
):
    """Issue 16, the first request after a restart: what one process built (the engine plan, its
    scores, a page body) another reads from the shared cache, and builds nothing;
    a change of the values makes new keys, so nothing stale is read."""
    import redis

    from cruscotto.performance import selectors, services

    _shared(settings, redis_url, "riavvio")
    _new_process()
    c = as_user("controllo")
    first = c.get("/CCIAA-PT/2020/albero/").content.decode()
    server = redis.Redis.from_url(redis_url)
    kinds = {k.decode().split(":")[2] for k in server.keys("riavvio:*")}
    assert {"motore", "corpo"} <= kinds
    # another process: nothing is built, the same page comes back
    _new_process()
    built = []
    real_plan, real_score = selectors.plan_from_data, selectors.score_plan
    monkeypatch.setattr(selectors, "plan_from_data", lambda *a, **k: built.append("piano") or real_plan(*a, **k))
    monkeypatch.setattr(selectors, "score_plan", lambda *a, **k: built.append("punteggi") or real_score(*a, **k))
    again = c.get("/CCIAA-PT/2020/albero/").content.decode()
    assert built == [] and _body(again) == _body(first)
    # the engine plan and the score from Redis are the same as built anew
    _new_process()
    shared_result = selectors.score(piano, 2020)
    settings.CRUSCOTTO_CACHE_URL = ""
    _new_process()
    assert selectors.score(piano, 2020).achievement == shared_result.achievement
    assert [r.achievement for r in selectors.score(piano, 2020).indicatori] == [
        r.achievement for r in shared_result.indicatori
    ]
    # a new value: new keys, the new figure shown by a new process
    settings.CRUSCOTTO_CACHE_URL = redis_url
    from django.contrib.auth import get_user_model

    services.consuntivo_registra(
        user=get_user_model().objects.get(username="controllo"), piano=piano, codice="B.2.1-1", anno=2020, testo="77"
    )
    _new_process()
    built.clear()
    c.get("/CCIAA-PT/2020/albero/")
    assert "punteggi" in built and "piano" not in built  # the plan did not change, its values did


def _body(html: str) -> str:
    """The page without its header (user name, CSRF token): the cached body."""
    return html[html.index("<main") :]
