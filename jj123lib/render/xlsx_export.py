"""Spreadsheets people read and print: the ledger, ratings and league exports as formatted xlsx.

One sheet per export, named in Chinese; column widths fitted to the text (a Han character is two
columns wide); wrapped text with row heights that show every line; a frozen, bold header that
repeats on every printed page; A4 landscape, fit to one page wide unless its text would print below 8 pt
(:func:`print_widths`: wide text columns narrowed first, then a fixed 8-pt scale); lights as cells coloured from
:mod:`jj123lib.domain.lights`. Text stays data: formulas are neutralised by :func:`formats.export_frame`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jj123lib.core.formats import display_width, export_frame, wrapped_lines
from jj123lib.domain.lights import COLORS, LABELS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["MAX_WIDTH", "MIN_WIDTH", "LINE_HEIGHT", "PRINT_WIDTH", "BODY_PT", "MIN_PRINT_PT", "Sheet", "sheet_title",
           "column_width", "print_widths", "frame_to_xlsx", "sheets_to_xlsx"]

MAX_WIDTH = 30  # longer text wraps: A4 landscape holds ~140 units at 100 %, so wide sheets shrink
MIN_WIDTH = 6
HEADER_WRAP = 8  # a header longer than its values wraps rather than widening the column
LINE_HEIGHT = 15.0  # points per line of 11-pt text, enough for CJK glyphs
MAX_ROW_HEIGHT = 409.0  # Excel's limit
PRINT_WIDTH = 114.0  # column units across A4 landscape (0.4-inch margins) at 100 %, as LibreOffice prints
BODY_PT, MIN_PRINT_PT = 11.0, 8.0  # the cells' font, and the least it may shrink to on paper
_COLUMN_PAD = 0.75  # units a column takes beyond its width (cell padding)
_MIN_WRAP_WIDTH = 16.0  # a text column is narrowed to no less than eight Han characters a line
_LABEL_TO_KEY = {text: key for key, text in LABELS.items()}
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_title(name: str, demo: bool = False) -> str:
    """A valid sheet name (≤31 characters, no ``[]:*?/\\``), marked 示例数据 for demo data."""
    title = f"{name}（示例数据）" if demo else name
    return title.translate(_BAD_SHEET_CHARS)[:31]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def column_width(header: str, values: Iterable[Any]) -> float:
    """Width (Excel character units) of a column: its widest line, CJK counted double, capped.

    The header counts only up to ``HEADER_WRAP`` units: a long header over short numbers wraps instead."""
    widest = max([display_width(line) for v in values for line in _text(v).split("\n")] or [0])
    widest = max(widest, min(display_width(header), HEADER_WRAP))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))


def print_widths(widths: Sequence[float]) -> tuple[list[float], int | None]:
    """Column widths, and the print scale (%) when fitting one A4 landscape page wide would print the text below
    ``MIN_PRINT_PT`` (``None``: fit to one page wide). The widest text columns are narrowed first (their text
    wraps); a sheet still too wide prints at the least scale that keeps ``MIN_PRINT_PT``, over pages side by side."""
    budget = PRINT_WIDTH * BODY_PT / MIN_PRINT_PT
    out = list(widths)
    cap = max(out, default=MIN_WIDTH)
    while sum(w + _COLUMN_PAD for w in out) > budget and cap > _MIN_WRAP_WIDTH:
        cap -= 1
        out = [min(w, cap) if w > _MIN_WRAP_WIDTH else w for w in out]
    fits = sum(w + _COLUMN_PAD for w in out) <= budget
    return out, None if fits else math.ceil(100 * MIN_PRINT_PT / BODY_PT)


def _lines(value: Any, width: float) -> int:
    return wrapped_lines(_text(value), width)


def _cell_value(value: Any) -> Any:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars → plain Python for openpyxl
        return value.item()
    return value


def _format_sheet(ws: Worksheet, frame: pd.DataFrame, light_columns: Iterable[str],
                  value_fills: Mapping[str, str] | None = None) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    columns = [str(c) for c in frame.columns]
    widths, scale = print_widths([column_width(c, frame.iloc[:, i]) for i, c in enumerate(columns)])
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    for index in range(1, len(columns) + 1):
        cell = ws.cell(1, index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[1].height = LINE_HEIGHT * max(_lines(c, w) for c, w in zip(columns, widths)) + 4
    light_indexes = {columns.index(c) + 1 for c in light_columns if c in columns}
    for row in range(2, ws.max_row + 1):
        lines = 1
        for index in range(1, len(columns) + 1):
            cell = ws.cell(row, index)
            cell.border = border
            cell.alignment = wrap
            lines = max(lines, _lines(cell.value, widths[index - 1]))
            text = cell.value if index in light_indexes and isinstance(cell.value, str) else None
            key = None if text is None else _LABEL_TO_KEY.get(text)
            fill = COLORS[key] if key is not None else (value_fills or {}).get(text or "")
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill.lstrip("#").upper())
                cell.font = Font(bold=True, color="FFFFFF")
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 4)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=scale is None)
    if scale is not None:  # one page wide would print below MIN_PRINT_PT: this scale, pages side by side
        ws.page_setup.scale = scale
        ws.page_setup.pageOrder = "overThenDown"
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    footer = ws.oddFooter
    if footer is not None:
        footer.center.text = "第 &P 页，共 &N 页"


def frame_to_xlsx(frame: pd.DataFrame, sheet: str, *, light_columns: Iterable[str] = (), demo: bool = False) -> bytes:
    """The bytes of a one-sheet workbook holding ``frame`` (header row + one row per record), formatted to read
    and print. Cells of ``light_columns`` whose text is a light's label are filled with that light's colour."""
    return sheets_to_xlsx([Sheet(sheet, frame, tuple(light_columns))], demo=demo)


@dataclass(frozen=True)
class Sheet:
    """One sheet of :func:`sheets_to_xlsx`: its name, its table, the columns whose labels are coloured."""

    name: str
    frame: pd.DataFrame
    light_columns: tuple[str, ...] = ()
    value_fills: Mapping[str, str] = field(default_factory=dict)  # other cell text → colour (#RRGGBB)


def sheets_to_xlsx(sheets: Sequence[Sheet], *, demo: bool = False, header: str = "") -> bytes:
    """The bytes of a workbook with one formatted sheet per :class:`Sheet` (as :func:`frame_to_xlsx`);
    ``header`` is printed at the top of every page."""
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new Workbook always has one sheet
    workbook.remove(first)
    for sheet in sheets:
        data = export_frame(sheet.frame)
        ws = workbook.create_sheet(sheet_title(sheet.name, demo))
        ws.append([str(c) for c in data.columns])
        for record in data.itertuples(index=False, name=None):
            ws.append([_cell_value(v) for v in record])
        _format_sheet(ws, data, sheet.light_columns, sheet.value_fills)
        if header and ws.oddHeader is not None:
            ws.oddHeader.center.text = header
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
