"""Shared pieces of the supervision loop (催报, 督办, 核实销号, 协调事项, 数据核查).

China time, who made a change, the rules sections of the loop with their defaults,
the office's task order, and the audit trail (``supervision_events``).
"""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from jj123lib.clock import CHINA_TZ, china_today
from jj123lib.exceptions import LedgerError, RulesError
from jj123lib.tiers import TIERS

if TYPE_CHECKING:  # the CLI imports this module at start-up; pandas is slow to import
    import pandas as pd

__all__ = ["records", "parse_date", "as_of_moment", "default_by", "check_by", "loop_rules",
           "task_order", "record_event", "LEVELS"]

LEVELS: tuple[str, ...] = ("提醒", "督办", "挂牌督办")  # 督办 levels, 1..3

_DEFAULTS: dict[str, dict[str, Any]] = {
    "deadlines": {"report_day_of_next_month": 10, "plan_month_day": "01-31", "quarter_overrides": {}},
    "duban": {"triggers": {"red": "督办", "missing": "督办", "yellow_twice": "提醒", "milestone_twice": "提醒"},
              "due_days": 15},
    "verification": {"required_for_done": True, "claimed_counts_as": "green"},
    "coordination": {"same_item_min_ratio": 0.6},
    "flags": {"jump_points": 40, "min_text_chars": 10, "stuck_min_quarters": 3,
              "vague_words": ["继续", "持续", "进一步", "加快", "积极", "稳步", "推进", "做好", "加强", "落实", "开展",
                              "相关", "工作", "各项"]},
}
_TRIGGERS = ("red", "missing", "yellow_twice", "milestone_twice")


def parse_date(value: str | date | None, now: datetime | None = None) -> date:
    """A date from ``YYYY-MM-DD`` (``None`` → today in China at ``now``, default the real clock)."""
    if value is None:
        return china_today(now)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise LedgerError(f"日期“{value}”无效，应写作 YYYY-MM-DD，如 2026-10-10") from None


BACKDATED_HOUR = 9  # a back-dated command is stamped at the start of that office day


def as_of_moment(as_of: str | date | None) -> datetime | None:
    """The clock a command run with ``--as-of`` stamps its records with.

    ``None`` (the real clock) when ``as_of`` is absent or today; otherwise 09:00 China time on
    ``as_of``, so a back-dated run (the demo, a replay) records the day it stands for.
    """
    if as_of is None:
        return None
    day = parse_date(as_of)
    return None if day == china_today() else datetime.combine(day, time(BACKDATED_HOUR), CHINA_TZ)


def default_by() -> str:
    """The OS user, recorded when ``--by`` is not given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "督查室"


def check_by(by: str | None) -> str:
    name = (by or "").strip()
    if not name:
        raise LedgerError("必须写明操作人（--by）")
    return name


def loop_rules(rules: dict[str, Any], section: str) -> dict[str, Any]:
    """One loop section of ``rules.yaml`` merged over its defaults, checked."""
    given = rules.get(section) if isinstance(rules, dict) else None
    if given is not None and not isinstance(given, dict):
        raise RulesError("rules", f"{section} 段应为键值对")
    out = {**_DEFAULTS[section], **(given or {})}
    if section == "duban":
        triggers = out["triggers"]
        if not isinstance(triggers, dict) or any(k not in _TRIGGERS or v not in LEVELS for k, v in triggers.items()):
            raise RulesError("rules", f"duban.triggers 的键应为 {'、'.join(_TRIGGERS)}，值应为 {'、'.join(LEVELS)}")
        if not isinstance(out["due_days"], int) or out["due_days"] < 1:
            raise RulesError("rules", "duban.due_days 应为正整数")
    if section == "coordination" and not 0 < float(out["same_item_min_ratio"]) <= 1:
        raise RulesError("rules", "coordination.same_item_min_ratio 应在 0 与 1 之间")
    if section == "deadlines":
        day = out["report_day_of_next_month"]
        if not isinstance(day, int) or not 1 <= day <= 28:
            raise RulesError("rules", "deadlines.report_day_of_next_month 应为 1–28 的整数")
    return out


def records(rows: pd.DataFrame | Iterable[Mapping[Hashable, Any]]) -> list[dict[str, Any]]:
    """A frame's rows as plain ``{column: value}`` dicts (typed for mypy, unlike ``itertuples``)."""
    import pandas as pd

    source = rows.to_dict(orient="records") if isinstance(rows, pd.DataFrame) else rows
    return [{str(k): v for k, v in row.items()} for row in source]


def task_order(task_id: str) -> tuple[int, int, str]:
    """Office order of task numbers: tier N, P, B, then the number (``N02`` before ``N10``)."""
    prefixes = [t[0].upper() for t in TIERS]
    head, digits = task_id[:1].upper(), task_id[1:]
    tier = prefixes.index(head) if head in prefixes else len(prefixes)
    return tier, int(digits) if digits.isdigit() else 10**6, task_id


def record_event(conn: sqlite3.Connection, target: str, action: str, detail: str, by: str, at: str) -> None:
    """One line of the audit trail, in the caller's transaction."""
    conn.execute("INSERT INTO supervision_events (target, action, detail, by, at) VALUES (?, ?, ?, ?, ?)",
                 (target, action, detail, by, at))
