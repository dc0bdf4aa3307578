"""The demo's supervision loop: 催报, 督办, 整改反馈 forms, 核实销号 and 协调事项, through the real API.

:mod:`jj123lib.demo.generate` fills and ingests the progress forms; this module

* picks, without touching the demo's random numbers, the tasks and units that carry the
  loop's cases (:func:`plan_loop`): a unit that reports late in 2026Q3, a task whose progress
  never moves (and whose 需协调事项, raised in Q1, is repeated until Q3), a 工作进展 copied
  from last quarter, a vague one;
* shapes those rows while demo.py fills the forms (:func:`shape_numbers`, :func:`shape_lead_row`,
  :func:`report_day`);
* once all forms are in and the office's overrides made, runs each quarter's loop in turn
  (:func:`run_quarter_loop`, everything scoped to that quarter): the register synced up to it,
  督办 issued, 整改反馈 forms generated, filled and ingested, answers verified with evidence (files
  generated into ``<data_dir>/evidence/``), rejected, a completion verified, a 协调事项 settled.
  (After the overrides, because the office's judgement of a quarter precedes its 督办.)

Every stamp comes from an injected clock (the quarter's deadline plus some days, China time),
so two demo runs record the same loop.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib.assess.ratings import rate_quarter
from jj123lib.core.atomic import atomic_write
from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.frames import records
from jj123lib.domain.quarters import report_deadline
from jj123lib.domain.tiers import task_order
from jj123lib.intake.forms import DEMO_MARK, header_columns, load_form
from jj123lib.intake.formspec import RESPONSE_SHEET
from jj123lib.intake.ingest import ingest_files
from jj123lib.intake.response_form import write_response_forms
from jj123lib.ledger.store import Ledger
from jj123lib.loop.coordination import assign, close, register, sync
from jj123lib.loop.duban import duban_items, issue_duban
from jj123lib.loop.verification import reject, verify

__all__ = ["LoopPlan", "plan_loop", "shape_numbers", "shape_lead_row", "report_day", "run_quarter_loop",
           "EVIDENCE_DIR", "OFFICE", "verify_year_end", "YEAR_END_LEFT_CLAIMED",
           "YEAR_END_REJECTION"]

EVIDENCE_DIR = "evidence"  # generated evidence files (the archive keeps their verbatim copies)
OFFICE = "督查室（示例）"
SHOWCASE = "2026Q3"  # the quarter that shows the whole loop: the late unit, the copied and vague texts
ANSWERED = "2026Q2"  # the quarter whose 督办 answers are verified, rejected or left in hand
LATE_DAYS = 3  # the late unit's SHOWCASE forms are dated this many days after the deadline
_COORDINATION = ("需自然资源局协调解决项目用地指标", "仍需自然资源局协调解决项目用地指标",
                 "仍需自然资源局协调解决项目用地指标，已影响开工")
_VAGUE = "继续推进相关工作，进一步加强落实。"


@dataclass
class LoopPlan:
    """Which demo tasks and units carry the loop's cases."""

    late_unit: str
    stuck_task: str
    copied_task: str
    vague_task: str
    verified_task: str = ""  # set in 2026Q3: a 已完成 verified with evidence
    year_end_rejected: str = ""  # a Q4 已完成 the office sent back, with its reason
    closed_duban: list[str] = field(default_factory=list)
    rejected_duban: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)  # target → SHA-256 of its evidence file
    texts: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)  # (task, quarter) → 工作进展 as filled


def plan_loop(tasks: pd.DataFrame, categories: dict[str, dict[str, str]], missing_unit: str,
              superseded_unit: str) -> LoopPlan:
    """Choose the loop's cases in office task order (no random numbers drawn)."""
    lead = {str(t): str(u) for t, u in zip(tasks["task_id"], tasks["lead_unit"])}
    ordered = sorted(lead, key=task_order)
    busy = {missing_unit, superseded_unit}

    def first(category: str, avoid: set[str]) -> str:
        return next(t for t in ordered if categories[t][SHOWCASE] == category and lead[t] not in avoid)

    stuck = first("red", busy)
    copied = first("yellow", busy)
    vague = first("green", busy)
    taken = busy | {lead[stuck], lead[copied], lead[vague]}
    late = next(lead[t] for t in ordered if lead[t] not in taken)
    return LoopPlan(late_unit=late, stuck_task=stuck, copied_task=copied, vague_task=vague)


def shape_numbers(plan: LoopPlan, numbers: dict[tuple[str, str], tuple[float, bool]],
                  quarters: tuple[str, ...]) -> None:
    """The stuck task reports its first quarter's % every quarter up to SHOWCASE."""
    first = numbers[(plan.stuck_task, quarters[0])][0]
    for quarter in quarters[:quarters.index(SHOWCASE) + 1]:
        numbers[(plan.stuck_task, quarter)] = (first, False)


