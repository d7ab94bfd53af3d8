"""The budget of a Camera di commercio: preventivo economico, investments, net worth, balance sheet.

The *preventivo economico* follows the schema of DPR 254/2005 (allegato A):
current income and costs, financial and extraordinary management, the year's
result, and the investment plan, each row for the last year's forecast
(*previsione consuntivo*), the budget year, and the four institutional
functions (A organi istituzionali e segreteria generale, B servizi di supporto,
C anagrafe e servizi di regolazione del mercato, D studio, formazione,
informazione e promozione economica) with their printed total.

Figures are kept as printed, with their sign (costs are negative, as the seed
prints them). The totals and results are computed from the rows; the checks
compare every printed total with the sum of its rows and columns, and report
each disagreement with the exact cell and both figures. Nothing is corrected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .display import al
from .errors import Problem
from .lingua import _
from .model import Piano
from .rapporti import Rapporto, check_rapporti, rapporto_from_data, rapporto_to_data

FUNZIONI = {
    "A": "Organi istituzionali e segreteria generale",
    "B": "Servizi di supporto",
    "C": "Anagrafe e servizi di regolazione del mercato",
    "D": "Studio, formazione, informazione e promozione economica",
}
# The columns of a row: the last year's forecast, the budget, the functions, their printed total.
COLONNE = ("consuntivo", "preventivo", "A", "B", "C", "D", "totale")
COLONNE_NOMI = {
    "consuntivo": "previsione consuntivo",
    "preventivo": "preventivo",
    "A": "funzione A",
    "B": "funzione B",
    "C": "funzione C",
    "D": "funzione D",
    "totale": "totale funzioni (A+B+C+D)",
}


@dataclass(frozen=True, slots=True)
class Voce:
    """A row of the schema: a line item, or a total/result computed from other rows."""

    codice: str
    nome: str
    sezione: str
    componenti: tuple[str, ...] = ()  # for totals and results: the rows they add up (signed figures)

    @property
    def totale(self) -> bool:
        return bool(self.componenti)


# DPR 254/2005, allegato A. Codes are the printed ones ("A-B" is the current result).
SCHEMA: tuple[Voce, ...] = (
    Voce("1", "Diritto annuale", "proventi correnti"),
    Voce("2", "Diritti di segreteria", "proventi correnti"),
    Voce("3", "Contributi trasferimenti e altre entrate", "proventi correnti"),
    Voce("4", "Proventi da gestione di beni e servizi", "proventi correnti"),
    Voce("5", "Variazione delle rimanenze", "proventi correnti"),
    Voce("A", "Totale proventi correnti", "proventi correnti", ("1", "2", "3", "4", "5")),
    Voce("6", "Personale", "oneri correnti"),
    Voce("7", "Funzionamento", "oneri correnti"),
    Voce("8", "Interventi economici", "oneri correnti"),
    Voce("9", "Ammortamenti e accantonamenti", "oneri correnti"),
    Voce("B", "Totale oneri correnti", "oneri correnti", ("6", "7", "8", "9")),
    Voce("A-B", "Risultato della gestione corrente", "gestione corrente", ("A", "B")),
    Voce("10", "Proventi finanziari", "gestione finanziaria"),
    Voce("11", "Oneri finanziari", "gestione finanziaria"),
    Voce("C", "Risultato della gestione finanziaria", "gestione finanziaria", ("10", "11")),
    Voce("12", "Proventi straordinari", "gestione straordinaria"),
    Voce("13", "Oneri straordinari", "gestione straordinaria"),
    Voce("D", "Risultato della gestione straordinaria", "gestione straordinaria", ("12", "13")),
    Voce("A-B-C-D", "Disavanzo/avanzo economico dell'esercizio", "risultato", ("A-B", "C", "D")),
    Voce("E", "Immobilizzazioni immateriali", "investimenti"),
    Voce("F", "Immobilizzazioni materiali", "investimenti"),
    Voce("G", "Immobilizzazioni finanziarie", "investimenti"),
    Voce("E-F-G", "Totale investimenti", "investimenti", ("E", "F", "G")),
)
SCHEMA_BY_CODE = {v.codice: v for v in SCHEMA}
TOLLERANZA = 0.005  # printed amounts have at most two decimals


def euro_it(x: float) -> str:
    """An amount as the seed prints it: 1.234.567 or 1.234.567,89 (for messages)."""
    whole = round(x, 2)
    sign = "-" if whole < 0 else ""
    units, cents = divmod(round(abs(whole) * 100), 100)
    text = f"{units:,}".replace(",", ".")
    return sign + text + (f",{cents:02d}" if cents else "")


@dataclass(frozen=True, slots=True)
class RigaPreventivo:
    codice: str
    nome: str  # as printed in the file (may differ in wording from the schema's)
    valori: dict[str, float | None]  # by COLONNE; None: the cell is empty in print


@dataclass(frozen=True, slots=True)
class Preventivo:
    anno: int  # the budget year; "consuntivo" is the forecast of anno - 1
    righe: tuple[RigaPreventivo, ...]
    fonte: str = ""

    def riga(self, codice: str) -> RigaPreventivo | None:
        return next((r for r in self.righe if r.codice == codice), None)

    def valore(self, codice: str, colonna: str) -> float:
        """The printed figure (an empty cell of a line item is zero)."""
        r = self.riga(codice)
        v = r.valori.get(colonna) if r else None
        return 0.0 if v is None else v


def calcola(p: Preventivo) -> dict[str, dict[str, float]]:
    """Every row and column as computed: line items as printed, totals and results from their rows.

    A line item's ``totale`` is the sum of its functions, not the printed total; the
    ``preventivo`` of a line item stays as printed (the check says whether it agrees).
    """
    out: dict[str, dict[str, float]] = {}
    for voce in SCHEMA:
        if voce.totale:
            out[voce.codice] = {c: sum(out[k][c] for k in voce.componenti) for c in COLONNE}
        else:
            row = {c: p.valore(voce.codice, c) for c in COLONNE}
            row["totale"] = sum(row[f] for f in FUNZIONI)
            out[voce.codice] = row
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLLERANZA


def _cell(anno: int, codice: str, nome: str, colonna: str) -> str:
    return f"preventivo {anno}, riga {codice} «{nome}», colonna {COLONNE_NOMI[colonna]}"


def check_preventivo(p: Preventivo) -> list[Problem]:
    return [problem for _cell_key, problem in check_preventivo_celle(p)]


def check_preventivo_celle(p: Preventivo) -> list[tuple[tuple[str, str] | None, Problem]]:
    """Each printed total against its rows (down the columns) and its functions (across the row),
    with the cell (row code, column) each finding is about, for pages that mark it.

    A total is checked against its direct components as printed (a component left empty
    counts as computed from its own rows), so that one wrong subtotal is reported once, in
    its own cell, and not again in every result built on it.
    """
    out: list[tuple[tuple[str, str] | None, Problem]] = []
    computed = calcola(p)

    def shown(code: str, col: str) -> float:
        r = p.riga(code)
        v = r.valori.get(col) if r else None
        return computed[code][col] if v is None else v

    for voce in SCHEMA:
        r = p.riga(voce.codice)
        if r is None:
            out.append(
                (
                    None,
                    Problem(
                        "bilancio_riga_mancante",
                        _("manca la riga {codice} «{nome}»").format(codice=voce.codice, nome=voce.nome),
                        f"preventivo {p.anno}",
                        "error",
                    ),
                )
            )
            continue
        if voce.totale:
            for col in COLONNE[:-1]:
                printed = r.valori.get(col)
                if printed is None:
                    continue  # an empty cell states nothing
                expected = sum(shown(k, col) for k in voce.componenti)
                if not _close(printed, expected):
                    out.append(
                        (
                            (voce.codice, col),
                            Problem(
                                "bilancio_totale",
                                _(
                                    "stampato {printed}, somma delle righe {componenti} {expected} (differenza "
                                    "{differenza})"
                                ).format(
                                    printed=euro_it(printed),
                                    componenti=" + ".join(voce.componenti),
                                    expected=euro_it(expected),
                                    differenza=euro_it(printed - expected),
                                ),
                                _cell(p.anno, voce.codice, voce.nome, col),
                                "warning",
                            ),
                        )
                    )
        # Across: the functions add up to the printed total, which is the budget figure.
        total = r.valori.get("totale")
        functions = sum(shown(voce.codice, f) for f in FUNZIONI)
        if total is not None and not _close(total, functions):
            out.append(
                (
                    (voce.codice, "totale"),
                    Problem(
                        "bilancio_funzioni",
                        _(
                            "stampato {total}, somma delle funzioni A+B+C+D {functions} (differenza {differenza})"
                        ).format(
                            total=euro_it(total), functions=euro_it(functions), differenza=euro_it(total - functions)
                        ),
                        _cell(p.anno, voce.codice, voce.nome, "totale"),
                        "warning",
                    ),
                )
            )
        budget = r.valori.get("preventivo")
        if total is not None and budget is not None and not _close(total, budget):
            out.append(
                (
                    (voce.codice, "preventivo"),
                    Problem(
                        "bilancio_preventivo",
                        _("totale delle funzioni {total}, preventivo {budget} (differenza {differenza})").format(
                            total=euro_it(total), budget=euro_it(budget), differenza=euro_it(total - budget)
                        ),
                        _cell(p.anno, voce.codice, voce.nome, "preventivo"),
                        "warning",
                    ),
                )
            )
    known = set(SCHEMA_BY_CODE)
    for r in p.righe:
        if r.codice not in known:
            out.append(
                (
                    None,
                    Problem(
                        "bilancio_riga_sconosciuta",
                        _("riga {codice} «{nome}» non prevista dallo schema del preventivo (DPR 254/2005)").format(
                            codice=r.codice, nome=r.nome
                        ),
                        f"preventivo {p.anno}",
                        "error",
                    ),
                )
            )
    return out


# --- investments by category -----------------------------------------------------------------

# The investment plan's categories and the preventivo rows they detail.
CATEGORIE_INVESTIMENTI = {"immateriali": "E", "materiali": "F", "finanziarie": "G"}


@dataclass(frozen=True, slots=True)
class Investimento:
    categoria: str  # immateriali | materiali | finanziarie
    gruppo: str  # as printed: SOFTWARE, IMMOBILI, ...
    voce: str
    importo: float


@dataclass(frozen=True, slots=True)
class PianoInvestimenti:
    anno: int
    voci: tuple[Investimento, ...]
    totali_stampati: dict[str, float] = field(default_factory=dict)  # by category, and "totale"

    def totale(self, categoria: str | None = None) -> float:
        return sum(v.importo for v in self.voci if categoria is None or v.categoria == categoria)


def check_investimenti(pi: PianoInvestimenti, p: Preventivo | None = None) -> list[Problem]:
    out = []
    for key, printed in pi.totali_stampati.items():
        computed = pi.totale(None if key == "totale" else key)
        if not _close(printed, computed):
            label = "totale piano degli investimenti" if key == "totale" else f"totale immobilizzazioni {key}"
            out.append(
                Problem(
                    "investimenti_totale",
                    _("stampato {printed}, somma delle voci {computed}").format(
                        printed=euro_it(printed), computed=euro_it(computed)
                    ),
                    _("piano degli investimenti {anno}, {label}").format(anno=pi.anno, label=label),
                    "warning",
                )
            )
    if p is not None:
        for cat, code in CATEGORIE_INVESTIMENTI.items():
            budget = p.valore(code, "preventivo")
            detail = pi.totale(cat)
            if not _close(budget, detail):
                out.append(
                    Problem(
                        "investimenti_preventivo",
                        _("preventivo {budget}, piano degli investimenti {detail}").format(
                            budget=euro_it(budget), detail=euro_it(detail)
                        ),
                        _(
                            "piano degli investimenti {anno}, immobilizzazioni {cat} (riga {code} del preventivo)"
                        ).format(anno=pi.anno, cat=cat, code=code),
                        "warning",
                    )
                )
    return out


# --- net worth available: the projection to the end of the budget year ------------------------


@dataclass(frozen=True, slots=True)
class PatrimonioNetto:
    """The *patrimonio netto disponibile* at the start of the year and what the budget does to it."""

    anno: int
    iniziale: float  # estimated at 31.12 of anno - 1
    ammortamenti: float  # non-cash costs of the year, added back
    stampati: dict[str, float] = field(default_factory=dict)  # the printed lines: pareggio, investimenti, residuo


def proiezione(pn: PatrimonioNetto, p: Preventivo) -> dict[str, Any]:
    """Residual net worth = initial − the year's deficit − investments + depreciation, with its trace."""
    computed = calcola(p)
    disavanzo = -computed["A-B-C-D"]["preventivo"]  # a deficit uses net worth; a surplus adds to it
    investimenti = computed["E-F-G"]["preventivo"]
    residuo = pn.iniziale - disavanzo - investimenti + pn.ammortamenti
    return {
        "iniziale": pn.iniziale,
        "pareggio": disavanzo,
        "investimenti": investimenti,
        "ammortamenti": pn.ammortamenti,
        "residuo": residuo,
        "trace": (
            f"{euro_it(pn.iniziale)} − {euro_it(disavanzo)} − {euro_it(investimenti)} "
            f"+ {euro_it(pn.ammortamenti)} = {euro_it(residuo)}"
        ),
    }


