"""Targets as real plans print them, parsed into something the engine can score.

Shapes handled (docs/targets.md has the full table, with the choices):

======================================  =============================================
printed                                 parsed
======================================  =============================================
``90%``, ``7``, ``2.000``, ``-15 gg``   numero 90 / 7 / 2000 / -15 (unit kept)
``=1``, ``>3 ore``, ``≥ 95%``, ``=> 90`` numero with operator ``=`` / ``>`` / ``>=``
``almeno 1.100``, ``non inferiore a``   numero, operator ``>=`` (thresholds in words)
``non superiore a 30 giorni``, ``max 5`` numero, operator ``<=``
``entro 30 giorni`` (no event)          numero 30, operator ``<=`` (a duration)
``ulteriori 30.000``                    numero, cumulo ``incremento``
``per un totale di almeno 30.000``      numero, cumulo ``totale``
``tra 90% e 95%``, ``90-95%``           intervallo 90..95
``entro 31/12/2020``, ``30.06.2023``    scadenza (every written date form, see
``Dicembre 2021``, ``I trimestre 2021`` :func:`numbers.search_date`)
``entro il 2022``, ``entro fine anno``  scadenza: the year's last day
``Entro 15 gg. prima di T0``            scadenza relative: T0 - 15 days
``Entro 60gg dalla data ...``           scadenza relative to another event
``+20% rispetto alla baseline``         relativo: base, variation, operator
``riduzione del 15% dei tempi medi``    relativo to the previous year, -15%
``mantenimento``                        relativo, variation 0
``costruzione della baseline``          baseline: the year's value is the base
``almeno 100 X e almeno 1.728 Y``       multiplo: one part per figure
``si``, ``adozione del regolamento``    si/no
anything else                           descrittivo (a sentence is never read
                                        for its first number)
======================================  =============================================
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from .errors import ParseError
from .lingua import _
from .numbers import NO, NOT_AVAILABLE, YES, fold, format_value, search_date, split_number


class TargetKind(StrEnum):
    NUMERO = "numero"
    SCADENZA = "scadenza"
    SI_NO = "si/no"
    RELATIVO = "relativo"  # a figure relative to a base (baseline, previous year, a year)
    BASELINE = "baseline"  # the year builds the base of later relative targets: shown, not scored
    INTERVALLO = "intervallo"  # a band: met inside it
    MULTIPLO = "multiplo"  # several figures in one indicator (sub-measures)
    DESCRITTIVO = "descrittivo"


# A target the plan has not set yet: no target that year, as "-" and "nd".
TO_BE_SET = frozenset(
    {
        "in via di definizione",
        "in corso di definizione",
        "da definire",
        "da determinare",
        "da stabilire",
        "tbd",
        "n/a",
        "non applicabile",
    }
)

BASE_BASELINE = "baseline"
BASE_PRECEDENTE = "precedente"


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed target. ``testo`` is always the text as printed, so nothing is lost."""

    testo: str
    tipo: TargetKind
    valore: float | None = None  # the figure; for relativo the signed variation; for intervallo the low end
    operatore: str = ""  # "", "=", ">", ">=", "<", "<="
    unita: str = ""
    data: date | None = None  # absolute deadline
    evento: str | None = None  # event code of a relative deadline (or the printed words of an undeclared event)
    giorni: int = 0  # offset from the event, negative = before
    nota: str = ""
    massimo: float | None = None  # intervallo: the high end
    base: str | None = None  # relativo: "baseline", "precedente" or a year ("2019")
    variazione: str = ""  # relativo: "percentuale", "punti" or "assoluta"
    cumulo: str = ""  # numero: "incremento" (the year's own figure) or "totale" (the running total)
    parti: tuple[Target, ...] = ()  # multiplo: one target per sub-measure

    @property
    def relativo(self) -> bool:
        """A deadline relative to an event (not a figure relative to a base: see ``tipo``)."""
        return self.evento is not None

    @property
    def soglia(self) -> bool:
        """A threshold ("almeno", "≥", "non superiore a"): met or not, or scored proportionally (docs/scoring.md)."""
        return self.operatore in (">", ">=", "<", "<=")

    def scadenza(self, eventi: Mapping[str, date | None]) -> date | None:
        """The due date, resolving an event-relative deadline; ``None`` while the event date is unknown."""
        if self.data is not None:
            return self.data
        if self.evento is None:
            return None
        base = eventi.get(self.evento)
        return None if base is None else base + timedelta(days=self.giorni)

    def describe(self) -> str:
        """A short Italian description for traces."""
        if self.tipo is TargetKind.SCADENZA:
            if self.evento is None:
                return f"entro il {self.data:%d/%m/%Y}"
            if self.giorni == 0:
                return f"entro {self.evento}"
            verso = "prima di" if self.giorni < 0 else "dopo"
            return f"entro {abs(self.giorni)} giorni {verso} {self.evento}"
        if self.tipo is TargetKind.RELATIVO:
            return f"{self.testo} ({describe_base(self.base)})"
        return self.testo


def describe_base(base: str | None) -> str:
    if base == BASE_BASELINE:
        return "rispetto alla baseline"
    if base == BASE_PRECEDENTE or base is None:
        return "rispetto all'anno precedente"
    return f"rispetto al {base}"


_OPERATORS = {
    ">o=": ">=",
    "<o=": "<=",
    ">=": ">=",
    "≥": ">=",
    "=>": ">=",
    "<=": "<=",
    "≤": "<=",
    "=<": "<=",
    ">": ">",
    "<": "<",
    "=": "=",
}
_OPERATOR_RE = re.compile(r"^\s*(>\s*o\s*=|<\s*o\s*=|>=|≥|=>|<=|≤|=<|>|<|=)\s*")
# Thresholds in words, on the simplified text (lower case, no accents; see _simple). Longest first.
_WORD_OPERATORS: tuple[tuple[str, str], ...] = (
    (r"(?:maggiore|superiore|pari)\s+o\s+uguale\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad)\b'?", ">="),
    (r"(?:uguale|pari)\s+o\s+(?:maggiore|superiore)\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad)\b'?", ">="),
    (r"(?:minore|inferiore|pari)\s+o\s+uguale\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad)\b'?", "<="),
    (r"(?:uguale|pari)\s+o\s+(?:minore|inferiore)\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad)\b'?", "<="),
    (r"non\s+(?:inferiore|minore)\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad)\b'?", ">="),
    (r"non\s+(?:superiore|maggiore)\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad)\b'?", "<="),
    (r"non\s+meno\s+di\b", ">="),
    (r"non\s+oltre(?:\s+(?:i|il|le|l'|la))?\b", "<="),
    (r"non\s+piu\s+di\b", "<="),
    (r"al\s+massimo\b", "<="),
    (r"al\s+minimo\b", ">="),
    (r"almeno\b", ">="),
    (r"ameno\b(?=\s+(?:il\s+|l'|la\s+|i\s+|le\s+)?\d)", ">="),  # a typo printed in a national plan ("Ameno il 60%")
    (r"(?:maggiore|superiore)\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad|di)\b'?", ">"),
    (r"(?:minore|inferiore)\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad|di)\b'?", "<"),
    (r"piu\s+(?:di|del|della|dello|dei|delle|degli)\b", ">"),
    (r"meno\s+(?:di|del|della|dello|dei|delle|degli)\b", "<"),
    (r"oltre(?:\s+(?:il|i|le|l'|la))?\b", ">"),
    (r"fino\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad)\b'?", "<="),
    (r"(?:min|minimo)\b\.?", ">="),
    (r"(?:max|massimo)\b\.?", "<="),
    (r"(?:pari|uguale)\s+(?:a(?:l|ll[ao]|gli|i|lle)?|ad)\b'?", "="),
)
_WORD_OPERATOR_RE = [(re.compile(r"^\s*" + pattern + r"\s*"), op) for pattern, op in _WORD_OPERATORS]
# "90% o più", "95% e oltre": a threshold written after the figure.
_SUFFIX_OPERATOR = re.compile(r"^(?:o|e)\s+(?:piu|superiore|oltre|maggiore)\b\s*")
_SUFFIX_OPERATOR_LE = re.compile(r"^(?:o|e)\s+(?:meno|inferiore|minore)\b\s*")
_WORD_NUMBERS = {
    "un": 1,
    "uno": 1,
    "una": 1,
    "due": 2,
    "tre": 3,
    "quattro": 4,
    "cinque": 5,
    "sei": 6,
    "sette": 7,
    "otto": 8,
    "nove": 9,
    "dieci": 10,
}
_WORD_NUMBER_RE = re.compile(r"^(" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")\b")
# A quantity in letters inside a sentence ("di due corsi"); not "uno"/"una" (an article) nor "sei" (a verb).
_WORD_FIGURE = re.compile(
    r"\b(?:(?P<almeno>almeno)|di|dei|del|degli|per|con)\s+(?P<n>un|uno|una|due|tre|quattro|cinque|sette|otto|nove|dieci)\s+(?=[a-z\"])"
)
_TIME_UNITS = r"(?:gg|giorni|giorno|g|ore|ora|h|mesi|mese|settimane|settimana|minuti|min)\b\.?"

