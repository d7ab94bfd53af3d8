"""Scoring one indicator against its target, by the SMVP's rules (DOMAIN.md).

Every function here takes values and returns values: no clock (the reference
date ``as_of`` is an argument), no database, no files. Each result carries the
steps that produced it, in Italian, so a number on a screen can be explained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from . import display
from .formulas import evaluate
from .lingua import N_, Testi, _
from .model import Indicatore, Milestone, Polarita, Regole
from .numbers import Value
from .targets import BASE_BASELINE, BASE_PRECEDENTE, Target, TargetKind, describe_base


class Stato(StrEnum):
    RAGGIUNTO = "raggiunto"
    PARZIALE = "parzialmente_raggiunto"
    NON_RAGGIUNTO = "non_raggiunto"
    SENZA_DATI = "senza_dati"  # no value entered
    NON_VALUTABILE = "non_valutabile"  # a value, but no readable target or base: with the reason
    IN_ATTESA = "in_attesa"  # waiting for an event's date or a deadline
    BASELINE = "baseline"  # the year builds the base of later relative targets: shown, not scored
    NEUTRALIZZATO = "neutralizzato"  # left out of the score by a recorded decision (who, act, date, reason)


# The one table of status labels, in Italian: documents, charts and the command line use it;
# the web's translated labels (performance/templatetags) are checked against it by a test.
STATO_TESTO: Testi[Stato] = Testi(
    {
        Stato.RAGGIUNTO: N_("raggiunto"),
        Stato.PARZIALE: N_("parzialmente raggiunto"),
        Stato.NON_RAGGIUNTO: N_("non raggiunto"),
        Stato.SENZA_DATI: N_("senza dati"),
        Stato.NON_VALUTABILE: N_("non valutabile"),
        Stato.IN_ATTESA: N_("in attesa"),
        Stato.BASELINE: N_("baseline"),
        Stato.NEUTRALIZZATO: N_("neutralizzato"),
    }
)


# Functions in traces take their arguments as an Italian spreadsheet does: "max(0; 1,8)", the
# comma being the decimal separator (issue 14).
RULES_TEXT: Testi[str] = Testi(
    {
        "crescente": N_("più alto è meglio: T > 0 → a = min(100; max(0; A) / T × 100); T = 0 → 100 se A ≥ 0"),
        "decrescente": N_(
            "più basso è meglio: A ≤ T → 100; T > 0 → a = T / A × 100; "
            "T < 0 → a = max(0; 100 − (A − T) / |T| × 100); T = 0 e A > 0 → 0"
        ),
        "scadenza": N_("scadenza: fatto entro la data → 100; in ritardo o non fatto → 0 (salvo fasce di ritardo)"),
        "si/no": N_("sì/no: sì → 100, no → 0"),
        "milestone": N_(
            "milestone: quota delle milestone rispettate entro la scadenza risolta (pesi uguali se non indicati)"
        ),
    }
)


def fmt(x: float | None) -> str:
    """A number for a trace line, written as everywhere else (engine/display.number): 1.234,50,
    66,67, 0,91. The stored value is never rounded, only its text."""
    if x is None:
        return "—"
    text = display.number(x)
    return "0" if text in ("-0", "-0,00") else text


def fmt_value(v: Value | None) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "sì" if v else "no"
    if isinstance(v, date):
        return f"{v:%d/%m/%Y}"
    return fmt(v)


@dataclass(frozen=True, slots=True)
class Consuntivo:
    """An actual value as entered, with its note."""

    valore: Value
    nota: str = ""
    sostituisce: str = ""  # on a formula indicator: why this typed value replaces the formula's
    scostamento: str = ""  # not reached: the cause of the deviation, by the responsabile
    azioni: str = ""  # ... and the corrective actions


@dataclass(slots=True)
class Valori:
    """The inputs besides the plan: actual values and base measures.

    ``consuntivi`` maps ``(codice, anno, periodo)`` to a :class:`Consuntivo`;
    ``periodo`` is ``""`` for the whole year. ``misure`` maps ``(nome, anno)``
    to a number. Codes are those of indicators, milestones and scorecard items.
    """

    consuntivi: dict[tuple[str, int, str], Consuntivo] = field(default_factory=dict)
    misure: dict[tuple[str, int], float] = field(default_factory=dict)

    def consuntivo(self, codice: str, anno: int, periodo: str = "") -> Consuntivo | None:
        return self.consuntivi.get((codice, anno, periodo))

    def misure_anno(self, anno: int) -> dict[str, float]:
        return {nome: v for (nome, a), v in self.misure.items() if a == anno}


@dataclass(frozen=True, slots=True)
class Outcome:
    """Achievement of one scored thing, its status and the explanation."""

    achievement: float | None
    stato: Stato
    steps: tuple[str, ...]


def status_for(a: float | None, regole: Regole) -> Stato:
    if a is None:
        return Stato.SENZA_DATI
    if a >= regole.soglia_raggiunto:
        return Stato.RAGGIUNTO
    if regole.soglia_parziale is not None and a >= regole.soglia_parziale:
        return Stato.PARZIALE
    return Stato.NON_RAGGIUNTO


def status_text(a: float, stato: Stato, regole: Regole) -> str:
    if stato is Stato.RAGGIUNTO:
        return _("a = {a} ≥ {soglia_raggiunto} (soglia) → raggiunto").format(
            a=fmt(a), soglia_raggiunto=fmt(regole.soglia_raggiunto)
        )
    if stato is Stato.PARZIALE:
        return _("{soglia_parziale} ≤ a = {a} < {soglia_raggiunto} → parzialmente raggiunto").format(
            soglia_parziale=fmt(regole.soglia_parziale), a=fmt(a), soglia_raggiunto=fmt(regole.soglia_raggiunto)
        )
    return _("a = {a} < {soglia_raggiunto} → non raggiunto").format(
        a=fmt(a),
        soglia_raggiunto=fmt(regole.soglia_parziale if regole.soglia_parziale is not None else regole.soglia_raggiunto),
    )


# --- numeric rules ------------------------------------------------------------


def higher_is_better(actual: float, target: float) -> tuple[float, str]:
    if target > 0:
        a = min(100.0, max(0.0, actual) / target * 100.0)
        return a, _("min(100; max(0; {actual}) / {target} × 100) = {a}").format(
            actual=fmt(actual), target=fmt(target), a=fmt(a)
        )
    if target == 0:
        a = 100.0 if actual >= 0 else 0.0
        return a, f"T = 0: A = {fmt(actual)} {'≥' if actual >= 0 else '<'} 0 → {fmt(a)}"
    # T < 0 is not in DOMAIN.md: mirror the lower-is-better rule (docs/scoring.md).
    if actual >= target:
        return 100.0, f"A = {fmt(actual)} ≥ T = {fmt(target)} → 100"
    a = max(0.0, 100.0 - (target - actual) / abs(target) * 100.0)
    return a, f"max(0; 100 − ({fmt(target)} − {fmt(actual)}) / {fmt(abs(target))} × 100) = {fmt(a)}"


def lower_is_better(actual: float, target: float) -> tuple[float, str]:
    if actual <= target:
        return 100.0, f"A = {fmt(actual)} ≤ T = {fmt(target)} → 100"
    if target > 0:
        a = target / actual * 100.0
        return a, f"{fmt(target)} / {fmt(actual)} × 100 = {fmt(a)}"
    if target < 0:
        a = max(0.0, 100.0 - (actual - target) / abs(target) * 100.0)
        return a, f"max(0; 100 − ({fmt(actual)} − {fmt(target)}) / {fmt(abs(target))} × 100) = {fmt(a)}"
    return 0.0, f"T = 0 e A = {fmt(actual)} > 0 → 0"


def apply_bands(a: float, regole: Regole) -> tuple[float, str | None]:
    """Map a raw achievement through the plan's bands, if it has any."""
    if not regole.fasce:
        return a, None
    bands = sorted(regole.fasce, key=lambda b: b.da)
    idx = max((i for i, b in enumerate(bands) if a >= b.da), default=None)
    if idx is None:
        return 0.0, _("fasce: a = {a} sotto la prima fascia → 0").format(a=fmt(a))
    band = bands[idx]
    if regole.fasce_modo == "lineare" and idx + 1 < len(bands):
        nxt = bands[idx + 1]
        span = nxt.da - band.da
        score = band.punteggio + (a - band.da) / span * (nxt.punteggio - band.punteggio) if span else band.punteggio
        return score, (
            _("fasce (lineare): tra {da}→{punteggio} e {da2}→{punteggio2}: {a} → {score}").format(
                da=fmt(band.da),
                punteggio=fmt(band.punteggio),
                da2=fmt(nxt.da),
                punteggio2=fmt(nxt.punteggio),
                a=fmt(a),
                score=fmt(score),
            )
        )
    return band.punteggio, _("fasce: a = {a} ≥ {da} → {punteggio}").format(
        a=fmt(a), da=fmt(band.da), punteggio=fmt(band.punteggio)
    )


