"""Individual evaluation stored (issue 15): the demo's system and people loaded, one card through
its year (assignment, acknowledgement, interviews, self-assessment, evaluation, review and
decision), who may take each step and see each card, every step in the audit trail, and the
score from the plan's figures, the person's results and the ratings."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cruscotto.engine import display
from cruscotto.engine.rollup import area_figure
from cruscotto.files.native import read_data
from cruscotto.performance import models as m
from cruscotto.performance import selectors
from cruscotto.performance import valutazioni as va

DEMO_SMVP = Path(__file__).resolve().parents[2] / "src" / "cruscotto" / "demo" / "valutazione-2020-esempio.yaml"
PEOPLE = [
    (2, {"matricola": "1001", "categoria": "PO", "struttura": "PROMOZIONE", "utente": "responsabile"}),
    (
        3,
        {
            "matricola": "1002",
            "categoria": "C",
            "struttura": "PROMOZIONE",
            "valutatore": "1001",
            "utente": "dipendente",
        },
    ),
    (4, {"matricola": "1003", "categoria": "C", "struttura": "PROMOZIONE", "valutatore": "1001", "tempo": "50"}),
    (5, {"matricola": "1004", "categoria": "B", "struttura": "PROMOZIONE", "valutatore": "1001"}),
]
CARD = {
    "voci": [
        {"codice": "O1", "nome": "Pratiche istruite", "sezione": "IND", "peso": 60, "target": "10"},
        {
            "codice": "O2",
            "nome": "Nuova procedura per i contributi",
            "sezione": "IND",
            "peso": 40,
            "polarita": "scadenza",
            "target": "30/06/2020",
        },
    ],
    "comportamenti": [["ORG", 50], ["COLL", 50]],
}


def _user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


@pytest.fixture
def staff(piano, django_user_model):
    django_user_model.objects.create_user("dipendente", password="x" * 20)
    controllo = _user("controllo")
    va.sistema_importa(user=controllo, ente=piano.ente, anno=2020, dati=read_data(DEMO_SMVP), fonte=DEMO_SMVP.name)
    assert va.persone_importa(user=controllo, ente=piano.ente, righe=PEOPLE, fonte="persone.csv") == 4
    return piano


def _card(staff, matricola="1002"):
    persona = m.Persona.objects.get(ente=staff.ente, matricola=matricola)
    return va.scheda_assegna(user=_user("responsabile"), persona=persona, anno=2020, **CARD)


def test_a_card_through_its_year_and_its_score(staff):
    boss, me = _user("responsabile"), _user("dipendente")
    scheda = _card(staff)
    assert scheda.valutatore.matricola == "1001" and scheda.stato == "assegnata"
    va.presa_visione(user=me, scheda=scheda)
    va.colloquio(user=boss, scheda=scheda, finale=False, testo="A metà anno: pratiche in linea, procedura in ritardo")
    va.autovalutazione(user=me, scheda=scheda, testo="Ho chiuso la procedura entro giugno")
    va.colloquio(user=boss, scheda=scheda, finale=True, testo="Obiettivi raggiunti, bene la collaborazione")
    va.valuta(user=boss, scheda=scheda, giudizi={"ORG": 4, "COLL": 5}, risultati={"O1": "8", "O2": "15/06/2020"})
    assert scheda.stato == "valutata" and scheda.risultati == {"O1": "8", "O2": "15/06/2020"}
    # the figure: the structure's (as the area page computes it), 88 on the objectives, 90 on behaviours
    piano = selectors.current_plan(staff.ente, 2020)
    plan = selectors.plan_for(piano)
    shares = selectors.area_shares(plan, list(staff.ente.strutture.select_related("padre")), "PROMOZIONE")
    area, _n = area_figure(plan, selectors.score(piano, 2020), shares)
    r = va.punteggio(scheda)
    assert [s["achievement"] for s in r.sezioni] == pytest.approx([area, 0.6 * 80 + 0.4 * 100, 90.0])
    assert r.punteggio == pytest.approx(0.3 * area + 0.25 * 88 + 0.45 * 90)
    steps = [f.tipo for f in scheda.fasi.all()]
    assert steps == [
        "assegnazione",
        "presa_visione",
        "colloquio_intermedio",
        "autovalutazione",
        "colloquio_finale",
        "valutazione",
    ]
    records = list(
        m.Registro.objects.filter(azione__startswith="valutazione.").order_by("pk").values_list("azione", "utente")
    )
    assert records[:2] == [("valutazione.sistema", "controllo"), ("valutazione.persone", "controllo")]
    assert ("valutazione.presa_visione", "dipendente") in records and (
        "valutazione.valutazione",
        "responsabile",
    ) in records


def test_a_review_is_asked_answered_and_decided(staff):
    boss, me, oiv = _user("responsabile"), _user("dipendente"), _user("oiv")
    scheda = _card(staff)
    va.presa_visione(user=me, scheda=scheda)
    va.colloquio(user=boss, scheda=scheda, finale=True, testo="colloquio")
    va.valuta(user=boss, scheda=scheda, giudizi={"ORG": 2, "COLL": 3})
    with pytest.raises(ValidationError, match="dice il suo motivo"):
        va.chiedi_revisione(user=me, scheda=scheda, motivo=" ")
    va.chiedi_revisione(user=me, scheda=scheda, motivo="L'organizzazione ha risentito del lavoro agile imposto")
    va.rispondi(user=boss, scheda=scheda, testo="Confermo: scadenze mancate anche prima")
    with pytest.raises(PermissionDenied):
        va.decidi(user=boss, scheda=scheda, testo="da solo", giudizi=None)  # the evaluator does not decide
    va.decidi(user=oiv, scheda=scheda, testo="Rivisto ORG alla luce del lavoro agile", giudizi={"ORG": 3, "COLL": 3})
    scheda.refresh_from_db()
    assert scheda.stato == "definitiva" and scheda.giudizi == {"ORG": 3.0, "COLL": 3.0}
    with pytest.raises(ValidationError, match="non si compie ora"):
        va.accetta(user=me, scheda=scheda)


def test_each_step_is_taken_by_its_own_actor(staff):
    boss, me, other = _user("responsabile"), _user("dipendente"), _user("controllo")
    persona = m.Persona.objects.get(ente=staff.ente, matricola="1002")
    with pytest.raises(PermissionDenied):
        va.scheda_assegna(user=me, persona=persona, anno=2020, **CARD)  # not one's own card
    scheda = _card(staff)
    with pytest.raises(PermissionDenied):
        va.presa_visione(user=boss, scheda=scheda)  # only the person acknowledges
    va.presa_visione(user=me, scheda=scheda)
    with pytest.raises(ValidationError, match="non si cambia più"):
        _card(staff)  # seen: the card no longer changes
    with pytest.raises(PermissionDenied):
        va.colloquio(user=other, scheda=scheda, finale=True, testo="x")  # not the evaluator
    with pytest.raises(ValidationError, match="colloquio finale"):
        va.valuta(user=boss, scheda=scheda, giudizi={"ORG": 3, "COLL": 3})  # the interview comes first
    va.colloquio(user=boss, scheda=scheda, finale=True, testo="colloquio")
    with pytest.raises(ValidationError, match="Mancano i giudizi di: COLL"):
        va.valuta(user=boss, scheda=scheda, giudizi={"ORG": 3})
    with pytest.raises(ValidationError, match="valore non valido"):
        va.valuta(user=boss, scheda=scheda, giudizi={"ORG": 3, "COLL": 3}, risultati={"O1": "otto"})
    with pytest.raises(ValidationError, match="non è un obiettivo individuale"):
        va.valuta(user=boss, scheda=scheda, giudizi={"ORG": 3, "COLL": 3}, risultati={"ZZ": "1"})


def test_who_sees_which_card(staff):
    mine = _card(staff)
    theirs = _card(staff, "1003")
    me, boss = _user("dipendente"), _user("responsabile")
    assert va.puo_vedere(me, mine) and not va.puo_vedere(me, theirs)
    assert va.puo_vedere(boss, mine) and va.puo_vedere(boss, theirs)
    for name in ("oiv", "admin"):
        assert va.puo_vedere(_user(name), theirs)
    for name in ("consultazione", "controllo"):
        assert not va.puo_vedere(_user(name), mine)
    assert list(va.schede_visibili(me, staff.ente, 2020)) == [mine]
    assert set(va.schede_visibili(boss, staff.ente, 2020)) == {mine, theirs}
    assert list(va.schede_visibili(_user("consultazione"), staff.ente, 2020)) == []


def test_bad_people_rows_are_refused_with_row_and_column_and_nothing_is_written(staff):
    before = m.Persona.objects.count()
    rows = [
        (2, {"matricola": "2001", "categoria": "C", "struttura": "NESSUNA"}),
        (3, {"matricola": "2001", "categoria": ""}),
        (4, {"matricola": "2003", "categoria": "C", "valutatore": "9999", "utente": "ignoto", "tempo": "120"}),
        (5, {"matricola": "2004", "categoria": "C", "valutatore": "2004"}),
    ]
    with pytest.raises(ValidationError) as err:
        va.persone_importa(user=_user("controllo"), ente=staff.ente, righe=rows)
    assert err.value.messages == [
        "riga 2, colonna struttura: NESSUNA non è una struttura dell'ente",
        "riga 3, colonna matricola: 2001 è già alla riga 2",
        "riga 3, colonna categoria: vuota",
        "riga 4, colonna utente: nessun utente ignoto",
        "riga 4, colonna tempo: 120 non è una percentuale tra 0 e 100",
        "riga 4, colonna valutatore: 9999 non è tra le persone",
        "riga 5, colonna valutatore: una persona non valuta sé stessa",
    ]
    assert m.Persona.objects.count() == before
    with pytest.raises(PermissionDenied):
        va.persone_importa(user=_user("responsabile"), ente=staff.ente, righe=PEOPLE)


def test_a_card_outside_its_category_is_refused(staff):
    persona = m.Persona.objects.get(ente=staff.ente, matricola="1002")
    bad = {**CARD, "comportamenti": [["NUOVO", 100]]}
    with pytest.raises(ValidationError, match="NUOVO non nel dizionario"):
        va.scheda_assegna(user=_user("responsabile"), persona=persona, anno=2020, **bad)
    wrong_year = read_data(DEMO_SMVP)
    with pytest.raises(ValidationError, match="è il sistema del 2020, non del 2021"):
        va.sistema_importa(user=_user("controllo"), ente=staff.ente, anno=2021, dati=wrong_year)


# --- the pages -------------------------------------------------------------------------------

PAGE = "/CCIAA-PT/2020/valutazione/"


def _as(name):
    from .conftest import client_for

    return client_for(name)


def test_the_pages_take_a_card_through_its_year(piano, django_user_model):
    from django.core.files.uploadedfile import SimpleUploadedFile

    me = django_user_model.objects.create_user("dipendente", password="x" * 20)
    m.Ruolo.objects.create(utente=me, ente=piano.ente, tipo="consultazione")
    controllo = _as("controllo")
    r = controllo.post(PAGE, {"azione": "sistema", "file": SimpleUploadedFile(DEMO_SMVP.name, DEMO_SMVP.read_bytes())})
    assert r.status_code == 302
    people = (
        "matricola,categoria,struttura,valutatore,utente\n"
        "1001,PO,PROMOZIONE,,responsabile\n"
        "1002,C,PROMOZIONE,1001,dipendente\n"
    )
    r = controllo.post(PAGE, {"azione": "persone", "file": SimpleUploadedFile("persone.csv", people.encode())})
    assert r.status_code == 302
    page = controllo.get(PAGE).content.decode()
    assert "Persone caricate: 2" in page and "Nessuna scheda da mostrarle." in page  # the controllo sees no card
    # the evaluator assigns
    boss = _as("responsabile")
    assert "Matricola 1002 (categoria C)" in boss.get(PAGE).content.decode()
    card = f"{PAGE}1002/"
    form = {
        "azione": "assegna",
        "o1-codice": "O1",
        "o1-nome": "Pratiche istruite",
        "o1-sezione": "IND",
        "o1-peso": "100",
        "o1-polarita": "crescente",
        "o1-target": "10",
        "c-ORG": "50",
        "c-COLL": "50",
    }
    assert boss.post(card, form).status_code == 302
    # the person acknowledges, the evaluator interviews and evaluates, the person accepts
    person = _as("dipendente")
    assert "Prendo visione degli obiettivi" in person.get(card).content.decode()
    assert person.post(card, {"azione": "presa_visione"}).status_code == 302
    assert boss.post(card, {"azione": "colloquio_finale", "testo": "Bene"}).status_code == 302
    r = boss.post(card, {"azione": "valuta", "r-O1": "8", "g-ORG": "quattro", "g-COLL": "5"})
    assert r.status_code == 422 and "ORG: livello non valido: quattro" in r.content.decode()
    r = boss.post(card, {"azione": "valuta", "r-O1": "8", "g-ORG": "4", "g-COLL": "5", "testo": "ok"})
    assert r.status_code == 302
    assert person.post(card, {"azione": "accetta"}).status_code == 302
    html = person.get(card).content.decode()
    assert "definitiva" in html and "Punteggio" in html
    scheda = m.SchedaValutazione.objects.get()
    assert scheda.stato == "definitiva" and va.punteggio(scheda).punteggio is not None
    # who sees it
    assert _as("consultazione").get(card).status_code == 403
    assert _as("controllo").get(card).status_code == 403
    assert _as("oiv").get(card).status_code == 200
    # a step out of turn is refused on the page, with the reason
    r = person.post(card, {"azione": "accetta"})
    assert r.status_code == 422 and "questo passo non si compie ora" in r.content.decode()


def test_a_bad_people_file_is_refused_on_the_page(piano):
    from django.core.files.uploadedfile import SimpleUploadedFile

    controllo = _as("controllo")
    r = controllo.post(PAGE, {"azione": "persone", "file": SimpleUploadedFile("persone.csv", b"codice,ruolo\n1,C\n")})
    assert r.status_code == 422 and "persone.csv, riga 1: colonne mancanti: matricola, categoria" in r.content.decode()
    r = controllo.post(PAGE, {"azione": "sistema", "file": SimpleUploadedFile("s.yaml", b"formato: altro\n")})
    assert r.status_code == 422 and "formato: atteso" in r.content.decode()
    assert _as("responsabile").post(PAGE, {"azione": "persone"}).status_code == 403


def _evaluated(staff, matricola: str, levels: tuple[int, int], voci=None, final=True):
    """A card of the demo's team brought to its evaluation by its actors (only 1002 has a login of
    their own: for the others the test lends one, to take the person's steps)."""
    boss = _user("responsabile")
    persona = m.Persona.objects.get(ente=staff.ente, matricola=matricola)
    scheda = va.scheda_assegna(
        user=boss,
        persona=persona,
        anno=2020,
        voci=CARD["voci"] if voci is None else voci,
        comportamenti=CARD["comportamenti"],
    )
    if persona.utente is None:
        persona.utente = _user("admin")  # for the test: someone to take the person's steps
        persona.save()
    me = persona.utente
    va.presa_visione(user=me, scheda=scheda)
    va.colloquio(user=boss, scheda=scheda, finale=True, testo="colloquio")
    results = {"O1": "9"} if any(v["codice"] == "O1" for v in scheda.voci) else {}
    va.valuta(user=boss, scheda=scheda, giudizi={"ORG": levels[0], "COLL": levels[1]}, risultati=results)
    if final:
        va.accetta(user=me, scheda=scheda)
    return scheda


