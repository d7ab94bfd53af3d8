"""The Relazione sulla performance of a year, structured as DFP guidelines n. 3/2018.

1. Presentazione e principali risultati: first the summary for citizens and stakeholders (the
   ente's own text, then the year in a few plain figures), then the results
2. Il contesto e le risorse
3. La performance organizzativa (albero, mappa, obiettivi strategici e operativi with each
   deviation's cause and corrective actions, risultato di ente, fondo, efficienza ed economicità)
4. Bilancio di genere
5. Gli obiettivi individuali
6. Il processo di misurazione e valutazione, ending with how the Relazione was made (the cycle's
   recorded steps and the ente's note)
Allegati: the indicators with their computation.
Every figure is the engine's; the document rounds only for printing.
"""

from __future__ import annotations

from ..charts import achievement_bars, entity_gauge, indicator_chart, strategy_map
from ..engine.display import al, day, dei
from ..engine.model import Piano
from ..engine.riservatezza import SOGLIA
from ..engine.rollup import RisultatoPiano
from ..engine.scoring import RULES_TEXT
from .blocks import Bullets, Cell, Document, Figure, Heading, Paragraph, Table
from .formatting import decimal_it, euro, pct, status, target_text, value
from .markdown import markdown_blocks


def _status_cell(stato) -> Cell:
    key = getattr(stato, "value", stato)
    return Cell(status(key), status=key)


def _result_cells(r) -> tuple[Cell, ...]:
    """An indicator's target, actual, achievement and status, as the Relazione's tables print them."""
    return (
        Cell(target_text(r.target), "right"),
        Cell(value(r.actual), "right"),
        Cell(pct(r.achievement), "right"),
        _status_cell(r.stato),
    )


def _coverage_cell(copertura) -> Cell:
    """ "9/12": indicators scored out of those that roll up into the figure (the text is below
    each objective's table and in the paragraph on the entity)."""
    return Cell(f"{copertura.valutati}/{copertura.totale}" if copertura.totale else "—", "right")


def _without_first_heading(text: str) -> str:
    """The plan's section without its own title (the Relazione numbers its chapters itself)."""
    lines = text.strip().splitlines()
    return "\n".join(lines[1:]) if lines and lines[0].startswith("#") else text


def build_relazione(
    piano: Piano,
    result: RisultatoPiano,
    *,
    example_data: bool = False,
    bilancio=None,
    personale=None,
    misure=None,
    contesto=None,
    soglia: int = SOGLIA,
    redazione=None,
    valutazione=None,
) -> Document:
    """The Relazione; with ``bilancio`` and ``personale`` the resources and the gender chapter
    come from the data (the budget tables, the indicators computed from the staff register)."""

    anno = result.anno
    nodes = result.nodi
    persp = [n for n in nodes if n.livello == "prospettiva"]
    strategic = [n for n in nodes if n.livello == "obiettivo_strategico"]
    indicators = {r.codice: r for r in result.indicatori}
    counts: dict[str, int] = {}
    for r in result.indicatori:
        if r.cruscotto == "ente":
            counts[r.stato.value] = counts.get(r.stato.value, 0) + 1
    blocks: list = []
    blocks += _sintesi(piano, result, strategic, redazione)
    blocks += _presentazione(piano, result, persp, counts)
    blocks += _contesto_e_risorse(piano, anno, bilancio, personale, misure, contesto, soglia)
    blocks += _performance_organizzativa(piano, result, nodes, strategic, indicators)
    blocks += _efficienza(piano, result, indicators, bilancio, section="3.7" if result.fondo else "3.6")
    blocks += _genere(piano, anno, personale, soglia)
    blocks += _obiettivi_individuali(result)
    blocks += _valutazione_personale(valutazione)
    blocks += _processo(piano, result)
    blocks += _redazione(result, redazione)
    blocks += _allegato(result)

    return Document(
        title=f"Relazione sulla performance {anno}",
        subtitle=piano.titolo,
        author=piano.ente.nome,
        blocks=tuple(blocks),
        date_text=f"Dati al {result.as_of:%d/%m/%Y}",
        draft_note="Documento generato con dati di esempio inventati" if example_data else "",
    )


