"""Individual evaluation for all staff (d.lgs. 150/2009 artt. 7, 9; DFP guideline 5/2019).

The evaluation system (the SMVP) is data: categories of people, each with its card of weighted
sections, and what feeds each section:

- ``ente``: the entity's figure; ``area``: the figure of the person's structure (its indicators
  with the plan's weights, as the area pages compute it); ``obiettivi``: chosen objectives or
  indicators of the plan, linked by code (never copied: they follow the scores);
- ``individuali``: the person's own objectives, with indicators and targets of every kind,
  scored as any other item;
- ``comportamenti``: behaviours and competences from the system's dictionary, each rated by the
  evaluator on a declared scale whose levels say what they mean;
- ``differenziazione``: for managers, the ability to differentiate their collaborators'
  evaluations (art. 9 c. 1 lett. d), computed from the team's final scores.

The final score is the weighted mean of the sections with a figure (the others are listed,
never silently dropped), and every step is traced as for any other figure. Nothing here reads
a database: the web application passes the plan's result, the values, the ratings and the team.
The choices where the law and the guidelines are silent are in docs/valutazione.md.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import Problem
from .lingua import _
from .model import Milestone, Polarita, Regole, SchedaIndividuale
from .rollup import Pesata, RisultatoPiano, area_figure, weighted_mean
from .scoring import STATO_TESTO, Stato, Valori, fmt, score_one, status_for
from .targets import Target

# A section's figure, its status, the steps that explain it and its items' rows.
Esito = tuple[float | None, Stato, list[str], list[dict[str, Any]]]

FONTI = ("ente", "area", "obiettivi", "individuali", "comportamenti", "differenziazione")
RISULTATI = ("ente", "area", "obiettivi", "individuali")  # what art. 9 calls results


@dataclass(frozen=True, slots=True)
class Livello:
    """A level of a rating scale: its value, what it means, and the score it gives (0-100)."""

    valore: float
    descrizione: str
    punteggio: float


@dataclass(frozen=True, slots=True)
class Scala:
    codice: str
    livelli: tuple[Livello, ...]

    def livello(self, valore: float) -> Livello | None:
        return next((lv for lv in self.livelli if lv.valore == valore), None)


def scala_lineare(codice: str, descrizioni: Sequence[str]) -> Scala:
    """A scale of 1..n whose level k scores k / n × 100 (1 of 5 → 20, 5 of 5 → 100)."""
    n = len(descrizioni)
    return Scala(codice, tuple(Livello(float(k), d, k / n * 100.0) for k, d in enumerate(descrizioni, start=1)))


@dataclass(frozen=True, slots=True)
class Comportamento:
    """A behaviour or competence of the dictionary, with the categories it applies to."""

    codice: str
    nome: str
    descrizione: str = ""
    categorie: tuple[str, ...] = ()  # empty: every category
    scala: str = ""  # the scale it is rated on ("" : the category's)


@dataclass(frozen=True, slots=True)
class SezioneSchema:
    """A section of a category's card: what feeds it and its weight (%)."""

    codice: str
    nome: str
    fonte: str  # one of FONTI
    peso: float | None


@dataclass(frozen=True, slots=True)
class Categoria:
    codice: str  # "DIR", "SG", "PO", "D", "C", "B", "A" ... as the ente names them
    nome: str
    sezioni: tuple[SezioneSchema, ...]
    dirigente: bool = False  # managers: results must weigh most, differentiation applies
    scala: str = ""  # the default scale of its behaviours
    # The vertice (Segretario generale, direttore): the OIV proposes the evaluation and the organo
    # di indirizzo politico (the Giunta) decides it (d.lgs. 150/2009 art. 14 c. 4 lett. e).
    proposta_oiv: bool = False


@dataclass(frozen=True, slots=True)
class RegoleValutazione:
    """Where the guidelines leave the choice to the ente (docs/valutazione.md)."""

    minimo_collaboratori: int = 3  # below this, differentiation is not scored (too few to tell)
    scarto_atteso: float = 10.0  # the standard deviation (points) of the team's scores worth 100


