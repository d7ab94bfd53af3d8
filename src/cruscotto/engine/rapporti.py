"""Ratios of the accounts, computed from base measures by year (docs/bilancio.md).

The seed's section 1.3 prints the Pareto system's ratios (*Ratios di bilancio*)
for 2016-2018 with their numerator and denominator and the cluster average;
its section 3.2 prints some of the same ratios again as the history and
cluster average of the plan's indicators. Here a ratio is a formula over base
measures (the measures the plan's formulas read, by year): the value is
computed for every year whose measures are known, and checked against what
is printed, in the ratio's table and in the indicator it names. Nothing is
corrected: a disagreement is a finding with both figures.

The same measures computed through the plan's own formulas give, from the
preventivo, the value each economic-financial indicator will have if the
budget is met: ``previsioni``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import FormulaError, Problem
from .formulas import Esito, compile_formula, evaluate
from .lingua import _
from .model import Piano
from .numbers import split_number
from .scoring import Outcome, fmt, score_one

NON_DISPONIBILE = ("n/d", "nd", "n.d.", "-", "—")  # printed for a year with no figure


def printed_number(text: str | None) -> float | None:
    """The figure of a printed cell ("29,02", "14,17%"), None for "N/D", "-" or a note."""
    if text is None or text.strip().lower() in NON_DISPONIBILE:
        return None
    parts = split_number(text)
    return parts[0] if parts and parts[1].strip() in ("", "%") else None


def half_unit(text: str) -> float:
    """Half the last printed digit: how far the unrounded value may be from the figure."""
    digits = text.strip().rstrip("%").strip()
    decimals = len(digits.rsplit(",", 1)[1]) if "," in digits else 0
    return 0.5 * 10.0**-decimals  # 10.0: int ** -int is a float, but typed Any


@dataclass(frozen=True, slots=True)
class Rapporto:
    """A ratio as printed: its formula over base measures, the printed value by year, the cluster average."""

    codice: str
    nome: str
    formula: str
    stampati: dict[int, str] = field(default_factory=dict)  # year -> the printed cell
    media_cluster: str | None = None
    anno_cluster: int | None = None
    indicatore: str | None = None  # the plan indicator that prints the same ratio
    fonte: str = ""


@dataclass(frozen=True, slots=True)
class ValoreRapporto:
    anno: int
    esito: Esito  # computed from that year's measures (or the reason it could not be)
    stampato: str | None

    @property
    def valore(self) -> float | None:
        return self.esito.valore

    @property
    def concorda(self) -> bool | None:
        """Whether the printed figure is the computed one rounded as printed; None if either is missing."""
        printed = printed_number(self.stampato)
        if self.stampato is None or printed is None or self.esito.valore is None:  # no printed text, no printed figure
            return None
        return abs(self.esito.valore - printed) <= half_unit(self.stampato) + 1e-9


def misure_per_anno(misure: Mapping[tuple[str, int], float]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for (nome, anno), v in misure.items():
        out.setdefault(anno, {})[nome] = v
    return out


def valori(r: Rapporto, misure: Mapping[tuple[str, int], float]) -> list[ValoreRapporto]:
    """The ratio for every year it is printed or its measures are all known."""
    by_year = misure_per_anno(misure)
    formula = compile_formula(r.formula)
    out = []
    for anno in sorted(set(r.stampati) | set(by_year)):
        esito = evaluate(formula, by_year.get(anno, {}))
        if anno in r.stampati or esito.valore is not None:
            out.append(ValoreRapporto(anno, esito, r.stampati.get(anno)))
    return out


def tabella(
    rapporti: Iterable[Rapporto], misure: Mapping[tuple[str, int], float]
) -> tuple[list[int], list[tuple[Rapporto, dict[int, ValoreRapporto]]]]:
    """The ratios by year, as a table: the years (columns), and each ratio with its values by year."""
    rows = [(r, {v.anno: v for v in valori(r, misure)}) for r in rapporti]
    return sorted({y for _r, per_anno in rows for y in per_anno}), rows


def _where(r: Rapporto, anno: int | None = None) -> str:
    return f"rapporti, {r.codice}" + (f", {anno}" if anno is not None else "")


def check_rapporti(
    rapporti: Iterable[Rapporto], misure: Mapping[tuple[str, int], float], piano: Piano | None = None
) -> list[Problem]:
    """Each printed ratio against its measures, and against the plan indicator that prints it again."""
    out: list[Problem] = []
    for r in rapporti:
        try:
            compile_formula(r.formula)
        except FormulaError as exc:
            out.append(Problem("rapporto_formula", str(exc), _where(r)))
            continue
        computed = valori(r, misure)
        for v in computed:
            printed = printed_number(v.stampato)
            if printed is None:
                continue
            if v.valore is None:
                out.append(
                    Problem(
                        "rapporto_non_verificabile",
                        f"{r.nome}, {v.anno}: stampato {v.stampato}, {v.esito.motivo}",
                        _where(r, v.anno),
                        "warning",
                    )
                )
            elif not v.concorda:
                out.append(
                    Problem(
                        "rapporto_stampato",
                        _("{nome}, {anno}: stampato {stampato}, dalle misure {calcolato}").format(
                            nome=r.nome, anno=v.anno, stampato=v.stampato, calcolato=fmt(round(v.valore, 2))
                        ),
                        _where(r, v.anno),
                        "warning",
                    )
                )
        if r.indicatore and piano is not None:
            out += _check_indicatore(r, computed, piano)
    return out


def _check_indicatore(r: Rapporto, computed: list[ValoreRapporto], piano: Piano) -> list[Problem]:
    assert r.indicatore is not None  # the caller checks it
    ind = piano.indicatore(r.indicatore)
    if ind is None:
        return [
            Problem(
                "rapporto_indicatore",
                _("{nome}: l'indicatore {indicatore} non è nel piano").format(nome=r.nome, indicatore=r.indicatore),
                _where(r),
                "warning",
            )
        ]
    out = []
    for v in computed:
        dato = ind.storico.get(v.anno)
        shown = printed_number(dato.testo) if dato else None
        # The ratio's own printed figure where there is one, else the computed value.
        ours, ours_text = (
            (printed_number(v.stampato), v.stampato) if printed_number(v.stampato) is not None else (v.valore, None)
        )
        if dato is None or shown is None or ours is None:  # no dato, nothing shown
            continue
        tolerance = half_unit(dato.testo) + (half_unit(ours_text) if ours_text else 0)
        if abs(shown - ours) > tolerance + 1e-9:
            out.append(
                Problem(
                    "rapporto_indicatore",
                    _("{indicatore}, {anno}: l'indicatore stampa {dato}, il rapporto «{nome}» {nostro}").format(
                        indicatore=r.indicatore,
                        anno=v.anno,
                        dato=dato.testo,
                        nome=r.nome,
                        nostro=ours_text or fmt(round(ours, 2)),
                    ),
                    _where(r, v.anno),
                    "warning",
                )
            )
    if ind.media_cluster and r.media_cluster:
        a, b = printed_number(ind.media_cluster.testo), printed_number(r.media_cluster)
        if (
            a is not None
            and b is not None
            and abs(a - b) > half_unit(ind.media_cluster.testo) + half_unit(r.media_cluster) + 1e-9
        ):
            out.append(
                Problem(
                    "rapporto_indicatore",
                    _(
                        "{indicatore}: media cluster stampata {media_cluster} nell'indicatore, "
                        "{media_cluster_rapporto} nel rapporto «{nome}»"
                    ).format(
                        indicatore=r.indicatore,
                        media_cluster=ind.media_cluster.testo,
                        media_cluster_rapporto=r.media_cluster,
                        nome=r.nome,
                    ),
                    _where(r),
                    "warning",
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class Previsione:
    """An indicator computed by its own formula from the budget's measures, beside its target."""

    codice: str
    nome: str
    formula: str
    per_anno: dict[int, Esito]  # e.g. the preventivo's year and its forecast of the year before
    esiti: dict[int, Outcome]  # for the years with a target: what the computed value would score


