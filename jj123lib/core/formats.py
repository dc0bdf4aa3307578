"""Render DataFrames for the terminal and for export (table, csv, json, xlsx).

Exports neutralise spreadsheet formulas: any text cell starting with =, +, -, @
(or a tab/CR that Excel strips first) gets a leading apostrophe "'", so opening
an export in Excel or WPS never evaluates anything a unit typed.
"""

from __future__ import annotations

import io
import json
import math
import unicodedata
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported lazily: the CLI must start fast
    import pandas as pd

FORMATS = ("table", "csv", "json")
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a spreadsheet: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped in a spreadsheet column ``width`` units wide (the program can't be asked)."""
    usable = max(int(width) - 1, 1)  # a cell's padding eats about one unit
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


def _cell_text(value: Any) -> str:
    import pandas as pd

    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


TABLE_WIDTH = 100  # a terminal table's width when the terminal's own is unknown (output piped or redirected)
# The running command's table width: ``jj123 --wide`` sets ``None`` (every column whole), a terminal its own width.
table_width: ContextVar[int | None] = ContextVar("table_width", default=TABLE_WIDTH)
_KEY_WIDTH = 14  # a column of codes this short (task and 督办 IDs, dates, numbers) is never wrapped
_TEXT_MIN = 12  # a wrapped text column keeps at least six CJK characters a line (全国领先示范)
_GAP = 2  # columns between two columns


def _cut(text: str, limit: int) -> str:
    text = text.replace("\n", " ")
    if display_width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def _min_width(column: str, cells: list[str]) -> int:
    """Columns a column needs: a code column its longest code and a short header whole, text ``_TEXT_MIN``."""
    natural = max(display_width(c) for c in [column, *cells])
    if cells and all(_is_code(c) for c in cells):
        return max([min(display_width(column), 8), *(display_width(c) for c in cells)])
    return min(natural, _TEXT_MIN)


def _column_widths(columns: list[str], body: list[list[str]], width: int) -> dict[int, int]:
    """Shown column → its width in ``width``: each gets its minimum, then the room left goes to those that want
    more, in proportion; when the minimums do not fit, the widest text columns are left out (the first stays)."""
    mins = [_min_width(column, [r[i] for r in body]) for i, column in enumerate(columns)]
    naturals = [max(display_width(c) for c in [column, *(r[i] for r in body)]) for i, column in enumerate(columns)]
    shown = list(range(len(columns)))
    while len(shown) > 1 and sum(mins[i] + _GAP for i in shown) - _GAP > width:
        shown.remove(max(shown[1:], key=lambda i: (naturals[i], i)))
    room = width - (sum(mins[i] + _GAP for i in shown) - _GAP)
    wants = {i: naturals[i] - mins[i] for i in shown}
    total = sum(wants.values())
    if total <= room:
        return {i: naturals[i] for i in shown}
    return {i: mins[i] + (wants[i] * room) // total for i in shown}


def _is_code(text: str) -> bool:
    return text.isascii() and " " not in text and len(text) <= _KEY_WIDTH


def frame_to_table(frame: pd.DataFrame, max_cell: int = 40, width: int | None = TABLE_WIDTH) -> str:
    """A plain-text table at most ``width`` columns wide (``None``: every column, no cell cut); rich wraps it.

    Cells longer than ``max_cell`` columns are cut with "…". Codes (task and 督办 IDs, dates, numbers) stay on one
    line and text wraps; when even then the table is too wide, the widest text columns are left out, named in a
    last line, and ``--wide`` shows them.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table

    columns = [str(c) for c in frame.columns]
    limit = max_cell if width is not None else 1_000_000
    body = [[_cut(_cell_text(v), limit) for v in row] for row in frame.itertuples(index=False)]
    widths = {i: None for i in range(len(columns))} if width is None else _column_widths(columns, body, width)
    shown = list(widths)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, _GAP - 1, 0, 0))
    for i, column_width in widths.items():
        table.add_column(columns[i], width=column_width, overflow="fold")
    for row in body:
        table.add_row(*(row[i] for i in shown))
    console = Console(width=width or 1_000_000, file=io.StringIO(), color_system=None, highlight=False,
                      markup=False, emoji=False, legacy_windows=False)
    hidden = [columns[i] for i in range(len(columns)) if i not in widths]
    with console.capture() as captured:
        console.print(table)
        if hidden:
            console.print(f"（终端宽度不够，未显示：{'、'.join(hidden)}；加 --wide 显示全部列）")
    lines = [line.rstrip() for line in captured.get().splitlines() if line.strip()]
    return "\n".join(lines)


def neutralize_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with "'"."""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` fit for CSV/xlsx export: lists joined, formulas neutralised."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            # Kept as objects: a list assignment would let pandas turn a day count beside empty cells into 2.0.
            out[column] = pd.Series([
                neutralize_formula("、".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for v in out[column]
            ], index=out.index, dtype=object)
    return out


def frame_to_csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    export_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def frame_to_json(frame: pd.DataFrame) -> str:
    records = []
    for row in frame.to_dict(orient="records"):
        records.append({str(k): _json_value(v) for k, v in row.items()})
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _json_value(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def render_frame(frame: pd.DataFrame, fmt: str) -> str:
    """Render ``frame`` as ``table`` (as wide as :data:`table_width` says), ``csv`` or ``json`` text."""
    if fmt == "table":
        return frame_to_table(frame, width=table_width.get()) + "\n"
    if fmt == "csv":
        return frame_to_csv(frame)
    if fmt == "json":
        return frame_to_json(frame)
    raise ValueError(f"unknown format {fmt!r}")
