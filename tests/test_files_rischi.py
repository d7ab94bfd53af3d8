"""PIAO 2.3 from files (issue 17): the demo's invented register read back whole, the ente's own
indicators and scale, every bad cell named by file, row and column, and the register kept as
plain data without losing anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine.rischi import INDICATORI_ANAC, SCALA, registro_from_data, registro_to_data
from cruscotto.engine.trasparenza import obblighi_from_data, obblighi_to_data
from cruscotto.files.rischi import load_sezione23
from cruscotto.files.tables import InvalidFile, ParseError

DEMO = Path(demo_path("piao"))
TABLES = ("processi", "eventi", "valutazioni", "misure", "obblighi")


def _copy(tmp_path: Path, **changed: str) -> list[Path]:
    out = []
    for name in TABLES:
        p = tmp_path / f"{name}.csv"
        p.write_text(changed.get(name, (DEMO / f"{name}.csv").read_text(encoding="utf-8")), encoding="utf-8")
        out.append(p)
    return out


def test_the_demo_register_is_read_whole():
    s = load_sezione23(DEMO / f"{t}.csv" for t in TABLES)
    r = s.registro
    assert [len(r.processi), len(r.eventi), len(r.valutazioni), len(r.misure), len(s.obblighi)] == [7, 9, 9, 8, 12]
    pe = r.processi[0]
    assert pe.codice == "PE-01" and pe.fasi == ("bando", "commissione", "prove", "graduatoria")
    rm = next(v for v in r.valutazioni if v.evento == "RM-01-E1")
    assert rm.livello == "alto" and rm.giudizi["discrezionalita"] == "alto" and rm.giudizi["interesse"] == "medio"
    ms = next(x for x in r.misure if x.codice == "MS-03")
    assert ms.scadenza.isoformat() == "2021-06-30" and ms.eventi == ("RM-01-E1",) and ms.tipo == "specifica"
    assert r.indicatori == INDICATORI_ANAC and r.scala == SCALA
    assert {o.aggiornamento for o in s.obblighi} == {"annuale", "tempestivo", "trimestrale"}


def test_the_register_and_the_table_survive_their_plain_data():
    s = load_sezione23(DEMO / f"{t}.csv" for t in TABLES)
    data = json.loads(json.dumps(registro_to_data(s.registro)))
    assert registro_from_data(data) == s.registro
    assert obblighi_from_data(json.loads(json.dumps(obblighi_to_data(s.obblighi)))) == s.obblighi


def test_every_bad_cell_of_a_file_is_named_at_once(tmp_path):
    misure = (DEMO / "misure.csv").read_text(encoding="utf-8").splitlines()
    misure[1] = misure[1].replace("31/12/2021", "2021-13-40")
    misure[4] = misure[4].replace("Aggiornamento della sezione Amministrazione trasparente", "")
    with pytest.raises(InvalidFile) as exc:
        load_sezione23(_copy(tmp_path, misure="\n".join(misure)))
    found = {(p.where.rsplit("/", 1)[-1], p.message) for p in exc.value.problems}
    assert found == {
        ("misure.csv, riga 2, colonna scadenza", "data non valida (gg/mm/aaaa): '2021-13-40'"),
        ("misure.csv, riga 5, colonna nome", "nome mancante"),
    }


def test_a_missing_column_and_an_unknown_indicator_column_are_refused_by_name(tmp_path):
    eventi = (DEMO / "eventi.csv").read_text(encoding="utf-8").replace("descrizione", "testo", 1)
    with pytest.raises(ParseError, match=r"colonne mancanti: descrizione"):
        load_sezione23(_copy(tmp_path, eventi=eventi))
    # a typo in an indicator's header would silently drop its levels: refused instead
    valutazioni = (DEMO / "valutazioni.csv").read_text(encoding="utf-8").replace("opacita", "opacità del processo", 1)
    with pytest.raises(ParseError, match=r"colonne sconosciute: opacità del processo"):
        load_sezione23(_copy(tmp_path, valutazioni=valutazioni))


def test_an_ente_may_use_its_own_indicators_and_scale(tmp_path):
    (tmp_path / "indicatori.csv").write_text(
        "codice;nome;descrizione\nimpatto;Impatto sull'immagine dell'ente;\nprobabilita;Probabilità;\n",
        encoding="utf-8",
    )
    (tmp_path / "scala.csv").write_text("livello\nbasso\nmedio\nalto\nmolto alto\n", encoding="utf-8")
    (tmp_path / "valutazioni.csv").write_text(
        "evento;Impatto sull'immagine dell'ente;probabilita;livello;motivazione\n"
        "RI-01-E1;Molto alto;alto;molto alto;Un caso recente sulla stampa locale.\n",
        encoding="utf-8",
    )
    files = [tmp_path / "indicatori.csv", tmp_path / "scala.csv", tmp_path / "valutazioni.csv"]
    r = load_sezione23(files).registro
    assert r.scala == ("basso", "medio", "alto", "molto alto")
    assert [i.codice for i in r.indicatori] == ["impatto", "probabilita"]
    assert r.valutazioni[0].giudizi == {"impatto": "molto alto", "probabilita": "alto"}


def test_a_table_in_two_files_is_refused(tmp_path):
    files = _copy(tmp_path)
    extra = tmp_path / "misure-2021.csv"
    extra.write_text((DEMO / "misure.csv").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ParseError, match="la tabella misure è in due file"):
        load_sezione23([*files, extra])


def test_nothing_is_dropped_in_silence(tmp_path):
    """A list not quoted in a ``;`` CSV spills into cells without a header; a typo in an optional
    column's header would lose its values: both refused at their place. People's notes are kept out."""
    processi = (DEMO / "processi.csv").read_text(encoding="utf-8").splitlines()
    processi[1] = processi[1].replace('"bando; commissione; prove; graduatoria"', "bando; commissione")
    with pytest.raises(InvalidFile) as exc:
        load_sezione23(_copy(tmp_path, processi="\n".join(processi)))
    [p] = exc.value.problems
    assert p.where.endswith("processi.csv, riga 2, colonna 6") and "'commissione'" in p.message
    misure = (DEMO / "misure.csv").read_text(encoding="utf-8").replace(";obiettivo;", ";obbiettivo;", 1)
    with pytest.raises(ParseError, match=r"colonne sconosciute: obbiettivo \(ammesse: codice, nome, tipo"):
        load_sezione23(_copy(tmp_path, misure=misure))
    eventi = (DEMO / "eventi.csv").read_text(encoding="utf-8").splitlines()
    eventi = [eventi[0] + ";Note del RPCT"] + [e + ";da rivedere" for e in eventi[1:]]
    assert len(load_sezione23(_copy(tmp_path, eventi="\n".join(eventi))).registro.eventi) == 9
