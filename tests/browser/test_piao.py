"""The PIAO's 2.3 in the browser (issue 17): the RPCT fills one measure in the monitoring, sees
it scored there and counted in the RPCT's report; a responsabile fills his own."""

from __future__ import annotations

from .conftest import pytestmark  # noqa: F401  (skip without Chromium)

BASE = "/CCIAA-PT/2021/piao/"


def test_the_rpct_fills_a_measure_and_sees_it_in_the_monitoring_and_the_report(login, live_server):
    page = login("rpct")
    page.goto(f"{live_server.url}{BASE}relazione-rpct/")
    before = page.inner_text("#rpct-MS-03")
    assert "senza dati" in before and "scaduta" in before  # due 30/06/2021, nothing entered
    page.goto(f"{live_server.url}{BASE}misure/")
    row = page.locator("#misura-MS-03")
    assert "senza dati" in row.inner_text()
    page.fill("#valore-ms-03", "20/06/2021")
    page.fill("#nota-ms-03", "criteri adottati con determinazione del dirigente")
    row.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    row = page.locator("#misura-MS-03")
    row.locator(".stato-raggiunto").wait_for()  # scored by the engine: the deadline is met
    assert page.input_value("#valore-ms-03") == "20/06/2021"
    assert "Attuazione della misura MS-03 registrata." in page.inner_text("main")
    # the RPCT's report counts it from the monitoring: reached, no longer late
    page.goto(f"{live_server.url}{BASE}relazione-rpct/")
    after = page.inner_text("#rpct-MS-03")
    assert "raggiunto" in after and "scaduta" not in after
    assert "Nessuna." in page.inner_text("section[aria-labelledby=sca-h]")


def test_a_responsabile_fills_only_his_structures_measures(login, live_server):
    page = login("responsabile")  # Servizio Promozione
    page.goto(f"{live_server.url}{BASE}misure/")
    assert page.locator("#valore-ms-02").count() == 1
    assert page.locator("#valore-ms-03").count() == 0  # REGOLAZIONE's
    page.fill("#valore-ms-02", "cento")
    page.locator("#misura-MS-02").get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    alert = page.locator("#errore-ms-02")
    alert.wait_for()
    assert "cento" in alert.inner_text()
    page.fill("#valore-ms-02", "100")
    page.locator("#misura-MS-02").get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    page.locator("#misura-MS-02 .stato-raggiunto").wait_for()
