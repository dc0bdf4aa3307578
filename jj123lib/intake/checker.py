"""One checker for every fill-in form: the errors found on a sheet and the rules every form shares.

The progress and plan forms (:mod:`jj123lib.intake.ingest`), their 对标计划 and 指标进展 sheets
(:mod:`jj123lib.intake.benchmark_sheets`) and the 整改反馈 form (:mod:`jj123lib.intake.response_form`)
each check a :class:`~jj123lib.intake.readers.Grid` with a :class:`Checker`: it collects every problem as an
:class:`~jj123lib.core.exceptions.IngestError` naming file, sheet, row, column and value, so a form is
refused whole with all of them, and it holds the rules the forms share word for word: text cells, a
required 填报人, the 填报日期 and the 联系电话.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from jj123lib.core.cells import MAX_NAME, MAX_TEXT, blank, cell_date, free_text, normalize_label
from jj123lib.core.exceptions import IngestError
from jj123lib.core.text import excerpt
from jj123lib.intake.formspec import (
    CONTACT_PHONE_CELL,
    CONTACT_PHONE_SHEET,
    NO_CO_WORK_CELL,
    NO_CO_WORK_LABEL,
    NO_CO_WORK_LABEL_CELL,
    PHONE_PATTERN,
    YES_NO,
)
from jj123lib.intake.readers import Grid

__all__ = ["Checker", "PHONE_RULE"]

PHONE_RULE = "联系电话无效（应为 7–20 位，只含数字、空格、+、-、括号，如 0595-85681234）"
_GRID_SHEET = object()  # error()'s default sheet: the grid's own


class Checker:
    """The problems found in one sheet of one form (``name``), read into ``grid``; the reader's own come first."""

    def __init__(self, name: str, grid: Grid) -> None:
        self.name = name
        self.grid = grid
        self.errors: list[IngestError] = []
        self.file_notes: list[str] = list(grid.file_notes)
        for row, column, value, rule in grid.problems:
            self.error(rule, row=row, column=column, value=value)

    def error(self, rule: str, row: int | None = None, column: str | None = None, value: Any = None,
              sheet: str | None | object = _GRID_SHEET) -> None:
        """Add a problem; ``sheet`` defaults to the grid's sheet (``None``: the file as a whole)."""
        shown = None if blank(value) else value
        if isinstance(shown, datetime):
            shown = shown.date().isoformat()
        elif isinstance(shown, str):
            shown = excerpt(shown)  # a huge or invisible value is never echoed whole
        where = self.grid.sheet if sheet is _GRID_SHEET else sheet
        assert where is None or isinstance(where, str)
        self.errors.append(IngestError(self.name, rule, sheet=where, row=row, column=column, value=shown))

    def text(self, values: list[Any], label: str, number: int, notes: list[str], limit: int = MAX_TEXT) -> str | None:
        """A text cell, cleaned (see :func:`clean_text`), with what was cleaned noted; over ``limit`` → error."""
        try:
            return free_text(self.cell(values, label), label, number, notes, limit)
        except ValueError as exc:
            self.error(str(exc), row=number, column=label)
            return None

    def required_text(self, values: list[Any], label: str, number: int, notes: list[str], rule: str,
                      limit: int = MAX_TEXT) -> str | None:
        """A text cell that must be filled: empty (or empty once cleaned) is an error saying ``rule``."""
        n_errors = len(self.errors)
        text = self.text(values, label, number, notes, limit)
        if text is None and len(self.errors) == n_errors:
            self.error(rule, row=number, column=label)
        return text

    def reporter(self, values: list[Any], number: int, notes: list[str]) -> str | None:
        """The 填报人, required."""
        return self.required_text(values, "填报人", number, notes, "填报人不能为空", limit=MAX_NAME)

    def report_date(self, values: list[Any], number: int, today: date, *, years: range | None = None,
                    earliest: date | None = None, too_early: str = "", latest: date | None = None,
                    too_late: str = "", notes: list[str] | None = None) -> str | None:
        """The 填报日期 as ISO text, required, read by :func:`cell_date`, and in bounds, checked in this order:
        within ``years``, not before ``earliest`` (``too_early`` says why), not after ``today``, not after
        ``latest`` (``too_late``). With ``notes``, a date read from another spelling is noted there."""
        raw = self.cell(values, "填报日期")
        if blank(raw):
            self.error("填报日期不能为空", row=number, column="填报日期")
            return None
        try:
            day = cell_date(raw)
        except ValueError as exc:
            self.error(str(exc), row=number, column="填报日期", value=raw)
            return None
        rule = None
        if years is not None and day.year not in years:
            rule = f"不在 {years.start}–{years.stop - 1} 年之间，请核对"
        elif earliest is not None and day < earliest:
            rule = too_early
        elif day > today:
            rule = f"晚于今天（{today.isoformat()}），填报日期不能是将来的日期，请核对"
        elif latest is not None and day > latest:
            rule = too_late
        if rule is not None:
            self.error(rule, row=number, column="填报日期", value=day.isoformat())
            return None
        when = day.isoformat()
        if notes is not None and isinstance(raw, (int, float)) and not isinstance(raw, bool):
            notes.append(f"第 {number} 行“填报日期”为 Excel 日期序号 {raw:g}，按 {when} 读取")
        elif notes is not None and isinstance(raw, str) and raw.strip() != when:
            notes.append(f"第 {number} 行“填报日期”“{raw.strip()}”按 {when} 读取")
        return when

    def contact_phone(self, wb: Any) -> str | None:
        """The 联系电话 cell of an .xlsx form: blank is allowed; otherwise digits, spaces, + - ( ), 7–20 characters."""
        if CONTACT_PHONE_SHEET not in wb.sheetnames:
            return None
        cell = wb[CONTACT_PHONE_SHEET][CONTACT_PHONE_CELL]
        raw = cell.value
        if blank(raw):
            return None
        # A number typed into a cell whose text format was cleared comes back as int/float.
        text = f"{raw:.0f}" if isinstance(raw, float) and raw.is_integer() else str(raw)
        text = unicodedata.normalize("NFKC", text).strip()
        if PHONE_PATTERN.fullmatch(text) is None:
            self.error(PHONE_RULE, row=cell.row, column="联系电话", value=raw, sheet=CONTACT_PHONE_SHEET)
            return None
        return text

    def no_co_work(self, wb: Any) -> bool:
        """The 本季度无配合事项 cell of an .xlsx progress form: 是 → True; 否 or blank → False; else an error."""
        if CONTACT_PHONE_SHEET not in wb.sheetnames:
            return False
        ws = wb[CONTACT_PHONE_SHEET]
        label = ws[NO_CO_WORK_LABEL_CELL].value
        if not (isinstance(label, str) and label.startswith(NO_CO_WORK_LABEL)):
            return False  # a form without the cell (a lead unit's)
        cell = ws[NO_CO_WORK_CELL]
        raw = cell.value
        if blank(raw):
            return False
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        if text not in YES_NO:
            self.error("应从下拉列表选“是”或“否”", row=cell.row, column=NO_CO_WORK_LABEL, value=raw,
                       sheet=CONTACT_PHONE_SHEET)
            return False
        return text == YES_NO[0]

    def require_header_on_row_1(self, columns: tuple[str, ...]) -> bool:
        """A title row inserted above the header is the commonest hand edit: say so instead of listing every column."""
        if any(c in self.grid.header for c in columns):
            return True
        for offset, values in enumerate(self.grid.later_rows, start=2):
            labels = {normalize_label(str(v)) for v in values if not blank(v)}
            if len(labels & set(columns)) >= len(columns) // 2:
                self.error(f"不是表头（表头在第 {offset} 行）；请删除表头上方插入的行，表头须在第 1 行", row=1)
                return False
        return True

    def require_columns(self, columns: tuple[str, ...]) -> bool:
        """Every one of ``columns`` is in the header; each missing one is an error."""
        missing = [c for c in columns if c not in self.grid.header]
        for column in missing:
            self.error("缺少必需的列（请勿删除或改动表头）", row=1, column=column)
        return not missing

    def cell(self, values: list[Any], label: str) -> Any:
        """The value under ``label`` in a row (``None`` when the column or the cell is missing)."""
        index = self.grid.header.get(label)
        return values[index] if index is not None and index < len(values) else None

    def flag(self, flags: list[bool], label: str) -> bool:
        """The percent-format flag under ``label`` in a row."""
        index = self.grid.header.get(label)
        return flags[index] if index is not None and index < len(flags) else False
