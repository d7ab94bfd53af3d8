"""The performance plan as plain, frozen values (no Django, no I/O).

Names are the domain's Italian words (docs/glossary.md maps them to English).
Printed figures keep their printed text next to their parsed value so that a
plan written back out is the plan that was read in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .numbers import Value
from .targets import Target


class Polarita(StrEnum):
    CRESCENTE = "crescente"  # higher is better
    DECRESCENTE = "decrescente"  # lower is better
    SCADENZA = "scadenza"  # done by a date
    SI_NO = "si/no"
    MILESTONE = "milestone"  # share of milestones met on time


class Cruscotto(StrEnum):
    """Which scorecard an objective or indicator belongs to."""

    ENTE = "ente"  # the cruscotto di ente (seed 3.2): rolls up to the entity
    AREA = "area"  # cascading only (seed 3.3): area dashboards, not the entity figure


TAG_PIRA = "PIRA"
TAG_PARETO = "PARETO"
TAG_FONDO = "PROG.INTEGR.FONDO"
KNOWN_TAGS = (TAG_PIRA, TAG_PARETO, TAG_FONDO)


@dataclass(frozen=True, slots=True)
class Dato:
    """A figure as printed (history, cluster average, budget cell): text and parsed value."""

    testo: str
    valore: Value | None  # None for "-", "nd", "in attesa di consuntivo" ...

    @property
    def importo(self) -> float:
        """As an amount of a budget table: "-" (or any non-number) is nothing, 0."""
        v = self.valore
        return v if isinstance(v, float) else 0.0


@dataclass(frozen=True, slots=True)
class Fascia:
    """A scoring band: achievements from ``da`` (included) score ``punteggio``."""

    da: float
    punteggio: float


@dataclass(frozen=True, slots=True)
class FasciaRitardo:
    """A deadline band: up to ``giorni`` days late scores ``punteggio``."""

    giorni: int
    punteggio: float


@dataclass(frozen=True, slots=True)
class Regole:
    """The SMVP's scoring rules for one plan (DOMAIN.md defaults)."""

    soglia_raggiunto: float = 80.0
    soglia_parziale: float | None = None
    fasce: tuple[Fascia, ...] = ()
    fasce_modo: str = "gradini"  # gradini | lineare
    # A missing actual value (docs/scoring.md, "Missing data"): left out (escludi), counted as 0
    # (zero), or left out while the year is open and counted as 0 once it is closed
    # (zero_a_consuntivo, the default). One rule for the roll-up, the areas, the scorecards and the fund.
    dati_mancanti: str = "zero_a_consuntivo"  # escludi | zero | zero_a_consuntivo
    ritardo_fasce: tuple[FasciaRitardo, ...] = ()
    # A threshold target ("almeno 90%", ">= 90"): scored in proportion (the seed's rule) or met / not met.
    soglie: str = "proporzionale"  # proporzionale | raggiunto
    # An indicator with several sub-measures: the mean of their achievements, or all of them (the lowest).
    multiplo: str = "media"  # media | tutti
    # How the roll-up averages (docs/scoring.md): a strategic objective over its children
    # (operational objectives and indicators) or over all its indicators; the entity over its
    # perspectives or over its strategic objectives.
    obiettivo: str = "figli"  # figli | indicatori
    ente: str = "prospettive"  # prospettive | obiettivi

    def mancanti(self, chiuso: bool) -> str:
        """The missing-data rule in force: ``zero`` or ``escludi``, given whether the year (or
        the period) scored is closed."""
        if self.dati_mancanti == "zero_a_consuntivo":
            return "zero" if chiuso else "escludi"
        return self.dati_mancanti


@dataclass(frozen=True, slots=True)
class Ente:
    codice: str
    nome: str
    # The article the name takes ("la" Camera di Commercio, "il" Comune, "l'"Agenzia): the
    # documents say "della Camera di Commercio di Pistoia", not "di Camera di Commercio…".
    articolo: str = ""

    def di(self) -> str:
        """The name after "di", with the article joined to it: "della Camera di Commercio di Pistoia"."""
        return PREPOSIZIONE_DI.get(self.articolo, "di ") + self.nome


# di + article (Italian articulated preposition); no article: "di" alone.
PREPOSIZIONE_DI = {
    "": "di ",
    "il": "del ",
    "lo": "dello ",
    "la": "della ",
    "l'": "dell'",
    "i": "dei ",
    "gli": "degli ",
    "le": "delle ",
}


@dataclass(frozen=True, slots=True)
class Struttura:
    codice: str
    nome: str
    tipo: str = "servizio"  # area | servizio | trasversale
    padre: str | None = None


