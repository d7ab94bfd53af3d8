"""Tables uploaded through the REST API: the same reading, checks and all-or-nothing writing as
the pages (performance/uploads.py), so that an accounting or HR system can push them."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from cruscotto.demo import demo_path
from cruscotto.performance import models as m

from .test_api import api


def _files(folder: str):
    return [SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv") for p in sorted(Path(demo_path(folder)).iterdir())]


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
    bad = SimpleUploadedFile("rapporti.csv", b"codice;nome;formula;indicatore;fonte;anno_cluster;media_cluster;2018\na;A;x / y;;;2018;3,1;7,6x\n")
    measures = SimpleUploadedFile("misure.csv", b"misura,anno,valore\nx,2018,1\ny,2018,2\n")
    r = api("controllo").post("/api/v1/enti/CCIAA-PT/bilanci/2020", {"file": [bad, measures]})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert r.json()["errors"] == [{"where": "rapporti.csv, riga 2, colonna 2018", "message": "valore non valido (un numero, o N/D): '7,6x'"}]
    assert m.Bilancio.objects.get(ente=ente, anno=2020).dati == before and not m.Misura.objects.filter(ente=ente, nome="x").exists()


def test_readers_may_not_upload(db, ente):
    records = m.Registro.objects.filter(azione="personale.importa").count()
    for username in ("oiv", "consultazione", "responsabile"):
        r = api(username).post("/api/v1/enti/CCIAA-PT/personale", {"file": _files("bilancio")[:1]})
        assert r.status_code == 403, username
    assert m.Registro.objects.filter(azione="personale.importa").count() == records


def test_the_register_and_the_context_are_uploaded(db, ente):
    register = SimpleUploadedFile("personale.csv", Path(demo_path("personale.csv")).read_bytes())
    r = api("admin").post("/api/v1/enti/CCIAA-PT/personale", {"file": [register]})
    assert r.status_code == 201 and r.json()["anni"] == [2016, 2017, 2018, 2019]
    r = api("controllo").post("/api/v1/enti/CCIAA-PT/contesto", {"file": _files("contesto")})
    assert r.status_code == 201 and len(r.json()["partecipate"]) == 8 and len(r.json()["azioni_positive"]) == 4
    assert m.Registro.objects.filter(azione="contesto.importa", utente="controllo").exists()
