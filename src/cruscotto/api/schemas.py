"""The API's schemas: what each endpoint takes and answers."""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from datetime import date
from typing import Annotated

from ninja import Field, Schema
from pydantic import StrictBool, StrictFloat


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict] | None = None


class EnteOut(Schema):
    codice: str
    nome: str


class VersioneOut(Schema):
    versione: int
    titolo: str
    anni: list[int]
    ciclo: int | None
    stato_ciclo: str | None
    stato_versione: str
    atto: str
    atto_data: date | None
    motivazione: str


class NodoOut(Schema):
    codice: str
    livello: str
    nome: str
    padre: str | None
    achievement: float | None
    stato: str
    cruscotto: str
    copertura: dict
    risorse: float | None = None  # the resources the plan assigns to the node, in euro
    strutture: dict[str, float | None] = {}  # an objective's responsible structures and their shares (%)


class IndicatoreOut(Schema):
    codice: str
    nome: str
    algoritmo: str
    formula: str | None
    polarita: str
    peso: str | None
    unita: str
    strutture: list[str]
    cruscotto: str
    target: dict[str, str]
    consuntivo: float | str | bool | None
    achievement: float | None
    stato: str


class IndicatoreDettaglio(IndicatoreOut):
    trace: dict


class ConsuntivoOut(Schema):
    codice: str
    anno: int
    periodo: str
    valore: str
    nota: str
    revisione: int


# Inputs are bounded to their columns, as the pages' forms are (performance/forms.py): a longer
# text is a 422 naming the field, never a database error (PostgreSQL refuses it, SQLite keeps it).
class ConsuntivoIn(Schema):
    # A text as on the page ("68,28", "31/12/2020", "sì"), or a JSON number or boolean.
    valore: Annotated[str, Field(max_length=100)] | StrictBool | StrictFloat
    nota: str = Field("", max_length=2000)
    correzione: str = Field("", max_length=2000)
    # The value's revision the caller read (0: none yet): if it changed meanwhile, 409 and nothing
    # is written. Absent: no check (the caller overwrites whatever is there).
    revisione: int | None = Field(None, ge=0, le=2_000_000_000)
    conferma: str = Field("", max_length=2000)  # why an implausible value is right
    sostituisce_formula: str = Field("", max_length=2000)  # why a typed value replaces the formula


class MisuraOut(Schema):
    nome: str
    anno: int
    valore: float


class MisuraIn(Schema):
    # Strict: JSON true/false is not a number (lax pydantic would store it as 1.0/0.0).
    valore: float | None = Field(..., strict=True)


class CicloOut(Schema):
    anno: int
    stato: str
    versione_in_vigore: int | None
    bozza: int | None
    passaggi_possibili: list[str]


class ScorrimentoOut(Schema):
    ciclo: CicloOut  # the next year's cycle, in bozza
    anni: list[int]  # the new plan's years
    avvisi: list[str]  # what the draft lacks (targets of the year entering, yearly parts left behind)


class CommentoIn(Schema):
    oggetto: str = Field("", max_length=60)  # an indicator or objective code; empty: the Relazione as a whole
    testo: str = Field(..., max_length=20000)


class CommentoOut(Schema):
    oggetto: str
    testo: str
    autore: str
    quando: str


class PeriodoIn(Schema):
    periodo: str = Field(..., max_length=10)  # "S1", "S2", or "" for the year


class TransizioneIn(Schema):
    verso: str = Field(..., max_length=20)
    nota: str = Field("", max_length=4000)


class AdozioneIn(Schema):
    versione: int
    atto: str = Field(..., max_length=200)
    atto_data: date


class ApprovazioneIn(Schema):
    atto: str = Field(..., min_length=1, max_length=200)  # the governing organ's delibera
    atto_data: date


