"""One cycle per year: the yearly update (scorrimento) of the demo's 2020-2022 plan starts the
2021 cycle with the 2021-2023 plan, adopted with its own act, while 2020 runs its own course."""

from __future__ import annotations

import pytest

from cruscotto.performance import models as m
from cruscotto.performance import selectors

from .test_lifecycle import _approved, post


def _adopt(client, anno, versione):
    r = client.post(
        f"/CCIAA-PT/{anno}/ciclo/adotta/",
        {"versione": versione, "atto": f"Delibera di Giunta n. {anno - 2010}", "atto_data": f"30/01/{anno}"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]


@pytest.fixture
def adopted(as_user, piano):
    _adopt(as_user("controllo"), 2020, piano.versione)
    piano.refresh_from_db()
    return piano


def test_the_update_is_refused_before_adoption_and_to_other_roles(as_user, piano):
    r = as_user("controllo").post("/CCIAA-PT/2020/ciclo/scorrimento/")
    assert r.status_code == 422 and "adottato" in r.content.decode()
    _adopt(as_user("controllo"), 2020, piano.versione)
    for who in ("responsabile", "oiv", "consultazione"):
        assert as_user(who).post("/CCIAA-PT/2020/ciclo/scorrimento/").status_code == 403
    assert not m.Ciclo.objects.filter(anno=2021).exists()


def test_the_next_year_gets_its_own_cycle_and_plan(adopted, as_user):
    c = as_user("controllo")
    assert post(c, azione="sposta", verso="in_monitoraggio").status_code == 302
    # a 2021 value entered while the 2020-2022 plan is the one in force for 2021
    r = c.post("/CCIAA-PT/2021/monitoraggio/B.2.1-1/", {"valore": "91", "periodo": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200, r.content.decode()[:1000]
    assert adopted.consuntivi.filter(anno=2021, codice="B.2.1-1").exists()
    page = c.get("/CCIAA-PT/2020/ciclo/").content.decode()
    assert "Prepara il piano 2021-2023" in page
    # 2021 has no cycle of its own yet: its page says so, and the 2020 cycle is not moved from it
    page = c.get("/CCIAA-PT/2021/ciclo/").content.decode()
    assert "Il 2021 non ha ancora un ciclo suo" in page
    r = c.post("/CCIAA-PT/2021/ciclo/sposta/", {"verso": "consuntivo_chiuso", "conferma": "1"})
    assert r.status_code == 422 and "si compie dalla pagina del 2020" in r.content.decode()
    assert m.Ciclo.objects.get(anno=2020).stato == "in_monitoraggio"

    r = c.post("/CCIAA-PT/2020/ciclo/scorrimento/", follow=True)
    assert r.status_code == 200
    page = r.content.decode()
    assert "Bozza del piano 2021-2023 preparata nel ciclo 2021" in page
    assert "indicatori senza target per il 2023" in page  # what the draft lacks is said

    nxt = m.Ciclo.objects.get(ente=adopted.ente, anno=2021)
    new = nxt.versioni.get()
    assert nxt.stato == "bozza" and new.stato_versione == "bozza" and new.versione == 1
    assert new.anni == [2021, 2022, 2023] and new.titolo.endswith("2021-2023")
    assert new.precedente_id == adopted.pk and not new.motivazione  # an update, not a rimodulazione
    # the 2020 cycle and its plan are untouched; 2020 is still monitored on its own plan
    adopted.refresh_from_db()
    assert adopted.stato_versione == "in_vigore" and adopted.ciclo.stato == "in_monitoraggio"
    assert selectors.ente_and_plan("CCIAA-PT", 2020)[1].pk == adopted.pk
    # from now on the pages of 2021-2023 show the new plan, and the 2021 value moved to it
    for year in (2021, 2022, 2023):
        assert selectors.ente_and_plan("CCIAA-PT", year)[1].pk == new.pk
    assert new.consuntivi.get(anno=2021, codice="B.2.1-1").valore == "91"
    assert not adopted.consuntivi.filter(anno=2021).exists()
    assert adopted.consuntivi.filter(anno=2020).count() > 0
    record = m.Registro.objects.get(azione="ciclo.scorrimento")
    assert record.utente == "controllo" and record.dopo["valori_spostati"] == 1 and record.oggetto == "ciclo 2021"
    # the comparison with last year's plan
    page = c.get("/CCIAA-PT/2021/ciclo/").content.decode()
    assert "dal piano 2020-2022" in page and "ciclo_a=2020" in page
    diff = c.get("/CCIAA-PT/2021/ciclo/versioni/1/1/?ciclo_a=2020")
    assert diff.status_code == 200
    # twice: refused, from either cycle
    r = c.post("/CCIAA-PT/2020/ciclo/scorrimento/")
    assert r.status_code == 422 and "Il ciclo 2021 ha già il suo piano" in r.content.decode()
    assert m.Ciclo.objects.filter(ente=adopted.ente).count() == 2


def test_each_year_runs_its_own_course(adopted, as_user, django_user_model):
    """2021 is adopted with its own act; 2020 is closed, approved and validated on its own; the
    validation of 2020 locks 2020 only."""
    c = as_user("controllo")
    assert c.post("/CCIAA-PT/2020/ciclo/scorrimento/").status_code == 302
    new = m.Ciclo.objects.get(anno=2021).versioni.get()
    _adopt(c, 2021, new.versione)
    new.refresh_from_db()
    assert new.stato_versione == "in_vigore" and new.ciclo.stato == "adottato"
    record = m.Registro.objects.filter(azione="piano.adotta").order_by("-pk").first()
    assert record.dopo["atto"] == "Delibera di Giunta n. 11" and record.dopo["versione_in_vigore"] == 1
    assert not m.Registro.objects.filter(azione="piano.rimodulazione.adotta").exists()
    # 2020 goes on to validation
    assert post(c, azione="sposta", verso="in_monitoraggio").status_code == 302
    assert post(c, azione="sposta", verso="consuntivo_chiuso").status_code == 302
    _approved(adopted)
    assert post(as_user("oiv"), azione="sposta", verso="validato_oiv").status_code == 302
    assert m.Ciclo.objects.get(anno=2020).stato == "validato_oiv"
    assert m.Ciclo.objects.get(anno=2021).stato == "adottato"
    # 2020 is locked, 2021 is not
    r = c.post("/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "70", "periodo": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "bloccati" in r.content.decode()
    c.post("/CCIAA-PT/2021/ciclo/sposta/", {"verso": "in_monitoraggio"})
    r = c.post("/CCIAA-PT/2021/monitoraggio/B.2.1-1/", {"valore": "93", "periodo": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200, r.content.decode()[:1000]
    assert new.consuntivi.get(anno=2021, codice="B.2.1-1").valore == "93"


def test_the_update_through_the_api(adopted, as_user):
    from .test_api import api

    assert api("responsabile").post("/api/v1/enti/CCIAA-PT/cicli/2020/scorrimento").status_code == 403
    r = api("controllo").post("/api/v1/enti/CCIAA-PT/cicli/2020/scorrimento")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["ciclo"]["anno"] == 2021 and body["ciclo"]["stato"] == "bozza" and body["ciclo"]["bozza"] == 1
    assert body["anni"] == [2021, 2022, 2023]
    assert any("senza target per il 2023" in a for a in body["avvisi"])
