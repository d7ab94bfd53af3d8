"""The context page: the seed's organs, stakeholder map, partecipate and external-context tables,
with the checks' findings; the upload by permission, all or nothing, on record."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from cruscotto.demo import demo_path
from cruscotto.performance import models as m

URL = "/CCIAA-PT/2020/contesto/"


def _upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _demo_files():
    return [_upload(p.name, p.read_bytes()) for p in sorted(Path(demo_path("contesto")).iterdir())]


def _row(page: str, stakeholder: str) -> str:
    """The map's table row of a stakeholder (its header cell and its marks)."""
    found = re.search(rf'<tr><td>[^<]*</td><th scope="row">{re.escape(stakeholder)}</th>(.*?)</tr>', page, re.S)
    assert found, stakeholder
    return found.group(1)


def test_the_page_shows_the_seeds_context_with_the_checks_findings(as_user):
    r = as_user("consultazione").get(URL)
    assert r.status_code == 200
    page = r.content.decode()
    for heading in (
        "Organi",
        "Struttura organizzativa",
        "Attività",
        "Mappa degli stakeholder",
        "Partecipate",
        "Contesto esterno",
        "Controlli",
    ):
        assert f'class="h3">{heading}</h2>' in page, heading
    assert "IL CONSIGLIO CAMERALE" in page and "Tenuta del registro delle imprese" in page
    # a partecipata of demo/contesto/partecipate.csv: its name, its codice fiscale, its share in Italian format
    assert re.search(r"Firenze Fiera s\.p\.a\.</th><td><span[^>]*>04933280481</span></td><td[^>]*>0,014%</td>", page)
    assert "Toscana Aeroporti S.p.a." in page and "00403110505" in page and "0,087%" in page
    # the stakeholder map: stakeholders are row headers, the columns' headers are column headers,
    # a mark is a ✓ with its text for screen readers
    assert '<th scope="colgroup" colspan="3" class="text-center">Imprese Territorio</th>' in page
    assert '<th scope="col" class="text-center">Regolazione mercato</th>' in page
    assert '<th scope="col" class="text-center" rowspan="2">Processi Interni</th>' in page
    mark = '<span aria-hidden="true">✓</span><span class="visually-hidden">sì</span>'
    assert _row(page, "Sistema camerale").count(mark) == 6
    assert _row(page, "Sistema del sapere e della cultura").count(mark) == 1
    assert _row(page, "Risorse umane").count(mark) == 2
    # the external context's tables, cells as printed, with title and source
    assert (
        "Primi 10 prodotti per valore esportato – anno 2018" in page and "242.098.890" in page and "Fonte:Istat" in page
    )
    # and what check_contesto found: the 2012 column copied from 2015
    assert (
        "contesto esterno, tabella «Camera di Commercio di Pistoia»</strong>: le colonne «2012» e «2015» riportano le stesse cifre"
        in page
    )
    assert "Cifre o dati che non tornano: 5." in page


def test_readers_see_no_form_and_may_not_upload(as_user, ente):
    before = m.Contesto.objects.get(ente=ente).dati
    for username in ("oiv", "consultazione", "responsabile"):
        c = as_user(username)
        assert 'type="file"' not in c.get(URL).content.decode()
        assert c.post(URL, {"azione": "contesto", "file": _demo_files()}).status_code == 403
    assert m.Contesto.objects.get(ente=ente).dati == before
    assert 'type="file"' in as_user("controllo").get(URL).content.decode()


def test_a_bad_file_writes_nothing_and_lists_every_error(as_user, ente):
    c = as_user("controllo")
    before = m.Contesto.objects.get(ente=ente).dati
    trail = m.Registro.objects.filter(azione="contesto.importa").count()
    bad = b"progressivo;nome;codice_fiscale;quota\n1 - D;Firenze Fiera s.p.a.;04933280481;circa lo 0,014%\n2 - D;;00140570466;0,001%\n"
    organi = _upload("organi.csv", Path(demo_path("contesto/organi.csv")).read_bytes())
    r = c.post(URL, {"azione": "contesto", "file": [organi, _upload("partecipate.csv", bad)]})
    page = r.content.decode()
    assert r.status_code == 422
    assert "Nulla è stato scritto" in page
    assert (
        "partecipate.csv, riga 2, colonna quota</strong>: quota non valida (attesa una percentuale, ad esempio 0,21%): &#x27;circa lo 0,014%&#x27;"
        in page
    )
    assert "partecipate.csv, riga 3, colonna nome</strong>: nome mancante" in page
    assert m.Contesto.objects.get(ente=ente).dati == before
    assert m.Registro.objects.filter(azione="contesto.importa").count() == trail
    # a file of no known table is refused too
    r = c.post(URL, {"azione": "contesto", "file": [_upload("altro.csv", b"a;b\n1;2\n")]})
    assert r.status_code == 422 and "Nessuna tabella riconosciuta" in r.content.decode()


