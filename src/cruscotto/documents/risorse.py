"""Document blocks computed from an ente's budget tables and staff register (issue 6).

The Piano's section 1.3 and 3.4 and the Relazione's chapters on resources and
gender use these when the data exist, in place of the tables typed into the
plan's narrative: figures come from the data, and a printed total that does
not agree with its rows is said so under its table.
"""

from __future__ import annotations

from ..engine import bilancio as b
from ..engine import personale as pe
from ..engine import rapporti
from ..engine.riservatezza import SOGLIA
from .blocks import Bullets, Cell, Heading, Paragraph, Table
from .formatting import decimal_it, pct


def _euro(x: float | None) -> str:
    return "" if x is None else decimal_it(x, 0 if float(x).is_integer() else 2)


def bilancio_blocks(tables: b.Bilancio, level: int = 3, piano=None) -> list:
    """The budget tables and their checks (``piano``: the plan, for the indicators that print a ratio again)."""
    out: list = []
    p = tables.preventivo
    if p:
        marks = {key for key, _problem in b.check_preventivo_celle(p) if key}
        header = (
            "Voce",
            f"Previsione consuntivo {p.anno - 1}",
            f"Preventivo {p.anno}",
            "Funzione A",
            "Funzione B",
            "Funzione C",
            "Funzione D",
            "Totale funzioni",
        )
        rows = []
        for voce in b.SCHEMA:
            r = p.riga(voce.codice)
            values = r.valori if r else {}
            cells = [Cell(f"{voce.codice} {r.nome if r else voce.nome}", bold=voce.totale)]
            for col in b.COLONNE:
                text = _euro(values.get(col))
                if (voce.codice, col) in marks:
                    text += " (*)"
                cells.append(Cell(text, "right", bold=voce.totale))
            rows.append(tuple(cells))
        out.append(Heading(f"Preventivo economico {p.anno} per funzione istituzionale", level, landscape=True))
        out.append(
            Table(
                header,
                tuple(rows),
                "A organi istituzionali e segreteria generale; B servizi di supporto; "
                "C anagrafe e servizi di regolazione del mercato; "
                "D studio, formazione, informazione e promozione economica. Oneri negativi. "
                "(*) cifra stampata diversa dalla somma delle sue parti.",
                (3.2, 1, 1, 1, 1, 1, 1, 1),
                landscape=True,
            )
        )
    if tables.investimenti:
        pi = tables.investimenti
        rows = []
        for cat in b.CATEGORIE_INVESTIMENTI:
            for v in (v for v in pi.voci if v.categoria == cat):
                rows.append((Cell(f"Immobilizzazioni {cat}"), Cell(v.voce), Cell(_euro(v.importo), "right")))
            rows.append(
                (
                    Cell(f"Totale immobilizzazioni {cat}", bold=True),
                    Cell(""),
                    Cell(_euro(pi.totale(cat)), "right", bold=True),
                )
            )
        rows.append(
            (Cell("Totale piano degli investimenti", bold=True), Cell(""), Cell(_euro(pi.totale()), "right", bold=True))
        )
        out.append(Heading(f"Piano degli investimenti {pi.anno}", level))
        out.append(Table(("Categoria", "Voce", "Importo"), tuple(rows), "Per categoria di cespiti", (2, 3, 1)))
    if tables.patrimonio and p:
        pn = b.proiezione(tables.patrimonio, p)
        out.append(Heading(f"Patrimonio netto disponibile al 31.12.{tables.patrimonio.anno}", level))
        out.append(
            Table(
                ("Voce", "Importo"),
                (
                    (
                        Cell(f"Patrimonio netto disponibile stimato al 31.12.{tables.patrimonio.anno - 1}"),
                        Cell("+ " + _euro(pn["iniziale"]), "right"),
                    ),
                    (Cell("Utilizzo ai fini del pareggio di bilancio"), Cell("− " + _euro(pn["pareggio"]), "right")),
                    (Cell("Utilizzo per il piano degli investimenti"), Cell("− " + _euro(pn["investimenti"]), "right")),
                    (
                        Cell("Ammortamenti dell'esercizio (costi non monetari)"),
                        Cell("+ " + _euro(pn["ammortamenti"]), "right"),
                    ),
                    (
                        Cell("Stima del patrimonio netto disponibile residuo", bold=True),
                        Cell(_euro(pn["residuo"]), "right", bold=True),
                    ),
                ),
                f"Calcolo: {pn['trace']}",
                (4, 1.2),
            )
        )
    if tables.stato_patrimoniale:
        sp = tables.stato_patrimoniale
        out.append(Heading("Stato patrimoniale", level))
        out.append(
            Table(
                ("Anno", "Attivo", "Passivo", "Patrimonio netto", "Risultato d'esercizio"),
                tuple(
                    (
                        Cell(str(s.anno)),
                        *(Cell(_euro(x), "right") for x in (s.attivo, s.passivo, s.patrimonio_netto, s.risultato)),
                    )
                    for s in sp
                ),
                "",
                (0.8, 1.2, 1.2, 1.2, 1.2),
            )
        )
    for c in tables.composizioni:
        years = sorted({y for _label, q in c.voci for y in q})
        title = "Composizione dei proventi correnti" if c.tabella == "proventi" else "Composizione degli oneri correnti"
        out.append(Heading(title, level))
        out.append(
            Table(
                ("Voce", *map(str, years)),
                tuple(
                    (Cell(label), *(Cell("" if y not in q else f"{q[y]:g}%", "right") for y in years))
                    for label, q in c.voci
                ),
                "Quote come stampate",
                (4, *([0.8] * len(years))),
            )
        )
    if tables.rapporti:
        out += _rapporti_blocks(tables, level)
    findings = b.check_bilancio(tables, piano=piano)
    if findings:
        out.append(
            Paragraph(
                f"Controlli: {len(findings)} segnalazioni "
                "(cifre stampate che non coincidono con le loro parti o con le misure).",
                "note",
            )
        )
        out.append(Bullets(tuple(f"{f.where}: {f.message}" for f in findings)))
    return out


