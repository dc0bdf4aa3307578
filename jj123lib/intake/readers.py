"""File readers: the bytes of an .xlsx or CSV form turned into a :class:`Grid` of cells.

Readers only decide whether a file can be read and where each value sits; what a value
may be is checked in :mod:`jj123lib.intake.ingest` with :mod:`jj123lib.core.cells`. A file that cannot
be read raises :class:`IngestRejected` with one Chinese rule.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jj123lib.core.cells import blank, normalize_label
from jj123lib.core.exceptions import IngestError, IngestRejected
from jj123lib.core.files import FileRefused, read_bounded
from jj123lib.core.text import excerpt, text_problem
from jj123lib.intake.formspec import (
    FORM_SHEETS,
    META_SHEET,
    PLAN_COLUMNS,
    PROGRESS_COLUMNS,
    form_name_parts,
    read_form_metadata,
)

__all__ = ["CFB_MAGIC", "MACRO_RULE", "MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_MEMBER_BYTES", "MAX_ROWS",
           "MAX_UNPACKED_BYTES", "Grid", "read_regular_file", "csv_grid", "file_error", "read_xlsx", "sniff_not_xlsx",
           "xlsx_grid"]

# Bounds on what a form can hold, far above any real one (the task table has 48 tasks, a form 14 columns,
# a filled form's package is well under 1 MB). Beyond them a file is refused before any costly work.
MAX_FILE_BYTES = 20 * 1024 * 1024  # bytes read from disk for one file
MAX_MEMBER_BYTES = 20 * 1024 * 1024  # uncompressed size of one part of an .xlsx package (a sheet's XML)
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # uncompressed size of the whole .xlsx package
MAX_ROWS = 1000  # rows of a sheet that are read; content below is refused
MAX_COLUMNS = 64  # columns of a sheet that are read; content to the right is refused

MACRO_RULE = ("是启用宏的工作簿（含 VBA 宏代码），不予导入；请在 Excel/WPS 中“另存为”"
              "“Excel 工作簿（*.xlsx）”后报送")
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted .xlsx
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how Excel stores characters XML cannot hold (_x000D_)


@dataclass
class Grid:
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


def file_error(name: str, rule: str) -> IngestRejected:
    return IngestRejected(name, [IngestError(name, rule)])


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file, at most :data:`MAX_FILE_BYTES`; anything else is refused.

    Read through :func:`jj123lib.core.files.read_bounded`: a FIFO, a device (``/dev/zero``) or a folder
    is refused before a single byte is read.
    """
    name = path.name or str(path)
    try:
        return read_bounded(path, MAX_FILE_BYTES, "填报表")
    except FileRefused as exc:
        if exc.too_big:
            raise file_error(name, f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，远大于一份填报表，不予读取；"
                                   "请只报送 jj123 forms 生成的填报表") from None
        raise file_error(name, exc.problem) from None


def _check_unpacked_sizes(name: str, package: zipfile.ZipFile) -> None:
    """Refuse a package whose declared uncompressed sizes exceed a form's bounds, before inflating anything."""
    total = 0
    for info in package.infolist():
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise file_error(name, f"其中的“{excerpt(info.filename)}”解压后有 {info.file_size // (1024 * 1024)} MB，"
                                   f"超过一份填报表可能的大小（{MAX_MEMBER_BYTES // (1024 * 1024)} MB），不予读取")
    if total > MAX_UNPACKED_BYTES:
        raise file_error(name, f"解压后共 {total // (1024 * 1024)} MB，超过一份填报表可能的大小"
                               f"（{MAX_UNPACKED_BYTES // (1024 * 1024)} MB），不予读取")


def sniff_not_xlsx(data: bytes) -> str:
    """What a file that is not a zip package most likely is, as a Chinese rule."""
    head = data[:512].lstrip()
    if data.startswith(CFB_MAGIC):
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


