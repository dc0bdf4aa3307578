"""View-models: every section a notebook shows, escaping of unit-submitted text."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from jj123lib.core.datadir import DEMO_BANNER
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.frames import records
from jj123lib.domain import lights
from jj123lib.domain.tasks import load_tasks
from jj123lib.ledger.store import LEDGER_FILE
from jj123lib.render import htmlkit
from jj123lib.reports.explore import explore_data
from jj123lib.reports.leader import LeaderReport, leader_report_data
from jj123lib.reports.overview import overview_data

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary


@pytest.fixture(scope="module")
def leader_report(demo_data: DemoSummary) -> LeaderReport:
    return leader_report_data("陈丽蓉", "2026q3", demo_data.data_dir)


def test_parameters_are_validated(demo_data: DemoSummary, tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as info:
        leader_report_data("张三", "2026Q3", demo_data.data_dir)
    assert "陈丽蓉" in str(info.value)  # lists the valid leaders
    with pytest.raises(ParameterError):
        leader_report_data("陈丽蓉", "2026Q5", demo_data.data_dir)
    with pytest.raises(ParameterError):
        overview_data("2026Q3", tmp_path / "missing")


def test_leader_report_content(leader_report: LeaderReport) -> None:
    r = leader_report
    assert r.quarter == "2026Q3" and r.demo
    assert len(r.tasks) == 6 and set(r.tasks["leader"]) == {"陈丽蓉"}
    header = r.header_html()
    assert DEMO_BANNER in header and "陈丽蓉" in header and r.fingerprint[:12] in header and "督查报告" in header
    assert r.data_as_of and r.data_as_of in header
    summary = r.summary_html()
    for light, n in r.light_counts().items():
        assert f'<span class="light light-{light}">{n}</span>' in summary
    changed = r.light_changes()
    assert set(changed["change"]) <= {"好转", "变差"}
    assert len(changed) == int(r.tasks["change"].isin(["好转", "变差"]).sum()) > 0
    for row in changed.itertuples():
        assert f"{row.change}</b> {row.task_id}" in summary
    open_items = r.duban_counts()["未办结"]
    assert open_items > 0  # the demo's supervision loop issued 督办 for her red and lagging tasks
    assert "待核实" in summary and f"未办结 {open_items} 项" in summary
    tasks = r.tasks_html()
    for title in r.tasks["title"]:
        assert htmlkit.esc(title) in tasks
    assert tasks.count("<tr") == 7  # header + one row per task
    assert r.quota_html() == ""  # the 2026 table meets every minimum: no quota section
    failing = r.quota.assign(ok=[False] + [True] * (len(r.quota) - 1))
    assert "配额执行情况" in dataclasses.replace(r, quota=failing).quota_html()
    assert "存在问题" in r.problems_html()
    progress = r.progress_html()
    assert "工作进展" in progress
    for text in r.tasks["progress"].dropna():
        assert htmlkit.esc(text) in progress
    co_notes = [n for notes in r.tasks["co_unit_notes"] for n in notes if n.get("progress")]
    for note in co_notes:
        assert htmlkit.esc(note["progress"]) in progress and "配合单位" in progress
    assert r.charts_html().count("<figure") == 6


def test_no_leader_score_or_rank_by_default(leader_report: LeaderReport) -> None:
    html = leader_report.body_html()
    assert not leader_report.show_scores
    for word in ("市领导排名", "综合得分", "名次", "市领导得分", "灯号和排名"):
        assert word not in html, word
    scored = dataclasses.replace(leader_report, show_scores=True)
    assert "市领导排名" in scored.summary_html() and "综合得分" in scored.summary_html()


def test_rules_switch_turns_scores_back_on(demo_data: DemoSummary, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from jj123lib.core.resources import DEFAULT_RULES

    rules = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    rules["reports"]["show_leader_scores"] = True
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("JJ123_RULES", str(path))
    r = leader_report_data("陈丽蓉", "2026Q3", demo_data.data_dir)
    assert r.show_scores
    summary, rules_html = r.summary_html(), r.rules_html()
    row = r.league_row
    assert row is not None and f"第 {int(row['rank'])} 名 / 共 {len(r.league)} 名" in summary
    assert f"{float(row['score']):.1f}" in summary
    assert "市领导得分" in rules_html and "灯号和排名" in rules_html


def test_rules_appendix_says_what_the_report_shows(leader_report: LeaderReport) -> None:
    from jj123lib.assess.ratings import describe_rules

    shown = leader_report.rules_html()
    assert "附录：评价规则" in shown and "督办：" in shown and "下发后 15 天内整改" in shown
    assert "排名" not in shown and "得分" not in shown  # scores are off: no ranking or scoring rules
    for rule in describe_rules(leader_scores=False):
        assert htmlkit.esc(rule) in shown
    assert len(describe_rules()) == len(describe_rules(leader_scores=False)) + 2


def test_section_order(leader_report: LeaderReport) -> None:
    """摘要 → 总体情况 → 督查室意见 → 需市领导协调事项 → 红灯与滞后 → 督办 → 任务进展 → 对标 → 下季度节点目标 → 附录."""
    html = leader_report.body_html()
    assert leader_report.opinion is not None  # the demo writes one for her (opinions/2026Q3.yaml)
    titles = ["<h2>摘要", "<h2>总体情况", "<h2>督查室意见", "<h2>需市领导协调事项", "<h2>红灯与滞后任务",
              "<h2>督办事项", "<h2>任务进展", "<h3>进度轨迹", "<h3>工作进展", "<h3>存在问题", "<h2>对标情况",
              "<h2>下季度节点目标", "<h2>附录：评价规则"]
    positions = [html.find(t) for t in titles]
    assert min(positions) > 0 and positions == sorted(positions), dict(zip(titles, positions))
    assert html.count("<h2>") == len([t for t in titles if t.startswith("<h2>")])  # and no quota section


def test_lagging_by_tier_then_gap(demo_data: DemoSummary) -> None:
    """Red, 未报送 and yellow tasks, 全国 → 全省 → 重点突破, then the largest gap first (B13 never before N04)."""
    from jj123lib.domain.tiers import TIERS

    seen = set()
    for leader in ("陈丽蓉", "吴尊意", "陈进福", "陈英煌"):
        report = leader_report_data(leader, "2026Q3", demo_data.data_dir)
        rows = report.lagging()
        seen |= set(rows["light"])
        expected = report.tasks[report.tasks["light"].isin(["red", "missing", "yellow"])]
        assert sorted(rows["task_id"]) == sorted(expected["task_id"])
        keys = [(TIERS.index(t), -(g if g == g else -1e9)) for t, g in zip(rows["tier"], rows["gap"])]
        assert keys == sorted(keys)
        html = report.lagging_html()
        assert [html.find(f"<b>{t}</b>") for t in rows["task_id"]] == sorted(html.find(f"<b>{t}</b>")
                                                                             for t in rows["task_id"])
    assert {"red", "missing"} <= seen


@pytest.mark.parametrize("quarter", ["2026Q1", "2026Q3", "2026Q4"])
def test_next_quarter_milestones_are_the_plan_rows(demo_data: DemoSummary, quarter: str) -> None:
    from jj123lib.ledger.store import Ledger

    report = leader_report_data("陈丽蓉", quarter, demo_data.data_dir)
    target = f"2026Q{min(int(quarter[-1]) + 1, 4)}"
    plan = Ledger(demo_data.data_dir).plan()
    plan = plan[(plan["quarter"] == target) & plan["task_id"].isin(report.tasks["task_id"])].set_index("task_id")
    got = report.next_quarter.set_index("task_id")
    assert list(got.index) == list(report.tasks["task_id"]) and set(got["quarter"]) == {target}
    assert got["milestone"].to_dict() == plan["milestone"].to_dict()
    assert got["planned_pct"].to_dict() == plan["planned_pct"].to_dict()
    html = report.next_quarter_html()
    for milestone in plan["milestone"]:
        assert htmlkit.esc(milestone) in html
    if quarter == "2026Q4":
        assert report.year_end and "年终节点目标" in html and "本年度计划中没有下季度节点目标" in html
    else:
        assert not report.year_end and f"2026年第{'一二三四'[int(target[-1]) - 1]}季度节点目标" in html


def test_opinions_shown_verbatim_and_escaped(leader_report: LeaderReport) -> None:
    from jj123lib.loop.opinions import LeaderOpinion
    from tests.hostile import HOSTILE

    tasks = list(leader_report.tasks["task_id"])
    overall = "\n".join(typed for typed, _ in HOSTILE[:6])
    by_task = {task_id: typed for task_id, (typed, _) in zip(tasks, HOSTILE[6:])}
    r = dataclasses.replace(leader_report, opinion=LeaderOpinion("陈丽蓉", overall, by_task))
    html = r.opinions_html()
    assert html.startswith("<section><h2>督查室意见</h2>") and "<script" not in html and "<img" not in html
    assert f'<div class="jj-item-text">{htmlkit.esc(overall)}</div>' in html  # line breaks kept (pre-wrap)
    for text in by_task.values():
        assert f'<div class="jj-item-text">{htmlkit.esc(text)}</div>' in html
    assert dataclasses.replace(leader_report, opinion=None).opinions_html() == ""


def test_opinions_come_from_the_data_folder(demo_data: DemoSummary) -> None:
    from jj123lib.loop.opinions import load_opinions

    written = load_opinions(demo_data.data_dir, "2026Q3")
    assert written and all(o.overall or o.tasks for o in written.values())
    for leader, opinion in written.items():
        html = leader_report_data(leader, "2026Q3", demo_data.data_dir).opinions_html()
        assert htmlkit.esc(opinion.overall) in html
        for text in opinion.tasks.values():
            assert htmlkit.esc(text) in html
    silent = next(name for name in ("陈英煌", "陈清平", "陈进福", "张健龙") if name not in written)
    report = leader_report_data(silent, "2026Q3", demo_data.data_dir)
    assert report.opinion is None and "督查室意见" not in report.body_html()


def test_unregistered_requests_are_shown_until_the_register_holds_them(leader_report: LeaderReport,
                                                                       demo_data: DemoSummary,
                                                                       tmp_path: Path) -> None:
    from jj123lib.loop.coordination import sync
    from tests.late_form import demo_copy

    def lead_requests(report: LeaderReport) -> set[tuple[str, str, str]]:
        return {(r.task_id, r.lead_unit, r.coordination) for r in report.tasks.itertuples()  # type: ignore[misc]  # pandas-stubs: itertuples' fields are scalars
                if not htmlkit.is_blank(r.coordination)}

    registered = {(t, u) for t, u in zip(leader_report.supervision.coordination["task_id"],
                                         leader_report.supervision.coordination["unit"])}
    requests = leader_report.unlogged_requests
    expected = {(t, u, text) for t, u, text in lead_requests(leader_report) if (t, u) not in registered}
    assert {(i.task_id, i.unit, i.text) for i in requests if i.lead} == expected
    html = leader_report.coordination_html()
    assert "需市领导协调事项" in html and all(htmlkit.esc(i.text) in html for i in requests)
    # In a ledger whose register was never synced, every request of the quarter is listed as not yet registered.
    data = demo_copy(demo_data.data_dir, tmp_path / "data")
    with sqlite3.connect(Path(data) / LEDGER_FILE) as conn:
        conn.execute("DELETE FROM coordination_mentions")
    bare = leader_report_data("陈丽蓉", "2026Q3", data)
    assert lead_requests(bare) and {(i.task_id, i.unit, i.text) for i in bare.unlogged_requests if i.lead} == \
        lead_requests(bare)
    sync(data, by="督查室", quarter="2026Q3")
    assert not [i for i in leader_report_data("陈丽蓉", "2026Q3", data).unlogged_requests if i.lead]


def test_unit_text_is_escaped(leader_report: LeaderReport) -> None:
    r = leader_report
    hostile = '<script>alert("x")</script> & $x^2$ **粗体**'
    tasks = r.tasks.copy()
    tasks.loc[0, "problems"] = hostile
    tasks.loc[0, "coordination"] = hostile
    tasks.loc[0, "milestone"] = hostile
    tasks.loc[0, "progress"] = hostile
    tasks.loc[0, "reason"] = hostile
    tasks.loc[0, "light"] = "red"
    from jj123lib.reports.leader import Item

    r2 = dataclasses.replace(r, tasks=tasks, unlogged_requests=[Item("N04", "t", "u", hostile, "red", True)],
                             next_quarter=r.next_quarter.assign(milestone=hostile, next_steps=hostile))
    for html in (r2.problems_html(), r2.coordination_html(), r2.tasks_html(), r2.progress_html(),
                 r2.lagging_html(), r2.next_quarter_html()):
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; $x^2$ **粗体**" in html


def test_blank_words() -> None:
    assert htmlkit.is_blank("无") and htmlkit.is_blank(None) and htmlkit.is_blank(float("nan"))
    assert not htmlkit.is_blank("需财政局协调")
    assert htmlkit.fmt_gap(12.0) == "落后 12" and htmlkit.fmt_gap(-5.5) == "超前 5.5"
    assert htmlkit.fmt_pct(float("nan")) == "—"


def test_overview_content(demo_data: DemoSummary) -> None:
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


def test_explore_data(demo_data: DemoSummary) -> None:
    e = explore_data("2026Q3", demo_data.data_dir)
    assert isinstance(e.ratings, pd.DataFrame) and len(e.ratings) == 48
    assert int(e.lights_by_leader().to_numpy().sum()) == 48
    assert list(e.lights_by_tier().columns) == [lights.LABELS[key] for key in lights.ORDER]
    assert set(e.progress_by_quarter().columns) == {"2026Q1", "2026Q2", "2026Q3"}


_MIDNIGHT_PROBE = """
from datetime import datetime, timezone
from jj123lib.core.clock import china_today
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


