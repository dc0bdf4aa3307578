"""``jj123 demo-data``: a full, deterministic demo ledger made through the real code path.

It generates the plan forms and the 2026Q1–Q4 progress forms with
:mod:`jj123lib.intake.forms`, fills them in programmatically (seeded random numbers and
task-flavoured Chinese texts), saves them under ``<data_dir>/inbox/`` and ingests
them with :func:`jj123lib.intake.ingest.ingest_files`, one quarter after the other, exactly
as the office would.

The 2026Q3 picture always contains 已完成, green, yellow, red (by pace and by a
milestone missed two quarters running), 未报送 (one lead unit sends nothing, in Q4 neither), an
office override (and a revoked one in Q2 for the audit trail), co-unit notes, a
superseded submission, and lights that change between quarters.

Benchmarks (对标): every 全国 and 全省 task's plan, and some 重点突破 tasks', holds a
对标计划 (peers, one to three indicators, a 成效目标); each quarter's 指标进展 has values and
ranks that rise and fall, one benchmark overtaken, and recognitions won at the aimed level,
at a lower level and not at all (some 已认定 verified with evidence through
:func:`jj123lib.loop.verification.verify`). They draw on their own random streams, so the
progress figures of Q1–Q3 are those of the demo before benchmarks; Q4 has its own stream too.
The demo's forms are checked as on :data:`DEMO_TODAY` (the Q4 forms are dated January 2027).
"""

from __future__ import annotations

import io
import os
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib.core.atomic import LOCK_FILE, atomic_write
from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.datadir import DEMO_MARKER, is_demo, mark_demo, resolve_data_dir
from jj123lib.core.exceptions import Jj123Error, LedgerError
from jj123lib.demo import loop as demo_loop
from jj123lib.domain.quarters import QUARTERS_PER_YEAR, last_day, quarter_number, report_deadline
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.tasks import units as all_units
from jj123lib.intake.forms import (
    BENCH_PLAN_SHEET,
    INDICATOR_SHEET,
    PLAN_SHEET,
    PROGRESS_SHEET,
    build_plan_form,
    build_progress_form,
    header_columns,
    lead_unit_names,
    plan_form_name,
    plan_quarter_columns,
    progress_form_name,
)
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.store import ARCHIVE_DIR, LEDGER_FILE, Ledger

__all__ = ["DEMO_QUARTERS", "DemoSummary", "generate_demo"]

DEMO_YEAR = 2026
DEMO_QUARTERS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
DEMO_TODAY = date(2027, 1, 20)  # the day the demo's forms are checked as of: after the Q4 forms' dates
_DEMO_ENTRIES = (LEDGER_FILE, ARCHIVE_DIR, LOCK_FILE, "inbox", "forms", "opinions", DEMO_MARKER,
                 demo_loop.EVIDENCE_DIR)

_SURNAMES = "陈林黄王张李吴许蔡洪施郑庄苏杨"
_GIVEN = ("志强", "丽娟", "建华", "晓东", "雅琴", "文杰", "秀梅", "国平", "海燕", "振宇", "少华", "思颖",
          "明辉", "佳玲")
_MILESTONES = (
    ("印发攻坚方案，明确责任分工和时间节点", "完成现状调查和问题清单梳理", "召开专题部署会并建立工作专班"),
    ("完成{obj}实施方案报批", "启动{obj}首批项目建设", "完成{obj}关键政策文件起草并征求意见"),
    ("{obj}主体工作完成过半并通过中期评估", "完成{obj}核心系统（平台）上线试运行", "完成{obj}阶段性验收"),
    ("全面完成{obj}年度目标并形成总结报告", "{obj}通过上级验收或获评认定", "形成{obj}可复制推广的经验材料"),
)
_ACTIONS = (
    "召开专题推进会 {n} 次，协调解决问题 {m} 个", "赴省市主管部门汇报对接 {n} 次",
    "完成{obj}相关方案编制并提交市政府审定",
    "组织实地调研 {n} 次，形成调研报告", "签订合作协议 {n} 份", "完成项目立项和可研批复", "累计完成投资 {x} 亿元",
    "开展业务培训 {n} 场，覆盖 {m} 人次", "建立周调度、月通报工作机制", "完成招标采购并进场施工",
    "梳理形成任务清单 {m} 项并逐项销号推进", "对标学习先进地区经验 {n} 批次",
)
_PROBLEMS = (
    "项目用地报批进度慢于预期", "专项资金到位不及时，影响后续实施", "涉及部门较多，审批链条较长",
    "专业技术人才短缺，推进力量不足", "部分群众对政策理解不到位，协调难度较大", "上级配套政策尚未明确",
    "企业参与积极性有待进一步提高", "施工受雨季天气影响，工期有所滞后", "数据共享壁垒尚未完全打通",
)
_NEXT = (
    "{m}月底前完成{obj}关键节点任务", "{m}月中旬前召开专题协调会，逐项解决存在问题",
    "{m}月底前完成招标采购并启动实施", "{m}月底前形成阶段性成果并报送市委、市政府",
    "{m}月底前完成项目验收准备工作", "{m}月上旬前完成资金拨付和合同签订",
)
_COORDINATION = (
    "需自然资源局协调解决项目用地指标", "需财政局加快专项资金拨付", "需发改局协助争取上级政策支持",
    "需数据管理部门协调打通数据共享接口", "需住建局协助加快施工许可办理", "需市领导召开专题会协调推进",
)
_NOTES = ("配合完成现场踏勘和资料收集", "已按分工提供相关数据和材料", "派员参加工作专班，配合推进相关工作",
          "配合完成方案会商和意见反馈")


