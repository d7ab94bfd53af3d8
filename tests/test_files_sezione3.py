"""PIAO section 3 from files (issue 17): the demo's invented assignments, activities, agreements,
leavers, hires, figures, courses and participations read back whole and passing each engine's
checks on the seed's structures and the demo's register of 2019, every bad cell named by file,
row and column, a missing column by name, and each part kept as plain data without losing
anything."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine import fabbisogni, formazione, lavoro_agile, organizzazione
from cruscotto.files import load_plan
from cruscotto.files.bilancio import read_preventivo
from cruscotto.files.personale import read_personale
from cruscotto.files.sezione3 import TABELLE, load_sezione3
from cruscotto.files.tables import InvalidFile, ParseError

DEMO = Path(demo_path("piao"))
ANNI = (2020, 2021, 2022)  # the register stops at 31/12/2019: the staffing plan is the three years after


@pytest.fixture(scope="module")
def s3():
    return load_sezione3(sorted(DEMO.glob("*.csv")))  # the 2.1 and 2.3 files alongside are not section 3's


@pytest.fixture(scope="module")
def registro():
    return read_personale(demo_path("personale.csv")).dipendenti


@pytest.fixture(scope="module")
def strutture():
    return load_plan(demo_path()).piano.strutture


def _copy(tmp_path: Path, **changed: str) -> list[Path]:
    out = []
    for name in TABELLE:
        p = tmp_path / f"{name}.csv"
        p.write_text(changed.get(name, (DEMO / f"{name}.csv").read_text(encoding="utf-8")), encoding="utf-8")
        out.append(p)
    return out


def _found(exc: pytest.ExceptionInfo[InvalidFile]) -> set[tuple[str, str]]:
    return {(p.where.rsplit("/", 1)[-1], p.message) for p in exc.value.problems}


def test_the_demo_files_are_read_whole(s3):
    counts = [len(getattr(s3, t)) for t in TABELLE if t != "parametri"]
    assert counts == [41, 5, 5, 6, 4, 5, 6, 70]  # assegnazioni, attivita, condizioni ... partecipazioni
    assert s3.attivita[0].remotizzabile == "si" and s3.attivita[3].remotizzabile == "in parte"
    a = s3.accordi[0]
    assert (a.matricola, a.inizio, a.fine, a.giorni, a.periodo, a.attivita) == (
        "1002",
        date(2019, 1, 1),
        None,
        2,
        "settimana",
        "",
    )
    assert s3.accordi[2].periodo == "mese" and s3.accordi[2].attivita == "RI-ISCR"
    assert s3.cessazioni[0].categoria == "C" and s3.cessazioni[1].matricola == "1001"
    pv = s3.assunzioni[3]
    assert (pv.modalita, pv.costo_unitario, pv.da_categoria) == ("progressione verticale", 36_000.0, "C")
    assert s3.assunzioni[2].modalita == "mobilità"
    p = s3.parametri
    assert p.costi == {"D": 36_000.0, "C": 32_000.0, "B": 29_000.0, "DIR": 110_000.0}
    assert p.turnover == {2020: 100.0, 2021: 75.0, 2022: 100.0}
    assert (p.tetto, p.residui, p.riporto, p.fuori_capacita) == (1_500_000.0, 10_000.0, True, frozenset({"mobilità"}))
    assert [c.codice for c in s3.corsi if c.obbligatorio] == ["ANTICORR"] and s3.corsi[5].obiettivo == "B2"


def test_each_part_passes_its_engines_checks(s3, registro, strutture):
    assert organizzazione.controlla(strutture, registro, s3.assegnazioni, anno=2019) == []
    codes = [x.codice for x in strutture]
    assert lavoro_agile.controlla(s3.attivita, s3.accordi, registro, anno=2019, strutture=codes) == []
    preventivo = read_preventivo(demo_path("bilancio/preventivo-2020.csv"))
    checks = fabbisogni.controlla(ANNI, registro, s3.cessazioni, s3.assunzioni, s3.parametri, preventivi=[preventivo])
    assert checks == []
    assert formazione.controlla(s3.corsi, s3.partecipazioni, registro) == []
    # and what they compute: everyone of 2019 has a unit; 6 agreements of 41; the cost at each year's end
    assert organizzazione.organigramma(strutture, registro, s3.assegnazioni, anno=2019).non_assegnati == ()
    assert lavoro_agile.indicatori(2019, s3.attivita, s3.accordi, registro).totale.con_accordo == 6
    costi = [x.costo for x in fabbisogni.calcola(ANNI, registro, s3.cessazioni, s3.assunzioni, s3.parametri).anni]
    assert costi == [1_386_000, 1_425_000, 1_458_000]
    assert formazione.riepilogo(2019, s3.corsi, s3.partecipazioni, registro).totale.formati == 40


def test_each_part_survives_its_plain_data(s3):
    def again(data):
        return json.loads(json.dumps(data))

    assert organizzazione.organizzazione_from_data(again(organizzazione.organizzazione_to_data(s3.assegnazioni))) == (
        s3.assegnazioni
    )
    assert lavoro_agile.lavoro_agile_from_data(again(lavoro_agile.lavoro_agile_to_data(s3.attivita, s3.accordi))) == (
        s3.attivita,
        s3.accordi,
    )
    data = again(fabbisogni.fabbisogni_to_data(s3.cessazioni, s3.assunzioni, s3.parametri))
    assert data["cessazioni"][1]["data"] == "2020-06-30" and data["parametri"]["turnover"]["2021"] == 75.0
    assert fabbisogni.fabbisogni_from_data(data) == (s3.cessazioni, s3.assunzioni, s3.parametri)
    assert fabbisogni.fabbisogni_from_data(again(fabbisogni.fabbisogni_to_data((), (), None))) == ((), (), None)
    assert formazione.formazione_from_data(again(formazione.formazione_to_data(s3.corsi, s3.partecipazioni))) == (
        s3.corsi,
        s3.partecipazioni,
    )


def test_every_bad_cell_is_named_at_once(tmp_path):
    accordi = (DEMO / "accordi.csv").read_text(encoding="utf-8").splitlines()
    accordi[1] = accordi[1].replace("01/01/2019", "2019-13-01").replace(";2;", ";due;")
    accordi[3] = accordi[3].replace("1015;", ";")
    with pytest.raises(InvalidFile) as exc:
        load_sezione3(_copy(tmp_path, accordi="\n".join(accordi)))
    assert _found(exc) == {
        ("accordi.csv, riga 2, colonna inizio", "data non valida (gg/mm/aaaa): '2019-13-01'"),
        ("accordi.csv, riga 2, colonna giorni", "numero non valido: 'due'"),
        ("accordi.csv, riga 4, colonna matricola", "matricola mancante"),
    }
    assunzioni = (DEMO / "assunzioni.csv").read_text(encoding="utf-8").replace("2021;D;1;", "2021;D;1,5;")
    with pytest.raises(InvalidFile) as exc:
        load_sezione3(_copy(tmp_path, assunzioni=assunzioni))
    assert _found(exc) == {("assunzioni.csv, riga 3, colonna numero", "atteso un numero intero: '1,5'")}
    parametri = (DEMO / "parametri.csv").read_text(encoding="utf-8")
    parametri = parametri.replace("riporto;sì", "riporto;forse").replace("residui;", "avanzi;")
    parametri += "costo D;37.000\n"
    with pytest.raises(InvalidFile) as exc:
        load_sezione3(_copy(tmp_path, parametri=parametri))
    assert _found(exc) == {
        (
            "parametri.csv, riga 10, colonna nome",
            "parametro sconosciuto (ammessi: costo D, turnover 2021, tetto, "
            "residui, riporto, fuori capacità): 'avanzi'",
        ),
        ("parametri.csv, riga 11, colonna valore", "atteso sì o no: 'forse'"),
        ("parametri.csv, riga 13, colonna nome", "parametro ripetuto: 'costo D'"),
    }
    corsi = (DEMO / "corsi.csv").read_text(encoding="utf-8").replace(";40;no;", ";quaranta;no;")
    with pytest.raises(InvalidFile) as exc:
        load_sezione3(_copy(tmp_path, corsi=corsi))
    assert _found(exc) == {("corsi.csv, riga 5, colonna ore", "numero non valido: 'quaranta'")}


def test_a_missing_column_and_a_table_twice_are_refused_and_absent_tables_are_none(tmp_path):
    attivita = (DEMO / "attivita.csv").read_text(encoding="utf-8").replace("remotizzabile", "smart", 1)
    with pytest.raises(ParseError, match=r"colonne mancanti: remotizzabile"):
        load_sezione3(_copy(tmp_path, attivita=attivita))
    extra = tmp_path / "corsi-2019.csv"
    extra.write_text((DEMO / "corsi.csv").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ParseError, match="la tabella corsi è in due file"):
        load_sezione3([*_copy(tmp_path), extra])
    only = load_sezione3([DEMO / "assegnazioni.csv"])
    assert len(only.assegnazioni) == 41 and only.accordi is None and only.parametri is None


def test_a_workbook_with_a_sheet_per_table_names_the_sheet_of_a_bad_cell(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Attività"
    ws.append(["codice", "attività", "struttura", "remotizzabile", "motivazione"])
    ws.append(["RI-ISCR", "Istruttoria", "AREA-ANAGRAFICA", "sì", ""])
    corsi = wb.create_sheet("Corsi")
    corsi.append(["codice", "titolo", "ore", "obbligatorio"])
    corsi.append(["ANTICORR", "Prevenzione della corruzione", 3, "sì"])
    wb.create_sheet("Note").append(["not a table"])
    path = tmp_path / "sezione3.xlsx"
    wb.save(path)
    s3 = load_sezione3([path])
    assert [a.codice for a in s3.attivita] == ["RI-ISCR"] and s3.corsi[0].ore == 3.0 and s3.accordi is None
    corsi.append(["DIGIT", "Competenze digitali", "tante", "forse"])
    wb.save(path)
    with pytest.raises(InvalidFile) as exc:
        load_sezione3([path])
    assert _found(exc) == {
        ("sezione3.xlsx, foglio Corsi, riga 3, colonna ore", "numero non valido: 'tante'"),
        ("sezione3.xlsx, foglio Corsi, riga 3, colonna obbligatorio", "atteso sì o no: 'forse'"),
    }


def test_the_conditions_of_remote_work_are_read_and_checked(tmp_path):
    from cruscotto.engine.lavoro_agile import condizioni_from_data, condizioni_to_data, controlla_condizioni

    s3 = load_sezione3([DEMO / "condizioni.csv"])
    assert [c.stato for c in s3.condizioni] == ["presente", "presente", "in corso", "da avviare", "presente"]
    assert controlla_condizioni(s3.condizioni) == []
    assert condizioni_from_data(condizioni_to_data(s3.condizioni)) == s3.condizioni
    bad = (DEMO / "condizioni.csv").read_text(encoding="utf-8").replace(";in corso", ";quasi")
    (tmp_path / "condizioni.csv").write_text(bad, encoding="utf-8")
    [p] = controlla_condizioni(load_sezione3([tmp_path / "condizioni.csv"]).condizioni)
    assert (p.where, p.message) == ("condizione CA-03", "stato non ammesso (presente, in corso, da avviare): quasi")
