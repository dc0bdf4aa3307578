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


def frame_to_table(frame: pd.DataFrame, max_cell: int = 40) -> str:
    """Aligned plain-text table; cells longer than ``max_cell`` columns are cut with "…"."""
    columns = [str(c) for c in frame.columns]
    body = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False)]

    def cut(text: str) -> str:
        text = text.replace("\n", " ")
        if display_width(text) <= max_cell:
            return text
        out = ""
        for ch in text:
            if display_width(out + ch) > max_cell - 1:
                break
            out += ch
        return out + "…"

    body = [[cut(c) for c in row] for row in body]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in body]) for i, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in body]
    return "\n".join(out)


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
            out[column] = [
                neutralize_formula("、".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for v in out[column]
            ]
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
    """Render ``frame`` as ``table``, ``csv`` or ``json`` text."""
    if fmt == "table":
        return frame_to_table(frame) + "\n"
    if fmt == "csv":
        return frame_to_csv(frame)
    if fmt == "json":
        return frame_to_json(frame)
    raise ValueError(f"unknown format {fmt!r}")
