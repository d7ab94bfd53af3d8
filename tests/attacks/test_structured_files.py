"""Denial of service through a plan file (issue 13, item 1): a YAML alias bomb and deep nesting
are refused with a message before memory grows; nothing is written."""

from __future__ import annotations

import resource
import time

import pytest

from cruscotto.engine.errors import PlanError
from cruscotto.files import load_plan
from cruscotto.performance import models as m

# Under 400 bytes of YAML that expand to 9^9 (387 million) strings once walked: the parser
# shares the aliased lists, and whatever walks the data (the schema check, the reader) expands them.
BOMB = "\n".join(
    ["a: &a [" + ",".join(['"lol"'] * 9) + "]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
)
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_YAML = "a:\n" + "".join("  " * k + "- \n" for k in range(1, 200))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.sqlite_only  # files only, no database
@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("bomba.yaml", BOMB, "alias YAML espansi"),
        ("profondo.json", DEEP_JSON, "livelli annidati"),
        ("profondo.yaml", "[" * 5_000 + "]" * 5_000, "livelli annidati"),
        ("profondo-blocchi.yaml", DEEP_YAML, "livelli annidati"),
    ],
)
def test_a_plan_file_beyond_the_limits_is_refused_before_it_is_built(tmp_path, name, text, why):
    assert len(BOMB) < 400
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before, t0 = _peak_mb(), time.perf_counter()
    with pytest.raises(PlanError) as exc:
        load_plan(path)
    assert why in str(exc.value)
    assert time.perf_counter() - t0 < 5
    assert _peak_mb() - before < 200  # the bomb alone would take gigabytes


def test_the_bomb_sent_to_the_import_page_is_a_message_not_a_crash(as_user, piano):
    from django.core.files.uploadedfile import SimpleUploadedFile

    versions = m.Piano.objects.count()
    r = as_user("controllo").post(
        "/CCIAA-PT/2020/piano/importa/",
        {"file": SimpleUploadedFile("bomba.yaml", BOMB.encode(), content_type="application/x-yaml")},
    )
    assert r.status_code in (200, 400, 422)
    assert "alias YAML espansi" in r.content.decode()
    assert m.Piano.objects.count() == versions


def test_the_bomb_sent_to_the_api_is_a_problem_not_a_crash(piano):
    from web.test_api import api

    r = api("controllo").post(
        "/api/v1/enti/CCIAA-PT/piani", {"file": __import__("io").BytesIO(BOMB.encode())}, format="multipart"
    )
    assert 400 <= r.status_code < 500, r.content[:500]
    assert r["Content-Type"].startswith("application/problem+json")
