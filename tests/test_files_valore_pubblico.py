"""PIAO 2.1 from files (issue 17): the demo's invented impact objectives read back whole and
passing the engine's checks on the seed's strategic objectives, every bad cell named by file,
row and column, a missing column by name, and the objectives kept as plain data without losing
anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine.model import Polarita
from cruscotto.engine.targets import TargetKind
from cruscotto.engine.valore_pubblico import controlla, valore_pubblico_from_data, valore_pubblico_to_data
from cruscotto.files import load_plan
from cruscotto.files.tables import InvalidFile, ParseError
from cruscotto.files.valore_pubblico import load_valore_pubblico

DEMO = Path(demo_path("piao"))
OBIETTIVI = DEMO / "valore-pubblico-obiettivi.csv"
INDICATORI = DEMO / "valore-pubblico-indicatori.csv"


@pytest.fixture(scope="module")
def strategici():
    piano = load_plan(demo_path()).piano
    return [o.codice for p in piano.prospettive for linea in p.linee for o in linea.obiettivi_strategici]


def _copy(tmp_path: Path, obiettivi: str | None = None, indicatori: str | None = None) -> list[Path]:
    o, i = tmp_path / "obiettivi.csv", tmp_path / "indicatori.csv"
    o.write_text(obiettivi or OBIETTIVI.read_text(encoding="utf-8"), encoding="utf-8")
    i.write_text(indicatori or INDICATORI.read_text(encoding="utf-8"), encoding="utf-8")
    return [o, i]


def test_the_demo_impact_objectives_are_read_whole():
    vp = load_valore_pubblico([OBIETTIVI, INDICATORI])
    assert [(o.codice, len(o.indicatori)) for o in vp] == [("VP-01", 2), ("VP-02", 1), ("VP-03", 2)]
    vp2 = vp[1]
    assert vp2.obiettivi_strategici == ("B2",) and vp2.sdg == (8, 17) and vp2.bes == ("Benessere economico",)
    assert vp2.pnrr == ("M1",) and vp2.descrizione.startswith("INVENTATO")
    i1, i2 = vp[0].indicatori
    assert (i1.codice, i1.unita, i1.peso, i1.baseline.valore, i1.baseline_anno) == ("VP-01-I1", "%", 60.0, 18.0, 2019)
    assert sorted(i1.target) == [2021, 2022, 2023] and i1.target[2023].valore == 25.0
    assert i2.target[2022].tipo is TargetKind.RELATIVO and i2.target[2022].base == "baseline"
    assert vp[2].indicatori[1].polarita is Polarita.DECRESCENTE and vp[2].indicatori[0].baseline.valore == 22.5


def test_the_demo_passes_the_engines_checks_on_the_seeds_strategic_objectives(strategici):
    vp = load_valore_pubblico(sorted(DEMO.glob("*.csv")))  # the 2.3 files alongside are not 2.1's
    assert controlla(vp, strategici=strategici, anni=(2021, 2022, 2023)) == []
    assert load_valore_pubblico(DEMO / f"{t}.csv" for t in ("processi", "misure")) is None


def test_the_impact_objectives_survive_their_plain_data():
    vp = load_valore_pubblico([OBIETTIVI, INDICATORI])
    data = json.loads(json.dumps(valore_pubblico_to_data(vp)))
    assert valore_pubblico_from_data(data) == vp
    assert data[0]["indicatori"][0]["target"] == {"2021": ">= 20%", "2022": ">= 22%", "2023": ">= 25%"}


def test_every_bad_cell_is_named_at_once(tmp_path):
    ind = INDICATORI.read_text(encoding="utf-8").splitlines()
    ind[1] = ind[1].replace(";crescente;", ";in aumento;").replace(";>= 22%;", ";entro il 31/02/2022;")
    ind[3] = ind[3].replace(";2019;", ";duemila;").replace("VP-02;VP-02-I1", "VP-09;VP-02-I1")
    ind[5] = ind[5].replace(";31;", ";molti;").replace(";50", ";-5")
    with pytest.raises(InvalidFile) as exc:
        load_valore_pubblico(_copy(tmp_path, indicatori="\n".join(ind)))
    found = {(p.where.rsplit("/", 1)[-1], p.message) for p in exc.value.problems}
    assert found == {
        (
            "indicatori.csv, riga 2, colonna polarità",
            "polarità non ammessa (crescente, decrescente, scadenza, si/no, milestone): 'in aumento'",
        ),
        ("indicatori.csv, riga 2, colonna target 2022", "data inesistente nel target: 'entro il 31/02/2022'"),
        ("indicatori.csv, riga 4, colonna anno baseline", "numero non valido: 'duemila'"),
        ("indicatori.csv, riga 4, colonna obiettivo", "obiettivo sconosciuto (non nella tabella obiettivi): 'VP-09'"),
        ("indicatori.csv, riga 6, colonna baseline", "baseline non valida (un numero, una data o sì/no): 'molti'"),
        ("indicatori.csv, riga 6, colonna peso", "peso negativo: '-5'"),
    }
    obi = OBIETTIVI.read_text(encoding="utf-8").splitlines()
    obi[1] = obi[1].replace(";B1;9;", ";;SDG 9;")
    obi[2] = obi[2].replace('"8; 17"', '"8; diciassette"')
    with pytest.raises(InvalidFile) as exc:
        load_valore_pubblico(_copy(tmp_path, obiettivi="\n".join(obi)))
    found = {(p.where.rsplit("/", 1)[-1], p.message) for p in exc.value.problems}
    assert found == {
        ("obiettivi.csv, riga 2, colonna obiettivi strategici", "obiettivi strategici mancante"),
        ("obiettivi.csv, riga 3, colonna sdg", "obiettivo SDG non valido (un numero da 1 a 17): 'diciassette'"),
    }


def test_a_missing_column_a_stray_target_column_and_a_table_twice_are_refused(tmp_path):
    obi = OBIETTIVI.read_text(encoding="utf-8").replace("obiettivi strategici", "strategia", 1)
    with pytest.raises(ParseError, match=r"colonne mancanti: obiettivi strategici"):
        load_valore_pubblico(_copy(tmp_path, obiettivi=obi))
    # "Target2021 " would lose the year's targets in silence: refused instead
    ind = INDICATORI.read_text(encoding="utf-8").replace("target 2021", "target anno 2021", 1)
    with pytest.raises(ParseError, match=r"colonne sconosciute: target anno 2021"):
        load_valore_pubblico(_copy(tmp_path, indicatori=ind))
    with pytest.raises(ParseError, match="la tabella obiettivi è in due file"):
        load_valore_pubblico([*_copy(tmp_path), OBIETTIVI])
    with pytest.raises(ParseError, match="la tabella indicatori senza la tabella obiettivi"):
        load_valore_pubblico([INDICATORI])