def score_numeric(
    polarita: Polarita, target: Target, actual: Value | None, *, soglie: str = "proporzionale"
) -> tuple[float | None, list[str]]:
    """A figure against a numeric target (a number, a threshold or a band).

    ``soglie`` says how a threshold ("almeno 90%", ">= 90") scores: ``proporzionale``
    (the polarity's proportional rule, the seed's SMVP) or ``raggiunto`` (100 when
    met, 0 when not)."""
    steps: list[str] = []
    if isinstance(actual, bool) or isinstance(actual, date) or actual is None:
        return None, [_("valore non numerico per un target numerico: {actual}").format(actual=fmt_value(actual))]
    assert target.valore is not None
    if target.tipo is TargetKind.INTERVALLO and target.massimo is not None:
        return _score_band(polarita, target, float(actual))
    direction = polarita.value
    if target.operatore in (">", ">="):
        direction = "crescente"
    elif target.operatore in ("<", "<="):
        direction = "decrescente"
    if direction != polarita.value:
        steps.append(
            _("il segno {operatore} del target indica: {direction}").format(
                operatore=target.operatore, direction=direction
            )
        )
    if target.soglia and soglie == "raggiunto":
        # ">" is met by the figure itself, as ">=" (docs/targets.md: the seed's ">3 ore").
        met = float(actual) >= target.valore if direction == "crescente" else float(actual) <= target.valore
        a = 100.0 if met else 0.0
        sign = "≥" if direction == "crescente" else "≤"
        steps.append(_("regola soglia: raggiunta → 100, non raggiunta → 0 (regole.soglie = raggiunto)"))
        steps.append(
            _("calcolo: A = {actual} {sign} {target} → {a}").format(
                actual=fmt(float(actual)),
                sign=sign if met else _("non") + " " + sign,
                target=fmt(target.valore),
                a=fmt(a),
            )
        )
        return a, steps
    if direction == "decrescente":
        a, text = lower_is_better(float(actual), target.valore)
    else:
        a, text = higher_is_better(float(actual), target.valore)
    steps.append(_("regola {testo}").format(testo=RULES_TEXT[direction]))
    steps.append(_("calcolo: {testo}").format(testo=text))
    return a, steps


