"""The JSON Schema of the native plan file (``cruscotto/piano@1``).

The schema ships in the package (``cruscotto/files/plan.schema.json``) and is
published as ``docs/plan.schema.json``; the two copies must be identical.
YAML data go through a JSON round trip before validation, as a JSON file of the
same plan would: integer year keys (``storico: {2018: ...}``) become strings.
"""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from cruscotto.files.native import load_native, plan_to_data

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = files("cruscotto.files") / "plan.schema.json"
PUBLISHED = ROOT / "docs" / "plan.schema.json"


def _json(data):
    return json.loads(json.dumps(data))


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(PACKAGED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def demo_data(demo_plan_path) -> dict:
    return _json(yaml.safe_load(demo_plan_path.read_text(encoding="utf-8")))


def _errors(validator, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def test_the_schema_is_a_valid_draft_2020_12_schema(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_published_copy_is_identical_to_the_packaged_one():
    assert PUBLISHED.read_bytes() == PACKAGED.read_bytes()


def _subschemas(node, where="#"):
    if isinstance(node, dict):
        yield where, node
        for k, v in node.items():
            yield from _subschemas(v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _subschemas(v, f"{where}/{i}")


def test_every_object_is_closed_and_every_property_described(schema):
    for where, node in _subschemas(schema):
        if "properties" in node and isinstance(node["properties"], dict) and not where.endswith("/properties"):
            assert node.get("additionalProperties") is False, f"{where}: additionalProperties must be false"
            for name, prop in node["properties"].items():
                described = "description" in prop or (
                    "$ref" in prop and "description" in schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]
                )
                assert described, f"{where}/properties/{name}: no description"


def test_the_demo_plan_validates(validator, demo_data):
    assert _errors(validator, demo_data) == []


def test_the_small_test_plan_validates(validator, small_plan_file):
    assert _errors(validator, _json(yaml.safe_load(small_plan_file.read_text(encoding="utf-8")))) == []


def test_a_plan_written_by_the_writer_validates(validator, demo_plan_path):
    data = _json(plan_to_data(load_native(demo_plan_path)))
    assert _errors(validator, data) == []


def test_a_minimal_plan_validates(validator):
    assert _errors(validator, {"ente": {"codice": "E", "nome": "Ente"}, "piano": {"anni": [2020]}}) == []


def _op(data):  # first operational objective of the demo
    return data["prospettive"][0]["linee"][0]["obiettivi_strategici"][0]["obiettivi_operativi"][0]


OP = "prospettive/0/linee/0/obiettivi_strategici/0/obiettivi_operativi/0"


def _rename(d: dict, old: str, new: str) -> None:
    d[new] = d.pop(old)


def _milestone_indicator(data) -> dict:
    for p in data["prospettive"]:
        for ln in p.get("linee") or []:
            for os_ in ln.get("obiettivi_strategici") or []:
                holders = [os_, *(os_.get("obiettivi_operativi") or [])]
                for i in (i for h in holders for i in h.get("indicatori") or []):
                    if i.get("milestones"):
                        return i
    raise AssertionError("the demo has no milestone indicator")


BROKEN = [
    pytest.param(
        lambda d: _rename(d["prospettive"][0]["linee"][0], "obiettivi_strategici", "obbiettivi_strategici"),
        "prospettive/0/linee/0: Additional properties are not allowed ('obbiettivi_strategici' was unexpected)",
        id="misspelled-key-in-the-tree",
    ),
    pytest.param(
        lambda d: _rename(d, "schede_individuali", "schede_individuale"),
        ": Additional properties are not allowed ('schede_individuale' was unexpected)",
        id="misspelled-top-level-key",
    ),
    pytest.param(
        lambda d: _op(d)["indicatori"][0].update(polarita="crescete"),
        f"{OP}/indicatori/0/polarita: 'crescete' is not one of",
        id="wrong-polarita",
    ),
    pytest.param(
        lambda d: _op(d).update(cruscotto="settore"),
        f"{OP}/cruscotto: 'settore' is not one of",
        id="wrong-cruscotto",
    ),
    pytest.param(lambda d: d["ente"].pop("codice"), "ente: 'codice' is a required property", id="missing-ente-codice"),
    pytest.param(lambda d: d["piano"].pop("anni"), "piano: 'anni' is a required property", id="missing-piano-anni"),
    pytest.param(lambda d: d["piano"].update(anni=[]), "piano/anni: [] should be non-empty", id="no-plan-years"),
    pytest.param(lambda d: d.pop("ente"), ": 'ente' is a required property", id="missing-ente"),
    pytest.param(
        lambda d: _op(d)["indicatori"][0].pop("nome"),
        f"{OP}/indicatori/0: 'nome' is a required property",
        id="missing-indicator-name",
    ),
    pytest.param(
        lambda d: _op(d)["indicatori"][0]["target"].update({"2O21": "90%"}),
        f"{OP}/indicatori/0/target: '2O21' does not match",
        id="target-year-not-a-year",
    ),
    pytest.param(
        lambda d: _op(d)["indicatori"][0]["target"].update({"2020": ["90%"]}),
        f"{OP}/indicatori/0/target/2020: ['90%'] is not of type",
        id="target-not-a-printed-value",
    ),
    pytest.param(
        lambda d: _op(d)["indicatori"][0].update(peso=-10),
        f"{OP}/indicatori/0/peso: -10 is less than the minimum of 0",
        id="negative-weight",
    ),
    pytest.param(
        lambda d: _op(d)["indicatori"][0].update(storico=["99%"]),
        f"{OP}/indicatori/0/storico: ['99%'] is not of type",
        id="storico-not-by-year",
    ),
    pytest.param(
        lambda d: _milestone_indicator(d)["milestones"][0].pop("scadenza"),
        "milestones/0: 'scadenza' is a required property",
        id="milestone-without-due-date",
    ),
    pytest.param(
        lambda d: d["regole"].update(fasce_modo="lineari"),
        "regole/fasce_modo: 'lineari' is not one of",
        id="wrong-fasce-modo",
    ),
    pytest.param(
        lambda d: d["regole"].update(dati_mancanti="ignora"),
        "regole/dati_mancanti: 'ignora' is not one of",
        id="wrong-dati-mancanti",
    ),
    pytest.param(
        lambda d: d["regole"].update(fasce=[{"da": 0}]),
        "regole/fasce/0: 'punteggio' is a required property",
        id="band-without-score",
    ),
    pytest.param(lambda d: d.update(regole=80), "regole: 80 is not of type", id="rules-not-an-object"),
    pytest.param(
        lambda d: d["strutture"][0].update(tipo="ufficio"),
        "strutture/0/tipo: 'ufficio' is not one of",
        id="wrong-structure-kind",
    ),
    pytest.param(
        lambda d: d["eventi"][0].update(data="2020/12/31"),
        "eventi/0/data: '2020/12/31' does not match",
        id="event-date-not-a-date",
    ),
    pytest.param(
        lambda d: _rename(d["programmi"][0]["totale_stampato"], "proventi", "provento"),
        "programmi/0/totale_stampato: Additional properties are not allowed ('provento' was unexpected)",
        id="misspelled-budget-field",
    ),
    pytest.param(
        lambda d: d["fondo"].pop("importo_massimo"),
        "fondo: 'importo_massimo' is a required property",
        id="fund-without-amount",
    ),
    pytest.param(
        lambda d: d["fondo"].update(importo="1"),
        "fondo: Additional properties are not allowed ('importo' was unexpected)",
        id="fund-typo",
    ),
    pytest.param(
        lambda d: d["schede_individuali"][0].pop("anno"),
        "schede_individuali/0: 'anno' is a required property",
        id="scorecard-without-year",
    ),
    pytest.param(
        lambda d: d["schede_individuali"][0]["sezioni"][0]["voci"][0].update(polarita="si/no", traget="si"),
        "schede_individuali/0/sezioni/0/voci/0: Additional properties are not allowed ('traget' was unexpected)",
        id="misspelled-scorecard-item-key",
    ),
    pytest.param(
        lambda d: d.update(formato="cruscotto/piano@2"), "formato: 'cruscotto/piano@2' is not one of", id="other-format"
    ),
    pytest.param(lambda d: _op(d).update(codice=341), f"{OP}/codice: 341 is not of type 'string'", id="numeric-code"),
]


@pytest.mark.parametrize(("breaks", "expected"), BROKEN)
def test_a_broken_plan_fails_with_its_place(validator, demo_data, breaks, expected):
    data = copy.deepcopy(demo_data)
    breaks(data)
    errors = _errors(validator, data)
    # ``expected`` is the error's whole path and message, or its tail from a path segment on.
    assert any(e.startswith(expected) or f"/{expected}" in e for e in errors), errors
