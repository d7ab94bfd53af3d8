"""PIAO 2.3 (issue 17), the transparency table: its rows checked at their place, and each
obligation's state at a date from its frequency and last publication. The rows are obligations
of d.lgs. 33/2013 as ANAC's delibera 1310/2016 lists them (section, norm, frequency); the
offices are the seed's structures, assigned here by way of example."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cruscotto.engine.trasparenza import Obbligo, _piu_mesi, controlla_obblighi, monitoraggio, stato

STRUTTURE = {"SG", "AREA-AMMINISTRATIVA", "PROGRAMMAZIONE", "PROMOZIONE"}
TABELLA = (
    Obbligo("T-01", "Disposizioni generali > Piano triennale per la prevenzione della corruzione e della trasparenza",
            "PIAO, sottosezione 2.3", "art. 10, c. 8, lett. a, d.lgs. 33/2013", "SG", "SG", "annuale"),
    Obbligo("T-02", "Personale > Tassi di assenza", "Tassi di assenza del personale, per uffici",
            "art. 16, c. 3, d.lgs. 33/2013", "AREA-AMMINISTRATIVA", "PROGRAMMAZIONE", "trimestrale"),
    Obbligo("T-03", "Sovvenzioni, contributi, sussidi, vantaggi economici > Atti di concessione",
            "Atti di concessione sopra 1.000 euro", "artt. 26-27, d.lgs. 33/2013", "PROMOZIONE", "PROGRAMMAZIONE",
            "tempestivo"),
    Obbligo("T-04", "Performance > Relazione sulla Performance", "Relazione sulla performance",
            "art. 10, c. 8, lett. b, d.lgs. 33/2013", "PROGRAMMAZIONE", "PROGRAMMAZIONE", "annuale"),
)  # fmt: skip


def test_a_clean_table_has_no_problem():
    assert controlla_obblighi(TABELLA, strutture=STRUTTURE) == []


@pytest.mark.parametrize(
    "change, code",
    [
        ({"codice": "T-02"}, "trasparenza_codice_doppio"),
        ({"sezione": " "}, "trasparenza_campo"),
        ({"riferimento": ""}, "trasparenza_campo"),
        ({"produce": ""}, "trasparenza_struttura"),
        ({"pubblica": "UFFICIO-X"}, "trasparenza_struttura"),
        ({"aggiornamento": "mensile"}, "trasparenza_aggiornamento"),
    ],
)
def test_each_problem_is_found_at_its_row(change, code):
    table = (*TABELLA[:3], replace(TABELLA[3], **change))
    problems = controlla_obblighi(table, strutture=STRUTTURE)
    where = f"obbligo {change.get('codice', 'T-04')}"
    assert (code, where) in {(p.code, p.where) for p in problems}


def test_the_state_follows_the_frequency_and_the_last_publication():
    oggi = date(2021, 4, 20)
    stati, counts = monitoraggio(
        TABELLA,
        {"T-01": date(2020, 3, 31), "T-02": date(2021, 1, 31), "T-04": date(2020, 6, 30)},
        oggi,
    )
    by = {s.codice: s for s in stati}
    # a year after 31/03/2020 is 31/03/2021, before 20/04/2021
    assert (by["T-01"].stato, by["T-01"].scadenza) == ("in ritardo", date(2021, 3, 31))
    assert (by["T-02"].stato, by["T-02"].scadenza) == ("in regola", date(2021, 4, 30))  # 31/01 + 3 months
    assert (by["T-03"].stato, by["T-03"].scadenza) == ("da verificare", None)  # tempestivo: no date to compute
    assert (by["T-04"].stato, by["T-04"].scadenza) == ("in regola", date(2021, 6, 30))
    assert counts == {"in ritardo": 1, "in regola": 2, "da verificare": 1}
    # a periodic obligation never published is late from the start
    assert stato(TABELLA[1], None, oggi).stato == "mai pubblicato"


def test_months_are_added_as_a_calendar_does():
    assert _piu_mesi(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert _piu_mesi(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert _piu_mesi(date(2020, 11, 30), 3) == date(2021, 2, 28)
    assert _piu_mesi(date(2020, 8, 31), 6) == date(2021, 2, 28)
    assert _piu_mesi(date(2020, 12, 15), 12) == date(2021, 12, 15)
