"""Ingest of the benchmark sheets: a plan's 对标计划 and a progress form's 指标进展.

Called by :func:`jj123lib.intake.ingest.parse_file` after the main sheet; problems are added to the
same list, so a file is still accepted or rejected whole. Rules (``docs/data-model.md``):

* 对标计划: 对标对象 / 成效目标级别 / 成效目标 on the row of 指标序号 1; an indicator row that is
  not blank needs a 指标名称, a 计量单位 and a target; numbers are numbers (the unit typed after
  the number is accepted with a note when it is the row's unit). Tasks of the tiers in
  ``rules.yaml`` ``benchmarks.require_for_tiers`` need a 对标对象 and an indicator or a 成效目标.
* 指标进展: every row must be an indicator of the ledger's current 对标计划; values are numbers
  in the plan's unit; 当前位次 holds “第N”; the 认定阶段 never goes back versus the task's latest
  earlier quarter of the same year without a 说明; 已认定 needs a level, a date and evidence (file names).
  Both are checked against what the ledger held before the ``ingest`` call: a plan and the progress
  forms built from it are ingested one after the other, not in one call.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Any

import pandas as pd

from jj123lib.core.cells import blank, cell_date, cell_text, parse_amount, parse_rank
from jj123lib.core.exceptions import IngestError
from jj123lib.domain.quarters import last_day, quarter_year
from jj123lib.domain.tiers import TIER_LABELS
from jj123lib.domain.vocab import GOAL_LEVELS, RECOGNITION_STAGES
from jj123lib.intake.checker import Checker
from jj123lib.intake.formspec import (
    BENCH_PLAN_SHEET,
    BENCH_TASK_FILL_IN,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    INDICATOR_VALUE_FILL_IN,
    RECOGNITION_FILL_IN,
    bench_indicator_columns,
    bench_plan_columns,
)
from jj123lib.intake.readers import xlsx_grid
from jj123lib.ledger.store import Ledger

__all__ = ["parse_amount", "parse_rank", "plan_benchmarks", "progress_benchmarks",
           "stage_goes_back", "BenchContext"]

# Stage order; 已认定 and 未获认定 are both ends of the road (one step after 公示).
_STAGE_STEP = {stage: min(i, 4) for i, stage in enumerate(RECOGNITION_STAGES)}
_PEER_SPLIT = re.compile(r"\s*[；;\n]+\s*")
_PLACEHOLDERS = {"无", "暂无", "没有", "待定", "未定", "不详", "空", "略", "同上", "见上",
                 "n/a", "na", "none", "null", "nil"}
_NAMELESS = re.compile(r"[\W\d_]*")  # punctuation, symbols and digits only: “/”, “-”, “——”, “0”


def stage_goes_back(previous: str, stage: str) -> bool:
    """True when ``stage`` is behind ``previous``, or swaps one outcome (已认定/未获认定) for the other."""
    if _STAGE_STEP[stage] < _STAGE_STEP[previous]:
        return True
    return _STAGE_STEP[stage] == _STAGE_STEP[previous] == 4 and stage != previous


def _placeholder(peer: str) -> bool:
    """A 对标对象 that names no peer: a placeholder word, or only punctuation and digits."""
    text = unicodedata.normalize("NFKC", peer).strip().lower()
    return text in _PLACEHOLDERS or _NAMELESS.fullmatch(text) is not None


def _task_id(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def _index(check: Checker, values: list[Any], number: int, allowed: range) -> int | None:
    raw = check.cell(values, "指标序号")
    try:
        index = int(str(cell_text(raw)))
    except ValueError:
        index = -1
    if index not in allowed:
        check.error(f"指标序号应为 {allowed.start}–{allowed.stop - 1}（预填列不得修改）", row=number, column="指标序号",
                    value=raw)
        return None
    return index


def _amount(check: Checker, values: list[Any], flags: list[bool], number: int, label: str, unit: str,
            notes: list[str]) -> float | None:
    raw = check.cell(values, label)
    if blank(raw):
        return None
    try:
        value, note = parse_amount(raw, unit, check.flag(flags, label))
    except ValueError as exc:
        check.error(str(exc), row=number, column=label, value=raw)
        return None
    if note:
        notes.append(f"{check.grid.sheet}第 {number} 行“{label}”{note}")
    return value


def _sheet_missing(name: str, sheet: str, source_format: str, needed: bool) -> list[IngestError]:
    if not needed:
        return []
    if source_format == "csv":
        return [IngestError(name, f"CSV 只含主表，没有“{sheet}”页；"
                                  "牵头全国、全省领先示范任务的单位须报送 .xlsx 计划表")]
    return [IngestError(name, f"缺少工作表“{sheet}”（请使用 jj123 forms 生成的表格，勿删除或改名工作表）")]


def _planned_tasks(ledger: Ledger | None, unit: str, year: int) -> set[str]:
    if ledger is None:
        return set()
    frame = ledger.query("SELECT DISTINCT task_id FROM benchmark_plan WHERE superseded = 0 AND unit = ? AND year = ?",
                         (unit, year), ["task_id"])
    return {str(t) for t in frame["task_id"]}


def plan_benchmarks(name: str, wb: Any, data: bytes, meta: dict[str, str],
                    tasks: pd.DataFrame, unit: str, year: int, tiers: set[str],
                    ledger: Ledger | None = None) -> tuple[list[dict[str, Any]] | None, list[IngestError], list[str]]:
    """Rows for ``benchmark_plan`` from the 对标计划 sheet, the problems found and notes.

    ``None`` rows: the file has no such sheet (a CSV); accepted only when ``ledger`` already holds the
    unit's 对标计划 for every task that needs one, which then stays current.
    """
    led = tasks[tasks["lead_unit"] == unit]
    required = [t for t in led.itertuples(index=False) if t.tier in tiers]
    if wb is None or BENCH_PLAN_SHEET not in wb.sheetnames:
        # A CSV (main sheet only) re-sends the milestones; the unit's current 对标计划 stays in force.
        covered = _planned_tasks(ledger, unit, year)
        lacking = [t for t in required if str(t.task_id) not in covered]
        problems = _sheet_missing(name, BENCH_PLAN_SHEET, "csv" if wb is None else "xlsx", bool(lacking))
        return None, problems, []
    columns = bench_plan_columns(year)
    grid = xlsx_grid(name, wb, BENCH_PLAN_SHEET, meta, data, columns)
    check = Checker(name, grid)
    if not check.require_header_on_row_1(columns) or not check.require_columns(columns):
        return [], check.errors, check.file_notes
    by_id = {str(t.task_id): t for t in led.itertuples(index=False)}
    task_level, indicators = _plan_sheet_rows(check, tasks, by_id, year)
    _check_required(check, required, task_level, indicators)
    out = _benchmark_plan_rows(by_id, task_level, indicators, grid.sheet)
    _check_unit_changes(check, ledger, out, year)
    notes = check.file_notes + [n for _, row_notes in sorted(grid.row_notes.items()) for n in row_notes]
    return out, check.errors, notes


# A task's 对标对象, 成效目标级别 and 成效目标 (on its 指标序号 1 row), and that row's number.
_TaskLevel = tuple[str, str, str, int]


def _plan_sheet_rows(check: Checker, tasks: pd.DataFrame, by_id: dict[str, Any], year: int,
                     ) -> tuple[dict[str, _TaskLevel], dict[str, list[dict[str, Any]]]]:
    """Each led task's 对标对象 and 成效目标, and its indicator rows, as the sheet's rows give them."""
    grid = check.grid
    indicator_labels = bench_indicator_columns(year)
    titles = {str(t) for t in tasks["task_id"]}
    task_level: dict[str, _TaskLevel] = {}
    indicators: dict[str, list[dict[str, Any]]] = {}
    seen: dict[tuple[str, int], int] = {}
    for number, values, flags in grid.rows:
        row_notes = grid.row_notes.setdefault(number, [])
        key = _plan_row_key(check, values, number, row_notes, by_id, titles, seen)
        if key is None:
            continue
        task_id, index = key
        texts = {label: check.text(values, label, number, row_notes) for label in BENCH_TASK_FILL_IN}
        if index == 1:
            task_level[task_id] = _task_goal(check, texts, number)
        else:
            for label, text in texts.items():
                if text is not None:
                    check.error("只在该任务指标序号为 1 的行填写", row=number, column=label, value=text)
        if all(blank(check.cell(values, label)) for label in indicator_labels):
            continue
        indicators.setdefault(task_id, []).append(
            _plan_indicator(check, values, flags, number, task_id, index, indicator_labels, row_notes))
    return task_level, indicators


def _plan_row_key(check: Checker, values: list[Any], number: int, row_notes: list[str], by_id: dict[str, Any],
                  titles: set[str], seen: dict[tuple[str, int], int]) -> tuple[str, int] | None:
    """The row's task (one the unit leads) and 指标序号, each pair once; ``None`` for a refused row."""
    task_id = _task_id(check.text(values, "任务编号", number, row_notes, limit=20))
    if task_id is None:
        check.error("任务编号不能为空", row=number, column="任务编号")
        return None
    if task_id not in by_id:
        rule = "不是本单位牵头的任务" if task_id in titles else "不是任务清单中的任务编号"
        check.error(rule + "（预填列不得修改）", row=number, column="任务编号", value=task_id)
        return None
    index = _index(check, values, number, range(1, 4))
    if index is None:
        return None
    if (task_id, index) in seen:
        check.error(f"与第 {seen[(task_id, index)]} 行重复（同一任务的指标序号不能重复）", row=number,
                    column="指标序号", value=index)
        return None
    seen[(task_id, index)] = number
    return task_id, index


