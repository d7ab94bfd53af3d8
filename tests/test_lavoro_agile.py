"""PIAO 3.2, Organizzazione del lavoro agile (issue 17): the indicators of use of a year over the
people in service at 31/12 (by gender, by category, in total), the agile days the agreements
allow, the share of remotable activities, and the checks at their place.

The staff register is the demo's (src/cruscotto/demo/personale.csv: 41 people at 31/12/2019, 29
women and 12 men; D 11, C 25, B 4, DIR 1) and the structures are the seed's plan's. The
activities and the agreements are INVENTED here; every figure is worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine.lavoro_agile import Accordo, Attivita, controlla, giorni_nell_anno, indicatori, massimo
from cruscotto.files import load_plan
from cruscotto.files.personale import read_personale


@pytest.fixture(scope="module")
def registro():
    return read_personale(demo_path("personale.csv")).dipendenti


@pytest.fixture(scope="module")
def strutture():
    return [s.codice for s in load_plan(demo_path()).piano.strutture]


# INVENTED
ATTIVITA = (
    Attivita("RI-ISCR", "Istruttoria delle pratiche del Registro imprese", "AREA-ANAGRAFICA", "si"),
    Attivita("RI-SPORT", "Sportello al pubblico", "AREA-ANAGRAFICA", "no", "ricevimento in presenza"),
    Attivita("PROM-BANDI", "Istruttoria dei bandi voucher", "PROMOZIONE", "si"),
    Attivita("PROM-EVENTI", "Eventi e fiere", "PROMOZIONE", "in parte", "allestimenti in sede"),
    Attivita("AMM-PROTO", "Protocollo della posta cartacea", "AREA-AMMINISTRATIVA", "no", "documenti cartacei"),
)
ACCORDI = (
    Accordo("1002", date(2019, 1, 1), None, 2),  # a D woman, open-ended: 2 x 365 / 7 = 730/7 days in 2019
    Accordo(
        "1010", date(2019, 7, 1), date(2019, 12, 29), 1, attivita="PROM-BANDI"
    ),  # a C woman: 182 days, 26 weeks: 26
    Accordo("1042", date(2019, 1, 1), date(2019, 12, 31), 8, "mese", "RI-ISCR"),  # a C man: 8 x 12 = 96
    Accordo("1048", date(2018, 3, 1), date(2019, 2, 25), 1),  # a B man: 1 Jan - 25 Feb 2019, 56 days, 8 weeks: 8
    Accordo("1019", date(2020, 1, 1), None, 1),  # from 2020: not in 2019
)


def test_the_years_indicators_by_hand(registro):
    ind = indicatori(2019, ATTIVITA, ACCORDI, registro)
    t = ind.totale
    # 1002, 1010, 1042, 1048: 4 of 41; days 730/7 + 26 + 96 + 8 = 1640/7, that is 410/7 (58,57) each
    assert (t.persone, t.con_accordo) == (41, 4)
    assert t.quota == pytest.approx(4 / 41)
    assert t.giorni == pytest.approx(1640 / 7) and t.media == pytest.approx(410 / 7)
    genere = {r.voce: r for r in ind.per_genere}
    assert (genere["F"].persone, genere["F"].con_accordo, genere["F"].giorni) == (29, 2, pytest.approx(730 / 7 + 26))
    assert (genere["M"].persone, genere["M"].con_accordo, genere["M"].giorni) == (12, 2, pytest.approx(96 + 8))
    assert genere["M"].quota == pytest.approx(2 / 12)
    cat = {r.voce: (r.persone, r.con_accordo, r.giorni) for r in ind.per_categoria}
    assert cat == {"D": (11, 1, pytest.approx(730 / 7)), "C": (25, 2, 122), "B": (4, 1, 8), "DIR": (1, 0, 0)}
    assert next(r for r in ind.per_categoria if r.voce == "DIR").media is None
    # activities: si 2, in parte 1, no 2: remotable at least in part 3 of 5
    assert ind.attivita == {"si": 2, "in parte": 1, "no": 2} and ind.quota_remotizzabili == 0.6


def test_the_next_year_counts_who_is_in_force_then():
    """2020 (a leap year) on the same agreements: 1002 and 1019 are in force; the register has no 2020."""
    assert giorni_nell_anno(ACCORDI[0], 2020) == pytest.approx(2 * 366 / 7)
    assert giorni_nell_anno(ACCORDI[2], 2020) == 0  # ended 31/12/2019
    a = Accordo("X", date(2020, 1, 1), date(2020, 6, 30), 6, "mese")  # 182 days of 366: 6 x 182 x 12 / 366
    assert giorni_nell_anno(a, 2020) == pytest.approx(6 * 182 * 12 / 366)


def test_the_most_working_days_of_a_period():
    # a week of five working days; a month of 31 days: four weeks and three days, 4 x 5 + 3 = 23
    assert (massimo("settimana"), massimo("mese")) == (5, 23)
    assert (massimo("settimana", 6), massimo("mese", 6)) == (6, 27)  # six days a week: 24 + 3


def test_the_checks_at_their_place(registro, strutture):
    attivita = (
        *ATTIVITA,
        Attivita("RI-ISCR", "Doppione", "AREA-ANAGRAFICA", "si"),
        Attivita("X-1", "In un ufficio che non c'è", "UFFICIO-Y", "si"),
        Attivita("X-2", "Forse", "SG", "forse"),
        Attivita("X-3", "Senza motivo", "SG", "no"),
    )
    accordi = (
        *ACCORDI,
        Accordo("1003", date(2019, 6, 30), date(2019, 1, 31), 1),  # 6
        Accordo("1004", date(2019, 1, 1), None, 1, "anno"),  # 7
        Accordo("1005", date(2019, 1, 1), None, 6),  # 8
        Accordo("1006", date(2019, 1, 1), None, 24, "mese"),  # 9
        Accordo("1008", date(2019, 1, 1), None, 0),  # 10
        Accordo("1030", date(2019, 1, 1), None, 1),  # 11: not in the 2019 register, in force at 31/12
        Accordo("1031", date(2019, 1, 1), date(2019, 3, 31), 1),  # 12: not in the register, ended in March
        Accordo("1011", date(2019, 1, 1), None, 1, attivita="NUOTO"),  # 13
        Accordo("1012", date(2019, 1, 1), None, 1, attivita="RI-SPORT"),  # 14
        Accordo("1002", date(2019, 6, 1), date(2019, 12, 31), 1),  # 15: 1002 has one open-ended since January
        Accordo("1048", date(2019, 3, 1), None, 1),  # 16: after the first one ended: no overlap
    )
    found = [
        (p.code, p.where, p.message, p.severity)
        for p in controlla(attivita, accordi, registro, anno=2019, strutture=strutture)
    ]
    assert found == [
        ("agile_codice_doppio", "attività RI-ISCR", "codice ripetuto: RI-ISCR", "error"),
        ("agile_struttura", "attività X-1", "struttura sconosciuta: UFFICIO-Y", "error"),
        ("agile_remotizzabile", "attività X-2", "remotizzabile non ammesso (si, in parte, no): forse", "error"),
        ("agile_motivazione", "attività X-3", "manca il motivo per cui non è remotizzabile", "error"),
        ("agile_date", "accordo 6 (1003, 30/06/2019)", "fine 31/01/2019 prima dell'inizio", "error"),
        ("agile_periodo", "accordo 7 (1004, 01/01/2019)", "periodo non ammesso (settimana, mese): anno", "error"),
        (
            "agile_giorni",
            "accordo 8 (1005, 01/01/2019)",
            "giorni per settimana non positivi o oltre i 5 lavorativi: 6",
            "error",
        ),
        (
            "agile_giorni",
            "accordo 9 (1006, 01/01/2019)",
            "giorni per mese non positivi o oltre i 23 lavorativi: 24",
            "error",
        ),
        (
            "agile_giorni",
            "accordo 10 (1008, 01/01/2019)",
            "giorni per settimana non positivi o oltre i 5 lavorativi: 0",
            "error",
        ),
        ("agile_matricola", "accordo 11 (1030, 01/01/2019)", "matricola non in servizio al 31/12/2019: 1030", "error"),
        (
            "agile_cessato",
            "accordo 12 (1031, 01/01/2019)",
            "accordo concluso di chi non è in servizio al 31/12/2019: non contato",
            "warning",
        ),
        ("agile_attivita", "accordo 13 (1011, 01/01/2019)", "attività sconosciuta: NUOTO", "error"),
        ("agile_non_remotizzabile", "accordo 14 (1012, 01/01/2019)", "attività non remotizzabile: RI-SPORT", "error"),
        ("agile_sovrapposto", "accordo 15 (1002, 01/06/2019)", "accordo sovrapposto all'accordo 1", "error"),
    ]
    # the people not in service count nothing: still 41 people, and 1030, 1031 add no days
    ind = indicatori(2019, ATTIVITA, accordi[:5] + accordi[10:12], registro)
    assert (ind.totale.persone, ind.totale.con_accordo, ind.totale.giorni) == (41, 4, pytest.approx(1640 / 7))


def test_the_well_formed_records_pass(registro, strutture):
    assert controlla(ATTIVITA, ACCORDI, registro, anno=2019, strutture=strutture) == []
