"""The bad-input corpus: what really arrives from units, generated from genuine forms and then mangled.

Every case starts from a freshly generated, correctly filled progress form (``jj123lib.intake.forms``
through ``ledger_helpers.filled_progress``) and changes one thing the way hands, Excel, WPS,
e-mail or a USB stick do. Each case states the decision a careful clerk wants:

* ``accept`` — take the file, normalise, and say in the ingest message what was normalised
  (``notes``); ``stored`` checks the values that reached the ledger;
* ``reject`` — refuse the whole file with a Chinese message naming file, sheet, row and column
  (``where``) and the rule (``fragments``); the ledger stays byte-for-byte unchanged;
* ``duplicate`` — the same bytes again: nothing changes, and the message says so.

``tests/intake/test_bad_inputs.py`` runs every case through ``jj123 ingest``; ``docs/reliability.md``
quotes the count (a test keeps the two in step).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import msoffcrypto

from jj123lib.core.cells import MAX_TEXT
from jj123lib.intake.forms import PROGRESS_COLUMNS, PROGRESS_SHEET, header_columns, load_form
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import TASKS, filled_progress

UNIT = "陈埭镇"  # leads N08, P15, P16, B22, B23 (rows 2–6); co-unit on B24 (row 7)
QUARTER = "2026Q3"
NAME = f"{QUARTER}_{UNIT}_进度填报.xlsx"
SHEET = PROGRESS_SHEET
ROW = {"N08": 2, "P15": 3, "P16": 4, "B22": 5, "B23": 6, "B24": 7}
COL = {label: chr(ord("A") + i) for i, label in enumerate(PROGRESS_COLUMNS)}  # 14 columns: A–N
STATUSES_LIST = "已完成、超进度、达进度、欠进度"

Where = tuple[str | None, int | None, str | None]  # (sheet, row, column) the message must name


@dataclass(frozen=True)
class Case:
    name: str
    category: str  # the wording of what happens in real life
    build: Callable[[Path], Path]  # folder -> the file to ingest
    outcome: str  # accept | reject | duplicate
    fragments: tuple[str, ...] = ()  # must appear in the message (reject) or the normalisation notes (accept)
    where: Where | None = None
    stored: Callable[[Ledger], None] | None = None
    decision: str = ""


# ------------------------------------------------------------------ building blocks
def genuine(folder: Path, changes: dict[str, dict[str, Any]] | None = None, *, unit: str = UNIT,
            quarter: str = QUARTER, name: str | None = None, demo: bool = False) -> Path:
    return filled_progress(folder, unit, quarter, changes=changes, name=name, demo=demo)


def edited(folder: Path, edit: Callable[[Any, dict[str, int]], None], **kwargs: Any) -> Path:
    """A genuine form, opened in "Excel" (openpyxl), edited, saved again."""
    path = genuine(folder, **kwargs)
    wb = load_form(path)
    ws = wb[SHEET]
    edit(ws, header_columns(ws))
    wb.save(path)
    return path


def patched_xml(folder: Path, cell: str, new_xml: str, **kwargs: Any) -> Path:
    """A genuine form whose sheet XML has one cell element replaced (what Excel writes that openpyxl cannot)."""
    path = genuine(folder, **kwargs)
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as package:
        items = {n: package.read(n) for n in package.namelist()}
    xml = items[member].decode("utf-8")
    xml, count = re.subn(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)', new_xml, xml, count=1)
    assert count == 1, cell
    items[member] = xml.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for n, data in items.items():
            package.writestr(n, data)
    path.write_bytes(buffer.getvalue())
    return path


def raw_file(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def csv_text(folder: Path, changes: dict[str, dict[str, Any]] | None = None, quarter_col: str = QUARTER) -> str:
    """The genuine form's content as CSV with the 季度/填报单位 columns."""
    ws = load_form(genuine(folder / "src", changes))[SHEET]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["季度", "填报单位", *PROGRESS_COLUMNS])
    for row in ws.iter_rows(min_row=2, values_only=True):
        values = ["" if v is None else (v.date().isoformat() if hasattr(v, "date") else v) for v in row]
        writer.writerow([quarter_col, UNIT, *values])
    return buffer.getvalue()


def stored_value(task_id: str, column: str, expected: Any) -> Callable[[Ledger], None]:
    def check(ledger: Ledger) -> None:
        sub = ledger.submissions(QUARTER).set_index(["task_id", "unit"])
        got = sub.loc[(task_id, UNIT), column]
        assert got == expected, (task_id, column, got, expected)
    return check


def _lead(task_id: str, **values: Any) -> dict[str, dict[str, Any]]:
    return {task_id: values}


