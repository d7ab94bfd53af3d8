"""Checking plan data against the published JSON Schema (docs/plan.schema.json).

The schema catches what the reader alone would not: a misspelled key (which
would silently drop a part of the plan), a list where an object belongs.
jsonschema's messages are English; the common ones are said again in Italian.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator

from ..engine.errors import Problem

SCHEMA_FILE = "plan.schema.json"


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    schema = json.loads(files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _path(parts: Iterable[str | int]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _message(err: Any) -> str:  # a jsonschema ValidationError (jsonschema ships no types)
    v = err.validator
    if v == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f"chiave non prevista: {', '.join(repr(k) for k in extra)}"
    if v == "required":
        missing = [k for k in err.validator_value if k not in err.instance]
        return f"campo obbligatorio mancante: {', '.join(missing)}"
    if v == "enum":
        allowed = ", ".join(str(x) for x in err.validator_value if x is not None)
        return f"valore non ammesso {err.instance!r} (ammessi: {allowed})"
    if v == "type":
        expected = err.validator_value if isinstance(err.validator_value, str) else "/".join(err.validator_value)
        return f"tipo non valido: {err.instance!r} (atteso {expected})"
    message: str = err.message
    return message


def schema_problems(data: Any) -> list[Problem]:
    """Schema violations as problems with their path (``prospettive[0].linee[1].nome``)."""
    # YAML gives int year keys and date objects; the schema speaks JSON.
    plain = json.loads(json.dumps(data, default=str))
    problems = []
    for err in sorted(validator().iter_errors(plain), key=lambda e: list(map(str, e.absolute_path))):
        # "schema_tipo": a value of the wrong shape, which the reader cannot walk safely.
        code = "schema_tipo" if err.validator == "type" else "schema"
        problems.append(Problem(code, _message(err), _path(err.absolute_path)))
    return problems
