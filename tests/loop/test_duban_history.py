"""督办 history: escalations as steps, days overdue that never reset, follow-ups, the top level, reads as of a day.

Each scenario is set at fixed dates with injected clocks, so it holds whatever day the suite runs on.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.crashpoints import CRASH_ENV
from jj123lib.core.exceptions import LedgerError, RulesError
from jj123lib.domain.rules import load_rules
from jj123lib.ledger.schema import CURRENT_VERSION
from jj123lib.ledger.store import Ledger
from jj123lib.loop.duban import Trigger, duban_items, duban_steps, issue_duban, respond
from jj123lib.loop.verification import reject, verify

RED_P12 = [Trigger("P12", "工信局", ("red",), "2026Q2：红灯。")]


pytestmark = pytest.mark.usefixtures("record_year_played")  # scenarios on named days up to December


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), CHINA_TZ).replace(hour=hour)


def _issue(ledger: Ledger, quarter: str, day: str, triggers: list[Trigger] | None = None,
           rules: Any = None) -> Any:
    return issue_duban(quarter, ledger, as_of=day, by="林督查", triggers=triggers or [], now=_at(day, 9),
                       rules=rules)


def _item(ledger: Ledger, day: str, item_id: str = "DB-2026Q2-001", rules: Any = None) -> dict[str, Any]:
    frame = duban_items(None, ledger, as_of=day, rules=rules).set_index("id")
    return {str(k): v for k, v in frame.loc[item_id].to_dict().items()}


def _interview(on: bool) -> dict[str, Any]:
    data = load_rules().to_dict()
    data["duban"] = {**data["duban"], "interview": on}
    return data


def _rules_file(tmp_path: Path, data: dict[str, Any]) -> Path:
    import yaml

    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_gongxinju_unanswered_item_stays_overdue_and_its_days_grow_after_every_issue(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    _issue(ledger, "2026Q2", "2026-07-15", RED_P12)  # 督办, due 07-30
    seen = []
    for day in ("2026-08-05", "2026-08-25", "2026-09-20", "2026-10-15", "2026-11-01"):
        _issue(ledger, "2026Q3" if day >= "2026-10-15" else "2026Q2", day, RED_P12 if day == "2026-10-15" else [])
        row = _item(ledger, day)
        assert row["overdue_since"] == "2026-07-30"  # the first missed due date, through every step
        assert row["days_overdue"] == (date.fromisoformat(day) - date(2026, 7, 30)).days
        seen.append(row["days_overdue"])
    assert seen == sorted(seen) and seen[0] > 0
    row = _item(ledger, "2026-11-01")
    assert row["level_label"] == "挂牌督办" and row["first_due"] == "2026-07-30" and row["issued_on"] == "2026-07-15"
    steps = duban_steps("DB-2026Q2-001", ledger)
    assert steps["level_label"].tolist() == ["督办", "挂牌督办"]  # one step up, then the top: no more steps
    assert steps["issued_on"].tolist() == ["2026-07-15", "2026-08-05"]
    assert steps["due_date"].tolist() == ["2026-07-30", "2026-08-20"]
    assert "逾期未反馈（自 2026-07-30 起逾期 6 天）" in steps["reason"].iloc[1]
    # as of a day before the step, the item stood at its first level
    assert _item(ledger, "2026-08-01")["level_label"] == "督办" and _item(ledger, "2026-08-01")["days_overdue"] == 2


def test_annual_deducts_the_overdue_span_real_on_its_day(tmp_path: Path) -> None:
    from jj123lib.annual.review import annual_review

    ledger = Ledger(tmp_path / "data")
    _issue(ledger, "2026Q2", "2026-07-15", RED_P12)
    for day in ("2026-08-05", "2026-08-25", "2026-10-15"):
        _issue(ledger, "2026Q3", day)

    def deductions(day: str) -> list[str]:
        breakdown = annual_review(2026, ledger, as_of=day).breakdown
        mine = breakdown[(breakdown["unit"] == "工信局") & (breakdown["item"] == "督办逾期扣分")]
        return [str(r) for r in mine["reason"]]

    [reason] = deductions("2026-11-01")
    assert "DB-2026Q2-001" in reason and "自 2026-07-30 起逾期未反馈" in reason
    assert deductions("2026-07-25") == []  # not yet due on that day


def test_an_item_answered_in_hand_owes_a_follow_up_and_can_fall_overdue_again(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    _issue(ledger, "2026Q3", "2026-10-15", [Trigger("B18", "工信局", ("red",), "红灯")])  # due 10-30
    respond("DB-2026Q3-001", "已制定整改方案", "工信局", status="整改中", data_dir=ledger, now=_at("2026-10-25"))
    row = _item(ledger, "2026-11-05", "DB-2026Q3-001")
    assert row["status_label"] == "整改中" and row["answer_due"] == "2026-11-09" and row["days_overdue"] == 0
    assert _issue(ledger, "2026Q3", "2026-11-05").overdue == []
    row = _item(ledger, "2026-11-12", "DB-2026Q3-001")
    assert row["overdue_since"] == "2026-11-09" and row["days_overdue"] == 3
    assert _issue(ledger, "2026Q3", "2026-11-12").overdue == ["DB-2026Q3-001"]
    assert _item(ledger, "2026-11-12", "DB-2026Q3-001")["level_label"] == "挂牌督办"
    # the next answer stops the count again
    respond("DB-2026Q3-001", "关键节点已完成", "工信局", status="已整改", data_dir=ledger, now=_at("2026-11-14"))
    assert _item(ledger, "2026-11-20", "DB-2026Q3-001")["days_overdue"] == 0


def test_at_the_top_level_an_unanswered_item_is_still_overdue_not_escalated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jj123lib.cli.main import main

    ledger = Ledger(tmp_path / "data")
    _issue(ledger, "2026Q2", "2026-07-15", RED_P12)
    assert _issue(ledger, "2026Q2", "2026-08-05").overdue == ["DB-2026Q2-001"]  # 督办 → 挂牌督办
    before = ledger.query("SELECT COUNT(*) AS n FROM duban_steps", (), ["n"])["n"].iloc[0]
    summary = _issue(ledger, "2026Q2", "2026-08-25")
    assert summary.overdue == [] and summary.still_overdue == ["DB-2026Q2-001"]
    assert ledger.query("SELECT COUNT(*) AS n FROM duban_steps", (), ["n"])["n"].iloc[0] == before
    capsys.readouterr()
    assert main(["duban", "issue", "--quarter", "2026Q2", "--as-of", "2026-09-01", "--by", "林督查",
                 "--data-dir", str(ledger.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "逾期未反馈升级 0 件" in out and "逾期未办结：DB-2026Q2-001" in out and "逾期升级：" not in out


def test_the_interview_level_above_the_top_is_switched_on_in_the_rules(tmp_path: Path) -> None:
    from jj123lib.documents.content import duban_data

    off, on = Ledger(tmp_path / "off"), Ledger(tmp_path / "on")
    for ledger, rules in ((off, _interview(False)), (on, _interview(True))):
        _issue(ledger, "2026Q2", "2026-07-15", RED_P12, rules)
        for day in ("2026-08-05", "2026-08-25", "2026-09-15"):
            _issue(ledger, "2026Q2", day, rules=rules)
    assert duban_steps("DB-2026Q2-001", off)["level_label"].tolist() == ["督办", "挂牌督办"]
    assert duban_steps("DB-2026Q2-001", on)["level_label"].tolist() == ["督办", "挂牌督办", "约谈"]
    assert _issue(on, "2026Q2", "2026-10-01", rules=_interview(True)).still_overdue == ["DB-2026Q2-001"]
    assert _item(on, "2026-10-01")["level_label"] == "约谈" and _item(on, "2026-10-01")["days_overdue"] == 63
    slips = duban_data("2026Q2", on.data_dir, as_of=date(2026, 10, 1), items=duban_items(
        "2026Q2", on, as_of="2026-10-01", rules=_interview(True)))
    assert slips["DB-2026Q2-001"][0].level == "约谈" and "约谈" in slips["DB-2026Q2-001"][0].requirement
    assert not load_rules().loop["duban"]["interview"]  # off by default
    assert load_rules(_rules_file(tmp_path, _interview(True))).loop["duban"]["interview"] is True
    bad = _interview(False)
    bad["duban"]["interview"] = "是"
    with pytest.raises(RulesError, match="duban.interview"):
        load_rules(_rules_file(tmp_path, bad))
    bad["duban"] = {**bad["duban"], "interview": False, "follow_up_days": 0}
    with pytest.raises(RulesError, match="duban.follow_up_days"):
        load_rules(_rules_file(tmp_path, bad))


def test_the_list_and_the_bulletin_as_of_a_day_see_only_what_was_recorded_by_then(tmp_path: Path) -> None:
    from jj123lib.documents.content import bulletin_data

    ledger = Ledger(tmp_path / "data")
    _issue(ledger, "2026Q1", "2026-04-15", [Trigger("B18", "工信局", ("red",), "红灯")])  # due 04-30
    respond("DB-2026Q1-001", "已整改完毕", "工信局", data_dir=ledger, now=_at("2026-04-28"))
    reject("DB-2026Q1-001", "2026Q1", "佐证材料不全，退回重新整改", "林督查", ledger, now=_at("2026-08-01"))
    _issue(ledger, "2026Q2", "2026-07-25", RED_P12)  # issued after 07-20
    early = duban_items(None, ledger, as_of="2026-07-20")
    assert early["id"].tolist() == ["DB-2026Q1-001"]
    assert early["status_label"].tolist() == ["待核实"] and early["days_overdue"].tolist() == [0]
    late = _item(ledger, "2026-08-10", "DB-2026Q1-001")
    assert late["status_label"] == "退回" and late["response"] == "退回：佐证材料不全，退回重新整改"
    assert late["answer_due"] == "2026-08-16" and late["days_overdue"] == 0

    def overdue_reason(day: date) -> bool:
        entries = bulletin_data("2026Q2", ledger.data_dir, as_of=day).league
        return any(e.unit == "工信局" and "督办事项逾期未办结" in e.board_reason for e in entries)

    assert not overdue_reason(date(2026, 7, 20))
    assert overdue_reason(date(2026, 8, 20))


def test_closing_while_the_trigger_holds_needs_a_reason_shown_beside_the_closure(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")  # no reports at all: every task is 未报送 in 2026Q3
    _issue(ledger, "2026Q3", "2026-10-15", [Trigger("N04", "教育局", ("missing",), "未报送")])
    respond("DB-2026Q3-001", "已整改", "教育局", data_dir=ledger, now=_at("2026-10-20"))
    proof = tmp_path / "验收.txt"
    proof.write_text("验收意见")
    before = ledger.fingerprint()
    with pytest.raises(LedgerError, match="触发条件仍在.*--reason"):
        verify("DB-2026Q3-001", "2026Q3", [proof], "林督查", data_dir=ledger, now=_at("2026-10-25"))
    assert ledger.fingerprint() == before
    verify("DB-2026Q3-001", "2026Q3", [proof], "林督查", "整改属实", data_dir=ledger, now=_at("2026-10-25"),
           reason="已现场核实，数据将随下季度报送")
    row = _item(ledger, "2026-10-26", "DB-2026Q3-001")
    assert row["status_label"] == "已销号"
    assert row["response"] == "整改属实（触发条件仍在，督查室理由：已现场核实，数据将随下季度报送）：整改属实"
    assert _item(ledger, "2026-10-24", "DB-2026Q3-001")["status_label"] == "待核实"  # before the decision


def test_the_ladder_never_drops_below_what_the_record_justifies(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    red = [Trigger("N04", "教育局", ("red",), "红灯")]
    _issue(ledger, "2026Q2", "2026-07-15", red)
    _issue(ledger, "2026Q2", "2026-08-05")  # overdue: 督办 → 挂牌督办
    respond("DB-2026Q2-001", "已整改", "教育局", data_dir=ledger, now=_at("2026-08-06"))
    proof = tmp_path / "p.txt"
    proof.write_text("p")
    verify("DB-2026Q2-001", "2026Q2", [proof], "林督查", data_dir=ledger, now=_at("2026-08-10"),
           reason="经现场核实整改到位")
    _issue(ledger, "2026Q3", "2026-10-15", red)  # still red: a new item, not back at 督办
    row = _item(ledger, "2026-10-16", "DB-2026Q3-001")
    assert row["level_label"] == "挂牌督办" and "DB-2026Q2-001 销号后再次触发" in row["reason"]
    _issue(ledger, "2026Q1", "2026-04-15", [Trigger("B18", "工信局", ("red",), "红灯")])
    assert _item(ledger, "2026-04-16", "DB-2026Q1-001")["level_label"] == "督办"  # no record: the trigger's level


def _old_ledger(tmp_path: Path) -> Ledger:
    """A ledger as schema 5 left it: items escalated in place, no steps table, no held_reason."""
    ledger = Ledger(tmp_path / "data")
    _issue(ledger, "2026Q2", "2026-07-15", RED_P12)
    conn = sqlite3.connect(ledger.path)
    conn.execute("DROP TABLE duban_steps")
    conn.execute("ALTER TABLE verifications DROP COLUMN held_reason")
    conn.execute("UPDATE duban SET level = 3, due_date = '2026-08-20'")  # the old escalation rewrote the row
    conn.execute("DELETE FROM schema_migrations WHERE version > 5")
    conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    return ledger


def test_migration_7_backfills_one_step_per_item_from_its_row(tmp_path: Path) -> None:
    ledger = _old_ledger(tmp_path)
    assert _item(ledger, "2026-08-01")["level_label"] == "挂牌督办"  # readable before the upgrade
    fingerprint = ledger.fingerprint()
    with ledger.transaction():
        pass
    assert ledger.schema_version() == str(CURRENT_VERSION) and ledger.fingerprint() == fingerprint
    steps = duban_steps("DB-2026Q2-001", ledger)
    assert steps[["step", "level_label", "issued_on", "due_date"]].values.tolist() == [
        [1, "挂牌督办", "2026-07-15", "2026-08-20"]]
    conn = sqlite3.connect(ledger.path)
    try:
        assert "held_reason" in {r[1] for r in conn.execute("PRAGMA table_info(verifications)")}
        assert 7 in [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    finally:
        conn.close()
    with ledger.transaction():  # run once
        pass
    assert len(duban_steps("DB-2026Q2-001", ledger)) == 1


@pytest.mark.parametrize(("point", "day"), [("supervision.before_commit", "2026-08-05"),
                                            ("supervision.duban_step", "2026-07-15")])
def test_killed_step_write_leaves_nothing_and_a_rerun_completes(tmp_path: Path, point: str, day: str) -> None:
    """SIGKILL ``jj123 duban issue`` while it appends a step (an escalation, or a new item's first step)."""
    ledger = Ledger(tmp_path / "data")
    if day > "2026-07-15":
        _issue(ledger, "2026Q2", "2026-07-15", RED_P12)
    else:
        with ledger.transaction():
            pass
    steps_before = ledger.query("SELECT * FROM duban_steps", (), ["duban_id", "step"])
    args = [sys.executable, "-m", "jj123lib.cli.main", "duban", "issue", "--quarter", "2026Q2", "--as-of", day,
            "--by", "林督查", "--data-dir", str(ledger.data_dir)]
    killed = subprocess.run(args, env={**os.environ, CRASH_ENV: point}, capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    assert ledger.query("SELECT * FROM duban_steps", (), ["duban_id", "step"]).equals(steps_before)
    done = subprocess.run(args, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    again = subprocess.run(args, capture_output=True, timeout=300)  # idempotent on the day
    assert again.returncode == 0
    steps = ledger.query("SELECT duban_id, step, level FROM duban_steps WHERE duban_id LIKE 'DB-2026Q2-%'"
                         " ORDER BY duban_id, step", (), ["duban_id", "step", "level"])
    if day > "2026-07-15":
        assert steps[steps["duban_id"] == "DB-2026Q2-001"]["level"].tolist() == [2, 3]
    else:
        assert (steps["step"] == 1).all() and len(steps) == len(set(steps["duban_id"])) > 0


def test_the_demo_shows_an_escalated_item_with_its_steps(demo_data: Any) -> None:
    items = duban_items(None, demo_data.data_dir, as_of="2026-12-31")
    escalated = items[items["steps"] > 1]
    assert not escalated.empty
    row = escalated.iloc[0]
    assert len(duban_steps(str(row["id"]), demo_data.data_dir)) == row["steps"]
    assert row["overdue_since"] is None or row["overdue_since"] <= row["due_date"]
    closed = items[items["status"] == "closed"]
    assert any("触发条件仍在，督查室理由" in str(r) for r in closed["response"])


def test_a_read_as_of_a_minute_sees_a_step_only_from_the_minute_it_was_issued(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    issue_duban("2026Q2", ledger, as_of="2026-07-15", by="林督查", triggers=RED_P12, now=_at("2026-07-15", 10))
    assert duban_items(None, ledger, as_of="2026-07-15T09:00").empty  # issued at 10:00, not there at 09:00
    assert _item(ledger, "2026-07-15T10:00")["level_label"] == "督办"
    # The escalation on 08-05 at 10:00 (unanswered since its due date 07-30).
    issue_duban("2026Q2", ledger, as_of="2026-08-05", by="林督查", triggers=[], now=_at("2026-08-05", 10))
    before, after = _item(ledger, "2026-08-05T09:30"), _item(ledger, "2026-08-05T10:30")
    assert (before["level_label"], before["steps"]) == ("督办", 1)
    assert (after["level_label"], after["steps"]) == ("挂牌督办", 2)
    assert before["days_overdue"] == after["days_overdue"] == 6  # whole days, to the moment's day
    assert len(duban_steps("DB-2026Q2-001", ledger, as_of="2026-08-05T09:59")) == 1
    assert len(duban_steps("DB-2026Q2-001", ledger, as_of="2026-08-05T10:00")) == 2
    # An answer stamped at 14:00 stops the count from that minute on.
    respond("DB-2026Q2-001", "已制定整改方案", "工信局", status="整改中", data_dir=ledger, now=_at("2026-08-05", 14))
    assert _item(ledger, "2026-08-05T13:59")["status"] == "open"
    assert _item(ledger, "2026-08-05T14:00")["status"] == "responded"
    assert _item(ledger, "2026-08-05T14:00")["days_overdue"] == 0
