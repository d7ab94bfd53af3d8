"""Every POST field of the monitoring row is checked by its form (performance/forms.py) before a
service sees it: a period that does not exist or a text beyond its column is a 422 on the page,
never a database error (PostgreSQL refuses 11 characters in a 10-character column)."""

from __future__ import annotations

from cruscotto.performance import models as m

ROW = "/CCIAA-PT/2020/monitoraggio/B.2.1-1/"


def test_the_monitoring_row_refuses_what_its_columns_cannot_hold(as_user, piano):
    c = as_user("controllo")
    before = m.Consuntivo.objects.count()
    r = c.post(ROW, {"valore": "88", "periodo": "S1-INVENTATO"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "S1-INVENTATO" in r.content.decode()
    r = c.post(ROW, {"valore": "8" * 101, "periodo": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "100" in r.content.decode()
    r = c.post(ROW, {"valore": "88", "nota": "n" * 2001, "periodo": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert m.Consuntivo.objects.count() == before
    assert c.get(f"{ROW}?periodo={'X' * 11}").status_code == 404
    # A well-formed row is saved as before.
    assert c.post(ROW, {"valore": "88", "periodo": "S1"}, HTTP_HX_REQUEST="true").status_code == 200
    assert m.Consuntivo.objects.filter(codice="B.2.1-1", periodo="S1", valore="88").exists()


def test_the_events_and_documents_forms_check_their_fields(as_user, piano):
    c = as_user("controllo")
    r = c.post("/CCIAA-PT/2020/eventi/", {"codice": "T0", "data": "31/02/2020"})
    assert r.status_code == 200 and "Data non valida: 31/02/2020" in r.content.decode()
    assert c.post("/CCIAA-PT/2020/eventi/", {"codice": "T" * 201, "data": ""}).status_code == 200
    assert m.Evento.objects.get(piano=piano, codice="T0").data is None  # nothing written
    assert (
        c.post("/CCIAA-PT/2020/documenti/", {"tipo": "relazione", "formato": "pdf", "periodo": "X" * 11}).status_code
        == 404
    )


def test_the_plan_editor_bounds_every_field_to_its_column(as_user, piano):
    c = as_user("controllo")
    url = "/CCIAA-PT/2020/piano/indicatori/B.2.1-1/"
    page = c.get(url)
    assert page.status_code == 200
    r = c.post(url, {"nome": "Nome", "unita": "u" * 101, "polarita": "crescente", "cruscotto": "ente"})
    assert r.status_code == 422 and "unita: " in r.content.decode()
    r = c.post(url, {"nome": "Nome", "strutture": ["S" * 41], "polarita": "crescente", "cruscotto": "ente"})
    assert r.status_code == 422 and "40 caratteri" in r.content.decode()
    node = "/CCIAA-PT/2020/piano/obiettivo_operativo/B.2.2/"
    assert c.post(node, {"nome": "N", "peso": "9" * 21, "note": ""}).status_code == 422
    assert m.Indicatore.objects.get(piano=piano, codice="B.2.1-1").unita != "u" * 101


def test_the_fund_what_if_bounds_its_values(as_user, piano):
    """A what-if value beyond its field is marked as unreadable, never tried; nothing is saved."""
    c = as_user("consultazione")
    stored = list(m.Consuntivo.objects.filter(piano=piano).values_list("codice", "valore"))
    r = c.post("/CCIAA-PT/2020/fondo/", {"v-D2-4": "9" * 101}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "D2-4 = «" in r.content.decode()
    r = c.post("/CCIAA-PT/2020/fondo/", {"v-D2-4": "50", "v-NON-DEL-FONDO": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200  # a code that is not the fund's is not a field: ignored
    assert list(m.Consuntivo.objects.filter(piano=piano).values_list("codice", "valore")) == stored


def test_the_tables_upload_checks_its_fields(as_user, ente):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = as_user("controllo")
    before = m.Bilancio.objects.get(ente=ente, anno=2020).dati
    r = c.post("/CCIAA-PT/2020/bilancio/", {"azione": "x" * 50})
    assert r.status_code == 422 and "Nessun file scelto." in r.content.decode()
    f = SimpleUploadedFile("misure.csv", b"misura,anno,valore\nproventi_correnti,2019,5.541.421\n")
    r = c.post("/CCIAA-PT/2020/bilancio/", {"azione": "bilancio-e-altro", "file": [f]})
    assert r.status_code == 422 and "bilancio-e-altro" in r.content.decode()
    assert m.Bilancio.objects.get(ente=ente, anno=2020).dati == before
    assert as_user("consultazione").post("/CCIAA-PT/2020/bilancio/", {}).status_code == 403