@dataclass
class DemoSummary:
    """What the demo made, for the CLI message and the tests."""

    data_dir: Path
    seed: int
    files: int = 0
    categories: dict[str, str] = field(default_factory=dict)   # task_id -> 2026Q3 intended category
    missing_unit: str = ""
    superseded_unit: str = ""
    overridden: list[str] = field(default_factory=list)
    loop: demo_loop.LoopPlan | None = None  # the supervision loop's cases (jj123lib.demo.loop)
    year_end_verified: list[str] = field(default_factory=list)  # Q4 completions verified (销号) for the review
    recognition_outcomes: dict[str, str] = field(default_factory=dict)  # task → aimed/lower/none/pending/stuck
    verified_recognitions: list[str] = field(default_factory=list)  # targets TASK@QUARTER verified
    overtaken: str = ""  # task whose indicator 1 overtakes its benchmark during the year


def _prepare_dir(data_dir: Path) -> None:
    if data_dir.exists() and not is_demo(data_dir) and any(data_dir.iterdir()):
        raise Jj123Error(f"数据目录 {data_dir} 已有非示例数据，示例数据不会写入；请用 --data-dir 指定一个空目录")
    if data_dir.exists() and is_demo(data_dir):
        for entry in _DEMO_ENTRIES:
            path = data_dir / entry
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def _obj(title: str) -> str:
    """A short object phrase from a task title (drop the leading verb)."""
    for verb in ("纵深推进", "推进", "打造", "创建", "推动", "推行", "实施", "争创", "开展", "建设", "智慧", "落地",
                 "率先探索", "探索完善", "探索", "加快推进", "加快", "培育拓展", "保障", "全力攻坚", "升级", "围绕",
                 "巩固拓展"):
        if title.startswith(verb):
            title = title[len(verb):]
            break
    return title.replace("“", "").replace("”", "")[:16]


def _save(wb: Any, path: Path) -> Path:
    buffer = io.BytesIO()
    wb.save(buffer)
    return atomic_write(path, buffer.getvalue())


def _plan_numbers(rng: random.Random) -> list[int]:
    q1 = rng.choice((10, 15, 20, 25))
    q2 = q1 + rng.choice((20, 25, 30))
    q3 = min(q2 + rng.choice((20, 25, 30)), 90)
    return [q1, q2, q3, 100]


def _categories(rng: random.Random, tasks: pd.DataFrame, missing_unit: str) -> dict[str, dict[str, str]]:
    """Intended category per task and quarter: done/green/yellow/red/twice/missed."""
    ids = [t for t, u in zip(tasks["task_id"], tasks["lead_unit"]) if u != missing_unit]
    rng.shuffle(ids)
    q3: dict[str, str] = {}
    plan = [("done", 4), ("yellow", 7), ("red", 4), ("twice", 2), ("missed", 2)]
    cursor = 0
    for category, count in plan:
        for task_id in ids[cursor:cursor + count]:
            q3[task_id] = category
        cursor += count
    for task_id in ids[cursor:]:
        q3[task_id] = "green"
    out: dict[str, dict[str, str]] = {}
    for task_id in tasks["task_id"]:
        c3 = q3.get(task_id, "green")
        if c3 == "twice":
            c2 = "twice"
        elif c3 == "red":
            c2 = rng.choice(("green", "yellow", "yellow"))
        elif c3 == "green":
            c2 = rng.choice(("green", "green", "yellow"))
        elif c3 == "done":
            c2 = "green"
        else:
            c2 = rng.choice(("green", "yellow"))
        c1 = rng.choice(("green", "green", "green", "yellow"))
        out[task_id] = {"2026Q1": c1, "2026Q2": c2, "2026Q3": c3}
    return out


