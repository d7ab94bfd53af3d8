"""The Documento OIV di validazione: a draft until the OIV validates, then the act, with the
observations item by item and the checks drawn from the audit trail."""

from __future__ import annotations

import io

from pypdf import PdfReader

from cruscotto.documents.pdf import render_pdf
from cruscotto.documents.validazione import build_validazione
from cruscotto.performance import ciclo as lifecycle
from cruscotto.performance import models as m
from cruscotto.performance import selectors

URL = "/CCIAA-PT/2020/ciclo/"


def _document_text(ente, piano, tmp_path) -> str:
    piano = selectors.current_plan(ente, 2020)
    v, checks, notes = lifecycle.validation_inputs(ente, 2020, piano)
    doc = build_validazione(
        selectors.plan_for(piano), selectors.score(piano, 2020), validazione=v, verifiche=checks, osservazioni=notes
    )
    out = tmp_path / "validazione.pdf"
    render_pdf(doc, out)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)


def test_a_draft_until_the_oiv_validates_then_the_act(as_user, ente, piano, tmp_path):
    c, oiv = as_user("controllo"), as_user("oiv")
    draft = _document_text(ente, piano, tmp_path)
    assert "BOZZA" in draft and "non è ancora validata" in draft and "non ancora adottato" in draft
    assert (
        c.post(
            URL + "adotta/",
            {
                "versione": piano.versione,
                "atto": "Delibera di Giunta n. 12",
                "atto_data": "30/01/2020",
            },
        ).status_code
        == 302
    )
    c.post(URL + "sposta/", {"verso": "in_monitoraggio"})
    c.post("/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "88", "periodo": ""}, HTTP_HX_REQUEST="true")
    c.post(URL + "sposta/", {"verso": "consuntivo_chiuso", "conferma": "1"})
    r = c.post(
        "/CCIAA-PT/2020/monitoraggio/B.2.1-1/",
        {"valore": "91", "periodo": "", "correzione": "dato definitivo della fonte"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert oiv.post(URL + "commenta/", {"oggetto": "D2-4", "testo": "Indicare la fonte del dato"}).status_code == 302
    assert oiv.post(URL + "commenta/", {"oggetto": "", "testo": "Relazione chiara e completa"}).status_code == 302
    assert oiv.post(URL + "sposta/", {"verso": "in_monitoraggio", "nota": "Manca la fonte di D2-4"}).status_code == 302
    c.post(URL + "sposta/", {"verso": "consuntivo_chiuso", "conferma": "1"})
    before = _document_text(ente, piano, tmp_path)
    assert "BOZZA" in before and "provvisorio fino alla validazione" in before
    assert c.post(URL + "approva/", {"atto": "Delibera di Giunta n. 45", "atto_data": "20/06/2021"}).status_code == 302
    assert oiv.post(URL + "sposta/", {"verso": "validato_oiv"}).status_code == 302

    text = _document_text(ente, piano, tmp_path)
    approved = m.RelazioneApprovata.objects.get()
    assert (
        "La Relazione oggetto della validazione è quella approvata: Delibera di Giunta n. 45 del 20/06/2021, "
        f"file PDF con impronta SHA-256 {approved.sha256_pdf}." in text
    )
    assert "BOZZA" not in text
    assert "L'OIV valida la Relazione sulla performance 2020 della Camera di Commercio" in text
    assert "adottato con Delibera di Giunta n. 12 del 30/01/2020" in text
    assert "correzioni dopo la chiusura di un periodo: 1," in text  # the one above, with its reason
    assert "inseriti da utenti diversi 1," in text and "rimodulazioni adottate nel ciclo 0," in text
    # item by item: the indicator named, the Relazione as a whole, the return and its reason
    assert "D2-4" in text and "Indicare la fonte del dato" in text and "Relazione chiara e completa" in text
    assert "Manca la fonte di D2-4" in text
    assert "importo definitivo" in text
    result = selectors.score(selectors.current_plan(ente, 2020), 2020)
    from cruscotto.documents.formatting import pct

    assert f"Performance complessiva dell'ente nel 2020: {pct(result.achievement)}" in text
    assert m.Registro.objects.filter(azione="ciclo.stato", dopo__stato="validato_oiv").count() == 1


def test_the_document_is_offered_for_download(as_user):
    page = as_user("oiv").get("/CCIAA-PT/2020/documenti/").content.decode()
    assert 'value="validazione"' in page and "Documento OIV di validazione" in page
    assert "Documento OIV di validazione" in as_user("oiv").get(URL).content.decode()


def test_a_pdf_reads_back_without_a_plan_cycle_of_its_own(as_user, ente, piano, tmp_path):
    # 2021 of the 2020-2022 plan: no cycle starts that year, the document is a draft.
    v, checks, notes = lifecycle.validation_inputs(ente, 2021, piano)
    assert not v.validata and notes == [] and checks.correzioni == 0
    doc = build_validazione(
        selectors.plan_for(piano), selectors.score(piano, 2021), validazione=v, verifiche=checks, osservazioni=notes
    )
    buf = tmp_path / "v2021.pdf"
    render_pdf(doc, buf)
    assert "2021" in PdfReader(io.BytesIO(buf.read_bytes())).pages[0].extract_text()
