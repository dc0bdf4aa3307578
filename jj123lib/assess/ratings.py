"""The office's judgement of each task each quarter: a light from transparent rules, with its reason.

Rules (numbers from ``params/rules.yaml``, ``ratings:`` and ``scoring:``):

* no current submission from the lead unit → ``missing`` (未报送), scored as red in the league;
  before the quarter's reporting deadline (judged on ``as_of``) → ``pending`` (未到报送期), left out of the league;
* self-assessed 已完成 with actual ≥ 100 % and the milestone met → ``claimed`` (待核实) until the office
  verifies it (:mod:`jj123lib.loop.verification`), then ``done`` (已完成, 销号); a rejected claim is rated by pace;
* otherwise gap = planned − actual cumulative % (points behind the scheduled pace, 序时进度):
  gap ≤ green_max_behind → green; ≤ yellow_max_behind → yellow; above → red;
  no plan for the quarter → ``no_plan_light``;
* the quarter's milestone missed → at least ``missed_milestone_min_light``; missed in
  ``missed_milestone_consecutive_red`` consecutive quarters (lead submissions saying 否) → red;
* only when ``benchmark_signals.affects_light`` is on: a green light with a 对标 signal
  (:mod:`jj123lib.assess.signals`) becomes yellow (:func:`apply_signals`);
* an active office override replaces the light; the rule's light and reason stay beside it.

League score per leader = tier-weighted mean of light points over the tasks the leader
leads. Ties: fewer red+未报送, then more 已完成; still equal → same rank.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from jj123lib.core.clock import parse_day
from jj123lib.core.frames import records
from jj123lib.domain import lights
from jj123lib.domain.quarters import normalize_quarter, previous_quarter, quarters_up_to, report_deadline
from jj123lib.domain.rules import Rules, load_rules, loop_rules, rating_rules, scoring_rules
from jj123lib.domain.tasks import leaders as leader_names
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.tiers import TIER_LABELS, TIERS
from jj123lib.ledger.memo import Memo, content_key
from jj123lib.ledger.store import Ledger

__all__ = ["RATING_COLUMNS", "LEAGUE_COLUMNS", "rate_task", "apply_signals", "rate_quarter",
           "rating_history", "league_table", "transition_counts", "transition_table", "describe_rules"]


RATING_COLUMNS = [
    "task_id", "tier", "tier_label", "seq", "title", "leader", "units", "lead_unit", "quarter", "milestone",
    "planned_pct", "actual_pct", "gap", "milestone_met", "self_status", "light", "light_label", "reason",
    "rule_light", "overridden", "override_reason", "prev_light", "prev_light_label", "change", "progress",
    "problems", "next_steps", "coordination", "reporter", "report_date", "source_file", "co_unit_notes",
    "projected", "projection_risk", "projection_reason", "conflict",
]
LEAGUE_COLUMNS = ["rank", "leader", "score", "n_tasks", "done", "green", "yellow", "red", "missing", "prev_rank",
                  "rank_change", "prev_score", "claimed", "pending"]


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """The frame's rows as namedtuples, one field per column (their types are the columns', unknown here)."""
    return iter(frame.itertuples(index=False))


def _num(value: float) -> str:
    return f"{round(float(value), 2):g}"


@dataclass
class _Context:
    tasks: pd.DataFrame
    ratings: dict[str, Any]
    scoring: dict[str, Any]
    lead: dict[tuple[str, str], dict[str, Any]]
    co: dict[tuple[str, str], list[dict[str, Any]]]
    plan: dict[tuple[str, str], dict[str, Any]]
    overrides: dict[tuple[str, str], dict[str, Any]]
    as_of: date
    rules: Mapping[str, Any]
    verifications: dict[str, list[dict[str, Any]]]  # task → active decisions, oldest first
    ledger: Ledger | None = None  # read for 对标 signals only when they affect the light
    # Memos of this context's results (never handed out: callers get copies).
    rated: dict[str, pd.DataFrame] = field(default_factory=dict)
    leagues: dict[str, pd.DataFrame] = field(default_factory=dict)


# Contexts by content (jj123lib.ledger.memo): a report rates the same quarters several times
# (rate_quarter, rating_history, league_table, transition_counts) and a batch kernel renders
# several reports from the same data: each quarter is rated once.
_contexts: Memo[_Context] = Memo(size=4)


def _context(data_dir: str | os.PathLike[str] | Ledger | None, tasks: pd.DataFrame | None,
             rules: Mapping[str, Any] | None, as_of: str | date | None = None) -> _Context:
    ledger = Ledger.of(data_dir)
    day = parse_day(as_of, ledger.moment())  # default: the ledger's moment (a demo folder: its story's day)
    if tasks is not None or (rules is not None and not isinstance(rules, Rules)):  # caller's own: not cached
        return _build_context(ledger, tasks, rules, day)
    return _contexts.get(content_key(ledger, day, rules=rules), lambda: _build_context(ledger, None, rules, day))


def _build_context(ledger: Ledger, tasks: pd.DataFrame | None, rules: Mapping[str, Any] | None,
                   as_of: date) -> _Context:
    table = load_tasks() if tasks is None else tasks
    rule_set = load_rules() if rules is None else rules
    lead_units = dict(zip(table["task_id"], table["lead_unit"]))
    lead: dict[tuple[str, str], dict[str, Any]] = {}
    co: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in records(ledger.submissions()):
        key = (row["task_id"], row["quarter"])
        if row["role"] == "lead" and row["unit"] == lead_units.get(row["task_id"]):
            lead[key] = row
        elif row["role"] == "co":
            co.setdefault(key, []).append({k: row[k] for k in ("unit", "progress", "problems", "next_steps",
                                                               "coordination")})
    plan = {(r["task_id"], r["quarter"]): r for r in records(ledger.plan())}
    overrides = {(r["task_id"], r["quarter"]): r for r in records(ledger.overrides(active_only=True))}
    return _Context(table, rating_rules(rule_set), scoring_rules(rule_set), lead, co, plan, overrides, as_of,
                    rule_set, ledger.task_decisions(), ledger)


def _rule_light(task: Any, quarter: str, ctx: _Context) -> tuple[str, str, float | None]:
    """``(light, reason, gap)`` by the rules alone."""
    r = ctx.ratings
    sub = ctx.lead.get((task.task_id, quarter))
    if sub is None:
        deadline = report_deadline(quarter, ctx.rules)
        if ctx.as_of <= deadline:
            return "pending", f"报送截止日为 {deadline.isoformat()}，尚未到期，不计分", None
        counted = lights.LABELS[r["missing_counts_as"]]
        return "missing", f"牵头单位{task.lead_unit}逾期未报送{quarter}进度，计分时按{counted}计", None
    actual, met, status = sub["actual_pct"], sub["milestone_met"], sub["self_status"]
    planned_row = ctx.plan.get((task.task_id, quarter))
    planned = None if planned_row is None else planned_row["planned_pct"]
    run: list[str] = []
    if met is False:
        q: str | None = quarter
        while q is not None:
            previous = ctx.lead.get((task.task_id, q))
            if previous is None or previous["milestone_met"] is not False:
                break
            run.append(q)
            q = previous_quarter(q)
    light, reason, gap = rate_task(actual, planned, met, status, run, ctx.ratings)
    if light == "done" and loop_rules(ctx.rules, "verification")["required_for_done"]:
        light, reason, gap = _verified(task.task_id, quarter, sub, ctx, (actual, planned, met, run), reason, gap)
    return light, reason, gap


def _verified(task_id: str, quarter: str, sub: dict[str, Any], ctx: _Context, facts: tuple[Any, ...],
              reason: str, gap: float | None) -> tuple[str, str, float | None]:
    """A claimed 已完成 becomes 已完成 only once verified; rejected, it is rated by pace alone."""
    decisions = [d for d in ctx.verifications.get(task_id, []) if d["quarter"] <= quarter]
    if decisions and decisions[-1]["decision"] == "verified":
        last = decisions[-1]
        # The evidence's archive numbers (SHA-256, first 12 digits, as ingest prints them) let a reader find it.
        shas = [str(e.get("sha256", ""))[:12] for e in json.loads(str(last.get("evidence") or "[]"))]
        proof = f"，佐证材料存档编号 {'、'.join(shas)}" if shas else ""
        return "done", f"{reason}；经督查室核实（{last['by']}，{last['at'][:10]}{proof}）", gap
    if decisions and decisions[-1]["quarter"] == quarter:  # rejected this quarter
        actual, planned, met, run = facts
        light, pace, gap = rate_task(actual, planned, met, None, run, ctx.ratings)
        return light, f"{pace}；自评已完成经核实未通过：{decisions[-1]['note']}", gap
    claimed_on = sub.get("report_date") or str(sub.get("ingested_at") or "")[:10]
    return "claimed", f"自评已完成（{claimed_on} 报送），待督查室核实销号", gap


def rate_task(actual: float | None, planned: float | None, met: bool | None, status: str | None,
              missed_run: list[str], r: dict[str, Any]) -> tuple[str, str, float | None]:
    """``(light, reason, gap)`` of one submitted task by the rules alone (pure; no ledger).

    ``missed_run`` lists the consecutive quarters, newest first, whose lead submissions said the
    milestone was missed (empty when it was met); ``r`` is :func:`jj123lib.domain.rules.rating_rules`.
    """
    if actual is None:
        actual = float("nan")
    gap = None if planned is None or pd.isna(actual) else round(float(planned) - float(actual), 4)
    if status == "已完成" and not pd.isna(actual) and actual >= r["done_requires_pct"] and met is True:
        return "done", f"实际累计进度 {_num(actual)}%，节点目标已完成，自评已完成，予以销号", gap
    green, yellow = r["green_max_behind"], r["yellow_max_behind"]
    reasons: list[str] = []
    if gap is None:
        light = r["no_plan_light"]
        why = "未报年度计划" if planned is None else "未填实际累计进度"
        pace, bound = f"{why}，无法对照序时进度", ""
    elif gap <= green:
        light = "green"
        if gap <= 0:
            pace = "达到序时进度" if gap == 0 else f"超前序时进度 {_num(-gap)} 个百分点"
            bound = f"落后 ≤{_num(green)}"
        else:
            pace, bound = f"落后序时进度 {_num(gap)} 个百分点", f"≤{_num(green)}"
    elif gap <= yellow:
        light = "yellow"
        pace, bound = f"落后序时进度 {_num(gap)} 个百分点", f">{_num(green)} 且 ≤{_num(yellow)}"
    else:
        light = "red"
        pace, bound = f"落后序时进度 {_num(gap)} 个百分点", f">{_num(yellow)}"
    pace_light = light
    if met is False:
        run = missed_run
        if len(run) >= r["missed_milestone_consecutive_red"]:
            light = "red"
            reasons.append(f"连续 {len(run)} 个季度节点目标未完成（{'、'.join(reversed(run))}），"
                           f"{lights.LABELS['red']}")
        else:
            floor = r["missed_milestone_min_light"]
            if lights.worse(floor, light) != light:
                light = floor
                reasons.append(f"本季度节点目标未完成，至少{lights.LABELS[floor]}")
            else:
                reasons.append("本季度节点目标未完成")
    if not bound:
        reasons.insert(0, f"{pace}，按{lights.LABELS[pace_light]}")
    elif light == pace_light:
        reasons.insert(0, f"{pace}（{bound}），{lights.LABELS[light]}")
    else:
        reasons.insert(0, f"{pace}（{bound}，按序时进度为{lights.LABELS[pace_light]}）")
    if status == "已完成":
        reasons.append(f"自评已完成但不满足销号条件（须实际累计进度 {_num(r['done_requires_pct'])}% 且节点目标已完成）")
    return light, "；".join(reasons), gap


def apply_signals(light: str, reason: str, signals: list[str]) -> tuple[str, str]:
    """A green light with 对标 signals becomes yellow, the signals added to its reason; others unchanged.

    Called only when the rules turn ``benchmark_signals.affects_light`` on.
    """
    if light != "green" or not signals:
        return light, reason
    return "yellow", f"{reason}；对标预警：{'；'.join(signals)}，降为{lights.LABELS['yellow']}"


def _signal_reasons(quarter: str, ctx: _Context) -> dict[str, list[str]]:
    """Task → 对标 signals of the quarter, read only when they affect the light (else none)."""
    from jj123lib.assess.signals import load_benchmark_view, signal_rules

    if ctx.ledger is None or not signal_rules(ctx.rules)["affects_light"]:
        return {}
    return load_benchmark_view(quarter, ctx.ledger, ctx.rules).signal_reasons()


def _rate(quarter: str, ctx: _Context) -> pd.DataFrame:
    """The quarter's rated rows, computed once per context. Shared: callers must not modify it."""
    frame = ctx.rated.get(quarter)
    if frame is None:
        frame = ctx.rated[quarter] = _rate_rows(quarter, ctx)
    return frame


