"""PIAO 2.1, Valore pubblico (issue 17): impact objectives linked to the seed's strategic objectives,
tagged with SDG, BES and PNRR, their indicators scored by the same engine, and the checks. The
impact objectives and their figures are INVENTED for the tests; the strategic objectives (B1,
B2, G) are the seed's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine.model import Dato, Indicatore, Polarita
from cruscotto.engine.scoring import Consuntivo, Stato, Valori
from cruscotto.engine.targets import parse_target
from cruscotto.engine.valore_pubblico import ObiettivoImpatto, controlla, punteggi
from cruscotto.files import load_plan


@pytest.fixture(scope="module")
def piano():
    return load_plan(demo_path()).piano


def _ind(codice: str, nome: str, target: str, peso: float | None = None, polarita=Polarita.CRESCENTE):
    return Indicatore(
        codice=codice,
        nome=nome,
        polarita=polarita,
        peso=peso,
        baseline=Dato(testo="100", valore=100.0) if polarita is Polarita.CRESCENTE else Dato(testo="30", valore=30.0),
        target={a: parse_target(target, anno=a) for a in (2020, 2021, 2022)},
    )


VP = (
    ObiettivoImpatto(
        "VP1",
        "Imprese del territorio più innovative e presenti sui mercati esteri",
        ("B1", "B2"),
        indicatori=(
            _ind("VP1-1", "Imprese esportatrici ogni 1.000 imprese attive", "110", peso=60.0),
            _ind("VP1-2", "Giorni medi per l'avvio di un'impresa", "<25", peso=40.0, polarita=Polarita.DECRESCENTE),
        ),
        sdg=(8, 9),
        bes=("Innovazione, ricerca e creatività", "Benessere economico"),
        pnrr=("M1",),
    ),
    ObiettivoImpatto(
        "VP2",
        "Fiducia delle imprese nella trasparenza della Camera",
        ("G",),
        indicatori=(_ind("VP2-1", "Imprese che giudicano trasparente la Camera (%)", "80"),),
        sdg=(16,),
        bes=("Politica e istituzioni",),
    ),
)


def test_the_seeds_objectives_make_clean_links(piano):
    strategici = [o.codice for o in piano.obiettivi_strategici()]
    assert controlla(VP, strategici=strategici, anni=piano.anni) == []


@pytest.mark.parametrize(
    "change, code",
    [
        ({"obiettivi_strategici": ()}, "vp_collegamento"),
        ({"obiettivi_strategici": ("Z9",)}, "vp_collegamento"),
        ({"sdg": (18,)}, "vp_sdg"),
        ({"bes": ("Felicità",)}, "vp_bes"),
        ({"pnrr": ("M9",)}, "vp_pnrr"),
        ({"codice": "VP1"}, "vp_codice_doppio"),
    ],
)
def test_each_problem_at_its_place(piano, change, code):
    strategici = [o.codice for o in piano.obiettivi_strategici()]
    problems = controlla((VP[0], replace(VP[1], **change)), strategici=strategici)
    assert (code, "error") in {(p.code, p.severity) for p in problems}


def test_what_is_missing_is_a_warning(piano):
    senza = replace(
        VP[1],
        indicatori=(replace(VP[1].indicatori[0], baseline=None, target={2020: VP[1].indicatori[0].target[2020]}),),
    )
    found = {(p.code, p.severity) for p in controlla((senza,), strategici=["G"], anni=(2020, 2021, 2022))}
    assert found == {("vp_baseline", "warning"), ("vp_target", "warning")}
    vuoto = replace(VP[1], indicatori=())
    assert {p.code for p in controlla((vuoto,), strategici=["G"])} == {"vp_senza_indicatori"}


def test_impact_indicators_are_scored_by_the_engine_and_weighed(piano):
    valori = Valori(
        consuntivi={
            ("VP1-1", 2020, ""): Consuntivo(99.0),  # 90% of 110
            ("VP1-2", 2020, ""): Consuntivo(20.0),  # below 25: reached
        }
    )
    out = {r.codice: r for r in punteggi(VP, anno=2020, valori=valori, regole=piano.regole, as_of=date(2021, 6, 30))}
    vp1 = out["VP1"]
    a1, a2 = (r.achievement for r in vp1.indicatori)
    assert a1 == pytest.approx(90.0)
    assert vp1.indicatori[1].stato is Stato.RAGGIUNTO
    assert vp1.achievement == pytest.approx((60 * a1 + 40 * a2) / 100)  # the weights as given
    # VP2 has no value: no figure, and the reason, never a zero
    assert out["VP2"].achievement is None and out["VP2"].motivo == "nessun indicatore valutabile"
    assert out["VP2"].indicatori[0].stato is Stato.SENZA_DATI
