"""On the demo: 预计年底完成度 beside each light (leader report in Chromium, overview), an override shown beside the
verified recognition it contradicts (P12), and the blockers added up by the department asked to act."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from jj123lib.assess.projection import describe_projection
from jj123lib.assess.ratings import rate_quarter
from jj123lib.core.frames import records
from jj123lib.loop.coordination import blockers_by_department, register
from jj123lib.reports.leader import leader_report_data
from jj123lib.reports.overview import overview_data

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.pipeline import BatchResult
    from jj123lib.demo.generate import DemoSummary

CHROMIUM = os.environ.get("JJ123_CHROMIUM", "/usr/bin/chromium")
LAND_TASKS = {"N04", "B03", "B23", "N05", "P03", "P05", "P06", "B20"}  # 用地指标, asked of 自然资源局


def _text(markup: object) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(markup)))


def test_p12_red_by_override_is_shown_beside_its_verified_provincial_recognition(demo_data: DemoSummary) -> None:
    rated = rate_quarter("2026Q3", demo_data.data_dir).set_index("task_id")
    note = str(rated.loc["P12", "conflict"])
    assert rated.loc["P12", "light"] == "red" and rated.loc["P12", "rule_light"] == "yellow"
    assert note.startswith("督查室调整为红灯")
    assert "省级成效认定已认定（2026-08-18 认定，督查室 2026-10-22 核实）" in note
    assert "关键审批尚未取得" in note and int(rated["conflict"].notna().sum()) == 1
    report = leader_report_data("陈进福", "2026Q3", demo_data.data_dir)
    body = _text(report.body_html())
    assert body.count(note) == 1  # side by side with the light, once: in 红灯与滞后任务
    lagging = _text(report.lagging_html())
    assert "两项结论并列" in lagging and note in lagging
    overview = overview_data("2026Q3", demo_data.data_dir)
    assert note in _text(overview.alerts_html()) and note in _text(overview.overrides_html())


def test_without_a_verified_result_an_override_stands_alone(demo_data: DemoSummary, tmp_path: Path) -> None:
    from jj123lib.loop.verification import revoke
    from tests.late_form import demo_copy

    data = demo_copy(demo_data.data_dir, tmp_path / "data")
    revoke("P12@2026Q3", "2026Q3", "督查室", "认定文件待重新核对", data)
    rated = rate_quarter("2026Q3", data).set_index("task_id")
    assert rated.loc["P12", "light"] == "red" and rated["conflict"].isna().all()
    assert "两项结论并列" not in _text(leader_report_data("陈进福", "2026Q3", data).body_html())


def test_blockers_are_added_up_by_department_across_tasks_and_leaders(demo_data: DemoSummary) -> None:
    from jj123lib.documents.content import bulletin_data
    from jj123lib.documents.prose import blockers

    groups = blockers_by_department(register(demo_data.data_dir, quarter="2026Q3", open_only=True))
    land = groups.set_index("department").loc["自然资源局"]
    assert set(land["tasks"]) == LAND_TASKS and land["n_items"] == 8 and len(land["leaders"]) >= 5
    ages = {i["task_id"]: i["quarters_open"] for i in land["items"]}
    assert ages["N04"] == 3 and ages["P05"] == 1 and land["oldest"] == 3
    overview = overview_data("2026Q3", demo_data.data_dir)
    row = re.search(r"<tr><td[^>]*><b>自然资源局</b>.*?</tr>", str(overview.blockers_html()))
    assert row is not None and "N04 教育局（3 个季度）" in row.group(0) and ">8<" in row.group(0)
    bulletin = bulletin_data("2026Q3", demo_data.data_dir)
    assert list(bulletin.blockers) == blockers(records(groups))  # the 通报 states the same groups
    land_line = next(s for s in bulletin.blockers if s.startswith("需自然资源局协调支持的事项8项"))
    assert land_line.endswith("最长已挂账3个季度。")  # with its age, as the overview gives it
    # The department comes from the form's 需协调部门 or the office; read from the wording only when neither named it.
    sources = {i["id"]: i["source"] for g in records(groups) for i in g["items"]}
    assert set(sources.values()) == {"form", "office", "text"}
    inferred = re.search(r"<tr><td[^>]*><b>发改局</b>.*?</tr>", str(overview.blockers_html()))
    assert inferred is not None and "部门据事项文字推定" in inferred.group(0)
    named = re.search(r"<tr><td[^>]*><b>工信局</b>.*?</tr>", str(overview.blockers_html()))
    assert named is not None and "推定" not in named.group(0)  # named by the office in the demo


def test_the_overview_lists_the_tasks_at_risk_with_their_projection(demo_data: DemoSummary) -> None:
    overview = overview_data("2026Q3", demo_data.data_dir)
    frame = overview.at_risk()
    assert list(frame["projection_risk"]).index("中") == int((frame["projection_risk"] == "高").sum())
    text = _text(overview.forward_html())
    assert "N04" in text and "交付风险高" in text and describe_projection({}) in _text(overview.rules_html())


def _dom_rows(page: Any, path: Path) -> dict[str, Any]:
    """Every table row of the page as its header's cells and its own, and the appendix, as Chromium lays it out."""
    page.goto(path.resolve().as_uri())
    found: dict[str, Any] = page.evaluate("""() => ({
        rows: [...document.querySelectorAll('table.jj-table tbody tr')].map(tr => ({
            head: [...tr.closest('table').querySelectorAll('thead th')].map(th => th.innerText.trim()),
            cells: [...tr.children].map(td => td.innerText.trim())})),
        appendix: [...document.querySelectorAll('ol.jj-rules li')].map(li => li.innerText.trim())})""")
    return found


def test_leader_report_shows_the_projection_beside_the_light_and_the_method_in_the_appendix(
        demo_batch: BatchResult, demo_data: DemoSummary) -> None:
    from playwright.sync_api import sync_playwright

    entry = next(r for r in demo_batch.reports if r.get("leader") == "陈进福")
    rated = rate_quarter("2026Q3", demo_data.data_dir).set_index("task_id")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            dom = _dom_rows(browser.new_page(), demo_batch.out_dir / str(entry["html"]))
        finally:
            browser.close()
    shown = 0
    for row in dom["rows"]:
        if "预计年底" not in row["head"]:
            continue
        column = row["head"].index("预计年底")
        assert row["head"][column - 1].startswith("灯号")  # beside the light
        task = row["cells"][0].split()[0]
        projected, risk = rated.loc[task, "projected"], rated.loc[task, "projection_risk"]
        cell = row["cells"][column]
        assert (f"{projected:g}%" in cell and f"风险{risk}" in cell) if projected == projected else risk in cell
        shown += 1
    assert shown >= len(rated[rated["leader"] == "陈进福"])  # every task of the leader, in 任务进展 at least
    assert describe_projection({}) in dom["appendix"]
