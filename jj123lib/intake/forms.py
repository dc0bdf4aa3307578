"""Fill-in forms (.xlsx) for the responsible units: quarterly progress and the yearly plan.

A progress form (``2026Q3_商务局_进度填报.xlsx``) has the sheet ``进度填报`` with one
header row (:data:`PROGRESS_COLUMNS`) and one row per task the unit is named on,
lead or co-unit. The first five columns are pre-filled and locked (sheet
protection without a password); the rest are unlocked and carry drop-downs or
0–100 checks. A plan form (``2026_商务局_年度计划.xlsx``, sheet ``年度计划``) goes
to lead units only and asks, per task they lead, for each quarter's milestone
(节点目标) and planned cumulative progress.

Each form records what it is (kind, quarter or year, unit, form version, demo
flag) twice: in the hidden sheet ``_meta`` and in the workbook's custom document
properties, so ``jj123 ingest`` needs no flags. :func:`read_form_metadata` reads it back.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, cast

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jj123lib.core.atomic import atomic_write
from jj123lib.core.datadir import resolve_data_dir
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.outdir import claim_output_dir
from jj123lib.domain.quarters import normalize_quarter, plan_deadline, quarter_label, quarter_year, report_deadline
from jj123lib.domain.rules import Rules, load_rules
from jj123lib.domain.tasks import UNIT_SEPARATOR, load_tasks
from jj123lib.domain.tasks import units as all_units
from jj123lib.domain.vocab import GOAL_LEVELS, RECOGNITION_STAGES, STATUSES
from jj123lib.intake.formspec import (
    BENCH_PLAN_PREFILLED,
    BENCH_PLAN_SHEET,
    BENCH_TASK_FILL_IN,
    CONTACT_PHONE_CELL,
    CONTACT_PHONE_SHEET,
    FORM_VERSION,
    HELP_SHEET,
    INDICATOR_COLUMNS,
    INDICATOR_PREFILLED,
    INDICATOR_SHEET,
    INDICATORS_PER_TASK,
    META_SHEET,
    PLAN_COLUMNS,
    PLAN_FILL_IN,
    PLAN_PREFILLED,
    PLAN_SHEET,
    PROGRESS_COLUMNS,
    PROGRESS_FILL_IN,
    PROGRESS_PREFILLED,
    PROGRESS_SHEET,
    QUARTER_WORDS,
    RECOGNITION_FILL_IN,
    YES_NO,
    bench_indicator_columns,
    bench_plan_columns,
    header_columns,
    plan_form_name,
    plan_quarter_columns,
    progress_form_name,
    read_form_metadata,
)
from jj123lib.intake.xlsx_layout import (
    CONTACT_PHONE_LABEL_CELL,
    DEMO_MARK,
    SIGNATURE_LABELS,
    FormNotice,
    finish,
    form_meta,
    form_notice,
    help_sheet,
    lay_out,
    lock_cells,
    new_form,
    print_setup,
    titled,
    workbook_bytes,
)
from jj123lib.ledger.store import Ledger

# The form's columns, sheets and names live in jj123lib.intake.formspec, its layout in jj123lib.intake.xlsx_layout;
# re-exported for callers of this module.
__all__ = [
    "BENCH_PLAN_SHEET", "INDICATOR_SHEET",
    "FORM_VERSION", "PROGRESS_SHEET", "PLAN_SHEET", "HELP_SHEET", "META_SHEET", "PROGRESS_PREFILLED",
    "PROGRESS_FILL_IN", "PROGRESS_COLUMNS", "PLAN_PREFILLED", "PLAN_FILL_IN", "PLAN_COLUMNS", "STATUSES", "YES_NO",
    "QUARTER_WORDS", "plan_quarter_columns", "progress_form_name", "plan_form_name", "build_progress_form",
    "build_plan_form", "workbook_bytes", "write_forms", "read_form_metadata", "header_columns", "unit_tasks",
    "lead_unit_names", "load_form", "CONTACT_PHONE_SHEET", "CONTACT_PHONE_LABEL_CELL", "CONTACT_PHONE_CELL",
    "SIGNATURE_LABELS", "DEMO_MARK",
]



def unit_tasks(tasks: pd.DataFrame, unit: str, lead_only: bool = False) -> pd.DataFrame:
    """Tasks ``unit`` is named on (lead or co-unit), in task-table order."""
    mask = [(u[0] == unit) if lead_only else (unit in u) for u in tasks["units"]]
    return tasks[mask].reset_index(drop=True)


def lead_unit_names(tasks: pd.DataFrame) -> list[str]:
    """Units that lead at least one task, in order of first appearance."""
    leads = set(tasks["lead_unit"])
    return [u for u in all_units(tasks) if u in leads]


def _benchmark_validations(ws: Worksheet, columns: tuple[str, ...], n_rows: int) -> None:
    """Drop-downs (levels, stages), numbers and dates on a 对标计划 or 指标进展 sheet."""
    if n_rows == 0:
        return
    last = n_rows + 1

    def add(dv: DataValidation, labels: list[str]) -> None:
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        for label in labels:
            letter = get_column_letter(columns.index(label) + 1)
            dv.add(f"{letter}2:{letter}{last}")

    numbers = [c for c in columns
               if c.endswith(("年基数", "年目标")) or c in ("标杆最新值", "本季度值", "标杆本季度值")]
    add(DataValidation(type="decimal", operator="between", formula1="-1000000000000", formula2="1000000000000",
                       allow_blank=True, errorTitle="请填写数字",
                       error="请只填写数字（单位已在“计量单位”列，不要写在格内）。"), numbers)
    levels: list[str] = [c for c in ("成效目标级别", "认定级别") if c in columns]
    add(DataValidation(type="list", formula1='"' + ",".join(GOAL_LEVELS) + '"', allow_blank=True,
                       errorTitle="级别无效", error="请从下拉列表中选择：" + "、".join(GOAL_LEVELS) + "。"), levels)
    if "认定阶段" in columns:
        add(DataValidation(type="list", formula1='"' + ",".join(RECOGNITION_STAGES) + '"', allow_blank=True,
                           errorTitle="认定阶段无效",
                           error="请从下拉列表中选择：" + "、".join(RECOGNITION_STAGES) + "。"),
            ["认定阶段"])
        add(DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                           errorTitle="日期无效", error="请填写日期，如 2026-11-20。"), ["认定日期"])


def _plain_number(value: Any) -> Any:
    """5000.0 → 5000 (a whole number shows without “.0” in the form)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _bench_plan_sheet(wb: Workbook, mine: pd.DataFrame, year: int, title: str, notice: FormNotice) -> None:
    """The 对标计划 sheet: three indicator rows per task; the notice's quantity target seeds indicator 1."""
    columns = bench_plan_columns(year)
    target_label = bench_indicator_columns(year)[5]
    rows: list[list[Any]] = []
    for task in mine.itertuples(index=False):
        for number in range(1, INDICATORS_PER_TASK + 1):
            values: dict[str, Any] = {"任务编号": task.task_id, "任务名称": task.title, "指标序号": number}
            target = getattr(task, "target_value", None)
            if number == 1 and target is not None and not pd.isna(target):
                values.update({"指标名称": f"通知目标：{task.target_text}", "计量单位": task.target_unit,
                               target_label: _plain_number(float(target))})
            rows.append([values.get(label) for label in columns])
    ws = wb.create_sheet(BENCH_PLAN_SHEET, 1)
    lay_out(ws, columns, BENCH_PLAN_PREFILLED, rows)
    for index, row in enumerate(rows, start=2):
        if row[columns.index("指标序号")] != 1:
            lock_cells(ws, columns, BENCH_TASK_FILL_IN, index)
    _benchmark_validations(ws, columns, len(rows))
    print_setup(ws, title + "·对标计划", signature=True, repeat_header=True, notice=notice)


