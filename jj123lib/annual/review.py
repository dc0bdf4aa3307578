"""The year-end review (年度考评): one outcome per task, a score per responsible unit, a summary per leader.

Rules come from ``params/rules.yaml`` (``annual_review:``, with ``scoring.tier_weights`` and the role
weights of ``unit_scoring:``). The review year's *final quarter* is its Q4, or the latest quarter of
the year with any lead submission while Q4 has none.

Each task gets 完成 / 基本完成 / 未完成 from: final progress (the lead unit's latest report up to the
final quarter), milestones met (quarters whose lead report says 是, of the quarters planned up to the
final one), verified 销号 (only an active ``verified`` decision counts — :mod:`jj123lib.loop.verification`),
indicator targets reached (latest value ≥ 2026 target) and recognition won at the aimed level (a
verified 已认定 at or above the task's 成效目标). Every outcome carries its Chinese reasons.

A unit's score = base (weighted mean of its tasks' outcome points; weight = tier weight × lead/co weight) +
recognition points of the tasks it leads (highest verified level, once per task) − points for each quarter 未报送
or 迟报 and each overdue 督办事项, as each quarter's assessment judged them (:mod:`jj123lib.loop.assessment`).
``breakdown`` lists every addition and deduction so the score can be recomputed by hand.

The core (:func:`review`) is pure: it takes the inputs as DataFrames (:class:`~jj123lib.annual.inputs.AnnualInputs`);
:func:`~jj123lib.annual.inputs.load_inputs` reads them from the ledger. The unit scores are
:mod:`jj123lib.annual.unit_scores`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from jj123lib.annual.inputs import AnnualInputs, load_inputs
from jj123lib.annual.unit_scores import rank_units, task_points, unit_rows
from jj123lib.core.cells import finite
from jj123lib.core.frames import records
from jj123lib.domain.parameters import validate_year
from jj123lib.domain.quarters import report_deadline, year_quarters
from jj123lib.domain.rule_annual import BASIC, DONE, OUTCOMES, UNDONE, annual_rules
from jj123lib.domain.rules import load_rules
from jj123lib.domain.tiers import TIERS, task_order
from jj123lib.domain.units import UnitsPath
from jj123lib.domain.vocab import GOAL_LEVELS, REPORTING_STATES
from jj123lib.ledger.benchmarks import PLAN_COLUMNS, RECOGNITION_COLUMNS, VALUE_COLUMNS
from jj123lib.ledger.store import Ledger

NOT_DUE = REPORTING_STATES[0]  # 未到报送期
__all__ = ["OUTCOMES", "DONE", "BASIC", "UNDONE", "OUTCOME_LIGHTS", "PLAN_COLUMNS", "VALUE_COLUMNS", "AnnualReview",
           "RECOGNITION_COLUMNS", "OUTCOME_COLUMNS", "UNIT_COLUMNS", "BREAKDOWN_COLUMNS", "AnnualInputs",
           "annual_rules", "final_quarter", "load_inputs", "review", "annual_review", "validate_year", "LEADER_COLUMNS",
           "TABLES", "outcomes_view", "units_view", "breakdown_view", "leaders_view", "describe_annual_rules"]

# Each outcome shown in the colour of the light it resembles (lights.py); the label stays the outcome's.
OUTCOME_LIGHTS = {DONE: "done", BASIC: "yellow", UNDONE: "red"}
RECOGNISED = "已认定"

OUTCOME_COLUMNS = ["task_id", "tier", "tier_label", "title", "leader", "lead_unit", "co_units", "final_quarter",
                   "progress_quarter", "final_pct", "milestones_planned", "milestones_met", "verified_done",
                   "n_targets", "n_targets_reached", "goal_level", "recognition_level", "recognition_at_goal",
                   "target_attainment", "outcome", "rule", "reason"]
UNIT_COLUMNS = ["group", "group_label", "rank", "unit", "score", "base", "bonus", "deduction", "n_tasks",
                "n_lead", DONE, BASIC, UNDONE, "recognitions", "missing", "late", "overdue_duban"]
BREAKDOWN_COLUMNS = ["unit", "item", "ref", "points", "reason"]
LEADER_COLUMNS = ["leader", "n_tasks", DONE, BASIC, UNDONE, "unfinished", "recognitions"]


# ----------------------------------------------------------------------------------------------
# Outcomes
# ----------------------------------------------------------------------------------------------
def final_quarter(inputs: AnnualInputs) -> str | None:
    """The year's Q4, or its latest quarter with any lead submission while Q4 has none (None: nothing yet)."""
    reported = sorted(set(inputs.lead["quarter"].astype(str)))
    return reported[-1] if reported else None