def _actual(category: str, planned: int, rng: random.Random) -> tuple[float, bool]:
    if category == "done":
        return 100.0, True
    if category == "yellow":
        gap = rng.choice((12, 15, 18, 20, 22.5, 25, 28))
    elif category == "red":
        gap = rng.choice((32, 35, 38, 40, 45))
    else:
        gap = rng.choice((-10, -5, -2, 0, 0, 2, 3, 5, 8))
    met = category in ("green", "yellow") or (category == "red" and rng.random() < 0.5)
    return float(max(0.0, min(99.0, planned - gap))), met


def _status(category: str, gap: float, rng: random.Random) -> str:
    if category == "done":
        return "已完成"
    if gap < -1:
        return "超进度"
    if gap <= 10 or (category == "yellow" and rng.random() < 0.4):  # some units rate themselves kindly
        return "达进度"
    return "欠进度"


def _texts(rng: random.Random, title: str, quarter: str, category: str) -> dict[str, str]:
    obj = _obj(title)
    q = quarter_number(quarter)
    fill = {"obj": obj, "n": rng.randint(2, 6), "m": rng.randint(3, 15), "x": round(rng.uniform(0.3, 8.5), 1)}
    actions = rng.sample(_ACTIONS, 2)
    progress = f"围绕“{obj}”，" + "；".join(a.format(**fill) for a in actions) + "。"
    if category == "done":
        progress += "年度目标任务已全面完成，相关佐证材料已报送督查室。"
        problems, next_steps = "无", "巩固工作成效，总结提炼经验做法并做好宣传推广"
    else:
        problems = rng.choice(_PROBLEMS) if category != "green" or rng.random() < 0.4 else "无"
        month = min(3 * q + rng.randint(1, 3), 12)
        next_steps = rng.choice(_NEXT).format(m=month, obj=obj)
    coordination = rng.choice(_COORDINATION) if category in ("yellow", "red", "twice") and rng.random() < 0.7 else "无"
    return {"工作进展": progress, "存在问题": problems, "下步计划": next_steps, "需协调事项": coordination}


def _reporters(rng: random.Random, units: list[str]) -> dict[str, str]:
    return {u: rng.choice(_SURNAMES) + rng.choice(_GIVEN) for u in units}


def _ingest_or_fail(paths: list[Path], data_dir: Path) -> int:
    results = ingest_files(list(paths), data_dir, today=DEMO_TODAY)
    bad = [r for r in results if not r.ok]
    if bad:  # the demo must exercise the real path cleanly; a failure here is a bug
        raise LedgerError("示例数据导入失败：\n" + "\n".join(r.message() for r in bad))
    return len(results)


# ---------------------------------------------------------------- benchmarks (对标)
_PEERS = ("昆山市（全国县域经济基本竞争力第一）", "江阴市（上市公司数量全国县域领先）",
          "义乌市（国际贸易综合改革试点）", "慈溪市（制造业单项冠军集聚）", "张家港市（全国文明城市“六连冠”）",
          "福清市（福建省县域经济领先）",
          "常熟市（营商环境全国县域前列）", "石狮市（服装产业集群与跨境电商）", "海宁市（数字化改革示范）")
# (name, 口径, data source, unit, baseline range, decimals)
_INDICATOR_KINDS = (
    ("{obj}累计完成投资", "年度累计完成固定资产投资额", "市发改局", "亿元", (8.0, 40.0), 2),
    ("{obj}覆盖率", "已覆盖对象占应覆盖对象的比例", "市直主管部门统计台账", "%", (45.0, 80.0), 1),
    ("新增{obj}项目", "当年新增并通过验收的项目个数", "市直主管部门项目台账", "个", (4.0, 15.0), 0),
    ("{obj}相关市场主体", "年末在册市场主体户数", "市市场监管局", "户", (300.0, 2000.0), 0),
    ("{obj}群众满意度", "第三方测评满意度得分（百分制）", "第三方测评机构", "分", (82.0, 90.0), 1),
)
_SCOPES = ("全省县域", "泉州市各县（市、区）", "全国百强县")
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
class _Indicator:
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
class _Benchmark:
    peers: str
    goal_level: str
    goal_text: str
    indicators: list[_Indicator]
    outcome: str  # key of _STAGE_PATHS, or "" for no recognition reported