def _score_band(polarita: Polarita, target: Target, actual: float) -> tuple[float, list[str]]:
    """Inside the band → 100; outside, the polarity's rule against the nearer end that matters:
    below the low end for *crescente*, above the high end for *decrescente*; the other side is met."""
    lo, hi = target.valore, target.massimo
    assert lo is not None and hi is not None
    steps = [
        _("regola intervallo: {lo} ≤ A ≤ {hi} → 100; fuori, la regola della polarità verso l'estremo superato").format(
            lo=fmt(lo), hi=fmt(hi)
        )
    ]
    if lo <= actual <= hi:
        steps.append(_("calcolo: A = {actual} nell'intervallo → 100").format(actual=fmt(actual)))
        return 100.0, steps
    if polarita is Polarita.DECRESCENTE:
        if actual < lo:
            steps.append(
                _("calcolo: A = {actual} sotto l'intervallo (più basso è meglio) → 100").format(actual=fmt(actual))
            )
            return 100.0, steps
        a, text = lower_is_better(actual, hi)
    else:
        if actual > hi:
            steps.append(
                _("calcolo: A = {actual} sopra l'intervallo (più alto è meglio) → 100").format(actual=fmt(actual))
            )
            return 100.0, steps
        a, text = higher_is_better(actual, lo)
    steps.append(_("calcolo: {testo}").format(testo=text))
    return a, steps


