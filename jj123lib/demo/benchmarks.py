"""The demo's benchmarks (对标): the 对标计划 of the plan forms, the 指标进展 of the progress forms, recognitions.

Every 全国 and 全省 task's plan, and some 重点突破 tasks', holds a 对标计划 (peers, one to three
indicators, a 成效目标); each quarter's 指标进展 has values and ranks that rise and fall, one benchmark
overtaken, and recognitions won at the aimed level, at a lower level and not at all (some 已认定 verified
with evidence through :func:`jj123lib.loop.verification.verify`). The design draws on its own random
stream, so the progress figures stay those of the demo before benchmarks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib.core.atomic import atomic_write
from jj123lib.core.clock import CHINA_TZ
from jj123lib.demo.texts import Theme, object_phrase, theme_of
from jj123lib.domain.quarters import QUARTERS_PER_YEAR, quarter_number, quarter_year, report_deadline
from jj123lib.intake.forms import BENCH_PLAN_SHEET, INDICATOR_SHEET, header_columns

__all__ = ["Indicator", "Benchmark", "design_benchmarks", "fill_bench_plan", "fill_indicators",
           "verify_recognitions"]

# Peers come from the task's theme (demo.texts); the draw keeps the size of the list the demo's random stream
# was first drawn with, so every later figure stays the same.
_PEER_DRAW = 9
# (kind, 口径, data source, unit, baseline range, decimals); each theme names its own indicator of each kind.
_INDICATOR_KINDS = (
    ("累计完成投资", "年度累计完成固定资产投资额", "市发改局", "亿元", (8.0, 40.0), 2),
    ("覆盖率", "已覆盖对象占应覆盖对象的比例", "市直主管部门统计台账", "%", (45.0, 80.0), 1),
    ("新增项目", "当年新增并通过验收的项目个数", "市直主管部门项目台账", "个", (4.0, 15.0), 0),
    ("市场主体", "年末在册市场主体户数", "市市场监管局", "户", (300.0, 2000.0), 0),
    ("满意度", "第三方测评满意度得分（百分制）", "第三方测评机构", "分", (82.0, 90.0), 1),
)
_SCOPES = ("全省县域", "泉州市各县（市、区）", "全国百强县")
# A task is ranked among the places its tier competes with (the draw above only keeps the random stream).
_TIER_SCOPES = {"national": "全国百强县", "provincial": "全省县域", "breakthrough": "泉州市各县（市、区）"}

# Share of the year's way from baseline to target reached by each quarter's end: rises, stalls and falls.
_VALUE_PATHS = ((0.25, 0.5, 0.75, 1.02), (0.3, 0.55, 0.5, 0.9), (0.2, 0.4, 0.65, 0.85), (0.35, 0.6, 0.9, 1.1))
_RANK_PATHS = ((5, 4, 4, 3), (3, 4, 3, 2), (4, 3, 5, 4), (6, 5, 4, 4), (4, 4, 3, 2), (3, 2, 2, 1), (2, 3, 3, 2))
# Recognition stage per quarter (Q1–Q4) by outcome.
_STAGE_PATHS = {
    "aimed": ("未申报", "已申报", "评审中", "已认定"),
    "aimed_early": ("已申报", "评审中", "已认定", "已认定"),
    "lower": ("已申报", "评审中", "公示", "已认定"),
    "none": ("已申报", "评审中", "未获认定", "未获认定"),
    "reapplied": ("已申报", "评审中", "未获认定", "已申报"),
    "pending": ("未申报", "未申报", "已申报", "评审中"),
    "stuck": ("已申报", "已申报", "已申报", "已申报"),
}
_OUTCOME_COUNTS = (("aimed", 5), ("aimed_early", 2), ("lower", 4), ("none", 3), ("reapplied", 1), ("pending", 5),
                   ("stuck", 4))
_LOWER_LEVEL = {"国家级": "省级", "省级": "泉州市级", "泉州市级": "其他"}
_REAPPLY_NOTE = "上一批次未获认定，已按评审意见补充材料，转报下一批次"


@dataclass
class Indicator:
    name: str
    definition: str
    source: str
    unit: str
    baseline: float
    target: float
    benchmark: float
    scope: str
    target_rank: int
    ranks: tuple[int, ...]
    values: tuple[float, ...]
    benchmark_values: tuple[float | None, ...]
    prefilled: bool = False  # the notice's quantity target: name, unit and target are on the form already


@dataclass
class Benchmark:
    peers: str
    goal_level: str
    goal_text: str
    indicators: list[Indicator]
    outcome: str  # key of _STAGE_PATHS, or "" for no recognition reported


def _round(value: float, decimals: int) -> float:
    return float(round(value, decimals)) if decimals else float(round(value))


def _indicator(rng: random.Random, theme: Theme, used: set[str], scope: str, overtaken: bool,
               notice: tuple[float, str, str] | None) -> Indicator:
    """One indicator of the kind drawn, named for what the task does (a second of a kind gets its other name)."""
    kind = _INDICATOR_KINDS.index(rng.choice(_INDICATOR_KINDS))
    _, definition, source, unit, (low, high), decimals = _INDICATOR_KINDS[kind]
    first, second = theme.names[kind]
    name = second if first in used else first
    baseline = _round(rng.uniform(low, high), decimals)
    target = _round(baseline * rng.uniform(1.15, 1.35), decimals)
    prefilled = notice is not None
    if notice is not None:  # the notice's quantity target (B15 5000 亩, P10 1 个)
        target, unit, text = notice
        name, decimals = f"通知目标：{text}", 0
        baseline = _round(target * rng.uniform(0.0, 0.7), 0)
        definition, source = "按通知确定的年度量化目标口径统计", "牵头单位工作台账"
    benchmark = _round(target * rng.uniform(1.02, 1.2), decimals)
    if unit in ("%", "分"):  # shares and scores stop short of 100
        target = _round(baseline + (100 - baseline) * rng.uniform(0.25, 0.5), decimals)
        benchmark = _round(target + (100 - target) * rng.uniform(0.1, 0.4), decimals)
    path = rng.choice(_VALUE_PATHS)
    if overtaken:  # the benchmark sits between baseline and target: overtaken in Q3
        benchmark = _round(baseline + (target - baseline) * 0.6, decimals)
        path = (0.3, 0.55, 0.9, 1.1)
    values = tuple(_round(baseline + (target - baseline) * share, decimals) for share in path)
    known = overtaken or rng.random() < 0.8  # the benchmark's current value is not always known
    benchmark_values = tuple(_round(benchmark * (1 + 0.01 * q), decimals) if known else None
                             for q in range(1, QUARTERS_PER_YEAR + 1))
    used.add(name)
    rng.choice(_SCOPES)  # drawn and set aside: the tier gives the scope, the stream stays as it was
    return Indicator(name[:60], definition, source, unit, baseline, target, benchmark,
                      scope, rng.choice((1, 2, 3)), rng.choice(_RANK_PATHS), values, benchmark_values,
                      prefilled)


def design_benchmarks(seed: int, tasks: pd.DataFrame) -> tuple[dict[str, Benchmark], str]:
    """The demo's 对标计划 per task (every 全国/全省 task, eight 重点突破 tasks) and the task that overtakes."""
    rng = random.Random(f"{seed}:benchmarks")  # its own stream: the progress figures stay as they were
    ranked = [str(t) for t, tier in zip(tasks["task_id"], tasks["tier"]) if tier in ("national", "provincial")]
    outcomes = [name for name, count in _OUTCOME_COUNTS for _ in range(count)]
    outcomes += ["pending"] * (len(ranked) - len(outcomes))
    rng.shuffle(outcomes)
    by_task = dict(zip(ranked, outcomes))
    breakthrough = [str(t) for t, tier in zip(tasks["task_id"], tasks["tier"]) if tier == "breakthrough"]
    noticed = [str(t) for t, v in zip(tasks["task_id"], tasks["target_value"]) if not pd.isna(v)]
    chosen_b = sorted(set(rng.sample(breakthrough, 8)) | {t for t in noticed if t in breakthrough})
    overtaken = next(t for t in ranked if t.startswith("N"))
    out: dict[str, Benchmark] = {}
    for task in tasks.itertuples(index=False):
        task_id = str(task.task_id)
        if task_id not in by_task and task_id not in chosen_b:
            continue
        obj = object_phrase(str(task.title))
        theme = theme_of(task_id)
        used: set[str] = set()
        target_value: Any = task.target_value
        notice = None if pd.isna(target_value) else (float(target_value), str(task.target_unit),
                                                     str(task.target_text))
        count = rng.choice((1, 2, 2, 3)) if task_id in by_task else 1
        scope = _TIER_SCOPES[str(task.tier)]
        indicators = [_indicator(rng, theme, used, scope, task_id == overtaken and n == 0, notice if n == 0 else None)
                      for n in range(count)]
        if task.tier == "national":
            level, goal = "国家级", f"{obj}争创国家级示范（试点）"
        elif task.tier == "provincial":
            level, goal = "省级", f"{obj}获评省级示范（典型案例）"
        elif rng.random() < 0.4:
            level, goal = "泉州市级", f"入选泉州市{obj}典型案例"
        else:
            level, goal = "", ""
        pool = {"national": theme.national, "provincial": theme.fujian}.get(str(task.tier), theme.quanzhou)
        drawn = rng.sample(range(_PEER_DRAW), rng.choice((1, 1, 2)))
        peers = "；".join(dict.fromkeys(pool[i % len(pool)] for i in drawn))
        outcome = by_task.get(task_id, "pending" if level else "")
        out[task_id] = Benchmark(peers, level, goal, indicators, outcome)
    return out, overtaken


