"""Document blocks from an ente's context data (docs/contesto.md): the Piano's chapters 1 and 2.

The plan's narrative stays; the tables and lists that the data transcribe are
replaced by the data's, where the narrative prints them (the activities table,
the stakeholder map, the organs, the structure, the partecipate, the external
context's printed tables). What the narrative does not print goes at the end
of its section: a plan with no narrative gets the data all the same.
"""

from __future__ import annotations

import re

from ..engine import contesto as co
from ..engine.numbers import fold
from .blocks import Block, Bullets, Cell, Heading, Paragraph, Table
from .formatting import decimal_it

SEGNO = "●"  # the seed's mark in the stakeholder map


def quota_italiana(p: co.Partecipata) -> str:
    """A partecipata's share in Italian format with the decimals it was printed with: 0,014%."""
    return decimal_it(p.quota, co.decimali(p.quota_stampata)) + "%"


# --- one block per table -----------------------------------------------------------------------


def organi_table(c: co.Contesto) -> Table:
    return Table(
        ("Organo", "Ruolo", "Tipo"),
        tuple((Cell(o.nome, bold=True), Cell(o.ruolo), Cell(o.tipo)) for o in c.organi),
        "Organi dell'ente e organismi di cui si avvale",
        (1.6, 5, 1.2),
    )


def struttura_table(c: co.Contesto) -> Table:
    return Table(
        ("Voce", "Descrizione"),
        tuple((Cell(s.nome, bold=True), Cell(s.descrizione)) for s in c.struttura),
        "Struttura organizzativa",
        (1.4, 5),
    )


def attivita_table(c: co.Contesto) -> Table:
    rows = tuple(tuple(Cell(text) for text in row) for row in c.righe_attivita())
    return Table(tuple(a.area for a in c.attivita), rows, "Principali attività per area", tuple(1 for _a in c.attivita))


def mappa_table(m: co.MappaStakeholder) -> Table:
    rows = tuple(
        (Cell(r.gruppo), Cell(r.nome, bold=True), *(Cell(SEGNO if mark else "", "center") for mark in r.segni))
        for r in m.righe
    )
    return Table(
        ("Gruppo", "Stakeholder", *(col.intestazione for col in m.colonne)),
        rows,
        f"Mappa degli stakeholder: {SEGNO} dove la prospettiva riguarda lo stakeholder",
        (1.4, 1.6, *([0.9] * len(m.colonne))),
    )


def partecipate_table(c: co.Contesto) -> Table:
    return Table(
        ("Progr.", "Nome partecipata", "Codice fiscale", "Quota di partecipazione (%)"),
        tuple(
            (Cell(p.progressivo), Cell(p.nome), Cell(p.codice_fiscale), Cell(quota_italiana(p), "right"))
            for p in c.partecipate
        ),
        "Società partecipate",
        (0.7, 4, 1.4, 1.3),
    )


def tabella_table(t: co.TabellaContesto) -> Table:
    """A table of the external context as printed: the first column the labels, the figures as printed."""
    caption = " — ".join(
        x
        for x in (
            t.titolo,
            t.nota,
            t.fonte,
            "cifre citate nel testo, raccolte in tabella" if t.origine == "testo" else "",
        )
        if x
    )
    rows = tuple(tuple(Cell(x.testo, "left" if i == 0 else "right") for i, x in enumerate(r)) for r in t.righe)
    n = len(t.intestazioni)
    return Table(t.intestazioni, rows, caption, (3, *([1] * (n - 1))) if n > 1 else ())


def _findings(problems, what: str) -> list:
    if not problems:
        return []
    return [
        Paragraph(f"Controlli: {len(problems)} {what}.", "note"),
        Bullets(tuple(f"{f.where}: {f.message}" for f in problems)),
    ]


# --- into the narrative ------------------------------------------------------------------------


def _heading_is(h: Heading, words: str) -> bool:
    """The heading names ``words`` as whole words ("Gli organi", not "Organizzazione")."""
    return re.search(rf"\b{re.escape(words)}\b", fold(h.text)) is not None


def _same_table(narrative: Table, t: co.TabellaContesto) -> bool:
    """A narrative table is a data table when the column headers (but the labels' own) and the row labels agree."""
    if len(narrative.header) != len(t.intestazioni) or [fold(h) for h in narrative.header[1:]] != [
        fold(h) for h in t.intestazioni[1:]
    ]:
        return False
    return [fold(r[0].text) for r in narrative.rows if r] == [fold(r[0].testo) for r in t.righe if r]


