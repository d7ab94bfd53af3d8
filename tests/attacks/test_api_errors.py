"""The API answers problem+json for every error (issue 13, item 10), also when the database is
down: before, an HTML 500 page."""

from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


def test_the_api_answers_problem_json_when_the_database_is_down(piano):
    from web.test_api import token_for

    token = token_for("controllo")
    c = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connessione rifiutata")):
        r = c.get("/api/v1/enti/CCIAA-PT/2020/indicatori")
    assert r.status_code == 503
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["status"] == 503 and "base dati" in r.json()["detail"]
    assert "connessione rifiutata" not in r.content.decode()  # no detail of the failure leaks


def test_an_unexpected_api_error_is_problem_json_without_details(piano):
    from web.test_api import token_for

    token = token_for("controllo")
    c = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
    with mock.patch("cruscotto.performance.selectors.plan_for", side_effect=RuntimeError("segreto interno")):
        r = c.get("/api/v1/enti/CCIAA-PT/2020/indicatori")
    assert r.status_code == 500 and r["Content-Type"] == "application/problem+json"
    assert "segreto interno" not in r.content.decode()