class ApprovazioneOut(Schema):
    anno: int
    atto: str
    atto_data: date
    sha256_pdf: str
    sha256_docx: str
    stato: str  # "pronto": archived; else the job that builds it ("in_coda", "in_corso", "errore")
    lavoro: str


class NeutralizzazioneIn(Schema):
    livello: str = Field(..., max_length=30)  # indicatore | obiettivo_operativo | obiettivo_strategico
    codice: str = Field(..., max_length=40)
    atto: str = Field(..., max_length=200)
    atto_data: date
    motivo: str = Field(..., max_length=4000)


class RevocaIn(Schema):
    motivo: str = Field(..., max_length=4000)


class NeutralizzazioneOut(Schema):
    id: int
    anno: int
    livello: str
    codice: str
    atto: str
    atto_data: date
    motivo: str
    revocata: bool


class RimodulazioneIn(Schema):
    motivazione: str = Field(..., max_length=4000)


class RegistroOut(Schema):
    quando: str
    utente: str
    azione: str
    oggetto: str
    prima: dict | list | str | float | int | bool | None
    dopo: dict | list | str | float | int | bool | None
    motivo: str


class ImportOut(Schema):
    versione: int
    stato_versione: str
    indicatori: int
    avvisi: list[str]


class LavoroOut(Schema):
    """A job of the worker: a large plan import answers 202 with it, to be followed."""

    id: str
    tipo: str
    stato: str
    fase: str
    creato: str
    finito: str | None
    errore: str
    errori: list[dict]
    avvisi: list[str]
    versione: int | None
    url: str


class IndicatoriFiltri(Schema):
    struttura: str | None = None
    cruscotto: str | None = None
    stato: str | None = None


class ControlloOut(Schema):
    code: str
    where: str
    message: str


class BilancioOut(Schema):
    anno: int
    fonte: str
    tabelle: dict
    risultati: dict
    patrimonio_netto: dict | None
    controlli: list[ControlloOut]


class IndicatoreGenereOut(Schema):
    codice: str
    dicitura: str
    misura: str
    anno: int
    valore: float | None
    numeratore: float | None  # None, like valore and denominatore, when ``riservato``
    denominatore: int | None
    spiegazione: str
    riservato: str | None = None  # "< 3" or "riservato": hidden for privacy (docs/personale.md)


class PersonaleOut(Schema):
    anni: list[int]
    composizione: list[dict]
    indicatori: list[IndicatoreGenereOut]


class OrganoOut(Schema):
    nome: str
    ruolo: str
    tipo: str


class VoceStrutturaOut(Schema):
    nome: str
    descrizione: str


class AreaAttivitaOut(Schema):
    area: str
    attivita: list[str]


class StakeholderOut(Schema):
    gruppo: str
    nome: str
    segnate: list[str] = Field(description="Le intestazioni delle colonne segnate")


class MappaOut(Schema):
    colonne: list[str] = Field(description="Intestazioni come stampate; una sotto-colonna è «intestazione: voce»")
    righe: list[StakeholderOut]


class PartecipataOut(Schema):
    progressivo: str
    nome: str
    codice_fiscale: str
    quota: float = Field(description="Punti percentuali: 0,21% è 0.21")
    quota_stampata: str


class CellaOut(Schema):
    testo: str = Field(description="Come stampata")
    numero: float | None = Field(description="La cifra, quando la cella è un numero (le percentuali in punti)")


class QuoteOut(Schema):
    colonna: str
    valori: str
    totale: str
    completa: bool


class TabellaContestoOut(Schema):
    slug: str
    titolo: str
    intestazioni: list[str]
    righe: list[list[CellaOut]]
    origine: str = Field(description="«tabella»: stampata come tale; «testo»: cifre citate nel testo")
    fonte: str
    nota: str
    quote: QuoteOut | None
    confronta: str


class AzionePositivaOut(Schema):
    azione: str
    descrizione: str
    atto: str
    riferimento: str


