"""Ingest filled forms (.xlsx, or CSV in UTF-8 / UTF-8-BOM / GBK) into the ledger.

Every file is read from its bytes once, checked cell by cell, and either accepted
whole or rejected whole with every problem listed (:class:`IngestRejected`, each
problem an :class:`IngestError` naming file, sheet, Excel row, column, value and rule
in Chinese). Rejected files never open a write transaction, so the ledger stays
byte-for-byte unchanged. Accepted files are archived verbatim under their SHA-256
and recorded in one transaction each (see :mod:`jj123lib.ledger`).

Decisions (also in ``docs/data-model.md``):

* 节点目标是否完成 accepts 是/否 only (the form's drop-down).
* Percentages accept numbers, ``85%``, full-width digits and Excel percent-formatted
  cells; any such normalisation is recorded in ``submissions.normalizations``.
* Pre-filled 任务名称 and 责任单位 must equal the task table (a changed value means a
  wrong or tampered row: error); pre-filled 本季度节点目标 and 计划累计进度(%) are
  informational and ignored, the ledger's plan being authoritative.
* A lead unit must report every task it leads; co-unit rows may be left blank.
* CSV carries its metadata in columns: 季度 + 填报单位 (progress) or 年度 + 填报单位 (plan).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib.datadir import is_demo
from jj123lib.exceptions import IngestError, IngestRejected, ParameterError
from jj123lib.forms import (
    FORM_VERSION,
    PLAN_COLUMNS,
    PLAN_SHEET,
    PROGRESS_COLUMNS,
    PROGRESS_FILL_IN,
    PROGRESS_SHEET,
    STATUSES,
    YES_NO,
    plan_quarter_columns,
    read_form_metadata,
)
from jj123lib.ledger import Ledger
from jj123lib.quarters import normalize_quarter, parse_quarter
from jj123lib.tasks import UNIT_SEPARATOR, load_tasks
from jj123lib.tasks import units as all_units

__all__ = ["FileResult", "ParsedFile", "ingest_files", "parse_file", "normalize_label", "parse_percent",
           "parse_date"]

_NOT_MILESTONE = re.compile(r"^(继续|持续|进一步|不断)")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")


@dataclass
class ParsedFile:
    """A file that passed every check, ready to record."""

    path: Path
    data: bytes
    sha256: str
    ext: str
    kind: str
    unit: str
    year: int
    quarter: str | None
    source_format: str
    form_version: str | None
    demo: bool
    rows: list[dict[str, Any]]

    @property
    def normalizations(self) -> list[str]:
        return [n for r in self.rows for n in r.get("normalizations") or []]

    def record(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "filename": self.path.name, "ext": self.ext, "kind": self.kind,
                "unit": self.unit, "quarter": self.quarter, "year": self.year, "form_version": self.form_version,
                "source_format": self.source_format, "demo": self.demo}


@dataclass
class FileResult:
    """Outcome of one file: ``accepted``, ``duplicate`` (already in the ledger) or ``rejected``."""

    path: Path
    status: str
    errors: list[IngestError] = field(default_factory=list)
    parsed: ParsedFile | None = None

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def message(self) -> str:
        name = self.path.name
        if self.status == "rejected":
            return str(IngestRejected(name, self.errors))
        assert self.parsed is not None
        p = self.parsed
        what = f"{p.quarter} 进度填报" if p.kind == "progress" else f"{p.year} 年度计划"
        if self.status == "duplicate":
            return f"文件 {name}（{p.unit} {what}）此前已导入，内容相同，台账未改变。"
        text = f"已导入 {name}：{p.unit} {what}，{len(p.rows)} 行，存档编号 {p.sha256[:12]}。"
        if p.normalizations:
            text += "\n  已规范化：" + "；".join(p.normalizations)
        return text


# ------------------------------------------------------------------ cell helpers
def normalize_label(label: str) -> str:
    """Header label with full-width brackets/percent and spaces normalised."""
    text = unicodedata.normalize("NFKC", str(label)).strip()
    return re.sub(r"\s+", "", text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_percent(value: Any, percent_format: bool = False) -> tuple[float, str | None]:
    """``(value, note)`` for a 0–100 percentage; ``note`` says how it was normalised, if it was.

    Raises ``ValueError`` with the Chinese rule when it is not a number in range.
    """
    note = None
    if isinstance(value, bool):
        raise ValueError("不是数字")
    if isinstance(value, (int, float)):
        number = float(value)
        if percent_format:
            number *= 100
            note = f"“{value:g}”（百分比格式）按 {number:g} 计"
    else:
        raw = str(value).strip()
        text = unicodedata.normalize("NFKC", raw).replace(" ", "")
        stripped = text[:-1] if text.endswith("%") else text
        try:
            number = float(stripped)
        except ValueError:
            raise ValueError("不是数字（应填 0–100 的数字）") from None
        if stripped != raw:
            note = f"“{raw}”按 {number:g} 计"
    if not math.isfinite(number) or number < 0 or number > 100:
        raise ValueError("超出 0–100 的范围")
    return round(number, 4), note


def parse_date(value: Any) -> date:
    """A date from a cell (date/datetime or text like 2026-10-08, 2026/10/8, 2026年10月8日)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("不是有效日期（格式如 2026-10-08）")