def _task_goal(check: Checker, texts: dict[str, str | None], number: int) -> _TaskLevel:
    """对标对象 (one per line or ；), and 成效目标级别 with 成效目标, both or neither."""
    named = [p for p in _PEER_SPLIT.split(texts["对标对象"] or "") if p]
    placeholders = [p for p in named if _placeholder(p)]
    if placeholders:
        check.error("不是对标对象（“无”“/”“待定”之类不算）；须写明对标的地区或单位，如“浙江省义乌市”", row=number,
                    column="对标对象", value=placeholders[0])
    peers = "；".join(p for p in named if not _placeholder(p))
    level, goal = texts["成效目标级别"] or "", texts["成效目标"] or ""
    if level and level not in GOAL_LEVELS:
        check.error("不在可选范围内（应为 " + "、".join(GOAL_LEVELS) + " 之一）", row=number,
                    column="成效目标级别", value=level)
    elif bool(level) != bool(goal):
        missing = "成效目标" if level else "成效目标级别"
        check.error("成效目标级别和成效目标须同时填写", row=number, column=missing)
    return peers, level, goal, number


def _plan_indicator(check: Checker, values: list[Any], flags: list[bool], number: int, task_id: str, index: int,
                    indicator_labels: tuple[str, ...], row_notes: list[str]) -> dict[str, Any]:
    """One planned indicator: named, with its unit and a yearly target, numbers in that unit."""
    baseline_label, target_label = indicator_labels[4], indicator_labels[5]
    unit_text = check.text(values, "计量单位", number, row_notes, limit=20) or ""
    row = {"task_id": task_id, "indicator_no": index, "sheet": check.grid.sheet, "excel_row": number,
           "indicator": check.text(values, "指标名称", number, row_notes, limit=100) or "",
           "definition": check.text(values, "指标口径", number, row_notes) or "",
           "source": check.text(values, "数据来源", number, row_notes, limit=200) or "",
           "measure_unit": unit_text,
           "baseline": _amount(check, values, flags, number, baseline_label, unit_text, row_notes),
           "target": _amount(check, values, flags, number, target_label, unit_text, row_notes),
           "benchmark_value": _amount(check, values, flags, number, "标杆最新值", unit_text, row_notes),
           "target_rank": _target_rank(check, values, number, row_notes)}
    for label, key in (("指标名称", "indicator"), ("计量单位", "measure_unit")):
        if not row[key] and blank(check.cell(values, label)):
            check.error(f"填写了对标指标，须写明{label}", row=number, column=label)
    if row["target"] is None and blank(check.cell(values, target_label)):
        check.error("填写了对标指标，须填写年度目标值", row=number, column=target_label)
    return row


