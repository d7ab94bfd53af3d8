"""PIAO 2.3, Rischi corruttivi e trasparenza: the register of processes, risk events, their
assessment and the measures that treat them, as data, with the rules of ANAC's method.

The method is the qualitative one of the Piano nazionale anticorruzione 2019 (Allegato 1,
confirmed by the PNA 2022 for the PIAO), in three steps for each risk event of a process:

1. each **risk indicator** (by default the six the Allegato gives as examples: the external
   interest, the decision maker's discretion, past events, the opacity of the decision, the
   owner's collaboration, how far measures are applied) gets a level on an ordinal scale
   (by default *basso*, *medio*, *alto*);
2. a **motivated overall judgement** gives the event's level. ANAC asks for a judgement, not
   an average of the indicators. cruscotto proposes one (``livello_proposto``: the level
   most indicators have, a tie going to the higher, as prudence asks) and the owner decides;
   a level other than the proposal needs its reason, and a level is always given with one;
3. a **process is as exposed as its most exposed event** (the Allegato: where a process has
   events of different levels, refer to the highest), never an average of them.

Measures (*misure generali*, the law's own for every body, and *specifiche*, chosen for a
risk) each have an owner structure, a deadline, an indicator and a target. A measure linked
to an objective of the performance plan becomes an indicator of that objective
(``indicatore_di_misura``), so that it is monitored and scored by the same engine as every
other indicator (DM 132/2022, art. 3: the sections are integrated, not written apart).

Everything here takes values and returns values: no storage, no Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import ParseError, Problem, codici_ripetuti
from .lingua import _
from .model import Indicatore, Polarita
from .targets import Target, TargetKind, parse_target

# The ordinal scale of the levels, lowest first. An ente may use its own (a fourth level,
# "molto alto" or "critico"): every rule here reads the order from the scale it is given.
SCALA = ("basso", "medio", "alto")


@dataclass(frozen=True, slots=True)
class IndicatoreRischio:
    """A key risk indicator of the assessment (PNA 2019, Allegato 1, § 4.2)."""

    codice: str
    nome: str
    descrizione: str = ""


# The six examples of the Allegato; an ente may replace or extend them.
INDICATORI_ANAC = (
    IndicatoreRischio(
        "interesse", "Livello di interesse esterno", "benefici economici o di altra natura per i destinatari"
    ),
    IndicatoreRischio(
        "discrezionalita", "Grado di discrezionalità del decisore interno", "quanto leggi e atti vincolano la scelta"
    ),
    IndicatoreRischio(
        "eventi_passati", "Manifestazione di eventi corruttivi in passato", "nel processo, qui o in enti simili"
    ),
    IndicatoreRischio("opacita", "Opacità del processo decisionale", "trasparenza sostanziale, non solo formale"),
    IndicatoreRischio(
        "collaborazione",
        "Livello di collaborazione del responsabile",
        "nel costruire, aggiornare e monitorare il piano",
    ),
    IndicatoreRischio(
        "attuazione_misure", "Grado di attuazione delle misure di trattamento", "misure già previste e il loro stato"
    ),
)


@dataclass(frozen=True, slots=True)
class Processo:
    """A process of the catalogue: its area of risk, its phases and the structure that owns it."""

    codice: str
    nome: str
    area: str  # an area of risk (the PNA's general areas: "contratti pubblici", ...)
    responsabile: str  # the owner structure's code
    fasi: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventoRischio:
    """A risk event: the behaviour or fact through which corruption could happen in a process."""

    codice: str
    processo: str  # the process's code
    descrizione: str


@dataclass(frozen=True, slots=True)
class Valutazione:
    """The assessment of one event: a level for each risk indicator, the judgement and its reason."""

    evento: str  # the event's code
    giudizi: Mapping[str, str]  # indicator code -> level
    livello: str  # the overall judgement
    motivazione: str


@dataclass(frozen=True, slots=True)
class Misura:
    """A measure of treatment, with what makes it monitorable."""

    codice: str
    nome: str
    tipo: str  # "generale" or "specifica"
    responsabile: str  # the owner structure's code
    scadenza: date | None
    indicatore: str  # what is measured
    target: str  # as an indicator's target is written: "100%", "entro 30/06/2021", "si", "=4"
    eventi: tuple[str, ...] = ()  # the events it treats (a general measure may treat none in particular)
    obiettivo: str = ""  # the code of an objective of the performance plan it is part of
    peso: str = ""  # its weight in that objective, as printed ("" = not weighted)


TIPI_MISURA = ("generale", "specifica")


@dataclass(frozen=True, slots=True)
class EsitoEvento:
    """An event's assessment read: the proposal, the level decided, and whether it is complete."""

    evento: str
    proposto: str | None  # None when no indicator has a level
    livello: str | None  # None when not (validly) assessed
    motivazione: str
    mancanti: tuple[str, ...] = ()  # indicators without a level