def shape_lead_row(plan: LoopPlan, quarter: str, task_id: str, values: dict[str, Any],
                   quarters: tuple[str, ...]) -> None:
    """Copy, blur or repeat one lead row's texts; remember every 工作进展 (for the copy)."""
    showcase = quarter == SHOWCASE
    if showcase and task_id == plan.copied_task:
        values["工作进展"] = plan.texts[(task_id, quarters[quarters.index(SHOWCASE) - 1])]
    if showcase and task_id == plan.vague_task:
        values["工作进展"] = _VAGUE
    if task_id == plan.stuck_task and quarter <= SHOWCASE:
        values["需协调事项"] = _COORDINATION[min(quarters.index(quarter), len(_COORDINATION) - 1)]
        values["需协调部门"] = "自然资源局"
        values["自评状态"] = "欠进度"
    plan.texts[(task_id, quarter)] = str(values["工作进展"])


def report_day(plan: LoopPlan, quarter: str, unit: str, day: date, quarters: tuple[str, ...]) -> date:
    """The late unit dates its last quarter's form after the deadline."""
    if quarter == SHOWCASE and unit == plan.late_unit:
        return report_deadline(quarter) + timedelta(days=LATE_DAYS)
    return day


def _at(deadline: date, days: int) -> datetime:
    return datetime.combine(deadline + timedelta(days=days), time(10), CHINA_TZ)


def _evidence(data_dir: Path, target: str, what: str) -> Path:
    text = (f"【{DEMO_MARK}】{target} 佐证材料\n{what}\n本文件由 jj123 demo-data 生成，仅供演示，不是真实材料。\n")
    return atomic_write(data_dir / EVIDENCE_DIR / f"{target}_佐证材料.txt", text.encode("utf-8"))


def _answer(ledger: Ledger, quarter: str, answers: dict[str, tuple[str, str]], deadline: date) -> None:
    """Fill the 整改反馈 forms of ``answers`` (item → status, text) and ingest them."""
    if not answers:
        return
    forms = write_response_forms(quarter, ledger.data_dir, out_dir=ledger.data_dir / "forms" / f"{quarter}-duban",
                                 as_of=deadline + timedelta(days=5), now=_at(deadline, 5))
    paths = []
    for form in forms:
        item_id = form.name.split("_", 1)[0]
        if item_id not in answers:
            continue
        wb = load_form(form)
        ws = wb[RESPONSE_SHEET]
        cols = header_columns(ws)
        status, text = answers[item_id]
        for label, value in (("整改状态", status), ("整改情况", text), ("填报人", "王晓东"),
                             ("填报日期", deadline + timedelta(days=11))):
            ws.cell(2, cols[label]).value = value
        target = ledger.data_dir / "inbox" / f"{quarter}-duban" / form.name
        target.parent.mkdir(parents=True, exist_ok=True)
        wb.save(target)
        paths.append(target)
    results = ingest_files(list(paths), ledger.data_dir, now=_at(deadline, 12))
    bad = [r for r in results if r.status != "accepted"]
    if bad:  # the demo must exercise the real path cleanly; a failure here is a bug
        raise LedgerError("示例数据整改反馈导入失败：\n" + "\n".join(r.message() for r in bad))