def fill_bench_plan(wb: Any, design: dict[str, Benchmark], year: int) -> None:
    ws = wb[BENCH_PLAN_SHEET]
    cols = header_columns(ws)
    for row in range(2, ws.max_row + 1):
        task_id = str(ws.cell(row, cols["任务编号"]).value)
        number = int(ws.cell(row, cols["指标序号"]).value)
        plan = design.get(task_id)
        if plan is None:
            continue
        values: dict[str, Any] = {}
        if number == 1:
            values.update({"对标对象": plan.peers, "成效目标级别": plan.goal_level or None,
                           "成效目标": plan.goal_text or None})
        if number <= len(plan.indicators):
            item = plan.indicators[number - 1]
            values.update({"指标口径": item.definition, "数据来源": item.source, f"{year - 1}年基数": item.baseline,
                           "标杆最新值": item.benchmark, "目标位次": f"{item.scope}第{item.target_rank}"})
            if not item.prefilled:
                values.update({"指标名称": item.name, "计量单位": item.unit, f"{year}年目标": item.target})
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value


def fill_indicators(wb: Any, design: dict[str, Benchmark], quarter: str) -> None:
    """The 指标进展 sheet of a progress form: values, ranks, and the recognition stage on each task's first row."""
    if INDICATOR_SHEET not in wb.sheetnames:
        return
    q = quarter_number(quarter)
    ws = wb[INDICATOR_SHEET]
    cols = header_columns(ws)
    done: set[str] = set()
    for row in range(2, ws.max_row + 1):
        task_id = str(ws.cell(row, cols["任务编号"]).value)
        number = int(ws.cell(row, cols["指标序号"]).value)
        plan = design[task_id]
        values: dict[str, Any] = {}
        if number >= 1:
            item = plan.indicators[number - 1]
            values.update({"本季度值": item.values[q - 1], "标杆本季度值": item.benchmark_values[q - 1],
                           "当前位次": f"{item.scope}第{item.ranks[q - 1]}"})
        if task_id not in done and plan.outcome:
            done.add(task_id)
            stage = _STAGE_PATHS[plan.outcome][q - 1]
            level = _LOWER_LEVEL[plan.goal_level] if plan.outcome == "lower" else plan.goal_level
            values.update({"认定阶段": stage, "认定级别": level if stage != "未申报" else None})
            if stage in ("已认定", "未获认定"):
                first = _STAGE_PATHS[plan.outcome].index(stage) + 1
                values["认定日期"] = date(quarter_year(quarter), 3 * first - 1, 18)
            if stage == "已认定":
                values["佐证材料"] = _evidence_name(task_id)
            if plan.outcome == "reapplied" and q == 4:
                values["说明"] = _REAPPLY_NOTE
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value