# "Entro 15 gg. prima di T0", "30 gg. da T0", "Entro 60gg dalla data ...", "Entro T0"
_RELATIVE_RE = re.compile(
    r"""^(?:entro\s+(?:il\s+|la\s+|le\s+|i\s+)?)?
        (?:(?P<n>\d+)\s*(?:gg|giorni|g)\.?\s*(?:lavorativi\s+|naturali\s+|solari\s+)?
           (?P<dir>prima\s+d(?:ella|ell'|el|i)|dalla|dalle|dall'|dal|da|dopo(?:\s+(?:il|la)(?=\s))?)\s*)?
        (?P<event>.+?)\s*$""",
    re.VERBOSE,
)
# A number of days from a per-case moment ("entro 30 giorni dalla richiesta") is a duration
# to keep, measured on each case: a figure (lower is better), not a deadline on the calendar.
_BARE_EVENT_RE = re.compile(
    r"^entro\s+(?P<n>\d{1,5})\s*(?:gg|giorni)\.?\s+(?!(?:dall'|(?:dal|dalla|dalle|da|prima|dopo|lavorativ\w*|naturali|solari|dell|del|di|per|a|in|su|e|o)\b))(?P<ev>[a-z][a-z' ]{2,60})$"
)
_PER_CASE = re.compile(
    r"^(?:(?:la|il|l'|le|i)\s*)?(?:data\s+(?:di|della|del|dell')\s*)?"
    r"(?:richiest|ricevimento|ricezione|presentazione|istanz|domand|segnalazion|protocollazione|acquisizione|arrivo|"
    r"pratic|deposito|invio|inoltro|reclam|accesso|evento|iscrizione|avvio|conclusione\s+del\s+procedimento|"
    r"completamento\s+dell'istruttoria|scadenza|fattur|ordin|chiusura|fine\s+del|termine\s+del)"
)
_UNIT_WORDS = {"%", "gg", "gg.", "giorni", "ore", "ora", "euro", "€", "uscite", "n", "n."}
# A relative deadline further than a century from its event is a typo; the bound also
# keeps the event date plus the days inside the calendar (and int() under its digit limit).
MAX_GIORNI = 36_500
MAX_TARGET_CHARS = 600