def _sintesi(piano, result, strategic, redazione) -> list:
    """1.1 The summary for citizens and stakeholders (guideline 3/2018, section 1): the ente's own
    text when written (page Ciclo), then the year in a few plain figures, the same as below."""
    anno = result.anno
    blocks: list = [Heading("1. Presentazione e principali risultati")]
    blocks.append(Heading("1.1 In sintesi, per i cittadini e gli stakeholder", 2))
    if redazione is not None and redazione.sintesi.strip():
        blocks += markdown_blocks(redazione.sintesi, base_level=3)
    soglia = piano.regole.soglia_raggiunto
    blocks.append(
        Paragraph(
            f"Nel {anno} il grado di raggiungimento degli obiettivi {piano.ente.di()} è pari "
            f"{_al_bold(pct(result.achievement)) if result.achievement is not None else 'a —'}: "
            f"{status(result.stato)}, con la soglia fissata dal piano {al(pct(soglia))}."
        )
    )
    own = [n for n in strategic if n.cruscotto == "ente"]
    counts: dict[str, int] = {}
    for n in own:
        counts[n.stato.value] = counts.get(n.stato.value, 0) + 1
    if own:
        blocks.append(
            Paragraph(_conteggi(len(own), counts, "obiettivi strategici del cruscotto di ente", "obiettivo strategico"))
        )
    short = [n for n in own if n.stato.value in NOT_REACHED]
    if short:
        blocks.append(Paragraph("Dove l'ente non è arrivato al risultato atteso:"))
        blocks.append(Bullets(tuple(f"{n.codice} – {n.nome}: {pct(n.achievement)}" for n in short)))
    if result.fondo:
        f = result.fondo
        blocks.append(
            Paragraph(
                f"Ai risultati è legata l'integrazione del fondo per il personale: {euro(f.importo)} "
                f"su un massimo di {euro(f.importo_massimo)}"
                + (" (importo provvisorio fino alla validazione dell'OIV)." if f.provvisorio else ".")
            )
        )
    return blocks


def _al_bold(figure: str) -> str:
    """ "al **91,49%**", "all'**80,00%**": the article as the figure is read, the figure in bold."""
    article = al(figure).removesuffix(figure)
    return f"{article}**{figure}**"