def _rate_rows(quarter: str, ctx: _Context) -> pd.DataFrame:
    from jj123lib.assess.conflicts import conflict_notes
    from jj123lib.assess.projection import project_task
    from jj123lib.domain.projection_rules import projection_rules

    rows = []
    signals = _signal_reasons(quarter, ctx)
    forward_rules = projection_rules(ctx.rules)
    for task in _rows(ctx.tasks):
        key = (task.task_id, quarter)
        rule_light, rule_reason, gap = _rule_light(task, quarter, ctx)
        rule_light, rule_reason = apply_signals(rule_light, rule_reason, signals.get(task.task_id, []))
        override = ctx.overrides.get(key)
        sub = ctx.lead.get(key) or {}
        planned_row = ctx.plan.get(key) or {}
        forward = project_task(task.task_id, quarter, ctx.lead, ctx.plan, forward_rules)  # beside the light
        if override is not None:
            light = override["light"]
            reason = (f"督查室调整为{lights.LABELS[light]}：{override['reason']}"
                      f"（规则判定：{lights.LABELS[rule_light]}，{rule_reason}）")
        else:
            light, reason = rule_light, rule_reason
        rows.append({
            "task_id": task.task_id, "tier": task.tier, "tier_label": task.tier_label, "seq": task.seq,
            "title": task.title, "leader": task.leader, "units": list(task.units), "lead_unit": task.lead_unit,
            "quarter": quarter, "milestone": planned_row.get("milestone"),
            "planned_pct": planned_row.get("planned_pct"), "actual_pct": sub.get("actual_pct"), "gap": gap,
            "milestone_met": sub.get("milestone_met"), "self_status": sub.get("self_status"),
            "light": light, "light_label": lights.LABELS[light], "reason": reason, "rule_light": rule_light,
            "overridden": override is not None, "override_reason": None if override is None else override["reason"],
            "progress": sub.get("progress"), "problems": sub.get("problems"), "next_steps": sub.get("next_steps"),
            "coordination": sub.get("coordination"), "reporter": sub.get("reporter"),
            "report_date": sub.get("report_date"), "source_file": sub.get("file_sha256"),
            "co_unit_notes": list(ctx.co.get(key, [])), "projected": forward.projected,
            "projection_risk": forward.risk, "projection_reason": forward.reason,
        })
    frame = pd.DataFrame(rows)
    frame["conflict"] = pd.Series(conflict_notes(frame, quarter, ctx.ledger), index=frame.index, dtype=object)
    for column in ("planned_pct", "actual_pct", "gap", "projected"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    frame["milestone_met"] = frame["milestone_met"].astype(object)
    for column in ("milestone", "self_status", "override_reason", "progress", "problems", "next_steps",
                   "coordination", "reporter", "report_date", "source_file"):
        frame[column] = pd.Series([None if v is None or (isinstance(v, float) and pd.isna(v)) else v
                                   for v in frame[column]], dtype=object)
    return frame


def _change(prev: str | None, current: str) -> str:
    if prev is None:
        return "首次评价"
    if lights.light(current).rank < lights.light(prev).rank:
        return "好转"
    if lights.light(current).rank > lights.light(prev).rank:
        return "变差"
    return "持平"


def rate_quarter(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                 tasks: pd.DataFrame | None = None, rules: Mapping[str, Any] | None = None,
                 as_of: str | date | None = None) -> pd.DataFrame:
    """One row per task (tier, then seq) with the light, its reason and the change since last quarter.

    ``as_of`` (default: today, China time) decides whether a missing submission is already 未报送.
    """
    quarter = normalize_quarter(quarter)
    ctx = _context(data_dir, tasks, rules, as_of)
    return _rate_with_change(quarter, ctx)


def _rate_with_change(quarter: str, ctx: _Context) -> pd.DataFrame:
    frame = _rate(quarter, ctx).copy()
    # Fresh lists and dicts in the object columns: the memoised frame must not change through ours.
    frame["units"] = pd.Series([list(u) for u in frame["units"]], index=frame.index, dtype=object)
    frame["co_unit_notes"] = pd.Series([[dict(n) for n in notes] for notes in frame["co_unit_notes"]],
                                       index=frame.index, dtype=object)
    prev_q = previous_quarter(quarter)
    prev = dict(zip(frame["task_id"], [None] * len(frame)))
    if prev_q is not None:
        prev = dict(zip(*[_rate(prev_q, ctx)[c] for c in ("task_id", "light")]))
    frame["prev_light"] = [prev.get(t) for t in frame["task_id"]]
    frame["prev_light_label"] = [None if p is None else lights.LABELS[p] for p in frame["prev_light"]]
    frame["change"] = [_change(p, c) for p, c in zip(frame["prev_light"], frame["light"])]
    return frame.loc[:, RATING_COLUMNS]


def rating_history(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                   tasks: pd.DataFrame | None = None, rules: Mapping[str, Any] | None = None,
                   as_of: str | date | None = None) -> pd.DataFrame:
    """Long table, one row per task per quarter from Q1 to ``quarter``: planned/actual % and light."""
    ctx = _context(data_dir, tasks, rules, as_of)
    parts = [_rate(q, ctx) for q in quarters_up_to(normalize_quarter(quarter))]
    frame = pd.concat(parts, ignore_index=True)
    return frame.loc[:, ["task_id", "quarter", "planned_pct", "actual_pct", "light", "light_label"]]


def _quarter_league(quarter: str, ctx: _Context) -> pd.DataFrame:
    """:func:`_league` of the quarter, computed once per context. Shared: callers must not modify it."""
    frame = ctx.leagues.get(quarter)
    if frame is None:
        frame = ctx.leagues[quarter] = _league(_rate(quarter, ctx), ctx)
    return frame


def _league(rated: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    points = lights.light_points(ctx.scoring, ctx.ratings["missing_counts_as"],
                                  loop_rules(ctx.rules, "verification")["claimed_counts_as"])
    weights = ctx.scoring["tier_weights"]
    rows = []
    for leader in leader_names(ctx.tasks):
        mine = rated[rated["leader"] == leader]
        scored = mine[mine["light"] != "pending"]  # not yet due: neither good nor bad
        total = sum(weights[t] for t in scored["tier"])
        score = sum(weights[t] * points[light] for t, light in zip(scored["tier"], scored["light"]))
        counts = {light: int((mine["light"] == light).sum()) for light in lights.ORDER}
        rows.append({"leader": leader, "score": round(score / total, 1) if total else 0.0,
                     "n_tasks": len(mine), **counts})
    frame = pd.DataFrame(rows)
    frame["_bad"] = frame["red"] + frame["missing"]
    frame = frame.sort_values(["score", "_bad", "done"], ascending=[False, True, False], kind="stable")
    ranks: list[int] = []
    previous_key = None
    for position, key in enumerate(zip(frame["score"], frame["_bad"], frame["done"]), start=1):
        ranks.append(ranks[-1] if key == previous_key else position)
        previous_key = key
    frame.insert(0, "rank", ranks)
    return frame.drop(columns="_bad").reset_index(drop=True)


def league_table(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                 tasks: pd.DataFrame | None = None, rules: Mapping[str, Any] | None = None,
                 as_of: str | date | None = None) -> pd.DataFrame:
    """Leaders ranked by tier-weighted light score (未到报送期 tasks left out), with last quarter's rank."""
    quarter = normalize_quarter(quarter)
    ctx = _context(data_dir, tasks, rules, as_of)
    frame = _quarter_league(quarter, ctx).copy()
    prev_q = previous_quarter(quarter)
    prev_rank: dict[str, int] = {}
    prev_score: dict[str, float] = {}
    if prev_q is not None:
        prev = _quarter_league(prev_q, ctx)
        prev_rank = dict(zip(prev["leader"], prev["rank"]))
        prev_score = dict(zip(prev["leader"], prev["score"]))
    frame["prev_rank"] = pd.Series([prev_rank.get(name) for name in frame["leader"]], dtype=object)
    frame["rank_change"] = pd.Series([None if name not in prev_rank else int(prev_rank[name] - rank)
                                      for name, rank in zip(frame["leader"], frame["rank"])], dtype=object)
    frame["prev_score"] = pd.to_numeric(pd.Series([prev_score.get(n) for n in frame["leader"]],
                                                  dtype=object)).astype("float64")
    return frame.loc[:, LEAGUE_COLUMNS]


def transition_counts(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                      tasks: pd.DataFrame | None = None, rules: Mapping[str, Any] | None = None,
                      as_of: str | date | None = None) -> pd.DataFrame:
    """Previous light (rows) × current light (columns) task counts; tasks first rated now are left out."""
    return transition_table(rate_quarter(quarter, data_dir, tasks=tasks, rules=rules, as_of=as_of))


def transition_table(rated: pd.DataFrame) -> pd.DataFrame:
    """:func:`transition_counts` of rated rows (columns ``prev_light`` and ``light``)."""
    table = pd.DataFrame(0, index=pd.Index(lights.ORDER, name="prev_light"),
                         columns=pd.Index(lights.ORDER, name="light"))
    for prev, current in zip(rated["prev_light"], rated["light"]):
        if prev is not None:
            table.loc[prev, current] += 1
    return table


def describe_rules(rules: Mapping[str, Any] | None = None, *, leader_scores: bool = True) -> list[str]:
    """The rating and ranking rules in force, as Chinese sentences (for report appendices).

    Without ``leader_scores`` (reports that show no leader score or rank) nothing about ranking is said.
    """
    from jj123lib.assess.projection import describe_projection

    rule_set = load_rules() if rules is None else rules
    r = rating_rules(rule_set)
    s = scoring_rules(rule_set)
    g, y = _num(r["green_max_behind"]), _num(r["yellow_max_behind"])
    points = "、".join(f"{lights.LABELS[k]} {_num(v)} 分" for k, v in s["light_points"].items())
    weights = "、".join(f"{TIER_LABELS[t]} {_num(s['tier_weights'][t])}" for t in TIERS)
    label = lights.LABELS
    return [
        "序时进度差 = 计划累计进度 − 实际累计进度（百分点），以牵头单位报送的数据为准。",
        f"落后序时进度不超过 {g} 个百分点（含 {g}）为{label['green']}；超过 {g} 且不超过 {y} 个百分点为"
        f"{label['yellow']}；超过 {y} 个百分点为{label['red']}。",
        f"本季度节点目标未完成的，至少为{label[r['missed_milestone_min_light']]}；"
        f"连续 {r['missed_milestone_consecutive_red']} 个季度节点目标未完成的，为{label['red']}。",
        f"自评“已完成”且实际累计进度达到 {_num(r['done_requires_pct'])}%、节点目标已完成的，"
        + (f"经督查室核实销号后评为{label['done']}，核实前为{label['claimed']}。"
           if loop_rules(rule_set, "verification")["required_for_done"] else f"评为{label['done']}（销号）。"),
        f"报送截止日前尚未报送的，评为{label['pending']}" + ("，不计入排名。" if leader_scores else "。"),
        f"未报年度计划、无法对照序时进度的，按{lights.LABELS[r['no_plan_light']]}处理。",
        "牵头单位逾期未报送的，评为未报送"
        + (f"，排名中按{lights.LABELS[r['missing_counts_as']]}计分。" if leader_scores else "。"),
        "督查室可书面说明理由调整灯号，调整留痕可查，报告同时列出规则判定结果。",
    ] + ([
        f"市领导得分 = 其牵头任务灯号分值按层级加权的平均数；分值：{points}；层级权重：{weights}。",
        "得分相同的，红灯与未报送项数少者在前；仍相同的，已完成项数多者在前；再相同的并列。",
    ] if leader_scores else []) + _signal_rule_sentences(rule_set) + [describe_projection(rule_set)]


def _signal_rule_sentences(rule_set: Mapping[str, Any]) -> list[str]:
    """The 对标 rule, said only when it changes lights (by default the signals are shown, not rated)."""
    from jj123lib.assess.signals import signal_rules

    if not signal_rules(rule_set)["affects_light"]:
        return []
    return [f"对标预警（位次下降、落后标杆、未达序时目标、认定停滞）按规则文件 benchmark_signals 判定；"
            f"有对标预警的{lights.LABELS['green']}任务降为{lights.LABELS['yellow']}。"]
