"""Results as an Excel workbook: the Relazione's (or a period's) figures, ready to sum and chart.

The plan itself in the seed's layout is ``files.tabular.write_xlsx_plan`` (it
imports back unchanged). This workbook is the *results*: a ``Sintesi`` sheet
(the entity, its perspectives, the fund) and one sheet per perspective with
every indicator's weight, target, actual value, achievement and status.
Numbers are numbers, percentages are percentages (stored as fractions with a
percent format, as Excel does), dates are dates; texts are stored as text, so
a cell that begins with ``=`` is never a formula.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..engine.model import Piano
from ..engine.rollup import RisultatoPiano
from ..files.tabular import sheet_title
from .formatting import status

PERCENT = "0.00%"
NUMBER = "#,##0.00"


def _put(ws, row: int, col: int, value, fmt: str | None = None):
    from openpyxl.cell.cell import TYPE_STRING

    c = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        c.data_type = TYPE_STRING  # openpyxl would take a leading "=" as a formula
    if fmt:
        c.number_format = fmt
    return c


def _frac(pct: float | None) -> float | None:
    return None if pct is None else pct / 100


def render_results_xlsx(
    piano: Piano, result: RisultatoPiano, out: str | Path, *, periodo: str = "", example_data: bool = False
) -> Path:
    from openpyxl import Workbook

    out = Path(out)
    wb = Workbook()
    _summary_sheet(wb.active, piano, result, periodo, example_data)
    by_code = {x.codice: x for x in result.indicatori}
    label = f"{result.anno}{' ' + periodo if periodo else ''}"
    headers = (*HEADERS[:7], f"Target {result.anno}", f"Consuntivo {label}", *HEADERS[7:])
    used: set[str] = {"sintesi"}
    for p in piano.prospettive:
        # Excel's rules for a sheet's name (no []:*?/\, 31 characters, unique): a perspective
        # named with a colon once made the whole export fail.
        title = sheet_title(f"{p.codice} {p.nome}", used)
        _perspective_sheet(wb.create_sheet(title), p, by_code, headers)
    wb.save(out)
    return out


# The columns of a perspective's sheet; the target's and the actual's, named by the year, go
# after the weight.
HEADERS: tuple[str, ...] = ("Linea", "Obiettivo strategico", "Obiettivo operativo", "Codice", "Indicatore")
HEADERS += ("Cruscotto", "Peso", "Grado", "Stato")
WIDE = ("Indicatore", "Obiettivo strategico", "Obiettivo operativo", "Linea")


def _head(c) -> None:
    from openpyxl.styles import Font, PatternFill

    c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="E8F0F8")


def _summary_sheet(ws, piano: Piano, result: RisultatoPiano, periodo: str, example_data: bool) -> None:
    """``Sintesi``: what the workbook is, the entity and its upper levels, the fund."""
    from openpyxl.styles import Font

    ws.title = "Sintesi"
    bold = Font(bold=True)
    rows = [
        ("Ente", piano.ente.nome),
        ("Piano", piano.titolo),
        ("Anno", result.anno),
        ("Periodo", periodo or "anno intero"),
        ("Riferimento", result.as_of),
    ]
    if example_data:
        rows.append(("Attenzione", "dati di esempio, inventati a scopo dimostrativo"))
    for r, (k, v) in enumerate(rows, start=1):
        _put(ws, r, 1, k).font = bold
        _put(ws, r, 2, v, "DD/MM/YYYY" if isinstance(v, date) else None)
    r = len(rows) + 2
    for col, h in enumerate(("Livello", "Codice", "Nome", "Grado", "Stato"), start=1):
        _head(_put(ws, r, col, h))
    r += 1
    _put(ws, r, 1, "ente")
    _put(ws, r, 3, piano.ente.nome)
    _put(ws, r, 4, _frac(result.achievement), PERCENT)
    _put(ws, r, 5, status(result.stato))
    for n in result.nodi:
        if n.livello not in ("ambito", "prospettiva", "obiettivo_strategico"):
            continue
        r += 1
        _put(ws, r, 1, n.livello.replace("_", " "))
        _put(ws, r, 2, n.codice)
        _put(ws, r, 3, n.nome)
        _put(ws, r, 4, _frac(n.achievement), PERCENT)
        _put(ws, r, 5, status(n.stato))
    if result.fondo:
        f = result.fondo
        r += 2
        for k, v, fmt in (
            ("Fondo", f.nome, None),
            ("Importo massimo", f.importo_massimo, NUMBER),
            ("Quota", _frac(f.quota), PERCENT),
            ("Importo spettante", f.importo, NUMBER),
        ):
            _put(ws, r, 1, k).font = bold
            _put(ws, r, 2, v, fmt)
            r += 1
        _put(ws, r, 1, "Provvisorio").font = bold
        _put(ws, r, 2, "sì, fino alla validazione dell'OIV" if f.provvisorio else "no")
    for letter, width in zip("ABCDE", (22, 14, 70, 12, 22)):
        ws.column_dimensions[letter].width = width


def _perspective_sheet(sh, p, by_code: dict, headers: tuple[str, ...]) -> None:
    """One perspective: a row per indicator with its place, weight, target, actual and result."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for col, h in enumerate(headers, start=1):
        _head(_put(sh, 1, col, h))
    row = 1
    for ln in p.linee:
        for os_ in ln.obiettivi_strategici:
            for oo, inds in [(None, os_.indicatori)] + [(oo, oo.indicatori) for oo in os_.obiettivi_operativi]:
                for i in inds:
                    row += 1
                    place = (
                        f"{ln.codice} - {ln.nome}",
                        f"{os_.codice} - {os_.nome}",
                        f"{oo.codice} - {oo.nome}" if oo else "",
                    )
                    _indicator_row(sh, row, place, i, by_code.get(i.codice))
    sh.freeze_panes = "E2"
    sh.auto_filter.ref = sh.dimensions
    for idx, h in enumerate(headers, start=1):
        sh.column_dimensions[get_column_letter(idx)].width = 45 if h in WIDE else 14
    for line in sh.iter_rows(min_row=2):
        for c in line:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def _indicator_row(sh, row: int, place: tuple[str, str, str], i, res) -> None:
    for col, text in enumerate(place, start=1):
        _put(sh, row, col, text)
    _put(sh, row, 4, i.codice)
    _put(sh, row, 5, i.nome)
    _put(sh, row, 6, i.cruscotto.value)
    _put(sh, row, 7, _frac(res.peso) if res and res.peso is not None else None, PERCENT)
    _put(sh, row, 8, res.target.testo if res and res.target else "")
    actual = res.actual if res else None
    if isinstance(actual, bool):
        _put(sh, row, 9, "sì" if actual else "no")
    elif isinstance(actual, date):
        _put(sh, row, 9, actual, "DD/MM/YYYY")
    else:
        _put(sh, row, 9, actual, NUMBER if isinstance(actual, float) else None)
    _put(sh, row, 10, _frac(res.achievement) if res else None, PERCENT)
    _put(sh, row, 11, status(res.stato) if res else "")


