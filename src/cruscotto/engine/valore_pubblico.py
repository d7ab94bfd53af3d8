"""PIAO 2.1, Valore pubblico: the impact the body means to have on its community, as objectives
with indicators, each linked to the strategic objectives of the performance plan that produce it
(DM 132/2022, art. 3 c. 1 lett. a), and tagged with the frameworks the PIAO's guide names: the UN
Sustainable Development Goals (1-17), ISTAT's BES domains (the 12 of *Benessere equo e
sostenibile*), and the missions of the PNRR.

An impact indicator is an indicator like any other (``engine/model.Indicatore``: baseline,
targets, polarity), entered and scored by the same engine. An impact objective's figure is the
weighted mean of the achievements of its indicators that can be scored, with their weights
(equal when none is given); an indicator without a figure is left out and its result says why,
and an objective with nothing to score has no figure, with the reason. Impact is measured
over years and often by others' statistics, so no missing value is counted as zero here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import ParseError, Problem, codici_ripetuti
from .lingua import _
from .model import Dato, Indicatore, Polarita, Regole
from .numbers import parse_value
from .scoring import RisultatoIndicatore, Valori, score_indicator
from .targets import parse_target

SDG = range(1, 18)
# ISTAT, Rapporto BES: the twelve domains.
BES = (
    "Salute",
    "Istruzione e formazione",
    "Lavoro e conciliazione dei tempi di vita",
    "Benessere economico",
    "Relazioni sociali",
    "Politica e istituzioni",
    "Sicurezza",
    "Benessere soggettivo",
    "Paesaggio e patrimonio culturale",
    "Ambiente",
    "Innovazione, ricerca e creatività",
    "Qualità dei servizi",
)
# The PNRR's missions (M7, REPowerEU, added by the 2023 revision).
PNRR = ("M1", "M2", "M3", "M4", "M5", "M6", "M7")


@dataclass(frozen=True, slots=True)
class ObiettivoImpatto:
    codice: str
    nome: str
    obiettivi_strategici: tuple[str, ...]  # the plan's strategic objectives that produce it
    indicatori: tuple[Indicatore, ...] = ()
    sdg: tuple[int, ...] = ()
    bes: tuple[str, ...] = ()
    pnrr: tuple[str, ...] = ()
    descrizione: str = ""


@dataclass(frozen=True, slots=True)
class RisultatoImpatto:
    codice: str
    achievement: float | None  # None: nothing to score
    indicatori: tuple[RisultatoIndicatore, ...]
    motivo: str = ""  # why there is no figure


def controlla(
    obiettivi: Sequence[ObiettivoImpatto], *, strategici: Iterable[str], anni: Sequence[int] = ()
) -> list[Problem]:
    """Each problem at its place: codes repeated (objectives and indicators, which share the plan's
    code space with the plan's own indicators only if the caller checks it), an objective linked to
    no strategic objective or to one the plan has not, tags outside their frameworks, and, as
    warnings, an objective without indicators and an indicator without a baseline or without a
    target for one of the plan's years."""
    problems = codici_ripetuti(((o.codice, f"valore pubblico {o.codice}") for o in obiettivi), "vp_codice_doppio")
    problems += codici_ripetuti(
        ((i.codice, f"valore pubblico {o.codice}, indicatore {i.codice}") for o in obiettivi for i in o.indicatori),
        "vp_codice_doppio",
    )
    known = set(strategici)
    for o in obiettivi:
        where = f"valore pubblico {o.codice}"
        problems += _collegamenti(o, known, where) + _etichette(o, where)
        if not o.indicatori:
            problems.append(Problem("vp_senza_indicatori", _("nessun indicatore di impatto"), where, "warning"))
        for ind in o.indicatori:
            w = f"{where}, indicatore {ind.codice}"
            if ind.baseline is None and not ind.storico:
                problems.append(Problem("vp_baseline", _("manca la baseline"), w, "warning"))
            for a in anni:
                if a not in ind.target:
                    problems.append(Problem("vp_target", _("manca il target {a}").format(a=a), w, "warning"))
    return problems


def _collegamenti(o: ObiettivoImpatto, known: set[str], where: str) -> list[Problem]:
    if not o.obiettivi_strategici:
        return [Problem("vp_collegamento", _("nessun obiettivo strategico che lo produca"), where)]
    message = _("obiettivo strategico sconosciuto: {s}")
    return [Problem("vp_collegamento", message.format(s=s), where) for s in o.obiettivi_strategici if s not in known]


def _etichette(o: ObiettivoImpatto, where: str) -> list[Problem]:
    out = [
        Problem("vp_sdg", _("obiettivo SDG inesistente (1-17): {g}").format(g=g), where) for g in o.sdg if g not in SDG
    ]
    out += [Problem("vp_bes", _("dominio BES sconosciuto: {b}").format(b=b), where) for b in o.bes if b not in BES]
    message = _("missione PNRR sconosciuta ({ammesse}): {m}")
    out += [Problem("vp_pnrr", message.format(ammesse=", ".join(PNRR), m=m), where) for m in o.pnrr if m not in PNRR]
    return out


def punteggi(
    obiettivi: Sequence[ObiettivoImpatto],
    *,
    anno: int,
    valori: Valori,
    regole: Regole,
    as_of: date,
    eventi: Mapping[str, date | None] | None = None,
) -> list[RisultatoImpatto]:
    """Each impact objective's indicators scored by the engine, and the objective's figure."""
    out = []
    for o in obiettivi:
        results = []
        for ind in o.indicatori:
            r, _warnings = score_indicator(
                ind, anno=anno, valori=valori, eventi=eventi or {}, as_of=as_of, regole=regole
            )
            results.append(r)
        scored = [(ind, r) for ind, r in zip(o.indicatori, results, strict=True) if r.achievement is not None]
        if not scored:
            motivo = _("nessun indicatore valutabile") if o.indicatori else _("nessun indicatore di impatto")
            out.append(RisultatoImpatto(o.codice, None, tuple(results), motivo))
            continue
        weights = [ind.peso if ind.peso is not None else 1.0 for ind, _r in scored]
        total = sum(weights)
        if total <= 0:
            out.append(RisultatoImpatto(o.codice, None, tuple(results), _("pesi tutti nulli")))
            continue
        figure = sum(w * (r.achievement or 0.0) for w, (_i, r) in zip(weights, scored, strict=True)) / total
        out.append(RisultatoImpatto(o.codice, figure, tuple(results)))
    return out


def valore_pubblico_to_data(obiettivi: Sequence[ObiettivoImpatto]) -> list[dict[str, Any]]:
    """The impact objectives as JSON-ready data. An indicator keeps what 2.1 gives it (code, name,
    polarity, unit, source, weight, baseline and its year, targets as printed); the targets are
    read again from their text, as the plan's are."""
    return [
        {
            "codice": o.codice,
            "nome": o.nome,
            "descrizione": o.descrizione,
            "obiettivi_strategici": list(o.obiettivi_strategici),
            "sdg": list(o.sdg),
            "bes": list(o.bes),
            "pnrr": list(o.pnrr),
            "indicatori": [_indicatore_to_data(i) for i in o.indicatori],
        }
        for o in obiettivi
    ]


def _indicatore_to_data(i: Indicatore) -> dict[str, Any]:
    return {
        "codice": i.codice,
        "nome": i.nome,
        "polarita": i.polarita.value,
        "unita": i.unita,
        "fonte": i.fonte,
        "peso": i.peso,
        "peso_testo": i.peso_testo,
        "baseline": i.baseline.testo if i.baseline is not None else None,
        "baseline_anno": i.baseline_anno,
        "target": {str(y): t.testo for y, t in sorted(i.target.items())},
    }


def _dato(testo: str) -> Dato:
    """A printed figure with its value (None for a note such as "n.d.")."""
    try:
        return Dato(testo, parse_value(testo))
    except ParseError:
        return Dato(testo, None)


def valore_pubblico_from_data(rows: Iterable[Mapping[str, Any]]) -> tuple[ObiettivoImpatto, ...]:
    """The impact objectives back from :func:`valore_pubblico_to_data`."""
    return tuple(
        ObiettivoImpatto(
            codice=o["codice"],
            nome=o["nome"],
            obiettivi_strategici=tuple(o.get("obiettivi_strategici", ())),
            indicatori=tuple(
                Indicatore(
                    codice=i["codice"],
                    nome=i["nome"],
                    polarita=Polarita(i.get("polarita", Polarita.CRESCENTE.value)),
                    unita=i.get("unita", ""),
                    fonte=i.get("fonte", ""),
                    peso=i.get("peso"),
                    peso_testo=i.get("peso_testo"),
                    baseline=_dato(i["baseline"]) if i.get("baseline") is not None else None,
                    baseline_anno=i.get("baseline_anno"),
                    target={
                        int(y): t for y, text in i.get("target", {}).items() if (t := parse_target(text, anno=int(y)))
                    },
                )
                for i in o.get("indicatori", ())
            ),
            sdg=tuple(o.get("sdg", ())),
            bes=tuple(o.get("bes", ())),
            pnrr=tuple(o.get("pnrr", ())),
            descrizione=o.get("descrizione", ""),
        )
        for o in rows
    )
