"""One missing-data rule for the entity score and the fund (dati_mancanti: zero_a_consuntivo):
the demo's four cruscotto indicators without a 2020 value are left out while 2020 is open and
count 0 once the consuntivo is closed; returned, the year leaves them out again."""

from __future__ import annotations

import pytest

from cruscotto.performance import selectors

from .test_lifecycle import post
from .test_scorrimento import _adopt


def _figures(piano):
    shown = selectors.ente_and_plan("CCIAA-PT", 2020)[1]
    r = selectors.score(shown, 2020)
    return r.achievement, r.fondo.importo, r.copertura.senza_dati, r.entity_trace["dati_mancanti"]


def test_missing_values_count_zero_once_the_year_is_closed(as_user, piano):
    c = as_user("controllo")
    a, fund, missing, rule = _figures(piano)
    assert a == pytest.approx(91.4879953, abs=1e-6) and missing == 4 and "aperto" in rule
    assert fund == pytest.approx(24903.64, abs=0.005)
    page = c.get("/CCIAA-PT/2020/").content.decode()
    assert "91,49" in page
    _adopt(c, 2020, piano.versione)
    assert post(c, azione="sposta", verso="in_monitoraggio").status_code == 302
    assert post(c, azione="sposta", verso="consuntivo_chiuso").status_code == 302
    a, fund, missing, rule = _figures(piano)
    assert a == pytest.approx(83.2096658, abs=1e-6) and missing == 0 and "periodo chiuso" in rule
    assert fund == pytest.approx(24903.64, abs=0.005)  # every project of the fund has data
    page = c.get("/CCIAA-PT/2020/").content.decode()
    assert "83,21" in page and "91,49" not in page
    # returned by the OIV: the year is open again, and so is the rule
    assert post(as_user("oiv"), azione="sposta", verso="in_monitoraggio", nota="Manca un dato").status_code == 302
    assert _figures(piano)[0] == pytest.approx(91.4879953, abs=1e-6)


def test_a_closed_half_year_scores_its_missing_values_zero(as_user, piano):
    shown = selectors.ente_and_plan("CCIAA-PT", 2020)[1]
    before = selectors.score(shown, 2020, periodo="S1")
    assert before.copertura.senza_dati > 0
    assert post(as_user("controllo"), azione="chiudi_periodo", periodo="S1").status_code == 302
    shown = selectors.ente_and_plan("CCIAA-PT", 2020)[1]
    after = selectors.score(shown, 2020, periodo="S1")
    assert after.copertura.senza_dati == 0
    assert after.achievement < before.achievement
    # the year itself is still open
    assert selectors.score(shown, 2020).copertura.senza_dati == 4
