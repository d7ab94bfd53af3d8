"""PIAO 2.3 on the web (issue 17): the demo's invented register, its upload by the RPCT (all or
nothing, every error at its file, row and column), a measure's implementation entered by who
may, scored by the engine and counted by the RPCT's report, all on the audit trail."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from cruscotto.demo import demo_path
from cruscotto.performance import models as m

BASE = "/CCIAA-PT/2021/piao/"
PIAO_DIR = Path(demo_path("piao"))
TABLES = ("processi", "eventi", "valutazioni", "misure", "obblighi")


def _files(**changed: bytes):
    """The demo's 2.3 files as uploads, with some replaced."""
    out = []
    for name in TABLES:
        content = changed.get(name, (PIAO_DIR / f"{name}.csv").read_bytes())
        out.append(SimpleUploadedFile(f"{name}.csv", content, content_type="text/csv"))
    return out


def _row_of(page: str, codice: str) -> str:
    found = re.search(rf'<tr id="misura-{re.escape(codice)}">(.*?)</tr>', page, re.S)
    assert found, codice
    return found.group(1)


def _piao(ente):
    return m.Piao.objects.get(ente=ente, anno=2021)


def test_every_role_reads_the_piao_and_its_invented_section_is_labelled(as_user):
    for user in ("admin", "controllo", "responsabile", "oiv", "consultazione", "rpct"):
        c = as_user(user)
        for url in (
            "",
            "rischi/",
            "misure/",
            "relazione-rpct/",
            "trasparenza/",
            "valore-pubblico/",
            "organizzazione/",
            "confronto/",
        ):
            r = c.get(BASE + url)
            assert r.status_code == 200, (user, url)
            if url and url != "confronto/":
                assert "Dati inventati." in r.content.decode(), (user, url)
    page = as_user("consultazione").get(BASE).content.decode()
    assert "7 processi, 8 misure" in page and "12 obblighi di pubblicazione" in page
    assert "inventata" in page


def test_the_register_page_shows_the_method(as_user):
    page = as_user("oiv").get(BASE + "rischi/").content.decode()
    # RM-01-E1: the indicators propose "basso", the RPCT judged "alto" with its reason: shown
    row = re.search(r"RM-01-E1 · .*?</tr>", page, re.S).group(0)
    assert "<td>basso</td>" in row and "<strong>alto</strong>" in row and "diverso dalla proposta" in row
    # a process is as exposed as its highest event: PR-01 has a medio and an alto event
    pr = re.search(r'id="processo-pr-01".*?</tr>', page, re.S).group(0)
    assert re.search(r'<td rowspan="2">alto</td>\s*</tr>$', pr), pr
    # the checks: medio events without a specific measure, said at their place
    assert "evento PE-01-E1</strong>: rischio medio senza una misura specifica" in page
    # only the RPCT and an amministratore see the upload form
    assert 'value="piao23"' not in page
    assert 'value="piao23"' in as_user("rpct").get(BASE + "rischi/").content.decode()
    assert 'value="piao23"' not in as_user("controllo").get(BASE + "rischi/").content.decode()


def _errors(page: str) -> list[str]:
    block = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', page, re.S)
    assert block, "no error list on the page"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    ]


def test_an_upload_with_bad_cells_names_each_and_writes_nothing(as_user, ente):
    before = m.SezionePiao.objects.get(piao=_piao(ente), sezione="2.3-rischi")
    trail = m.Registro.objects.filter(ente="CCIAA-PT").count()
    misure = (PIAO_DIR / "misure.csv").read_text(encoding="utf-8").splitlines()
    # row 3 (MG-02): a deadline that does not exist; row 4 (MG-03): no owner
    misure[2] = misure[2].replace("31/12/2021", "31/02/2021")
    misure[3] = misure[3].replace(";AREA-AMMINISTRATIVA;", ";;", 1)
    r = as_user("rpct").post(BASE + "rischi/", {"azione": "piao23", "file": _files(misure="\n".join(misure).encode())})
    assert r.status_code == 422
    errors = _errors(r.content.decode())
    assert "misure.csv, riga 3, colonna scadenza: data non valida (gg/mm/aaaa): '31/02/2021'" in errors
    assert "misure.csv, riga 4, colonna responsabile: responsabile mancante" in errors
    after = m.SezionePiao.objects.get(pk=before.pk)
    assert after.dati == before.dati and after.aggiornato_il == before.aggiornato_il
    assert m.Registro.objects.filter(ente="CCIAA-PT").count() == trail


def test_an_upload_breaking_the_methods_rules_is_refused_at_the_place(as_user, ente):
    before = m.SezionePiao.objects.get(piao=_piao(ente), sezione="2.3-rischi").dati
    valutazioni = (PIAO_DIR / "valutazioni.csv").read_text(encoding="utf-8").splitlines()
    # RI-01-E1 judged without its reason; an unknown structure owning a process
    valutazioni[5] = valutazioni[5].rsplit(";", 1)[0] + ";"
    processi = (PIAO_DIR / "processi.csv").read_text(encoding="utf-8").replace(";AREA-ANAGRAFICA;", ";UFFICIO-X;")
    r = as_user("rpct").post(
        BASE + "rischi/",
        {"azione": "piao23", "file": _files(valutazioni="\n".join(valutazioni).encode(), processi=processi.encode())},
    )
    assert r.status_code == 422
    errors = _errors(r.content.decode())
    assert "valutazioni.csv, riga 6, colonna motivazione: motivazione mancante" in errors, errors
    r = as_user("rpct").post(BASE + "rischi/", {"azione": "piao23", "file": _files(processi=processi.encode())})
    assert r.status_code == 422
    assert "processo RI-01: struttura responsabile sconosciuta: UFFICIO-X" in _errors(r.content.decode())
    assert m.SezionePiao.objects.get(piao=_piao(ente), sezione="2.3-rischi").dati == before