def _presentazione(piano, result, persp, counts) -> list:
    """1. Presentation and main results."""
    anno = result.anno
    blocks: list = []
    blocks.append(Heading("1.2 I risultati dell'anno", 2))
    blocks.append(
        Paragraph(
            f"La Relazione sulla performance {anno} {piano.ente.di()} "
            "rendiconta i risultati organizzativi e individuali "
            f"raggiunti nell'anno rispetto agli obiettivi del {piano.titolo}, "
            "ai sensi dell'art. 10 del d.lgs. 150/2009."
        )
    )
    blocks.append(
        Paragraph(
            f"**Performance complessiva dell'ente: {pct(result.achievement)} ({status(result.stato)}).** "
            + (
                (
                    "Il risultato è la media ponderata degli obiettivi strategici del cruscotto di ente "
                    "(regola del piano: le prospettive non pesano); "
                )
                if piano.regole.ente == "obiettivi"
                else (
                    f"Il risultato è la media ponderata dei {len(piano.ambiti)} ambiti, "
                    "ciascuno media delle sue prospettive; "
                )
                if piano.ambiti
                else (
                    "Il risultato è la media ponderata delle "
                    f"{sum(1 for n in persp if n.cruscotto == 'ente')} prospettive della Balanced Scorecard; "
                )
            )
            + (
                "ogni obiettivo strategico è la media dei suoi indicatori, anche di quelli degli obiettivi operativi; "
                if piano.regole.obiettivo == "indicatori"
                else ""
            )
            + "un obiettivo è raggiunto "
            f"quando il grado di raggiungimento è almeno {pct(piano.regole.soglia_raggiunto)}."
        )
    )
    blocks.append(
        Table(
            header=("Prospettiva", "Grado di raggiungimento", "Stato", "Indicatori valutati"),
            rows=tuple(
                (Cell(n.nome), Cell(pct(n.achievement), "right"), _status_cell(n.stato), _coverage_cell(n.copertura))
                for n in persp
            )
            + (
                (
                    Cell("Ente", bold=True),
                    Cell(pct(result.achievement), "right", bold=True),
                    _status_cell(result.stato),
                    _coverage_cell(result.copertura),
                ),
            ),
            caption=(
                f"Tabella 1 – Performance per prospettiva, anno {anno} "
                "(indicatori valutati: su quanti indicatori è calcolato il grado)"
            ),
            widths=(3, 1.4, 1.4, 1.2),
        )
    )
    soglia = piano.regole.soglia_raggiunto
    blocks.append(
        Figure(
            entity_gauge(
                result.achievement,
                result.stato.value,
                threshold=soglia,
                title=f"Performance di ente {anno}",
                label=status(result.stato),
            ),
            f"Figura 1 – Performance di ente {anno} (tacca: soglia di raggiungimento {pct(soglia)})",
            width_cm=7.0,
        )
    )
    blocks.append(
        Figure(
            achievement_bars(
                [("", n.nome, n.achievement, n.stato.value) for n in persp],
                threshold=soglia,
                title=f"Performance per prospettiva {anno}",
            ),
            f"Figura 2 – Grado di raggiungimento per prospettiva {anno} (linea tratteggiata: soglia {pct(soglia)})",
        )
    )
    total = sum(counts.values())
    blocks.append(
        Paragraph(_conteggi(total, counts) + f" La performance di ente è calcolata su: {result.copertura.testo()}.")
    )
    if result.fondo:
        f = result.fondo
        blocks.append(
            Paragraph(
                f"L'integrazione del fondo ({f.nome}) spettante è di **{euro(f.importo)}** "
                f"su un massimo di {euro(f.importo_massimo)} "
                f"(quota {pct(f.quota)})"
                + (", importo provvisorio fino alla validazione dell'OIV." if f.provvisorio else ".")
            )
        )
    return blocks


# The statuses in the order a reader expects them, each with its singular and plural.
_CONTEGGI = (
    ("raggiunto", "raggiunto", "raggiunti"),
    ("parzialmente_raggiunto", "parzialmente raggiunto", "parzialmente raggiunti"),
    ("non_raggiunto", "non raggiunto", "non raggiunti"),
    ("senza_dati", "senza dati", "senza dati"),
    ("in_attesa", "in attesa", "in attesa"),
    ("non_valutabile", "non valutabile", "non valutabili"),
    ("baseline", "in costruzione della baseline", "in costruzione della baseline"),
    ("neutralizzato", "neutralizzato", "neutralizzati"),
)


def _conteggi(total: int, counts: dict[str, int], many: str = "indicatori del cruscotto di ente", one: str = "") -> str:
    """ "Dei 50 indicatori del cruscotto di ente: 40 raggiunti, 5 non raggiunti e 5 senza dati.":
    only what there is (no "0 parzialmente raggiunti"), with real singulars and plurals, and the
    article the figure takes ("Degli 8 obiettivi strategici")."""
    one = one or "indicatore del cruscotto di ente"
    parts = [f"{n} {sing if n == 1 else plur}" for key, sing, plur in _CONTEGGI if (n := counts.get(key, 0))]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " e " + parts[-1] if parts else ""
    head = f"Dell'unico {one}" if total == 1 else f"{dei(str(total)).capitalize()} {many}"
    return f"{head}: {listed}." if parts else f"{head}: nessuno con uno stato."


