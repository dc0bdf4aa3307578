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

__all__ = ["MAX_AMOUNT", "MAX_NAME", "MAX_RANK", "MAX_TEXT", "NOT_A_NUMBER", "blank", "cell_date", "cell_text",
           "clean_text", "free_text", "normalize_label", "parse_amount", "parse_percent", "parse_rank", "shown_percent"]

MAX_TEXT = 2000  # characters per free-text cell; beyond that the cell is rejected, never truncated
MAX_NAME = 50  # characters in 填报人
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NOT_A_NUMBER = "不是数字（应填 0–100 的数字）"
# A plainly written number: optional sign, ASCII or full-width digits, one point, optional % sign.
_PLAIN_NUMBER = re.compile(r"([+\-＋－]?[0-9０-９]+(?:[.．][0-9０-９]*)?)[ \u3000]*[%％]?")
# An amount written as text: ASCII or full-width digits, thousands separators only in groups of three.
_DIGIT = "[0-9０-９]"
_AMOUNT = re.compile(f"[+\\-＋－]?(?:{_DIGIT}{{1,3}}(?:,{_DIGIT}{{3}})+|{_DIGIT}+)(?:[.．]{_DIGIT}+)?")
MAX_AMOUNT = 1e15  # far beyond any indicator (1e15 亿元); larger is a typo or an attack, and breaks the charts
MAX_RANK = 10000  # a 位次 among counties, cities or provinces; larger is a typo
_RANK = re.compile(f"第[ \u3000]*({_DIGIT}+)")
_RANK_RULE = f"位次应为 1–{MAX_RANK} 的整数，或写作“全省县域第3”之类（须含“第N”）"
_PERCENT_UNITS = ("%", "％", "百分比", "百分点", "个百分点")
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


def _percent_unit(unit: str) -> bool:
    return unicodedata.normalize("NFKC", unit).strip() in {unicodedata.normalize("NFKC", u) for u in _PERCENT_UNITS}


def parse_amount(value: Any, unit: str = "", percent_format: bool = False) -> tuple[float, str | None]:
    """``(number, note)`` for an amount in ``unit``: the progress reader's strictness for every other number.

    A number cell is read as it is, except that a percent-formatted cell is read as the percent it shows
    (65 %, stored 0.65, is 65) where ``unit`` is a percent, and refused where it is not. Text is read only
    when it is plainly a number: ASCII or full-width digits, one decimal point, an optional sign,
    thousands separators only between groups of three, and ``unit`` (or, for a percent, %) after it.
    Digits with spaces, circled, superscript or Arabic-Indic digits, exponents, ``inf`` and ``nan`` are
    refused, and so is anything beyond ±:data:`MAX_AMOUNT`. Raises ``ValueError`` with the Chinese rule.
    """
    hint = f"（计量单位为“{unit}”，格内只填数字）" if unit else "（格内只填数字）"
    note = None
    if isinstance(value, bool):
        raise ValueError("不是数字" + hint)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("不是数字" + hint)
        number = float(value)
        if percent_format:
            if not _percent_unit(unit):
                raise ValueError(f"所在单元格为百分比格式（显示为“{shown_percent(value, True)}”），但计量单位为"
                                 f"“{unit or '（未填）'}”；请把单元格格式改为“常规”后填写数字")
            number = float(Decimal(repr(value)) * 100)  # 0.655 → 65.5 exactly, no binary noise
            note = f"“{shown_percent(value, True)}”（百分比格式，存为 {value:g}）按 {number:g} 计"
    else:
        raw = str(value).strip()
        text = raw
        for suffix in {unit.strip(), unicodedata.normalize("NFKC", unit).strip()} | (
                {"%", "％"} if _percent_unit(unit) else set()):
            if suffix and text.endswith(suffix):
                text = text[: -len(suffix)].rstrip(" \u3000")
                break
        if _AMOUNT.fullmatch(text) is None:
            raise ValueError("不是数字" + hint)
        number = float(unicodedata.normalize("NFKC", text).replace(",", ""))
        note = f"“{raw}”按 {number:g} 计"
    if abs(number) > MAX_AMOUNT:
        raise ValueError(f"绝对值超过 {MAX_AMOUNT:.0e}，不是可信的指标值，请核对")
    return number + 0.0, note  # + 0.0: "-0" is stored as 0


def parse_rank(value: Any) -> tuple[int, str]:
    """``(rank, text)`` from a 位次 cell: “全省县域第3” → 3; a whole number is the rank itself.

    The rank is 1–:data:`MAX_RANK`, written in ASCII or full-width digits; circled, superscript or
    other digits, and fractions, are refused. Raises ``ValueError`` with the Chinese rule.
    """
    if isinstance(value, bool):
        raise ValueError(_RANK_RULE)
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value != int(value) or not 1 <= value <= MAX_RANK:
            raise ValueError(_RANK_RULE)
        return int(value), f"第{int(value)}"
    text = str(value).strip()
    match = _RANK.search(text)
    if match is None:
        raise ValueError(_RANK_RULE)
    rank = int(unicodedata.normalize("NFKC", match.group(1)))
    if not 1 <= rank <= MAX_RANK:
        raise ValueError(_RANK_RULE)
    return rank, unicodedata.normalize("NFKC", text)  # as the ledger has always kept it: （市、区） → (市、区)