def test_injected_clock_dates_the_header(demo_data: DemoSummary) -> None:
    from datetime import UTC, datetime

    just_before = datetime(2026, 9, 30, 15, 59, tzinfo=UTC)  # 23:59 on 30 September in China
    just_after = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert "生成日期：2026-09-30" in leader_report_data("陈丽蓉", "2026Q3", demo_data.data_dir,
                                                     now=just_before).header_html()
    assert "生成日期：2026-10-01" in overview_data("2026Q3", demo_data.data_dir, now=just_after).header_html()


def test_repr_html_is_the_whole_report_with_its_style(leader_report: LeaderReport, demo_data: DemoSummary) -> None:
    from jj123lib.domain import lights

    html = leader_report._repr_html_()
    assert html.startswith('<div class="jj123-report"><style>') and "<script" not in html
    assert lights.css_variables() in html and ".light-red" in html  # colours and the stylesheet, inline
    for name in leader_report.SECTIONS:
        assert getattr(leader_report, name)() in html
    titles = ["h2>总体情况", "h2>需市领导协调事项", "h2>任务进展", "h3>进度轨迹", "h3>工作进展", "h3>存在问题",
              "h2>下季度节点目标", "h2>附录：评价规则"]
    positions = [html.find(f"<{t}<") for t in titles]
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

    from jj123lib.core.resources import NOTEBOOK_DIR
    from jj123lib.reports.leader import LeaderReport
    from jj123lib.reports.overview import OverviewReport

    for notebook, model in (("leader_report.ipynb", LeaderReport), ("quarterly_overview.ipynb", OverviewReport)):
        cells = json.loads((NOTEBOOK_DIR / notebook).read_text(encoding="utf-8"))["cells"]
        shown = [m for c in cells if c["cell_type"] == "code"
                 for m in re.findall(r"\.(\w+_html)\(\)", "".join(c["source"]))]
        assert tuple(shown) == model.SECTIONS, notebook