def _contesto_e_risorse(piano, anno, bilancio, personale, misure, contesto, soglia: int) -> list:
    """2. Context and resources."""
    from .risorse import bilancio_blocks, personale_blocks, utilizzo_blocks

    blocks: list = []
    blocks.append(Heading("2. Il contesto e le risorse"))
    for title, text in (("Mandato istituzionale", piano.mandato), ("Mission", piano.mission), ("Vision", piano.vision)):
        if text:
            blocks.append(Heading(title, 2))
            blocks.append(Paragraph(text))
    if piano.strutture:
        blocks.append(Heading("Organizzazione", 2))
        blocks.append(Bullets(tuple(f"{s.nome} ({s.tipo})" for s in piano.strutture)))
    if contesto:
        from .contesto import relazione_blocks

        blocks += relazione_blocks(contesto)
    if personale:
        blocks.append(Heading("Il personale", 2))
        blocks += personale_blocks(
            personale,
            years=[y for y in sorted({d.anno for d in personale}) if y <= anno][-4:],
            parts=("tabelle",),
            soglia=soglia,
        )
    # The programmes' budgets are of the plan's first year (engine/utilizzo.py); ``misure`` are
    # the year's base measures, the committed amounts among them.
    use = utilizzo_blocks(piano, misure or {}) if piano.anni and anno == piano.anni[0] else []
    if bilancio or use:
        blocks.append(Heading("Le risorse economiche", 2))
        blocks += bilancio_blocks(bilancio, piano=piano) if bilancio else []
        blocks += use
    return blocks


def _performance_organizzativa(piano, result, nodes, strategic, indicators) -> list:
    """3. Organisational performance (tree, map, objectives, indicators, fund)."""
    anno = result.anno
    soglia = piano.regole.soglia_raggiunto
    blocks: list = []
    blocks.append(Heading("3. La performance organizzativa"))
    blocks.append(Heading("3.1 L'albero della performance", 2))
    tree_rows: list[tuple[Cell, ...]] = []
    # A fifth level (ambiti) above the perspectives shifts the rest one step in.
    shift = 1 if piano.ambiti else 0
    depth = {
        "ambito": 0,
        "prospettiva": shift,
        "linea": 1 + shift,
        "obiettivo_strategico": 2 + shift,
        "obiettivo_operativo": 3 + shift,
    }
    labels = {
        "ambito": "Ambito",
        "prospettiva": "Prospettiva",
        "linea": "Linea",
        "obiettivo_strategico": "Ob. strategico",
        "obiettivo_operativo": "Ob. operativo",
    }
    group = set()
    for n in nodes:
        if n.livello in ("ambito", "prospettiva"):
            group.add(len(tree_rows))
        indent = "    " * depth[n.livello]
        scope = " (solo cascading)" if n.cruscotto == "area" else ""
        tree_rows.append(
            (
                Cell(labels[n.livello]),
                Cell(f"{indent}{n.codice} – {n.nome}{scope}"),
                Cell(pct(n.achievement), "right"),
                _status_cell(n.stato),
                _coverage_cell(n.copertura),
            )
        )
    blocks.append(
        Table(
            ("Livello", "Nodo", "Grado", "Stato", "Valutati"),
            tuple(tree_rows),
            f"Tabella 2 – Albero della performance {anno}",
            (1.2, 5, 1, 1.2, 0.9),
            frozenset(group),
        )
    )
    blocks.append(Heading("3.2 La mappa strategica", 2))
    blocks.append(
        Figure(
            strategy_map(piano, result, link=lambda c: f"#os-{c}"),
            f"Figura 3 – Mappa strategica {anno}: verde raggiunto, rosso non raggiunto, "
            "bianco senza indicatori nel cruscotto di ente",
        )
    )
    blocks.append(Heading("3.3 Gli obiettivi strategici", 2))
    blocks.append(
        Table(
            ("Codice", "Obiettivo strategico", "Grado", "Stato", "Valutati"),
            tuple(
                (
                    Cell(n.codice),
                    Cell(n.nome + (" (solo cascading)" if n.cruscotto == "area" else "")),
                    Cell(pct(n.achievement), "right"),
                    _status_cell(n.stato),
                    _coverage_cell(n.copertura),
                )
                for n in strategic
            ),
            f"Tabella 3 – Obiettivi strategici {anno}",
            (0.8, 5, 1, 1.2, 0.9),
        )
    )
    ente_strategic = [n for n in strategic if n.cruscotto == "ente"]
    blocks.append(
        Figure(
            achievement_bars(
                [(n.codice, n.nome, n.achievement, n.stato.value) for n in ente_strategic],
                threshold=soglia,
                title=f"Obiettivi strategici {anno}",
            ),
            f"Figura 4 – Grado di raggiungimento degli obiettivi strategici del cruscotto di ente {anno}",
        )
    )
    blocks.append(Heading("3.4 Obiettivi operativi e indicatori", 2))
    for os_ in piano.obiettivi_strategici():
        holders = [(None, os_.indicatori)] + [(oo, oo.indicatori) for oo in os_.obiettivi_operativi]
        for oo, inds in holders:
            if not inds:
                continue
            title = f"{os_.codice} – {os_.nome}" + (f" › {oo.codice} – {oo.nome}" if oo else "")
            node = (
                result.nodo("obiettivo_operativo", oo.codice) if oo else result.nodo("obiettivo_strategico", os_.codice)
            )
            blocks.append(Heading(title, 3))
            rows = []
            for i in inds:
                r = indicators[i.codice]
                rows.append(
                    (
                        Cell(i.codice),
                        Cell(i.nome + (" (solo cascading)" if i.cruscotto.value == "area" else "")),
                        Cell(i.peso_testo or "—", "right"),
                        *_result_cells(r),
                    )
                )
            blocks.append(
                Table(
                    ("Codice", "Indicatore", "Peso", f"Target {anno}", f"Consuntivo {anno}", "Grado", "Stato"),
                    tuple(rows),
                    f"Risultato dell'obiettivo: {pct(node.achievement)} ({status(node.stato)}), "
                    f"calcolato su: {node.copertura.testo()}"
                    if node
                    else "",
                    (0.9, 4.2, 0.7, 1.1, 1.1, 0.9, 1.1),
                )
            )
            blocks += _scostamenti([indicators[i.codice] for i in inds])
    blocks.append(Heading("3.5 Il risultato complessivo dell'ente", 2))
    blocks.append(
        Paragraph(
            f"Performance di ente {anno}: **{pct(result.achievement)}**, {status(result.stato)}. "
            f"Calcolo: {result.entity_trace.get('calcolo', '')}."
        )
    )
    if result.fondo:
        f = result.fondo
        blocks.append(Heading("3.6 Gli obiettivi per l'integrazione del fondo", 2))
        blocks.append(
            Table(
                ("Progetto", "Indicatori", "Grado"),
                tuple(
                    (Cell(p["nome"]), Cell(", ".join(p["indicatori"])), Cell(pct(p["achievement"]), "right"))
                    for p in f.progetti
                ),
                f"Importo: {f.trace['calcolo']} → {euro(f.importo)}",
                (4, 2, 1),
            )
        )
        # The trend of each numeric fund indicator: history, this year's actual, the targets.
        figure = 5
        for code in dict.fromkeys(c for p in f.progetti for c in p["indicatori"]):
            ind, res = piano.indicatore(code), indicators.get(code)
            if ind is None or res is None or not isinstance(res.actual, float):
                continue
            blocks.append(
                Figure(
                    indicator_chart(ind, {anno: res.actual}),
                    f"Figura {figure} – {ind.codice} {ind.nome}: storico, consuntivo {anno} e target",
                    width_cm=13.0,
                )
            )
            figure += 1
    return blocks


