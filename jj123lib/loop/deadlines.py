"""Reporting deadlines and 催报 (chasing late units).

Each unit's state for a quarter, judged on ``as_of`` (default: today, China time):

* 未到报送期 – nothing submitted and the deadline has not passed;
* 未报送 – nothing submitted and the deadline has passed (days overdue);
* 迟报 – first submitted after the deadline (days late);
* 按时 – first submitted on or before the deadline, or a form returned with 本季度无配合事项 ticked;
* 无需报送 – a unit that only co-operates (配合单位) while the rules do not make co-units report.

"Submitted on" is the day the office received the unit's first form for the quarter (a later
correction does not make it late): its receipt (``files.received_at``, China time), never the
填报日期 the unit typed, which is kept and shown beside it (``dated``).
Deadlines come from ``rules.yaml`` (``deadlines:``); whether co-units report from ``co_units:``
(:func:`must_report`, the one place the 催报, the 通报 and the year-end deductions ask).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from jj123lib.core.clock import china_now, parse_day
from jj123lib.core.frames import records
from jj123lib.domain.quarters import normalize_quarter, quarter_label, report_deadline
from jj123lib.domain.rule_sections import co_unit_rules
from jj123lib.domain.rules import load_rules
from jj123lib.domain.tasks import load_tasks, units
from jj123lib.domain.tiers import task_order
from jj123lib.domain.units import load_units
from jj123lib.domain.vocab import REPORTING_STATES
from jj123lib.ledger.store import Ledger

__all__ = ["must_report", "unit_states", "unreported_units", "preview_note", "cuibao", "load_contacts", "reminder_text",
           "STATE_COLUMNS", "CUIBAO_COLUMNS"]

_NOT_DUE, _MISSING, _LATE, _ON_TIME, _NOT_OWED = REPORTING_STATES
# submitted_on: the day the first form was received; dated: the 填报日期 typed on it.
STATE_COLUMNS = ["unit", "quarter", "deadline", "state", "submitted_on", "days_late", "dated"]
CUIBAO_COLUMNS = ["unit", "quarter", "deadline", "days_overdue", "tasks", "leaders", "reporter", "phone"]


def _submitted_on(ledger: Ledger, quarter: str) -> dict[str, tuple[date, str | None]]:
    """Per unit, the day its first form for the quarter was received, and that form's 填报日期.

    Superseded and withdrawn forms count: a form once received was received.
    """
    frame = ledger.submissions(quarter, include_superseded=True)
    first: dict[str, tuple[date, str | None]] = {}
    for unit, report_date, received in zip(frame["unit"], frame["report_date"], frame["received_at"]):
        try:
            day = china_now(datetime.fromisoformat(str(received))).date()
        except ValueError:
            continue
        dated = report_date if isinstance(report_date, str) and report_date else None
        if unit not in first or day < first[unit][0]:
            first[unit] = (day, dated)
    return first


def preview_note(quarter: str, as_of: str | date | None = None, rules: Mapping[str, Any] | None = None) -> str:
    """Before the quarter's reporting deadline (on ``as_of``, default today) every output is a 预览 and says so,
    in these words; ``""`` once the deadline has passed."""
    quarter = normalize_quarter(quarter)
    deadline = report_deadline(quarter, rules)
    if parse_day(as_of) > deadline:
        return ""
    return (f"预览：{quarter_label(quarter)}报送截止日为 {deadline.isoformat()}，尚未到期。"
            "尚未报送的任务为“未到报送期”，不评灯、不计分、不催报；结果以截止日后为准。")


def must_report(unit: str, tasks: pd.DataFrame, rules: Mapping[str, Any] | None = None) -> bool:
    """Whether ``unit`` owes a quarterly progress report: a lead unit always; a unit that only co-operates
    when ``co_units.must_report`` says so (default: no, so it is never chased, shown late or deducted)."""
    if unit in set(tasks["lead_unit"]):
        return True
    return bool(co_unit_rules(load_rules() if rules is None else rules)["must_report"])


def _ticked(ledger: Ledger, quarter: str) -> set[str]:
    """Units that returned the quarter's form with 本季度无配合事项 ticked (ingest accepts a form with no
    row filled only then)."""
    frame = ledger.query("SELECT DISTINCT unit FROM files WHERE kind = 'progress' AND quarter = ? AND rows = 0",
                         (quarter,), ["unit"])
    return set(frame["unit"])


def unit_states(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                as_of: str | date | None = None, tasks: pd.DataFrame | None = None,
                rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One row per responsible unit: deadline, state, first submission day and days late/overdue."""
    quarter = normalize_quarter(quarter)
    ledger = Ledger.of(data_dir)
    table = load_tasks() if tasks is None else tasks
    day = parse_day(as_of, ledger.moment())  # default: the ledger's moment (a demo folder: its story's day)
    deadline = report_deadline(quarter, rules)
    submitted = _submitted_on(ledger, quarter)
    ticked = _ticked(ledger, quarter)
    rule_set = load_rules() if rules is None else rules
    rows = []
    for unit in units(table):
        on, dated = submitted.get(unit, (None, None))
        if not must_report(unit, table, rule_set):
            state, late_days = _NOT_OWED, None
        elif unit in ticked and (on is None or on > deadline):  # nothing to report, said so: 按时
            state, late_days = _ON_TIME, None
        elif on is None:
            late = (day - deadline).days
            state, late_days = (_MISSING, late) if late > 0 else (_NOT_DUE, None)
        else:
            late = (on - deadline).days
            state, late_days = (_LATE, late) if late > 0 else (_ON_TIME, None)
        rows.append({"unit": unit, "quarter": quarter, "deadline": deadline.isoformat(), "state": state,
                     "submitted_on": None if on is None else on.isoformat(), "days_late": late_days,
                     "dated": dated})
    frame = pd.DataFrame(rows, columns=STATE_COLUMNS)
    frame["days_late"] = pd.Series([r["days_late"] for r in rows], dtype=object)  # None, not NaN
    return frame