def _target_rank(check: Checker, values: list[Any], number: int, notes: list[str]) -> str:
    """目标位次 follows the rank rule (“全省县域第3”, or a whole number); blank is allowed."""
    raw = check.cell(values, "目标位次")
    if blank(raw):
        return ""
    text = raw if isinstance(raw, (int, float)) else check.text(values, "目标位次", number, notes, limit=50)
    if text is None:
        return ""
    try:
        rank_text = parse_rank(text)[1]
        return rank_text if isinstance(text, (int, float)) else text  # typed text is kept as typed
    except ValueError as exc:
        check.error(str(exc), row=number, column="目标位次", value=raw)
        return ""


def _check_required(check: Checker, required: list[Any], task_level: dict[str, _TaskLevel],
                    indicators: dict[str, list[dict[str, Any]]]) -> None:
    """A task of a required tier names its peers and at least one indicator or recognition goal."""
    for task in required:
        peers, level, goal, number = task_level.get(str(task.task_id), ("", "", "", 0))
        if not peers or not (indicators.get(str(task.task_id)) or (level and goal)):
            tier = TIER_LABELS[str(task.tier)]
            check.error(f"任务 {task.task_id}（{task.title}）为{tier}任务，须填写对标对象，并至少填写一项对标指标或"
                        "成效目标（规则 benchmarks.require_for_tiers）", row=number or None,
                        column="对标对象" if not peers else "指标名称")


