"""The Piano della performance, generated from the data in the seed's order.

Premessa; 1. presentazione (mission, organisation, staff, resources);
2. contesto esterno (with the context data: their tables, ``documents/contesto.py``);
3. pianificazione (albero and strategy map, the triennial cruscotto di ente with every
column of the seed's tables, the fund objectives and their timing, the operational
objectives by area with programmes and budgets, analisi di genere); 4. dalla performance
organizzativa alla individuale (the Segretario generale's scorecard).
Narrative parts come from the plan's ``sezioni`` (Markdown).
"""

from __future__ import annotations

from ..charts import strategy_map
from ..engine.model import (
    BUDGET_FIELDS,
    TAG_FONDO,
    Indicatore,
    LineaStrategica,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Prospettiva,
)
from ..engine.riservatezza import SOGLIA
from ..engine.rollup import score_plan
from .blocks import Bullets, Cell, Document, Figure, Heading, Paragraph, Table
from .formatting import decimal_it, target_text
from .markdown import markdown_blocks


def _section(piano: Piano, key: str, title: str | None = None, level: int = 2) -> list:
    text = piano.sezioni.get(key)
    if not text:
        return []
    out = [Heading(title, level)] if title else []
    return out + markdown_blocks(text, base_level=level + (1 if title else 0))


def _genere_years(registro, first_plan_year: int) -> list[int]:
    """The last three years before the plan (the seed's 2017-2019 for the 2020 plan)."""
    from ..engine.personale import anni

    return [y for y in anni(registro) if y < first_plan_year][-3:]


def _amount(d) -> str:
    if d is None:
        return ""
    return d.testo


def _structures(codes, quote) -> str:
    return ", ".join(f"{c} ({decimal_it(quote[c])}%)" if c in quote else c for c in codes)


def _assignments(piano: Piano) -> list:
    """The resources and responsible structures the plan gives its levels, when it gives any."""
    rows: list[tuple[str, int, Prospettiva | LineaStrategica | ObiettivoStrategico | ObiettivoOperativo]] = []
    for p in piano.prospettive:
        rows.append(("Prospettiva", 0, p))
        for ln in p.linee:
            rows.append(("Linea", 1, ln))
            for os_ in ln.obiettivi_strategici:
                rows.append(("Ob. strategico", 2, os_))
                rows += [("Ob. operativo", 3, oo) for oo in os_.obiettivi_operativi]
    if not any(
        n.risorse is not None or getattr(n, "quote", None) or (getattr(n, "strutture", ()) and kind == "Ob. strategico")
        for kind, _d, n in rows
    ):
        return []
    cells = tuple(
        (
            Cell(kind),
            Cell(f"{'    ' * depth}{n.codice} – {n.nome}"),
            Cell(n.risorse.testo if n.risorse is not None else "", "right"),
            Cell(_structures(getattr(n, "strutture", ()), getattr(n, "quote", {}))),
        )
        for kind, depth, n in rows
    )
    return [
        Table(
            ("Livello", "Nodo", "Risorse (€)", "Strutture responsabili (quota)"),
            cells,
            "Risorse e strutture responsabili per livello dell'albero",
            (1.2, 4.4, 1.2, 2.2),
        )
    ]


def _prose(piano: Piano, key: str, title: str, level: int = 2) -> list:
    """A narrative section without its typed tables: the data's own tables take their place."""
    return [blk for blk in _section(piano, key, title, level) if not isinstance(blk, Table)]


def build_piano(
    piano: Piano, *, bilancio=None, personale=None, contesto=None, soglia: int = SOGLIA, medie_cluster=None
) -> Document:
    """The Piano; with ``bilancio`` (engine.bilancio.Bilancio) and ``personale`` (a staff register)
    the budget, staff and gender tables are computed from the data instead of typed; with
    ``contesto`` (engine.contesto.Contesto) the activities, the stakeholder map, the organs, the
    structure and the partecipate of chapter 1 and the tables of chapter 2 come from the data."""

    first, last = piano.anni[0], piano.anni[-1]
    years = list(piano.anni)
    blocks: list = [Heading("Premessa")]
    blocks += _section(piano, "premessa") or [Paragraph(f"{piano.titolo} {piano.ente.di()}.")]
    blocks += _presentazione(piano, bilancio, personale, contesto, soglia)
    blocks += _contesto_esterno(piano, contesto)
    blocks += _pianificazione(piano, first, last, years, medie_cluster or {})
    blocks += _fondo(piano)
    blocks += _programmazione(piano, first, personale, soglia)
    blocks += _individuale(piano)

    title = f"Piano della performance {first}-{last}"
    return Document(
        title=title,
        # the plan's own title under it, unless it says the same thing (the seed's does)
        subtitle="" if " ".join(piano.titolo.split()).casefold() == title.casefold() else piano.titolo,
        author=piano.ente.nome,
        blocks=tuple(blocks),
        date_text="",
    )


