"""The command line, as a controllo di gestione office would use it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cruscotto.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_demo_path_points_to_the_packaged_plan(demo_plan_path):
    r = run("demo", "--path")
    assert r.exit_code == 0 and r.stdout.strip() == str(demo_plan_path)


def test_validate_the_demo_exits_0_with_the_seeds_warnings(demo_plan_path):
    r = run("validate", demo_plan_path, "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["errors"] == []
    weights = {"code": "pesi", "message": "i pesi sommano al 95% invece che al 100%", "where": "scheda SG, sezione G"}
    assert weights in data["warnings"]
    assert all(set(w) == {"code", "message", "where"} for w in data["warnings"])


def test_validate_exits_1_on_errors_and_lists_them(tmp_path, small_plan_file):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        small_plan_file.read_text().replace(
            "fatture passive, polarita: decrescente", "fatture passive, polarita: calante"
        )
    )
    r = run("validate", bad, "--json")
    assert r.exit_code == 1
    (error,) = json.loads(r.stdout)["errors"]
    assert error["code"] == "valore_non_valido" and error["where"].endswith("indicatori[2].polarita")
    human = run("validate", bad)
    assert human.exit_code == 1 and "non valido" in human.stdout


def test_score_json_contract(demo_plan_path, demo_actuals_path):
    r = run("score", demo_plan_path, "--year", "2020", "--actuals", demo_actuals_path, "--json")
    assert r.exit_code == 0, r.stdout
    data = json.loads(r.stdout)
    assert {"year", "entity", "nodes", "indicators", "warnings"} <= set(data)
    assert data["year"] == 2020
    assert set(data["entity"]) >= {"achievement", "status"}
    levels = {n["level"] for n in data["nodes"]}
    assert levels == {"prospettiva", "linea", "obiettivo_strategico", "obiettivo_operativo"}
    for n in data["nodes"]:
        assert {"code", "level", "name", "achievement", "status"} <= set(n)
    statuses = {"raggiunto", "parzialmente_raggiunto", "non_raggiunto", "senza_dati", "in_attesa"}
    for i in data["indicators"]:
        assert {"code", "name", "actual", "target", "achievement", "status", "trace"} <= set(i)
        assert i["status"] in statuses
        assert i["achievement"] is None or 0 <= i["achievement"] <= 100
    d23 = next(i for i in data["indicators"] if i["code"] == "D2-3")
    assert d23["target"] == "-15" and isinstance(d23["actual"], float)
    e13 = next(i for i in data["indicators"] if i["code"] == "E1-3")
    assert e13["actual"] == "2020-08-10"  # dates as ISO strings
    assert data["fund"]["maximum"] == 28063.95 and data["fund"]["provisional"] is True


def test_score_with_t0_and_reference_date(demo_plan_path, demo_actuals_path):
    base = json.loads(run("score", demo_plan_path, "--year", "2020", "--actuals", demo_actuals_path, "--json").stdout)
    later = json.loads(
        run(
            "score",
            demo_plan_path,
            "--year",
            "2020",
            "--actuals",
            demo_actuals_path,
            "--event",
            "T0=2020-09-14",
            "--as-of",
            "2021-03-31",
            "--json",
        ).stdout
    )
    h1 = {d["code"]: d for d in base["indicators"]}["H1-1"]
    h1_later = {d["code"]: d for d in later["indicators"]}["H1-1"]
    assert h1["trace"] != h1_later["trace"]
    assert later["as_of"] == "2021-03-31"


def test_score_a_tabular_file(tmp_path, demo_plan_path):
    out = tmp_path / "piano.xlsx"
    assert run("convert", demo_plan_path, out).exit_code == 0
    a = json.loads(run("score", demo_plan_path, "--year", "2020", "--json").stdout)
    b = json.loads(run("score", out, "--year", "2020", "--json").stdout)
    # The same findings, placed by the sheet's rows for the sheet.
    va, vb = a.pop("validation"), b.pop("validation")
    assert a == b
    assert [(v["code"], v["message"]) for v in va] == [(v["code"], v["message"]) for v in vb]
    assert any(v["where"].startswith("piano.xlsx, riga ") for v in vb)


def test_bad_actuals_file_is_a_clear_error(tmp_path, demo_plan_path):
    bad = tmp_path / "v.csv"
    bad.write_text("codice_indicatore,anno,periodo,valore,nota\nD2-1,2020,,tanti,\n", encoding="utf-8")
    r = run("score", demo_plan_path, "--year", "2020", "--actuals", bad)
    assert r.exit_code == 1
    assert "riga 2, colonna valore" in r.stderr and "'tanti'" in r.stderr


def test_bad_event_option_is_a_clear_error(demo_plan_path):
    r = run("score", demo_plan_path, "--year", "2020", "--event", "T0")
    assert r.exit_code == 1 and "CODICE=AAAA-MM-GG" in r.stderr


def test_human_scorecard_shows_entity_and_fund(demo_plan_path, demo_actuals_path):
    r = run("score", demo_plan_path, "--year", "2020", "--actuals", demo_actuals_path)
    assert r.exit_code == 0
    assert "Performance di ente:" in r.stdout and "28.063,95" in r.stdout


def test_convert_round_trip_through_csv_keeps_the_indicators(tmp_path, demo_plan_path):
    csv_path = tmp_path / "p.csv"
    assert run("convert", demo_plan_path, csv_path).exit_code == 0
    back = tmp_path / "back.yaml"
    assert run("convert", csv_path, back).exit_code == 0
    from cruscotto.files import load_plan

    a, b = load_plan(demo_plan_path).piano, load_plan(back).piano

    def row(i):
        return (
            i.codice,
            i.nome,
            i.peso,
            i.polarita,
            i.cruscotto,
            {y: t.testo for y, t in i.target.items()},
            i.storico,
            i.milestones and len(i.milestones),
        )

    # A CSV carries the indicators only (no events, programmes, scorecards): the rows survive.
    assert [row(i) for i in a.indicatori()] == [row(i) for i in b.indicatori()]


def test_missing_file_is_a_clear_error(tmp_path):
    r = run("score", tmp_path / "nope.yaml", "--year", "2020")
    assert r.exit_code == 1 and "file non trovato" in r.stderr


@pytest.mark.skipif(
    shutil.which("cruscotto") is None and not (sys.prefix and shutil.which("cruscotto", path=sys.prefix + "/bin")),
    reason="console script not installed",
)
def test_the_installed_command_runs():
    exe = shutil.which("cruscotto") or shutil.which("cruscotto", path=sys.prefix + "/bin")
    r = subprocess.run([exe, "demo", "--path"], capture_output=True, text=True, check=False)
    assert r.returncode == 0 and r.stdout.strip().endswith("pistoia-2020-2022.yaml")


def test_validate_lists_every_inconsistency_of_the_seeds_budget_tables():
    from typer.testing import CliRunner

    from cruscotto.cli import app
    from cruscotto.demo import PLAN, demo_path

    r = CliRunner().invoke(app, ["validate", demo_path(PLAN), "--bilancio", demo_path("bilancio"), "--json"])
    assert r.exit_code == 0, r.output
    import json

    warnings = json.loads(r.output)["warnings"]
    budget = [w for w in warnings if w["code"].startswith(("bilancio_", "composizione_"))]
    assert len(budget) == 12
    assert any(
        w["where"] == "preventivo 2020, riga B «Totale oneri correnti», colonna funzione D"
        and "-10.001" in w["message"]
        for w in budget
    )


def test_validate_checks_the_staff_register_against_the_seeds_printed_figures():
    import json

    from typer.testing import CliRunner

    from cruscotto.cli import app
    from cruscotto.demo import PLAN, demo_path

    args = [
        "validate",
        demo_path(PLAN),
        "--personale",
        demo_path("personale.csv"),
        "--personale-stampati",
        demo_path("personale-stampati.csv"),
        "--json",
    ]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    staff = [w for w in json.loads(r.output)["warnings"] if w["code"].startswith("personale_")]
    assert [(w["where"].rsplit(", anno ", 1)[1], w["message"]) for w in staff] == [
        ("2018", "stampato 66%, calcolato 66,67% (4 su 6)"),
        ("2019", "stampato 66%, calcolato 66,67% (4 su 6)"),
    ]


def test_validate_reports_the_seeds_context_disagreements():
    import json

    from typer.testing import CliRunner

    from cruscotto.cli import app
    from cruscotto.demo import PLAN, demo_path

    r = CliRunner().invoke(app, ["validate", demo_path(PLAN), "--contesto", demo_path("contesto"), "--json"])
    assert r.exit_code == 0, r.output
    codes = sorted(w["code"] for w in json.loads(r.output)["warnings"] if w["code"].startswith("contesto_"))
    assert codes == [
        "contesto_colonne_uguali",
        "contesto_confronto",
        "contesto_confronto",
        "contesto_confronto",
        "contesto_ripetuto",
    ]


def test_score_says_a_plans_validation_errors_before_the_figures_and_strict_refuses(tmp_path, small_plan_file):
    text = small_plan_file.read_text(encoding="utf-8").replace(
        'target: {2020: "3", 2021: "3", 2022: "3"}', 'target: {2020: "qualche giorno", 2021: "3", 2022: "3"}'
    )
    plan = tmp_path / "p.yaml"
    plan.write_text(text, encoding="utf-8")
    r = run("score", plan, "--year", 2020)
    assert r.exit_code == 0
    assert "1 errori di validazione nel piano" in r.stderr and "qualche giorno" in r.stderr
    data = json.loads(run("score", plan, "--year", 2020, "--json").stdout)
    assert [v["code"] for v in data["validation"] if v["severity"] == "error"] == ["target_incoerente"]
    strict = run("score", plan, "--year", 2020, "--strict")
    assert strict.exit_code == 1 and "valutazione rifiutata" in strict.stderr


def test_score_gives_the_coverage_of_every_figure(demo_plan_path, demo_actuals_path):
    r = run("score", demo_plan_path, "--year", 2020, "--actuals", demo_actuals_path, "--json")
    data = json.loads(r.stdout)
    cov = data["entity"]["coverage"]
    assert (
        cov["valutati"] + cov["non_valutabili"] + cov["senza_dati"] + cov["in_attesa"] + cov["baseline"]
        == cov["totale"]
    )
    assert cov["testo"].startswith(f"{cov['valutati']} indicatori valutati su ")
    assert all("coverage" in n for n in data["nodes"])
    text = run("score", demo_plan_path, "--year", 2020, "--actuals", demo_actuals_path).stdout
    assert f"Copertura: {cov['testo']}" in text


def test_convert_to_csv_says_what_the_sheet_cannot_carry(demo_plan_path, tmp_path):
    r = run("convert", demo_plan_path, tmp_path / "p.csv")
    assert r.exit_code == 0
    assert "il CSV non porta 21 programmi con i loro budget" in r.stderr and "il fondo" in r.stderr
