"""PIAO 2.3 (issue 17): the risk register's rules, ANAC's qualitative method (PNA 2019, Allegato 1),
and a measure monitored and scored by the same engine as the plan's indicators.

The register below is INVENTED for the tests, shaped like a chamber of commerce's (its processes
are those every chamber has: the Registro imprese, grants to firms, direct purchases); the plan's
objective G.2 ("Consolidare la cultura della trasparenza e della legalità") and its structures
are the seed's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine.rischi import (
    EventoRischio,
    Misura,
    Processo,
    Registro,
    Valutazione,
    controlla,
    esito,
    esposizione,
    indicatore_di_misura,
    livello_proposto,
    piu_alto,
)
from cruscotto.engine.scoring import Consuntivo, Stato, Valori, score_indicator
from cruscotto.files import load_plan


@pytest.fixture(scope="module")
def piano():
    return load_plan(demo_path()).piano


def _giudizi(**levels: str) -> dict[str, str]:
    base = dict.fromkeys(
        ("interesse", "discrezionalita", "eventi_passati", "opacita", "collaborazione", "attuazione_misure"), "basso"
    )
    return base | levels


REGISTRO = Registro(
    processi=(
        Processo(
            "RI-01",
            "Iscrizione, modifica e cancellazione nel Registro imprese",
            "provvedimenti senza effetto economico",
            "AREA-ANAGRAFICA",
            ("istanza", "istruttoria", "iscrizione"),
        ),
        Processo(
            "PR-03",
            "Concessione di contributi alle imprese (bandi voucher)",
            "sovvenzioni e contributi",
            "PROMOZIONE",
            ("bando", "istruttoria", "graduatoria", "liquidazione"),
        ),
        Processo("AC-02", "Affidamento diretto di forniture e servizi", "contratti pubblici", "AREA-AMMINISTRATIVA"),
    ),
    eventi=(
        EventoRischio("RI-01-E1", "RI-01", "Iscrizione senza i requisiti, per favorire un richiedente"),
        EventoRischio("PR-03-E1", "PR-03", "Criteri del bando costruiti su misura di un'impresa"),
        EventoRischio("PR-03-E2", "PR-03", "Liquidazione senza verifica della spesa rendicontata"),
        EventoRischio("AC-02-E1", "AC-02", "Frazionamento dell'affidamento per restare sotto soglia"),
    ),
    valutazioni=(
        Valutazione(
            "RI-01-E1", _giudizi(), "basso", "Processo vincolato da norme, controlli automatici sulle pratiche."
        ),
        Valutazione(
            "PR-03-E1",
            _giudizi(interesse="alto", discrezionalita="medio", opacita="medio"),
            "medio",
            "Criteri approvati dalla Giunta e pubblicati.",
        ),
        Valutazione(
            "PR-03-E2",
            _giudizi(interesse="alto", discrezionalita="alto", eventi_passati="medio", opacita="alto"),
            "alto",
            "Importi rilevanti, verifiche a campione.",
        ),
        Valutazione(
            "AC-02-E1",
            _giudizi(interesse="alto", discrezionalita="alto"),
            "medio",
            "Sotto i 5.000 euro il MePA vincola la scelta; la rotazione è verificata.",
        ),
    ),
    misure=(
        Misura(
            "MG-01",
            "Formazione obbligatoria in materia di anticorruzione",
            "generale",
            "SG",
            date(2020, 12, 31),
            "ore di formazione per dipendente",
            ">3 ore",
            obiettivo="G.2",
        ),
        Misura(
            "MS-01",
            "Verifica della spesa rendicontata su ogni pratica sopra 10.000 euro",
            "specifica",
            "PROMOZIONE",
            date(2020, 12, 31),
            "pratiche verificate sul totale",
            "100%",
            eventi=("PR-03-E2",),
        ),
        Misura(
            "MS-02",
            "Criteri dei bandi proposti da un gruppo di lavoro con rotazione",
            "specifica",
            "PROMOZIONE",
            date(2020, 6, 30),
            "bandi con criteri del gruppo",
            "entro 30/06/2020",
            eventi=("PR-03-E1",),
        ),
    ),
)


def _strutture(piano) -> set[str]:
    return {s.codice for s in piano.strutture}


def _obiettivi(piano) -> set[str]:
    return {o.codice for o in piano.obiettivi_operativi()} | {o.codice for o in piano.obiettivi_strategici()}


def test_the_proposed_level_is_the_commonest_and_a_tie_goes_higher():
    assert livello_proposto(["basso", "basso", "alto"]) == "basso"
    assert livello_proposto(["basso", "alto"]) == "alto"  # prudence, never the average "medio"
    assert livello_proposto(["basso", "medio", "medio", "alto", "alto"]) == "alto"
    assert livello_proposto(["nd", "", "medio"]) == "medio"  # off the scale: not counted
    assert livello_proposto([]) is None
    quattro = ("molto basso", "basso", "alto", "molto alto")
    assert livello_proposto(["molto basso", "molto alto"], quattro) == "molto alto"
    assert piu_alto(["basso", None, "medio"]) == "medio" and piu_alto([None]) is None


def test_a_process_is_as_exposed_as_its_highest_event_never_an_average():
    exp = esposizione(REGISTRO)
    assert exp == {"RI-01": "basso", "PR-03": "alto", "AC-02": "medio"}
    # an event whose judgement has no reason does not count: the process is not assessed by it
    senza = replace(REGISTRO, valutazioni=(replace(REGISTRO.valutazioni[0], motivazione=" "),))
    assert esposizione(senza)["RI-01"] is None


def test_the_seeds_structures_and_objective_make_a_clean_register(piano):
    problems = controlla(REGISTRO, strutture=_strutture(piano), obiettivi=_obiettivi(piano), anni=piano.anni)
    assert [p for p in problems if p.severity == "error"] == []
    # what an OIV would point out: AC-02-E1 is "medio" with no specific measure; it and PR-03-E1
    # are judged above what their indicators propose (basso is the commonest level of each),
    # which is allowed, with the reason each gives
    warnings = {(p.code, p.where) for p in problems}
    assert warnings == {
        ("rischi_non_trattato", "evento AC-02-E1"),
        ("rischi_giudizio_diverso", "valutazione AC-02-E1"),
        ("rischi_giudizio_diverso", "valutazione PR-03-E1"),
    }


def test_a_judgement_other_than_the_proposal_needs_its_reason():
    v = Valutazione("RI-01-E1", _giudizi(interesse="alto", discrezionalita="alto", opacita="alto"), "basso", "")
    r = replace(REGISTRO, valutazioni=(v, *REGISTRO.valutazioni[1:]))
    assert esito(v, r).proposto == "alto"  # three alti and three bassi: a tie goes to the higher
    problems = {(p.code, p.severity) for p in controlla(r) if p.where == "valutazione RI-01-E1"}
    assert ("rischi_motivazione", "error") in problems
    motivata = replace(v, motivazione="Le tre voci alte riguardano un solo ufficio, già ruotato nel 2019.")
    r2 = replace(REGISTRO, valutazioni=(motivata, *REGISTRO.valutazioni[1:]))
    found = {(p.code, p.severity) for p in controlla(r2) if p.where == "valutazione RI-01-E1"}
    assert found == {("rischi_giudizio_diverso", "warning")}


def _first(campo: str, **kw):
    """A change of the register: its first ``campo`` item (processo, valutazione, misura) with ``kw``."""
    return lambda r: replace(r, **{campo: (replace(getattr(r, campo)[0], **kw), *getattr(r, campo)[1:])})


def _second_misura(**kw):
    return lambda r: replace(r, misure=(r.misure[0], replace(r.misure[1], **kw), *r.misure[2:]))


def _added(campo: str, item):
    return lambda r: replace(r, **{campo: (*getattr(r, campo), item(r))})


@pytest.mark.parametrize(
    "change, code, where",
    [
        (_first("processi", responsabile="NESSUNA"), "rischi_struttura", "processo RI-01"),
        (_first("processi", area=""), "rischi_area", "processo RI-01"),
        (_added("eventi", lambda r: EventoRischio("X-E1", "X", "?")), "rischi_processo", "evento X-E1"),
        (_added("eventi", lambda r: r.eventi[0]), "rischi_codice_doppio", "evento RI-01-E1"),
        (_first("valutazioni", livello="altissimo"), "rischi_livello", "valutazione RI-01-E1"),
        (_first("valutazioni", giudizi=_giudizi(opacita="forte")), "rischi_livello", "valutazione RI-01-E1, opacita"),
        (_first("valutazioni", giudizi=_giudizi() | {"fortuna": "alto"}), "rischi_indicatore", "valutazione RI-01-E1"),
        (_added("valutazioni", lambda r: r.valutazioni[0]), "rischi_valutazione_doppia", "valutazione RI-01-E1"),
        (_added("valutazioni", lambda r: replace(r.valutazioni[0], evento="Z")), "rischi_evento", "valutazione Z"),
        (_first("misure", tipo="obbligatoria"), "rischi_tipo_misura", "misura MG-01"),
        (_first("misure", responsabile=""), "rischi_struttura", "misura MG-01"),
        (_first("misure", scadenza=None), "rischi_misura_scadenza", "misura MG-01"),
        (_first("misure", indicatore=" "), "rischi_misura_indicatore", "misura MG-01"),
        (_first("misure", target=""), "rischi_misura_target", "misura MG-01"),
        (_first("misure", target="quanto basta"), "rischi_misura_target", "misura MG-01"),
        (_first("misure", obiettivo="Z.9"), "rischi_misura_obiettivo", "misura MG-01"),
        (_second_misura(eventi=()), "rischi_misura_eventi", "misura MS-01"),
        (_second_misura(eventi=("NO",)), "rischi_evento", "misura MS-01"),
    ],
)
def test_each_error_is_found_at_its_place(piano, change, code, where):
    problems = controlla(change(REGISTRO), strutture=_strutture(piano), obiettivi=_obiettivi(piano), anni=piano.anni)
    assert (code, where, "error") in {(p.code, p.where, p.severity) for p in problems}


def test_what_is_left_untreated_or_out_of_time_is_said(piano):
    senza_ms01 = replace(REGISTRO, misure=tuple(m for m in REGISTRO.misure if m.codice != "MS-01"))
    found = {(p.code, p.where) for p in controlla(senza_ms01)}
    assert ("rischi_non_trattato", "evento PR-03-E2") in found  # alto, and no specific measure now
    tardi = replace(REGISTRO, misure=(replace(REGISTRO.misure[0], scadenza=date(2024, 3, 31)), *REGISTRO.misure[1:]))
    found = {(p.code, p.where, p.severity) for p in controlla(tardi, anni=piano.anni)}
    assert ("rischi_misura_scadenza_fuori", "misura MG-01", "warning") in found
    # an event nobody assessed
    nuovo = replace(REGISTRO, eventi=(*REGISTRO.eventi, EventoRischio("RI-01-E2", "RI-01", "Ritardo pilotato")))
    assert ("rischi_non_valutato", "evento RI-01-E2") in {(p.code, p.where) for p in controlla(nuovo)}
    # the threshold of treatment is the ente's: from "alto" only, AC-02-E1 (medio) needs none
    assert not [p for p in controlla(REGISTRO, trattare_da="alto") if p.code == "rischi_non_trattato"]


def test_a_measure_is_monitored_and_scored_as_an_indicator_of_the_plan(piano):
    """MG-01 belongs to the seed's objective G.2: as an indicator it is scored by the same engine,
    with the plan's own rules: 4 hours of training against "> 3 ore" is reached, 2 is not; MS-02's
    deadline is met by a date before it and missed by one after it."""
    anni = piano.anni
    ind = indicatore_di_misura(REGISTRO.misure[0], anni)
    assert ind.codice == "MG-01" and ind.strutture == ("SG",) and set(ind.target) == {2020}  # due in 2020

    def score(ind, value, anno=2020):
        valori = Valori(consuntivi={(ind.codice, anno, ""): Consuntivo(value)})
        result, _warnings = score_indicator(
            ind, anno=anno, valori=valori, eventi={}, as_of=date(2021, 3, 31), regole=piano.regole
        )
        return result

    assert score(ind, 4).stato is Stato.RAGGIUNTO
    assert score(ind, 2).stato is Stato.NON_RAGGIUNTO
    scad = indicatore_di_misura(REGISTRO.misure[2], anni)
    assert scad.polarita.value == "scadenza"
    assert score(scad, date(2020, 6, 15)).stato is Stato.RAGGIUNTO
    assert score(scad, date(2020, 9, 1)).stato is not Stato.RAGGIUNTO
    pct = indicatore_di_misura(REGISTRO.misure[1], anni)
    assert score(pct, 100).stato is Stato.RAGGIUNTO and score(pct, 100).achievement == pytest.approx(100.0)


def test_the_rpct_report_counts_from_the_monitoring(piano):
    """The RPCT's yearly figures come from the measures' own results (scored by the engine) and
    from the register: nothing typed twice, nothing averaged."""
    from cruscotto.engine.rischi import sintesi_rpct

    results = {}
    for m, value in zip(REGISTRO.misure, (4, None, date(2020, 9, 1)), strict=True):
        ind = indicatore_di_misura(m, piano.anni)
        valori = Valori(consuntivi={} if value is None else {(m.codice, 2020, ""): Consuntivo(value)})
        results[m.codice], _w = score_indicator(
            ind, anno=2020, valori=valori, eventi={}, as_of=date(2020, 12, 31), regole=piano.regole
        )
    s = sintesi_rpct(REGISTRO, results, anno=2020, oggi=date(2021, 1, 15))
    assert s.per_tipo == {"generale": {"raggiunto": 1}, "specifica": {"senza_dati": 1, "non_raggiunto": 1}}
    # MS-01 has no value and MS-02 was done after its deadline: both late at the report's date
    assert s.scadute == ("MS-01", "MS-02")
    assert s.esposizione == {"basso": ("RI-01",), "alto": ("PR-03",), "medio": ("AC-02",)}
    assert s.non_trattati == ("AC-02-E1",)
    # before the deadlines nothing is late yet
    assert sintesi_rpct(REGISTRO, results, anno=2020, oggi=date(2020, 6, 1)).scadute == ()
