"""What a form is: sheet names, columns, choices, metadata keys and file names.

The one definition shared by :mod:`jj123lib.intake.forms` (which writes forms) and
:mod:`jj123lib.intake.ingest` (which reads them back), so neither imports the other.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING

from jj123lib.core.cells import normalize_label
from jj123lib.domain.quarters import QUARTER_WORDS, QUARTERS_PER_YEAR, normalize_quarter
from jj123lib.domain.vocab import GOAL_LEVELS, RECOGNITION_STAGES, RESPONSE_STATUSES, STATUSES

if TYPE_CHECKING:  # the readers only: the kernels and the batch need the spec, not openpyxl
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FORM_VERSION", "PROGRESS_SHEET", "PLAN_SHEET", "HELP_SHEET", "META_SHEET", "META_PREFIX", "META_KEYS",
    "FORM_SHEETS", "PROGRESS_PREFILLED", "PROGRESS_FILL_IN", "PROGRESS_COLUMNS",
    "PROGRESS_OPTIONAL", "PROGRESS_REQUIRED", "PLAN_PREFILLED", "PLAN_FILL_IN",
    "PLAN_TASK_FILL_IN", "PLAN_COLUMNS", "STATUSES", "YES_NO", "QUARTER_WORDS", "plan_quarter_columns",
    "progress_form_name",
    "plan_form_name", "form_name_parts", "CONTACT_PHONE_SHEET", "CONTACT_PHONE_CELL", "PHONE_PATTERN",
    "NO_CO_WORK_LABEL", "NO_CO_WORK_LABEL_CELL", "NO_CO_WORK_CELL",
    "read_form_metadata", "header_columns", "RESPONSE_KIND", "RESPONSE_SHEET", "RESPONSE_PREFILLED",
    "RESPONSE_FILL_IN", "RESPONSE_COLUMNS", "RESPONSE_STATUSES", "response_form_name", "response_name_id",
    "BENCH_PLAN_SHEET", "BENCH_PLAN_PREFILLED", "BENCH_TASK_FILL_IN",
    "bench_plan_columns", "bench_indicator_columns", "INDICATORS_PER_TASK", "GOAL_LEVELS", "RECOGNITION_STAGES",
    "INDICATOR_SHEET", "INDICATOR_PREFILLED", "INDICATOR_VALUE_FILL_IN",
    "INDICATOR_FILL_IN", "RECOGNITION_FILL_IN", "INDICATOR_COLUMNS",
]

FORM_VERSION = "1"
PROGRESS_SHEET = "进度填报"
PLAN_SHEET = "年度计划"
HELP_SHEET = "填报说明"
META_SHEET = "_meta"
META_PREFIX = "jj123."  # custom document property names carry this prefix
META_KEYS = ("kind", "period", "unit", "form_version", "generated_at", "demo", "tool")
RESPONSE_SHEET = "整改反馈"
# Benchmarks (对标): the plan form's second sheet and the progress form's second sheet.
BENCH_PLAN_SHEET = "对标计划"
INDICATOR_SHEET = "指标进展"
FORM_SHEETS = (PROGRESS_SHEET, PLAN_SHEET, RESPONSE_SHEET, HELP_SHEET, META_SHEET, BENCH_PLAN_SHEET, INDICATOR_SHEET)
# Where the clerk's contact phone (联系电话) is typed: the 填报说明 sheet, not the main sheet,
# because ingest reads every non-blank row below the header of the main sheet as a task row.
CONTACT_PHONE_SHEET = HELP_SHEET
CONTACT_PHONE_CELL = "A3"  # text ("@" format), unlocked
# A co-unit with nothing to report this quarter says so below the phone, on the same sheet: 是 counts as
# its report (按时); a progress form with no row filled is accepted only with it.
NO_CO_WORK_LABEL = "本季度无配合事项"
NO_CO_WORK_LABEL_CELL = "A4"
NO_CO_WORK_CELL = "A5"  # 是/否 drop-down, unlocked
PHONE_PATTERN = re.compile(r"[0-9 ()+\-]{7,20}")  # digits, spaces, + - ( ); 7–20 characters

PROGRESS_PREFILLED = ("任务编号", "任务名称", "责任单位", "本季度节点目标", "计划累计进度(%)")
PROGRESS_FILL_IN = ("实际累计进度(%)", "节点目标是否完成", "自评状态", "工作进展", "存在问题", "下步计划",
                    "需协调事项", "需协调部门", "填报人", "填报日期")
PROGRESS_COLUMNS = PROGRESS_PREFILLED + PROGRESS_FILL_IN
# Columns a form issued before they were added lacks: such a form is still taken (its cells read as blank).
PROGRESS_OPTIONAL = ("需协调部门",)
PROGRESS_REQUIRED = tuple(c for c in PROGRESS_COLUMNS if c not in PROGRESS_OPTIONAL)
YES_NO = ("是", "否")


def plan_quarter_columns(q: int) -> tuple[str, str]:
    """Labels of quarter ``q``'s two plan columns: milestone and planned cumulative %."""
    word = QUARTER_WORDS[q - 1]
    return f"{word}节点目标", f"{word}计划累计进度(%)"


PLAN_PREFILLED = ("任务编号", "任务名称", "责任单位")
PLAN_TASK_FILL_IN = ("攻坚措施", "责任人")  # per task: how the lead unit means to get there, and who answers for it
PLAN_FILL_IN = (tuple(label for q in range(1, QUARTERS_PER_YEAR + 1) for label in plan_quarter_columns(q))
                + PLAN_TASK_FILL_IN + ("填报人", "填报日期"))
