"""Pages for every demo user, data entry with htmx, permissions, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cruscotto.files import load_plan
from cruscotto.performance import selectors, services
from cruscotto.performance.models import Consuntivo

USERS = ["admin", "controllo", "responsabile", "oiv", "consultazione"]
PAGES = [
    "/CCIAA-PT/2020/",
    "/CCIAA-PT/2020/albero/",
    "/CCIAA-PT/2020/indicatori/A.3.4-1/",
    "/CCIAA-PT/2020/indicatori/H1-1/",
    "/CCIAA-PT/2021/",
    "/CCIAA-PT/2020/mappa/",
    "/CCIAA-PT/2020/aree/",
    "/CCIAA-PT/2020/aree/PROMOZIONE/",
    "/CCIAA-PT/2020/individuale/",
    "/CCIAA-PT/2020/fondo/",
    "/CCIAA-PT/2020/eventi/",
    "/CCIAA-PT/2020/contesto/",
]


def test_healthz_checks_the_database(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok"}


def test_pages_need_a_login(client, db):
    r = client.get("/CCIAA-PT/2020/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("url", PAGES)
def test_every_page_works_for_every_demo_user(as_user, url, username):
    r = as_user(username).get(url)
    assert r.status_code == 200, r.content[:500]
    assert b'lang="it"' in r.content


def test_the_stored_plan_is_the_demo_plan(piano, demo_plan_path):
    assert selectors.plan_for(piano) == load_plan(demo_plan_path).piano


def test_the_cruscotto_shows_the_engines_entity_figure(as_user, piano):
    result = selectors.score(piano, 2020)
    page = as_user("consultazione").get("/CCIAA-PT/2020/").content.decode()
    shown = f"{result.achievement:.2f}".replace(".", ",")
    assert shown in page
    for p in ("Tessuto economico locale", "Economico-finanziaria", "Processi interni"):
        assert p in page


def test_responsabile_enters_a_value_and_sees_the_new_status(as_user, piano):
    c = as_user("responsabile")
    # B.2.1-1 (Servizio Promozione): 71,3 against 90% -> non raggiunto; 90 -> raggiunto
    before = selectors.score(piano, 2020)
    assert before.indicatore("B.2.1-1").stato.value == "non_raggiunto"
    r = c.post(
        "/CCIAA-PT/2020/monitoraggio/B.2.1-1/",
        {"valore": "90", "nota": "verificato", "periodo": ""},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "stato-raggiunto" in html and 'id="ente-figura" hx-swap-oob="true"' in html
    piano.refresh_from_db()  # a request reads the plan afresh; this test's copy is from before the save
    after = selectors.score(piano, 2020)
    assert after.indicatore("B.2.1-1").achievement == 100.0
    assert f"{after.achievement:.2f}".replace(".", ",") in html
    saved = Consuntivo.objects.get(piano=piano, codice="B.2.1-1", anno=2020, periodo="")
    assert (saved.valore, saved.nota, saved.inserito_da.username) == ("90", "verificato", "responsabile")
    assert saved.history.count() >= 2  # imported, then changed: both on record


def test_a_bad_value_is_refused_in_place_and_nothing_changes(as_user, piano):
    c = as_user("responsabile")
    r = c.post("/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "novanta", "periodo": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert "Valore non valido: novanta" in r.content.decode() and 'aria-invalid="true"' in r.content.decode()
    assert Consuntivo.objects.get(piano=piano, codice="B.2.1-1", anno=2020, periodo="").valore == "71,3"


def test_responsabile_cannot_enter_values_of_other_structures(as_user, piano):
    # D2-1 belongs to the Area anagrafica
    r = as_user("responsabile").post("/CCIAA-PT/2020/monitoraggio/D2-1/", {"valore": "2"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 403
    # a TRASVERSALE indicator is his too
    assert (
        as_user("responsabile")
        .post("/CCIAA-PT/2020/monitoraggio/D2-4/", {"valore": "100"}, HTTP_HX_REQUEST="true")
        .status_code
        == 200
    )


def test_the_monitoring_list_shows_only_what_the_user_may_fill(as_user):
    page = as_user("responsabile").get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    assert 'id="riga-b21-1"' in page and 'id="riga-d2-1"' not in page and 'id="riga-d2-4"' in page
    full = as_user("controllo").get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    assert 'id="riga-d2-1"' in full


def test_a_value_computed_by_its_formula_says_so_in_the_monitoring_list(as_user, piano):
    # A.3.4-1 = prenotato_linea_a / stanziato_linea_a * 100: the demo's commitments give 92,4.
    page = as_user("controllo").get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    row = page[page.index('id="riga-a34-1"') :].split("</tr>")[0]
    assert (
        'title="prenotato_linea_a / stanziato_linea_a * 100; prenotato_linea_a = 323.446,20; stanziato_linea_a = 350.050">92,40</span>'
        in row
    )
    assert "dalla formula" in row and "inserito: 92,40" in row  # written as every figure, not as typed
    form = (
        as_user("controllo")
        .get("/CCIAA-PT/2020/monitoraggio/A.3.4-1/?modifica=1", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "calcolato dalla formula con le misure di base: 92,40" in form
    # the first half has no measures of its own: the value entered is the value, and it is
    # scored as the period's (45,2 against 90%: 50,22%), as the monitoring report does
    s1 = as_user("controllo").get("/CCIAA-PT/2020/monitoraggio/?periodo=S1").content.decode()
    row = s1[s1.index('id="riga-a34-1"') :].split("</tr>")[0]
    assert "dalla formula" not in row and ">45,20<" in row and "50,22%" in row and "stato-non_raggiunto" in row
    assert "Performance di ente (S1)" in s1


@pytest.mark.parametrize("username", ["oiv", "consultazione"])
def test_readers_find_no_way_to_edit(as_user, username):
    c = as_user(username)
    page = c.get("/CCIAA-PT/2020/").content.decode()
    assert "/monitoraggio/" not in page
    assert "Nessun indicatore da compilare" in c.get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    assert c.post("/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "1"}, HTTP_HX_REQUEST="true").status_code == 403
    assert "Inserisci o modifica" not in c.get("/CCIAA-PT/2020/indicatori/B.2.1-1/").content.decode()


def test_without_javascript_the_row_is_edited_on_its_own_page(as_user, piano):
    c = as_user("controllo")
    r = c.get("/CCIAA-PT/2020/monitoraggio/D2-1/?modifica=1")
    assert r.status_code == 200 and b"<h1>" in r.content and b'name="valore"' in r.content
    r = c.post("/CCIAA-PT/2020/monitoraggio/D2-1/", {"valore": "2,5", "periodo": ""})
    assert r.status_code == 302 and r["Location"].endswith("#riga-d2-1")


def test_clearing_a_value_removes_it(as_user, piano):
    as_user("controllo").post(
        "/CCIAA-PT/2020/monitoraggio/D2-1/", {"valore": "", "periodo": ""}, HTTP_HX_REQUEST="true"
    )
    assert not Consuntivo.objects.filter(piano=piano, codice="D2-1", anno=2020, periodo="").exists()
    piano.refresh_from_db()
    assert selectors.score(piano, 2020).indicatore("D2-1").stato.value == "senza_dati"


def test_a_user_without_a_role_in_the_ente_is_refused(client, django_user_model, db):
    u = django_user_model.objects.create_user("estraneo", password="x")
    client.force_login(u)
    assert client.get("/CCIAA-PT/2020/").status_code == 403


@pytest.mark.parametrize("url", PAGES + ["/CCIAA-PT/2020/monitoraggio/"])
def test_pages_run_a_bounded_number_of_queries(as_user, url, piano):
    c = as_user("controllo")
    c.get(url)  # warm the plan cache
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    assert len(ctx.captured_queries) <= 20, [q["sql"][:120] for q in ctx.captured_queries]


def test_setting_t0_resolves_the_milestones(as_user, piano):
    from datetime import date

    from django.contrib.auth import get_user_model

    before = selectors.score(piano, 2020).indicatore("H1-1")
    services.evento_imposta_data(
        user=get_user_model().objects.get(username="controllo"), piano=piano, codice="T0", data=date(2020, 9, 14)
    )
    piano.refresh_from_db()
    after = selectors.score(piano, 2020).indicatore("H1-1")
    assert before.trace != after.trace
    assert not any("non ancora nota" in s for s in after.trace["passi"])


def test_query_count_does_not_grow_with_the_plan(as_user, piano, django_user_model):
    """A plan with 6 times the demo's indicators costs the same number of queries per page."""
    from cruscotto.engine.batch import synthetic, to_plans
    from cruscotto.performance.models import Ruolo

    ((big, valori),) = to_plans(synthetic(1, 500, seed=7))
    stored = services.piano_import(piano=big, valori=valori)
    user = django_user_model.objects.get(username="controllo")
    Ruolo.objects.create(utente=user, ente=stored.ente, tipo=Ruolo.Tipo.CONTROLLO)
    c = as_user("controllo")

    def count(url):
        c.get(url)  # warm the plan cache
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    code = stored.ente.codice
    for page in ("", "albero/", "mappa/", "monitoraggio/", "aree/", "fondo/"):
        assert count(f"/{code}/2020/{page}") <= count(f"/CCIAA-PT/2020/{page}"), page


def test_an_indicator_the_plan_has_not_is_not_found(as_user):
    """The indicator page reads its title from the row before its cached body: an unknown code,
    or one of another plan's, answers 404, not an empty page."""
    c = as_user("controllo")
    assert c.get("/CCIAA-PT/2020/indicatori/NON-ESISTE/").status_code == 404
    assert c.get("/CCIAA-PT/2020/indicatori/B.2.1-1/").status_code == 200
