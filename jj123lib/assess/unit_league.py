"""The units' 红黄榜: each 责任单位's quarterly score from its tasks' lights, ranked within its group.

Groups come from ``params/units.yaml`` (office-editable: group, optional contact and phone per unit);
the scoring and the board rules from ``params/rules.yaml`` (``unit_scoring:``, with ``scoring:`` and
``ratings:``). A unit's score is the weighted mean of its tasks' light points, weight = tier weight ×
role weight (lead or co-unit). A co-unit is not charged with a task its lead unit did not report
unless ``co_units_share_missing`` says so.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import pandas as pd

from jj123lib.assess.ratings import rate_quarter
from jj123lib.core.formats import render_frame
from jj123lib.domain.lights import LABELS, ORDER, light_points
from jj123lib.domain.quarters import normalize_quarter
from jj123lib.domain.rule_sections import unit_scoring_rules
from jj123lib.domain.rules import load_rules, rating_rules, scoring_rules
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.units import GROUP_LABELS, GROUPS, UnitInfo, UnitsPath, load_units
from jj123lib.ledger.store import Ledger

__all__ = ["unit_scoring_rules", "unit_league", "rank_units", "UNIT_LEAGUE_COLUMNS", "unit_league_view",
           "unit_league_text"]

RED_BOARD = "红榜"
YELLOW_BOARD = "黄榜"

UNIT_LEAGUE_COLUMNS = ["group", "group_label", "rank", "unit", "score", "n_tasks", "n_lead", "done", "green",
                       "yellow", "red", "missing", "overdue", "board", "board_reason"]
_VIEW = {"group_label": "分组", "rank": "组内名次", "unit": "责任单位", "score": "得分", "n_tasks": "承担任务",
         "n_lead": "牵头任务", **{key: LABELS[key] for key in ("done", "green", "yellow", "red", "missing")},
         "board": "榜单", "board_reason": "依据"}


def _score_units(rated: pd.DataFrame, units: Mapping[str, UnitInfo], rules: Mapping[str, Any],
                 overdue_units: Collection[str], unreported: Collection[str] = frozenset()) -> list[dict[str, Any]]:
    scoring = scoring_rules(rules)
    unit_rules = unit_scoring_rules(rules)
    points = light_points(scoring, rating_rules(rules)["missing_counts_as"])
    tasks = rated.to_dict(orient="records")
    rows = []
    for info in units.values():
        total = weighted = 0.0
        counts = dict.fromkeys(ORDER, 0)
        n_tasks = n_lead = 0
        lead_red = co_red = lead_missing = ahead = 0
        for task in tasks:
            if info.name not in task["units"]:
                continue
            is_lead = task["lead_unit"] == info.name
            light, gap = str(task["light"]), task["gap"]
            n_tasks += 1
            n_lead += is_lead
            if light == "missing" and not is_lead and not unit_rules["co_units_share_missing"]:
                continue  # the lead unit's failure to report, not this co-unit's
            counts[light] += 1
            if light == "pending":  # not yet due: neither good nor bad, as in the leaders' league
                continue
            lead_red += is_lead and light == "red"
            co_red += not is_lead and light == "red"
            lead_missing += is_lead and light == "missing"
            ahead += light == "done" or (gap is not None and not math.isnan(gap) and gap < 0)
            weight = scoring["tier_weights"][task["tier"]] * unit_rules["lead_weight" if is_lead else "co_weight"]
            total += weight
            weighted += weight * points[light]
        counted = sum(counts.values())
        reasons = []
        if unit_rules["yellow_red_as_lead"] and lead_red:
            reasons.append(f"牵头任务红灯 {lead_red} 项")
        if unit_rules["yellow_red_as_co"] and co_red:
            reasons.append(f"配合任务红灯 {co_red} 项")
        if unit_rules["yellow_missing"] and lead_missing:
            reasons.append(f"未报送 {lead_missing} 项")
        elif unit_rules["yellow_missing"] and info.name in unreported:  # a co-unit the rules make report
            reasons.append("本季度未报送进度（配合单位）")
        if unit_rules["yellow_overdue_duban"] and info.name in overdue_units:
            reasons.append("督办事项逾期未办结")
        rows.append({
            "group": info.group, "group_label": info.group_label, "unit": info.name,
            "score": round(weighted / total, 1) if total else math.nan, "n_tasks": n_tasks, "n_lead": n_lead,
            **counts, "overdue": info.name in overdue_units, "ahead_all": counted > 0 and ahead == counted,
            "board": YELLOW_BOARD if reasons else "", "board_reason": "；".join(reasons),
        })
    return rows


def _rank_group(rows: list[dict[str, Any]], unit_rules: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``rows`` of one group, best first, each with its rank (None when unscored) and 红榜 placing."""
    def sort_key(row: dict[str, Any]) -> tuple[bool, float, int, int]:
        unscored = math.isnan(row["score"])
        return unscored, 0.0 if unscored else -row["score"], row["red"] + row["missing"], -row["done"]

    ordered = sorted(rows, key=sort_key)  # stable: ties keep the task table's order
    previous_key: tuple[bool, float, int, int] | None = None
    for position, row in enumerate(ordered, start=1):
        key = sort_key(row)
        if key[0]:
            row["rank"] = None
        else:
            row["rank"] = ordered[position - 2]["rank"] if key == previous_key else position
        previous_key = key
        clean = row["red"] + row["missing"] == 0
        # A verified 销号 is a result; being ahead of one's own plan, or a 待核实 claim, is not.
        merit = row["done"] > 0 or (row["ahead_all"] and not unit_rules["red_verified_done"])
        if (row["board"] == "" and row["rank"] is not None and row["rank"] <= unit_rules["top_per_group"]
                and row["score"] >= unit_rules["min_score"] and clean and merit):
            row["board"] = RED_BOARD
            done = f"已完成 {row['done']} 项" if row["done"] else "各项任务均超前序时进度"
            row["board_reason"] = f"组内第 {row['rank']} 名，得分 {row['score']:g}，{done}，无红灯、未报送"
    return ordered