@dataclass(frozen=True, slots=True)
class Sistema:
    """The ente's evaluation system for a year."""

    categorie: tuple[Categoria, ...]
    comportamenti: tuple[Comportamento, ...] = ()
    scale: tuple[Scala, ...] = ()
    regole: RegoleValutazione = RegoleValutazione()

    def categoria(self, codice: str) -> Categoria | None:
        return next((c for c in self.categorie if c.codice == codice), None)

    def scala(self, codice: str) -> Scala | None:
        return next((s for s in self.scale if s.codice == codice), None)

    def comportamento(self, codice: str) -> Comportamento | None:
        return next((c for c in self.comportamenti if c.codice == codice), None)


@dataclass(frozen=True, slots=True)
class VoceScheda:
    """An item of a card's section: linked to an objective or indicator of the plan (by code,
    never copied: it follows the plan's scores), or the person's own objective with its target."""

    codice: str
    nome: str
    sezione: str  # the section of the category's card it belongs to
    peso: float | None = None
    livello: str | None = None  # linked: "indicatore", "obiettivo_strategico", "obiettivo_operativo"
    collegato: str | None = None  # linked: the plan's code
    polarita: Polarita = Polarita.CRESCENTE
    target: Target | None = None
    milestones: tuple[Milestone, ...] = ()


@dataclass(frozen=True, slots=True)
class Scheda:
    """One person's card for a year: the category's sections filled for that person."""

    persona: str  # a code (matricola), never a name: cards are published only as aggregates
    categoria: str
    anno: int
    struttura: str | None = None  # feeds the ``area`` section
    voci: tuple[VoceScheda, ...] = ()  # the items of the ``obiettivi`` and ``individuali`` sections
    comportamenti: tuple[tuple[str, float | None], ...] = ()  # (behaviour code, weight)
    quote_area: Mapping[str, float | None] = field(default_factory=dict)  # the area's indicators and shares


@dataclass(frozen=True, slots=True)
class RisultatoValutazione:
    persona: str
    categoria: str
    anno: int
    punteggio: float | None
    stato: Stato
    sezioni: tuple[dict[str, Any], ...]
    trace: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Contesto:
    """What every section's source may read."""

    sistema: Sistema
    categoria: Categoria
    scheda: Scheda
    piano: Any
    risultato: RisultatoPiano
    valori: Valori
    giudizi: Mapping[str, float]
    squadra: Sequence[float]
    eventi: Mapping[str, date | None]
    regole: Regole


def valuta(
    sistema: Sistema,
    scheda: Scheda,
    *,
    piano: Any,
    risultato: RisultatoPiano,
    valori: Valori,
    giudizi: Mapping[str, float] | None = None,
    squadra: Sequence[float] = (),
    eventi: Mapping[str, date | None] | None = None,
    regole: Regole | None = None,
) -> RisultatoValutazione:
    """Score ``scheda``: each section from its source, then the weighted mean of the sections.

    ``giudizi`` are the evaluator's ratings of the behaviours (code → level value); ``squadra``
    the final scores of the collaborators the person evaluates (differentiation)."""
    categoria = sistema.categoria(scheda.categoria)
    if categoria is None:
        raise ValueError(
            _("categoria {codice} non definita nel sistema di valutazione").format(codice=scheda.categoria)
        )
    ctx = _Contesto(
        sistema,
        categoria,
        scheda,
        piano,
        risultato,
        valori,
        giudizi or {},
        squadra,
        eventi or {},
        regole or piano.regole,
    )
    sections: list[dict[str, Any]] = []
    children: list[Pesata] = []
    for sez in categoria.sezioni:
        if sez.fonte not in _FONTI:
            raise ValueError(_("fonte {f} sconosciuta (attese: {x})").format(f=sez.fonte, x=", ".join(FONTI)))
        a, stato, passi, righe = _FONTI[sez.fonte](ctx, sez)
        children.append(Pesata(sez.codice, "sezione", sez.peso, a, stato))
        sections.append(
            {
                "codice": sez.codice,
                "nome": sez.nome,
                "fonte": sez.fonte,
                "peso": sez.peso,
                "achievement": a,
                "stato": stato.value,
                "passi": passi,
                "voci": righe,
            }
        )
    a, stato, trace, warnings = weighted_mean(
        children, _("scheda di {persona}").format(persona=scheda.persona), ctx.regole
    )
    trace["avvisi"] = warnings
    return RisultatoValutazione(scheda.persona, scheda.categoria, scheda.anno, a, stato, tuple(sections), trace)


