"""Charts as SVG text, made in Python: the same drawing serves web pages and documents.

No JavaScript, no system binary. Each chart has a <title> and <desc> for
screen readers; pages also show the numbers as a table.
"""

from __future__ import annotations

from html import escape

from .engine.model import Indicatore
from .engine.numbers import parse_value

WIDTH, HEIGHT = 640, 260
PAD_L, PAD_R, PAD_T, PAD_B = 56, 16, 24, 44
COLORS = {"storico": "#5d7083", "consuntivo": "#0066cc", "target": "#cc334d", "media": "#8a6d00"}


def _fmt(x: float) -> str:
    text = f"{x:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return text[:-3] if text.endswith(",00") else text


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
            f'<title id="t-{escape(ind.codice)}">{title}</title><text x="8" y="34" font-size="14">Nessun valore numerico da rappresentare</text></svg>'
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
        f'<svg role="img" aria-labelledby="t-{escape(ind.codice)} d-{escape(ind.codice)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Titillium Web, sans-serif" font-size="12">',
        f'<title id="t-{escape(ind.codice)}">{title}</title>',
        f'<desc id="d-{escape(ind.codice)}">Storico, consuntivi e target per anno; la tabella accanto riporta gli stessi valori.</desc>',
    ]
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        y = y_of(v)
        parts.append(f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9dadb" stroke-width="1"/>')
        parts.append(f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#404040">{_fmt(v)}</text>')
    bar_w = slot / 4
    for idx, y in enumerate(years):
        x0 = PAD_L + idx * slot
        parts.append(f'<text x="{x0 + slot / 2:.1f}" y="{HEIGHT - PAD_B + 18}" text-anchor="middle" fill="#1a1a1a">{y}</text>')
        for k, name in enumerate(("storico", "consuntivo")):
            v = series[name].get(y)
            if v is None:
                continue
            top, base = y_of(max(v, 0)), y_of(min(v, 0))
            x = x0 + slot / 2 - bar_w + k * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_w:.1f}" height="{max(base - top, 1):.1f}" fill="{COLORS[name]}">'
                f"<title>{name} {y}: {_fmt(v)}</title></rect>"
            )
    pts = [(PAD_L + years.index(y) * slot + slot / 2, y_of(v)) for y, v in sorted(series["target"].items())]
    if pts:
        parts.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(COLORS["target"], " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)))
        for (x, y), (yr, v) in zip(pts, sorted(series["target"].items())):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLORS["target"]}"><title>target {yr}: {_fmt(v)}</title></circle>')
    if media is not None:
        y = y_of(media)
        parts.append(f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" stroke="{COLORS["media"]}" stroke-dasharray="6 4" stroke-width="2"/>')
    legend = [("storico", "Storico"), ("consuntivo", "Consuntivo"), ("target", "Target")] + ([("media", "Media cluster")] if media is not None else [])
    for i, (key, label) in enumerate(legend):
        x = PAD_L + i * 130
        parts.append(f'<rect x="{x}" y="{HEIGHT - 16}" width="12" height="12" fill="{COLORS[key]}"/><text x="{x + 16}" y="{HEIGHT - 6}" fill="#1a1a1a">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
