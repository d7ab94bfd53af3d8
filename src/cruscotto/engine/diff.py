"""What changed between two versions of a plan: objectives, indicators, targets, weights.

Pure: two engine plans in, a list of changes out, in the plan's order. Used by
the versions page, its CSV export and the audit of a rimodulazione.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Ambito, Indicatore, LineaStrategica, ObiettivoOperativo, ObiettivoStrategico, Piano, Prospettiva
from .numbers import format_value as fmt

# A node of the tree, keyed by its level (one of LEVELS) and code.
Nodo = Ambito | Prospettiva | LineaStrategica | ObiettivoStrategico | ObiettivoOperativo | Indicatore

LEVELS = ("ambito", "prospettiva", "linea", "obiettivo_strategico", "obiettivo_operativo", "indicatore")


@dataclass(frozen=True, slots=True)
class Cambio:
    livello: str  # one of LEVELS
    codice: str
    campo: str  # "aggiunto", "tolto", or the field: "nome", "peso", "target 2021", ...
    prima: str = ""
    dopo: str = ""

    def as_row(self) -> tuple[str, str, str, str, str]:
        return (self.livello, self.codice, self.campo, self.prima, self.dopo)


def _nodes(p: Piano) -> dict[tuple[str, str], Nodo]:
    out: dict[tuple[str, str], Nodo] = {("ambito", a.codice): a for a in p.ambiti}
    for pr in p.prospettive:
        out[("prospettiva", pr.codice)] = pr
        for ln in pr.linee:
            out[("linea", ln.codice)] = ln
            for os_ in ln.obiettivi_strategici:
                out[("obiettivo_strategico", os_.codice)] = os_
                for oo in os_.obiettivi_operativi:
                    out[("obiettivo_operativo", oo.codice)] = oo
    for i in p.indicatori():
        out[("indicatore", i.codice)] = i
    return out


def _fields(x: Nodo) -> dict[str, str]:
    # By type, not by level: _nodes() keys each type under one level.
    f = {"nome": x.nome, "peso": x.peso_testo or ""}
    if not isinstance(x, Indicatore):
        f["risorse"] = x.risorse.testo if x.risorse is not None else ""
    if isinstance(x, Ambito):
        f["prospettive"] = ", ".join(x.prospettive)
    if isinstance(x, ObiettivoStrategico | ObiettivoOperativo):
        f["strutture"] = ", ".join(f"{c} ({fmt(x.quote[c])}%)" if c in x.quote else c for c in x.strutture)
    if isinstance(x, Indicatore):
        f.update(
            {
                "algoritmo": x.algoritmo,
                "formula": x.formula or "",
                "polarità": x.polarita.value,
                "unità": x.unita,
                "strutture": ", ".join(x.strutture),
                "cruscotto": x.cruscotto.value,
                "milestones": "; ".join(f"{m.codice}: {m.scadenza.testo}" for m in x.milestones),
            }
        )
        for y, t in x.target.items():
            f[f"target {y}"] = t.testo
    return f


def diff_plans(a: Piano, b: Piano) -> list[Cambio]:
    """Changes from ``a`` (older) to ``b`` (newer): nodes and indicators added, removed, changed."""
    na, nb = _nodes(a), _nodes(b)
    order = list(nb) + [k for k in na if k not in nb]
    out: list[Cambio] = []
    for key in order:
        level, code = key
        if key not in na:
            out.append(Cambio(level, code, "aggiunto", "", nb[key].nome))
            continue
        if key not in nb:
            out.append(Cambio(level, code, "tolto", na[key].nome, ""))
            continue
        fa, fb = _fields(na[key]), _fields(nb[key])
        for name in list(fb) + [k for k in fa if k not in fb]:
            if fa.get(name, "") != fb.get(name, ""):
                out.append(Cambio(level, code, name, fa.get(name, ""), fb.get(name, "")))
    return out