def _indicator_sheet(wb: Workbook, unit: str, quarter: str, tasks: pd.DataFrame, benchmarks: pd.DataFrame,
                     title: str, notice: FormNotice) -> int:
    """The 指标进展 sheet, one row per planned indicator of a task ``unit`` leads; its row count (0: no sheet)."""
    year = quarter_year(quarter)
    lead = unit_tasks(tasks, unit, lead_only=True)
    order = {str(t): i for i, t in enumerate(lead["task_id"])}
    planned = benchmarks[benchmarks["task_id"].astype(str).isin(order)]
    if "year" in planned.columns:
        planned = planned[planned["year"].astype(int) == year]
    planned = planned.assign(_order=[order[str(t)] for t in planned["task_id"]]).sort_values(
        ["_order", "indicator_no"])
    titles = dict(zip(lead["task_id"].astype(str), lead["title"]))
    rows: list[list[Any]] = []
    firsts: set[int] = set()
    no_indicator: set[int] = set()
    seen: set[str] = set()
    for plan_row in planned.to_dict(orient="records"):
        task_id = str(plan_row["task_id"])
        number = int(plan_row["indicator_no"])
        excel_row = len(rows) + 2
        if task_id not in seen:
            seen.add(task_id)
            firsts.add(excel_row)
        if number == 0:
            no_indicator.add(excel_row)
        level, text = str(plan_row["goal_level"] or ""), str(plan_row["goal_text"] or "")
        goal = f"{level}：{text}" if level else text
        target = None if pd.isna(plan_row["target"]) else _plain_number(float(plan_row["target"]))
        rows.append([task_id, titles[task_id], number, plan_row["indicator"] if number else "（无对标指标）",
                     plan_row["unit"] or None, target, plan_row["target_rank"] or None, goal or None]
                    + [None] * (len(INDICATOR_COLUMNS) - len(INDICATOR_PREFILLED)))
    if not rows:
        return 0
    ws = wb.create_sheet(INDICATOR_SHEET, 1)
    lay_out(ws, INDICATOR_COLUMNS, INDICATOR_PREFILLED, rows)
    for excel_row in range(2, len(rows) + 2):
        if excel_row not in firsts:
            lock_cells(ws, INDICATOR_COLUMNS, RECOGNITION_FILL_IN, excel_row)
        if excel_row in no_indicator:
            lock_cells(ws, INDICATOR_COLUMNS, ("本季度值", "标杆本季度值", "当前位次"), excel_row)
    _benchmark_validations(ws, INDICATOR_COLUMNS, len(rows))
    print_setup(ws, title + "·指标进展", signature=True, repeat_header=True, notice=notice)
    return len(rows)


