"""Il personale: the staff register by year, the personnel tables and the
indicators of the *analisi di genere* (section 3.4 of the seed's Piano).

The register holds one :class:`Dipendente` per person per year, as at 31/12.
From it, per year: the composition by category and gender
(:func:`composizione`), full and part time (:func:`tipologia_contrattuale`) and
every indicator of :data:`DEFINIZIONI` (:func:`indicatori_genere`), each with
its :class:`Traccia` (numerator, denominator, which records). Nothing is typed:
a printed table is checked against the register with
:func:`confronta_stampati`, which reports every disagreement as a warning.

Three populations, because the seed's own figures use more than one (see
docs/personale.md, which checks each choice against the printed percentages):

- *personale in ruolo*: categories D, C, B, A with a permanent contract, the
  rows of the seed's "Composizione del Personale in Ruolo (31.12)";
- *dirigenti*: category ``DIR``; the seed's only one is the Segretario
  generale, a cat. D3 employee on leave (in aspettativa) holding a fixed-term
  dirigente post (art. 19, c. 6, d.lgs. 165/2001): he is no D and not in ruolo;
- *tutto il personale*: every record of the year (the 2019 table's 41).

Unknown values (an empty "legge 104" cell) are kept as ``None``: an indicator
that needs one is *n.d.*, never computed as if the answer were "no".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from .errors import ParseError, Problem
from .lingua import _
from .numbers import NO, YES, fold, split_number

F, M = "F", "M"
GENERI = (F, M)
CATEGORIE = ("D", "C", "B", "A")
DIRIGENTE = "DIR"

Esito = bool | None
"""Yes, no, or unknown (an empty cell in the register)."""


class Titolo(IntEnum):
    """Highest qualification, ordered so that ``>= LAUREA_TRIENNALE`` is "laureato"."""

    OBBLIGO = 1
    DIPLOMA = 2
    LAUREA_TRIENNALE = 3
    LAUREA = 4  # magistrale, specialistica or vecchio ordinamento
    POST_LAUREA = 5  # dottorato, specializzazione, master di II livello

    @property
    def etichetta(self) -> str:
        return _TITOLO_ETICHETTA[self]


_TITOLO_ETICHETTA = {
    Titolo.OBBLIGO: "scuola dell'obbligo",
    Titolo.DIPLOMA: "diploma",
    Titolo.LAUREA_TRIENNALE: "laurea triennale",
    Titolo.LAUREA: "laurea",
    Titolo.POST_LAUREA: "post-laurea",
}


@dataclass(frozen=True, slots=True)
class Dipendente:
    """One person in service at 31/12 of ``anno``.

    ``eta`` is the age in completed years at 31/12, for registers that do not
    carry the birth date; with ``data_nascita`` it is computed and, if given
    too, must agree.
    """

    anno: int
    matricola: str
    genere: str  # F | M
    categoria: str  # D | C | B | A | DIR
    part_time: bool
    indeterminato: bool
    data_nascita: date | None = None
    eta: int | None = None
    titolo: Titolo | None = None
    legge_104: Esito = None
    orario_personalizzato: Esito = None
    posizione_organizzativa: Esito = None
    note: str = ""

    def __post_init__(self) -> None:
        where = f"matricola {self.matricola}, anno {self.anno}"
        if self.genere not in GENERI:
            raise ParseError(_("genere non valido (attesi F o M)"), value=self.genere, where=where)
        if self.categoria not in (*CATEGORIE, DIRIGENTE):
            raise ParseError(_("categoria sconosciuta (attese D, C, B, A o DIR)"), value=self.categoria, where=where)
        if self.data_nascita is not None and self.eta is not None and self.anno - self.data_nascita.year != self.eta:
            raise ParseError(
                _("l'età al 31/12/{anno} ({eta}) non concorda con la data di nascita").format(
                    anno=self.anno, eta=self.eta
                ),
                value=self.data_nascita.strftime("%d/%m/%Y"),
                where=where,
            )
        age = self.eta_31_12
        if age is not None and not 14 <= age <= 80:
            raise ParseError(
                _("età al 31/12/{anno} fuori intervallo (14-80)").format(anno=self.anno), value=age, where=where
            )

    @property
    def eta_31_12(self) -> int | None:
        """Age in completed years at 31/12: every birthday of the year has passed by then."""
        if self.data_nascita is not None:
            return self.anno - self.data_nascita.year
        return self.eta

    @property
    def dirigente(self) -> bool:
        return self.categoria == DIRIGENTE

    @property
    def in_ruolo(self) -> bool:
        """Counted in the seed's "Personale in ruolo": a category, not a dirigente, and permanent."""
        return self.categoria in CATEGORIE and self.indeterminato

    @property
    def laureato(self) -> Esito:
        return None if self.titolo is None else self.titolo >= Titolo.LAUREA_TRIENNALE


