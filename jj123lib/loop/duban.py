"""督办事项: supervision orders with escalation (提醒 → 督办 → 挂牌督办, optionally → 约谈).

After a quarter is rated, each task meeting a trigger in ``rules.yaml`` (``duban:``:
red, 未报送, yellow two quarters running, milestone missed two quarters running) gets
one item addressed to its lead unit, with a due date ``due_days`` after issue.

* IDs are ``DB-<quarter>-<nnn>``, numbered in office order (tier N, P, B, then task
  number) when first issued; an issued ID never changes. A 公文 prints it in words
  (:func:`duban_number_text`: ``2026年第三季度第4号``); the ledger, the CLI and the forms keep the ID.
* ``issue_duban`` is idempotent for a quarter and day: rerunning it creates nothing.
* A trigger repeating in a later quarter while the item is still open raises its level;
  so does a due date passing with no response. Each raise is a new step (``duban_steps``) with its
  own date, reason and due date; the days overdue run on from the first missed due date
  (:mod:`jj123lib.loop.duban_history`). At the top level an overdue item stays overdue, without a
  step. The level never goes down: only closing the item (verified 销号) ends it, and a new item
  for a task whose trigger ran on past its closed item starts a level above that item's.
* A unit's response (整改反馈) is recorded with ``respond``: 整改中 keeps the item open,
  已整改 makes it 待核实 until :mod:`jj123lib.loop.verification` closes it or sends it back.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from jj123lib.core.clock import china_now_iso, parse_day, read_moment
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.frames import records
from jj123lib.domain.quarters import normalize_quarter, previous_quarter, quarter_label
from jj123lib.domain.rules import load_rules, loop_rules
from jj123lib.domain.tiers import task_order
from jj123lib.domain.vocab import ALL_LEVELS, LEVELS, RESPONSE_STATUSES
from jj123lib.ledger.events import check_by, record_event
from jj123lib.ledger.store import Ledger
from jj123lib.loop.duban_history import History, recorded_by, top_level

__all__ = ["Trigger", "IssueSummary", "TRIGGER_LABELS", "RESPONSE_STATUSES", "DUBAN_ID", "duban_id",
           "duban_number_text", "find_triggers",
           "issue_duban", "respond", "record_response", "duban_items", "duban_steps", "DUBAN_COLUMNS"]

TRIGGER_LABELS = {"red": "红灯", "missing": "未报送", "yellow_twice": "连续两个季度黄灯",
                  "milestone_twice": "连续两个季度节点目标未完成", "recognition_refused": "成效目标未获认定",
                  "rank_fell": "对标指标位次下降"}
DUBAN_ID = re.compile(r"DB-(\d{4}Q[1-4])-(\d{3,})")
DUBAN_COLUMNS = ["id", "task_id", "quarter", "unit", "trigger", "reason", "level", "status", "issued_on",
                 "due_date", "last_trigger_quarter", "by", "at"]


def duban_id(quarter: str, number: int) -> str:
    """The stable ID of a quarter's ``number``-th item: ``DB-2026Q3-004``."""
    return f"DB-{quarter}-{number:03d}"


def duban_number_text(item_id: str) -> str:
    """An item's number as a 公文 prints it, without a quarter code: ``DB-2026Q3-004`` → ``2026年第三季度第4号``.

    Anything that is not such an ID is returned as it is.
    """
    found = DUBAN_ID.fullmatch(item_id.strip())
    return item_id if found is None else f"{quarter_label(found.group(1))}第{int(found.group(2))}号"


@dataclass(frozen=True)
class Trigger:
    """One task meeting the 督办 rules in a quarter."""

    task_id: str
    unit: str
    triggers: tuple[str, ...]
    reason: str


@dataclass
class IssueSummary:
    created: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)  # a repeat trigger: one step up
    overdue: list[str] = field(default_factory=list)  # overdue: one step up
    still_overdue: list[str] = field(default_factory=list)  # overdue at the top level: no step, still overdue
    repeated_at_top: list[str] = field(default_factory=list)  # a repeat trigger at the top level