def _presentazione(piano, bilancio, personale, contesto, soglia: int) -> list:
    """Chapter 1: the body, its organisation and staff, its resources."""
    from . import contesto as ctx
    from .risorse import bilancio_blocks, personale_blocks

    blocks: list = []
    blocks.append(Heading(f"1. Presentazione {piano.ente.di()}"))
    intro = _section(piano, "presentazione", "1.1 Mission e principali attività")
    if not piano.sezioni.get("presentazione") and piano.mission:
        intro = [Heading("1.1 Mission", 2), Paragraph(piano.mission)]
    if contesto and (contesto.attivita or contesto.mappa):
        intro = ctx.presentazione(intro or [Heading("1.1 Mission e principali attività", 2)], contesto)
    blocks += intro
    if contesto:
        # The data's organs, structure and partecipate in place of the typed ones; with the staff
        # register, the typed staff tables go too and the computed ones follow (as below).
        organisation = _section(piano, "organizzazione", "1.2 Organizzazione e personale") or [
            Heading("1.2 Organizzazione e personale", 2)
        ]
        blocks += ctx.organizzazione(organisation, contesto, drop_tables=bool(personale))
        if personale:
            blocks += personale_blocks(personale, parts=("tabelle",), soglia=soglia)
    elif personale:
        blocks += _prose(piano, "organizzazione", "1.2 Organizzazione e personale") or [
            Heading("1.2 Organizzazione e personale", 2)
        ]
        blocks += personale_blocks(personale, parts=("tabelle",), soglia=soglia)
    else:
        blocks += _section(piano, "organizzazione", "1.2 Organizzazione e personale")
    if piano.strutture:
        blocks.append(Heading("Strutture organizzative", 3))
        blocks.append(Bullets(tuple(f"{s.nome} ({s.tipo})" for s in piano.strutture)))
    if bilancio:
        blocks += _prose(piano, "risorse", "1.3 Bilancio. Le risorse economiche") or [
            Heading("1.3 Bilancio. Le risorse economiche", 2)
        ]
        blocks += bilancio_blocks(bilancio, piano=piano)
    else:
        blocks += _section(piano, "risorse", "1.3 Bilancio. Le risorse economiche")
    return blocks


def _contesto_esterno(piano, contesto) -> list:
    """Chapter 2: the external context."""
    from . import contesto as ctx

    blocks: list = []
    blocks.append(Heading("2. Analisi del contesto esterno"))
    external = _section(piano, "contesto_esterno")
    if contesto and contesto.tabelle:
        blocks += ctx.contesto_esterno(external, contesto)
    else:
        blocks += external or [Paragraph("Sezione da redigere.", "note")]
    return blocks