def _check_unit_changes(check: Checker, ledger: Ledger | None, rows: list[dict[str, Any]], year: int) -> None:
    """An indicator with values recorded this year keeps its 计量单位 (the old values would be read in the new one)."""
    if ledger is None or not rows:
        return
    recorded = ledger.query("SELECT task_id, indicator_no, measure_unit, COUNT(*) AS n FROM indicator_values"
                            " WHERE superseded = 0 AND quarter LIKE ? GROUP BY task_id, indicator_no, measure_unit",
                            (f"{year}Q%",), ["task_id", "indicator_no", "measure_unit", "n"])
    units: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for task_id, index, unit, n in zip(recorded["task_id"], recorded["indicator_no"], recorded["measure_unit"],
                                       recorded["n"]):
        units.setdefault((str(task_id), int(index)), []).append((str(unit), int(n)))
    for row in rows:
        for unit, n in units.get((str(row["task_id"]), int(row["indicator_no"])), []):
            if unit != row["measure_unit"]:
                check.error(f"与已记录的 {n} 个指标值的计量单位“{unit}”不同；已有填报值的指标不能改计量单位"
                            "（旧值会被按新单位误读）。如确需更改，请新设一个指标序号，或联系督查室更正已记录的值",
                            row=row["excel_row"], column="计量单位", value=row["measure_unit"])


def _benchmark_plan_rows(by_id: dict[str, Any], task_level: dict[str, _TaskLevel],
                         indicators: dict[str, list[dict[str, Any]]], sheet: str | None) -> list[dict[str, Any]]:
    """The ledger rows: each indicator with its task's peers and goal; a goal without indicators as row 0."""
    out: list[dict[str, Any]] = []
    for task_id in by_id:
        peers, level, goal, number = task_level.get(task_id, ("", "", "", 0))
        shared = {"peers": peers, "goal_level": level, "goal_text": goal}
        rows = indicators.get(task_id, [])
        for row in sorted(rows, key=lambda r: int(r["indicator_no"])):
            out.append({**row, **shared})
        if not rows and (peers or level or goal):
            out.append({"task_id": task_id, "indicator_no": 0, "sheet": sheet, "excel_row": number,
                        "indicator": "", "definition": "", "source": "", "measure_unit": "", "baseline": None,
                        "target": None, "benchmark_value": None, "target_rank": "", **shared})
    return out


class BenchContext:
    """What checking a 指标进展 sheet needs from the ledger: the plan's indicators and earlier stages."""

    def __init__(self, ledger: Ledger | None, quarter: str) -> None:
        self.indicators: dict[tuple[str, int], dict[str, Any]] = {}
        self.previous: dict[str, tuple[str, str]] = {}  # task → (quarter, stage) of the latest earlier quarter
        self.later: dict[str, tuple[str, str]] = {}  # task → (quarter, stage) of the earliest later quarter
        if ledger is None:
            return
        year = quarter_year(quarter)
        plan = ledger.query("SELECT task_id, indicator_no, indicator, measure_unit FROM benchmark_plan"
                            " WHERE superseded = 0 AND year = ?", (year,),
                            ["task_id", "indicator_no", "indicator", "measure_unit"])
        for row in plan.to_dict(orient="records"):
            self.indicators[(str(row["task_id"]), int(row["indicator_no"]))] = {
                "indicator": str(row["indicator"]), "measure_unit": str(row["measure_unit"])}
        # Same year only: a new year's plan may aim at a new recognition.
        earlier = ledger.query("SELECT task_id, quarter, stage FROM recognitions WHERE superseded = 0"
                               " AND quarter < ? AND quarter LIKE ? ORDER BY quarter, id", (quarter, f"{year}Q%"),
                               ["task_id", "quarter", "stage"])
        for task_id, earlier_quarter, stage in zip(earlier["task_id"], earlier["quarter"], earlier["stage"]):
            self.previous[str(task_id)] = (str(earlier_quarter), str(stage))
        # A resent earlier quarter's form must not overtake what a later quarter already recorded.
        later = ledger.query("SELECT task_id, quarter, stage FROM recognitions WHERE superseded = 0"
                             " AND quarter > ? AND quarter LIKE ? ORDER BY quarter DESC, id DESC",
                             (quarter, f"{year}Q%"), ["task_id", "quarter", "stage"])
        for task_id, later_quarter, stage in zip(later["task_id"], later["quarter"], later["stage"]):
            self.later[str(task_id)] = (str(later_quarter), str(stage))