def dell_anno(registro: Iterable[Dipendente], anno: int) -> list[Dipendente]:
    return [d for d in registro if d.anno == anno]


def anni(registro: Iterable[Dipendente]) -> list[int]:
    return sorted({d.anno for d in registro})


def per_categoria(persone: Iterable[Dipendente]) -> dict[str, int]:
    """How many people in each category, in the register's order (D, C, B, A, then DIR); a
    category with nobody is left out."""
    persone = list(persone)
    counts = {c: sum(1 for d in persone if d.categoria == c) for c in (*CATEGORIE, DIRIGENTE)}
    return {c: n for c, n in counts.items() if n}


# --- Reading one cell (the files reader and any other entry point share these) ----------


_GENERE = {"f": F, "m": M, "donna": F, "uomo": M, "donne": F, "uomini": M}
_CATEGORIA = re.compile(r"^(?:cat\.?\s*)?([abcd])\s*\d?$")
_DIRIGENTE = {"dir", "dirigente", "dirigenti", "dirigenza", "segretario generale"}
_TEMPO = {
    "pieno": False, "tempo pieno": False, "full time": False, "full-time": False, "ft": False,
    "parziale": True, "tempo parziale": True, "part time": True, "part-time": True, "pt": True,
}  # fmt: skip
_CONTRATTO = {
    "indeterminato": True, "tempo indeterminato": True, "ruolo": True, "di ruolo": True,
    "determinato": False, "tempo determinato": False,
}  # fmt: skip
_TITOLO = {
    "obbligo": Titolo.OBBLIGO, "scuola dell'obbligo": Titolo.OBBLIGO, "licenza media": Titolo.OBBLIGO,
    "licenza elementare": Titolo.OBBLIGO,
    "diploma": Titolo.DIPLOMA, "maturita": Titolo.DIPLOMA, "diploma di maturita": Titolo.DIPLOMA,
    "laurea triennale": Titolo.LAUREA_TRIENNALE, "laurea breve": Titolo.LAUREA_TRIENNALE,
    "laurea": Titolo.LAUREA, "laurea magistrale": Titolo.LAUREA, "laurea specialistica": Titolo.LAUREA,
    "laurea vecchio ordinamento": Titolo.LAUREA,
    "post-laurea": Titolo.POST_LAUREA, "post laurea": Titolo.POST_LAUREA, "dottorato": Titolo.POST_LAUREA,
    "specializzazione": Titolo.POST_LAUREA, "master": Titolo.POST_LAUREA,
}  # fmt: skip


def parse_genere(text: str, *, where: str | None = None) -> str:
    g = _GENERE.get(fold(text))
    if g is None:
        raise ParseError(_("genere non valido (attesi F o M)"), value=text, where=where)
    return g


def parse_categoria(text: str, *, where: str | None = None) -> str:
    """``D``, ``C``, ``B``, ``A`` (an economic position such as ``C3`` reads as its category) or ``DIR``."""
    f = fold(text)
    if f in _DIRIGENTE:
        return DIRIGENTE
    m = _CATEGORIA.match(f)
    if not m:
        raise ParseError(_("categoria sconosciuta (attese D, C, B, A o DIR)"), value=text, where=where)
    return m.group(1).upper()


