"""Audit completeness: every write path of the application leaves a record in the audit trail.

Each public function of the modules that write (services, editing, ciclo, inserimento, valutazioni) must have a case
below, or be listed as read-only: a new write path without a case fails
``test_every_write_function_has_a_case``. Each case runs the function on the demo plan; the
test compares a snapshot of every data table before and after, and requires that the
function changed something and that the audit trail gained a record naming the user. The
pages and the REST API call these same functions (tests/web/test_permissions.py and
test_api.py check that they do not write around them).
"""

from __future__ import annotations

import hashlib
import inspect
import json
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from cruscotto.performance import ciclo, editing, inserimento, selectors, services, valutazioni
from cruscotto.performance import models as m

READ_ONLY = {
    services: {"anno_bloccato"},
    ciclo: {
        "version_in_force",
        "draft",
        "moves_for",
        "periodo_chiuso",
        "validation_inputs",
        "riepilogo_chiusura",
        "approvazione",
        "redazione",
    },
    editing: set(),
    inserimento: {"conteggi", "sintesi"},
    valutazioni: {
        "puo_vedere",
        "schede_visibili",
        "sistema",
        "scheda_engine",
        "punteggio",
        "punteggi",
        "premi_anno",
        "proposta_oiv",
        "pubblicazione",
        "stampa",
        "squadra_righe",
    },
}
# Derived or technical tables: the audit trail itself, django-simple-history's copies, sessions,
# login attempts (django-axes keeps its own log), the API token's last-use time.
SKIP_TABLES = {"performance_registro", "performance_tokenapi", "django_session"}


def _snapshot() -> dict[str, str]:
    out = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in SKIP_TABLES or table.startswith(("axes_", "django_", "auth_permission")) or "historical" in table:
            continue
        if model._meta.app_label not in ("performance", "auth"):
            continue
        rows = sorted(json.dumps(r, sort_keys=True, default=str) for r in model._base_manager.values())
        out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def _changed(before: dict, after: dict) -> set[str]:
    return {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}


def _user(name):
    return get_user_model().objects.get(username=name)


def _indicator_values(row: m.Indicatore, **change) -> dict:
    values = {
        k: getattr(row, k)
        for k in ("nome", "algoritmo", "polarita", "unita", "tipologia", "fonte", "media_cluster", "note", "cruscotto")
    }
    values.update(
        peso=row.peso_testo,
        etichette=row.etichette,
        strutture=[s.codice for s in row.strutture.all()],
        target=dict(row.target),
        formula=row.formula,
    )
    values.update(change)
    return values


def _budget_changed():
    from dataclasses import replace

    from cruscotto.demo import demo_path
    from cruscotto.files.bilancio import load_bilancio

    b = load_bilancio(demo_path("bilancio"))
    return replace(b, stato_patrimoniale=b.stato_patrimoniale[:1])


def _register():
    from cruscotto.demo import demo_path
    from cruscotto.files.personale import read_personale

    return read_personale(demo_path("personale.csv")).dipendenti


def _context_changed():
    from dataclasses import replace

    from cruscotto.demo import demo_path
    from cruscotto.files.contesto import load_contesto

    c = load_contesto(demo_path("contesto"))
    return replace(c, partecipate=c.partecipate[:3])


def _adopt(piano):
    ciclo.adotta(user=_user("controllo"), piano=piano, atto="Delibera n. 1", atto_data=date(2020, 1, 30))
    piano.refresh_from_db()
    return piano


def _neutralise(user, piano):
    return services.neutralizza(
        user=user,
        piano=piano,
        anno=2020,
        livello="indicatore",
        codice="B.2.1-1",
        atto="Delibera n. 30",
        atto_data=date(2020, 12, 15),
        motivo="Fiere annullate",
    )


