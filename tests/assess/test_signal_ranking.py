"""争先进位 drives supervision: 未获认定 and a fall in rank are named per task, ranked first, shown in the leader
report, the overview and the 通报, and can be 督办 triggers; 落后标杆 is summarised, not repeated."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from jj123lib.assess.signals import behind_summary, benchmark_signals, load_benchmark_view, ranked_warnings
from jj123lib.documents.content import bulletin_data
from jj123lib.domain.rules import load_rules
from jj123lib.loop.duban import find_triggers
from jj123lib.reports.leader import leader_report_data
from jj123lib.reports.overview import overview_data
from tests.benchmark_frames import frames, plan_row, stage_row

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.usefixtures("demo_year_viewed")
REFUSED = ["N03", "N04", "P01", "P10"]  # the demo's recognitions refused in 2026Q3


def test_a_refusal_fires_from_its_quarter_on_with_level_and_note() -> None:
    p, v, r = frames([plan_row(goal_level="省级")], [], [stage_row("2026Q2", "评审中", level="省级"),
                                                      {**stage_row("2026Q3", "未获认定", level="省级"),
                                                       "note": "评审未通过"}])
    assert list(benchmark_signals(p, v, r, "2026Q2")["kind"]) == []
    now = benchmark_signals(p, v, r, "2026Q3")
    assert list(now["kind"]) == ["recognition_refused"] and list(now["label"]) == ["未获认定"]
    assert now["reason"].iloc[0] == "2026Q3报省级认定“未获认定”（评审未通过）"
    assert list(benchmark_signals(p, v, r, "2026Q4")["kind"]) == ["recognition_refused"]  # still refused


def test_demo_refusals_and_rank_drops_lead_one_line_per_task(demo_data: DemoSummary) -> None:
    signals = load_benchmark_view("2026Q3", demo_data.data_dir).signals
    assert sorted(signals.loc[signals["kind"] == "recognition_refused", "task_id"]) == REFUSED
    fell = set(signals.loc[signals["kind"] == "rank_fell", "task_id"])
    ranked = ranked_warnings(signals)
    assert ranked["task_id"].is_unique and not ranked.empty
    assert list(ranked["task_id"])[:len(REFUSED)] == REFUSED  # 未获认定 first, in office order
    rank_block = list(ranked["task_id"])[len(REFUSED):len(REFUSED) + len(fell - set(REFUSED))]
    assert set(rank_block) == fell - set(REFUSED)  # then every task whose rank fell, named
    assert list(ranked["priority"]) == sorted(ranked["priority"])
    behind = signals[signals["kind"] == "behind_benchmark"]
    assert len(behind) > 20 and not any("落后标杆：" in line for line in ranked["line"])  # not repeated
    summary = behind_summary(signals)
    assert summary.startswith(f"落后标杆：{behind['task_id'].nunique()} 项任务的 {len(behind)} 项指标")


def test_leader_report_overview_and_bulletin_name_them(demo_data: DemoSummary) -> None:
    q, data = "2026Q3", demo_data.data_dir
    ranked = ranked_warnings(load_benchmark_view(q, data).signals)
    overview = overview_data(q, data).body_html()
    assert "对标预警（未获认定、位次下降在前）" in overview
    assert overview.index("N03 未获认定") < overview.index("落后标杆：")
    assert "N03" in set(ranked["task_id"])
    report = leader_report_data("王也夫", q, data)  # N03's lead leader
    assert "N03" in set(report.tasks["task_id"]) and "N03 未获认定：2026Q3报国家级认定" in report.body_html()
    bulletin = bulletin_data(q, data, as_of=date(2026, 12, 5))
    standing = next(p for p in bulletin.overview if p.startswith("争先进位方面"))
    assert "N03、N04、P01、P10 成效目标未获认定" in standing and "对标指标位次下降" in standing
    assert "落后标杆：" in standing


def test_they_can_be_duban_triggers(demo_data: DemoSummary) -> None:
    plain = {t.task_id for t in find_triggers("2026Q3", demo_data.data_dir, as_of="2026-10-20")}
    rules = load_rules().to_dict()
    rules["duban"]["triggers"] = {**rules["duban"]["triggers"], "recognition_refused": "督办", "rank_fell": "提醒"}
    found = {t.task_id: t for t in find_triggers("2026Q3", demo_data.data_dir, as_of="2026-10-20", rules=rules)}
    assert set(REFUSED) <= set(found) and not set(REFUSED) <= plain
    assert "recognition_refused" in found["N03"].triggers and "成效目标未获认定" in found["N03"].reason