def test_the_demo_files_are_uploaded_and_on_record(as_user, ente):
    m.Contesto.objects.filter(ente=ente).delete()
    c = as_user("controllo")
    assert "Nessun dato di contesto per questo ente." in c.get(URL).content.decode()
    r = c.post(URL, {"azione": "contesto", "file": _demo_files()})
    assert r.status_code == 302 and r["Location"] == URL
    row = m.Contesto.objects.get(ente=ente)
    assert (
        len(row.dati["partecipate"]) == 8
        and len(row.dati["tabelle"]) == 11
        and row.fonte.startswith("18 file: attivita.csv, azioni-positive.csv, contesto-export-prodotti-2018.csv")
    )
    assert len(row.fonte) <= 200 and row.fonte.endswith(".csv…")  # the names that fit, whole
    record = m.Registro.objects.filter(azione="contesto.importa", ente=ente.codice).first()
    assert record.utente == "controllo" and record.prima is None
    assert record.dopo == {
        "organi": 5,
        "partecipate": 8,
        "stakeholder": 10,
        "tabelle": 11,
        "fonte": row.fonte[:200],
        "avvisi": 5,
    }
    assert "Firenze Fiera s.p.a." in c.get(URL).content.decode()


def test_the_personnel_page_lists_the_positive_actions(as_user, ente):
    page = as_user("consultazione").get("/CCIAA-PT/2020/personale/").content.decode()
    assert "Pari opportunità: azioni positive e CUG" in page
    assert (
        "<strong>Piano di azioni positive per il triennio 2019-2021</strong>" in page
        and "(deliberazione della Giunta camerale n. 93 del 15 novembre 2019)" in page
    )
    assert 'href="http://www.pt.camcom.it/piano_delle_azioni_positive.asp?ln=&amp;idtema=1' in page
    m.Contesto.objects.filter(ente=ente).delete()
    assert "azioni positive" not in as_user("consultazione").get("/CCIAA-PT/2020/personale/").content.decode()


def test_the_context_through_the_api(db, ente):
    from .test_api import api

    r = api("consultazione").get("/api/v1/enti/CCIAA-PT/contesto")
    assert r.status_code == 200
    data = r.json()
    fiera = data["partecipate"][0]
    assert (fiera["nome"], fiera["codice_fiscale"], fiera["quota"], fiera["quota_stampata"]) == (
        "Firenze Fiera s.p.a.",
        "04933280481",
        0.014,
        "0,014%",
    )
    assert len(data["mappa"]["righe"]) == 10 and data["mappa"]["righe"][-1]["segnate"] == [
        "Imprese Territorio: Promozione"
    ]
    export = next(t for t in data["tabelle"] if t["slug"] == "export-prodotti-2018")
    assert export["righe"][0][1] == {"testo": "242.098.890", "numero": 242098890.0} and export["fonte"] == "Fonte:Istat"
    assert len(data["controlli"]) == 5 and {c["code"] for c in data["controlli"]} >= {
        "contesto_colonne_uguali",
        "contesto_confronto",
    }
    assert (
        data["azioni_positive"][0]["atto"] == "deliberazione della Giunta camerale n. 93 del 15 novembre 2019"
        and len(data["azioni_positive"]) == 4
    )
    assert "/api/v1/enti/{ente}/contesto" in api("consultazione").get("/api/v1/openapi.json").json()["paths"]
    m.Contesto.objects.filter(ente=ente).delete()
    assert api("consultazione").get("/api/v1/enti/CCIAA-PT/contesto").status_code == 404
