"""Text inputs beyond their columns and NUL characters (issue 13, item 4). On PostgreSQL these
answered 500 (DataError) and on SQLite a 10-character column stored 50; now every one is a 4xx
that names the field, on both databases, and nothing is written."""

from __future__ import annotations

import json

import pytest

from cruscotto.performance import models as m

NUL = "\x00"


def _api(username):
    from web.test_api import api

    return api(username)


def _count():
    return (m.Consuntivo.objects.count(), m.Commento.objects.count(), m.Misura.objects.count())


@pytest.mark.parametrize(
    "path",
    [
        "/CCIAA-PT/2020/indicatori/A%00B/",
        "/CCIAA-PT/2020/monitoraggio/B.2.1-1%00/",
        "/CCIAA-PT/2020/aree/PRO%00MOZIONE/",
        "/CCIAA-PT/2020/registro/?oggetto=%00",
        "/CCIAA-PT/2020/registro/?utente=a%00b",
        "/CCIAA-PT/2020/monitoraggio/?periodo=S1%00",
        "/CCIA%00A-PT/2020/",
        "/api/v1/enti/CCIAA-PT/2020/indicatori/A%00B",
        "/api/v1/enti/CCIAA%00-PT",
        "/api/v1/enti/CCIAA-PT/2020/consuntivi?codice=%00",
    ],
)
def test_nul_in_a_path_or_a_query_is_a_400(as_user, path):
    r = as_user("controllo").get(path)
    assert r.status_code == 400, (path, r.status_code)
    assert "NUL" in r.content.decode()
    if path.startswith("/api/"):
        assert r["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("put", "/api/v1/enti/CCIAA-PT/2020/consuntivi/B.2.1-1", {"valore": "90", "nota": f"a{NUL}b"}, "nota"),
        ("put", "/api/v1/enti/CCIAA-PT/2020/consuntivi/B.2.1-1", {"valore": f"9{NUL}0"}, "valore"),
        ("post", "/api/v1/enti/CCIAA-PT/cicli/2020/commenti", {"oggetto": "", "testo": f"x{NUL}"}, "testo"),
        ("put", "/api/v1/enti/CCIAA-PT/misure/ricavi%00/2020", {"valore": 1.0}, None),
        ("put", "/api/v1/enti/CCIAA-PT/2020/consuntivi/B.2.1-1?periodo=" + "S" * 50, {"valore": "90"}, "periodo"),
        ("post", "/api/v1/enti/CCIAA-PT/cicli/2020/commenti", {"oggetto": "X" * 61, "testo": "x"}, "oggetto"),
        (
            "post",
            "/api/v1/enti/CCIAA-PT/cicli/2020/adozioni",
            {"versione": 1, "atto": "A" * 201, "atto_data": "2020-01-30"},
            "atto",
        ),
    ],
)
def test_a_bad_text_in_the_api_is_a_4xx_naming_the_field(piano, method, url, body, field):
    user = "oiv" if "commenti" in url else "controllo"
    before = _count()
    r = getattr(_api(user), method)(url, data=json.dumps(body), content_type="application/json")
    assert 400 <= r.status_code < 500, (url, r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/problem+json")
    if field:
        assert field in r.content.decode().lower()
    assert _count() == before


def test_nul_in_a_form_field_is_refused_with_the_field(as_user, piano):
    before = _count()
    r = as_user("controllo").post(
        "/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "90", "periodo": "", "nota": f"a{NUL}b"}
    )
    assert r.status_code == 400 and "nota" in r.content.decode()
    assert _count() == before