def parse_tempo(text: str, *, where: str | None = None) -> bool:
    """True for part time."""
    v = _TEMPO.get(fold(text))
    if v is None:
        raise ParseError(_("tempo di lavoro non valido (attesi «pieno» o «parziale»)"), value=text, where=where)
    return v


def parse_contratto(text: str, *, where: str | None = None) -> bool:
    """True for a permanent contract (tempo indeterminato)."""
    v = _CONTRATTO.get(fold(text))
    if v is None:
        raise ParseError(_("contratto non valido (attesi «indeterminato» o «determinato»)"), value=text, where=where)
    return v


def parse_titolo(text: str, *, where: str | None = None) -> Titolo | None:
    f = fold(text)
    if not f:
        return None
    t = _TITOLO.get(f)
    if t is None:
        raise ParseError(
            _("titolo di studio sconosciuto (attesi: obbligo, diploma, laurea triennale, laurea, post-laurea)"),
            value=text,
            where=where,
        )
    return t


def parse_esito(text: str, *, where: str | None = None) -> Esito:
    """``sì``/``no``; an empty cell is "not recorded" (``None``), not "no"."""
    f = fold(text)
    if not f:
        return None
    if f in YES:
        return True
    if f in NO:
        return False
    raise ParseError(_("valore non valido (attesi sì, no o cella vuota)"), value=text, where=where)


# --- The tables ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Riga:
    """One row of a personnel table: women and men."""

    voce: str
    donne: int
    uomini: int

    @property
    def totale(self) -> int:
        return self.donne + self.uomini


def _conta(voce: str, persone: Iterable[Dipendente]) -> Riga:
    persone = list(persone)
    return Riga(voce, sum(d.genere == F for d in persone), sum(d.genere == M for d in persone))


@dataclass(frozen=True, slots=True)
class Composizione:
    """The seed's "Composizione del Personale in Ruolo (31.12)", with the 2019 table's extra rows.

    The totals are counted from the records, not summed from the rows, so that
    a record the rows miss shows up as a difference (the property tests check
    that there is none).
    """

    anno: int
    categorie: tuple[Riga, ...]  # D, C, B, A: personale in ruolo
    totale_ruolo: Riga
    dirigenti: Riga
    non_di_ruolo: Riga  # tempo determinato outside the dirigenza
    totale: Riga  # everyone in the register that year

    def categoria(self, cat: str) -> Riga:
        return next(r for r in self.categorie if r.voce == cat)


def composizione(registro: Iterable[Dipendente], anno: int) -> Composizione:
    persone = dell_anno(registro, anno)
    return Composizione(
        anno=anno,
        categorie=tuple(_conta(c, (d for d in persone if d.in_ruolo and d.categoria == c)) for c in CATEGORIE),
        totale_ruolo=_conta("Totale", (d for d in persone if d.in_ruolo)),
        dirigenti=_conta("Dirigenti", (d for d in persone if d.dirigente)),
        non_di_ruolo=_conta("Non di ruolo", (d for d in persone if not d.dirigente and not d.indeterminato)),
        totale=_conta("Totale generale", persone),
    )


@dataclass(frozen=True, slots=True)
class TipologiaContrattuale:
    """The seed's "Composizione del Personale per tipologia contrattuale": full and part time of
    the personale in ruolo."""

    anno: int
    tempo_pieno: Riga
    tempo_parziale: Riga
    totale: Riga


def tipologia_contrattuale(registro: Iterable[Dipendente], anno: int) -> TipologiaContrattuale:
    # The personale in ruolo, as the seed's table (37 + 8 = 45 in 2017, without the dirigente).
    ruolo = [d for d in dell_anno(registro, anno) if d.in_ruolo]
    return TipologiaContrattuale(
        anno=anno,
        tempo_pieno=_conta("Full time", (d for d in ruolo if not d.part_time)),
        tempo_parziale=_conta("Part time", (d for d in ruolo if d.part_time)),
        totale=_conta("Totale", ruolo),
    )


# --- The indicators of the analisi di genere -------------------------------------------------

PERCENTUALE, CONTEGGIO, ETA_MEDIA = "percentuale", "conteggio", "età media"


