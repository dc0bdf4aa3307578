"""督办事项: triggers, stable IDs, idempotent issue, escalation (repeat, overdue), responses."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_helpers import record_plan, record_progress

from jj123lib.duban import Trigger, duban_items, find_triggers, issue_duban, respond
from jj123lib.exceptions import LedgerError
from jj123lib.ledger import Ledger

POLICE = ("N07", "P13", "B19", "B20")


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    return ledger


def _items(ledger: Ledger) -> dict[str, dict]:
    return duban_items(None, ledger, as_of="2026-10-15").set_index("id").to_dict(orient="index")


def test_triggers_red_missing_yellow_twice_and_milestone_twice(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q2", {"N07": {"actual_pct": 45.0}, "P13": {"actual_pct": 25.0},
                                                 "B19": {"actual_pct": 45.0, "milestone_met": False},
                                                 "B20": {"actual_pct": 45.0}})
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"actual_pct": 20.0}, "P13": {"actual_pct": 50.0},
                                                 "B19": {"actual_pct": 70.0, "milestone_met": False},
                                                 "B20": {"actual_pct": 70.0}})
    found = {t.task_id: t for t in find_triggers("2026Q3", ledger, as_of="2026-10-15")}
    assert found["N07"].triggers == ("red",)
    assert found["P13"].triggers == ("yellow_twice",)
    assert "milestone_twice" in found["B19"].triggers and "red" in found["B19"].triggers
    assert "B20" not in found  # green both quarters
    assert found["N01"].triggers == ("missing",) and found["N01"].unit == "自然资源局"
    # before the deadline nothing is 未报送, so nothing triggers for units that have not reported
    early = {t.task_id for t in find_triggers("2026Q3", ledger, as_of="2026-10-09")}
    assert "N01" not in early and "N07" in early


def test_issue_numbers_in_office_order_and_is_idempotent(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q3", {t: {"actual_pct": 10.0} for t in POLICE})
    first = issue_duban("2026Q3", ledger, as_of="2026-10-15", by="林督查")
    items = _items(ledger)
    assert len(first.created) == len(items) > len(POLICE)
    by_task = {row["task_id"]: item_id for item_id, row in items.items()}
    assert by_task["N01"] == "DB-2026Q3-001"  # tier N first, then by number
    order = [by_task[t] for t in ("N07", "P13", "B19", "B20")]
    assert order == sorted(order)
    row = items[by_task["N07"]]
    assert row["level_label"] == "督办" and row["status_label"] == "待整改" and row["due_date"] == "2026-10-30"
    assert row["by"] == "林督查" and "+08:00" in row["at"]
    before = ledger.query("SELECT * FROM duban ORDER BY id", (), ["id", "level", "due_date", "reason"])
    again = issue_duban("2026Q3", ledger, as_of="2026-10-15", by="林督查")
    assert again.created == again.escalated == again.overdue == []
    after = ledger.query("SELECT * FROM duban ORDER BY id", (), ["id", "level", "due_date", "reason"])
    assert before.equals(after)


def test_repeat_trigger_escalates_and_caps(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    red = [Trigger("N07", "公安局", ("red",), "红灯")]
    issue_duban("2026Q1", ledger, as_of="2026-04-15", by="a", triggers=red)
    respond("DB-2026Q1-001", "已约谈，整改中", "公安局", status="整改中", data_dir=ledger)
    issue_duban("2026Q2", ledger, as_of="2026-07-15", by="a", triggers=red)
    assert _items(ledger)["DB-2026Q1-001"]["level_label"] == "挂牌督办"
    summary = issue_duban("2026Q3", ledger, as_of="2026-10-15", by="a", triggers=red)
    assert summary.escalated == ["DB-2026Q1-001"] and summary.created == []
    items = _items(ledger)
    assert list(items) == ["DB-2026Q1-001"] and items["DB-2026Q1-001"]["level"] == 3  # one slip per item
    events = ledger.query("SELECT action FROM supervision_events WHERE target = 'DB-2026Q1-001' ORDER BY id", (),
                          ["action"])
    assert events["action"].tolist() == ["issue", "respond", "repeat", "repeat"]


def test_overdue_without_response_escalates_once_per_due_date(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    trig = [Trigger("P13", "公安局", ("yellow_twice",), "连续两个季度黄灯")]
    issue_duban("2026Q3", ledger, as_of="2026-10-15", by="a", triggers=trig)
    assert _items(ledger)["DB-2026Q3-001"]["level_label"] == "提醒"
    assert issue_duban("2026Q3", ledger, as_of="2026-10-30", by="a", triggers=trig).overdue == []  # due day
    late = issue_duban("2026Q3", ledger, as_of="2026-10-31", by="a", triggers=trig)
    assert late.overdue == ["DB-2026Q3-001"]
    row = _items(ledger)["DB-2026Q3-001"]
    assert row["level_label"] == "督办" and row["due_date"] == "2026-11-15"
    assert issue_duban("2026Q3", ledger, as_of="2026-10-31", by="a", triggers=trig).overdue == []


def test_response_stops_overdue_escalation_and_closed_items_take_none(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    issue_duban("2026Q3", ledger, as_of="2026-10-15", by="a", triggers=[Trigger("N07", "公安局", ("red",), "红灯")])
    respond("DB-2026Q3-001", "已完成整改", "公安局", data_dir=ledger)
    assert _items(ledger)["DB-2026Q3-001"]["status_label"] == "待核实"
    assert issue_duban("2026Q3", ledger, as_of="2026-12-31", by="a", triggers=[]).overdue == []
    with ledger.transaction() as conn:  # as verification would close it
        conn.execute("UPDATE duban SET status = 'closed' WHERE id = 'DB-2026Q3-001'")
    with pytest.raises(LedgerError, match="已销号"):
        respond("DB-2026Q3-001", "再次反馈", "公安局", data_dir=ledger)
    with pytest.raises(LedgerError, match="不存在"):
        respond("DB-2026Q3-999", "反馈", "公安局", data_dir=ledger)
    with pytest.raises(LedgerError, match="操作人"):
        respond("DB-2026Q3-001", "反馈", " ", data_dir=ledger)


def test_closed_item_and_new_trigger_gives_a_new_item(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    red = [Trigger("N07", "公安局", ("red",), "红灯")]
    issue_duban("2026Q2", ledger, as_of="2026-07-15", by="a", triggers=red)
    with ledger.transaction() as conn:
        conn.execute("UPDATE duban SET status = 'closed'")
    summary = issue_duban("2026Q3", ledger, as_of="2026-10-15", by="a", triggers=red)
    assert summary.created == ["DB-2026Q3-001"] and summary.escalated == []
    assert _items(ledger)["DB-2026Q2-001"]["level"] == 2  # the closed item keeps its level


def test_hostile_response_text_is_stored_verbatim(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    issue_duban("2026Q3", ledger, as_of="2026-10-15", by="a", triggers=[Trigger("N07", "公安局", ("red",), "红灯")])
    hostile = "=HYPERLINK(\"http://x\")<script>alert(1)</script>'; DROP TABLE duban;--"
    respond("DB-2026Q3-001", hostile, "公安局", data_dir=ledger)
    assert _items(ledger)["DB-2026Q3-001"]["response"] == f"已整改：{hostile}"


_OPS = st.lists(st.one_of(
    st.tuples(st.just("issue"), st.integers(0, 3), st.integers(0, 60), st.sets(st.sampled_from(POLICE))),
    st.tuples(st.just("respond"), st.sampled_from(POLICE), st.sampled_from(["已整改", "整改中"])),
    st.tuples(st.just("close"), st.sampled_from(POLICE)),
), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None)
@given(_OPS)
def test_level_never_goes_down_without_a_closure(ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ledger = Ledger(Path(folder) / "data")
        quarter_index, day = 0, 0
        levels: dict[str, tuple[int, str]] = {}
        for op in ops:
            if op[0] == "issue":
                quarter_index = min(quarter_index + op[1], 3)
                day += op[2]
                as_of = f"2026-{4 + quarter_index * 2:02d}-{1 + day % 28:02d}"
                triggers = [Trigger(t, "公安局", ("yellow_twice",), "黄灯") for t in sorted(op[3])]
                issue_duban(f"2026Q{quarter_index + 1}", ledger, as_of=as_of, by="a", triggers=triggers)
            else:
                rows = ledger.query("SELECT id, status FROM duban WHERE task_id = ? ORDER BY quarter DESC LIMIT 1",
                                    (op[1],), ["id", "status"])
                if rows.empty or rows["status"].iloc[0] == "closed":
                    continue
                if op[0] == "respond":
                    respond(rows["id"].iloc[0], "整改情况", "公安局", status=op[2], data_dir=ledger)
                else:
                    with ledger.transaction() as conn:
                        conn.execute("UPDATE duban SET status = 'closed' WHERE id = ?", (rows["id"].iloc[0],))
            now = ledger.query("SELECT id, level, status FROM duban", (), ["id", "level", "status"])
            for item_id, level, status in zip(now["id"], now["level"], now["status"]):
                before = levels.get(item_id)
                assert 1 <= level <= 3
                assert before is None or level >= before[0]
                levels[item_id] = (int(level), status)


@pytest.mark.parametrize("point", ["supervision.before_commit"])
def test_killed_issue_leaves_nothing_and_a_rerun_completes(tmp_path: Path, point: str) -> None:
    """SIGKILL ``jj123 duban issue`` inside its transaction: no half-issued items, rerun gives the full set."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys

    from jj123lib.crashpoints import CRASH_ENV

    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q3", {t: {"actual_pct": 10.0} for t in POLICE})
    args = [sys.executable, "-m", "jj123lib.cli", "duban", "issue", "--quarter", "2026Q3", "--as-of", "2026-10-15",
            "--by", "林督查", "--data-dir", str(ledger.data_dir)]
    killed = subprocess.run(args, env={**os.environ, CRASH_ENV: point}, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    conn = sqlite3.connect(ledger.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert duban_items(None, ledger).empty
    done = subprocess.run(args, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    fresh = Ledger(tmp_path / "fresh")
    record_plan(fresh, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    record_progress(fresh, "公安局", "2026Q3", {t: {"actual_pct": 10.0} for t in POLICE})
    issue_duban("2026Q3", fresh, as_of="2026-10-15", by="林督查")
    columns = ["id", "task_id", "level", "due_date"]
    sql = "SELECT id, task_id, level, due_date FROM duban ORDER BY id"
    assert ledger.query(sql, (), columns).equals(fresh.query(sql, (), columns))