def _pct(value: float) -> str:
    return f"{round(float(value), 2):g}%"


def _ratio(value: float) -> str:
    return f"{round(value * 100, 1):g}%"


@dataclass
class _Facts:
    progress: float | None
    progress_quarter: str | None
    planned: int
    met: int
    verified: dict[str, Any] | None
    rejected: dict[str, Any] | None  # the latest decision, when it sent the claim back
    final_met: bool  # the final quarter's milestone (the year-end one) met
    targets: list[tuple[str, float, float | None, float | None]]  # (indicator, target, latest value, baseline)
    goal: str
    won: str  # best verified 已认定 level, '' if none
    unverified: str  # best 已认定 level still awaiting verification, '' if none

    @property
    def milestone_ratio(self) -> float | None:
        return self.met / self.planned if self.planned else None

    @property
    def reached(self) -> int:
        return sum(1 for _, target, value, base in self.targets if attainment(target, value, base) >= 1)

    @property
    def attainment(self) -> float | None:
        """Mean share of the indicator targets reached (each capped at 1), ``None`` without targets."""
        if not self.targets:
            return None
        return sum(attainment(target, value, base) for _, target, value, base in self.targets) / len(self.targets)

    def at_goal(self, levels: tuple[str, ...]) -> bool | None:
        if not self.goal or self.goal not in levels:
            return None
        return bool(self.won) and levels.index(self.won) <= levels.index(self.goal)


def attainment(target: float, value: float | None, baseline: float | None = None) -> float:
    """How much of one indicator's target is reached, 0–1, in proportion (no cliff at the target).

    Lower is better when the plan's target is below its baseline (as for the 对标 signals): then
    target ÷ value; else value ÷ target. No value reported: 0.
    """
    if value is None:
        return 0.0
    lower = baseline is not None and target < baseline
    if lower:
        return 1.0 if value <= target else max(0.0, target / value) if value > 0 else 0.0
    if value >= target:
        return 1.0
    return max(0.0, value / target) if target > 0 else 0.0


def _best(levels: tuple[str, ...], found: list[str]) -> str:
    known = [level for level in found if level in levels]
    return min(known, key=levels.index) if known else ""