def check_patrimonio(pn: PatrimonioNetto, p: Preventivo) -> list[Problem]:
    out = []
    computed = proiezione(pn, p)
    names = {
        "pareggio": "utilizzo ai fini del pareggio di bilancio",
        "investimenti": "utilizzo per il piano degli investimenti",
        "residuo": "patrimonio netto disponibile residuo",
    }
    for key, printed in pn.stampati.items():
        if key in computed and not _close(printed, computed[key]):
            out.append(
                Problem(
                    "patrimonio_netto",
                    _("stampato {printed}, calcolato {calcolato}").format(
                        printed=euro_it(printed), calcolato=euro_it(computed[key])
                    ),
                    _("patrimonio netto disponibile {anno}, {voce}").format(anno=pn.anno, voce=names.get(key, key)),
                    "warning",
                )
            )
    return out


# --- balance sheet by year -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatoPatrimoniale:
    anno: int
    attivo: float
    passivo: float  # negative, as printed
    patrimonio_netto: float
    risultato: float | None = None


def check_stato_patrimoniale(rows: list[StatoPatrimoniale]) -> list[Problem]:
    out = []
    for s in rows:
        if not _close(s.attivo + s.passivo, s.patrimonio_netto):
            out.append(
                Problem(
                    "stato_patrimoniale",
                    _(
                        "attivo {attivo} + passivo {passivo} = {somma}, patrimonio netto stampato {patrimonio_netto}"
                    ).format(
                        attivo=euro_it(s.attivo),
                        passivo=euro_it(s.passivo),
                        somma=euro_it(s.attivo + s.passivo),
                        patrimonio_netto=euro_it(s.patrimonio_netto),
                    ),
                    _("stato patrimoniale {anno}").format(anno=s.anno),
                    "warning",
                )
            )
    return out


