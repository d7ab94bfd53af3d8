"""PIAO 3.3, Piano triennale dei fabbisogni di personale (issue 17): the staff by category at each
year's end, its cost, the hiring capacity from the turnover of the previous year's leavers and
what the hires use of it, each total traced to its terms, and the checks at their place against
the capacity, the cap and the budget's row 6 Personale.

The staff at 31/12/2019 is the demo's register (src/cruscotto/demo/personale.csv: D 11, C 25,
B 4, DIR 1), the budget is the demo's preventivo 2020 (row 6 Personale: -2.080.927). The leavers,
the hires, the yearly unit costs, the turnover percentages, the leftover capacity and the cap are
INVENTED here, round figures chosen so that every total can be checked by hand; none of them is
a norm's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine.bilancio import Preventivo, RigaPreventivo
from cruscotto.engine.fabbisogni import Assunzione, Cessazione, Parametri, calcola, controlla
from cruscotto.files.bilancio import read_preventivo
from cruscotto.files.personale import read_personale

ANNI = (2020, 2021, 2022)


@pytest.fixture(scope="module")
def registro():
    return read_personale(demo_path("personale.csv")).dipendenti


@pytest.fixture(scope="module")
def preventivo_2020():
    return read_preventivo(demo_path("bilancio/preventivo-2020.csv"))


# INVENTED
COSTI = {"D": 36_000.0, "C": 32_000.0, "B": 29_000.0, "DIR": 110_000.0}
PARAMETRI = Parametri(
    costi=COSTI,
    turnover={2020: 100.0, 2021: 75.0, 2022: 100.0},
    tetto=1_450_000.0,
    residui=10_000.0,
    riporto=True,
    fuori_capacita=frozenset({"mobilità"}),
)
CESSAZIONI = (
    Cessazione(date(2019, 9, 30), "pensione", categoria="C"),  # before the plan: the 2020 capacity only
    Cessazione(date(2020, 6, 30), "pensione", matricola="1001"),  # a D
    Cessazione(date(2020, 12, 31), "pensione", matricola="1009"),  # a C
    Cessazione(date(2021, 3, 31), "dimissioni", matricola="1028"),  # a B
)
ASSUNZIONI = (
    Assunzione(2020, "C", 1, "concorso", 32_000.0),
    Assunzione(2021, "D", 1, "concorso", 36_000.0),
    Assunzione(2021, "C", 1, "mobilità", 32_000.0),  # uses no capacity (fuori_capacita)
    Assunzione(2022, "D", 1, "progressione verticale", 36_000.0, da_categoria="C"),
    Assunzione(2022, "B", 1, "concorso", 29_000.0),
)


def test_staff_cost_and_capacity_of_each_year_by_hand(registro):
    p = calcola(ANNI, registro, CESSAZIONI, ASSUNZIONI, PARAMETRI)
    assert p.anno_base == 2019 and p.personale_base == {"D": 11, "C": 25, "B": 4, "DIR": 1}
    y20, y21, y22 = p.anni
    # staff at each year's end: 2020 D 11 - 1 (1001) = 10, C 25 - 1 (1009) + 1 = 25 (the 2019
    # leaver is already out of the register); 2021 D + 1, C + 1 (mobilità), B - 1 (1028);
    # 2022 D + 1 and C - 1 (the progression), B + 1
    assert y20.personale == {"D": 10, "C": 25, "B": 4, "DIR": 1}
    assert y21.personale == {"D": 11, "C": 26, "B": 3, "DIR": 1}
    assert y22.personale == {"D": 12, "C": 25, "B": 4, "DIR": 1}
    # full-year cost of that staff: 2019 11 x 36.000 + 25 x 32.000 + 4 x 29.000 + 110.000 = 1.422.000;
    # 2020 - 36.000 - 32.000 + 32.000 = 1.386.000; 2021 - 29.000 + 36.000 + 32.000 = 1.425.000;
    # 2022 + 36.000 - 32.000 + 29.000 = 1.458.000 (= 12 x 36.000 + 25 x 32.000 + 4 x 29.000 + 110.000)
    assert (y20.costo, y21.costo, y22.costo) == (1_386_000, 1_425_000, 1_458_000)
    # capacity: 2020 100% of the 2019 leaver (a C, 32.000) + the 10.000 left from earlier years = 42.000,
    # used by the C hired (32.000): 10.000 left. 2021: 75% of the 2020 leavers (36.000 + 32.000 =
    # 68.000) = 51.000 + 10.000 carried = 61.000, used by the D (36.000; the mobilità uses none):
    # 25.000 left. 2022: 100% of the 2021 leaver (a B, 29.000) + 25.000 = 54.000, used by the
    # progression's difference (36.000 - 32.000 = 4.000) and the B (29.000): 33.000, 21.000 left.
    assert [(y.capacita, y.utilizzo, y.residuo) for y in p.anni] == [
        (42_000, 32_000, 10_000),
        (61_000, 36_000, 25_000),
        (54_000, 33_000, 21_000),
    ]


def test_every_total_is_the_sum_of_its_terms(registro):
    y20, y21, _y22 = calcola(ANNI, registro, CESSAZIONI, ASSUNZIONI, PARAMETRI).anni
    assert [(v.voce, v.anno, v.categoria, v.persone, v.importo) for v in y20.costo_voci] == [
        ("in servizio", 2019, "D", 11, 396_000),
        ("in servizio", 2019, "C", 25, 800_000),
        ("in servizio", 2019, "B", 4, 116_000),
        ("in servizio", 2019, "DIR", 1, 110_000),
        ("cessazioni", 2020, "D", -1, -36_000),
        ("cessazioni", 2020, "C", -1, -32_000),
        ("assunzioni", 2020, "C", 1, 32_000),
    ]
    assert [(v.voce, v.anno, v.categoria, v.persone, v.quota, v.importo) for v in y21.capacita_voci] == [
        ("turnover", 2020, "D", 1, 0.75, 27_000),
        ("turnover", 2020, "C", 1, 0.75, 24_000),
        ("riporto", 2020, "", 0, 1.0, 10_000),
    ]
    assert y20.capacita_voci[-1].voce == "residui"
    for y in (y20, y21):
        assert y.costo == sum(v.importo for v in y.costo_voci)
        assert y.capacita == sum(v.importo for v in y.capacita_voci)
        assert y.utilizzo == sum(v.importo for v in y.utilizzo_voci)


def test_without_carry_over_and_with_every_mode_on_the_capacity(registro):
    p = calcola(ANNI, registro, CESSAZIONI, ASSUNZIONI, replace(PARAMETRI, riporto=False, fuori_capacita=frozenset()))
    # 2020 keeps its 10.000 of earlier years (residui); then nothing is carried: 2021 51.000,
    # 2022 29.000; the mobilità now uses 32.000: 2021 uses 36.000 + 32.000 = 68.000 > 51.000
    assert [(y.capacita, y.utilizzo) for y in p.anni] == [(42_000, 32_000), (51_000, 68_000), (29_000, 33_000)]
    found = {
        (x.code, x.where, x.message)
        for x in controlla(
            ANNI,
            registro,
            CESSAZIONI,
            ASSUNZIONI,
            replace(PARAMETRI, riporto=False, fuori_capacita=frozenset(), tetto=None),
        )
    }
    assert found == {
        (
            "fabbisogni_capacita",
            "anno 2021",
            "le assunzioni usano 68.000 euro, oltre la capacità assunzionale di 51.000 euro",
        ),
        (
            "fabbisogni_capacita",
            "anno 2022",
            "le assunzioni usano 33.000 euro, oltre la capacità assunzionale di 29.000 euro",
        ),
    }


def test_the_plan_checked_against_the_cap_and_the_budget(registro, preventivo_2020):
    # the cap, 1.450.000, is passed in 2022 only (1.458.000); the demo's budget 2020 (2.080.927)
    # holds the 2020 cost (1.386.000); an INVENTED budget 2021 of 1.400.000 does not hold 1.425.000
    preventivo_2021 = Preventivo(2021, (RigaPreventivo("6", "Personale", {"preventivo": -1_400_000.0}),))
    found = controlla(ANNI, registro, CESSAZIONI, ASSUNZIONI, PARAMETRI, preventivi=(preventivo_2020, preventivo_2021))
    assert [(x.code, x.where, x.message) for x in found] == [
        (
            "fabbisogni_bilancio",
            "anno 2021, preventivo, riga 6 Personale",
            "costo del personale di 1.425.000 euro oltre la voce 6 Personale del preventivo (1.400.000 euro)",
        ),
        (
            "fabbisogni_tetto",
            "anno 2022",
            "costo del personale di 1.458.000 euro oltre il tetto di spesa di 1.450.000 euro",
        ),
    ]


def test_the_demo_budget_refuses_a_staff_that_costs_more(registro, preventivo_2020):
    """INVENTED higher costs with nobody leaving or hired: 11 x 55.000 + 25 x 50.000 + 4 x 45.000 +
    140.000 = 2.175.000 every year, above the demo's 2.080.927 of 2020 (its row 6, printed -2.080.927)."""
    costi = {"D": 55_000.0, "C": 50_000.0, "B": 45_000.0, "DIR": 140_000.0}
    found = controlla(ANNI, registro, (), (), Parametri(costi=costi), preventivi=(preventivo_2020,))
    assert [(x.code, x.where, x.message) for x in found] == [
        (
            "fabbisogni_bilancio",
            "anno 2020, preventivo, riga 6 Personale",
            "costo del personale di 2.175.000 euro oltre la voce 6 Personale del preventivo (2.080.927 euro)",
        )
    ]


