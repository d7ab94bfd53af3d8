"""The ente's context from CSV or XLSX files (docs/contesto.md).

A folder holds one file per table, each optional, as CSV (comma or semicolon)
or XLSX with the same name:

- ``organi``: ``nome, ruolo, tipo``
- ``struttura``: ``voce, descrizione``
- ``attivita``: one column per area, headed by its name, its activities below
  (the table as printed)
- ``stakeholder``: ``gruppo, stakeholder`` and one column per column of the map
  (``Imprese Territorio: Promozione`` for a sub-column), a mark (●) or nothing
- ``partecipate``: ``progressivo, nome, codice_fiscale, quota`` (the printed
  headers ``PROGR.``, ``NOME PARTECIPATA``... are understood too)
- ``contesto-<slug>``: a table of the external context, headers and cells as
  printed, the first column the rows' labels; ``contesto`` is the index of
  these tables: ``tabella, titolo, origine, fonte, nota, quote, valori,
  totale, completa, confronta`` (only ``tabella`` and ``titolo`` required).

Every bad cell of a file is listed at once, each naming file, row, column and
value; nothing is half-read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict, Unpack

from ..engine.contesto import (
    ORIGINI,
    AreaAttivita,
    AzionePositiva,
    Cella,
    ColonnaMappa,
    Contesto,
    MappaStakeholder,
    Organo,
    Partecipata,
    Quote,
    Stakeholder,
    TabellaContesto,
    VoceStruttura,
)
from ..engine.errors import ParseError, Problem
from ..engine.numbers import NO, YES, fold, split_number
from .tables import InvalidFile, Table, cell_text, match_headers, read_table

# Canonical column -> the headers accepted for it (the first is the one error messages name).
AZIONI_COLUMNS = {
    "azione": ("azione",),
    "descrizione": ("descrizione",),
    "atto": ("atto",),
    "riferimento": ("riferimento", "link"),
}
ORGANI_COLUMNS = {"nome": ("nome", "organo"), "ruolo": ("ruolo", "descrizione"), "tipo": ("tipo",)}
STRUTTURA_COLUMNS = {"voce": ("voce", "nome", "ruolo"), "descrizione": ("descrizione",)}
STAKEHOLDER_COLUMNS = {"gruppo": ("gruppo",), "stakeholder": ("stakeholder", "nome")}
PARTECIPATE_COLUMNS = {
    "progressivo": ("progressivo", "progr.", "progr", "n."),
    "nome": ("nome", "nome partecipata", "denominazione"),
    "codice_fiscale": (
        "codice_fiscale",
        "codice fiscale",
        "codice fiscale partecipata",
        "partita iva",
        "codice fiscale/partita iva",
    ),
    "quota": ("quota", "quota di partecipazione (%)", "quota di partecipazione", "quota (%)", "quota %"),
}
INDICE_COLUMNS = {
    name: (name,)
    for name in ("tabella", "titolo", "origine", "fonte", "nota", "quote", "valori", "totale", "completa", "confronta")
}
PREFISSO_TABELLA = "contesto-"

# What marks a cell of the stakeholder map: the seed's ●, and what people type instead of it.
SEGNI = frozenset({"●", "•", "x", "✓", "✔", "*", "si", "sì"})


class _Cells:
    """Keeps every bad cell of a file, so that its errors are listed all at once."""

    def __init__(self, table: Table):
        self.table = table
        self.problems: list[Problem] = []

    def bad(self, message: str, value: object, where: str) -> None:
        self.problems.append(
            Problem("valore_non_valido", message + (f": {value!r}" if value is not None else ""), where)
        )

    def done(self) -> None:
        if self.problems:
            raise InvalidFile(self.table.source, self.problems)


def _columns(table: Table, accepted: Mapping[str, tuple[str, ...]], required: tuple[str, ...]) -> dict[str, int]:
    known = {fold(h): canon for canon, names in accepted.items() for h in names}
    cols, _unknown = match_headers(table, known)
    missing = [accepted[c][0] for c in required if c not in cols]
    if missing:
        expected = ", ".join(names[0] for names in accepted.values())
        raise ParseError(
            f"colonne mancanti: {', '.join(missing)} (attese: {expected})", where=f"{table.source}, riga 1"
        )
    return cols


def _get(cells: list[object], idx: int | None) -> str:
    return cell_text(cells[idx]) if idx is not None and idx < len(cells) else ""


def _where(table: Table, n: int, column: str) -> str:
    return f"{table.source}, riga {n}, colonna {column}"


def _header(table: Table, cols: dict[str, int], name: str) -> str:
    """The column's header as the file has it (``NOME PARTECIPATA``), for messages."""
    return table.headers[cols[name]] if name in cols else name