@dataclass(frozen=True, slots=True)
class Registro:
    """The whole register of 2.3 for one plan: what ``controlla`` checks and ``esposizione`` reads."""

    processi: tuple[Processo, ...] = ()
    eventi: tuple[EventoRischio, ...] = ()
    valutazioni: tuple[Valutazione, ...] = ()
    misure: tuple[Misura, ...] = ()
    indicatori: tuple[IndicatoreRischio, ...] = INDICATORI_ANAC
    scala: tuple[str, ...] = SCALA
    extra: dict[str, str] = field(default_factory=dict)


def livello_proposto(giudizi: Iterable[str], scala: Sequence[str] = SCALA) -> str | None:
    """The level most indicators have; a tie goes to the higher level (prudence: PNA 2019,
    Allegato 1, which warns against averages). Levels not on the scale are ignored; None if
    none is left."""
    counts = Counter(g for g in giudizi if g in scala)
    if not counts:
        return None
    top = max(counts.values())
    return max((lvl for lvl, n in counts.items() if n == top), key=scala.index)


def piu_alto(livelli: Iterable[str | None], scala: Sequence[str] = SCALA) -> str | None:
    """The highest of the levels given (None and levels off the scale ignored)."""
    known = [lvl for lvl in livelli if lvl in scala]
    return max(known, key=scala.index) if known else None


def esito(v: Valutazione, registro: Registro) -> EsitoEvento:
    """One assessment read against the register's indicators and scale. The level decided
    stands only if it is on the scale and has its reason; the checks (``controlla``) say why not."""
    scala = registro.scala
    mancanti = tuple(i.codice for i in registro.indicatori if v.giudizi.get(i.codice) not in scala)
    proposto = livello_proposto(v.giudizi.values(), scala)
    valido = v.livello in scala and bool(v.motivazione.strip())
    return EsitoEvento(v.evento, proposto, v.livello if valido else None, v.motivazione, mancanti)


def esposizione(registro: Registro) -> dict[str, str | None]:
    """Each process's exposure: the highest level of its assessed events (None: none assessed)."""
    per_evento = {v.evento: esito(v, registro).livello for v in registro.valutazioni}
    out: dict[str, str | None] = {p.codice: None for p in registro.processi}
    for e in registro.eventi:
        if e.processo in out:
            out[e.processo] = piu_alto([out[e.processo], per_evento.get(e.codice)], registro.scala)
    return out


