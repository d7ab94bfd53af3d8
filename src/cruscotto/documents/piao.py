"""The PIAO as a document, in the order of the Piano-tipo (DM 132/2022): scheda anagrafica;
2 Valore pubblico, performance e anticorruzione (2.1, 2.2 the performance plan, 2.3 the risk
register and the transparency table); 3 Organizzazione e capitale umano; 4 Monitoraggio.

Generated from the data, never typed: a section cruscotto has no data for says so in its place
("non ancora compilata in cruscotto") rather than being left out, so that a reader sees what is
missing; a section invented for the demonstration says so too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..engine.model import Piano
from ..engine.rischi import Registro, esito, esposizione
from ..engine.riservatezza import SOGLIA
from ..engine.trasparenza import Obbligo
from .blocks import Cell, Document, Heading, Paragraph, Table
from .formatting import euro, pct, target_text

# The keys of the sections' data (performance.models.SezionePiao.Sezione's values).
VALORE_PUBBLICO = "2.1-valore-pubblico"
ORGANIZZAZIONE, LAVORO_AGILE, FABBISOGNI, FORMAZIONE = (
    "3.1-organizzazione",
    "3.2-lavoro-agile",
    "3.3-fabbisogni",
    "3-formazione",
)

NON_COMPILATA = "Sottosezione non ancora compilata in cruscotto."
NON_RICHIESTA = "Non richiesta alle amministrazioni con meno di 50 dipendenti (DM 132/2022, art. 6)."
INVENTATA = "Dati inventati per la dimostrazione: nessuna voce di questa sottosezione viene da un documento dell'ente."

# DM 132/2022, art. 5: who monitors each section, and how.
MONITORAGGIO = (
    (
        "2.1 Valore pubblico e 2.2 Performance",
        "OIV, con il controllo di gestione",
        "monitoraggio infrannuale; Relazione sulla performance validata dall'OIV entro il 30 giugno",
        "d.lgs. 150/2009, artt. 6 e 10, c. 1, lett. b)",
    ),
    (
        "2.3 Rischi corruttivi e trasparenza",
        "RPCT, con i responsabili delle misure",
        "monitoraggio delle misure; relazione annuale dell'RPCT nei termini indicati dall'ANAC",
        "L. 190/2012, art. 1, c. 14; indicazioni ANAC",
    ),
    (
        "3 Organizzazione e capitale umano",
        "OIV",
        "coerenza con gli obiettivi di performance, su base triennale",
        "DM 132/2022, art. 5",
    ),
)


@dataclass(frozen=True)
class DatiPiao:
    """What the PIAO's document and open data read besides the plan: 2.3's register and
    transparency table (and whether they are the demo's invented ones), the scheda's identity."""

    registro: Registro | None = None
    obblighi: tuple[Obbligo, ...] | None = None
    inventata: bool = False
    # The yearly update: the changes against the previous year's PIAO (engine.diff.Cambio), and
    # that PIAO's first year; None when there is no previous PIAO.
    cambi: tuple | None = None
    anno_prima: int | None = None
    # The monitoring, for the open data: each measure as monitored (documents/rpct.MisuraMonitorata)
    # and each obligation with its state ((Obbligo, StatoObbligo)).
    monitorate: tuple = ()
    stati: tuple = ()
    # The scheda anagrafica's identity fields, as (label, value), in the template's order.
    anagrafica: tuple[tuple[str, str], ...] = ()
    # 2.1's impact objectives (engine.valore_pubblico.ObiettivoImpatto), None when not loaded.
    valore_pubblico: tuple | None = None
    # Section 3 as computed from the staff register of ``anno_base`` (performance/piao.sezione3:
    # organigramma, agile, fabbisogni, formazione, with small counts' breakdowns left out).
    sezione3: dict = field(default_factory=dict)
    anno_base: int | None = None
    inventate: frozenset[str] = frozenset()  # the sections invented for the demonstration
    # The checks before the upload to the national portal: (what, "ok" | "manca" | "avviso", detail).
    verifiche: tuple[tuple[str, str, str], ...] = ()
    # Fewer than 50 employees (DM 132/2022, art. 6): the simplified PIAO; with the count and its year.
    semplificato: bool = False
    dipendenti: tuple[int, int] | None = None  # (year, people at its 31/12)


def _demoted(blocks: Sequence) -> list:
    """The performance plan's chapter inside subsection 2.2: its headings under 2.2's (level 3, so
    the Indice keeps the PIAO's own two levels) and without their own numbers (the PIAO numbers
    them)."""
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            text = re.sub(r"^\d+(\.\d+)*\.?\s+", "", b.text)
            b = replace(b, text=text, level=3)
        out.append(b)
    return out


def _anagrafica(ente: str, anni: Sequence[int], piano: Piano | None, personale, contesto, dati: DatiPiao) -> list:
    from ..engine import personale as pe

    rows = [("Amministrazione", ente), *dati.anagrafica, ("Triennio", f"{anni[0]}-{anni[-1]}")]
    # The Piano-tipo asks for the staff at 31/12 of the year before; a register that stops earlier
    # gives its last year, named as such, rather than nothing or a figure of the wrong year.
    anni_registro = [a for a in pe.anni(personale or ()) if a < anni[0]]
    if anni_registro:
        ultimo = max(anni_registro)
        nota = "" if ultimo == anni[0] - 1 else " (l'ultimo anno del registro del personale)"
        rows.append((f"Personale in servizio al 31/12/{ultimo}{nota}", str(len(pe.dell_anno(personale, ultimo)))))
    if piano is not None and piano.strutture:
        rows.append(("Strutture organizzative", str(len(piano.strutture))))
    if contesto is not None and contesto.organi:
        rows.append(("Organi", "; ".join(o.nome for o in contesto.organi)))
    return [
        Heading("1. Scheda anagrafica dell'amministrazione"),
        Table(("Voce", "Dato"), tuple((Cell(k), Cell(v)) for k, v in rows), "Scheda anagrafica", (1.5, 4)),
    ]


def _rischi(r: Registro) -> list:
    exp = esposizione(r)
    valutazioni = {v.evento: v for v in r.valutazioni}
    blocks: list = [
        Heading("Mappatura dei processi", 3),
        Table(
            ("Codice", "Processo", "Area di rischio", "Responsabile", "Esposizione"),
            tuple(
                (Cell(p.codice), Cell(p.nome), Cell(p.area), Cell(p.responsabile), Cell(exp.get(p.codice) or "—"))
                for p in r.processi
            ),
            "I processi, la loro area di rischio e la loro esposizione (il livello più alto dei loro eventi)",
            (0.8, 3, 2, 1.5, 1),
        ),
        Heading("Valutazione del rischio", 3),
    ]
    rows = []
    for e in r.eventi:
        v = valutazioni.get(e.codice)
        es = esito(v, r) if v else None
        rows.append(
            (
                Cell(e.codice),
                Cell(e.descrizione),
                Cell(es.proposto or "—" if es else "—"),
                Cell(es.livello or "—" if es else "non valutato"),
                Cell(v.motivazione if v else ""),
            )
        )
    blocks.append(
        Table(
            ("Evento", "Descrizione", "Proposto", "Giudizio", "Motivazione"),
            tuple(rows),
            "Eventi rischiosi: livello proposto dagli indicatori, giudizio sintetico motivato (PNA 2019, Allegato 1)",
            (0.9, 3, 0.9, 0.9, 3.3),
            landscape=True,
        )
    )
    blocks.append(Heading("Misure di prevenzione", 3))
    blocks.append(
        Table(
            ("Codice", "Misura", "Tipo", "Responsabile", "Scadenza", "Indicatore", "Target", "Eventi"),
            tuple(
                (
                    Cell(m.codice),
                    Cell(m.nome),
                    Cell(m.tipo),
                    Cell(m.responsabile),
                    Cell(f"{m.scadenza:%d/%m/%Y}" if m.scadenza else "—", "right"),
                    Cell(m.indicatore),
                    Cell(m.target, "right"),
                    Cell(", ".join(m.eventi) or "—"),
                )
                for m in r.misure
            ),
            "Misure generali e specifiche, con responsabile, scadenza, indicatore e target",
            (0.8, 3, 0.9, 1.4, 0.9, 2, 1, 1),
            landscape=True,
        )
    )
    return blocks


def _trasparenza(obblighi: Sequence[Obbligo]) -> list:
    return [
        Heading("Trasparenza: gli obblighi di pubblicazione", 3),
        Table(
            ("Codice", "Sezione", "Contenuto", "Riferimento", "Produce", "Pubblica", "Aggiornamento"),
            tuple(
                (
                    Cell(o.codice),
                    Cell(o.sezione),
                    Cell(o.contenuto),
                    Cell(o.riferimento),
                    Cell(o.produce),
                    Cell(o.pubblica),
                    Cell(o.aggiornamento),
                )
                for o in obblighi
            ),
            "Obblighi del d.lgs. 33/2013: chi produce il dato, chi lo pubblica, ogni quanto (delibera ANAC 1310/2016)",
            (0.7, 2.5, 2.5, 1.6, 1.3, 1.3, 1),
            landscape=True,
        ),
    ]


def build_piao(
    *,
    ente: str,
    anno: int,
    piano: Piano | None,
    dati: DatiPiao,
    personale=None,
    contesto=None,
    soglia: int = SOGLIA,
) -> Document:
    """The PIAO whose first year is ``anno``: ``piano`` is its 2.2 (None: no plan covers the year)."""
    anni = (anno, anno + 1, anno + 2)
    blocks = _premessa(anni, dati)
    blocks += _anagrafica(ente, anni, piano, personale, contesto, dati)
    blocks += [Heading("2. Valore pubblico, performance e anticorruzione"), Heading("2.1 Valore pubblico", 2)]
    blocks += _valore_pubblico(dati, anni)
    blocks += _performance(piano, anno, dati)
    blocks += _sezione23(dati)
    blocks += _sezione31(piano, dati, personale, soglia)
    blocks += _sezione3(dati)
    blocks += _monitoraggio(dati)
    if dati.cambi is not None:
        blocks += _aggiornamento(dati)
    return Document(
        title=f"Piano integrato di attività e organizzazione {anni[0]}-{anni[-1]}",
        subtitle="PIAO (DL 80/2021, art. 6)",
        author=ente,
        blocks=tuple(blocks),
        draft_note=_nota_inventate(dati),
    )


def _premessa(anni: Sequence[int], dati: DatiPiao) -> list:
    blocks: list = [
        Heading("Premessa"),
        Paragraph(
            f"Piano integrato di attività e organizzazione {anni[0]}-{anni[-1]} (DL 80/2021, art. 6; DPR 81/2022; "
            "DM 132/2022 e Piano-tipo). Il documento è generato dai dati di cruscotto: la sottosezione 2.2 è il "
            "piano della performance, la 2.3 il registro dei rischi e la tabella della trasparenza; una "
            "sottosezione di cui cruscotto non ha ancora i dati lo dice al suo posto."
        ),
    ]
    if dati.semplificato and dati.dipendenti is not None:
        anno_base, persone = dati.dipendenti
        blocks.append(
            Paragraph(
                f"PIAO semplificato: al 31/12/{anno_base} l'amministrazione ha {persone} dipendenti, meno di 50 "
                "(DM 132/2022, art. 6): le sottosezioni richieste sono la 2.3 e le 3.1, 3.2 e 3.3; le altre, "
                "quando cruscotto ne ha i dati, sono riportate comunque."
            )
        )
    return blocks


def _performance(piano: Piano | None, anno: int, dati: DatiPiao) -> list:
    from .piano import _pianificazione

    blocks: list = [Heading("2.2 Performance", 2)]
    if piano is None:
        missing = Paragraph(f"Nessun piano della performance copre il {anno}.", style="note")
        return [*blocks, _assente(dati) if dati.semplificato else missing]
    blocks.append(Paragraph(f"{piano.titolo}: la pianificazione triennale e il cruscotto di ente."))
    return blocks + _demoted(_pianificazione(piano, piano.anni[0], piano.anni[-1], list(piano.anni), {}))


def _sezione23(dati: DatiPiao) -> list:
    blocks: list = [Heading("2.3 Rischi corruttivi e trasparenza", 2)]
    if dati.inventata:
        blocks.append(Paragraph(INVENTATA, style="note"))
    if dati.registro is None and dati.obblighi is None:
        blocks.append(Paragraph(NON_COMPILATA, style="note"))
    if dati.registro is not None:
        blocks += _rischi(dati.registro)
    if dati.obblighi is not None:
        blocks += _trasparenza(dati.obblighi)
    return blocks


def _sezione31(piano: Piano | None, dati: DatiPiao, personale, soglia: int) -> list:
    from .risorse import personale_blocks

    blocks: list = [Heading("3. Organizzazione e capitale umano"), Heading("3.1 Struttura organizzativa", 2)]
    if ORGANIZZAZIONE in dati.inventate:
        blocks.append(Paragraph(INVENTATA, style="note"))
    org = dati.sezione3.get("organigramma")
    if org is not None:
        blocks.append(_organigramma(org, dati.anno_base))
    elif piano is not None and piano.strutture:
        blocks.append(
            Table(
                ("Codice", "Struttura", "Tipo"),
                tuple((Cell(s.codice), Cell(s.nome), Cell(s.tipo)) for s in piano.strutture),
                "Le strutture organizzative",
                (1.2, 4, 1),
            )
        )
    if personale:
        blocks += personale_blocks(personale, parts=("tabelle",), soglia=soglia)
    return blocks


def _monitoraggio(dati: DatiPiao) -> list:
    blocks: list = [Heading("4. Monitoraggio")]
    if dati.semplificato:
        blocks.append(Paragraph(NON_RICHIESTA + " Il monitoraggio delle altre amministrazioni:", style="note"))
    blocks.append(
        Table(
            ("Sezione", "Chi monitora", "Come e quando", "Fonte"),
            tuple(tuple(Cell(x) for x in row) for row in MONITORAGGIO),
            "Il monitoraggio di ogni sezione (DM 132/2022, art. 5)",
            (2, 1.8, 3, 1.8),
        )
    )
    return blocks


def _aggiornamento(s: DatiPiao) -> list:
    """The annex of a yearly update: what changes against the previous year's PIAO."""
    cambi = s.cambi or ()
    title = f"Allegato: modifiche rispetto al PIAO {s.anno_prima}-{(s.anno_prima or 0) + 2}"
    if not cambi:
        return [Heading(title), Paragraph("Nessuna modifica.")]
    return [
        Heading(title),
        Table(
            ("Voce", "Codice", "Cosa", "Prima", "Dopo"),
            tuple((Cell(c.livello), Cell(c.codice), Cell(c.campo), Cell(c.prima), Cell(c.dopo)) for c in cambi),
            f"{len(cambi)} voci aggiunte, tolte o cambiate",
            (1, 1, 1.2, 3, 3),
            landscape=True,
        ),
    ]


def _nota_inventate(dati: DatiPiao) -> str:
    nomi = sorted(
        {"formazione" if k == "3-formazione" else k.split("-")[0] for k in dati.inventate}
        | ({"2.3"} if dati.inventata else set())
    )
    if not nomi:
        return ""
    if len(nomi) == 1:
        return f"sezione {nomi[0]} inventata per la dimostrazione"
    return f"sezioni {', '.join(nomi)} inventate per la dimostrazione"


def _num(x: float | None, places: int = 2) -> str:
    from .formatting import decimal_it

    return "—" if x is None else decimal_it(x, places)


def _assente(dati: DatiPiao) -> Paragraph:
    """What a subsection without data says: not required of a small body, or not compiled yet."""
    return Paragraph(NON_RICHIESTA if dati.semplificato else NON_COMPILATA, style="note")


def _valore_pubblico(dati: DatiPiao, anni: Sequence[int]) -> list:
    if dati.valore_pubblico is None:
        return [_assente(dati)]
    blocks: list = []
    if "2.1-valore-pubblico" in dati.inventate:
        blocks.append(Paragraph(INVENTATA, style="note"))
    for o in dati.valore_pubblico:
        tags = [f"obiettivi strategici: {', '.join(o.obiettivi_strategici)}"]
        tags += [f"SDG {', '.join(map(str, o.sdg))}"] if o.sdg else []
        tags += [f"BES: {', '.join(o.bes)}"] if o.bes else []
        tags += [f"PNRR {', '.join(o.pnrr)}"] if o.pnrr else []
        blocks.append(Heading(f"{o.codice} {o.nome}", 3))
        blocks.append(Paragraph((o.descrizione + " " if o.descrizione else "") + "(" + "; ".join(tags) + ")"))
        blocks.append(
            Table(
                ("Indicatore", "Baseline", *[f"Target {a}" for a in anni]),
                tuple(
                    (
                        Cell(f"{i.codice} {i.nome}"),
                        Cell(
                            (i.baseline.testo + (f" ({i.baseline_anno})" if i.baseline_anno else ""))
                            if i.baseline
                            else "—",
                            "right",
                        ),
                        *[Cell(target_text(i.target.get(a)), "right") for a in anni],
                    )
                    for i in o.indicatori
                ),
                f"Indicatori di impatto di {o.codice}",
                (4, 1.2, *[1.0] * len(anni)),
            )
        )
    return blocks


def _baseline(i) -> str:
    if i.baseline is None:
        return "—"
    return i.baseline.testo + (f" ({i.baseline_anno})" if i.baseline_anno else "")


def _organigramma(org, anno_base: int | None) -> Table:
    return Table(
        ("Struttura", "Persone proprie", "Con le sottostanti", "Per categoria"),
        tuple(
            (
                Cell(("↳ " if s.padre else "") + f"{s.nome} ({s.struttura})"),
                Cell(str(s.propri.persone), "right"),
                Cell(str(s.totale.persone), "right"),
                Cell(" · ".join(f"{c} {n}" for c, n in s.totale.per_categoria.items())),
            )
            for s in org.strutture
        )
        + (
            (
                Cell("Ente", bold=True),
                Cell(""),
                Cell(str(org.ente.persone), "right", bold=True),
                Cell(f"{_num(org.ente.fte)} equivalenti a tempo pieno"),
            ),
        ),
        f"Persone per struttura al 31/12/{anno_base}",
        (3.5, 1, 1.2, 2.3),
    )


def _sezione3(dati: DatiPiao) -> list:
    s3, inventate = dati.sezione3, dati.inventate
    blocks: list = [Heading("3.2 Organizzazione del lavoro agile", 2)]
    agile = s3.get("agile")
    if agile is None:
        blocks.append(Paragraph(NON_COMPILATA, style="note"))
    else:
        if "3.2-lavoro-agile" in inventate:
            blocks.append(Paragraph(INVENTATA, style="note"))
        t = agile.totale
        quota = "—" if t.quota is None else pct(t.quota * 100)
        blocks.append(
            Paragraph(
                f"Personale con un accordo di lavoro agile nel {agile.anno}: {t.con_accordo} su {t.persone} ({quota}); "
                f"giorni consentiti in media: {_num(t.media)}."
            )
        )
        if s3.get("condizioni"):
            blocks.append(
                Table(
                    ("Codice", "Ambito", "Condizione", "Stato"),
                    tuple(
                        (Cell(c.codice), Cell(c.ambito), Cell(c.descrizione), Cell(c.stato)) for c in s3["condizioni"]
                    ),
                    "Le condizioni abilitanti del lavoro agile e il loro stato",
                    (1, 1.5, 5, 1.2),
                )
            )
        blocks.append(
            Table(
                ("Codice", "Attività", "Struttura", "Remotizzabile", "Motivazione"),
                tuple(
                    (Cell(a.codice), Cell(a.nome), Cell(a.struttura), Cell(a.remotizzabile), Cell(a.motivazione))
                    for a in s3.get("attivita", ())
                ),
                "Le attività e la loro remotizzabilità",
                (1, 3, 1.5, 1, 3),
            )
        )
    blocks.append(Heading("3.3 Piano triennale dei fabbisogni di personale", 2))
    fab = s3.get("fabbisogni")
    if fab is None:
        blocks.append(Paragraph(NON_COMPILATA, style="note"))
    else:
        if "3.3-fabbisogni" in inventate:
            blocks.append(Paragraph(INVENTATA, style="note"))
        rows = [(Cell(str(fab.anno_base)), Cell(_per_cat(fab.personale_base)), Cell(""), Cell(""), Cell(""))]
        rows += [
            (
                Cell(str(y.anno)),
                Cell(_per_cat(y.personale)),
                Cell(euro(y.costo), "right"),
                Cell(euro(y.capacita), "right"),
                Cell(euro(y.utilizzo), "right"),
            )
            for y in fab.anni
        ]
        blocks.append(
            Table(
                ("Anno", "Personale al 31/12", "Costo", "Capacità assunzionale", "Utilizzata"),
                tuple(rows),
                "Personale per categoria, costo e capacità assunzionale (d.lgs. 165/2001, art. 6)",
                (0.7, 3, 1.3, 1.3, 1.3),
            )
        )
    blocks.append(Heading("Formazione del personale", 2))
    fo = s3.get("formazione")
    if fo is None:
        blocks.append(_assente(dati))
    else:
        if "3-formazione" in inventate:
            blocks.append(Paragraph(INVENTATA, style="note"))
        t = fo.totale
        blocks.append(
            Paragraph(
                f"Ore di formazione nel {fo.anno}: {_num(t.ore)}, in media {_num(t.media)} a persona; hanno raggiunto "
                f"l'obiettivo di {_num(fo.obiettivo_ore, 0)} ore {t.al_obiettivo} persone su {t.persone}."
            )
        )
    return blocks


def _per_cat(d: dict) -> str:
    return " · ".join(f"{c} {n}" for c, n in d.items())


def calcola_sezione3(
    anno: int, strutture: Sequence, registro: Sequence, dati: Mapping[str, Any], *, soglia: int, tutto: bool
) -> dict:
    """Section 3 computed from the register of ``anno`` (the base year) and each part's stored
    data (``dati``: section key → data): what the page and the document show. A breakdown
    with a count that names people (1 to ``soglia`` - 1) is shown whole to the amministratore only
    (``tutto``); the others see its total."""
    from ..engine import fabbisogni as fa
    from ..engine import formazione as fo
    from ..engine import lavoro_agile as la
    from ..engine import organizzazione as og
    from ..engine.riservatezza import piccolo

    ctx: dict = {}
    if ORGANIZZAZIONE in dati:
        assegnazioni = og.organizzazione_from_data(dati[ORGANIZZAZIONE]["assegnazioni"])
        ctx["organigramma"] = og.organigramma(strutture, registro, assegnazioni, anno=anno)
    if LAVORO_AGILE in dati:
        attivita, accordi = la.lavoro_agile_from_data(dati[LAVORO_AGILE])
        ctx["condizioni"] = la.condizioni_from_data(dati[LAVORO_AGILE].get("condizioni", ()))
        ind = la.indicatori(anno, attivita, accordi, registro)
        ctx["agile"], ctx["attivita"] = ind, attivita
        righe = ind.per_genere + ind.per_categoria
        ctx["agile_dettaglio"] = tutto or not any(
            piccolo(r.persone, soglia) or piccolo(r.con_accordo, soglia) for r in righe
        )
    if FABBISOGNI in dati:
        cessazioni, assunzioni, parametri = fa.fabbisogni_from_data(dati[FABBISOGNI])
        if parametri is not None:
            anni = (anno + 1, anno + 2, anno + 3)
            ctx["fabbisogni"] = fa.calcola(anni, registro, cessazioni, assunzioni, parametri)
            ctx["assunzioni"] = assunzioni
    if FORMAZIONE in dati:
        corsi, partecipazioni = fo.formazione_from_data(dati[FORMAZIONE])
        r = fo.riepilogo(anno, corsi, partecipazioni, registro)
        ctx["formazione"], ctx["corsi"] = r, corsi
        ctx["formazione_dettaglio"] = tutto or not any(
            piccolo(x.persone, soglia) or piccolo(x.al_obiettivo, soglia) for x in r.righe[:-1]
        )
    return ctx


def dati_sezioni(vp, s3) -> list[tuple[str, dict]]:
    """The sections of 2.1 and 3 a set of files holds (``vp``: the impact objectives; ``s3``:
    files/sezione3.Sezione3), as the data stored, each with the keys of the tables that came
    only: a subsection made of several tables (3.2: activities and agreements) keeps the tables
    that did not come (``performance/piao.sezioni_importa`` merges them)."""
    from ..engine.fabbisogni import fabbisogni_to_data
    from ..engine.formazione import formazione_to_data
    from ..engine.lavoro_agile import condizioni_to_data, lavoro_agile_to_data
    from ..engine.organizzazione import organizzazione_to_data
    from ..engine.valore_pubblico import valore_pubblico_to_data

    out: list[tuple[str, dict]] = []
    if vp is not None:
        out.append((VALORE_PUBBLICO, {"obiettivi": valore_pubblico_to_data(vp)}))
    if s3 is None:
        return out

    def venute(d: dict, tabelle: dict[str, object]) -> dict:
        return {k: v for k, v in d.items() if tabelle.get(k) is not None}

    if s3.assegnazioni is not None:
        out.append((ORGANIZZAZIONE, {"assegnazioni": organizzazione_to_data(s3.assegnazioni)}))
    parti = (
        (LAVORO_AGILE, lavoro_agile_to_data(s3.attivita or (), s3.accordi or ()), ("attivita", "accordi")),
        (
            FABBISOGNI,
            fabbisogni_to_data(s3.cessazioni or (), s3.assunzioni or (), s3.parametri),
            ("cessazioni", "assunzioni", "parametri"),
        ),
        (FORMAZIONE, formazione_to_data(s3.corsi or (), s3.partecipazioni or ()), ("corsi", "partecipazioni")),
    )
    for sezione, d, tabelle in parti:
        presenti = {t: getattr(s3, t) for t in tabelle}
        if sezione == LAVORO_AGILE:  # its conditions are a table of their own in the same part
            d, presenti = (
                {**d, "condizioni": condizioni_to_data(s3.condizioni or ())},
                {**presenti, "condizioni": s3.condizioni},
            )
        if any(v is not None for v in presenti.values()):
            out.append((sezione, venute(d, presenti)))
    return out