# name -> (who, setup(piano) -> state, call(user, piano, state))
CASES = {
    "piano_import": (
        "controllo",
        None,
        lambda u, p, s: services.piano_import(piano=selectors.plan_for(p), user=u, motivazione=""),
    ),
    "consuntivo_registra": (
        "responsabile",
        None,
        lambda u, p, s: services.consuntivo_registra(user=u, piano=p, codice="B.2.1-1", anno=2020, testo="77"),
    ),
    "evento_imposta_data": (
        "controllo",
        None,
        lambda u, p, s: services.evento_imposta_data(user=u, piano=p, codice="T0", data=date(2020, 3, 1)),
    ),
    "bilancio_importa": (
        "controllo",
        None,
        lambda u, p, s: services.bilancio_importa(user=u, ente=p.ente, bilancio=_budget_changed(), fonte="nuovo"),
    ),
    "personale_importa": (
        "controllo",
        None,
        lambda u, p, s: services.personale_importa(user=u, ente=p.ente, registro=_register()[:5], fonte="nuovo"),
    ),
    "contesto_importa": (
        "controllo",
        None,
        lambda u, p, s: services.contesto_importa(user=u, ente=p.ente, contesto=_context_changed(), fonte="nuovo"),
    ),
    "misura_registra": (
        "controllo",
        None,
        lambda u, p, s: services.misura_registra(user=u, ente=p.ente, nome="proventi_correnti", anno=2020, valore=1.5),
    ),
    "indicatore_aggiorna": (
        "controllo",
        None,
        lambda u, p, s: editing.indicatore_aggiorna(
            user=u,
            piano=p,
            codice="B.2.1-1",
            values=_indicator_values(p.indicatori.get(codice="B.2.1-1"), nome="Nuovo nome"),
        ),
    ),
    "indicatore_crea": (
        "controllo",
        None,
        lambda u, p, s: editing.indicatore_crea(
            user=u,
            piano=p,
            livello="obiettivo_strategico",
            codice_padre="A",
            values={**_indicator_values(p.indicatori.get(codice="B.2.1-1")), "codice": "NUOVO-1", "peso": ""},
        ),
    ),
    "indicatore_elimina": (
        "controllo",
        None,
        lambda u, p, s: editing.indicatore_elimina(user=u, piano=p, codice="B.2.1-1"),
    ),
    "nodo_aggiorna": (
        "controllo",
        None,
        lambda u, p, s: editing.nodo_aggiorna(
            user=u, piano=p, livello="obiettivo_strategico", codice="A", nome="Cambiato", peso="", note=""
        ),
    ),
    "nodo_crea": (
        "controllo",
        None,
        lambda u, p, s: editing.nodo_crea(
            user=u, piano=p, livello_padre="linea", codice_padre="A", codice="A.9", nome="Nuovo obiettivo"
        ),
    ),
    "nodo_elimina": (
        "controllo",
        lambda p: editing.nodo_crea(
            user=_user("controllo"), piano=p, livello_padre="linea", codice_padre="A", codice="A.9", nome="Da togliere"
        ),
        lambda u, p, s: editing.nodo_elimina(user=u, piano=p, livello="obiettivo_strategico", codice="A.9"),
    ),
    "adotta": (
        "controllo",
        None,
        lambda u, p, s: ciclo.adotta(user=u, piano=p, atto="Delibera n. 1", atto_data=date(2020, 1, 30)),
    ),
    "rimodula": ("controllo", _adopt, lambda u, p, s: ciclo.rimodula(user=u, piano=s, motivazione="Nuove risorse")),
    "elimina_bozza": (
        "controllo",
        lambda p: ciclo.rimodula(user=_user("controllo"), piano=_adopt(p), motivazione="Prova"),
        lambda u, p, s: ciclo.elimina_bozza(user=u, piano=s),
    ),
    "sposta": ("controllo", _adopt, lambda u, p, s: ciclo.sposta(user=u, ciclo=s.ciclo, verso="in_monitoraggio")),
    "scorrimento": ("controllo", _adopt, lambda u, p, s: ciclo.scorrimento(user=u, ciclo=s.ciclo)),
    "chiudi_periodo": (
        "controllo",
        None,
        lambda u, p, s: ciclo.chiudi_periodo(user=u, ente=p.ente, anno=2020, periodo="S1"),
    ),
    "commenta": (
        "oiv",
        None,
        lambda u, p, s: ciclo.commenta(user=u, ciclo=p.ciclo, oggetto="D2-4", testo="Verificare la fonte"),
    ),
    "neutralizza": ("controllo", None, lambda u, p, s: _neutralise(u, p)),
    "testi_relazione": (
        "controllo",
        None,
        lambda u, p, s: ciclo.testi_relazione(
            user=u, ente=p.ente, anno=2020, sintesi="Un anno di sostegno alle imprese.", note_processo=""
        ),
    ),
    "sistema_importa": ("controllo", None, lambda u, p, s: _smvp(u, p)),
    "persone_importa": ("controllo", lambda p: _smvp(_user("controllo"), p), lambda u, p, s: _people(u, p)),
    "scheda_assegna": ("responsabile", lambda p: _staff(p), lambda u, p, s: _assign(u, p)),
    "presa_visione": (
        "consultazione",
        lambda p: _card_at(p, "assegnata"),
        lambda u, p, s: valutazioni.presa_visione(user=u, scheda=s),
    ),
    "colloquio": (
        "responsabile",
        lambda p: _card_at(p, "vista"),
        lambda u, p, s: valutazioni.colloquio(user=u, scheda=s, finale=False, testo="a metà anno"),
    ),
    "autovalutazione": (
        "consultazione",
        lambda p: _card_at(p, "vista"),
        lambda u, p, s: valutazioni.autovalutazione(user=u, scheda=s, testo="ho fatto"),
    ),
    "valuta": (
        "responsabile",
        lambda p: _card_at(p, "colloquio"),
        lambda u, p, s: valutazioni.valuta(user=u, scheda=s, giudizi={"ORG": 4}, risultati={"O1": "9"}),
    ),
    "accetta": (
        "consultazione",
        lambda p: _card_at(p, "valutata"),
        lambda u, p, s: valutazioni.accetta(user=u, scheda=s),
    ),
    "chiedi_revisione": (
        "consultazione",
        lambda p: _card_at(p, "valutata"),
        lambda u, p, s: valutazioni.chiedi_revisione(user=u, scheda=s, motivo="non concordo"),
    ),
    "rispondi": (
        "responsabile",
        lambda p: _card_at(p, "in_revisione"),
        lambda u, p, s: valutazioni.rispondi(user=u, scheda=s, testo="confermo"),
    ),
    "decidi": (
        "oiv",
        lambda p: _card_at(p, "in_revisione"),
        lambda u, p, s: valutazioni.decidi(user=u, scheda=s, testo="confermata", giudizi=None),
    ),
    "decisione_organo": (
        "admin",
        lambda p: _vertice_proposed(p),
        lambda u, p, s: valutazioni.decisione_organo(
            user=u, scheda=s, atto="Delibera di Giunta n. 9", data=__import__("datetime").date.today()
        ),
    ),
    "passo": (
        "consultazione",
        lambda p: _card_at(p, "assegnata"),
        lambda u, p, s: valutazioni.passo(user=u, scheda=s, azione="presa_visione"),
    ),
    "registra_insieme": (
        "responsabile",
        None,
        lambda u, p, s: inserimento.registra_insieme(
            user=u, piano=p, voci=[inserimento.Voce("B.2.1-1", 2020, "", "77", dove="riga 2")], origine="da file"
        ),
    ),
    "neutralizzazione_revoca": (
        "controllo",
        lambda p: _neutralise(_user("controllo"), p),
        lambda u, p, s: services.neutralizzazione_revoca(user=u, neutralizzazione=s, motivo="Decisione ritirata"),
    ),
}
# Users and roles change through Django's admin and commands: the audit listens to the models.
MODEL_CASES = {
    "utente crea": lambda: get_user_model().objects.create_user("nuovo", password="x" * 12),
    "utente modifica": lambda: _set(_user("consultazione"), first_name="Cambiato"),
    "utente password": lambda: _password(_user("consultazione")),
    "utente elimina": lambda: _user("consultazione").delete(),
    "ruolo crea": lambda: m.Ruolo.objects.create(
        utente=_user("oiv"), ente=m.Ente.objects.get(codice="CCIAA-PT"), tipo="consultazione"
    ),
    "ruolo strutture": lambda: m.Ruolo.objects.filter(utente__username="responsabile").first().strutture.clear(),
    "ruolo elimina": lambda: m.Ruolo.objects.filter(utente__username="oiv").first().delete(),
}