def render_team_xlsx(righe: list[dict], out: str | Path, *, titolo: str, example_data: bool = False) -> Path:
    """The cards of a team (or of the ente) in one sheet, ready to sort and sum: matricola,
    category, structure, evaluator, state, the score and each section's grade (a column per
    section code; empty where the card has no such section). ``righe``: dicts with those keys and
    ``sezioni`` ({code: (name, grade)})."""
    from openpyxl import Workbook

    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "Schede"
    _put(ws, 1, 1, titolo).font = _bold()
    if example_data:
        _put(ws, 2, 1, "Dati di esempio, inventati per la dimostrazione")
    codes: dict[str, str] = {}
    for r in righe:
        for code, (name, _grade) in r["sezioni"].items():
            codes.setdefault(code, name)
    headers = ["Matricola", "Categoria", "Struttura", "Valutatore", "Stato", "Punteggio"]
    headers += [f"{name} ({code})" for code, name in codes.items()]
    for col, h in enumerate(headers, start=1):
        _head(_put(ws, 4, col, h))
    for i, r in enumerate(righe, start=5):
        for col, key in enumerate(("matricola", "categoria", "struttura", "valutatore", "stato"), start=1):
            _put(ws, i, col, r[key] or "")
        _put(ws, i, 6, r["punteggio"], NUMBER)
        for col, code in enumerate(codes, start=7):
            grade = r["sezioni"].get(code, (None, None))[1]
            _put(ws, i, col, _frac(grade), PERCENT)
    for col in range(1, len(headers) + 1):
        ws.column_dimensions[ws.cell(row=4, column=col).column_letter].width = 14 if col > 1 else 12
    ws.freeze_panes = "B5"
    wb.save(out)
    return out


def _bold():
    from openpyxl.styles import Font

    return Font(bold=True, size=12)
