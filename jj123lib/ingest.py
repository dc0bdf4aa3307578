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
* Hardening (issue 5, ``docs/reliability.md``): leading/trailing spaces and invisible control
  characters are removed with a note; text cells hold at most :data:`MAX_TEXT` characters
  (longer is rejected, never cut); merged cells, error values, formulas without a result,
  duplicated headers, a header that is not on row 1, encrypted or old-format workbooks,
  non-spreadsheets, mis-encoded CSV and a file name contradicting the form's own quarter or
  unit are rejected with a message naming where; hidden rows are read (noted), extra sheets
  and extra columns are ignored (noted), reordered columns are read by their labels.
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

from jj123lib.crashpoints import crash_point
from jj123lib.datadir import is_demo
from jj123lib.exceptions import IngestError, IngestRejected, ParameterError
from jj123lib.forms import (
    FORM_VERSION,
    HELP_SHEET,
    META_SHEET,
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
           "parse_date", "clean_text", "MAX_TEXT"]

MAX_TEXT = 2000  # characters per free-text cell; beyond that the cell is rejected, never truncated
MAX_NAME = 50  # characters in 填报人
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FILE_QUARTER = re.compile(r"(20\d\d)\s*[Qq]\s*([1-4])")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how Excel stores characters XML cannot hold (_x000D_)
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
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
    notes: list[str] = field(default_factory=list)  # file-level notes (extra sheets, plan-cell normalisations…)

    @property
    def normalizations(self) -> list[str]:
        return self.notes + [n for r in self.rows for n in r.get("normalizations") or []]

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
    replaced: list[str] = field(default_factory=list)  # files this one superseded (accepted)
    current: list[str] = field(default_factory=list)  # files that stay current instead (duplicate)

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


def clean_text(value: str) -> tuple[str, list[str]]:
    """Text as stored: line breaks unified, invisible control characters removed, ends trimmed.

    Returns ``(text, what_was_done)``; tab and line feed are kept, bidi and zero-width
    characters are kept verbatim (they are shown, never interpreted).
    """
    done: list[str] = []
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    controls = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)})
    if controls:
        text = _CONTROL.sub("", text)
        done.append("删除了不可见的控制字符 " + "、".join(controls))
    stripped = text.strip()
    if stripped != text:
        done.append("去除了首尾空格或空行")
    return stripped, done


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
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 36526 <= value <= 55153:
        return (datetime(1899, 12, 30) + pd.Timedelta(days=int(value))).date()  # Excel serial day, 2000–2050
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
    file_notes: list[str] = field(default_factory=list)
    row_notes: dict[int, list[str]] = field(default_factory=dict)
    # (row, column label, value, rule) found while reading: merged cells, error values, duplicate headers…
    problems: list[tuple[int | None, str | None, Any, str]] = field(default_factory=list)
    header_row_values: list[Any] = field(default_factory=list)
    later_rows: list[list[Any]] = field(default_factory=list)  # rows 2–3 as read (to spot a misplaced header)
    source: str = "xlsx"


def _file_error(name: str, rule: str) -> IngestRejected:
    return IngestRejected(name, [IngestError(name, rule)])