def _pianificazione(piano, first, last, years, medie_cluster) -> list:
    """Chapter 3.1-3.2: the tree, the strategy map, the cruscotto di ente. Where the plan prints
    no cluster average and cruscotto computed one (docs/confronto.md), that one, marked (*)."""
    blocks: list = []
    blocks.append(Heading("3. Pianificazione"))
    blocks += _section(piano, "pianificazione", "3.1 Albero della performance")
    if not piano.sezioni.get("pianificazione"):
        blocks.append(Heading("3.1 Albero della performance", 2))
    if piano.vision:
        blocks.append(Paragraph(f"**Vision:** {piano.vision}"))
    empty = score_plan(piano, anno=first)  # no values: the map shows the plan, not results
    blocks.append(
        Figure(
            strategy_map(piano, empty, link=lambda c: f"#os-{c}"),
            "Mappa strategica: obiettivi strategici per prospettiva e relazioni causa-effetto "
            "(in bianco gli obiettivi senza indicatori nel cruscotto di ente)",
        )
    )

    blocks += _assignments(piano)

    blocks.append(Heading(f"3.2 Pianificazione triennale {first}-{last}: il cruscotto di ente", 2))
    header = (
        "Etichette",
        "Indicatore",
        "Algoritmo",
        "Media cluster",
        *[str(y) for y in sorted({y for i in piano.indicatori() for y in i.storico})],
        "Peso",
        *[f"Target {y}" for y in years],
        "Tipologia",
        "Unità",
        "Fonte",
    )
    hist_years = sorted({y for i in piano.indicatori() for y in i.storico})
    for p in piano.prospettive:
        for ln in p.linee:
            for os_ in ln.obiettivi_strategici:
                holders: list[tuple[ObiettivoOperativo | None, list[Indicatore]]] = [
                    (None, [i for i in os_.indicatori if i.cruscotto.value == "ente"])
                ]
                holders += [
                    (oo, [i for i in oo.indicatori if i.cruscotto.value == "ente"]) for oo in os_.obiettivi_operativi
                ]
                holders = [(oo, inds) for oo, inds in holders if inds]
                if not holders:
                    continue
                blocks.append(Heading(f"{p.nome} › {ln.codice} {ln.nome} › {os_.codice} {os_.nome}", 3, landscape=True))
                for oo, inds in holders:
                    rows = []
                    for i in inds:
                        rows.append(
                            (
                                Cell("/".join(i.etichette), bold=TAG_FONDO in i.etichette),
                                Cell(f"{i.codice} {i.nome}"),
                                Cell(i.algoritmo),
                                _media_cell(i, medie_cluster),
                                *[Cell(i.storico[y].testo if y in i.storico else "", "right") for y in hist_years],
                                Cell(i.peso_testo or "", "right"),
                                *[Cell(target_text(i.target.get(y), ""), "right") for y in years],
                                Cell(i.tipologia),
                                Cell(i.unita),
                                Cell(i.fonte),
                            )
                        )
                    caption = (
                        f"Obiettivo operativo {oo.codice} – {oo.nome}"
                        if oo
                        else f"Indicatori dell'obiettivo strategico {os_.codice}"
                    )
                    blocks.append(
                        Table(
                            header,
                            tuple(rows),
                            caption,
                            (1, 3, 3.4, 0.9, *([0.9] * len(hist_years)), 0.7, *([1] * len(years)), 1.5, 1, 1.3),
                            landscape=True,
                        )
                    )
    computed = [m for code, m in sorted(medie_cluster.items()) if not _printed_media(piano, code)]
    if computed:
        years_done = sorted({m.anno for m in computed})
        blocks.append(
            Paragraph(
                "(*) Media del gruppo di enti simili calcolata da cruscotto il "
                f"{computed[0].calcolata_il} sui valori registrati dagli enti dell'installazione "
                f"(anni {', '.join(map(str, years_done))}), dove il piano non stampa una media cluster.",
                "note",
            )
        )
    return blocks


def _printed_media(piano, code: str) -> bool:
    ind = piano.indicatore(code)
    return bool(ind and ind.media_cluster)


def _media_cell(i, medie_cluster) -> Cell:
    if i.media_cluster:
        return Cell(i.media_cluster.testo, "right")
    computed = medie_cluster.get(i.codice)
    if computed is None:
        return Cell("", "right")
    return Cell(f"{decimal_it(computed.valore)} (*)", "right")


def _fondo(piano) -> list:
    """The fund's objectives and their timing."""
    blocks: list = []
    if piano.fondo:
        f = piano.fondo
        blocks.append(Heading("Obiettivi per l'integrazione del fondo (art. 67 c. 5 CCNL 2016-2018)", 3))
        blocks.append(
            Paragraph(
                f"Integrazione definita in **€ {decimal_it(f.importo_massimo)}**, ripartita in proporzione "
                "al grado di raggiungimento dei progetti, che hanno lo stesso peso."
            )
        )
        if f.base:
            blocks.append(Paragraph(f.base))
        blocks.append(
            Table(
                ("Progetto", "Indicatori"),
                tuple((Cell(g.nome), Cell(", ".join(g.indicatori))) for g in f.progetti),
                "Progetti collegati all'integrazione del fondo",
                (3, 2),
            )
        )
        for i in piano.indicatori():
            if i.milestones and TAG_FONDO in i.etichette:
                blocks.append(
                    Table(
                        ("Scadenza", "Attività"),
                        tuple((Cell(m.scadenza.testo), Cell(m.descrizione)) for m in i.milestones),
                        f"Timing di {i.codice} – {i.nome}",
                        (1, 4),
                    )
                )
    return blocks