def _set(obj, **fields):
    for k, v in fields.items():
        setattr(obj, k, v)
    obj.save()


def _password(user):
    user.set_password("un'altra password lunga")
    user.save()


def _smvp(user, piano):
    from pathlib import Path

    from cruscotto.files.native import read_data

    smvp = Path(__file__).resolve().parents[2] / "src" / "cruscotto" / "demo" / "valutazione-2020-esempio.yaml"
    return valutazioni.sistema_importa(user=user, ente=piano.ente, anno=2020, dati=read_data(smvp))


def _people(user, piano):
    rows = [
        (2, {"matricola": "1001", "categoria": "PO", "struttura": "PROMOZIONE", "utente": "responsabile"}),
        (3, {"matricola": "1002", "categoria": "C", "valutatore": "1001", "utente": "consultazione"}),
    ]
    return valutazioni.persone_importa(user=user, ente=piano.ente, righe=rows)


def _staff(piano):
    _smvp(_user("controllo"), piano)
    _people(_user("controllo"), piano)


def _assign(user, piano):
    return valutazioni.scheda_assegna(
        user=user,
        persona=m.Persona.objects.get(ente=piano.ente, matricola="1002"),
        anno=2020,
        voci=[{"codice": "O1", "nome": "Pratiche", "sezione": "IND", "peso": 100, "target": "10"}],
        comportamenti=[["ORG", 100]],
    )