# ------------------------------------------------------------------ reading a file into a grid
@dataclass
class _Grid:
    sheet: str | None
    header: dict[str, int]           # label -> column index (0-based)
    rows: list[tuple[int, list[Any], list[bool]]]  # (excel row, values, percent-formatted flags)
    meta: dict[str, str]


def _file_error(name: str, rule: str) -> IngestRejected:
    return IngestRejected(name, [IngestError(name, rule)])


def _read_xlsx(name: str, data: bytes) -> tuple[Any, dict[str, str]]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK"):
            raise _file_error(name, "文件不完整（可能在复制、下载或保存时被截断），无法读取，请重新导出后报送")
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise _file_error(name, "是旧版 Excel（.xls）或加密文件，请用 jj123 生成的 .xlsx 表格填报后报送")
        raise _file_error(name, "不是电子表格文件（.xlsx），无法读取")
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged packages
        raise _file_error(name, f"文件已损坏或不完整，无法作为 .xlsx 读取（{type(exc).__name__}）") from None
    return wb, read_form_metadata(wb)


def _xlsx_grid(name: str, wb: Any, sheet_name: str, meta: dict[str, str]) -> _Grid:
    if sheet_name not in wb.sheetnames:
        raise _file_error(name, f"缺少工作表“{sheet_name}”（请勿修改工作表名称）")
    ws = wb[sheet_name]
    header: dict[str, int] = {}
    for cell in ws[1]:
        if not _blank(cell.value):
            header.setdefault(normalize_label(str(cell.value)), cell.column - 1)
    rows = []
    for cells in ws.iter_rows(min_row=2):
        values = [c.value for c in cells]
        if all(_blank(v) for v in values):
            continue
        flags = [bool(c.number_format and "%" in str(c.number_format)) for c in cells]
        rows.append((cells[0].row, values, flags))
    return _Grid(sheet_name, header, rows, meta)