def _sending_lines(first: int, csv_name: str, main_sheet: str) -> list[str]:
    """How to send the form back: the xlsx plus a signed, stamped paper copy; or a CSV."""
    return [
        f"{first}. 报送方式：① 报送本电子表格（.xlsx，请勿改文件名）；② 同时将“{main_sheet}”页打印（已设为 A4 横向、"
        "一页宽，表头每页重复），由填报人签名、单位负责人签字并加盖单位公章后，将纸质件报送督查室。",
        f"{first + 1}. 如需以 CSV 报送：在“{main_sheet}”页点“文件→另存为”，保存类型选“CSV UTF-8（逗号分隔）”，"
        f"文件名保持不变、只把扩展名改为 .csv（即 {csv_name}），只保存当前工作表；纸质签章件照常报送。",
    ]


def build_progress_form(unit: str, quarter: str, tasks: pd.DataFrame, plan: pd.DataFrame | None = None,
                        demo: bool = False, benchmarks: pd.DataFrame | None = None,
                        rules: Rules | None = None) -> Workbook:
    """The quarterly progress form for ``unit``, pre-filled from the task table and the plan.

    ``benchmarks`` (:func:`jj123lib.ledger.benchmarks.benchmark_plan`) adds the 指标进展 sheet for the
    tasks ``unit`` leads that have a 对标计划. Every page prints the reporting deadline and the office's
    contact (``rules``: the rules in force by default).
    """
    quarter = normalize_quarter(quarter)
    rule_set = load_rules() if rules is None else rules
    notice = form_notice(report_deadline(quarter, rule_set), rule_set, demo=demo)
    mine = unit_tasks(tasks, unit)
    planned: dict[str, tuple[Any, Any]] = {}
    if plan is not None and len(plan):
        for row in plan[plan["quarter"] == quarter].itertuples(index=False):
            planned[str(row.task_id)] = (row.milestone, row.planned_pct)
    rows = []
    for task in mine.itertuples(index=False):
        milestone, pct = planned.get(str(task.task_id), (None, None))
        rows.append([task.task_id, task.title, UNIT_SEPARATOR.join(cast(list[str], task.units)), milestone, pct]
                    + [None] * len(PROGRESS_FILL_IN))
    title = titled(f"{quarter_label(quarter)}“123”争先进位工作进度填报表（{unit}）", demo)
    wb, ws = new_form(PROGRESS_SHEET, PROGRESS_COLUMNS, PROGRESS_PREFILLED, rows)
    print_setup(ws, title, signature=True, repeat_header=True, notice=notice)
    n_indicators = 0
    if benchmarks is not None and len(benchmarks):
        n_indicators = _indicator_sheet(wb, unit, quarter, tasks, benchmarks, title, notice)
    lead = [t for t in mine.itertuples(index=False) if t.lead_unit == unit]
    csv_name = progress_form_name(quarter, unit).removesuffix(".xlsx") + ".csv"
    help_sheet(wb, [
        titled(f"{quarter_label(quarter)}“123”争先进位工作进度填报说明（{unit}）", demo),
        f"1. 本表列出{unit}作为责任单位的全部任务：牵头任务 {len(lead)} 项，配合任务 {len(mine) - len(lead)} 项。"
        "灰色列（任务编号、任务名称、责任单位、本季度节点目标、计划累计进度）为预填内容，已锁定，请勿修改。",
        "2. 牵头任务（责任单位中排在第一位的是本单位）：每行都必须填写实际累计进度(%)、节点目标是否完成、自评状态、"
        "工作进展、下步计划、填报人、填报日期；存在问题、需协调事项没有可填“无”。牵头单位的填报即为该任务的正式进度。"
        "有需协调事项的，在“需协调部门”填写需要哪个部门协调（如“自然资源局”，多个部门用顿号分隔，"
        "需市领导协调的填“市领导”）；无需协调的留空。",
        "3. 配合任务：如有进展可填写工作进展、存在问题、下步计划、需协调事项（及需协调部门）、填报人、填报日期，"
        "作为配合单位说明附在报告中；没有可整行留空。",
        "4. 实际累计进度(%)：填 0–100 的数字，表示截至本季度末全年任务的累计完成比例。",
        "5. 节点目标是否完成：对照“本季度节点目标”，从下拉列表选“是”或“否”。",
        "6. 自评状态：从下拉列表选择 已完成 / 超进度 / 达进度 / 欠进度。选“已完成”须实际累计进度为 100 且节点目标已完成"
        "（销号须有依据）。",
        "7. 工作进展写本季度已完成的具体工作和量化成果；下步计划写下季度具体、可检验的节点，不要写“继续推进”之类表述。",
        "8. 填报日期格式如 2026-10-08。请不要增删列、不要改动工作表名称，也不要在表格下方添加内容（签字栏在打印页脚）；"
        "表格内含填报单位与季度信息。",
        *_sending_lines(9, csv_name, PROGRESS_SHEET),
        "11. 同一季度重复报送的，以督查室最后收到的版本为准；之前版本留档备查。",
        *(_indicator_help(n_indicators) if n_indicators else []),
    ], title, notice, co_tick=len(mine) > len(lead))
    return finish(wb, title, form_meta("progress", unit, quarter, demo))