def _round(value: float, decimals: int) -> float:
    return float(round(value, decimals)) if decimals else float(round(value))


def _indicator(rng: random.Random, obj: str, overtaken: bool, notice: tuple[float, str, str] | None) -> _Indicator:
    name, definition, source, unit, (low, high), decimals = rng.choice(_INDICATOR_KINDS)
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
    return _Indicator(name.format(obj=obj)[:60], definition, source, unit, baseline, target, benchmark,
                      rng.choice(_SCOPES), rng.choice((1, 2, 3)), rng.choice(_RANK_PATHS), values, benchmark_values,
                      prefilled)


def _benchmarks(seed: int, tasks: pd.DataFrame) -> tuple[dict[str, _Benchmark], str]:
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
    out: dict[str, _Benchmark] = {}
    for task in tasks.itertuples(index=False):
        task_id = str(task.task_id)
        if task_id not in by_task and task_id not in chosen_b:
            continue
        obj = _obj(str(task.title))
        target_value: Any = task.target_value
        notice = None if pd.isna(target_value) else (float(target_value), str(task.target_unit),
                                                     str(task.target_text))
        count = rng.choice((1, 2, 2, 3)) if task_id in by_task else 1
        indicators = [_indicator(rng, obj, task_id == overtaken and n == 0, notice if n == 0 else None)
                      for n in range(count)]
        if task.tier == "national":
            level, goal = "国家级", f"{obj}争创国家级示范（试点）"
        elif task.tier == "provincial":
            level, goal = "省级", f"{obj}获评省级示范（典型案例）"
        elif rng.random() < 0.4:
            level, goal = "泉州市级", f"入选泉州市{obj}典型案例"
        else:
            level, goal = "", ""
        peers = "；".join(rng.sample(_PEERS, rng.choice((1, 1, 2))))
        outcome = by_task.get(task_id, "pending" if level else "")
        out[task_id] = _Benchmark(peers, level, goal, indicators, outcome)
    return out, overtaken


def _fill_bench_plan(wb: Any, design: dict[str, _Benchmark], year: int) -> None:
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


def _fill_indicators(wb: Any, design: dict[str, _Benchmark], quarter: str) -> None:
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
                values["认定日期"] = date(DEMO_YEAR, 3 * first - 1, 18)
            if stage == "已认定":
                values["佐证材料"] = _evidence_name(task_id)
            if plan.outcome == "reapplied" and q == 4:
                values["说明"] = _REAPPLY_NOTE
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value


def _evidence_name(task_id: str) -> str:
    return f"{task_id}_认定文件（示例数据）.txt"


def _verify_recognitions(target: Path, design: dict[str, _Benchmark], quarter: str) -> list[str]:
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


