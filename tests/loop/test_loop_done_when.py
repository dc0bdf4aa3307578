"""The supervision loop end to end, on the demo data, through the CLI and the report view-models.

As of two weeks after the 2026Q3 deadline: 催报 names the missing unit; every red and 未报送
task has an open 督办事项 and a repeat trigger has escalated one; a verified 已完成 carries its
evidence hash; an unverified one shows 待核实; a 协调事项 raised in Q1 is open for 3 quarters;
``flags`` reports every jump above the threshold. Before the 2026Q4 deadline nothing is 未报送.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from jj123lib.cli.main import main
from jj123lib.domain import lights
from jj123lib.domain.quarters import report_deadline
from jj123lib.domain.rules import load_rules, loop_rules
from jj123lib.ledger.store import Ledger
from jj123lib.loop.flags import FLAG_LABELS
from jj123lib.reports.leader import leader_report_data
from jj123lib.reports.overview import overview_data

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

AS_OF = "2026-10-24"  # 2026Q3 deadline (2026-10-10) + 14 days
NOW = datetime(2026, 10, 24, 2, 0, tzinfo=UTC)


def test_as_of_is_two_weeks_after_the_deadline() -> None:
    assert (datetime.fromisoformat(AS_OF).date() - report_deadline("2026Q3")).days == 14


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    assert main([*argv, "--format", "json"]) == 0
    rows: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return rows


@pytest.fixture(scope="module")
def data(demo_data: DemoSummary) -> str:
    return str(demo_data.data_dir)


def test_cuibao_names_the_missing_unit_and_the_late_one(demo_data: DemoSummary, data: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    overdue = cli_json(capsys, "cuibao", "--quarter", "2026Q3", "--as-of", AS_OF, "--data-dir", data)
    row = next(r for r in overdue if r["单位"] == demo_data.missing_unit)
    assert row["逾期天数"] == 14 and row["涉及任务"]
    states = {r["单位"]: r for r in cli_json(capsys, "cuibao", "--all", "--quarter", "2026Q3", "--as-of", AS_OF,
                                              "--data-dir", data)}
    assert demo_data.loop is not None
    assert states[demo_data.loop.late_unit]["报送状态"] == "迟报"
    assert states[demo_data.loop.late_unit]["迟报/逾期天数"] == 3


def test_every_red_and_missing_task_has_an_open_duban_and_one_escalated(data: str,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    rated = cli_json(capsys, "ratings", "--quarter", "2026Q3", "--as-of", AS_OF, "--data-dir", data)
    flagged = {r["任务编号"] for r in rated if r["督查室灯号"] in (lights.LABELS["red"], lights.LABELS["missing"])}
    assert flagged and any(r["督查室灯号"] == lights.LABELS["missing"] for r in rated)
    items = cli_json(capsys, "duban", "--quarter", "2026Q3", "--as-of", AS_OF, "--data-dir", data)
    open_tasks = {r["任务编号"] for r in items if r["状态"] != "已销号"}
    assert flagged <= open_tasks
    assert {r["督办级别"] for r in items} == {"提醒", "督办", "挂牌督办"}
    # A yellow-twice item starts at 提醒 (rules); at 挂牌督办 it was raised by a repeat trigger.
    assert loop_rules(load_rules(), "duban")["triggers"]["yellow_twice"] == "提醒"
    escalated = [r for r in items if r["触发原因"] == "连续两个季度黄灯" and r["督办级别"] != "提醒"]
    assert escalated
    events = Ledger(data).query("SELECT target, action FROM supervision_events WHERE action = 'repeat'", (),
                                ["target", "action"])
    assert {r["督办编号"] for r in escalated} <= set(events["target"])


def test_closed_rejected_and_answered_items_are_on_record(demo_data: DemoSummary, data: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    items = {r["督办编号"]: r for r in cli_json(capsys, "duban", "--as-of", AS_OF, "--data-dir", data)}
    assert demo_data.loop is not None
    for item in demo_data.loop.closed_duban:
        assert items[item]["状态"] == "已销号"
    verdicts = Ledger(data).verifications()
    closed = verdicts[verdicts["target"].isin(demo_data.loop.closed_duban)]
    assert (closed["decision"] == "verified").all()
    for item in demo_data.loop.closed_duban:
        proof = json.loads(closed.loc[closed["target"] == item, "evidence"].iloc[0])[0]
        assert proof["sha256"] == demo_data.loop.evidence[item]
        generated = demo_data.data_dir / "evidence" / proof["filename"]
        assert "示例数据" in generated.read_text(encoding="utf-8")  # demo evidence says what it is
        archived = demo_data.data_dir / "archive" / f"{proof['sha256']}.{proof['ext']}"
        assert archived.read_bytes() == generated.read_bytes()
    rejected = set(demo_data.loop.rejected_duban) | {demo_data.loop.year_end_rejected}  # and a Q4 已完成 sent back
    assert set(verdicts.loc[verdicts["decision"] == "rejected", "target"]) == rejected
    answered = Ledger(data).query("SELECT duban_id, file_sha256 FROM duban_responses", (), ["duban_id", "file_sha256"])
    assert answered["file_sha256"].notna().all() and len(answered) >= 4  # every demo answer came on a form


def test_verified_done_carries_its_evidence_hash_and_unverified_shows_claimed(
        demo_data: DemoSummary, data: str, capsys: pytest.CaptureFixture[str]) -> None:
    rated = {r["任务编号"]: r for r in cli_json(capsys, "ratings", "--quarter", "2026Q3", "--as-of", AS_OF,
                                                "--data-dir", data)}
    assert demo_data.loop is not None
    verified = demo_data.loop.verified_task
    assert rated[verified]["督查室灯号"] == lights.LABELS["done"]
    assert demo_data.loop.evidence[verified][:12] in rated[verified]["理由"]
    claimed = [t for t, r in rated.items() if r["督查室灯号"] == lights.LABELS["claimed"]]
    assert claimed and verified not in claimed
    waiting = {r["编号"] for r in cli_json(capsys, "verify", "--quarter", "2026Q3", "--as-of", AS_OF,
                                          "--data-dir", data)}
    assert set(claimed) <= waiting


def test_a_q1_coordination_item_is_open_for_three_quarters(demo_data: DemoSummary, data: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    items = cli_json(capsys, "coordination", "--open", "--quarter", "2026Q3", "--data-dir", data,
                     "--as-of", AS_OF, "--by", "测试")
    old = [r for r in items if r["首次提出"] == "2026Q1" and r["历时(季度)"] == 3]
    assert demo_data.loop is not None
    assert any(r["任务编号"] == demo_data.loop.stuck_task and r["最近提出"] == "2026Q3" for r in old)
    settled = cli_json(capsys, "coordination", "--data-dir", data, "--as-of", AS_OF, "--by", "测试")
    assert any(r["状态"] == "已协调" and r["办结依据"] for r in settled)


def test_flags_report_every_jump_above_the_threshold_and_every_kind(data: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    threshold = float(loop_rules(load_rules(), "flags")["jump_points"])
    history = {}
    for quarter in ("2026Q2", "2026Q3"):
        history[quarter] = {r["任务编号"]: r["实际累计进度(%)"] for r in cli_json(
            capsys, "ratings", "--quarter", quarter, "--as-of", AS_OF, "--data-dir", data)}
    jumps = {t for t, pct in history["2026Q3"].items() if pct is not None and history["2026Q2"].get(t) is not None
             and pct - history["2026Q2"][t] > threshold}
    assert jumps  # the demo holds at least one
    flags = cli_json(capsys, "flags", "--quarter", "2026Q3", "--as-of", AS_OF, "--data-dir", data)
    assert {r["任务编号"] for r in flags if r["核查提示"] == FLAG_LABELS["jump"]} == jumps
    assert {r["核查提示"] for r in flags} == set(FLAG_LABELS.values())


def test_before_the_q4_deadline_nothing_is_missing(demo_data: DemoSummary, data: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    day = (report_deadline("2026Q4") - timedelta(days=1)).isoformat()
    rated = cli_json(capsys, "ratings", "--quarter", "2026Q4", "--as-of", day, "--data-dir", data)
    assert len(rated) == 48
    shown = {r["督查室灯号"] for r in rated}
    assert lights.LABELS["missing"] not in shown
    # The demo's Q4 forms are in (dated early January 2027); the unit silent in Q4 is not yet overdue.
    silent = [r for r in rated if r["牵头单位"] == demo_data.missing_unit]
    assert silent and {r["督查室灯号"] for r in silent} == {lights.LABELS["pending"]}
    assert cli_json(capsys, "cuibao", "--quarter", "2026Q4", "--as-of", day, "--data-dir", data) == []
    after = (report_deadline("2026Q4") + timedelta(days=1)).isoformat()
    late = cli_json(capsys, "ratings", "--quarter", "2026Q4", "--as-of", after, "--data-dir", data)
    assert {r["督查室灯号"] for r in late if r["牵头单位"] == demo_data.missing_unit} == {lights.LABELS["missing"]}


def test_overview_and_leader_report_show_the_loop(demo_data: DemoSummary, data: str) -> None:
    view = overview_data("2026Q3", data, now=NOW)
    assert demo_data.missing_unit in view.cuibao_html()
    duban = str(view.duban_html())
    assert all(level in duban for level in ("提醒", "督办", "挂牌督办"))
    claimed = view.rated.loc[view.rated["light"] == "claimed", "task_id"].tolist()
    waiting = str(view.awaiting_html())
    assert claimed and all(f">{task}<" in waiting for task in claimed)
    register = view.supervision.coordination
    assert demo_data.loop is not None
    row = register[register["task_id"] == demo_data.loop.stuck_task].iloc[0]
    assert row["quarter_raised"] == "2026Q1" and row["quarters_open"] == 3 and row["id"] in str(view.register_html())
    flags = str(view.flags_html())
    assert all(label in flags for label in FLAG_LABELS.values())
    verified = demo_data.loop.verified_task
    assert view.rated.set_index("task_id").loc[verified, "light"] == "done"
    own = leader_report_data(str(view.rated.set_index("task_id").loc[verified, "leader"]), "2026Q3", data, now=NOW)
    assert demo_data.loop.evidence[verified][:12] in str(own.body_html())  # the task table's reason

    leader = str(view.rated.set_index("task_id").loc[demo_data.loop.stuck_task, "leader"])
    report = leader_report_data(leader, "2026Q3", data, now=NOW)
    items = report.supervision.duban
    assert (items.loc[items["task_id"] == demo_data.loop.stuck_task, "status"] != "closed").any()
    assert demo_data.loop.stuck_task in str(report.duban_html())
    coordination = report.supervision.coordination
    assert (coordination.loc[coordination["task_id"] == demo_data.loop.stuck_task, "quarters_open"] == 3).any()
    assert row["id"] in str(report.coordination_html())  # 需市领导协调事项, with its age
