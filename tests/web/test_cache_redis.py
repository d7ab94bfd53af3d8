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