def _oppure(*valori: Esito) -> Esito:
    """Or over yes/no/unknown: one "yes" answers; otherwise any unknown leaves it unknown."""
    if any(v is True for v in valori):
        return True
    if any(v is None for v in valori):
        return None
    return False


@dataclass(frozen=True, slots=True)
class Definizione:
    """An indicator: who is in the denominator, who of them in the numerator.

    ``misura`` is ``percentuale`` (100 × numerator / denominator),
    ``conteggio`` (the numerator) or ``età media`` (the mean age at 31/12 over
    the denominator). A predicate answering ``None`` for a record (data not
    recorded) makes the indicator n.d. for that year.
    """

    codice: str
    dicitura: str  # as printed in the seed
    misura: str
    denominatore: str  # in words, for docs and screens
    numeratore: str
    nel_denominatore: Callable[[Dipendente], Esito]
    nel_numeratore: Callable[[Dipendente], Esito] = lambda d: True


def _donna(d: Dipendente) -> bool:
    return d.genere == F


def _uomo(d: Dipendente) -> bool:
    return d.genere == M


def _orario_conciliazione(d: Dipendente) -> Esito:
    # The seed's own words: "part time e personalizzazione orari di servizio compresa legge 104".
    return _oppure(d.part_time, d.orario_personalizzato, d.legge_104)


# Each denominator below is the one that reproduces the seed's printed figures
# (docs/personale.md shows the arithmetic); the seed uses two "totals":
# % donne is over the personale in ruolo (32/45 = 71%, not 32/46 = 70%),
# % part time over all the staff with the dirigente (8/46 = 17%, not 8/45 = 18%),
# and the men's figures count the dirigente among the men (5/14 = 36%; no count of 13 gives it).
DEFINIZIONI: tuple[Definizione, ...] = (
    Definizione("dirigenti_donne", "% di Dirigenti donne", PERCENTUALE,
                "dirigenti", "dirigenti donne",
                lambda d: d.dirigente, _donna),
    Definizione("po_donne", "% di donne incaricate di po sul totale personale incaricato di po", PERCENTUALE,
                "personale incaricato di posizione organizzativa", "donne incaricate di posizione organizzativa",
                lambda d: d.posizione_organizzativa, _donna),
    Definizione("donne", "% di Donne rispetto al totale del personale", PERCENTUALE,
                "personale in ruolo (categorie, tempo indeterminato; senza dirigenti)", "donne in ruolo",
                lambda d: d.in_ruolo, _donna),
    Definizione("donne_indeterminato", "% di personale femminile assunto a tempo indeterminato", PERCENTUALE,
                "donne (tutto il personale)", "donne a tempo indeterminato",
                _donna, lambda d: d.indeterminato),
    Definizione("eta_media_donne", "Età media del personale femminile", ETA_MEDIA,
                "donne (tutto il personale)", "somma delle età in anni compiuti al 31/12",
                _donna),
    Definizione("eta_media_uomini", "Età media del personale maschile", ETA_MEDIA,
                "uomini (tutto il personale, dirigente compreso)", "somma delle età in anni compiuti al 31/12",
                _uomo),
    Definizione("laureate_donne",
                "% di personale femminile laureato rispetto al totale del personale femminile", PERCENTUALE,
                "donne (tutto il personale)", "donne con laurea triennale o superiore",
                _donna, lambda d: d.laureato),
    Definizione("laureati_uomini",
                "% di personale maschile laureato rispetto al totale del personale maschile", PERCENTUALE,
                "uomini (tutto il personale, dirigente compreso)", "uomini con laurea triennale o superiore",
                _uomo, lambda d: d.laureato),
    Definizione("part_time", "% part time rispetto al totale personale", PERCENTUALE,
                "tutto il personale (in ruolo, dirigenti, non di ruolo)", "personale a tempo parziale",
                lambda d: True, lambda d: d.part_time),
    Definizione("orario_personalizzato_donne_pct",
                "% personale femminile con orario personalizzato sul totale personale femminile", PERCENTUALE,
                "donne (tutto il personale)", "donne a tempo parziale, con orario personalizzato o con legge 104",
                _donna, _orario_conciliazione),
    Definizione("orario_personalizzato_donne",
                "N. donne con orario personalizzato "
                "(part time e personalizzazione orari di servizio compresa legge 104)", CONTEGGIO,
                "donne (tutto il personale)", "donne a tempo parziale, con orario personalizzato o con legge 104",
                _donna, _orario_conciliazione),
    Definizione("legge_104_donne",
                "N. donne lavoratrici con legge 104 per conciliazione tempi di vita e di lavoro", CONTEGGIO,
                "donne (tutto il personale)", "donne con permessi legge 104",
                _donna, lambda d: d.legge_104),
    Definizione("legge_104_uomini", "N. uomini con legge 104 per conciliazione tempi di vita e di lavoro", CONTEGGIO,
                "uomini (tutto il personale, dirigente compreso)", "uomini con permessi legge 104",
                _uomo, lambda d: d.legge_104),
)  # fmt: skip