class _Controllo:
    """The problems found so far, and the register's indexes the checks share."""

    def __init__(self, registro: Registro, strutture: set[str], obiettivi: set[str], anni: Sequence[int]):
        self.r = registro
        self.strutture = strutture
        self.obiettivi = obiettivi
        self.anni = anni
        self.problems: list[Problem] = []
        self.eventi = {e.codice: e for e in registro.eventi}
        self.valutati: dict[str, EsitoEvento] = {}
        self.trattati: Counter[str] = Counter()

    def err(self, code: str, message: str, where: str) -> None:
        self.problems.append(Problem(code, message, where))

    def warn(self, code: str, message: str, where: str) -> None:
        self.problems.append(Problem(code, message, where, severity="warning"))

    def struttura(self, codice: str, where: str) -> None:
        if not codice.strip():
            self.err("rischi_struttura", _("manca la struttura responsabile"), where)
        elif self.strutture and codice not in self.strutture:
            self.err("rischi_struttura", _("struttura responsabile sconosciuta: {s}").format(s=codice), where)

    def livello(self, livello: str, where: str) -> bool:
        if livello in self.r.scala:
            return True
        message = _("livello non nella scala ({scala}): {livello}").format(
            scala=", ".join(self.r.scala), livello=livello
        )
        self.err("rischi_livello", message, where)
        return False

    def codici(self) -> None:
        for kind, items in (
            ("processo", self.r.processi),
            ("evento", self.r.eventi),
            ("misura", self.r.misure),
            ("indicatore di rischio", self.r.indicatori),
        ):
            voci = ((it.codice, f"{kind} {it.codice}") for it in items)
            self.problems += codici_ripetuti(voci, "rischi_codice_doppio")
        if len(set(self.r.scala)) != len(self.r.scala) or len(self.r.scala) < 2:
            self.err("rischi_scala", _("la scala dei livelli deve avere almeno due livelli diversi"), "scala")

    def processi(self) -> None:
        codes = {p.codice for p in self.r.processi}
        for p in self.r.processi:
            self.struttura(p.responsabile, f"processo {p.codice}")
            if not p.area.strip():
                self.err("rischi_area", _("manca l'area di rischio"), f"processo {p.codice}")
        for e in self.r.eventi:
            if e.processo not in codes:
                self.err("rischi_processo", _("processo sconosciuto: {p}").format(p=e.processo), f"evento {e.codice}")

    def valutazioni(self) -> None:
        known = {i.codice for i in self.r.indicatori}
        for v in self.r.valutazioni:
            where = f"valutazione {v.evento}"
            if v.evento not in self.eventi:
                self.err("rischi_evento", _("evento sconosciuto: {e}").format(e=v.evento), where)
                continue
            if v.evento in self.valutati:
                self.err("rischi_valutazione_doppia", _("evento valutato due volte"), where)
                continue
            for ind, lvl in v.giudizi.items():
                if ind not in known:
                    self.err("rischi_indicatore", _("indicatore di rischio sconosciuto: {i}").format(i=ind), where)
                else:
                    self.livello(lvl, f"{where}, {ind}")
            es = self.valutati[v.evento] = esito(v, self.r)
            if self.livello(v.livello, where) and not v.motivazione.strip():
                self.err("rischi_motivazione", _("il giudizio sintetico va motivato"), where)
            if es.mancanti:
                message = _("indicatori senza livello: {i}").format(i=", ".join(es.mancanti))
                self.warn("rischi_indicatori_mancanti", message, where)
            if es.livello is not None and es.proposto is not None and es.livello != es.proposto:
                # Allowed, with its reason (checked above): said, so that a reader sees the choice.
                message = _("giudizio {livello} diverso da quello proposto dagli indicatori ({proposto}): motivato")
                self.warn("rischi_giudizio_diverso", message.format(livello=es.livello, proposto=es.proposto), where)
        for codice in self.eventi:
            if codice not in self.valutati:
                self.warn("rischi_non_valutato", _("evento non valutato"), f"evento {codice}")

    def misure(self) -> None:
        for m in self.r.misure:
            where = f"misura {m.codice}"
            if m.tipo not in TIPI_MISURA:
                message = _("tipo di misura non ammesso (generale, specifica): {t}").format(t=m.tipo)
                self.err("rischi_tipo_misura", message, where)
            self.struttura(m.responsabile, where)
            self.scadenza(m, where)
            if not m.indicatore.strip():
                self.err("rischi_misura_indicatore", _("manca l'indicatore di attuazione"), where)
            self.target(m, where)
            if m.obiettivo and self.obiettivi and m.obiettivo not in self.obiettivi:
                self.err(
                    "rischi_misura_obiettivo", _("obiettivo del piano sconosciuto: {o}").format(o=m.obiettivo), where
                )
            for ev in m.eventi:
                if ev not in self.eventi:
                    self.err("rischi_evento", _("evento sconosciuto: {e}").format(e=ev), where)
                elif m.tipo == "specifica":
                    self.trattati[ev] += 1
            if m.tipo == "specifica" and not m.eventi:
                self.err("rischi_misura_eventi", _("una misura specifica tratta almeno un evento"), where)

    def target(self, m: Misura, where: str) -> None:
        if not m.target.strip():
            self.err("rischi_misura_target", _("manca il target"), where)
            return
        try:
            t = parse_target(m.target, where=where)
        except ParseError as exc:
            self.err("rischi_misura_target", f"{exc.reason}: {m.target!r}", where)
            return
        if t is None or t.tipo is TargetKind.DESCRITTIVO:  # words: nothing to monitor
            message = _("target non misurabile (un numero, una data, sì/no): {t}").format(t=m.target)
            self.err("rischi_misura_target", message, where)

    def scadenza(self, m: Misura, where: str) -> None:
        if m.scadenza is None:
            self.err("rischi_misura_scadenza", _("manca la scadenza"), where)
        elif self.anni and not min(self.anni) <= m.scadenza.year <= max(self.anni):
            message = _("scadenza fuori dagli anni del piano ({a}-{b}): {d}").format(
                a=min(self.anni), b=max(self.anni), d=m.scadenza.strftime("%d/%m/%Y")
            )
            self.warn("rischi_misura_scadenza_fuori", message, where)

    def trattamento(self, trattare_da: str) -> None:
        if not self.livello(trattare_da, "scala"):
            return
        soglia = self.r.scala.index(trattare_da)
        for codice, es in self.valutati.items():
            if es.livello is not None and self.r.scala.index(es.livello) >= soglia and not self.trattati[codice]:
                message = _("rischio {livello} senza una misura specifica").format(livello=es.livello)
                self.warn("rischi_non_trattato", message, f"evento {codice}")


