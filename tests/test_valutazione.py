"""Individual evaluation (issue 15, the engine): the evaluation system as data, one card scored
from the plan's figures, the person's own objectives, the evaluator's ratings and the team's
scores, every figure computed here by hand; the seed's Segretario generale unchanged."""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from pathlib import Path

import pytest

from cruscotto.engine import valutazione as v
from cruscotto.engine.model import Polarita
from cruscotto.engine.rollup import score_plan
from cruscotto.engine.scoring import Consuntivo
from cruscotto.engine.targets import parse_target
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals

ENTE = 91.4879952997113  # the seed's entity figure for 2020 with the demo's values


@pytest.fixture(scope="module")
def seed(demo_plan_path, demo_actuals_path):
    plan = load_plan(demo_plan_path).piano
    valori = read_actuals(demo_actuals_path)
    return plan, valori, score_plan(plan, anno=2020, valori=valori)


SCALA = v.scala_lineare(
    "cinque",
    (
        "inadeguato: il comportamento non si osserva",
        "in parte adeguato",
        "adeguato: quanto atteso dal ruolo",
        "più che adeguato",
        "eccellente: un riferimento per gli altri",
    ),
)
SISTEMA = v.Sistema(
    categorie=(
        v.Categoria(
            "C",
            "Personale di categoria C",
            (
                v.SezioneSchema("ENTE", "Performance di ente", "ente", 30.0),
                v.SezioneSchema("IND", "Obiettivi individuali", "individuali", 40.0),
                v.SezioneSchema("COMP", "Comportamenti", "comportamenti", 30.0),
            ),
            scala="cinque",
        ),
        v.Categoria(
            "DIR",
            "Dirigenti",
            (
                v.SezioneSchema("ENTE", "Performance di ente", "ente", 60.0),
                v.SezioneSchema("COMP", "Comportamenti", "comportamenti", 25.0),
                v.SezioneSchema("DIFF", "Capacità di differenziare", "differenziazione", 15.0),
            ),
            dirigente=True,
            scala="cinque",
        ),
    ),
    comportamenti=(
        v.Comportamento("COLL", "Collaborazione", "lavora con i colleghi verso l'obiettivo comune"),
        v.Comportamento("PROB", "Soluzione dei problemi", "trova e propone soluzioni", categorie=("C",)),
        v.Comportamento("GUIDA", "Guida dei collaboratori", "assegna, segue, riconosce", categorie=("DIR",)),
    ),
    scale=(SCALA,),
)


def _card(**kw) -> v.Scheda:
    voci = (
        v.VoceScheda("O1", "Pratiche istruite", "IND", 60.0, target=parse_target("10")),
        v.VoceScheda(
            "O2",
            "Nuova procedura",
            "IND",
            40.0,
            polarita=Polarita.SCADENZA,
            target=parse_target("30/06/2020"),
        ),
    )
    return v.Scheda(
        persona="M0042",
        categoria="C",
        anno=2020,
        voci=voci,
        comportamenti=(("COLL", 50.0), ("PROB", 50.0)),
        **kw,
    )


def _values(valori):
    out = type(valori)(dict(valori.consuntivi), dict(valori.misure))
    out.consuntivi[("O1", 2020, "")] = Consuntivo(8.0)
    out.consuntivi[("O2", 2020, "")] = Consuntivo(date(2020, 6, 15))
    return out


def test_a_card_of_the_staff_scored_by_hand(seed):
    plan, valori, result = seed
    assert result.achievement == pytest.approx(ENTE)
    r = v.valuta(SISTEMA, _card(), piano=plan, risultato=result, valori=_values(valori), giudizi={"COLL": 4, "PROB": 5})
    sections = {s["codice"]: s for s in r.sezioni}
    assert sections["ENTE"]["achievement"] == pytest.approx(ENTE)
    # O1: 8 against 10 (higher is better) = 80; O2 done on 15/06, due 30/06 = 100; 60/40
    assert sections["IND"]["achievement"] == pytest.approx(0.6 * 80 + 0.4 * 100)  # 88
    # COLL level 4 of 5 = 80, PROB level 5 of 5 = 100; 50/50
    assert sections["COMP"]["achievement"] == pytest.approx(90.0)
    assert r.punteggio == pytest.approx(0.3 * ENTE + 0.4 * 88 + 0.3 * 90)  # 89,6464
    assert r.stato.value == "raggiunto"
    steps = " | ".join(s for sec in r.sezioni for row in sec["voci"] for s in row["passi"])
    assert "COLL: livello 4 (più che adeguato) → 80" in steps
    assert "min(100; max(0; 8) / 10 × 100) = 80" in steps


