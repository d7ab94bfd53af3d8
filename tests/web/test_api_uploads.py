"""Tables uploaded through the REST API: the same reading, checks and all-or-nothing writing as
the pages (performance/uploads.py), so that an accounting or HR system can push them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cruscotto.demo import demo_path
from cruscotto.performance import models as m

from .test_api import api


def _files(folder: str):
    return [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted(Path(demo_path(folder)).iterdir())
    ]


def _writes() -> int:
    """Records of the uploads' writes (a token made for a test client is on record too)."""
    return m.Registro.objects.filter(
        azione__in=("bilancio.importa", "misura.registra", "personale.importa", "contesto.importa")
    ).count()


def test_the_budget_tables_are_uploaded_with_their_measures(db, ente):
    m.Bilancio.objects.filter(ente=ente).delete()
    m.Misura.objects.filter(ente=ente, anno__lt=2019).delete()
    r = api("controllo").post("/api/v1/enti/CCIAA-PT/bilanci/2020", {"file": _files("bilancio")})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["tabelle"]["preventivo"]["anno"] == 2020 and len(body["tabelle"]["rapporti"]) == 4
    assert len(body["controlli"]) == 12  # the seed's 12, the ratios agree with the measures uploaded with them
    assert m.Misura.objects.filter(ente=ente, anno__lt=2019).count() == 23
    assert m.Registro.objects.filter(azione="bilancio.importa", utente="controllo").exists()


def test_a_bad_cell_is_a_problem_listing_file_row_and_column_and_nothing_is_written(db, ente):
    before = m.Bilancio.objects.get(ente=ente, anno=2020).dati
    bad = SimpleUploadedFile(
        "rapporti.csv",
        b"codice;nome;formula;indicatore;fonte;anno_cluster;media_cluster;2018\na;A;x / y;;;2018;3,1;7,6x\n",
    )
    measures = SimpleUploadedFile("misure.csv", b"misura,anno,valore\nx,2018,1\ny,2018,2\n")
    r = api("controllo").post("/api/v1/enti/CCIAA-PT/bilanci/2020", {"file": [bad, measures]})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert r.json()["errors"] == [
        {"where": "rapporti.csv, riga 2, colonna 2018", "message": "valore non valido (un numero, o N/D): '7,6x'"}
    ]
    assert (
        m.Bilancio.objects.get(ente=ente, anno=2020).dati == before
        and not m.Misura.objects.filter(ente=ente, nome="x").exists()
    )


@pytest.mark.parametrize(
    "url", ["/api/v1/enti/CCIAA-PT/bilanci/2020", "/api/v1/enti/CCIAA-PT/personale", "/api/v1/enti/CCIAA-PT/contesto"]
)
def test_readers_may_not_upload(db, ente, url):
    records = _writes()
    for username in ("oiv", "consultazione", "responsabile"):
        r = api(username).post(url, {"file": _files("bilancio")[:1]})
        assert r.status_code == 403, username
    assert _writes() == records


def test_tables_of_another_year_are_refused_and_nothing_is_written(db, ente):
    before = m.Bilancio.objects.get(ente=ente, anno=2020).dati
    records = _writes()
    r = api("controllo").post("/api/v1/enti/CCIAA-PT/bilanci/2021", {"file": _files("bilancio")})
    assert r.status_code == 422 and r.json()["errors"] == [
        {"where": "", "message": "Le tabelle sono del 2020, non del 2021."}
    ]
    assert (
        m.Bilancio.objects.get(ente=ente, anno=2020).dati == before
        and not m.Bilancio.objects.filter(ente=ente, anno=2021).exists()
    )
    assert _writes() == records


def test_a_write_that_fails_halfway_leaves_nothing_behind(db, ente):
    # The tables are valid; the second measure's name is too long for the store: refused after
    # the first measure was written, inside the same transaction.
    before = m.Bilancio.objects.get(ente=ente, anno=2020).dati
    measures = SimpleUploadedFile(
        "misure.csv", ("misura,anno,valore\nprima_misura,2018,1\n" + "x" * 120 + ",2018,2\n").encode()
    )
    r = api("controllo").post("/api/v1/enti/CCIAA-PT/bilanci/2020", {"file": [*_files("bilancio")[:1], measures]})
    assert r.status_code == 422 and "Nome della misura non valido" in r.json()["errors"][0]["message"]
    assert not m.Misura.objects.filter(ente=ente, nome="prima_misura").exists()
    assert m.Bilancio.objects.get(ente=ente, anno=2020).dati == before