NOT_REACHED = ("non_raggiunto", "parzialmente_raggiunto")

# The kinds of indicator that measure efficiency and economy, as plans name them in their
# "tipologia" ("EFFICIENZA", "EFFICIENZA - EC04", "SALUTE ECONOMICA", "economicità").
_EFFICIENZA = ("efficien", "econom")


def _efficienza(piano, result, indicators, bilancio, section: str) -> list:
    """Efficiency and economy (guideline 3/2018; art. 10 c. 1 lett. b d.lgs. 150/2009): the plan's
    indicators of those kinds with their results, and where the accounts' ratios are. Says so
    when the plan measures neither, rather than leaving the section out unseen."""
    anno = result.anno
    blocks: list = [Heading(f"{section} Efficienza ed economicità", 2)]
    own = [
        i
        for i in piano.indicatori()
        if any(k in (i.tipologia or "").casefold() for k in _EFFICIENZA) and i.codice in indicators
    ]
    if own:
        blocks.append(
            Paragraph(
                "Gli indicatori del piano che misurano l'efficienza (il rapporto tra risorse impiegate e "
                "risultati) e l'economicità (l'equilibrio e la salute economica della gestione), con il "
                "loro risultato:"
            )
        )
        rows = []
        for i in own:
            r = indicators[i.codice]
            rows.append(
                (
                    Cell(i.codice),
                    Cell(i.nome),
                    Cell(i.tipologia),
                    *_result_cells(r),
                )
            )
        blocks.append(
            Table(
                ("Codice", "Indicatore", "Tipologia", f"Target {anno}", f"Consuntivo {anno}", "Grado", "Stato"),
                tuple(rows),
                f"Indicatori di efficienza ed economicità {anno} (dalla tipologia indicata nel piano)",
                (0.9, 3.6, 1.3, 1, 1, 0.9, 1.1),
            )
        )
    else:
        blocks.append(
            Paragraph(
                "Il piano non indica indicatori di efficienza o di economicità (nessuna tipologia "
                "«efficienza» o «economicità»)."
            )
        )
    if bilancio is not None and getattr(bilancio, "rapporti", None):
        blocks.append(
            Paragraph(
                "I ratios di bilancio del sistema Pareto, calcolati dalle misure di base di ogni anno, "
                "sono nel capitolo 2 («Le risorse economiche»)."
            )
        )
    return blocks