def test_behaviours_not_yet_rated_leave_their_section_out_and_say_so(seed):
    plan, valori, result = seed
    r = v.valuta(SISTEMA, _card(), piano=plan, risultato=result, valori=_values(valori), giudizi={})
    comp = next(s for s in r.sezioni if s["codice"] == "COMP")
    assert comp["achievement"] is None and comp["stato"] == "senza_dati"
    assert [row["passi"] for row in comp["voci"]] == [["COLL: non ancora valutato"], ["PROB: non ancora valutato"]]
    # the two sections with a figure, their weights renormalised over 70
    assert r.punteggio == pytest.approx((0.3 * ENTE + 0.4 * 88) / 0.7)
    assert [x["codice"] for x in r.trace["esclusi"]] == ["COMP"]
    # a level the scale does not have is not a figure either
    odd = v.valuta(SISTEMA, _card(), piano=plan, risultato=result, valori=_values(valori), giudizi={"COLL": 7})
    assert "COLL: livello 7 non previsto dalla scala" in odd.sezioni[2]["voci"][0]["passi"][0]


@pytest.mark.parametrize(
    "team, expected",
    [
        ((70.0, 80.0, 90.0, 100.0), 100.0),  # σ = √125 = 11,18 ≥ 10 → 100
        ((80.0, 82.0, 84.0), math.sqrt(8 / 3) / 10 * 100),  # σ = 1,633 → 16,33
        ((90.0, 90.0, 90.0), 0.0),  # everyone the same: no differentiation at all
    ],
)
def test_a_managers_ability_to_differentiate(seed, team, expected):
    plan, valori, result = seed
    card = v.Scheda("D001", "DIR", 2020, comportamenti=(("COLL", 50.0), ("GUIDA", 50.0)))
    r = v.valuta(
        SISTEMA, card, piano=plan, risultato=result, valori=valori, giudizi={"COLL": 3, "GUIDA": 4}, squadra=team
    )
    diff = next(s for s in r.sezioni if s["codice"] == "DIFF")
    assert diff["achievement"] == pytest.approx(expected)
    assert r.punteggio == pytest.approx(0.6 * ENTE + 0.25 * 70 + 0.15 * expected)  # COLL 60, GUIDA 80


def test_too_small_a_team_is_not_scored_for_differentiation(seed):
    plan, valori, result = seed
    card = v.Scheda("D001", "DIR", 2020, comportamenti=(("COLL", 100.0),))
    r = v.valuta(SISTEMA, card, piano=plan, risultato=result, valori=valori, giudizi={"COLL": 5}, squadra=(70.0, 95.0))
    diff = r.sezioni[2]
    assert diff["achievement"] is None and diff["stato"] == "non_valutabile"
    assert "2 collaboratori valutati, ne servono almeno 3" in diff["passi"][0]
    assert r.punteggio == pytest.approx((0.6 * ENTE + 0.25 * 100) / 0.85)


def test_the_segretario_generales_card_gives_the_same_figures_as_today(seed):
    plan, valori, result = seed
    (today,) = result.schede
    categoria, card = v.da_scheda_individuale(plan.schede_individuali[0])
    sistema = v.Sistema(categorie=(categoria,))
    r = v.valuta(sistema, card, piano=plan, risultato=result, valori=valori)
    assert r.punteggio == pytest.approx(today.achievement) and round(r.punteggio, 2) == 87.88
    assert [s["achievement"] for s in r.sezioni] == pytest.approx([s["achievement"] for s in today.sezioni])
    assert v.controlla(sistema) == []


def _codes(problems):
    return sorted((p.code, p.severity) for p in problems)


def test_the_system_checks_itself():
    assert v.controlla(SISTEMA) == []
    bad = v.Sistema(
        categorie=(
            v.Categoria(
                "DIR",
                "Dirigenti",
                (
                    v.SezioneSchema("OB", "Obiettivi", "obiettivi", 40.0),
                    v.SezioneSchema("COMP", "Comportamenti", "comportamenti", 50.0),
                ),
                dirigente=True,
            ),
            v.Categoria("B", "Categoria B", (v.SezioneSchema("DIFF", "Differenziazione", "differenziazione", 100.0),)),
            v.Categoria("X", "Altro", (v.SezioneSchema("Z", "Z", "fantasia", 100.0),), scala="dieci"),
        ),
        comportamenti=(v.Comportamento("COLL", "Collaborazione"),),
        scale=(v.Scala("vuota", ()),),
    )
    found = v.controlla(bad)
    assert _codes(found) == [
        ("differenziazione", "warning"),  # only who evaluates others is scored on it
        ("fonte", "error"),  # "fantasia" is no source
        ("pesi", "warning"),  # 40 + 50 = 90
        ("prevalenza", "warning"),  # results 40 against behaviours 50, for a manager
        ("scala", "error"),  # DIR rates behaviours with no scale
        ("scala", "error"),  # X names a scale that does not exist
        ("scala", "warning"),  # a scale with no levels says nothing
    ]
    message = next(p.message for p in found if p.code == "prevalenza")
    assert "i risultati pesano 40%, i comportamenti e il resto 50%" in message