_NUM = r"[+\-−–]?\s*\d[\d.]*(?:,\d+)?"
_RANGE_RE = re.compile(
    rf"""^(?:(?:compres[oaie]|compres[oa])\s+)?(?:tra|fra|da|dal|dallo)\s+(?P<a>{_NUM})\s*(?P<ua>%|\w+)?\s+(?:e|a|al)\s+(?P<b>{_NUM})(?P<rest>.*)$
       |^(?P<a2>\d[\d.]*(?:,\d+)?)\s*(?P<ua2>%)?\s*(?:-|–|—|÷|/)\s*(?P<b2>\d[\d.]*(?:,\d+)?)(?P<rest2>(?:\s*%|\s+\S.*)?)$
       |^(?P<a3>\d[\d.]*(?:,\d+)?)\s*(?P<ua3>%)?\s+a\s+(?P<b3>\d[\d.]*(?:,\d+)?)(?P<rest3>.*)$
       |^min(?:imo)?\.?\s*:?\s*(?P<a4>\d[\d.]*(?:,\d+)?)\s*(?P<ua4>%)?\s*[-–—,;]?\s*(?:massimo|max)\.?\s*:?\s*(?P<b4>\d[\d.]*(?:,\d+)?)(?P<rest4>.*)$""",
    re.VERBOSE,
)
_BASELINE_RE = re.compile(
    r"""^(?:(?:costruzione|definizione|determinazione|individuazione|rilevazione|misurazione|calcolo|quantificazione|
            elaborazione|fissazione|valorizzazione)\s+(?:della\s+|del\s+|di\s+|dei\s+)?(?:baseline|base\s*line|valore\s+(?:di\s+)?(?:base|partenza|riferimento)|
            dato\s+(?:di\s+)?(?:base|partenza)|livello\s+(?:di\s+)?(?:base|partenza))\b
          |(?:rilevazione|misurazione)\s+(?:del\s+|dei\s+)?dat[oi]\b(?!\s+entro)
          |baseline\b|base\s*line\b|anno\s+(?:di\s+)?(?:base|avvio\s+(?:della\s+)?rilevazione)\b
          |(?:valore|dato)\s+(?:di\s+)?(?:partenza|base)\s*:
          |nuovo(?:\s+indicatore)?\s*(?=[=:]))""",
    re.VERBOSE,
)
# What a variation is relative to, in the text after the figure.
_BASE_WORDS = re.compile(
    r"""(?P<baseline>baseline|base\s*line|valore\s+(?:di\s+)?(?:base|partenza)|dato\s+(?:di\s+)?(?:base|partenza))
       |(?P<prev>anno\s+precedente|annualita\s+precedente|esercizio\s+precedente|anno\s+prima|anno\s+scorso|
          precedente|n\s*-\s*1|ultimo\s+anno|ultimo\s+dato|ultimo\s+valore|valore\s+attuale|dato\s+attuale|livello\s+attuale|situazione\s+attuale)
       |(?P<year>(?<!\d)(?:19|20)\d\d(?!\d))""",
    re.VERBOSE,
)
_RELATIVE_MARK = re.compile(r"\b(?:rispetto|vs\.?|nei\s+confronti)\b|\bin\s+piu\b|\bin\s+meno\b")
_UP_WORDS = r"aumento|incremento|crescita|miglioramento|innalzamento|potenziamento|ampliamento|aumentare|incrementare"
_DOWN_WORDS = r"riduzione|diminuzione|calo|decremento|contrazione|abbattimento|ridurre|diminuire|contenimento"
_VARIATION_WORD_RE = re.compile(
    rf"""^(?P<word>{_UP_WORDS}|{_DOWN_WORDS})\b(?:\s+medio|\s+media)?
         (?P<mid>(?:[^\d]|(?<!\d)(?:19|20)\d\d(?!\d)){{0,160}}?)
         (?:(?<=\s)|(?<=^)|(?<=,))(?:(?:di|del|dello|della|dei|pari|nella\s+misura|in\s+misura)\s+)?(?P<almeno>almeno\s+)?(?:(?:al|del|di|pari\s+al?|pari\s+almeno\s+al?)\s+)?
         (?:(?:altr[ei]|ulteriori|nuov[ie])\s+)?
         (?P<n>(?!(?:19|20)\d\d(?![\d%]|\s*%))\d[\d.]*(?:,\d+)?)\s*(?P<unit>%|punti\s+percentuali|punti|p\.\s?p\.?|pp\b|punto\s+percentuale)?(?P<rest>.*)$""",
    re.VERBOSE,
)
_SIGNED_VARIATION_RE = re.compile(
    r"""^(?P<sign>[+\-−–])\s*(?P<n>\d[\d.]*(?:,\d+)?)\s*(?P<unit>%|punti\s+percentuali|punti|p\.\s?p\.?|pp\b|punto\s+percentuale|punto\b)?(?P<rest>.*)$""",
    re.VERBOSE,
)
_KEEP_RE = re.compile(r"^(?:mantenimento|mantenere|conferma|consolidamento|stabilita|invarianza)\b(?P<rest>.*)$")
# ">= valore dell'anno precedente", "non inferiore al 2019": a base without a variation.
_BARE_BASE_RE = re.compile(
    r"""^(?:(?:il|al|del|dello|dell'|allo|all'|ai|ad)\s*)?(?:(?:valore|dato|livello|risultato|media|numero|target|standard)\s+)?
         (?:(?:registrato|conseguito|raggiunto|rilevato)\s+)?(?:(?:nel|nell'|dell'|del|al|all'|di)\s*)?
         (?:(?:anno|annualita|esercizio)\s+)?(?P<base>precedente|scorso|prima|n\s*-\s*1|baseline|base\s*line|(?:19|20)\d\d)\b(?P<rest>.*)$""",
    re.VERBOSE,
)
# "Modello disponibile a dicembre 2021.", "in esercizio nel giugno 2022": a month and year closing the cell.
_AT_DATE = re.compile(
    r"\s(?:a|ad|al|nel|nel\s+mese\s+di|per)\s+(?=(?:[a-z]+|\d{1,2}\s+[a-z]+)\s+(?:19|20)\d\d\s*\.?\s*$)"
)
_NOT_SET_YET = re.compile(
    r"^(?:(?:importo|valore|target|obiettivo|dato|livello|soglia|quantita|numero)\s+){1,2}(?:[a-z']+\s+){0,2}da\s+(?:quantificare|definire|determinare|stabilire|fissare)\b"
)
_BETTER_RE = re.compile(
    r"""^(?:migliore|migliorativo|meglio|non\s+peggiore|non\s+peggiorativo)\s+(?:(?:del|dell'|al|rispetto\s+al)\s*)?
         (?:(?:valore|dato|risultato|livello)\s+(?:del\s+|dell'\s*)?)?(?:(?:anno|esercizio)\s+)?(?P<base>precedente|(?:19|20)\d\d)\s*\.?$""",
    re.VERBOSE,
)
_CUMULO_INCREMENTO = re.compile(r"^(?:ulteriori|ulteriore|altre|altri|altro|altra|ancora)\s+(?=[\d+])")
_CUMULO_TOTALE_PREFIX = re.compile(
    r"^(?:per\s+un\s+(?:totale|complessivo)\s+(?:di\s+)?|in\s+totale\s+|complessivamente\s+|totale\s+(?:di\s+)?|cumulat[oi]\s+)"
)
_CUMULO_TOTALE_SUFFIX = re.compile(
    r"\b(?:complessiv[ieao]|in\s+totale|cumulat[oiae]|nel\s+triennio|nell'arco\s+del\s+triennio|totali)\b"
)
# Qualitative targets: an action that is done or not ("adozione del regolamento").
_QUALITATIVE = re.compile(
    r"""^(?:realizzazione|adozione|approvazione|attivazione|predisposizione|redazione|pubblicazione|avvio|completamento|
         implementazione|definizione|svolgimento|stipula|sottoscrizione|aggiornamento|elaborazione|trasmissione|costituzione|
         istituzione|messa\s+(?:in|a)\s+\w+|attuazione|organizzazione|conclusione|effettuazione|rilascio|emanazione|
         presentazione|consegna|invio|revisione|progettazione|individuazione|mappatura|ricognizione|monitoraggio|
         partecipazione|introduzione|avviamento|acquisizione|dismissione|unificazione|migrazione|adeguamento|estensione|
         razionalizzazione|semplificazione|evoluzione|sostituzione|installazione|rinnovo|acquisto|fornitura|
         sottoscrizione|costruzione|apertura|chiusura|ristrutturazione|riorganizzazione|affidamento|aggiudicazione|erogazione|stesura|
         certificazione|digitalizzazione|raccolta|reingegnerizzazione|integrazione|sperimentazione|rispetto\s+(?:della|del|dei|delle)\s+(?:scadenz|tempistic|cronoprogramm)
         |raggiungimento|avvenut[oa]|effettuat[oa]|realizzat[oa]|adottat[oa]|approvat[oa]|attivat[oa]|pubblicat[oa]|completat[oa]|
         predispost[oa]|redatt[oa]|svolt[oa]|conclus[oa]|fatto|obiettivo\s+raggiunto|on|ok|
         (?:disponibilita|vademecum|report|relazione|documento|mappa|metodologia|catalogo|linee\s+guida|piena)\s+\w+|identificazione|
         (?:programma|piano|regolamento|manuale|rapporto|protocollo|disciplinare)\s+(?:di|del|dei|delle|della|per)\b|
         tutt[ie]\s+\w+|formalizzazione|definit[oa]|consolidamento|diffusione|potenziamento|rafforzamento|
         definire|approvare|adottare|identificare|realizzare|attivare|predisporre|formalizzare|pubblicare|completare|avviare|
         garantire|assicurare|redigere|aggiornare|implementare|sviluppare|costituire|istituire|elaborare)\b""",
    re.VERBOSE,
)
_YEAR_ONLY = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d.,])")
# "entro il 2022", "entro l'anno 2022", "entro fine 2021", "nel corso del 2022" (the year's last day)
_BY_YEAR = re.compile(
    r"(?:\bentro\s+(?:il\s+|l'\s*|la\s+fine\s+(?:del\s+|dell'\s*)?|fine\s+(?:del\s+|dell'\s*)?)?(?:anno\s+|annualita\s+|esercizio\s+)?"
    r"|\b(?:nel\s+corso\s+del(?:l')?\s*|nell'\s*|nel\s+|anno\s+|a\s+fine\s+|fine\s+))(?P<y>(?:19|20)\d\d)(?![\d/.,a-z])(?!\s*(?:gg|giorni|g\b|g\.))"
)
_BY_YEAR_END = re.compile(
    r"\bentro\s+(?:la\s+)?fine\s+(?:dell'\s*|del\s+)?(?:anno|esercizio|annualita)\b|\bentro\s+l'\s*anno\b|\bentro\s+l'\s*esercizio\b|\b(?:a|al)l?a?\s+fine\s+(?:anno|esercizio)\b"
)
_DAY_MONTH = re.compile(r"(?<![\d/.])(?P<d>\d{1,2})\s?(?P<sep>[/.])\s?(?P<m>\d{1,2})(?![\d]|[/.]\d)")
_ENTRO_PREFIX = re.compile(
    r"^(?:(?:da\s+realizzare\s+|da\s+completare\s+)?entro\s+(?:e\s+non\s+oltre\s+)?(?:il\s+|la\s+|le\s+|l'\s*|al\s+|i\s+|fine\s+|la\s+fine\s+(?:di\s+|del\s+)?)?|al\s+|il\s+|scadenza\s*:?\s*|data\s*:?\s*)"
)
# A sub-measure list: lines, bullets, ";", or " e " between two figures.
_BULLET = re.compile(r"^\s*(?:[-•·*▪◦–]|\d+[.)]|[a-z][.)])\s+")
_COMMA_SPLIT = re.compile(
    r",\s+(?=(?:(?:il|l'|la|i|gli|le)\s*)?(?:almeno|non\s+(?:meno|inferiore|superiore|oltre|piu)|min|max|fino|oltre|piu\s+di|meno\s+di|pari|superiore|inferiore|maggiore|minore|\d[\d.,]*\s*(?:%\s*)?(?:o\s+piu\b|[a-z])|≥|≤|>|<|=))"
)
_AFTER_DATE_AND = re.compile(r"(?<=\d{4})\s+e\s+(?=[a-z])")
_NAMED_YEAR = re.compile(
    r"\b(?:nel|per\s+il|anno|entro\s+il)\s+(?P<y>(?:19|20)\d\d)\b(?![/\-–]\d)"
)  # not a school year "2019/2020"
# "100% massimo, 80% medio, 60% basso", "Massimo: più di 30 - Medio: …": the levels of one
# measure on a scale, not separate measures: left descriptive (docs/targets.md).
_LEVEL_WORDS = r"(?:minimo|minima|medio|media|massimo|massima|alto|alta|basso|bassa|ottimale|sufficiente|buono)"
_LEVEL_SCALE = re.compile(rf"(?:^|[,;\-–]\s*){_LEVEL_WORDS}\s*:|\d\s*%?\s*{_LEVEL_WORDS}\s*(?:,|$)")
_AND_SPLIT = re.compile(
    r"\s+(?:e|ed|nonche|oltre\s+a)\s+(?=(?:(?:il|l'|la|i|gli|le|di|del|dei)\s*)?(?:almeno|non|min|max|fino|oltre|piu|meno|entro|pari|superiore|inferiore|maggiore|minore|\d|≥|≤|>|<|=))"
)