DEFINIZIONI_PER_CODICE = {d.codice: d for d in DEFINIZIONI}

# Indicators about health (Legge 104/1992 permits, alone or within the personalised
# schedules): their small counts are hidden even inside a percentage (riservatezza.py).
DATI_SANITARI = frozenset(
    {"legge_104_donne", "legge_104_uomini", "orario_personalizzato_donne", "orario_personalizzato_donne_pct"}
)


@dataclass(frozen=True, slots=True)
class Traccia:
    """How a value came about: the figures and the matricole behind them."""

    numeratore: float  # a count, or the sum of the ages
    denominatore: int
    matricole_numeratore: tuple[str, ...]
    matricole_denominatore: tuple[str, ...]
    senza_dato: tuple[str, ...]  # records whose missing data make the value n.d.

    def spiegazione(self, misura: str) -> str:
        if self.senza_dato:
            # How many, not which: the explanation is shown on pages and in the API; the
            # matricole stay in ``senza_dato`` for whoever holds the register.
            return f"dato non rilevato per {len(self.senza_dato)} persone"
        if misura == ETA_MEDIA:
            return f"somma delle età {_fmt(self.numeratore)} su {self.denominatore} persone"
        if misura == PERCENTUALE:
            return f"{_fmt(self.numeratore)} su {self.denominatore}"
        return f"{_fmt(self.numeratore)} {'persona' if self.numeratore == 1 else 'persone'}"


@dataclass(frozen=True, slots=True)
class Indicatore:
    definizione: Definizione
    anno: int
    valore: float | None  # percentage points, years or persons; None = n.d.
    traccia: Traccia


def calcola(definizione: Definizione, registro: Iterable[Dipendente], anno: int) -> Indicatore:
    num = 0
    den: list[str] = []
    in_num: list[str] = []
    senza: list[str] = []
    for d in dell_anno(registro, anno):
        dentro = definizione.nel_denominatore(d)
        if dentro is None:
            senza.append(d.matricola)
            continue
        if not dentro:
            continue
        den.append(d.matricola)
        if definizione.misura == ETA_MEDIA:
            age = d.eta_31_12
            if age is None:
                senza.append(d.matricola)
            else:
                num += age
                in_num.append(d.matricola)
            continue
        esito = definizione.nel_numeratore(d)
        if esito is None:
            senza.append(d.matricola)
        elif esito:
            num += 1
            in_num.append(d.matricola)
    traccia = Traccia(num, len(den), tuple(in_num), tuple(den), tuple(senza))
    valore: float | None
    if senza:
        valore = None
    elif definizione.misura == CONTEGGIO:
        valore = float(num)
    elif not den:
        valore = None  # no dirigenti: no share of women among them
    elif definizione.misura == PERCENTUALE:
        # 100 × num / den, in this order: 2900 / 40 is exactly 72.5, 29 / 40 × 100 is not.
        valore = 100 * num / len(den)
    else:
        valore = num / len(den)
    return Indicatore(definizione, anno, valore, traccia)


def indicatori_genere(
    registro: Sequence[Dipendente], anno: int, definizioni: Sequence[Definizione] = DEFINIZIONI
) -> list[Indicatore]:
    """Every indicator of the analisi di genere for one year, in the seed's order."""
    return [calcola(defn, registro, anno) for defn in definizioni]


