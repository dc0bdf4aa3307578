"""The rows of a progress form or a yearly plan, checked cell by cell against the task table.

Every problem joins the :class:`~jj123lib.intake.checker.Checker`'s errors (the file is then
rejected whole); every normalisation is noted on its row.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Any

import pandas as pd

from jj123lib.core.cells import blank, cell_text, parse_percent, shown_percent
from jj123lib.domain.departments import LEADER_ASKED, MAX_DEPARTMENT_CHARS, read_departments
from jj123lib.domain.quarters import parse_quarter
from jj123lib.domain.tasks import UNIT_SEPARATOR, units
from jj123lib.domain.vocab import STATUSES
from jj123lib.intake.checker import Checker
from jj123lib.intake.formspec import PLAN_COLUMNS, PROGRESS_FILL_IN, YES_NO, plan_quarter_columns

__all__ = ["progress_rows", "plan_rows", "MAX_DAYS_AFTER_QUARTER"]

_NOT_MILESTONE = re.compile(r"^(继续|持续|进一步|不断)")
# A progress form is filed in the weeks after its quarter; dated over a year later, its year is a typo
# (it would also win the supersede order and print a wrong “数据截至”).
MAX_DAYS_AFTER_QUARTER = 366


def _check_task(check: Checker, number: int, values: list[Any], tasks_by_id: dict[str, Any], unit: str,
                seen: dict[str, int], lead_only: bool) -> Any:
    """Common checks of 任务编号/任务名称/责任单位; returns the task row or ``None``."""
    notes = check.grid.row_notes.setdefault(number, [])
    raw = check.text(values, "任务编号", number, notes, limit=20)
    if raw is None:
        check.error("任务编号不能为空", row=number, column="任务编号")
        return None
    task_id = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()
    task = tasks_by_id.get(task_id)
    if task is None:
        padded = re.sub(r"^([NPB])(\d)$", r"\g<1>0\g<2>", task_id)
        guess = f"（是否应为 {padded}？）" if padded != task_id and padded in tasks_by_id else ""
        check.error(f"不是任务清单中的任务编号{guess}", row=number, column="任务编号", value=raw)
        return None
    if task_id != raw:
        notes.append(f"第 {number} 行任务编号“{raw}”按 {task_id} 读取")
    if task_id in seen:
        check.error(f"与第 {seen[task_id]} 行重复（同一任务只能填报一行）", row=number, column="任务编号", value=raw)
        return None
    seen[task_id] = number
    if lead_only and task.lead_unit != unit:
        check.error(f"不是“{unit}”牵头的任务（年度计划由牵头单位“{task.lead_unit}”填报）", row=number,
                    column="任务编号", value=raw)
        return None
    if unit not in task.units:
        check.error(f"不属于本表填报单位“{unit}”（该任务责任单位为：{UNIT_SEPARATOR.join(task.units)}）",
                    row=number, column="任务编号", value=raw)
        return None
    title = cell_text(check.cell(values, "任务名称"))
    if title is None or re.sub(r"\s+", "", title) != re.sub(r"\s+", "", task.title):
        check.error(f"与任务清单中的名称“{task.title}”不一致（预填列不得修改）", row=number, column="任务名称",
                    value=title)
    units_text = cell_text(check.cell(values, "责任单位"))
    if units_text is None or re.sub(r"\s+", "", units_text) != UNIT_SEPARATOR.join(task.units):
        check.error(f"与任务清单中的责任单位“{UNIT_SEPARATOR.join(task.units)}”不一致（预填列不得修改）",
                    row=number, column="责任单位", value=units_text)
    return task


def _check_reporter_date(check: Checker, number: int, values: list[Any], year: int, today: date,
                         not_before: date | None = None,
                         latest: date | None = None) -> tuple[str | None, str | None]:
    """填报人 and 填报日期; the date lies in ``[not_before, min(today, latest)]`` and near ``year``."""
    notes = check.grid.row_notes.setdefault(number, [])
    reporter = check.reporter(values, number, notes)
    when = check.report_date(
        values, number, today, years=range(year - 1, year + 2), earliest=not_before,
        too_early=f"早于本季度开始日期 {not_before}（可能沿用了以前季度的表格），请核对",
        latest=latest, too_late=f"晚于 {latest}（本季度结束后超过 {MAX_DAYS_AFTER_QUARTER} 天，年份可能填错），请核对",
        notes=notes)
    return reporter, when


def _percent(check: Checker, number: int, values: list[Any], flags: list[bool], label: str,
             notes: list[str]) -> float | None:
    raw = check.cell(values, label)
    if blank(raw):
        return None
    percent_format = check.flag(flags, label)
    try:
        value, note = parse_percent(raw, percent_format)
    except ValueError as exc:
        check.error(str(exc), row=number, column=label, value=shown_percent(raw, percent_format))
        return None
    if note is None and isinstance(raw, str) and check.grid.source == "xlsx":
        note = f"“{raw}”（以文本形式填写的数字）按 {value:g} 计"
    if note:
        notes.append(f"第 {number} 行“{label}”{note}")
    return value


def _progress_answers(check: Checker, number: int, values: list[Any], flags: list[bool], lead: bool,
                      notes: list[str]) -> tuple[float | None, bool | None, str | None]:
    """实际累计进度, 节点目标是否完成 and 自评状态 of one progress row (a lead unit must fill all three)."""
    pct = _percent(check, number, values, flags, "实际累计进度(%)", notes)
    if lead and pct is None and blank(check.cell(values, "实际累计进度(%)")):
        check.error("牵头单位必须填写实际累计进度(%)", row=number, column="实际累计进度(%)")
    met_raw = check.text(values, "节点目标是否完成", number, notes, limit=20)
    met = None
    if met_raw is None:
        if lead and blank(check.cell(values, "节点目标是否完成")):  # an over-long answer is already an error
            check.error("牵头单位必须填写节点目标是否完成（是/否）", row=number, column="节点目标是否完成")
    elif met_raw not in YES_NO:
        check.error("不在可选范围内（应为“是”或“否”）", row=number, column="节点目标是否完成", value=met_raw)
    else:
        met = met_raw == "是"
    status = check.text(values, "自评状态", number, notes, limit=20)
    if status is None:
        if lead and blank(check.cell(values, "自评状态")):
            check.error("牵头单位必须填写自评状态", row=number, column="自评状态")
    elif status not in STATUSES:
        check.error("不在可选范围内（应为 " + "、".join(STATUSES) + " 之一）", row=number, column="自评状态",
                    value=status)
        status = None
    elif status == "已完成" and not (pct == 100 and met is True):
        check.error("要求实际累计进度为 100 且节点目标已完成（销号须有依据）", row=number, column="自评状态",
                    value=status)
    return pct, met, status


def _department(check: Checker, number: int, values: list[Any], request: str | None, notes: list[str],
                known: list[str]) -> str | None:
    """需协调部门 (optional): who the row's 需协调事项 asks to act; it needs a request beside it."""
    from jj123lib.loop.coordination import is_request

    raw = check.text(values, "需协调部门", number, notes, limit=MAX_DEPARTMENT_CHARS)
    if not is_request(raw):  # blank, or “无”
        return None
    assert raw is not None
    reading = read_departments(raw, known)
    if not reading.names:
        return None
    if not is_request(request):
        check.error("填写了需协调部门，但需协调事项为空或为“无”（请写明需要协调解决的事项）", row=number,
                    column="需协调部门", value=raw)
        return None
    notes.extend(f"第 {number} 行需协调部门{note}" for note in reading.notes)
    if reading.unknown:
        near = f"是否为“{'、'.join(reading.guesses)}”？" if reading.guesses else f"需市领导协调的请填“{LEADER_ASKED}”"
        notes.append(f"第 {number} 行需协调部门“{'、'.join(reading.unknown)}”不是任务清单中的责任单位，按原文记录"
                     f"（{near}）")
    return reading.text