def test_a_card_checks_against_its_category():
    card = v.Scheda(
        "M1",
        "C",
        2020,
        voci=(
            v.VoceScheda("O1", "uno", "IND", 50.0, target=parse_target("10")),
            v.VoceScheda("O2", "due", "IND", 30.0, target=parse_target("10")),
            v.VoceScheda("O3", "tre", "ALTRO", 20.0, target=parse_target("10")),
        ),
        comportamenti=(("COLL", 50.0), ("GUIDA", 50.0), ("NUOVO", None)),
    )
    found = v.controlla_scheda(SISTEMA, card)
    assert _codes(found) == [
        ("comportamento", "error"),  # NUOVO is not in the dictionary
        ("comportamento", "warning"),  # GUIDA is for managers
        ("pesi", "warning"),  # IND: 50 + 30 = 80
        ("sezione", "error"),  # ALTRO is not a section of category C
    ]


# --- differentiation and premiums (engine/premi.py), figures by hand ------------------------

from cruscotto.engine import premi as pr  # noqa: E402


def test_the_distribution_of_scores_and_its_caps():
    scores = [55.0, 62.0, 70.0, 75.0, 88.0, 91.0, 95.0, 100.0, None]  # the last: no final score
    d = pr.distribuzione(scores)
    assert (d.n, d.minimo, d.massimo) == (8, 55.0, 100.0)
    assert d.media == pytest.approx(sum(scores[:-1]) / 8)
    # inclusive quartiles of 8 values: positions 1,75, 3,5 and 5,25
    assert (d.q1, d.mediana, d.q3) == pytest.approx((62 + 0.75 * 8, 75 + 0.5 * 13, 91 + 0.25 * 4))
    assert [c for _lo, _hi, c in d.fasce] == [1, 1, 2, 1, 3]  # 100 falls in the last band
    (found,) = pr.controlla_tetti(scores, [pr.Tetto(90.0, 30.0), pr.Tetto(60.0, 100.0)], "categoria C")
    assert found.code == "tetto" and found.message == "3 persone su 8 (37,50%) hanno 90 o più: il tetto è il 30%"
    assert pr.distribuzione([]).n == 0


REGOLE = pr.RegolePremi(
    parametri={"D": 1.0, "C": 0.9, "B": 0.8}, quota_maggiorazione=20.0, franchigia_assenze=10.0, giorni_lavorativi=250.0
)
PERSONE = [
    pr.Persona("P1", "D", 95.0, 90.0),
    pr.Persona("P2", "C", 88.0, 90.0, tempo=50.0),
    pr.Persona("P3", "C", 80.0, 90.0, assenze=35.0),  # 25 days beyond the allowance: presence 0,9
    pr.Persona("P4", "B", 70.0, 90.0),
    pr.Persona("P5", "B", 70.0, 90.0),
    pr.Persona("P6", "B", 50.0, 90.0),  # below 60: not positive, no individual premium
]


def test_premiums_by_hand():
    got = {p.codice: p for p in pr.premi(PERSONE, fondo_organizzativa=6000.0, fondo_individuale=10000.0, regole=REGOLE)}
    w_ind = {"P1": 0.95, "P2": 0.9 * 0.5 * 0.88, "P3": 0.9 * 0.9 * 0.8, "P4": 0.56, "P5": 0.56}
    w_org = {"P1": 0.9, "P2": 0.405, "P3": 0.729, "P4": 0.72, "P5": 0.72, "P6": 0.72}
    # one of five evaluated positively gets the increase (20%): B = 10.000 / (1 + 1 × 0,3 / 5)
    base = 10000.0 / 1.06
    for code in w_ind:
        assert got[code].individuale == pytest.approx(base * w_ind[code] / sum(w_ind.values()))
    for code in w_org:
        assert got[code].organizzativo == pytest.approx(6000.0 * w_org[code] / sum(w_org.values()))
    assert got["P1"].maggiorazione == pytest.approx(0.3 * base / 5)  # € 566,04
    assert all(got[c].maggiorazione == 0 for c in ("P2", "P3", "P4", "P5", "P6"))
    assert got["P6"].individuale == 0
    # the funds are paid out exactly
    assert sum(p.individuale + p.maggiorazione for p in got.values()) == pytest.approx(10000.0)
    assert sum(p.organizzativo for p in got.values()) == pytest.approx(6000.0)
    trace = " | ".join(got["P3"].trace)
    assert "peso 0,90 × 100% × presenza 0,9000 × 80% = 0,6480" in trace
    assert "organizzativo: € 6.000,00 × 0,7290 / 4,1940 = € 1.042,92" in trace  # 6.000 × 0,729 / 4,194
    assert "punteggio 50 sotto la soglia di 60" in " | ".join(got["P6"].trace)
    # published per category, no names
    (b,) = [row for row in pr.aggregati(list(got.values())) if row["categoria"] == "B"]
    assert (b["persone"], b["con_premio"]) == (3, 3)