# --- The register as a whole -----------------------------------------------------------------


def controlla_registro(registro: Iterable[Dipendente]) -> list[Problem]:
    """Errors for a person twice in a year; warnings for a gender or birth date changing over the years."""
    problems: list[Problem] = []
    visti: set[tuple[int, str]] = set()
    per_matricola: dict[str, list[Dipendente]] = defaultdict(list)
    for d in registro:
        if (d.anno, d.matricola) in visti:
            problems.append(
                Problem(
                    "personale_doppio",
                    _("matricola {matricola} presente due volte nel {anno}").format(matricola=d.matricola, anno=d.anno),
                    f"matricola {d.matricola}",
                )
            )
        visti.add((d.anno, d.matricola))
        per_matricola[d.matricola].append(d)
    for matricola, righe in per_matricola.items():
        righe.sort(key=lambda d: d.anno)
        if len({d.genere for d in righe}) > 1:
            problems.append(
                Problem(
                    "personale_genere_variato",
                    _("il genere cambia da un anno all'altro"),
                    f"matricola {matricola}",
                    "warning",
                )
            )
        nascite = {d.data_nascita for d in righe if d.data_nascita is not None}
        if len(nascite) > 1:
            problems.append(
                Problem(
                    "personale_nascita_variata",
                    _("la data di nascita cambia da un anno all'altro"),
                    f"matricola {matricola}",
                    "warning",
                )
            )
    return problems


# --- Printed figures against computed ones ---------------------------------------------------

DONNE, UOMINI, TOTALE = "donne", "uomini", "totale"
COLONNE = (DONNE, UOMINI, TOTALE)

# The rows of the personnel tables, by the code a printed-figures file uses.
RIGHE_TABELLE = (*CATEGORIE, "totale", "dirigenti", "non di ruolo", "totale generale", "tempo pieno", "tempo parziale")


@dataclass(frozen=True, slots=True)
class Stampato:
    """One figure as a document prints it.

    ``riga`` is a row of :data:`RIGHE_TABELLE` (with ``colonna`` donne, uomini
    or totale) or an indicator code of :data:`DEFINIZIONI` (with no colonna);
    ``tabella`` and ``dicitura`` are the printed title and row label, for the
    messages.
    """

    tabella: str
    riga: str
    colonna: str
    anno: int
    testo: str
    dicitura: str = ""


@dataclass(frozen=True, slots=True)
class Cifra:
    valore: float | None
    misura: str  # conteggio | percentuale | età media
    spiegazione: str = ""


NON_DISPONIBILE = frozenset({"", "nd", "n.d.", "n.d", "n/d", "na", "n.a."})
TRATTINO = frozenset({"-", "—", "–"})


def valore_stampato(testo: str, *, where: str | None = None) -> tuple[float, int] | None:
    """A printed figure: ``(value, decimals)``; ``None`` for n.d. and for the dash.

    ``71%`` is (71.0, 0), ``55,31`` is (55.31, 2). Anything else printed in
    these tables is an error.
    """
    f = fold(testo)
    if f in NON_DISPONIBILE or f in TRATTINO:
        return None
    parts = split_number(testo)
    if parts is None or parts[1] not in ("", "%"):
        raise ParseError(
            _("cifra stampata non valida (attesi un numero, una percentuale, «-» o «n.d.»)"), value=testo, where=where
        )
    decimals = len(testo.split(",", 1)[1].rstrip("% ")) if "," in testo else 0
    return parts[0], decimals