def generate_demo(data_dir: str | os.PathLike[str] | None = None, seed: int = 2026,
                  tasks: pd.DataFrame | None = None) -> DemoSummary:
    """Build the demo dataset in ``data_dir`` (refused if it holds non-demo data)."""
    target = resolve_data_dir(data_dir)
    table = load_tasks() if tasks is None else tasks
    _prepare_dir(target)
    target.mkdir(parents=True, exist_ok=True)
    mark_demo(target, seed)
    rng = random.Random(seed)
    summary = DemoSummary(target, seed)
    units = all_units(table)
    reporters = _reporters(rng, units)
    inbox = target / "inbox"

    # yearly plan, with its 对标计划
    design, summary.overtaken = _benchmarks(seed, table)
    summary.recognition_outcomes = {t: b.outcome for t, b in design.items() if b.outcome}
    plan_numbers = {t: _plan_numbers(rng) for t in table["task_id"]}
    titles = dict(zip(table["task_id"], table["title"]))
    paths = []
    for unit in lead_unit_names(table):
        wb = build_plan_form(unit, DEMO_YEAR, table, demo=True)
        ws = wb[PLAN_SHEET]
        cols = header_columns(ws)
        for row in range(2, ws.max_row + 1):
            task_id = ws.cell(row, cols["任务编号"]).value
            for q in range(1, QUARTERS_PER_YEAR + 1):
                m_label, p_label = plan_quarter_columns(q)
                ws.cell(row, cols[m_label]).value = rng.choice(_MILESTONES[q - 1]).format(obj=_obj(titles[task_id]))
                ws.cell(row, cols[p_label]).value = plan_numbers[task_id][q - 1]
            ws.cell(row, cols["填报人"]).value = reporters[unit]
            ws.cell(row, cols["填报日期"]).value = date(DEMO_YEAR, 1, rng.randint(15, 28))
        _fill_bench_plan(wb, design, DEMO_YEAR)
        paths.append(_save(wb, inbox / "plan" / plan_form_name(DEMO_YEAR, unit)))
    summary.files += _ingest_or_fail(paths, target)
    plan = Ledger(target).plan()
    from jj123lib.ledger.benchmarks import benchmark_plan

    bench = benchmark_plan(Ledger(target))

    # who stays silent in Q3: a unit that leads exactly one task and co-leads nothing
    appearances = {u: sum(u in us for us in table["units"]) for u in units}
    leads = table["lead_unit"].value_counts()
    candidates = [u for u in lead_unit_names(table) if leads.get(u) == 1 and appearances[u] == 1]
    summary.missing_unit = rng.choice(candidates)
    categories = _categories(rng, table, summary.missing_unit)
    summary.categories = {t: c["2026Q3"] for t, c in categories.items()}

    # actual numbers, Q3 first so Q3 categories hold; earlier quarters never exceed later ones
    planned: dict[tuple[str, str], float] = {
        (str(task_id), str(quarter)): float(pct)
        for task_id, quarter, pct in zip(plan["task_id"], plan["quarter"], plan["planned_pct"])}
    numbers: dict[tuple[str, str], tuple[float, bool]] = {}
    rated = DEMO_QUARTERS[:3]  # Q1–Q3 as before Q4 was added; Q4 draws on its own stream below
    for task_id in table["task_id"]:
        later = 100.0
        for quarter in reversed(rated):
            actual, met = _actual(categories[task_id][quarter], int(planned[(task_id, quarter)]), rng)
            actual = min(actual, later)
            if categories[task_id][quarter] == "twice":
                met = False
            if categories[task_id][quarter] == "missed":
                met = False
            numbers[(task_id, quarter)] = (actual, met)
            later = actual

    q4_rng = random.Random(f"{seed}:2026Q4")
    for task_id in table["task_id"]:
        c3 = categories[task_id]["2026Q3"]
        c4 = "done" if c3 == "done" else q4_rng.choice(("done", "done", "green", "green", "yellow", "red"))
        categories[task_id]["2026Q4"] = c4
        actual, met = _actual(c4, 100, q4_rng)
        numbers[(task_id, "2026Q4")] = (max(actual, numbers[(task_id, "2026Q3")][0]), met)

    superseded_candidates = [u for u in lead_unit_names(table)
                             if u != summary.missing_unit and all(
                                 categories[t]["2026Q3"] == "green"
                                 for t, lu in zip(table["task_id"], table["lead_unit"]) if lu == u)]
    summary.superseded_unit = rng.choice(superseded_candidates) if superseded_candidates else ""
    loop = summary.loop = demo_loop.plan_loop(table, categories, summary.missing_unit, summary.superseded_unit)
    demo_loop.shape_numbers(loop, numbers, DEMO_QUARTERS)

    for quarter in DEMO_QUARTERS:
        q = quarter_number(quarter)
        r = q4_rng if quarter == "2026Q4" else rng
        paths = []
        for unit in units:
            if quarter in ("2026Q3", "2026Q4") and unit == summary.missing_unit:  # silent two quarters running
                continue
            drafts = [True, False] if quarter == "2026Q3" and unit == summary.superseded_unit else [False]
            for draft in drafts:
                wb = build_progress_form(unit, quarter, table, plan, demo=True, benchmarks=bench)
                ws = wb[PROGRESS_SHEET]
                cols = header_columns(ws)
                day = last_day(quarter) + timedelta(days=r.randint(3, 9) + (2 if not draft and len(drafts) > 1 else 0))
                day = demo_loop.report_day(loop, quarter, unit, day, DEMO_QUARTERS)
                for row in range(2, ws.max_row + 1):
                    task_id = str(ws.cell(row, cols["任务编号"]).value)
                    lead = table.loc[table["task_id"] == task_id, "lead_unit"].iloc[0] == unit
                    if lead:
                        category = categories[task_id][quarter]
                        actual, met = numbers[(task_id, quarter)]
                        if draft:
                            actual = max(0.0, actual - 20)
                        gap = planned[(task_id, quarter)] - actual
                        values: dict[str, Any] = {
                            "实际累计进度(%)": actual, "节点目标是否完成": "是" if met else "否",
                            "自评状态": _status(category, gap, r),
                            **_texts(r, titles[task_id], quarter, category)}
                        demo_loop.shape_lead_row(loop, quarter, task_id, values, DEMO_QUARTERS)
                        if draft:
                            values["工作进展"] = "（初稿）" + values["工作进展"]
                    elif r.random() < 0.75 or task_id == "N08":
                        note = _texts(r, titles[task_id], quarter, "green")["工作进展"]
                        values = {"工作进展": f"{r.choice(_NOTES)}，{note}",
                                  "存在问题": "无", "下步计划": r.choice(_NEXT).format(
                                      m=min(3 * q + 2, 12), obj=_obj(titles[task_id])),
                                  "需协调事项": "无"}
                    else:
                        continue
                    values["填报人"] = reporters[unit]
                    values["填报日期"] = day
                    for label, value in values.items():
                        ws.cell(row, cols[label]).value = value
                _fill_indicators(wb, design, quarter)
                folder = inbox / quarter / ("draft" if draft else "final")
                paths.append(_save(wb, folder / progress_form_name(quarter, unit)))
        summary.files += _ingest_or_fail(paths, target)
        summary.verified_recognitions += _verify_recognitions(target, design, quarter)

    ledger = Ledger(target)
    q2_task = next(t for t in table["task_id"] if categories[t]["2026Q2"] == "yellow")
    ledger.add_override(q2_task, "2026Q2", "red", "实地核查发现进度数据有出入，拟调整为红灯", "督查室")
    ledger.revoke_override(q2_task, "2026Q2", "督查室", "单位补充佐证材料，经复核数据属实，撤销调整")
    yellow_q3 = sorted(t for t, c in summary.categories.items() if c == "yellow")
    chosen = yellow_q3[rng.randrange(len(yellow_q3))]
    ledger.add_override(chosen, "2026Q3", "red", "经实地核查，项目关键审批尚未取得，填报进度明显偏高，调整为红灯",
                        "督查室")
    summary.overridden.append(chosen)
    # The office's supervision loop, quarter by quarter, after its overrides. Not for Q4: its loop would
    # come after the Q4 deadline (January 2027) and, stamped then, show in every earlier quarter's views.
    for quarter in DEMO_QUARTERS[:3]:
        demo_loop.run_quarter_loop(target, quarter, loop)
    summary.year_end_verified = demo_loop.verify_year_end(target, DEMO_QUARTERS[-1], loop)
    _write_opinions(target, table, {t: c["2026Q3"] for t, c in categories.items()}, summary.missing_unit)
    return summary


