"""PIAO 3.1, Struttura organizzativa (issue 17): the headcount of each structure by category and
gender and in full-time equivalents, its own and rolled up to the structures above it, and the
checks of the assignments at their place.

The staff register is the demo's (src/cruscotto/demo/personale.csv: 41 people at 31/12/2019) and
the structures are the seed's plan's. The assignment of people to structures is INVENTED here
(the register has no unit column), as are the sub-unit PROMOZIONE-ESTERO and the structures of
the loop; every figure is worked out by hand from the register's rows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine.model import Struttura
from cruscotto.engine.organizzazione import Assegnazione, conteggio, controlla, organigramma
from cruscotto.files import load_plan
from cruscotto.files.personale import read_personale


@pytest.fixture(scope="module")
def registro():
    return read_personale(demo_path("personale.csv")).dipendenti


@pytest.fixture(scope="module")
def strutture():
    return load_plan(demo_path()).piano.strutture


# INVENTED: who works where at 31/12/2019. In the register (2019), D: 1001-1008 women (1007 part
# time), 1039-1041 men; C: 1009-1027 women (1019, 1022, 1023, 1026 part time), 1042-1047 men
# (1046 part time); B: 1028 and 1029 women (1029 part time), 1048 and 1049 men; DIR: 1053, a man.
UNITA = {
    "SG": ("1053", "1001", "1009"),
    "AREA-SVILUPPO": ("1002",),
    "PROMOZIONE": ("1003", "1007", "1010", "1011", "1042"),
    "PROGRAMMAZIONE": ("1039", "1012", "1019"),
    "REGOLAZIONE": ("1004", "1013", "1014", "1043", "1046"),
    "AREA-ANAGRAFICA": (
        *("1005", "1006", "1040"),
        *("1015", "1016", "1017", "1018", "1020", "1021", "1022", "1044", "1045"),
        "1028",
    ),
    "AREA-AMMINISTRATIVA": ("1008", "1041", "1023", "1024", "1025", "1026", "1027", "1047", "1029", "1048"),
}  # 3 + 1 + 5 + 3 + 5 + 13 + 10 = 40: 1049 (B, a man) has no structure
ASSEGNAZIONI = tuple(Assegnazione(m, s) for s, people in UNITA.items() for m in people)


def test_each_structure_its_own_people_and_its_area_rolled_up_by_hand(registro, strutture):
    o = organigramma(strutture, registro, ASSEGNAZIONI, anno=2019)
    by = {r.struttura: r for r in o.strutture}
    assert [r.struttura for r in o.strutture] == [s.codice for s in strutture]
    # PROMOZIONE: D 1003, 1007 (part time); C 1010, 1011 (women), 1042 (a man): 5 people, 4 + 0.5 FTE
    promozione = by["PROMOZIONE"].propri
    assert (promozione.persone, promozione.per_categoria, promozione.donne, promozione.uomini) == (
        5,
        {"D": 2, "C": 3},
        4,
        1,
    )
    assert (promozione.part_time, promozione.fte) == (1, 4.5)
    assert by["PROMOZIONE"].totale == promozione  # nothing below it
    # AREA-SVILUPPO: its own 1002, then PROMOZIONE 5, PROGRAMMAZIONE 3, REGOLAZIONE 5 = 14 people;
    # D 1002, 1003, 1007, 1039, 1004 = 5 and C 9; men 1042, 1039, 1043, 1046 = 4, women 10;
    # part time 1007, 1019, 1046: FTE 11 + 3 x 0.5 = 12.5
    area = by["AREA-SVILUPPO"]
    assert area.propri.persone == 1 and area.propri.matricole == ("1002",)
    t = area.totale
    assert (t.persone, t.per_categoria, t.donne, t.uomini, t.part_time, t.fte) == (14, {"D": 5, "C": 9}, 10, 4, 3, 12.5)
    assert set(t.matricole) == {"1002", *UNITA["PROMOZIONE"], *UNITA["PROGRAMMAZIONE"], *UNITA["REGOLAZIONE"]}
    # SG: 1053 (DIR), 1001 (D), 1009 (C): one of each, a man and two women
    assert by["SG"].totale.per_categoria == {"D": 1, "C": 1, "DIR": 1} and by["SG"].totale.uomini == 1
    # AREA-ANAGRAFICA: D 3, C 9, B 1 (1028); part time 1022 only: 12.5 FTE
    anagrafe = by["AREA-ANAGRAFICA"].totale
    assert (anagrafe.persone, anagrafe.per_categoria, anagrafe.fte) == (13, {"D": 3, "C": 9, "B": 1}, 12.5)
    assert by["TRASVERSALE"].totale.persone == 0 and by["TRASVERSALE"].totale.fte == 0
    # The ente: all 41, 1049 among them though he has no structure; 29 women and 12 men; part time
    # 1007, 1019, 1022, 1023, 1026, 1046, 1029 = 7, so 34 + 3.5 = 37.5 FTE
    e = o.ente
    assert (e.persone, e.per_categoria, e.donne, e.uomini) == (41, {"D": 11, "C": 25, "B": 4, "DIR": 1}, 29, 12)
    assert (e.part_time, e.fte) == (7, 37.5)
    assert o.non_assegnati == ("1049",)
    # the top structures' totals and the one left out make the ente's, nobody counted twice
    tops = [r.totale.persone for r in o.strutture if r.padre is None]
    assert sum(tops) + len(o.non_assegnati) == 41


def test_the_part_time_fraction_is_the_entes_to_set(registro, strutture):
    o = organigramma(strutture, registro, ASSEGNAZIONI, anno=2019, quota_part_time=0.6)
    area = next(r for r in o.strutture if r.struttura == "AREA-SVILUPPO").totale
    assert area.fte == pytest.approx(11 + 3 * 0.6)  # 12.8, not 12.5
    assert o.ente.fte == pytest.approx(34 + 7 * 0.6)  # 38.2


def test_a_deeper_tree_rolls_up_to_the_top_once(registro, strutture):
    """INVENTED: an office under PROMOZIONE, with two of its people moved there."""
    tree = (*strutture, Struttura("PROMOZIONE-ESTERO", "Ufficio estero", "ufficio", "PROMOZIONE"))
    moved = {"1010": "PROMOZIONE-ESTERO", "1042": "PROMOZIONE-ESTERO"}
    assegnazioni = tuple(replace(a, struttura=moved.get(a.matricola, a.struttura)) for a in ASSEGNAZIONI)
    by = {r.struttura: r for r in organigramma(tree, registro, assegnazioni, anno=2019).strutture}
    assert by["PROMOZIONE-ESTERO"].totale.persone == 2
    assert (by["PROMOZIONE"].propri.persone, by["PROMOZIONE"].totale.persone) == (3, 5)  # 3 own + 2 below
    assert by["AREA-SVILUPPO"].totale.persone == 14  # as before: the office's two once, not twice


def test_a_person_is_counted_once_whatever_the_input_repeats(registro):
    people = [d for d in registro if d.anno == 2019 and d.matricola in ("1007", "1049")]
    c = conteggio([*people, *people])
    assert (c.persone, c.part_time, c.fte, c.per_categoria) == (2, 1, 1.5, {"D": 1, "B": 1})


def test_the_checks_at_their_place(registro, strutture):
    tree = (
        *strutture,
        Struttura("UFFICIO-X", "Ufficio sotto un'area che non c'è", "ufficio", "AREA-FANTASMA"),
        Struttura("LOOP-A", "A", "ufficio", "LOOP-B"),
        Struttura("LOOP-B", "B", "ufficio", "LOOP-A"),
        Struttura("SG", "Doppione", "area"),
    )
    bad = (
        *ASSEGNAZIONI,
        Assegnazione("1003", "REGOLAZIONE"),  # 41: 1003 is already in PROMOZIONE (the 5th assignment)
        Assegnazione("9999", "SG"),  # 42: nobody in the register
        Assegnazione("1053", "UFFICIO-Y"),  # 43: an unknown structure, and 1053 is already in SG
        Assegnazione("1030", "SG"),  # 44: 1030 was in the register in 2016, not in 2019
    )
    n = len(ASSEGNAZIONI)
    assert n == 40
    found = {(p.code, p.where, p.message, p.severity) for p in controlla(tree, registro, bad, anno=2019)}
    assert found == {
        ("organizzazione_codice_doppio", "struttura SG", "codice ripetuto: SG", "error"),
        ("organizzazione_padre", "struttura UFFICIO-X", "struttura superiore sconosciuta: AREA-FANTASMA", "error"),
        ("organizzazione_ciclo", "struttura LOOP-A", "la struttura sta sotto se stessa", "error"),
        ("organizzazione_ciclo", "struttura LOOP-B", "la struttura sta sotto se stessa", "error"),
        (
            "organizzazione_doppia",
            "assegnazione 41 (1003, REGOLAZIONE)",
            "persona già assegnata a PROMOZIONE (assegnazione 5)",
            "error",
        ),
        (
            "organizzazione_matricola",
            "assegnazione 42 (9999, SG)",
            "matricola non nel registro del personale al 31/12/2019: 9999",
            "error",
        ),
        ("organizzazione_struttura", "assegnazione 43 (1053, UFFICIO-Y)", "struttura sconosciuta: UFFICIO-Y", "error"),
        (
            "organizzazione_doppia",
            "assegnazione 43 (1053, UFFICIO-Y)",
            "persona già assegnata a SG (assegnazione 1)",
            "error",
        ),
        (
            "organizzazione_matricola",
            "assegnazione 44 (1030, SG)",
            "matricola non nel registro del personale al 31/12/2019: 1030",
            "error",
        ),
        ("organizzazione_senza_struttura", "matricola 1049", "persona senza struttura", "warning"),
    }
    # what the checks refuse is not counted: 1003 stays in PROMOZIONE only, 9999 and 1030 nowhere
    by = {r.struttura: r for r in organigramma(tree, registro, bad, anno=2019).strutture}
    assert by["REGOLAZIONE"].propri.persone == 5 and by["PROMOZIONE"].propri.persone == 5
    assert by["SG"].propri.persone == 3
    # the loop does not hang the roll-up: nobody is in it
    assert by["LOOP-A"].totale.persone == 0


def test_the_well_formed_assignment_has_only_the_warning(registro, strutture):
    found = controlla(strutture, registro, ASSEGNAZIONI, anno=2019)
    assert [(p.code, p.where) for p in found] == [("organizzazione_senza_struttura", "matricola 1049")]
