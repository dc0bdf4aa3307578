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
* A plan's 对标计划 sheet and a progress form's 指标进展 sheet are checked by
  :mod:`jj123lib.intake.benchmark_sheets`; their problems reject the file like any other.
* CSV carries its metadata in columns: 季度 + 填报单位 (progress) or 年度 + 填报单位 (plan).
* Hardening (``docs/reliability.md``): leading/trailing spaces and invisible control
  characters are removed with a note; text cells hold at most :data:`MAX_TEXT` characters
  (longer is rejected, never cut); merged cells, error values, formulas without a result,
  duplicated headers, a header that is not on row 1, encrypted or old-format workbooks,
  non-spreadsheets, mis-encoded CSV and a file name contradicting the form's own quarter or
  unit are rejected with a message naming where; hidden rows are read (noted), extra sheets
  and extra columns are ignored (noted), reordered columns are read by their labels.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib.core.cells import (
    MAX_TEXT,
)
from jj123lib.core.clock import china_today
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import IngestError, IngestRejected, LedgerError, ParameterError, os_error_zh
from jj123lib.core.log import record_incident
from jj123lib.core.text import TextRefused, excerpt, shown_path
from jj123lib.domain.quarters import normalize_quarter, parse_quarter
from jj123lib.domain.rules import as_rules
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.tasks import units as all_units
from jj123lib.intake.checker import Checker
from jj123lib.intake.form_meta import check_file_name, csv_meta
from jj123lib.intake.form_rows import plan_rows, progress_rows
from jj123lib.intake.formspec import (
    CONTACT_PHONE_SHEET,
    FORM_VERSION,
    NO_CO_WORK_LABEL,
    PLAN_COLUMNS,
    PLAN_SHEET,
    PROGRESS_COLUMNS,
    PROGRESS_REQUIRED,
    PROGRESS_SHEET,
    RESPONSE_KIND,
    response_name_id,
)
from jj123lib.intake.readers import (
    CFB_MAGIC,
    MACRO_RULE,
    csv_grid,
    file_error,
    read_regular_file,
    read_xlsx,
    sniff_not_xlsx,
    xlsx_grid,
)
from jj123lib.intake.receipt import Receipt, check_receipt, check_received_after_dated
from jj123lib.intake.response_form import ParsedResponse, parse_response, record_response_file
from jj123lib.intake.results import FileResult, ParsedFile
from jj123lib.intake.versions import plan_changes, reused_form_warning
from jj123lib.ledger.store import Ledger

__all__ = ["FileResult", "ParsedFile", "ingest_files", "parse_file", "summary", "MAX_TEXT"]


# ------------------------------------------------------------------ validation
@dataclass
class _Form:
    """What a plan or progress file says about itself, and the checker of its main sheet."""

    check: Checker
    kind: str
    unit: str
    period: str
    source_format: str
    workbook: Any = None  # the xlsx workbook (a CSV has only the main sheet)
    form_version: str | None = None
    demo: bool = False
    phone: str | None = None  # 联系电话 typed on the form (xlsx only)
    no_co_work: bool = False  # 本季度无配合事项 ticked (xlsx progress forms of co-units)


def parse_file(path: str | os.PathLike[str], tasks: pd.DataFrame | None = None, *,
               demo_dir: bool = False, data: bytes | None = None, today: date | None = None,
               ledger: Ledger | None = None, rules: Mapping[str, Any] | None = None) -> ParsedFile | ParsedResponse:
    """Read and check one file; raise :class:`IngestRejected` listing every problem (``rules``: default file).

    ``today`` (default: today in China) bounds 填报日期; tests pass a fixed day. ``ledger`` (default: the
    default data folder's) gives the 督办事项 a 整改反馈 form is checked against, and the current 对标计划 and
    earlier recognition stages a 指标进展 sheet is checked against.
    """
    table = load_tasks() if tasks is None else tasks
    data = _read_bytes(Path(path), data)
    source = shown_path(path)  # from here on only the name is used: as stored and shown (a GBK name decoded)
    ext = source.suffix.lower().lstrip(".")
    units = all_units(table)
    if ext == "xlsm":
        raise file_error(source.name, MACRO_RULE)
    if ext == "xlsx":
        wb, meta = read_xlsx(source.name, data)
        if meta.get("kind", "") == RESPONSE_KIND:
            return parse_response(source, data, wb, meta, ledger or Ledger(), demo_dir=demo_dir,
                                  today=china_today() if today is None else today)
        form = _xlsx_form(source.name, data, wb, meta, units)
    else:
        form = _csv_form(source.name, data, ext, units)
    _check_demo(source.name, form.demo, demo_dir)
    quarter, year = _check_period(form, table, units)
    rows, extra, notes = _checked_rows(form, table, data, quarter, year, today, ledger, as_rules(rules))
    return ParsedFile(source, data, hashlib.sha256(data).hexdigest(), ext, form.kind, form.unit, year, quarter,
                      form.source_format, form.form_version, form.demo, rows, notes, form.phone, extra)


