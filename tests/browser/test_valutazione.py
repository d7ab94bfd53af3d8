"""A year of individual evaluation in the browser (issue 15), on the demo's evaluation: the
evaluator ``responsabile`` assigns the card of the demo user ``dipendente``, who acknowledges
the objectives and self-assesses, the evaluator
``responsabile`` holds the final interview and evaluates, the person accepts, and the OIV finds
the premium on the premiums page. Every form is the page's own, filled as a person would."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import pytestmark  # noqa: F401  (skip without Chromium)


@pytest.fixture
def evaluation(demo):
    from django.core.management import call_command

    call_command("demo_valutazione", verbosity=0)
    from cruscotto.performance import models as m

    card = m.SchedaValutazione.objects.get(persona__utente__username="dipendente")
    card.delete()  # the year starts with the assignment, taken on the page below
    return card.persona


def test_a_year_of_evaluation_from_assignment_to_premium(login, live_server, evaluation):
    matricola = evaluation.matricola
    card = f"{live_server.url}/CCIAA-PT/2020/valutazione/{matricola}/"
    boss = login("responsabile")
    boss.goto(f"{live_server.url}/CCIAA-PT/2020/valutazione/")
    boss.get_by_role("link", name=f"Matricola {matricola} (categoria C)").click()
    boss.get_by_label("Codice dell'obiettivo 1").fill("O1")
    boss.get_by_label("Nome dell'obiettivo 1").fill("Pratiche istruite nei tempi")
    boss.get_by_label("Peso dell'obiettivo 1").fill("60")
    boss.get_by_label("Target dell'obiettivo 1").fill("40")
    boss.get_by_label("Codice dell'obiettivo 2").fill("O2")
    boss.get_by_label("Nome dell'obiettivo 2").fill("Procedura digitalizzata")
    boss.get_by_label("Peso dell'obiettivo 2").fill("40")
    boss.get_by_label("Tipo dell'obiettivo 2").select_option("scadenza")
    boss.get_by_label("Target dell'obiettivo 2").fill("30/06/2020")
    boss.locator("#c-ORG").fill("50")
    boss.locator("#c-COLL").fill("50")
    boss.get_by_role("button", name="Assegna la scheda").click()
    assert "assegnata" in boss.locator("#contenuto").inner_text()

    me = login("dipendente")
    me.goto(f"{live_server.url}/CCIAA-PT/2020/valutazione/")
    me.get_by_role("link", name=matricola).click()
    me.get_by_role("button", name="Prendo visione degli obiettivi").click()
    me.get_by_label("Autovalutazione (prima del colloquio finale)").fill("Ho chiuso le pratiche nei tempi")
    me.get_by_role("button", name="Registra l'autovalutazione").click()
    assert "autovalutazione" in me.locator("#contenuto").inner_text()

    boss.goto(card)
    boss.get_by_label("Quale colloquio").select_option("colloquio_finale")
    boss.get_by_label("Note del colloquio").fill("Obiettivi raggiunti; bene con le imprese")
    boss.get_by_role("button", name="Registra il colloquio").click()
    # the results of the own objectives, a level for each behaviour (each level says what it means)
    for field in boss.locator("input[name^='r-']").all():
        target = field.get_attribute("name")
        assert target
        field.fill(
            "15/06/2020"
            if "Procedura" in (boss.locator(f"label[for='{field.get_attribute('id')}']").inner_text())
            else "50"
        )
    for select in boss.locator("select[name^='g-']").all():
        select.select_option(index=4)  # the fourth level: "Più che adeguato"
    boss.get_by_role("button", name="Chiudi la valutazione").click()
    text = boss.locator("#contenuto").inner_text()
    assert "valutata" in text and "Punteggio" in text
    bad = [v["id"] for v in Axe().run(boss).response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []

    me.goto(card)
    me.get_by_role("button", name="Accetto la valutazione").click()
    assert "definitiva" in me.locator("#contenuto").inner_text()

    oiv = login("oiv")
    oiv.goto(f"{live_server.url}/CCIAA-PT/2020/valutazione/premi/")
    premiums = oiv.locator("table", has_text="Maggiorazione")
    assert premiums.locator("th", has_text=matricola).count() == 1
    assert "Importi provvisori" in oiv.locator("#contenuto").inner_text()  # the year is not validated
