"""督办事项: triggers, stable IDs, idempotent issue, escalation (repeat, overdue), responses."""

from __future__ import annotations

import tempfile
from collections.abc import Hashable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.exceptions import LedgerError
from jj123lib.ledger.store import Ledger
from jj123lib.loop.duban import Trigger, duban_items, find_triggers, issue_duban, respond
from tests.ledger_helpers import record_plan, record_progress

pytestmark = pytest.mark.usefixtures("record_year_played")  # scenarios on named days up to December
POLICE = ("N07", "P13", "B19", "B20")
AT = datetime(2026, 10, 20, 10, tzinfo=CHINA_TZ)  # a unit's answer, days after the items are issued
HELD = "经现场核实整改到位"  # the office's reason to close an item whose task still meets its trigger


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    return ledger


def _items(ledger: Ledger, as_of: str = "2026-12-31") -> dict[Any, dict[Hashable, Any]]:
    """Every item as it stood on ``as_of`` (after each scenario's last record)."""
    return duban_items(None, ledger, as_of=as_of).set_index("id").to_dict(orient="index")


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
    # at the top level a repeat is reported as such, never as one more escalation
    assert summary.repeated_at_top == ["DB-2026Q1-001"] and summary.escalated == summary.created == []
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
    respond("DB-2026Q3-001", "已完成整改", "公安局", data_dir=ledger, now=AT)
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
    respond("DB-2026Q3-001", hostile, "公安局", data_dir=ledger, now=AT)
    assert _items(ledger)["DB-2026Q3-001"]["response"] == f"已整改：{hostile}"