def unreported_units(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                     as_of: str | date | None = None, tasks: pd.DataFrame | None = None,
                     rules: Mapping[str, Any] | None = None) -> set[str]:
    """Units 未报送 on ``as_of`` (past the deadline, nothing received): the 黄榜's and the 催报's one list."""
    states = unit_states(quarter, data_dir, as_of=as_of, tasks=tasks, rules=rules)
    return set(states.loc[states["state"] == _MISSING, "unit"])


def load_contacts(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, str]]:
    """Contacts the office keeps in ``params/units.yaml``: unit → {contact, phone}, only those filled in."""
    out: dict[str, dict[str, str]] = {}
    for name, info in load_units(path).items():
        entry = {"contact": info.contact, "phone": info.phone}
        out[name] = {k: v for k, v in entry.items() if v}
    return out


def _last_contacts(ledger: Ledger) -> dict[str, dict[str, str]]:
    """填报人 (and 联系电话 once forms carry it) from each unit's latest form."""
    frame = ledger.submissions()
    out: dict[str, dict[str, str]] = {}
    phones = frame["phone"] if "phone" in frame.columns else [None] * len(frame)
    for unit, reporter, phone in zip(frame["unit"], frame["reporter"], phones):  # oldest quarter first
        entry = out.setdefault(unit, {})
        if isinstance(reporter, str) and reporter.strip():
            entry["contact"] = reporter.strip()
        if isinstance(phone, str) and phone.strip():
            entry["phone"] = phone.strip()
    return out


def cuibao(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
           as_of: str | date | None = None, tasks: pd.DataFrame | None = None,
           rules: Mapping[str, Any] | None = None, contacts: dict[str, dict[str, str]] | None = None,
           units_file: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The 催报 list: each unit past the deadline with nothing submitted, most overdue first.

    Contacts come from ``contacts``, else from ``units_file`` (default: the default units file).
    """
    ledger = Ledger.of(data_dir)
    table = load_tasks() if tasks is None else tasks
    states = unit_states(quarter, ledger, as_of=as_of, tasks=table, rules=rules)
    known = load_contacts(units_file) if contacts is None else contacts
    last = _last_contacts(ledger)
    rows = []
    for row in records(states[states["state"] == _MISSING]):
        unit = str(row["unit"])
        mine = table[[unit in units for units in table["units"]]]
        ids = sorted(mine["task_id"], key=task_order)
        leaders = list(dict.fromkeys(mine.set_index("task_id").loc[ids, "leader"]))
        contact = {**known.get(unit, {}), **last.get(unit, {})}
        rows.append({"unit": unit, "quarter": row["quarter"], "deadline": row["deadline"],
                     "days_overdue": int(row["days_late"]), "tasks": ids, "leaders": leaders,
                     "reporter": contact.get("contact"), "phone": contact.get("phone")})
    frame = pd.DataFrame(rows, columns=CUIBAO_COLUMNS)
    return frame.sort_values(["days_overdue", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)


def reminder_text(row: Mapping[str, Any]) -> str:
    """The short 催报 message for one row of :func:`cuibao`, ready to send by SMS or WeChat."""
    tasks = "、".join(str(t) for t in row["tasks"])
    who = f"{row['reporter']}同志" if row.get("reporter") else "您好"
    return (f"{who}：贵单位（{row['unit']}）{row['quarter']} “123”工作进度填报表（涉及任务 {tasks}）应于 "
            f"{row['deadline']} 前报送，现已逾期 {row['days_overdue']} 天，请尽快报送督查室。")