def find_triggers(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                  as_of: str | date | None = None, rules: Mapping[str, Any] | None = None) -> list[Trigger]:
    """Tasks meeting a trigger, in office order, judged on ``as_of`` (未到报送期 never triggers)."""
    from jj123lib.assess.ratings import rate_quarter

    quarter = normalize_quarter(quarter)
    rule_set = load_rules() if rules is None else rules
    enabled = loop_rules(rule_set, "duban")["triggers"]
    ledger = Ledger.of(data_dir)
    rated = rate_quarter(quarter, ledger, rules=rules, as_of=as_of)
    prev_q = previous_quarter(quarter)
    prev = {} if prev_q is None else {r["task_id"]: r for r in records(rate_quarter(prev_q, ledger, rules=rules,
                                                                                       as_of=as_of))}
    signalled = _signal_triggers(quarter, ledger, rule_set, enabled)
    found = []
    for row in records(rated):
        hits: list[str] = []
        before = prev.get(row["task_id"])
        if row["light"] in ("red", "missing"):
            hits.append(str(row["light"]))
        if row["light"] == "yellow" and before is not None and before["light"] == "yellow":
            hits.append("yellow_twice")
        if row["milestone_met"] is False and before is not None and before["milestone_met"] is False:
            hits.append("milestone_twice")
        if row["light"] != "pending":
            hits.extend(signalled.get(str(row["task_id"]), []))
        hits = [h for h in hits if h in enabled]
        if hits:
            found.append(Trigger(str(row["task_id"]), str(row["lead_unit"]), tuple(hits),
                                 f"{quarter}：{'、'.join(TRIGGER_LABELS[h] for h in hits)}。{row['reason']}"))
    return sorted(found, key=lambda t: task_order(t.task_id))


def _current_level(conn: sqlite3.Connection, item_id: str) -> int:
    row = conn.execute("SELECT level FROM duban_steps WHERE duban_id = ? ORDER BY step DESC LIMIT 1",
                       (item_id,)).fetchone()
    return int(row[0] if row is not None else conn.execute("SELECT level FROM duban WHERE id = ?",
                                                           (item_id,)).fetchone()[0])