def progress_rows(check: Checker, tasks: pd.DataFrame, unit: str, quarter: str,
                  today: date) -> list[dict[str, Any]]:
    """The checked rows of a progress form; a lead unit must report every task it leads."""
    year, q = parse_quarter(quarter)
    quarter_start = date(year, 3 * q - 2, 1)
    quarter_end = date(year + q // 4, 3 * q % 12 + 1, 1) - timedelta(days=1)
    latest = quarter_end + timedelta(days=MAX_DAYS_AFTER_QUARTER)
    tasks_by_id = {str(t.task_id): t for t in tasks.itertuples(index=False)}
    known = units(tasks)
    seen: dict[str, int] = {}
    out = []
    for number, values, flags in check.grid.rows:
        task = _check_task(check, number, values, tasks_by_id, unit, seen, lead_only=False)
        if task is None:
            continue
        lead = task.lead_unit == unit
        if all(blank(check.cell(values, c)) for c in PROGRESS_FILL_IN):
            if lead:
                check.error(f"牵头任务 {task.task_id} 整行未填报（牵头单位须逐项填报）", row=number, column="工作进展")
            continue  # a co-unit may leave its row blank
        notes = check.grid.row_notes.setdefault(number, [])
        pct, met, status = _progress_answers(check, number, values, flags, lead, notes)
        texts = {}
        for label, key in (("工作进展", "progress"), ("存在问题", "problems"), ("下步计划", "next_steps"),
                           ("需协调事项", "coordination")):
            texts[key] = check.text(values, label, number, notes)
        texts["coordination_department"] = _department(check, number, values, texts["coordination"], notes,
                                                       known)
        if texts["progress"] is None and blank(check.cell(values, "工作进展")):
            check.error("工作进展不能为空", row=number, column="工作进展")
        if lead and texts["next_steps"] is None and blank(check.cell(values, "下步计划")):
            check.error("牵头单位必须填写下步计划", row=number, column="下步计划")
        reporter, when = _check_reporter_date(check, number, values, year, today, not_before=quarter_start,
                                              latest=latest)
        out.append({"sheet": check.grid.sheet, "excel_row": number, "task_id": task.task_id,
                    "role": "lead" if lead else "co", "actual_pct": pct, "milestone_met": met,
                    "self_status": status, **texts, "reporter": reporter, "report_date": when,
                    "normalizations": list(dict.fromkeys(notes))})
    for task in tasks.itertuples(index=False):
        if task.lead_unit == unit and task.task_id not in seen:
            check.error(f"缺少牵头任务 {task.task_id}（{task.title}）的填报行，牵头单位须逐项填报", column="任务编号")
    return out


_OWNER_CHARS = 60  # 责任人: a name and post, or two


def plan_rows(check: Checker, tasks: pd.DataFrame, unit: str, year: int, today: date) -> list[dict[str, Any]]:
    """The checked rows of a yearly plan: four quarters per task, milestones testable, percentages not falling."""
    tasks_by_id = {str(t.task_id): t for t in tasks.itertuples(index=False)}
    seen: dict[str, int] = {}
    out = []
    for number, values, flags in check.grid.rows:
        task = _check_task(check, number, values, tasks_by_id, unit, seen, lead_only=True)
        if task is None:
            continue
        if all(blank(check.cell(values, c)) for c in PLAN_COLUMNS[3:]):
            check.error(f"任务 {task.task_id} 整行未填报（须填写四个季度的节点目标和计划累计进度）", row=number,
                        column="一季度节点目标")
            continue
        reporter, when = _check_reporter_date(check, number, values, year, today)
        notes = check.grid.row_notes.setdefault(number, [])
        measures = check.text(values, "攻坚措施", number, notes)
        owner = check.text(values, "责任人", number, notes, limit=_OWNER_CHARS)
        previous: float | None = None
        for q in range(1, 5):
            m_label, p_label = plan_quarter_columns(q)
            milestone = check.text(values, m_label, number, notes)
            if milestone is None:
                if blank(check.cell(values, m_label)):
                    check.error("节点目标不能为空", row=number, column=m_label)
            elif _NOT_MILESTONE.match(milestone):
                check.error("不是可检验的节点目标（“继续/持续……”是日常工作，应写明季度末要达成的具体成果）",
                            row=number, column=m_label, value=milestone)
            pct = _percent(check, number, values, flags, p_label, notes)
            if pct is None:
                if blank(check.cell(values, p_label)):
                    check.error("计划累计进度不能为空", row=number, column=p_label)
                continue
            if previous is not None and pct < previous:
                check.error(f"低于上一季度的 {previous:g}（计划累计进度应逐季不减）", row=number, column=p_label,
                            value=pct)
            if q == 4 and pct != 100:
                check.error("不是 100（四季度计划累计进度应为 100，即全年任务完成）", row=number, column=p_label,
                            value=pct)
            previous = pct
            out.append({"sheet": check.grid.sheet, "excel_row": number, "task_id": task.task_id,
                        "quarter": f"{year}Q{q}", "milestone": milestone, "planned_pct": pct,
                        "measures": measures, "owner": owner, "reporter": reporter, "report_date": when})
    for task in tasks.itertuples(index=False):
        if task.lead_unit == unit and task.task_id not in seen:
            check.error(f"缺少牵头任务 {task.task_id}（{task.title}）的计划行", column="任务编号")
    return out
