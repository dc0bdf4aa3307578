"""The one checker every fill-in form is checked with: errors named where they are, the shared rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook

from jj123lib.intake.checker import PHONE_RULE, Checker
from jj123lib.intake.formspec import CONTACT_PHONE_CELL, CONTACT_PHONE_SHEET
from jj123lib.intake.readers import Grid

TODAY = date(2026, 10, 28)
LABELS = ("填报人", "填报日期", "整改情况")


def _checker(problems: list[tuple[int | None, str | None, Any, str]] | None = None) -> Checker:
    grid = Grid("整改反馈", {label: i for i, label in enumerate(LABELS)}, [], {}, problems=problems or [])
    return Checker("表.xlsx", grid)


def test_the_readers_problems_come_first_and_errors_name_their_sheet() -> None:
    check = _checker([(3, "填报人", "x", "合并单元格")])
    check.error("文件名不符", sheet=None)
    assert [(e.sheet, e.row, e.column, e.rule) for e in check.errors] == [
        ("整改反馈", 3, "填报人", "合并单元格"), (None, None, None, "文件名不符")]


def test_required_text_blank_or_empty_once_cleaned_is_one_error() -> None:
    check = _checker()
    notes: list[str] = []
    assert check.reporter([None, None, None], 2, notes) is None
    assert check.required_text(["", None, "\x07\x1b"], "整改情况", 2, notes, "整改情况不能为空") is None
    assert [(e.column, e.rule) for e in check.errors] == [
        ("填报人", "填报人不能为空"), ("整改情况", "整改情况不能为空")]
    assert check.required_text(["陈志强", None, "x" * 30], "整改情况", 2, notes, "不能为空", limit=20) is None
    assert "超过 20 字的上限" in check.errors[-1].rule and len(check.errors) == 3


def test_report_date_is_required_read_and_bounded_in_order() -> None:
    check = _checker()
    notes: list[str] = []
    assert check.report_date(["", "2026/10/25", ""], 2, TODAY, notes=notes) == "2026-10-25"
    assert notes == ["第 2 行“填报日期”“2026/10/25”按 2026-10-25 读取"]
    assert check.report_date(["", None, ""], 3, TODAY) is None
    assert check.report_date(["", "2026-10-30", ""], 4, TODAY) is None
    assert check.report_date(["", "2026-10-01", ""], 5, TODAY, earliest=date(2026, 10, 2), too_early="太早") is None
    assert check.report_date(["", "2024-10-01", ""], 6, TODAY, years=range(2025, 2028),
                             earliest=date(2026, 10, 2), too_early="太早") is None
    assert [e.rule for e in check.errors] == [
        "填报日期不能为空", "晚于今天（2026-10-28），填报日期不能是将来的日期，请核对", "太早",
        "不在 2025–2027 年之间，请核对"]


def test_contact_phone_blank_is_allowed_a_bad_one_is_named_on_its_sheet() -> None:
    wb = Workbook()
    sheet = wb.create_sheet(CONTACT_PHONE_SHEET)
    check = _checker()
    assert check.contact_phone(wb) is None
    sheet[CONTACT_PHONE_CELL] = 13905951234.0
    assert check.contact_phone(wb) == "13905951234"
    sheet[CONTACT_PHONE_CELL] = "电话"
    assert check.contact_phone(wb) is None
    assert [(e.sheet, e.column, e.rule) for e in check.errors] == [(CONTACT_PHONE_SHEET, "联系电话", PHONE_RULE)]