def _decode_csv(name: str, data: bytes) -> str:
    if b"\x00" in data:
        raise _file_error(name, "不是文本 CSV 文件（含二进制内容），无法读取")
    for encoding in ("utf-8-sig", "gbk", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(name, "无法识别文件编码（CSV 应为 UTF-8 或 GBK 编码）")


def _csv_grid(name: str, data: bytes) -> tuple[_Grid, str]:
    text = _decode_csv(name, data)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise _file_error(name, f"CSV 格式错误，文件可能不完整（{exc}）") from None
    if not records or not any(c.strip() for c in records[0]):
        raise _file_error(name, "CSV 文件为空，没有表头")
    header: dict[str, int] = {}
    for index, label in enumerate(records[0]):
        if label.strip():
            header.setdefault(normalize_label(label), index)
    if "季度" in header:
        kind = "progress"
    elif "年度" in header:
        kind = "plan"
    else:
        raise _file_error(name, "CSV 文件须包含“季度”和“填报单位”两列（年度计划为“年度”和“填报单位”），"
                                "用于确定填报季度和单位")
    rows = []
    for number, values in enumerate(records[1:], start=2):
        if all(not v.strip() for v in values):
            continue
        rows.append((number, list(values), [False] * len(values)))
    return _Grid(None, header, rows, {}), kind


# ------------------------------------------------------------------ validation
class _Checker:
    def __init__(self, name: str, grid: _Grid) -> None:
        self.name = name
        self.grid = grid
        self.errors: list[IngestError] = []

    def error(self, rule: str, row: int | None = None, column: str | None = None, value: Any = None) -> None:
        shown = None if _blank(value) else value
        if isinstance(shown, datetime):
            shown = shown.date().isoformat()
        self.errors.append(IngestError(self.name, rule, sheet=self.grid.sheet, row=row, column=column,
                                       value=shown))

    def require_columns(self, columns: tuple[str, ...]) -> bool:
        missing = [c for c in columns if c not in self.grid.header]
        for column in missing:
            self.error("缺少必需的列（请勿删除或改动表头）", row=1, column=column)
        return not missing

    def cell(self, values: list[Any], label: str) -> Any:
        index = self.grid.header.get(label)
        return values[index] if index is not None and index < len(values) else None

    def flag(self, flags: list[bool], label: str) -> bool:
        index = self.grid.header.get(label)
        return flags[index] if index is not None and index < len(flags) else False


def _meta_from_columns(check: _Checker, kind: str, units: list[str]) -> tuple[str, str]:
    """CSV: the 季度/年度 and 填报单位 columns, identical on every row."""
    period_label = "季度" if kind == "progress" else "年度"
    found: dict[str, tuple[str, int]] = {}
    for label in (period_label, "填报单位"):
        if label not in check.grid.header:
            check.error("缺少必需的列（CSV 须有“季度/年度”和“填报单位”列）", row=1, column=label)
            continue
        for number, values, _ in check.grid.rows:
            value = _text(check.cell(values, label))
            if value is None:
                check.error("不能为空", row=number, column=label)
            elif label not in found:
                found[label] = (value, number)
            elif value != found[label][0]:
                check.error(f"与第 {found[label][1]} 行的“{found[label][0]}”不一致"
                            "（一份文件只能填报一个单位、一个时期）",
                            row=number, column=label, value=value)
    period = found.get(period_label, ("", 0))[0]
    unit = found.get("填报单位", ("", 0))[0]
    if unit and unit not in units:
        check.error("不是任务清单中的责任单位", row=found["填报单位"][1], column="填报单位", value=unit)
    return period, unit


def _check_task(check: _Checker, number: int, values: list[Any], tasks_by_id: dict[str, Any], unit: str,
                seen: dict[str, int], lead_only: bool) -> Any:
    """Common checks of 任务编号/任务名称/责任单位; returns the task row or ``None``."""
    raw = _text(check.cell(values, "任务编号"))
    if raw is None:
        check.error("任务编号不能为空", row=number, column="任务编号")
        return None
    task_id = unicodedata.normalize("NFKC", raw).upper()
    task = tasks_by_id.get(task_id)
    if task is None:
        check.error("不是任务清单中的任务编号", row=number, column="任务编号", value=raw)
        return None
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
    title = _text(check.cell(values, "任务名称"))
    if title is None or re.sub(r"\s+", "", title) != re.sub(r"\s+", "", task.title):
        check.error(f"与任务清单中的名称“{task.title}”不一致（预填列不得修改）", row=number, column="任务名称",
                    value=title)
    units_text = _text(check.cell(values, "责任单位"))
    if units_text is None or re.sub(r"\s+", "", units_text) != UNIT_SEPARATOR.join(task.units):
        check.error(f"与任务清单中的责任单位“{UNIT_SEPARATOR.join(task.units)}”不一致（预填列不得修改）",
                    row=number, column="责任单位", value=units_text)
    return task


def _check_reporter_date(check: _Checker, number: int, values: list[Any], year: int) -> tuple[str | None, str | None]:
    reporter = _text(check.cell(values, "填报人"))
    if reporter is None:
        check.error("填报人不能为空", row=number, column="填报人")
    raw = check.cell(values, "填报日期")
    when = None
    if _blank(raw):
        check.error("填报日期不能为空", row=number, column="填报日期")
    else:
        try:
            parsed = parse_date(raw)
        except ValueError as exc:
            check.error(str(exc), row=number, column="填报日期", value=raw)
        else:
            if not year - 1 <= parsed.year <= year + 1:
                check.error(f"不在 {year - 1}–{year + 1} 年之间，请核对", row=number, column="填报日期",
                            value=parsed.isoformat())
            else:
                when = parsed.isoformat()
    return reporter, when


def _percent(check: _Checker, number: int, values: list[Any], flags: list[bool], label: str,
             notes: list[str]) -> float | None:
    raw = check.cell(values, label)
    if _blank(raw):
        return None
    try:
        value, note = parse_percent(raw, check.flag(flags, label))
    except ValueError as exc:
        check.error(str(exc), row=number, column=label, value=raw)
        return None
    if note:
        notes.append(f"第 {number} 行“{label}”{note}")
    return value


def _progress_rows(check: _Checker, tasks: pd.DataFrame, unit: str, quarter: str) -> list[dict[str, Any]]:
    year = parse_quarter(quarter)[0]
    tasks_by_id = {t.task_id: t for t in tasks.itertuples(index=False)}
    seen: dict[str, int] = {}
    out = []
    for number, values, flags in check.grid.rows:
        task = _check_task(check, number, values, tasks_by_id, unit, seen, lead_only=False)
        if task is None:
            continue
        lead = task.lead_unit == unit
        if all(_blank(check.cell(values, c)) for c in PROGRESS_FILL_IN):
            if lead:
                check.error(f"牵头任务 {task.task_id} 整行未填报（牵头单位须逐项填报）", row=number, column="工作进展")
            continue  # a co-unit may leave its row blank
        notes: list[str] = []
        pct = _percent(check, number, values, flags, "实际累计进度(%)", notes)
        if lead and pct is None and _blank(check.cell(values, "实际累计进度(%)")):
            check.error("牵头单位必须填写实际累计进度(%)", row=number, column="实际累计进度(%)")
        met_raw = _text(check.cell(values, "节点目标是否完成"))
        met = None
        if met_raw is None:
            if lead:
                check.error("牵头单位必须填写节点目标是否完成（是/否）", row=number, column="节点目标是否完成")
        elif met_raw not in YES_NO:
            check.error("不在可选范围内（应为“是”或“否”）", row=number, column="节点目标是否完成", value=met_raw)
        else:
            met = met_raw == "是"
        status = _text(check.cell(values, "自评状态"))
        if status is None:
            if lead:
                check.error("牵头单位必须填写自评状态", row=number, column="自评状态")
        elif status not in STATUSES:
            check.error("不在可选范围内（应为 " + "、".join(STATUSES) + " 之一）", row=number, column="自评状态",
                        value=status)
            status = None
        elif status == "已完成" and not (pct == 100 and met is True):
            check.error("要求实际累计进度为 100 且节点目标已完成（销号须有依据）", row=number, column="自评状态",
                        value=status)
        texts = {}
        for label, key in (("工作进展", "progress"), ("存在问题", "problems"), ("下步计划", "next_steps"),
                           ("需协调事项", "coordination")):
            texts[key] = _text(check.cell(values, label))
        if texts["progress"] is None:
            check.error("工作进展不能为空", row=number, column="工作进展")
        if lead and texts["next_steps"] is None:
            check.error("牵头单位必须填写下步计划", row=number, column="下步计划")
        reporter, when = _check_reporter_date(check, number, values, year)
        out.append({"sheet": check.grid.sheet, "excel_row": number, "task_id": task.task_id,
                    "role": "lead" if lead else "co", "actual_pct": pct, "milestone_met": met,
                    "self_status": status, **texts, "reporter": reporter, "report_date": when,
                    "normalizations": notes})
    for task in tasks.itertuples(index=False):
        if task.lead_unit == unit and task.task_id not in seen:
            check.error(f"缺少牵头任务 {task.task_id}（{task.title}）的填报行，牵头单位须逐项填报", column="任务编号")
    return out


def _plan_rows(check: _Checker, tasks: pd.DataFrame, unit: str, year: int) -> list[dict[str, Any]]:
    tasks_by_id = {t.task_id: t for t in tasks.itertuples(index=False)}
    seen: dict[str, int] = {}
    out = []
    for number, values, flags in check.grid.rows:
        task = _check_task(check, number, values, tasks_by_id, unit, seen, lead_only=True)
        if task is None:
            continue
        if all(_blank(check.cell(values, c)) for c in PLAN_COLUMNS[3:]):
            check.error(f"任务 {task.task_id} 整行未填报（须填写四个季度的节点目标和计划累计进度）", row=number,
                        column="一季度节点目标")
            continue
        reporter, when = _check_reporter_date(check, number, values, year)
        notes: list[str] = []
        previous: float | None = None
        for q in range(1, 5):
            m_label, p_label = plan_quarter_columns(q)
            milestone = _text(check.cell(values, m_label))
            if milestone is None:
                check.error("节点目标不能为空", row=number, column=m_label)
            elif _NOT_MILESTONE.match(milestone):
                check.error("不是可检验的节点目标（“继续/持续……”是日常工作，应写明季度末要达成的具体成果）",
                            row=number, column=m_label, value=milestone)
            pct = _percent(check, number, values, flags, p_label, notes)
            if pct is None:
                if _blank(check.cell(values, p_label)):
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
                        "reporter": reporter, "report_date": when})
    for task in tasks.itertuples(index=False):
        if task.lead_unit == unit and task.task_id not in seen:
            check.error(f"缺少牵头任务 {task.task_id}（{task.title}）的计划行", column="任务编号")
    return out