def _rapporti_blocks(tables: b.Bilancio, level: int) -> list:
    """The Pareto ratios by year, computed from the base measures (the printed figure beside any that differs)."""
    years, computed = rapporti.tabella(tables.rapporti, tables.misure)

    def cell(v) -> Cell:
        if v is None:
            return Cell("", "right")
        if v.valore is None:
            # not computable: "n.d.", as everywhere else (the printed table may say "N/D" or "-")
            return Cell("n.d.", "right")
        text = decimal_it(v.valore, 2)
        return Cell(text + (f" (stampato {v.stampato})" if v.concorda is False else ""), "right")

    rows = tuple(
        (Cell(r.nome), *(cell(per_anno.get(y)) for y in years), Cell(r.media_cluster or "", "right"))
        for r, per_anno in computed
    )
    return [
        Heading("Ratios di bilancio – sistema Pareto", level),
        Table(
            ("Rapporto", *map(str, years), "Media cluster"),
            rows,
            "Calcolati dalle misure di base di ogni anno con la formula del rapporto; "
            "n.d. dove la misura non è disponibile.",
            (4, *([1] * len(years)), 1),
        ),
    ]


def utilizzo_blocks(piano, misure_anno, level: int = 3) -> list:
    """The use of each programme's budget (allocated, committed, rate), each line followed by its
    total; programmes with no budget and nothing committed are left out."""
    from ..engine.utilizzo import utilizzo

    rows = [u for u in utilizzo(piano, misure_anno) if u.stanziato or u.prenotato]
    if not rows:
        return []

    def row(u) -> tuple:
        name = f"{u.programma.codice} {u.programma.nome}" if u.programma else f"Totale linea {u.linea}"
        bold = u.programma is None
        return (
            Cell(name, bold=bold),
            Cell(_euro(u.stanziato), "right", bold=bold),
            Cell(_euro(u.prenotato) if u.prenotato is not None else "—", "right", bold=bold),
            Cell(pct(u.grado) if u.grado is not None else "—", "right", bold=bold),
        )

    return [
        Heading("Utilizzo delle risorse dei programmi", level),
        Table(
            ("Programma", "Stanziato", "Prenotato", "Grado di utilizzo"),
            tuple(row(u) for u in rows),
            "Stanziato: oneri promozionali dei progetti del programma; "
            "prenotato: dalla contabilità (misure prenotato_programma_…). "
            "Il totale di linea c'è solo se ogni programma finanziato ha il suo prenotato.",
            (4, 1.2, 1.2, 1),
        ),
    ]