def _ente(ctx: _Contesto, sez: SezioneSchema) -> Esito:
    a = ctx.risultato.achievement
    return a, ctx.risultato.stato, [_("performance di ente: {a}").format(a=fmt(a))], []


def _area(ctx: _Contesto, sez: SezioneSchema) -> Esito:
    if not ctx.scheda.struttura:
        return None, Stato.SENZA_DATI, [_("nessuna struttura assegnata alla persona")], []
    a, n = area_figure(ctx.piano, ctx.risultato, ctx.scheda.quote_area)
    step = _("performance della struttura {s}: {a} (su {n} indicatori con dati)").format(
        s=ctx.scheda.struttura, a=fmt(a), n=n
    )
    return a, status_for(a, ctx.regole), [step], []


def _voci(ctx: _Contesto, sez: SezioneSchema) -> Esito:
    """The section's items: a linked one takes its plan figure, an own one is scored as any item."""
    items, rows = [], []
    anno = ctx.scheda.anno
    for v in (v for v in ctx.scheda.voci if v.sezione == sez.codice):
        if v.collegato:
            r = (
                ctx.risultato.indicatore(v.collegato)
                if v.livello in (None, "indicatore")
                else ctx.risultato.nodo(v.livello, v.collegato)
            )
            a = r.achievement if r is not None else None
            st = r.stato if r is not None else Stato.SENZA_DATI
            steps = (
                [
                    _("da {l} {c}: {a} ({s})").format(
                        l=v.livello or "indicatore", c=v.collegato, a=fmt(a), s=STATO_TESTO[st]
                    )
                ]
                if r is not None
                else [_("{c} non trovato nel piano").format(c=v.collegato)]
            )
        else:
            c = ctx.valori.consuntivo(v.codice, anno)
            ms = {m.codice: ctx.valori.consuntivo(m.codice, anno) for m in v.milestones}
            out = score_one(
                polarita=v.polarita,
                target=v.target,
                actual=c.valore if c else None,
                milestones=v.milestones,
                milestone_actuals={k: (x.valore if x else None) for k, x in ms.items()},
                eventi=ctx.eventi,
                as_of=ctx.risultato.as_of,
                regole=ctx.regole,
            )
            a, st, steps = out.achievement, out.stato, list(out.steps)
        items.append(Pesata(v.codice, "voce", v.peso, a, st))
        rows.append(
            {"codice": v.codice, "nome": v.nome, "peso": v.peso, "achievement": a, "stato": st.value, "passi": steps}
        )
    return _media(items, rows, _("sezione {s}").format(s=sez.codice), ctx.regole)


def _comportamenti(ctx: _Contesto, sez: SezioneSchema) -> Esito:
    items, rows = [], []
    for code, peso in ctx.scheda.comportamenti:
        comp = ctx.sistema.comportamento(code)
        scala = ctx.sistema.scala((comp.scala if comp else "") or ctx.categoria.scala)
        rating = ctx.giudizi.get(code)
        level = scala.livello(rating) if scala is not None and rating is not None else None
        a = level.punteggio if level is not None else None
        st = status_for(a, ctx.regole) if a is not None else Stato.SENZA_DATI
        if rating is None:
            step = _("{c}: non ancora valutato").format(c=code)
        elif level is None:
            step = _("{c}: livello {v} non previsto dalla scala").format(c=code, v=fmt(rating))
        else:
            step = _("{c}: livello {v} ({d}) → {a}").format(c=code, v=fmt(rating), d=level.descrizione, a=fmt(a))
        items.append(Pesata(code, "comportamento", peso, a, st))
        rows.append(
            {
                "codice": code,
                "nome": comp.nome if comp else code,
                "peso": peso,
                "livello": rating,
                "achievement": a,
                "stato": st.value,
                "passi": [step],
            }
        )
    return _media(items, rows, _("sezione {s}").format(s=sez.codice), ctx.regole)


