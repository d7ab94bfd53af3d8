"""Charts as SVG text, made in Python: the same drawing serves web pages and documents.

No JavaScript, no system binary. Each chart has a <title> and <desc> for
screen readers; pages also show the numbers as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .engine import display
from .engine.model import Indicatore
from .engine.numbers import parse_value
from .engine.scoring import STATO_TESTO

WIDTH, HEIGHT = 640, 260
PAD_L, PAD_R, PAD_T, PAD_B = 56, 16, 24, 44
COLORS = {"storico": "#5d7083", "consuntivo": "#0066cc", "target": "#cc334d", "media": "#8a6d00"}


def _fmt(x: float) -> str:
    return display.number(x)  # as the pages and documents write figures (engine/display.py)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    import math

    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * exp >= v:
            return m * exp
    return 10 * exp


def indicator_chart(ind: Indicatore, actuals: dict) -> str:
    """Bars for history and actual values, a line for targets, a dashed line for the cluster average.

    ``actuals`` maps year -> an object with a ``valore`` text (as stored) or a number.
    Non-numeric values (dates, yes/no) are not drawn: the chart says so.
    """
    years = sorted(set(ind.storico) | set(ind.target) | set(actuals))
    series: dict[str, dict[int, float]] = {"storico": {}, "consuntivo": {}, "target": {}}
    for y, d in ind.storico.items():
        if isinstance(d.valore, float):
            series["storico"][y] = d.valore
    for y, t in ind.target.items():
        if t.valore is not None and t.tipo.value == "numero":
            series["target"][y] = t.valore
    for y, a in actuals.items():
        v = parse_value(getattr(a, "valore", a))
        if isinstance(v, float):
            series["consuntivo"][y] = v
    media = ind.media_cluster.valore if ind.media_cluster and isinstance(ind.media_cluster.valore, float) else None
    values = [v for s in series.values() for v in s.values()] + ([media] if media is not None else [])
    title = escape(f"{ind.codice} – {ind.nome}")
    if not values or not years:
        return (
            f'<svg role="img" aria-labelledby="t-{escape(ind.codice)}" viewBox="0 0 {WIDTH} 60" width="100%" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="t-{escape(ind.codice)}">{title}</title>'
            '<text x="8" y="34" font-size="14">Nessun valore numerico da rappresentare</text></svg>'
        )
    lo = min(0.0, min(values))
    hi = _nice_max(max(values)) if max(values) > 0 else 0.0
    if hi == lo:
        hi = lo + 1
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B

    def y_of(v: float) -> float:
        return PAD_T + plot_h * (hi - v) / (hi - lo)

    slot = plot_w / len(years)
    parts = [
        f'<svg role="img" aria-labelledby="t-{escape(ind.codice)} d-{escape(ind.codice)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Titillium Web, sans-serif" font-size="12">',
        f'<title id="t-{escape(ind.codice)}">{title}</title>',
        f'<desc id="d-{escape(ind.codice)}">'
        "Storico, consuntivi e target per anno; la tabella accanto riporta gli stessi valori.</desc>",
    ]
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        gy = y_of(v)
        parts.append(
            f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#d9dadb" stroke-width="1"/>'
        )
        parts.append(f'<text x="{PAD_L - 6}" y="{gy + 4:.1f}" text-anchor="end" fill="#404040">{_fmt(v)}</text>')
    bar_w = slot / 4
    for idx, y in enumerate(years):
        x0 = PAD_L + idx * slot
        parts.append(
            f'<text x="{x0 + slot / 2:.1f}" y="{HEIGHT - PAD_B + 18}" text-anchor="middle" fill="#1a1a1a">{y}</text>'
        )
        for k, name in enumerate(("storico", "consuntivo")):
            v = series[name].get(y)
            if v is None:
                continue
            top, base = y_of(max(v, 0)), y_of(min(v, 0))
            x = x0 + slot / 2 - bar_w + k * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_w:.1f}" height="{max(base - top, 1):.1f}" '
                f'fill="{COLORS[name]}">'
                f"<title>{name} {y}: {_fmt(v)}</title></rect>"
            )
    pts = [(PAD_L + years.index(y) * slot + slot / 2, y_of(v)) for y, v in sorted(series["target"].items())]
    if pts:
        parts.append(
            '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
                COLORS["target"], " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            )
        )
        for (x, py), (yr, v) in zip(pts, sorted(series["target"].items())):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{py:.1f}" r="4" fill="{COLORS["target"]}">'
                f"<title>target {yr}: {_fmt(v)}</title></circle>"
            )
    if media is not None:
        my = y_of(media)
        parts.append(
            f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{my:.1f}" y2="{my:.1f}" stroke="{COLORS["media"]}" '
            'stroke-dasharray="6 4" stroke-width="2"/>'
        )
    legend = [("storico", "Storico"), ("consuntivo", "Consuntivo"), ("target", "Target")] + (
        [("media", "Media cluster")] if media is not None else []
    )
    for i, (key, label) in enumerate(legend):
        x = PAD_L + i * 130
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 16}" width="12" height="12" fill="{COLORS[key]}"/>'
            f'<text x="{x + 16}" y="{HEIGHT - 6}" fill="#1a1a1a">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- strategy map -------------------------------------------------------------------

MAP_W = 1200
BAND_H = 150
BOX_W, BOX_H = 200, 96
MAP_FILL = {
    "raggiunto": ("#008055", "#ffffff"),
    "parzialmente_raggiunto": ("#ffd666", "#1a1a1a"),
    "non_raggiunto": ("#cc334d", "#ffffff"),
    "senza_dati": ("#e6e9f2", "#1a1a1a"),
    "in_attesa": ("#e6e9f2", "#1a1a1a"),
    "non_valutabile": ("#e6e9f2", "#1a1a1a"),
    "baseline": ("#e6e9f2", "#1a1a1a"),
    "neutralizzato": ("#e6e9f2", "#1a1a1a"),
    "nessun_indicatore": ("#ffffff", "#1a1a1a"),
    "solo_cascading": ("#ffffff", "#1a1a1a"),  # white as in the seed: outside the cruscotto di ente
}
MAP_LABEL = {
    **{k.value: v for k, v in STATO_TESTO.items()},
    "nessun_indicatore": "senza indicatori nel cruscotto di ente",
    "solo_cascading": "solo cascading, fuori dalla performance di ente",
}


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of about ``width`` characters, broken between words, all of it."""
    words, out, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width and cur:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        out.append(cur)
    return out