def previsioni(piano: Piano, misure: Mapping[tuple[str, int], float]) -> list[Previsione]:
    """Every indicator with a formula that the given measures compute, in at least one year,
    scored against its target where the plan has one for that year (as if the budget were the
    actual: the question a controller asks of a preventivo)."""
    by_year = misure_per_anno(misure)
    eventi = piano.date_eventi()
    out = []
    for ind in piano.indicatori():
        if not ind.formula:
            continue
        per_anno = {anno: evaluate(ind.formula, ms) for anno, ms in sorted(by_year.items())}
        if not any(e.valore is not None for e in per_anno.values()):
            continue
        esiti = {
            anno: score_one(
                polarita=ind.polarita,
                target=ind.target[anno],
                actual=e.valore,
                eventi=eventi,
                as_of=date(anno, 12, 31),
                regole=piano.regole,
            )
            for anno, e in per_anno.items()
            if e.valore is not None and anno in ind.target
        }
        out.append(Previsione(ind.codice, ind.nome, ind.formula, per_anno, esiti))
    return out


# --- as plain data (JSON) ----------------------------------------------------------------------


def rapporto_to_data(r: Rapporto) -> dict[str, Any]:
    return {
        "codice": r.codice,
        "nome": r.nome,
        "formula": r.formula,
        "stampati": {str(y): t for y, t in r.stampati.items()},
        "media_cluster": r.media_cluster,
        "anno_cluster": r.anno_cluster,
        "indicatore": r.indicatore,
        "fonte": r.fonte,
    }


def rapporto_from_data(d: dict[str, Any]) -> Rapporto:
    return Rapporto(
        d["codice"],
        d["nome"],
        d["formula"],
        {int(y): t for y, t in d.get("stampati", {}).items()},
        d.get("media_cluster"),
        d.get("anno_cluster"),
        d.get("indicatore"),
        d.get("fonte", ""),
    )