def test_the_distribution_and_the_premiums_of_the_year(staff):
    _evaluated(staff, "1002", (4, 5))
    _evaluated(staff, "1003", (3, 3), final=False)
    _evaluated(staff, "1004", (2, 3), voci=[])
    out = va.premi_anno(staff.ente, 2020)
    cats = {c: d for c, d, _w in out["per_categoria"]}
    assert cats["C"].n == 2 and cats["B"].n == 1
    ((boss, d),) = out["per_valutatore"]
    assert boss == "1001" and d.n == 3
    fund = selectors.score(selectors.current_plan(staff.ente, 2020), 2020).fondo.importo
    assert out["fondo"]["totale"] == pytest.approx(fund) and out["fondo"]["individuale"] == pytest.approx(0.3 * fund)
    paid = sum(p.totale for p in out["premi"])
    assert paid == pytest.approx(fund)  # the whole fund, to the cent
    assert out["provvisorio"] is True  # 1003's card is not final, and the year is not validated
    assert {a["categoria"] for a in out["aggregati"]} == {"B", "C"}
    # the pages: totals for the controllo, each premium for the OIV and the amministratore only
    page = _as("controllo").get(f"{PAGE}premi/").content.decode()
    assert "Distribuzione per categoria" in page and "Premio di ogni persona" not in page
    assert "Premio di ogni persona" in _as("oiv").get(f"{PAGE}premi/").content.decode()
    for name in ("responsabile", "consultazione"):
        assert _as(name).get(f"{PAGE}premi/").status_code == 403