def _facts(task_id: str, final: str | None, inputs: AnnualInputs, levels: tuple[str, ...]) -> _Facts:
    lead = inputs.lead[inputs.lead["task_id"] == task_id]
    upto = lead[lead["quarter"].astype(str) <= (final or "")].sort_values("quarter")
    reported = upto[upto["actual_pct"].notna()]
    progress = None if reported.empty else float(reported["actual_pct"].iloc[-1])
    progress_quarter = None if reported.empty else str(reported["quarter"].iloc[-1])
    planned_quarters = set(inputs.plan.loc[(inputs.plan["task_id"] == task_id)
                                           & (inputs.plan["quarter"].astype(str) <= (final or "")), "quarter"])
    met = sum(1 for q, m in zip(upto["quarter"], upto["milestone_met"]) if q in planned_quarters and m is True)
    active = [d for d in inputs.decisions.get(task_id, [])
              if str(d["quarter"]) in year_quarters(inputs.year) and str(d["quarter"]) <= (final or "")]
    verified = active[-1] if active and active[-1]["decision"] == "verified" else None
    rejected = active[-1] if active and active[-1]["decision"] == "rejected" else None
    final_met = bool(len(upto)) and str(upto["quarter"].iloc[-1]) == final and upto["milestone_met"].iloc[-1] is True
    bench = inputs.benchmark_plan[inputs.benchmark_plan["task_id"] == task_id]
    values = inputs.indicator_values[(inputs.indicator_values["task_id"] == task_id)
                                     & (inputs.indicator_values["quarter"].astype(str) <= (final or ""))]
    targets: list[tuple[str, float, float | None, float | None]] = []
    for row in records(bench[pd.to_numeric(bench["indicator_no"]) >= 1]):
        target = pd.to_numeric(row["target"], errors="coerce")
        if pd.isna(target):
            continue
        mine = values[(pd.to_numeric(values["indicator_no"]) == int(row["indicator_no"]))
                      & pd.to_numeric(values["value"], errors="coerce").notna()].sort_values("quarter")
        latest = None if mine.empty else float(mine["value"].iloc[-1])
        targets.append((str(row["indicator"]), float(target), latest, finite(row.get("baseline"))))
    goals = [str(g) for g in bench["goal_level"] if isinstance(g, str) and g]
    recs = inputs.recognitions[(inputs.recognitions["task_id"] == task_id)
                               & (inputs.recognitions["stage"] == RECOGNISED)
                               & (inputs.recognitions["quarter"].astype(str) <= (final or ""))]
    verified_levels = [str(lv) for lv, ok in zip(recs["level"], recs["verified"]) if bool(ok)]
    # an 已认定 verified earlier and reported again later is not pending
    pending_levels = [str(lv) for lv, ok in zip(recs["level"], recs["verified"])
                      if not bool(ok) and str(lv) not in verified_levels]
    return _Facts(progress, progress_quarter, len(planned_quarters), met, verified, rejected, final_met, targets,
                  goals[0] if goals else "", _best(levels, verified_levels), _best(levels, pending_levels))


# The rules an outcome can be decided by, as each outcome names them (README: 年度考评的等级).
RULE_UNREPORTED = "未报送进度"
RULE_DONE = "完成标准"
RULE_BASIC = "基本完成标准"
RULE_UNDONE = "未达基本完成标准"
FLOOR_RULES = {"verified_done": "核实销号保底", "recognition_at_goal": "成效认定保底"}
RULES = (RULE_DONE, RULE_BASIC, *FLOOR_RULES.values(), RULE_UNDONE, RULE_UNREPORTED)

Check = tuple[bool, str, str]  # (met, what to say when met, what to say when not)


def _verified_check(facts: _Facts) -> Check:
    by, back = facts.verified, facts.rejected
    if by is not None:
        return True, f"已核实销号（{by['quarter']}，{by['by']}）", ""
    if back is not None:  # the office sent the claim back: say so, and why
        why = str(back.get("note") or "").strip()
        return False, "", f"核实销号被退回（{back['quarter']}，{back['by']}{'：' + why if why else ''}）"
    return False, "", "未经核实销号"


def _target_check(facts: _Facts, minimum: float, label: str) -> Check:
    share = facts.attainment or 0.0
    said = f"指标目标 {facts.reached}/{len(facts.targets)} 项达到，完成度 {_ratio(share)}"
    return (share >= minimum - 1e-9, said,
            f"{said}（{label}须 ≥{_ratio(minimum)}：{_missed_targets(facts)}）")


