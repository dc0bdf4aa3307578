"""对标 signals: where Jinjiang stands against its peers and its own targets, shown beside the light.

Pure functions over the frames of :mod:`jj123lib.ledger.benchmarks` (the plan's indicators, the quarterly
values, the recognition stages), and the thresholds of ``benchmark_signals:`` in ``params/rules.yaml``.
Per task and indicator, for one quarter:

* ``rank_fell`` — the rank number grew since the previous quarter (same ranking: the rank text
  without its digits is the same), by at least ``rank_drop_min`` places;
* ``behind_benchmark`` — the value is behind the benchmark's (this quarter's, else the plan's) by
  more than ``behind_benchmark_pct`` % of the benchmark;
* ``off_pace`` — the value is behind the pro-rata path from the 2025 baseline to the 2026 target
  (a quarter's share each quarter) by more than ``off_pace_pct`` % of the planned change;
* ``stage_stalled`` — the recognition stage (of a task with a 成效目标) is the same as
  ``stalled_quarters`` quarters ago, every quarter reported, and not final (已认定 / 未获认定);
* ``recognition_refused`` — the task's latest recognition stage up to the quarter is 未获认定: the
  争先进位 outcome it aimed at was refused.

:func:`ranked_warnings` orders them for supervision, one line per task: a refused recognition and a
fall in rank first, then the rest; "落后标杆" is summarised (:func:`behind_summary`), not repeated.

Which way is better comes from the plan: a target below its baseline means lower is better; a
target above it, higher is better; no baseline or target, or the two equal: the direction is
unknown and only the rank (lower number is better) is judged. Missing values never fire a signal.

Signals never change a light unless ``affects_light`` is turned on; then :mod:`jj123lib.assess.ratings`
lowers a green light with a signal to yellow (:func:`jj123lib.assess.ratings.apply_signals`).
"""

from __future__ import annotations

import copy
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from jj123lib.core.cells import finite
from jj123lib.core.frames import records
from jj123lib.domain.quarters import normalize_quarter, previous_quarter, quarter_number, quarter_year
from jj123lib.domain.rule_sections import DEFAULT_SIGNAL_RULES, signal_rules
from jj123lib.domain.vocab import GOAL_LEVELS, RECOGNITION_STAGES
from jj123lib.ledger.memo import Memo

if TYPE_CHECKING:
    from jj123lib.ledger.store import Ledger

__all__ = ["SIGNAL_KINDS", "SIGNAL_LABELS", "SIGNAL_COLUMNS", "FIGURE_COLUMNS", "DEFAULT_SIGNAL_RULES",
           "signal_rules", "direction", "benchmark_signals", "benchmark_figures", "BenchmarkView", "build_view",
           "empty_view", "load_benchmark_view", "GOAL_LEVELS", "FINAL_STAGES", "fmt_value", "SIGNAL_PRIORITY",
           "WARNING_COLUMNS", "ranked_warnings", "behind_summary"]

SIGNAL_KINDS = ("recognition_refused", "rank_fell", "behind_benchmark", "off_pace", "stage_stalled")
SIGNAL_LABELS = {"recognition_refused": "未获认定", "rank_fell": "位次下降", "behind_benchmark": "落后标杆",
                 "off_pace": "未达序时目标", "stage_stalled": "认定停滞"}
# How urgent each kind is for supervision (lower first): a refused recognition and a fall in rank lead.
SIGNAL_PRIORITY = {"recognition_refused": 0, "rank_fell": 1, "off_pace": 2, "stage_stalled": 2,
                   "behind_benchmark": 3}
WARNING_COLUMNS = ["task_id", "priority", "kinds", "line"]
SIGNAL_COLUMNS = ["task_id", "quarter", "indicator_no", "indicator", "kind", "label", "reason"]
FIGURE_COLUMNS = ["task_id", "indicator_no", "indicator", "unit", "direction", "baseline", "target", "target_rank",
                  "expected", "value", "benchmark_value", "rank", "rank_text", "prev_rank", "prev_rank_text",
                  "rank_change", "line"]