# ------------------------------------------------------------------ the cases
def _title_row(ws: Any, cols: dict[str, int]) -> None:
    ws.insert_rows(1)
    ws.cell(1, 1, "陈埭镇2026年第三季度“123”工作进度表")


def _swap_columns(ws: Any, cols: dict[str, int]) -> None:
    a, b = cols["工作进展"], cols["存在问题"]
    for row in range(1, ws.max_row + 1):
        x, y = ws.cell(row, a).value, ws.cell(row, b).value
        ws.cell(row, a).value, ws.cell(row, b).value = y, x


def _extra_column(ws: Any, cols: dict[str, int]) -> None:
    ws.cell(1, max(cols.values()) + 1, "备注")
    ws.cell(3, max(cols.values()) + 1, "该项已报市政府")


def _duplicate_header(ws: Any, cols: dict[str, int]) -> None:
    ws.cell(1, max(cols.values()) + 1, "工作进展")
    ws.cell(3, max(cols.values()) + 1, "第二份进展")


def _merge(ws: Any, cols: dict[str, int]) -> None:
    ws.protection.sheet = False
    ws.merge_cells(f"{COL['工作进展']}3:{COL['工作进展']}4")


def _hide_row(ws: Any, cols: dict[str, int]) -> None:
    ws.row_dimensions[4].hidden = True


def _extra_sheet(ws: Any, cols: dict[str, int]) -> None:
    other = ws.parent.create_sheet("Sheet2")
    other["A1"] = "草稿：P15 进度待核实"


def _rename_sheet(ws: Any, cols: dict[str, int]) -> None:
    ws.title = "Sheet1"


def _duplicate_row(ws: Any, cols: dict[str, int]) -> None:
    ws.append([c.value for c in ws[3]])


def _other_units_task(ws: Any, cols: dict[str, int]) -> None:
    ws.cell(3, cols["任务编号"], "N01")
    ws.cell(3, cols["任务名称"], TASKS.set_index("task_id").loc["N01", "title"])
    ws.cell(3, cols["责任单位"], "自然资源局")


def _outside_table(ws: Any, cols: dict[str, int]) -> None:
    ws.cell(5, max(cols.values()) + 2, "补充说明：B22 已提前完成")


def _reverse_rows(ws: Any, cols: dict[str, int]) -> None:
    rows = [[c.value for c in ws[r]] for r in range(2, ws.max_row + 1)]
    for offset, values in enumerate(reversed(rows)):
        for column, value in enumerate(values, start=1):
            ws.cell(2 + offset, column).value = value


def _fullwidth_header(ws: Any, cols: dict[str, int]) -> None:
    ws.cell(1, cols["实际累计进度(%)"], "实际累计进度（％）")


def _rename_header(ws: Any, cols: dict[str, int]) -> None:
    ws.cell(1, cols["实际累计进度(%)"], "实际进度")


def _percent_format(ws: Any, cols: dict[str, int]) -> None:
    cell = ws.cell(3, cols["实际累计进度(%)"])
    cell.value = 0.85
    cell.number_format = "0%"


def _serial_date(ws: Any, cols: dict[str, int]) -> None:
    cell = ws.cell(3, cols["填报日期"])
    cell.value = 46303
    cell.number_format = "General"


def _tamper_meta(key: str, value: str) -> Callable[[Any, dict[str, int]], None]:
    def edit(ws: Any, cols: dict[str, int]) -> None:
        meta = ws.parent["_meta"]
        for row in meta.iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value
    return edit


def _encrypted(folder: Path) -> Path:
    path = genuine(folder)
    out = io.BytesIO()
    with open(path, "rb") as handle:
        msoffcrypto.OfficeFile(handle).encrypt("jj123", out)
    path.write_bytes(out.getvalue())
    return path


def _old_xls(folder: Path) -> Path:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    return raw_file(folder, f"{QUARTER}_{UNIT}_进度填报.xls", header + b"\x00" * (512 - len(header)) + b"Workbook")


