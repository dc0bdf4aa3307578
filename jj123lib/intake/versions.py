"""What a new version of a unit's form changes, said before the office relies on it.

* A resent plan: which planned figures (计划累计进度, 节点目标) change for which quarters, and whose 攻坚措施 and
  责任人 (one per task) change, old and new shortened as messages quote text. A plan counts from
  the moment it was received (:mod:`jj123lib.ledger.views`), so quarters judged before then keep the plan
  they were judged on.
* A progress form for an earlier quarter whose 填报日期 and receipt both lie after the next quarter has
  ended, and that replaces an accepted version: most likely last quarter's form reused for this quarter's
  numbers. It is recorded (nothing is guessed), with a warning saying how to withdraw it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from jj123lib.core.clock import china_now
from jj123lib.core.text import excerpt
from jj123lib.domain.quarters import last_day, next_quarter, quarter_label
from jj123lib.ledger.store import Ledger

__all__ = ["plan_changes", "reused_form_warning"]


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "（空）"
    number = float(value)
    return f"{number:g}"


def _plain(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _text(value: Any) -> str:
    """A text cell as a message quotes it: shortened, in quotes; ``（空）`` when empty."""
    return f"“{excerpt(_plain(value))}”" if _plain(value).strip() else "（空）"


def _task_changes(before: Mapping[tuple[Any, Any], Mapping[Any, Any]], rows: list[dict[str, Any]]) -> list[str]:
    """One line per task whose 攻坚措施 or 责任人 (kept on each of its quarter rows) the new plan changes."""
    lines, seen = [], set()
    for row in sorted(rows, key=lambda r: (str(r["task_id"]), str(r["quarter"]))):
        old = before.get((row["task_id"], row["quarter"]))
        if old is None or row["task_id"] in seen:
            continue
        seen.add(row["task_id"])
        changes = [f"{label} {_text(old.get(key))} → {_text(row.get(key))}"
                   for key, label in (("measures", "攻坚措施"), ("owner", "责任人"))
                   if _plain(old.get(key)) != _plain(row.get(key))]
        if changes:
            lines.append(f"{row['task_id']}：{'；'.join(changes)}")
    return lines


def plan_changes(ledger: Ledger, unit: str, rows: list[dict[str, Any]]) -> list[str]:
    """One line per task and quarter whose planned figures the unit's new plan changes, then one per task whose
    攻坚措施 or 责任人 it changes (none for a first plan)."""
    current = ledger.plan()
    current = current[current["unit"] == unit]
    if current.empty:
        return []
    before = {(r["task_id"], r["quarter"]): r for r in current.to_dict(orient="records")}
    lines = []
    for row in sorted(rows, key=lambda r: (str(r["task_id"]), str(r["quarter"]))):
        old = before.get((row["task_id"], row["quarter"]))
        if old is None:
            continue
        changes = []
        if _number(old["planned_pct"]) != _number(row.get("planned_pct")):
            changes.append(f"计划累计进度 {_number(old['planned_pct'])}% → {_number(row.get('planned_pct'))}%")
        if str(old["milestone"] or "") != str(row.get("milestone") or ""):
            changes.append(f"节点目标改为“{row.get('milestone') or ''}”")
        if changes:
            lines.append(f"{row['task_id']} {quarter_label(str(row['quarter']))}：{'；'.join(changes)}")
    return lines + _task_changes(before, rows)


def reused_form_warning(quarter: str, dated: date | None, received: datetime | None,
                        replaces: list[str]) -> str | None:
    """The warning for a form of ``quarter`` dated and received after the next quarter ended, replacing a version."""
    following = next_quarter(quarter)
    if following is None or not replaces or dated is None:
        return None
    ended = last_day(following)
    received_day = china_now(received).date()
    if dated <= ended or received_day <= ended:
        return None
    return (f"注意：这是{quarter_label(quarter)}的进度表，但填报日期（{dated.isoformat()}）和收文日期"
            f"（{received_day.isoformat()}）都在{quarter_label(following)}结束之后，且取代了已导入的 "
            f"{'、'.join(replaces)}。如系误用旧表填报了本季度数据，请用 jj123 ingest --revert 撤回，"
            f"并请单位改用{quarter_label(following)}的填报表重新报送。")
