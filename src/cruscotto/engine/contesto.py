"""Il contesto: who the ente is and the territory it works in, as data.

The seed's sections 1.1-1.2 (the activities by area, the stakeholder map, the
organs, the organisational structure, the *partecipate*) and section 2
(*analisi del contesto esterno*: the printed tables and the figures its prose
quotes). Everything is kept as printed, words and numbers; nothing is
corrected. The checks say where the printed figures disagree with each other
or with a rule (a partita IVA's check digit), as warnings:

- a partecipata's codice fiscale is 11 digits with a valid check digit, and
  its share is between 0 and 100%;
- a stakeholder of the map is marked in at least one column;
- in the context tables: printed shares against their values and total, shares
  of a whole adding up to 100%, a figure printed twice (in one table or in two)
  with two values, and a column that repeats another's figures row for row (the
  mark of a copy slip).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .display import al
from .errors import Problem
from .lingua import _
from .numbers import fold, split_number

# --- organs and organisational structure -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Organo:
    """An organ of the ente (L. 580/1993, art. 9) or a body it relies on (the OIV), as described in the plan."""

    nome: str
    ruolo: str
    tipo: str = ""  # as the plan qualifies it, e.g. "organo (L. 580/1993)" or "organismo"


@dataclass(frozen=True, slots=True)
class AzionePositiva:
    """An item of the equal-opportunity list (CUG, Piano di azioni positive): what, the act, where to read it."""

    azione: str
    descrizione: str
    atto: str = ""  # e.g. "deliberazione di Giunta n. 93 del 15/11/2019"
    riferimento: str = ""  # where the full text is (an address)


@dataclass(frozen=True, slots=True)
class VoceStruttura:
    """A printed statement of the organisational structure: a role (Segretario generale) or a level (Aree)."""

    nome: str
    descrizione: str


# --- activities by area (the table of section 1.1) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class AreaAttivita:
    """A column of the activities table: its area and the activities listed under it, in order."""

    area: str
    attivita: tuple[str, ...]


# --- the stakeholder map -------------------------------------------------------------------------

# A column printed under a grouping header ("Imprese Territorio" over three sub-columns) is
# written "<header>: <sub-column>", the way a flat file can hold a two-row header.
SEPARATORE_COLONNA = ": "


@dataclass(frozen=True, slots=True)
class ColonnaMappa:
    prospettiva: str  # the printed top header: "Imprese Territorio", "Processi Interni"
    voce: str = ""  # the printed sub-column, if any: "Servizi Anagrafico-certificativi"

    @property
    def intestazione(self) -> str:
        return f"{self.prospettiva}{SEPARATORE_COLONNA}{self.voce}" if self.voce else self.prospettiva

    @classmethod
    def da_intestazione(cls, text: str) -> ColonnaMappa:
        top, sep, sub = text.partition(SEPARATORE_COLONNA)
        return cls(top.strip(), sub.strip()) if sep else cls(text.strip())


@dataclass(frozen=True, slots=True)
class Stakeholder:
    gruppo: str  # as printed: "Sistema economico territoriale", "Stakeholder Interni"
    nome: str
    segni: tuple[bool, ...]  # one per column of the map: marked (●) or not


@dataclass(frozen=True, slots=True)
class MappaStakeholder:
    """The stakeholder × perspective matrix: which perspectives of the plan concern whom."""

    colonne: tuple[ColonnaMappa, ...]
    righe: tuple[Stakeholder, ...]

    @property
    def gruppi(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.gruppo for r in self.righe))

    @property
    def prospettive(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.prospettiva for c in self.colonne))

    def stakeholder(self, nome: str) -> Stakeholder | None:
        return next((r for r in self.righe if fold(r.nome) == fold(nome)), None)

    def segnate(self, nome: str) -> tuple[str, ...]:
        """The headers of the columns where the stakeholder ``nome`` is marked."""
        r = self.stakeholder(nome)
        return tuple(c.intestazione for c, mark in zip(self.colonne, r.segni) if mark) if r else ()

    def segnati(self, intestazione: str) -> tuple[str, ...]:
        """The stakeholders marked in a column (by its header)."""
        idx = next((i for i, c in enumerate(self.colonne) if fold(c.intestazione) == fold(intestazione)), None)
        return () if idx is None else tuple(r.nome for r in self.righe if r.segni[idx])


def check_mappa(m: MappaStakeholder) -> list[Problem]:
    out = []
    for r in m.righe:
        if not any(r.segni):
            out.append(
                Problem(
                    "stakeholder_senza_segni",
                    _("nessuna colonna segnata: lo stakeholder non risulta interessato da alcuna prospettiva"),
                    _("mappa degli stakeholder, riga «{nome}» ({gruppo})").format(nome=r.nome, gruppo=r.gruppo),
                    "warning",
                )
            )
    return out


# --- partecipate ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Partecipata:
    progressivo: str  # as printed: "1 - D"
    nome: str
    codice_fiscale: str  # as printed; for a company, its partita IVA
    quota: float  # percentage points: 0,21% -> 0.21
    quota_stampata: str  # "0,21%"


def cifra_controllo_partita_iva(prime_dieci: str) -> int:
    """The 11th digit of a partita IVA, from the first ten (DM 23 dicembre 1976, art. 35 DPR 633/1972).

    The digits in odd places (1st, 3rd, ... 9th) are added as they are; those in even places
    (2nd ... 10th) are doubled, less 9 when the double exceeds 9; the check digit is what
    takes the sum to the next multiple of ten: ``(10 - sum % 10) % 10``. It is Luhn's
    algorithm, and the same for the numeric codice fiscale of a body with no partita IVA.
    A wrong digit or two neighbours swapped change the sum, and so the expected check digit.
    """
    if len(prime_dieci) != 10 or not prime_dieci.isdigit():
        raise ValueError(f"servono dieci cifre, non {prime_dieci!r}")
    total = 0
    for i, ch in enumerate(prime_dieci):
        d = int(ch)
        if i % 2 == 1:  # 2nd, 4th, ... place
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def problema_partita_iva(codice: str) -> tuple[str, str] | None:
    """Why ``codice`` is not a valid 11-digit codice fiscale of a company, as (code, message); None when it is."""
    if len(codice) != 11 or not codice.isdigit():
        return "partecipata_codice_fiscale", f"il codice fiscale di una società è di 11 cifre, non {codice!r}"
    expected = cifra_controllo_partita_iva(codice[:10])
    if int(codice[10]) != expected:
        return (
            "partecipata_cifra_controllo",
            f"cifra di controllo errata in {codice}: l'ultima cifra dovrebbe essere {expected}, non {codice[10]}",
        )
    return None


def check_partecipate(partecipate: Iterable[Partecipata]) -> list[Problem]:
    out = []
    seen: dict[str, str] = {}
    for p in partecipate:
        where = f"partecipata {p.progressivo} «{p.nome}»" if p.progressivo else f"partecipata «{p.nome}»"
        wrong = problema_partita_iva(p.codice_fiscale)
        if wrong:
            out.append(Problem(*wrong, _("{where}, codice fiscale").format(where=where), "warning"))
        if p.codice_fiscale in seen:
            out.append(
                Problem(
                    "partecipata_ripetuta",
                    _("codice fiscale {codice_fiscale} già indicato per «{altro}»").format(
                        codice_fiscale=p.codice_fiscale, altro=seen[p.codice_fiscale]
                    ),
                    _("{where}, codice fiscale").format(where=where),
                    "warning",
                )
            )
        seen.setdefault(p.codice_fiscale, p.nome)
        if not 0 <= p.quota <= 100:
            out.append(
                Problem(
                    "partecipata_quota",
                    _("quota {quota_stampata}: una quota di partecipazione è tra 0 e 100%").format(
                        quota_stampata=p.quota_stampata
                    ),
                    f"{where}, quota",
                    "warning",
                )
            )
    return out


# --- the external context: printed tables --------------------------------------------------------

ORIGINI = ("tabella", "testo")


@dataclass(frozen=True, slots=True)
class Cella:
    testo: str  # as printed
    numero: float | None = None  # when the cell is a number, or a percentage (in points: "18,0" and "18,0%" are 18.0)

    @classmethod
    def da_testo(cls, testo: str) -> Cella:
        return cls(testo, numero_stampato(testo))


def numero_stampato(testo: str) -> float | None:
    """The number of a cell that holds a number and nothing else but a percent sign; else None.

    ``"242.098.890"``, ``"-10,4"``, ``"+2,02%"`` are numbers; ``"4° posto"``, ``"30/09/2019"``,
    ``"circa 1.350"`` are text: a figure with words around it is a phrase, not a figure to check.
    """
    parts = split_number(testo)
    if parts is None or parts[1] not in ("", "%"):
        return None
    return parts[0]


_NUMBER_PART = re.compile(r"\d[\d.,]*")
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def decimali(testo: str) -> int:
    """How many decimals a printed number shows: ``"18,0"`` 1, ``"242.098.890"`` 0, ``"10.3%"`` 1."""
    m = _NUMBER_PART.search(testo)
    if not m:
        return 0
    digits = m.group().rstrip(".,")
    if "," in digits:
        return len(digits.rsplit(",", 1)[1])
    if "." in digits and not _GROUPED.match(digits):
        return len(digits.rsplit(".", 1)[1])  # a machine decimal point, as the seed's "+10.3%"
    return 0


def mezza_unita(testo: str) -> float:
    """Half the last printed digit: how far the true value may be from a rounded figure."""
    return 0.5 * 10.0 ** -decimali(testo)  # 10.0: int ** -int is a float, but typed Any


@dataclass(frozen=True, slots=True)
class Quote:
    """A column of shares (percentages of a total), as a table declares it.

    ``valori`` names the column whose figures the shares are of, ``totale`` the row that
    holds their total (none: the table prints no total, so only one total must fit every
    share). ``completa``: the rows are all the parts of the whole, so the shares add up
    to 100% and the values to the total.
    """

    colonna: str
    valori: str = ""
    totale: str = ""
    completa: bool = False


@dataclass(frozen=True, slots=True)
class TabellaContesto:
    """A table of the *analisi del contesto esterno*, cell by cell as printed.

    The first column holds each row's label. ``origine`` says whether the seed prints
    the table as such (``tabella``) or quotes its figures in the prose (``testo``: the
    table is ours, its figures are the text's, as printed).
    """

    slug: str
    titolo: str
    intestazioni: tuple[str, ...]
    righe: tuple[tuple[Cella, ...], ...]
    origine: str = "tabella"
    fonte: str = ""  # as printed: "Fonte: Istat"
    nota: str = ""  # the unit and remarks, as printed ("Valori in Euro")
    quote: Quote | None = None
    confronta: str = ""  # the slug of a table printing some of the same figures

    def colonna(self, intestazione: str) -> int | None:
        return next((i for i, h in enumerate(self.intestazioni) if fold(h) == fold(intestazione)), None)

    def riga(self, etichetta: str) -> tuple[Cella, ...] | None:
        return next((r for r in self.righe if r and fold(r[0].testo) == fold(etichetta)), None)

    def cella(self, etichetta: str, intestazione: str) -> Cella | None:
        r, c = self.riga(etichetta), self.colonna(intestazione)
        return r[c] if r is not None and c is not None and c < len(r) else None


def _it(x: float, decimals: int = 0) -> str:
    """A number as an Italian office prints it (for messages): 1.341.828.981, 4,1."""
    if round(x, decimals) == 0:
        x = 0.0  # no "-0"
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


@dataclass(frozen=True, slots=True)
class _Cifra:
    """A cell known to hold a number: its printed text and that number (what the checks compare)."""

    testo: str
    numero: float

    @classmethod
    def di(cls, cella: Cella) -> _Cifra | None:
        return None if cella.numero is None else cls(cella.testo, cella.numero)


# A row with a share and a value, and the least and greatest totals the rounded share allows.
_Limite = tuple[tuple[Cella, ...], _Cifra, _Cifra, float, float]


def _num(row: tuple[Cella, ...], idx: int | None) -> _Cifra | None:
    if idx is None or idx >= len(row):
        return None
    return _Cifra.di(row[idx])


def _where(t: TabellaContesto, label: str, column: str | None = None) -> str:
    out = f"contesto esterno, tabella «{t.titolo}», riga «{label}»"
    return out + (f", colonna «{column}»" if column else "")


def _check_quote(t: TabellaContesto) -> list[Problem]:
    q = t.quote
    if q is None:
        return []
    out = []
    qi, vi = t.colonna(q.colonna), t.colonna(q.valori) if q.valori else None
    total_row = t.riga(q.totale) if q.totale else None
    total = _num(total_row, vi) if total_row is not None else None
    parts = [r for r in t.righe if r is not total_row]
    if vi is not None and total is not None and total.numero:
        for r in parts:
            share, value = _num(r, qi), _num(r, vi)
            if share is None or value is None:
                continue
            computed = 100 * value.numero / total.numero
            if abs(computed - share.numero) > mezza_unita(share.testo) + 1e-9:
                out.append(
                    Problem(
                        "contesto_quota",
                        f"stampato {share.testo}, ma {value.testo} su {total.testo} "
                        f"è il {_it(computed, decimali(share.testo) + 1)}%",
                        _where(t, r[0].testo, q.colonna),
                        "warning",
                    )
                )
    elif vi is not None:
        out += _check_quote_senza_totale(t, parts, qi, vi)
    if q.completa:
        shares = [c for r in parts if (c := _num(r, qi)) is not None]
        total_share = sum(c.numero for c in shares)
        slack = sum(mezza_unita(c.testo) for c in shares)
        if shares and abs(total_share - 100) > slack + 1e-9:
            out.append(
                Problem(
                    "contesto_somma",
                    _("le quote sommano {totale}, non al 100% (±{margine} per l'arrotondamento)").format(
                        totale=al(_it(total_share, max(decimali(c.testo) for c in shares)) + "%"),
                        margine=f"{slack:g}".replace(".", ","),
                    ),
                    _("contesto esterno, tabella «{titolo}», colonna «{colonna}»").format(
                        titolo=t.titolo, colonna=q.colonna
                    ),
                    "warning",
                )
            )
        values = [c for r in parts if (c := _num(r, vi)) is not None]
        if total is not None and total_row is not None and values:  # a total, so a total row
            slack = sum(mezza_unita(c.testo) for c in values) + mezza_unita(total.testo)
            added = sum(c.numero for c in values)
            if abs(added - total.numero) > slack + 1e-9:
                out.append(
                    Problem(
                        "contesto_somma",
                        _("stampato {total}, somma delle righe {values}").format(
                            total=total.testo, values=_it(added, max(decimali(c.testo) for c in values))
                        ),
                        _where(t, total_row[0].testo, q.valori),
                        "warning",
                    )
                )
    return out


def _limiti(rows: Iterable[tuple[Cella, ...]], qi: int | None, vi: int | None) -> list[_Limite]:
    """For each row with a share and a value: the totals its rounded share allows.

    A share p printed with half-unit h of a value v means a total between 100·v/(p+h)
    and 100·v/(p-h).
    """
    out = []
    for r in rows:
        share, value = _num(r, qi), _num(r, vi)
        if share is None or value is None or value.numero <= 0 or share.numero <= 0:
            continue
        h = mezza_unita(share.testo)
        low = 100 * value.numero / (share.numero + h)
        high = 100 * value.numero / (share.numero - h) if share.numero > h else math.inf
        out.append((r, share, value, low, high))
    return out


def _miglior_totale(limiti: list[_Limite]) -> tuple[list[_Limite], float, float]:
    """The rows that the one total fitting the most of them fits, and the range of that total."""

    def fits(b: _Limite, c: float) -> bool:
        return b[3] <= c <= b[4] * (1 + 1e-12)

    best = max(sorted({b[3] for b in limiti}), key=lambda c: sum(1 for b in limiti if fits(b, c)))
    fitting = [b for b in limiti if fits(b, best)]
    return fitting, max(b[3] for b in fitting), min(b[4] for b in fitting)


def totale_dalle_quote(t: TabellaContesto) -> tuple[float, float] | None:
    """The range of totals that a table's shares imply, when it prints shares and values but no total.

    From the rows that agree with each other (those that do not are the findings of the check).
    """
    q = t.quote
    if q is None or not q.valori or q.totale:
        return None
    limiti = _limiti(t.righe, t.colonna(q.colonna), t.colonna(q.valori))
    if not limiti:
        return None
    _fitting, low, high = _miglior_totale(limiti)
    return low, high


def _check_quote_senza_totale(
    t: TabellaContesto, rows: Iterable[tuple[Cella, ...]], qi: int | None, vi: int
) -> list[Problem]:
    """With no printed total, one total must fit every rounded share; the rows that the total
    fitting the most rows does not fit are reported, with the range the others agree on."""
    limiti = _limiti(rows, qi, vi)
    if len(limiti) < 2:
        return []
    assert qi is not None  # every row of limiti has a share, in column qi
    fitting, low, high = _miglior_totale(limiti)
    out = []
    for r, share, value, _lo, _hi in limiti:
        if any(b[0] is r for b in fitting):
            continue
        d = decimali(share.testo) + 1
        out.append(
            Problem(
                "contesto_quota",
                _(
                    "stampato {share}, ma le altre righe implicano un totale tra {low} e {high}, di cui {valore} è "
                    "tra il {da}% e il {a}%"
                ).format(
                    share=share.testo,
                    low=_it(low),
                    high=_it(high),
                    valore=value.testo,
                    da=_it(100 * value.numero / high, d),
                    a=_it(100 * value.numero / low, d),
                ),
                _where(t, r[0].testo, t.intestazioni[qi]),
                "warning",
            )
        )
    return out


def _same(a: _Cifra, b: _Cifra) -> bool:
    """Two printed figures of one quantity agree within the rounding of the coarser."""
    return abs(a.numero - b.numero) <= max(mezza_unita(a.testo), mezza_unita(b.testo)) + 1e-9


def _check_ripetuti(t: TabellaContesto) -> list[Problem]:
    out = []
    by_label: dict[str, list[tuple[Cella, ...]]] = {}
    for r in t.righe:
        if r and r[0].testo:
            by_label.setdefault(fold(r[0].testo), []).append(r)
    for rows in by_label.values():
        first = rows[0]
        for other in rows[1:]:
            for idx, header in enumerate(t.intestazioni[1:], start=1):
                a, b = _num(first, idx), _num(other, idx)
                if a is not None and b is not None and not _same(a, b):
                    out.append(
                        Problem(
                            "contesto_ripetuto",
                            _("la stessa voce è stampata due volte con cifre diverse: {a} e {b}").format(
                                a=a.testo, b=b.testo
                            ),
                            _where(t, first[0].testo, header),
                            "warning",
                        )
                    )
    return out


def _check_colonne_uguali(t: TabellaContesto) -> list[Problem]:
    """Two columns printing the very same figures in every row: in a time series, a year copied over
    another. Same text, not only same number: values and their shares of a total of 100 are no copy."""
    out = []
    n = len(t.intestazioni)

    def cell(r: tuple[Cella, ...], i: int) -> Cella:
        return r[i] if i < len(r) else Cella("")

    for i in range(1, n):
        for j in range(i + 1, n):
            pairs = [(cell(r, i), cell(r, j)) for r in t.righe if cell(r, i).testo or cell(r, j).testo]
            if len(pairs) >= 2 and all(a.numero is not None and a.testo == b.testo for a, b in pairs):
                out.append(
                    Problem(
                        "contesto_colonne_uguali",
                        _(
                            "le colonne «{i}» e «{j}» riportano le stesse cifre in tutte le {n} righe ({cifre}): "
                            "possibile errore di copia"
                        ).format(
                            i=t.intestazioni[i],
                            j=t.intestazioni[j],
                            n=len(pairs),
                            cifre=", ".join(a.testo for a, _b in pairs),
                        ),
                        _("contesto esterno, tabella «{titolo}»").format(titolo=t.titolo),
                        "warning",
                    )
                )
    return out


def _check_confronto(t: TabellaContesto, other: TabellaContesto) -> list[Problem]:
    """The figures both tables print (same row label, same column header) agree."""
    out = []
    for r in t.righe:
        if not r or not r[0].testo:
            continue
        for idx, header in enumerate(t.intestazioni[1:], start=1):
            a, printed = _num(r, idx), other.cella(r[0].testo, header)
            b = _Cifra.di(printed) if printed is not None else None
            if a is not None and b is not None and not _same(a, b):
                out.append(
                    Problem(
                        "contesto_confronto",
                        _("stampato {a}, la tabella «{titolo}» stampa {b}").format(
                            a=a.testo, titolo=other.titolo, b=b.testo
                        ),
                        _where(t, r[0].testo, header),
                        "warning",
                    )
                )
    return out


def check_tabelle(tabelle: Iterable[TabellaContesto]) -> list[Problem]:
    tabelle = list(tabelle)
    by_slug = {t.slug: t for t in tabelle}
    out: list[Problem] = []
    for t in tabelle:
        out += _check_quote(t)
        out += _check_ripetuti(t)
        out += _check_colonne_uguali(t)
        if t.confronta and t.confronta in by_slug:
            out += _check_confronto(t, by_slug[t.confronta])
        elif t.confronta:
            out.append(
                Problem(
                    "contesto_confronto_mancante",
                    _("la tabella da confrontare «{confronta}» non c'è").format(confronta=t.confronta),
                    _("contesto esterno, tabella «{titolo}»").format(titolo=t.titolo),
                    "error",
                )
            )
    return out


# --- all of it -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contesto:
    """The ente and its context, as the plan's first two chapters print them."""

    organi: tuple[Organo, ...] = ()
    struttura: tuple[VoceStruttura, ...] = ()
    attivita: tuple[AreaAttivita, ...] = ()
    mappa: MappaStakeholder | None = None
    partecipate: tuple[Partecipata, ...] = ()
    tabelle: tuple[TabellaContesto, ...] = ()
    azioni_positive: tuple[AzionePositiva, ...] = ()

    def tabella(self, slug: str) -> TabellaContesto | None:
        return next((t for t in self.tabelle if t.slug == slug), None)

    def righe_attivita(self) -> list[list[str]]:
        """The activities table as printed: one column per area, its activities down it ("" below the shorter ones)."""
        depth = max((len(a.attivita) for a in self.attivita), default=0)
        return [[a.attivita[i] if i < len(a.attivita) else "" for a in self.attivita] for i in range(depth)]


def check_contesto(c: Contesto) -> list[Problem]:
    out = check_partecipate(c.partecipate)
    if c.mappa:
        out += check_mappa(c.mappa)
    out += check_tabelle(c.tabelle)
    return out


# --- as plain data (JSON), for storing with an ente -----------------------------------------------


def contesto_to_data(c: Contesto) -> dict[str, Any]:
    out: dict[str, Any] = {
        "organi": [{"nome": o.nome, "ruolo": o.ruolo, "tipo": o.tipo} for o in c.organi],
        "struttura": [{"nome": s.nome, "descrizione": s.descrizione} for s in c.struttura],
        "attivita": [{"area": a.area, "attivita": list(a.attivita)} for a in c.attivita],
        "partecipate": [
            {
                "progressivo": p.progressivo,
                "nome": p.nome,
                "codice_fiscale": p.codice_fiscale,
                "quota": p.quota,
                "quota_stampata": p.quota_stampata,
            }
            for p in c.partecipate
        ],
        "tabelle": [
            {
                "slug": t.slug,
                "titolo": t.titolo,
                "intestazioni": list(t.intestazioni),
                "righe": [[{"testo": x.testo, "numero": x.numero} for x in r] for r in t.righe],
                "origine": t.origine,
                "fonte": t.fonte,
                "nota": t.nota,
                "quote": None
                if t.quote is None
                else {
                    "colonna": t.quote.colonna,
                    "valori": t.quote.valori,
                    "totale": t.quote.totale,
                    "completa": t.quote.completa,
                },
                "confronta": t.confronta,
            }
            for t in c.tabelle
        ],
    }
    if c.azioni_positive:
        out["azioni_positive"] = [
            {"azione": a.azione, "descrizione": a.descrizione, "atto": a.atto, "riferimento": a.riferimento}
            for a in c.azioni_positive
        ]
    if c.mappa:
        out["mappa"] = {
            "colonne": [c2.intestazione for c2 in c.mappa.colonne],
            # Marks as the headers of the marked columns: readable, and safe against a reordering.
            "righe": [
                {
                    "gruppo": r.gruppo,
                    "nome": r.nome,
                    "segnate": [col.intestazione for col, mark in zip(c.mappa.colonne, r.segni) if mark],
                }
                for r in c.mappa.righe
            ],
        }
    return out


def contesto_from_data(d: dict[str, Any]) -> Contesto:
    m = d.get("mappa")
    mappa = None
    if m:
        colonne = tuple(ColonnaMappa.da_intestazione(h) for h in m["colonne"])
        mappa = MappaStakeholder(
            colonne,
            tuple(
                Stakeholder(r["gruppo"], r["nome"], tuple(c.intestazione in r["segnate"] for c in colonne))
                for r in m["righe"]
            ),
        )
    return Contesto(
        organi=tuple(Organo(o["nome"], o["ruolo"], o.get("tipo", "")) for o in d.get("organi", [])),
        struttura=tuple(VoceStruttura(s["nome"], s["descrizione"]) for s in d.get("struttura", [])),
        attivita=tuple(AreaAttivita(a["area"], tuple(a["attivita"])) for a in d.get("attivita", [])),
        mappa=mappa,
        partecipate=tuple(
            Partecipata(p["progressivo"], p["nome"], p["codice_fiscale"], p["quota"], p["quota_stampata"])
            for p in d.get("partecipate", [])
        ),
        tabelle=tuple(
            TabellaContesto(
                t["slug"],
                t["titolo"],
                tuple(t["intestazioni"]),
                tuple(tuple(Cella(x["testo"], x["numero"]) for x in r) for r in t["righe"]),
                t.get("origine", "tabella"),
                t.get("fonte", ""),
                t.get("nota", ""),
                Quote(**t["quote"]) if t.get("quote") else None,
                t.get("confronta", ""),
            )
            for t in d.get("tabelle", [])
        ),
        azioni_positive=tuple(AzionePositiva(**a) for a in d.get("azioni_positive", [])),
    )