def test_the_demos_evaluation_loads_invented_and_labelled(piano, settings):
    """`manage.py demo_valutazione` (make run): 41 people of the invented register, every card
    final but the demo user's, the fund paid out whole; the demo users can take their steps."""
    from django.core.management import call_command

    settings.DEMO = True
    call_command("demo_valutazione", verbosity=0)
    call_command("demo_valutazione", verbosity=0)  # again: nothing more
    assert m.Persona.objects.filter(ente=piano.ente).count() == 41
    cards = m.SchedaValutazione.objects.filter(ente=piano.ente, anno=2020)
    assert cards.count() == 41 and cards.exclude(stato="definitiva").count() == 1
    live = cards.get(persona__utente__username="dipendente")
    assert live.stato == "assegnata" and live.valutatore.utente.username == "responsabile"
    record = m.Registro.objects.get(azione="valutazione.demo")
    assert "dati inventati" in record.dopo["nota"]
    out = va.premi_anno(piano.ente, 2020)
    fund = selectors.score(piano, 2020).fondo.importo
    staff_fund, dir_fund = out["fondi"]
    assert staff_fund.pagato == pytest.approx(fund) and len(staff_fund.premi) == 39
    # the SG is paid from the dirigenza's fund (invented 12.000 €), a maximum reached at 100 points
    sg_score = va.punteggio(cards.get(persona__categoria="SG")).punteggio
    assert [p.categoria for p in dir_fund.premi] == ["SG"]
    assert dir_fund.pagato == pytest.approx(12000 * sg_score / 100)
    assert dir_fund.economia == pytest.approx(12000 - dir_fund.pagato)
    assert len(out["premi"]) == 40
    # the invented absences beyond the 10-day allowance reduce some premiums
    away = {p.matricola: p.assenze["2020"] for p in m.Persona.objects.filter(ente=piano.ente) if p.assenze}
    reduced = [p for p in staff_fund.premi if away.get(p.codice, 0) > 10]
    assert len(reduced) >= 3
    for p in reduced:  # 250 working days, 10 free: presence = 1 − (days − 10) / 250
        assert f"presenza {display.decimal(1 - (away[p.codice] - 10) / 250, 4)}" in p.trace[0]
    assert out["provvisorio"] is True
    # the page draws each category's histogram, its counts in words for a screen reader
    page = _as("oiv").get(f"{PAGE}premi/").content.decode()
    (c,) = [d for cat, d, _w in out["per_categoria"] if cat == "C"]
    words = "; ".join(f"{display.number(lo)}–{display.number(hi)}: {n} persone" for lo, hi, n in c.fasce)
    assert f"Punteggi della categoria C: {words}</title>" in page and sum(n for *_b, n in c.fasce) == c.n == 24
    assert "Retribuzione di risultato della dirigenza (importo inventato)" in page
    # the demo users take the live card's steps on the pages
    card = f"{PAGE}{live.persona.matricola}/"
    assert _as("dipendente").post(card, {"azione": "presa_visione"}).status_code == 302
    assert _as("responsabile").post(card, {"azione": "colloquio_finale", "testo": "ok"}).status_code == 302
    # the Segretario generale's card is linked to the plan's objectives E, G, H1
    sg = cards.get(persona__categoria="SG")
    steps = list(sg.fasi.exclude(tipo="assegnazione").values_list("tipo", flat=True))
    assert steps[-2:] == ["proposta_oiv", "decisione_organo"] and "accettazione" not in steps
    r = va.punteggio(sg)
    assert [v["collegato"] for v in sg.voci] == ["E", "G", "H1"] and r.punteggio is not None
    diff = next(s for s in r.sezioni if s["fonte"] == "differenziazione")
    assert diff["achievement"] is not None  # six POs evaluated: enough to tell