def test_only_the_rpct_or_an_amministratore_uploads_and_the_upload_is_on_record(as_user, ente):
    for user in ("controllo", "oiv", "responsabile"):
        r = as_user(user).post(BASE + "rischi/", {"azione": "piao23", "file": _files()})
        assert r.status_code == 403, user
    eventi = (PIAO_DIR / "eventi.csv").read_text(
        encoding="utf-8"
    ) + "RI-01-E2;RI-01;Pratica evasa fuori dall'ordine di arrivo\n"
    r = as_user("rpct").post(BASE + "rischi/", {"azione": "piao23", "file": _files(eventi=eventi.encode())})
    assert r.status_code == 302
    row = m.SezionePiao.objects.get(piao=_piao(ente), sezione="2.3-rischi")
    assert len(row.dati["registro"]["eventi"]) == 10 and not row.inventata
    records = m.Registro.objects.filter(ente="CCIAA-PT", azione="piao.sezione.importa", utente="rpct")
    rischi = next(x for x in records if x.oggetto == "PIAO 2021 2.3-rischi")
    assert rischi.prima["eventi"] == 9 and rischi.dopo["eventi"] == 10
    # the new event is unassessed: the page says so
    assert "evento RI-01-E2</strong>: evento non valutato" in as_user("oiv").get(BASE + "rischi/").content.decode()


def test_an_xlsx_workbook_with_a_sheet_per_table_is_read(as_user, ente, tmp_path):
    import csv

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name in TABLES:
        ws = wb.create_sheet(name)
        with open(PIAO_DIR / f"{name}.csv", encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter=";"):
                ws.append(row)
    ws = wb["misure"]
    ws["E5"] = "domani"  # MG-04's deadline, row 5 of the sheet
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("piao-2021.xlsx", buf.getvalue())
    r = as_user("admin").post(BASE + "rischi/", {"azione": "piao23", "file": [upload]})
    assert r.status_code == 422
    assert "piao-2021.xlsx, foglio misure, riga 5, colonna scadenza: data non valida (gg/mm/aaaa): 'domani'" in _errors(
        r.content.decode()
    )
    ws["E5"] = "31/12/2021"
    buf = io.BytesIO()
    wb.save(buf)
    r = as_user("admin").post(
        BASE + "rischi/", {"azione": "piao23", "file": [SimpleUploadedFile("piao-2021.xlsx", buf.getvalue())]}
    )
    assert r.status_code == 302
    assert len(m.SezionePiao.objects.get(piao=_piao(ente), sezione="2.3-trasparenza").dati["obblighi"]) == 12


def _save(client, codice: str, valore: str, revisione: int | None = None, nota: str = ""):
    if revisione is None:
        row = m.AttuazioneMisura.objects.filter(codice=codice, anno=2021).first()
        revisione = row.revisione if row else 0
    return client.post(BASE + "misure/", {"codice": codice, "valore": valore, "nota": nota, "revisione": revisione})


def test_a_measure_is_entered_by_its_owner_scored_and_counted_by_the_rpct(as_user, ente):
    rpct = as_user("rpct")
    report = rpct.get(BASE + "relazione-rpct/").content.decode()
    assert re.search(r'id="rpct-MS-03">.*?senza dati.*?scaduta</span></li>', report)
    # the responsabile of PROMOZIONE owns MS-02, not MS-03 (REGOLAZIONE)
    resp = as_user("responsabile")
    assert _save(resp, "MS-03", "20/06/2021").status_code == 403
    page = resp.get(BASE + "misure/").content.decode()
    assert 'name="codice" value="MS-02"' in page and 'name="codice" value="MS-03"' not in page
    r = _save(resp, "MS-02", "100", nota="25 su 25")
    assert r.status_code == 302
    # a number for a deadline is refused in the user's words, nothing written
    r = _save(rpct, "MS-03", "100")
    assert r.status_code == 422 and "prende una data" in r.content.decode()
    assert not m.AttuazioneMisura.objects.filter(codice="MS-03").exists()
    assert _save(rpct, "MS-03", "20/06/2021").status_code == 302
    row = _row_of(rpct.get(BASE + "misure/").content.decode(), "MS-03")
    assert "stato-raggiunto" in row and 'value="20/06/2021"' in row
    report = rpct.get(BASE + "relazione-rpct/").content.decode()
    assert re.search(r'id="rpct-MS-03">.*?stato-raggiunto.*?</li>', report)
    assert "Misure scadute e non attuate</h2>\n<p>Nessuna.</p>" in report
    # a deadline missed: reached late is not reached
    assert _save(rpct, "MS-03", "15/09/2021").status_code == 302
    report = rpct.get(BASE + "relazione-rpct/").content.decode()
    assert not re.search(r'id="rpct-MS-03">[^\n]*?stato-raggiunto', report)
    assert re.search(r'id="rpct-MS-03">[^\n]*?scaduta', report)
    trail = m.Registro.objects.filter(
        ente="CCIAA-PT", azione="piao.misura.registra", oggetto="PIAO 2021 misura MS-03 2021"
    )
    assert [(r.utente, (r.prima or {}).get("valore"), r.dopo["valore"]) for r in trail.order_by("seq")] == [
        ("rpct", None, "20/06/2021"),
        ("rpct", "20/06/2021", "15/09/2021"),
    ]