def cifre(registro: Sequence[Dipendente], anno: int) -> dict[tuple[str, str], Cifra]:
    """Every figure the register gives for a year, keyed as a printed-figures file names them."""
    comp = composizione(registro, anno)
    tip = tipologia_contrattuale(registro, anno)
    righe = {
        **{c: comp.categoria(c) for c in CATEGORIE},
        "totale": comp.totale_ruolo,
        "dirigenti": comp.dirigenti,
        "non di ruolo": comp.non_di_ruolo,
        "totale generale": comp.totale,
        "tempo pieno": tip.tempo_pieno,
        "tempo parziale": tip.tempo_parziale,
    }
    out: dict[tuple[str, str], Cifra] = {}
    for codice, r in righe.items():
        out[(codice, DONNE)] = Cifra(r.donne, CONTEGGIO)
        out[(codice, UOMINI)] = Cifra(r.uomini, CONTEGGIO)
        out[(codice, TOTALE)] = Cifra(r.totale, CONTEGGIO)
    for ind in indicatori_genere(registro, anno):
        out[(ind.definizione.codice, "")] = Cifra(
            ind.valore, ind.definizione.misura, ind.traccia.spiegazione(ind.definizione.misura)
        )
    return out


def _fmt(x: float) -> str:
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.2f}".replace(".", ",")


def formatta(cifra: Cifra) -> str:
    if cifra.valore is None:
        return "n.d."
    return _fmt(cifra.valore) + ("%" if cifra.misura == PERCENTUALE else "")


def concorda(testo: str, valore: float | None) -> bool:
    """Whether a printed figure agrees with a computed one.

    A number agrees when within half a unit of its last printed digit (``71%``
    stands for anything from 70,5% to 71,5%; ``54`` years for 53,5 to 54,5;
    a count of ``8`` only for 8). ``n.d.`` agrees only with n.d.; the dash
    with n.d. or zero, as Italian tables (and Excel's accounting format)
    print zero as ``-``: the seed's "% di Dirigenti donne: -" where the one
    dirigente is a man.
    """
    f = fold(testo)
    if f in TRATTINO:
        return valore is None or valore == 0
    stampato = valore_stampato(testo)
    if stampato is None:
        return valore is None
    if valore is None:
        return False
    numero, decimals = stampato
    # The small epsilon keeps 72,5% "within half a point" of 72% despite binary fractions.
    return abs(valore - numero) <= 0.5 * 10.0**-decimals + 1e-9  # 10.0: int ** -int is a float, but typed Any


def confronta_stampati(registro: Sequence[Dipendente], stampati: Iterable[Stampato]) -> list[Problem]:
    """One warning per printed figure that the register does not give, naming table, row, year and both figures."""
    per_anno: dict[int, dict[tuple[str, str], Cifra]] = {}
    presenti = set(anni(registro))
    problems: list[Problem] = []
    for s in stampati:
        voce = s.dicitura or s.riga
        colonna = f" ({s.colonna})" if s.colonna else ""
        where = f"{s.tabella}, riga {voce}{colonna}, anno {s.anno}"
        if s.anno not in presenti:
            problems.append(
                Problem(
                    "personale_anno_assente",
                    _("il registro del personale non ha l'anno {anno}: stampato {s}").format(anno=s.anno, s=s.testo),
                    where,
                    "warning",
                )
            )
            continue
        if s.anno not in per_anno:
            per_anno[s.anno] = cifre(registro, s.anno)
        cifra = per_anno[s.anno].get((s.riga, s.colonna))
        if cifra is None:
            problems.append(
                Problem(
                    "personale_riga_sconosciuta",
                    _("riga {riga!r}, colonna {colonna!r} sconosciuta").format(riga=s.riga, colonna=s.colonna),
                    where,
                    "warning",
                )
            )
            continue
        if not concorda(s.testo, cifra.valore):
            spiegazione = f" ({cifra.spiegazione})" if cifra.spiegazione else ""
            problems.append(
                Problem(
                    "personale_discordanza",
                    _("stampato {s}, calcolato {cifra}{spiegazione}").format(
                        s=s.testo, cifra=formatta(cifra), spiegazione=spiegazione
                    ),  # table, row, year: in where
                    where,
                    "warning",
                )
            )
    return problems


# --- as plain data (JSON), for storing the register with an ente ------------------------------