def event_aliases(eventi: Mapping[str, list[str] | tuple[str, ...]]) -> dict[str, str]:
    """``{"T0": ["data accorpamento"]}`` -> folded alias -> event code (the code is its own alias)."""
    out: dict[str, str] = {}
    for code, aliases in eventi.items():
        out[_fold_event(code)] = code
        for alias in aliases:
            out[_fold_event(alias)] = code
    return out


def _fold_event(text: str) -> str:
    text = fold(text)
    text = re.sub(r"<sub>\s*(\w+)\s*</sub>", r"\1", text)
    text = text.replace("$", "").replace("_", "").replace("{", "").replace("}", "")
    # An article before the name ("la data accorpamento"), only as a word: "lavori" keeps its "la".
    text = re.sub(r"^(?:(?:la|il|le|lo)\s+|l')", "", text)
    text = re.sub(r"\bt\s+0\b", "t0", text)
    return text.strip(" .")


def _simple(text: str) -> str:
    """Lower case with accents removed, character by character: the same length as ``text``,
    so a span found here is the same span of the printed text (for notes kept as typed)."""
    if text.isascii():
        return text.lower()
    out = []
    for c in text:
        base = unicodedata.normalize("NFKD", c)[:1] or c
        low = base.lower()
        out.append(low if len(low) == 1 else base)
    s = "".join(out)
    # Typographic apostrophes and the degree-like ordinal signs read as their plain forms.
    table: dict[str, str | int | None] = {"’": "'", "‘": "'", "`": "'", "´": "'", "\u00a0": " ", "\u202f": " "}
    return s.translate(str.maketrans(table))


