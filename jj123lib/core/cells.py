"""Cell checks: what a single cell of a form may hold, and how it is read.

Pure functions with no file access, shared by :mod:`jj123lib.intake.readers` and
:mod:`jj123lib.intake.ingest`. Each parser raises ``ValueError`` carrying the Chinese rule.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = ["MAX_TEXT", "MAX_NAME", "NOT_A_NUMBER", "blank", "cell_text", "clean_text", "free_text", "normalize_label",
           "cell_date", "parse_percent", "shown_percent"]

MAX_TEXT = 2000  # characters per free-text cell; beyond that the cell is rejected, never truncated
MAX_NAME = 50  # characters in 填报人
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NOT_A_NUMBER = "不是数字（应填 0–100 的数字）"
# A plainly written number: optional sign, ASCII or full-width digits, one point, optional % sign.
_PLAIN_NUMBER = re.compile(r"([+\-＋－]?[0-9０-９]+(?:[.．][0-9０-９]*)?)[ \u3000]*[%％]?")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")


def finite(value: object) -> float | None:
    """``value`` as a float, or None when it is missing, not a number, NaN or infinite."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]  # numbers, numpy scalars, numeric text
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def normalize_label(label: str) -> str:
    """Header label with full-width brackets/percent and spaces normalised."""
    text = unicodedata.normalize("NFKC", str(label)).strip()
    return re.sub(r"\s+", "", text)


def blank(value: Any) -> bool:
    """An empty cell: ``None``, NaN (pandas) or only whitespace."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text (``3.0`` reads ``"3"``), ``None`` when blank."""
    if blank(value):
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


def free_text(raw: Any, label: str, row: int, notes: list[str], limit: int = MAX_TEXT) -> str | None:
    """A free-text cell as stored (:func:`clean_text`), what was cleaned added to ``notes``; ``None`` when blank.

    Raises ``ValueError`` carrying the rule when the text is over ``limit`` characters (never truncated).
    """
    if blank(raw):
        return None
    if isinstance(raw, datetime):
        raw = raw.date().isoformat()
    if not isinstance(raw, str):
        return cell_text(raw)
    text, done = clean_text(raw)
    if done:
        notes.append(f"第 {row} 行“{label}”" + "，".join(done))
    if len(text) > limit:
        raise ValueError(f"长度为 {len(text)} 字，超过 {limit} 字的上限；请精简后重新报送（系统不会自动截断）")
    return text or None


def shown_percent(value: Any, percent_format: bool) -> Any:
    """The value as the clerk saw it: a number in a percent-formatted cell (stored 1.5) is shown "150%"."""
    if percent_format and isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return f"{float(Decimal(repr(value)) * 100):g}%"
    return value


def parse_percent(value: Any, percent_format: bool = False) -> tuple[float, str | None]:
    """``(value, note)`` for a 0–100 percentage; ``note`` says how it was normalised, if it was.

    Text is read only when it is plainly a number: ASCII or full-width digits, one decimal
    point, an optional sign and % sign, spaces only at the ends. Anything Python's ``float``
    would also take ("3_5", "1e2", "nan", "inf") or NFKC would turn into digits ("①") is
    refused. The value is never rounded, so 99.99996 stays below 100.
    Raises ``ValueError`` with the Chinese rule when it is not a number in range.
    """
    note = None
    if isinstance(value, bool):
        raise ValueError(NOT_A_NUMBER)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(NOT_A_NUMBER)
        number = float(value)
        if percent_format:
            number = float(Decimal(repr(value)) * 100)  # 0.855 → 85.5 exactly, no binary noise
            note = f"“{shown_percent(value, True)}”（百分比格式，存为 {value:g}）按 {number:g} 计"
    else:
        raw = str(value).strip()
        match = _PLAIN_NUMBER.fullmatch(raw)
        if match is None:
            raise ValueError(NOT_A_NUMBER)
        digits = unicodedata.normalize("NFKC", match.group(1))
        number = float(digits)
        if digits != raw:
            note = f"“{raw}”按 {number:g} 计"
    if number < 0 or number > 100:
        raise ValueError("超出 0–100 的范围")
    return number + 0.0, note  # + 0.0: "-0" is stored as 0


def cell_date(value: Any) -> date:
    """A date from a cell (date/datetime or text like 2026-10-08, 2026/10/8, 2026年10月8日)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 36526 <= value <= 55153:
        return (datetime(1899, 12, 30) + timedelta(days=int(value))).date()  # Excel serial day, 2000–2050
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("不是有效日期（格式如 2026-10-08）")