def _redazione(result, redazione) -> list:
    """How the Relazione was made (guideline 3/2018, section 6): the cycle's steps as recorded,
    with their date and who took them, and the ente's note on the process."""
    blocks: list = [Heading("Come è stata redatta la Relazione", 2)]
    if redazione is None:
        blocks.append(
            Paragraph(
                f"Relazione prodotta da cruscotto dal piano e dai valori forniti, con dati al "
                f"{result.as_of:%d/%m/%Y}; non c'è un registro del ciclo da cui riportarne le fasi."
            )
        )
        return blocks
    if redazione.fasi:
        blocks.append(
            Table(
                ("Data", "Fase", "Chi"),
                tuple((Cell(day(f.data) if f.data else "—"), Cell(f.fase), Cell(f.chi)) for f in redazione.fasi),
                "Le fasi del ciclo come risultano dal registro delle operazioni",
                (1, 4, 2.4),
            )
        )
    if redazione.note.strip():
        blocks += markdown_blocks(redazione.note, base_level=3)
    return blocks


def _scostamenti(results) -> list:
    """Next to the indicators not reached: the deviation's cause and the corrective actions the
    responsabile gave (art. 10, c. 1, lett. b d.lgs. 150/2009), or that they were not given."""
    out = []
    for r in results:
        if r.stato.value not in NOT_REACHED:
            continue
        said = r.trace.get("input", {})
        cause, actions = said.get("scostamento", ""), said.get("azioni_correttive", "")
        if cause or actions:
            text = f"**{r.codice}, scostamento.** {cause or 'causa non indicata'}."
            text += f" Azioni correttive: {actions}." if actions else ""
        else:
            text = f"**{r.codice}, scostamento.** Il responsabile non ne ha indicato la causa."
        out.append(Paragraph(text.replace("..", ".")))
    return out


def _genere(piano, anno, personale, soglia: int) -> list:
    """4. Gender."""
    from .risorse import personale_blocks

    blocks: list = []
    blocks.append(Heading("4. Bilancio di genere"))
    gender_years = [y for y in sorted({d.anno for d in personale}) if y <= anno][-3:] if personale else []
    if gender_years:
        blocks.append(
            Paragraph(
                "Gli indicatori dell'analisi di genere calcolati dal registro del personale al 31/12 "
                f"({gender_years[0]}-{gender_years[-1]}).",
                "note",
            )
        )
        blocks += personale_blocks(personale, years=gender_years, level=2, parts=("genere",), soglia=soglia)
    elif piano.sezioni.get("analisi_di_genere"):
        blocks.append(
            Paragraph(
                "Gli indicatori dell'analisi di genere riportati nel Piano della performance "
                "(ultimi anni disponibili):",
                "note",
            )
        )
        blocks += markdown_blocks(_without_first_heading(piano.sezioni["analisi_di_genere"]), base_level=2)
    else:
        blocks.append(Paragraph("Il piano non riporta un'analisi di genere.", "note"))
    return blocks


