"""The plan's 攻坚措施 and 责任人 on each task of the leader report: one line on screen, verbatim and escaped;
on paper (four A4 pages) the 责任人 alone, after the milestone."""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.store import Ledger
from jj123lib.reports.leader import leader_report_data
from jj123lib.reports.leader_summary import plan_line
from tests.ledger_helpers import TASKS, filled_plan

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.pipeline import BatchResult
    from jj123lib.demo.generate import DemoSummary

LEADER = "陈丽蓉"


def _items(markup: str) -> dict[str, str]:
    """Each task's item of the 下季度节点目标 section, by task ID."""
    parts = re.split(r'<div class="jj-item">', markup)[1:]
    return {re.search(r"\b([NPB]\d\d)\b", part).group(1): part for part in parts}  # type: ignore[union-attr]


def test_each_task_shows_its_plans_measures_and_owner(demo_data: DemoSummary) -> None:
    report = leader_report_data(LEADER, "2026Q3", demo_data.data_dir)
    plan = Ledger(demo_data.data_dir).plan().drop_duplicates("task_id").set_index("task_id")
    items = _items(str(report.next_quarter_html()))
    assert set(items) == set(report.tasks["task_id"])
    for task_id, item in items.items():
        measures, owner = str(plan.loc[task_id, "measures"]), str(plan.loc[task_id, "owner"])
        screen = re.search(r'<div class="jj-item-text jj-screen-only">(.*?)</div>', item, re.S)
        assert screen is not None, task_id
        assert html.unescape(re.sub(r"<[^>]+>", "", screen.group(1))) == f"攻坚措施：{measures}　责任人：{owner}"
        printed = re.search(r'<span class="jj-item-text jj-print-only">(.*?)</span>', item, re.S)
        assert printed is not None and html.unescape(re.sub(r"<[^>]+>", "", printed.group(1))) == f"　责任人：{owner}"


def test_nothing_shown_for_a_plan_without_them() -> None:
    assert str(plan_line({"measures": None, "owner": "  "})) == ""
    only = str(plan_line({"measures": None, "owner": "王明"}))
    assert "攻坚措施" not in only and only.count("责任人：") == 2  # the screen line and the printed one


def test_unit_text_is_escaped_never_markup(tmp_path: Path) -> None:
    mine = TASKS[TASKS["leader"] == LEADER]
    typed = "<script>alert('pwn')</script>\n第二行 & <b>加粗</b>"
    filled = {t: {"攻坚措施": typed, "责任人": "<i>王明</i>"} for t in mine["task_id"]}
    paths: list[str | os.PathLike[str]] = [filled_plan(tmp_path / "in", unit, changes=filled)
                                           for unit in sorted(set(mine["lead_unit"]))]
    assert all(r.status == "accepted" for r in ingest_files(paths, tmp_path / "d"))
    markup = str(leader_report_data(LEADER, "2026Q3", tmp_path / "d").next_quarter_html())
    assert "<script>" not in markup and "<i>王明</i>" not in markup and "<b>加粗</b>" not in markup
    assert typed in html.unescape(markup)  # verbatim, line break and all
    assert markup.count("&lt;script&gt;alert(") == len(mine)


def test_the_printed_report_names_the_owner_not_the_measures(demo_batch: BatchResult,
                                                             demo_data: DemoSummary) -> None:
    text = subprocess.run(["pdftotext", str(Path(demo_batch.out_dir) / "chen-lirong.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    plan = Ledger(demo_data.data_dir).plan().drop_duplicates("task_id").set_index("task_id")
    mine = TASKS.loc[TASKS["leader"] == LEADER, "task_id"]
    assert all(f"责任人：{plan.loc[t, 'owner']}" in flat for t in mine)
    assert "攻坚措施：" not in flat  # on screen only: the leader's four pages