def _required_text(cells: list[object], cols: dict[str, int], name: str, table: Table, n: int, cell: _Cells) -> str:
    text = _get(cells, cols.get(name))
    if not text:
        cell.bad(f"{name} mancante", None, _where(table, n, _header(table, cols, name)))
    return text


def read_organi(path: str | Path) -> tuple[Organo, ...]:
    table = read_table(path)
    cols = _columns(table, ORGANI_COLUMNS, ("nome", "ruolo"))
    cell, out = _Cells(table), []
    for n, cells in table.rows:
        nome = _required_text(cells, cols, "nome", table, n, cell)
        ruolo = _required_text(cells, cols, "ruolo", table, n, cell)
        out.append(Organo(nome, ruolo, _get(cells, cols.get("tipo"))))
    cell.done()
    return tuple(out)


def read_azioni_positive(path: str | Path) -> tuple[AzionePositiva, ...]:
    table = read_table(path)
    cols = _columns(table, AZIONI_COLUMNS, ("azione", "descrizione"))
    cell, out = _Cells(table), []
    for n, cells in table.rows:
        azione = _required_text(cells, cols, "azione", table, n, cell)
        descrizione = _required_text(cells, cols, "descrizione", table, n, cell)
        link = _get(cells, cols.get("riferimento"))
        if link and not link.lower().startswith(("http://", "https://")):
            # Shown as a link to every reader: no javascript:, data: or other schemes.
            cell.problems.append(
                Problem(
                    "valore_non_valido",
                    f"riferimento non valido (un indirizzo http:// o https://): {link!r}",
                    f"{table.source}, riga {n}, colonna riferimento",
                )
            )
            link = ""
        out.append(AzionePositiva(azione, descrizione, _get(cells, cols.get("atto")), link))
    cell.done()
    return tuple(out)


def read_struttura(path: str | Path) -> tuple[VoceStruttura, ...]:
    table = read_table(path)
    cols = _columns(table, STRUTTURA_COLUMNS, ("voce", "descrizione"))
    cell, out = _Cells(table), []
    for n, cells in table.rows:
        out.append(
            VoceStruttura(
                _required_text(cells, cols, "voce", table, n, cell),
                _required_text(cells, cols, "descrizione", table, n, cell),
            )
        )
    cell.done()
    return tuple(out)


def read_attivita(path: str | Path) -> tuple[AreaAttivita, ...]:
    """The table as printed: each header an area, each cell below it one of its activities.

    A blank cell is the end of a shorter column (the seed's areas list five, six
    and four activities); a blank header under activities is an error.
    """
    table = read_table(path)
    cell = _Cells(table)
    areas: list[tuple[str, list[str]]] = [(h, []) for h in table.headers]
    for n, cells in table.rows:
        for idx, value in enumerate(cells):
            text = cell_text(value)
            if not text:
                continue
            if idx >= len(areas) or not areas[idx][0]:
                cell.bad(
                    "attività in una colonna senza area (intestazione vuota)", text, _where(table, n, str(idx + 1))
                )
                continue
            areas[idx][1].append(text)
    cell.done()
    return tuple(AreaAttivita(area, tuple(items)) for area, items in areas if area)


def _segno(text: str) -> bool | None:
    """True for a mark, False for an empty cell or a "no", None for anything else."""
    f = fold(text)
    if f in ("", "no"):
        return False
    return True if f in SEGNI or text.strip() in SEGNI else None


def read_stakeholder(path: str | Path) -> MappaStakeholder:
    table = read_table(path)
    cols = _columns(table, STAKEHOLDER_COLUMNS, ("gruppo", "stakeholder"))
    named = set(cols.values())
    mark_cols = [i for i, h in enumerate(table.headers) if i not in named and h]
    if not mark_cols:
        raise ParseError("nessuna colonna di prospettive dopo gruppo e stakeholder", where=f"{table.source}, riga 1")
    cell, rows, group = _Cells(table), [], ""
    for n, cells in table.rows:
        # A merged cell copies as one value and blanks below it: a blank group is the one above.
        group = _get(cells, cols["gruppo"]) or group
        nome = _required_text(cells, cols, "stakeholder", table, n, cell)
        if not group:
            cell.bad(
                "gruppo mancante (né in questa riga né sopra)", None, _where(table, n, _header(table, cols, "gruppo"))
            )
        marks = []
        for i in mark_cols:
            text = _get(cells, i)
            mark = _segno(text)
            if mark is None:
                cell.bad("segno non valido (atteso ● o vuoto)", text, _where(table, n, table.headers[i]))
            marks.append(bool(mark))
        rows.append(Stakeholder(group, nome, tuple(marks)))
    cell.done()
    return MappaStakeholder(tuple(ColonnaMappa.da_intestazione(table.headers[i]) for i in mark_cols), tuple(rows))