def _obiettivi_individuali(result) -> list:
    """5. Individual objectives."""
    blocks: list = []
    blocks.append(Heading("5. Gli obiettivi individuali"))
    if not result.schede:
        blocks.append(Paragraph("Nessuna scheda individuale per l'anno."))
    for s in result.schede:
        blocks.append(Heading(f"{s.nome}: {pct(s.achievement)} ({status(s.stato)})", 2))
        card_rows: list[tuple[Cell, ...]] = []
        groups: set[int] = set()
        for sec in s.sezioni:
            groups.add(len(card_rows))
            card_rows.append(
                (
                    Cell(f"{sec['codice']} – {sec['nome']}", bold=True),
                    Cell(pct(sec["peso"]) if sec["peso"] is not None else "—", "right"),
                    Cell(pct(sec["achievement"]), "right"),
                    _status_cell(sec["stato"]),
                )
            )
            for v in sec["voci"]:
                card_rows.append(
                    (
                        Cell(f"    {v['codice']} – {v['nome']}"),
                        Cell(pct(v["peso"]) if v["peso"] is not None else "—", "right"),
                        Cell(pct(v["achievement"]), "right"),
                        _status_cell(v["stato"]),
                    )
                )
        blocks.append(
            Table(
                ("Sezione / voce", "Peso", "Grado", "Stato"),
                tuple(card_rows),
                f"Scheda {s.codice} – punteggio {pct(s.achievement)}",
                (5, 1, 1, 1.2),
                frozenset(groups),
            )
        )
        notes = [w for sec in s.sezioni for w in sec["trace"].get("avvisi", [])]
        if notes:
            blocks.append(Paragraph("Avvisi sui pesi: " + "; ".join(notes) + ".", "note"))
    return blocks


def _valutazione_personale(v) -> list:
    """5, the staff's evaluation: the distribution of the final scores by category (the degree of
    differentiation) and the premiums budgeted and paid (d.lgs. 33/2013 art. 20), no names."""
    if v is None:
        return []
    from ..engine.premi import ALTRE

    blocks: list = [Heading("La valutazione del personale e i premi", 2)]
    blocks.append(
        Paragraph(
            "I punteggi finali delle schede di valutazione individuale e i premi che ne derivano, in forma "
            "aggregata e senza nomi (d.lgs. 33/2013 art. 20). "
            + (
                "**Gli importi sono provvisori**: non tutte le schede sono definitive, o la Relazione non è "
                "ancora validata dall'OIV."
                if v.provvisorio
                else "Le schede sono definitive."
            )
        )
    )
    rows = []
    for label, d in v.distribuzione:
        bands = " · ".join(str(c) for _lo, _hi, c in d.fasce)
        rows.append(
            (
                Cell(label),
                Cell(str(d.n), "right"),
                Cell(_score(d.media), "right"),
                Cell(_score(d.minimo), "right"),
                Cell(_score(d.mediana), "right"),
                Cell(_score(d.massimo), "right"),
                Cell(bands, "center"),
            )
        )
    blocks.append(
        Table(
            (
                "Categoria",
                "Persone",
                "Media",
                "Minimo",
                "Mediana",
                "Massimo",
                "Fasce <60 · 60-70 · 70-80 · 80-90 · 90+",
            ),
            tuple(rows),
            "Distribuzione dei punteggi finali per categoria",
            (1.6, 0.9, 0.9, 0.9, 0.9, 0.9, 2.6),
        )
    )
    blocks.append(
        Table(
            ("Fondo", "Stanziato", "Distribuito", "Economia"),
            tuple(
                (Cell(nome), Cell(euro(a), "right"), Cell(euro(b), "right"), Cell(euro(c), "right"))
                for _code, nome, a, b, c in v.fondi
            ),
            "Premi collegati alla performance: stanziati e distribuiti",
            (4, 1.3, 1.3, 1.3),
        )
    )
    blocks.append(
        Table(
            ("Categoria", "Persone", "Con premio", "Totale", "Premio medio", "Massimo", "Minimo"),
            tuple(
                (
                    Cell(str(a["categoria"])),
                    Cell(str(a["persone"]), "right"),
                    Cell(str(a["con_premio"]), "right"),
                    Cell(euro(float(a["totale"])), "right"),
                    Cell(euro(float(a["totale"]) / int(a["con_premio"])) if a["con_premio"] else "—", "right"),
                    Cell(euro(float(a["massimo"])), "right"),
                    Cell(euro(float(a["minimo"])), "right"),
                )
                for a in v.premi
            ),
            "Premi per categoria",
            (1.6, 0.9, 0.9, 1.3, 1.3, 1.3, 1.3),
        )
    )
    if any(label == ALTRE for label, _d in v.distribuzione) or any(a["categoria"] == ALTRE for a in v.premi):
        blocks.append(
            Paragraph(
                f"Le categorie con meno di {v.soglia} persone sono pubblicate insieme, come «{ALTRE}», "
                "perché i loro punteggi e premi non indichino le persone; i dirigenti restano distinti "
                "(d.lgs. 33/2013 art. 14).",
                "note",
            )
        )
    return blocks