def _programmazione(piano, first, personale, soglia: int) -> list:
    """Chapter 3.3-3.4: the cascading by area, programmes and budget, gender."""
    from .risorse import personale_blocks

    blocks: list = []
    blocks.append(Heading("3.3 Programmazione annuale: gli obiettivi operativi per area", 2))
    assigned = piano.responsabili()  # an indicator's structures, else its objective's
    rows: list[tuple[Cell, ...]]
    for os_ in piano.obiettivi_strategici():
        rows = []
        for oo in os_.obiettivi_operativi:
            for i in oo.indicatori:
                rows.append(
                    (
                        Cell(f"{oo.codice} {oo.nome}"),
                        Cell(f"{i.codice} {i.nome}"),
                        Cell(target_text(i.target.get(first), ""), "right"),
                        Cell(_structures(*assigned[i.codice])),
                    )
                )
        if rows:
            blocks.append(
                Table(
                    ("Obiettivo operativo", "Indicatore", f"Target {first}", "Strutture coinvolte"),
                    tuple(rows),
                    f"Cascading dell'obiettivo strategico {os_.codice} – {os_.nome}",
                    (2.6, 3.4, 1, 1.6),
                )
            )
    if piano.programmi:
        blocks.append(Heading("Programmi, azioni e progetti: il budget", 3))
        for pg in piano.programmi:
            rows = []
            groups: set[int] = set()
            for a in pg.azioni:
                groups.add(len(rows))
                rows.append((Cell(f"{a.codice or ''} {a.nome}".strip(), bold=True), Cell(""), Cell(""), Cell("")))
                for pj in a.progetti:
                    rows.append(
                        (Cell(f"    {pj.nome}"), *[Cell(_amount(pj.budget.get(k)), "right") for k in BUDGET_FIELDS])
                    )
            if pg.totale_stampato:
                rows.append(
                    (
                        Cell(f"Totale programma {pg.codice}", bold=True),
                        *[Cell(_amount(pg.totale_stampato.get(k)), "right", bold=True) for k in BUDGET_FIELDS],
                    )
                )
            title = f"Programma {pg.codice} – {pg.nome}" + (f" ({pg.funzione})" if pg.funzione else "")
            blocks.append(
                Table(
                    ("Azione / progetto", "Oneri promozionali", "Investimenti", "Proventi"),
                    tuple(rows),
                    title,
                    (4, 1.2, 1, 1.2),
                    frozenset(groups),
                )
            )
        if piano.totali_linee_stampati:
            blocks.append(
                Table(
                    ("Linea strategica", "Oneri promozionali", "Investimenti", "Proventi"),
                    tuple(
                        (
                            Cell(f"Totale linea {k}", bold=True),
                            *[Cell(_amount(v.get(f)), "right") for f in BUDGET_FIELDS],
                        )
                        for k, v in piano.totali_linee_stampati.items()
                    ),
                    "Totali per linea strategica, come stampati",
                    (3, 1.2, 1, 1.2),
                )
            )
    if personale:
        blocks += _prose(piano, "analisi_di_genere", "3.4 Analisi di genere") or [Heading("3.4 Analisi di genere", 2)]
        blocks += personale_blocks(
            personale, years=[y for y in _genere_years(personale, first)], parts=("genere",), soglia=soglia
        )
    else:
        blocks += _section(piano, "analisi_di_genere", "3.4 Analisi di genere")
    return blocks


def _individuale(piano) -> list:
    """Chapter 4: from organisational to individual performance."""
    blocks: list = []
    blocks.append(Heading("4. Dalla performance organizzativa alla performance individuale"))
    blocks += _section(piano, "performance_individuale")
    for s in piano.schede_individuali:
        blocks.append(Heading(f"Scheda individuale: {s.nome} ({s.anno})", 2))
        rows: list[tuple[Cell, ...]] = []
        groups: set[int] = set()
        for z in s.sezioni:
            groups.add(len(rows))
            rows.append((Cell(f"{z.codice} – {z.nome}", bold=True), Cell(z.peso_testo or "", "right"), Cell("")))
            for v in z.voci:
                target = v.target.testo if v.target else (f"indicatore {v.indicatore}" if v.indicatore else "")
                rows.append((Cell(f"    {v.codice} – {v.nome}"), Cell(v.peso_testo or "—", "right"), Cell(target)))
        blocks.append(
            Table(
                ("Sezione / obiettivo", "Peso", f"Target {s.anno}"),
                tuple(rows),
                f"Obiettivi, indicatori e pesi – {s.nome}",
                (5, 0.8, 2),
                frozenset(groups),
            )
        )
    return blocks
