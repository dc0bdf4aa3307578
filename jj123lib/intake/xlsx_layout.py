"""The fill-in forms' xlsx layout toolkit, shared by every form a unit fills in.

The progress and plan forms (:mod:`jj123lib.intake.forms`) and the 整改反馈 forms
(:mod:`jj123lib.intake.response_form`) are built from these pieces: a main sheet laid out with
:func:`lay_out` (locked grey pre-filled columns, open inputs, a grid that prints), its checks
(:func:`add_validations`), A4 print setup with the signature footer (:func:`print_setup`), the
填报说明 sheet with the 联系电话 cell (:func:`help_sheet`), and :func:`finish`, which records the
form's metadata (:func:`form_meta`) in the hidden ``_meta`` sheet and the custom document properties.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jj123lib.core.clock import china_now_iso
from jj123lib.core.formats import wrapped_lines
from jj123lib.domain.contact import office_contact
from jj123lib.domain.departments import MAX_DEPARTMENT_CHARS
from jj123lib.domain.rule_sections import document_settings
from jj123lib.domain.vocab import STATUSES
from jj123lib.intake.formspec import (
    CONTACT_PHONE_CELL,
    FORM_VERSION,
    HELP_SHEET,
    META_PREFIX,
    META_SHEET,
    NO_CO_WORK_CELL,
    NO_CO_WORK_LABEL,
    NO_CO_WORK_LABEL_CELL,
    YES_NO,
)

__all__ = ["LINE_PT", "CONTACT_PHONE_LABEL_CELL", "SIGNATURE_LABELS", "DEMO_MARK", "first_sheet", "new_form",
           "lay_out", "FormNotice", "form_notice",
           "add_validations", "lock_cells", "print_setup", "help_sheet", "titled", "form_meta", "finish",
           "workbook_bytes"]

# Column widths in Excel character units (one CJK character ≈ 2 units), chosen so a
# whole row fits one landscape A4 page at a readable scale (≈ 70 %).
_WIDTHS = {"任务编号": 7, "任务名称": 22, "责任单位": 14, "本季度节点目标": 20, "计划累计进度(%)": 8,
           "实际累计进度(%)": 8, "节点目标是否完成": 8, "自评状态": 8, "工作进展": 28, "存在问题": 18,
           "下步计划": 18, "需协调事项": 14, "需协调部门": 10, "填报人": 8, "填报日期": 11,
           # 整改反馈 (jj123lib.intake.response_form)
           "督办编号": 14, "督办对象": 12, "督办级别": 8, "督办事由": 30, "整改期限": 11, "整改状态": 9, "整改情况": 40,
           # 对标计划 / 指标进展
           "指标序号": 5, "对标对象": 22, "成效目标级别": 9, "成效目标": 20, "指标名称": 16, "指标口径": 18,
           "数据来源": 12, "计量单位": 7, "标杆最新值": 11, "目标位次": 12, "年度目标": 9, "本季度值": 9,
           "标杆本季度值": 9, "当前位次": 12, "认定阶段": 9, "认定级别": 9, "认定日期": 11, "佐证材料": 18,
           "说明": 16, "佐证材料清单": 24, "完成时限": 11, "攻坚措施": 26, "责任人": 10}
_PLAN_MILESTONE_WIDTH = 22  # a milestone is one sentence of 10–20 characters: two lines at most
_PLAN_PCT_WIDTH = 9
_HELP_WIDTH = 100
LINE_PT = 16.0  # one wrapped line of 11 pt text in a CJK font, with leading
_MIN_DATA_LINES = 2  # room to type in a blank input row
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
_THIN = Side(style="thin", color="000000")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

_DATE_COLUMNS = ("填报日期", "认定日期", "完成时限")
CONTACT_PHONE_LABEL_CELL = "A2"  # the input cell below it (CONTACT_PHONE_CELL) is defined in formspec
# The paper signature block is the main sheet's print footer (it prints at the foot of every page).
SIGNATURE_LABELS = ("填报人", "联系电话", "填报日期", "单位负责人（签字）", "单位（盖章）")
DEMO_MARK = "示例数据"


def first_sheet(wb: Workbook) -> Worksheet:
    """The worksheet a new workbook starts with."""
    sheet = wb.active
    assert isinstance(sheet, Worksheet)  # a new Workbook starts with one worksheet
    return sheet



def new_form(sheet: str, columns: tuple[str, ...], prefilled: tuple[str, ...],
             rows: list[list[Any]]) -> tuple[Workbook, Worksheet]:
    """A form's workbook with its main sheet: named, laid out (pre-filled columns locked) and with its drop-downs."""
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = sheet
    lay_out(ws, columns, prefilled, rows)
    add_validations(ws, columns, len(rows))
    return wb, ws


