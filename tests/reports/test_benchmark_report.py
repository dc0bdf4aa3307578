"""The reports' 对标 (leader) and 争先进位 (overview) sections: jj123lib.reports.benchmarks and its hooks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import pytest
from markupsafe import escape

from jj123lib.assess.signals import BenchmarkView, build_view, empty_view
from jj123lib.domain import lights
from jj123lib.render.charts import PLANNED_COLOR
from jj123lib.reports.benchmarks import (
    BENCHMARK_COLOR,
    NO_BENCHMARK,
    VALUE_COLOR,
    indicator_chart,
    leader_benchmarks_html,
    overview_standing_html,
    reached_goal,
    recognitions_won,
    standing_summary,
)
from tests.benchmark_frames import frames, plan_row, stage_row, value_row
from tests.hostile import HOSTILE

if TYPE_CHECKING:  # pragma: no cover
    from syrupy.assertion import SnapshotAssertion

    from jj123lib.demo.generate import DemoSummary

NAN = float("nan")
_DATA_URI = re.compile(r"data:(image/[\w+]+);base64,[A-Za-z0-9+/=]+")


def rated_rows(titles: dict[str, str] | None = None) -> pd.DataFrame:
    titles = titles or {}
    rows = [("N01", "national", "全国领先示范", "打造县域经济标杆", "陈丽蓉", "green"),
            ("P03", "provincial", "全省领先示范", "争创营商环境示范", "陈丽蓉", "yellow"),
            ("B02", "breakthrough", "重点突破难点", "攻坚老旧小区改造", "陈丽蓉", "red"),
            ("B05", "breakthrough", "重点突破难点", "没有对标的任务", "陈丽蓉", "green")]
    return pd.DataFrame([{"task_id": t, "tier": tier, "tier_label": label, "title": titles.get(t, title),
                          "leader": leader, "light": light} for t, tier, label, title, leader, light in rows])


def history_rows() -> pd.DataFrame:
    lights_by_task = {"N01": ["green", "yellow", "green"], "P03": ["green", "green", "yellow"],
                      "B02": ["red", "red", "red"], "B05": ["green"] * 3}
    return pd.DataFrame([{"task_id": t, "quarter": f"2026Q{i + 1}", "light": k}
                         for t, keys in lights_by_task.items() for i, k in enumerate(keys)])


def sample_view(indicator: str = "地区生产总值", peers: str = "昆山市（县域经济）", rank_text: str = "全省县域第",
                goal_text: str = "争创全国县域经济示范") -> BenchmarkView:
    plan = [
        {**plan_row("N01", 1, 3000, 3300, bench=5000, indicator=indicator, target_rank="全省县域第1",
                    goal_level="国家级"), "peers": peers, "goal_text": goal_text},
        {**plan_row("N01", 2, 12, 8, bench=6, indicator="审批时限", unit="天", goal_level="国家级"),
         "peers": peers, "goal_text": goal_text},
        plan_row("P03", 1, 50, 80, bench=70, indicator="市场主体增量", unit="万户", goal_level="省级"),
        {**plan_row("B02", 0, NAN, NAN, indicator="", unit=""), "peers": "石狮市"},
    ]
    values = [
        {**value_row("2026Q1", 3080, 5100, 3, f"{rank_text}3", "N01", 1), "indicator": indicator},
        {**value_row("2026Q2", 3150, 5200, 2, f"{rank_text}2", "N01", 1), "indicator": indicator},
        {**value_row("2026Q3", 3200, 5300, 4, f"{rank_text}4", "N01", 1), "indicator": indicator},
        {**value_row("2026Q2", 11, 6, NAN, "", "N01", 2), "indicator": "审批时限", "unit": "天"},
        {**value_row("2026Q3", 10, 6, NAN, "", "N01", 2), "indicator": "审批时限", "unit": "天"},
        {**value_row("2026Q2", 60, 70, 5, "全省第5", "P03", 1), "indicator": "市场主体增量", "unit": "万户"},
        {**value_row("2026Q3", 74, 72, 3, "全省第3", "P03", 1), "indicator": "市场主体增量", "unit": "万户"},
        value_row("2026Q4", 1, 1, 1, "全省第1", "P03", 1),  # after the report's quarter: not shown
    ]
    stages = [stage_row("2026Q1", "已申报", "N01"), stage_row("2026Q2", "评审中", "N01"),
              {**stage_row("2026Q3", "已认定", "N01", "省级", True), "date": "2026-09-01"},
              {**stage_row("2026Q2", "已认定", "P03", "省级", True), "date": "2026-06-18"},
              {**stage_row("2026Q3", "已认定", "P03", "省级", True), "date": "2026-06-18"},
              stage_row("2026Q3", "已认定", "B05", "国家级", False)]  # not verified: not won
    return build_view(*frames(plan, values, stages), "2026Q3", {})


@pytest.fixture(scope="module")
def view() -> BenchmarkView:
    return sample_view()


def normalise(html: object) -> str:
    text = _DATA_URI.sub(r"data:\1;base64,<chart>", str(html))
    return re.sub(r"(</(?:section|div|tr|thead|p|h\d|figure)>)", "\\1\n", text)


def test_reached_goal_follows_the_level_order() -> None:
    assert reached_goal("国家级", "省级") and reached_goal("省级", "省级")
    assert not reached_goal("泉州市级", "省级") and not reached_goal("省级", "") and not reached_goal("", "其他")


def test_leader_section_shows_lines_signals_and_one_chart_per_indicator(view: BenchmarkView) -> None:
    html = str(leader_benchmarks_html(view, rated_rows(), history_rows()))
    assert "<h2>对标情况</h2>" in html
    assert ("地区生产总值：晋江 3200亿元｜标杆 5300亿元｜位次 全省县域第4（上季 全省县域第2）｜"
            "目标 3300亿元（全省县域第1）") in html
    assert "审批时限：晋江 10天｜标杆 6天｜位次 —（上季 —）｜目标 8天" in html
    assert "对标预警·位次下降" in html and "对标预警·落后标杆" in html
    assert html.count("<figure") == 3  # N01 × 2, P03 × 1; B02 has peers only
    assert "对标对象：石狮市；成效目标：未设；认定进展：本年度未报送认定进展" in html
    assert "认定进展：已认定（省级，2026-09-01，已核实）" in html
    assert "没有对标的任务" not in html  # B05 has no benchmark
    assert html.index("N01") < html.index("P03") < html.index("B02")  # the report's task order
    assert "不改变灯号" in html


def test_leader_section_of_tasks_without_benchmarks_says_so() -> None:
    html = str(leader_benchmarks_html(empty_view("2026Q3"), rated_rows(), history_rows()))
    assert NO_BENCHMARK in html and "<figure" not in html
    only_b05 = rated_rows()[lambda f: f["task_id"] == "B05"]
    assert NO_BENCHMARK in str(leader_benchmarks_html(sample_view(), only_b05, history_rows()))  # type: ignore[arg-type]  # pandas-stubs: a callable row filter gives a frame


def test_standing_summary_per_tier(view: BenchmarkView) -> None:
    summary = standing_summary(view, rated_rows()).set_index("tier")
    assert list(summary.index) == ["national", "provincial", "breakthrough"]
    national, provincial, breakthrough = (summary.loc[t] for t in ("national", "provincial", "breakthrough"))
    assert (national["benchmarked"], national["with_goal"], national["reached"]) == (1, 1, 0)  # 省级 < 国家级
    assert (national["rank_rising"], national["rank_falling"]) == (0, 1)
    assert (provincial["reached"], provincial["rank_rising"], provincial["rank_falling"]) == (1, 1, 0)
    assert (breakthrough["n_tasks"], breakthrough["benchmarked"], breakthrough["with_goal"]) == (2, 1, 0)
    assert national["signalled"] == 1


def test_recognitions_won_are_verified_and_counted_once(view: BenchmarkView) -> None:
    won = recognitions_won(view, rated_rows())
    assert list(won["task_id"]) == ["N01", "P03"]  # B05's 已认定 is not verified
    assert list(won["reached"]) == [False, True] and list(won["quarter"]) == ["2026Q3", "2026Q2"]
    assert list(won["goal_level"]) == ["国家级", "省级"]


def test_stage_verified_in_an_earlier_quarter_stays_verified() -> None:
    plan = [plan_row("P04", goal_level="省级")]
    stages = [stage_row("2026Q3", "已认定", "P04", "省级", True), stage_row("2026Q4", "已认定", "P04", "省级", False)]
    view = build_view(*frames(plan, [], stages), "2026Q4", {})
    html = str(leader_benchmarks_html(view, rated_rows().assign(task_id=["P04", "X1", "X2", "X3"]), history_rows()))
    assert "认定进展：已认定（省级，已核实）" in html
    unverified = build_view(*frames(plan, [], [stage_row("2026Q4", "已认定", "P04", "省级", False)]), "2026Q4", {})
    html = str(leader_benchmarks_html(unverified, rated_rows().assign(task_id=["P04", "X1", "X2", "X3"]),
                                      history_rows()))
    assert "认定进展：已认定（省级，待核实）" in html


def test_overview_section(view: BenchmarkView) -> None:
    html = str(overview_standing_html(view, rated_rows()))
    assert "<h2>争先进位</h2>" in html and "本年度获得的认定（已核实）" in html
    assert html.count("未达到") == 1 and html.count(">达到<") == 1
    assert NO_BENCHMARK in str(overview_standing_html(empty_view("2026Q3"), rated_rows()))


def test_sections_snapshot(view: BenchmarkView, snapshot: SnapshotAssertion) -> None:
    leader = normalise(leader_benchmarks_html(view, rated_rows(), history_rows()))
    overview = normalise(overview_standing_html(view, rated_rows()))
    assert leader + overview == snapshot


@pytest.mark.parametrize(("typed", "shown"), HOSTILE)
def test_hostile_names_are_shown_escaped(typed: str, shown: str) -> None:
    view = sample_view(indicator=typed, peers=typed, rank_text=typed, goal_text=typed)
    html = str(leader_benchmarks_html(view, rated_rows({"N01": typed}), history_rows())
               + overview_standing_html(view, rated_rows({"N01": typed})))
    escaped = str(escape(typed))
    assert escaped in html  # verbatim, escaped
    if escaped != typed:
        assert typed not in html


def _indicator(view: Any, task_id: str, no: int, quarters: list[str], quarter_lights: dict[str, str]) -> Any:
    figure = view.figures[view.figures["indicator_no"].eq(no) & view.figures["task_id"].eq(task_id)].iloc[0].to_dict()
    own = view.values[(view.values["task_id"] == task_id) & (view.values["indicator_no"] == no)]
    return indicator_chart(figure, own, quarters, quarter_lights)


def _group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"g[@class='jj-chart-{name}']")
    assert found is not None
    return found


def _y_of(root: ET.Element, path: ET.Element) -> list[float]:
    return [float(p.split()[1]) for p in re.split("[ML]", path.get("d", "").split("H")[0])[1:]]


def test_indicator_chart_colours_points_by_light_and_draws_target_and_benchmark(view: BenchmarkView) -> None:
    chart = _indicator(view, "N01", 1, ["2026Q1", "2026Q2", "2026Q3"],
                       {"2026Q1": "green", "2026Q2": "yellow", "2026Q3": "red"})
    root = ET.fromstring(str(chart.svg()))
    legend = _group(root, "legend")
    assert [t.text for t in legend.iter("text")] == ["序时目标", "年度目标", "标杆", "晋江"]
    dots = [c for c in _group(root, "points").findall("circle") if c.get("stroke") == "#fff"]
    assert [c.get("fill") for c in dots] == [lights.COLORS["green"], lights.COLORS["yellow"], lights.COLORS["red"]]
    assert [t.text for t in _group(root, "labels").iter("text")] == ["3080", "3150", "3200"]  # fmt_value
    lines = _group(root, "lines").findall("path")
    by_colour = {colour: [p for p in lines if p.get("stroke") == colour]
                 for colour in (PLANNED_COLOR, BENCHMARK_COLOR, VALUE_COLOR)}
    path, target = sorted(by_colour[PLANNED_COLOR], key=lambda p: "H" in p.get("d", ""))
    assert path.get("stroke-dasharray") == "5 3" and path.get("d", "").count("L") == 2  # 序时目标 per quarter
    assert "H" in target.get("d", "") and target.get("stroke-dasharray") == "1.5 2.5"  # 年度目标 across
    assert len(by_colour[BENCHMARK_COLOR]) == 1 and len(_group(root, "points").findall("rect")) == 3  # squares
    assert len(by_colour[VALUE_COLOR]) == 1 and by_colour[VALUE_COLOR][0].get("stroke-dasharray") is None
    # 序时目标 of Q1–Q3: 3075, 3150, 3225 — below the benchmark 5100–5300: lower on the page means higher y
    assert max(_y_of(root, by_colour[BENCHMARK_COLOR][0])) < min(_y_of(root, path))
    axes = _group(root, "axes")
    assert [t.text for t in axes.iter("text") if t.get("transform")] == ["亿元"]  # the unit as y label
    ticks = [float(t.text or "") for t in axes.iter("text") if t.get("text-anchor") == "end"]
    assert ticks and min(ticks) >= chart.y_range[0] and max(ticks) <= chart.y_range[1]
    low, high = 3075.0, 5300.0  # all values drawn, padded by 15 % of their span
    assert chart.y_range == pytest.approx((low - (high - low) * 0.15, high + (high - low) * 0.15))
    assert [t.text for t in _group(root, "title").iter("text")] == ["N01 地区生产总值"]
    assert chart.alt == "N01 地区生产总值：各季度值、序时目标与标杆"


def test_indicator_chart_lower_is_better_and_plan_benchmark_as_a_line(view: BenchmarkView) -> None:
    chart = _indicator(view, "N01", 2, ["2026Q1", "2026Q2", "2026Q3"], {})
    assert chart.title_lines == ("N01 审批时限（越低越好）",)
    root = ET.fromstring(str(chart.svg()))
    dots = [c for c in _group(root, "points").findall("circle") if c.get("stroke") == "#fff"]
    assert [c.get("fill") for c in dots] == [lights.COLORS["missing"]] * 2  # no Q1 value; no light known
    plan_only = view.values.assign(benchmark_value=NAN)
    figure = cast("dict[str, Any]", view.figures[view.figures["indicator_no"].eq(2)].iloc[0].to_dict())
    chart = indicator_chart(figure, plan_only[plan_only["indicator_no"] == 2], ["2026Q1", "2026Q2"], {})
    bench = [p for p in _group(ET.fromstring(str(chart.svg())), "lines").findall("path")
             if p.get("stroke") == BENCHMARK_COLOR]
    assert len(bench) == 1 and "H" in bench[0].get("d", "")  # the plan's 标杆 value, across the plot


def test_indicator_chart_of_nothing_reported_draws_no_points() -> None:
    empty = indicator_chart({"indicator": "x", "unit": ""}, pd.DataFrame(columns=["quarter", "value"]),
                            ["2026Q1"], {})
    root = ET.fromstring(str(empty.svg()))
    assert not _group(root, "points").findall("circle") and not _group(root, "lines").findall("path")
    assert "nan" not in str(empty.svg()).lower()


def test_indicator_chart_text_is_escaped_and_deterministic(view: BenchmarkView) -> None:
    typed = "<img src=x onerror=alert('pwn6')>"
    figure = cast("dict[str, Any]", {**view.figures.iloc[0].to_dict(), "indicator": typed, "unit": typed})
    own = view.values[(view.values["task_id"] == "N01") & (view.values["indicator_no"] == 1)]
    first = indicator_chart(figure, own, ["2026Q1", "2026Q2", "2026Q3"], {}).svg()
    again = indicator_chart(figure, own, ["2026Q1", "2026Q2", "2026Q3"], {}).svg()
    assert first == again
    root = ET.fromstring(str(first))
    assert {e.tag for e in root.iter()} <= {"svg", "title", "g", "text", "path", "circle", "rect"}
    texts = [t.text for t in root.iter("text")]
    assert typed in texts and f"N01 {typed[:20]}" in texts  # y label, and the title's first 20 characters
    assert typed not in str(first)


def test_leader_report_hook_shows_only_the_leaders_tasks(demo_data: DemoSummary,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import jj123lib.assess.signals as module
    from jj123lib.reports.leader import leader_report_data
    from jj123lib.reports.overview import overview_data

    monkeypatch.setattr(module, "load_benchmark_view", lambda quarter, data_dir, rules=None: empty_view(quarter))
    report = leader_report_data("陈丽蓉", "2026Q3", demo_data.data_dir)
    assert NO_BENCHMARK in report.benchmarks_html() and report.benchmark_view.empty
    mine = list(report.tasks["task_id"])
    other = next(t for t in ("N01", "N02", "P01", "P02", "B01") if t not in mine)
    plan = [plan_row(mine[0], indicator="本人的指标"), plan_row(other, indicator="别人的指标")]
    view = build_view(*frames(plan, [value_row("2026Q3", 150, task_id=mine[0]),
                                     value_row("2026Q3", 150, task_id=other)]), "2026Q3", {})
    monkeypatch.setattr(module, "load_benchmark_view", lambda quarter, data_dir, rules=None: view)
    fresh = leader_report_data("陈丽蓉", "2026Q3", demo_data.data_dir)
    html = str(fresh.benchmarks_html())
    assert "本人的指标" in html and "别人的指标" not in html
    assert fresh.benchmarks_html() in fresh._repr_html_()
    overview = overview_data("2026Q3", demo_data.data_dir)
    standing = str(overview.standing_html())
    assert "争先进位" in standing and "<td class=\"num\">2</td>" in standing  # two tasks benchmarked in all