def _vertice_proposed(piano):
    """The SG's card with the OIV's proposal (art. 14 c. 4 lett. e), before the Giunta decides."""
    _smvp(_user("controllo"), piano)
    valutazioni.persone_importa(
        user=_user("controllo"),
        ente=piano.ente,
        righe=[(2, {"matricola": "9000", "categoria": "SG", "utente": "controllo"})],
    )
    card = valutazioni.scheda_assegna(
        user=_user("admin"),
        persona=m.Persona.objects.get(ente=piano.ente, matricola="9000"),
        anno=2020,
        voci=[],
        comportamenti=[["DECIS", 100]],
    )
    oiv = _user("oiv")
    valutazioni.presa_visione(user=_user("controllo"), scheda=card)
    valutazioni.colloquio(user=oiv, scheda=card, finale=True, testo="colloquio")
    valutazioni.valuta(user=oiv, scheda=card, giudizi={"DECIS": 4})
    return card


def _card_at(piano, where: str):
    """A card brought to a step of its year by its own actors, before the step under test."""
    _staff(piano)
    boss, me = _user("responsabile"), _user("consultazione")
    card = _assign(boss, piano)
    steps = [
        ("vista", lambda: valutazioni.presa_visione(user=me, scheda=card)),
        ("colloquio", lambda: valutazioni.colloquio(user=boss, scheda=card, finale=True, testo="finale")),
        ("valutata", lambda: valutazioni.valuta(user=boss, scheda=card, giudizi={"ORG": 3})),
        ("in_revisione", lambda: valutazioni.chiedi_revisione(user=me, scheda=card, motivo="non concordo")),
    ]
    for name, step in steps:
        if where == "assegnata":
            break
        step()
        if name == where:
            break
    return card


def test_every_write_function_has_a_case():
    for module, read_only in READ_ONLY.items():
        public = {
            n
            for n, f in inspect.getmembers(module, inspect.isfunction)
            if f.__module__ == module.__name__ and not n.startswith("_")
        }
        assert public - read_only - set(CASES) == set(), f"{module.__name__}: write functions without an audit case"
        assert set(read_only) <= public


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_write_path_leaves_a_record(name, piano):
    who, setup, call = CASES[name]
    state = setup(piano) if setup else None
    piano.refresh_from_db()
    before, records = _snapshot(), m.Registro.objects.count()
    call(_user(who), piano, state)
    changed = _changed(before, _snapshot())
    assert changed, f"{name} wrote nothing: the case does not exercise it"
    new = list(m.Registro.objects.order_by("-pk")[: m.Registro.objects.count() - records])
    assert new, f"{name} changed {sorted(changed)} and left no record"
    assert all(r.utente == who for r in new), [(r.azione, r.utente) for r in new]


@pytest.mark.parametrize("name", sorted(MODEL_CASES))
def test_user_and_role_changes_leave_a_record(name, piano):
    before, records = _snapshot(), m.Registro.objects.count()
    MODEL_CASES[name]()
    assert _changed(before, _snapshot())
    assert m.Registro.objects.count() > records, name


def test_the_snapshot_sees_a_write_that_goes_around_the_functions(piano):
    # The control: an update below the services changes a table and leaves no record.
    before, records = _snapshot(), m.Registro.objects.count()
    m.Evento.objects.filter(piano=piano).update(data=date(2021, 1, 1))
    assert "performance_evento" in _changed(before, _snapshot())
    assert m.Registro.objects.count() == records


def test_base_measures_changed_by_an_import_are_on_record_old_and_new(piano, django_user_model):
    from cruscotto.performance.selectors import plan_for, valori_for

    user = django_user_model.objects.get(username="controllo")
    for value, expected in ((5.0, [None, 5.0]), (6.0, [5.0, 6.0])):
        valori = valori_for(piano, [2020])
        valori.misure[("proventi_correnti", 2020)] = value
        piano = services.piano_import(piano=plan_for(piano), valori=valori, user=user)
        record = m.Registro.objects.filter(azione="piano.importa").latest("pk")
        assert record.dopo["misure"] == {"proventi_correnti 2020": expected}