def test_measures_alone_do_not_replace_the_years_tables(as_user, ente):
    before = m.Bilancio.objects.get(ente=ente, anno=2020).dati
    measures = SimpleUploadedFile("misure.csv", b"misura,anno,valore\nproventi_correnti,2019,5.541.421\n")
    r = as_user("controllo").post("/CCIAA-PT/2020/bilancio/", {"azione": "bilancio", "file": [measures]})
    assert r.status_code == 422 and "le sole misure di base si caricano con il loro modulo" in r.content.decode()
    assert (
        m.Bilancio.objects.get(ente=ente, anno=2020).dati == before
        and not m.Misura.objects.filter(ente=ente, anno=2019).exists()
    )


def test_a_ratio_linked_to_an_indicator_is_checked_alike_on_the_page_in_the_api_and_in_the_piano(as_user, ente):
    # The economic-balance ratio of 1.3 (net of the fondo perequativo: 103,78 in 2018, cluster
    # 106,77) linked to I.2.1-4, which prints 104,53 and 106,63: two findings, everywhere.
    from cruscotto.documents.piano import build_piano
    from cruscotto.performance import selectors

    text = (
        Path(demo_path("bilancio"), "rapporti.csv")
        .read_text(encoding="utf-8")
        .replace(
            "oneri_correnti_netto_fp / proventi_correnti_netto_fp * 100;;",
            "oneri_correnti_netto_fp / proventi_correnti_netto_fp * 100;I.2.1-4;",
        )
    )
    files = [f for f in _files("bilancio") if f.name != "rapporti.csv"] + [
        SimpleUploadedFile("rapporti.csv", text.encode())
    ]
    assert api("controllo").post("/api/v1/enti/CCIAA-PT/bilanci/2020", {"file": files}).status_code == 201
    linked = [
        c
        for c in api("consultazione").get("/api/v1/enti/CCIAA-PT/bilanci/2020").json()["controlli"]
        if c["code"] == "rapporto_indicatore"
    ]
    assert [c["message"] for c in linked] == [
        "I.2.1-4, 2018: l'indicatore stampa 104,53, il rapporto «Indice di equilibrio economico al netto del fondo di svalutazione» 103,78",
        "I.2.1-4: media cluster stampata 106,63 nell'indicatore, 106,77 nel rapporto «Indice di equilibrio economico al netto del fondo di svalutazione»",
    ]
    page = as_user("consultazione").get("/CCIAA-PT/2020/bilancio/").content.decode()
    assert (
        "(stampato" not in page.split("Ratios di bilancio")[1].split("</table>")[0]
    )  # the ratios agree with their measures
    assert all(
        c["message"] in page.replace("&#x27;", "'").replace("&laquo;", "«").replace("&raquo;", "»") for c in linked
    )
    assert m.Registro.objects.filter(azione="bilancio.importa").latest("pk").dopo["avvisi"] == 14
    piano = selectors.plan_for(selectors.current_plan(ente, 2020))
    doc = build_piano(piano, bilancio=selectors.resources(ente, 2020)["bilancio"])
    assert any("Controlli: 14 segnalazioni" in getattr(b, "text", "") for b in doc.blocks)


def test_the_register_and_the_context_are_uploaded(db, ente):
    register = SimpleUploadedFile("personale.csv", Path(demo_path("personale.csv")).read_bytes())
    r = api("admin").post("/api/v1/enti/CCIAA-PT/personale", {"file": [register]})
    assert r.status_code == 201 and r.json()["anni"] == [2016, 2017, 2018, 2019]
    r = api("controllo").post("/api/v1/enti/CCIAA-PT/contesto", {"file": _files("contesto")})
    assert r.status_code == 201 and len(r.json()["partecipate"]) == 8 and len(r.json()["azioni_positive"]) == 4
    assert m.Registro.objects.filter(azione="contesto.importa", utente="controllo").exists()


def test_a_plan_upload_is_checked_as_on_the_page_and_answered_in_the_callers_language(db, ente):
    """One check for the page and the API (performance/uploads.py): the same refusals, translated."""
    c = api("controllo")
    bad = SimpleUploadedFile("piano.txt", b"x")
    r = c.post("/api/v1/enti/CCIAA-PT/piani", {"file": bad})
    assert r.status_code == 422 and "Formato non ammesso: .txt" in str(r.json())
    c.cookies["django_language"] = "en"
    r = c.post("/api/v1/enti/CCIAA-PT/piani", {"file": SimpleUploadedFile("piano.txt", b"x")})
    assert r.status_code == 422 and "Format not allowed: .txt" in str(r.json())
    wrong = SimpleUploadedFile("piano.csv", b"Prospettiva,Indicatore\nP - p,Uno\n")
    r = c.post("/api/v1/enti/CCIAA-PT/piani", {"file": wrong})
    assert r.status_code == 422 and r.json()["title"] == "Invalid plan"
