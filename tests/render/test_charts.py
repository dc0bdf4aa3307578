"""Charts: the trajectory as inline SVG (quarters, lines, light colours, 未报送, ticks, title); the distribution
chart (every light in order, the lights' own colours); embedding, also of an analyst's matplotlib figure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from jj123lib.domain import lights
from jj123lib.render import charts
from jj123lib.render.svgchart import INK, LineChart

TITLE = "N01 纵深推进国家级盘活利用低效用地试点工作"


def _history() -> pd.DataFrame:
    return pd.DataFrame({"quarter": ["2026Q1", "2026Q2"], "planned_pct": [20.0, 50.0],
                         "actual_pct": [18.0, float("nan")], "light": ["green", "missing"]})


def _svg(chart: LineChart) -> ET.Element:
    return ET.fromstring(str(chart.svg()))


def _group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"g[@class='jj-chart-{name}']")
    assert found is not None
    return found


def _texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter("text")]


def test_trajectory_chart_shows_quarters_plan_and_actual() -> None:
    chart = charts.trajectory_chart(_history(), TITLE, ["2026Q1", "2026Q2", "2026Q3"])
    root = _svg(chart)
    axes = _group(root, "axes")
    assert [t.text for t in axes.iter("text") if t.get("text-anchor") == "middle"] == [
        "一季度", "二季度", "三季度", "累计进度（%）"]
    assert _texts(_group(root, "legend")) == ["计划累计进度", "实际累计进度"]
    lines = _group(root, "lines").findall("path")
    planned = [p for p in lines if p.get("stroke") == charts.PLANNED_COLOR]
    assert len(planned) == 1 and planned[0].get("stroke-dasharray")  # dashed, Q1–Q2 (no Q3 plan row)
    assert planned[0].get("d", "").count("L") == 1
    assert not [p for p in lines if p.get("stroke") == INK]  # one actual point: no line to draw
    assert _texts(_group(root, "labels")) == ["18%", lights.LABELS["missing"], lights.LABELS["missing"]]
    notes = [t for t in _group(root, "labels").iter("text") if t.text == lights.LABELS["missing"]]
    assert {t.get("fill") for t in notes} == {lights.COLORS["missing"]}
    assert chart.alt == f"{TITLE}：计划与实际累计进度" and root.get("aria-label") == chart.alt


def test_trajectory_points_take_the_lights_colours() -> None:
    history = pd.DataFrame({"quarter": ["2026Q1", "2026Q2", "2026Q3", "2026Q4"],
                            "planned_pct": [20.0, 40.0, 70.0, 100.0], "actual_pct": [25.0, 30.0, None, 60.0],
                            "light": ["green", "yellow", "missing", "red"]})
    root = _svg(charts.trajectory_chart(history, "N01", ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]))
    dots = [c for c in _group(root, "points").findall("circle") if c.get("stroke") == "#fff"]
    assert [c.get("fill") for c in dots] == [lights.COLORS[k] for k in ("green", "yellow", "red")]
    actual = [p for p in _group(root, "lines").findall("path") if p.get("stroke") == INK]
    assert len(actual) == 1 and actual[0].get("d", "").count("L") == 1  # the Q3 gap breaks the line
    assert _texts(_group(root, "labels")) == ["25%", "30%", "60%", "未报送"]


def test_trajectory_y_axis_from_zero_to_the_top_in_steps_of_twenty() -> None:
    root = _svg(charts.trajectory_chart(_history(), "N01", ["2026Q1", "2026Q2"]))
    ticks = [t.text for t in _group(root, "axes").iter("text") if t.get("text-anchor") == "end"]
    assert ticks == ["0", "20", "40", "60", "80", "100"]  # up to 108
    over = _history().assign(actual_pct=[131.0, 20.0])
    chart = charts.trajectory_chart(over, "N01", ["2026Q1", "2026Q2"])
    assert chart.y_range == (0.0, 148.0)  # ceil(131 / 10) * 10 + 8
    ticks = [t.text for t in _group(_svg(chart), "axes").iter("text") if t.get("text-anchor") == "end"]
    assert ticks == ["0", "20", "40", "60", "80", "100", "120", "140"]


def test_trajectory_title_wraps_at_24_characters() -> None:
    long = "P01 " + "一二三四五六七八九十" * 4
    chart = charts.trajectory_chart(_history(), long, ["2026Q1", "2026Q2"])
    assert chart.title_lines == (long[:24], long[24:])
    assert _texts(_group(_svg(chart), "title")) == [long[:24], long[24:]]


def test_distribution_chart_has_every_light_in_order() -> None:
    counts = pd.DataFrame({"done": [1, 0], "green": [3, 2], "yellow": [0, 1], "red": [1, 0], "missing": [0, 1]},
                          index=["全国领先示范", "全省领先示范"])
    chart = charts.distribution_chart(counts)
    html = str(charts.figure_html(chart, alt="分布"))
    assert html.startswith('<figure class="jj-figure"><svg role="img" aria-label="分布"')
    root = ET.fromstring(str(chart.svg()))
    # every light, in order, even at count 0 (pending and claimed here)
    assert _texts(_group(root, "legend")) == [lights.LABELS[key] for key in lights.ORDER]
    assert [t.text for t in _group(root, "axes").iter("text") if t.get("text-anchor") == "end"] == list(counts.index)
    assert "任务数（项）" in _texts(_group(root, "axes"))


def test_distribution_draws_lights_in_their_colours() -> None:
    counts = pd.DataFrame({key: [1] for key in lights.ORDER}, index=["全国领先示范"])
    bars = [r for r in _group(ET.fromstring(str(charts.distribution_chart(counts).svg())), "bars").iter("rect")]
    assert [r.get("fill") for r in bars] == [lights.COLORS[key] for key in lights.ORDER]
    group = _group(ET.fromstring(str(charts.distribution_chart(
        pd.DataFrame({"yellow": [3], "red": [2]}, index=["x"])).svg())), "bars")
    labels = {t.text: t.get("fill") or group.get("fill") for t in group.iter("text")}  # the group's ink is inherited
    assert labels == {"3": INK, "2": "#fff"}  # dark on yellow, white on the rest


def test_figure_html_embeds_an_svg_chart_inline_with_the_given_alt() -> None:
    chart = charts.trajectory_chart(_history(), "<b>x</b>", ["2026Q1", "2026Q2"])
    html = str(charts.figure_html(chart, alt='<script>alert("x")</script>', caption="说明"))
    assert html.startswith('<figure class="jj-figure"><svg role="img" aria-label="&lt;script&gt;')
    assert "<script>" not in html and "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert html.endswith("</svg><figcaption>说明</figcaption></figure>")
    assert chart._repr_html_() == str(chart.html())


def test_escaped_alt_text_of_a_matplotlib_figure() -> None:
    """An analyst's own matplotlib figure goes in as a data URI, its alt text escaped."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [0, 1])
    html = charts.figure_html(fig, alt='<script>alert("x")</script>')
    assert html.startswith('<figure class="jj-figure"><img src="data:image/svg+xml;base64,')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert charts.figure_html(fig, alt="x", fmt="png").startswith('<figure class="jj-figure"><img src="data:image/png;')