def progress_benchmarks(name: str, wb: Any, data: bytes, meta: dict[str, str],
                        tasks: pd.DataFrame, unit: str, quarter: str,
                        context: BenchContext) -> tuple[dict[str, list[dict[str, Any]]], list[IngestError], list[str]]:
    """Rows for ``indicator_values`` and ``recognitions`` from the 指标进展 sheet (none if it is absent)."""
    if wb is None or INDICATOR_SHEET not in wb.sheetnames:
        return {}, [], []  # nothing reported: the unit's rows of this quarter, if any, stay current
    grid = xlsx_grid(name, wb, INDICATOR_SHEET, meta, data, INDICATOR_COLUMNS)
    check = Checker(name, grid)
    if not check.require_header_on_row_1(INDICATOR_COLUMNS) or not check.require_columns(INDICATOR_COLUMNS):
        return {}, check.errors, check.file_notes
    led = {str(t) for t, u in zip(tasks["task_id"], tasks["lead_unit"]) if u == unit}
    year = quarter_year(quarter)
    values_out: list[dict[str, Any]] = []
    stages_out: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    seen: dict[tuple[str, int], int] = {}
    for number, values, flags in grid.rows:
        row_notes = grid.row_notes.setdefault(number, [])
        key = _progress_row_key(check, values, number, row_notes, led, context, year, seen)
        if key is None:
            continue
        task_id, index, planned = key
        value_row = _indicator_value(check, values, flags, number, task_id, index, planned, row_notes)
        if value_row is not None:
            values_out.append(value_row)
        if task_id in first_row:
            for label in RECOGNITION_FILL_IN:
                if not blank(check.cell(values, label)):
                    check.error(f"认定情况只在该任务的第一行（第 {first_row[task_id]} 行）填写", row=number,
                                column=label)
            continue
        first_row[task_id] = number
        recognition = _recognition(check, values, number, task_id, quarter, context, row_notes)
        if recognition is not None:
            stages_out.append({**recognition, "sheet": grid.sheet, "excel_row": number})
    notes = check.file_notes + [n for _, row_notes in sorted(grid.row_notes.items()) for n in row_notes]
    return {"indicator_values": values_out, "recognitions": stages_out}, check.errors, notes


def _progress_row_key(check: Checker, values: list[Any], number: int, row_notes: list[str], led: set[str],
                      context: BenchContext, year: int, seen: dict[tuple[str, int], int],
                      ) -> tuple[str, int, dict[str, Any]] | None:
    """The row's task (one the unit leads), 指标序号 and planned indicator, each pair once; ``None``: refused."""
    task_id = _task_id(check.text(values, "任务编号", number, row_notes, limit=20))
    if task_id is None or task_id not in led:
        check.error("不是本单位牵头的任务（预填列不得修改）", row=number, column="任务编号", value=task_id)
        return None
    index = _index(check, values, number, range(0, 4))
    if index is None:
        return None
    planned = context.indicators.get((task_id, index))
    if planned is None:
        check.error(f"不是 {year} 年度对标计划中的指标（请用督查室最新下发的表格填报）", row=number,
                    column="指标序号", value=index)
        return None
    if (task_id, index) in seen:
        check.error(f"与第 {seen[(task_id, index)]} 行重复", row=number, column="指标序号", value=index)
        return None
    seen[(task_id, index)] = number
    return task_id, index, planned