def _truncated(folder: Path) -> Path:
    path = genuine(folder)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def _corrupt_member(folder: Path) -> Path:
    path = genuine(folder)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 40, start + 60):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _docx(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return raw_file(folder, NAME, buffer.getvalue())


def _renamed_copy(folder: Path, source_quarter: str, name: str, unit: str = UNIT) -> Path:
    path = genuine(folder / "orig", unit=unit, quarter=source_quarter,
                   changes={t: {"填报日期": date(2026, 10, 8)} for t in ROW})
    target = folder / name
    shutil.copy(path, target)
    return target


def _csv_file(name: str, encoding: str, changes: dict[str, dict[str, Any]] | None = None,
              transform: Callable[[str], str] = lambda t: t) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        return raw_file(folder, name, transform(csv_text(folder, changes)).encode(encoding))
    return build


def _csv_semicolon(folder: Path) -> Path:
    text = csv_text(folder).replace(",", ";")
    return raw_file(folder, f"{QUARTER}_{UNIT}.csv", text.encode("utf-8"))


def _csv_truncated(folder: Path) -> Path:
    text = csv_text(folder, _lead("P15", 工作进展="第一段\n第二段"))
    cut = text.index("第二段") + 2
    return raw_file(folder, f"{QUARTER}_{UNIT}.csv", text[:cut].encode("utf-8"))


def _as_xlsm(folder: Path) -> Path:
    path = genuine(folder)
    return path.rename(path.with_suffix(".xlsm"))


def _with_vba_project(folder: Path) -> Path:
    """A genuine form with a macro project added to its package (an .xlsm renamed .xlsx)."""
    path = genuine(folder)
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 Sub AutoOpen(): Shell \"calc\": End Sub")
    return path


def _twice(folder: Path) -> Path:
    from jj123lib.intake.ingest import ingest_files

    path = genuine(folder)
    assert ingest_files([path], folder.parent / "data")[0].status == "accepted"
    return path


# ---- fuzz findings (crashes, unbounded cost, guesses)
def _meta_columns(width: int) -> Callable[[Any, dict[str, int]], None]:
    """The hidden _meta sheet with a note in a third column (width 3) or its value column deleted (width 1)."""
    def edit(ws: Any, cols: dict[str, int]) -> None:
        meta = ws.parent["_meta"]
        if width == 1:
            meta.delete_cols(2)
        else:
            meta.cell(2, 3, "备注：已核对")
    return edit


def _far_cell(row: int, column: int, value: str) -> Callable[[Any, dict[str, int]], None]:
    def edit(ws: Any, cols: dict[str, int]) -> None:
        ws.cell(row, column, value)
    return edit


def _replaced_sheet_xml(folder: Path, transform: Callable[[bytes], bytes]) -> Path:
    """A genuine form whose sheet XML is rewritten, packed again with deflate."""
    path = genuine(folder)
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as package:
        items = {n: package.read(n) for n in package.namelist()}
    items[member] = transform(items[member])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for n, data in items.items():
            package.writestr(n, data)
    path.write_bytes(buffer.getvalue())
    return path


def _inflating_sheet(folder: Path) -> Path:
    """Sheet XML padded with 30 MB of whitespace: a few tens of KB packed (the fuzz case had 200 MB in 213 KB)."""
    return _replaced_sheet_xml(folder, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (30 << 20), 1))