def _evidence_name(task_id: str) -> str:
    return f"{task_id}_认定文件（示例数据）.txt"


def verify_recognitions(target: Path, design: dict[str, Benchmark], quarter: str) -> list[str]:
    """Verify the recognitions first reported 已认定 this quarter, but leave every third one waiting (待核实)."""
    from jj123lib.ledger.benchmarks import recognition_target
    from jj123lib.loop.verification import verify

    q = quarter_number(quarter)
    reached = sorted(t for t, plan in design.items() if plan.outcome
                     and _STAGE_PATHS[plan.outcome][q - 1] == "已认定"
                     and _STAGE_PATHS[plan.outcome].index("已认定") == q - 1)
    verified = []
    for index, task_id in enumerate(reached):
        if index % 3 == 2:
            continue
        evidence = target / "inbox" / "evidence" / _evidence_name(task_id)
        atomic_write(evidence, f"示例数据（演示用，非真实文件）：{task_id} {design[task_id].goal_text} 认定文件\n")
        name = recognition_target(task_id, quarter)
        verify(name, quarter, [evidence], "督查室", "经核对认定文件原件，认定属实（示例数据）", data_dir=target,
               now=datetime.combine(report_deadline(quarter) + timedelta(days=12), time(10), CHINA_TZ))
        verified.append(name)
    return verified