def run_quarter_loop(data_dir: str | os.PathLike[str] | Ledger, quarter: str, plan: LoopPlan) -> None:
    """The office's loop for ``quarter``, days after its deadline: register, 督办, answers, checks."""
    ledger = Ledger.of(data_dir)
    deadline = report_deadline(quarter)
    sync(ledger, by=OFFICE, now=_at(deadline, 3), quarter=quarter)
    issue_duban(quarter, ledger, as_of=deadline + timedelta(days=5), by=OFFICE, now=_at(deadline, 5))
    items = records(duban_items(quarter, ledger, as_of=deadline + timedelta(days=5)))
    new = [i for i in items if i["quarter"] == quarter and i["status"] == "open"]
    if quarter == ANSWERED:
        # One answer verified with evidence, one sent back, one still in hand; the rest go unanswered.
        answers = {}
        for item, (status, text) in zip(new, (
                ("已整改", "已召开专题推进会，落实专人专班，节点任务已完成，附会议纪要和验收意见"),
                ("已整改", "已按要求整改完毕"),
                ("整改中", "已制定整改方案，预计下季度完成关键节点"))):
            answers[str(item["id"])] = (status, text)
        _answer(ledger, quarter, answers, deadline)
        ids = list(answers)
        if ids:
            proof = _evidence(ledger.data_dir, ids[0], "专题推进会会议纪要及节点验收意见（示例）")
            # The task is still red on this quarter's figures: the office closes it only with its reason.
            verify(ids[0], quarter, [proof], OFFICE, "经查阅会议纪要及验收意见，整改属实，予以销号", ledger,
                   now=_at(deadline, 20), reason="整改措施已落实并经验收，成效待下季度报送数据体现")
            plan.closed_duban.append(ids[0])
            plan.evidence[ids[0]] = _sha256(proof)
        if len(ids) > 1:
            reject(ids[1], quarter, "反馈未附佐证材料，整改措施不具体，退回重新整改", OFFICE, ledger,
                   now=_at(deadline, 20))
            plan.rejected_duban.append(ids[1])
        settled = next((r for r in records(register(ledger, quarter=quarter, open_only=True))
                        if r["task_id"] != plan.stuck_task), None)
        if settled is not None:
            close(str(settled["id"]), "已协调", f"{DEMO_MARK}：市政府专题会议纪要〔2026〕18号", OFFICE, ledger,
                  now=_at(deadline, 25))
    if quarter == SHOWCASE:
        _name_departments(ledger, quarter, deadline)
        # A yellow-twice item answered 已整改 waits for the check; a red one is still in hand.
        reminders = [i for i in new if "yellow_twice" in str(i["trigger"])]
        reds = [i for i in new if "red" in str(i["trigger"]).split(",")]
        answers = {}
        if reminders:
            answers[str(reminders[0]["id"])] = ("已整改", "已补齐工作短板，季度节点任务已完成，验收材料随后报送")
        if reds:
            answers[str(reds[0]["id"])] = ("整改中", "已约谈施工单位并调整计划，正在加快推进")
        _answer(ledger, quarter, answers, deadline)
        claimed = sorted((r["task_id"] for r in records(rate_quarter(quarter, ledger, as_of=deadline))
                          if r["light"] == "claimed"), key=task_order)
        if claimed:
            plan.verified_task = claimed[0]
            proof = _evidence(ledger.data_dir, claimed[0], "年度任务完成情况验收报告（示例）")
            verify(claimed[0], quarter, [proof], OFFICE, "经实地核查，年度任务已全面完成", ledger,
                   as_of=deadline + timedelta(days=13), now=_at(deadline, 13))
            plan.evidence[claimed[0]] = _sha256(proof)


# (request wording, the department the office names, why)
DEPARTMENT_NAMED = ("数据管理部门", "工信局", "经核实，数据共享接口由工信局统筹（示例）")


def _name_departments(ledger: Ledger, quarter: str, deadline: date) -> None:
    """The office names the department where a unit left 需协调部门 blank and its wording names none it knows."""
    words, department, why = DEPARTMENT_NAMED
    for row in records(register(ledger, quarter=quarter, open_only=True)):
        if row["department_source"] == "text" and words in str(row["latest_text"]):
            assign(str(row["id"]), department, OFFICE, ledger, reason=why, now=_at(deadline, 6))


YEAR_END_LEFT_CLAIMED = 2  # Q4 completions the demo does not verify: the first stays 待核实, the last is sent back
YEAR_END_REJECTION = "佐证材料未能证明年度目标全部完成，退回补充验收材料（示例）"


def verify_year_end(data_dir: str | os.PathLike[str] | Ledger, quarter: str, plan: LoopPlan) -> list[str]:
    """Verify the year's claimed completions (销号) with evidence, all but the last few: of those, the last is
    sent back (退回, with its reason, so the year-end review names a rejection) and the others stay 待核实.

    Only the year-end quarter: its verifications are stamped after its deadline and concern that quarter
    alone, so earlier quarters' views are unchanged. Returns the tasks verified.
    """
    ledger = Ledger.of(data_dir)
    deadline = report_deadline(quarter)
    claimed = sorted((r["task_id"] for r in records(rate_quarter(quarter, ledger, as_of=deadline + timedelta(days=7)))
                      if r["light"] == "claimed"), key=task_order)
    chosen = claimed[:max(len(claimed) - YEAR_END_LEFT_CLAIMED, 0)]
    for day, task_id in enumerate(chosen, start=8):
        proof = _evidence(ledger.data_dir, f"{task_id}-{quarter}", "年度任务完成情况验收报告（示例）")
        verify(task_id, quarter, [proof], OFFICE, "经实地核查和资料审核，年度任务已全面完成", ledger,
               as_of=deadline + timedelta(days=day), now=_at(deadline, day))
        plan.evidence[f"{task_id}@{quarter}"] = _sha256(proof)
    if len(claimed) > len(chosen):
        plan.year_end_rejected = claimed[-1]
        day = len(chosen) + 8
        reject(claimed[-1], quarter, YEAR_END_REJECTION, OFFICE, ledger, as_of=deadline + timedelta(days=day),
               now=_at(deadline, day))
    return chosen


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