def _sniff_not_xlsx(data: bytes) -> str:
    """What a file that is not a zip package most likely is, as a Chinese rule."""
    head = data[:512].lstrip()
    if data.startswith(_CFB_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            return ("设置了打开密码（文件已加密），无法读取；请在 Excel/WPS 中取消密码（文件→信息→保护工作簿→"
                    "用密码进行加密，清空密码；WPS：文件→文档加密→密码加密，清空）后重新保存为 .xlsx 报送")
        return "是旧版 Excel 97-2003（.xls）格式，无法读取；请在 Excel/WPS 中“另存为” .xlsx 格式后报送"
    if data.startswith(b"%PDF"):
        return "是 PDF 文件，不是电子表格；请报送填好的 .xlsx 表格"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "是图片，不是电子表格；请报送填好的 .xlsx 表格，不要截图或拍照"
    if head[:100].lower().startswith((b"<!doctype html", b"<html", b"<?xml", b"mime-version")):
        return "是网页或 XML 格式（可能是“另存为网页”得到的），不是 .xlsx 表格；请在 Excel/WPS 中另存为 .xlsx 格式"
    return "不是电子表格文件（.xlsx），无法读取"


def _read_xlsx(name: str, data: bytes) -> tuple[Any, dict[str, str]]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK"):
            raise _file_error(name, "文件不完整（可能在复制、下载或保存时被截断），无法读取，请重新导出后报送")
        raise _file_error(name, _sniff_not_xlsx(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            bad_member = package.testzip()
    except Exception:  # noqa: BLE001 - CRC, zlib, truncated member: all mean a damaged package
        raise _file_error(name, "文件已损坏（压缩包无法解开），无法作为 .xlsx 读取，请重新保存后报送") from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise _file_error(name, "是 Word 文档（.docx），不是电子表格；请报送填好的 .xlsx 表格")
        if any(n.startswith("ppt/") for n in names):
            raise _file_error(name, "是 PowerPoint 演示文稿，不是电子表格；请报送填好的 .xlsx 表格")
        if "content.xml" in names:
            raise _file_error(name, "是 OpenDocument（.ods）表格，无法读取；请另存为 .xlsx 格式后报送")
        raise _file_error(name, "是压缩包，不是 .xlsx 表格；请直接报送填好的 .xlsx 文件")
    if bad_member is not None:
        raise _file_error(name, f"文件已损坏（其中的“{bad_member}”校验失败），无法读取，请重新保存后报送")
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged packages
        raise _file_error(name, f"文件已损坏或不完整，无法作为 .xlsx 读取（{type(exc).__name__}）") from None
    return wb, read_form_metadata(wb)


def _formulas(data: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """``(row, column) → formula`` of the sheet, read only when the package holds any formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if not any(b"<f" in package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/")):
            return {}
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(data), data_only=False)
    if sheet_name not in wb.sheetnames:
        return {}
    return {(c.row, c.column): str(c.value) for row in wb[sheet_name].iter_rows() for c in row
            if c.data_type == "f"}


def _xlsx_grid(name: str, wb: Any, sheet_name: str, meta: dict[str, str], data: bytes,
               expected: tuple[str, ...]) -> _Grid:
    from openpyxl.utils import get_column_letter

    if sheet_name not in wb.sheetnames:
        found = "、".join(f"“{n}”" for n in wb.sheetnames if n != "_meta")
        raise _file_error(name, f"缺少工作表“{sheet_name}”（文件中的工作表为：{found}；请勿修改工作表名称）")
    ws = wb[sheet_name]
    grid = _Grid(sheet_name, {}, [], meta)
    extra_sheets = [n for n in wb.sheetnames if n not in (PROGRESS_SHEET, PLAN_SHEET, HELP_SHEET, META_SHEET)]
    if extra_sheets:
        grid.file_notes.append("另有工作表" + "、".join(f"“{n}”" for n in extra_sheets)
                               + f"，未读取（只读取“{sheet_name}”，原文件已存档）")
    labels: dict[int, str] = {}
    first_seen: dict[str, int] = {}
    for cell in ws[1]:
        grid.header_row_values.append(cell.value)
        if _blank(cell.value):
            continue
        label = normalize_label(str(cell.value))
        labels[cell.column - 1] = label
        if label in expected and re.sub(r"\s+", "", str(cell.value)) != label:
            grid.file_notes.append(f"表头“{str(cell.value).strip()}”按“{label}”读取")
        if label in first_seen:
            grid.problems.append((1, label, None, f"表头重复出现（第 {get_column_letter(first_seen[label] + 1)} 列和第 "
                                                  f"{get_column_letter(cell.column)} 列），请删除多余的列"))
        else:
            first_seen[label] = cell.column - 1
    grid.header = dict(first_seen)
    present = [label for label in first_seen if label in expected]
    if present != [label for label in expected if label in first_seen]:
        grid.file_notes.append("列的顺序与下发表格不同，已按列名读取")
    extra = [label for label in first_seen if label not in expected]
    if extra:
        grid.file_notes.append("多出的列" + "、".join(f"“{c}”" for c in extra) + "未导入（原文件已存档）")

    def label_of(column: int) -> str:
        return labels.get(column - 1) or f"{get_column_letter(column)}列（无列名）"

    for merged in ws.merged_cells.ranges:
        grid.problems.append((merged.min_row, label_of(merged.min_col), None,
                              f"是合并单元格（{merged.coord}），请取消合并、每格单独填写后重新报送"))
    formulas = _formulas(data, sheet_name)
    for cells in ws.iter_rows(min_row=2):
        values = [_OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), c.value) if isinstance(c.value, str)
                  else c.value for c in cells]
        if cells and cells[0].row <= 3:
            grid.later_rows.append(values)
        if all(_blank(v) for v in values):
            continue
        number = cells[0].row
        notes: list[str] = []
        for c in cells:
            if _blank(c.value) and (c.row, c.column) not in formulas:
                continue
            if c.column - 1 not in labels:
                shown = str(c.value)
                shown = shown if len(shown) <= 30 else shown[:29] + "…"
                letter = get_column_letter(c.column)
                notes.append(f"第 {number} 行 {letter} 列（表格之外，无列名）的内容“{shown}”未导入")
            elif c.data_type == "e":
                grid.problems.append((number, label_of(c.column), c.value,
                                      "是错误值（常见原因：以 = 开头的文字被当作公式），请直接填写数值或文字"))
            elif (c.row, c.column) in formulas:
                formula = formulas[(c.row, c.column)]
                if _blank(c.value):
                    grid.problems.append((number, label_of(c.column), formula,
                                          "是公式，没有计算结果；请直接填写数值或文字（以 = 开头的文字会被当作公式）"))
                else:
                    notes.append(f"第 {number} 行“{label_of(c.column)}”是公式 {formula}，按其计算结果“{c.value}”读取")
        if ws.row_dimensions[number].hidden:
            notes.append(f"第 {number} 行是隐藏行，已照常读取，请核对")
        if notes:
            grid.row_notes[number] = notes
        flags = [bool(c.number_format and "%" in str(c.number_format)) for c in cells]
        grid.rows.append((number, values, flags))
    return grid


def _decode_csv(name: str, data: bytes) -> str:
    if data.startswith(b"PK"):
        raise _file_error(name, "内容是 .xlsx 表格，扩展名却是 .csv；请把扩展名改回 .xlsx 后报送")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 3 and (data[1::2].count(0) > len(data) // 4
                                                                          or data[0::2].count(0) > len(data) // 4)):
        raise _file_error(name, "编码为 UTF-16（Excel 的“Unicode 文本”），无法读取；"
                                "请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”后报送")
    if b"\x00" in data or data.startswith(_CFB_MAGIC):
        raise _file_error(name, "不是文本 CSV 文件（含二进制内容），无法读取")
    for encoding in ("utf-8-sig", "gbk", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(name, "无法识别文件编码（CSV 应为 UTF-8 或 GBK 编码），请另存为“CSV UTF-8（逗号分隔）”后报送")


def _csv_grid(name: str, data: bytes) -> tuple[_Grid, str]:
    text = _decode_csv(name, data)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise _file_error(name, f"CSV 格式错误，文件可能不完整（{exc}）") from None
    if not records or not any(c.strip() for c in records[0]):
        raise _file_error(name, "CSV 文件为空，没有表头")
    header: dict[str, int] = {}
    problems: list[tuple[int | None, str | None, Any, str]] = []
    for index, label in enumerate(records[0]):
        if label.strip():
            key = normalize_label(label)
            if key in header:
                problems.append((1, key, None,
                                 f"表头重复出现（第 {header[key] + 1} 列和第 {index + 1} 列），请删除多余的列"))
            else:
                header[key] = index
    known = set(PROGRESS_COLUMNS) | set(PLAN_COLUMNS) | {"季度", "年度", "填报单位"}
    if not known & set(header):
        first = records[0][0] if len(records[0]) == 1 else ""
        hint = "分隔符不是逗号（是分号或制表符），" if (";" in first or "\t" in first) else ""
        raise _file_error(name, "第 1 行表头无法识别（没有“任务编号”“季度”等列名）：" + hint
                                + "可能是文件编码不对（应为 UTF-8 或 GBK，而不是 Big5 等）或不是本系统的填报表；"
                                "请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”后报送")
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
    grid = _Grid(None, header, rows, {}, problems=problems, header_row_values=list(records[0]),
                 later_rows=[list(r) for r in records[1:3]], source="csv")
    return grid, kind


# ------------------------------------------------------------------ validation
class _Checker:
    def __init__(self, name: str, grid: _Grid) -> None:
        self.name = name
        self.grid = grid
        self.errors: list[IngestError] = []
        self.file_notes: list[str] = list(grid.file_notes)
        for row, column, value, rule in grid.problems:
            self.error(rule, row=row, column=column, value=value)

    def text(self, values: list[Any], label: str, number: int, notes: list[str], limit: int = MAX_TEXT) -> str | None:
        """A text cell, cleaned (see :func:`clean_text`), with what was cleaned noted; over ``limit`` → error."""
        raw = self.cell(values, label)
        if _blank(raw):
            return None
        if isinstance(raw, datetime):
            raw = raw.date().isoformat()
        if not isinstance(raw, str):
            return _text(raw)
        text, done = clean_text(raw)
        if done:
            notes.append(f"第 {number} 行“{label}”" + "，".join(done))
        if not text:
            return None
        if len(text) > limit:
            self.error(f"长度为 {len(text)} 字，超过 {limit} 字的上限；请精简后重新报送（系统不会自动截断）",
                       row=number, column=label)
            return None
        return text

    def require_header_on_row_1(self, columns: tuple[str, ...]) -> bool:
        """A title row inserted above the header is the commonest hand edit: say so instead of listing every column."""
        if any(c in self.grid.header for c in columns):
            return True
        for offset, values in enumerate(self.grid.later_rows, start=2):
            labels = {normalize_label(str(v)) for v in values if not _blank(v)}
            if len(labels & set(columns)) >= len(columns) // 2:
                self.error(f"不是表头（表头在第 {offset} 行）；请删除表头上方插入的行，表头须在第 1 行", row=1)
                return False
        return True

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
    title = _text(check.cell(values, "任务名称"))
    if title is None or re.sub(r"\s+", "", title) != re.sub(r"\s+", "", task.title):
        check.error(f"与任务清单中的名称“{task.title}”不一致（预填列不得修改）", row=number, column="任务名称",
                    value=title)
    units_text = _text(check.cell(values, "责任单位"))
    if units_text is None or re.sub(r"\s+", "", units_text) != UNIT_SEPARATOR.join(task.units):
        check.error(f"与任务清单中的责任单位“{UNIT_SEPARATOR.join(task.units)}”不一致（预填列不得修改）",
                    row=number, column="责任单位", value=units_text)
    return task


def _check_reporter_date(check: _Checker, number: int, values: list[Any], year: int,
                         not_before: date | None = None) -> tuple[str | None, str | None]:
    notes = check.grid.row_notes.setdefault(number, [])
    n_errors = len(check.errors)
    reporter = check.text(values, "填报人", number, notes, limit=MAX_NAME)
    if reporter is None and len(check.errors) == n_errors:
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
            elif not_before is not None and parsed < not_before:
                check.error(f"早于本季度开始日期 {not_before.isoformat()}（可能沿用了以前季度的表格），请核对",
                            row=number, column="填报日期", value=parsed.isoformat())
            else:
                when = parsed.isoformat()
                if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    notes.append(f"第 {number} 行“填报日期”为 Excel 日期序号 {raw:g}，按 {when} 读取")
                elif isinstance(raw, str) and raw.strip() != when:
                    notes.append(f"第 {number} 行“填报日期”“{raw.strip()}”按 {when} 读取")
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
    if note is None and isinstance(raw, str) and check.grid.source == "xlsx":
        note = f"“{raw}”（以文本形式填写的数字）按 {value:g} 计"
    if note:
        notes.append(f"第 {number} 行“{label}”{note}")
    return value


def _progress_rows(check: _Checker, tasks: pd.DataFrame, unit: str, quarter: str) -> list[dict[str, Any]]:
    year, q = parse_quarter(quarter)
    quarter_start = date(year, 3 * q - 2, 1)
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
        notes = check.grid.row_notes.setdefault(number, [])
        pct = _percent(check, number, values, flags, "实际累计进度(%)", notes)
        if lead and pct is None and _blank(check.cell(values, "实际累计进度(%)")):
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
        if texts["progress"] is None and _blank(check.cell(values, "工作进展")):
            check.error("工作进展不能为空", row=number, column="工作进展")
        if lead and texts["next_steps"] is None and _blank(check.cell(values, "下步计划")):
            check.error("牵头单位必须填写下步计划", row=number, column="下步计划")
        reporter, when = _check_reporter_date(check, number, values, year, not_before=quarter_start)
        out.append({"sheet": check.grid.sheet, "excel_row": number, "task_id": task.task_id,
                    "role": "lead" if lead else "co", "actual_pct": pct, "milestone_met": met,
                    "self_status": status, **texts, "reporter": reporter, "report_date": when,
                    "normalizations": list(dict.fromkeys(notes))})
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
        notes = check.grid.row_notes.setdefault(number, [])
        previous: float | None = None
        for q in range(1, 5):
            m_label, p_label = plan_quarter_columns(q)
            milestone = check.text(values, m_label, number, notes)
            if milestone is None:
                if _blank(check.cell(values, m_label)):
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
        sheet_name, expected = (PROGRESS_SHEET, PROGRESS_COLUMNS) if kind == "progress" else (PLAN_SHEET, PLAN_COLUMNS)
        grid = _xlsx_grid(name, wb, sheet_name, meta, data, expected)
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
    elif data.startswith(_CFB_MAGIC):
        raise _file_error(name, _sniff_not_xlsx(data))
    else:
        shown = f"“.{ext}”" if ext else "（没有扩展名）"
        raise _file_error(name, f"不是支持的文件类型{shown}：应为 .xlsx 电子表格或 .csv；"
                                "WPS 表格（.et）、.xls、.ods 等请另存为 .xlsx 格式后报送")

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
    _check_file_name(check, kind, quarter, year, unit, units)

    columns = PROGRESS_COLUMNS if kind == "progress" else PLAN_COLUMNS
    if not check.require_header_on_row_1(columns) or not check.require_columns(columns) or check.errors:
        raise IngestRejected(name, check.errors)
    if not grid.rows:
        check.error("没有任何填报行")
    rows = _progress_rows(check, table, unit, quarter or "") if kind == "progress" else _plan_rows(
        check, table, unit, year)
    if check.errors:
        raise IngestRejected(name, check.errors)
    # Notes not stored with a submission row (plan rows, blank co-unit rows) are reported with the file.
    stored = {r["excel_row"] for r in rows} if kind == "progress" else set()
    notes = check.file_notes + [n for number, row_notes in sorted(grid.row_notes.items()) if number not in stored
                                for n in dict.fromkeys(row_notes)]
    return ParsedFile(source, data, sha, ext, kind, unit, year, quarter, source_format, form_version, demo, rows,
                      notes)


def _check_file_name(check: _Checker, kind: str, quarter: str | None, year: int, unit: str, units: list[str]) -> None:
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
    accepted = _latest_last([r for r in results if r.status == "accepted"])
    crash_point("ingest.parsed")
    if accepted:
        with ledger.lock():
            crash_point("ingest.locked")
            for result in accepted:
                p = result.parsed
                assert p is not None
                period = p.quarter if p.kind == "progress" else str(p.year)
                before = ledger.current_filenames(p.kind, p.unit, period)
                added = ledger.add_file(p.record(), p.data, p.rows)
                if added:
                    result.replaced = before
                else:
                    result.status = "duplicate"
                    result.current = before
    return results


def _latest_last(accepted: list[FileResult]) -> list[FileResult]:
    """Order files so that, of several from one unit for one period, the latest 填报日期 is recorded last.

    Otherwise the command line's order (a shell glob puts "表 (1).xlsx" before "表.xlsx")
    would decide which version is current. Other files keep their order.
    """
    def group(r: FileResult) -> tuple[str, str, str]:
        p = r.parsed
        assert p is not None
        return p.kind, p.unit, str(p.quarter if p.kind == "progress" else p.year)

    def latest_date(r: FileResult) -> str:
        assert r.parsed is not None
        return max((str(row.get("report_date") or "") for row in r.parsed.rows), default="")

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