def score_deadline(due: date | None, actual: Value | None, *, as_of: date, regole: Regole, what: str) -> Outcome:
    """One deadline: ``actual`` is the completion date, ``True`` (done, date not given) or ``False``."""
    if due is None:
        return Outcome(
            None, Stato.IN_ATTESA, (_("{what}: data dell'evento non ancora nota → in attesa").format(what=what),)
        )
    head = _("{what}: scadenza {due:%d/%m/%Y}").format(what=what, due=due)
    if actual is True:
        return Outcome(100.0, Stato.RAGGIUNTO, (_("{head}; fatto (data non indicata) → 100").format(head=head),))
    if isinstance(actual, date):
        late = (actual - due).days
        if late <= 0:
            return Outcome(
                100.0,
                Stato.RAGGIUNTO,
                (_("{head}; fatto il {actual:%d/%m/%Y} → 100").format(head=head, actual=actual),),
            )
        for band in sorted(regole.ritardo_fasce, key=lambda b: b.giorni):
            if late <= band.giorni:
                return Outcome(
                    band.punteggio,
                    Stato.NON_RAGGIUNTO,
                    (
                        _(
                            "{head}; fatto il {actual:%d/%m/%Y}, {late} giorni di ritardo ≤ {giorni} → {punteggio}"
                        ).format(
                            head=head, actual=actual, late=late, giorni=band.giorni, punteggio=fmt(band.punteggio)
                        ),
                    ),
                )
        return Outcome(
            0.0,
            Stato.NON_RAGGIUNTO,
            (
                _("{head}; fatto il {actual:%d/%m/%Y}, {late} giorni di ritardo → 0").format(
                    head=head, actual=actual, late=late
                ),
            ),
        )
    if actual is False or (actual is None and regole.dati_mancanti == "zero"):
        if as_of <= due:
            return Outcome(
                None,
                Stato.IN_ATTESA,
                (
                    _("{head}; non ancora fatto al {as_of:%d/%m/%Y}, scadenza non passata → in attesa").format(
                        head=head, as_of=as_of
                    ),
                ),
            )
        why = _("non fatto") if actual is False else _("dato mancante conteggiato come non fatto")
        return Outcome(
            0.0,
            Stato.NON_RAGGIUNTO,
            (_("{head}; {why} al {as_of:%d/%m/%Y} → 0").format(head=head, why=why, as_of=as_of),),
        )
    if actual is None:
        return Outcome(None, Stato.SENZA_DATI, (_("{head}; nessun valore inserito").format(head=head),))
    return Outcome(
        None,
        Stato.SENZA_DATI,
        (_("{head}; valore non valido per una scadenza: {actual}").format(head=head, actual=fmt_value(actual)),),
    )


def score_milestones(
    milestones: tuple[Milestone, ...],
    actuals: Mapping[str, Value | None],
    *,
    eventi: Mapping[str, date | None],
    as_of: date,
    regole: Regole,
) -> Outcome:
    """The share of milestones met by their resolved due date; unresolved or not yet due ones are left out."""
    steps: list[str] = []
    pesi = [m.peso for m in milestones]
    weights: list[float]
    if all(w is None for w in pesi):
        weights = [1.0] * len(milestones)
    else:
        weights = [w or 0.0 for w in pesi]
    num = den = 0.0
    pending = 0
    for m, w in zip(milestones, weights):
        out = score_deadline(
            m.scadenza.scadenza(eventi),
            actuals.get(m.codice),
            as_of=as_of,
            regole=regole,
            what=f"{m.codice} ({m.scadenza.testo})",
        )
        steps.extend(out.steps)
        if out.achievement is None:
            pending += out.stato is Stato.IN_ATTESA
            continue
        num += w * out.achievement
        den += w
    if den == 0:
        stato = Stato.IN_ATTESA if pending else Stato.SENZA_DATI
        steps.append(_("nessuna milestone valutabile → ") + STATO_TESTO[stato])
        return Outcome(None, stato, tuple(steps))
    a = num / den
    steps.append(
        _("quota rispettata: {num} / {den} pesi → a = {a}").format(num=fmt(num / 100), den=fmt(den), a=fmt(a))
        + (_(" ({pending} in attesa, escluse)").format(pending=pending) if pending else "")
    )
    return Outcome(a, status_for(a, regole), tuple(steps))