def _complete_checks(facts: _Facts, where: str, r: dict[str, Any], levels: tuple[str, ...]) -> list[Check]:
    assert facts.progress is not None
    ratio, at_goal = facts.milestone_ratio, facts.at_goal(levels)
    checks: list[Check] = [
        (facts.progress >= r["complete_min_progress"], f"实际累计进度 {_pct(facts.progress)}（{where}）",
         f"实际累计进度 {_pct(facts.progress)}（{where}）低于 {_pct(r['complete_min_progress'])}"),
        (ratio is not None and ratio >= r["complete_min_milestones"],
         f"节点目标完成 {facts.met}/{facts.planned} 个季度",
         "未报年度计划节点" if ratio is None else
         f"节点目标完成 {facts.met}/{facts.planned} 个季度（完成须 ≥{_ratio(r['complete_min_milestones'])}）"),
    ]
    if r["complete_verified"]:
        checks.append(_verified_check(facts))
    if r["complete_targets"] and facts.targets:
        checks.append(_target_check(facts, r["complete_min_attainment"], "完成"))
    if r["complete_recognition"] and at_goal is not None:
        pending = f"；{facts.unverified}认定待核实" if facts.unverified else ""
        got = f"获{facts.won}认定" if facts.won else "尚未获得认定"
        checks.append((at_goal, f"获{facts.won}认定（成效目标{facts.goal}）", f"成效目标{facts.goal}，{got}{pending}"))
    return checks


def _basic_checks(facts: _Facts, where: str, r: dict[str, Any]) -> list[Check]:
    assert facts.progress is not None
    ratio = facts.milestone_ratio
    checks: list[Check] = [
        (facts.progress >= r["basic_min_progress"], f"实际累计进度 {_pct(facts.progress)}（{where}）",
         f"实际累计进度 {_pct(facts.progress)}（{where}）低于 {_pct(r['basic_min_progress'])}"),
        (ratio is not None and ratio >= r["basic_min_milestones"], f"节点目标完成 {facts.met}/{facts.planned} 个季度",
         "未报年度计划节点" if ratio is None else
         f"节点目标完成 {facts.met}/{facts.planned} 个季度（须 ≥{_ratio(r['basic_min_milestones'])}）"),
    ]
    if facts.targets:
        checks.append(_target_check(facts, r["basic_min_attainment"], "基本完成"))
    return checks


def _floor(facts: _Facts, r: dict[str, Any], levels: tuple[str, ...]) -> tuple[str, str, str] | None:
    """The best floor (保底) the task earns: ``(outcome, rule, why)``, or None."""
    earned = []
    floors = r["floors"]
    if "verified_done" in floors and facts.verified is not None and facts.final_met:
        earned.append((floors["verified_done"], FLOOR_RULES["verified_done"],
                       f"已核实销号（{facts.verified['quarter']}，{facts.verified['by']}）且年度节点目标已完成"))
    if "recognition_at_goal" in floors and facts.at_goal(levels):
        earned.append((floors["recognition_at_goal"], FLOOR_RULES["recognition_at_goal"],
                       f"获{facts.won}认定，达到成效目标（{facts.goal}）"))
    return min(earned, key=lambda e: OUTCOMES.index(e[0])) if earned else None


def _judge(facts: _Facts, final: str | None, r: dict[str, Any], levels: tuple[str, ...]) -> tuple[str, str, str]:
    """``(outcome, rule, reason)`` of one task by the rules (pure); the reason starts with the rule's name."""
    if final is None or facts.progress is None:
        return UNDONE, RULE_UNREPORTED, (f"【{RULE_UNREPORTED}】{'全年' if final is None else f'截至{final}'}"
                                         "牵头单位未报送实际累计进度")
    where = facts.progress_quarter if facts.progress_quarter == final else f"{facts.progress_quarter}，{final}未报送"
    done_checks = _complete_checks(facts, where, r, levels)
    if all(ok for ok, _, _ in done_checks):
        return DONE, RULE_DONE, f"【{RULE_DONE}】" + "；".join(text for _, text, _ in done_checks)
    short = "；".join(bad for ok, _, bad in done_checks if not ok)
    basic_checks = _basic_checks(facts, where, r)
    if all(ok for ok, _, _ in basic_checks):
        outcome, rule = BASIC, RULE_BASIC
        reason = "；".join(text for _, text, _ in basic_checks) + f"；未达完成：{short}"
    else:
        outcome, rule = UNDONE, RULE_UNDONE
        reason = "；".join(bad for ok, _, bad in basic_checks if not ok)
        if facts.rejected is not None or facts.verified is not None:
            reason += "；" + (_verified_check(facts)[2] or _verified_check(facts)[1])
    floor = _floor(facts, r, levels)
    if floor is not None and OUTCOMES.index(floor[0]) < OUTCOMES.index(outcome):
        outcome, rule = floor[0], floor[1]
        reason = f"{floor[2]}，按{rule}至少为{outcome}；未达完成：{short}"
    return outcome, rule, f"【{rule}】{reason}"