def presentazione(blocks: list, c: co.Contesto, level: int = 3) -> list:
    """Section 1.1: the activities table and the stakeholder map from the data, in place of the typed ones."""
    areas = [fold(a.area) for a in c.attivita]
    placed: set[str] = set()
    out: list[Block] = []
    for blk in blocks:
        if isinstance(blk, Table) and c.attivita and [fold(h) for h in blk.header] == areas:
            out.append(attivita_table(c))
            placed.add("attivita")
        elif isinstance(blk, Table) and c.mappa and any("stakeholder" in fold(h) for h in blk.header):
            out.append(mappa_table(c.mappa))
            placed.add("mappa")
        else:
            out.append(blk)
    if c.attivita and "attivita" not in placed:
        out += [Heading("Principali attività", level), attivita_table(c)]
    if c.mappa and "mappa" not in placed:
        out += [Heading("Mappa degli stakeholder", level), mappa_table(c.mappa)]
    if c.mappa:
        out += _findings(co.check_mappa(c.mappa), "stakeholder non segnati in alcuna colonna")
    return out


def organizzazione(blocks: list, c: co.Contesto, *, drop_tables: bool = False, level: int = 3) -> list:
    """Section 1.2: organs and structure (the body of their sub-sections) and the partecipate table from the data.

    The sub-sections *Organi* and *Struttura organizzativa* are the data's transcription: the data
    table replaces their body. The partecipate table replaces the typed one; the prose around it
    stays. ``drop_tables``: the other typed tables go too (the staff tables, computed elsewhere).
    """
    out: list = []
    placed: set[str] = set()
    skipping = False
    for blk in blocks:
        if isinstance(blk, Heading):
            skipping = False
            out.append(blk)
            if c.organi and "organi" not in placed and _heading_is(blk, "organi"):
                out.append(organi_table(c))
                placed.add("organi")
                skipping = True
            elif c.struttura and "struttura" not in placed and _heading_is(blk, "struttura organizzativa"):
                out.append(struttura_table(c))
                placed.add("struttura")
                skipping = True
            continue
        if skipping:
            continue
        if isinstance(blk, Table) and c.partecipate and any("codice fiscale" in fold(h) for h in blk.header):
            out.append(partecipate_table(c))
            placed.add("partecipate")
        elif isinstance(blk, Table) and drop_tables:
            continue
        else:
            out.append(blk)
    for key, title, table in (
        ("organi", "Gli organi", organi_table if c.organi else None),
        ("struttura", "Struttura organizzativa", struttura_table if c.struttura else None),
        ("partecipate", "Partecipate", partecipate_table if c.partecipate else None),
    ):
        if table is not None and key not in placed:
            out += [Heading(title, level), table(c)]
    out += _findings(co.check_partecipate(c.partecipate), "segnalazioni sulle partecipate")
    return out


def contesto_esterno(blocks: list, c: co.Contesto, level: int = 2) -> list:
    """Chapter 2: the printed tables from the data where the narrative prints them; after the
    narrative text, the tables of the figures it quotes (and any other the narrative lacks)."""
    placed: set[str] = set()
    out: list[Block] = []
    for blk in blocks:
        match = next(
            (t for t in c.tabelle if t.slug not in placed and isinstance(blk, Table) and _same_table(blk, t)), None
        )
        if match is not None:
            out.append(tabella_table(match))
            placed.add(match.slug)
        else:
            out.append(blk)
    rest = [t for t in c.tabelle if t.slug not in placed]
    if rest:
        out.append(Heading("Il contesto esterno in cifre", level))
        out.append(
            Paragraph(
                "Le tabelle dei dati di contesto: come stampate nel piano o, "
                "dove indicato, con le cifre che il testo cita."
            )
        )
        out += [tabella_table(t) for t in rest]
    out += _findings(co.check_tabelle(c.tabelle), "cifre del contesto esterno non tornano con le altre")
    return out


def relazione_blocks(c: co.Contesto, level: int = 2) -> list:
    """The Relazione's context, briefly (DFP guidelines 3/2018, *contesto e risorse*): the organs,
    the partecipate and the external context's printed tables, with their sources."""
    out: list = []
    if c.organi:
        out += [Heading("Gli organi", level), organi_table(c)]
    if c.partecipate:
        out += [Heading("Le partecipate", level), partecipate_table(c)]
    printed = [t for t in c.tabelle if t.origine == "tabella"]
    if printed:
        out += [Heading("Il contesto esterno", level), *(tabella_table(t) for t in printed)]
    return out