def _write_opinions(target: Path, table: pd.DataFrame, q3: dict[str, str], missing_unit: str) -> None:
    """督查室意见 (opinions/<QUARTER>.yaml) for the first leaders with a red or 未报送 task in Q3."""
    import yaml

    from jj123lib.domain.tiers import task_order
    from jj123lib.loop.opinions import opinions_path

    behind = sorted((t for t, lu in zip(table["task_id"], table["lead_unit"])
                     if q3.get(t) in ("red", "twice") or lu == missing_unit), key=task_order)
    owners = dict(zip(table["task_id"], table["leader"]))
    chosen: dict[str, str] = {}
    for task_id in behind:
        chosen.setdefault(owners[task_id], task_id)
    overall = "本季度牵头任务总体有序推进，但个别任务明显滞后。\n建议：召开专题协调会，逐项明确责任人和完成时限。"
    on_task = "进度落后序时较多，建议牵头单位 15 日内报送整改方案，督查室跟踪督办。"
    q3_text = {leader: {"总体": overall, "任务": {task_id: on_task}} for leader, task_id in list(chosen.items())[:3]}
    q2_text = {leader: "请各责任单位对照年度计划，确保第三季度节点目标按时完成。" for leader in list(chosen)[:1]}
    for quarter, data in (("2026Q2", q2_text), ("2026Q3", q3_text)):
        path = opinions_path(target, quarter)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8"))