def controlla(
    registro: Registro,
    *,
    strutture: Iterable[str] = (),
    obiettivi: Iterable[str] = (),
    anni: Sequence[int] = (),
    trattare_da: str = "medio",
) -> list[Problem]:
    """Every problem of the register, each with its place. Errors make the register unusable
    for that item; warnings are what an OIV or the RPCT would point out.

    ``strutture``: the ente's structure codes (an owner must be one of them); ``obiettivi``:
    the performance plan's objective codes (a measure's link must be one); ``anni``: the
    plan's years (a deadline outside them is a warning); ``trattare_da``: from this level up
    an event needs at least one specific measure (the treatment of PNA 2019, Allegato 1, § 5).
    """
    c = _Controllo(registro, set(strutture), set(obiettivi), anni)
    c.codici()
    c.processi()
    c.valutazioni()
    c.misure()
    c.trattamento(trattare_da)
    return c.problems


def indicatore_di_misura(m: Misura, anni: Sequence[int]) -> Indicatore:
    """The measure as an indicator of the performance plan, with the same target for each of
    the plan's years up to its deadline, so that the engine monitors and scores it as any other.
    Its code is the measure's; its polarity follows from the target (a date is a deadline, yes
    or no a check, a number grows)."""
    anni_misura = [a for a in anni if m.scadenza is None or a <= m.scadenza.year] or list(anni[:1])
    target: dict[int, Target] = {}
    for a in anni_misura:
        t = parse_target(m.target, where=f"misura {m.codice}", anno=a)
        if t is None:  # "-", "nd": checked by ``controlla`` as a target missing
            raise ParseError(_("manca il target"), value=m.target, where=f"misura {m.codice}")
        target[a] = t
    first = target[anni_misura[0]]
    if first.tipo is TargetKind.SCADENZA:
        polarita = Polarita.SCADENZA
    elif first.tipo is TargetKind.SI_NO:
        polarita = Polarita.SI_NO
    elif first.operatore in ("<", "<="):
        polarita = Polarita.DECRESCENTE
    else:
        polarita = Polarita.CRESCENTE
    return Indicatore(
        codice=m.codice,
        nome=f"{m.nome} ({m.indicatore})",
        polarita=polarita,
        peso_testo=m.peso or None,
        strutture=(m.responsabile,),
        tipologia=_("misura di prevenzione della corruzione ({tipo})").format(tipo=m.tipo),
        target=target,
    )


# --- the RPCT's yearly report, from the monitoring --------------------------------------------


@dataclass(frozen=True, slots=True)
class StatoMisura:
    """A measure's state at the report's date, from its indicator's result."""

    codice: str
    tipo: str
    responsabile: str
    scadenza: date | None
    stato: str  # the engine's Stato value: raggiunto, non_raggiunto, senza_dati, in_attesa, ...
    scaduta: bool  # its deadline has passed and it is not reached


@dataclass(frozen=True, slots=True)
class SintesiRPCT:
    """What the RPCT's report (L. 190/2012, art. 1 c. 14) says of the register and its measures:
    how many measures of each type are implemented, late or waiting; the processes by level of
    exposure; the events at risk left without a specific measure."""

    anno: int
    misure: tuple[StatoMisura, ...]
    per_tipo: dict[str, dict[str, int]]  # tipo -> stato -> count
    esposizione: dict[str, tuple[str, ...]]  # level -> process codes (a level of the scale, or "non valutato")
    scadute: tuple[str, ...]  # measures past their deadline and not reached
    non_trattati: tuple[str, ...]  # events at or above the threshold without a specific measure