def parse_target(
    text: object,
    *,
    aliases: Mapping[str, str] | None = None,
    where: str | None = None,
    anno: int | None = None,
) -> Target | None:
    """Parse a printed target; ``None`` when the cell is empty (no target that year).

    ``aliases`` maps folded event names to event codes (see :func:`event_aliases`);
    without it only the literal code ``T0`` is known. ``anno`` is the year the target is
    for, which gives "entro fine anno" and "entro il 31/12" their year.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        return Target(testo="si" if text else "no", tipo=TargetKind.SI_NO, valore=1.0 if text else 0.0)
    if isinstance(text, (int, float)):
        # The text must read back as the value (plans are written back out with it):
        # format_value, as repr() gives "1.234" (read as thousands) and "1e-05".
        return Target(testo=format_value(float(text)), tipo=TargetKind.NUMERO, valore=float(text))
    if isinstance(text, date):
        return Target(testo=format_value(text), tipo=TargetKind.SCADENZA, data=text)
    raw = str(text).strip()
    head = fold(raw[:30])
    if head in NOT_AVAILABLE or head.strip(" .") in NOT_AVAILABLE | TO_BE_SET:
        return None
    if len(raw) > MAX_TARGET_CHARS:
        # No plan prints a target this long; reading it would only cost time (the patterns
        # look for a figure or a date at every position).
        return Target(testo=raw, tipo=TargetKind.DESCRITTIVO, nota=raw)
    return _Reader(raw, aliases if aliases is not None else {"t0": "T0"}, where, anno).read()


class _Reader:
    """One printed target. Each ``_try_*`` returns a Target or ``None`` (not this shape)."""

    def __init__(self, raw: str, aliases: Mapping[str, str], where: str | None, anno: int | None):
        self.raw = raw
        self.aliases = aliases
        self.where = where
        self.anno = anno

    def error(self, message: str) -> ParseError:
        return ParseError(message, value=self.raw, where=self.where)

    def read(self, *, several: bool = True) -> Target:
        """The target; ``several=False`` reads one part of a multiple target (no sub-measures in it)."""
        # Enclosing quotes and a final ";" carry nothing.
        low = _simple(self.raw).strip().rstrip(" ;").strip("\"'«»“” ")
        plain = _PLAIN_FIGURE.match(low)
        if (
            plain
            and plain.group("op")
            and self.anno is not None
            and re.fullmatch(r"\s*(?:19|20)\d\d", plain.group("num"))
        ):
            plain = None  # ">= 2022": perhaps that year's value (_try_relative decides)
        if plain:
            # Most cells of most plans ("90%", "2.000", ">= 5", "-15 gg"): read at once, not
            # through every shape (a plan of 5.000 indicators has 15.000 of them).
            op = _OPERATORS[re.sub(r"\s", "", plain.group("op"))] if plain.group("op") else ""
            parts = split_number(low[plain.start("num") :])
            if parts is not None:
                unit = self._typed(low, plain.start("unit")) if plain.group("unit") else ""
                return self._target(tipo=TargetKind.NUMERO, valore=parts[0], operatore=op, unita=unit)
        if _NOT_SET_YET.match(low):
            # "Importo da quantificare entro il 31 marzo 2021": the date is when the target will
            # be set, not a result to meet; until then nothing can be scored.
            return Target(testo=self.raw, tipo=TargetKind.DESCRITTIVO, nota=f"target ancora da fissare: {self.raw}")
        if len(_LEVEL_SCALE.findall(low)) >= 2:
            # Levels of one measure on a scale: which figure is the target depends on an
            # evaluation rule the cell does not give (never the first figure).
            return Target(testo=self.raw, tipo=TargetKind.DESCRITTIVO, nota=f"scala di livelli: {self.raw}")
        first: tuple[Callable[[str], Target | None], ...] = (
            (self._try_per_year, self._try_baseline, self._try_event, self._try_multiple)
            if several
            else (self._try_baseline,)
        )
        for attempt in (*first, *self._single_shapes()):
            found = attempt(low)
            if found is not None:
                return found
        # Words only, or a sentence with several figures: never read for its first number.
        return Target(testo=self.raw, tipo=TargetKind.DESCRITTIVO, nota=self.raw)

    def _single_shapes(self) -> tuple[Callable[[str], Target | None], ...]:
        return (
            self._try_range,
            self._try_leading_date,
            self._try_event,
            self._try_relative,
            self._try_yes_no,
            self._try_number,
            self._try_trailing_date,
            self._try_single_figure,
            self._try_qualitative,
        )

    # --- helpers ----------------------------------------------------------------

    def _typed(self, low: str, start: int, end: int | None = None) -> str:
        """The printed text of a span of ``low`` (case and accents as typed)."""
        return self._typed_body(low)[start:end].strip(" ,;:-–")

    def _target(self, **kw: Any) -> Target:
        return Target(testo=self.raw, **kw)

    # --- shapes -----------------------------------------------------------------

    def _try_baseline(self, low: str) -> Target | None:
        m = _BASELINE_RE.match(low)
        if not m:
            return None
        rest = low[m.end() :].strip(" :=-–")
        if re.match(r"^[+\-−–]\s*\d", rest) or re.match(rf"^(?:{_UP_WORDS}|{_DOWN_WORDS})\b", rest):
            # "Baseline: +30% delle autenticazioni rispetto al 2019": the label heads a variation.
            varied = self._try_relative(rest)
            if varied is not None and varied.tipo is TargetKind.RELATIVO:
                return Target(**{**_fields(varied), "testo": self.raw})
        several = self._baseline_parts(low, m.end(), rest)
        if several is not None:
            return several
        value = None
        figures = _figures(rest)
        lead = re.match(r"^(?:19|20)\d\d(?=\s+(?!(?:e|ed|o|-|–)\b)[a-z])", rest)
        if not figures and lead and not re.match(r"^\S+\s+(?:19|20)\d\d\b", rest[lead.end() :].strip()):
            # "Baseline: 2000 dipendenti pubblici …": a count of things, not a year.
            figures = [lead]
        if len(figures) == 1:
            parts = split_number(rest[figures[0].start() :])
            value = parts[0] if parts else None
        return self._target(tipo=TargetKind.BASELINE, valore=value, nota=self._typed(low, m.end()))

    def _baseline_parts(self, low: str, start: int, rest: str) -> Target | None:
        """ "Baseline: 10 PMO attivi. Attivazione … con 3 NTC": the label covers its sentence, and
        each figure of it joined by "e" ("almeno 70 amministrazioni … e almeno 600 soggetti");
        a following sentence is a target of its own."""
        typed = self._typed(low, start)
        sentences = [p.strip() for p in _SENTENCE_SPLIT.split(typed) if p.strip()]
        head, tail = (sentences[0], sentences[1:]) if len(sentences) > 1 else (typed, [])
        pieces = [p for p in _AND_SPLIT.split(_simple(head)) if p.strip()]
        parts = []
        for piece in pieces:
            figures = _figures(piece)
            if len(figures) != 1:
                return None
            value = split_number(piece[figures[0].start() :])
            parts.append(Target(testo=piece, tipo=TargetKind.BASELINE, valore=value[0] if value else None, nota=piece))
        for sentence in tail:
            t = _Reader(sentence, self.aliases, self.where, self.anno).read(several=False)
            if t.tipo in (TargetKind.DESCRITTIVO, TargetKind.MULTIPLO):
                return None
            parts.append(t)
        if len(parts) < 2:
            return None
        return self._target(tipo=TargetKind.MULTIPLO, parti=tuple(parts))

    def _try_per_year(self, low: str) -> Target | None:
        """ "Anno 2015: >= 90% Anno 2016: >= 95%": one cell with each year's target; the year's part is the target."""
        marks = list(_PER_YEAR.finditer(low))
        if len(marks) < 2 or self.anno is None:
            return None
        for k, m in enumerate(marks):
            if int(m.group(1)) == self.anno:
                end = marks[k + 1].start() if k + 1 < len(marks) else len(low)
                piece = self._typed(low, m.end(), end)
                if not piece:
                    return None
                t = _Reader(piece, self.aliases, self.where, self.anno).read(several=False)
                return Target(**{**_fields(t), "testo": self.raw, "nota": (f"anno {self.anno}: {piece}")})
        return None

    def _try_multiple(self, low: str) -> Target | None:
        if _RANGE_RE.match(low):
            return None  # "tra 90% e 95%" is one band, not two figures
        pieces = [p for p in re.split(r"\n|;", low) if p.strip()]
        if len(pieces) < 2:
            pieces = [_simple(p) for p in _SENTENCE_SPLIT.split(self._typed_body(low)) if p.strip()]
            if any(len(p.split()) < 3 for p in pieces):
                pieces = []  # "0gg. Prima di T0": an abbreviation's full stop, not two sentences
        if len(pieces) < 2:
            pieces = [p for p in _ENUM_SPLIT.split(low) if p.strip()]
        if len(pieces) < 2:
            # "più di 20 …, più di 25 nel 2021 e più di 30 nel 2022": "e" and commas before a figure.
            pieces = [q for p in _AND_SPLIT.split(low) for q in _COMMA_SPLIT.split(p)]
            pieces = _join_bands(pieces)
        if len(pieces) < 2:
            # "progettazione entro il 31/12/2021 e avvio … di almeno 1 sede entro il 31/12/2021"
            pieces = [p for p in _AFTER_DATE_AND.split(low) if p.strip()]
        if len(pieces) < 2:
            m = _TOTAL_SPLIT.search(low)
            pieces = [low[: m.start()], low[m.start() :]] if m else []
        if len(pieces) < 2:
            pieces = _SIGNED_SPLIT.split(low)
        if len(pieces) < 2:
            return None
        parts = []
        texts = []
        for piece in pieces:
            piece = _BULLET.sub("", piece).strip(" ,.")
            if not piece:
                continue
            sub = _Reader(piece, self.aliases, self.where, self.anno)
            try:
                t = sub.read(several=False)
            except ParseError:
                return None
            if t.tipo in (TargetKind.DESCRITTIVO, TargetKind.MULTIPLO):
                return None
            parts.append(t)
            texts.append(piece)
        if len(parts) < 2:
            return None
        lead = re.match(rf"^(?:{_UP_WORDS}|{_DOWN_WORDS})\b", low)
        if (
            lead
            and _RELATIVE_MARK.search(texts[-1])
            and _BASE_WORDS.search(texts[-1])
            and all(p.tipo is TargetKind.NUMERO for p in parts)
        ):
            # "Incremento di almeno 80 amministrazioni … e di almeno 200 soggetti … rispetto alla
            # baseline": the opening word and the closing base govern every figure.
            up = re.match(_UP_WORDS, lead.group(0)) is not None
            base = _base_of(texts[-1])
            parts = [
                Target(
                    testo=p.testo,
                    tipo=TargetKind.RELATIVO,
                    valore=(p.valore or 0.0) * (1 if up else -1),
                    operatore=p.operatore or (">=" if up else "<="),
                    base=base,
                    variazione="percentuale" if p.unita == "%" else "assoluta",
                    nota=p.nota,
                )
                for p in parts
            ]
        years = [_NAMED_YEAR.search(text) for text in texts]
        named = {int(m.group("y")) for m in years if m}
        if self.anno is not None and len(named) >= 2 and self.anno in named:
            # "10 o più partecipanti nel 2020, 15 o più nel 2021, …": one value for each year,
            # and the target is the one of the column's year (as "Anno 2021: …").
            k = next(i for i, m in enumerate(years) if m and int(m.group("y")) == self.anno)
            return Target(**{**_fields(parts[k]), "testo": self.raw, "nota": f"anno {self.anno}: {texts[k]}"})
        return self._target(tipo=TargetKind.MULTIPLO, parti=tuple(parts))

    def _typed_body(self, low: str) -> str:
        body = self.raw.strip().rstrip(" ;").strip("\"'«»“” ")
        return body if len(body) == len(low) else low

    def _try_range(self, low: str) -> Target | None:
        m = _RANGE_RE.match(low)
        if not m:
            return None
        a = m.group("a") or m.group("a2") or m.group("a3") or m.group("a4")
        b = m.group("b") or m.group("b2") or m.group("b3") or m.group("b4")
        rest = (
            m.group("rest")
            if m.group("a")
            else m.group("rest2")
            if m.group("a2")
            else m.group("rest3")
            if m.group("a3")
            else m.group("rest4")
        ) or ""
        unit_a = m.group("ua") or m.group("ua2") or m.group("ua3") or m.group("ua4") or ""
        if m.group("a2") and "/" in low[: m.end()] and not unit_a and "%" not in rest:
            return None  # "3/5" is a ratio or a day/month, not a band
        pa, pb = split_number(a), split_number(b)
        if pa is None or pb is None:
            return None
        lo, hi = pa[0], pb[0]
        if lo > hi:
            raise self.error(_("intervallo con gli estremi invertiti (il primo deve essere il minore)"))
        rest = rest.strip()
        unit = "%" if unit_a == "%" or rest.startswith("%") else ""
        note = rest.lstrip("%").strip()
        if not unit and note:
            unit, note = _split_unit(note)
        return self._target(tipo=TargetKind.INTERVALLO, valore=lo, massimo=hi, unita=unit, nota=note)

    def _try_leading_date(self, low: str) -> Target | None:
        """A deadline that the cell starts with: "entro il 30 giugno 2023", "31/12/23", "entro il 2022"."""
        lead = _ENTRO_PREFIX.match(low)
        start = lead.end() if lead else 0
        head = low[start:]
        try:
            found = search_date(head)
        except ParseError:
            raise self.error(_("data inesistente nel target")) from None
        if found is not None and found[1] == 0:
            d, _sep, end = found
            return self._target(tipo=TargetKind.SCADENZA, data=d, nota=self._typed(low, start + end))
        by_year = _BY_YEAR.match(low)
        if by_year and (lead or low.startswith(("nel", "anno", "fine", "a fine"))):
            y = int(by_year.group("y"))
            rest = low[by_year.end() :]
            if not rest.strip() or not re.match(r"^\s*[\d,.%]", rest):
                return self._target(
                    tipo=TargetKind.SCADENZA, data=date(y, 12, 31), nota=self._typed(low, by_year.end())
                )
        if lead and self.anno is not None:
            dm = _DAY_MONTH.match(head)
            if dm:
                try:
                    d = date(self.anno, int(dm.group("m")), int(dm.group("d")))
                except ValueError:
                    raise self.error(_("data inesistente nel target")) from None
                return self._target(tipo=TargetKind.SCADENZA, data=d, nota=self._typed(low, start + dm.end()))
            by_year_end = _BY_YEAR_END.match(low)
            if by_year_end:
                return self._target(
                    tipo=TargetKind.SCADENZA, data=date(self.anno, 12, 31), nota=self._typed(low, by_year_end.end())
                )
        return None

    def _try_trailing_date(self, low: str) -> Target | None:
        """ "Adozione del regolamento entro il 30/06/2021": a deadline after words."""
        m = re.search(r"\b(?:entro|non\s+oltre|scadenza)\b", low)
        if not m:
            # "Conclusione della fase pilota (Dicembre 2020)", "Erogazione percorsi - 30 giugno 2021":
            # a date closing the cell after a dash or in brackets.
            m = re.search(r"(?:\(|\s[-–—]\s*)(?=[^()]*\)?\s*$)", low) or _AT_DATE.search(low)
            if not m or _figures(low[: m.start()]):
                return None  # a figure before it is the target; the date stays in its note
            tail = low[m.end() :].rstrip(" ).")
            try:
                found = search_date(tail)
            except ParseError:
                raise self.error(_("data inesistente nel target")) from None
            if found is None or found[1] != 0 or found[2] != len(tail):
                return None
            return self._target(tipo=TargetKind.SCADENZA, data=found[0], nota=self._typed(low, 0, m.start()))
        if len(_figures(low[: m.start()])) == 1:
            return None  # "… per 65.000 donne (entro la fine del 2021)": the figure is the target
        tail = low[m.start() :]
        leading = self._try_leading_date(tail)
        if leading is None:
            return None
        note = " ".join(x for x in (self._typed(low, 0, m.start()), leading.nota) if x)
        return self._target(tipo=TargetKind.SCADENZA, data=leading.data, nota=note)

    def _try_event(self, low: str) -> Target | None:
        f = " ".join(low.split())
        bare = _BARE_EVENT_RE.match(f)
        if bare and not _PER_CASE.match(bare.group("ev")) and re.search(r"[a-z]{2}", bare.group("ev")):
            # "Entro 45 gg. fine trimestre": days after an event named without "dalla"/"da".
            code: str | None = self.aliases.get(_fold_event(bare.group("ev")), _event_name(bare.group("ev")))
            return self._target(tipo=TargetKind.SCADENZA, evento=code, giorni=int(bare.group("n")))
        m = _RELATIVE_RE.match(f)
        if not m:
            return None
        event_text = m.group("event")
        code = self.aliases.get(_fold_event(event_text))
        has_shape = m.group("n") is not None or f.startswith("entro")
        if m.group("n") is not None:
            digits = m.group("n").lstrip("0") or "0"
            if len(digits) > len(str(MAX_GIORNI)) or int(digits) > MAX_GIORNI:
                raise self.error(
                    _("termine in giorni fuori misura (massimo {MAX_GIORNI} giorni dall'evento)").format(
                        MAX_GIORNI=MAX_GIORNI
                    )
                )
        if code is not None and (has_shape or _fold_event(f) in self.aliases):
            return self._target(tipo=TargetKind.SCADENZA, evento=code, giorni=self._days(m))
        if m.group("n") is not None and m.group("dir"):
            rest = event_text
            if _PER_CASE.match(rest):
                return None  # a duration per case: read as a figure below
            # A one-off event the plan has not declared ("entro 60 giorni dall'approvazione del
            # bilancio"): kept as an event of its own, waiting for its date (a warning says so).
            name = _event_name(rest)
            if not re.search(r"[a-z]{2}", name):
                return None
            return self._target(tipo=TargetKind.SCADENZA, evento=name, giorni=self._days(m))
        return None

    @staticmethod
    def _days(m: re.Match[str]) -> int:
        days = int((m.group("n") or "0").lstrip("0") or "0")
        if m.group("dir") and m.group("dir").startswith("prima"):
            days = -days
        return days

    def _try_relative(self, low: str) -> Target | None:
        value: float | None  # a figure of the text; None when it does not read as one
        f = " ".join(low.split())
        m = _KEEP_RE.match(f)
        if m:
            rest = m.group("rest").strip()
            parts = split_number(re.sub(r"^(?:del|dello|della|dei|delle|al|allo|alla|di|a|pari\s+al?)\s+", "", rest))
            if (
                parts is not None
                and not _YEAR_ONLY.match(rest.split()[-1] if rest.split() else "")
                and not _BASE_WORDS.search(rest)
            ):
                value, unit_rest = parts
                unit, note = _split_unit(unit_rest)
                return self._target(
                    tipo=TargetKind.NUMERO, valore=value, unita=unit, nota=("mantenimento " + note).strip()
                )
            return self._target(
                tipo=TargetKind.RELATIVO, valore=0.0, base=_base_of(rest), variazione="assoluta", nota=rest
            )
        better = _BETTER_RE.match(f)
        if better:
            # "migliore 2022": better than that year's value; "better" is up or down by the
            # indicator's polarity, so the target carries no sign of its own.
            return self._target(
                tipo=TargetKind.RELATIVO,
                valore=0.0,
                base=_base_of(better.group("base")),
                variazione="assoluta",
                nota=self._typed(low, 0, better.start("base")),
            )
        op, body = _leading_operator(f)
        if op:
            bm = _BARE_BASE_RE.match(body)
            if (
                bm
                and not re.match(r"^\s*\d", body[: bm.start("base")] or "x")
                and (
                    bm.group("base")[0].isalpha()
                    or re.search(
                        r"\b(?:anno|valore|dato|livello|risultato|media|standard|del|dell|al|nel)\b",
                        body[: bm.start("base")],
                    )
                )
            ):
                return self._target(
                    tipo=TargetKind.RELATIVO,
                    valore=0.0,
                    operatore=op,
                    base=_base_of(bm.group("base")),
                    variazione="assoluta",
                    nota=bm.group("rest").strip(),
                )
            year = re.fullmatch(r"\s*((?:19|20)\d\d)\s*", body)
            if year and self.anno is not None and self.anno - 5 <= int(year.group(1)) < self.anno:
                # ">= 2022" as the 2023 target: the value of 2022, not the number 2022 (which Italian
                # offices print "2.022"); without that value the indicator says it is missing.
                return self._target(
                    tipo=TargetKind.RELATIVO,
                    valore=0.0,
                    operatore=op,
                    base=year.group(1),
                    variazione="assoluta",
                    nota="",
                )
        m = _VARIATION_WORD_RE.match(body)
        if m:
            up = re.match(_UP_WORDS, m.group("word")) is not None
            value = _number(m.group("n"))
            if value is None:
                return None
            rest = m.group("rest")
            mid = m.group("mid") or ""
            if re.search(r"\d", _YEAR_ONLY.sub("", rest.split(" e ")[0])) and not m.group("unit"):
                return None  # another figure follows: not one variation
            if not m.group("unit") and not (_RELATIVE_MARK.search(mid + rest) or _BASE_WORDS.search(mid + rest)):
                # "Incremento di 10 nuove Amministrazioni": a count, the year's increment.
                return self._target(
                    tipo=TargetKind.NUMERO, valore=value, operatore=op, cumulo="incremento", nota=self.raw
                )
            return self._target(
                tipo=TargetKind.RELATIVO,
                valore=value if up else -value,
                operatore=op or (">=" if up else "<="),
                base=_base_of(mid + " " + rest),
                variazione=_variation_kind(m.group("unit")),
                nota=(mid + rest).strip(" ,"),
            )
        m = _SIGNED_VARIATION_RE.match(body)
        if m:
            rest = m.group("rest")
            kind = _variation_kind(m.group("unit"))
            # "+50% di docenti …", "+20% delle scuole": a share that grows, over the previous year.
            of_something = kind == "percentuale" and re.match(
                r"^\s*(?:di|del|della|dello|dei|delle|degli|nel|nella|nell')\b", rest
            )
            if kind == "punti" or of_something or _RELATIVE_MARK.search(rest) or _BASE_WORDS.search(rest):
                value = _number(m.group("n"))
                if value is None:
                    return None
                up = m.group("sign") == "+"
                return self._target(
                    tipo=TargetKind.RELATIVO,
                    valore=value if up else -value,
                    operatore=op or (">=" if up else "<="),
                    base=_base_of(rest),
                    variazione=kind,
                    nota=rest.strip(),
                )
        return None

    def _try_yes_no(self, low: str) -> Target | None:
        f = " ".join(low.split()).strip(" !.")
        if f in YES:
            return self._target(tipo=TargetKind.SI_NO, valore=1.0)
        if f in NO:
            return self._target(tipo=TargetKind.SI_NO, valore=0.0)
        head = re.match(r"^(si|sì)\b[\s,:(-]*", f)
        if head and re.search(r"\d", f):
            # "sì (entro il 31/12)": the date is what can be checked.
            found = self._try_leading_date(f[head.end() :].rstrip(")"))
            if found is not None and found.tipo is TargetKind.SCADENZA:
                return found
        return None

    def _try_number(self, low: str) -> Target | None:
        """A figure, with a comparison in signs or words, an optional unit and a note."""
        op, body = _leading_operator(low)
        if op:
            body = re.sub(r"^(?:il|l'|la|i|gli|le)\s*(?=[\d+])", "", body)  # "almeno il 60%"
        cumulo = ""
        cm = _CUMULO_INCREMENTO.match(body)
        if cm:
            cumulo, body = "incremento", body[cm.end() :]
        else:
            cm = _CUMULO_TOTALE_PREFIX.match(body)
            if cm:
                cumulo, body = "totale", body[cm.end() :]
                for rx, word_op in _WORD_OPERATOR_RE:
                    wm = rx.match(body)
                    if wm and not op:
                        op, body = word_op, body[wm.end() :]
                        break
        duration = False
        if not op:
            em = re.match(r"^\s*entro\s+(?:i\s+|il\s+|le\s+)?(?=\d[\d.,]*\s*" + _TIME_UNITS + ")", body)
            if em:
                op, body, duration = "<=", body[em.end() :], True
        try:
            dated = search_date(body)
        except ParseError:
            dated = None
        if dated is not None and dated[1] == 0:
            return None  # "oltre il 30/09/2021": a date, not a figure
        wn = _WORD_NUMBER_RE.match(body)
        if wn and (
            op or (body is low and wn.group(1) not in ("un", "uno", "una") and re.match(r"^\s+[a-z]", body[wn.end() :]))
        ):
            value: float = float(_WORD_NUMBERS[wn.group(1)])
            rest = body[wn.end() :]
        else:
            parts = split_number(body)
            if parts is None:
                return None
            value, rest = parts
        if re.match(r"^[,.]\d", rest):
            return None  # "12,5,3": not one number (never its first part)
        if re.match(r"^\s*:\s*\d", rest):
            return None  # "1:1 rapporto tra studenti e dispositivi": a ratio, not a figure
        value, rest, scale_unit = _scaled(value, rest)
        rest_start = len(low) - len(rest)
        if _RANGE_AFTER.match(rest):
            return None
        if cumulo == "incremento" and _RELATIVE_MARK.search(rest) and _BASE_WORDS.search(rest):
            # "Ulteriori 200 PA, rispetto alla baseline": a variation over the base, in units.
            return self._target(
                tipo=TargetKind.RELATIVO,
                valore=value,
                operatore=op or ">=",
                base=_base_of(rest),
                variazione="assoluta",
                nota=self._typed(low, rest_start),
            )
        if not op and re.match(r"^\+(?!\s*\d)", rest):
            op, rest = ">=", rest[1:]  # "502+ scuole": 502 or more
            rest_start += 1
        vm = re.match(rf"^\s*%\s+(?:di\s+)?(?P<w>{_UP_WORDS}|{_DOWN_WORDS})\b(?P<r>.*)$", rest)
        if vm and not cumulo:
            # "20% riduzione della dispersione", "almeno il 60% di incremento": a variation, not a level.
            up = re.match(_UP_WORDS, vm.group("w")) is not None
            return self._target(
                tipo=TargetKind.RELATIVO,
                valore=value if up else -value,
                operatore=op or (">=" if up else "<="),
                base=_base_of(vm.group("r")),
                variazione="percentuale",
                nota=self.raw,
            )
        sm = _SUFFIX_OPERATOR.match(rest.lstrip("% ").strip()) if not op else None
        if sm:
            op = ">="
        elif not op:
            sm = _SUFFIX_OPERATOR_LE.match(rest.lstrip("% ").strip())
            if sm:
                op = "<="
        if not cumulo and _CUMULO_TOTALE_SUFFIX.search(rest):
            cumulo = "totale"
        if not cumulo and re.search(r"\b(?:in\s+piu|aggiuntiv[ie]|ulteriori|in\s+aggiunta)\b", rest):
            cumulo = "incremento"
        first_word = rest.split()[0] if rest.split() else ""
        if (
            not cumulo
            and not op
            and body.lstrip().startswith("+")
            and first_word
            and fold(first_word) not in _UNIT_WORDS
            and not first_word.startswith("%")
        ):
            cumulo = "incremento"  # "+20.000 servizi": things added in the year ("+5 gg" stays a figure)
        unit, note = _split_unit(self._typed(low, rest_start) if rest.strip() else "")
        if scale_unit and not unit:
            unit = scale_unit
        if duration and not unit:
            unit = rest.split()[0] if rest.split() else ""
        return self._target(tipo=TargetKind.NUMERO, valore=value, operatore=op, unita=unit, nota=note, cumulo=cumulo)

    def _try_single_figure(self, low: str) -> Target | None:
        """A sentence with one figure and nothing else that could be one ("Documentazione di almeno
        150 dataset", "Il 75% delle amministrazioni ..."): that figure, with what the words before
        it say (almeno → >=, ulteriori → the year's increment). Two figures or more: not read."""
        figures = _figures(low)
        if not figures and not re.search(r"\d", low):
            # Only as the object of the opening action ("Erogazione di due corsi"), not inside a
            # condition further on ("… che veda il coinvolgimento di almeno un NTC").
            words = [
                w
                for w in _WORD_FIGURE.finditer(low)
                if (w.group("almeno") or w.group("n") not in ("un", "uno", "una"))
                and len(low[: w.start()].split()) <= 2
            ]
            if len(words) == 1:
                # "Erogazione di due corsi di formazione", "Attivazione di almeno un appalto":
                # a quantity written in letters.
                w = words[0]
                return self._target(
                    tipo=TargetKind.NUMERO,
                    valore=float(_WORD_NUMBERS[w.group("n")]),
                    operatore=">=" if w.group("almeno") else "",
                    nota=self.raw,
                )
        if len(figures) != 1:
            return None
        m = figures[0]
        before = low[max(0, m.start() - 40) : m.start()]
        parts = split_number(low[m.start() :])
        if parts is None:
            return None
        value, rest = parts
        value, rest, unit = _scaled(value, rest)
        op = ""
        for rx, word_op in _WORD_OPERATOR_RE:
            if re.search(
                rx.pattern.lstrip("^\\s*") + r"(?:(?:il|l'|la|i|gli|le|un|una|altr[ei]|ulteriori)\s*)*$", before
            ):
                op = word_op
                break
        cumulo = (
            "incremento"
            if re.search(r"\b(?:ulteriori|ulteriore|altr[ei])\s+(?:\w+\s+)?$", before)
            or re.match(r"^\s*%?\s*nuov[ie]\b", rest)
            else ""
        )
        if not cumulo and _CUMULO_TOTALE_SUFFIX.search(rest):
            cumulo = "totale"
        if rest.lstrip().startswith("%"):
            unit = "%"
        if cumulo == "incremento" and (_RELATIVE_MARK.search(low) and _BASE_WORDS.search(low)):
            return self._target(
                tipo=TargetKind.RELATIVO,
                valore=value,
                operatore=op or ">=",
                base=_base_of(low),
                variazione="assoluta",
                nota=self.raw,
            )
        return self._target(
            tipo=TargetKind.NUMERO, valore=value, operatore=op, unita=unit, nota=self.raw, cumulo=cumulo
        )

    def _try_qualitative(self, low: str) -> Target | None:
        f = " ".join(low.split())
        if not _QUALITATIVE.match(f):
            return None
        # Digits other than years and article numbers make it a sentence with a figure: not read.
        stripped = _YEAR_ONLY.sub("", f)
        stripped = re.sub(r"\b(?:art|artt|d\.?\s?lgs|l|dpr|dl|n|c|comma|lett)\.?\s*[\d/.,\s]+", "", stripped)
        stripped = re.sub(r"\b\d+\s*/\s*\d{2,4}\b", "", stripped)
        if re.search(r"\d", stripped):
            return None
        if search_date(f) is not None:
            return None  # a date that is not a deadline ("progettazione oltre il 31/12/2021"): not read
        return self._target(tipo=TargetKind.SI_NO, valore=1.0, nota=self.raw)


_PLAIN_FIGURE = re.compile(
    r"^(?:(?P<op>>=|<=|=>|=<|>|<|=|≥|≤)\s*)?(?P<num>[+\-−–]?\s*(?:\d{1,3}(?:\.\d{3})+|\d+|\d*\.\d+)(?:,\d+)?)\s*(?P<unit>%|gg\.?|giorni|ore|euro|€)?$"
)
_RANGE_AFTER = re.compile(r"^\s*%?\s*(?:[-–—÷]|a\s)\s*\d")
_PER_YEAR = re.compile(r"\banno\s+((?:19|20)\d\d)\s*:\s*")
# A full stop that ends a sentence, not an abbreviation ("gg.", "pag.", "art.", "ecc.").
_SENTENCE_SPLIT = re.compile(
    r"(?:(?<=[A-Za-zà-ù]{2})|(?<=[)\]»”])|(?<=[/.]\d{4}))(?<!\bgg)(?<!\bGG)(?<!\bpag)(?<!\bart)(?<!\becc)(?<!\bmin)(?<!\bmax)(?<!\bcfr)(?<!\bes)(?<!\bca)(?<!\bnn)\.\s+(?=[A-ZÀ-Ù])"
)
_ENUM_SPLIT = re.compile(r"(?:^|\s)\d\)\s+")
_TOTAL_SPLIT = re.compile(r",?\s+per\s+un\s+(?:totale|complessivo)\s+di\b")
_SIGNED_SPLIT = re.compile(r"\s+(?=\+\s*\d)")
# What is not a figure in a sentence: years, dates, legal and document references.
_NOT_FIGURES = re.compile(
    r"""(?<!\d)(?:19|20)\d\d(?![\d.,]\d)
       |(?<![\d.])\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?(?![\d.]|,\d)
       |\b(?:art|artt|articolo|comma|co|lett|n|nn|num|misura|d\.?\s?lgs|l|dpr|dl|dm|legge|allegato|all|cap|par|punto|fase|
            livello|lotto|versione|v|tabella|tab|pag|pagg|missione|componente|investimento|riforma|obiettivo|azione|linea|ra|oa)
        \.?\s*\d[\d./-]*(?:[-\s]?(?:bis|ter|quater))?
       |\b[a-z]+\d[\w.]*|\d+[a-z]{1,2}\b(?!%)""",
    re.VERBOSE,
)
_FIGURE = re.compile(r"(?<![\w.,])\d[\d.]*(?:,\d+)?(?![\d]|[.,]\d)")
_SCALE = re.compile(
    r"^\s*(?P<w>milioni|milione|mln|mil|m|miliardi|miliardo|mld|mila)\b\.?\s*(?P<eur>€|euro)?", re.IGNORECASE
)
_SCALES = {
    "milioni": 1e6,
    "milione": 1e6,
    "mln": 1e6,
    "mil": 1e6,
    "m": 1e6,
    "miliardi": 1e9,
    "miliardo": 1e9,
    "mld": 1e9,
    "mila": 1e3,
}


def _figures(low: str) -> list[re.Match[str]]:
    blanked = _NOT_FIGURES.sub(lambda m: " " * len(m.group()), low)
    return list(_FIGURE.finditer(blanked))


def _scaled(value: float, rest: str) -> tuple[float, str, str]:
    """ "2 milioni", "9M€", "1,5 mld": the figure times its scale word; the unit € when written."""
    m = _SCALE.match(rest)
    if not m or (m.group("w").lower() == "m" and not m.group("eur")):
        return value, rest, ""
    return value * _SCALES[m.group("w").lower()], rest[m.end() :], "€" if m.group("eur") else ""


def _join_bands(pieces: list[str]) -> list[str]:
    """Undo a split inside "tra i 15 ed i 70 anni": a band is one piece of text."""
    out: list[str] = []
    for piece in pieces:
        if out and re.search(r"\b(?:tra|fra|da)\s+(?:i\s+|il\s+|le\s+|gli\s+|l')?\d[\d.,]*\s*%?\s*$", out[-1]):
            out[-1] = out[-1] + " e " + piece
        else:
            out.append(piece)
    return out


def _fields(t: Target) -> dict[str, Any]:
    return {name: getattr(t, name) for name in Target.__slots__}


def _leading_operator(text: str) -> tuple[str, str]:
    """The comparison a target starts with, in signs ("≥", "=>") or words ("almeno", "non superiore a"),
    and the text after it; ``""`` when there is none."""
    om = _OPERATOR_RE.match(text)
    if om:
        return _OPERATORS[re.sub(r"\s", "", om.group(1))], text[om.end() :]
    for rx, word_op in _WORD_OPERATOR_RE:
        wm = rx.match(text)
        if wm:
            return word_op, text[wm.end() :]
    return "", text


def _number(text: str) -> float | None:
    parts = split_number(text)
    return None if parts is None else parts[0]


def _variation_kind(unit: str | None) -> str:
    if not unit:
        return "assoluta"
    return "percentuale" if unit.startswith("%") else "punti"


def _base_of(text: str) -> str:
    dated = re.search(r"\bbase\s*line\s+(?:del\s+|al\s+|di\s+)?((?:19|20)\d\d)\b", text)
    if dated:
        return dated.group(1)  # "la baseline 2021": the 2021 figure
    m = _BASE_WORDS.search(text)
    if not m:
        return BASE_PRECEDENTE
    if m.group("baseline"):
        return BASE_BASELINE
    if m.group("year"):
        return m.group("year")
    return BASE_PRECEDENTE


def _event_name(text: str) -> str:
    """The event of an undeclared relative deadline, without its article: "approvazione del bilancio"."""
    text = re.sub(r"^(?:la|il|lo|le|i|gli|l')\s*", "", text.strip())
    text = re.sub(r"^data\s+(?:di|della|del|dell')\s*", "", text)
    return text.strip(" .,;")


_MULTIWORD_UNITS = re.compile(r"^(?:(?:h|ore)\s+)?pro\s+capite\b|^/\s*\d+", re.IGNORECASE)


def _split_unit(rest: str) -> tuple[str, str]:
    rest = rest.strip()
    if not rest:
        return "", ""
    if rest.startswith("%"):
        return "%", rest[1:].strip()
    mu = _MULTIWORD_UNITS.match(rest)
    if mu:
        return re.sub(r"\s+", " ", mu.group(0)).replace("/ ", "/"), rest[mu.end() :].strip()
    first, _sep, after = rest.partition(" ")
    if fold(first) in _UNIT_WORDS or len(rest.split()) <= 2:
        return first, after.strip()
    return "", rest
