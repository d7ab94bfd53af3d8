"""Logs: one JSON line per event in production; requests, logins and jobs are in them."""

from __future__ import annotations

import json
import logging

import pytest

from cruscotto.web.logs import JsonFormatter


def _records(caplog, name):
    return [r for r in caplog.records if r.name == name]


def test_each_request_is_one_line_with_its_fields(as_user, caplog):
    c = as_user("controllo")
    with caplog.at_level(logging.INFO, logger="cruscotto"):
        assert c.get("/CCIAA-PT/2020/").status_code == 200
        assert c.get("/CCIAA-PT/2020/indicatori/NON-ESISTE/").status_code == 404
    ok, missing = _records(caplog, "cruscotto.richieste")[-2:]
    line = json.loads(JsonFormatter().format(ok))
    assert line["logger"] == "cruscotto.richieste" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"], line["user"]) == ("GET", "/CCIAA-PT/2020/", 200, "controllo")
    assert isinstance(line["ms"], float) and line["time"].endswith("+00:00")
    assert missing.levelname == "WARNING" and missing.status == 404


def test_logins_and_failed_logins_are_logged_without_the_password(client, caplog, db):
    # The demo users exist (tests/web/conftest.py).
    with caplog.at_level(logging.INFO, logger="cruscotto"):
        client.post("/accounts/login/", {"username": "oiv", "password": "sbagliata-123"})
        client.post("/accounts/login/", {"username": "oiv", "password": "demo"})
    events = [(r.event, r.username) for r in _records(caplog, "cruscotto.accessi")]
    assert ("login_failed", "oiv") in events and ("login", "oiv") in events
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "sbagliata-123" not in text and '"address": "127.0.0.1"' in text


def test_a_failed_job_is_logged_with_its_traceback(piano, caplog, settings):
    from cruscotto.performance import lavori
    from cruscotto.performance import models as m

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = m.Lavoro.objects.create(
        tipo="documento",
        parametri={"kind": "piano", "fmt": "pdf", "anno": 2020, "piano": 10**9},
        ente=piano.ente,
        nome_file="piano.pdf",
    )
    with caplog.at_level(logging.INFO, logger="cruscotto"), pytest.raises(m.Piano.DoesNotExist):
        lavori.esegui(str(job.pk))
    failed = [r for r in _records(caplog, "cruscotto.lavori") if r.levelname == "ERROR"]
    assert (
        failed
        and "DoesNotExist" in JsonFormatter().format(failed[0])
        and "Traceback" in JsonFormatter().format(failed[0])
    )
