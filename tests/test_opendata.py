"""Open data: a valid Frictionless Data Package with the seed's figures."""

from __future__ import annotations

import csv
import json

from frictionless import Package, validate
from typer.testing import CliRunner

from cruscotto.cli import app


def test_the_open_data_package_is_valid_and_carries_the_figures(demo_plan_path, demo_actuals_path, tmp_path):
    r = CliRunner().invoke(
        app,
        [
            "opendata",
            str(demo_plan_path),
            "--year",
            "2020",
            "--actuals",
            str(demo_actuals_path),
            "-o",
            str(tmp_path / "od"),
        ],
    )
    assert r.exit_code == 0, r.stdout
    d = tmp_path / "od"
    report = validate(str(d / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(d / "datapackage.json"))
    assert package.licenses[0]["name"] == "CC-BY-4.0"
    assert {res.name for res in package.resources} == {"albero", "indicatori", "target", "risultati", "fondo"}
    with open(d / "target.csv", encoding="utf-8") as fh:
        targets = {(row["codice"], row["anno"]): row for row in csv.DictReader(fh)}
    assert targets[("D2-3", "2021")]["target"] == "-16" and float(targets[("D2-3", "2021")]["valore"]) == -16
    assert targets[("A.3.4-1", "2020")]["target"] == "90%"
    fondo = json.loads((d / "fondo.json").read_text(encoding="utf-8"))
    assert fondo[0]["importo_massimo"] == 28063.95 and fondo[0]["provvisorio"] is True
    assert "datapackage.json" in (d / "index.html").read_text(encoding="utf-8")