def test_rich_display_css_restyles_nothing_outside_the_report() -> None:
    """Shown in JupyterLab, the report's <style> must not reach the notebook's own cells."""
    import re

    from jj123lib.reports.base import report_css

    css = re.sub(r"/\*.*?\*/", "", report_css(), flags=re.S)
    blocks = re.findall(r"([^{}]+)\{[^{}]*\}", css)
    selectors = [s.strip() for block in blocks for s in re.split(r",(?![^()]*\))", block)]
    own = re.compile(r"^(:root|\.jj123-report\b|\.(jj|light|change)-?[\w-]*|(table|figure|ol)\.jj-)")
    assert selectors and [s for s in selectors if not own.match(s)] == []
    assert ".jp-" not in css and "@page" not in css
    whole = report_css(whole_page=True)
    assert ".jp-InputPrompt" in whole and "@page" in whole  # the rendered page keeps them


@pytest.fixture(scope="module")
def loop_data(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A copy of the demo folder after a quarter of the supervision loop: 督办 issued in Q2 and Q3, one item
    answered 已整改 and verified (销号) in Q3, one answered and waiting (待核实), the 协调事项 register synced."""
    import shutil

    from jj123lib.core.clock import as_of_moment
    from jj123lib.loop.coordination import sync
    from jj123lib.loop.duban import duban_items, issue_duban, respond
    from jj123lib.loop.verification import verify

    root = tmp_path_factory.mktemp("loop")
    data = root / "data"
    shutil.copytree(demo_data.data_dir, data)
    issue_duban("2026Q2", data, as_of="2026-07-15", by="林督查")
    issue_duban("2026Q3", data, as_of="2026-10-15", by="林督查")
    items = duban_items("2026Q3", data, as_of="2026-10-20")
    closed, waiting = list(items["id"][:2])
    answered = as_of_moment("2026-10-18")  # recorded before the day the reports are read on
    for item in (closed, waiting):
        respond(item, "已约谈并完成整改", "单位", data_dir=data, now=answered)
    proof = root / "验收报告.pdf"
    proof.write_bytes(b"%PDF-1.4 evidence")
    verify(closed, "2026Q3", [proof], "林督查", data_dir=data, as_of="2026-10-20", now=answered,
           reason="经现场核实整改到位")
    sync(data, by="林督查")
    return {"data": data, "closed": closed, "waiting": waiting}


def test_supervision_loop_in_the_leader_report(loop_data: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    from jj123lib.domain.tasks import leaders
    from jj123lib.domain.vocab import LEVELS
    from jj123lib.loop.coordination import register
    from jj123lib.loop.duban import duban_items

    now = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    everything = duban_items(None, loop_data["data"], as_of="2026-10-20")
    owners = dict(zip(load_tasks()["task_id"], load_tasks()["leader"]))
    totals = {"closed": 0, "waiting": 0, "register": 0, "orders": 0}
    for leader in leaders():
        r = leader_report_data(leader, "2026Q3", loop_data["data"], now=now)
        mine = everything[[owners[t] == leader for t in everything["task_id"]]]
        still_open = mine[mine["status"] != "closed"]
        counts = r.duban_counts()
        assert counts["未办结"] == len(still_open)
        assert [counts[level] for level in LEVELS] == [int((still_open["level_label"] == lv).sum()) for lv in LEVELS]
        assert counts["逾期"] == int((still_open["days_overdue"] > 0).sum())
        closed_here = [loop_data["closed"]] if owners[everything.set_index("id").loc[loop_data["closed"], "task_id"]] \
            == leader else []
        assert r.duban_closed == closed_here
        totals["closed"] += len(r.duban_closed)
        summary = r.summary_html()
        assert f"未办结 {len(still_open)} 项" in summary and f"本季度核实销号 {len(closed_here)} 项" in summary
        if loop_data["waiting"] in set(mine["id"]):
            assert loop_data["waiting"] in summary and "待核实 " in summary
            totals["waiting"] += 1
        lagging = r.lagging_html()
        for item in records(still_open[still_open["task_id"].isin(r.lagging()["task_id"])]):
            assert f"{item['id']} {item['level_label']}" in lagging
            totals["orders"] += 1
        open_items = register(loop_data["data"], quarter="2026Q3", open_only=True)
        open_items = open_items[open_items["task_id"].isin(r.tasks["task_id"])]
        coordination = r.coordination_html()
        for item in records(open_items):
            assert f"<td class=\"nowrap\">{item['id']}</td>" in coordination
            assert f"<td class=\"num\">{item['quarters_open']}</td>" in coordination
        totals["register"] += len(open_items)
        assert r.unlogged_requests == []  # the register holds every request of the quarter
    assert totals["closed"] == 1 and totals["waiting"] == 1 and totals["register"] > 0 and totals["orders"] > 0


def test_hostile_opinions_file_reaches_the_report_as_text(loop_data: dict[str, Any]) -> None:
    """A file the office writes (here in a copy of the demo folder) is shown as typed, never as markup."""
    import yaml

    from jj123lib.loop.opinions import opinions_path
    from tests.hostile import HOSTILE

    tasks = list(load_tasks().query("leader == '陈丽蓉'")["task_id"])
    overall = "\n".join(typed for typed, _ in HOSTILE[:8])
    by_task = {task_id: "\n".join(typed for typed, _ in HOSTILE[8 + 3 * i:11 + 3 * i])
               for i, task_id in enumerate(tasks)}
    path = opinions_path(loop_data["data"], "2026Q1")
    path.parent.mkdir(exist_ok=True)
    document = yaml.safe_dump({"陈丽蓉": {"总体": overall, "任务": by_task}}, allow_unicode=True)
    path.write_text(document, encoding="utf-8")
    html = leader_report_data("陈丽蓉", "2026Q1", loop_data["data"]).body_html()
    for text in [overall, *by_task.values()]:
        assert f'<div class="jj-item-text">{htmlkit.esc(text)}</div>' in html
    shown = "".join(by_task.values()) + overall
    assert all(typed in shown for typed, _ in HOSTILE[:26])  # every string went in
    assert "<script" not in html and "<iframe" not in html and "<base" not in html