FINAL_STAGES = RECOGNITION_STAGES[-2:]  # 已认定, 未获认定: the stages that end the process


# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------
def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def fmt_value(value: object, unit: object = "") -> str:
    """``5000`` → ``5000亩``; ``12.345`` → ``12.35``; missing → ``—``."""
    number = finite(value)
    if number is None:
        return "—"
    shown = str(int(number)) if number.is_integer() else f"{number:.2f}".rstrip("0").rstrip(".")
    return f"{shown}{_text(unit)}"


def direction(baseline: object, target: object) -> str:
    """``higher`` or ``lower`` is better, as the plan says (target above or below its baseline); else ``""``."""
    start, goal = finite(baseline), finite(target)
    if start is None or goal is None or start == goal:
        return ""
    return "higher" if goal > start else "lower"


def _rank_scope(rank_text: str) -> str:
    """The ranking a rank is in: its text without digits (``全省县域第3`` → ``全省县域第``)."""
    return re.sub(r"\d+", "", rank_text).strip()


def _over(amount: float, threshold: float) -> bool:
    """``amount`` is more than ``threshold`` (percentages, compared at a fixed precision)."""
    return round(amount, 6) > round(float(threshold), 6)


def _year_rows(frame: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Rows of the quarter's year up to the quarter (quarters compare as text within a year)."""
    if frame.empty:
        return frame
    quarters = frame["quarter"].astype(str)
    return frame[quarters.str.startswith(str(quarter_year(quarter))) & (quarters <= quarter)]


def _plan_rows(plan: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """The plan of the quarter's year (``benchmarks.benchmark_plan`` may hold several years)."""
    if "year" in plan.columns and not plan.empty:
        return plan[pd.to_numeric(plan["year"], errors="coerce") == quarter_year(quarter)]
    return plan


def _values_by_key(values: pd.DataFrame) -> dict[tuple[str, str, int], dict[str, Any]]:
    out: dict[tuple[str, str, int], dict[str, Any]] = {}
    for row in records(values):
        number = finite(row.get("indicator_no"))
        if number is not None:
            out[(_text(row.get("task_id")), _text(row.get("quarter")), int(number))] = row
    return out


# ------------------------------------------------------------------------------------------------
# Signals
# ------------------------------------------------------------------------------------------------
def _signal(task_id: str, quarter: str, no: int, indicator: str, kind: str, reason: str) -> dict[str, Any]:
    return {"task_id": task_id, "quarter": quarter, "indicator_no": no, "indicator": indicator, "kind": kind,
            "label": SIGNAL_LABELS[kind], "reason": reason}


def _indicator_signals(plan_row: dict[str, Any], now: dict[str, Any] | None, before: dict[str, Any] | None,
                       quarter: str, r: dict[str, Any]) -> list[dict[str, Any]]:
    task_id, indicator, unit = _text(plan_row["task_id"]), _text(plan_row["indicator"]), _text(plan_row["unit"])
    no = int(plan_row["indicator_no"])
    name = f"指标“{indicator}”"
    out: list[dict[str, Any]] = []
    if now is None:
        return out
    value = finite(now.get("value"))
    rank, prev_rank = finite(now.get("rank")), None if before is None else finite(before.get("rank"))
    rank_text, prev_text = _text(now.get("rank_text")), "" if before is None else _text(before.get("rank_text"))
    same_ranking = _rank_scope(rank_text) == _rank_scope(prev_text) or not (rank_text and prev_text)
    if rank is not None and prev_rank is not None and same_ranking and rank - prev_rank >= r["rank_drop_min"]:
        now_shown = rank_text or f"第{int(rank)}"
        was_shown = prev_text or f"第{int(prev_rank)}"
        out.append(_signal(task_id, quarter, no, indicator, "rank_fell",
                           f"{name}位次由上季度{was_shown}降至{now_shown}，下降 {int(rank - prev_rank)} 位"))
    better = direction(plan_row.get("baseline"), plan_row.get("target"))
    if value is None or not better:
        return out
    bench = finite(now.get("benchmark_value"))
    when = "本季度"
    if bench is None:
        bench, when = finite(plan_row.get("benchmark_value")), "制定计划时"
    if bench is not None and bench != 0:
        behind = (bench - value) if better == "higher" else (value - bench)
        share = behind / abs(bench) * 100
        if _over(share, r["behind_benchmark_pct"]):
            out.append(_signal(task_id, quarter, no, indicator, "behind_benchmark",
                               f"{name}本季度 {fmt_value(value, unit)}，{when}标杆值 {fmt_value(bench, unit)}，"
                               f"落后标杆 {share:.1f}%（超过 {fmt_value(r['behind_benchmark_pct'])}%）"))
    baseline, target = finite(plan_row.get("baseline")), finite(plan_row.get("target"))
    assert baseline is not None and target is not None  # a direction needs both
    expected = baseline + (target - baseline) * quarter_number(quarter) / 4
    shortfall = (expected - value) if better == "higher" else (value - expected)
    share = shortfall / abs(target - baseline) * 100
    if _over(share, r["off_pace_pct"]):
        trend = "" if better == "higher" else "（越低越好）"
        out.append(_signal(task_id, quarter, no, indicator, "off_pace",
                           f"{name}{trend}本季度 {fmt_value(value, unit)}，按基数 {fmt_value(baseline, unit)} 至"
                           f"年度目标 {fmt_value(target, unit)} 的序时进度应达 {fmt_value(expected, unit)}，"
                           f"差距为全年目标增量的 {share:.1f}%（超过 {fmt_value(r['off_pace_pct'])}%）"))
    return out


def _stage_signal(task_id: str, stages: dict[tuple[str, str], str], quarter: str,
                  r: dict[str, Any]) -> dict[str, Any] | None:
    stage = stages.get((task_id, quarter), "")
    if not stage or stage in FINAL_STAGES:
        return None
    q: str | None = quarter
    for _ in range(r["stalled_quarters"]):
        q = previous_quarter(q) if q is not None else None
        if q is None or stages.get((task_id, q)) != stage:
            return None
    n = r["stalled_quarters"]
    return _signal(task_id, quarter, 0, "", "stage_stalled",
                   f"成效目标认定阶段连续 {n + 1} 个季度停留在“{stage}”（{q}起），{n} 个季度未推进")


def _refused_signal(task_id: str, recognitions: pd.DataFrame, quarter: str) -> dict[str, Any] | None:
    """未获认定: the task's latest stage reported up to ``quarter``, with its level and the unit's note."""
    mine = recognitions[(recognitions["task_id"].astype(str) == task_id)
                        & (recognitions["quarter"].astype(str) <= quarter)].sort_values("quarter", kind="stable")
    if mine.empty or _text(mine["stage"].iloc[-1]) != FINAL_STAGES[1]:
        return None
    row = mine.iloc[-1]
    level, note = _text(row.get("level")), _text(row.get("note"))
    return _signal(task_id, quarter, 0, "", "recognition_refused",
                   f"{_text(row['quarter'])}报{level + '认定' if level else '成效目标认定'}“{FINAL_STAGES[1]}”"
                   + (f"（{note}）" if note else ""))


def benchmark_signals(plan: pd.DataFrame, values: pd.DataFrame, recognitions: pd.DataFrame, quarter: str,
                      rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The quarter's 对标 signals, one row each (:data:`SIGNAL_COLUMNS`), task then indicator order.

    ``plan``, ``values`` and ``recognitions`` have the columns of ``benchmarks.benchmark_plan``,
    ``indicator_values`` (at least this quarter and the previous one) and ``recognitions``;
    ``rules`` is the whole rules mapping (default: no ``benchmark_signals:`` section, its defaults).
    """
    quarter = normalize_quarter(quarter)
    r = signal_rules({} if rules is None else rules)
    prev_q = previous_quarter(quarter)
    measured = _values_by_key(values)
    rows: list[dict[str, Any]] = []
    plan = _plan_rows(plan, quarter)
    for plan_row in records(plan):
        no = finite(plan_row.get("indicator_no"))
        if no is None or no < 1:
            continue
        task_id = _text(plan_row["task_id"])
        now = measured.get((task_id, quarter, int(no)))
        before = None if prev_q is None else measured.get((task_id, prev_q, int(no)))
        rows.extend(_indicator_signals(plan_row, now, before, quarter, r))
    stages = {(_text(t), _text(q)): _text(s) for t, q, s in zip(recognitions.get("task_id", []),
                                                               recognitions.get("quarter", []),
                                                               recognitions.get("stage", []))}
    aiming = [_text(t) for t, level, text in zip(plan["task_id"], plan["goal_level"], plan["goal_text"])
              if _text(level) or _text(text)]
    for task_id in dict.fromkeys(aiming):
        stalled = _stage_signal(task_id, stages, quarter, r)
        if stalled is not None:
            rows.append(stalled)
        refused = _refused_signal(task_id, recognitions, quarter) if "stage" in recognitions else None
        if refused is not None:
            rows.append(refused)
    frame = pd.DataFrame(rows, columns=SIGNAL_COLUMNS)
    frame["indicator_no"] = frame["indicator_no"].astype("int64")
    order = {kind: i for i, kind in enumerate(SIGNAL_KINDS)}
    frame = frame.assign(_kind=frame["kind"].map(order)).sort_values(["task_id", "indicator_no", "_kind"],
                                                                      kind="stable")
    return frame.drop(columns="_kind").reset_index(drop=True)


def ranked_warnings(signals: pd.DataFrame) -> pd.DataFrame:
    """One line per task with a signal other than 落后标杆 (:data:`WARNING_COLUMNS`), the most urgent first:
    未获认定, then 位次下降, then the rest; task order within a rank. A task's 落后标杆 signals are counted
    on its line, not repeated; a task with only those is left to :func:`behind_summary`."""
    from jj123lib.domain.tiers import task_order

    rows: list[dict[str, Any]] = []
    for task_id, mine in signals.groupby(signals["task_id"].astype(str), sort=False):
        urgent = mine[mine["kind"] != "behind_benchmark"]
        if urgent.empty:
            continue
        urgent = urgent.assign(_p=urgent["kind"].map(SIGNAL_PRIORITY)).sort_values("_p", kind="stable")
        parts = [f"{label}：{reason}" for label, reason in zip(urgent["label"], urgent["reason"])]
        behind = int((mine["kind"] == "behind_benchmark").sum())
        if behind:
            parts.append(f"另有 {behind} 项指标落后标杆")
        rows.append({"task_id": task_id, "priority": int(urgent["_p"].iloc[0]),
                     "kinds": list(dict.fromkeys(urgent["kind"])), "line": f"{task_id} " + "；".join(parts)})
    rows.sort(key=lambda row: (row["priority"], task_order(row["task_id"])))
    return pd.DataFrame(rows, columns=WARNING_COLUMNS)


def behind_summary(signals: pd.DataFrame) -> str:
    """落后标杆 in one sentence (tasks and indicators counted, tasks named), ``""`` when there is none."""
    from jj123lib.domain.tiers import task_order

    behind = signals[signals["kind"] == "behind_benchmark"]
    if behind.empty:
        return ""
    tasks = sorted(dict.fromkeys(behind["task_id"].astype(str)), key=task_order)
    return f"落后标杆：{len(tasks)} 项任务的 {len(behind)} 项指标落后标杆超过预警线（{'、'.join(tasks)}）。"


def benchmark_figures(plan: pd.DataFrame, values: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """One row per planned indicator (:data:`FIGURE_COLUMNS`) with its 对标 line for the quarter:
    ``指标：晋江 X｜标杆 Y｜位次 Z（上季 W）｜目标 T``."""
    quarter = normalize_quarter(quarter)
    prev_q = previous_quarter(quarter)
    measured = _values_by_key(values)
    rows = []
    for p in records(_plan_rows(plan, quarter)):
        no = finite(p.get("indicator_no"))
        if no is None or no < 1:
            continue
        task_id, unit = _text(p["task_id"]), _text(p["unit"])
        now = measured.get((task_id, quarter, int(no))) or {}
        before = (measured.get((task_id, prev_q, int(no))) if prev_q else None) or {}
        baseline, target = finite(p.get("baseline")), finite(p.get("target"))
        bench = finite(now.get("benchmark_value"))
        bench = finite(p.get("benchmark_value")) if bench is None else bench
        rank, prev_rank = finite(now.get("rank")), finite(before.get("rank"))
        rank_text, prev_text = _text(now.get("rank_text")), _text(before.get("rank_text"))
        expected = (None if baseline is None or target is None
                    else baseline + (target - baseline) * quarter_number(quarter) / 4)
        target_rank = _text(p.get("target_rank"))
        goal = fmt_value(target, unit) + (f"（{target_rank}）" if target_rank else "")
        shown_rank = rank_text or ("—" if rank is None else f"第{int(rank)}")
        shown_prev = prev_text or ("—" if prev_rank is None else f"第{int(prev_rank)}")
        line = (f"{_text(p['indicator'])}：晋江 {fmt_value(now.get('value'), unit)}｜标杆 {fmt_value(bench, unit)}｜"
                f"位次 {shown_rank}（上季 {shown_prev}）｜目标 {goal}")
        rows.append({
            "task_id": task_id, "indicator_no": int(no), "indicator": _text(p["indicator"]), "unit": unit,
            "direction": direction(baseline, target), "baseline": baseline, "target": target,
            "target_rank": target_rank, "expected": expected, "value": finite(now.get("value")),
            "benchmark_value": bench, "rank": rank, "rank_text": rank_text, "prev_rank": prev_rank,
            "prev_rank_text": prev_text,
            "rank_change": None if rank is None or prev_rank is None else int(prev_rank - rank), "line": line})
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    for column in ("baseline", "target", "expected", "value", "benchmark_value", "rank", "prev_rank"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    frame["rank_change"] = frame["rank_change"].astype(object)
    frame["indicator_no"] = frame["indicator_no"].astype("int64")
    return frame.sort_values(["task_id", "indicator_no"], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# The view: everything the reports and the commands show, for one quarter
# ------------------------------------------------------------------------------------------------
def _empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


_PLAN = ["task_id", "peers", "indicator_no", "indicator", "definition", "source", "unit", "baseline", "target",
         "benchmark_value", "target_rank", "goal_level", "goal_text"]
_VALUES = ["task_id", "quarter", "indicator_no", "indicator", "unit", "value", "benchmark_value", "rank",
           "rank_text"]
_RECOGNITIONS = ["task_id", "quarter", "stage", "level", "date", "evidence", "note", "verified", "evidence_sha256"]


@dataclass(frozen=True)
class BenchmarkView:
    """The quarter's 对标 data: the year's plan, values and recognitions up to the quarter, signals, figures."""

    quarter: str
    plan: pd.DataFrame
    values: pd.DataFrame
    recognitions: pd.DataFrame
    signals: pd.DataFrame
    figures: pd.DataFrame
    rules: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_SIGNAL_RULES))

    @property
    def empty(self) -> bool:
        """No task of the year's plan carries a benchmark."""
        return self.plan.empty

    @property
    def task_ids(self) -> list[str]:
        """Tasks with a benchmark, in the plan's order."""
        return list(dict.fromkeys(_text(t) for t in self.plan["task_id"]))

    def for_tasks(self, task_ids: Iterable[str]) -> BenchmarkView:
        """Only the rows about these tasks."""
        keep = set(task_ids)

        def only(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["task_id"].isin(keep)].reset_index(drop=True)

        return replace(self, plan=only(self.plan), values=only(self.values), recognitions=only(self.recognitions),
                       signals=only(self.signals), figures=only(self.figures))

    def signal_reasons(self) -> dict[str, list[str]]:
        """Task → its signals as Chinese sentences (``label：reason``)."""
        out: dict[str, list[str]] = {}
        for task_id, label, reason in zip(self.signals["task_id"], self.signals["label"], self.signals["reason"]):
            out.setdefault(str(task_id), []).append(f"{label}：{reason}")
        return out


def empty_view(quarter: str, rules: Mapping[str, Any] | None = None) -> BenchmarkView:
    """A view with no benchmark (before the plan carries them, or without the benchmark tables)."""
    return BenchmarkView(normalize_quarter(quarter), _empty(_PLAN), _empty(_VALUES), _empty(_RECOGNITIONS),
                         _empty(SIGNAL_COLUMNS), _empty(FIGURE_COLUMNS), signal_rules({} if rules is None else rules))


def build_view(plan: pd.DataFrame, values: pd.DataFrame, recognitions: pd.DataFrame, quarter: str,
               rules: Mapping[str, Any] | None = None) -> BenchmarkView:
    """The view of ``quarter`` from the three frames of :mod:`jj123lib.ledger.benchmarks` (pure)."""
    quarter = normalize_quarter(quarter)
    plan = _plan_rows(plan, quarter).reset_index(drop=True)
    values = _year_rows(values, quarter).reset_index(drop=True)
    recognitions = _year_rows(recognitions, quarter).reset_index(drop=True)
    return BenchmarkView(quarter, plan, values, recognitions, benchmark_signals(plan, values, recognitions, quarter,
                                                                               rules),
                         benchmark_figures(plan, values, quarter), signal_rules({} if rules is None else rules))


_views: Memo[BenchmarkView] = Memo(size=4)


def load_benchmark_view(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None,
                        rules: Mapping[str, Any] | None = None) -> BenchmarkView:
    """The view read from the ledger through :mod:`jj123lib.ledger.benchmarks` (a ledger from before the
    benchmark tables reads as no benchmark). With the office's rules it is built once per content
    (:mod:`jj123lib.ledger.memo`); each caller gets its own copy."""
    from jj123lib.core.datadir import readable_data_dir
    from jj123lib.ledger.memo import content_key
    from jj123lib.ledger.store import Ledger

    quarter = normalize_quarter(quarter)
    from jj123lib.domain.rules import Rules, load_rules

    if (rules is not None and not isinstance(rules, Rules)) or isinstance(data_dir, Ledger):  # caller's own: not cached
        return _read_view(quarter, data_dir, rules)
    rule_set = load_rules() if rules is None else rules
    key = content_key(Ledger(readable_data_dir(data_dir)), None, quarter, rules=rule_set)
    return copy.deepcopy(_views.get(key, lambda: _read_view(quarter, data_dir, rule_set)))


def _read_view(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None,
               rules: Mapping[str, Any] | None) -> BenchmarkView:
    from jj123lib.ledger.benchmarks import benchmark_plan, indicator_values
    from jj123lib.ledger.benchmarks import recognitions as read_recognitions

    plan = benchmark_plan(data_dir)
    values = indicator_values(data_dir)
    recognitions = read_recognitions(data_dir, year=quarter_year(quarter))
    return build_view(plan, values, recognitions, quarter, rules)