_OPS = st.lists(st.one_of(
    st.tuples(st.just("issue"), st.integers(0, 3), st.integers(0, 60), st.sets(st.sampled_from(POLICE))),
    st.tuples(st.just("respond"), st.sampled_from(POLICE), st.sampled_from(["已整改", "整改中"])),
    st.tuples(st.sampled_from(["verify", "reject", "revoke"]), st.sampled_from(POLICE)),
), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(_OPS)
def test_level_never_goes_down_without_a_closure(ops: list[tuple[Any, ...]]) -> None:
    """Random trigger/overdue (issue), respond, verify, reject and revoke events, through the real API.

    An item's level never goes down, and rises only when ``issue_duban`` runs (a repeat trigger or a
    passed due date) on an item that is not closed; a closed item is only ever reopened, for the
    office's check again, by revoking its verification. Refused events raise and change nothing.
    """
    from jj123lib.loop.verification import reject, revoke, verify

    with tempfile.TemporaryDirectory() as folder:
        ledger = Ledger(Path(folder) / "data")
        proof = Path(folder) / "proof.txt"
        proof.write_text("佐证")
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
                rows = ledger.query("SELECT id, status, quarter FROM duban WHERE task_id = ? ORDER BY quarter DESC"
                                    " LIMIT 1", (op[1],), ["id", "status", "quarter"])
                if rows.empty:
                    continue
                item, status, quarter = (str(v) for v in rows.iloc[0])
                decided = ledger.query("SELECT id FROM verifications WHERE target = ? AND revoked = 0", (item,),
                                       ["id"])
                allowed = {"respond": status != "closed", "verify": status == "claimed",
                           "reject": status == "claimed", "revoke": not decided.empty}[op[0]]
                if not allowed:
                    unchanged = ledger.fingerprint()
                    with pytest.raises(LedgerError):
                        _do(op, item, quarter, ledger, proof, respond, verify, reject, revoke)
                    assert ledger.fingerprint() == unchanged
                else:
                    _do(op, item, quarter, ledger, proof, respond, verify, reject, revoke)
            now = ledger.query("SELECT id, (SELECT level FROM duban_steps WHERE duban_id = d.id ORDER BY step DESC"
                               " LIMIT 1) AS level, status FROM duban d", (), ["id", "level", "status"])
            for item_id, level, status in zip(now["id"], now["level"], now["status"]):
                before = levels.get(item_id)
                assert 1 <= level <= 3
                if before is not None:
                    assert level >= before[0]
                    assert level == before[0] or (op[0] == "issue" and before[1] != "closed")
                    if before[1] == "closed" and status != "closed":
                        assert op[0] == "revoke" and status == "claimed"  # back to the office's check
                levels[item_id] = (int(level), status)


def _do(op: tuple[Any, ...], item: str, quarter: str, ledger: Ledger, proof: Path, *api: Any) -> None:
    respond_, verify_, reject_, revoke_ = api
    if op[0] == "respond":
        respond_(item, "整改情况", "公安局", status=op[2], data_dir=ledger)
    elif op[0] == "verify":
        verify_(item, quarter, [proof], "林督查", data_dir=ledger, reason=HELD)
    elif op[0] == "reject":
        reject_(item, quarter, "材料不全，退回", "林督查", ledger)
    else:
        revoke_(item, quarter, "王主任", "核实有误，撤销", ledger)


@pytest.mark.parametrize("point", ["supervision.before_commit"])
def test_killed_issue_leaves_nothing_and_a_rerun_completes(tmp_path: Path, point: str) -> None:
    """SIGKILL ``jj123 duban issue`` inside its transaction: no half-issued items, rerun gives the full set."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys

    from jj123lib.core.crashpoints import CRASH_ENV

    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q3", {t: {"actual_pct": 10.0} for t in POLICE})
    args = [sys.executable, "-m", "jj123lib.cli.main", "duban", "issue", "--quarter", "2026Q3", "--as-of", "2026-10-15",
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


# ---------------------------------------------------------------- every state transition of an item
def _to_state(tmp_path: Path, state: str) -> Ledger:
    """A ledger with DB-2026Q3-001 (N07, 督办, due 2026-10-30) in ``state``."""
    from jj123lib.loop.verification import verify

    ledger = Ledger(tmp_path / "data")
    issue_duban("2026Q3", ledger, as_of="2026-10-15", by="a", triggers=[Trigger("N07", "公安局", ("red",), "红灯")])
    if state in ("responded",):
        respond("DB-2026Q3-001", "整改中", "公安局", status="整改中", data_dir=ledger)
    if state in ("claimed", "closed"):
        respond("DB-2026Q3-001", "已整改", "公安局", data_dir=ledger)
    if state == "closed":
        proof = tmp_path / "proof.txt"
        proof.write_text("佐证")
        verify("DB-2026Q3-001", "2026Q3", [proof], "林督查", data_dir=ledger, reason=HELD)
    return ledger


def _state(ledger: Ledger) -> tuple[str, int]:
    """The item's status and its current level (its latest step's)."""
    row = ledger.query("SELECT status, (SELECT level FROM duban_steps WHERE duban_id = d.id ORDER BY step DESC"
                       " LIMIT 1) AS level FROM duban d WHERE id = 'DB-2026Q3-001'", (), ["status", "level"])
    return str(row["status"].iloc[0]), int(row["level"].iloc[0])


def _act(ledger: Ledger, tmp_path: Path, action: str) -> None:
    from jj123lib.loop.verification import reject, revoke, verify

    proof = tmp_path / "proof2.txt"
    proof.write_text("佐证")
    red = [Trigger("N07", "公安局", ("red",), "红灯")]
    {"respond 整改中": lambda: respond("DB-2026Q3-001", "进展", "公安局", status="整改中", data_dir=ledger),  # type: ignore[no-untyped-call]  # the actions return different types
     "respond 已整改": lambda: respond("DB-2026Q3-001", "完成", "公安局", data_dir=ledger),
     "verify": lambda: verify("DB-2026Q3-001", "2026Q3", [proof], "林督查", data_dir=ledger, reason=HELD),
     "reject": lambda: reject("DB-2026Q3-001", "2026Q3", "材料不全，退回", "林督查", ledger),
     "revoke": lambda: revoke("DB-2026Q3-001", "2026Q3", "王主任", "核实有误，撤销", ledger),
     "overdue": lambda: issue_duban("2026Q3", ledger, as_of="2026-11-05", by="a", triggers=[]),
     "repeat": lambda: issue_duban("2026Q4", ledger, as_of="2026-11-05", by="a", triggers=red),
     }[action]()


@pytest.mark.parametrize(("start", "action", "end"), [
    (("open", 2), "respond 整改中", ("responded", 2)),
    (("open", 2), "respond 已整改", ("claimed", 2)),
    (("open", 2), "overdue", ("open", 3)),
    (("open", 2), "repeat", ("open", 3)),
    (("responded", 2), "respond 已整改", ("claimed", 2)),
    (("responded", 2), "respond 整改中", ("responded", 2)),
    (("responded", 2), "overdue", ("responded", 2)),  # an answer stops the overdue clock
    (("responded", 2), "repeat", ("responded", 3)),
    (("claimed", 2), "verify", ("closed", 2)),
    (("claimed", 2), "reject", ("open", 2)),
    (("claimed", 2), "respond 整改中", ("responded", 2)),
    (("claimed", 2), "repeat", ("claimed", 3)),
    (("closed", 2), "revoke", ("claimed", 2)),
    (("closed", 2), "repeat", ("closed", 2)),  # a closed item is never raised; a new item is issued
    (("closed", 2), "overdue", ("closed", 2)),
])
def test_every_state_transition(tmp_path: Path, start: tuple[str, int], action: str, end: tuple[str, int]) -> None:
    ledger = _to_state(tmp_path, start[0])
    assert _state(ledger) == start
    _act(ledger, tmp_path, action)
    assert _state(ledger) == end


@pytest.mark.parametrize(("start", "action", "message"), [
    ("open", "verify", "不是待核实"), ("responded", "verify", "不是待核实"), ("open", "reject", "不是待核实"),
    ("closed", "respond 整改中", "已销号"), ("closed", "verify", "不是待核实"), ("open", "revoke", "没有可撤销"),
])
def test_refused_transitions_change_nothing(tmp_path: Path, start: str, action: str, message: str) -> None:
    ledger = _to_state(tmp_path, start)
    before = ledger.fingerprint()
    with pytest.raises(LedgerError, match=message):
        _act(ledger, tmp_path, action)
    assert ledger.fingerprint() == before and _state(ledger)[0] == start