def _score(x: float | None) -> str:
    return "—" if x is None else decimal_it(x)


def _processo(piano, result) -> list:
    """6. The measurement process."""
    blocks: list = []
    blocks.append(Heading("6. Il processo di misurazione e valutazione"))
    regole = piano.regole
    blocks.append(
        Bullets(
            (
                f"Soglia di raggiungimento: {pct(regole.soglia_raggiunto)}"
                + (
                    f"; parzialmente raggiunto da {pct(regole.soglia_parziale)}"
                    if regole.soglia_parziale is not None
                    else ""
                )
                + ".",
                # each rule's text begins with its own name ("scadenza: …"): said once, not twice
                "Indicatori a crescere (più alto è meglio): " + RULES_TEXT["crescente"].partition(": ")[2] + ".",
                "Indicatori a decrescere (più basso è meglio): " + RULES_TEXT["decrescente"].partition(": ")[2] + ".",
                "Scadenze: " + RULES_TEXT["scadenza"].partition(": ")[2] + ".",
                "Milestone: " + RULES_TEXT["milestone"].partition(": ")[2] + ".",
                "Ogni nodo dell'albero è la media ponderata dei figli con dati; "
                "i figli senza dati sono esclusi ed elencati; i pesi che non sommano al 100% sono segnalati.",
                f"Data di riferimento per le scadenze: {result.as_of:%d/%m/%Y}.",
            )
        )
    )
    left_out = [
        (r.codice, r.trace.get("neutralizzazione", "")) for r in result.indicatori if r.stato.value == "neutralizzato"
    ]
    left_out += [
        (n.codice, n.trace.get("neutralizzazione", "")) for n in result.nodi if n.stato.value == "neutralizzato"
    ]
    blocks.append(Heading("Neutralizzazioni", 2))
    if left_out:
        blocks.append(
            Paragraph(
                "Sono esclusi dal calcolo, per decisione registrata (atto, data e motivo), "
                "e non pesano sul risultato dei livelli superiori né sul fondo:"
            )
        )
        blocks.append(Bullets(tuple(f"{code}: {why}" for code, why in left_out)))
    else:
        blocks.append(Paragraph("Nessun indicatore o obiettivo è stato escluso dal calcolo."))
    if result.warnings:
        blocks.append(Heading("Avvisi della misurazione", 2))
        blocks.append(Bullets(tuple(result.warnings)))
    return blocks


def _allegato(result) -> list:
    """The annex: each indicator's computation."""
    blocks: list = []
    blocks.append(Heading("Allegato – Indicatori e calcolo"))
    annex = tuple(
        (Cell(r_.codice), Cell(r_.nome), Cell(" · ".join(r_.trace.get("passi", [])[-2:]))) for r_ in result.indicatori
    )
    blocks.append(
        Table(
            ("Codice", "Indicatore", "Calcolo"),
            annex,
            "Per ogni indicatore, gli ultimi passi del calcolo (il dettaglio completo è in cruscotto)",
            (0.8, 3, 4),
        )
    )
    return blocks