def test_a_measure_changed_meanwhile_is_not_overwritten(as_user):
    rpct = as_user("rpct")
    assert _save(rpct, "MG-02", "25", revisione=0).status_code == 302
    r = _save(rpct, "MG-02", "30", revisione=0)  # shown before the first save
    assert r.status_code == 409 and "è cambiato nel frattempo" in r.content.decode()
    assert m.AttuazioneMisura.objects.get(codice="MG-02").valore == "25"


def test_the_api_gives_the_register_the_measures_and_the_report_and_writes_as_the_pages(db):
    import json

    from tests.web.test_api import api, put

    url = "/api/v1/enti/CCIAA-PT/piao/2021/"
    reader = api("consultazione")
    reg = reader.get(url + "rischi").json()
    assert reg["inventata"] is True and reg["anni"] == [2021, 2022, 2023]
    rm = next(e for e in reg["eventi"] if e["codice"] == "RM-01-E1")
    assert (rm["proposto"], rm["livello"]) == ("basso", "alto")
    assert {p["codice"]: p["esposizione"] for p in reg["processi"]}["AC-02"] is None  # no event
    assert {"code": "rischi_non_trattato", "where": "evento PE-01-E1", "severity": "warning"}.items() <= next(
        c for c in reg["controlli"] if c["where"] == "evento PE-01-E1"
    ).items()
    ms03 = next(x for x in reader.get(url + "misure").json() if x["codice"] == "MS-03")
    assert (ms03["valore"], ms03["revisione"], ms03["stato"]) == (None, 0, "senza_dati")
    # the reader may not write; the RPCT may, with the revision it read
    assert put(reader, url + "misure/MS-03", {"valore": "20/06/2021", "revisione": 0}).status_code == 403
    rpct = api("rpct")
    r = put(rpct, url + "misure/MS-03", {"valore": "20/06/2021", "revisione": 0})
    assert r.status_code == 200 and r.json()["stato"] == "raggiunto" and r.json()["revisione"] == 1
    assert put(rpct, url + "misure/MS-03", {"valore": "21/06/2021", "revisione": 0}).status_code == 409
    assert put(rpct, url + "misure/MS-03", {"valore": 12, "revisione": 1}).status_code == 422
    report = reader.get(url + "relazione-rpct").json()
    assert report["scadute"] == [] and report["alla_data"] == "2021-12-31"
    assert report["esposizione"]["non valutato"] == ["AC-02"]
    assert len(reader.get(url + "trasparenza").json()) == 12
    assert reader.get("/api/v1/enti/CCIAA-PT/piao/2030/rischi").status_code == 404
    assert json.loads(reader.get("/api/v1/enti/CCIAA-PT/piao/2030/trasparenza").content)["status"] == 404