def read_xlsx(name: str, data: bytes) -> tuple[Any, dict[str, str]]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK"):
            raise file_error(name, "文件不完整（可能在复制、下载或保存时被截断），无法读取，请重新导出后报送")
        raise file_error(name, sniff_not_xlsx(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            _check_unpacked_sizes(name, package)
            bad_member = package.testzip()
    except IngestRejected:
        raise
    except Exception:  # noqa: BLE001 - CRC, zlib, truncated member: all mean a damaged package
        raise file_error(name, "文件已损坏（压缩包无法解开），无法作为 .xlsx 读取，请重新保存后报送") from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise file_error(name, "是 Word 文档（.docx），不是电子表格；请报送填好的 .xlsx 表格")
        if any(n.startswith("ppt/") for n in names):
            raise file_error(name, "是 PowerPoint 演示文稿，不是电子表格；请报送填好的 .xlsx 表格")
        if "content.xml" in names:
            raise file_error(name, "是 OpenDocument（.ods）表格，无法读取；请另存为 .xlsx 格式后报送")
        raise file_error(name, "是压缩包，不是 .xlsx 表格；请直接报送填好的 .xlsx 文件")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise file_error(name, MACRO_RULE)
    if bad_member is not None:
        raise file_error(name, f"文件已损坏（其中的“{excerpt(bad_member)}”校验失败），无法读取，请重新保存后报送")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged packages
        what = "表格内部的 XML 内容有误" if isinstance(exc, ParseError) else "表格内部结构不完整或不合规范"
        raise file_error(name, f"文件已损坏或不完整，无法作为 .xlsx 读取（{what}）") from None
    if META_SHEET in wb.sheetnames:
        meta_sheet = wb[META_SHEET]
        if isinstance(meta_sheet, Worksheet) and meta_sheet.max_column != 2:
            raise file_error(name, f"表单信息（隐藏工作表“{META_SHEET}”）被改动：应为“键、值”两列，现为 "
                                   f"{meta_sheet.max_column} 列；请使用 jj123 forms 生成的表格重新填报")
    return wb, read_form_metadata(wb)


def _formulas(data: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """``(row, column) → formula`` of the sheet, read only when the package holds any formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if not any(b"<f" in package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/")):
            return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(data), data_only=False)
    if sheet_name not in wb.sheetnames:
        return {}
    ws = wb[sheet_name]
    assert isinstance(ws, Worksheet)
    return {(row, column): str(c.value) for (row, column), c in ws._cells.items()
            if c.data_type == "f" and row <= MAX_ROWS and column <= MAX_COLUMNS}


def _refuse_content_beyond_bounds(name: str, ws: Worksheet) -> None:
    """Content below :data:`MAX_ROWS` or right of :data:`MAX_COLUMNS` is refused; stray blanks there are ignored.

    Only the cells stored in the sheet are looked at, so a value typed at row 1,048,576
    costs one cell, not a million rows.
    """
    beyond = sorted((row, column) for (row, column), c in ws._cells.items()
                    if (row > MAX_ROWS or column > MAX_COLUMNS) and not blank(c.value))
    if beyond:
        row, column = beyond[0]
        value = excerpt(ws._cells[(row, column)].value)
        raise file_error(name, f"工作表“{ws.title}”第 {row} 行 {get_column_letter(column)} 列有内容“{value}”，"
                               f"超出填报表的范围（只读取前 {MAX_ROWS} 行、前 {MAX_COLUMNS} 列）；"
                               "请删除表格之外的内容后重新报送")


def _unescape(text: str) -> tuple[str, bool]:
    """Excel's ``_xHHHH_`` escapes decoded; ``(text, ok)``, ``ok`` False when a lone surrogate remains.

    A lone surrogate cannot be stored or printed; it is replaced by U+FFFD so the rest of
    the checks can run, and the caller refuses the cell.
    """
    decoded = _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    try:  # a escaped surrogate pair (_xD83D__xDE00_) is one valid character
        return decoded.encode("utf-16", "surrogatepass").decode("utf-16"), True
    except UnicodeDecodeError:
        return _LONE_SURROGATE.sub("\ufffd", decoded), False


def xlsx_grid(name: str, wb: Any, sheet_name: str, meta: dict[str, str], data: bytes,
               expected: tuple[str, ...]) -> Grid:
    ws = _form_worksheet(name, wb, sheet_name)
    _refuse_content_beyond_bounds(name, ws)
    n_rows, n_columns = min(ws.max_row, MAX_ROWS), min(ws.max_column, MAX_COLUMNS)
    grid = Grid(sheet_name, {}, [], meta)
    extra_sheets = [n for n in wb.sheetnames if n not in FORM_SHEETS]
    if extra_sheets:
        grid.file_notes.append("另有工作表" + "、".join(f"“{n}”" for n in extra_sheets)
                               + f"，未读取（只读取“{sheet_name}”，原文件已存档）")
    labels = _read_header(grid, next(ws.iter_rows(min_row=1, max_row=1, max_col=n_columns)), expected)
    for merged in ws.merged_cells.ranges:
        grid.problems.append((merged.min_row, _column_name(labels, merged.min_col), None,
                              f"是合并单元格（{merged.coord}），请取消合并、每格单独填写后重新报送"))
    formulas = _formulas(data, sheet_name)
    for number, cells in enumerate(ws.iter_rows(min_row=2, max_row=n_rows, max_col=n_columns), start=2):
        _read_row(grid, ws, number, cells, labels, formulas)
    return grid


def _form_worksheet(name: str, wb: Any, sheet_name: str) -> Worksheet:
    """The form's sheet of the workbook; a missing sheet or a chart sheet is refused."""
    if sheet_name not in wb.sheetnames:
        found = "、".join(f"“{n}”" for n in wb.sheetnames if n != "_meta")
        raise file_error(name, f"缺少工作表“{sheet_name}”（文件中的工作表为：{found}；请勿修改工作表名称）")
    ws = wb[sheet_name]
    if not isinstance(ws, Worksheet):
        raise file_error(name, f"“{sheet_name}”是图表页，不是工作表，请使用下发的表格填报")
    return ws


def _column_name(labels: dict[int, str], column: int) -> str:
    """The label of a (1-based) column, or its letter when the header cell is blank."""
    return labels.get(column - 1) or f"{get_column_letter(column)}列（无列名）"


def _read_header(grid: Grid, cells: tuple[Cell | MergedCell, ...], expected: tuple[str, ...]) -> dict[int, str]:
    """Read row 1 into ``grid.header`` (first column of each label), noting what differs from the form.

    Returns every non-blank header cell's label by 0-based column, duplicates included.
    """
    labels: dict[int, str] = {}
    first_seen: dict[str, int] = {}
    for column, cell in enumerate(cells, start=1):
        grid.header_row_values.append(cell.value)
        if blank(cell.value):
            continue
        label = normalize_label(str(cell.value))
        labels[column - 1] = label
        if label in expected and re.sub(r"\s+", "", str(cell.value)) != label:
            grid.file_notes.append(f"表头“{str(cell.value).strip()}”按“{label}”读取")
        if label in first_seen:
            grid.problems.append((1, label, None, f"表头重复出现（第 {get_column_letter(first_seen[label] + 1)} 列和第 "
                                                  f"{get_column_letter(column)} 列），请删除多余的列"))
        else:
            first_seen[label] = column - 1
    grid.header = dict(first_seen)
    present = [label for label in first_seen if label in expected]
    if present != [label for label in expected if label in first_seen]:
        grid.file_notes.append("列的顺序与下发表格不同，已按列名读取")
    extra = [label for label in first_seen if label not in expected]
    if extra:
        grid.file_notes.append("多出的列" + "、".join(f"“{c}”" for c in extra) + "未导入（原文件已存档）")
    return labels


def _read_row(grid: Grid, ws: Worksheet, number: int, cells: tuple[Cell | MergedCell, ...],
              labels: dict[int, str], formulas: dict[tuple[int, int], str]) -> None:
    """Add sheet row ``number`` to ``grid`` (rows, notes, problems); a blank row only counts in ``later_rows``."""
    values = _cell_values(grid, number, cells, labels)
    if number <= 3:
        grid.later_rows.append(values)
    if all(blank(v) for v in values):
        return
    notes = _cell_notes(grid, number, cells, labels, formulas)
    if ws.row_dimensions[number].hidden:
        notes.append(f"第 {number} 行是隐藏行，已照常读取，请核对")
    if notes:
        grid.row_notes[number] = notes
    flags = [bool(c.number_format and "%" in str(c.number_format)) for c in cells]
    grid.rows.append((number, values, flags))


def _cell_values(grid: Grid, number: int, cells: tuple[Cell | MergedCell, ...], labels: dict[int, str]) -> list[Any]:
    """The row's values, text with Excel's escapes decoded; a lone surrogate is a problem of the cell."""
    values: list[Any] = []
    for column, c in enumerate(cells, start=1):
        if isinstance(c.value, str):
            text, ok = _unescape(c.value)
            if not ok:
                grid.problems.append((number, _column_name(labels, column), None,
                                      "含无法保存的字符（Excel 转义写法 _xD800_ 之类的孤立代理字符），"
                                      "请删除该字符后重新报送"))
            elif (problem := text_problem(text, controls=False)) is not None:  # controls: removed with a note
                grid.problems.append((number, _column_name(labels, column), excerpt(text),
                                      problem + "，请删除该字符后重新报送"))
            values.append(text)
        else:
            values.append(c.value)
    return values


def _cell_notes(grid: Grid, number: int, cells: tuple[Cell | MergedCell, ...], labels: dict[int, str],
                formulas: dict[tuple[int, int], str]) -> list[str]:
    """Notes on the row's cells outside the table or holding formulas; error values and formulas
    without a result are added to ``grid.problems``."""
    notes: list[str] = []
    for column, c in enumerate(cells, start=1):
        formula = formulas.get((number, column))
        if blank(c.value) and formula is None:
            continue
        if column - 1 not in labels:
            notes.append(f"第 {number} 行 {get_column_letter(column)} 列（表格之外，无列名）的内容"
                         f"“{excerpt(c.value)}”未导入")
        elif c.data_type == "e":
            grid.problems.append((number, _column_name(labels, column), c.value,
                                  "是错误值（常见原因：以 = 开头的文字被当作公式），请直接填写数值或文字"))
        elif formula is not None:
            if blank(c.value):
                grid.problems.append((number, _column_name(labels, column), formula,
                                      "是公式，没有计算结果；请直接填写数值或文字（以 = 开头的文字会被当作公式）"))
            else:
                notes.append(f"第 {number} 行“{_column_name(labels, column)}”是公式 {excerpt(formula)}，"
                             f"按其计算结果“{excerpt(c.value)}”读取")
    return notes


def _decode_csv(name: str, data: bytes) -> str:
    if data.startswith(b"PK"):
        raise file_error(name, "内容是 .xlsx 表格，扩展名却是 .csv；请把扩展名改回 .xlsx 后报送")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 3 and (data[1::2].count(0) > len(data) // 4
                                                                          or data[0::2].count(0) > len(data) // 4)):
        raise file_error(name, "编码为 UTF-16（Excel 的“Unicode 文本”），无法读取；"
                                "请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”后报送")
    if b"\x00" in data or data.startswith(CFB_MAGIC):
        raise file_error(name, "不是文本 CSV 文件（含二进制内容），无法读取")
    for encoding in ("utf-8-sig", "gbk", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_error(name, "无法识别文件编码（CSV 应为 UTF-8 或 GBK 编码），请另存为“CSV UTF-8（逗号分隔）”后报送")


def csv_grid(name: str, data: bytes, units: Iterable[str] = ()) -> tuple[Grid, str]:
    """The CSV's grid and kind: from its 季度/年度 column, else from the form's file name
    (a clerk's "Save As CSV" of the form keeps the name but has no such columns)."""
    text = _decode_csv(name, data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error:  # csv's own message is English: say where instead
        raise file_error(name, f"CSV 格式错误（第 {reader.line_num} 行附近，引号不成对或文件不完整），"
                               "请重新导出后报送") from None
    if not records or not any(c.strip() for c in records[0]):
        raise file_error(name, "CSV 文件为空，没有表头")
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
        raise file_error(name, "第 1 行表头无法识别（没有“任务编号”“季度”等列名）：" + hint
                                + "可能是文件编码不对（应为 UTF-8 或 GBK，而不是 Big5 等）或不是本系统的填报表；"
                                "请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”后报送")
    if "季度" in header:
        kind = "progress"
    elif "年度" in header:
        kind = "plan"
    elif (named := form_name_parts(name, units)) is not None:
        kind = named[0]
    else:
        raise file_error(name, "CSV 文件须包含“季度”和“填报单位”两列（年度计划为“年度”和“填报单位”），"
                                "用于确定填报季度和单位；或保留表格原来的文件名"
                                "（如“2026Q3_住建局_进度填报.csv”）另存为 CSV")
    rows = []
    for number, values in enumerate(records[1:], start=2):
        if all(not v.strip() for v in values):
            continue
        for index, value in enumerate(values):
            if (problem := text_problem(value, controls=False)) is not None:  # controls: removed with a note
                label = next((k for k, i in header.items() if i == index), f"第 {index + 1} 列（无列名）")
                problems.append((number, label, excerpt(value), problem + "，请删除该字符后重新报送"))
        rows.append((number, list(values), [False] * len(values)))
    grid = Grid(None, header, rows, {}, problems=problems, header_row_values=list(records[0]),
                 later_rows=[list(r) for r in records[1:3]], source="csv")
    return grid, kind
