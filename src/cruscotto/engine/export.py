"""Results as plain JSON-ready data: the stable contract of ``cruscotto score --json``.

docs/cli.md documents every key. Keys are only ever added, never renamed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .numbers import Value
from .rollup import RisultatoPiano


def json_value(v: Value | None) -> float | bool | str | None:
    if isinstance(v, date):
        return v.isoformat()
    return v


def result_to_dict(r: RisultatoPiano) -> dict[str, Any]:
    return {
        "year": r.anno,
        "as_of": r.as_of.isoformat(),
        "entity": {
            "achievement": r.achievement,
            "status": r.stato.value,
            "coverage": r.copertura.as_dict(),
            "trace": r.entity_trace,
        },
        "nodes": [
            {
                "code": n.codice,
                "level": n.livello,
                "name": n.nome,
                "achievement": n.achievement,
                "status": n.stato.value,
                "scope": n.cruscotto,
                "parent": n.padre,
                "coverage": n.copertura.as_dict(),
                "trace": n.trace,
            }
            for n in r.nodi
        ],
        "indicators": [
            {
                "code": i.codice,
                "name": i.nome,
                "actual": json_value(i.actual),
                "target": i.target.testo if i.target else None,
                "achievement": i.achievement,
                "status": i.stato.value,
                "scope": i.cruscotto,
                "trace": i.trace,
            }
            for i in r.indicatori
        ],
        "scorecards": [
            {
                "code": s.codice,
                "name": s.nome,
                "year": s.anno,
                "achievement": s.achievement,
                "status": s.stato.value,
                "coverage": s.copertura.as_dict(),
                "sections": list(s.sezioni),
                "trace": s.trace,
            }
            for s in r.schede
        ],
        "fund": (
            {
                "name": r.fondo.nome,
                "year": r.fondo.anno,
                "maximum": r.fondo.importo_massimo,
                "amount": r.fondo.importo,
                "share": r.fondo.quota,
                "provisional": r.fondo.provvisorio,
                "projects": list(r.fondo.progetti),
                "trace": r.fondo.trace,
            }
            if r.fondo
            else None
        ),
        "warnings": list(r.warnings),
    }
