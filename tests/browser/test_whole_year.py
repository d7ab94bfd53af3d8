"""The whole year in the browser, as its people do it (issue 12): the controllo adopts the plan
and monitors it, a value is entered, the year is closed after its confirmation, the Giunta's
approval archives the Relazione, the OIV validates that file, the controllo publishes; a change
is then refused; the OIV reopens the year with a reason; the value is corrected; the Relazione
is approved again and the OIV validates again."""

from __future__ import annotations

import re

from .conftest import pytestmark  # noqa: F401  (skip without Chromium)

CICLO = "/CCIAA-PT/2020/ciclo/"


def _move(page, button: str, nota: str = ""):
    form = page.locator("form", has=page.get_by_role("button", name=button))
    if nota:
        form.locator("input[name=nota]").fill(nota)
    with page.expect_navigation():
        form.get_by_role("button", name=button).click()


def _state(page) -> str:
    return page.locator("[aria-current=step]").inner_text()


def _approve(page, atto: str, data: str):
    page.fill("#approva-atto", atto)
    page.fill("#approva-data", data)
    with page.expect_navigation(timeout=60000):  # the Relazione PDF and DOCX are built and archived
        page.get_by_role("button", name=re.compile("approvazione")).click()
    assert "Relazione approvata e archiviata" in page.inner_text("main")


def _edit_value(page, base: str, valore: str, correzione: str = ""):
    page.goto(f"{base}/CCIAA-PT/2020/monitoraggio/")
    row = page.locator("#riga-b21-1")
    row.get_by_role("link", name=re.compile("Modifica")).click()
    page.locator("#valore-b21-1").wait_for()
    page.fill("#valore-b21-1", valore)
    if correzione:
        page.fill("#correzione-b21-1", correzione)
    page.locator("#riga-b21-1").get_by_role("button", name="Salva").click()


def test_the_whole_year(login, live_server):
    base = live_server.url
    controllo = login("controllo")
    controllo.goto(base + CICLO)
    assert "bozza" in _state(controllo)
    # adoption, with its act
    controllo.fill("#atto", "Delibera di Giunta n. 12")
    controllo.fill("#atto_data", "30/01/2020")
    with controllo.expect_navigation():
        controllo.get_by_role("button", name="Adotta", exact=True).click()
    assert "adottato" in _state(controllo)
    _move(controllo, "Passa a «in monitoraggio»")
    assert "in monitoraggio" in _state(controllo)

    # a value entered during the year
    _edit_value(controllo, base, "90")
    controllo.locator("#riga-b21-1 .stato-raggiunto").wait_for()  # no string predicates: the CSP forbids eval

    # closing asks first, listing what it closes
    controllo.goto(base + CICLO)
    _move(controllo, "Passa a «consuntivo chiuso»")
    assert "Chiusura del 2020: conferma" in controllo.inner_text("h1")
    with controllo.expect_navigation():
        controllo.get_by_role("button", name="Confermo la chiusura").click()
    assert "consuntivo chiuso" in _state(controllo)
    _approve(controllo, "Delibera di Giunta n. 45", "20/06/2021")
    first_hash = controllo.locator("code").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", first_hash)

    # the OIV validates the approved file
    oiv = login("oiv")
    oiv.goto(base + CICLO)
    _move(oiv, "Passa a «validato OIV»")
    assert "validato OIV" in _state(oiv)
    assert "non sono più provvisori" in oiv.inner_text("main")

    controllo.goto(base + CICLO)
    _move(controllo, "Passa a «pubblicato»")
    assert "pubblicato" in _state(controllo)

    # a validated year is locked: the page says so and offers no edit; a change is refused
    controllo.goto(f"{base}/CCIAA-PT/2020/monitoraggio/")
    assert "sono validati dall'OIV: i valori sono bloccati" in controllo.inner_text("main")
    assert controllo.locator("#riga-b21-1").get_by_role("link", name=re.compile("Modifica")).count() == 0
    assert "90" in controllo.locator("#riga-b21-1 td.valore").inner_text()
    controllo.goto(f"{base}/CCIAA-PT/2020/monitoraggio/B.2.1-1/?modifica=1")
    assert controllo.locator("#valore-b21-1").count() == 0
    assert "bloccati" in controllo.inner_text("main")
    # the form of the page as it was before validation, posted now: refused, nothing written
    token = controllo.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value") or controllo.evaluate(
        "document.cookie.match(/csrftoken=([^;]+)/)[1]"
    )
    r = controllo.request.post(
        f"{base}/CCIAA-PT/2020/monitoraggio/B.2.1-1/",
        form={"valore": "70", "periodo": "", "correzione": "Dato rettificato", "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token, "HX-Request": "true", "Referer": base + CICLO},
    )
    assert r.status in (409, 422) and "bloccati" in r.text()
    controllo.goto(f"{base}/CCIAA-PT/2020/monitoraggio/")
    assert "90" in controllo.locator("#riga-b21-1 td.valore").inner_text()

    # the OIV reopens the year, with its reason: the validation is void
    oiv.goto(base + CICLO)
    _move(oiv, "Riapri l'anno (annulla la validazione)", nota="Il dato B.2.1-1 va rettificato (nota della Giunta)")
    assert "consuntivo chiuso" in _state(oiv)
    assert "restano provvisori" in oiv.inner_text("main")

    # the correction, with its reason (the period is closed)
    _edit_value(controllo, base, "70", correzione="Dato rettificato dopo la riapertura")
    # the row is swapped whole by htmx: wait for the new one (a locator, not a string predicate: the CSP)
    controllo.locator("#riga-b21-1 td.valore", has_text="70").wait_for()

    # approved again (a new file, a new fingerprint), validated again
    controllo.goto(base + CICLO)
    _approve(controllo, "Delibera di Giunta n. 52", "10/07/2021")
    assert controllo.locator("code").first.inner_text() != first_hash
    oiv.goto(base + CICLO)
    _move(oiv, "Passa a «validato OIV»")
    assert "validato OIV" in _state(oiv)

    # every step is in the audit trail, in words
    oiv.goto(f"{base}/CCIAA-PT/2020/registro/")
    trail = oiv.inner_text("main")
    for words in ("Dato rettificato dopo la riapertura", "Il dato B.2.1-1 va rettificato"):
        assert words in trail
