"""Reporting deadlines and 催报 (chasing late units).

Each unit's state for a quarter, judged on ``as_of`` (default: today, China time):

* 未到报送期 – nothing submitted and the deadline has not passed;
* 未报送 – nothing submitted and the deadline has passed (days overdue);
* 迟报 – first submitted after the deadline (days late);
* 按时 – first submitted on or before the deadline.

"Submitted on" is the 填报日期 of the unit's first form for the quarter (a later
correction does not make it late), or the day it was ingested when the form has none.
Deadlines come from ``rules.yaml`` (``deadlines:``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from jj123lib.core.clock import parse_day
from jj123lib.core.frames import records
from jj123lib.domain.quarters import normalize_quarter, report_deadline
from jj123lib.domain.tasks import load_tasks, units
from jj123lib.domain.tiers import task_order
from jj123lib.domain.units import load_units
from jj123lib.domain.vocab import REPORTING_STATES
from jj123lib.ledger.store import Ledger

__all__ = ["unit_states", "cuibao", "load_contacts", "reminder_text",
           "STATE_COLUMNS", "CUIBAO_COLUMNS"]

_NOT_DUE, _MISSING, _LATE, _ON_TIME = REPORTING_STATES
STATE_COLUMNS = ["unit", "quarter", "deadline", "state", "submitted_on", "days_late"]
CUIBAO_COLUMNS = ["unit", "quarter", "deadline", "days_overdue", "tasks", "leaders", "reporter", "phone"]


def _submitted_on(ledger: Ledger, quarter: str) -> dict[str, date]:
    """First submission day per unit for the quarter, superseded forms included."""
    frame = ledger.submissions(quarter, include_superseded=True)
    first: dict[str, date] = {}
    for unit, report_date, ingested in zip(frame["unit"], frame["report_date"], frame["ingested_at"]):
        text = report_date if isinstance(report_date, str) and report_date else str(ingested)
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            continue
        if unit not in first or day < first[unit]:
            first[unit] = day
    return first


def unit_states(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                as_of: str | date | None = None, tasks: pd.DataFrame | None = None,
                rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One row per responsible unit: deadline, state, first submission day and days late/overdue."""
    quarter = normalize_quarter(quarter)
    ledger = Ledger.of(data_dir)
    table = load_tasks() if tasks is None else tasks
    day = parse_day(as_of)
    deadline = report_deadline(quarter, rules)
    submitted = _submitted_on(ledger, quarter)
    rows = []
    for unit in units(table):
        on = submitted.get(unit)
        if on is None:
            late = (day - deadline).days
            state, late_days = (_MISSING, late) if late > 0 else (_NOT_DUE, None)
        else:
            late = (on - deadline).days
            state, late_days = (_LATE, late) if late > 0 else (_ON_TIME, None)
        rows.append({"unit": unit, "quarter": quarter, "deadline": deadline.isoformat(), "state": state,
                     "submitted_on": None if on is None else on.isoformat(), "days_late": late_days})
    frame = pd.DataFrame(rows, columns=STATE_COLUMNS)
    frame["days_late"] = pd.Series([r["days_late"] for r in rows], dtype=object)  # None, not NaN
    return frame


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
    for row in records(states[states["state"] == "未报送"]):
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
