"""Hand-built SVG line charts: structure, gaps, finite coordinates, ticks, titles, legend, escaping, determinism."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jj123lib.render.svgchart import Line, LineChart, Note, Rule, Segment, StackedBarChart, figure_markup, nice_ticks
from tests.hostile import HOSTILE

ALLOWED_TAGS = {"svg", "title", "g", "text", "path", "circle", "rect"}
NUMERIC_ATTRIBUTES = {"x", "y", "cx", "cy", "r", "width", "height", "font-size", "stroke-width"}


def chart(**changes: object) -> LineChart:
    fields: dict[str, object] = {
        "title_lines": ("N01 标题",), "alt": "N01 标题：计划与实际",
        "x_labels": ("一季度", "二季度", "三季度", "四季度"),
        "y_range": (0.0, 108.0), "y_ticks": tuple((float(v), str(v)) for v in range(0, 108, 20)),
        "marks": (Line("计划", (10.0, 30.0, 60.0, 100.0), "#8a94a0", dash="6 3", marker="circle"),
                  Line("实际", (12.0, 25.0, None, 90.0), "#1d2630",
                       point_colors=("#2e7d32", "#b7860b", "#6b7280", "#c62828"),
                       point_labels=("12%", "25%", "", "90%"))),
        "y_label": "累计进度（%）",
    }
    fields.update(changes)
    return LineChart(**fields)  # type: ignore[arg-type]


def parse(c: LineChart) -> ET.Element:
    return ET.fromstring(str(c.svg()))


def group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"g[@class='jj-chart-{name}']")
    assert found is not None, name
    return found


def path_points(d: str) -> list[tuple[float, float]]:
    assert d.startswith("M") and "H" not in d and "V" not in d
    return [(float(x), float(y)) for x, y in (p.split() for p in d[1:].split("L"))]


def gridlines(root: ET.Element) -> list[float]:
    """The y of each gridline (one path of horizontal moves), bottom first."""
    grid = [p for p in group(root, "axes").findall("path") if p.get("stroke") == "#e3e7eb"]
    assert len(grid) == 1
    return [float(y) for _, y in re.findall(r"M([\d.]+) ([\d.]+)H", grid[0].get("d", ""))]


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter("text")]


def test_series_points_and_light_colours() -> None:
    root = parse(chart())
    lines = group(root, "lines").findall("path")
    planned = [p for p in lines if p.get("stroke") == "#8a94a0"]
    actual = [p for p in lines if p.get("stroke") == "#1d2630"]
    assert len(planned) == 1 and len(path_points(planned[0].get("d", ""))) == 4
    assert planned[0].get("stroke-dasharray") == "6 3" and actual[0].get("stroke-dasharray") is None
    circles = group(root, "points").findall("circle")
    light_dots = [c for c in circles if c.get("stroke") == "#fff"]
    assert [c.get("fill") for c in light_dots] == ["#2e7d32", "#b7860b", "#c62828"]  # none for the gap
    assert len([c for c in circles if c.get("fill") == "#8a94a0"]) == 4  # the planned line's markers
    assert texts(group(root, "labels")) == ["12%", "25%", "90%"]
    # each label sits above its own point
    for dot, label in zip(light_dots, group(root, "labels").iter("text")):
        assert label.get("x") == dot.get("cx") and float(label.get("y", "0")) < float(dot.get("cy", "0"))


def test_gaps_break_lines_into_separate_segments() -> None:
    root = parse(chart())
    actual = [p for p in group(root, "lines").findall("path") if p.get("stroke") == "#1d2630"]
    assert len(actual) == 1  # (12, 25) is a segment; 90 after the gap stands alone as a point
    assert len(path_points(actual[0].get("d", ""))) == 2
    two_runs = parse(chart(marks=(Line("实际", (1.0, 2.0, None, 3.0, 4.0), "#000"),),
                           x_labels=("a", "b", "c", "d", "e")))
    segments = [path_points(p.get("d", "")) for p in group(two_runs, "lines").findall("path")]
    assert [len(s) for s in segments] == [2, 2]
    assert segments[0][-1][0] < segments[1][0][0]  # nothing drawn across the gap


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), None, "不是数字"])
def test_no_nan_or_infinite_coordinates(bad: object) -> None:
    marks = (Line("x", (bad, 5.0, bad, 7.0), "#000", marker="circle", point_labels=("a", "b", "c", "d")),  # type: ignore[arg-type]
             Rule("r", bad, "#111"))  # type: ignore[arg-type]
    for y_range in [(0.0, 10.0), (float("nan"), 1.0), (3.0, 3.0)]:
        svg = str(chart(marks=marks, y_range=y_range, notes=(Note(0, bad, "未报送", "#6b7280"),)).svg())  # type: ignore[arg-type]
        assert not re.search(r"nan|inf", svg, re.I)
        for element in ET.fromstring(svg).iter():
            for name in NUMERIC_ATTRIBUTES & set(element.attrib):
                if name not in ("width", "height") or element.tag != "svg":
                    assert math.isfinite(float(element.attrib[name])), (element.tag, name)
            for number in re.findall(r"-?\d+(?:\.\d+)?", element.get("d", "")):
                assert math.isfinite(float(number))
        assert len(group(ET.fromstring(svg), "points").findall("circle")) == 2  # the two finite points only


def test_y_ticks_and_gridlines() -> None:
    root = parse(chart())
    axes = group(root, "axes")
    tick_labels = [t for t in axes.iter("text") if t.get("text-anchor") == "end"]
    assert [t.text for t in tick_labels] == ["0", "20", "40", "60", "80", "100"]
    ys = gridlines(root)
    assert len(ys) == 6 and ys == sorted(ys, reverse=True)  # 0 at the bottom
    steps = [a - b for a, b in zip(ys, ys[1:])]
    assert max(steps) - min(steps) < 0.2  # evenly spaced
    assert [t.text for t in axes.iter("text") if t.get("text-anchor") == "middle"][:4] == [
        "一季度", "二季度", "三季度", "四季度"]
    y_label = [t for t in axes.iter("text") if t.get("transform")]
    assert [t.text for t in y_label] == ["累计进度（%）"] and y_label[0].get("transform", "").startswith("rotate(-90")


def test_ticks_outside_the_range_are_left_out() -> None:
    root = parse(chart(y_ticks=((-20.0, "-20"), (0.0, "0"), (200.0, "200"), (float("nan"), "x"))))
    assert [t.text for t in group(root, "axes").iter("text") if t.get("text-anchor") == "end"] == ["0"]


def test_title_lines_and_long_lines_wrap_within_the_width() -> None:
    root = parse(chart(title_lines=("第一行", "第二行")))
    assert texts(group(root, "title")) == ["第一行", "第二行"]
    long = "很长" * 40
    title = group(parse(chart(title_lines=(long,), width=380)), "title")
    lines = texts(title)
    assert len(lines) > 1 and "".join(lines) == long
    assert all(len(line) * 12.6 <= 380 for line in lines)  # CJK: one em per glyph
    ys = [float(t.get("y", "0")) for t in title.iter("text")]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)


def test_odd_inputs_still_draw_a_sane_plot() -> None:
    few_colours = Line("x", (1.0, 2.0, 3.0), "#123456", point_colors=("#2e7d32",))
    root = parse(chart(marks=(few_colours,), x_labels=("a", "b", "c"), title_lines=("标题" * 200,)))
    assert [c.get("fill") for c in group(root, "points").findall("circle")] == ["#2e7d32", "#123456", "#123456"]
    ys = gridlines(root)
    assert ys[0] > ys[-1]  # 0 still below 100 under a title that fills the chart


def test_legend_lists_labelled_marks_in_order() -> None:
    marks = (Line("序时目标", (1.0, 2.0), "#8a94a0", dash="5 3"), Rule("年度目标", 3.0, "#8a94a0", dash="1.5 2.5"),
             Line("", (2.0, 2.5), "#999"), Line("标杆", (2.0, 2.2), "#7a4f9a", marker="square"),
             Line("晋江", (1.0, 2.0), "#1d2630"))
    legend = group(parse(chart(marks=marks, x_labels=("一季度", "二季度"))), "legend")
    assert texts(legend) == ["序时目标", "年度目标", "标杆", "晋江"]
    assert [p.get("stroke") for p in legend.findall("path")] == ["#8a94a0", "#8a94a0", "#7a4f9a", "#1d2630"]
    assert [p.get("stroke-dasharray") for p in legend.findall("path")] == ["5 3", "1.5 2.5", None, None]
    assert len(legend.findall("rect")) == 1  # the benchmark's square marker
    narrow = group(parse(chart(marks=marks, x_labels=("一季度", "二季度"), width=200)), "legend")
    assert len({t.get("y") for t in narrow.iter("text")}) > 1  # too wide for one row: wraps


def test_rules_span_the_plot_at_their_value() -> None:
    root = parse(chart(marks=(Rule("年度目标", 54.0, "#8a94a0"), Rule("界外", 500.0, "#123456"))))
    rules = group(root, "lines").findall("path")
    assert len(rules) == 1  # outside the y range: not drawn
    y0, y100 = gridlines(root)[0], gridlines(root)[-1]
    (_, y), = re.findall(r"M([\d.]+) ([\d.]+)H", rules[0].get("d", ""))
    y = float(y)
    assert y == pytest.approx(y0 + (y100 - y0) * 54 / 100, abs=0.2)


def test_accessible_name_title_and_embedding() -> None:
    c = chart()
    root = parse(c)
    assert root.get("role") == "img" and root.get("aria-label") == c.alt
    assert root.findtext("title") == c.alt and root.get("viewBox") == "0 0 460 260"
    assert "max-width:460px" in root.get("style", "") and "width:100%" in root.get("style", "")
    assert "font-family:inherit" in root.get("style", "")
    html = c._repr_html_()
    assert html.startswith('<figure class="jj-figure"><svg ') and html.endswith("</svg></figure>")
    assert "<figcaption>说明&lt;b&gt;</figcaption>" in str(c.html(caption="说明<b>"))
    assert str(figure_markup(c.svg())) == html


def test_same_input_same_bytes() -> None:
    assert chart().svg() == chart().svg()
    assert str(chart().svg()) == str(chart().svg())
    assert "id=" not in str(chart().svg())


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.data.append(data)


@pytest.mark.parametrize(("typed", "_shown"), HOSTILE)
def test_hostile_text_stays_text(typed: str, _shown: str) -> None:
    c = chart(title_lines=(typed[:40],), alt=typed, y_label=typed, x_labels=(typed, "二季度", "三季度", "四季度"),
              marks=(Line(typed, (1.0, 2.0, 3.0, 4.0), "#000", point_labels=(typed, "", "", "")),),
              notes=(Note(1, 5.0, typed, "#6b7280"),))
    svg = str(c.svg())
    root = ET.fromstring(svg)  # well-formed XML whatever was typed
    assert {e.tag for e in root.iter()} <= ALLOWED_TAGS
    # XML normalises line breaks and tabs in attribute values to spaces
    assert root.get("aria-label") == re.sub(r"[\t\n]", " ", typed) and root.findtext("title") == typed
    shown = [t for name in ("axes", "labels", "legend") for t in texts(group(root, name))]
    assert shown.count(typed) == 5  # x label, y label, point label, note, legend: verbatim
    assert "".join(texts(group(root, "title"))) == typed[:40]
    for element in root.iter():
        assert not any(name.lower().startswith("on") or name.endswith("href") for name in element.attrib)
    parser = _Elements()  # a browser's view: the same, with no element or handler from the text
    parser.feed(str(c.html()))
    assert set(parser.tags) <= ALLOWED_TAGS | {"figure"}
    assert not [n for n, _ in parser.attrs if n.startswith("on") or n in ("href", "src", "xlink:href")]
    assert not [v for n, v in parser.attrs if n != "aria-label" and v and re.search(r"pwn|javascript:", v, re.I)]


@pytest.mark.parametrize(("low", "high", "labels"), [
    (0.0, 1.0, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
    (420.0, 560.0, ["420", "440", "460", "480", "500", "520", "540", "560"]),
    (63.0, 86.0, ["65", "70", "75", "80", "85"]),
    (-5.0, 5.0, ["-4", "-2", "0", "2", "4"]),
    (0.013, 0.029, ["0.0150", "0.0175", "0.0200", "0.0225", "0.0250", "0.0275"]),
])
def test_nice_ticks_examples(low: float, high: float, labels: list[str]) -> None:
    assert [label for _, label in nice_ticks(low, high)] == labels


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e9))
def test_nice_ticks_are_round_even_and_inside(low: float, span: float) -> None:
    high = low + span
    if not high > low:
        return
    ticks = nice_ticks(low, high)
    values = [v for v, _ in ticks]
    assert 3 <= len(values) <= 8
    assert all(low - span * 1e-6 <= v <= high + span * 1e-6 for v in values)
    steps = [b - a for a, b in zip(values, values[1:])]
    assert all(abs(s - steps[0]) <= abs(steps[0]) * 1e-6 for s in steps)
    assert all(math.isfinite(float(label)) for _, label in ticks)


def test_nice_ticks_of_an_empty_range() -> None:
    assert nice_ticks(1.0, 1.0) == () and nice_ticks(2.0, 1.0) == () and nice_ticks(float("nan"), 1.0) == ()


# ------------------------------------------------------------------------------------------------
# StackedBarChart
# ------------------------------------------------------------------------------------------------
def bars(**changes: object) -> StackedBarChart:
    fields: dict[str, object] = {
        "alt": "分布", "rows": ("全国领先示范", "全省领先示范"),
        "segments": (Segment("绿灯", (5.0, 9.0), "#2e7d32"), Segment("黄灯", (0.0, 1.0), "#b7860b"),
                     Segment("未报送", (1.0, 0.0), "#6b7280", hatched=True)),
        "x_label": "任务数（项）",
    }
    fields.update(changes)
    return StackedBarChart(**fields)  # type: ignore[arg-type]


def test_stacked_bars_are_proportional_and_stacked_left_to_right() -> None:
    root = ET.fromstring(str(bars().svg()))
    rects = group(root, "bars").findall("rect")
    # zero-width segments are not drawn: 绿 5 + 未报送 1 in row 1, 绿 9 + 黄 1 in row 2
    assert [r.get("fill") for r in rects] == ["#2e7d32", "#6b7280", "#2e7d32", "#b7860b"]
    widths = [float(r.get("width", "0")) for r in rects]
    assert widths[0] == pytest.approx(5 * widths[1], rel=0.02) and widths[2] == pytest.approx(9 * widths[3], rel=0.02)
    x = [float(r.get("x", "0")) for r in rects]
    assert x[0] == x[2] and x[1] == pytest.approx(x[0] + widths[0], abs=0.11)  # one axis, stacked
    assert texts(group(root, "legend")) == ["绿灯", "黄灯", "未报送"]  # every segment, even one at zero


def test_only_hatched_segments_are_hatched_and_hatching_stays_inside() -> None:
    root = ET.fromstring(str(bars().svg()))
    hatches = [p for p in group(root, "bars").findall("path") if p.get("stroke") == "#fff"]
    assert len(hatches) == 1
    missing = next(r for r in group(root, "bars").findall("rect") if r.get("fill") == "#6b7280")
    x0, y0 = float(missing.get("x", "0")), float(missing.get("y", "0"))
    x1, y1 = x0 + float(missing.get("width", "0")), y0 + float(missing.get("height", "0"))
    points = [(float(a), float(b)) for a, b in re.findall(r"[ML]([\d.-]+) ([\d.-]+)", hatches[0].get("d", ""))]
    assert points and all(x0 - 0.11 <= a <= x1 + 0.11 and y0 - 0.11 <= b <= y1 + 0.11 for a, b in points)


def test_values_too_wide_for_their_segment_are_not_written() -> None:
    root = ET.fromstring(str(bars(segments=(Segment("a", (100.0, 50.0), "#000"), Segment("b", (1.0, 50.0), "#111")),
                                  ).svg()))
    assert texts(group(root, "bars")) == ["100", "50", "50"]  # the 1 beside 100 has no room
    assert len(group(root, "bars").findall("rect")) == 4  # but its bar is drawn


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -3.0, None])
def test_bars_draw_only_finite_non_negative_values(bad: object) -> None:
    svg = str(bars(segments=(Segment("a", (bad, 2.0), "#000"),)).svg())  # type: ignore[arg-type]
    assert "nan" not in svg.lower() and "inf" not in svg.lower()
    assert len(group(ET.fromstring(svg), "bars").findall("rect")) == 1


@pytest.mark.parametrize(("typed", "_shown"), HOSTILE)
def test_bar_chart_text_stays_text(typed: str, _shown: str) -> None:
    root = ET.fromstring(str(bars(alt=typed, rows=(typed, "全省"), x_label=typed,
                                  segments=(Segment(typed, (1.0, 2.0), "#000"),)).svg()))
    assert {e.tag for e in root.iter()} <= ALLOWED_TAGS
    assert root.findtext("title") == typed
    assert texts(group(root, "axes")).count(typed) == 2 and texts(group(root, "legend")) == [typed]
    for element in root.iter():
        assert not any(name.lower().startswith("on") or name.endswith("href") for name in element.attrib)


def test_bar_chart_is_deterministic() -> None:
    assert str(bars().svg()) == str(bars().svg())
