"""Ingest filled forms (.xlsx, or CSV in UTF-8 / UTF-8-BOM / GBK) into the ledger.

Every file is read from its bytes once, checked cell by cell, and either accepted
whole or rejected whole with every problem listed (:class:`IngestRejected`, each
problem an :class:`IngestError` naming file, sheet, Excel row, column, value and rule
in Chinese). Rejected files never open a write transaction, so the ledger stays
byte-for-byte unchanged. Accepted files are archived verbatim under their SHA-256
and recorded in one transaction each (see :mod:`jj123lib.ledger.store`).

Decisions (also in ``docs/data-model.md``):

* 节点目标是否完成 accepts 是/否 only (the form's drop-down).
* Percentages accept numbers, ``85%``, full-width digits and Excel percent-formatted
  cells; any such normalisation is recorded in ``submissions.normalizations``.
* Pre-filled 任务名称 and 责任单位 must equal the task table (a changed value means a
  wrong or tampered row: error); pre-filled 本季度节点目标 and 计划累计进度(%) are
  informational and ignored, the ledger's plan being authoritative.
* A lead unit must report every task it leads; co-unit rows may be left blank.
* A plan's 对标计划 sheet and a progress form's 指标进展 sheet (issue 13) are checked by
  :mod:`jj123lib.intake.benchmark_sheets`; their problems reject the file like any other.
* CSV carries its metadata in columns: 季度 + 填报单位 (progress) or 年度 + 填报单位 (plan).
* Hardening (issue 5, ``docs/reliability.md``): leading/trailing spaces and invisible control
  characters are removed with a note; text cells hold at most :data:`MAX_TEXT` characters
  (longer is rejected, never cut); merged cells, error values, formulas without a result,
  duplicated headers, a header that is not on row 1, encrypted or old-format workbooks,
  non-spreadsheets, mis-encoded CSV and a file name contradicting the form's own quarter or
  unit are rejected with a message naming where; hidden rows are read (noted), extra sheets
  and extra columns are ignored (noted), reordered columns are read by their labels.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib.core.cells import (
    MAX_TEXT,
    blank,
    cell_text,
    parse_percent,
    shown_percent,
)
from jj123lib.core.clock import china_today
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import IngestError, IngestRejected, LedgerError, ParameterError, os_error_zh
from jj123lib.core.log import record_incident
from jj123lib.domain.quarters import normalize_quarter, parse_quarter
from jj123lib.domain.rules import load_rules, required_tiers
from jj123lib.domain.tasks import UNIT_SEPARATOR, load_tasks
from jj123lib.domain.tasks import units as all_units
from jj123lib.domain.vocab import STATUSES
from jj123lib.intake.checker import Checker
from jj123lib.intake.formspec import (
    FORM_VERSION,
    PLAN_COLUMNS,
    PLAN_SHEET,
    PROGRESS_COLUMNS,
    PROGRESS_FILL_IN,
    PROGRESS_SHEET,
    RESPONSE_KIND,
    YES_NO,
    form_name_parts,
    plan_quarter_columns,
    response_name_id,
)
from jj123lib.intake.readers import (
    CFB_MAGIC,
    csv_grid,
    file_error,
    read_regular_file,
    read_xlsx,
    sniff_not_xlsx,
    xlsx_grid,
)
from jj123lib.intake.response_form import ParsedResponse, parse_response, record_response_file
from jj123lib.ledger.store import Ledger

__all__ = ["FileResult", "ParsedFile", "ingest_files", "parse_file", "MAX_TEXT"]

_FILE_QUARTER = re.compile(r"(20\d\d)\s*[Qq]\s*([1-4])")
_NOT_MILESTONE = re.compile(r"^(继续|持续|进一步|不断)")
# A progress form is filed in the weeks after its quarter; dated over a year later, its year is a typo
# (it would also win the supersede order and print a wrong “数据截至”).
MAX_DAYS_AFTER_QUARTER = 366


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
    notes: list[str] = field(default_factory=list)  # file-level notes (extra sheets, plan-cell normalisations…)
    phone: str | None = None  # 联系电话 typed on the form (xlsx only)
    # Rows of the benchmark sheet (issue 13), by ledger table: benchmark_plan, or indicator_values + recognitions.
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def normalizations(self) -> list[str]:
        return self.notes + [n for r in self.rows for n in r.get("normalizations") or []]

    @property
    def content_sha256(self) -> str:
        """SHA-256 of what the form says (period, unit, phone, normalised rows), not of its bytes.

        A form re-saved unchanged (Excel, WPS, LibreOffice) has new bytes and the same content.
        Where a row sits (sheet, row number) and how its cells were normalised are not content.
        """
        def content(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: v for k, v in row.items() if k not in ("sheet", "excel_row", "normalizations")}
                    for row in rows]

        period = self.quarter if self.kind == "progress" else str(self.year)
        said: list[Any] = [self.kind, self.unit, period, self.phone or "", content(self.rows)]
        if any(self.extra.values()):  # a form without benchmark rows fingerprints as before schema 5
            said.append({table: content(rows) for table, rows in sorted(self.extra.items())})
        text = json.dumps(said, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def record(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "filename": self.path.name, "ext": self.ext, "kind": self.kind,
                "unit": self.unit, "quarter": self.quarter, "year": self.year, "form_version": self.form_version,
                "source_format": self.source_format, "demo": self.demo, "phone": self.phone,
                "content_sha256": self.content_sha256}


@dataclass
class FileResult:
    """Outcome of one file: ``accepted``, ``duplicate`` (already in the ledger) or ``rejected``."""

    path: Path
    status: str
    errors: list[IngestError] = field(default_factory=list)
    parsed: ParsedFile | ParsedResponse | None = None
    replaced: list[str] = field(default_factory=list)  # files this one superseded (accepted)
    current: list[str] = field(default_factory=list)  # files that stay current instead (duplicate)
    resaved: bool = False  # duplicate by content, not by bytes: archived, no new version

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def message(self) -> str:
        name = self.path.name
        if self.status == "rejected":
            return str(IngestRejected(name, self.errors))
        assert self.parsed is not None
        p = self.parsed
        if isinstance(p, ParsedResponse):
            return p.message(self.status, self.resaved)
        what = f"{p.quarter} 进度填报" if p.kind == "progress" else f"{p.year} 年度计划"
        if self.status == "duplicate" and self.resaved:
            current = "、".join(self.current) or "现行版本"
            return (f"文件 {name}（{p.unit} {what}）与现行的 {current} 内容相同（重新保存，字节不同），"
                    f"不作为新版本；文件已存档（存档编号 {p.sha256[:12]}）。")
        if self.status == "duplicate":
            text = f"文件 {name}（{p.unit} {what}）此前已导入过，内容相同，未作改动。"
            others = [f for f in self.current if f != name]
            if others:
                text += f"\n  注意：该文件已被后来导入的 {'、'.join(others)} 取代，台账仍以后者为准。"
            return text
        text = f"已导入 {name}：{p.unit} {what}，{len(p.rows)} 行，存档编号 {p.sha256[:12]}。"
        if self.replaced:
            text += f"\n  取代了此前导入的 {'、'.join(self.replaced)}（原记录保留在历史中）。"
        if p.normalizations:
            text += "\n  已规范化：" + "；".join(p.normalizations)
        return text



# ------------------------------------------------------------------ validation
def _meta_from_columns(check: Checker, kind: str, units: list[str]) -> tuple[str, str]:
    """CSV: the 季度/年度 and 填报单位 columns, identical on every row.

    A column that is absent is taken from the form's file name (a "Save As CSV" of the form
    keeps the name but not the metadata); a present column that contradicts the name is
    refused by :func:`_check_file_name`.
    """
    period_label = "季度" if kind == "progress" else "年度"
    named = form_name_parts(check.name, units)
    from_name = dict(zip((period_label, "填报单位"), named[1:])) if named and named[0] == kind else {}
    found: dict[str, tuple[str, int]] = {}
    for label in (period_label, "填报单位"):
        if label not in check.grid.header:
            if label in from_name:
                found[label] = (from_name[label], 0)
                check.file_notes.append(f"CSV 没有“{label}”列，按文件名取“{from_name[label]}”")
            else:
                check.error("缺少必需的列（CSV 须有“季度/年度”和“填报单位”列，或保留表格原来的文件名）",
                            row=1, column=label)
            continue
        for number, values, _ in check.grid.rows:
            value = cell_text(check.cell(values, label))
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
        check.error("不是任务清单中的责任单位", row=found["填报单位"][1] or None, column="填报单位", value=unit)
    return period, unit


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


def _progress_rows(check: Checker, tasks: pd.DataFrame, unit: str, quarter: str,
                   today: date) -> list[dict[str, Any]]:
    year, q = parse_quarter(quarter)
    quarter_start = date(year, 3 * q - 2, 1)
    quarter_end = date(year + q // 4, 3 * q % 12 + 1, 1) - timedelta(days=1)
    latest = quarter_end + timedelta(days=MAX_DAYS_AFTER_QUARTER)
    tasks_by_id = {str(t.task_id): t for t in tasks.itertuples(index=False)}
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
        pct = _percent(check, number, values, flags, "实际累计进度(%)", notes)
        if lead and pct is None and blank(check.cell(values, "实际累计进度(%)")):
            check.error("牵头单位必须填写实际累计进度(%)", row=number, column="实际累计进度(%)")
        met_raw = check.text(values, "节点目标是否完成", number, notes, limit=20)
        met = None
        if met_raw is None:
            if lead:
                check.error("牵头单位必须填写节点目标是否完成（是/否）", row=number, column="节点目标是否完成")
        elif met_raw not in YES_NO:
            check.error("不在可选范围内（应为“是”或“否”）", row=number, column="节点目标是否完成", value=met_raw)
        else:
            met = met_raw == "是"
        status = check.text(values, "自评状态", number, notes, limit=20)
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
            texts[key] = check.text(values, label, number, notes)
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


def _plan_rows(check: Checker, tasks: pd.DataFrame, unit: str, year: int, today: date) -> list[dict[str, Any]]:
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
                        "reporter": reporter, "report_date": when})
    for task in tasks.itertuples(index=False):
        if task.lead_unit == unit and task.task_id not in seen:
            check.error(f"缺少牵头任务 {task.task_id}（{task.title}）的计划行", column="任务编号")
    return out


def parse_file(path: str | os.PathLike[str], tasks: pd.DataFrame | None = None, *,
               demo_dir: bool = False, data: bytes | None = None, today: date | None = None,
               ledger: Ledger | None = None, rules: Mapping[str, Any] | None = None) -> ParsedFile | ParsedResponse:
    """Read and check one file; raise :class:`IngestRejected` listing every problem (``rules``: default file).

    ``today`` (default: today in China) bounds 填报日期; tests pass a fixed day. ``ledger`` (default: the
    default data folder's) gives the 督办事项 a 整改反馈 form is checked against, and the current 对标计划 and
    earlier recognition stages a 指标进展 sheet is checked against.
    """
    source = Path(path)
    name = source.name
    table = load_tasks() if tasks is None else tasks
    if data is None:
        data = read_regular_file(source)
    if not data:
        raise file_error(name, "是空文件")
    sha = hashlib.sha256(data).hexdigest()
    ext = source.suffix.lower().lstrip(".")
    units = all_units(table)
    form_version: str | None = None
    demo = False
    if ext in ("xlsx", "xlsm"):
        wb, meta = read_xlsx(name, data)
        kind = meta.get("kind", "")
        if kind == RESPONSE_KIND:
            return parse_response(source, data, wb, meta, ledger or Ledger(), demo_dir=demo_dir,
                                  today=china_today() if today is None else today)
        if kind not in ("progress", "plan") or not meta.get("unit") or not meta.get("period"):
            raise file_error(name, "缺少表单信息（填报单位、季度），请使用 jj123 forms 生成的表格填报，"
                                    "不要复制内容到新建的工作簿")
        form_version = meta.get("form_version")
        if form_version != FORM_VERSION:
            raise file_error(name, f"表格版本“{form_version}”与当前版本“{FORM_VERSION}”不符，请重新生成表格填报")
        demo = meta.get("demo") == "1"
        sheet_name, expected = (PROGRESS_SHEET, PROGRESS_COLUMNS) if kind == "progress" else (PLAN_SHEET, PLAN_COLUMNS)
        grid = xlsx_grid(name, wb, sheet_name, meta, data, expected)
        check = Checker(name, grid)
        unit, period = meta["unit"], meta["period"]
        if unit not in units:
            check.error("表单记录的填报单位不在任务清单中", value=unit)
        phone = check.contact_phone(wb)
        source_format = "xlsx"
        workbook: Any = wb
    elif ext == "csv":
        if response_name_id(name) is not None:
            raise file_error(name, "整改反馈表只接受 .xlsx 格式（请报送下发的整改反馈表原件，不要另存为 CSV）")
        grid, kind = csv_grid(name, data, units)
        check = Checker(name, grid)
        period, unit = _meta_from_columns(check, kind, units)
        phone = None  # a CSV has only the main sheet
        source_format = "csv"
        workbook = None
    elif data.startswith(CFB_MAGIC):
        raise file_error(name, sniff_not_xlsx(data))
    else:
        shown = f"“.{ext}”" if ext else "（没有扩展名）"
        raise file_error(name, f"不是支持的文件类型{shown}：应为 .xlsx 电子表格或 .csv；"
                                "WPS 表格（.et）、.xls、.ods 等请另存为 .xlsx 格式后报送")

    if demo_dir and not demo:
        raise file_error(name, "当前数据目录是示例数据目录，不能导入真实填报文件；请用 --data-dir 指定正式数据目录")
    if demo and not demo_dir:
        raise file_error(name, "是示例数据生成的演示表格，不能导入正式数据目录")

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
    _check_file_name(check, kind, quarter, year, unit, units)

    columns = PROGRESS_COLUMNS if kind == "progress" else PLAN_COLUMNS
    if not check.require_header_on_row_1(columns) or not check.require_columns(columns) or check.errors:
        raise IngestRejected(name, check.errors)
    if not grid.rows:
        check.error("没有任何填报行")
    day = china_today() if today is None else today
    rows = _progress_rows(check, table, unit, quarter or "", day) if kind == "progress" else _plan_rows(
        check, table, unit, year, day)
    extra, bench_notes = _benchmark_sheets(check, workbook, data, table, kind, unit, year, quarter, ledger,
                                           load_rules() if rules is None else rules)
    if check.errors:
        raise IngestRejected(name, check.errors)
    # Notes not stored with a submission row (plan rows, blank co-unit rows) are reported with the file.
    stored = {r["excel_row"] for r in rows} if kind == "progress" else set()
    notes = check.file_notes + [n for number, row_notes in sorted(grid.row_notes.items()) if number not in stored
                                for n in dict.fromkeys(row_notes)]
    return ParsedFile(source, data, sha, ext, kind, unit, year, quarter, source_format, form_version, demo, rows,
                      notes + bench_notes, phone, extra)


def _benchmark_sheets(check: Checker, wb: Any, data: bytes, tasks: pd.DataFrame, kind: str, unit: str, year: int,
                      quarter: str | None, ledger: Ledger | None,
                      rules: Mapping[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The 对标计划 / 指标进展 rows (:mod:`jj123lib.intake.benchmark_sheets`); their problems join ``check.errors``."""
    from jj123lib.intake import benchmark_sheets as bench

    meta = check.grid.meta
    if kind == "plan":
        rows, errors, notes = bench.plan_benchmarks(check.name, wb, data, meta, tasks, unit, year,
                                                    required_tiers(rules), ledger)
        extra = {} if rows is None else {"benchmark_plan": rows}
    else:
        context = bench.BenchContext(ledger, quarter or "")
        extra, errors, notes = bench.progress_benchmarks(check.name, wb, data, meta, tasks, unit,
                                                         quarter or "", context)
    check.errors.extend(errors)
    return extra, notes


def _check_file_name(check: Checker, kind: str, quarter: str | None, year: int, unit: str, units: list[str]) -> None:
    """A file name that contradicts the form's own quarter/year or unit (e.g. last quarter's form renamed) is refused.

    The form's metadata (or CSV columns) decide; the file name is only a witness, but a
    contradiction means someone reused or swapped a form, and guessing would file the numbers
    under the wrong quarter or unit.
    """
    stem = unicodedata.normalize("NFKC", Path(check.name).stem)
    named_quarter = _FILE_QUARTER.search(stem)
    if kind == "progress" and quarter and named_quarter:
        in_name = f"{named_quarter.group(1)}Q{named_quarter.group(2)}"
        if in_name != quarter:
            check.error(f"文件名写的是 {in_name}，但表格内记录的季度是 {quarter}（可能沿用了其他季度的表格），"
                        f"请用 {in_name} 的表格重新填报，或更正文件名")
    if kind == "plan" and year:
        named_year = re.match(r"^(20\d\d)_", stem)
        if named_year and int(named_year.group(1)) != year:
            check.error(f"文件名写的是 {named_year.group(1)} 年，但表格内记录的年度是 {year}，请核对")
    named_units = [u for u in units if u in stem and u != unit and u not in unit]
    if unit and named_units and unit not in stem:
        check.error(f"文件名写的是“{named_units[0]}”，但表格内记录的填报单位是“{unit}”（可能用了其他单位的表格），"
                    "请用本单位的表格重新填报")


def ingest_files(paths: list[str | os.PathLike[str]], data_dir: str | os.PathLike[str] | None = None, *,
                 tasks: pd.DataFrame | None = None, today: date | None = None,
                 now: datetime | None = None, rules: Mapping[str, Any] | None = None) -> list[FileResult]:
    """Check every file on its own, then record the accepted ones under one lock (``rules``: default file).

    Accepted files are recorded in argument order, except that several files for one unit and
    period are recorded oldest 填报日期 first (:func:`_latest_last`), so the latest becomes current.
    ``now`` stamps 整改反馈 answers (default: the real clock) and, without ``today``, bounds 填报日期.
    """
    if today is None and now is not None:
        today = china_today(now)
    table = load_tasks() if tasks is None else tasks
    rule_set = load_rules() if rules is None else rules
    ledger = Ledger(data_dir)
    ledger.check_schema()  # a newer jj123's ledger stops the whole ingest, not each file as a fault
    demo_dir = is_demo(ledger.data_dir)
    results: list[FileResult] = []
    for path in paths:
        try:
            parsed = parse_file(path, table, demo_dir=demo_dir, today=today, ledger=ledger, rules=rule_set)
        except IngestRejected as exc:
            results.append(FileResult(Path(path), "rejected", exc.errors))
        except Exception as exc:  # noqa: BLE001 - one file's unforeseen fault must not stop the others
            incident = record_incident(ledger.data_dir, f"ingest: reading {path} failed unexpectedly", exc)
            results.append(FileResult(Path(path), "rejected", [IngestError(
                Path(path).name, f"读取时出现意外错误，未导入；请把该文件和日志交给维护人员检查（{incident.zh()}）")]))
        else:
            results.append(FileResult(Path(path), "accepted", parsed=parsed))
    accepted = _latest_last([r for r in results if r.status == "accepted"])
    crash_point("ingest.parsed")
    if accepted:
        with ledger.lock():
            crash_point("ingest.locked")
            for result in accepted:
                p = result.parsed
                assert p is not None
                if isinstance(p, ParsedResponse):
                    _record_response(ledger, result, p, now)
                    continue
                period = str(p.quarter) if p.kind == "progress" else str(p.year)
                before = ledger.current_filenames(p.kind, p.unit, period)
                resaved = p.content_sha256 in ledger.current_contents(p.kind, p.unit, period)
                try:
                    # An unchanged re-save is archived and listed, but is no new version.
                    added = ledger.add_file(p.record(), p.data, p.rows, new_version=not resaved, extra=p.extra)
                except (sqlite3.Error, ValueError, OSError) as exc:
                    # Rolled back with its archive copy (Ledger.add_file); the other files go on.
                    reason = os_error_zh(exc) if isinstance(exc, OSError) else _refused(ledger, p.path, exc)
                    result.status = "rejected"
                    result.errors = [IngestError(p.path.name, f"记录到台账时出错（{reason}），本文件未导入")]
                    continue
                if added and not resaved:
                    result.replaced = before
                else:
                    result.status = "duplicate"
                    result.current = before
                    result.resaved = added
    return results


def _record_response(ledger: Ledger, result: FileResult, parsed: ParsedResponse, now: datetime | None) -> None:
    """Record a 整改反馈 form; an item closed since the check (or a write failure) rejects the file whole."""
    try:
        outcome = record_response_file(ledger, parsed, now)
    except (LedgerError, sqlite3.Error, ValueError, OSError) as exc:
        reason = str(exc) if isinstance(exc, LedgerError) else (
            os_error_zh(exc) if isinstance(exc, OSError) else _refused(ledger, parsed.path, exc))
        result.status = "rejected"
        result.errors = [IngestError(parsed.path.name, f"记录到台账时出错（{reason}），本文件未导入")]
        return
    result.status = "accepted" if outcome == "accepted" else "duplicate"
    result.resaved = outcome == "resaved"


def _refused(ledger: Ledger, path: Path, exc: Exception) -> str:
    """The ledger refused a checked file (a bug, or a damaged ledger): logged, and said with the incident."""
    incident = record_incident(ledger.data_dir, f"ingest: recording {path} in the ledger failed", exc)
    return f"台账数据库拒绝写入；{incident.zh()}"


def _latest_last(accepted: list[FileResult]) -> list[FileResult]:
    """Order files so that, of several from one unit for one period, the latest 填报日期 is recorded last.

    Otherwise the command line's order (a shell glob puts "表 (1).xlsx" before "表.xlsx")
    would decide which version is current. Other files keep their order.
    """
    def group(r: FileResult) -> tuple[str, str, str]:
        p = r.parsed
        assert p is not None
        if isinstance(p, ParsedResponse):
            return p.kind, p.unit, p.duban_id
        return p.kind, p.unit, str(p.quarter if p.kind == "progress" else p.year)

    def latest_date(r: FileResult) -> str:
        p = r.parsed
        assert p is not None
        if isinstance(p, ParsedResponse):
            return p.report_date
        return max((str(row.get("report_date") or "") for row in p.rows), default="")

    slots: dict[tuple[str, str, str], list[int]] = {}
    for index, result in enumerate(accepted):
        slots.setdefault(group(result), []).append(index)
    ordered = list(accepted)
    for indices in slots.values():
        if len(indices) > 1:
            members = sorted((accepted[i] for i in indices), key=latest_date)  # stable: ties keep their order
            for i, member in zip(indices, members):
                ordered[i] = member
    return ordered