def test_a_tie_at_the_edge_of_the_increase_is_not_broken_by_chance():
    tied = [pr.Persona("A", "D", 95.0, 90.0), pr.Persona("B", "D", 95.0, 90.0), *PERSONE[2:5]]
    got = pr.premi(tied, fondo_organizzativa=0.0, fondo_individuale=10000.0, regole=REGOLE)
    assert all(p.maggiorazione == 0 for p in got)  # two at 95 for one place: neither
    assert sum(p.individuale for p in got) == pytest.approx(10000.0)


def test_a_fund_of_its_own_pays_its_categories_by_score_and_keeps_the_rest():
    """The dirigenza's fund (a maximum reached at 100 points, ``a_punteggio``) pays the two
    dirigenti; the staff's fund the others, whole, as without it."""
    dirigenza = pr.Fondo(
        "DIR", "Risultato della dirigenza", ("DIR",), 20000.0, quota_individuale=70.0, a_punteggio=True
    )
    regole = dataclasses.replace(REGOLE, fondi=(dirigenza,))
    dirigenti = [
        pr.Persona("X1", "DIR", 80.0, 90.0),
        pr.Persona("X2", "DIR", 50.0, 90.0, tempo=50.0, assenze=60.0),  # below 60: no individual part
    ]
    staff, own = pr.ripartizione([*PERSONE, *dirigenti], fondo=16000.0, regole=regole)
    # the staff's fund: 30% individual, as premi() with 4.800 / 11.200
    alone = pr.premi(PERSONE, fondo_organizzativa=11200.0, fondo_individuale=4800.0, regole=regole)
    assert [p.totale for p in staff.premi] == pytest.approx([p.totale for p in alone])
    assert staff.pagato == pytest.approx(16000.0) and staff.economia == pytest.approx(0.0, abs=1e-6)
    x1, x2 = own.premi
    # X1: organisational 6.000 / 2 × 90% = 2.700; individual 14.000 / 2 × 80% = 5.600
    assert (x1.organizzativo, x1.individuale) == pytest.approx((2700.0, 5600.0))
    # X2: half time, 50 days beyond the allowance of 10 (presence 0,8): 3.000 × 50% × 0,8 × 90% = 1.080
    assert (x2.organizzativo, x2.individuale) == pytest.approx((1080.0, 0.0))
    assert own.pagato == pytest.approx(9380.0) and own.economia == pytest.approx(20000.0 - 9380.0)
    assert "organizzativo: € 6.000,00 / 2 × 50% × presenza 0,8000 × 90% = € 1.080,00" in x2.trace
    assert "individuale: punteggio 50 sotto la soglia di 60: nessun premio" in x2.trace


def test_small_categories_are_published_together_and_never_by_difference():
    groups = {"B": [1] * 5, "C": [2] * 2, "D": [3], "SG": [9]}
    assert pr.raggruppa(groups, 3, esenti={"SG"}) == [("B", [1] * 5), ("SG", [9]), (pr.ALTRE, [2, 2, 3])]
    # one small category alone would be the total minus the others: the smallest other joins it
    assert pr.raggruppa({"B": [1] * 5, "C": [2], "D": [3] * 4}, 3) == [("B", [1] * 5), (pr.ALTRE, [2, 3, 3, 3, 3])]
    assert pr.raggruppa({"B": [1] * 3, "C": [2] * 3}, 3) == [("B", [1] * 3), ("C", [2] * 3)]  # nothing small