def test_the_vertices_card_is_proposed_by_the_oiv_and_decided_by_the_giunta(staff):
    """Art. 14 c. 4 lett. e: for the SG's card the OIV takes the evaluator's steps and its
    evaluation is a proposal; the amministratore records the Giunta's decision, with its act and
    date; the person neither accepts nor asks for a review."""
    from datetime import date

    va.persone_importa(
        user=_user("controllo"),
        ente=staff.ente,
        righe=[(2, {"matricola": "9000", "categoria": "SG", "utente": "controllo"})],
    )
    sg = m.Persona.objects.get(ente=staff.ente, matricola="9000")
    admin, oiv, me = _user("admin"), _user("oiv"), _user("controllo")
    voci = [
        {"codice": f"SG-{c}", "nome": c, "sezione": "OB", "peso": w, "livello": "obiettivo_strategico", "collegato": c}
        for c, w in (("E", 30), ("G", 30), ("H1", 40))
    ]
    with pytest.raises(PermissionDenied):  # no evaluator: the amministratore assigns
        va.scheda_assegna(user=oiv, persona=sg, anno=2020, voci=voci, comportamenti=[["DECIS", 50], ["GUIDA", 50]])
    scheda = va.scheda_assegna(
        user=admin, persona=sg, anno=2020, voci=voci, comportamenti=[["DECIS", 50], ["GUIDA", 50]]
    )
    va.presa_visione(user=me, scheda=scheda)
    with pytest.raises(PermissionDenied):
        va.colloquio(user=_user("responsabile"), scheda=scheda, finale=True, testo="no")
    va.colloquio(user=oiv, scheda=scheda, finale=True, testo="Colloquio con l'OIV")
    va.valuta(user=oiv, scheda=scheda, giudizi={"DECIS": 4, "GUIDA": 4}, testo="Proposta")
    assert scheda.stato == "valutata" and scheda.fasi.filter(tipo="proposta_oiv").exists()
    with pytest.raises(ValidationError, match="organo di indirizzo politico"):
        va.accetta(user=me, scheda=scheda)
    with pytest.raises(ValidationError, match="organo di indirizzo politico"):
        va.chiedi_revisione(user=me, scheda=scheda, motivo="no")
    with pytest.raises(PermissionDenied):
        va.decisione_organo(user=oiv, scheda=scheda, atto="Delibera n. 1", data=date.today())
    with pytest.raises(ValidationError, match="cita il suo atto"):
        va.decisione_organo(user=admin, scheda=scheda, atto=" ", data=date.today())
    with pytest.raises(ValidationError, match="non precede la proposta"):
        va.decisione_organo(user=admin, scheda=scheda, atto="Delibera n. 1", data=date(2020, 1, 1))
    with pytest.raises(ValidationError, match="dice il suo motivo"):
        va.decisione_organo(
            user=admin, scheda=scheda, atto="Delibera n. 1", data=date.today(), giudizi={"DECIS": 5, "GUIDA": 4}
        )
    before = va.punteggio(scheda).punteggio
    va.decisione_organo(
        user=admin,
        scheda=scheda,
        atto="Delibera di Giunta n. 21",
        data=date.today(),
        testo="Capacità decisionale eccellente nell'emergenza",
        giudizi={"DECIS": 5, "GUIDA": 4},
    )
    scheda.refresh_from_db()
    assert scheda.stato == "definitiva" and scheda.giudizi == {"DECIS": 5.0, "GUIDA": 4.0}
    assert va.punteggio(scheda).punteggio > before
    step = scheda.fasi.get(tipo="decisione_organo")
    assert step.testo == "Delibera di Giunta n. 21: Capacità decisionale eccellente nell'emergenza"
    assert m.Registro.objects.filter(azione="valutazione.decisione_organo", utente="admin").exists()
    # a staff card has no Giunta's decision
    other = _card(staff)
    with pytest.raises(ValidationError):
        va.decisione_organo(user=admin, scheda=other, atto="Delibera n. 2", data=date.today())