def _missed_targets(facts: _Facts) -> str:
    parts = []
    for name, target, value, base in facts.targets:
        if attainment(target, value, base) < 1:
            shown = "未报数值" if value is None else f"{value:g}"
            parts.append(f"{name} {shown}，目标 {target:g}")
    return "、".join(parts)


def _outcomes(inputs: AnnualInputs, r: dict[str, Any], levels: tuple[str, ...]) -> pd.DataFrame:
    final = final_quarter(inputs)
    rows = []
    for task in records(inputs.tasks):
        facts = _facts(str(task["task_id"]), final, inputs, levels)
        outcome, rule, reason = _judge(facts, final, r, levels)
        rows.append({
            "task_id": task["task_id"], "tier": task["tier"], "tier_label": task["tier_label"],
            "title": task["title"], "leader": task["leader"], "lead_unit": task["lead_unit"],
            "co_units": [u for u in task["units"] if u != task["lead_unit"]], "final_quarter": final,
            "progress_quarter": facts.progress_quarter, "final_pct": facts.progress,
            "milestones_planned": facts.planned, "milestones_met": facts.met,
            "verified_done": facts.verified is not None, "n_targets": len(facts.targets),
            "n_targets_reached": facts.reached, "goal_level": facts.goal, "recognition_level": facts.won,
            "recognition_at_goal": facts.at_goal(levels), "target_attainment": facts.attainment,
            "outcome": outcome, "rule": rule, "reason": reason,
        })
    frame = pd.DataFrame(rows, columns=OUTCOME_COLUMNS)
    frame["final_pct"] = pd.to_numeric(frame["final_pct"]).astype("float64")
    frame["recognition_at_goal"] = frame["recognition_at_goal"].astype(object)
    order = sorted(range(len(frame)), key=lambda i: task_order(str(frame["task_id"].iloc[i])))
    return frame.iloc[order].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# Leaders