def _read_bytes(source: Path, data: bytes | None) -> bytes:
    """The file's bytes (read once, unless the caller has them); an empty file is refused."""
    if data is None:
        data = read_regular_file(source)
    if not data:
        raise file_error(source.name, "是空文件")
    return data


def _xlsx_form(name: str, data: bytes, wb: Any, meta: dict[str, str], units: list[str]) -> _Form:
    """A plan or progress workbook: its metadata must come from ``jj123 forms`` of this form version."""
    kind = meta.get("kind", "")
    if kind not in ("progress", "plan") or not meta.get("unit") or not meta.get("period"):
        raise file_error(name, "缺少表单信息（填报单位、季度），请使用 jj123 forms 生成的表格填报，"
                                "不要复制内容到新建的工作簿")
    form_version = meta.get("form_version")
    if form_version != FORM_VERSION:
        raise file_error(name, f"表格版本“{form_version}”与当前版本“{FORM_VERSION}”不符，请重新生成表格填报")
    sheet_name, expected = (PROGRESS_SHEET, PROGRESS_COLUMNS) if kind == "progress" else (PLAN_SHEET, PLAN_COLUMNS)
    grid = xlsx_grid(name, wb, sheet_name, meta, data, expected)
    check = Checker(name, grid)
    unit, period = meta["unit"], meta["period"]
    if unit not in units:
        check.error("表单记录的填报单位不在任务清单中", value=unit)
    phone = check.contact_phone(wb)
    ticked = check.no_co_work(wb) if kind == "progress" else False
    return _Form(check, kind, unit, period, "xlsx", wb, form_version, meta.get("demo") == "1", phone, ticked)


def _csv_form(name: str, data: bytes, ext: str, units: list[str]) -> _Form:
    """A CSV form (metadata in its columns); any other file type is refused, saying what to send instead."""
    if ext == "csv":
        if response_name_id(name) is not None:
            raise file_error(name, "整改反馈表只接受 .xlsx 格式（请报送下发的整改反馈表原件，不要另存为 CSV）")
        grid, kind = csv_grid(name, data, units)
        check = Checker(name, grid)
        period, unit = csv_meta(check, kind, units)
        return _Form(check, kind, unit, period, "csv")
    if data.startswith(CFB_MAGIC):
        raise file_error(name, sniff_not_xlsx(data))
    shown = f"“.{ext}”" if ext else "（没有扩展名）"
    raise file_error(name, f"不是支持的文件类型{shown}：应为 .xlsx 电子表格或 .csv；"
                            "WPS 表格（.et）、.xls、.ods 等请另存为 .xlsx 格式后报送")


def _check_demo(name: str, demo: bool, demo_dir: bool) -> None:
    """Demo forms go only into the demo data folder, and real ones never."""
    if demo_dir and not demo:
        raise file_error(name, "当前数据目录是示例数据目录，不能导入真实填报文件；请用 --data-dir 指定正式数据目录")
    if demo and not demo_dir:
        raise file_error(name, "是示例数据生成的演示表格，不能导入正式数据目录")


def _check_period(form: _Form, table: pd.DataFrame, units: list[str]) -> tuple[str | None, int]:
    """The form's quarter (progress) and year, checked against the task table and the file name."""
    check, kind, period = form.check, form.kind, form.period
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
    check_file_name(check, kind, quarter, year, form.unit, units)
    return quarter, year


def _checked_rows(form: _Form, table: pd.DataFrame, data: bytes, quarter: str | None, year: int,
                  today: date | None, ledger: Ledger | None, rules: Mapping[str, Any],
                  ) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], list[str]]:
    """The main sheet's rows, the benchmark sheet's rows and the file's notes; any problem rejects the file."""
    check, kind, name = form.check, form.kind, form.check.name
    columns = PROGRESS_REQUIRED if kind == "progress" else PLAN_COLUMNS
    if not check.require_header_on_row_1(columns) or not check.require_columns(columns) or check.errors:
        raise IngestRejected(name, check.errors)
    if not check.grid.rows:
        check.error("没有任何填报行")
    day = china_today() if today is None else today
    rows = progress_rows(check, table, form.unit, quarter or "", day) if kind == "progress" else plan_rows(
        check, table, form.unit, year, day)
    if kind == "progress":
        _check_co_tick(check, rows, form.no_co_work)
    extra, bench_notes = _benchmark_sheets(check, form.workbook, data, table, kind, form.unit, year, quarter, ledger,
                                           rules)
    if check.errors:
        raise IngestRejected(name, check.errors)
    # Notes not stored with a submission row (plan rows, blank co-unit rows) are reported with the file.
    stored = {r["excel_row"] for r in rows} if kind == "progress" else set()
    notes = check.file_notes + [n for number, row_notes in sorted(check.grid.row_notes.items())
                                if number not in stored for n in dict.fromkeys(row_notes)]
    return rows, extra, notes + bench_notes


