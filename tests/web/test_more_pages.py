"""Strategy map, area dashboards, individual scorecard, fund what-if, events."""

from __future__ import annotations

from datetime import date

import pytest

from cruscotto.performance import selectors
from cruscotto.performance.models import Consuntivo


def test_the_map_colours_objectives_by_the_domain_rule(as_user, piano):
    html = as_user("consultazione").get("/CCIAA-PT/2020/mappa/").content.decode()
    result = selectors.score(piano, 2020)
    g = result.nodo("obiettivo_strategico", "G")
    assert g.stato.value == "non_raggiunto"
    assert 'aria-label="G – Potenziare la comunicazione istituzionale e la trasparenza (non raggiunto)"' in html
    # C and F have no indicator in the cruscotto di ente: white boxes, called "solo cascading" as
    # on the cruscotto page and in the Relazione, with their figure in the table (issue 14)
    assert "(solo cascading, fuori dalla performance di ente)" in html
    assert html.count('fill="#ffffff" stroke="#17324d"') >= 2
    table = html[html.index("<tbody>") :]
    row_c = table[table.index("C · ") : table.index("</tr>", table.index("C · "))]
    assert "solo cascading" in row_c and "%" in row_c and "senza indicatori" not in row_c
    # every box links to its objective in the tree; the plan's cause links are arrows
    assert 'href="/CCIAA-PT/2020/albero/#os-h1"' in html
    assert "<title>H1 → D</title>" in html


def test_an_area_dashboard_has_its_own_and_transversal_indicators(as_user):
    html = as_user("consultazione").get("/CCIAA-PT/2020/aree/PROMOZIONE/").content.decode()
    assert "B.2.1-1" in html  # Servizio Promozione
    assert "D2-4" in html  # TRASVERSALE
    assert "D2-1" not in html  # Area anagrafica
    # structures by name, never by code (issue 14)
    cells = [c for c in html.split('<td class="small">')[1:]]
    assert cells and not any(c.startswith(("PROMOZIONE", "TRASVERSALE")) for c in cells)
    assert "tutte le strutture" in html
    parent = as_user("consultazione").get("/CCIAA-PT/2020/aree/AREA-SVILUPPO/").content.decode()
    assert "B.2.1-1" in parent  # an area includes its services


def test_the_individual_scorecard_shows_sections_weights_and_score(as_user, piano):
    result = selectors.score(piano, 2020)
    (sg,) = result.schede
    html = as_user("oiv").get("/CCIAA-PT/2020/individuale/").content.decode()
    assert f"{sg.achievement:.2f}".replace(".", ",") in html
    assert "i pesi sommano al 95% invece che al 100%" in html


def test_fund_what_if_changes_nothing_stored(as_user, piano):
    c = as_user("consultazione")
    before = selectors.score(piano, 2020)
    stored = list(Consuntivo.objects.filter(piano=piano).values_list("codice", "valore"))
    r = c.post("/CCIAA-PT/2020/fondo/", {"v-D2-4": "50"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Esito della simulazione" in html
    # nothing was written, and the stored figures are unchanged
    assert list(Consuntivo.objects.filter(piano=piano).values_list("codice", "valore")) == stored
    assert selectors.score(piano, 2020).fondo.importo == before.fondo.importo
    # the simulated fund is lower: D2-4 (PUNTO-IMPRESA project) falls to 50%
    simulated = float(html.split('id="whatif-fondo">€ ')[1].split("<")[0].replace(".", "").replace(",", "."))
    assert simulated < before.fondo.importo


def test_fund_what_if_refuses_bad_values(as_user):
    r = as_user("controllo").post("/CCIAA-PT/2020/fondo/", {"v-D2-4": "tanto"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "D2-4 = «tanto»" in r.content.decode()


def test_controllo_sets_t0_and_milestones_resolve(as_user, piano):
    r = as_user("controllo").post("/CCIAA-PT/2020/eventi/", {"codice": "T0", "data": "14/09/2020"})
    assert r.status_code == 302
    piano.refresh_from_db()
    assert piano.eventi.get(codice="T0").data == date(2020, 9, 14)
    html = as_user("controllo").get("/CCIAA-PT/2020/eventi/").content.decode()
    assert "30/08/2020" in html  # Entro 15 gg. prima di T0
    assert selectors.plan_for(piano).date_eventi()["T0"] == date(2020, 9, 14)


@pytest.mark.parametrize("username", ["responsabile", "oiv", "consultazione"])
def test_only_plan_editors_set_event_dates(as_user, username, piano):
    r = as_user(username).post("/CCIAA-PT/2020/eventi/", {"codice": "T0", "data": "14/09/2020"})
    assert r.status_code == 403
    assert piano.eventi.get(codice="T0").data is None


def test_a_bad_event_date_is_explained(as_user):
    r = as_user("controllo").post("/CCIAA-PT/2020/eventi/", {"codice": "T0", "data": "31/02/2020"})
    assert r.status_code == 200 and "Data non valida: 31/02/2020" in r.content.decode()


def test_the_api_documentation_is_linked_for_who_connects_systems(as_user):
    """Issue 14: the footer links /api/v1/docs for the controllo di gestione and the
    amministratore, who get tokens; not for the roles that only read or enter values."""
    for who in ("controllo", "admin"):
        assert 'href="/api/v1/docs"' in as_user(who).get("/CCIAA-PT/2020/").content.decode(), who
    for who in ("consultazione", "responsabile", "oiv"):
        assert 'href="/api/v1/docs"' not in as_user(who).get("/CCIAA-PT/2020/").content.decode(), who
