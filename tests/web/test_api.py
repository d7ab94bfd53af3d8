"""REST API v1: authentication, the same permission matrix as the pages, problem details, the cycle."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from cruscotto.performance import models as m

ROLES = ["admin", "controllo", "responsabile", "oiv", "consultazione"]


def token_for(username: str) -> str:
    out = io.StringIO()
    call_command("token_api", username, "prova", stdout=out)
    return out.getvalue().strip()


def api(username: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(username)}")


def put(c, url, body):
    return c.put(url, data=json.dumps(body), content_type="application/json")


def test_no_credentials_no_data(db):
    r = Client().get("/api/v1/enti")
    assert (
        r.status_code == 401 and r["Content-Type"] == "application/problem+json" and r["WWW-Authenticate"] == "Bearer"
    )
    assert Client(HTTP_AUTHORIZATION="Bearer sbagliato").get("/api/v1/enti").status_code == 401


def test_a_revoked_token_stops_working(db):
    c = api("consultazione")
    assert c.get("/api/v1/enti").status_code == 200
    call_command("token_api", "consultazione", "--revoca", stdout=io.StringIO())
    assert c.get("/api/v1/enti").status_code == 401


def test_the_browser_session_works_and_writes_need_csrf(db, as_user):
    c = as_user("consultazione")
    assert c.get("/api/v1/enti/CCIAA-PT/2020/albero").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    from django.contrib.auth import get_user_model

    strict.force_login(get_user_model().objects.get(username="controllo"))
    assert put(strict, "/api/v1/enti/CCIAA-PT/2020/consuntivi/B.2.1-1", {"valore": "90"}).status_code in (401, 403)


def test_scores_are_the_engines_with_traces(db, piano):
    from cruscotto.performance import selectors

    data = api("oiv").get("/api/v1/enti/CCIAA-PT/2020/punteggi").json()
    result = selectors.score(piano, 2020)
    assert data["entity"]["achievement"] == pytest.approx(result.achievement)
    assert data["fund"]["provisional"] is True
    one = next(i for i in data["indicators"] if i["code"] == "B.2.1-1")
    assert one["trace"] and one["status"] == result.indicatore("B.2.1-1").stato.value


def test_indicator_filters_and_pagination(db):
    c = api("consultazione")
    page = c.get("/api/v1/enti/CCIAA-PT/2020/indicatori?limit=5&offset=0").json()
    assert page["count"] == 79 and len(page["items"]) == 5
    own = c.get("/api/v1/enti/CCIAA-PT/2020/indicatori?struttura=PROMOZIONE&limit=500").json()
    assert own["count"] > 0 and all("PROMOZIONE" in i["strutture"] for i in own["items"])
    ente_only = c.get("/api/v1/enti/CCIAA-PT/2020/indicatori?cruscotto=ente&limit=500").json()
    assert ente_only["count"] == 54  # the seed's cruscotto di ente


def test_another_entes_data_is_not_found(db, django_user_model):
    other = m.Ente.objects.create(codice="ALTRO", nome="Altro ente")
    assert api("controllo").get(f"/api/v1/enti/{other.codice}/piani").status_code == 404


# The same actions as the pages' permission matrix (tests/web/test_permissions.py), through the API.
WRITES = {
    "valore, propria struttura": (
        "put",
        "/api/v1/enti/CCIAA-PT/2020/consuntivi/B.2.1-1",
        {"valore": "80"},
        {"admin", "controllo", "responsabile"},
    ),
    "valore, trasversale": (
        "put",
        "/api/v1/enti/CCIAA-PT/2020/consuntivi/D2-4",
        {"valore": "99"},
        {"admin", "controllo", "responsabile"},
    ),
    "valore, altra struttura": (
        "put",
        "/api/v1/enti/CCIAA-PT/2020/consuntivi/D2-1",
        {"valore": "2"},
        {"admin", "controllo"},
    ),
    "misura di base": (
        "put",
        "/api/v1/enti/CCIAA-PT/misure/oneri_correnti/2020",
        {"valore": 1234.5},
        {"admin", "controllo"},
    ),
    "adozione": (
        "post",
        "/api/v1/enti/CCIAA-PT/cicli/2020/adozioni",
        {"versione": 1, "atto": "Delibera n. 1", "atto_data": "2020-01-30"},
        {"admin", "controllo"},
    ),
    "chiusura periodo": (
        "post",
        "/api/v1/enti/CCIAA-PT/2020/periodi-chiusi",
        {"periodo": "S1"},
        {"admin", "controllo"},
    ),
    "commento OIV": (
        "post",
        "/api/v1/enti/CCIAA-PT/cicli/2020/commenti",
        {"oggetto": "D2-4", "testo": "Verificare"},
        {"oiv"},
    ),
}
# Writes only the API has (an accounting system pushes base measures; no page edits them yet).
API_ONLY = {"misura di base"}


def test_one_matrix_for_pages_and_api():
    from tests.web.test_permissions import ACTIONS

    assert set(WRITES) - API_ONLY <= set(ACTIONS)
    for action in set(WRITES) - API_ONLY:
        assert WRITES[action][3] == ACTIONS[action][3], action


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("action", list(WRITES))
def test_api_permission_matrix_matches_the_pages(db, username, action):
    from tests.web.test_permissions import ACTIONS

    method, url, body, allowed = WRITES[action]
    if action not in API_ONLY:
        assert ACTIONS[action][3] == allowed  # one matrix for pages and API
    c = api(username)
    before = m.Registro.objects.count()  # after the token's own record
    r = getattr(c, method)(url, data=json.dumps(body), content_type="application/json")
    if username in allowed:
        assert r.status_code in (200, 201, 204), (action, username, r.status_code, r.content[:300])
        assert m.Registro.objects.count() > before  # and it is on record
    else:
        assert r.status_code == 403 and r["Content-Type"] == "application/problem+json", (
            action,
            username,
            r.status_code,
        )
        assert m.Registro.objects.count() == before  # nothing written, nothing recorded


def test_the_demo_cycle_through_the_api(db):
    c, oiv = api("controllo"), api("oiv")
    base = "/api/v1/enti/CCIAA-PT/cicli/2020"
    r = c.post(
        f"{base}/adozioni",
        data=json.dumps({"versione": 1, "atto": "Delibera di Giunta n. 12", "atto_data": "2020-01-30"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["stato"] == "adottato" and r.json()["versione_in_vigore"] == 1
    assert (
        c.post(
            f"{base}/rimodulazioni", data=json.dumps({"motivazione": "Nuove risorse"}), content_type="application/json"
        ).json()["bozza"]
        == 2
    )
    r = c.post(
        f"{base}/adozioni",
        data=json.dumps({"versione": 2, "atto": "Delibera n. 40", "atto_data": "2020-06-15"}),
        content_type="application/json",
    )
    assert r.json()["versione_in_vigore"] == 2

    def move(who, to, nota=""):
        r = who.post(
            f"{base}/transizioni", data=json.dumps({"verso": to, "nota": nota}), content_type="application/json"
        )
        assert r.status_code == 200 and r.json()["stato"] == to, r.content

    move(c, "in_monitoraggio")
    r = c.post(
        "/api/v1/enti/CCIAA-PT/2020/periodi-chiusi", data=json.dumps({"periodo": "S1"}), content_type="application/json"
    )
    assert r.status_code == 200 and r.json() == ["S1"]
    move(c, "consuntivo_chiuso")
    r = oiv.post(
        f"{base}/commenti",
        data=json.dumps({"oggetto": "D2-4", "testo": "Indicare la fonte"}),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["autore"] == "oiv"
    move(oiv, "in_monitoraggio", nota="Manca la fonte di D2-4")  # returned to the administration
    move(c, "consuntivo_chiuso")
    # Neutralisations and the Giunta's approval, through the API too.
    r = c.post(
        f"{base}/neutralizzazioni",
        data=json.dumps(
            {
                "livello": "indicatore",
                "codice": "I.3.1-3",
                "atto": "Delibera n. 40",
                "atto_data": "2021-05-10",
                "motivo": "Servizio sospeso",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["codice"] == "I.3.1-3" and r.json()["revocata"] is False
    assert [n["codice"] for n in api("oiv").get(f"{base}/neutralizzazioni").json()] == ["I.3.1-3"]
    bad = c.post(
        f"{base}/neutralizzazioni",
        data=json.dumps(
            {"livello": "indicatore", "codice": "NO", "atto": "x", "atto_data": "2021-05-10", "motivo": "x"}
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422
    # withdrawn with its reason, then decided again: the withdrawal stays on record
    first = r.json()["id"]
    assert (
        oiv.post(
            f"{base}/neutralizzazioni/{first}/revoca", data=json.dumps({"motivo": "x"}), content_type="application/json"
        ).status_code
        == 403
    )
    w = c.post(
        f"{base}/neutralizzazioni/{first}/revoca",
        data=json.dumps({"motivo": "Decisione ritirata"}),
        content_type="application/json",
    )
    assert w.status_code == 200 and w.json()["revocata"] is True
    again = c.post(
        f"{base}/neutralizzazioni/{first}/revoca",
        data=json.dumps({"motivo": "Di nuovo"}),
        content_type="application/json",
    )
    assert again.status_code == 404
    assert m.Registro.objects.filter(azione="neutralizzazione.revoca", motivo="Decisione ritirata").exists()
    r = c.post(
        f"{base}/neutralizzazioni",
        data=json.dumps(
            {
                "livello": "indicatore",
                "codice": "I.3.1-3",
                "atto": "Delibera n. 41",
                "atto_data": "2021-05-12",
                "motivo": "Servizio sospeso",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201
    refused = oiv.post(
        f"{base}/transizioni", data=json.dumps({"verso": "validato_oiv", "nota": ""}), content_type="application/json"
    )
    assert refused.status_code == 422 and "non è ancora approvata" in refused.json()["detail"]
    r = c.post(
        f"{base}/approvazioni",
        data=json.dumps({"atto": "Delibera di Giunta n. 45", "atto_data": "2021-06-20"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["stato"] == "pronto" and len(r.json()["sha256_pdf"]) == 64
    move(oiv, "validato_oiv")
    move(c, "pubblicato")
    assert [x["testo"] for x in api("consultazione").get(f"{base}/commenti").json()] == ["Indicare la fonte"]
    assert api("consultazione").get("/api/v1/enti/CCIAA-PT/2020/punteggi").json()["fund"]["provisional"] is False
    trail = c.get("/api/v1/enti/CCIAA-PT/registro?limit=100").json()["items"]
    assert [t["azione"] for t in trail if t["azione"].startswith(("piano.", "ciclo."))][::-1] == [
        "piano.importa",
        "piano.adotta",
        "piano.rimodulazione.avvia",
        "piano.rimodulazione.adotta",
        *["ciclo.stato"] * 6,
    ]
    assert {"periodo.chiudi", "oiv.commento"} <= {t["azione"] for t in trail}


def test_plan_import_lists_every_problem_and_writes_nothing(db, tmp_path):
    bad = tmp_path / "piano.yaml"
    bad.write_text(
        "formato: cruscotto/piano@1\nente: {codice: CCIAA-PT, nome: X}\npiano: {titolo: T, anni: [2020]}\nprospettive: [{codice: P, nome: P, pes: 3}]\n",
        encoding="utf-8",
    )
    before = m.Piano.objects.count()
    with open(bad, "rb") as fh:
        r = api("controllo").post("/api/v1/enti/CCIAA-PT/piani", {"file": fh})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert any("pes" in json.dumps(e) for e in r.json()["errors"])
    assert m.Piano.objects.count() == before


def test_plan_import_creates_a_draft_version(db, demo_plan_path):
    with open(demo_plan_path, "rb") as fh:
        r = api("controllo").post("/api/v1/enti/CCIAA-PT/piani", {"file": fh})
    assert r.status_code == 201, r.content[:500]
    assert r.json()["versione"] == 2 and r.json()["stato_versione"] == "bozza" and r.json()["indicatori"] == 79


def test_openapi_document_and_local_docs(db):
    spec = Client().get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/v1/enti/{ente}/{anno}/punteggi" in spec["paths"]
    docs = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui" in docs and "cdn" not in docs.lower()


def test_found_by_fuzzing_bounds_booleans_and_bad_bodies(db):
    # Each of these was a schemathesis finding (tests/web/test_api_fuzz.py).
    c = api("controllo")
    huge = c.get("/api/v1/enti?limit=19561073958025116161614544896")
    assert huge.status_code == 422 and huge["Content-Type"] == "application/problem+json"  # was a 500 from SQLite
    assert c.get("/api/v1/enti?limit=501").status_code == 422
    r = put(c, "/api/v1/enti/CCIAA-PT/misure/proventi_correnti/2020", {"valore": False})
    assert r.status_code == 422  # was stored as 0.0
    assert not m.Misura.objects.filter(nome="proventi_correnti", anno=2020, valore=0).exists()
    bad = c.put("/api/v1/enti/CCIAA-PT/2020/consuntivi/A.3.4-1", data=b"\xdf\xbbR", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["title"] == "Richiesta illeggibile"
    spec = Client().get("/api/v1/openapi.json").json()
    errors = spec["paths"]["/api/v1/enti"]["get"]["responses"]["404"]["content"]
    assert list(errors) == ["application/problem+json"]


def test_a_repeated_or_empty_query_parameter_is_refused(db):
    r = api("oiv").get("/api/v1/enti/CCIAA-PT/registro?utente=a&utente=b")
    assert r.status_code == 422 and "utente" in r.json()["detail"]
    r = api("oiv").get("/api/v1/enti/CCIAA-PT/2020/indicatori?cruscotto=&offset=74888")
    assert r.status_code == 422 and r.json()["detail"] == "Parametri vuoti: cruscotto"  # schemathesis: was a 200
    assert api("oiv").get("/api/v1/enti/CCIAA-PT/registro?utente=a").status_code == 200


def test_budget_and_staff_through_the_api(db):
    c = api("consultazione")
    data = c.get("/api/v1/enti/CCIAA-PT/bilanci/2020").json()
    assert data["risultati"]["A-B-C-D"]["preventivo"] == -451_000 and data["patrimonio_netto"]["residuo"] == 6_122_561
    assert len(data["controlli"]) == 12 and data["tabelle"]["preventivo"]["righe"][0]["codice"] == "1"
    assert c.get("/api/v1/enti/CCIAA-PT/bilanci/2021").status_code == 404
    staff = c.get("/api/v1/enti/CCIAA-PT/personale").json()
    assert staff["anni"] == [2016, 2017, 2018, 2019]
    donne = next(i for i in staff["indicatori"] if i["codice"] == "donne" and i["anno"] == 2017)
    assert (donne["numeratore"], donne["denominatore"]) == (32, 45)
    assert "matricol" not in json.dumps(staff).lower() and "1001" not in json.dumps(staff)


def test_a_plan_sheet_takes_the_ente_of_the_call_not_of_its_file_name(db, demo_plan_path, tmp_path):
    from cruscotto.files import load_plan, save_plan

    sheet = tmp_path / "esportazione.csv"
    save_plan(load_plan(demo_plan_path).piano, sheet)
    with open(sheet, "rb") as fh:
        r = api("controllo").post("/api/v1/enti/CCIAA-PT/piani", {"file": fh})
    assert r.status_code == 201, r.content[:800]
    assert r.json()["indicatori"] == 79


def test_inputs_beyond_their_columns_are_422_naming_the_field(db, piano):
    """As the pages' forms: an OIV comment subject over 60 characters, a value over 100, a period
    over 10 are refused with the field named, never a database error (PostgreSQL refuses them)."""
    oiv, c = api("oiv"), api("controllo")
    r = oiv.post(
        "/api/v1/enti/CCIAA-PT/cicli/2020/commenti",
        data=json.dumps({"oggetto": "X" * 61, "testo": "t"}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "oggetto" in json.dumps(r.json())
    r = put(c, "/api/v1/enti/CCIAA-PT/2020/consuntivi/B.2.1-1", {"valore": "8" * 101})
    assert r.status_code == 422 and "valore" in json.dumps(r.json())
    r = c.post(
        "/api/v1/enti/CCIAA-PT/2020/periodi-chiusi",
        data=json.dumps({"periodo": "S" * 11}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "periodo" in json.dumps(r.json())