def score_one(
    *,
    polarita: Polarita,
    target: Target | None,
    actual: Value | None,
    milestones: tuple[Milestone, ...] = (),
    milestone_actuals: Mapping[str, Value | None] | None = None,
    eventi: Mapping[str, date | None],
    as_of: date,
    regole: Regole,
    soglie: str | None = None,
) -> Outcome:
    """Score one indicator or scorecard item (the actual value is already known).

    A value that cannot be scored (no target for the year, a target that does not fit the
    polarity, a value of the wrong kind) is *non valutabile* with the reason; without a
    value the thing is *senza dati*."""
    if polarita is Polarita.MILESTONE:
        if not milestones:
            return Outcome(None, Stato.SENZA_DATI, (_("polarità milestone senza milestone definite"),))
        out = score_milestones(milestones, milestone_actuals or {}, eventi=eventi, as_of=as_of, regole=regole)
        return _banded(out, regole)
    if isinstance(actual, float) and actual != actual:
        actual = None  # NaN (from a formula or a program) is no value
    unscorable = Stato.NON_VALUTABILE if actual is not None else Stato.SENZA_DATI
    if target is None:
        return Outcome(None, unscorable, (_("nessun target per l'anno"),))
    if target.tipo is TargetKind.BASELINE:
        if actual is None:
            return Outcome(None, Stato.SENZA_DATI, (_("anno di costruzione della baseline: valore da rilevare"),))
        return Outcome(
            None,
            Stato.BASELINE,
            (
                _(
                    "anno di costruzione della baseline: il valore {actual} è la base dei target relativi successivi (non valutato)"
                ).format(actual=fmt_value(actual)),
            ),
        )
    if target.tipo is TargetKind.RELATIVO:
        return Outcome(
            None,
            unscorable,
            (
                _("target relativo {target!r} non risolto: manca la base ({base})").format(
                    target=target.testo, base=describe_base(target.base)
                ),
            ),
        )
    if target.tipo is TargetKind.MULTIPLO:
        return Outcome(
            None,
            unscorable,
            (
                _("target {target!r} con {parti} misure: servono i valori delle singole misure").format(
                    target=target.testo, parti=len(target.parti)
                ),
            ),
        )
    if polarita is Polarita.SCADENZA:
        if target.tipo is not TargetKind.SCADENZA:
            return Outcome(None, unscorable, (_("target {target!r} non è una scadenza").format(target=target.testo),))
        if isinstance(actual, float):
            return Outcome(
                None,
                Stato.NON_VALUTABILE,
                (_("valore {actual} non è una data né sì/no per una scadenza").format(actual=fmt_value(actual)),),
            )
        return score_deadline(
            target.scadenza(eventi),
            actual,
            as_of=as_of,
            regole=regole,
            what=_("target {target}").format(target=target.describe()),
        )
    if polarita is not Polarita.SI_NO and target.tipo not in (TargetKind.NUMERO, TargetKind.INTERVALLO):
        return Outcome(
            None,
            unscorable,
            (
                _("target {target!r} ({tipo}) non numerico per polarità {polarita}").format(
                    target=target.testo, tipo=target.tipo.value, polarita=polarita.value
                ),
            ),
        )
    if actual is None:
        if regole.dati_mancanti == "zero":
            # Counted as an actual of 0, so the bands apply as to an entered 0.
            return _banded(
                Outcome(
                    0.0,
                    Stato.NON_RAGGIUNTO,
                    (_("nessun valore inserito: conteggiato come 0 (regola dati_mancanti = zero)"),),
                ),
                regole,
            )
        return Outcome(None, Stato.SENZA_DATI, (_("nessun valore inserito"),))
    if polarita is Polarita.SI_NO:
        if not isinstance(actual, bool):
            return Outcome(
                None, Stato.NON_VALUTABILE, (_("valore non sì/no: {actual}").format(actual=fmt_value(actual)),)
            )
        a = 100.0 if actual else 0.0
        return _banded(
            Outcome(
                a,
                status_for(a, regole),
                (
                    _("regola {testo}").format(testo=RULES_TEXT["si/no"]),
                    _("calcolo: {valore} → {a}").format(valore=fmt_value(actual), a=fmt(a)),
                ),
            ),
            regole,
        )
    achieved, steps = score_numeric(polarita, target, actual, soglie=soglie or regole.soglie)
    if achieved is None:
        return Outcome(None, Stato.NON_VALUTABILE, tuple(steps))
    return _banded(Outcome(achieved, status_for(achieved, regole), tuple(steps)), regole)


def _banded(out: Outcome, regole: Regole) -> Outcome:
    if out.achievement is None:
        return out
    a, text = apply_bands(out.achievement, regole)
    steps = out.steps + ((text,) if text else ())
    stato = status_for(a, regole)
    return Outcome(a, stato, steps + (status_text(a, stato, regole),))


@dataclass(frozen=True, slots=True)
class RisultatoIndicatore:
    codice: str
    nome: str
    actual: Value | None
    target: Target | None
    achievement: float | None
    stato: Stato
    trace: dict[str, Any]  # JSON-ready: the steps and inputs shown to the user
    cruscotto: str = "ente"
    peso: float | None = None