# --- composition of income and costs over the years (printed percentages) ---------------------


@dataclass(frozen=True, slots=True)
class Composizione:
    """A printed table of shares by year, e.g. the composition of current income 2016-2019."""

    tabella: str  # "proventi" | "oneri"
    voci: tuple[tuple[str, dict[int, float]], ...]  # (label, {year: percentage})
    righe_preventivo: dict[str, tuple[str, ...]] = field(default_factory=dict)  # label -> preventivo rows it shares


def check_composizione(c: Composizione, p: Preventivo | None = None) -> list[Problem]:
    """Each year's shares add up to 100 (within the rounding of whole percentages), and the
    year the preventivo forecasts agrees with the shares computed from its rows."""
    out = []
    years = sorted({y for _label, by_year in c.voci for y in by_year})
    for y in years:
        shares = [by_year[y] for _label, by_year in c.voci if y in by_year]
        slack = 0.5 * len(shares)  # each printed share is rounded to a whole percent
        total = sum(shares)
        if abs(total - 100) > slack:
            out.append(
                Problem(
                    "composizione_somma",
                    _("le quote sommano {totale}, non al 100% (±{slack:g} per l'arrotondamento)").format(
                        totale=al(f"{total:g}".replace(".", ",") + "%"), slack=slack
                    ),
                    f"composizione {c.tabella} {y}",
                    "warning",
                )
            )
    if p is not None and c.righe_preventivo:
        y = p.anno - 1
        denominator_code = "A" if c.tabella == "proventi" else "B"
        denominator = p.valore(denominator_code, "consuntivo")
        if denominator:
            for label, by_year in c.voci:
                codes = c.righe_preventivo.get(label)
                if not codes or y not in by_year:
                    continue
                share = 100 * sum(p.valore(k, "consuntivo") for k in codes) / denominator
                if abs(share - by_year[y]) > 0.5:
                    out.append(
                        Problem(
                            "composizione_preventivo",
                            (
                                f"stampato {by_year[y]:g}%, dalla previsione consuntivo del preventivo {p.anno} "
                                f"{share:.1f}% (righe {', '.join(codes)} su {denominator_code})"
                            ).replace(".", ","),
                            f"composizione {c.tabella} {y}, «{label}»",
                            "warning",
                        )
                    )
    return out


