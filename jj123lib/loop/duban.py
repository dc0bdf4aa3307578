"""督办事项: supervision orders with escalation (提醒 → 督办 → 挂牌督办).

After a quarter is rated, each task meeting a trigger in ``rules.yaml`` (``duban:``:
red, 未报送, yellow two quarters running, milestone missed two quarters running) gets
one item addressed to its lead unit, with a due date ``due_days`` after issue.

* IDs are ``DB-<quarter>-<nnn>``, numbered in office order (tier N, P, B, then task
  number) when first issued; an issued ID never changes.
* ``issue_duban`` is idempotent for a quarter and day: rerunning it creates nothing.
* A trigger repeating in a later quarter while the item is still open raises its level;
  so does a due date passing with no response (the due date is then renewed).
  The level never goes down: only closing the item (verified 销号) ends it.
* A unit's response (整改反馈) is recorded with ``respond``: 整改中 keeps the item open,
  已整改 makes it 待核实 until :mod:`jj123lib.loop.verification` closes it or sends it back.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from jj123lib.core.clock import china_now_iso, parse_day
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.frames import records
from jj123lib.domain.quarters import normalize_quarter, previous_quarter
from jj123lib.domain.rules import load_rules, loop_rules
from jj123lib.domain.tiers import task_order
from jj123lib.domain.vocab import DUBAN_STATUS_LABELS, LEVELS, RESPONSE_STATUSES
from jj123lib.ledger.events import check_by, record_event
from jj123lib.ledger.store import Ledger

__all__ = ["Trigger", "IssueSummary", "TRIGGER_LABELS", "RESPONSE_STATUSES", "find_triggers",
           "issue_duban", "respond", "record_response", "duban_items", "DUBAN_COLUMNS"]

TRIGGER_LABELS = {"red": "红灯", "missing": "未报送", "yellow_twice": "连续两个季度黄灯",
                  "milestone_twice": "连续两个季度节点目标未完成", "recognition_refused": "成效目标未获认定",
                  "rank_fell": "对标指标位次下降"}
DUBAN_COLUMNS = ["id", "task_id", "quarter", "unit", "trigger", "reason", "level", "status", "issued_on",
                 "due_date", "last_trigger_quarter", "by", "at"]


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
    escalated: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)


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


def _raise(level: int) -> int:
    return min(level + 1, len(LEVELS))


def issue_duban(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                as_of: str | date | None = None, by: str, rules: Mapping[str, Any] | None = None,
                triggers: list[Trigger] | None = None, now: datetime | None = None) -> IssueSummary:
    """Issue the quarter's 督办事项 and escalate overdue ones, in one transaction (idempotent).

    ``triggers`` defaults to :func:`find_triggers`; tests may pass their own. ``now`` is the
    clock for the records' stamps (and for ``as_of`` when that is not given).
    """
    quarter = normalize_quarter(quarter)
    by = check_by(by)
    day = parse_day(as_of, now)
    rule_set = load_rules() if rules is None else rules
    section = loop_rules(rule_set, "duban")
    found = find_triggers(quarter, data_dir, as_of=day, rules=rules) if triggers is None else triggers
    due = (day + timedelta(days=int(section["due_days"]))).isoformat()
    summary = IssueSummary()
    ledger = Ledger.of(data_dir)
    stamp = china_now_iso(now)
    with ledger.transaction() as conn:
        # A due date passed with no response: one level up, and a new due date.
        for item_id, level in conn.execute("SELECT id, level FROM duban WHERE status = 'open' AND due_date < ?"
                                           " ORDER BY id", (day.isoformat(),)).fetchall():
            conn.execute("UPDATE duban SET level = ?, due_date = ? WHERE id = ?", (_raise(level), due, item_id))
            record_event(conn, item_id, "overdue", f"逾期未反馈，级别{LEVELS[level - 1]}→{LEVELS[_raise(level) - 1]}"
                         f"，新整改期限 {due}", by, stamp)
            summary.overdue.append(item_id)
        for trig in sorted(found, key=lambda t: task_order(t.task_id)):
            latest = conn.execute("SELECT id, level, status, last_trigger_quarter FROM duban WHERE task_id = ?"
                                  " ORDER BY quarter DESC, id DESC LIMIT 1", (trig.task_id,)).fetchone()
            if latest is not None and latest[3] >= quarter:
                continue  # this quarter's trigger is already on record
            if latest is not None and latest[2] != "closed":
                item_id, level = latest[0], int(latest[1])
                conn.execute("UPDATE duban SET level = ?, last_trigger_quarter = ?, reason = ? WHERE id = ?",
                             (_raise(level), quarter, trig.reason, item_id))
                record_event(conn, item_id, "repeat", f"再次触发（{quarter}），级别{LEVELS[level - 1]}→"
                             f"{LEVELS[_raise(level) - 1]}：{trig.reason}", by, stamp)
                summary.escalated.append(item_id)
                continue
            count = conn.execute("SELECT COUNT(*) FROM duban WHERE quarter = ?", (quarter,)).fetchone()[0]
            item_id = f"DB-{quarter}-{count + 1:03d}"
            level = max(LEVELS.index(section["triggers"][h]) + 1 for h in trig.triggers)
            conn.execute("INSERT INTO duban (id, task_id, quarter, unit, trigger, reason, level, status, issued_on,"
                         " due_date, last_trigger_quarter, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)",
                         (item_id, trig.task_id, quarter, trig.unit, ",".join(trig.triggers), trig.reason, level,
                          day.isoformat(), due, quarter, by, stamp))
            record_event(conn, item_id, "issue", f"下发{LEVELS[level - 1]}，整改期限 {due}", by, stamp)
            summary.created.append(item_id)
        crash_point("supervision.before_commit")
    return summary


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
                as_of: str | date | None = None) -> pd.DataFrame:
    """Items issued in ``quarter`` plus earlier ones still open (all items without a quarter).

    Adds ``level_label``, ``status_label``, ``days_overdue`` (on ``as_of``) and the latest response.
    """
    ledger = Ledger.of(data_dir)
    frame = ledger.query("SELECT * FROM duban ORDER BY quarter, id", (), DUBAN_COLUMNS)
    if quarter is not None:
        q = normalize_quarter(quarter)
        frame = frame[(frame["quarter"] == q) | ((frame["quarter"] < q) & (frame["status"] != "closed"))]
    responses = ledger.query("SELECT duban_id, status, text, at FROM duban_responses ORDER BY id", (),
                             ["duban_id", "status", "text", "at"])
    last = {r.duban_id: r for r in responses.itertuples(index=False)}
    day = parse_day(as_of)
    frame = frame.reset_index(drop=True)
    frame["level_label"] = [LEVELS[int(v) - 1] for v in frame["level"]]
    frame["status_label"] = [DUBAN_STATUS_LABELS[str(v)] for v in frame["status"]]
    frame["days_overdue"] = pd.Series([max((day - date.fromisoformat(d)).days, 0) if s == "open" else 0
                                       for d, s in zip(frame["due_date"], frame["status"])], dtype="int64")
    frame["trigger_label"] = ["、".join(TRIGGER_LABELS[t] for t in str(v).split(",")) for v in frame["trigger"]]
    frame["response"] = pd.Series([None if i not in last else f"{last[i].status}：{last[i].text}"
                                   for i in frame["id"]], dtype=object)
    return frame
