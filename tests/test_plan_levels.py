"""What a plan gives its levels besides weights: resources, and the objectives' responsible
structures with their shares (issue 10, "Plan shapes real plans have"), in the native file,
in the CSV and XLSX sheet, in validation, and in who answers for an indicator."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cruscotto.engine.validation import validate_plan
from cruscotto.files import load_plan
from cruscotto.files.native import plan_from_data, plan_to_data
from cruscotto.files.tabular import write_csv_plan, write_xlsx_plan

HEADER = [
    "Prospettiva", "Linea strategica", "Obiettivo strategico", "Obiettivo operativo", "Codice", "Indicatore", "Polarità", "Target 2024",
    "Budget linea strategica", "Risorse obiettivo strategico", "Risorse obiettivo operativo",
    "Strutture obiettivo strategico", "Strutture obiettivo operativo", "Strutture",
]
# A comune's PIAO shape: the operational objective carries the money and the offices; the
# indicators name no office of their own, except the last one.
ROWS = [
    ["1 - Comunità", "1.1 - Servizi sociali", "1.1.1 - Inclusione", "1.1.1.1 - Sportello unico", "1", "Pratiche evase", "crescente", "almeno 1.200",
     "€ 500.000,00", "300.000", "120.000,00", "SOCIALE", "SOCIALE (70%), ANAGRAFE (30%)", ""],
    ["", "", "", "1.1.1.1 - Sportello unico", "2", "Tempo medio di risposta (giorni)", "decrescente", "non superiore a 30 giorni",
     "", "", "", "", "", ""],
    ["", "", "", "1.1.1.2 - Domiciliarità", "1", "Utenti assistiti", "crescente", "250",
     "", "", "150.000,00", "", "SOCIALE", "SOCIALE (50%), SANITA (50%)"],
]


@pytest.fixture()
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "piano.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(ROWS)
    return path


def test_levels_carry_resources_and_objectives_their_structures_and_shares(sheet):
    plan = load_plan(sheet, ente=("COMUNE-X", "Comune di X")).piano
    ln = next(plan.linee())
    os_ = next(plan.obiettivi_strategici())
    first, second = os_.obiettivi_operativi
    assert (ln.risorse.testo, ln.risorse.valore) == ("€ 500.000,00", 500000.0)
    assert os_.risorse.valore == 300000.0 and os_.strutture == ("SOCIALE",)
    assert first.risorse.valore == 120000.0
    assert first.strutture == ("SOCIALE", "ANAGRAFE") and first.quote == {"SOCIALE": 70.0, "ANAGRAFE": 30.0}
    # An indicator without structures answers through its objective; one with its own keeps them.
    who = plan.responsabili()
    assert who["1.1.1.1/1"] == (("SOCIALE", "ANAGRAFE"), {"SOCIALE": 70.0, "ANAGRAFE": 30.0})
    assert who["1.1.1.1/2"] == who["1.1.1.1/1"]
    assert who["1.1.1.2/1"] == (("SOCIALE", "SANITA"), {"SOCIALE": 50.0, "SANITA": 50.0})


def test_the_sheet_and_the_native_file_keep_them_both_ways(sheet, tmp_path):
    plan = load_plan(sheet, ente=("COMUNE-X", "Comune di X")).piano
    assert plan_from_data(plan_to_data(plan)) == plan
    out = tmp_path / "copia" / "piano.csv"
    out.parent.mkdir()
    write_csv_plan(plan, out)
    assert load_plan(out, ente=("COMUNE-X", "Comune di X")).piano == plan
    xlsx = tmp_path / "copia" / "piano.xlsx"
    write_xlsx_plan(plan, xlsx)
    assert load_plan(xlsx).piano == plan


def test_resources_beyond_the_parents_and_shares_off_100_are_named(sheet):
    data = plan_to_data(load_plan(sheet, ente=("COMUNE-X", "Comune di X")).piano)
    os_ = data["prospettive"][0]["linee"][0]["obiettivi_strategici"][0]
    os_["risorse"] = "200.000"  # its operational objectives have 270.000
    os_["obiettivi_operativi"][0]["quote"] = {"SOCIALE": "70%", "ANAGRAFE": "20%", "TRIBUTI": "10%"}
    problems = {(p.code, p.where, p.severity) for p in validate_plan(plan_from_data(data))}
    assert ("risorse_incoerenti", "obiettivo_strategico 1.1.1", "warning") in problems
    assert ("quota_incoerente", "obiettivo_operativo 1.1.1.1", "error") in problems  # TRIBUTI is not responsible
    messages = {p.message for p in validate_plan(plan_from_data(data))}
    assert any("270.000,00 €" in m and "200.000,00 €" in m for m in messages), messages


def test_an_amount_that_is_not_one_is_an_error_naming_the_place(sheet):
    data = plan_to_data(load_plan(sheet, ente=("COMUNE-X", "Comune di X")).piano)
    data["prospettive"][0]["linee"][0]["risorse"] = "da definire"
    from cruscotto.engine.errors import PlanError

    with pytest.raises(PlanError) as exc:
        plan_from_data(data)
    assert any(p.where.endswith("linee[0].risorse") and "da definire" in p.message for p in exc.value.problems)


def test_a_level_with_two_different_amounts_on_its_rows_keeps_the_first_and_warns(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][9] = "350.000"  # the strategic objective's resources, printed again and differently
    path = tmp_path / "piano.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    loaded = load_plan(path, ente=("COMUNE-X", "Comune di X"))
    assert next(loaded.piano.obiettivi_strategici()).risorse.valore == 300000.0
    assert any(w.code == "risorse_diverso" and "riga 3" in w.where for w in loaded.warnings)