def _differenziazione(ctx: _Contesto, sez: SezioneSchema) -> Esito:
    return differenziazione(ctx.squadra, ctx.sistema.regole, ctx.regole)


_FONTI = {
    "ente": _ente,
    "area": _area,
    "obiettivi": _voci,
    "individuali": _voci,
    "comportamenti": _comportamenti,
    "differenziazione": _differenziazione,
}


def _media(items: list[Pesata], rows: list[dict[str, Any]], where: str, regole: Regole) -> Esito:
    a, stato, trace, warnings = weighted_mean(items, where, regole)
    steps = [trace["calcolo"]] + warnings if "calcolo" in trace else warnings
    return a, stato, steps, rows


def differenziazione(squadra: Sequence[float], rv: RegoleValutazione, regole: Regole) -> Esito:
    """The ability to differentiate (art. 9 c. 1 lett. d): the standard deviation of the team's
    final scores against the one the system expects, 100 at or above it. Fewer collaborators than
    ``minimo_collaboratori``: not scorable, said so (the section then weighs nothing)."""
    scores = [s for s in squadra if s is not None]
    if len(scores) < rv.minimo_collaboratori:
        return (
            None,
            Stato.NON_VALUTABILE,
            [
                _("{n} collaboratori valutati, ne servono almeno {m}: differenziazione non valutabile").format(
                    n=len(scores), m=rv.minimo_collaboratori
                )
            ],
            [],
        )
    sd = statistics.pstdev(scores)
    a = min(100.0, sd / rv.scarto_atteso * 100.0) if rv.scarto_atteso > 0 else 100.0
    step = _(
        "scarto quadratico dei {n} punteggi della squadra: {sd}; atteso {atteso} → "
        "min(100; {sd} / {atteso} × 100) = {a}"
    ).format(n=len(scores), sd=fmt(sd), atteso=fmt(rv.scarto_atteso), a=fmt(a))
    return a, status_for(a, regole), [step], []


# --- checks of the system (validation warnings) ---------------------------------------------


def _warn(code: str, message: str, where: str) -> Problem:
    return Problem(code, message, where, severity="warning")


def _err(code: str, message: str, where: str) -> Problem:
    return Problem(code, message, where, severity="error")


def controlla(sistema: Sistema) -> list[Problem]:
    """The system's own coherence: weights adding up to 100%, results prevailing for managers,
    behaviours rated on a scale that exists, every source known."""
    out: list[Problem] = []
    for c in sistema.categorie:
        out += _controlla_categoria(sistema, c)
    for b in sistema.comportamenti:
        if b.scala and sistema.scala(b.scala) is None:
            out.append(
                _err("scala", _("scala {s} non definita").format(s=b.scala), _("comportamento {c}").format(c=b.codice))
            )
    for s in sistema.scale:
        if not s.livelli or any(not lv.descrizione.strip() for lv in s.livelli):
            out.append(
                _warn("scala", _("ogni livello della scala dice che cosa significa"), _("scala {s}").format(s=s.codice))
            )
    return out