def _write_meta(wb: Workbook, meta: dict[str, str]) -> None:
    sheet = wb.create_sheet(META_SHEET)
    sheet.append(["key", "value"])
    for key, value in meta.items():
        sheet.append([key, value])
        wb.custom_doc_props.append(  # type: ignore[attr-defined]  # not in types-openpyxl
            StringProperty(name=META_PREFIX + key, value=value))
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def form_meta(kind: str, unit: str, period: str, demo: bool, now: datetime | None = None) -> dict[str, str]:
    """What a form records about itself (kind, period, unit, form version, time made, demo flag)."""
    return {"kind": kind, "period": period, "unit": unit, "form_version": FORM_VERSION,
            "generated_at": china_now_iso(now), "demo": "1" if demo else "0",
            "tool": "jj123"}



def _column_width(label: str) -> float:
    if label.endswith("节点目标") and label != "本季度节点目标":
        return _PLAN_MILESTONE_WIDTH
    if label.endswith("计划累计进度(%)") and label != "计划累计进度(%)":
        return _PLAN_PCT_WIDTH
    if label.endswith(("年基数", "年目标")):
        return 11  # “2025年基数” on one line: adjacent wrapped headers would read as one word
    return _WIDTHS.get(label, 12)


def _fit_row_height(ws: Worksheet, row: int, widths: list[float], min_lines: int = 1) -> None:
    lines = min_lines
    for column, width in enumerate(widths, start=1):
        value = ws.cell(row, column).value
        if value is not None:
            lines = max(lines, wrapped_lines(str(value), width))
    ws.row_dimensions[row].height = lines * LINE_PT + 4


@dataclass(frozen=True)
class FormNotice:
    """Where and when a form goes back: the deadline and the office's contact, printed on every page."""

    deadline: date
    contact: str
    hint: str = ""  # where the office fills in a contact the rules leave empty (the 填报说明 says it)

    @property
    def deadline_text(self) -> str:
        return f"报送截止：{self.deadline.year}年{self.deadline.month}月{self.deadline.day}日"

    def line(self) -> str:
        """One line for the 填报说明 sheet."""
        return f"{self.deadline_text}（逾期未报送的按“未报送”处理）；报送至：{self.contact}{self.hint}。"


def form_notice(deadline: date, rules: Mapping[str, Any], *, demo: bool = False) -> FormNotice:
    """The deadline and the office a form goes back to (:func:`print_setup`, :func:`help_sheet`): the issuer with
    its 联系人 and 电话 from ``rules.yaml`` ``documents:`` (:mod:`jj123lib.domain.contact`: the demo's marked
    stand-ins for demo data, else a visible gap)."""
    settings = document_settings("", rules)
    shown = office_contact(settings.contact, settings.phone, demo=demo)
    return FormNotice(deadline, f"{settings.issuer}（{shown.brief()}）", shown.hint)


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a code (&P, &N) in a print header or footer