def actual_of(
    ind: Indicatore, anno: int, periodo: str, valori: Valori, misure_anno: Mapping[str, float]
) -> tuple[Value | None, dict[str, Any], list[str]]:
    """The actual value of an indicator: computed by its formula when the measures allow, else as entered.

    Base measures are by year: a period's value (``S1`` ...) is always the one entered."""
    info: dict[str, Any] = {}
    warnings: list[str] = []
    entered = valori.consuntivo(ind.codice, anno, periodo)
    if entered is not None:
        info["consuntivo_inserito"] = fmt_value(entered.valore)
        if entered.nota:
            info["nota"] = entered.nota
    esito = None
    if ind.formula and not periodo:
        esito = evaluate(ind.formula, misure_anno)
        info["formula"] = {
            "testo": ind.formula,
            "valori": esito.valori,
            "risultato": esito.valore,
            "motivo": esito.motivo,
        }
    if ind.formula and entered is not None and entered.sostituisce:
        # A recorded override: the typed value counts, and the trace says why (and what the
        # formula gives, to compare).
        info["fonte_valore"] = "sostituzione"
        info["sostituzione"] = entered.sostituisce
        return entered.valore, info, warnings
    if esito is not None and esito.valore is not None:
        if (
            entered is not None
            and isinstance(entered.valore, float)
            and abs(entered.valore - esito.valore) > 1e-9 * max(1.0, abs(esito.valore))
        ):
            warnings.append(
                _(
                    "{codice}: valore inserito {entered_valore} diverso dal calcolato {esito_valore}; si usa il calcolato"
                ).format(codice=ind.codice, entered_valore=fmt_value(entered.valore), esito_valore=fmt(esito.valore))
            )
        info["fonte_valore"] = "formula"
        return esito.valore, info, warnings
    if entered is not None:
        info["fonte_valore"] = "consuntivo"
        return entered.valore, info, warnings
    info["fonte_valore"] = None
    return None, info, warnings


def _history_value(ind: Indicatore, year: int, valori: Valori) -> tuple[float | None, str]:
    """The indicator's number for a past year: the year's actual (typed or from its formula), else the printed history."""
    value, info, _warnings = actual_of(ind, year, "", valori, valori.misure_anno(year))
    if isinstance(value, float) and not isinstance(value, bool):
        return value, (
            _("consuntivo {anno} (da formula)") if info.get("fonte_valore") == "formula" else _("consuntivo {anno}")
        ).format(anno=year)
    printed = ind.storico.get(year)
    if printed is not None and isinstance(printed.valore, float) and not isinstance(printed.valore, bool):
        return printed.valore, _("storico {year} del piano ({printed})").format(year=year, printed=printed.testo)
    return None, ""


def find_base(ind: Indicatore, target: Target, *, anno: int, valori: Valori) -> tuple[float | None, str]:
    """The base of a relative target and where it comes from; ``None`` with the reason when there is none.

    - ``precedente``: the previous year's actual, else the plan's printed history for that year;
    - a year (``2019``): that year's actual, else the printed history;
    - ``baseline``: the indicator's declared baseline; else the actual of the latest earlier
      year whose target was to build the baseline (or the figure printed there,
      "Baseline: 800"); else the printed history of the year before the plan's first target.
    """
    base = target.base or BASE_PRECEDENTE
    if base == BASE_PRECEDENTE:
        value, source = _history_value(ind, anno - 1, valori)
        return (
            (value, source)
            if value is not None
            else (None, _("nessun valore per il {anno} (né consuntivo né storico)").format(anno=anno - 1))
        )
    if base != BASE_BASELINE:
        year = int(base)
        if year >= anno:
            # ">= 2023" as the 2023 target compares the year with itself: met by any value.
            return None, _("l'anno di base {year} non precede l'anno del target {anno}").format(year=year, anno=anno)
        value, source = _history_value(ind, year, valori)
        return (
            (value, source)
            if value is not None
            else (None, _("nessun valore per il {year} (né consuntivo né storico)").format(year=year))
        )
    if ind.baseline is not None and isinstance(ind.baseline.valore, float):
        when = f" {ind.baseline_anno}" if ind.baseline_anno else ""
        return ind.baseline.valore, _("baseline{when} del piano ({baseline})").format(
            when=when, baseline=ind.baseline.testo
        )
    for year in sorted((y for y, t in ind.target.items() if y < anno and t.tipo is TargetKind.BASELINE), reverse=True):
        value, source = _history_value(ind, year, valori)
        if value is not None:
            return value, _("{source}, anno di costruzione della baseline").format(source=source)
        printed = ind.target[year].valore
        if printed is not None:
            return printed, _("baseline {year} stampata nel target ({year2})").format(
                year=year, year2=ind.target[year].testo
            )
    first = min(ind.target) if ind.target else anno
    earlier = sorted((y for y in ind.storico if y < first), reverse=True)
    for year in earlier:
        dato = ind.storico[year]
        if isinstance(dato.valore, float) and not isinstance(dato.valore, bool):
            return dato.valore, _("storico {year} del piano ({dato}), ultimo dato prima del piano").format(
                year=year, dato=dato.testo
            )
    return None, _("nessuna baseline: né dichiarata, né rilevata in un anno precedente, né nello storico")