def registro_to_data(registro: Iterable[Dipendente]) -> list[dict[str, Any]]:
    return [
        {
            "anno": d.anno,
            "matricola": d.matricola,
            "genere": d.genere,
            "categoria": d.categoria,
            "part_time": d.part_time,
            "indeterminato": d.indeterminato,
            "data_nascita": d.data_nascita.isoformat() if d.data_nascita else None,
            "eta": d.eta,
            "titolo": int(d.titolo) if d.titolo is not None else None,
            "legge_104": d.legge_104,
            "orario_personalizzato": d.orario_personalizzato,
            "posizione_organizzativa": d.posizione_organizzativa,
            "note": d.note,
        }
        for d in registro
    ]


def registro_from_data(rows: Iterable[dict[str, Any]]) -> tuple[Dipendente, ...]:
    out = []
    for r in rows:
        r = dict(r)
        r["data_nascita"] = date.fromisoformat(r["data_nascita"]) if r.get("data_nascita") else None
        r["titolo"] = Titolo(r["titolo"]) if r.get("titolo") is not None else None
        out.append(Dipendente(**r))
    return tuple(out)


# --- Riservatezza: the small counts hidden where the tables are shown (engine/riservatezza.py) ----

TOTALI_COMPOSIZIONE = ("totale_ruolo", "dirigenti", "non_di_ruolo", "totale")
TIPOLOGIA = ("tempo_pieno", "tempo_parziale")


Cella = tuple[str, int, str]  # (row, anno, column): a cell of the staff tables


def celle_riservate(registro: Sequence[Dipendente], anni_: Iterable[int], soglia: int) -> dict[Cella, str]:
    """The cells of the composition and contract tables to hide, each with the text shown.

    Keys are ``(row, anno, column)``: the rows are the categories and
    :data:`TOTALI_COMPOSIZIONE` (columns ``F``, ``M``, ``T``), and :data:`TIPOLOGIA`
    (column ``T``: that table is shown by total only). Every year is its own table.
    """
    from .riservatezza import sopprimi

    valori: dict[Cella, float] = {}
    somme: list[tuple[list[Cella], Cella]] = []
    for y in anni_:
        c = composizione(registro, y)
        t = tipologia_contrattuale(registro, y)
        rows = {cat: c.categoria(cat) for cat in CATEGORIE} | {k: getattr(c, k) for k in TOTALI_COMPOSIZIONE}
        for key, r in rows.items():
            valori |= {(key, y, F): r.donne, (key, y, M): r.uomini, (key, y, "T"): r.totale}
            somme.append(([(key, y, F), (key, y, M)], (key, y, "T")))
        for g in (F, M, "T"):
            somme.append(([(cat, y, g) for cat in CATEGORIE], ("totale_ruolo", y, g)))
            somme.append(([(k, y, g) for k in TOTALI_COMPOSIZIONE[:-1]], ("totale", y, g)))
        valori |= {("tempo_pieno", y, "T"): t.tempo_pieno.totale, ("tempo_parziale", y, "T"): t.tempo_parziale.totale}
        somme.append(([("tempo_pieno", y, "T"), ("tempo_parziale", y, "T")], ("totale_ruolo", y, "T")))
    # The dirigenti are published by name (d.lgs. 33/2013 art. 14): their row hides nothing.
    pubblici = {k for k in valori if k[0] == "dirigenti"}
    return sopprimi(valori, somme, soglia, pubblici=pubblici)


def indicatore_riservato(ind: Indicatore, soglia: int) -> str | None:
    """The text shown instead of an indicator's value, or None when it can be shown.

    A count of 1 to ``soglia`` − 1 people is "< soglia"; a mean age over so few people is
    theirs (*riservato*); a health indicator's percentage with so few in its numerator
    gives their number away (*riservato*).
    """
    from .riservatezza import RISERVATO, meno_di, piccolo

    if ind.valore is None:
        return None
    t = ind.traccia
    misura = ind.definizione.misura
    if misura == CONTEGGIO and piccolo(ind.valore, soglia):
        return meno_di(soglia)
    if misura == ETA_MEDIA and piccolo(t.denominatore, soglia):
        return RISERVATO
    if misura == PERCENTUALE and ind.definizione.codice in DATI_SANITARI and piccolo(t.numeratore, soglia):
        return RISERVATO
    return None