def test_negative_staff_is_reported_at_its_year_and_category(registro):
    # INVENTED: five B leave in 2021 (without names), there are four: -1 at the end of 2021 and 2022
    cessazioni = tuple(Cessazione(date(2021, 6, 30), "pensione", categoria="B") for _ in range(5))
    p = calcola(ANNI, registro, cessazioni, (), Parametri(costi=COSTI))
    assert [y.personale.get("B") for y in p.anni] == [4, -1, -1]
    found = [(x.code, x.where) for x in controlla(ANNI, registro, cessazioni, (), Parametri(costi=COSTI))]
    assert found == [
        ("fabbisogni_negativo", "anno 2021, categoria B"),
        ("fabbisogni_negativo", "anno 2022, categoria B"),
    ]


def test_the_leavers_hires_and_figures_are_checked_at_their_place(registro):
    cessazioni = (
        Cessazione(date(2021, 3, 31), "pensione", matricola="9999"),
        Cessazione(date(2024, 1, 31), "pensione", matricola="1002"),
        Cessazione(date(2020, 6, 30), "pensione", matricola="1001"),
        Cessazione(date(2021, 6, 30), "pensione", matricola="1001"),
        Cessazione(date(2020, 5, 31), "", matricola="1003", categoria="C"),
        Cessazione(date(2020, 9, 30), "pensione"),
        Cessazione(date(2020, 9, 30), "pensione", categoria="Q"),
    )
    assunzioni = (
        Assunzione(2023, "C", 1, "concorso", 32_000.0),
        Assunzione(2020, "E", 0, "sorteggio", 0.0),
        Assunzione(2021, "D", 1, "progressione verticale", 36_000.0),
    )
    parametri = Parametri(costi={"D": 36_000.0, "C": 32_000.0, "B": 29_000.0}, turnover={2020: 100.0})
    found = [(x.code, x.where, x.message) for x in controlla(ANNI, registro, cessazioni, assunzioni, parametri)]
    assert found == [
        (
            "fabbisogni_cessazione_matricola",
            "cessazione 1 (9999, 31/03/2021)",
            "matricola non in servizio al 31/12/2019: 9999",
        ),
        (
            "fabbisogni_cessazione_anno",
            "cessazione 2 (1002, 31/01/2024)",
            "data fuori dagli anni 2019-2022 (il piano e l'anno prima)",
        ),
        ("fabbisogni_cessazione_doppia", "cessazione 4 (1001, 30/06/2021)", "persona già cessata"),
        ("fabbisogni_categoria", "cessazione 5 (1003, 31/05/2020)", "categoria C diversa da quella del registro (D)"),
        ("fabbisogni_motivo", "cessazione 5 (1003, 31/05/2020)", "manca il motivo"),
        ("fabbisogni_categoria", "cessazione 6 (-, 30/09/2020)", "manca la categoria"),
        ("fabbisogni_categoria", "cessazione 7 (Q, 30/09/2020)", "categoria sconosciuta: Q"),
        ("fabbisogni_assunzione_anno", "assunzione 1 (2023, C, concorso)", "anno fuori dal piano: 2023"),
        ("fabbisogni_categoria", "assunzione 2 (2020, E, sorteggio)", "categoria sconosciuta: E"),
        ("fabbisogni_numero", "assunzione 2 (2020, E, sorteggio)", "numero di assunzioni non positivo: 0"),
        (
            "fabbisogni_modalita",
            "assunzione 2 (2020, E, sorteggio)",
            "modalità non ammessa (concorso, mobilità, progressione verticale, stabilizzazione, altro): sorteggio",
        ),
        ("fabbisogni_costo", "assunzione 2 (2020, E, sorteggio)", "costo unitario non positivo: 0.0"),
        (
            "fabbisogni_progressione",
            "assunzione 3 (2021, D, progressione verticale)",
            "progressione verticale senza la categoria di provenienza: -",
        ),
        ("fabbisogni_costo", "categoria DIR", "manca il costo annuo unitario della categoria"),
        ("fabbisogni_turnover", "anno 2021", "manca la percentuale di turnover dell'anno"),
    ]
    # what is refused is not counted: 9999, the 2024 leaver and 1001's second leaving change nothing;
    # 1003 leaves as the D the register says; the invalid hires add nobody
    y20, y21, _y22 = calcola(ANNI, registro, cessazioni, assunzioni, parametri).anni
    assert y20.personale == {"D": 9, "C": 25, "B": 4, "DIR": 1}  # 11 - 1001 - 1003
    assert y21.personale == y20.personale
