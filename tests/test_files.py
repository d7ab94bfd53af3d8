"""Plan files: native YAML/JSON, the tabular sheet (CSV/XLSX), actual values and measures."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from cruscotto.engine.errors import ParseError, PlanError
from cruscotto.engine.rollup import score_plan
from cruscotto.files import load_plan, save_plan
from cruscotto.files.native import plan_to_data
from cruscotto.files.values import read_actuals, read_measures


def test_native_yaml_to_json_and_back_is_the_same_plan(demo_plan_path, tmp_path):
    plan = load_plan(demo_plan_path).piano
    save_plan(plan, tmp_path / "p.json")
    again = load_plan(tmp_path / "p.json").piano
    assert again == plan
    save_plan(again, tmp_path / "p.yaml")
    assert load_plan(tmp_path / "p.yaml").piano == plan


def test_native_to_xlsx_to_native_is_the_same_plan(demo_plan_path, tmp_path):
    plan = load_plan(demo_plan_path).piano
    save_plan(plan, tmp_path / "p.xlsx")
    back = load_plan(tmp_path / "p.xlsx").piano
    assert back == plan
    save_plan(back, tmp_path / "p2.yaml")
    assert plan_to_data(load_plan(tmp_path / "p2.yaml").piano) == plan_to_data(plan)


def test_the_xlsx_has_the_seeds_layout_with_numbers_as_numbers(demo_plan_path, tmp_path):
    plan = load_plan(demo_plan_path).piano
    save_plan(plan, tmp_path / "p.xlsx")
    wb = load_workbook(tmp_path / "p.xlsx")
    assert wb.sheetnames == [
        "TEL - Tessuto economico locale",
        "EF - Economico-finanziaria",
        "PI - Processi interni",
        "ICA - Innovazione, crescita e a",
        "Piano",
    ]
    rows = {}
    for ws in wb.worksheets[:4]:
        assert ws.freeze_panes == "F2" and ws.auto_filter.ref
        headers = [c.value for c in ws[1]]
        for r in ws.iter_rows(min_row=2):
            row = dict(zip(headers, r))
            rows[row["Codice"].value] = row
    a341 = rows["A.3.4-1"]
    assert (
        a341["Target 2020"].value == 0.9 and a341["Target 2020"].number_format == "0%"
    )  # a percentage, as a percentage
    assert a341["Storico 2019"].value == pytest.approx(0.6828) and a341["Storico 2019"].number_format == "0.00%"
    assert rows["B.3.2-1"]["Target 2020"].value == 2000 and rows["B.3.2-1"]["Target 2020"].number_format == "#,##0"
    assert rows["D2-3"]["Target 2020"].value == -15  # a number, not text
    assert rows["D1-2"]["Target 2020"].value == 1
    assert rows["G.2-1"]["Target 2020"].value == ">3 ore"  # words stay words
    assert rows["D1-1"]["Target 2020"].value == "31/12/2020"


def test_the_xlsx_carries_actual_values_that_score_the_same(demo_plan_path, demo_actuals_path, tmp_path):
    plan = load_plan(demo_plan_path).piano
    valori = read_actuals(demo_actuals_path)
    save_plan(plan, tmp_path / "p.xlsx", valori)
    loaded = load_plan(tmp_path / "p.xlsx")
    whole_year = {k: v.valore for k, v in valori.consuntivi.items() if k[2] == ""}
    assert {k: v.valore for k, v in loaded.valori.consuntivi.items()} == {
        k: v for k, v in whole_year.items() if plan.indicatore(k[0])
    }


def _write_csv(path: Path, rows: list[list[str]], delimiter=",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


HEAD = [
    "Prospettiva",
    "Linea strategica",
    "Obiettivo strategico",
    "Obiettivo operativo",
    "Codice",
    "Indicatore",
    "Polarità",
    "Peso",
    "Target 2020",
    "Target 2021",
    "Consuntivo 2020",
]
ROWS = [
    [
        "PI - Processi interni",
        "D - Semplificazione amministrativa",
        "D - Ottimizzare l'organizzazione",
        "D2 - Azioni di ottimizzazione",
        "D2-1",
        "Tempo medio di lavorazione",
        "decrescente",
        "50%",
        "3gg",
        "3gg",
        "2",
    ],
    [
        "PI - Processi interni",
        "D - Semplificazione amministrativa",
        "D - Ottimizzare l'organizzazione",
        "D2 - Azioni di ottimizzazione",
        "D2-3",
        "Tempestività pagamenti",
        "Decrescente",
        "50%",
        "-15 gg",
        "-16 gg",
        "-12",
    ],
    [
        "PI - Processi interni",
        "G - Comunicazione e trasparenza",
        "G - Potenziare la comunicazione",
        "",
        "G-1",
        "Giornata della trasparenza",
        "scadenza",
        "",
        "30/11/2020",
        "",
        "25/11/2020",
    ],
]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_csv_sheet_builds_the_tree_and_its_actuals(tmp_path, delimiter):
    path = _write_csv(tmp_path / "cruscotto.csv", [HEAD] + ROWS, delimiter)
    loaded = load_plan(path)
    plan = loaded.piano
    assert [p.codice for p in plan.prospettive] == ["PI"]
    assert [ln.codice for ln in plan.prospettive[0].linee] == ["D", "G"]
    assert (
        plan.prospettive[0].linee[1].obiettivi_strategici[0].indicatori[0].codice == "G-1"
    )  # no operational objective
    assert plan.anni == (2020, 2021)
    r = score_plan(plan, anno=2020, valori=loaded.valori)
    assert r.indicatore("D2-3").achievement == pytest.approx(80.0)
    assert r.indicatore("G-1").achievement == 100.0
    assert r.nodo("obiettivo_operativo", "D2").achievement == pytest.approx(90.0)


def test_headers_match_regardless_of_case_accents_and_order_and_unknown_columns_warn(tmp_path):
    head = [
        "CODICE",
        "indicatore",
        "POLARITA",
        "prospettiva",
        "linea STRATEGICA",
        "Obiettivo Strategico",
        "Colore",
        "target 2020",
    ]
    row = [
        "X-1",
        "Numero iniziative",
        "crescente",
        "TEL - Tessuto economico locale",
        "A - Valorizzazione",
        "A - Favorire gli investimenti",
        "giallo",
        "7",
    ]
    loaded = load_plan(_write_csv(tmp_path / "c.csv", [head, row]))
    assert loaded.piano.indicatore("X-1").target[2020].valore == 7.0
    assert [w.message for w in loaded.warnings] == ["colonna 'Colore' ignorata"]


def test_an_excel_sheet_with_percent_formatted_numbers_reads_as_printed(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["Prospettiva", "Linea strategica", "Obiettivo strategico", "Codice", "Indicatore", "Peso", "Target 2020"]
    )
    ws.append(["TEL - Tessuto", "A - Valorizzazione", "A - Favorire", "A-1", "Grado di utilizzo risorse", 0.5, 0.9])
    ws["F2"].number_format = "0%"
    ws["G2"].number_format = "0%"
    wb.save(tmp_path / "a.xlsx")
    ind = load_plan(tmp_path / "a.xlsx").piano.indicatore("A-1")
    assert ind.peso == 50.0 and ind.target[2020].valore == 90.0 and ind.target[2020].testo == "90%"


def test_a_bad_target_in_a_sheet_names_the_row_and_column(tmp_path):
    rows = [HEAD, ROWS[0], ROWS[1][:8] + ["entro il 31/02/2020", "", ""]]
    with pytest.raises(PlanError) as exc:
        load_plan(_write_csv(tmp_path / "c.csv", rows))
    (problem,) = exc.value.problems
    assert problem.where == "riga 3 (target.2020)"
    assert "data inesistente" in problem.message and "entro il 31/02/2020" in problem.message


def test_a_bad_actual_in_a_sheet_names_row_and_column(tmp_path):
    rows = [HEAD, ROWS[0][:10] + ["due giorni"]]
    with pytest.raises(PlanError) as exc:
        load_plan(_write_csv(tmp_path / "c.csv", rows))
    (problem,) = exc.value.problems
    assert problem.where.endswith("riga 2, colonna Consuntivo 2020")
    assert "'due giorni'" in problem.message


def test_an_indicator_with_no_objective_is_an_error_naming_the_row(tmp_path):
    rows = [HEAD, ["PI - Processi interni", "D - Semplificazione", "", "", "Z-1", "Orfano", "", "", "1", "", ""]]
    with pytest.raises(PlanError) as exc:
        load_plan(_write_csv(tmp_path / "c.csv", rows))
    assert exc.value.problems[0].code == "senza_obiettivo"
    assert "riga 2" in exc.value.problems[0].where and "Obiettivo strategico" in exc.value.problems[0].message


def test_missing_required_columns_are_listed(tmp_path):
    with pytest.raises(PlanError, match="colonne obbligatorie mancanti: una colonna di livello .*, Indicatore"):
        load_plan(_write_csv(tmp_path / "c.csv", [["Codice", "Target 2020"], ["a", "b"]]))


def test_a_native_file_lists_every_error_with_its_path(tmp_path, small_plan_file):
    text = small_plan_file.read_text()
    text = text.replace("fatture passive, polarita: decrescente", "fatture passive, polarita: calante")
    text = text.replace(
        '{codice: D2-2, nome: Pratiche evase entro 5 giorni, peso: "25%"',
        '{codice: D2-2, nome: Pratiche evase entro 5 giorni, peso: "venticinque"',
    )
    text = text.replace("scadenza: 30 gg. da T0", "scadenza: 31/02/2021")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(PlanError) as exc:
        load_plan(bad)
    oo = "prospettive[1].linee[0].obiettivi_strategici[0].obiettivi_operativi"
    assert {(p.where, p.message.split(":")[0]) for p in exc.value.problems} == {
        (f"{oo}[0].indicatori[2].polarita", "valore non ammesso 'calante' (ammessi"),
        (f"{oo}[0].indicatori[1].peso", "numero non valido"),
        (f"{oo}[1].indicatori[1].milestones[2].scadenza", "data inesistente nel target"),
    }


def test_words_where_a_number_is_expected_are_refused_by_validation(tmp_path, small_plan_file):
    from cruscotto.engine.validation import validate_plan

    text = small_plan_file.read_text().replace(
        'target: {2020: "3", 2021: "3", 2022: "3"}', 'target: {2020: "qualche giorno", 2021: "3", 2022: "3"}'
    )
    ok = tmp_path / "ok.yaml"
    ok.write_text(text)
    problems = validate_plan(load_plan(ok).piano)
    assert any(
        p.code == "target_incoerente" and p.where == "indicatore D2-1, target 2020" and p.severity == "error"
        for p in problems
    )


def test_broken_yaml_and_json_say_where(tmp_path):
    (tmp_path / "a.yaml").write_text("ente: {codice: X\npiano: [")
    with pytest.raises(PlanError) as exc:
        load_plan(tmp_path / "a.yaml")
    assert exc.value.problems[0].where.startswith("riga ")
    (tmp_path / "a.json").write_text('{"ente": }')
    with pytest.raises(PlanError, match="riga 1, colonna 10"):
        load_plan(tmp_path / "a.json")


def test_actual_values_csv(tmp_path):
    p = _write_csv(
        tmp_path / "v.csv",
        [
            ["codice_indicatore", "anno", "periodo", "valore", "nota"],
            ["D2-1", "2020", "", "2,5", "fonte Priamo"],
            ["D2-1", "2020", "S1", "3,1", ""],
            ["G-1", "2020", "", "25/11/2020", ""],
            ["X", "2020", "", "si", ""],
        ],
    )
    v = read_actuals(p)
    assert v.consuntivo("D2-1", 2020).valore == 2.5 and v.consuntivo("D2-1", 2020).nota == "fonte Priamo"
    assert v.consuntivo("D2-1", 2020, "S1").valore == 3.1
    assert v.consuntivo("G-1", 2020).valore == date(2020, 11, 25)
    assert v.consuntivo("X", 2020).valore is True


@pytest.mark.parametrize(
    "row, where, fragment",
    [
        (["D2-1", "duemilaventi", "", "2", ""], "riga 2, colonna anno", "anno non valido"),
        (["D2-1", "2020", "", "tre", ""], "riga 2, colonna valore", "'tre'"),
        (["", "2020", "", "3", ""], "riga 2, colonna codice_indicatore", "vuoto"),
        (["D2-1", "2020", "", "31/02/2020", ""], "riga 2, colonna valore", "data inesistente"),
    ],
)
def test_bad_actual_values_name_file_row_column_and_value(tmp_path, row, where, fragment):
    p = _write_csv(tmp_path / "v.csv", [["codice_indicatore", "anno", "periodo", "valore", "nota"], row])
    with pytest.raises(ParseError) as exc:
        read_actuals(p)
    assert str(p) in str(exc.value) and where in str(exc.value) and fragment in str(exc.value)


def test_a_repeated_actual_is_an_error_not_a_silent_overwrite(tmp_path):
    p = _write_csv(
        tmp_path / "v.csv", [["codice_indicatore", "anno", "valore"], ["A", "2020", "1"], ["A", "2020", "2"]]
    )
    with pytest.raises(ParseError, match="riga 3: valore ripetuto per A 2020"):
        read_actuals(p)


def test_base_measures_feed_the_formulas(tmp_path, small_plan_file):
    text = small_plan_file.read_text().replace(
        "{codice: D2-2, nome: Pratiche evase entro 5 giorni,",
        "{codice: D2-2, nome: Pratiche evase entro 5 giorni, formula: pratiche_entro_5gg / pratiche_totali * 100,",
    )
    (tmp_path / "p.yaml").write_text(text)
    plan = load_plan(tmp_path / "p.yaml").piano
    m = read_measures(
        _write_csv(
            tmp_path / "m.csv",
            [
                ["misura", "anno", "valore"],
                ["pratiche_entro_5gg", "2020", "9.310"],
                ["pratiche_totali", "2020", "9.500"],
            ],
        )
    )
    r = score_plan(plan, anno=2020, valori=m).indicatore("D2-2")
    assert r.actual == pytest.approx(98.0)
    assert r.trace["formula"]["valori"] == {"pratiche_entro_5gg": 9310.0, "pratiche_totali": 9500.0}
    assert r.trace["input"]["fonte_valore"] == "formula"
    m2 = read_measures(
        _write_csv(
            tmp_path / "m2.csv",
            [["misura", "anno", "valore"], ["pratiche_entro_5gg", "2020", "0"], ["pratiche_totali", "2020", "0"]],
        )
    )
    r2 = score_plan(plan, anno=2020, valori=m2).indicatore("D2-2")
    assert r2.achievement is None and "divisione per zero" in r2.trace["passi"][0]


def test_an_unknown_extension_is_refused(tmp_path):
    (tmp_path / "p.txt").write_text("x")
    with pytest.raises(PlanError, match="estensione '.txt' non riconosciuta"):
        load_plan(tmp_path / "p.txt")


def test_json_and_yaml_native_files_give_the_same_plan(small_plan_file, tmp_path):
    import yaml

    data = yaml.safe_load(small_plan_file.read_text())
    (tmp_path / "p.json").write_text(json.dumps(data, ensure_ascii=False))
    assert load_plan(tmp_path / "p.json").piano == load_plan(small_plan_file).piano


@pytest.mark.parametrize(
    "change, where, fragment",
    [
        (
            ("obiettivi_strategici:", "obbiettivi_strategici:", 1),
            "prospettive[0].linee[0]",
            "chiave non prevista: 'obbiettivi_strategici'",
        ),
        (("regole: {soglia_raggiunto: 80}", "regole: 80", 1), "regole", "tipo non valido: 80 (atteso object"),
        (("anni: [2020, 2021, 2022]", "anni: 2020", 1), "piano.anni", "tipo non valido: 2020 (atteso array)"),
        (
            ('importo_massimo: "28.063,95"', 'importo_massimo: "28.063,95"\n  soglia_minima: "abc"', 1),
            "fondo.soglia_minima",
            "numero non valido",
        ),
    ],
)
def test_shapes_the_schema_refuses_are_errors_not_crashes(tmp_path, small_plan_file, change, where, fragment):
    old, new, count = change
    text = small_plan_file.read_text()
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, count))
    with pytest.raises(PlanError) as exc:
        load_plan(bad)
    assert any(p.where == where and fragment in p.message for p in exc.value.problems), [
        (p.where, p.message) for p in exc.value.problems
    ]


def test_the_example_in_the_format_doc_is_a_valid_plan_file():
    import re

    import yaml

    from cruscotto.files.native import plan_from_data

    text = (Path(__file__).parent.parent / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    plan = plan_from_data(yaml.safe_load(example), "docs/plan-format.md")
    assert plan.indicatore("A.3.4-1").target[2020].valore == 90.0


def test_a_sheet_takes_the_levels_it_is_given_and_builds_codes_under_their_objective(tmp_path):
    # An annex with objectives and indicators only, numbered "1", "2" under each objective,
    # merged cells left empty, and no code at all for one indicator.
    rows = [
        ["Obiettivo", "Codice", "Indicatore", "Target 2021"],  # "Obiettivo": the strategic objective
        ["OB.1 - Digitalizzare", "1", "Pratiche online", "almeno 90%"],
        ["", "2", "Tempo medio", "non superiore a 30 giorni"],
        ["OB.2 - Semplificare", "1", "Procedimenti rivisti", "almeno 5"],
        ["", "", "Regolamento", "adozione del regolamento"],
    ]
    piano = load_plan(_write_csv(tmp_path / "allegato.csv", rows), ente=("COMUNE-X", "Comune di X")).piano
    assert piano.ente.codice == "COMUNE-X"
    assert [i.codice for i in piano.indicatori()] == ["OB.1/1", "OB.1/2", "OB.2/1", "OB.2/2"]
    (p,) = piano.prospettive
    assert p.codice == "-" and [ln.codice for ln in p.linee] == ["-"]
    assert [o.codice for o in piano.obiettivi_strategici()] == ["OB.1", "OB.2"]


def test_level_weights_are_read_from_the_sheet_and_written_back(tmp_path):
    head = [
        "Prospettiva",
        "Peso prospettiva",
        "Linea strategica",
        "Peso linea strategica",
        "Obiettivo strategico",
        "Codice",
        "Indicatore",
        "Target 2020",
    ]
    rows = [
        head,
        ["P - P", "60%", "A - A", "100%", "A1 - A1", "A1-1", "x", "10"],
        ["Q - Q", "40%", "B - B", "", "B1 - B1", "B1-1", "y", "10"],
    ]
    piano = load_plan(_write_csv(tmp_path / "p.csv", rows)).piano
    assert [p.peso for p in piano.prospettive] == [60.0, 40.0]
    assert [ln.peso for ln in piano.linee()] == [100.0, None]
    out = tmp_path / "back.csv"
    save_plan(piano, out)
    again = load_plan(out).piano
    assert [p.peso for p in again.prospettive] == [60.0, 40.0] and [ln.peso for ln in again.linee()] == [100.0, None]


def test_several_structures_share_an_indicator(tmp_path):
    from cruscotto.engine.validation import validate_plan

    head = ["Obiettivo strategico", "Codice", "Indicatore", "Strutture", "Target 2020"]
    rows = [
        head,
        ["A - A", "A-1", "x", "PROMOZIONE (60%), ANAGRAFE 40%", "10"],
        ["A - A", "A-2", "y", "PROMOZIONE (70%), ANAGRAFE (20%)", "10"],
    ]
    piano = load_plan(_write_csv(tmp_path / "p.csv", rows)).piano
    a1, a2 = piano.indicatori()
    assert a1.strutture == ("PROMOZIONE", "ANAGRAFE") and a1.quote == {"PROMOZIONE": 60.0, "ANAGRAFE": 40.0}
    warnings = [p for p in validate_plan(piano) if p.code == "quote"]
    assert [(p.where, p.message) for p in warnings] == [
        ("indicatore A-2", "le quote delle strutture sommano al 90% invece che al 100%")
    ]
    out = tmp_path / "back.csv"
    save_plan(piano, out)
    assert next(load_plan(out).piano.indicatori()).quote == {"PROMOZIONE": 60.0, "ANAGRAFE": 40.0}