class ContestoOut(Schema):
    fonte: str
    aggiornato_il: str
    organi: list[OrganoOut]
    struttura: list[VoceStrutturaOut]
    attivita: list[AreaAttivitaOut]
    mappa: MappaOut | None
    partecipate: list[PartecipataOut]
    tabelle: list[TabellaContestoOut]
    azioni_positive: list[AzionePositivaOut] = Field(
        default=[], description="Pari opportunità: il piano di azioni positive e gli obiettivi del CUG"
    )
    controlli: list[ControlloOut]


class SchedaRigaOut(Schema):
    matricola: str
    categoria: str
    valutatore: str | None
    stato: str
    punteggio: float | None


class FaseOut(Schema):
    tipo: str
    data: date
    testo: str


class SchedaOut(SchedaRigaOut):
    anno: int
    struttura: str | None
    voci: list[dict]
    comportamenti: list[list]
    giudizi: dict[str, float]
    risultati: dict[str, str]
    sezioni: list[dict]
    fasi: list[FaseOut]
    proposta_oiv: bool


class PassoIn(Schema):
    azione: str = Field(..., max_length=30)  # one of performance.valutazioni.PASSI
    testo: str = Field("", max_length=20000)
    giudizi: dict[str, StrictFloat | int] | None = None  # behaviour code → level
    risultati: dict[str, str] | None = None  # own objective code → value, as typed
    atto: str = Field("", max_length=200)
    data: date | None = None


class DistribuzioneOut(Schema):
    gruppo: str
    n: int
    media: float | None
    minimo: float | None
    q1: float | None
    mediana: float | None
    q3: float | None
    massimo: float | None
    fasce: list[list[float]]
    avvisi: list[str] = []


class FondoOut(Schema):
    codice: str
    nome: str
    importo: float
    organizzativa: float
    individuale: float
    pagato: float
    economia: float


class PremioOut(Schema):
    matricola: str
    categoria: str
    organizzativo: float
    individuale: float
    maggiorazione: float
    totale: float
    calcolo: list[str]


class PremiOut(Schema):
    anno: int
    provvisorio: bool
    per_categoria: list[DistribuzioneOut]
    per_valutatore: list[DistribuzioneOut]
    fondi: list[FondoOut]
    aggregati: list[dict]
    premi: list[PremioOut] | None  # each person's: amministratore and OIV only


class ConfrontoFiltri(Schema):
    # the attributes the group shares, comma-separated, or "tutti"
    gruppo: str | None = Field(None, max_length=200)


class StatisticheOut(Schema):
    n: int
    media: float
    minimo: float
    q1: float
    mediana: float
    q3: float
    massimo: float


class RaggiungimentoOut(Schema):
    # the ente's own achievement against its own target for the year, %, and its state
    valore: float | None
    stato: str | None
    scalare: bool = Field(description="valutato dal motore scalare: target che il calcolo vettoriale non copre")
    n_gruppo: int  # enti of the group with an achievement
    n_tutti: int
    raggiunti_gruppo: int | None = Field(
        description="enti del gruppo che hanno raggiunto il target; null sotto il minimo"
    )
    raggiunti_tutti: int | None
    senza_gruppo: int = Field(description="enti del gruppo con l'indicatore ma senza grado di raggiungimento")
    gruppo: StatisticheOut | None  # null: fewer than CRUSCOTTO_CONFRONTO_MINIMO enti with an achievement
    tutti: StatisticheOut | None


class ConfrontoRigaOut(Schema):
    codice: str
    nome: str
    unita: str
    polarita: str
    indicatore: str | None  # the ente's own indicator referencing the code
    valore: float | None
    posizione_gruppo: int | None
    posizione_tutti: int | None
    n_gruppo: int
    n_tutti: int
    gruppo: StatisticheOut | None  # null: fewer than CRUSCOTTO_CONFRONTO_MINIMO enti with a value
    tutti: StatisticheOut | None
    raggiungimento: RaggiungimentoOut | None