def _controlla_categoria(sistema: Sistema, c: Categoria) -> list[Problem]:
    out: list[Problem] = []
    where = _("categoria {c}").format(c=c.codice)
    pesi = [s.peso for s in c.sezioni]
    if all(p is not None for p in pesi) and abs(sum(p or 0.0 for p in pesi) - 100.0) > 1e-6:
        total = fmt(sum(p or 0.0 for p in pesi))
        out.append(_warn("pesi", _("i pesi delle sezioni sommano {t}% invece che 100%").format(t=total), where))
    out += [
        _err("fonte", _("sezione {s}: fonte {f} sconosciuta").format(s=s.codice, f=s.fonte), where)
        for s in c.sezioni
        if s.fonte not in FONTI
    ]
    if c.dirigente:
        risultati = sum(s.peso or 0.0 for s in c.sezioni if s.fonte in RISULTATI)
        altro = sum(s.peso or 0.0 for s in c.sezioni if s.fonte not in RISULTATI)
        if risultati <= altro:
            message = _(
                "dirigenti: i risultati pesano {r}%, i comportamenti e il resto {a}%: "
                "ai risultati va il peso prevalente (art. 9 c. 1 d.lgs. 150/2009)"
            ).format(r=fmt(risultati), a=fmt(altro))
            out.append(_warn("prevalenza", message, where))
    elif any(s.fonte == "differenziazione" for s in c.sezioni):
        message = _("la capacità di differenziare i giudizi si valuta per chi valuta altri (i dirigenti)")
        out.append(_warn("differenziazione", message, where))
    if c.scala and sistema.scala(c.scala) is None:
        out.append(_err("scala", _("scala {s} non definita").format(s=c.scala), where))
    uses_behaviours = any(s.fonte == "comportamenti" for s in c.sezioni)
    if uses_behaviours and not c.scala and any(not b.scala for b in sistema.comportamenti):
        out.append(_err("scala", _("comportamenti senza scala di valutazione"), where))
    return out


def controlla_scheda(sistema: Sistema, scheda: Scheda) -> list[Problem]:
    """A card against its category: weights of its items, behaviours of the category."""
    out: list[Problem] = []
    where = _("scheda di {p}").format(p=scheda.persona)
    categoria = sistema.categoria(scheda.categoria)
    if categoria is None:
        return [_err("categoria", _("categoria {c} non definita").format(c=scheda.categoria), where)]
    for code, _peso in scheda.comportamenti:
        b = sistema.comportamento(code)
        if b is None:
            out.append(_err("comportamento", _("comportamento {c} non nel dizionario").format(c=code), where))
        elif b.categorie and scheda.categoria not in b.categorie:
            out.append(
                _warn(
                    "comportamento",
                    _("il comportamento {c} non è previsto per la categoria {k}").format(c=code, k=scheda.categoria),
                    where,
                )
            )
    sezioni = {z.codice for z in categoria.sezioni if z.fonte in ("obiettivi", "individuali")}
    for v in scheda.voci:
        if v.sezione not in sezioni:
            out.append(
                _err(
                    "sezione",
                    _("voce {v}: la sezione {s} non è tra quelle di obiettivi della categoria").format(
                        v=v.codice, s=v.sezione
                    ),
                    where,
                )
            )
    groups = [(z, [v.peso for v in scheda.voci if v.sezione == z]) for z in sorted(sezioni)]
    groups.append((_("comportamenti"), [p for _c, p in scheda.comportamenti]))
    for label, pesi in groups:
        given = [p for p in pesi if p is not None]
        if pesi and len(given) == len(pesi) and abs(sum(given) - 100.0) > 1e-6:
            out.append(
                _warn("pesi", _("{x}: i pesi sommano {t}% invece che 100%").format(x=label, t=fmt(sum(given))), where)
            )
    return out


def da_scheda_individuale(s: SchedaIndividuale, dirigente: bool = True) -> tuple[Categoria, Scheda]:
    """A plan's individual scorecard (the seed's Segretario generale) as a category of the system
    and its card: each section of results, each item linked to its indicator or with its own
    target, the same weights. Scored by :func:`valuta`, it gives the same figure as the plan's
    scorecard (rollup.score_scheda)."""
    categoria = Categoria(
        codice=s.codice,
        nome=s.nome,
        sezioni=tuple(SezioneSchema(z.codice, z.nome, "obiettivi", z.peso) for z in s.sezioni),
        dirigente=dirigente,
    )
    voci = tuple(
        VoceScheda(
            codice=v.codice,
            nome=v.nome,
            sezione=z.codice,
            peso=v.peso,
            livello="indicatore" if v.indicatore else None,
            collegato=v.indicatore,
            polarita=v.polarita,
            target=v.target,
            milestones=v.milestones,
        )
        for z in s.sezioni
        for v in z.voci
    )
    return categoria, Scheda(persona=s.valutato or s.codice, categoria=s.codice, anno=s.anno, voci=voci)