def _codice_fiscale(raw: object) -> str:
    # A spreadsheet stores 00140570466 as the number 140570466: the leading zeros it dropped
    # are put back. A text cell is kept as typed (spaces aside), so that a wrong one is shown as it is.
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer() and 0 <= raw < 10**11:
        return str(int(raw)).zfill(11)
    return cell_text(raw).replace(" ", "")


def read_partecipate(path: str | Path) -> tuple[Partecipata, ...]:
    table = read_table(path)
    cols = _columns(table, PARTECIPATE_COLUMNS, ("nome", "codice_fiscale", "quota"))
    cell, out = _Cells(table), []
    for n, cells in table.rows:
        nome = _required_text(cells, cols, "nome", table, n, cell)
        idx = cols["codice_fiscale"]
        codice = _codice_fiscale(cells[idx] if idx < len(cells) else None)
        if not codice:
            cell.bad("codice fiscale mancante", None, _where(table, n, _header(table, cols, "codice_fiscale")))
        printed = _get(cells, cols["quota"])
        parts = split_number(printed) if printed else None
        if parts is None or parts[1] not in ("", "%"):
            cell.bad(
                "quota non valida (attesa una percentuale, ad esempio 0,21%)",
                printed,
                _where(table, n, _header(table, cols, "quota")),
            )
            quota = 0.0
        else:
            quota = parts[0]
        out.append(Partecipata(_get(cells, cols.get("progressivo")), nome, codice, quota, printed))
    cell.done()
    return tuple(out)


class _Dettagli(TypedDict, total=False):
    """What the index says of a table besides its title: TabellaContesto's fields of these names."""

    origine: str
    fonte: str
    nota: str
    quote: Quote | None
    confronta: str


class _Indice(_Dettagli):
    titolo: str


def read_tabella(path: str | Path, slug: str, titolo: str = "", **meta: Unpack[_Dettagli]) -> TabellaContesto:
    """A context table as printed: its header row and its cells, numbers read where a cell is one."""
    table = read_table(path)
    headers = tuple(table.headers)
    seen: dict[str, str] = {}
    for h in headers:
        if h and fold(h) in seen:
            raise ParseError(f"colonna ripetuta: {h!r}", where=f"{table.source}, riga 1")
        seen[fold(h)] = h
    rows: list[tuple[Cella, ...]] = []
    for n, cells in table.rows:
        texts = [cell_text(c) for c in cells]
        while len(texts) > len(headers) and not texts[-1]:
            texts.pop()  # trailing blank cells of a spreadsheet row
        if len(texts) > len(headers):
            raise ParseError(
                f"la riga ha {len(texts)} celle, l'intestazione {len(headers)} colonne",
                value=texts[-1],
                where=f"{table.source}, riga {n}",
            )
        texts += [""] * (len(headers) - len(texts))
        rows.append(tuple(Cella.da_testo(t) for t in texts))
    return TabellaContesto(slug, titolo or slug, headers, tuple(rows), **meta)


def _read_indice(path: Path) -> list[tuple[int, str, _Indice]]:
    """The index rows: (row number, slug, the table's title and checks)."""
    table = read_table(path)
    cols = _columns(table, INDICE_COLUMNS, ("tabella", "titolo"))
    cell = _Cells(table)
    out: list[tuple[int, str, _Indice]] = []
    for n, cells in table.rows:
        slug = _required_text(cells, cols, "tabella", table, n, cell)
        titolo = _required_text(cells, cols, "titolo", table, n, cell)
        origine = fold(_get(cells, cols.get("origine"))) or "tabella"
        if origine not in ORIGINI:
            cell.bad(
                f"origine non valida (attese: {', '.join(ORIGINI)})",
                _get(cells, cols.get("origine")),
                _where(table, n, "origine"),
            )
        completa_text = _get(cells, cols.get("completa"))
        completa = fold(completa_text) in YES
        if completa_text and not completa and fold(completa_text) not in NO:
            cell.bad("completa: atteso sì o no", completa_text, _where(table, n, "completa"))
        quote_col = _get(cells, cols.get("quote"))
        valori, totale = _get(cells, cols.get("valori")), _get(cells, cols.get("totale"))
        if (valori or totale or completa) and not quote_col:
            cell.bad(
                "valori, totale e completa descrivono una colonna di quote: manca la colonna quote",
                valori or totale or completa_text,
                _where(table, n, "quote"),
            )
        if totale and not valori:
            cell.bad(
                "un totale è della colonna dei valori: manca la colonna valori", totale, _where(table, n, "valori")
            )
        meta: _Indice = {
            "titolo": titolo,
            "origine": origine,
            "fonte": _get(cells, cols.get("fonte")),
            "nota": _get(cells, cols.get("nota")),
            "quote": Quote(quote_col, valori, totale, completa) if quote_col else None,
            "confronta": _get(cells, cols.get("confronta")),
        }
        out.append((n, slug, meta))
    cell.done()
    return out


