"""What changed between two versions of a plan: objectives, indicators, targets, weights; and
between two years' PIAO, its 2.3 (processes, events, assessments, measures, obligations).

Pure: two engine plans in, a list of changes out, in the plan's order. Used by
the versions page, its CSV export and the audit of a rimodulazione.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date

from .model import Ambito, Indicatore, LineaStrategica, ObiettivoOperativo, ObiettivoStrategico, Piano, Prospettiva
from .numbers import format_value as fmt
from .rischi import Registro
from .trasparenza import Obbligo
from .valore_pubblico import ObiettivoImpatto

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


# --- the PIAO's 2.3 from one year's PIAO to the next -------------------------------------------


def _testo(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, tuple | list):
        return "; ".join(_testo(x) for x in v)
    if isinstance(v, Mapping):
        return ", ".join(f"{k}={_testo(x)}" for k, x in sorted(v.items()))
    return str(v)


def diff_voci(livello: str, prima: Sequence[object], dopo: Sequence[object], chiave: str = "codice") -> list[Cambio]:
    """What changed between two lists of records of one kind (dataclasses with a ``chiave``
    field): added, removed, and each field changed, in the new list's order (removed ones last)."""
    a = {getattr(x, chiave): x for x in prima}
    b = {getattr(x, chiave): x for x in dopo}
    out: list[Cambio] = []
    for code, new in b.items():
        old = a.get(code)
        if old is None:
            out.append(Cambio(livello, code, "aggiunto"))
            continue
        for f in fields(new):  # type: ignore[arg-type]
            before, after = _testo(getattr(old, f.name)), _testo(getattr(new, f.name))
            if f.name != chiave and before != after:
                out.append(Cambio(livello, code, f.name, before, after))
    out += [Cambio(livello, code, "tolto") for code in a if code not in b]
    return out


def diff_sezione23(
    prima: Registro | None,
    dopo: Registro | None,
    obblighi_prima: Sequence[Obbligo] | None = (),
    obblighi_dopo: Sequence[Obbligo] | None = (),
) -> list[Cambio]:
    """The 2.3 of a PIAO against the previous year's: processes, events, assessments (by event),
    measures and transparency obligations added, removed or changed."""
    p, d = prima or Registro(), dopo or Registro()
    return [
        *diff_voci("processo", p.processi, d.processi),
        *diff_voci("evento", p.eventi, d.eventi),
        *diff_voci("valutazione", p.valutazioni, d.valutazioni, chiave="evento"),
        *diff_voci("misura", p.misure, d.misure),
        *diff_voci("obbligo", obblighi_prima or (), obblighi_dopo or ()),
    ]


def diff_valore_pubblico(prima: Sequence[ObiettivoImpatto], dopo: Sequence[ObiettivoImpatto]) -> list[Cambio]:
    """2.1 against the previous year's: impact objectives (their name, description, strategic
    objectives and tags) and their indicators (name, polarity, unit, baseline, targets) added,
    removed or changed."""

    def senza_indicatori(os_: Sequence[ObiettivoImpatto]) -> list[ObiettivoImpatto]:
        return [replace(o, indicatori=()) for o in os_]

    def indicatori(os_: Sequence[ObiettivoImpatto]) -> list[_IndicatoreImpatto]:
        return [
            _IndicatoreImpatto(
                i.codice,
                i.nome,
                i.polarita.value,
                i.unita,
                i.baseline.testo if i.baseline else "",
                {a: t.testo for a, t in i.target.items()},
            )
            for o in os_
            for i in o.indicatori
        ]

    return [
        *diff_voci("obiettivo di impatto", senza_indicatori(prima), senza_indicatori(dopo)),
        *diff_voci("indicatore di impatto", indicatori(prima), indicatori(dopo)),
    ]


@dataclass(frozen=True, slots=True)
class _IndicatoreImpatto:
    """What of an impact indicator a reader compares from one year to the next."""

    codice: str
    nome: str
    polarita: str
    unita: str
    baseline: str
    target: dict[int, str]
