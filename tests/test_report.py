"""View-models: every section a notebook shows, escaping of unit-submitted text."""

from __future__ import annotations

import pandas as pd
import pytest

from jj123lib import htmlkit
from jj123lib.datadir import DEMO_BANNER
from jj123lib.exceptions import ParameterError
from jj123lib.report import explore_data, leader_report_data, overview_data


@pytest.fixture(scope="module")
def leader_report(demo_data):
    return leader_report_data("陈丽蓉", "2026q3", demo_data.data_dir)


def test_parameters_are_validated(demo_data, tmp_path) -> None:
    with pytest.raises(ParameterError) as info:
        leader_report_data("张三", "2026Q3", demo_data.data_dir)
    assert "陈丽蓉" in str(info.value)  # lists the valid leaders
    with pytest.raises(ParameterError):
        leader_report_data("陈丽蓉", "2026Q5", demo_data.data_dir)
    with pytest.raises(ParameterError):
        overview_data("2026Q3", tmp_path / "missing")


def test_leader_report_content(leader_report) -> None:
    r = leader_report
    assert r.quarter == "2026Q3" and r.demo
    assert len(r.tasks) == 6 and set(r.tasks["leader"]) == {"陈丽蓉"}
    header = r.header_html()
    assert DEMO_BANNER in header and "陈丽蓉" in header and r.fingerprint[:12] in header
    assert r.data_as_of and r.data_as_of in header
    summary = r.summary_html()
    assert "市领导排名" in summary and "综合得分" in summary and "较上季度" in summary
    tasks = r.tasks_html()
    for title in r.tasks["title"]:
        assert htmlkit.esc(title) in tasks
    assert tasks.count("<tr") == 7  # header + one row per task
    coordination = r.coordination_html()
    assert "需协调事项" in coordination and "红灯与未报送任务" in coordination
    assert "配额执行情况" in r.quota_html()
    assert "存在问题" in r.problems_html() and "下步计划" in r.next_steps_html()
    progress = r.progress_html()
    assert "工作进展" in progress
    for text in r.tasks["progress"].dropna():
        assert htmlkit.esc(text) in progress
    co_notes = [n for notes in r.tasks["co_unit_notes"] for n in notes if n.get("progress")]
    for note in co_notes:
        assert htmlkit.esc(note["progress"]) in progress and "配合单位" in progress
    assert "附录：评价规则" in r.rules_html()
    assert r.charts_html().count("<figure") == 6


def test_attention_items_red_and_missing_first(leader_report) -> None:
    items = leader_report.attention_items()
    assert items and {i.light for i in items} <= {"red", "missing"}
    severities = [0 if i.light == "missing" else 1 for i in items]
    assert severities == sorted(severities)


def test_unit_text_is_escaped(leader_report) -> None:
    r = leader_report
    hostile = '<script>alert("x")</script> & $x^2$ **粗体**'
    tasks = r.tasks.copy()
    tasks.loc[0, "problems"] = hostile
    tasks.loc[0, "coordination"] = hostile
    tasks.loc[0, "milestone"] = hostile
    tasks.loc[0, "progress"] = hostile
    r2 = type(r)(**{**r.__dict__, "tasks": tasks})
    for html in (r2.problems_html(), r2.coordination_html(), r2.tasks_html(), r2.progress_html()):
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; $x^2$ **粗体**" in html


def test_blank_words() -> None:
    assert htmlkit.is_blank("无") and htmlkit.is_blank(None) and htmlkit.is_blank(float("nan"))
    assert not htmlkit.is_blank("需财政局协调")
    assert htmlkit.fmt_gap(12.0) == "落后 12" and htmlkit.fmt_gap(-5.5) == "超前 5.5"
    assert htmlkit.fmt_pct(float("nan")) == "—"


def test_overview_content(demo_data) -> None:
    o = overview_data("2026Q3", demo_data.data_dir)
    assert len(o.rated) == 48 and len(o.leaders) == 8
    alerts = o.alerts()
    assert list(alerts["light"]) == sorted(alerts["light"], key=lambda x: 0 if x == "missing" else 1)
    assert o.alerts_html().startswith("<section><h2>红灯与未报送")
    grid = o.grid_html()
    assert all(name in grid for name in o.leaders)
    dist = o.distribution()
    assert int(dist.to_numpy().sum()) == 48
    assert "市领导排名" in o.league_html() and "名次变化" in o.league_html()
    assert "灯号变化" in o.transitions_html()
    assert "配额执行情况" in o.quota_html()
    assert "未报送单位" in o.not_submitted_html()


def test_explore_data(demo_data) -> None:
    e = explore_data("2026Q3", demo_data.data_dir)
    assert isinstance(e.ratings, pd.DataFrame) and len(e.ratings) == 48
    assert int(e.lights_by_leader().to_numpy().sum()) == 48
    assert list(e.lights_by_tier().columns) == ["已完成", "绿灯", "黄灯", "红灯", "未报送"]
    assert set(e.progress_by_quarter().columns) == {"2026Q1", "2026Q2", "2026Q3"}