def unit_league(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                overdue_units: Collection[str] = frozenset(), tasks: pd.DataFrame | None = None,
                rules: Mapping[str, Any] | None = None, units: Mapping[str, UnitInfo] | None = None,
                as_of: str | date | None = None, units_file: UnitsPath | None = None,
                unreported_units: Collection[str] = frozenset()) -> pd.DataFrame:
    """Units ranked within their group (group order, then rank), with their 红榜/黄榜 placing.

    ``units`` (loaded) or ``units_file`` (default: the default units file) give the groups.

    ``overdue_units`` names the units with overdue 督办 items (the supervision loop supplies it);
    with ``yellow_board.overdue_duban`` they go on the 黄榜. ``unreported_units`` names the units 未报送
    (:func:`jj123lib.loop.deadlines.unreported_units`, which applies the co-unit rule); with
    ``yellow_board.missing`` a co-unit among them goes on the 黄榜 too.
    """
    quarter = normalize_quarter(quarter)
    rule_set = load_rules() if rules is None else rules
    table = load_tasks() if tasks is None else tasks
    unit_info = load_units(units_file, tasks=table) if units is None else units
    rated = rate_quarter(quarter, data_dir, tasks=tasks, rules=rules, as_of=as_of)
    return rank_units(rated, unit_info, rule_set, overdue_units, unreported_units)


def rank_units(rated: pd.DataFrame, units: Mapping[str, UnitInfo], rules: Mapping[str, Any],
               overdue_units: Collection[str] = frozenset(),
               unreported_units: Collection[str] = frozenset()) -> pd.DataFrame:
    """:func:`unit_league` from rated tasks (columns ``tier``, ``units``, ``lead_unit``, ``light``, ``gap``)."""
    scored = _score_units(rated, units, rules, set(overdue_units), set(unreported_units))
    unit_rules = unit_scoring_rules(rules)
    rows = [row for group in GROUPS for row in _rank_group([r for r in scored if r["group"] == group], unit_rules)]
    out = pd.DataFrame(rows, columns=[*UNIT_LEAGUE_COLUMNS, "ahead_all"])
    out["rank"] = pd.Series([row["rank"] for row in rows], dtype=object)  # None, not NaN: nothing scored
    out["score"] = out["score"].astype("float64")
    return out.loc[:, UNIT_LEAGUE_COLUMNS]


def unit_league_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The league with Chinese headers, for csv/json/xlsx exports."""
    return frame.loc[:, list(_VIEW)].rename(columns=_VIEW)


def unit_league_text(frame: pd.DataFrame) -> str:
    """The league as text tables, one per group, with the rules' footnote."""
    blocks = []
    for group in GROUPS:
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        view = unit_league_view(part).drop(columns="分组")
        reds = "、".join(part.loc[part["board"] == RED_BOARD, "unit"]) or "无"
        yellows = "、".join(part.loc[part["board"] == YELLOW_BOARD, "unit"]) or "无"
        blocks.append(f"【{GROUP_LABELS[group]}】\n{render_frame(view, 'table').rstrip()}\n"
                      f"红榜：{reds}\n黄榜：{yellows}\n")
    labels = "、".join(LABELS[k] for k in ORDER)
    blocks.append(f"得分 = 承担任务灯号（{labels}）分值按层级与牵头/配合权重加权平均；"
                  "分组见 params/units.yaml，计分与上榜规则见 params/rules.yaml 的 unit_scoring 段。\n")
    return "\n".join(blocks)
