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
    "Prospettiva",
    "Linea strategica",
    "Obiettivo strategico",
    "Obiettivo operativo",
    "Codice",
    "Indicatore",
    "Polarità",
    "Target 2024",
    "Budget linea strategica",
    "Risorse obiettivo strategico",
    "Risorse obiettivo operativo",
    "Strutture obiettivo strategico",
    "Strutture obiettivo operativo",
    "Strutture",
]
# A comune's PIAO shape: the operational objective carries the money and the offices; the
# indicators name no office of their own, except the last one.
ROWS = [
    [
        "1 - Comunità",
        "1.1 - Servizi sociali",
        "1.1.1 - Inclusione",
        "1.1.1.1 - Sportello unico",
        "1",
        "Pratiche evase",
        "crescente",
        "almeno 1.200",
        "€ 500.000,00",
        "300.000",
        "120.000,00",
        "SOCIALE",
        "SOCIALE (70%), ANAGRAFE (30%)",
        "",
    ],
    [
        "",
        "",
        "",
        "1.1.1.1 - Sportello unico",
        "2",
        "Tempo medio di risposta (giorni)",
        "decrescente",
        "non superiore a 30 giorni",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "",
        "",
        "",
        "1.1.1.2 - Domiciliarità",
        "1",
        "Utenti assistiti",
        "crescente",
        "250",
        "",
        "",
        "150.000,00",
        "",
        "SOCIALE",
        "SOCIALE (50%), SANITA (50%)",
    ],
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


# --- five levels above the indicator: a ministry's priorità politica → missione → programma →
# obiettivo specifico → obiettivo annuale → indicatore -------------------------------------------

FIVE = [
    [
        "Priorità politica",
        "Missione",
        "Programma",
        "Obiettivo specifico",
        "Obiettivo annuale",
        "Codice",
        "Indicatore",
        "Target 2024",
        "Consuntivo 2024",
        "Peso ambito",
    ],
    [
        "PP1 - Semplificazione",
        "32 - Servizi generali",
        "32.2 - Indirizzo politico",
        "OS1 - Digitalizzare i procedimenti",
        "OA1 - Procedimenti online",
        "I1",
        "Procedimenti digitalizzati",
        "almeno 40",
        "30",
        "60%",
    ],
    ["", "", "", "", "OA2 - Tempi", "I2", "Tempo medio (giorni)", "non superiore a 30 giorni", "30", ""],
    [
        "",
        "33 - Fondi da ripartire",
        "33.1 - Fondi",
        "OS2 - Ripartire i fondi",
        "OA3 - Decreti",
        "I3",
        "Decreti adottati",
        "100%",
        "50",
        "",
    ],
    [
        "PP2 - Trasparenza",
        "32 - Servizi generali",
        "32.3 - Servizi comuni",
        "OS3 - Pubblicare i dati",
        "OA4 - Dati aperti",
        "I4",
        "Dataset pubblicati",
        "20",
        "20",
        "40%",
    ],
]


@pytest.fixture()
def five(tmp_path: Path) -> Path:
    path = tmp_path / "ministero.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(FIVE)
    return path


def test_a_fifth_level_groups_the_perspectives_and_the_entity_averages_it(five):
    from cruscotto.engine.rollup import score_plan

    loaded = load_plan(five, ente=("MIN-X", "Ministero X"))
    plan = loaded.piano
    # "32 - Servizi generali" is printed under both priorities: two nodes, the second with the
    # full code "PP2/32", as codes repeated under another parent.
    assert [(a.codice, a.peso, a.prospettive) for a in plan.ambiti] == [
        ("PP1", 60.0, ("32", "33")),
        ("PP2", 40.0, ("PP2/32",)),
    ]
    assert [p for p in validate_plan(plan) if p.severity == "error"] == []
    result = score_plan(plan, anno=2024, valori=loaded.valori)
    top = [n for n in result.nodi if n.padre is None]
    assert [n.livello for n in top] == ["ambito", "ambito"]
    pp1 = result.nodo("ambito", "PP1")
    # I1 30/40 = 75, I2 30 ≤ 30 = 100: OS1 (75 + 100) / 2 = 87,5; I3 50/100 = 50; perspective 32
    # is 87,5 (its one line), 33 is 50, PP1 (87,5 + 50) / 2 = 68,75; PP2 100; entity 60/40.
    assert pp1.achievement == pytest.approx(68.75)
    assert result.achievement == pytest.approx(0.6 * 68.75 + 0.4 * 100)
    assert [c["codice"] for c in result.entity_trace["figli"]] == ["PP1", "PP2"]
    assert result.nodo("prospettiva", "32").padre == "ambito:PP1"


def test_the_fifth_level_goes_through_the_native_file_the_csv_and_the_xlsx(five, tmp_path):
    plan = load_plan(five, ente=("MIN-X", "Ministero X")).piano
    assert plan_from_data(plan_to_data(plan)) == plan
    copy = tmp_path / "copia"
    copy.mkdir()
    write_csv_plan(plan, copy / "ministero.csv")
    assert load_plan(copy / "ministero.csv", ente=("MIN-X", "Ministero X")).piano == plan
    write_xlsx_plan(plan, copy / "ministero.xlsx")
    assert load_plan(copy / "ministero.xlsx").piano == plan


def test_an_ambito_naming_a_missing_perspective_or_one_already_grouped_is_an_error(five):
    from cruscotto.engine.errors import PlanError

    data = plan_to_data(load_plan(five, ente=("MIN-X", "Ministero X")).piano)
    data["ambiti"][1]["prospettive"] = ["33", "99"]
    with pytest.raises(PlanError) as exc:
        plan_from_data(data)
    messages = sorted((p.where, p.message) for p in exc.value.problems)
    assert messages == [
        ("ambiti[1].prospettive", "la prospettiva '33' è già nell'ambito 'PP1'"),
        ("ambiti[1].prospettive", "prospettiva '99' inesistente"),
    ]


def test_the_fifth_level_is_in_the_relazione_the_cli_and_the_open_data(five, tmp_path):
    from typer.testing import CliRunner

    from cruscotto.cli import app
    from cruscotto.documents.relazione import build_relazione
    from cruscotto.engine.rollup import score_plan
    from cruscotto.opendata import datasets

    loaded = load_plan(five, ente=("MIN-X", "Ministero X"))
    result = score_plan(loaded.piano, anno=2024, valori=loaded.valori)
    doc = build_relazione(loaded.piano, result)
    text = repr(doc)
    assert "Ambito" in text and "PP1 – Semplificazione" in text
    assert "media ponderata dei 2 ambiti" in text
    # Every roll-up row says how many of its indicators it is computed on.
    assert "Indicatori valutati" in text and "Valutati" in text and "'3/3'" in text
    nodes = next(d for d in datasets(loaded.piano, result) if d["name"] == "albero")["rows"]
    assert ("ambito", "PP1", "Semplificazione", "", 60.0) in [tuple(r) for r in nodes]
    assert ("prospettiva", "PP2/32", "Servizi generali", "PP2", "") in [tuple(r) for r in nodes]
    out = CliRunner().invoke(app, ["score", str(five), "--year", "2024"], terminal_width=200)
    assert out.exit_code == 0, out.output
    lines = [ln for ln in out.output.splitlines() if "PP1" in ln or " 32 " in ln]
    assert any("ambito" in ln and "68,75%" in ln for ln in lines), out.output