def test_the_vertices_steps_on_the_page(staff):
    va.persone_importa(user=_user("controllo"), ente=staff.ente, righe=[(2, {"matricola": "9000", "categoria": "SG"})])
    page = f"{PAGE}9000/"
    r = _as("admin").get(page)
    assert r.status_code == 200 and "Assegna la scheda" in r.content.decode()  # the amministratore assigns
    va.scheda_assegna(
        user=_user("admin"),
        persona=m.Persona.objects.get(ente=staff.ente, matricola="9000"),
        anno=2020,
        voci=[],
        comportamenti=[["DECIS", 100]],
    )
    scheda = m.SchedaValutazione.objects.get(persona__matricola="9000")
    m.SchedaValutazione.objects.filter(pk=scheda.pk).update(stato="vista")
    oiv = _as("oiv")
    assert "Proposta di valutazione dell'OIV" in oiv.get(page).content.decode()
    assert oiv.post(page, {"azione": "colloquio_finale", "testo": "colloquio"}).status_code == 302
    assert oiv.post(page, {"azione": "valuta", "g-DECIS": "4"}).status_code == 302
    admin = _as("admin")
    assert "Registra la decisione" in admin.get(page).content.decode()
    r = admin.post(page, {"azione": "decisione_organo", "atto": "Delibera n. 5", "data": "ieri"})
    assert r.status_code == 422 and "Data non valida: ieri" in r.content.decode()
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert admin.post(page, {"azione": "decisione_organo", "atto": "Delibera n. 5", "data": today}).status_code == 302
    assert m.SchedaValutazione.objects.get(pk=scheda.pk).stato == "definitiva"