def parse_file(path: str | os.PathLike[str], tasks: pd.DataFrame | None = None, *,
               demo_dir: bool = False, data: bytes | None = None) -> ParsedFile:
    """Read and check one file; raise :class:`IngestRejected` listing every problem."""
    source = Path(path)
    name = source.name
    table = load_tasks() if tasks is None else tasks
    if data is None:
        try:
            data = source.read_bytes()
        except FileNotFoundError:
            raise _file_error(name, "文件不存在") from None
        except IsADirectoryError:
            raise _file_error(name, "是文件夹，不是文件") from None
    if not data:
        raise _file_error(name, "是空文件")
    sha = hashlib.sha256(data).hexdigest()
    ext = source.suffix.lower().lstrip(".")
    units = all_units(table)
    form_version: str | None = None
    demo = False
    if ext in ("xlsx", "xlsm"):
        wb, meta = _read_xlsx(name, data)
        kind = meta.get("kind", "")
        if kind not in ("progress", "plan") or not meta.get("unit") or not meta.get("period"):
            raise _file_error(name, "缺少表单信息（填报单位、季度），请使用 jj123 forms 生成的表格填报，"
                                    "不要复制内容到新建的工作簿")
        form_version = meta.get("form_version")
        if form_version != FORM_VERSION:
            raise _file_error(name, f"表格版本“{form_version}”与当前版本“{FORM_VERSION}”不符，请重新生成表格填报")
        demo = meta.get("demo") == "1"
        grid = _xlsx_grid(name, wb, PROGRESS_SHEET if kind == "progress" else PLAN_SHEET, meta)
        check = _Checker(name, grid)
        unit, period = meta["unit"], meta["period"]
        if unit not in units:
            check.error("表单记录的填报单位不在任务清单中", value=unit)
        source_format = "xlsx"
    elif ext == "csv":
        grid, kind = _csv_grid(name, data)
        check = _Checker(name, grid)
        period, unit = _meta_from_columns(check, kind, units)
        source_format = "csv"
    else:
        raise _file_error(name, "不是支持的文件类型（应为 .xlsx 电子表格或 .csv）")

    if demo_dir and not demo:
        raise _file_error(name, "当前数据目录是示例数据目录，不能导入真实填报文件；请用 --data-dir 指定正式数据目录")
    if demo and not demo_dir:
        raise _file_error(name, "是示例数据生成的演示表格，不能导入正式数据目录")

    quarter: str | None = None
    year = 0
    try:
        if kind == "progress":
            quarter = normalize_quarter(period) if period else None
            year = parse_quarter(quarter)[0] if quarter else 0
        else:
            year = int(str(period).strip()) if period else 0
    except (ParameterError, ValueError):
        check.error("季度/年度无效（季度写作 2026Q3，年度写作 2026）", column="季度" if kind == "progress" else "年度",
                    value=period)
    task_years = {int(y) for y in table["year"].dropna()}
    if year and task_years and year not in task_years:
        check.error(f"年度 {year} 与任务清单年度 {'、'.join(map(str, sorted(task_years)))} 不符", value=period)

    columns = PROGRESS_COLUMNS if kind == "progress" else PLAN_COLUMNS
    if not check.require_columns(columns) or check.errors:
        raise IngestRejected(name, check.errors)
    if not grid.rows:
        check.error("没有任何填报行")
    rows = _progress_rows(check, table, unit, quarter or "") if kind == "progress" else _plan_rows(
        check, table, unit, year)
    if check.errors:
        raise IngestRejected(name, check.errors)
    return ParsedFile(source, data, sha, ext, kind, unit, year, quarter, source_format, form_version, demo, rows)


def ingest_files(paths: list[str | os.PathLike[str]], data_dir: str | os.PathLike[str] | None = None, *,
                 tasks: pd.DataFrame | None = None) -> list[FileResult]:
    """Check every file on its own, then record the accepted ones (in argument order) under one lock."""
    table = load_tasks() if tasks is None else tasks
    ledger = Ledger(data_dir)
    demo_dir = is_demo(ledger.data_dir)
    results: list[FileResult] = []
    for path in paths:
        try:
            parsed = parse_file(path, table, demo_dir=demo_dir)
        except IngestRejected as exc:
            results.append(FileResult(Path(path), "rejected", exc.errors))
        else:
            results.append(FileResult(Path(path), "accepted", parsed=parsed))
    accepted = [r for r in results if r.status == "accepted"]
    if accepted:
        with ledger.lock():
            for result in accepted:
                assert result.parsed is not None
                added = ledger.add_file(result.parsed.record(), result.parsed.data, result.parsed.rows)
                if not added:
                    result.status = "duplicate"
    return results
