"""``jj123 demo-data``: a full, deterministic demo ledger made through the real code path.

It generates the plan forms and the 2026Q1–Q3 progress forms with
:mod:`jj123lib.forms`, fills them in programmatically (seeded random numbers and
task-flavoured Chinese texts), saves them under ``<data_dir>/inbox/`` and ingests
them with :func:`jj123lib.ingest.ingest_files`, exactly as the office would.

The 2026Q3 picture always contains 已完成, green, yellow, red (by pace and by a
milestone missed two quarters running), 未报送 (one lead unit sends nothing), an
office override (and a revoked one in Q2 for the audit trail), co-unit notes, a
superseded submission, and lights that change between quarters.
"""

from __future__ import annotations

import io
import os
import random
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib import demo_loop
from jj123lib.atomic import LOCK_FILE, atomic_write
from jj123lib.datadir import DEMO_MARKER, is_demo, mark_demo, resolve_data_dir
from jj123lib.exceptions import Jj123Error, LedgerError
from jj123lib.forms import (
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
from jj123lib.ingest import ingest_files
from jj123lib.ledger import ARCHIVE_DIR, LEDGER_FILE, Ledger
from jj123lib.tasks import load_tasks
from jj123lib.tasks import units as all_units

__all__ = ["DEMO_QUARTERS", "DemoSummary", "generate_demo"]

DEMO_YEAR = 2026
DEMO_QUARTERS = ("2026Q1", "2026Q2", "2026Q3")
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
    loop: demo_loop.LoopPlan | None = None  # the supervision loop's cases (jj123lib.demo_loop)


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
    q = int(quarter[-1])
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
    results = ingest_files(list(paths), data_dir)
    bad = [r for r in results if not r.ok]
    if bad:  # the demo must exercise the real path cleanly; a failure here is a bug
        raise LedgerError("示例数据导入失败：\n" + "\n".join(r.message() for r in bad))
    return len(results)


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

    # yearly plan
    plan_numbers = {t: _plan_numbers(rng) for t in table["task_id"]}
    titles = dict(zip(table["task_id"], table["title"]))
    paths = []
    for unit in lead_unit_names(table):
        wb = build_plan_form(unit, DEMO_YEAR, table, demo=True)
        ws = wb[PLAN_SHEET]
        cols = header_columns(ws)
        for row in range(2, ws.max_row + 1):
            task_id = ws.cell(row, cols["任务编号"]).value
            for q in range(1, 5):
                m_label, p_label = plan_quarter_columns(q)
                ws.cell(row, cols[m_label]).value = rng.choice(_MILESTONES[q - 1]).format(obj=_obj(titles[task_id]))
                ws.cell(row, cols[p_label]).value = plan_numbers[task_id][q - 1]
            ws.cell(row, cols["填报人"]).value = reporters[unit]
            ws.cell(row, cols["填报日期"]).value = date(DEMO_YEAR, 1, rng.randint(15, 28))
        paths.append(_save(wb, inbox / "plan" / plan_form_name(DEMO_YEAR, unit)))
    summary.files += _ingest_or_fail(paths, target)
    plan = Ledger(target).plan()

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
    for task_id in table["task_id"]:
        later = 100.0
        for quarter in reversed(DEMO_QUARTERS):
            actual, met = _actual(categories[task_id][quarter], int(planned[(task_id, quarter)]), rng)
            actual = min(actual, later)
            if categories[task_id][quarter] == "twice":
                met = False
            if categories[task_id][quarter] == "missed":
                met = False
            numbers[(task_id, quarter)] = (actual, met)
            later = actual

    superseded_candidates = [u for u in lead_unit_names(table)
                             if u != summary.missing_unit and all(
                                 categories[t]["2026Q3"] == "green"
                                 for t, lu in zip(table["task_id"], table["lead_unit"]) if lu == u)]
    summary.superseded_unit = rng.choice(superseded_candidates) if superseded_candidates else ""
    loop = summary.loop = demo_loop.plan_loop(table, categories, summary.missing_unit, summary.superseded_unit)
    demo_loop.shape_numbers(loop, numbers, DEMO_QUARTERS)

    for quarter in DEMO_QUARTERS:
        q = int(quarter[-1])
        paths = []
        for unit in units:
            if quarter == "2026Q3" and unit == summary.missing_unit:
                continue
            drafts = [True, False] if quarter == "2026Q3" and unit == summary.superseded_unit else [False]
            for draft in drafts:
                wb = build_progress_form(unit, quarter, table, plan, demo=True)
                ws = wb[PROGRESS_SHEET]
                cols = header_columns(ws)
                day = date(DEMO_YEAR, 3 * q + 1, rng.randint(3, 9) + (2 if not draft and len(drafts) > 1 else 0))
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
                            "自评状态": _status(category, gap, rng),
                            **_texts(rng, titles[task_id], quarter, category)}
                        demo_loop.shape_lead_row(loop, quarter, task_id, values, DEMO_QUARTERS)
                        if draft:
                            values["工作进展"] = "（初稿）" + values["工作进展"]
                    elif rng.random() < 0.75 or task_id == "N08":
                        note = _texts(rng, titles[task_id], quarter, "green")["工作进展"]
                        values = {"工作进展": f"{rng.choice(_NOTES)}，{note}",
                                  "存在问题": "无", "下步计划": rng.choice(_NEXT).format(
                                      m=min(3 * q + 2, 12), obj=_obj(titles[task_id])),
                                  "需协调事项": "无"}
                    else:
                        continue
                    values["填报人"] = reporters[unit]
                    values["填报日期"] = day
                    for label, value in values.items():
                        ws.cell(row, cols[label]).value = value
                folder = inbox / quarter / ("draft" if draft else "final")
                paths.append(_save(wb, folder / progress_form_name(quarter, unit)))
        summary.files += _ingest_or_fail(paths, target)

    ledger = Ledger(target)
    q2_task = next(t for t in table["task_id"] if categories[t]["2026Q2"] == "yellow")
    ledger.add_override(q2_task, "2026Q2", "red", "实地核查发现进度数据有出入，拟调整为红灯", "督查室")
    ledger.revoke_override(q2_task, "2026Q2", "督查室", "单位补充佐证材料，经复核数据属实，撤销调整")
    yellow_q3 = sorted(t for t, c in summary.categories.items() if c == "yellow")
    chosen = yellow_q3[rng.randrange(len(yellow_q3))]
    ledger.add_override(chosen, "2026Q3", "red", "经实地核查，项目关键审批尚未取得，填报进度明显偏高，调整为红灯",
                        "督查室")
    summary.overridden.append(chosen)
    for quarter in DEMO_QUARTERS:  # the office's supervision loop, quarter by quarter, after its overrides
        demo_loop.run_quarter_loop(target, quarter, loop)
    _write_opinions(target, table, {t: c["2026Q3"] for t, c in categories.items()}, summary.missing_unit)
    return summary


def _write_opinions(target: Path, table: pd.DataFrame, q3: dict[str, str], missing_unit: str) -> None:
    """督查室意见 (opinions/<QUARTER>.yaml) for the first leaders with a red or 未报送 task in Q3."""
    import yaml

    from jj123lib.opinions import opinions_path
    from jj123lib.supervision import task_order

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