# ----------------------------------------------------------------------------------------------
def _leaders(outcomes: pd.DataFrame, r: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for leader in dict.fromkeys(outcomes["leader"]):
        mine = outcomes[outcomes["leader"] == leader]
        counts = {o: int((mine["outcome"] == o).sum()) for o in OUTCOMES}
        won = [f"{t}（{lv}）" for t, lv in zip(mine["task_id"], mine["recognition_level"]) if lv]
        row: dict[str, Any] = {"leader": leader, "n_tasks": len(mine), **counts,
                               "unfinished": "、".join(mine.loc[mine["outcome"] != DONE, "task_id"]),
                               "recognitions": "、".join(won)}
        if r["show_leader_scores"]:
            weights = [r["tier_weights"][t] for t in mine["tier"]]
            points = [task_points(o, pct, r) for o, pct in zip(mine["outcome"], mine["final_pct"])]
            row["score"] = round(sum(w * p for w, p in zip(weights, points)) / sum(weights), 1)
        rows.append(row)
    return pd.DataFrame(rows, columns=LEADER_COLUMNS + (["score"] if r["show_leader_scores"] else []))


# ----------------------------------------------------------------------------------------------
# The review
# ----------------------------------------------------------------------------------------------
@dataclass
class AnnualReview:
    """The year-end review: outcomes (one row per task), unit scores, their breakdown, leader summaries."""

    year: int
    as_of: date
    final_quarter: str | None
    outcomes: pd.DataFrame  # OUTCOME_COLUMNS
    units: pd.DataFrame  # UNIT_COLUMNS, ranked within group
    breakdown: pd.DataFrame  # BREAKDOWN_COLUMNS: every addition and deduction of each unit's score
    leaders: pd.DataFrame  # LEADER_COLUMNS (+ score when annual_review.show_leader_scores)
    recognitions: pd.DataFrame  # verified 已认定 of the year: task_id, quarter, level, date, evidence
    rules: dict[str, Any]  # annual_rules()
    final_deadline: date | None = None  # the year's last reporting deadline (Q4's)
    pending_units: tuple[str, ...] = ()  # units whose Q4 report is not yet due on as_of: deductions still open
    final_lights: dict[str, str] = field(default_factory=dict)  # task → light in the final quarter's assessment

    @property
    def preliminary(self) -> bool:
        """A 预评: judged before the year's last reporting deadline has passed (Q4 still open)."""
        return self.final_deadline is not None and self.as_of <= self.final_deadline

    def preliminary_note(self) -> str:
        """The 预评 notice every output of a preliminary review leads with ('' for a final review)."""
        end, units = self.final_deadline, self.pending_units
        pending = f"，{len(units)} 个单位的迟报、未报送扣分未计入（{'、'.join(units)}）" if units else ""
        return "" if not self.preliminary or end is None else (
            f"【预评】本考评判断日期为 {self.as_of.isoformat()}，早于第四季度报送截止日 {end.year}年{end.month}月"
            f"{end.day}日，结果为预评，不作为正式考评结果；第四季度报送情况尚未确定{pending}。截止日后重新生成即为正式考评。")

    def counts(self) -> dict[str, int]:
        return {o: int((self.outcomes["outcome"] == o).sum()) for o in OUTCOMES}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The review's tables with Chinese headers, keyed as :data:`TABLES`."""
        return {"outcomes": outcomes_view(self.outcomes), "units": units_view(self.units),
                "breakdown": breakdown_view(self.breakdown), "leaders": leaders_view(self.leaders)}

    def describe_rules(self) -> list[str]:
        return describe_annual_rules(self.rules)


def review(inputs: AnnualInputs, rules: Mapping[str, Any]) -> AnnualReview:
    """The review of ``inputs`` under ``rules`` (the whole rules dict); pure."""
    r = annual_rules(rules)
    levels = GOAL_LEVELS
    outcomes = _outcomes(inputs, r, levels)
    rows, breakdown = unit_rows(inputs, outcomes, r)
    ranked = rank_units(rows)
    units = pd.DataFrame(ranked, columns=UNIT_COLUMNS)
    units["rank"] = pd.Series([row["rank"] for row in ranked], dtype=object)  # None, not NaN
    for column in ("score", "base", "bonus", "deduction"):
        units[column] = units[column].astype("float64")
    recs = inputs.recognitions
    won = recs[(recs["stage"] == RECOGNISED) & recs["verified"].astype(bool)]
    won = won.loc[:, ["task_id", "quarter", "level", "date", "evidence"]].drop_duplicates(["task_id", "level"])
    won = won.sort_values(["task_id", "quarter"], key=lambda s: s.map(task_order) if s.name == "task_id" else s)
    last, states, final = year_quarters(inputs.year)[-1], inputs.states, final_quarter(inputs)
    pending = states[(states["quarter"] == last) & (states["state"] == NOT_DUE)]["unit"]
    lights = inputs.lights[inputs.lights["quarter"] == final]
    return AnnualReview(year=inputs.year, as_of=inputs.as_of, final_quarter=final,
                        outcomes=outcomes, units=units, breakdown=pd.DataFrame(breakdown, columns=BREAKDOWN_COLUMNS),
                        leaders=_leaders(outcomes, r), recognitions=won.reset_index(drop=True), rules=r,
                        final_deadline=report_deadline(last, rules), pending_units=tuple(sorted(map(str, pending))),
                        final_lights=dict(zip(lights["task_id"].astype(str), lights["light"].astype(str))))


def annual_review(year: object, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                  as_of: str | date | None = None, tasks: pd.DataFrame | None = None,
                  rules: Mapping[str, Any] | None = None, units_file: UnitsPath | None = None) -> AnnualReview:
    """The year-end review of ``year`` from the ledger, judged on ``as_of`` (default: the ledger's moment)."""
    y = validate_year(year, tasks)
    rule_set = load_rules() if rules is None else rules
    return review(load_inputs(y, data_dir, as_of=as_of, tasks=tasks, rules=rules, units_file=units_file), rule_set)


# ----------------------------------------------------------------------------------------------
# Chinese views (exports, reports) and the rules as sentences
# ----------------------------------------------------------------------------------------------
OUTCOME_VIEW = {"task_id": "任务编号", "tier_label": "层级", "title": "任务名称", "leader": "牵头市领导",
                "lead_unit": "牵头单位", "co_units": "配合单位", "final_pct": "实际累计进度(%)",
                "progress_quarter": "进度所属季度", "milestones": "节点目标完成(季度)", "verified_done": "已核实销号",
                "targets": "指标目标达到(项)", "attainment": "指标目标完成度", "goal_level": "成效目标",
                "recognition_level": "获得认定(已核实)", "outcome": "考评结果", "rule": "判定规则", "reason": "依据"}
UNIT_VIEW = {"group_label": "分组", "rank": "组内名次", "unit": "责任单位", "score": "年度得分", "base": "基础分",
             "bonus": "认定加分", "deduction": "扣分", "n_tasks": "承担任务", "n_lead": "牵头任务", DONE: DONE,
             BASIC: BASIC, UNDONE: UNDONE, "recognitions": "获认定(项)", "missing": "未报送(季度)",
             "late": "迟报(季度)", "overdue_duban": "督办逾期(件)"}
BREAKDOWN_VIEW = {"unit": "责任单位", "item": "项目", "ref": "对象", "points": "分值", "reason": "说明"}
LEADER_VIEW = {"leader": "牵头市领导", "n_tasks": "牵头任务", DONE: DONE, BASIC: BASIC, UNDONE: UNDONE,
               "unfinished": "未评为完成的任务", "recognitions": "获认定的任务", "score": "得分"}
TABLES = {"outcomes": "任务考评结果", "units": "责任单位得分", "breakdown": "得分明细", "leaders": "市领导汇总"}


def _yes_no(value: object) -> object:
    return "是" if value is True else "否" if value is False else value


def outcomes_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Outcomes with Chinese headers (lists joined, counts as "met/planned")."""
    out = frame.copy()
    out["co_units"] = ["、".join(u) for u in out["co_units"]]
    out["milestones"] = [f"{m}/{p}" for m, p in zip(out["milestones_met"], out["milestones_planned"])]
    out["targets"] = [f"{r}/{n}" if n else "—" for r, n in zip(out["n_targets_reached"], out["n_targets"])]
    out["attainment"] = [_ratio(float(a)) if n else "—" for a, n in zip(out["target_attainment"], out["n_targets"])]
    out["verified_done"] = out["verified_done"].map(_yes_no)
    return out.loc[:, list(OUTCOME_VIEW)].rename(columns=OUTCOME_VIEW)


def units_view(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, list(UNIT_VIEW)].rename(columns=UNIT_VIEW)


def breakdown_view(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["points"] = [round(float(p), 2) for p in out["points"]]
    return out.loc[:, list(BREAKDOWN_VIEW)].rename(columns=BREAKDOWN_VIEW)


def leaders_view(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in LEADER_VIEW if c in frame.columns]
    return frame.loc[:, columns].rename(columns=LEADER_VIEW)


def describe_annual_rules(r: dict[str, Any]) -> list[str]:
    """The review's rules in force (:func:`annual_rules`), as Chinese sentences, each graded rule by its name."""
    def n(value: float) -> str:
        return f"{round(value, 2):g}"

    complete = [f"实际累计进度不低于 {n(r['complete_min_progress'])}%",
                f"节点目标完成的季度占计划季度的比例不低于 {n(r['complete_min_milestones'] * 100)}%"]
    if r["complete_verified"]:
        complete.append("经督查室核实销号（仅自评已完成不算）")
    if r["complete_targets"]:
        complete.append(f"设有 2026 目标值的对标指标完成度不低于 {n(r['complete_min_attainment'] * 100)}%")
    if r["complete_recognition"]:
        complete.append("设有成效目标的，获得目标级别及以上、经核实的“已认定”")
    floors = {"verified_done": "经核实销号且考评季度节点目标完成的", "recognition_at_goal": "获得目标级别及以上认定的"}
    floor_lines = [f"{FLOOR_RULES[k]}：{floors[k]}，至少为{v}。" for k, v in r["floors"].items()]
    points = "、".join(f"{k} {n(v)} 分" for k, v in r["outcome_points"].items())
    if r["undone_in_proportion"]:
        points += (f"；未完成按实际累计进度比例计分，0% 得 {n(r['outcome_points'][UNDONE])} 分，"
                   f"达到 {n(r['basic_min_progress'])}% 时为 {n(r['outcome_points'][BASIC])} 分")
    bonus = "、".join(f"{k} +{n(v)}" for k, v in r["recognition_points"].items() if v)
    weights = "、".join(n(r["tier_weights"][tier]) for tier in TIERS)
    return [
        "考评季度为当年第四季度；第四季度尚无报送时，以已报送的最近季度为准。每项结果注明判定它的规则。",
        f"{RULE_DONE}：同时满足——" + "；".join(complete) + "。",
        f"{RULE_BASIC}：不满足完成条件，但实际累计进度不低于 {n(r['basic_min_progress'])}%、节点目标完成比例不低于 "
        f"{n(r['basic_min_milestones'] * 100)}%，设有指标目标的完成度不低于 {n(r['basic_min_attainment'] * 100)}%。",
        "指标目标完成度：每项指标按最近一次报送值与目标值之比计（越低越好的指标按目标值与报送值之比），"
        "达到目标计 100%，未报数值计 0，取各项平均。",
        *floor_lines,
        f"{RULE_UNDONE}：其余为未完成；{RULE_UNREPORTED}：牵头单位全年未报送实际累计进度的，为未完成。"
        "核实销号被退回的，注明退回理由。",
        f"责任单位年度得分 = 基础分 + 认定加分 − 扣分。基础分为承担任务结果分值（{points}）的加权平均，"
        f"权重 = 层级权重（全国、全省、重点突破依次 {weights}）× 角色权重（牵头 {n(r['lead_weight'])}、"
        f"配合 {n(r['co_weight'])}）。",
        f"认定加分：牵头任务获经核实的“已认定”，按最高级别每项任务加一次（{bonus or '不加分'}）。",
        f"扣分：每个季度未报送扣 {n(r['missing'])} 分、迟报扣 {n(r['late'])} 分；每件督办事项逾期未反馈扣 "
        f"{n(r['overdue_duban'])} 分。配合单位是否须报送见 co_units 段，无需报送的不扣分。",
        "单位按 params/units.yaml 的分组分别排名，同分并列；每项加减分见“得分明细”，可据此逐项复核。",
    ]