@dataclass(frozen=True, slots=True)
class Bilancio:
    """Everything of an ente's budget and accounts that the plan's context chapter prints."""

    preventivo: Preventivo | None = None
    investimenti: PianoInvestimenti | None = None
    patrimonio: PatrimonioNetto | None = None
    stato_patrimoniale: tuple[StatoPatrimoniale, ...] = ()
    composizioni: tuple[Composizione, ...] = ()
    rapporti: tuple[Rapporto, ...] = ()
    # Base measures by year ((nome, anno) -> value) that came with the tables: the ratios'
    # inputs. An ente keeps its measures apart (the web application's Misura), so they are
    # not part of the tables' plain data.
    misure: dict[tuple[str, int], float] = field(default_factory=dict)


def check_bilancio(
    b: Bilancio, misure: dict[tuple[str, int], float] | None = None, piano: Piano | None = None
) -> list[Problem]:
    """Every check of the tables; the ratios with ``misure`` (default: those of the tables) and,
    with ``piano``, against the indicators that print them again."""
    out: list[Problem] = []
    if b.preventivo:
        out += check_preventivo(b.preventivo)
    if b.investimenti:
        out += check_investimenti(b.investimenti, b.preventivo)
    if b.patrimonio and b.preventivo:
        out += check_patrimonio(b.patrimonio, b.preventivo)
    out += check_stato_patrimoniale(list(b.stato_patrimoniale))
    for c in b.composizioni:
        out += check_composizione(c, b.preventivo)
    misure = b.misure if misure is None else misure
    out += check_rapporti(b.rapporti, misure, piano)
    # The Pareto tables print the net worth again as a measure: the balance sheet's figure.
    for s in b.stato_patrimoniale:
        m = misure.get(("patrimonio_netto", s.anno))
        if m is not None and not _close(m, s.patrimonio_netto):
            out.append(
                Problem(
                    "bilancio_misura",
                    _("patrimonio netto {anno}: {patrimonio_netto} nello stato patrimoniale, {m} tra le misure").format(
                        anno=s.anno, patrimonio_netto=euro_it(s.patrimonio_netto), m=euro_it(m)
                    ),
                    _("stato patrimoniale {anno}, patrimonio netto").format(anno=s.anno),
                    "warning",
                )
            )
    return out


