"""Schemathesis over the OpenAPI document: no server error, no response outside the schema.

Every operation of /api/v1 gets generated requests (valid and invalid ones) as
the controllo di gestione, who may read and write, against the demo plan. The
checks: not_a_server_error, status codes, content types, headers and bodies as
documented, invalid data rejected. Not ``positive_data_acceptance``: data that
fits the schema can still be refused by the rules (an unknown indicator code
gives 404, a value that is no number 422), as documented.

``CRUSCOTTO_FUZZ_EXAMPLES`` (default 25) sets the examples per operation,
``CRUSCOTTO_FUZZ_RANDOM=1`` draws new ones, ``CRUSCOTTO_FUZZ_REPORT=1`` prints the counts.
"""

from __future__ import annotations

import io
import os

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks

EXAMPLES = int(os.environ.get("CRUSCOTTO_FUZZ_EXAMPLES", "25"))
# CI runs the same examples every time (a finding is then a change in the code, not luck);
# CRUSCOTTO_FUZZ_RANDOM=1 explores new ones, as done before each release (docs/api.md).
DERANDOMIZE = not os.environ.get("CRUSCOTTO_FUZZ_RANDOM")
STATS: dict[str, dict[int, int]] = {}
# positive_data_acceptance: see above. ignored_auth: its probe re-sends our valid token with
# the generated bad credentials, so a 200 is right; tests/web/test_api.py checks 401s itself.
EXCLUDED = [checks.positive_data_acceptance, checks.ignored_auth]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    # As Django's test client does: a request must not close the test's connection (and transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _app():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


@pytest.fixture
def token(db):
    out = io.StringIO()
    call_command("token_api", "controllo", "fuzz", stdout=out)
    return out.getvalue().strip()


# The OpenAPI document is public and needs no database: read at collection, through the app itself.
# Schemathesis draws some values with its own random seed: fixed too, unless CRUSCOTTO_FUZZ_RANDOM.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    _app(),
    config=SchemathesisConfig(seed=None if not DERANDOMIZE else int(os.environ.get("CRUSCOTTO_FUZZ_SEED", "2020"))),
)


# Generated path parameters almost never name the demo ente: each case is sent twice, as
# generated and with the path pointing at real data (the rest of the request as generated),
# so that the deep code (the tree, the scores, the writes) is fuzzed too.
REAL = {"ente": "CCIAA-PT", "anno": 2020, "codice": "A.3.4-1", "nome": "proventi_correnti"}


def _send(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    key = f"{case.method} {case.path}"
    STATS.setdefault(key, {}).setdefault(response.status_code, 0)
    STATS[key][response.status_code] += 1
    case.validate_response(response, excluded_checks=EXCLUDED)
    assert response.status_code < 500


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case, token):
    _send(case, token)
    path = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    # Only where the path was generated valid: a negative path made real would be a valid
    # request that schemathesis still expects to be refused.
    if case.path_parameters and path is not None and path.mode == GenerationMode.POSITIVE:
        case.path_parameters = {k: REAL.get(k, v) for k, v in case.path_parameters.items()}
        _send(case, token)


def teardown_module(module):
    if os.environ.get("CRUSCOTTO_FUZZ_REPORT"):
        total = sum(sum(v.values()) for v in STATS.values())
        print(f"\nfuzz: {len(STATS)} operations, {total} requests")
        ok = sum(n for v in STATS.values() for status, n in v.items() if status < 300)
        print(f"  answered 2xx: {ok}; 5xx: {sum(n for v in STATS.values() for s, n in v.items() if s >= 500)}")
        for k, v in sorted(STATS.items()):
            print(f"  {k}: {dict(sorted(v.items()))}")