def test_days_of_absence_are_loaded_for_the_year_and_checked(staff):
    controllo = _user("controllo")
    rows = [
        (2, {"matricola": "1003", "categoria": "C", "assenze": "tre"}),
        (3, {"matricola": "1004", "categoria": "B", "assenze": "400"}),
    ]
    with pytest.raises(ValidationError) as err:
        va.persone_importa(user=controllo, ente=staff.ente, righe=rows, anno=2020)
    assert err.value.messages == [
        "riga 2, colonna assenze: tre non è un numero di giorni tra 0 e 366",
        "riga 3, colonna assenze: 400 non è un numero di giorni tra 0 e 366",
    ]
    good = [(2, {"matricola": "1003", "categoria": "C", "valutatore": "1001", "assenze": "35"})]
    with pytest.raises(ValidationError, match="per un anno"):
        va.persone_importa(user=controllo, ente=staff.ente, righe=good)
    va.persone_importa(user=controllo, ente=staff.ente, righe=good, anno=2020)
    va.persone_importa(user=controllo, ente=staff.ente, righe=[(2, {**good[0][1], "assenze": "4"})], anno=2021)
    assert m.Persona.objects.get(ente=staff.ente, matricola="1003").assenze == {"2020": 35.0, "2021": 4.0}


API = "/api/v1/enti/CCIAA-PT/valutazioni/2020"


def _api(name):
    import io

    from django.core.management import call_command
    from django.test import Client

    out = io.StringIO()
    call_command("token_api", name, "prova", stdout=out)
    return Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")


def test_the_api_gives_each_caller_the_cards_and_steps_the_pages_give(staff):
    import json

    # a person reads their card with a login of the ente (consultazione is enough), as in the demo
    m.Ruolo.objects.create(utente=_user("dipendente"), ente=staff.ente, tipo=m.Ruolo.Tipo.CONSULTAZIONE)
    scheda = _card(staff)
    _evaluated(staff, "1003", (4, 4))
    who_sees = {
        name: [row["matricola"] for row in _api(name).get(f"{API}/schede").json()]
        for name in ("admin", "oiv", "responsabile", "dipendente", "controllo", "consultazione")
    }
    assert who_sees == {
        "admin": ["1002", "1003"],
        "oiv": ["1002", "1003"],
        "responsabile": ["1002", "1003"],  # the evaluator: their team
        "dipendente": ["1002"],  # their own
        "controllo": [],  # no card: personal data
        "consultazione": [],
    }
    assert _api("controllo").get(f"{API}/schede/1002").status_code == 404  # not 403: not their business
    me = _api("dipendente")
    body = me.get(f"{API}/schede/1002").json()
    assert (
        body["stato"] == "assegnata"
        and body["punteggio"] is None
        and [f["tipo"] for f in body["fasi"]] == ["assegnazione"]
    )

    def step(client, **data):
        return client.post(f"{API}/schede/1002/passi", json.dumps(data), content_type="application/json")

    boss = _api("responsabile")
    r = step(boss, azione="presa_visione")
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"
    assert step(me, azione="presa_visione").json()["stato"] == "vista"
    assert step(boss, azione="colloquio_finale", testo="colloquio").status_code == 200
    r = step(boss, azione="valuta", giudizi={"ORG": 4}, risultati={"O1": "8"})
    assert r.status_code == 422 and "Mancano i giudizi di: COLL" in r.json()["detail"]
    assert step(boss, azione="vola").status_code == 422
    r = step(boss, azione="valuta", giudizi={"ORG": 4, "COLL": 5}, risultati={"O1": "8", "O2": "15/06/2020"})
    body = r.json()
    assert r.status_code == 200 and body["stato"] == "valutata"
    scheda.refresh_from_db()
    assert body["punteggio"] == pytest.approx(va.punteggio(scheda).punteggio)
    assert [s["codice"] for s in body["sezioni"]] == ["AREA", "IND", "COMP"] and body["sezioni"][1]["passi"]
    # premiums: totals for the controllo, each person's for the OIV, nothing for consultazione
    assert _api("consultazione").get(f"{API}/premi").status_code == 403
    totals = _api("controllo").get(f"{API}/premi").json()
    assert totals["premi"] is None and totals["provvisorio"] is True
    assert [d["gruppo"] for d in totals["per_categoria"]] == ["C"] and totals["per_categoria"][0]["n"] == 2
    detail = _api("oiv").get(f"{API}/premi").json()
    out = va.premi_anno(staff.ente, 2020)
    assert [(p["matricola"], p["totale"]) for p in detail["premi"]] == [
        (p.codice, pytest.approx(p.totale)) for p in out["premi"]
    ]
    assert detail["fondi"][0]["pagato"] == pytest.approx(out["fondi"][0].pagato)