def personale_blocks(
    registro,
    years: list[int] | None = None,
    level: int = 3,
    parts: tuple[str, ...] = ("tabelle", "genere"),
    soglia: int = SOGLIA,
) -> list:
    """The composition table, full and part time (``tabelle``), and the gender indicators
    (``genere``), from the register. A document is published: counts of fewer than
    ``soglia`` people, and what would give them away, are hidden (engine/riservatezza.py)."""
    years = years or pe.anni(registro)
    if not years:
        return []
    out: list = []
    if "tabelle" in parts:
        out += _tabelle(registro, years, level, soglia)
    if "genere" in parts:
        out += _genere(registro, years, level, soglia)
    return out


def _nota_riservatezza(soglia: int) -> str:
    return (
        f" «< {soglia}»: da 1 a {soglia - 1} persone; «riservato»: non pubblicato perché permetterebbe di "
        "ricavare un dato nascosto (riservatezza dei dati personali, d.lgs. 196/2003, art. 2-septies)."
    )


def _tabelle(registro, years: list[int], level: int, soglia: int) -> list:
    comps = [pe.composizione(registro, y) for y in years]
    hidden = pe.celle_riservate(registro, years, soglia)

    def cell(key: str, y: int, g: str, value: int, bold: bool = False) -> Cell:
        return Cell(hidden.get((key, y, g), str(value)), "right", bold=bold)

    header = ("Categoria", *[f"{y} {g}" for y in years for g in ("donne", "uomini")])
    rows = []
    for cat in pe.CATEGORIE:
        if any(c.categoria(cat).totale for c in comps):
            rows.append(
                (
                    Cell(cat),
                    *[
                        cell(cat, c.anno, g, v)
                        for c in comps
                        for g, v in ((pe.F, c.categoria(cat).donne), (pe.M, c.categoria(cat).uomini))
                    ],
                )
            )
    for label, attr in (("Totale in ruolo", "totale_ruolo"), ("Dirigenti", "dirigenti"), ("Totale generale", "totale")):
        rows.append(
            (
                Cell(label, bold=True),
                *[
                    cell(attr, c.anno, g, v, bold=True)
                    for c in comps
                    for g, v in ((pe.F, getattr(c, attr).donne), (pe.M, getattr(c, attr).uomini))
                ],
            )
        )
    note = "Calcolata dal registro del personale" + ("." + _nota_riservatezza(soglia) if hidden else "")
    out: list = [Heading("Composizione del personale (31/12)", level)]
    out.append(Table(header, tuple(rows), note, (1.4, *([0.7] * (2 * len(years))))))
    tip = [pe.tipologia_contrattuale(registro, y) for y in years]
    out.append(
        Table(
            ("Anno", "Tempo pieno", "Tempo parziale", "Totale"),
            tuple(
                (
                    Cell(str(t.anno)),
                    cell("tempo_pieno", t.anno, "T", t.tempo_pieno.totale),
                    cell("tempo_parziale", t.anno, "T", t.tempo_parziale.totale),
                    cell("totale_ruolo", t.anno, "T", t.totale.totale),
                )
                for t in tip
            ),
            "Personale in ruolo per tipologia contrattuale",
            (1, 1, 1, 1),
        )
    )
    return out


def _genere(registro, years: list[int], level: int, soglia: int) -> list:
    out: list = [Heading("Principali indicatori dell'analisi di genere", level)]
    by_year = {y: pe.indicatori_genere(registro, y) for y in years}
    rows = []
    any_hidden = False
    for i, d in enumerate(pe.DEFINIZIONI):
        cells = [Cell(d.dicitura)]
        for y in years:
            ind = by_year[y][i]
            hidden = pe.indicatore_riservato(ind, soglia)
            if hidden is not None:
                text, any_hidden = hidden, True
            elif ind.valore is None:
                text = "n.d."
            elif d.misura == pe.PERCENTUALE:
                text = pct(ind.valore)
            else:
                text = decimal_it(ind.valore, 0 if float(ind.valore).is_integer() else 2)
            cells.append(Cell(text, "right"))
        rows.append(tuple(cells))
    note = "Calcolati dal registro del personale al 31/12 (definizioni in docs/personale.md)" + (
        "." + _nota_riservatezza(soglia) if any_hidden else ""
    )
    out.append(Table(("Indicatore", *map(str, years)), tuple(rows), note, (4, *([0.9] * len(years)))))
    return out
