"""The reports' 对标 and 争先进位 sections, from a :class:`~jj123lib.assess.signals.BenchmarkView`.

* leader report, 对标情况: per task with a benchmark, its figures line per indicator
  (晋江 X｜标杆 Y｜位次 Z（上季 W）｜目标 T), the recognition aimed at and reached so far, the 对标
  signals, and a small chart per indicator (quarterly values against the pro-rata target path, the
  year's target and the benchmark; points coloured by the quarter's light);
* overview, 争先进位: per tier, tasks that reached the recognition level they aim at (a verified
  已认定 at or above the 成效目标 level), tasks whose rank rose or fell, and this year's verified
  recognitions.

Unit-typed text (indicator and peer names, goals) reaches HTML only through :mod:`jj123lib.render.htmlkit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from jj123lib.assess.signals import (
    FINAL_STAGES,
    GOAL_LEVELS,
    BenchmarkView,
    behind_summary,
    fmt_value,
    ranked_warnings,
)
from jj123lib.core.cells import finite
from jj123lib.core.frames import records
from jj123lib.domain import lights
from jj123lib.domain.quarters import QUARTERS_PER_YEAR, quarter_number, quarters_up_to, short_quarter
from jj123lib.domain.tiers import TIER_LABELS, TIERS
from jj123lib.render.htmlkit import Markup, badge, is_blank, section, table
from jj123lib.render.svgchart import Line, LineChart, Rule, nice_ticks

__all__ = ["SIGNALS_TABLE_COLUMNS", "signals_table", "indicator_chart", "leader_benchmarks_html", "reached_goal",
           "standing_summary", "recognitions_won", "overview_standing_html", "NO_BENCHMARK", "warnings_html"]

NO_BENCHMARK = "年度计划尚未填报对标对象和对标指标，本节暂无内容。"
BENCHMARK_COLOR = "#7a4f9a"  # the peer's line: a hue no light uses
VALUE_COLOR = "#1d2630"


def _level_rank(level: str) -> int | None:
    return GOAL_LEVELS.index(level) if level in GOAL_LEVELS else None


def reached_goal(level: str, goal_level: str) -> bool:
    """A recognition at ``level`` reaches a 成效目标 at ``goal_level`` (GOAL_LEVELS order, highest first)."""
    won, aim = _level_rank(level), _level_rank(goal_level)
    return won is not None and aim is not None and won <= aim


SIGNALS_TABLE_COLUMNS = ["task_id", "tier_label", "title", "leader", "lead_unit", "light", "light_label", "kind",
                         "label", "indicator_no", "indicator", "reason"]


def signals_table(view: BenchmarkView, rated: pd.DataFrame) -> pd.DataFrame:
    """The quarter's signals beside each task's light (``jj123 signals``), in office task order.

    ``rated`` is ``ratings.rate_quarter`` of the view's quarter; columns :data:`SIGNALS_TABLE_COLUMNS`.
    """
    from jj123lib.domain.tiers import task_order

    tasks = {str(r["task_id"]): r for r in records(rated)}
    rows = []
    for signal in records(view.signals):
        task = tasks.get(str(signal["task_id"]), {})
        rows.append({**{k: task.get(k, "") for k in ("tier_label", "title", "leader", "lead_unit", "light",
                                                      "light_label")}, **signal})
    frame = pd.DataFrame(rows, columns=SIGNALS_TABLE_COLUMNS)
    order = sorted(range(len(frame)), key=lambda i: (task_order(str(frame["task_id"].iloc[i])), i))
    return frame.iloc[order].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Chart
# ------------------------------------------------------------------------------------------------
def indicator_chart(figure: dict[str, Any], values: pd.DataFrame, quarters: Sequence[str],
                    quarter_lights: dict[str, str]) -> LineChart:
    """One indicator's quarterly values against its pro-rata target path, its target and the benchmark.

    ``figure`` is a row of :func:`~jj123lib.assess.signals.benchmark_figures`; ``values`` the task's
    rows of ``indicator_values`` for this indicator; ``quarter_lights`` the task's light per quarter.
    An inline-SVG chart (:mod:`jj123lib.render.svgchart`); the points are coloured by the quarter's light.
    """
    from jj123lib.render.charts import PLANNED_COLOR

    by_quarter = {str(r["quarter"]): r for r in records(values)}
    shown = tuple(finite(by_quarter.get(q, {}).get("value")) for q in quarters)
    bench = tuple(finite(by_quarter.get(q, {}).get("benchmark_value")) for q in quarters)
    baseline, target = finite(figure.get("baseline")), finite(figure.get("target"))
    marks: list[Line | Rule] = []
    everything: list[float] = []
    if baseline is not None and target is not None:
        path = tuple(baseline + (target - baseline) * quarter_number(q) / QUARTERS_PER_YEAR for q in quarters)
        marks.append(Line("序时目标", path, PLANNED_COLOR, width=1.8, dash="5 3"))
        everything += path
    if target is not None:
        marks.append(Rule("年度目标", target, PLANNED_COLOR, width=1.4, dash="1.5 2.5"))
        everything.append(target)
    plan_bench = finite(figure.get("benchmark_value"))
    if any(b is not None for b in bench):
        marks.append(Line("标杆", bench, BENCHMARK_COLOR, width=1.8, marker="square", marker_size=2.1))
        everything += [b for b in bench if b is not None]
    elif plan_bench is not None:
        marks.append(Rule("标杆", plan_bench, BENCHMARK_COLOR, width=1.5))
        everything.append(plan_bench)
    colours = tuple(lights.COLORS.get(quarter_lights.get(q, "missing"), lights.COLORS["missing"]) for q in quarters)
    marks.append(Line("晋江", shown, VALUE_COLOR, width=2.5, point_colors=colours, marker_size=4.4,
                      point_labels=tuple("" if v is None else fmt_value(v) for v in shown)))
    everything += [v for v in shown if v is not None]
    low, high = (min(everything), max(everything)) if everything else (0.0, 1.0)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    y_range = (low - pad, high + pad)
    trend = "（越低越好）" if figure.get("direction") == "lower" else ""
    name = str(figure.get("indicator") or "")
    task_id = figure.get("task_id", "")
    return LineChart(
        title_lines=(f"{task_id} {name[:20]}{trend}",), alt=f"{task_id} {name}：各季度值、序时目标与标杆",
        x_labels=tuple(short_quarter(q) for q in quarters), y_range=y_range, y_ticks=nice_ticks(*y_range),
        marks=tuple(marks), y_label=str(figure.get("unit") or ""), width=380, height=240, font_size=10.0)


# ------------------------------------------------------------------------------------------------
# Leader report
# ------------------------------------------------------------------------------------------------
def _stage_text(view: BenchmarkView, task_id: str) -> str:
    """The latest recognition stage reported for the task, with level, date and whether it is verified."""
    rows = view.recognitions[view.recognitions["task_id"] == task_id]
    if rows.empty:
        return "本年度未报送认定进展"
    row = records(rows.sort_values("quarter"))[-1]
    stage = str(row["stage"] or "—")
    details = [str(x) for x in (row.get("level"), row.get("date")) if not is_blank(x)]
    if stage == FINAL_STAGES[0]:  # verified in any quarter of the year at this level
        same = rows[(rows["stage"] == stage) & (rows["level"] == row.get("level"))]
        details.append("已核实" if bool(same["verified"].astype(bool).any()) else "待核实")
    return f"{stage}（{'，'.join(details)}）" if details else stage


def _goal_text(plan: pd.DataFrame) -> str:
    first = records(plan)[0]
    level, text = str(first.get("goal_level") or ""), str(first.get("goal_text") or "")
    return "：".join(x for x in (level, text) if x) or "未设"


def warnings_html(view: BenchmarkView) -> Markup:
    """The 对标预警 ranked for supervision (:func:`~jj123lib.assess.signals.ranked_warnings`): 未获认定 and 位次下降
    first, one line per task; 落后标杆 in one summary line."""
    ranked = ranked_warnings(view.signals)
    summary = behind_summary(view.signals)
    if ranked.empty and not summary:
        return Markup('<p class="jj-empty">本季度无对标预警。</p>')
    items = [(Markup('<li class="change-worse">{}</li>') if int(p) <= 1 else Markup("<li>{}</li>")).format(line)
             for p, line in zip(ranked["priority"], ranked["line"])]
    if summary:
        items.append(Markup('<li>{}</li>').format(summary))
    return Markup('<h3>对标预警（未获认定、位次下降在前）</h3><ul class="jj-list">{}</ul>').format(
        Markup("").join(items))


def leader_benchmarks_html(view: BenchmarkView, tasks: pd.DataFrame, history: pd.DataFrame) -> Markup:
    """The leader report's 对标情况 section for ``tasks`` (rated rows, in report order).

    ``history`` has ``task_id, quarter, light`` (``ratings.rating_history``) for the points' colours.
    """
    title = "对标情况"
    mine = view.for_tasks(tasks["task_id"])
    if mine.empty:
        return section(title, Markup('<p class="jj-empty">{}</p>').format(NO_BENCHMARK))
    quarters = quarters_up_to(view.quarter)
    parts: list[Markup] = [warnings_html(mine)]
    charts: list[Markup] = []
    for task in records(tasks):
        task_id = str(task["task_id"])
        plan = mine.plan[mine.plan["task_id"] == task_id]
        if plan.empty:
            continue
        lines = mine.figures[mine.figures["task_id"] == task_id]
        signals = mine.signals[mine.signals["task_id"] == task_id]
        past = history[history["task_id"] == task_id]
        quarter_lights = {str(q): str(k) for q, k in zip(past["quarter"], past["light"])}
        head = Markup('<div class="jj-item-head">{} {} {}</div>').format(
            badge(str(task["light"])), task_id, task.get("title", ""))
        peers = Markup('<div class="jj-note">对标对象：{}；成效目标：{}；认定进展：{}</div>').format(
            str(plan["peers"].iloc[0]) or "未填", _goal_text(plan), _stage_text(mine, task_id))
        figure_lines = Markup("").join(Markup('<div class="jj-item-text">{}</div>').format(line)
                                       for line in lines["line"])
        if signals.empty:
            warned = Markup('<div class="jj-note">本季度无对标预警。</div>')
        else:  # in print one line per task; the reasons in full on screen
            by_label: dict[str, list[str]] = {}
            for label, indicator in zip(signals["label"], signals["indicator"]):
                named = by_label.setdefault(str(label), [])
                text = "" if indicator is None or indicator != indicator else str(indicator).strip()
                if text and text not in named:  # a signal about the task (未获认定) names no indicator
                    named.append(text)
            short = "；".join(f"{label}（{'、'.join(names)}）" if names else label for label, names in by_label.items())
            # In print the ranked list above says it once; on screen each task also carries its own.
            warned = Markup('<div class="jj-item-text jj-screen-only"><b>对标预警</b>：{}</div>').format(short)
            warned += Markup("").join(
                Markup('<div class="jj-item-text jj-screen-only"><b>对标预警·{}</b>：{}</div>').format(label, reason)
                for label, reason in zip(signals["label"], signals["reason"]))
        for figure in records(lines):
            own = mine.values[(mine.values["task_id"] == task_id)
                              & (mine.values["indicator_no"] == figure["indicator_no"])]
            charts.append(indicator_chart(figure, own, quarters, quarter_lights).html())
        css = "jj-item urgent" if not signals.empty else "jj-item"
        parts.append(Markup('<div class="{}">{}{}{}{}</div>').format(css, head, peers, figure_lines, warned))
    if charts:  # small multiples: every indicator of the leader's tasks in one grid
        parts.append(Markup('<div class="jj-figure-grid jj-small-multiples">{}</div>').format(Markup("").join(charts)))
    note = ("每项指标：晋江本季度值｜标杆值｜位次（上季度位次）｜年度目标。对标预警与灯号并列显示，"
            + ("有预警的绿灯任务已降为黄灯。" if view.rules.get("affects_light") else "不改变灯号。")
            + "图中实线为晋江各季度值（圆点颜色为当季灯号），虚线为序时目标，点线为年度目标，紫线为标杆。")
    return section(title, Markup("").join(parts), note=note)


# ------------------------------------------------------------------------------------------------
# Overview: 争先进位
# ------------------------------------------------------------------------------------------------
def _task_goals(view: BenchmarkView) -> dict[str, str]:
    """Task → its 成效目标 level ('' where none)."""
    out: dict[str, str] = {}
    for task_id, level in zip(view.plan["task_id"], view.plan["goal_level"]):
        out[str(task_id)] = out.get(str(task_id)) or str(level or "")
    return out


def recognitions_won(view: BenchmarkView, rated: pd.DataFrame) -> pd.DataFrame:
    """This year's verified 已认定, one row per task and level (first quarter reported), in task order.

    columns: task_id, title, tier, tier_label, leader, level, goal_level, reached, date, quarter
    """
    columns = ["task_id", "title", "tier", "tier_label", "leader", "level", "goal_level", "reached", "date",
               "quarter"]
    won = view.recognitions[(view.recognitions["stage"] == FINAL_STAGES[0])
                            & view.recognitions["verified"].astype(bool)]
    tasks = {str(r["task_id"]): r for r in records(rated)}
    goals = _task_goals(view)
    rows = []
    for row in records(won.sort_values(["task_id", "quarter"]).drop_duplicates(["task_id", "level"])):
        task = tasks.get(str(row["task_id"]), {})
        goal = goals.get(str(row["task_id"]), "")
        rows.append({"task_id": row["task_id"], "title": task.get("title", ""), "tier": task.get("tier", ""),
                     "tier_label": task.get("tier_label", ""), "leader": task.get("leader", ""),
                     "level": row["level"], "goal_level": goal, "reached": reached_goal(str(row["level"]), goal),
                     "date": row["date"], "quarter": row["quarter"]})
    return pd.DataFrame(rows, columns=columns)


def standing_summary(view: BenchmarkView, rated: pd.DataFrame) -> pd.DataFrame:
    """Per tier (全国 → 全省 → 重点突破): tasks with a benchmark, with a 成效目标, that reached it, whose
    rank rose (some indicator up, none down) or fell (some indicator down), and with a 对标 signal.

    columns: tier, tier_label, n_tasks, benchmarked, with_goal, reached, rank_rising, rank_falling, signalled
    """
    tiers = {str(t): str(k) for t, k in zip(rated["task_id"], rated["tier"])}
    benchmarked = set(view.task_ids)
    goals = {t: g for t, g in _task_goals(view).items() if g}
    won = recognitions_won(view, rated)
    reached = set(won.loc[won["reached"].astype(bool), "task_id"])
    changes: dict[str, list[int]] = {}
    for task_id, change in zip(view.figures["task_id"], view.figures["rank_change"]):
        if not is_blank(change):
            changes.setdefault(str(task_id), []).append(int(change))
    rising = {t for t, c in changes.items() if any(x > 0 for x in c) and not any(x < 0 for x in c)}
    falling = {t for t, c in changes.items() if any(x < 0 for x in c)}
    signalled = set(view.signals["task_id"].astype(str))
    rows = []
    for tier in TIERS:
        ids = {t for t, k in tiers.items() if k == tier}
        rows.append({"tier": tier, "tier_label": TIER_LABELS[tier], "n_tasks": len(ids),
                     "benchmarked": len(ids & benchmarked), "with_goal": len(ids & set(goals)),
                     "reached": len(ids & reached), "rank_rising": len(ids & rising),
                     "rank_falling": len(ids & falling), "signalled": len(ids & signalled)})
    return pd.DataFrame(rows)


def overview_standing_html(view: BenchmarkView, rated: pd.DataFrame) -> Markup:
    """The overview's 争先进位 section."""
    title = "争先进位"
    if view.empty:
        return section(title, Markup('<p class="jj-empty">{}</p>').format(NO_BENCHMARK))
    summary = standing_summary(view, rated)
    columns = [("层级", ""), ("任务数", "num"), ("有对标", "num"), ("有成效目标", "num"), ("已达成效目标", "num"),
               ("位次上升", "num"), ("位次下降", "num"), ("有对标预警", "num")]
    keys = ["n_tasks", "benchmarked", "with_goal", "reached", "rank_rising", "rank_falling", "signalled"]
    rows: list[list[object]] = [[r["tier_label"], *[str(int(r[k])) for k in keys]] for r in records(summary)]
    rows.append(["合计", *[str(int(summary[k].sum())) for k in keys]])
    body = table(columns, rows)
    won = recognitions_won(view, rated)
    if won.empty:
        listing = Markup('<p class="jj-empty">本年度尚无经核实的认定。</p>')
    else:
        won_rows = [[Markup("<b>{}</b> {}").format(r["task_id"], r["title"]), r["tier_label"], r["leader"],
                     r["level"] or "—", r["goal_level"] or "未设",
                     Markup('<span class="change-better">达到</span>') if r["reached"]
                     else Markup('<span class="change-worse">未达到</span>'), r["date"] or "—", r["quarter"]]
                    for r in records(won)]
        listing = table([("任务", ""), ("层级", ""), ("牵头市领导", "nowrap"), ("认定级别", "center"),
                         ("成效目标级别", "center"), ("是否达到成效目标", "center"), ("认定日期", "nowrap"),
                         ("报送季度", "nowrap")], won_rows)
    note = ("已达成效目标：本年度经督查室核实的“已认定”级别不低于成效目标级别；位次上升：有指标位次较上季度上升且无指标"
            f"位次下降。级别由高到低：{'、'.join(GOAL_LEVELS)}。对标预警与灯号并列显示，"
            + ("有预警的绿灯任务已降为黄灯。" if view.rules.get("affects_light") else "不改变灯号。"))
    body = Markup("{}{}").format(body, warnings_html(view))
    return section(title, Markup("{}<h3>本年度获得的认定（已核实）</h3>{}").format(body, listing), note=note)