@dataclass(frozen=True, slots=True)
class Evento:
    codice: str
    nome: str
    data: date | None = None
    alias: tuple[str, ...] = ()
    dichiarato: bool = (
        True  # False: not in the plan's list, read from a target ("entro 60 giorni dall'approvazione ...")
    )


@dataclass(frozen=True, slots=True)
class Milestone:
    codice: str
    descrizione: str
    scadenza: Target
    peso: float | None = None


@dataclass(frozen=True, slots=True)
class Indicatore:
    codice: str
    nome: str
    algoritmo: str = ""
    formula: str | None = None
    etichette: tuple[str, ...] = ()
    polarita: Polarita = Polarita.CRESCENTE
    peso: float | None = None
    peso_testo: str | None = None
    unita: str = ""
    tipologia: str = ""
    fonte: str = ""
    strutture: tuple[str, ...] = ()
    cruscotto: Cruscotto = Cruscotto.ENTE
    media_cluster: Dato | None = None
    # The code of the installation's catalogue this indicator is (engine/confronto.py): enti
    # whose plans reference the same code are compared with each other.
    catalogo: str = ""
    storico: dict[int, Dato] = field(default_factory=dict)
    target: dict[int, Target] = field(default_factory=dict)
    milestones: tuple[Milestone, ...] = ()
    note: str | None = None
    soglie: str | None = None  # overrides Regole.soglie for this indicator
    quote: dict[str, float] = field(default_factory=dict)  # each responsible structure's share, in %
    baseline: Dato | None = None  # the base of targets "rispetto alla baseline"
    baseline_anno: int | None = None


@dataclass(frozen=True, slots=True)
class ObiettivoOperativo:
    codice: str
    nome: str
    peso: float | None = None
    peso_testo: str | None = None
    strutture: tuple[str, ...] = ()
    cruscotto: Cruscotto = Cruscotto.ENTE
    indicatori: tuple[Indicatore, ...] = ()
    note: str | None = None
    quote: dict[str, float] = field(default_factory=dict)  # each responsible structure's share, in %
    risorse: Dato | None = None  # the resources assigned to the objective, in euro, as printed


@dataclass(frozen=True, slots=True)
class ObiettivoStrategico:
    codice: str
    nome: str
    peso: float | None = None
    peso_testo: str | None = None
    cause: tuple[str, ...] = ()  # strategy map: codes of the objectives this one supports
    indicatori: tuple[Indicatore, ...] = ()
    obiettivi_operativi: tuple[ObiettivoOperativo, ...] = ()
    note: str | None = None
    strutture: tuple[str, ...] = ()
    quote: dict[str, float] = field(default_factory=dict)
    risorse: Dato | None = None


@dataclass(frozen=True, slots=True)
class LineaStrategica:
    codice: str
    nome: str
    peso: float | None = None
    peso_testo: str | None = None
    benefici_attesi: str | None = None
    obiettivi_strategici: tuple[ObiettivoStrategico, ...] = ()
    note: str | None = None
    risorse: Dato | None = None


@dataclass(frozen=True, slots=True)
class Prospettiva:
    codice: str
    nome: str
    peso: float | None = None
    peso_testo: str | None = None
    linee: tuple[LineaStrategica, ...] = ()
    note: str | None = None
    risorse: Dato | None = None


@dataclass(frozen=True, slots=True)
class Ambito:
    """A fifth level above the perspectives (a ministry's *priorità politica*, a region's
    *area*): it groups perspectives by their codes, which stay in ``Piano.prospettive``."""

    codice: str
    nome: str
    peso: float | None = None
    peso_testo: str | None = None
    prospettive: tuple[str, ...] = ()
    note: str | None = None
    risorse: Dato | None = None


BUDGET_FIELDS = ("oneri_promozionali", "investimenti", "proventi")


@dataclass(frozen=True, slots=True)
class Progetto:
    nome: str
    budget: dict[str, Dato] = field(default_factory=dict)  # keys from BUDGET_FIELDS
    strutture: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Azione:
    codice: str | None
    nome: str
    obiettivo: str | None = None  # operational objective it serves
    progetti: tuple[Progetto, ...] = ()
    strutture: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Programma:
    codice: str
    nome: str
    linea: str | None = None
    funzione: str | None = None
    strutture: tuple[str, ...] = ()
    azioni: tuple[Azione, ...] = ()
    totale_stampato: dict[str, Dato] = field(default_factory=dict)

    def somma(self, campo: str) -> float:
        """A budget field (BUDGET_FIELDS) added up over the projects, whatever total is printed."""
        return sum(pj.budget[campo].importo for a in self.azioni for pj in a.progetti if campo in pj.budget)


