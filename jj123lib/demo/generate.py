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

Benchmarks (对标) come from :mod:`jj123lib.demo.benchmarks` and the forms' Chinese texts from
:mod:`jj123lib.demo.texts`; each draws on the random stream it is given, so the progress figures of Q1–Q3
are those of the demo before benchmarks; Q4 has its own stream too. :func:`generate_demo` runs the steps in
a fixed order, and that order is the seed's contract: the same seed gives the same ledger.
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
from jj123lib.demo import record as demo_record
from jj123lib.demo import texts as demo_texts
from jj123lib.demo.benchmarks import Benchmark, design_benchmarks, fill_bench_plan, fill_indicators, verify_recognitions
from jj123lib.domain.quarters import QUARTERS_PER_YEAR, last_day, quarter_number, report_deadline
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.tasks import units as all_units
from jj123lib.intake.forms import (
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
from jj123lib.intake.formspec import HELP_SHEET, NO_CO_WORK_CELL, YES_NO
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.publications import PUBLISHED_DIR
from jj123lib.ledger.store import ARCHIVE_DIR, LEDGER_FILE, Ledger

__all__ = ["DEMO_QUARTERS", "DemoSummary", "generate_demo"]

DEMO_YEAR = 2026
DEMO_QUARTERS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
DEMO_TODAY = date(2027, 1, 20)  # the day the demo's forms are checked as of: after the Q4 forms' dates
# The moment the demo's story stands at: after its last record (the year-end 销号 in February 2027). A demo
# folder is read as of it, whatever the real date, so its pages are the same on any day.
DEMO_CLOCK = datetime(2027, 3, 31, 17, 0, tzinfo=CHINA_TZ)
DEMO_CLERK = "督查室收文员（示例）"
MAILED_QUARTER, MAILED_DAYS = "2026Q3", 6  # the mailed form: received 6 days after its date, still before the deadline
_DEMO_ENTRIES = (LEDGER_FILE, ARCHIVE_DIR, LOCK_FILE, "inbox", "forms", "opinions", DEMO_MARKER,
                 demo_loop.EVIDENCE_DIR, PUBLISHED_DIR, demo_record.REPORTS_DIR)


@dataclass
class DemoSummary:
    """What the demo made, for the CLI message and the tests."""

    data_dir: Path
    seed: int
    files: int = 0
    categories: dict[str, str] = field(default_factory=dict)   # task_id -> 2026Q3 intended category
    missing_unit: str = ""
    superseded_unit: str = ""
    mailed_unit: str = ""  # sends its Q3 form by post: dated early, received days later (a backdated-form flag)
    overridden: list[str] = field(default_factory=list)
    loop: demo_loop.LoopPlan | None = None  # the supervision loop's cases (jj123lib.demo.loop)
    year_end_verified: list[str] = field(default_factory=list)  # Q4 completions verified (销号) for the review
    recognition_outcomes: dict[str, str] = field(default_factory=dict)  # task → aimed/lower/none/pending/stuck
    verified_recognitions: list[str] = field(default_factory=list)  # targets TASK@QUARTER verified
    overtaken: str = ""  # task whose indicator 1 overtakes its benchmark during the year
    record: demo_record.DemoRecord = field(default_factory=demo_record.DemoRecord)  # revert, publications, correction


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




def _ingest_or_fail(dated: list[tuple[Path, date]], data_dir: Path) -> int:
    """Ingest each form as received on its day (at 16:00), the office's clerk taking it in then."""
    by_day: dict[date, list[Path]] = {}
    for path, day in dated:
        by_day.setdefault(day, []).append(path)
    results = []
    for day in sorted(by_day):
        moment = datetime.combine(day, time(16), CHINA_TZ)
        results += ingest_files(list[str | os.PathLike[str]](by_day[day]), data_dir, today=DEMO_TODAY, now=moment,
                                received=moment, by=DEMO_CLERK)
    bad = [r for r in results if not r.ok]
    if bad:  # the demo must exercise the real path cleanly; a failure here is a bug
        raise LedgerError("示例数据导入失败：\n" + "\n".join(r.message() for r in bad))
    return len(results)



@dataclass
class _Run:
    """What the steps of one demo run share: the folder, the tasks, the random streams and what they drew."""

    target: Path
    table: pd.DataFrame
    summary: DemoSummary
    rng: random.Random
    q4_rng: random.Random  # Q4 draws on its own stream: Q1–Q3 stay as they were before Q4 was added
    units: list[str]
    reporters: dict[str, str]
    titles: dict[str, str]
    design: dict[str, Benchmark]
    categories: dict[str, dict[str, str]] = field(default_factory=dict)  # task → quarter → intended category
    planned: dict[tuple[str, str], float] = field(default_factory=dict)  # (task, quarter) → planned %
    numbers: dict[tuple[str, str], tuple[float, bool]] = field(default_factory=dict)  # → (actual %, milestone met)


def generate_demo(data_dir: str | os.PathLike[str] | None = None, seed: int = 2026,
                  tasks: pd.DataFrame | None = None) -> DemoSummary:
    """Build the demo dataset in ``data_dir`` (refused if it holds non-demo data)."""
    from jj123lib.ledger.benchmarks import benchmark_plan

    target = resolve_data_dir(data_dir)
    table = load_tasks() if tasks is None else tasks
    run = _start(target, seed, table)
    plan = _ingest_plans(run)
    bench = benchmark_plan(Ledger(target))
    _choose_categories(run)
    _draw_numbers(run, plan)
    loop = _plan_loop(run)
    for quarter in DEMO_QUARTERS:
        _ingest_quarter(run, quarter, plan, bench, loop)
    _add_overrides(run)
    _run_loop(run, loop)
    _keep_record(run, loop)
    return run.summary


def _start(target: Path, seed: int, table: pd.DataFrame) -> _Run:
    """Clear and mark the folder; draw the reporters and the benchmarks' design."""
    _prepare_dir(target)
    target.mkdir(parents=True, exist_ok=True)
    mark_demo(target, seed, DEMO_CLOCK)
    rng = random.Random(seed)
    summary = DemoSummary(target, seed)
    units = all_units(table)
    reporters = demo_texts.reporters(rng, units)
    design, summary.overtaken = design_benchmarks(seed, table)
    summary.recognition_outcomes = {t: b.outcome for t, b in design.items() if b.outcome}
    return _Run(target, table, summary, rng, random.Random(f"{seed}:2026Q4"), units, reporters,
                dict(zip(table["task_id"], table["title"])), design)


def _ingest_plans(run: _Run) -> pd.DataFrame:
    """The yearly plan forms, with their 对标计划, filled and ingested; the ledger's plan."""
    plan_numbers = {t: _plan_numbers(run.rng) for t in run.table["task_id"]}
    # 攻坚措施 and 责任人 on a stream of their own: the figures drawn after them stay as they were.
    texts = random.Random(f"{run.summary.seed}:measures")
    measures = {t: demo_texts.plan_measures(texts, run.titles[t]) for t in run.table["task_id"]}
    dated = [_fill_plan_form(run, unit, plan_numbers, measures) for unit in lead_unit_names(run.table)]
    run.summary.files += _ingest_or_fail(dated, run.target)
    return Ledger(run.target).plan()


def _fill_plan_form(run: _Run, unit: str, plan_numbers: dict[str, list[int]],
                    measures: dict[str, tuple[str, str]]) -> tuple[Path, date]:
    """A lead unit's plan form, filled; with the latest 填报日期 on it (the day it is received)."""
    wb = build_plan_form(unit, DEMO_YEAR, run.table, demo=True)
    ws = wb[PLAN_SHEET]
    cols = header_columns(ws)
    latest = date(DEMO_YEAR, 1, 1)
    for row in range(2, ws.max_row + 1):
        task_id = str(ws.cell(row, cols["任务编号"]).value)
        for q in range(1, QUARTERS_PER_YEAR + 1):
            m_label, p_label = plan_quarter_columns(q)
            milestone = run.rng.choice(demo_texts.MILESTONES[q - 1])
            ws.cell(row, cols[m_label]).value = milestone.format(obj=demo_texts.object_phrase(run.titles[task_id]))
            ws.cell(row, cols[p_label]).value = plan_numbers[task_id][q - 1]
        ws.cell(row, cols["攻坚措施"]).value, ws.cell(row, cols["责任人"]).value = measures[task_id]
        ws.cell(row, cols["填报人"]).value = run.reporters[unit]
        day = date(DEMO_YEAR, 1, run.rng.randint(15, 28))
        ws.cell(row, cols["填报日期"]).value = day
        latest = max(latest, day)
    fill_bench_plan(wb, run.design, DEMO_YEAR)
    return _save(wb, run.target / "inbox" / "plan" / plan_form_name(DEMO_YEAR, unit)), latest


def _choose_categories(run: _Run) -> None:
    """Who stays silent in Q3 (a unit that leads exactly one task and co-leads nothing), and every task's category."""
    table = run.table
    appearances = {u: sum(u in us for us in table["units"]) for u in run.units}
    leads = table["lead_unit"].value_counts()
    candidates = [u for u in lead_unit_names(table) if leads.get(u) == 1 and appearances[u] == 1]
    run.summary.missing_unit = run.rng.choice(candidates)
    run.categories = _categories(run.rng, table, run.summary.missing_unit)
    run.summary.categories = {t: c["2026Q3"] for t, c in run.categories.items()}


def _draw_numbers(run: _Run, plan: pd.DataFrame) -> None:
    """Actual numbers, Q3 first so Q3 categories hold; earlier quarters never exceed later ones."""
    run.planned = {
        (str(task_id), str(quarter)): float(pct)
        for task_id, quarter, pct in zip(plan["task_id"], plan["quarter"], plan["planned_pct"])}
    rated = DEMO_QUARTERS[:3]  # Q1–Q3 as before Q4 was added; Q4 draws on its own stream below
    for task_id in run.table["task_id"]:
        later = 100.0
        for quarter in reversed(rated):
            actual, met = _actual(run.categories[task_id][quarter], int(run.planned[(task_id, quarter)]), run.rng)
            actual = min(actual, later)
            if run.categories[task_id][quarter] == "twice":
                met = False
            if run.categories[task_id][quarter] == "missed":
                met = False
            run.numbers[(task_id, quarter)] = (actual, met)
            later = actual
    for task_id in run.table["task_id"]:
        c3 = run.categories[task_id]["2026Q3"]
        c4 = "done" if c3 == "done" else run.q4_rng.choice(("done", "done", "green", "green", "yellow", "red"))
        run.categories[task_id]["2026Q4"] = c4
        actual, met = _actual(c4, 100, run.q4_rng)
        run.numbers[(task_id, "2026Q4")] = (max(actual, run.numbers[(task_id, "2026Q3")][0]), met)


def _plan_loop(run: _Run) -> demo_loop.LoopPlan:
    """The unit that resubmits in Q3 (all its tasks green) and the supervision loop's cases."""
    table, summary = run.table, run.summary
    superseded_candidates = [u for u in lead_unit_names(table)
                             if u != summary.missing_unit and all(
                                 run.categories[t]["2026Q3"] == "green"
                                 for t, lu in zip(table["task_id"], table["lead_unit"]) if lu == u)]
    summary.superseded_unit = run.rng.choice(superseded_candidates) if superseded_candidates else ""
    loop = summary.loop = demo_loop.plan_loop(table, run.categories, summary.missing_unit, summary.superseded_unit)
    taken = {summary.missing_unit, summary.superseded_unit, loop.late_unit}
    summary.mailed_unit = next((u for u in lead_unit_names(table) if u not in taken), "")
    demo_loop.shape_numbers(loop, run.numbers, DEMO_QUARTERS)
    return loop


def _ingest_quarter(run: _Run, quarter: str, plan: pd.DataFrame, bench: pd.DataFrame,
                    loop: demo_loop.LoopPlan) -> None:
    """One quarter's progress forms filled and ingested, then its recognitions verified."""
    r = run.q4_rng if quarter == "2026Q4" else run.rng
    paths = []
    for unit in run.units:
        if quarter in ("2026Q3", "2026Q4") and unit == run.summary.missing_unit:  # silent two quarters running
            continue
        drafts = [True, False] if quarter == "2026Q3" and unit == run.summary.superseded_unit else [False]
        for draft in drafts:
            wb = build_progress_form(unit, quarter, run.table, plan, demo=True, benchmarks=bench)
            mailed = quarter == MAILED_QUARTER and unit == run.summary.mailed_unit
            day = _fill_progress_form(run, wb, quarter, unit, draft, len(drafts) > 1, loop, r, early=mailed)
            folder = run.target / "inbox" / quarter / ("draft" if draft else "final")
            received = day + timedelta(days=MAILED_DAYS) if mailed else day
            paths.append((_save(wb, folder / progress_form_name(quarter, unit)), received))
    run.summary.files += _ingest_or_fail(paths, run.target)
    run.summary.verified_recognitions += verify_recognitions(run.target, run.design, quarter)


def _fill_progress_form(run: _Run, wb: Any, quarter: str, unit: str, draft: bool, resubmitted: bool,
                        loop: demo_loop.LoopPlan, r: random.Random, early: bool = False) -> date:
    """A unit's progress form: its lead rows, some co-unit notes, and the 指标进展 sheet; its 填报日期.

    ``early``: dated three days after the quarter (a form then sent by post).
    """
    ws = wb[PROGRESS_SHEET]
    cols = header_columns(ws)
    day = last_day(quarter) + timedelta(days=r.randint(3, 9) + (2 if not draft and resubmitted else 0))
    if early:
        day = last_day(quarter) + timedelta(days=3)
    day = demo_loop.report_day(loop, quarter, unit, day, DEMO_QUARTERS)
    filled = False
    for row in range(2, ws.max_row + 1):
        task_id = str(ws.cell(row, cols["任务编号"]).value)
        lead = run.table.loc[run.table["task_id"] == task_id, "lead_unit"].iloc[0] == unit
        if lead:
            values = _lead_row(run, quarter, task_id, draft, loop, r)
        elif r.random() < 0.75 or task_id == "N08":
            values = _co_unit_row(run, quarter, task_id, r)
        else:
            continue
        values["填报人"] = run.reporters[unit]
        values["填报日期"] = day
        filled = True
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value
    if not filled:  # a co-unit with nothing to say this quarter says so (本季度无配合事项)
        wb[HELP_SHEET][NO_CO_WORK_CELL].value = YES_NO[0]
    fill_indicators(wb, run.design, quarter)
    return day


def _lead_row(run: _Run, quarter: str, task_id: str, draft: bool, loop: demo_loop.LoopPlan,
              r: random.Random) -> dict[str, Any]:
    """The lead unit's row: its number, self-rating and texts (a draft 20 points lower, marked 初稿)."""
    category = run.categories[task_id][quarter]
    actual, met = run.numbers[(task_id, quarter)]
    if draft:
        actual = max(0.0, actual - 20)
    gap = run.planned[(task_id, quarter)] - actual
    values: dict[str, Any] = {
        "实际累计进度(%)": actual, "节点目标是否完成": "是" if met else "否",
        "自评状态": _status(category, gap, r),
        **demo_texts.progress_texts(r, run.titles[task_id], quarter, category)}
    demo_loop.shape_lead_row(loop, quarter, task_id, values, DEMO_QUARTERS)
    if draft:
        values["工作进展"] = "（初稿）" + values["工作进展"]
    return values


def _co_unit_row(run: _Run, quarter: str, task_id: str, r: random.Random) -> dict[str, Any]:
    """A co-unit's note on a task it helps with."""
    note = demo_texts.progress_texts(r, run.titles[task_id], quarter, "green")["工作进展"]
    month = min(3 * quarter_number(quarter) + 2, 12)
    obj = demo_texts.object_phrase(run.titles[task_id])
    return {"工作进展": f"{r.choice(demo_texts.CO_UNIT_NOTES)}，{note}",
            "存在问题": "无", "下步计划": r.choice(demo_texts.NEXT_STEPS).format(m=month, obj=obj), "需协调事项": "无"}


def _add_overrides(run: _Run) -> None:
    """The office's overrides: one made and revoked in Q2 (for the audit trail), one standing in Q3."""
    ledger = Ledger(run.target)
    q2_task = next(t for t in run.table["task_id"] if run.categories[t]["2026Q2"] == "yellow")
    q2, q3 = report_deadline("2026Q2"), report_deadline("2026Q3")
    ledger.add_override(q2_task, "2026Q2", "red", "实地核查发现进度数据有出入，拟调整为红灯", "督查室",
                        now=_story_moment(q2, 2))
    ledger.revoke_override(q2_task, "2026Q2", "督查室", "单位补充佐证材料，经复核数据属实，撤销调整",
                           now=_story_moment(q2, 4))
    run.summary.record.corrected = q2_task  # once Q2 is published, the office finds the evidence did not hold
    yellow_q3 = sorted(t for t, c in run.summary.categories.items() if c == "yellow")
    chosen = yellow_q3[run.rng.randrange(len(yellow_q3))]
    ledger.add_override(chosen, "2026Q3", "red", "经实地核查，项目关键审批尚未取得，填报进度明显偏高，调整为红灯",
                        "督查室", now=_story_moment(q3, 2))
    run.summary.overridden.append(chosen)


def _story_moment(deadline: date, days: int) -> datetime:
    """A moment of the demo's story: ``days`` after a reporting deadline, 11:00 China time."""
    return datetime.combine(deadline + timedelta(days=days), time(11), CHINA_TZ)


def _run_loop(run: _Run, loop: demo_loop.LoopPlan) -> None:
    """The office's supervision loop, quarter by quarter, after its overrides; the year-end checks; the opinions."""
    # Not for Q4: its loop would come after the Q4 deadline (January 2027) and, stamped then, show in every
    # earlier quarter's views.
    for quarter in DEMO_QUARTERS[:3]:
        demo_loop.run_quarter_loop(run.target, quarter, loop)
    run.summary.year_end_verified = demo_loop.verify_year_end(run.target, DEMO_QUARTERS[-1], loop)
    _write_opinions(run.target, run.table, {t: c["2026Q3"] for t, c in run.categories.items()},
                    run.summary.missing_unit)


def _keep_record(run: _Run, loop: demo_loop.LoopPlan) -> None:
    """The record (:mod:`jj123lib.demo.record`): a resent form withdrawn, Q1–Q3 published, Q2 corrected."""
    busy = {run.summary.missing_unit, run.summary.superseded_unit, loop.late_unit, run.summary.mailed_unit}
    unit = next(u for u in lead_unit_names(run.table) if u not in busy)
    run.summary.files += demo_record.withdraw_resent(run.target, unit, DEMO_CLERK, run.summary.record)
    demo_record.publish_quarters(run.target, run.summary.record)


def _opinion_on(category: str, missing: bool) -> str:
    """The office's opinion on a task, written from what the demo made of it in Q3."""
    if missing:
        return "牵头单位逾期未报送季度进度，请立即补报，并书面说明逾期原因。"
    if category == "twice":  # on pace, but the milestone missed two quarters running
        return ("进度基本达到序时，但连续两个季度未完成节点目标，建议牵头单位查明原因、倒排工期，"
                "确保下季度节点按期完成。")
    return "落后序时进度较多，建议牵头单位 15 日内报送整改方案，督查室跟踪督办。"


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
    overall = ("本季度牵头任务总体有序推进，但个别任务未完成节点目标或未按时报送。\n"
               "建议：召开专题协调会，逐项明确责任人和完成时限。")
    leads = dict(zip(table["task_id"], table["lead_unit"]))
    q3_text = {leader: {"总体": overall,
                        "任务": {task_id: _opinion_on(q3.get(task_id, ""), leads[task_id] == missing_unit)}}
               for leader, task_id in list(chosen.items())[:3]}
    q2_text = {leader: "请各责任单位对照年度计划，确保第三季度节点目标按时完成。" for leader in list(chosen)[:1]}
    for quarter, data in (("2026Q2", q2_text), ("2026Q3", q3_text)):
        path = opinions_path(target, quarter)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8"))