# Base measures (the names the plan's formulas use, docs/tabular.md) read off the preventivo:
# the budget year from the "preventivo" column, the year before from the forecast. Costs are
# printed negative; a measure is a magnitude, so they change sign. A measure is the figure as
# printed in its row (a total that disagrees with its rows is reported by the checks).
MISURE_DAL_PREVENTIVO = {
    "proventi_correnti": ("A", 1),
    "oneri_correnti": ("B", -1),
    "proventi_diritto_annuale": ("1", 1),
    "proventi_diritti_segreteria": ("2", 1),
    "oneri_personale": ("6", -1),
    "oneri_funzionamento": ("7", -1),
    "interventi_economici": ("8", -1),
    "ammortamenti_accantonamenti": ("9", -1),
}


def misure_dal_preventivo(p: Preventivo) -> dict[tuple[str, int], float]:
    out = {}
    for name, (code, sign) in MISURE_DAL_PREVENTIVO.items():
        r = p.riga(code)
        if r is None:
            continue
        for col, year in (("preventivo", p.anno), ("consuntivo", p.anno - 1)):
            v = r.valori.get(col)
            if v is not None:
                out[(name, year)] = sign * v + 0.0  # + 0.0: no "-0.0" for an empty cost
    return out


# --- as plain data (JSON), for storing the tables with an ente --------------------------------


