"""Checks that report and never fix.

Errors make a plan unusable (it cannot be scored as written); warnings are
things a controller must look at (weights not summing to 100%, a printed total
that disagrees with its rows, a target missing for a plan year). Each finding
has a stable ``code`` for machines, an Italian ``message`` and a ``where``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from .display import al
from .errors import Problem
from .lingua import _
from .model import BUDGET_FIELDS, KNOWN_TAGS, TAG_FONDO, Cruscotto, Dato, Indicatore, Piano, Polarita
from .numbers import fold
from .rollup import Nodo, children_of, effective_weights, in_scope, scope_of
from .scoring import fmt
from .targets import TargetKind

TOLERANCE = 0.005  # half a cent: printed amounts have two decimals


def _warn(code: str, message: str, where: str) -> Problem:
    return Problem(code, message, where, "warning")


def _err(code: str, message: str, where: str) -> Problem:
    return Problem(code, message, where, "error")


def validate_plan(p: Piano) -> list[Problem]:
    out: list[Problem] = []
    out += _undeclared_events(p)
    out += _duplicates(p)
    out += _weights(p)
    out += _indicators(p)
    out += _references(p)
    out += _budget_totals(p)
    return out


def _undeclared_events(p: Piano) -> list[Problem]:
    return [
        _warn(
            "evento_non_dichiarato",
            _(
                "evento {codice!r} letto dai target ma non dichiarato nel piano: le scadenze che ne dipendono restano in attesa finché non ha una data"
            ).format(codice=e.codice),
            _("evento {codice}").format(codice=e.codice),
        )
        for e in p.eventi
        if not e.dichiarato
    ]


def _duplicates(p: Piano) -> list[Problem]:
    out = []
    groups = {
        "ambito": [x.codice for x in p.ambiti],
        "prospettiva": [x.codice for x in p.prospettive],
        "linea": [x.codice for x in p.linee()],
        "obiettivo_strategico": [x.codice for x in p.obiettivi_strategici()],
        "obiettivo_operativo": [x.codice for x in p.obiettivi_operativi()],
        "struttura": [s.codice for s in p.strutture],
        "programma": [x.codice for x in p.programmi],
    }
    # Indicators, milestones and scorecard items with own targets share the
    # namespace of the actual-values file: a code must name one thing only.
    values_ns = [i.codice for i in p.indicatori()] + [m.codice for i in p.indicatori() for m in i.milestones]
    for s in p.schede_individuali:
        for z in s.sezioni:
            values_ns += [v.codice for v in z.voci if not v.indicatore]
    groups["indicatore/milestone/voce"] = values_ns
    for kind, codes in groups.items():
        for code, n in Counter(codes).items():
            if n > 1:
                out.append(
                    _err(
                        "codice_duplicato",
                        _("il codice {code!r} compare {n} volte ({kind})").format(code=code, n=n, kind=kind),
                        f"{kind} {code}",
                    )
                )
    return out


def _weights(p: Piano) -> list[Problem]:
    out: list[Problem] = []

    def check(where: str, pesi: Sequence[float | None]) -> None:
        _pesi, warnings = effective_weights(pesi, where)
        out.extend(_warn("pesi", w.split(": ", 1)[1], where) for w in warnings)

    def walk(level: str, obj: Nodo) -> None:
        scope = scope_of(level, obj)
        kids = children_of(level, obj)
        check(f"{level} {obj.codice}", [c.peso for lv, c in kids if in_scope(scope, scope_of(lv, c))])
        for lv, c in kids:
            if lv != "indicatore":
                walk(lv, c)

    grouped = p.ambito_di()
    by_code = {x.codice: x for x in p.prospettive}
    tops = [a.peso for a in p.ambiti] + [
        x.peso for x in p.prospettive if x.codice not in grouped and scope_of("prospettiva", x) is Cruscotto.ENTE
    ]
    check("ente", tops)
    for a in p.ambiti:
        check(
            _("ambito {codice}").format(codice=a.codice),
            [
                by_code[c].peso
                for c in a.prospettive
                if c in by_code and scope_of("prospettiva", by_code[c]) is Cruscotto.ENTE
            ],
        )
    for pr in p.prospettive:
        walk("prospettiva", pr)
    for s in p.schede_individuali:
        check(_("scheda {codice}").format(codice=s.codice), [z.peso for z in s.sezioni])
        for z in s.sezioni:
            check(
                _("scheda {codice}, sezione {codice2}").format(codice=s.codice, codice2=z.codice),
                [v.peso for v in z.voci],
            )
    if p.fondo:
        check("fondo", [g.peso for g in p.fondo.progetti])
    return out


def _target_fits(polarita: Polarita, kind: TargetKind) -> bool:
    # A year that builds the baseline fits any polarity: it is shown, not scored.
    if kind is TargetKind.BASELINE:
        return True
    if polarita in (Polarita.CRESCENTE, Polarita.DECRESCENTE):
        return kind in (TargetKind.NUMERO, TargetKind.RELATIVO, TargetKind.INTERVALLO, TargetKind.MULTIPLO)
    if polarita is Polarita.SCADENZA:
        return kind in (TargetKind.SCADENZA, TargetKind.MULTIPLO)
    if polarita is Polarita.SI_NO:
        return kind in (TargetKind.SI_NO, TargetKind.DESCRITTIVO)
    return True  # milestone: the target text is descriptive, milestones score


def _indicators(p: Piano) -> list[Problem]:
    out = []
    structures = {s.codice for s in p.strutture}
    first_year = p.anni[0] if p.anni else None
    for ind in p.indicatori():
        where = _("indicatore {codice}").format(codice=ind.codice)
        years = p.anni if ind.cruscotto is Cruscotto.ENTE else (first_year,) if first_year else ()
        if ind.polarita is not Polarita.MILESTONE:
            for y in years:
                if y not in ind.target:
                    out.append(_warn("target_mancante", _("manca il target per l'anno {y}").format(y=y), where))
        for y, t in ind.target.items():
            if not _target_fits(ind.polarita, t.tipo):
                hint = (
                    _(" (testo non letto come target: scriverlo come numero, soglia, data o variazione)")
                    if t.tipo is TargetKind.DESCRITTIVO
                    else ""
                )
                out.append(
                    _err(
                        "target_incoerente",
                        _("target {y} {t!r} ({tipo}) non adatto alla polarità {polarita}{hint}").format(
                            y=y, t=t.testo, tipo=t.tipo.value, polarita=ind.polarita.value, hint=hint
                        ),
                        _("{where}, target {anno}").format(where=where, anno=y),
                    )
                )
            if t.tipo is TargetKind.RELATIVO and t.base not in (None, "baseline", "precedente") and int(t.base) >= y:
                out.append(
                    _err(
                        "base_incoerente",
                        _("target {y} {t!r}: la base {base} non precede l'anno del target").format(
                            y=y, t=t.testo, base=t.base
                        ),
                        _("{where}, target {anno}").format(where=where, anno=y),
                    )
                )
            if t.tipo is TargetKind.MULTIPLO:
                out.append(
                    _warn(
                        "target_multiplo",
                        _(
                            "target {y} {t!r}: {parti} misure, i valori si inseriscono come {codice}#1 … {codice}#{parti}"
                        ).format(y=y, t=t.testo, parti=len(t.parti), codice=ind.codice),
                        _("{where}, target {anno}").format(where=where, anno=y),
                    )
                )
        if fold(ind.unita).startswith("data") and any(t.tipo is not TargetKind.SCADENZA for t in ind.target.values()):
            out.append(
                _warn(
                    "unita_incoerente",
                    _("unità di misura {unita!r} ma target non di data ({values})").format(
                        unita=ind.unita, values=", ".join(t.testo for t in ind.target.values())
                    ),
                    where,
                )
            )
        out += _shares(ind.quote, ind.strutture, "dell'indicatore", where)
        if ind.polarita is Polarita.MILESTONE and not ind.milestones:
            out.append(_err("milestone_mancanti", _("polarità milestone senza milestone"), where))
        for tag in ind.etichette:
            if tag not in KNOWN_TAGS:
                out.append(
                    _warn(
                        "etichetta_sconosciuta",
                        _("etichetta {tag!r} sconosciuta (note: {KNOWN_TAGS})").format(
                            tag=tag, KNOWN_TAGS=", ".join(KNOWN_TAGS)
                        ),
                        where,
                    )
                )
        if structures:
            for s in ind.strutture:
                if s not in structures:
                    out.append(_warn("struttura_sconosciuta", _("struttura {s!r} non definita").format(s=s), where))
    objectives = [(_("obiettivo_strategico {codice}").format(codice=o.codice), o) for o in p.obiettivi_strategici()] + [
        (_("obiettivo_operativo {codice}").format(codice=o.codice), o) for o in p.obiettivi_operativi()
    ]
    for where, o in objectives:
        if structures:
            for s in o.strutture:
                if s not in structures:
                    out.append(_warn("struttura_sconosciuta", _("struttura {s!r} non definita").format(s=s), where))
        out += _shares(o.quote, o.strutture, "dell'obiettivo", where)
    out += _resources(p)
    return out


def _shares(quote: dict[str, float], strutture: tuple[str, ...], of: str, where: str) -> list[Problem]:
    """Shares given only to responsible structures, and adding up to 100%."""
    if not quote:
        return []
    out = []
    stray = sorted(set(quote) - set(strutture))
    if stray:
        out.append(
            _err(
                "quota_incoerente",
                _("quota per strutture non responsabili {of}: {stray}").format(of=of, stray=", ".join(stray)),
                where,
            )
        )
    total = sum(quote.values())
    if abs(total - 100.0) > 1e-6:
        out.append(
            _warn(
                "quote",
                _("le quote delle strutture sommano {total} invece che al 100%").format(total=al(fmt(total) + "%")),
                where,
            )
        )
    return out


def _euro(x: float) -> str:
    """270000 -> "270.000,00", as amounts are printed."""
    return f"{x:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


class _ConRisorse(Protocol):
    """A level of the tree that may state its resources (ambito down to strategic objective)."""

    @property
    def codice(self) -> str: ...

    @property
    def risorse(self) -> Dato | None: ...


def _resources(p: Piano) -> list[Problem]:
    """The resources of a level's children never exceed the level's own (when both are given)."""
    out = []
    by_code = {x.codice: x for x in p.prospettive}
    levels: list[tuple[str, _ConRisorse, Sequence[_ConRisorse]]] = [
        ("ambito", a, [by_code[c] for c in a.prospettive if c in by_code]) for a in p.ambiti
    ]
    levels += [("prospettiva", x, x.linee) for x in p.prospettive]
    levels += [("linea", x, x.obiettivi_strategici) for x in p.linee()]
    levels += [("obiettivo_strategico", x, x.obiettivi_operativi) for x in p.obiettivi_strategici()]
    for kind, node, children in levels:
        own = node.risorse.valore if node.risorse is not None else None
        given = [c.risorse.valore for c in children if c.risorse is not None and isinstance(c.risorse.valore, float)]
        if isinstance(own, float) and given and sum(given) > own + 0.005:
            out.append(
                _warn(
                    "risorse_incoerenti",
                    _("le risorse dei livelli sotto ({given} €) superano quelle del livello ({own} €)").format(
                        given=_euro(sum(given)), own=_euro(own)
                    ),
                    f"{kind} {node.codice}",
                )
            )
    return out


def _references(p: Piano) -> list[Problem]:
    out = []
    by_code: dict[str, Indicatore] = {i.codice: i for i in p.indicatori()}
    os_codes = {o.codice for o in p.obiettivi_strategici()}
    for o in p.obiettivi_strategici():
        for c in o.cause:
            if c not in os_codes:
                out.append(
                    _warn(
                        "riferimento_sconosciuto",
                        _("la mappa strategica collega a {c!r}, obiettivo non definito").format(c=c),
                        _("obiettivo_strategico {codice}").format(codice=o.codice),
                    )
                )
    for s in p.schede_individuali:
        for z in s.sezioni:
            for v in z.voci:
                where = _("scheda {codice}, voce {codice2}").format(codice=s.codice, codice2=v.codice)
                if v.indicatore:
                    if v.indicatore not in by_code:
                        out.append(
                            _err(
                                "riferimento_sconosciuto",
                                _("indicatore {indicatore!r} non definito").format(indicatore=v.indicatore),
                                where,
                            )
                        )
                elif v.polarita is Polarita.MILESTONE:
                    if not v.milestones:
                        out.append(_err("milestone_mancanti", _("polarità milestone senza milestone"), where))
                elif v.target is None:
                    out.append(
                        _err("target_mancante", _("la voce non è collegata a un indicatore e non ha un target"), where)
                    )
                elif not _target_fits(v.polarita, v.target.tipo):
                    out.append(
                        _err(
                            "target_incoerente",
                            _("target {target!r} non adatto alla polarità {polarita}").format(
                                target=v.target.testo, polarita=v.polarita.value
                            ),
                            where,
                        )
                    )
    if p.fondo:
        in_fund = set()
        for g in p.fondo.progetti:
            for c in g.indicatori:
                in_fund.add(c)
                if c not in by_code:
                    out.append(
                        _err(
                            "riferimento_sconosciuto",
                            _("indicatore {c!r} non definito").format(c=c),
                            _("fondo, progetto {codice}").format(codice=g.codice),
                        )
                    )
                elif TAG_FONDO not in by_code[c].etichette:
                    out.append(
                        _warn(
                            "fondo_etichetta",
                            _("l'indicatore {c} è nel fondo ma non ha l'etichetta {TAG_FONDO}").format(
                                c=c, TAG_FONDO=TAG_FONDO
                            ),
                            _("fondo, progetto {codice}").format(codice=g.codice),
                        )
                    )
        for c, i in by_code.items():
            if TAG_FONDO in i.etichette and c not in in_fund:
                out.append(
                    _warn(
                        "fondo_etichetta",
                        _("indicatore con etichetta {TAG_FONDO} non assegnato a un progetto del fondo").format(
                            TAG_FONDO=TAG_FONDO
                        ),
                        _("indicatore {codice}").format(codice=c),
                    )
                )
    return out


def _amount(d: Dato | None) -> float:
    return 0.0 if d is None else d.importo


def _budget_totals(p: Piano) -> list[Problem]:
    """Printed totals against the sum of their rows, field by field."""
    out = []
    by_line: dict[str, dict[str, float]] = {}
    for pg in p.programmi:
        sums = {f: pg.somma(f) for f in BUDGET_FIELDS}
        if pg.linea:
            acc = by_line.setdefault(pg.linea, {f: 0.0 for f in BUDGET_FIELDS})
            for f in BUDGET_FIELDS:
                acc[f] += sums[f]
        for f, printed in pg.totale_stampato.items():
            if abs(_amount(printed) - sums[f]) > TOLERANCE:
                out.append(
                    _warn(
                        "totale_non_coerente",
                        _("{campo}: totale stampato {stampato} ≠ somma delle righe {somma}").format(
                            campo=f.replace("_", " "), stampato=printed.testo, somma=fmt(sums[f])
                        ),
                        _("programma {codice}, totale").format(codice=pg.codice),
                    )
                )
    for line, printed_totals in p.totali_linee_stampati.items():
        sums = by_line.get(line, {f: 0.0 for f in BUDGET_FIELDS})
        for f, printed in printed_totals.items():
            if abs(_amount(printed) - sums[f]) > TOLERANCE:
                out.append(
                    _warn(
                        "totale_non_coerente",
                        _("{campo}: totale stampato {stampato} ≠ somma dei programmi {somma}").format(
                            campo=f.replace("_", " "), stampato=printed.testo, somma=fmt(sums[f])
                        ),
                        _("linea {line}, totale").format(line=line),
                    )
                )
    return out