@dataclass(frozen=True, slots=True)
class Voce:
    """An item of an individual scorecard: tied to a plan indicator, or with its own target."""

    codice: str
    nome: str
    peso: float | None = None
    peso_testo: str | None = None
    indicatore: str | None = None
    polarita: Polarita = Polarita.CRESCENTE
    target: Target | None = None
    milestones: tuple[Milestone, ...] = ()


@dataclass(frozen=True, slots=True)
class Sezione:
    codice: str
    nome: str
    peso: float | None = None
    peso_testo: str | None = None
    prospettiva: str | None = None
    voci: tuple[Voce, ...] = ()


@dataclass(frozen=True, slots=True)
class SchedaIndividuale:
    codice: str
    nome: str
    anno: int
    sezioni: tuple[Sezione, ...] = ()
    valutato: str | None = None


@dataclass(frozen=True, slots=True)
class ProgettoFondo:
    codice: str
    nome: str
    indicatori: tuple[str, ...] = ()
    peso: float | None = None


@dataclass(frozen=True, slots=True)
class Fondo:
    """The art. 67 c.5 integration: paid in proportion to the tagged projects' achievement."""

    nome: str
    anno: int
    importo_massimo: float
    importo_testo: str
    progetti: tuple[ProgettoFondo, ...] = ()
    regola: str = "proporzionale"
    soglia_minima: float | None = None  # below this mean achievement nothing is paid
    base: str | None = None


@dataclass(frozen=True, slots=True)
class Piano:
    ente: Ente
    titolo: str
    anni: tuple[int, ...]
    regole: Regole = Regole()
    strutture: tuple[Struttura, ...] = ()
    eventi: tuple[Evento, ...] = ()
    prospettive: tuple[Prospettiva, ...] = ()
    programmi: tuple[Programma, ...] = ()
    totali_linee_stampati: dict[str, dict[str, Dato]] = field(default_factory=dict)
    schede_individuali: tuple[SchedaIndividuale, ...] = ()
    fondo: Fondo | None = None
    note: str | None = None
    mandato: str | None = None
    mission: str | None = None
    vision: str | None = None
    sezioni: dict[str, str] = field(default_factory=dict)  # narrative sections, Markdown
    ambiti: tuple[Ambito, ...] = ()  # the optional level above the perspectives

    # Walking the tree --------------------------------------------------------

    def ambito_di(self) -> dict[str, Ambito]:
        """The ambito each perspective belongs to (perspectives in none are not keys)."""
        return {code: a for a in self.ambiti for code in a.prospettive}

    def linee(self) -> Iterator[LineaStrategica]:
        for p in self.prospettive:
            yield from p.linee

    def obiettivi_strategici(self) -> Iterator[ObiettivoStrategico]:
        for linea in self.linee():
            yield from linea.obiettivi_strategici

    def obiettivi_operativi(self) -> Iterator[ObiettivoOperativo]:
        for os_ in self.obiettivi_strategici():
            yield from os_.obiettivi_operativi

    def indicatori(self) -> Iterator[Indicatore]:
        """Every indicator, in plan order (those on strategic objectives first within each)."""
        for os_ in self.obiettivi_strategici():
            yield from os_.indicatori
            for oo in os_.obiettivi_operativi:
                yield from oo.indicatori

    def indicatore(self, codice: str) -> Indicatore | None:
        for ind in self.indicatori():
            if ind.codice == codice:
                return ind
        return None

    def responsabili(self) -> dict[str, tuple[tuple[str, ...], dict[str, float]]]:
        """Each indicator's responsible structures and their shares: its own, else those of
        its operational objective, else those of its strategic objective (docs/tabular.md)."""
        out: dict[str, tuple[tuple[str, ...], dict[str, float]]] = {}
        for os_ in self.obiettivi_strategici():
            holders: list[tuple[ObiettivoOperativo | None, tuple[Indicatore, ...]]] = [(None, os_.indicatori)]
            holders += [(oo, oo.indicatori) for oo in os_.obiettivi_operativi]
            for oo, inds in holders:
                for ind in inds:
                    for node in (ind, oo, os_):
                        if node is not None and node.strutture:
                            out[ind.codice] = (node.strutture, node.quote)
                            break
                    else:
                        out[ind.codice] = ((), {})
        return out

    def date_eventi(self) -> dict[str, date | None]:
        return {e.codice: e.data for e in self.eventi}
