"""The year-end score of each responsible unit, with every addition and deduction in a breakdown.

A unit's score = base (weighted mean of its tasks' outcome points; weight = tier weight × lead/co weight) +
recognition points of the tasks it leads (highest verified level, once per task) − points for each quarter
未报送 or 迟报 and each overdue 督办事项. Units are ranked within their group.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from jj123lib.annual.inputs import AnnualInputs
from jj123lib.core.frames import records
from jj123lib.domain.rule_annual import OUTCOMES
from jj123lib.domain.units import GROUPS, UnitInfo

__all__ = ["unit_rows", "rank_units", "task_points"]

Row = dict[str, Any]


def _fmt(value: float) -> str:
    return f"{round(value, 2):g}"


def task_points(outcome: str, progress: object, r: dict[str, Any]) -> float:
    """A task's points for its outcome. With ``undone_points_in_proportion`` a 未完成 task scores in proportion to its
    progress, from the 未完成 points at 0 % up to the 基本完成 points at ``basic.min_progress``: 79 % is not 0 %."""
    points = float(r["outcome_points"][outcome])
    if outcome != OUTCOMES[-1] or not r["undone_in_proportion"]:
        return points
    pct = float(progress) if isinstance(progress, (int, float)) and not math.isnan(progress) else 0.0
    share = min(max(pct, 0.0) / r["basic_min_progress"], 1.0) if r["basic_min_progress"] else 0.0
    return points + (float(r["outcome_points"][OUTCOMES[1]]) - points) * share


def unit_rows(inputs: AnnualInputs, outcomes: pd.DataFrame, r: dict[str, Any]) -> tuple[list[Row], list[Row]]:
    """Each unit's score row, unranked, and the breakdown of every score (``r``: the annual rules)."""
    rows: list[Row] = []
    breakdown: list[Row] = []
    tasks = records(outcomes)
    for info in inputs.units.values():
        mine = [t for t in tasks if info.name == t["lead_unit"] or info.name in t["co_units"]]
        rows.append(_unit_row(inputs, info, mine, r, breakdown))
    return rows, breakdown


def _unit_row(inputs: AnnualInputs, info: UnitInfo, mine: list[Row], r: dict[str, Any],
              breakdown: list[Row]) -> Row:
    """One unit's score row from its tasks ``mine``; its additions and deductions go to ``breakdown``."""
    unit = info.name
    total, weighted, n_lead, counts = _base(unit, mine, r, breakdown)
    base = round(weighted / total, 2) if total else math.nan  # as the breakdown shows it: the sum recomputes by hand
    bonus, recognitions = _bonus(unit, mine, r, breakdown)
    deduction, n_state, n_overdue = _deductions(inputs, unit, r, breakdown)
    score = base + bonus - deduction if total else math.nan
    return {"group": info.group, "group_label": info.group_label, "unit": unit,
            "score": round(score, 1) if total else math.nan, "base": round(base, 2) if total else math.nan,
            "bonus": bonus, "deduction": deduction, "n_tasks": len(mine), "n_lead": n_lead, **counts,
            "recognitions": recognitions, "missing": n_state["missing"], "late": n_state["late"],
            "overdue_duban": n_overdue}


def _base(unit: str, mine: list[Row], r: dict[str, Any],
          breakdown: list[Row]) -> tuple[float, float, int, dict[str, int]]:
    """(total weight, weighted points, tasks led, outcome counts) of the unit's tasks; the base's line if any."""
    total = weighted = 0.0
    counts = dict.fromkeys(OUTCOMES, 0)
    n_lead = 0
    parts = []
    for task in mine:
        is_lead = task["lead_unit"] == unit
        n_lead += is_lead
        counts[task["outcome"]] += 1
        weight = r["tier_weights"][task["tier"]] * r["lead_weight" if is_lead else "co_weight"]
        total += weight
        points = task_points(task["outcome"], task["final_pct"], r)
        weighted += weight * points
        parts.append(f"{task['task_id']}（{'牵头' if is_lead else '配合'}）{task['outcome']} "
                     f"{_fmt(points)}分×权重{_fmt(weight)}")
    if total:
        breakdown.append({"unit": unit, "item": "基础分", "ref": "", "points": weighted / total,
                          "reason": f"加权平均 = {_fmt(weighted)} ÷ {_fmt(total)}：" + "；".join(parts)})
    return total, weighted, n_lead, counts


def _bonus(unit: str, mine: list[Row], r: dict[str, Any], breakdown: list[Row]) -> tuple[float, int]:
    """(points, count) of the verified recognitions of the tasks the unit leads."""
    bonus = 0.0
    recognitions = 0
    for task in mine:
        level = str(task["recognition_level"])
        if task["lead_unit"] != unit or not level:
            continue
        points = r["recognition_points"].get(level, 0.0)
        recognitions += 1
        bonus += points
        breakdown.append({"unit": unit, "item": "认定加分", "ref": task["task_id"], "points": points,
                          "reason": f"{task['task_id']} 获{level}认定（已核实）"})
    return bonus, recognitions


def _deductions(inputs: AnnualInputs, unit: str, r: dict[str, Any],
                breakdown: list[Row]) -> tuple[float, dict[str, int], int]:
    """(points, quarters missing and late, overdue 督办) deducted from the unit's score."""
    deduction = 0.0
    states = inputs.states[inputs.states["unit"] == unit]
    n_state = {}
    for state, key in (("未报送", "missing"), ("迟报", "late")):
        hits = states[states["state"] == state]
        n_state[key] = len(hits)
        for row in records(hits):
            deduction += r[key]
            days = "" if row.get("days_late") is None else f"（{int(row['days_late'])} 天）"
            breakdown.append({"unit": unit, "item": f"{state}扣分", "ref": row["quarter"], "points": -r[key],
                              "reason": f"{row['quarter']} 进度{state}{days}"})
    # Overdue on the review's day, counted from the first missed due date (escalations never reset it).
    overdue = inputs.duban[(inputs.duban["unit"] == unit) & (pd.to_numeric(inputs.duban["days_overdue"]) > 0)]
    for row in records(overdue):
        deduction += r["overdue_duban"]
        breakdown.append({"unit": unit, "item": "督办逾期扣分", "ref": row["id"], "points": -r["overdue_duban"],
                          "reason": f"{row['id']}（{row['task_id']}）自 {row.get('overdue_since') or row['due_date']}"
                                    " 起逾期未反馈，至考评日仍未办结"})
    return deduction, n_state, len(overdue)


def rank_units(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in group order, best score first, each with its rank in the group (ties share it)."""
    out: list[dict[str, Any]] = []
    for group in GROUPS:
        mine = sorted((row for row in rows if row["group"] == group),
                      key=lambda row: (math.isnan(row["score"]), -row["score"] if not math.isnan(row["score"]) else 0))
        previous: float | None = None
        for position, row in enumerate(mine, start=1):
            if math.isnan(row["score"]):
                row["rank"] = None
            else:
                row["rank"] = out[-1]["rank"] if previous == row["score"] else position
                previous = row["score"]
            out.append(row)
    return out