def _indicator_help(n_rows: int) -> list[str]:
    stages = " → ".join(RECOGNITION_STAGES[:5]) + f" / {RECOGNITION_STAGES[5]}"
    return [
        f"12. “{INDICATOR_SHEET}”页列出本单位牵头任务年度计划中的对标指标 {n_rows} 行：本季度值、标杆本季度值填数字"
        "（计量单位见预填列，不要写在格内）；当前位次写作“全省县域第3”之类（须含“第N”）。没有数据的格可留空。",
        f"13. 认定阶段（每项任务第一行填写）：{stages}。阶段不能比上一季度后退，确需后退的请在“说明”中写明原因；"
        "选“已认定”须同时填写认定级别、认定日期和佐证材料（文件名，材料另行报送督查室核实）。",
        "14. 以 CSV 报送的只含“进度填报”页，指标进展和认定阶段须报送 .xlsx 才能导入。",
    ]


def build_plan_form(unit: str, year: int, tasks: pd.DataFrame, demo: bool = False,
                    rules: Rules | None = None) -> Workbook:
    """The yearly plan form for a lead unit: per task it leads, four quarterly milestones and planned %, its
    攻坚措施 and 责任人, and on the 对标计划 sheet its benchmark (对标对象, up to three 对标指标, 成效目标)."""
    rule_set = load_rules() if rules is None else rules
    notice = form_notice(plan_deadline(year, rule_set), rule_set, demo=demo)
    mine = unit_tasks(tasks, unit, lead_only=True)
    rows = [[t.task_id, t.title, UNIT_SEPARATOR.join(cast(list[str], t.units))] + [None] * len(PLAN_FILL_IN)
            for t in mine.itertuples(index=False)]
    title = titled(f"{year}年度“123”争先进位工作攻坚方案节点计划表（{unit}）", demo)
    wb, ws = new_form(PLAN_SHEET, PLAN_COLUMNS, PLAN_PREFILLED, rows)
    print_setup(ws, title, signature=True, repeat_header=True, notice=notice)
    _bench_plan_sheet(wb, mine, year, title, notice)
    csv_name = plan_form_name(year, unit).removesuffix(".xlsx") + ".csv"
    help_sheet(wb, [
        titled(f"{year}年度“123”争先进位工作攻坚方案节点计划填报说明（{unit}）", demo),
        f"1. 本表列出{unit}牵头的 {len(rows)} 项任务，请逐项填写四个季度的节点目标和计划累计进度(%)。",
        "2. 节点目标：写明该季度末应达到的具体、可检验、有日期意义的成果（如“完成项目立项批复”），"
        "不能写“继续推进”“持续开展”之类的日常工作表述。",
        "3. 计划累计进度(%)：0–100 的数字，逐季不减，四季度必须为 100。它是督查室计算序时进度的依据。"
        "攻坚措施写明为完成年度目标拟采取的主要措施（如专班、资金、政策、节点倒排），责任人写明分管领导和具体负责人"
        "（姓名、职务）。",
        "4. 灰色列为预填内容，已锁定，请勿修改；填报人、填报日期必填，日期格式如 2026-01-20。"
        "不要在表格下方添加内容（签字栏在打印页脚）。",
        *_sending_lines(5, csv_name, PLAN_SHEET),
        "7. 计划调整的，重新填报整张表，以督查室最后收到的版本为准；之前版本留档备查。",
        f"8. “{BENCH_PLAN_SHEET}”页每项任务有三行（指标序号 1–3）。"
        "对标对象、成效目标级别、成效目标只在指标序号 1 的行填写："
        "对标对象写明标杆地区及其特点，如“昆山市（全国县域经济第一）”，多个用“；”分隔；成效目标级别从下拉列表选择"
        f"{'、'.join(GOAL_LEVELS)}，成效目标写拟争取的认定或荣誉。",
        f"9. 对标指标最多三项，每项写指标名称、指标口径、数据来源、计量单位，{year - 1}年基数、{year}年目标、"
        "标杆最新值只填数字；目标位次如“全省县域第1”。不用的指标行整行留空。"
        "通知中的量化目标已预填在指标 1，可补充完善。",
        "10. 全国领先示范、全省领先示范任务必须填写对标对象，并至少填写一项对标指标或成效目标，否则整张计划表退回；"
        "重点突破难点任务可不填。以 CSV 报送的计划表不含本页，牵头上述任务的单位须报送 .xlsx。",
    ], title, notice)
    return finish(wb, title, form_meta("plan", unit, str(year), demo))