class ConfrontoOut(Schema):
    anno: int
    gruppo: dict[str, str | None]  # the attributes the group shares, with the ente's values
    enti: int
    enti_gruppo: int
    minimo: int
    scalari: int = Field(description="righe di tutti gli enti valutate dal motore scalare")
    righe: list[ConfrontoRigaOut]


# --- the PIAO's 2.3 (docs/piao.md) -------------------------------------------------------------


class ProcessoOut(Schema):
    codice: str
    nome: str
    area: str
    responsabile: str
    fasi: list[str]
    esposizione: str | None = Field(description="il livello più alto dei suoi eventi; null: nessuno valutato")


class EventoRischioOut(Schema):
    codice: str
    processo: str
    descrizione: str
    giudizi: dict[str, str]
    proposto: str | None = Field(description="il livello più frequente tra gli indicatori (a parità, il più alto)")
    livello: str | None
    motivazione: str


class ProblemaOut(ControlloOut):
    severity: str = Field(description="error o warning")


class RegistroRischiOut(Schema):
    anni: list[int]
    fonte: str
    inventata: bool
    scala: list[str]
    indicatori: list[dict[str, str]]
    processi: list[ProcessoOut]
    eventi: list[EventoRischioOut]
    misure: list[dict]
    controlli: list[ProblemaOut]


class MisuraPiaoOut(Schema):
    codice: str
    nome: str
    tipo: str
    responsabile: str
    scadenza: date | None
    target: str
    obiettivo: str
    anno: int
    valore: str | None
    nota: str
    revisione: int = Field(description="0: nessun valore inserito")
    stato: str | None = Field(description="lo stato dato dal motore; null: target non leggibile")
    raggiungimento: float | None


class AttuazioneIn(Schema):
    valore: Annotated[str, Field(max_length=100)] | StrictBool | StrictFloat
    nota: str = Field("", max_length=2000)
    revisione: int | None = Field(None, ge=0, le=2_000_000_000)


class RelazioneRPCTOut(Schema):
    anno: int
    alla_data: date
    misure: list[dict]
    per_tipo: dict[str, dict[str, int]]
    esposizione: dict[str, list[str]]
    scadute: list[str]
    non_trattati: list[str]


class ObbligoOut(Schema):
    codice: str
    sezione: str
    contenuto: str
    riferimento: str
    produce: str
    pubblica: str
    aggiornamento: str
    ultima: date | None = Field(description="l'ultima pubblicazione registrata")
    revisione: int = Field(description="0: nessuna pubblicazione registrata")
    stato: str = Field(description="in regola, in ritardo, mai pubblicato, da verificare")
    scadenza: date | None


class PubblicazioneIn(Schema):
    ultima: date | None = Field(description="null: cancella la pubblicazione registrata")
    nota: str = Field("", max_length=2000)
    revisione: int | None = Field(None, ge=0, le=2_000_000_000)


class IndicatoreImpattoOut(Schema):
    codice: str
    nome: str
    polarita: str
    unita: str
    fonte: str
    baseline: str | None
    anno_baseline: int | None
    target: dict[str, str]


class ObiettivoImpattoOut(Schema):
    codice: str
    nome: str
    descrizione: str
    obiettivi_strategici: list[str]
    sdg: list[int]
    bes: list[str]
    pnrr: list[str]
    indicatori: list[IndicatoreImpattoOut]


class ValorePubblicoOut(Schema):
    anni: list[int]
    fonte: str
    inventata: bool
    obiettivi: list[ObiettivoImpattoOut]
    controlli: list[ProblemaOut]


class Sezione3Out(Schema):
    anno_base: int | None = Field(description="l'anno del registro del personale su cui è calcolata")
    organigramma: list[dict] | None
    lavoro_agile: dict | None
    fabbisogni: list[dict] | None
    formazione: dict | None
    controlli: list[ProblemaOut]
