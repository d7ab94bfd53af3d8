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
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    out = Path(out)
    anno = result.anno
    label = f"{anno}{' ' + periodo if periodo else ''}"
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="E8F0F8")
    wb = Workbook()
    ws = wb.active
    ws.title = "Sintesi"
    rows = [
        ("Ente", piano.ente.nome),
        ("Piano", piano.titolo),
        ("Anno", anno),
        ("Periodo", periodo or "anno intero"),
        ("Riferimento", result.as_of),
    ]
    if example_data:
        rows.append(("Attenzione", "dati di esempio, inventati a scopo dimostrativo"))
    for r, (k, v) in enumerate(rows, start=1):
        _put(ws, r, 1, k).font = head_font
        _put(ws, r, 2, v, "DD/MM/YYYY" if isinstance(v, date) else None)
    r = len(rows) + 2
    for col, h in enumerate(("Livello", "Codice", "Nome", "Grado", "Stato"), start=1):
        c = _put(ws, r, col, h)
        c.font, c.fill = head_font, head_fill
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
            _put(ws, r, 1, k).font = head_font
            _put(ws, r, 2, v, fmt)
            r += 1
        _put(ws, r, 1, "Provvisorio").font = head_font
        _put(ws, r, 2, "sì, fino alla validazione dell'OIV" if f.provvisorio else "no")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 70
    ws.column_dimensions["D"].width = 12
    ws.column_dimensions["E"].width = 22

    by_code = {x.codice: x for x in result.indicatori}
    headers = (
        "Linea",
        "Obiettivo strategico",
        "Obiettivo operativo",
        "Codice",
        "Indicatore",
        "Cruscotto",
        "Peso",
        f"Target {anno}",
        f"Consuntivo {label}",
        "Grado",
        "Stato",
    )
    used: set[str] = {"sintesi"}
    for p in piano.prospettive:
        title = f"{p.codice} {p.nome}"[:31].replace("/", "-")
        while title.lower() in used:
            title = title[:29] + "_"
        used.add(title.lower())
        sh = wb.create_sheet(title)
        for col, h in enumerate(headers, start=1):
            c = _put(sh, 1, col, h)
            c.font, c.fill = head_font, head_fill
        row = 1
        for ln in p.linee:
            for os_ in ln.obiettivi_strategici:
                for oo, inds in [(None, os_.indicatori)] + [(oo, oo.indicatori) for oo in os_.obiettivi_operativi]:
                    for i in inds:
                        res = by_code.get(i.codice)
                        row += 1
                        _put(sh, row, 1, f"{ln.codice} - {ln.nome}")
                        _put(sh, row, 2, f"{os_.codice} - {os_.nome}")
                        _put(sh, row, 3, f"{oo.codice} - {oo.nome}" if oo else "")
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
        sh.freeze_panes = "E2"
        sh.auto_filter.ref = sh.dimensions
        for idx, h in enumerate(headers, start=1):
            sh.column_dimensions[get_column_letter(idx)].width = (
                45 if h in ("Indicatore", "Obiettivo strategico", "Obiettivo operativo", "Linea") else 14
            )
        for line in sh.iter_rows(min_row=2):
            for c in line:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(out)
    return out