def bilancio_to_data(b: Bilancio) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if b.preventivo:
        out["preventivo"] = {
            "anno": b.preventivo.anno,
            "fonte": b.preventivo.fonte,
            "righe": [
                {"codice": r.codice, "voce": r.nome, **{c: r.valori.get(c) for c in COLONNE}}
                for r in b.preventivo.righe
            ],
        }
    if b.investimenti:
        pi = b.investimenti
        out["investimenti"] = {
            "anno": pi.anno,
            "voci": [
                {"categoria": v.categoria, "gruppo": v.gruppo, "voce": v.voce, "importo": v.importo} for v in pi.voci
            ],
            "totali": dict(pi.totali_stampati),
        }
    if b.patrimonio:
        pn = b.patrimonio
        out["patrimonio"] = {
            "anno": pn.anno,
            "iniziale": pn.iniziale,
            "ammortamenti": pn.ammortamenti,
            "stampati": dict(pn.stampati),
        }
    if b.stato_patrimoniale:
        out["stato_patrimoniale"] = [
            {
                "anno": s.anno,
                "attivo": s.attivo,
                "passivo": s.passivo,
                "patrimonio_netto": s.patrimonio_netto,
                "risultato": s.risultato,
            }
            for s in b.stato_patrimoniale
        ]
    if b.composizioni:
        out["composizioni"] = [
            {
                "tabella": c.tabella,
                "voci": [{"voce": label, "quote": {str(y): v for y, v in shares.items()}} for label, shares in c.voci],
                "righe_preventivo": {k: list(v) for k, v in c.righe_preventivo.items()},
            }
            for c in b.composizioni
        ]
    if b.rapporti:
        out["rapporti"] = [rapporto_to_data(r) for r in b.rapporti]
    return out


def bilancio_from_data(d: dict[str, Any]) -> Bilancio:
    pv = d.get("preventivo")
    pi = d.get("investimenti")
    pn = d.get("patrimonio")
    return Bilancio(
        preventivo=Preventivo(
            pv["anno"],
            tuple(RigaPreventivo(r["codice"], r["voce"], {c: r.get(c) for c in COLONNE}) for r in pv["righe"]),
            pv.get("fonte", ""),
        )
        if pv
        else None,
        investimenti=PianoInvestimenti(pi["anno"], tuple(Investimento(**v) for v in pi["voci"]), dict(pi["totali"]))
        if pi
        else None,
        patrimonio=PatrimonioNetto(pn["anno"], pn["iniziale"], pn["ammortamenti"], dict(pn["stampati"]))
        if pn
        else None,
        stato_patrimoniale=tuple(StatoPatrimoniale(**s) for s in d.get("stato_patrimoniale", [])),
        composizioni=tuple(
            Composizione(
                c["tabella"],
                tuple((v["voce"], {int(y): q for y, q in v["quote"].items()}) for v in c["voci"]),
                {k: tuple(v) for k, v in c.get("righe_preventivo", {}).items()},
            )
            for c in d.get("composizioni", [])
        ),
        rapporti=tuple(rapporto_from_data(r) for r in d.get("rapporti", [])),
    )