def _step(conn: sqlite3.Connection, item_id: str, level: int, day: date, due: str, reason: str, by: str,
          stamp: str) -> int:
    """Append one step to an item's history, in the caller's transaction; its number."""
    number = int(conn.execute("SELECT COALESCE(MAX(step), 0) + 1 FROM duban_steps WHERE duban_id = ?",
                              (item_id,)).fetchone()[0])
    conn.execute("INSERT INTO duban_steps (duban_id, step, level, issued_on, due_date, reason, by, at)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (item_id, number, level, day.isoformat(), due, reason, by, stamp))
    return number


def _signal_triggers(quarter: str, ledger: Ledger, rules: Mapping[str, Any],
                     enabled: Mapping[str, str]) -> dict[str, list[str]]:
    """Task → the 争先进位 signals (assess.signals) the rules make 督办 triggers, when any is enabled."""
    kinds = [k for k in ("recognition_refused", "rank_fell") if k in enabled]
    if not kinds:
        return {}
    from jj123lib.assess.signals import load_benchmark_view

    signals = load_benchmark_view(quarter, ledger, rules=rules).signals
    out: dict[str, list[str]] = {}
    for task_id, kind in zip(signals["task_id"], signals["kind"]):
        if kind in kinds and kind not in out.get(str(task_id), []):
            out.setdefault(str(task_id), []).append(str(kind))
    return out


def issue_duban(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                as_of: str | date | None = None, by: str, rules: Mapping[str, Any] | None = None,
                triggers: list[Trigger] | None = None, now: datetime | None = None) -> IssueSummary:
    """Issue the quarter's 督办事项 and escalate overdue ones, in one transaction (idempotent).

    An escalation appends a step (level up, a new due date); the item's days overdue run on from its
    first missed due date. An overdue item already at the top level is only reported (``still_overdue``).
    ``triggers`` defaults to :func:`find_triggers`; tests may pass their own. ``now`` is the
    clock for the records' stamps (and for ``as_of`` when that is not given).
    """
    quarter = normalize_quarter(quarter)
    by = check_by(by)
    day = parse_day(as_of, now)
    rule_set = load_rules() if rules is None else rules
    section = loop_rules(rule_set, "duban")
    top = top_level(section)
    found = find_triggers(quarter, data_dir, as_of=day, rules=rules) if triggers is None else triggers
    due = (day + timedelta(days=int(section["due_days"]))).isoformat()
    summary = IssueSummary()
    ledger = Ledger.of(data_dir)
    stamp = china_now_iso(now)
    with ledger.transaction() as conn:
        history = History.read(ledger)
        rows = {r["id"]: r for r in records(ledger.query("SELECT * FROM duban ORDER BY id", (), DUBAN_COLUMNS))}
        for item_id, row in rows.items():
            if row["status"] in ("claimed", "closed"):
                continue  # waiting for the office's check, or done
            state = history.state(row, day, int(section["follow_up_days"]), None)
            if not state.days_overdue or state.due_date >= day:
                continue  # answered in time, or its latest step's due date is still to come
            if state.level >= top:
                summary.still_overdue.append(item_id)
                continue
            level = state.level + 1
            why = f"逾期未反馈（自 {state.overdue_since} 起逾期 {state.days_overdue} 天）"
            number = _step(conn, item_id, level, day, due, why, by, stamp)
            record_event(conn, item_id, "overdue", f"{why}，第 {number} 步：级别{ALL_LEVELS[state.level - 1]}→"
                         f"{ALL_LEVELS[level - 1]}，新整改期限 {due}", by, stamp)
            summary.overdue.append(item_id)
        for trig in sorted(found, key=lambda t: task_order(t.task_id)):
            _issue_one(conn, trig, quarter, day, due, section, by, stamp, summary)
        crash_point("supervision.before_commit")
    return summary


def _issue_one(conn: sqlite3.Connection, trig: Trigger, quarter: str, day: date, due: str,
               section: Mapping[str, Any], by: str, stamp: str, summary: IssueSummary) -> None:
    """One trigger: a new item, or a step up of the task's open one (never below what its record justifies)."""
    top = top_level(section)
    latest = conn.execute("SELECT id, status, last_trigger_quarter FROM duban WHERE task_id = ?"
                          " ORDER BY quarter DESC, id DESC LIMIT 1", (trig.task_id,)).fetchone()
    if latest is not None and latest[2] >= quarter:
        return  # this quarter's trigger is already on record
    level_now = None if latest is None else _current_level(conn, latest[0])
    if latest is not None and latest[1] != "closed" and level_now is not None:
        item_id = latest[0]
        conn.execute("UPDATE duban SET last_trigger_quarter = ?, reason = ? WHERE id = ?",
                     (quarter, trig.reason, item_id))
        if level_now >= top:
            record_event(conn, item_id, "repeat", f"再次触发（{quarter}），已是最高级别"
                         f"{ALL_LEVELS[level_now - 1]}：{trig.reason}", by, stamp)
            summary.repeated_at_top.append(item_id)
            return
        number = _step(conn, item_id, level_now + 1, day, due, f"再次触发（{quarter}）：{trig.reason}", by, stamp)
        record_event(conn, item_id, "repeat", f"再次触发（{quarter}），第 {number} 步：级别{ALL_LEVELS[level_now - 1]}→"
                     f"{ALL_LEVELS[level_now]}：{trig.reason}", by, stamp)
        summary.escalated.append(item_id)
        return
    count = conn.execute("SELECT COUNT(*) FROM duban WHERE quarter = ?", (quarter,)).fetchone()[0]
    item_id = duban_id(quarter, count + 1)
    level = max(LEVELS.index(section["triggers"][h]) + 1 for h in trig.triggers)
    reason = trig.reason
    # Closed while the trigger ran on into this quarter: the ladder goes on from where it stood.
    if latest is not None and level_now is not None and latest[2] == previous_quarter(quarter):
        floor = min(level_now + 1, top)
        if floor > level:
            level = floor
            reason += f"（{latest[0]} 销号后再次触发，级别不低于{ALL_LEVELS[floor - 1]}）"
    first = min(level, len(LEVELS))  # the item's row keeps the levels of its first issue (1..3)
    conn.execute("INSERT INTO duban (id, task_id, quarter, unit, trigger, reason, level, status, issued_on,"
                 " due_date, last_trigger_quarter, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)",
                 (item_id, trig.task_id, quarter, trig.unit, ",".join(trig.triggers), reason, first,
                  day.isoformat(), due, quarter, by, stamp))
    _step(conn, item_id, level, day, due, reason, by, stamp)
    crash_point("supervision.duban_step")
    record_event(conn, item_id, "issue", f"下发{ALL_LEVELS[level - 1]}，整改期限 {due}", by, stamp)
    summary.created.append(item_id)


def respond(item_id: str, text: str, by: str, status: str = "已整改",
            data_dir: str | os.PathLike[str] | Ledger | None = None, now: datetime | None = None) -> int:
    """Record a unit's 整改反馈 (text is stored as given, as data)."""
    by = check_by(by)
    item_id = item_id.strip().upper()
    if status not in RESPONSE_STATUSES:
        raise LedgerError(f"反馈状态应为 {'、'.join(RESPONSE_STATUSES)}")
    if not text or not text.strip():
        raise LedgerError("整改反馈内容不能为空（--text）")
    with Ledger.of(data_dir).transaction() as conn:
        return record_response(conn, item_id, status, text, by, china_now_iso(now))


def record_response(conn: sqlite3.Connection, item_id: str, status: str, text: str, by: str, stamp: str,
                    file_sha256: str | None = None) -> int:
    """Insert one response in the caller's transaction (``respond``, or ingest of a 整改反馈 form).

    A closed or unknown item refuses it: :class:`LedgerError`, and the caller's transaction rolls back.
    """
    row = conn.execute("SELECT status FROM duban WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise LedgerError(f"督办事项“{item_id}”不存在")
    if row[0] == "closed":
        raise LedgerError(f"{item_id} 已销号，不再接受反馈")
    cursor = conn.execute("INSERT INTO duban_responses (duban_id, status, text, file_sha256, by, at)"
                          " VALUES (?, ?, ?, ?, ?, ?)", (item_id, status, text, file_sha256, by, stamp))
    conn.execute("UPDATE duban SET status = ? WHERE id = ?",
                 ("claimed" if status == "已整改" else "responded", item_id))
    record_event(conn, item_id, "respond", f"{status}：{text}", by, stamp)
    return int(cursor.lastrowid or 0)


def duban_items(quarter: str | None = None, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                as_of: str | date | datetime | None = None, rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Items issued in ``quarter`` plus earlier ones still open on ``as_of`` (all items without a quarter).

    Each item as it stood at ``as_of`` (a moment, ``DATE[THH:MM]``; a day: its end; default now), from what
    was recorded by then (:func:`jj123lib.loop.duban_history.recorded_by`): items issued later are left out;
    ``level``/``due_date`` are its latest step's (``first_due`` its first),
    ``status``/``status_label`` (退回 for a rejected answer), ``days_overdue`` since ``overdue_since``,
    ``response`` (the latest answer or verdict), ``steps`` and ``step_history``.
    """
    ledger = Ledger.of(data_dir)
    moment = ledger.moment() if as_of is None else _moment(as_of)  # default: the ledger's (a demo: its story's)
    day = moment.date()
    follow_up = int(loop_rules(load_rules() if rules is None else rules, "duban")["follow_up_days"])
    frame = ledger.query("SELECT * FROM duban WHERE issued_on <= ? ORDER BY quarter, id", (day.isoformat(),),
                         DUBAN_COLUMNS)
    frame = frame[[recorded_by(date.fromisoformat(str(row["issued_on"])), str(row["at"]), moment)
                   for row in records(frame)]] if len(frame) else frame
    history = History.read(ledger)
    states = [history.state(row, day, follow_up, moment) for row in records(frame)]
    frame = frame.reset_index(drop=True)
    frame["first_due"] = frame["due_date"]
    frame["status"] = pd.Series([s.status for s in states], dtype=object)
    frame["level"] = pd.Series([s.level for s in states], dtype="int64")
    frame["due_date"] = pd.Series([s.due_date.isoformat() for s in states], dtype=object)
    frame["level_label"] = pd.Series([ALL_LEVELS[s.level - 1] for s in states], dtype=object)
    frame["status_label"] = pd.Series([s.status_label for s in states], dtype=object)
    frame["answer_due"] = pd.Series([None if s.answer_due is None else s.answer_due.isoformat() for s in states],
                                    dtype=object)
    frame["overdue_since"] = pd.Series([None if s.overdue_since is None else s.overdue_since.isoformat()
                                        for s in states], dtype=object)
    frame["days_overdue"] = pd.Series([s.days_overdue for s in states], dtype="int64")
    frame["trigger_label"] = ["、".join(TRIGGER_LABELS[t] for t in str(v).split(",")) for v in frame["trigger"]]
    frame["response"] = pd.Series([s.response for s in states], dtype=object)
    frame["steps"] = pd.Series([len(s.steps) for s in states], dtype="int64")
    frame["step_history"] = pd.Series(["；".join(step.describe() for step in s.steps) for s in states], dtype=object)
    if quarter is not None:
        q = normalize_quarter(quarter)
        frame = frame[(frame["quarter"] == q) | ((frame["quarter"] < q) & (frame["status"] != "closed"))]
    return frame.reset_index(drop=True)


def _moment(as_of: str | date | datetime | None) -> datetime:
    """The moment a 督办 read is as of: now by default; a day its end, a later day too (a story's clock)."""
    return read_moment(as_of, clamp=as_of is None)


def duban_steps(item_id: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                as_of: str | date | datetime | None = None) -> pd.DataFrame:
    """One item's steps issued by ``as_of`` (default: all), oldest first, with their level labels."""
    ledger = Ledger.of(data_dir)
    item_id = item_id.strip().upper()
    found = records(ledger.query("SELECT * FROM duban WHERE id = ?", (item_id,), DUBAN_COLUMNS))
    if not found:
        raise LedgerError(f"督办事项“{item_id}”不存在")
    cutoff = None if as_of is None else _moment(as_of)
    rows = [{"step": s.step, "level_label": ALL_LEVELS[s.level - 1], "issued_on": s.issued_on.isoformat(),
             "due_date": s.due_date.isoformat(), "reason": s.reason, "by": s.by, "at": s.at}
            for s in History.read(ledger).steps(found[0], cutoff)]
    return pd.DataFrame(rows, columns=["step", "level_label", "issued_on", "due_date", "reason", "by", "at"])