def resolve_relative(ind: Indicatore, target: Target, *, anno: int, valori: Valori) -> tuple[Target | None, list[str]]:
    """A relative target as a figure: base ± variation, with the steps that say how."""
    value, source = find_base(ind, target, anno=anno, valori=valori)
    if value is None:
        return None, [
            _("target relativo {target!r}: {source} → non valutabile").format(target=target.testo, source=source)
        ]
    v = target.valore or 0.0
    if target.variazione == "percentuale":
        figure = value * (1 + v / 100.0)
        how = f"{fmt(value)} × (1 {'+' if v >= 0 else '−'} {fmt(abs(v))}%) = {fmt(figure)}"
    elif target.variazione in ("punti", "assoluta") and v:
        figure = value + v
        unit = " " + _("punti") if target.variazione == "punti" else ""
        how = f"{fmt(value)} {'+' if v >= 0 else '−'} {fmt(abs(v))}{unit} = {fmt(figure)}"
    else:
        figure = value
        how = _("il valore della base, {valore}").format(valore=fmt(value))
    resolved = Target(
        testo=target.testo,
        tipo=TargetKind.NUMERO,
        valore=figure,
        operatore=target.operatore,
        unita=target.unita,
        nota=target.nota,
    )
    return resolved, [
        _("base ({base}): {fonte} = {valore}").format(base=describe_base(target.base), fonte=source, valore=fmt(value)),
        _("target risolto: {how}").format(how=how),
    ]


def running_total(ind: Indicatore, *, anno: int, valori: Valori, actual: float) -> tuple[float | None, list[str]]:
    """A cumulative target ("per un totale di 30.000") compares the total of the yearly actuals
    from the indicator's first target year to this one (each year's actual is that year's own figure)."""
    first = min(ind.target) if ind.target else anno
    terms, missing = [], []
    total = 0.0
    for year in range(first, anno):
        value, _source = _history_value(ind, year, valori)
        if value is None:
            missing.append(str(year))
        else:
            terms.append(f"{year}: {fmt(value)}")
            total += value
    if missing:
        return None, [
            _("target cumulato: manca il consuntivo di {missing} per il totale → non valutabile").format(
                missing=", ".join(missing)
            )
        ]
    total += actual
    terms.append(f"{anno}: {fmt(actual)}")
    return total, [
        _("target cumulato: totale dal {first} = {terms} = {total}").format(
            first=first, terms=" + ".join(terms), total=fmt(total)
        )
    ]


def part_code(codice: str, k: int) -> str:
    """The code under which the k-th sub-measure of a multiple target takes its value (1-based)."""
    return f"{codice}#{k}"


def score_parts(
    ind: Indicatore,
    target: Target,
    *,
    anno: int,
    periodo: str,
    valori: Valori,
    eventi: Mapping[str, date | None],
    as_of: date,
    regole: Regole,
) -> Outcome:
    """Several figures in one indicator: each part is scored against the value entered under
    ``CODICE#k``; the indicator is the mean of the parts (``regole.multiplo = media``) or the
    lowest part (``tutti``: met only when every part is)."""
    steps: list[str] = []
    achieved: list[float] = []
    missing: list[str] = []
    for k, part in enumerate(target.parti, start=1):
        code = part_code(ind.codice, k)
        c = valori.consuntivo(code, anno, periodo)
        polarita = (
            Polarita.SCADENZA
            if part.tipo is TargetKind.SCADENZA
            else Polarita.SI_NO
            if part.tipo is TargetKind.SI_NO
            else ind.polarita
        )
        out = score_one(
            polarita=polarita,
            target=part,
            actual=c.valore if c else None,
            eventi=eventi,
            as_of=as_of,
            regole=regole,
            soglie=ind.soglie,
        )
        steps.append(_("misura {codice} ({testo}): ").format(codice=code, testo=part.testo) + "; ".join(out.steps))
        if out.achievement is None:
            missing.append(code)
        else:
            achieved.append(out.achievement)
    if not achieved:
        return Outcome(
            None,
            Stato.SENZA_DATI,
            tuple(steps)
            + (
                _("nessuna delle {parti} misure ha un valore (codici {missing})").format(
                    parti=len(target.parti), missing=", ".join(missing)
                ),
            ),
        )
    if regole.multiplo == "tutti":
        a = min(achieved)
        steps.append(_("regola multiplo = tutti: la misura più bassa → a = {a}").format(a=fmt(a)))
    else:
        a = sum(achieved) / len(achieved)
        steps.append(
            _("regola multiplo = media: ({achieved}) / {achieved2} = {a}").format(
                achieved=" + ".join(fmt(x) for x in achieved), achieved2=len(achieved), a=fmt(a)
            )
        )
    if missing:
        steps.append(_("misure senza valore, escluse: {missing}").format(missing=", ".join(missing)))
    return _banded(Outcome(a, status_for(a, regole), tuple(steps)), regole)