def _indicator_value(check: Checker, values: list[Any], flags: list[bool], number: int, task_id: str, index: int,
                     planned: dict[str, Any], row_notes: list[str]) -> dict[str, Any] | None:
    """The quarter's value, benchmark value and rank of a planned indicator (``None`` when none is given)."""
    measure_unit = planned["measure_unit"]
    value = _amount(check, values, flags, number, "本季度值", measure_unit, row_notes)
    benchmark = _amount(check, values, flags, number, "标杆本季度值", measure_unit, row_notes)
    rank: int | None = None
    rank_text = ""
    raw_rank = check.cell(values, "当前位次")
    if not blank(raw_rank):
        try:
            rank, rank_text = parse_rank(raw_rank)
        except ValueError as exc:
            check.error(str(exc), row=number, column="当前位次", value=raw_rank)
    if index == 0:
        for label in INDICATOR_VALUE_FILL_IN:
            if not blank(check.cell(values, label)):
                check.error("该任务没有对标指标，不填指标值", row=number, column=label)
        return None
    if value is None and benchmark is None and rank is None:
        return None
    return {"task_id": task_id, "indicator_no": index, "sheet": check.grid.sheet, "excel_row": number,
            "indicator": planned["indicator"], "measure_unit": measure_unit, "value": value,
            "benchmark_value": benchmark, "rank": rank, "rank_text": rank_text}


def _recognition(check: Checker, values: list[Any], number: int, task_id: str, quarter: str,
                 context: BenchContext, notes: list[str]) -> dict[str, Any] | None:
    stage = check.text(values, "认定阶段", number, notes, limit=20)
    level = check.text(values, "认定级别", number, notes, limit=20) or ""
    evidence = check.text(values, "佐证材料", number, notes, limit=500) or ""
    note = check.text(values, "说明", number, notes) or ""
    raw_date = check.cell(values, "认定日期")
    if stage is None:
        if level or evidence or note or not blank(raw_date):
            check.error("填写了认定情况，须选择认定阶段", row=number, column="认定阶段")
        return None
    if stage not in RECOGNITION_STAGES:
        check.error("不在可选范围内（应为 " + "、".join(RECOGNITION_STAGES) + " 之一）", row=number, column="认定阶段",
                    value=stage)
        return None
    if level and level not in GOAL_LEVELS:
        check.error("不在可选范围内（应为 " + "、".join(GOAL_LEVELS) + " 之一）", row=number, column="认定级别",
                    value=level)
    when = _recognition_date(check, raw_date, number, quarter)
    if stage == "已认定":
        for label, given in (("认定级别", level), ("认定日期", when or not blank(raw_date)), ("佐证材料", evidence)):
            if not given:
                check.error(f"认定阶段为“已认定”，须填写{label}（已认定须经督查室核实佐证材料）", row=number,
                            column=label)
    previous = context.previous.get(task_id)
    if previous is not None and stage_goes_back(previous[1], stage) and not note:
        check.error(f"比上一季度（{previous[0]}：{previous[1]}）后退，须在“说明”中写明原因", row=number,
                    column="认定阶段", value=stage)
    later = context.later.get(task_id)
    if later is not None and stage_goes_back(stage, later[1]) and not note:
        check.error(f"与已记录的后一季度（{later[0]}：{later[1]}）矛盾（后一季度不能比本季度后退）；如确为更正，"
                    "须在“说明”中写明原因", row=number, column="认定阶段", value=stage)
    return {"task_id": task_id, "stage": stage, "level": level, "date": when, "evidence": evidence, "note": note}


def _recognition_date(check: Checker, raw: Any, number: int, quarter: str) -> str:
    """认定日期 as ISO text ("" when blank or refused): within the year, by a month after the quarter's end."""
    if blank(raw):
        return ""
    try:
        day = cell_date(raw)
    except ValueError as exc:
        check.error(str(exc), row=number, column="认定日期", value=raw)
        return ""
    year = quarter_year(quarter)
    # A form is filed in the weeks after its quarter; a later recognition belongs to a later quarter's form.
    window_end = min(date(year, 12, 31), last_day(quarter) + timedelta(days=31))
    if not date(year, 1, 1) <= day <= window_end:
        check.error(f"不在 {year}-01-01 至 {window_end.isoformat()} 之间（认定日期须在本年度内，且不晚于本季度结束后"
                    "一个月；之后的认定请在下季度的表格中填报）", row=number, column="认定日期", value=day.isoformat())
        return ""
    return day.isoformat()