PLAN_COLUMNS = PLAN_PREFILLED + PLAN_FILL_IN


# The 整改反馈 form: one per 督办事项 (``_meta`` period = the item's ID), one row, answered by the item's unit.
RESPONSE_KIND = "duban_response"
RESPONSE_PREFILLED = ("督办编号", "任务编号", "任务名称", "督办对象", "督办级别", "督办事由", "整改期限")
RESPONSE_FILL_IN = ("整改状态", "整改情况", "佐证材料清单", "完成时限", "填报人", "填报日期")
RESPONSE_COLUMNS = RESPONSE_PREFILLED + RESPONSE_FILL_IN
_DUBAN_ID = re.compile(r"DB-20\d\dQ[1-4]-\d{3,}", re.IGNORECASE)

# 对标计划: three rows per task (指标序号 1–3). The task-level columns are typed on the row of 指标序号 1 only.
INDICATORS_PER_TASK = 3
BENCH_PLAN_PREFILLED = ("任务编号", "任务名称", "指标序号")
BENCH_TASK_FILL_IN = ("对标对象", "成效目标级别", "成效目标")


def bench_indicator_columns(year: int) -> tuple[str, ...]:
    """The indicator columns of the 对标计划 sheet; the baseline is the previous year's value."""
    return ("指标名称", "指标口径", "数据来源", "计量单位", f"{year - 1}年基数", f"{year}年目标", "标杆最新值",
            "目标位次")


def bench_plan_columns(year: int) -> tuple[str, ...]:
    return BENCH_PLAN_PREFILLED + BENCH_TASK_FILL_IN + bench_indicator_columns(year)


# 指标进展: one row per planned indicator of a task the unit leads (指标序号 0: a task with a 成效目标 and no
# indicator); the recognition columns are typed on the task's first row only.
INDICATOR_PREFILLED = ("任务编号", "任务名称", "指标序号", "指标名称", "计量单位", "年度目标", "目标位次", "成效目标")
INDICATOR_VALUE_FILL_IN = ("本季度值", "标杆本季度值", "当前位次")
RECOGNITION_FILL_IN = ("认定阶段", "认定级别", "认定日期", "佐证材料", "说明")
INDICATOR_FILL_IN = INDICATOR_VALUE_FILL_IN + RECOGNITION_FILL_IN
INDICATOR_COLUMNS = INDICATOR_PREFILLED + INDICATOR_FILL_IN


def _safe_name(unit: str) -> str:
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in unit)


def progress_form_name(quarter: str, unit: str) -> str:
    return f"{normalize_quarter(quarter)}_{_safe_name(unit)}_进度填报.xlsx"


def plan_form_name(year: int, unit: str) -> str:
    return f"{year}_{_safe_name(unit)}_年度计划.xlsx"


def response_form_name(item_id: str, unit: str) -> str:
    return f"{item_id}_{_safe_name(unit)}_整改反馈.xlsx"


def response_name_id(file_name: str) -> str | None:
    """The 督办 ID a file name carries (``DB-2026Q3-001``), upper-cased; ``None`` if it names none."""
    match = _DUBAN_ID.search(unicodedata.normalize("NFKC", PurePath(file_name).stem))
    return None if match is None else match.group(0).upper()


_FORM_NAME = re.compile(r"^(?P<period>20\d\d(?:Q[1-4])?)_(?P<unit>.+)_(?P<kind>进度填报|年度计划)$")


def form_name_parts(file_name: str, units: Iterable[str]) -> tuple[str, str, str] | None:
    """``(kind, period, unit)`` from a name made by :func:`progress_form_name`/:func:`plan_form_name`.

    Any extension is accepted (a clerk's "Save As CSV" keeps the stem). ``None`` when the
    stem does not follow the pattern or names no known unit.
    """
    stem = unicodedata.normalize("NFKC", PurePath(file_name).stem).strip()
    match = _FORM_NAME.fullmatch(stem)
    if match is None:
        return None
    kind = "progress" if match["kind"] == "进度填报" else "plan"
    if (kind == "progress") != ("Q" in match["period"]):
        return None
    unit = next((u for u in units if _safe_name(u) == match["unit"]), None)
    return None if unit is None else (kind, match["period"], unit)


def read_form_metadata(wb: Workbook) -> dict[str, str]:
    """Form metadata from the hidden ``_meta`` sheet, else from custom document properties; ``{}`` if none.

    The sheet is read as key/value pairs from its first two columns; anything in further
    columns (a note someone typed) is ignored, and a row with only a key reads as ``""``.
    """
    if META_SHEET in wb.sheetnames:
        sheet = wb[META_SHEET]
        meta: dict[str, str] = {}
        for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True):
            key = row[0] if row else None
            value = row[1] if len(row) > 1 else None
            if key is not None:
                meta[str(key)] = "" if value is None else str(value)
        if meta:
            return meta
    meta = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for prop in getattr(wb, "custom_doc_props", []) or []:
            name = getattr(prop, "name", "") or ""
            if name.startswith(META_PREFIX):
                meta[name[len(META_PREFIX):]] = str(prop.value)
    return meta


def header_columns(ws: Worksheet) -> dict[str, int]:
    """Header label (normalised) → 1-based column index, from row 1."""
    out: dict[str, int] = {}
    for cell in ws[1]:
        if cell.value is not None and str(cell.value).strip():
            out.setdefault(normalize_label(str(cell.value)), cell.column)
    return out
