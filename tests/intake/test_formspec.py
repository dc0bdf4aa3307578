"""The form's one definition (jj123lib.intake.formspec): names, columns and metadata read-back."""

from __future__ import annotations

from openpyxl import Workbook

from jj123lib.intake.formspec import (
    META_SHEET,
    PLAN_COLUMNS,
    PROGRESS_COLUMNS,
    header_columns,
    plan_form_name,
    plan_quarter_columns,
    progress_form_name,
    read_form_metadata,
)


def test_form_names_are_safe_for_windows() -> None:
    assert progress_form_name("2026q3", "商务局") == "2026Q3_商务局_进度填报.xlsx"
    assert plan_form_name(2026, "A/B:局") == "2026_A_B_局_年度计划.xlsx"


def test_plan_columns_follow_the_quarters() -> None:
    assert plan_quarter_columns(4) == ("四季度节点目标", "四季度计划累计进度(%)")
    assert PLAN_COLUMNS.index("四季度计划累计进度(%)") == PLAN_COLUMNS.index("一季度节点目标") + 7
    assert len(set(PROGRESS_COLUMNS)) == len(PROGRESS_COLUMNS)


def _meta_book(*rows: tuple[object, ...]) -> Workbook:
    wb = Workbook()
    sheet = wb.create_sheet(META_SHEET)
    sheet.append(["key", "value"])
    for row in rows:
        sheet.append(list(row))
    return wb


def test_meta_sheet_reads_two_columns_and_ignores_a_note_in_a_third() -> None:
    meta = read_form_metadata(_meta_book(("kind", "progress", "备注：勿改"), ("unit", "商务局")))
    assert meta == {"kind": "progress", "unit": "商务局"}


def test_meta_sheet_with_only_keys_reads_empty_values() -> None:
    assert read_form_metadata(_meta_book(("kind",), ("unit",))) == {"kind": "", "unit": ""}


def test_header_columns_normalises_labels() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["任务编号", " 计划累计进度（％） ", None, "任务编号"])
    assert header_columns(ws) == {"任务编号": 1, "计划累计进度(%)": 2}