def sintesi_rpct(
    registro: Registro,
    risultati: Mapping[str, object],
    *,
    anno: int,
    oggi: date,
    trattare_da: str = "medio",
) -> SintesiRPCT:
    """The report's figures. ``risultati`` maps a measure's code to its indicator's result for
    ``anno`` (what the engine's scoring of ``indicatore_di_misura`` gives; anything with a
    ``stato``); a measure with no result counts as *senza dati*. Nothing is averaged: counts and
    lists, each traceable to a measure, an event or a process."""
    stati: list[StatoMisura] = []
    per_tipo: dict[str, dict[str, int]] = {}
    for m in registro.misure:
        r = risultati.get(m.codice)
        stato = str(getattr(getattr(r, "stato", None), "value", "senza_dati"))
        scaduta = m.scadenza is not None and m.scadenza < oggi and stato != "raggiunto"
        stati.append(StatoMisura(m.codice, m.tipo, m.responsabile, m.scadenza, stato, scaduta))
        counts = per_tipo.setdefault(m.tipo, {})
        counts[stato] = counts.get(stato, 0) + 1
    livelli: dict[str, list[str]] = {}
    for processo, lvl in esposizione(registro).items():
        livelli.setdefault(lvl or "non valutato", []).append(processo)
    trattati = {ev for m in registro.misure if m.tipo == "specifica" for ev in m.eventi}
    soglia = registro.scala.index(trattare_da) if trattare_da in registro.scala else len(registro.scala)
    non_trattati = tuple(
        v.evento
        for v in registro.valutazioni
        if (lvl := esito(v, registro).livello) is not None
        and registro.scala.index(lvl) >= soglia
        and v.evento not in trattati
    )
    return SintesiRPCT(
        anno=anno,
        misure=tuple(stati),
        per_tipo=per_tipo,
        esposizione={k: tuple(v) for k, v in livelli.items()},
        scadute=tuple(s.codice for s in stati if s.scaduta),
        non_trattati=non_trattati,
    )


# --- the register as plain data (what the database keeps, what a backup holds) -----------------


def _data(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def registro_to_data(r: Registro) -> dict[str, Any]:
    """The register as JSON-ready data: lists of plain dicts, dates as ISO text."""
    return {
        "processi": [
            {"codice": p.codice, "nome": p.nome, "area": p.area, "responsabile": p.responsabile, "fasi": list(p.fasi)}
            for p in r.processi
        ],
        "eventi": [{"codice": e.codice, "processo": e.processo, "descrizione": e.descrizione} for e in r.eventi],
        "valutazioni": [
            {"evento": v.evento, "giudizi": dict(v.giudizi), "livello": v.livello, "motivazione": v.motivazione}
            for v in r.valutazioni
        ],
        "misure": [
            {
                "codice": m.codice,
                "nome": m.nome,
                "tipo": m.tipo,
                "responsabile": m.responsabile,
                "scadenza": _data(m.scadenza),
                "indicatore": m.indicatore,
                "target": m.target,
                "eventi": list(m.eventi),
                "obiettivo": m.obiettivo,
                "peso": m.peso,
            }
            for m in r.misure
        ],
        "indicatori": [{"codice": i.codice, "nome": i.nome, "descrizione": i.descrizione} for i in r.indicatori],
        "scala": list(r.scala),
        "extra": dict(r.extra),
    }


def registro_from_data(d: Mapping[str, Any]) -> Registro:
    """The register back from :func:`registro_to_data` (what was stored was checked when stored)."""
    return Registro(
        processi=tuple(
            Processo(p["codice"], p["nome"], p["area"], p["responsabile"], tuple(p.get("fasi", ())))
            for p in d.get("processi", ())
        ),
        eventi=tuple(EventoRischio(e["codice"], e["processo"], e["descrizione"]) for e in d.get("eventi", ())),
        valutazioni=tuple(
            Valutazione(v["evento"], dict(v["giudizi"]), v["livello"], v["motivazione"])
            for v in d.get("valutazioni", ())
        ),
        misure=tuple(
            Misura(
                codice=m["codice"],
                nome=m["nome"],
                tipo=m["tipo"],
                responsabile=m["responsabile"],
                scadenza=date.fromisoformat(m["scadenza"]) if m.get("scadenza") else None,
                indicatore=m["indicatore"],
                target=m["target"],
                eventi=tuple(m.get("eventi", ())),
                obiettivo=m.get("obiettivo", ""),
                peso=m.get("peso", ""),
            )
            for m in d.get("misure", ())
        ),
        indicatori=tuple(
            IndicatoreRischio(i["codice"], i["nome"], i.get("descrizione", "")) for i in d.get("indicatori", ())
        )
        or INDICATORI_ANAC,
        scala=tuple(d.get("scala", ())) or SCALA,
        extra=dict(d.get("extra", {})),
    )
