"""预计年底完成度: a transparent projection of each task's year-end progress, and its 交付风险.

Shown beside the light, never changing it (rules: ``projection:``, checked in
:mod:`jj123lib.domain.projection_rules`). The method, as the reports' 附录 says it:

* the latest quarter ``t`` up to the rated one with a lead-unit report (actual cumulative % ``A_t``);
* the window's start ``s``: ``window_quarters`` quarters before ``t`` with both a report and a plan, else the
  start of the year (0 %, 0 %); pace = (``A_t`` − ``A_s``) ÷ (``P_t`` − ``P_s``), the actual advance over the
  planned one (``P``: the plan's cumulative %); when the plan did not advance in the window, ``A_t`` ÷ ``P_t``;
* projected = ``A_t`` + pace × (year target − ``P_t``), never below ``A_t``, never above 100; the year target
  is the plan's Q4 cumulative %. With one quarter reported this is ``A_1`` ÷ ``P_1`` × the year target;
* 交付风险 (the UK Delivery Unit's "likelihood of delivery", said as risk): shortfall = target − projected;
  ≤ ``low_max_shortfall`` 低, ≤ ``medium_max_shortfall`` 中, else 高;
* no report, or no plan for ``t`` or Q4: 数据不足, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jj123lib.domain.projection_rules import projection_rules
from jj123lib.domain.quarters import quarter_label, quarter_year, quarters_up_to, year_quarters

__all__ = ["RISK_LABELS", "NO_DATA", "PROJECTION_COLUMNS", "Projection", "project", "project_task",
           "describe_projection", "risk_of"]

RISK_LABELS = ("低", "中", "高")
NO_DATA = "数据不足"
PROJECTION_COLUMNS = ["projected", "projection_risk", "projection_reason"]


@dataclass(frozen=True)
class Projection:
    """One task's projection: ``projected`` None and ``risk`` :data:`NO_DATA` when the data do not allow one."""

    projected: float | None
    risk: str  # 低 / 中 / 高 / 数据不足
    reason: str


def _num(value: float) -> str:
    return f"{round(float(value), 1):g}"


def _q(quarter: str) -> str:
    """第三季度: the year is the rated quarter's, said once by the report."""
    return quarter_label(quarter)[5:]


def risk_of(shortfall: float, rules: Mapping[str, Any]) -> str:
    """交付风险 of a shortfall (year target − projection, points) by the ``projection:`` thresholds."""
    if shortfall <= rules["low_max_shortfall"]:
        return RISK_LABELS[0]
    return RISK_LABELS[1] if shortfall <= rules["medium_max_shortfall"] else RISK_LABELS[2]


def _no_data(why: str) -> Projection:
    return Projection(None, NO_DATA, f"{NO_DATA}：{why}")


def project(actuals: Mapping[str, float | None], planned: Mapping[str, float | None], quarter: str,
            rules: Mapping[str, Any]) -> Projection:
    """The projection of one task rated in ``quarter`` from its reports (``actuals``: quarter → cumulative %)
    and its plan (``planned``: quarter → planned cumulative %); ``rules``: the checked ``projection:`` section."""
    year = year_quarters(quarter_year(quarter))
    done = {q: float(v) for q, v in actuals.items() if v is not None}
    plan = {q: float(v) for q, v in planned.items() if v is not None}
    reported = [q for q in quarters_up_to(quarter) if q in done]
    if not reported:
        return _no_data("本年度尚无实际累计进度报送")
    t = reported[-1]
    target, p_t = plan.get(year[-1]), plan.get(t)
    if target is None or p_t is None:
        return _no_data(f"年度计划未列{_q(year[-1] if target is None else t)}计划累计进度")
    a_t = done[t]
    start_label, a_s, p_s = "年初", 0.0, 0.0
    for q in reversed(year[:max(year.index(t) - rules["window_quarters"] + 1, 0)]):
        if q in done and q in plan:
            start_label, a_s, p_s = f"{_q(q)}末", done[q], plan[q]
            break
    if p_t - p_s > 0:
        pace = (a_t - a_s) / (p_t - p_s)
        how = f"{start_label}至{_q(t)}末实际推进 {_num(a_t - a_s)} 个百分点、计划推进 {_num(p_t - p_s)} 个百分点"
    elif p_t > 0:  # the plan did not advance in the window: the pace since the start of the year
        pace = a_t / p_t
        how = f"截至{_q(t)}末实际 {_num(a_t)}%、计划 {_num(p_t)}%"
    else:
        return _no_data(f"年度计划截至{_q(t)}未安排进度，无法计算推进速度")
    pace = max(pace, 0.0)  # a figure lower than before projects no further, never backwards
    projected = min(100.0, max(0.0, a_t, a_t + pace * max(target - p_t, 0.0)))
    risk = risk_of(target - projected, rules)
    stale = "" if t == quarter else f"本季度未报送，按{_q(t)}数据："
    return Projection(round(projected, 1), risk, f"{stale}{how}，速度为计划的 {_num(pace * 100)}%；按此速度预计年底"
                                                 f"完成 {_num(projected)}%，年度目标 {_num(target)}%，交付风险{risk}")


def project_task(task_id: str, quarter: str, lead: Mapping[tuple[str, str], Mapping[str, Any]],
                 plan: Mapping[tuple[str, str], Mapping[str, Any]], rules: Mapping[str, Any]) -> Projection:
    """:func:`project` for one task from the rating context's lead reports and plan rows (keyed by task, quarter);
    ``rules``: the checked ``projection:`` section (:func:`~jj123lib.domain.projection_rules.projection_rules`)."""
    year = year_quarters(quarter_year(quarter))
    actuals = {q: _value(lead.get((task_id, q)), "actual_pct") for q in year}
    planned = {q: _value(plan.get((task_id, q)), "planned_pct") for q in year}
    return project(actuals, planned, quarter, rules)


def _value(row: Mapping[str, Any] | None, key: str) -> float | None:
    value = None if row is None else row.get(key)
    return None if value is None or value != value else float(value)


def describe_projection(rules: Mapping[str, Any]) -> str:
    """The method in one sentence, with the thresholds in force (for the reports' 附录)."""
    r = projection_rules(rules)
    low, medium = _num(r["low_max_shortfall"]), _num(r["medium_max_shortfall"])
    return (f"预计年底完成度：以最近 {r['window_quarters']} 个季度实际推进幅度与计划推进幅度之比（年初计 0%）为速度，"
            "按此速度外推年度计划剩余的推进幅度（不低于当前实际累计进度，不超过 100%）；与年度目标（年度计划第四季度"
            f"累计进度）相差不超过 {low} 个百分点为交付风险低，超过 {low} 且不超过 {medium} 个百分点为中，"
            f"超过 {medium} 个百分点为高；无报送或年度计划未列相应季度的，为数据不足。预测只作提示，不改变灯号。")