def test_a_card_prints_for_signature_and_a_team_as_a_workbook(staff, tmp_path):
    """The card as PDF and DOCX (at assignment and with its evaluation), seen by who sees the card;
    the team's cards as XLSX with each score and section grade."""
    import io
    import subprocess

    from openpyxl import load_workbook

    _evaluated(staff, "1003", (4, 5))
    scheda = m.SchedaValutazione.objects.get(persona__matricola="1003")
    score = va.punteggio(scheda)
    boss = _as("responsabile")
    page = boss.get(f"{PAGE}1003/").content.decode()
    assert "scheda-valutazione.pdf" in page and "scheda-assegnazione.docx" in page
    r = boss.get(f"{PAGE}1003/scheda-valutazione.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r["Cache-Control"] == "private, no-store"
    pdf = tmp_path / "scheda.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    assert "Matricola 1003: valutazione" in text and "Pratiche istruite" in text
    assert f"Punteggio finale: {display.decimal(score.punteggio, 2)}" in text
    assert "Il valutatore" in text and "La persona valutata (per presa visione)" in text
    assert "Colloquio finale" in text or "colloquio finale" in text
    r = boss.get(f"{PAGE}1003/scheda-assegnazione.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    from docx import Document

    words = "\n".join(c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells)
    assert "Pratiche istruite" in words and "Risultato" not in words  # at assignment: no results yet
    # who may not see the card does not get its document; unknown forms are 404
    assert _as("controllo").get(f"{PAGE}1003/scheda-valutazione.pdf").status_code == 404
    assert boss.get(f"{PAGE}1003/scheda-finale.pdf").status_code == 404
    assert boss.get(f"{PAGE}1003/scheda-valutazione.exe").status_code == 404
    # the team's workbook
    _card(staff)
    r = boss.get(f"{PAGE}schede.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = {row[0]: row for row in ws.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {"1002", "1003"}
    assert rows["1003"][5] == pytest.approx(score.punteggio) and rows["1002"][5] is None
    header = [c.value for c in ws[4]]
    col = header.index("Comportamenti organizzativi (COMP)") if "Comportamenti organizzativi (COMP)" in header else None
    comp = next(x for x in score.sezioni if x["codice"] == "COMP")
    assert col is not None and rows["1003"][col] == pytest.approx(comp["achievement"] / 100)
    m.Ruolo.objects.create(utente=_user("dipendente"), ente=staff.ente, tipo=m.Ruolo.Tipo.CONSULTAZIONE)
    mine = _as("dipendente").get(f"{PAGE}schede.xlsx")
    assert {
        row[0] for row in load_workbook(io.BytesIO(mine.content)).active.iter_rows(min_row=5, values_only=True)
    } == {"1002"}


def test_the_relazione_and_the_open_data_publish_the_demos_aggregates(piano, settings, tmp_path):
    """Art. 20 d.lgs. 33/2013: budgeted and paid by fund, premiums and scores by category with the
    small categories together, no matricola anywhere; the same figures as the premiums page."""
    import csv

    from django.core.management import call_command
    from frictionless import validate

    from cruscotto.documents.blocks import Table
    from cruscotto.documents.relazione import build_relazione
    from cruscotto.engine.premi import ALTRE
    from cruscotto.opendata import write_opendata

    settings.DEMO = True
    call_command("demo_valutazione", verbosity=0)
    inputs = selectors.document_inputs(piano.ente, piano, 2020, "relazione")
    pub = inputs.valutazione
    out = va.premi_anno(piano.ente, 2020)
    assert pub is not None and pub.provvisorio is True
    assert [f[0] for f in pub.fondi] == ["FONDO", "DIR"]
    assert pub.fondi[0][3] == pytest.approx(out["fondi"][0].pagato)
    assert sum(float(a["totale"]) for a in pub.premi) == pytest.approx(sum(p.totale for p in out["premi"]))
    counts = {label: d.n for label, d in pub.distribuzione}
    # the SG is a dirigente (published by name anyway), every other published group has 3 or more
    assert counts["SG"] == 1 and all(n >= 3 for label, n in counts.items() if label != "SG")
    assert sum(counts.values()) == 40
    doc = build_relazione(inputs.piano, inputs.result, valutazione=pub)
    tables = {b.caption: b for b in doc.blocks if isinstance(b, Table)}
    premi = tables["Premi per categoria"]
    assert [r[0].text for r in premi.rows] == [str(a["categoria"]) for a in pub.premi]
    fund = tables["Premi collegati alla performance: stanziati e distribuiti"]
    assert fund.rows[1][0].text == "Retribuzione di risultato della dirigenza (importo inventato)"
    assert fund.rows[1][1].text == "€ 12.000,00"
    matricole = set(m.Persona.objects.filter(ente=piano.ente).values_list("matricola", flat=True))
    texts = {c.text for t in tables.values() for r in t.rows for c in r}
    assert not texts & matricole
    od = write_opendata(inputs.piano, inputs.result, tmp_path / "od", valutazione=pub)
    report = validate(str(od / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    with open(od / "valutazione_distribuzione.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["categoria"]: int(r["persone"]) for r in rows} == counts
    with open(od / "premi_fondi.csv", encoding="utf-8") as fh:
        paid = {r["fondo"]: float(r["distribuito"]) for r in csv.DictReader(fh)}
    assert paid["FONDO"] == pytest.approx(round(out["fondi"][0].pagato, 2))
    assert counts == {"B": 4, "C": 24, "D": 5, "PO": 6, "SG": 1} and ALTRE not in counts  # the demo: none small


# --- the permission matrix of the card's steps ---------------------------------------------

USERS = ("admin", "controllo", "responsabile", "oiv", "consultazione", "dipendente")


def _staff_card_at(staff, state: str):
    boss, me = _user("responsabile"), _user("dipendente")
    card = _card(staff)
    steps = [
        ("vista", lambda: va.presa_visione(user=me, scheda=card)),
        ("colloquio", lambda: va.colloquio(user=boss, scheda=card, finale=True, testo="finale")),
        ("valutata", lambda: va.valuta(user=boss, scheda=card, giudizi={"ORG": 3, "COLL": 3})),
        ("in_revisione", lambda: va.chiedi_revisione(user=me, scheda=card, motivo="non concordo")),
    ]
    for name, step in steps:
        if state == "assegnata":
            break
        step()
        if name == state:
            break
    return card


def _vertice_card_at(staff, state: str):
    va.persone_importa(
        user=_user("controllo"),
        ente=staff.ente,
        righe=[(2, {"matricola": "9000", "categoria": "SG", "utente": "consultazione"})],
    )
    card = va.scheda_assegna(
        user=_user("admin"),
        persona=m.Persona.objects.get(ente=staff.ente, matricola="9000"),
        anno=2020,
        voci=[],
        comportamenti=[["DECIS", 100]],
    )
    va.presa_visione(user=_user("consultazione"), scheda=card)
    if state in ("colloquio", "valutata"):
        va.colloquio(user=_user("oiv"), scheda=card, finale=True, testo="colloquio")
    if state == "valutata":
        va.valuta(user=_user("oiv"), scheda=card, giudizi={"DECIS": 4})
    return card


# step: (which card, its state, the step's arguments, who may take it)
STEPS = {
    "presa_visione": (_staff_card_at, "assegnata", {}, {"dipendente"}),
    "colloquio_intermedio": (_staff_card_at, "vista", {"testo": "a metà"}, {"responsabile"}),
    "autovalutazione": (_staff_card_at, "vista", {"testo": "ho fatto"}, {"dipendente"}),
    "valuta": (_staff_card_at, "colloquio", {"giudizi": {"ORG": 4, "COLL": 4}}, {"responsabile"}),
    "accetta": (_staff_card_at, "valutata", {}, {"dipendente"}),
    "revisione": (_staff_card_at, "valutata", {"testo": "non concordo"}, {"dipendente"}),
    "rispondi": (_staff_card_at, "in_revisione", {"testo": "confermo"}, {"responsabile"}),
    "decidi": (_staff_card_at, "in_revisione", {"testo": "confermata"}, {"admin", "oiv"}),
    "vertice: colloquio_finale": (_vertice_card_at, "vista", {"testo": "colloquio"}, {"oiv"}),
    "vertice: valuta": (_vertice_card_at, "colloquio", {"giudizi": {"DECIS": 4}}, {"oiv"}),
    "vertice: decisione_organo": (
        _vertice_card_at,
        "valutata",
        {"atto": "Delibera di Giunta n. 3", "data": __import__("datetime").date.today()},
        {"admin"},
    ),
}


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("step", list(STEPS))
def test_the_permission_matrix_of_the_cards_steps(staff, step, username):
    """Each step of a card against every user: its actor takes it; anyone else is refused
    (PermissionDenied, 403 on the page) and nothing is written."""
    setup, state, kwargs, allowed = STEPS[step]
    card = setup(staff, state)
    before = (card.stato, card.fasi.count(), m.Registro.objects.count())
    azione = step.split(": ")[-1]
    if username in allowed:
        va.passo(user=_user(username), scheda=card, azione=azione, **kwargs)
        card.refresh_from_db()
        assert card.fasi.count() == before[1] + 1
    else:
        with pytest.raises(PermissionDenied):
            va.passo(user=_user(username), scheda=card, azione=azione, **kwargs)
        card.refresh_from_db()
        assert (card.stato, card.fasi.count(), m.Registro.objects.count()) == before


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("premi/", {"admin", "controllo", "oiv"}),
        ("1002/", {"admin", "oiv", "responsabile", "dipendente"}),
        ("1002/scheda-assegnazione.pdf", {"admin", "oiv", "responsabile", "dipendente"}),
    ],
)
def test_who_reads_the_evaluation_pages(staff, path, allowed):
    m.Ruolo.objects.create(utente=_user("dipendente"), ente=staff.ente, tipo=m.Ruolo.Tipo.CONSULTAZIONE)
    _card(staff)
    for name in USERS:
        code = _as(name).get(f"{PAGE}{path}").status_code
        assert code == 200 if name in allowed else code in (403, 404), (path, name, code)