def _index_errors(path: Path, n: int, t: TabellaContesto, slugs: set[str]) -> list[Problem]:
    """What the index says of a table that the table does not have: a column, a row, another table."""
    out = []

    def bad(column: str, message: str, value: str) -> None:
        out.append(Problem("valore_non_valido", f"{message}: {value!r}", _where_path(path, n, column)))

    q = t.quote
    if q is not None:
        if t.colonna(q.colonna) is None:
            bad("quote", f"la tabella {t.slug} non ha questa colonna", q.colonna)
        if q.valori and t.colonna(q.valori) is None:
            bad("valori", f"la tabella {t.slug} non ha questa colonna", q.valori)
        if q.totale and t.riga(q.totale) is None:
            bad("totale", f"la tabella {t.slug} non ha questa riga", q.totale)
    if t.confronta and t.confronta not in slugs:
        bad("confronta", "tabella sconosciuta", t.confronta)
    return out


def _where_path(path: Path, n: int, column: str) -> str:
    return f"{path}, riga {n}, colonna {column}"


def _find(folder: Path, stem: str) -> Path | None:
    """``stem.csv`` or ``stem.xlsx``; both is an error (which one is meant?)."""
    found = [p for p in sorted(folder.iterdir()) if p.stem == stem and p.suffix.lower() in (".csv", ".xlsx")]
    if len(found) > 1:
        raise ParseError(f"due file per la stessa tabella: {', '.join(p.name for p in found)}", where=str(folder))
    return found[0] if found else None


def load_contesto(folder: str | Path) -> Contesto:
    """Every table found in ``folder`` (each is optional).

    Context tables are read in the index's order, then any other ``contesto-<slug>``
    file by name (titled by its slug).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ParseError("cartella del contesto non trovata", where=str(folder))
    found = {
        stem: _find(folder, stem)
        for stem in ("organi", "struttura", "attivita", "stakeholder", "partecipate", "contesto", "azioni-positive")
    }
    files: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if (
            p.suffix.lower() in (".csv", ".xlsx")
            and p.stem.startswith(PREFISSO_TABELLA)
            and len(p.stem) > len(PREFISSO_TABELLA)
        ):
            slug = p.stem[len(PREFISSO_TABELLA) :]
            if slug in files:
                raise ParseError(f"due file per la stessa tabella: {files[slug].name}, {p.name}", where=str(folder))
            files[slug] = p
    indice = found["contesto"]
    index = _read_indice(indice) if indice else []
    tables, problems, listed = [], [], set()
    for n, slug, meta in index:
        assert indice is not None  # the rows are the index file's
        if slug in listed:
            problems.append(
                Problem(
                    "valore_non_valido", f"tabella ripetuta nell'indice: {slug!r}", _where_path(indice, n, "tabella")
                )
            )
            continue
        listed.add(slug)
        if slug not in files:
            problems.append(
                Problem(
                    "valore_non_valido",
                    f"manca il file {PREFISSO_TABELLA}{slug}.csv (o .xlsx): {slug!r}",
                    _where_path(indice, n, "tabella"),
                )
            )
            continue
        t = read_tabella(files[slug], slug, **meta)
        problems += _index_errors(indice, n, t, set(files))
        tables.append(t)
    if problems:
        raise InvalidFile(str(found["contesto"]), problems)
    tables += [read_tabella(p, slug) for slug, p in files.items() if slug not in listed]
    return Contesto(
        organi=read_organi(found["organi"]) if found["organi"] else (),
        struttura=read_struttura(found["struttura"]) if found["struttura"] else (),
        attivita=read_attivita(found["attivita"]) if found["attivita"] else (),
        mappa=read_stakeholder(found["stakeholder"]) if found["stakeholder"] else None,
        partecipate=read_partecipate(found["partecipate"]) if found["partecipate"] else (),
        tabelle=tuple(tables),
        azioni_positive=read_azioni_positive(found["azioni-positive"]) if found["azioni-positive"] else (),
    )
