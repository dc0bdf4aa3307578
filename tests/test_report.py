"""View-models: every section a notebook shows, escaping of unit-submitted text."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from jj123lib import htmlkit, lights
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
    # Leaders' scores and ranks are off by default (rules: reports.show_leader_scores); the trend stays.
    assert "市领导排名" not in summary and "综合得分" not in summary and "较上季度" in summary
    scored = dataclasses.replace(r, show_scores=True).summary_html()
    assert "市领导排名" in scored and "综合得分" in scored
    tasks = r.tasks_html()
    for title in r.tasks["title"]:
        assert htmlkit.esc(title) in tasks
    assert tasks.count("<tr") == 7  # header + one row per task
    coordination = r.coordination_html()
    assert "需协调事项" in coordination and "红灯与未报送任务" in coordination
    assert r.quota_html() == ""  # the 2026 table meets every minimum: no quota section
    failing = r.quota.assign(ok=[False] + [True] * (len(r.quota) - 1))
    assert "配额执行情况" in dataclasses.replace(r, quota=failing).quota_html()
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


def test_attention_items_by_tier_then_gap(demo_data) -> None:
    """Red and 未报送 tasks, 全国 → 全省 → 重点突破, then the largest gap first (B13 never before N04)."""
    from jj123lib.tiers import TIERS

    for leader in ("陈丽蓉", "吴尊意", "陈进福"):
        report = leader_report_data(leader, "2026Q3", demo_data.data_dir)
        items = report.attention_items()
        assert {i.light for i in items} <= {"red", "missing"}
        rows = report.tasks.set_index("task_id").loc[[i.task_id for i in items]]
        keys = [(TIERS.index(t), -(g if g == g else -1e9)) for t, g in zip(rows["tier"], rows["gap"])]
        assert keys == sorted(keys)


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
    assert set(alerts["light"]) <= {"red", "missing"}
    assert list(alerts["tier"]) == sorted(alerts["tier"], key=["national", "provincial", "breakthrough"].index)
    assert o.alerts_html().startswith("<section><h2>红灯与未报送")
    grid = o.grid_html()
    assert all(name in grid for name in o.leaders)
    dist = o.distribution()
    assert int(dist.to_numpy().sum()) == 48
    assert o.league_html() == ""  # off by default; the office still has `jj123 league`
    scored = dataclasses.replace(o, show_scores=True).league_html()
    assert "市领导排名" in scored and "名次变化" in scored
    assert "灯号变化" in o.transitions_html()
    assert o.quota_html() == "" and "配额执行情况" in dataclasses.replace(o, quota_ok=False).quota_html()
    assert "未报送单位" in o.not_submitted_html()


def test_explore_data(demo_data) -> None:
    e = explore_data("2026Q3", demo_data.data_dir)
    assert isinstance(e.ratings, pd.DataFrame) and len(e.ratings) == 48
    assert int(e.lights_by_leader().to_numpy().sum()) == 48
    assert list(e.lights_by_tier().columns) == [lights.LABELS[key] for key in lights.ORDER]
    assert set(e.progress_by_quarter().columns) == {"2026Q1", "2026Q2", "2026Q3"}


_MIDNIGHT_PROBE = """
from datetime import datetime, timezone
from jj123lib.clock import china_today
instant = datetime(2026, 9, 30, 16, 30, tzinfo=timezone.utc)  # 00:30 on 1 October in China
local_naive = datetime.fromtimestamp(instant.timestamp())  # what the machine's clock reads, naive
print(china_today(instant), china_today(local_naive), local_naive.date())
"""


@pytest.mark.parametrize("tz", ["UTC", "Asia/Shanghai", "America/Los_Angeles"])
def test_report_dates_are_china_time_whatever_the_machine_zone(tz: str) -> None:
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _MIDNIGHT_PROBE], env={**os.environ, "TZ": tz}, check=True,
                         capture_output=True, text=True).stdout.split()
    aware, naive, machine_date = out
    assert aware == naive == "2026-10-01"
    assert machine_date == ("2026-10-01" if tz == "Asia/Shanghai" else "2026-09-30")  # the zone did matter


def test_injected_clock_dates_the_header(demo_data) -> None:
    from datetime import UTC, datetime

    just_before = datetime(2026, 9, 30, 15, 59, tzinfo=UTC)  # 23:59 on 30 September in China
    just_after = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert "生成日期：2026-09-30" in leader_report_data("陈丽蓉", "2026Q3", demo_data.data_dir,
                                                     now=just_before).header_html()
    assert "生成日期：2026-10-01" in overview_data("2026Q3", demo_data.data_dir, now=just_after).header_html()


def test_repr_html_is_the_whole_report_with_its_style(leader_report, demo_data) -> None:
    from jj123lib import lights

    html = leader_report._repr_html_()
    assert html.startswith('<div class="jj123-report"><style>') and "<script" not in html
    assert lights.css_variables() in html and ".light-red" in html  # colours and the stylesheet, inline
    for name in leader_report.SECTIONS:
        assert getattr(leader_report, name)() in html
    titles = ["总体情况", "需协调事项", "任务进展", "进度轨迹", "工作进展", "存在问题", "下步计划",
              "附录：评价规则"]
    positions = [html.find(f"<h2>{t}</h2>") for t in titles]
    assert min(positions) > 0 and positions == sorted(positions)
    overview = overview_data("2026Q3", demo_data.data_dir)
    assert all(getattr(overview, name)() in overview._repr_html_() for name in overview.SECTIONS)
    explore = explore_data("2026Q3", demo_data.data_dir)
    explore_html = explore._repr_html_()
    assert "各市领导灯号" in explore_html and "各层级灯号" in explore_html and "示例数据" in explore_html


def test_sections_match_the_notebooks() -> None:
    """The rich display shows what the notebook shows, in the same order."""
    import json
    import re

    from jj123lib.report import LeaderReport, OverviewReport
    from jj123lib.resources import NOTEBOOK_DIR

    for notebook, model in (("leader_report.ipynb", LeaderReport), ("quarterly_overview.ipynb", OverviewReport)):
        cells = json.loads((NOTEBOOK_DIR / notebook).read_text(encoding="utf-8"))["cells"]
        shown = [m for c in cells if c["cell_type"] == "code"
                 for m in re.findall(r"\.(\w+_html)\(\)", "".join(c["source"]))]
        assert tuple(shown) == model.SECTIONS, notebook


def test_rich_display_css_restyles_nothing_outside_the_report() -> None:
    """Shown in JupyterLab, the report's <style> must not reach the notebook's own cells."""
    import re

    from jj123lib.report import report_css

    css = re.sub(r"/\*.*?\*/", "", report_css(), flags=re.S)
    blocks = re.findall(r"([^{}]+)\{[^{}]*\}", css)
    selectors = [s.strip() for block in blocks for s in re.split(r",(?![^()]*\))", block)]
    own = re.compile(r"^(:root|\.jj123-report\b|\.(jj|light|change)-?[\w-]*|(table|figure|ol)\.jj-)")
    assert selectors and [s for s in selectors if not own.match(s)] == []
    assert ".jp-" not in css and "@page" not in css
    whole = report_css(whole_page=True)
    assert ".jp-InputPrompt" in whole and "@page" in whole  # the rendered page keeps them