def map_status(piano, result) -> dict[str, str]:
    """Colour key of each strategic objective: DOMAIN.md's rule.

    Green achieved, red not, white when the objective has no indicator in the
    cruscotto di ente (the seed's white boxes): ``solo_cascading`` when it is scored in the
    areas only (the seed's lines C and F, which the pages and the Relazione call so too),
    ``nessun_indicatore`` when it has none at all; amber partly achieved, grey when it has
    indicators but no data yet.
    """
    nodes = {n.codice: n for n in result.nodi if n.livello == "obiettivo_strategico"}
    out = {}
    for os_ in piano.obiettivi_strategici():
        n = nodes.get(os_.codice)
        if n is None:
            out[os_.codice] = "nessun_indicatore"
        elif n.cruscotto == "area":
            out[os_.codice] = "solo_cascading"
        else:
            out[os_.codice] = n.stato.value
    return out


def strategy_map(piano, result, link=lambda code: f"#os-{code}") -> str:
    """Vision on top, perspectives as bands, strategic objectives as boxes, cause-effect arrows.

    ``link(code)`` gives each box's address. Everything is drawn from the plan:
    move an objective or add a cause and the map follows.
    """
    status = map_status(piano, result)
    bands = list(piano.prospettive)
    # Each box holds its objective's whole name, wrapped: a box grows with its name, a band with
    # its tallest box (BAND_H and BOX_H are the least), never a name cut short.
    width: dict[str, float] = {}
    lines: dict[str, list[str]] = {}
    box_h: dict[str, float] = {}
    band_h: list[float] = []
    for p in bands:
        objs = [o for ln in p.linee for o in ln.obiettivi_strategici]
        slot = (MAP_W - 40) / max(1, len(objs))
        for o in objs:
            width[o.codice] = min(BOX_W, slot - 16)
            lines[o.codice] = _wrap(o.nome, max(12, int(width[o.codice] / 7.2)))
            box_h[o.codice] = max(BOX_H, 36 + 15 * len(lines[o.codice]))
        band_h.append(max([BAND_H] + [box_h[o.codice] + 54 for o in objs]))
    height = 90 + sum(band_h) + 40
    pos: dict[str, tuple[float, float]] = {}
    parts = [
        f'<svg role="group" aria-labelledby="mappa-titolo" viewBox="0 0 {MAP_W} {height}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg" '
        'font-family="Titillium Web, sans-serif" font-size="13">',
        '<title id="mappa-titolo">Mappa strategica</title>',
        '<defs><marker id="freccia" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#17324d"/></marker></defs>',
        f'<rect x="200" y="10" width="{MAP_W - 400}" height="56" rx="28" fill="#0066cc"/>',
        f'<text x="{MAP_W / 2}" y="44" text-anchor="middle" fill="#ffffff" font-size="17" font-weight="600">'
        f"{escape(piano.vision or piano.ente.nome)}</text>",
    ]
    for bi, p in enumerate(bands):
        top = 90 + sum(band_h[:bi])
        parts.append(
            f'<rect x="0" y="{top}" width="{MAP_W}" height="{band_h[bi] - 8}" '
            f'fill="{"#f2f7fc" if bi % 2 == 0 else "#e8f0f8"}"/>'
        )
        parts.append(f'<text x="12" y="{top + 22}" fill="#17324d" font-weight="700">{escape(p.nome.upper())}</text>')
        objs = [o for ln in p.linee for o in ln.obiettivi_strategici]
        slot = (MAP_W - 40) / max(1, len(objs))
        for oi, o in enumerate(objs):
            pos[o.codice] = (20 + slot * oi + slot / 2, top + 34)
    # Arrows first, so that boxes sit on top: from the top of the cause to the bottom of the effect.
    for o in piano.obiettivi_strategici():
        for target in o.cause:
            if o.codice in pos and target in pos:
                (x1, y1), (x2, y2) = pos[o.codice], pos[target]
                y_end = y2 + box_h[target] if y2 < y1 else y2
                parts.append(
                    f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y_end:.0f}" '
                    'stroke="#17324d" stroke-width="1.6" marker-end="url(#freccia)" opacity="0.75">'
                    f"<title>{escape(o.codice)} → {escape(target)}</title></line>"
                )
    for o in piano.obiettivi_strategici():
        cx, y = pos[o.codice]
        w = width[o.codice]
        key = status.get(o.codice, "nessun_indicatore")
        fill, ink = MAP_FILL[key]
        label = f"{o.codice} – {o.nome} ({MAP_LABEL[key]})"
        parts.append(f'<a href="{escape(link(o.codice))}" aria-label="{escape(label)}">')
        parts.append(
            f'<rect x="{cx - w / 2:.0f}" y="{y:.0f}" width="{w:.0f}" height="{box_h[o.codice]:.0f}" rx="6" '
            f'fill="{fill}" stroke="#17324d" stroke-width="1.5"/>'
        )
        parts.append(
            f'<text x="{cx:.0f}" y="{y + 18:.0f}" text-anchor="middle" fill="{ink}" font-weight="700">'
            f"{escape(o.codice)}</text>"
        )
        for li, line in enumerate(lines[o.codice]):
            parts.append(
                f'<text x="{cx:.0f}" y="{y + 36 + li * 15:.0f}" text-anchor="middle" fill="{ink}">{escape(line)}</text>'
            )
        parts.append("</a>")
    legend = [
        ("raggiunto", "raggiunto"),
        ("parzialmente_raggiunto", "parz. raggiunto"),
        ("non_raggiunto", "non raggiunto"),
        ("senza_dati", "senza dati"),
        ("solo_cascading", "solo cascading / senza indicatori"),
    ]
    for i, (key, text) in enumerate(legend):
        x = 20 + i * 200
        fill, _ink = MAP_FILL[key]
        parts.append(
            f'<rect x="{x}" y="{height - 28}" width="16" height="16" fill="{fill}" stroke="#17324d"/>'
            f'<text x="{x + 22}" y="{height - 15}" fill="#1a1a1a">{text}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- achievement: the entity gauge and bars by perspective or objective -------------------

STATUS_FILL = {k: v[0] for k, v in MAP_FILL.items()}
STATUS_TEXT = {k: v[1] for k, v in MAP_FILL.items()}


def _pct(x: float | None) -> str:
    """Italian percent exactly as in the pages and documents (engine/display.py): 99,00% beside
    96,49%, never 99% beside 96,49%."""
    return display.pct(x)


def entity_gauge(
    achievement: float | None,
    stato: str,
    *,
    threshold: float = 80.0,
    title: str = "Performance di ente",
    label: str = "",
    pct=_pct,
) -> str:
    """A half-circle gauge from 0 to 100%: the arc filled up to the figure, a tick at the threshold.

    ``label`` is the status in words and ``pct`` formats a percentage, both in the caller's
    language (Italian by default); the colour follows the status.
    """
    import math

    w, h, cx, cy, r, thick = 320, 190, 160, 160, 130, 26

    def point(pct: float, radius: float) -> tuple[float, float]:
        a = math.pi * (1 - max(0.0, min(100.0, pct)) / 100)
        return cx + radius * math.cos(a), cy - radius * math.sin(a)

    def arc(to_pct: float, colour: str) -> str:
        x0, y0 = point(0, r)
        x1, y1 = point(to_pct, r)
        return (
            f'<path d="M{x0:.1f},{y0:.1f} A{r},{r} 0 0 1 {x1:.1f},{y1:.1f}" '
            f'fill="none" stroke="{colour}" stroke-width="{thick}"/>'
        )

    value = pct(achievement)
    parts = [
        f'<svg role="img" aria-labelledby="g-t g-d" viewBox="0 0 {w} {h}" width="100%" class="grafico-lancetta" '
        'xmlns="http://www.w3.org/2000/svg" '
        'font-family="Titillium Web, sans-serif">',
        f'<title id="g-t">{escape(title)}</title><desc id="g-d">{escape(f"{value} {label}".strip())}</desc>',
        arc(100, "#e6e9f2"),
    ]
    if achievement is not None and achievement > 0:
        parts.append(arc(min(achievement, 100.0), STATUS_FILL.get(stato, "#5d7083")))
    tx0, ty0 = point(threshold, r - thick / 2 - 4)
    tx1, ty1 = point(threshold, r + thick / 2 + 4)
    parts.append(
        f'<line x1="{tx0:.1f}" y1="{ty0:.1f}" x2="{tx1:.1f}" y2="{ty1:.1f}" stroke="#1a1a1a" stroke-width="2">'
        f"<title>{escape(pct(threshold))}</title></line>"
    )
    parts.append(f'<text x="{cx - r}" y="{cy + 22}" text-anchor="middle" font-size="12" fill="#404040">0</text>')
    parts.append(f'<text x="{cx + r}" y="{cy + 22}" text-anchor="middle" font-size="12" fill="#404040">100</text>')
    parts.append(
        f'<text x="{cx}" y="{cy - 18}" text-anchor="middle" font-size="32" font-weight="700" fill="#1a1a1a">'
        f"{escape(value)}</text>"
    )
    if label:
        parts.append(
            f'<text x="{cx}" y="{cy + 8}" text-anchor="middle" font-size="14" fill="#1a1a1a">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def achievement_bars(
    rows: list[tuple[str, str, float | None, str]],
    *,
    threshold: float = 80.0,
    title: str,
    no_data: str = "senza dati",
    pct=_pct,
) -> str:
    """Horizontal bars, one per row ``(code, name, achievement, status)``, 0 to 100%, a line at the threshold.

    A row without a figure shows ``no_data`` instead of a bar. A long name is wrapped over as
    many lines as it needs, never cut with "…" (issue 14): the row grows with it.
    """
    label_w, bar_w, value_w, row_h, top = 330, 300, 70, 26, 8
    label_chars, line_h, bar_h = 52, 14, row_h - 8
    w = label_w + bar_w + value_w
    layout = []
    y = top
    for code, name, value, stato in rows:
        text = f"{code} · {name}" if code else name
        lines = _wrap(text, label_chars) or [""]
        rh = max(row_h, 8 + line_h * len(lines))
        layout.append((y, rh, text, lines, value, stato))
        y += rh
    h = y + 24
    import hashlib

    # A stable id (not hash(): salted per process), unique enough for two charts on one page.
    uid = "b" + hashlib.sha1(repr((title, [r[0] for r in rows])).encode()).hexdigest()[:8]
    parts = [
        # its widest size (max-width) is in cruscotto.css: no style attribute under the CSP
        f'<svg role="img" aria-labelledby="{uid}-t" viewBox="0 0 {w} {h}" width="100%" class="grafico-barre" '
        'xmlns="http://www.w3.org/2000/svg" font-family="Titillium Web, sans-serif" font-size="12">',
        f'<title id="{uid}-t">{escape(title)}</title>',
    ]
    for y, rh, text, lines, value, stato in layout:
        middle = y + rh / 2
        by = middle - bar_h / 2
        first = middle + 4 - line_h * (len(lines) - 1) / 2
        spans = "".join(
            f'<tspan x="{label_w - 8}" y="{first + k * line_h:.1f}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end" fill="#1a1a1a"><title>{escape(text)}</title>{spans}</text>')
        parts.append(f'<rect x="{label_w}" y="{by:.1f}" width="{bar_w}" height="{bar_h}" fill="#f2f3f5"/>')
        if value is None:
            parts.append(
                f'<text x="{label_w + 6}" y="{middle + 4:.1f}" fill="#5d7083" font-style="italic">'
                f"{escape(no_data)}</text>"
            )
        else:
            length = bar_w * max(0.0, min(value, 100.0)) / 100
            fill = STATUS_FILL.get(stato, "#5d7083")
            parts.append(
                f'<rect x="{label_w}" y="{by:.1f}" width="{length:.1f}" height="{bar_h}" fill="{fill}">'
                f"<title>{escape(text)}: {pct(value)}</title></rect>"
            )
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{middle + 4:.1f}" fill="#1a1a1a">{pct(value)}</text>')
    tx = label_w + bar_w * threshold / 100
    parts.append(
        f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{h - 20}" '
        'stroke="#1a1a1a" stroke-dasharray="4 3" stroke-width="1.5"/>'
    )
    for tick in (0, 50, 100):
        x = label_w + bar_w * tick / 100
        parts.append(f'<text x="{x:.1f}" y="{h - 6}" text-anchor="middle" fill="#404040">{tick}%</text>')
    parts.append(
        f'<text x="{tx:.1f}" y="{h - 6}" text-anchor="middle" fill="#1a1a1a" font-weight="700">'
        f"{escape(pct(threshold))}</text>"
        if threshold not in (0, 50, 100)
        else ""
    )
    parts.append("</svg>")
    return "".join(parts)


def histogram(fasce: Sequence[tuple[float, float, int]], *, title: str, of: str = "persone") -> str:
    """A small histogram of scores: one column per band (``Distribuzione.fasce``: from, to,
    count), the count over each column, the band under it. The title says the counts in words,
    for those who do not see the picture."""
    col_w, gap, h_plot, top, bottom = 34, 6, 60, 16, 18
    w = len(fasce) * (col_w + gap) + gap
    h = top + h_plot + bottom
    peak = max((c for _lo, _hi, c in fasce), default=0) or 1
    words = "; ".join(f"{_fmt(lo)}–{_fmt(hi)}: {c} {of}" for lo, hi, c in fasce)
    import hashlib

    uid = "h" + hashlib.sha1(repr((title, list(fasce))).encode()).hexdigest()[:8]
    parts = [
        f'<svg role="img" aria-labelledby="{uid}-t" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'class="grafico-istogramma" xmlns="http://www.w3.org/2000/svg" '
        'font-family="Titillium Web, sans-serif" font-size="10">',
        f'<title id="{uid}-t">{escape(title)}: {escape(words)}</title>',
        f'<line x1="0" x2="{w}" y1="{top + h_plot}" y2="{top + h_plot}" stroke="#5d7083" stroke-width="1"/>',
    ]
    for k, (lo, hi, c) in enumerate(fasce):
        x = gap + k * (col_w + gap)
        bar = h_plot * c / peak
        y = top + h_plot - bar
        parts.append(f'<rect x="{x}" y="{y:.1f}" width="{col_w}" height="{bar:.1f}" fill="#0066cc"/>')
        parts.append(f'<text x="{x + col_w / 2}" y="{y - 3:.1f}" text-anchor="middle" fill="#1a1a1a">{c}</text>')
        parts.append(
            f'<text x="{x + col_w / 2}" y="{h - 5}" text-anchor="middle" fill="#404040">{_fmt(lo)}–{_fmt(hi)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def strip(
    punti: Sequence[tuple[float, str | None, bool]],
    *,
    title: str,
    cluster: tuple[float, float, float] | None = None,
) -> str:
    """The values of one indicator across the enti, one dot each on a line: ``(value, name or
    None, own)``; the ente's own dot larger and coloured, the others grey, named (in their
    tooltip) only when the caller says so. ``cluster``: (q1, median, q3), drawn as a band with
    its median. ``title`` says the figures in words, for those who do not see the picture."""
    w, h, pad = 640, 74, 24
    xs = [p[0] for p in punti]
    if not xs:
        return ""
    lo, hi = min(xs), max(xs)
    if cluster:
        lo, hi = min(lo, cluster[0]), max(hi, cluster[2])
    span = (hi - lo) or 1.0

    def x_of(v: float) -> float:
        return pad + (w - 2 * pad) * (v - lo) / span

    import hashlib

    uid = "s" + hashlib.sha1(repr((title, xs)).encode()).hexdigest()[:8]
    y = 34
    parts = [
        f'<svg role="img" aria-labelledby="{uid}-t" viewBox="0 0 {w} {h}" width="100%" class="grafico-barre" '
        'xmlns="http://www.w3.org/2000/svg" font-family="Titillium Web, sans-serif" font-size="11">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<line x1="{pad}" x2="{w - pad}" y1="{y}" y2="{y}" stroke="#5d7083" stroke-width="1"/>',
    ]
    if cluster:
        q1, med, q3 = (x_of(v) for v in cluster)
        parts.append(f'<rect x="{q1:.1f}" y="{y - 12}" width="{max(q3 - q1, 1):.1f}" height="24" fill="#d9e8f6"/>')
        parts.append(
            f'<line x1="{med:.1f}" x2="{med:.1f}" y1="{y - 14}" y2="{y + 14}" stroke="#0066cc" stroke-width="2"/>'
        )
    for v, name, mine in sorted(punti, key=lambda p: p[2]):  # the own dot last, on top
        label = f"{name}: {_fmt(v)}" if name else _fmt(v)
        if mine:
            parts.append(
                f'<circle cx="{x_of(v):.1f}" cy="{y}" r="7" fill="#d1344c" stroke="#fff" stroke-width="1.5">'
                f"<title>{escape(label)}</title></circle>"
            )
        else:
            parts.append(
                f'<circle cx="{x_of(v):.1f}" cy="{y}" r="4" fill="#5d7083" fill-opacity="0.6">'
                f"<title>{escape(label)}</title></circle>"
            )
    parts.append(f'<text x="{pad}" y="{h - 6}" fill="#404040">{_fmt(lo)}</text>')
    parts.append(f'<text x="{w - pad}" y="{h - 6}" text-anchor="end" fill="#404040">{_fmt(hi)}</text>')
    parts.append("</svg>")
    return "".join(parts)