def print_setup(ws: Worksheet, title: str, *, signature: bool, repeat_header: bool,
                notice: FormNotice | None = None) -> None:
    """A4 landscape, one page wide, header row on every page, title and page numbers; the signature footer;
    the ``notice`` (deadline left, the office's contact right) in the header of every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    if repeat_header:
        ws.print_title_rows = "1:1"
    # Inches; the bottom margin leaves room above the signature footer for a stamp.
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.75, bottom=1.2 if signature else 0.75,
                                  header=0.3, footer=0.4)
    header, footer = ws.oddHeader, ws.oddFooter
    assert header is not None and footer is not None  # openpyxl creates both with the sheet
    header.center.text = _header_footer_text(title)
    header.center.size = 12
    # openpyxl escapes a line break in header/footer text, so each part stays on one line.
    page = "第 &P 页 共 &N 页"
    if notice is not None:
        header.left.text = _header_footer_text(notice.deadline_text)
        header.left.size = 10
        header.center.size = 11
    if signature:
        header.right.text = page if notice is None else _header_footer_text(f"报送：{notice.contact}　") + page
        footer.left.text = "填报人：＿＿＿＿＿＿　联系电话：＿＿＿＿＿＿＿＿　填报日期：＿＿＿＿年＿＿月＿＿日"
        footer.right.text = "单位负责人（签字）：＿＿＿＿＿＿　单位（盖章）：　　　　　　　　"
        for part in (header.right, footer.left, footer.right):
            part.size = 10
    else:
        footer.center.text = page
        if notice is not None:
            header.right.text = _header_footer_text(f"报送：{notice.contact}")
            header.right.size = 10


def lay_out(ws: Worksheet, columns: tuple[str, ...], prefilled: tuple[str, ...], rows: list[list[Any]]) -> None:
    """Header row and ``rows`` on a protected sheet: ``prefilled`` columns grey and locked, the rest open inputs."""
    ws.append(list(columns))
    widths = [_column_width(label) for label in columns]
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # Header labels are bold: allow one unit less per line than plain text.
    _fit_row_height(ws, 1, [w - 1 for w in widths])
    for values in rows:
        ws.append(values)
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # pre-filled text typed by a unit ("=HYPERLINK(…)") stays text
                cell.data_type = "s"
    for index, label in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = widths[index - 1]
        unlocked = label not in prefilled
        for row in range(2, len(rows) + 2):
            cell = ws[f"{letter}{row}"]
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.protection = Protection(locked=not unlocked)
            cell.fill = _INPUT_FILL if unlocked else _LOCKED_FILL
            cell.border = _GRID  # printed, so blank input cells show on paper
            if label in _DATE_COLUMNS:
                cell.number_format = "yyyy-mm-dd"
    for row in range(2, len(rows) + 2):
        _fit_row_height(ws, row, widths, min_lines=_MIN_DATA_LINES)
    ws.freeze_panes = "C2"
    ws.protection.sheet = True  # no password: locks header and pre-filled cells against slips only
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def add_validations(ws: Worksheet, columns: tuple[str, ...], n_rows: int) -> None:
    """Checks on rows 2 to ``n_rows + 1`` of the columns a form has: 0–100 %, 自评状态 and 是/否 lists, 填报日期."""
    last = n_rows + 1

    def col(label: str) -> str:
        return get_column_letter(columns.index(label) + 1)

    def add(dv: DataValidation, labels: list[str]) -> None:
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        for label in labels:
            dv.add(f"{col(label)}2:{col(label)}{last}")

    pct_labels = [c for c in columns if c.endswith("进度(%)") and c != "计划累计进度(%)"]
    if pct_labels:
        add(DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                           errorTitle="进度超出范围", error="请填写 0–100 之间的数字（不带 % 号）。",
                           promptTitle="累计进度", prompt="填写 0–100 的数字", showInputMessage=True), pct_labels)
    if "自评状态" in columns:
        add(DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                           errorTitle="自评状态无效", error="请从下拉列表中选择：" + "、".join(STATUSES) + "。"),
            ["自评状态"])
    if "节点目标是否完成" in columns:
        add(DataValidation(type="list", formula1='"是,否"', allow_blank=True, errorTitle="请选择是或否",
                           error="请从下拉列表中选择“是”或“否”。"), ["节点目标是否完成"])
    if "需协调部门" in columns:
        add(DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(MAX_DEPARTMENT_CHARS),
                           allow_blank=True, errorTitle="需协调部门过长",
                           error=f"请填写部门名称，不超过 {MAX_DEPARTMENT_CHARS} 字。", showInputMessage=True,
                           promptTitle="需协调部门", prompt="需要哪个部门协调，如“自然资源局”；多个部门用顿号分隔；"
                                                           "需市领导协调的填“市领导”；无需协调的留空"),
            ["需协调部门"])
    add(DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", errorTitle="日期无效",
                       error="请填写日期，如 2026-10-08。"), ["填报日期"])


def lock_cells(ws: Worksheet, columns: tuple[str, ...], labels: tuple[str, ...], row: int) -> None:
    """Lock cells that the layout left open (a task-level column on a task's second and third rows)."""
    for label in labels:
        cell = ws.cell(row, columns.index(label) + 1)
        cell.protection = Protection(locked=True)
        cell.fill = _LOCKED_FILL



def help_sheet(wb: Workbook, lines: list[str], title: str, notice: FormNotice | None = None, *,
               co_tick: bool = False) -> None:
    """The 填报说明 sheet: the title, the contact-phone input, the deadline and the office's contact, then the
    numbered lines, wrapped to one page wide.

    ``co_tick``: a progress form of a co-unit also gets the 本季度无配合事项 drop-down below the phone.
    """
    ws = wb.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width = _HELP_WIDTH
    ws.append([lines[0]])
    ws.append(["联系电话（请在下面的白色格内填写填报人的手机或办公电话，打印后页脚“联系电话”处也请手写）："])
    ws.append([None])
    if co_tick:
        ws.append([f"{NO_CO_WORK_LABEL}（配合任务本季度没有任何进展可报的，请在下面的白色格内选“是”，"
                   "配合任务行可整行留空；选“是”即视为按时报送）："])
        ws.append([None])
    if notice is not None:
        ws.append([notice.line()])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    for line in lines[1:]:
        ws.append([line])
    for row in range(1, ws.max_row + 1):
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        _fit_row_height(ws, row, [_HELP_WIDTH])
    ws["A1"].font = Font(bold=True, size=13)
    # The 13 pt title fits 11/13 as many characters per line as body text, in taller lines.
    ws.row_dimensions[1].height = wrapped_lines(str(lines[0]), _HELP_WIDTH * 11 / 13) * LINE_PT * 13 / 11 + 4
    ws[CONTACT_PHONE_LABEL_CELL].font = Font(bold=True)
    phone = ws[CONTACT_PHONE_CELL]
    phone.number_format = "@"  # typed digits stay text: a leading 0 (0595-…) is kept
    phone.protection = Protection(locked=False)
    phone.border = _GRID
    phone.fill = _INPUT_FILL
    ws.row_dimensions[phone.row].height = LINE_PT + 6
    check = DataValidation(type="textLength", operator="between", formula1="7", formula2="20", allow_blank=True,
                           showErrorMessage=True, errorTitle="联系电话无效",
                           error="请填写 7–20 位的电话号码，如 13905951234 或 0595-85681234。",
                           showInputMessage=True, promptTitle="联系电话", prompt="填报人的手机或办公电话")
    ws.add_data_validation(check)
    check.add(CONTACT_PHONE_CELL)
    if co_tick:
        _co_tick_cell(ws)
    ws.protection.sheet = True  # only the phone cell (and the co-unit's tick) is an input here
    print_setup(ws, title, signature=False, repeat_header=False, notice=notice)
    ws.page_setup.fitToHeight = 1  # the 填报说明 is one sheet of paper, whatever its lines add up to



def _co_tick_cell(ws: Worksheet) -> None:
    ws[NO_CO_WORK_LABEL_CELL].font = Font(bold=True)
    tick = ws[NO_CO_WORK_CELL]
    tick.protection = Protection(locked=False)
    tick.border = _GRID
    tick.fill = _INPUT_FILL
    ws.row_dimensions[tick.row].height = LINE_PT + 6
    choice = DataValidation(type="list", formula1='"' + ",".join(YES_NO) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle=f"{NO_CO_WORK_LABEL}无效",
                            error="请从下拉列表选“是”或“否”。")
    ws.add_data_validation(choice)
    choice.add(NO_CO_WORK_CELL)


def titled(title: str, demo: bool) -> str:
    """A form's title, marked 示例数据 on a demo form."""
    return f"【{DEMO_MARK}·仅供练习，不是正式填报表】{title}" if demo else title


def finish(wb: Workbook, title: str, meta: dict[str, str]) -> Workbook:
    """Document title, red sheet tabs on a demo form, the metadata; the main sheet opens first."""
    wb.properties.title = title
    if meta["demo"] == "1":
        for ws in wb.worksheets:
            ws.sheet_properties.tabColor = "C00000"
    _write_meta(wb, meta)
    wb.active = 0
    return wb



def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