def score_indicator(
    ind: Indicatore,
    *,
    anno: int,
    valori: Valori,
    eventi: Mapping[str, date | None],
    as_of: date,
    regole: Regole,
    periodo: str = "",
    misure_anno: Mapping[str, float] | None = None,
) -> tuple[RisultatoIndicatore, list[str]]:
    if misure_anno is None:
        misure_anno = valori.misure_anno(anno)
    actual, info, warnings = actual_of(ind, anno, periodo, valori, misure_anno)
    target = ind.target.get(anno)
    ms_actuals = {}
    for m in ind.milestones:
        c = valori.consuntivo(m.codice, anno, periodo)
        ms_actuals[m.codice] = c.valore if c else None
    pre: list[str] = []
    compared = actual
    if target is not None and target.tipo is TargetKind.RELATIVO:
        resolved, why = resolve_relative(ind, target, anno=anno, valori=valori)
        pre += why
        target_used: Target | None = resolved or target
    else:
        target_used = target
    if target_used is not None and target_used.cumulo == "totale" and isinstance(actual, float) and not periodo:
        compared, why = running_total(ind, anno=anno, valori=valori, actual=actual)
        pre += why
    if ind.polarita is Polarita.MILESTONE and ind.target and target is None:
        # A timing belongs to the years it is planned for (H1-1: 2020 only).
        out = Outcome(None, Stato.SENZA_DATI, (_("nessun target per l'anno"),))
    elif target_used is not None and target_used.tipo is TargetKind.MULTIPLO:
        out = score_parts(
            ind, target_used, anno=anno, periodo=periodo, valori=valori, eventi=eventi, as_of=as_of, regole=regole
        )
        if out.stato is Stato.SENZA_DATI and actual is not None:
            # One value for several measures cannot be scored: say where the values go.
            out = Outcome(
                None,
                Stato.NON_VALUTABILE,
                out.steps
                + (
                    _("un solo valore ({actual}) per {parti} misure").format(
                        actual=fmt_value(actual), parti=len(target_used.parti)
                    ),
                ),
            )
    else:
        out = score_one(
            polarita=ind.polarita,
            target=target_used,
            actual=compared,
            milestones=ind.milestones,
            milestone_actuals=ms_actuals,
            eventi=eventi,
            as_of=as_of,
            regole=regole,
            soglie=ind.soglie,
        )
    if compared is None and actual is not None and out.stato is Stato.SENZA_DATI:
        out = Outcome(None, Stato.NON_VALUTABILE, out.steps)
    out = Outcome(out.achievement, out.stato, tuple(pre) + out.steps)
    steps = list(out.steps)
    formula = info.get("formula")
    if formula and formula.get("motivo") and actual is None:
        steps.insert(0, _("formula {testo}: {motivo}").format(testo=formula["testo"], motivo=formula["motivo"]))
    trace: dict[str, Any] = {
        "input": {
            "consuntivo": fmt_value(actual) if actual is not None else None,
            "fonte_valore": info.get("fonte_valore"),
            "target": target.testo if target else None,
            "polarita": ind.polarita.value,
            "unita": ind.unita,
            "anno": anno,
            "periodo": periodo or None,
            "as_of": as_of.isoformat(),
        },
        "passi": steps,
        "risultato": out.achievement,
        "stato": out.stato.value,
    }
    if "formula" in info:
        trace["formula"] = info["formula"]
    for key in ("nota", "consuntivo_inserito", "sostituzione"):
        if key in info:
            trace["input"][key] = info[key]
    # The deviation's cause and corrective actions, kept with the value (or its first measure's).
    said = valori.consuntivo(ind.codice, anno, periodo) or valori.consuntivo(f"{ind.codice}#1", anno, periodo)
    if said is not None and (said.scostamento or said.azioni):
        trace["input"]["scostamento"] = said.scostamento
        trace["input"]["azioni_correttive"] = said.azioni
    if "sostituzione" in info:
        steps.insert(
            0, _("valore inserito al posto della formula: {sostituzione}").format(sostituzione=info["sostituzione"])
        )
    res = RisultatoIndicatore(
        codice=ind.codice,
        nome=ind.nome,
        actual=actual,
        target=target,
        achievement=out.achievement,
        stato=out.stato,
        trace=trace,
        cruscotto=ind.cruscotto.value,
        peso=ind.peso,
    )
    return res, warnings