def test_what_article_20_publishes():
    staff = [*PERSONE, pr.Persona("Q1", "D", 75.0, 90.0)]  # D: two people, C: two, B: three
    fondi = pr.ripartizione(staff, fondo=16000.0, regole=REGOLE)
    scores: dict[str, list[float | None]] = {}
    for p in staff:
        scores.setdefault(p.categoria, []).append(p.punteggio_individuale)
    pub = pr.pubblicazione(2020, scores, fondi, soglia=3)
    assert [label for label, _d in pub.distribuzione] == ["B", pr.ALTRE]
    others = dict(pub.distribuzione)[pr.ALTRE]
    assert others.n == 4 and others.media == pytest.approx((95 + 88 + 80 + 75) / 4)
    assert [a["categoria"] for a in pub.premi] == ["B", pr.ALTRE]
    assert sum(float(a["totale"]) for a in pub.premi) == pytest.approx(16000.0)
    assert pub.fondi[0][2:4] == pytest.approx((16000.0, 16000.0))


# --- the system as a file (files/valutazione.py) --------------------------------------------

from cruscotto.engine.errors import PlanError  # noqa: E402
from cruscotto.files import valutazione as fv  # noqa: E402

DEMO_SMVP = Path(__file__).resolve().parents[1] / "src" / "cruscotto" / "demo" / "valutazione-2020-esempio.yaml"


def test_the_demo_system_reads_checks_clean_and_round_trips():
    sistema, premi_regole, anno = fv.load_sistema(DEMO_SMVP)
    assert anno == 2020 and [c.codice for c in sistema.categorie] == ["SG", "PO", "D", "C", "B"]
    assert v.controlla(sistema) == []  # weights add up, the SG's results prevail (70 against 30)
    assert sistema.scala("cinque").livello(4).punteggio == 80
    assert premi_regole is not None and premi_regole.parametri["C"] == 0.9 and premi_regole.maggiorazione == 30
    assert [(f.codice, f.categorie, f.a_punteggio) for f in premi_regole.fondi] == [("DIR", ("SG",), True)]
    assert sistema.categoria("SG").proposta_oiv and not sistema.categoria("PO").proposta_oiv
    again = fv.sistema_from_data(fv.sistema_to_data(sistema, premi_regole, anno))
    assert again == (sistema, premi_regole, anno)


def test_a_bad_system_file_lists_every_problem_with_its_place():
    data = {
        "formato": "cruscotto-smvp/1",
        "anno": "duemilaventi",
        "scale": [{"codice": "s", "livelli": [{"valore": 1, "punteggio": 120, "descrizione": "x"}]}],
        "comportamenti": [{"codice": "A", "nome": "a", "categorie": "C"}, {"codice": "A", "nome": "b"}],
        "categorie": [
            {"codice": "C", "nome": "C", "sezioni": [{"codice": "X", "nome": "x", "fonte": "fantasia", "peso": -5}]},
            {"codice": "D", "nome": "D", "dirigente": "sì", "sezioni": []},
        ],
        "premi": {
            "parametri": {"C": "uno"},
            "maggiorazione": 20,
            "fondi": [
                {"codice": "DIR", "nome": "d", "categorie": ["C"], "a_punteggio": "sì"},
                {"codice": "PO", "nome": "p", "categorie": ["C"], "importo": -1, "quota_individuale": 120},
            ],
        },
    }
    with pytest.raises(PlanError) as err:
        fv.sistema_from_data(data, "smvp.yaml")
    places = {(p.where, p.message) for p in err.value.problems}
    assert places >= {
        ("anno", "anno non valido: 'duemilaventi'"),
        ("scale[0].livelli[0].punteggio", "un punteggio è tra 0 e 100, non 120"),
        ("comportamenti[0].categorie", "attesa una lista di codici di categoria"),
        ("comportamenti", "codici ripetuti: A"),
        ("categorie[0].sezioni[0].fonte", "fonte 'fantasia' sconosciuta (attese: " + ", ".join(v.FONTI) + ")"),
        ("categorie[0].sezioni[0].peso", "peso negativo"),
        ("categorie[1].dirigente", "atteso sì o no (true/false)"),
        ("categorie[1].sezioni", "una categoria ha almeno una sezione"),
        ("premi.parametri", "atteso un parametro (numero ≥ 0) per categoria"),
        ("premi.maggiorazione", "la maggiorazione è almeno il 30% (art. 69 CCNL 2016-2018)"),
        ("premi.fondi[0].importo", "manca"),
        ("premi.fondi[0].a_punteggio", "atteso sì o no (true/false)"),
        ("premi.fondi[1].importo", "importo negativo"),
        ("premi.fondi[1].quota_individuale", "una quota è tra 0 e 100"),
        ("premi.fondi", "categorie in più di un fondo: C"),
    }