def _check_co_tick(check: Checker, rows: list[dict[str, Any]], ticked: bool) -> None:
    """A form with no row filled must say 本季度无配合事项; a form that says so fills no co-unit row."""
    if not rows and not ticked:
        check.error(f"没有填报任何任务；配合任务本季度无进展可报的，请在“{CONTACT_PHONE_SHEET}”页"
                    f"“{NO_CO_WORK_LABEL}”处选“是”后报送", column="工作进展")
    for row in rows:
        if ticked and row["role"] == "co":
            check.error(f"已选“{NO_CO_WORK_LABEL}：是”，却填写了配合任务 {row['task_id']}；"
                        "请删去该行内容或改选“否”", row=row["excel_row"], column="工作进展")


def _benchmark_sheets(check: Checker, wb: Any, data: bytes, tasks: pd.DataFrame, kind: str, unit: str, year: int,
                      quarter: str | None, ledger: Ledger | None,
                      rules: Mapping[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The 对标计划 / 指标进展 rows (:mod:`jj123lib.intake.benchmark_sheets`); their problems join ``check.errors``."""
    from jj123lib.intake import benchmark_sheets as bench

    meta = check.grid.meta
    if kind == "plan":
        rows, errors, notes = bench.plan_benchmarks(check.name, wb, data, meta, tasks, unit, year,
                                                    set(as_rules(rules).benchmark_tiers), ledger)
        extra = {} if rows is None else {"benchmark_plan": rows}
    else:
        context = bench.BenchContext(ledger, quarter or "")
        extra, errors, notes = bench.progress_benchmarks(check.name, wb, data, meta, tasks, unit,
                                                         quarter or "", context)
    check.errors.extend(errors)
    return extra, notes


def ingest_files(paths: list[str | os.PathLike[str]], data_dir: str | os.PathLike[str] | None = None, *,
                 tasks: pd.DataFrame | None = None, today: date | None = None,
                 now: datetime | None = None, rules: Mapping[str, Any] | None = None,
                 received: datetime | None = None, by: str | None = None) -> list[FileResult]:
    """Check every file on its own, then record the accepted ones under one lock (``rules``: default file).

    Accepted files are recorded in argument order, except that several files for one unit and
    period are recorded oldest 填报日期 first (:func:`_latest_last`), so the latest becomes current.
    ``now`` stamps the ingest (default: the real clock) and, without ``today``, bounds 填报日期.
    ``received`` is when the office received the files (default: ``now``, the moment of ingest): never
    after ``now``, never before a form's own 填报日期. ``by`` is who took them in.
    """
    if today is None and now is not None:
        today = china_today(now)
    receipt = check_receipt(received, now)
    table = load_tasks() if tasks is None else tasks
    rule_set = as_rules(rules)  # a rules error is the office's, raised before any file is judged
    ledger = Ledger(data_dir)
    ledger.check_schema()  # a newer jj123's ledger stops the whole ingest, not each file as a fault
    demo_dir = is_demo(ledger.data_dir)
    results = [_judge(path, table, demo_dir, today, ledger, rule_set, Receipt(receipt, by, now)) for path in paths]
    accepted = _latest_last([r for r in results if r.status == "accepted"])
    crash_point("ingest.parsed")
    if accepted:
        with ledger.lock():
            crash_point("ingest.locked")
            for result in accepted:
                _commit(ledger, result, now)
    return results


def _judge(path: str | os.PathLike[str], table: pd.DataFrame, demo_dir: bool, today: date | None, ledger: Ledger,
           rules: Mapping[str, Any], receipt: Receipt) -> FileResult:
    """One file read and checked: ``accepted`` (not yet recorded) or ``rejected``, never an exception."""
    try:
        shown = shown_path(path)
    except TextRefused as exc:
        name = excerpt(os.path.basename(os.fspath(path)))
        return FileResult(Path(name), "rejected", [IngestError(name, exc.rule + "，请改用中文或英文文件名后重新报送")])
    try:
        parsed = parse_file(path, table, demo_dir=demo_dir, today=today, ledger=ledger, rules=rules)
        if isinstance(parsed, ParsedFile):
            parsed.receipt = receipt
            check_received_after_dated(parsed.path.name, receipt.received, parsed.rows)
    except IngestRejected as exc:
        return FileResult(shown, "rejected", exc.errors)
    except Exception as exc:  # noqa: BLE001 - one file's unforeseen fault must not stop the others
        incident = record_incident(ledger.data_dir, f"ingest: reading {_loggable(path)} failed unexpectedly", exc)
        return FileResult(shown, "rejected", [IngestError(
            shown.name, f"读取时出现意外错误，未导入；请把该文件和日志交给维护人员检查（{incident.zh()}）")])
    return FileResult(shown, "accepted", parsed=parsed)


def _commit(ledger: Ledger, result: FileResult, now: datetime | None) -> None:
    """Record one accepted file in its own transaction (caller holds the lock); any failure is this file's refusal.

    An unforeseen error (a value SQLite cannot hold raises ``OverflowError``) is logged with its
    traceback and rejects this file only: its transaction and archive copy are rolled back, and
    the files after it are still recorded.
    """
    p = result.parsed
    assert p is not None
    try:
        if isinstance(p, ParsedResponse):
            _record_response(ledger, result, p, now)
        else:
            _record_form(ledger, result, p)
    except Exception as exc:  # noqa: BLE001 - one file's unforeseen fault must not stop the others
        incident = record_incident(ledger.data_dir, f"ingest: recording {_loggable(result.path)} failed unexpectedly",
                                   exc)
        result.status = "rejected"
        result.errors = [IngestError(result.path.name, f"记录到台账时出现意外错误，本文件未导入，台账和存档未改变；"
                                                       f"请把该文件和日志交给维护人员检查（{incident.zh()}）")]


def _loggable(path: str | os.PathLike[str]) -> str:
    """The path as the UTF-8 log can hold it: bytes that are not UTF-8 (a GBK folder name) as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def summary(results: list[FileResult]) -> str:
    """The closing lines of an ingest: the counts, then every file with what became of it, in argument order."""
    outcome = {"accepted": "导入", "duplicate": "重复", "rejected": "退回"}
    counts = {status: sum(r.status == status for r in results) for status in outcome}
    lines = [f"共 {len(results)} 个文件：导入 {counts['accepted']} 个，重复 {counts['duplicate']} 个，"
             f"退回 {counts['rejected']} 个。"]
    lines += [f"  {outcome[r.status]}：{r.path.name}" for r in results]
    return "\n".join(lines)


def _record_form(ledger: Ledger, result: FileResult, p: ParsedFile) -> None:
    """Record a plan or progress form (caller holds the lock); a write failure rejects the file whole."""
    period = str(p.quarter) if p.kind == "progress" else str(p.year)
    before = ledger.current_filenames(p.kind, p.unit, period)
    resaved = p.content_sha256 in ledger.current_contents(p.kind, p.unit, period)
    changes = plan_changes(ledger, p.unit, p.rows) if p.kind == "plan" and not resaved else []
    try:
        # An unchanged re-save is archived and listed, but is no new version.
        added = ledger.add_file(p.record(), p.data, p.rows, new_version=not resaved, extra=p.extra)
    except (sqlite3.Error, ValueError, OSError) as exc:
        # Rolled back with its archive copy (Ledger.add_file); the other files go on.
        reason = os_error_zh(exc) if isinstance(exc, OSError) else _refused(ledger, p.path, exc)
        result.status = "rejected"
        result.errors = [IngestError(p.path.name, f"记录到台账时出错（{reason}），本文件未导入")]
        return
    if added and not resaved:
        result.replaced = before
        if changes:
            result.notices.append(f"本计划自收文之时起适用（已封账发布的季度不受影响），改变了以下计划内容，"
                                  f"共 {len(changes)} 处：")
            result.notices += [f"  {line}" for line in changes]
        warning = (reused_form_warning(str(p.quarter), _latest_dated(p.rows), p.receipt.received or p.receipt.now,
                                       before) if p.kind == "progress" else None)
        if warning:
            result.notices.append(warning)
    else:
        result.status = "duplicate"
        result.current = before
        result.resaved = added


def _latest_dated(rows: list[dict[str, Any]]) -> date | None:
    days = [str(r["report_date"])[:10] for r in rows if r.get("report_date")]
    return date.fromisoformat(max(days)) if days else None


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