def _broken_sheet_xml(folder: Path) -> Path:
    return _replaced_sheet_xml(folder, lambda xml: xml[: len(xml) // 2])


def _q1_dated_next_year(folder: Path) -> Path:
    return genuine(folder, {t: {"填报日期": date(2027, 12, 31)} for t in ROW}, quarter="2026Q1")


LONG = ("晋江市陈埭镇鞋服产业供应链平台建设推进情况。" * 200)[:MAX_TEXT]


CASES: list[Case] = [
    # ---- values out of range, numbers in other shapes
    Case("pct_over_100", "value out of range", lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": 150})),
         "reject", ("超出 0–100 的范围", "150"), (SHEET, 3, "实际累计进度(%)"),
         decision="reject: a percentage above 100 is a typo, not a fact"),
    Case("pct_negative", "value out of range", lambda f: genuine(f, _lead("B22", **{"实际累计进度(%)": -5})),
         "reject", ("超出 0–100 的范围",), (SHEET, 5, "实际累计进度(%)"), decision="reject"),
    Case("pct_with_percent_sign", "number typed with a % sign",
         lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "85%"})), "accept", ("“85%”按 85 计",),
         stored=stored_value("P15", "actual_pct", 85.0), decision="accept 85, noted"),
    Case("pct_typed_as_text", "number typed as text",
         lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "62.5"})), "accept", ("以文本形式填写的数字",),
         stored=stored_value("P15", "actual_pct", 62.5), decision="accept 62.5, noted"),
    Case("pct_fullwidth_digits", "full-width digits",
         lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "８５．５"})), "accept", ("“８５．５”按 85.5 计",),
         stored=stored_value("P15", "actual_pct", 85.5), decision="accept 85.5, noted"),
    Case("pct_excel_percent_format", "number in an Excel percent-formatted cell", lambda f: edited(f, _percent_format),
         "accept", ("百分比格式",), stored=stored_value("P15", "actual_pct", 85.0),
         decision="accept 0.85 shown as 85% → 85, noted"),
    Case("pct_chinese_numerals", "number typed in words",
         lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "八十五"})), "reject", ("不是数字",),
         (SHEET, 3, "实际累计进度(%)"), decision="reject: words are not guessed"),
    Case("pct_decimal_comma", "number with a decimal comma",
         lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "85,5"})), "reject", ("不是数字",),
         (SHEET, 3, "实际累计进度(%)"), decision="reject: 85,5 could be 85.5 or 855"),
    # ---- statuses and yes/no in other words
    Case("status_other_word", "status in other words", lambda f: genuine(f, _lead("P15", 自评状态="完成")),
         "reject", (STATUSES_LIST, "完成"), (SHEET, 3, "自评状态"),
         decision="reject with the four valid values: 完成 could mean 已完成 or 达进度"),
    Case("status_trailing_space", "trailing space after a valid status",
         lambda f: genuine(f, _lead("P15", 自评状态="达进度 ")), "accept", ("“自评状态”去除了首尾空格",),
         stored=stored_value("P15", "self_status", "达进度"), decision="accept trimmed, noted"),
    Case("yes_no_other_word", "yes/no in other words", lambda f: genuine(f, _lead("P16", 节点目标是否完成="是的")),
         "reject", ("应为“是”或“否”",), (SHEET, 4, "节点目标是否完成"), decision="reject with 是/否"),
    Case("yes_no_checkmark", "yes/no as a tick", lambda f: genuine(f, _lead("P16", 节点目标是否完成="√")),
         "reject", ("应为“是”或“否”",), (SHEET, 4, "节点目标是否完成"), decision="reject with 是/否"),
    Case("yes_no_boolean_cell", "yes/no as an Excel TRUE", lambda f: genuine(f, _lead("P16", 节点目标是否完成=True)),
         "reject", ("应为“是”或“否”",), (SHEET, 4, "节点目标是否完成"), decision="reject with 是/否"),
    Case("done_without_evidence", "已完成 claimed below 100", lambda f: genuine(
        f, _lead("N08", 自评状态="已完成", **{"实际累计进度(%)": 95})), "reject", ("销号须有依据",),
        (SHEET, 2, "自评状态"), decision="reject: closing a task needs 100 and the milestone met"),
    # ---- task IDs
    Case("unknown_task_id", "unknown task ID", lambda f: edited(f, lambda ws, c: ws.cell(3, c["任务编号"], "X99")),
         "reject", ("不是任务清单中的任务编号", "X99"), (SHEET, 3, "任务编号"), decision="reject"),
    Case("task_id_unpadded", "mistyped task ID", lambda f: edited(f, lambda ws, c: ws.cell(2, c["任务编号"], "N8")),
         "reject", ("是否应为 N08",), (SHEET, 2, "任务编号"),
         decision="reject, suggesting N08: the ID column is locked, a changed ID is not guessed"),
    Case("task_id_fullwidth_lowercase", "full-width, lower-case task ID",
         lambda f: edited(f, lambda ws, c: ws.cell(3, c["任务编号"], "ｐ１５")), "accept",
         ("任务编号“ｐ１５”按 P15 读取",), stored=stored_value("P15", "actual_pct", 50.0),
         decision="accept as P15, noted"),
    Case("other_units_task", "row for another unit's task", lambda f: edited(f, _other_units_task), "reject",
         ("不属于本表填报单位",), (SHEET, 3, "任务编号"), decision="reject"),
    Case("duplicate_task_row", "the same task twice", lambda f: edited(f, _duplicate_row), "reject", ("重复",),
         (SHEET, 8, "任务编号"), decision="reject"),
    Case("lead_row_blank", "a lead task left blank", lambda f: genuine(f, {"P16": {
        label: None for label in PROGRESS_COLUMNS[5:]}}), "reject", ("整行未填报",), (SHEET, 4, "工作进展"),
        decision="reject: a lead unit reports every task it leads"),
    # ---- columns
    Case("column_deleted", "deleted column", lambda f: edited(f, lambda ws, c: ws.delete_cols(c["存在问题"])),
         "reject", ("缺少必需的列",), (SHEET, 1, "存在问题"), decision="reject naming the missing column"),
    Case("column_renamed", "renamed column", lambda f: edited(f, _rename_header), "reject", ("缺少必需的列",),
         (SHEET, 1, "实际累计进度(%)"), decision="reject: a renamed header is not guessed"),
    Case("header_fullwidth", "full-width brackets in a header", lambda f: edited(f, _fullwidth_header), "accept",
         ("表头“实际累计进度（％）”按“实际累计进度(%)”读取",), stored=stored_value("N08", "actual_pct", 50.0),
         decision="accept, noted"),
    Case("columns_reordered", "reordered columns", lambda f: edited(f, _swap_columns), "accept",
         ("列的顺序与下发表格不同",), stored=stored_value("N08", "progress", "N08 完成专题部署会 2 次"),
         decision="accept: read by label, noted"),
    Case("extra_column", "a column added", lambda f: edited(f, _extra_column), "accept", ("多出的列“备注”未导入",),
         decision="accept, the extra column is noted as not imported (it stays in the archived original)"),
    Case("duplicate_header", "a column pasted twice", lambda f: edited(f, _duplicate_header), "reject",
         ("表头重复出现",), (SHEET, 1, "工作进展"), decision="reject: which copy counts cannot be guessed"),
    Case("title_row_inserted", "a title row inserted above the header", lambda f: edited(f, _title_row), "reject",
         ("表头在第 2 行",), (SHEET, 1, None), decision="reject, saying where the header is"),
    Case("text_outside_table", "text typed to the right of the table", lambda f: edited(f, _outside_table),
         "accept", ("表格之外",), decision="accept, noted as not imported"),
    Case("rows_reordered", "rows sorted differently", lambda f: edited(f, _reverse_rows), "accept", (),
         stored=stored_value("B23", "actual_pct", 50.0), decision="accept as is: rows are keyed by task ID"),
    # ---- workbook structure
    Case("merged_cells", "merged cells", lambda f: edited(f, _merge), "reject", ("合并单元格", "I3:I4"),
         (SHEET, 3, "工作进展"), decision="reject naming the range"),
    Case("hidden_row", "hidden row", lambda f: edited(f, _hide_row), "accept", ("第 4 行是隐藏行",),
         stored=stored_value("P16", "actual_pct", 50.0),
         decision="accept: hiding rows is allowed by the form; the data is what was sent; noted for review"),
    Case("extra_sheet", "extra sheet", lambda f: edited(f, _extra_sheet), "accept", ("另有工作表“Sheet2”",),
         decision="accept, the extra sheet is noted as not read"),
    Case("sheet_renamed", "renamed sheet", lambda f: edited(f, _rename_sheet), "reject",
         ("缺少工作表“进度填报”", "Sheet1"), None, decision="reject, listing the sheets found"),
    Case("formula_with_result", "a formula instead of a number", lambda f: patched_xml(
        f, "F3", '<c r="F3"><f>80+5</f><v>85</v></c>'), "accept", ("是公式 =80+5，按其计算结果“85”读取",),
        stored=stored_value("P15", "actual_pct", 85.0), decision="accept the value the unit saw, noted"),
    Case("formula_without_result", "text starting with = became a formula", lambda f: genuine(
        f, _lead("P15", 工作进展="=cmd|' /C calc'!A0")), "reject", ("是公式，没有计算结果",), (SHEET, 3, "工作进展"),
        decision="reject: nothing to read, and nothing is evaluated"),
    Case("error_value", "a #NAME? error cell", lambda f: patched_xml(
        f, "I3", '<c r="I3" t="e"><v>#NAME?</v></c>'), "reject", ("错误值", "#NAME?"), (SHEET, 3, "工作进展"),
        decision="reject"),
    # ---- files that are not what they claim
    Case("empty_xlsx", "empty file", lambda f: raw_file(f, NAME, b""), "reject", ("是空文件",), None,
         decision="reject"),
    Case("empty_csv", "empty file", lambda f: raw_file(f, f"{QUARTER}_{UNIT}.csv", b""), "reject", ("是空文件",),
         None, decision="reject"),
    Case("text_as_xlsx", "not a spreadsheet", lambda f: raw_file(f, NAME, "这不是表格。".encode()), "reject",
         ("不是电子表格",), None, decision="reject"),
    Case("pdf_as_xlsx", "not a spreadsheet (a PDF)", lambda f: raw_file(f, NAME, b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"),
         "reject", ("是 PDF 文件",), None, decision="reject, saying what it is"),
    Case("docx_as_xlsx", "not a spreadsheet (a Word file)", _docx, "reject", ("Word 文档",), None,
         decision="reject, saying what it is"),
    Case("xlsx_named_csv", "spreadsheet with a .csv name", lambda f: raw_file(
        f, f"{QUARTER}_{UNIT}.csv", genuine(f / "src").read_bytes()), "reject", ("扩展名却是 .csv",), None,
        decision="reject: the extension decides how it is read; ask to fix the name"),
    Case("wps_et_file", "WPS native format", lambda f: raw_file(f, f"{QUARTER}_{UNIT}.et", b"\x00" * 64), "reject",
         ("“.et”", "另存为 .xlsx"), None, decision="reject: save as .xlsx"),
    Case("truncated_xlsx", "truncated .xlsx", _truncated, "reject", ("不完整",), None, decision="reject"),
    Case("corrupt_xlsx", "corrupt .xlsx (damaged bytes inside)", _corrupt_member, "reject", ("已损坏",), None,
         decision="reject"),
    Case("password_protected", "password-protected file", _encrypted, "reject", ("加密", "取消密码"), None,
         decision="reject: cannot be read; ask to remove the password"),
    Case("old_xls", "old Excel 97-2003 file", _old_xls, "reject", ("（.xls）格式", "另存为"), None,
         decision="reject: save as .xlsx"),
    Case("directory", "a folder instead of a file", lambda f: (f / NAME).mkdir(parents=True) or f / NAME, "reject",  # type: ignore[func-returns-value]  # make the folder, then give its path
         ("是文件夹",), None, decision="reject"),
    # ---- the wrong form
    Case("last_quarters_form_renamed", "a form for the wrong quarter", lambda f: _renamed_copy(f, "2026Q2", NAME),
         "reject", ("文件名写的是 2026Q3", "2026Q2"), None,
         decision="reject: last quarter's form renamed would file Q3 numbers under Q2"),
    Case("meta_quarter_tampered", "form metadata tampered", lambda f: edited(f, _tamper_meta("period", "2026Q5")),
         "reject", ("季度/年度无效", "2026Q5"), None, decision="reject"),
    Case("other_year_form", "a form of another year", lambda f: edited(
        f, _tamper_meta("period", "2025Q3"), name="2025Q3_陈埭镇_进度填报.xlsx"), "reject",
        ("年度 2025 与任务清单年度 2026 不符",), None, decision="reject"),
    Case("date_before_quarter", "an old form's date", lambda f: genuine(f, _lead("B23", 填报日期=date(2026, 4, 8))),
         "reject", ("早于本季度开始日期 2026-07-01",), (SHEET, 6, "填报日期"),
         decision="reject: a Q3 report dated in Q2 is a reused form"),
    Case("other_units_form", "another unit's form renamed as ours", lambda f: _renamed_copy(
        f, QUARTER, NAME, unit="商务局"), "reject", ("文件名写的是“陈埭镇”", "商务局"), None,
        decision="reject: the form's own unit and the file name disagree"),
    Case("demo_form_into_real", "a demo form sent for real", lambda f: genuine(f, demo=True), "reject",
         ("演示表格",), None, decision="reject"),
    Case("same_file_twice", "the same file sent twice", _twice, "duplicate", ("已导入过", "未作改动"), None,
         decision="no change, say so"),
    # ---- CSV
    Case("csv_utf16", "CSV in the wrong encoding (UTF-16)", _csv_file(f"{QUARTER}_{UNIT}.csv", "utf-16"), "reject",
         ("UTF-16", "CSV UTF-8"), None, decision="reject: ask for CSV UTF-8"),
    Case("csv_mojibake", "CSV mangled in transit (UTF-8 read as Latin-1 and saved again)", _csv_file(
        f"{QUARTER}_{UNIT}.csv", "utf-8", transform=lambda t: t.encode("utf-8").decode("latin-1")), "reject",
        ("表头无法识别", "编码"), None, decision="reject: mojibake is never imported"),
    Case("csv_big5", "CSV in the wrong encoding (Big5, traditional characters)", lambda f: raw_file(
        f, f"{QUARTER}_{UNIT}.csv", "季度,填報單位,任務編號\n2026Q3,陳埭鎮,N08\n".encode("big5")), "reject",
        ("编码",), None, decision="reject with an encoding message"),
    Case("csv_semicolons", "CSV with semicolons", _csv_semicolon, "reject", ("分隔符",), None, decision="reject"),
    Case("csv_truncated", "truncated CSV (cut inside a quoted cell)", _csv_truncated, "reject", ("CSV 格式错误",), None,
         decision="reject"),
    Case("csv_gbk_fullwidth", "GBK CSV with full-width digits and spaces", _csv_file(
        f"{QUARTER}_{UNIT}.csv", "gbk", _lead("P15", 自评状态="\u3000超进度\u3000", **{"实际累计进度(%)": "９０"})),
        "accept", ("“９０”按 90 计", "“自评状态”去除了首尾空格"), stored=stored_value("P15", "actual_pct", 90.0),
        decision="accept, noted"),
    Case("csv_control_chars", "control characters pasted into text", _csv_file(
        f"{QUARTER}_{UNIT}.csv", "utf-8", _lead("P15", 工作进展="完成BEL部署ESC会"),
        lambda t: t.replace("BEL", "\x07").replace("ESC", "\x1b")), "accept",
        ("删除了不可见的控制字符 U+0007、U+001B",), stored=stored_value("P15", "progress", "完成部署会"),
        decision="accept with the invisible characters removed, noted"),
    # ---- fuzz findings
    Case("excel_lone_surrogate_next_steps", "Excel's escape for a lone surrogate (_xD800_) in 下步计划",
         lambda f: genuine(f, _lead("P15", 下步计划="完成验收_xD800_")), "reject", ("无法保存的字符", "_xD800_"),
         (SHEET, 3, "下步计划"), decision="reject: a lone surrogate cannot be stored or shown (was a crash)"),
    Case("excel_lone_surrogate_reporter", "Excel's escape for a lone surrogate (_xDFFF_) in 填报人",
         lambda f: genuine(f, _lead("B22", 填报人="陈_xDFFF_")), "reject", ("无法保存的字符",),
         (SHEET, 5, "填报人"), decision="reject (was a crash)"),
    Case("meta_third_column", "a note typed in a third column of the hidden _meta sheet",
         lambda f: edited(f, _meta_columns(3)), "reject", ("_meta", "现为 3 列"), None,
         decision="reject: the form's own metadata was edited (was a crash)"),
    Case("meta_one_column", "the hidden _meta sheet with its value column deleted",
         lambda f: edited(f, _meta_columns(1)), "reject", ("_meta", "现为 1 列"), None,
         decision="reject: the form's own metadata was edited (was a crash)"),
    Case("value_at_last_row", "a value typed at row 1,048,576", lambda f: edited(f, _far_cell(1048576, 1, "备注")),
         "reject", ("第 1048576 行 A 列", "超出填报表的范围"), None,
         decision="reject without reading a million rows: content far outside the form"),
    Case("value_at_last_column", "a value typed in column XFD", lambda f: edited(f, _far_cell(3, 16384, "备注")),
         "reject", ("第 3 行 XFD 列", "超出填报表的范围"), None, decision="reject: content far outside the form"),
    Case("sheet_xml_inflates", "a small xlsx whose sheet XML inflates to 30 MB", _inflating_sheet, "reject",
         ("解压后有 30 MB", "超过一份填报表可能的大小"), None,
         decision="reject from the zip directory's sizes, before inflating anything"),
    Case("sheet_xml_broken", "sheet XML cut in half (was “（ParseError）”)", _broken_sheet_xml, "reject",
         ("XML 内容有误",), None, decision="reject, in Chinese"),
    Case("pct_underscore", "a number with an underscore (Python float reads 3_5 as 35)",
         lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "3_5"})), "reject", ("不是数字", "3_5"),
         (SHEET, 3, "实际累计进度(%)"), decision="reject: 3_5 could be 3.5 or 35"),
    Case("pct_underscore_100", "1_00 (Python float reads 100)",
         lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "1_00"})), "reject", ("不是数字",),
         (SHEET, 3, "实际累计进度(%)"), decision="reject"),
    Case("pct_inner_space", "a number with an inner space",
         lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "3 5"})),
         "reject", ("不是数字", "3 5"), (SHEET, 3, "实际累计进度(%)"), decision="reject: 3 5 is not 35"),
    Case("pct_circled_digit", "a circled digit ①", lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "①"})),
         "reject", ("不是数字",), (SHEET, 3, "实际累计进度(%)"), decision="reject: ① is a list marker, not 1"),
    Case("pct_nan", "NaN typed as a number", lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "NaN"})),
         "reject", ("不是数字",), (SHEET, 3, "实际累计进度(%)"),
         decision="reject as not a number (not as out of range)"),
    Case("pct_inf", "inf typed as a number", lambda f: genuine(f, _lead("P15", **{"实际累计进度(%)": "inf"})),
         "reject", ("不是数字",), (SHEET, 3, "实际累计进度(%)"), decision="reject as not a number"),
    Case("done_at_99_99996", "已完成 at 99.99996 (rounded to 100 before)", lambda f: genuine(
        f, _lead("P15", 自评状态="已完成", 节点目标是否完成="是", **{"实际累计进度(%)": 99.99996})), "reject",
        ("销号须有依据",), (SHEET, 3, "自评状态"), decision="reject: no rounding before the = 100 check"),
    Case("q1_dated_next_year", "a Q1 form dated 2027-12-31", _q1_dated_next_year, "reject", ("晚于", "2027-12-31"),
         (SHEET, 2, "填报日期"), decision="reject: a date after today, or over a year after the quarter, is a typo"),
    # ---- the one text rule and macros (new surfaces held to the old promise)
    Case("noncharacter_fffe", "U+FFFE in 工作进展 (Excel's _xFFFE_; it crashed the next quarter's forms)",
         lambda f: genuine(f, _lead("P15", 工作进展="完成部署_xFFFE_会")), "reject", ("非字符 U+FFFE", "[U+FFFE]"),
         (SHEET, 3, "工作进展"), decision="reject: XML, openpyxl and Word cannot carry a noncharacter"),
    Case("noncharacter_ffff_reporter", "U+FFFF in 填报人", lambda f: genuine(f, _lead("B22", 填报人="陈_xFFFF_")),
         "reject", ("非字符 U+FFFF",), (SHEET, 5, "填报人"), decision="reject"),
    Case("csv_noncharacter", "U+FFFF pasted into a CSV's 存在问题", _csv_file(
        f"{QUARTER}_{UNIT}.csv", "utf-8", _lead("P15", 存在问题="用地NC报批慢"), lambda t: t.replace("NC", "\uffff")),
        "reject",
        ("非字符 U+FFFF",), (None, 3, "存在问题"), decision="reject: CSV cells pass the same text rule"),
    Case("xlsm_macro_enabled", "a form saved as a macro-enabled workbook (.xlsm)", _as_xlsm, "reject",
         ("启用宏", "Excel 工作簿（*.xlsx）"), None, decision="reject: forms are .xlsx or CSV; never archive macros"),
    Case("xlsx_with_macros", "an .xlsx whose package carries a VBA project", _with_vba_project, "reject",
         ("启用宏",), None, decision="reject: the macros would be archived"),
    Case("pct_huge_value", "a 9,000-character value in 实际累计进度(%)", lambda f: genuine(
        f, _lead("P15", **{"实际累计进度(%)": "约八成" * 3000})), "reject", ("不是数字", "值“约八成约八成"),
        (SHEET, 3, "实际累计进度(%)"), decision="reject, quoting a short excerpt only"),
    # ---- text
    Case("text_spaces", "leading and trailing spaces", lambda f: genuine(f, _lead("P15", 存在问题="  用地报批慢  ")),
         "accept", ("“存在问题”去除了首尾空格",), stored=stored_value("P15", "problems", "用地报批慢"),
         decision="accept trimmed, noted"),
    Case("text_fullwidth_indent", "full-width spaces (Chinese indent)", lambda f: genuine(
        f, _lead("P15", 工作进展="\u3000\u3000完成专题部署会")), "accept", ("“工作进展”去除了首尾空格",),
        stored=stored_value("P15", "progress", "完成专题部署会"), decision="accept trimmed, noted"),
    Case("excel_escaped_control", "Excel's _x000D_ line breaks and escaped controls", lambda f: genuine(
        f, _lead("P15", 工作进展="第一条_x000D_\n第二条_x0007_")), "accept", ("删除了不可见的控制字符 U+0007",),
        stored=stored_value("P15", "progress", "第一条\n第二条"),
        decision="accept: Excel escapes decoded, CRLF unified, control removed, noted"),
    Case("text_too_long", "very long text", lambda f: genuine(f, _lead("P15", 工作进展=LONG + "超")), "reject",
         (f"长度为 {MAX_TEXT + 1} 字", f"超过 {MAX_TEXT} 字"), (SHEET, 3, "工作进展"),
         decision=f"reject above {MAX_TEXT} characters: never truncated silently"),
    Case("text_at_limit", "very long text within the limit", lambda f: genuine(f, _lead("P15", 工作进展=LONG)),
         "accept", (), stored=stored_value("P15", "progress", LONG), decision=f"accept {MAX_TEXT} characters exactly"),
    Case("reporter_too_long", "a paragraph in 填报人", lambda f: genuine(f, _lead("P15", 填报人="陈" * 60)), "reject",
         ("超过 50 字",), (SHEET, 3, "填报人"), decision="reject"),
    Case("date_excel_serial", "a date as an Excel serial number", lambda f: edited(f, _serial_date),
         "accept", ("Excel 日期序号 46303，按 2026-10-08 读取",),
         stored=stored_value("P15", "report_date", "2026-10-08"),
         decision="accept, noted"),
    Case("date_chinese_text", "a date typed in Chinese",
         lambda f: genuine(f, _lead("P15", 填报日期="２０２６年10月8日")),
         "accept", ("按 2026-10-08 读取",), stored=stored_value("P15", "report_date", "2026-10-08"),
         decision="accept, noted"),
    Case("date_words", "a date in words", lambda f: genuine(f, _lead("P15", 填报日期="下周")), "reject",
         ("不是有效日期",), (SHEET, 3, "填报日期"), decision="reject"),
]