def test_the_rpct_report_as_pdf_and_docx_holds_the_monitorings_figures(as_user):
    import zipfile

    from pypdf import PdfReader

    c = as_user("oiv")
    r = c.get(BASE + "relazione-rpct.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    text = " ".join(text.split())
    assert "Relazione annuale del Responsabile della prevenzione della corruzione" in text
    assert "sezione 2.3 inventata per la dimostrazione" in text
    # 8 measures, 4 reached in the demo's invented monitoring, MS-03 past its deadline
    assert "sezione 2.3 del PIAO: 8; attuate (target raggiunto) alla data del 31/12/2021: 4" in text
    assert "scadute e non attuate: 1" in text and "MS-03: Criteri scritti per la scelta delle imprese" in text
    assert "PE-01-E1: Requisiti del bando costruiti su misura di un candidato" in text
    r = c.get(BASE + "relazione-rpct.docx")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        xml = z.read("word/document.xml").decode()
    assert "MS-03" in xml and "non valutato" in xml
    assert c.get(BASE + "relazione-rpct.odt").status_code == 404


def test_the_transparency_table_is_monitored_by_who_publishes(as_user, ente):
    url = BASE + "trasparenza/"
    page = as_user("consultazione").get(url).content.decode()

    def stato(page, codice):
        row = re.search(rf'<tr id="obbligo-{codice}">(.*?)</tr>', page, re.S).group(1)
        return re.findall(r'<span class="badge [^"]*">([^<]*)</span>', row)[-1]

    # at the year's end (31/12/2021), from the demo's invented publications: OB-06 is quarterly,
    # last published 15/07/2021, due 15/10/2021; OB-12 quarterly, 30/10/2021, due 30/01/2022;
    # OB-02 is "tempestivo" and never recorded; OB-11 yearly and never published
    assert [stato(page, c) for c in ("OB-06", "OB-12", "OB-02", "OB-11")] == [
        "in ritardo",
        "in regola",
        "da verificare",
        "mai pubblicato",
    ]
    # OB-09 is published by PROMOZIONE: its responsabile records it, not OB-10's (AREA-AMMINISTRATIVA)
    resp = as_user("responsabile")
    page = resp.get(url).content.decode()
    assert 'name="codice" value="OB-09"' in page and 'name="codice" value="OB-10"' not in page
    r = resp.post(url, {"codice": "OB-10", "ultima": "2021-05-01", "revisione": 0})
    assert r.status_code == 403
    future = "2099-01-01"
    r = resp.post(url, {"codice": "OB-09", "ultima": future, "revisione": 1})
    assert r.status_code == 422 and "è nel futuro" in r.content.decode()
    rpct = as_user("rpct")
    assert rpct.post(url, {"codice": "OB-11", "ultima": "30/06/2021", "revisione": 0}).status_code == 302
    assert stato(rpct.get(url).content.decode(), "OB-11") == "in regola"
    record = m.Registro.objects.get(ente="CCIAA-PT", oggetto="PIAO 2021 obbligo OB-11", utente="rpct")
    assert record.prima is None and record.dopo == {"ultima": "2021-06-30", "nota": ""}
    # the RPCT's report counts the table's states
    report = rpct.get(BASE + "relazione-rpct/").content.decode()
    counts = dict(re.findall(r'<span class="badge [^"]* me-1">([^:<]*): (\d+)</span>', report))
    assert counts == {"in regola": "7", "da verificare": "4", "in ritardo": "1"}


def test_the_api_records_a_publication(db):
    from tests.web.test_api import api, put

    url = "/api/v1/enti/CCIAA-PT/piao/2021/trasparenza"
    rows = {x["codice"]: x for x in api("oiv").get(url).json()}
    assert (rows["OB-06"]["stato"], rows["OB-06"]["scadenza"]) == ("in ritardo", "2021-10-15")
    rpct = api("rpct")
    r = put(rpct, url + "/OB-06", {"ultima": "2021-10-14", "revisione": rows["OB-06"]["revisione"]})
    assert r.status_code == 200 and r.json()["stato"] == "in regola" and r.json()["scadenza"] == "2022-01-14"
    assert put(rpct, url + "/OB-06", {"ultima": None, "revisione": 0}).status_code == 409
    assert put(api("oiv"), url + "/OB-06", {"ultima": "2021-10-14"}).status_code == 403


def test_the_piaos_deadlines_are_in_the_calendar_and_reminded(as_user, ente, django_user_model):
    """Section 4, monitoring: each measure's deadline for its structure, each periodic obligation's
    next publication for the structure that publishes it, the RPCT's yearly report."""
    from datetime import date

    from django.core import mail

    from cruscotto.performance import calendario

    items = {s.codice: s for s in calendario.scadenze(ente, 2021, None)}
    ms03 = items["misura-MS-03-2021"]
    assert (ms03.data, ms03.chi, ms03.strutture) == (date(2021, 6, 30), "responsabile", ("REGOLAZIONE",))
    ob06 = items["obbligo-OB-06-20211015"]  # quarterly, last published 15/07/2021
    assert ob06.strutture == ("AREA-AMMINISTRATIVA",) and "art. 16, c. 3" in ob06.fonte
    assert items["legge-relazione_rpct-2021"].chi == "rpct"
    assert "misura-MS-04-2021" not in items  # due in 2022
    page = as_user("rpct").get("/CCIAA-PT/2021/calendario/").content.decode()
    assert "PIAO 2.3 · MS-03" in page and "30/06/2021" in page
    # the reminders: the responsabile of REGOLAZIONE a week before MS-03's deadline; the RPCT its report
    boss = django_user_model.objects.create_user(username="resp-reg", email="reg@example.org")
    r = m.Ruolo.objects.create(utente=boss, ente=ente, tipo="responsabile")
    r.strutture.add(ente.strutture.get(codice="REGOLAZIONE"))
    django_user_model.objects.filter(username="rpct").update(email="rpct@example.org")
    mail.outbox.clear()
    calendario.promemoria(oggi=date(2021, 6, 23))
    assert [(x.to, "MS-03" in x.subject) for x in mail.outbox] == [(["reg@example.org"], True)]
    mail.outbox.clear()
    calendario.promemoria(oggi=date(2021, 12, 8))
    assert [x.to for x in mail.outbox] == [["rpct@example.org"]] and "Relazione annuale dell'RPCT" in mail.outbox[
        0
    ].subject


def test_the_yearly_update_is_compared_with_the_previous_piao(as_user, ente):
    """The PIAO 2022-2024 as the update of 2021-2023: one measure's target raised, one measure
    dropped, one process added; the page and the document's annex list exactly those."""
    from dataclasses import replace
    from datetime import date

    from cruscotto.performance import piao as pi
    from cruscotto.performance import selectors

    r21, _row = pi.registro(_piao(ente))
    o21, _row_t = pi.obblighi(_piao(ente))
    misure = [replace(x, target="100%") if x.codice == "MG-04" else x for x in r21.misure if x.codice != "MS-01"]
    misure = [replace(x, scadenza=date(2022, 12, 31)) if x.scadenza and x.scadenza.year == 2021 else x for x in misure]
    processi = (*r21.processi, replace(r21.processi[0], codice="PE-02", nome="Progressioni economiche"))
    r22 = replace(r21, misure=tuple(misure), processi=processi)
    pi.sezione23_importa(user=None, ente=ente, anno=2022, registro_=r22, obblighi_=o21)
    # 2.1 and section 3 as in 2021, but for one impact target raised and one course dropped
    from cruscotto.files.sezione3 import load_sezione3
    from cruscotto.files.valore_pubblico import load_valore_pubblico

    files = sorted(PIAO_DIR.glob("*.csv"))
    vp = load_valore_pubblico(files)
    i1 = vp[0].indicatori[0]
    vp = (replace(vp[0], indicatori=(replace(i1, nome=i1.nome + " (rivisto)"), *vp[0].indicatori[1:])), *vp[1:])
    s3 = load_sezione3(files)
    s3 = replace(
        s3, corsi=s3.corsi[1:], partecipazioni=tuple(p for p in s3.partecipazioni if p.corso != s3.corsi[0].codice)
    )
    pi.sezioni_importa(user=None, ente=ente, anno=2022, vp=vp, s3=s3)
    assert "Non c'è un PIAO del 2020" in html.unescape(
        as_user("consultazione").get(BASE + "confronto/").content.decode()
    )
    page = as_user("consultazione").get("/CCIAA-PT/2022/piao/confronto/").content.decode()
    changed_deadlines = {
        ("misura", x.codice, "scadenza") for x in r21.misure if x.scadenza.year == 2021 and x.codice != "MS-01"
    }
    dropped_course = ("corso", load_sezione3(files).corsi[0].codice, "tolto")
    renamed = ("indicatore di impatto", i1.codice, "nome")
    rows = re.findall(r"<tr><td>([^<]+)</td><th scope=\"row\">([^<]+)</th><td>(.*?)</td>", page)
    found = {(a, b, re.sub(r"<[^>]+>", "", c)) for a, b, c in rows}
    expected = {("processo", "PE-02", "aggiunto"), ("misura", "MS-01", "tolto"), dropped_course, renamed}
    assert found == expected | changed_deadlines
    # MG-04's target was already 100%: no change there; the document's annex lists the same
    inputs = selectors.document_inputs(ente, selectors.current_plan(ente, 2022), 2022, "piao")
    assert inputs.piao.anno_prima == 2021 and len(inputs.piao.cambi) == len(found)


def test_the_open_data_carry_the_piaos_2_3(ente, tmp_path):
    """The open data of 2021 (the year of the demo PIAO): its processes, measures with their state
    and the transparency table, in a package frictionless finds valid."""
    import csv
    import zipfile

    from frictionless import validate

    from cruscotto.documents.build import build
    from cruscotto.performance import selectors

    piano = selectors.current_plan(ente, 2021)
    out = tmp_path / "od.zip"
    build("opendata", "zip", selectors.document_inputs(ente, piano, 2021, "opendata"), out)
    with zipfile.ZipFile(out) as z:
        z.extractall(tmp_path / "od")
    report = validate(str(tmp_path / "od" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    def rows(name):
        with open(tmp_path / "od" / f"{name}.csv", encoding="utf-8") as fh:
            return {r["codice"]: r for r in csv.DictReader(fh)}

    assert (
        rows("piao_processi")["RM-01"]["esposizione"] == "alto" and rows("piao_processi")["AC-02"]["esposizione"] == ""
    )
    misure = rows("piao_misure")
    assert (misure["MS-02"]["valore"], misure["MS-02"]["stato"]) == ("92", "raggiunto")
    assert (misure["MS-03"]["valore"], misure["MS-03"]["stato"]) == ("", "senza_dati")
    with open(tmp_path / "od" / "piao_indicatori_impatto.csv", encoding="utf-8") as fh:
        impatto = [r for r in csv.DictReader(fh) if r["codice"] == "VP-01-I1"]
    assert [(r["anno_target"], r["target"]) for r in impatto] == [
        ("2021", ">= 20%"),
        ("2022", ">= 22%"),
        ("2023", ">= 25%"),
    ]
    assert rows("piao_valore_pubblico")["VP-02"]["sdg"] == "8; 17"
    with open(tmp_path / "od" / "piao_organigramma.csv", encoding="utf-8") as fh:
        assert {r["struttura"]: r["persone"] for r in csv.DictReader(fh)}["AREA-SVILUPPO"] == "14"
    with open(tmp_path / "od" / "piao_fabbisogni.csv", encoding="utf-8") as fh:
        fab = {(r["anno_piano"], r["categoria"]): r for r in csv.DictReader(fh)}
    assert fab[("2022", "D")]["persone"] == "12" and float(fab[("2022", "D")]["costo"]) == 1458000
    obblighi = rows("piao_trasparenza")
    assert (obblighi["OB-06"]["ultima"], obblighi["OB-06"]["stato"]) == ("2021-07-15", "in ritardo")
    # a year without a PIAO has none of these
    build("opendata", "zip", selectors.document_inputs(ente, selectors.current_plan(ente, 2020), 2020, "opendata"), out)
    with zipfile.ZipFile(out) as z:
        assert not any(n.startswith("piao_") for n in z.namelist())


def test_the_scheda_anagrafica_is_checked_and_printed(as_user, ente):
    url = BASE
    c = as_user("controllo")
    page = c.get(url).content.decode()
    assert 'value="C.so Silvano Fedi 36, Pistoia"' in page  # the seat the seed prints
    bad = {"codice_fiscale": "06363391002", "pec": "non-una-pec", "sito": "javascript:alert(1)", "indirizzo": "Via X"}
    r = c.post(url, bad)
    assert r.status_code == 422
    text = html.unescape(r.content.decode())
    assert "Codice fiscale non valido (11 cifre con la cifra di controllo): 06363391002" in text
    assert "Indirizzo PEC non valido: non-una-pec" in text and "Indirizzo del sito non valido" in text
    assert m.Ente.objects.get(pk=ente.pk).anagrafica == {"indirizzo": "C.so Silvano Fedi 36, Pistoia"}
    assert as_user("consultazione").post(url, {"indirizzo": "Via Y"}).status_code == 403
    good = {"codice_fiscale": "06363391001", "pec": "cciaa@pec.example.it", "sito": "https://www.example.it"}
    assert c.post(url, {**good, "indirizzo": "C.so Silvano Fedi 36, Pistoia"}).status_code == 302
    record = m.Registro.objects.filter(ente="CCIAA-PT", azione="ente.anagrafica").get()
    assert record.dopo["codice_fiscale"] == "06363391001" and "codice_fiscale" not in record.prima
    # the PIAO document's scheda prints them
    from cruscotto.performance import selectors

    dati = selectors.piao_documento(m.Ente.objects.get(pk=ente.pk), 2021)
    assert ("Codice fiscale", "06363391001") in dati.anagrafica and ("PEC", "cciaa@pec.example.it") in dati.anagrafica


def _text(response) -> str:
    page = html.unescape(response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", page[page.index("<main") :]).split())


def test_section_3_is_computed_from_the_register_and_its_small_counts_stay_hidden(as_user):
    """The demo's invented section 3 on the register of 2019 (41 people): every figure below is
    the engine's on those records, worked out in tests/test_files_sezione3.py and the engine tests."""
    url = BASE + "organizzazione/"
    text = _text(as_user("consultazione").get(url))
    assert "Calcolata dal registro del personale al 31/12/2019 (l'ultimo anno del registro prima del PIAO)" in text
    assert "Area Sviluppo economico (AREA-SVILUPPO) 1 14 D 5 · C 9" in text  # its own 1, with its services 14
    assert "Ente 41 37,50 equivalenti a tempo pieno" in text
    assert "Personale con un accordo di lavoro agile nel 2019: 6 su 41 (14,63%)" in text
    assert "Attività in tutto o in parte remotizzabili: 60,00%" in text
    assert "CA-03 (tecnologica): INVENTATO: un computer portatile dell'ente per ogni dipendente" in text
    assert "2022 D 12 · C 25 · B 4 · DIR 1 € 1.458.000,00 € 54.000,00 € 33.000,00 € 21.000,00" in text
    assert "hanno raggiunto l'obiettivo di 40 ore 5 persone su 41" in text
    # the breakdowns by gender and category have counts under 3 people: the amministratore only
    assert "riservato (solo l'amministratore lo vede)" in text
    admin = _text(as_user("admin").get(url))
    assert "riservato (solo l'amministratore lo vede)" not in admin and "Con accordo" in admin


def test_sections_2_1_and_3_are_uploaded_by_the_controllo_all_or_nothing(as_user, ente):
    before = {s.sezione: s.dati for s in m.SezionePiao.objects.filter(piao=_piao(ente))}
    assegnazioni = (PIAO_DIR / "assegnazioni.csv").read_text(encoding="utf-8").splitlines()
    assegnazioni[1] = assegnazioni[1].rsplit(";", 1)[0] + ";UFFICIO-X"
    files = [SimpleUploadedFile("assegnazioni.csv", "\n".join(assegnazioni).encode(), content_type="text/csv")]
    assert as_user("rpct").post(BASE + "organizzazione/", {"azione": "piao_sezioni", "file": files}).status_code == 403
    files = [SimpleUploadedFile("assegnazioni.csv", "\n".join(assegnazioni).encode(), content_type="text/csv")]
    r = as_user("controllo").post(BASE + "organizzazione/", {"azione": "piao_sezioni", "file": files})
    assert r.status_code == 422
    errors = _errors(r.content.decode())
    assert any("UFFICIO-X" in e for e in errors), errors
    assert {s.sezione: s.dati for s in m.SezionePiao.objects.filter(piao=_piao(ente))} == before
    # a valid 2.1 file replaces 2.1 only, recorded with what it held
    obiettivi = (PIAO_DIR / "valore-pubblico-obiettivi.csv").read_text(encoding="utf-8").splitlines()[:2]
    files = [
        SimpleUploadedFile("valore-pubblico-obiettivi.csv", "\n".join(obiettivi).encode(), content_type="text/csv")
    ]
    r = as_user("controllo").post(BASE + "valore-pubblico/", {"azione": "piao_sezioni", "file": files})
    assert r.status_code == 302, _errors(r.content.decode())
    after = {s.sezione: s.dati for s in m.SezionePiao.objects.filter(piao=_piao(ente))}
    assert len(after["2.1-valore-pubblico"]["obiettivi"]) == 1
    assert {k: v for k, v in after.items() if k != "2.1-valore-pubblico"} == {
        k: v for k, v in before.items() if k != "2.1-valore-pubblico"
    }
    record = m.Registro.objects.get(ente="CCIAA-PT", oggetto="PIAO 2021 2.1-valore-pubblico", utente="controllo")
    assert record.prima["righe"] == {"obiettivi": 3} and record.dopo["righe"] == {"obiettivi": 1}


def test_the_demo_piao_document_has_every_section_compiled(ente, tmp_path):
    from cruscotto.documents.build import build
    from cruscotto.documents.piao import NON_COMPILATA
    from cruscotto.performance import selectors

    out = tmp_path / "piao.pdf"
    build("piao", "pdf", selectors.document_inputs(ente, selectors.current_plan(ente, 2021), 2021, "piao"), out)
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert NON_COMPILATA not in text
    assert "VP-01 Imprese del territorio più innovative e digitali" in text
    assert "41 37,50 equivalenti a tempo pieno" in text
    assert "Personale con un accordo di lavoro agile nel 2019: 6 su 41 (14,63%)" in text
    assert "sezioni 2.1, 2.3, 3.1, 3.2, 3.3, formazione inventate per la dimostrazione" in text
    assert "PIAO semplificato: al 31/12/2019 l'amministrazione ha 41 dipendenti, meno di 50" in text


def test_the_documents_section_keys_are_the_models():
    from cruscotto.documents import piao as dp
    from cruscotto.performance import piao as pi

    assert (dp.VALORE_PUBBLICO, dp.ORGANIZZAZIONE, dp.LAVORO_AGILE, dp.FABBISOGNI, dp.FORMAZIONE) == (
        pi.VALORE_PUBBLICO,
        pi.ORGANIZZAZIONE,
        pi.LAVORO_AGILE,
        pi.FABBISOGNI,
        pi.FORMAZIONE,
    )


def test_the_api_gives_2_1_and_section_3_hiding_small_counts(db):
    from tests.web.test_api import api

    url = "/api/v1/enti/CCIAA-PT/piao/2021/"
    vp = api("consultazione").get(url + "valore-pubblico").json()
    o1 = vp["obiettivi"][0]
    assert (o1["codice"], o1["obiettivi_strategici"], o1["sdg"]) == ("VP-01", ["B1"], [9])
    assert o1["indicatori"][0]["target"] == {"2021": ">= 20%", "2022": ">= 22%", "2023": ">= 25%"}
    s3 = api("consultazione").get(url + "organizzazione").json()
    assert s3["anno_base"] == 2019 and s3["controlli"] == []
    assert {r["struttura"]: r["persone"] for r in s3["organigramma"]}["AREA-SVILUPPO"] == 14
    assert s3["lavoro_agile"]["totale"]["con_accordo"] == 6 and s3["lavoro_agile"]["per_genere"] is None
    assert api("admin").get(url + "organizzazione").json()["lavoro_agile"]["per_genere"] is not None
    assert [y["anno"] for y in s3["fabbisogni"]] == [2020, 2021, 2022] and s3["fabbisogni"][2]["residuo"] == 21000
    assert s3["formazione"]["totale"]["al_obiettivo"] == 5 and s3["formazione"]["per_categoria"] is None
    assert api("consultazione").get("/api/v1/enti/CCIAA-PT/piao/2030/organizzazione").status_code == 404


def test_an_impact_indicators_value_is_scored_and_the_objective_weighs_only_what_has_values(as_user):
    """VP-03 has two indicators: a share of women's firms (>= 22,8% in 2021) and young firms closed
    within three years (<= 30%). With only the first entered, the objective's figure is that one
    indicator's; a missing value never counts as zero."""
    url = BASE + "valore-pubblico/"
    c = as_user("controllo")
    page = _text(c.get(url))
    assert "Grado di raggiungimento 2021: —" in page
    assert as_user("consultazione").post(url, {"codice": "VP-03-I1", "valore": "23", "revisione": 0}).status_code == 403
    r = c.post(url, {"codice": "VP-03-I1", "valore": "31/12/2021", "revisione": 0})
    assert r.status_code == 422 and "prende un numero" in html.unescape(r.content.decode())
    assert c.post(url, {"codice": "VP-03-I1", "valore": "23", "revisione": 0}).status_code == 302
    section = _text(c.get(url)).split("VP-03 · ")[1].split("Controlli")[0]
    assert "raggiunto" in section
    # 23 against >= 22,8: 100% (capped); the second indicator has no value, so the figure is 100%
    assert "Grado di raggiungimento 2021: 100,00%" in section
    assert c.post(url, {"codice": "VP-03-I2", "valore": "36", "revisione": 0}).status_code == 302
    section = _text(c.get(url)).split("VP-03 · ")[1].split("Controlli")[0]
    # 36 against <= 30 (lower is better): 30/36 = 83,33%; the mean of 100 and 83,33 is 91,67%
    assert "Grado di raggiungimento 2021: 91,67%" in section
    record = m.Registro.objects.get(
        ente="CCIAA-PT", azione="piao.impatto.registra", oggetto="PIAO 2021 indicatore VP-03-I2 2021"
    )
    assert record.dopo == {"valore": "36", "nota": ""}


def test_the_adoption_and_the_checks_before_the_portal(as_user, ente, tmp_path):
    import zipfile

    from cruscotto.documents.build import build
    from cruscotto.performance import selectors

    c = as_user("controllo")

    def verifiche():
        page = html.unescape(c.get(BASE).content.decode())
        block = page[page.index('<ul id="verifiche">') : page.index("</ul>", page.index('<ul id="verifiche">'))]
        return [" ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in re.findall(r"<li>(.*?)</li>", block, re.S)]

    before = verifiche()
    assert "manca PIAO adottato con il suo atto" in before
    assert "manca Codice fiscale nella scheda anagrafica" in before
    # the demo ente has 41 people at 31/12/2019: fewer than 50, the simplified PIAO (DM 132/2022
    # art. 6): 2.3, 3.1, 3.2, 3.3 are required, and all are there, invented: said
    assert "fatto Sezioni del PIAO semplificato compilate" in before
    assert any(v.startswith("manca Nessuna sezione inventata: 2.1-valore-pubblico") for v in before)
    r = c.post(BASE, {"azione": "adozione", "atto": "", "atto_data": "2099-01-01"})
    assert r.status_code == 422 and "Manca l&#x27;atto di adozione" in r.content.decode()
    assert not m.Piao.objects.get(pk=_piao(ente).pk).atto
    assert (
        as_user("oiv")
        .post(BASE, {"azione": "adozione", "atto": "Delibera n. 5", "atto_data": "2021-03-15"})
        .status_code
        == 403
    )
    assert (
        c.post(BASE, {"azione": "adozione", "atto": "Delibera di Giunta n. 5", "atto_data": "2021-03-15"}).status_code
        == 302
    )
    after = verifiche()
    assert "fatto PIAO adottato con il suo atto: Delibera di Giunta n. 5, 15/03/2021" in after
    assert "avviso Adozione entro il 31 gennaio: adottato oltre il 31 gennaio 2021 (DL 80/2021, art. 6 c. 1)" in after
    record = m.Registro.objects.get(ente="CCIAA-PT", azione="piao.adozione")
    assert record.dopo == {"atto": "Delibera di Giunta n. 5", "atto_data": "2021-03-15"}
    # the package for the portal: the PDF and the checks
    out = tmp_path / "piao.zip"
    build("piao", "zip", selectors.document_inputs(ente, selectors.current_plan(ente, 2021), 2021, "piao"), out)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        text = z.read("verifiche.txt").decode()
        assert z.read("piao-CCIAA-PT-2021-2023.pdf").startswith(b"%PDF")
    assert sorted(names) == ["piao-CCIAA-PT-2021-2023.pdf", "verifiche.txt"]
    assert "- [ok] PIAO adottato con il suo atto: Delibera di Giunta n. 5, 15/03/2021" in text
    assert "- [manca] Codice fiscale nella scheda anagrafica" in text


def test_a_body_of_50_or_more_gets_the_full_template(as_user, ente):
    """The same checks with the register of 2019 grown to 50 people: the full Piano-tipo, whose
    sections the demo has all (2.1, 2.2, 2.3, 3.1-3.3, training)."""
    from cruscotto.engine.personale import registro_from_data, registro_to_data
    from cruscotto.performance import piao as pi

    assert pi.semplificato(pi.base3(ente, 2021)) and pi.dipendenti(pi.base3(ente, 2021)) == (2019, 41)
    reg = registro_from_data(m.Personale.objects.get(ente=ente).dati)
    extra = [x for x in reg if x.anno == 2019][:9]
    from dataclasses import replace

    reg = [*reg, *(replace(x, matricola=f"9{k:03d}") for k, x in enumerate(extra))]
    m.Personale.objects.filter(ente=ente).update(dati=registro_to_data(reg))
    assert not pi.semplificato(pi.base3(ente, 2021)) and pi.dipendenti(pi.base3(ente, 2021)) == (2019, 50)
    checks = {v.testo: v for v in pi.verifiche_portale(ente, 2021)}
    assert checks["Sezioni del Piano-tipo compilate"].esito == "ok"
    page = html.unescape(as_user("controllo").get(BASE).content.decode())
    assert "PIAO semplificato" not in page


def test_a_table_loaded_alone_replaces_its_part_and_keeps_the_others(as_user, ente):
    """3.2 is made of the activities and the agreements: loading the activities alone keeps the
    agreements stored, and so training's participations when its courses come alone."""
    before = m.SezionePiao.objects.get(piao=_piao(ente), sezione="3.2-lavoro-agile").dati
    attivita = (PIAO_DIR / "attivita.csv").read_text(encoding="utf-8").splitlines()
    # without the activities the stored agreements name, refused: the whole is checked
    files = [SimpleUploadedFile("attivita.csv", "\n".join(attivita[:3]).encode(), content_type="text/csv")]
    r = as_user("controllo").post(BASE + "organizzazione/", {"azione": "piao_sezioni", "file": files})
    assert r.status_code == 422 and "attività sconosciuta: PROM-BANDI" in " ".join(_errors(r.content.decode()))
    attivita[1] = attivita[1].replace("Istruttoria delle pratiche", "Istruttoria telematica delle pratiche")
    files = [SimpleUploadedFile("attivita.csv", "\n".join(attivita).encode(), content_type="text/csv")]
    r = as_user("controllo").post(BASE + "organizzazione/", {"azione": "piao_sezioni", "file": files})
    assert r.status_code == 302, _errors(r.content.decode())
    after = m.SezionePiao.objects.get(piao=_piao(ente), sezione="3.2-lavoro-agile").dati
    assert after["attivita"][0]["nome"].startswith("Istruttoria telematica")
    assert after["accordi"] == before["accordi"] and len(before["accordi"]) == 6
    corsi = (PIAO_DIR / "corsi.csv").read_bytes()
    files = [SimpleUploadedFile("corsi.csv", corsi, content_type="text/csv")]
    assert (
        as_user("controllo").post(BASE + "organizzazione/", {"azione": "piao_sezioni", "file": files}).status_code
        == 302
    )
    formazione = m.SezionePiao.objects.get(piao=_piao(ente), sezione="3-formazione").dati
    assert len(formazione["partecipazioni"]) == 70


def test_2_3s_measures_loaded_alone_keep_the_processes_events_and_assessments(as_user, ente):
    before = m.SezionePiao.objects.get(piao=_piao(ente), sezione="2.3-rischi").dati["registro"]
    misure = (PIAO_DIR / "misure.csv").read_text(encoding="utf-8").replace(";>=4;", ";>=5;", 1)
    files = [SimpleUploadedFile("misure.csv", misure.encode(), content_type="text/csv")]
    r = as_user("rpct").post(BASE + "rischi/", {"azione": "piao23", "file": files})
    assert r.status_code == 302, _errors(r.content.decode())
    after = m.SezionePiao.objects.get(piao=_piao(ente), sezione="2.3-rischi").dati["registro"]
    assert after["misure"][0]["target"] == ">=5"
    assert {k: after[k] for k in ("processi", "eventi", "valutazioni")} == {
        k: before[k] for k in ("processi", "eventi", "valutazioni")
    }
    # the transparency table, not in the upload, is untouched too
    assert len(m.SezionePiao.objects.get(piao=_piao(ente), sezione="2.3-trasparenza").dati["obblighi"]) == 12