def write_forms(quarter: str | None = None, *, plan: bool = False, year: int | None = None,
                out_dir: str | os.PathLike[str] | None = None, data_dir: str | os.PathLike[str] | None = None,
                tasks: pd.DataFrame | None = None, units: list[str] | None = None, demo: bool = False,
                rules: Rules | None = None) -> list[Path]:
    """Write one form per unit; returns the paths written.

    Progress forms need ``quarter`` and go to every responsible unit; plan forms
    (``plan=True``) go to lead units. Default folder: ``<data_dir>/forms/<quarter>``
    or ``<data_dir>/forms/<year>-plan``. Forms made from a demo data folder are demo
    forms whatever ``demo`` says: only a demo folder will take them back.
    """
    table = load_tasks() if tasks is None else tasks
    task_years = sorted({int(y) for y in table["year"].dropna()})
    asked = year if plan and year is not None else (quarter_year(quarter) if quarter else None)
    if asked is not None and task_years and asked not in task_years:
        # Ingest would reject every such form: refuse before writing any.
        raise ParameterError("--year" if plan and year is not None else "--quarter", str(quarter or year),
                             [str(y) for y in task_years], "任务清单只包含这些年度的任务")
    if units is not None:
        valid = lead_unit_names(table) if plan else all_units(table)
        for unit in units:
            if unit not in valid:
                raise ParameterError("--unit", unit, valid, "应为任务清单中的" + ("牵头单位" if plan else "责任单位"))
    from jj123lib.core.datadir import is_demo

    demo = demo or is_demo(data_dir)
    rule_set = load_rules() if rules is None else rules
    if plan:
        if year is None:
            year = quarter_year(quarter) if quarter else int(table["year"].dropna().iloc[0])
        chosen = units if units is not None else lead_unit_names(table)
        target = claim_output_dir(Path(out_dir) if out_dir else resolve_data_dir(data_dir) / "forms" / f"{year}-plan",
                                  "forms")
        written = []
        for unit in chosen:
            data = workbook_bytes(build_plan_form(unit, year, table, demo=demo, rules=rule_set))
            written.append(atomic_write(target / plan_form_name(year, unit), data))
        return written
    if quarter is None:
        raise ValueError("quarter is required for progress forms")
    quarter = normalize_quarter(quarter)
    current_plan = Ledger(data_dir).plan()
    from jj123lib.ledger.benchmarks import benchmark_plan

    bench = benchmark_plan(Ledger(data_dir))
    chosen = units if units is not None else all_units(table)
    target = claim_output_dir(Path(out_dir) if out_dir else resolve_data_dir(data_dir) / "forms" / quarter, "forms")
    written = []
    for unit in chosen:
        data = workbook_bytes(build_progress_form(unit, quarter, table, current_plan, demo=demo,
                                                  benchmarks=bench, rules=rule_set))
        written.append(atomic_write(target / progress_form_name(quarter, unit), data))
    return written


def load_form(path: str | os.PathLike[str]) -> Workbook:
    """Open a form for filling in (used by the demo and tests)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path)
