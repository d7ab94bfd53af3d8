"""Charts: the SVG that pages and documents share, checked on the demo plan's 2020 results."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from cruscotto.charts import achievement_bars, entity_gauge, strategy_map
from cruscotto.documents.docx import svg_to_png
from cruscotto.engine.rollup import score_plan
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def demo(demo_plan_path, demo_actuals_path):
    plan = load_plan(demo_plan_path).piano
    return plan, score_plan(plan, anno=2020, valori=read_actuals(demo_actuals_path))


def test_the_gauge_shows_the_entity_figure_rounded_half_up(demo):
    _plan, result = demo
    svg = entity_gauge(result.achievement, result.stato.value, label="raggiunto")
    root = ET.fromstring(svg)  # well-formed
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "91,49%" in texts and "raggiunto" in texts  # 91,4879... of the demo
    assert root.find(f"{SVG}title").text == "Performance di ente"


def test_the_gauge_arc_ends_where_the_figure_says():
    half = ET.fromstring(entity_gauge(50.0, "non_raggiunto"))
    arcs = [p.get("d") for p in half.iter(f"{SVG}path")]
    assert len(arcs) == 2  # the track and the figure
    end = re.search(r"([\d.]+),([\d.]+)$", arcs[1])
    assert float(end.group(1)) == pytest.approx(160.0, abs=0.1)  # 50%: straight up from the centre
    assert float(end.group(2)) == pytest.approx(30.0, abs=0.1)
    empty = ET.fromstring(entity_gauge(None, "senza_dati"))
    assert len(list(empty.iter(f"{SVG}path"))) == 1 and "—" in [t.text for t in empty.iter(f"{SVG}text")]


def test_bars_one_per_row_coloured_by_status_with_the_threshold(demo):
    plan, result = demo
    persp = [n for n in result.nodi if n.livello == "prospettiva"]
    svg = achievement_bars(
        [("", n.nome, n.achievement, n.stato.value) for n in persp],
        threshold=plan.regole.soglia_raggiunto,
        title="Prospettive",
    )
    root = ET.fromstring(svg)
    filled = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(filled) == len(persp) == 4
    for rect, n in zip(filled, persp):
        assert float(rect.get("width")) == pytest.approx(300 * min(n.achievement, 100) / 100, abs=0.05)
    assert any(line.get("stroke-dasharray") for line in root.iter(f"{SVG}line"))  # the threshold


def test_bars_say_when_there_is_no_figure_and_take_the_pages_number_format():
    svg = achievement_bars(
        [("X", "Senza dati", None, "senza_dati"), ("Y", "Pieno", 100.0, "raggiunto")],
        title="t",
        no_data="no data",
        pct=lambda v: "—" if v is None else f"{v:.2f}%",
    )
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "no data" in texts and "100.00%" in texts and "80.00%" in texts


def test_png_fallback_is_drawn_from_the_svg_with_the_embedded_fonts(demo):
    plan, result = demo
    png = svg_to_png(strategy_map(plan, result), width_px=800)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 800 and height > 300


def test_a_long_name_is_wrapped_whole_never_cut():
    """Issue 14: printed charts show objectives' full names, wrapped, never cut with "…"."""
    name = (
        "Favorire la competitività delle imprese del territorio attraverso la digitalizzazione, "
        "l'internazionalizzazione e la formazione delle competenze"
    )
    svg = achievement_bars([("B2", name, 75.0, "parzialmente_raggiunto"), ("C", "Breve", 90.0, "raggiunto")], title="t")
    root = ET.fromstring(svg)
    spans = [t.text for t in root.iter(f"{SVG}tspan")]
    assert "…" not in "".join(spans) and " ".join(spans[:-1]) == f"B2 · {name}" and spans[-1] == "C · Breve"
    assert len(spans) >= 3  # the long one over several lines
    # the rows do not overlap: each bar starts below the previous one
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#f2f3f5"]
    assert float(bars[1].get("y")) >= float(bars[0].get("y")) + float(bars[0].get("height")) + 8


def test_the_strategy_map_shows_every_name_whole_in_a_box_that_holds_it(demo):
    """Issue 14: a box grows with its objective's name (no "…" after four lines), and its band
    with its tallest box, so that names of real plans, longer than the seed's, print whole."""
    import dataclasses

    plan, result = demo
    long = " ".join(["Sviluppare le capacità di innovazione delle imprese e favorire"] * 3)
    first = plan.prospettive[0]
    line = first.linee[0]
    os0 = dataclasses.replace(line.obiettivi_strategici[0], nome=long)
    line = dataclasses.replace(line, obiettivi_strategici=(os0, *line.obiettivi_strategici[1:]))
    first = dataclasses.replace(first, linee=(line, *first.linee[1:]))
    plan = dataclasses.replace(plan, prospettive=(first, *plan.prospettive[1:]))
    root = ET.fromstring(strategy_map(plan, result))
    texts = [t for t in root.iter(f"{SVG}text")]
    assert "…" not in "".join(t.text or "" for t in texts)
    for a in root.iter(f"{SVG}a"):
        box = a.find(f"{SVG}rect")
        code, *name = [t.text for t in a.iter(f"{SVG}text")]
        objective = next(o for o in plan.obiettivi_strategici() if o.codice == code)
        assert " ".join(name) == " ".join(objective.nome.split())
        bottom = float(box.get("y")) + float(box.get("height"))
        assert all(float(t.get("y")) < bottom - 4 for t in a.iter(f"{SVG}text"))
    # the boxes of the next band start below the long box: bands do not overlap
    boxes = sorted(
        (float(a.find(f"{SVG}rect").get("y")), float(a.find(f"{SVG}rect").get("height"))) for a in root.iter(f"{SVG}a")
    )
    tallest = max(h for y, h in boxes if y == boxes[0][0])
    assert tallest > 96 and min(y for y, _h in boxes if y > boxes[0][0]) > boxes[0][0] + tallest
