"""The one calendar: quarters are written ``2026Q1`` … ``2026Q4``.

Everything that reads a quarter's year or number, walks to the next or previous quarter, lists a
year's quarters, dates a quarter's first or last day, words it in Chinese or fixes its reporting
deadline (from ``rules.yaml``) does it here; no other module slices a quarter string.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from jj123lib.core.clock import parse_day
from jj123lib.core.exceptions import ParameterError
from jj123lib.domain.rule_checks import QUARTER_SHAPE
from jj123lib.domain.rules import load_rules, loop_rules

__all__ = ["QUARTERS_PER_YEAR", "CHINESE_NUMERALS", "QUARTER_WORDS", "parse_quarter", "is_quarter", "quarter_of",
           "normalize_quarter", "quarter_year", "quarter_number", "year_quarters", "previous_quarter",
           "next_quarter", "quarters_up_to", "first_day", "last_day", "short_quarter", "quarter_label",
           "report_deadline", "plan_deadline"]

_QUARTER = QUARTER_SHAPE
QUARTERS_PER_YEAR = 4
CHINESE_NUMERALS = "一二三四五六七八九十"  # 一 … 十: quarters, and the office's numbered headings
QUARTER_WORDS = tuple(f"{n}季度" for n in CHINESE_NUMERALS[:QUARTERS_PER_YEAR])  # 一季度 … 四季度


def parse_quarter(value: str) -> tuple[int, int]:
    """Return ``(year, q)`` for a quarter string, or raise :class:`ParameterError`."""
    text = str(value).strip().upper()
    match = _QUARTER.match(text)
    if match is None:
        raise ParameterError("quarter", value, year_quarters(2026), "季度应写作“年份Q季度”，如 2026Q3")
    return int(match.group(1)), int(match.group(2))


def is_quarter(value: object) -> bool:
    """Whether ``value`` reads as a quarter (``2026Q3``, ``2026q3``)."""
    return _QUARTER.match(str(value).strip().upper()) is not None


def quarter_of(year: int, number: int) -> str:
    """The quarter ``number`` (1–4) of ``year``: ``(2026, 3)`` → ``2026Q3``."""
    if not 1 <= int(number) <= QUARTERS_PER_YEAR:
        raise ParameterError("quarter", f"{year}Q{number}", year_quarters(int(year)))
    return f"{int(year)}Q{int(number)}"


def normalize_quarter(value: str) -> str:
    """Canonical spelling of a quarter (``2026q3`` → ``2026Q3``)."""
    return quarter_of(*parse_quarter(value))


def quarter_year(value: str) -> int:
    """The year of a quarter: ``2026Q3`` → ``2026``."""
    return parse_quarter(value)[0]


def quarter_number(value: str) -> int:
    """The quarter's number within its year: ``2026Q3`` → ``3``."""
    return parse_quarter(value)[1]


def year_quarters(year: int) -> list[str]:
    """The year's four quarters, in order."""
    return [f"{int(year)}Q{q}" for q in range(1, QUARTERS_PER_YEAR + 1)]


def previous_quarter(value: str) -> str | None:
    """The quarter before ``value`` within the same year, or ``None`` for Q1."""
    year, q = parse_quarter(value)
    return quarter_of(year, q - 1) if q > 1 else None


def next_quarter(value: str) -> str | None:
    """The quarter after ``value`` within the same year, or ``None`` for Q4."""
    year, q = parse_quarter(value)
    return quarter_of(year, q + 1) if q < QUARTERS_PER_YEAR else None


def quarters_up_to(value: str) -> list[str]:
    """``2026Q1`` … ``value`` inclusive."""
    year, q = parse_quarter(value)
    return year_quarters(year)[:q]


def first_day(value: str) -> date:
    """The quarter's first day: ``2026Q3`` → 2026-07-01."""
    year, q = parse_quarter(value)
    return date(year, 3 * q - 2, 1)


def last_day(value: str) -> date:
    """The quarter's last day: ``2026Q3`` → 2026-09-30."""
    year, q = parse_quarter(value)
    return date(year + q // QUARTERS_PER_YEAR, 3 * q % 12 + 1, 1) - timedelta(days=1)


def short_quarter(value: str) -> str:
    """``2026Q3`` → ``三季度``."""
    return QUARTER_WORDS[quarter_number(value) - 1]


def quarter_label(value: str) -> str:
    """Chinese label: ``2026Q3`` → ``2026年第三季度``."""
    year, q = parse_quarter(value)
    return f"{year}年第{CHINESE_NUMERALS[q - 1]}季度"


def report_deadline(quarter: str, rules: Mapping[str, Any] | None = None) -> date:
    """Last day for the quarter's progress forms (inclusive)."""
    quarter = normalize_quarter(quarter)
    section = loop_rules(load_rules() if rules is None else rules, "deadlines")
    override = (section.get("quarter_overrides") or {}).get(quarter)
    if override:
        return parse_day(str(override))
    month_after = last_day(quarter) + timedelta(days=1)
    return date(month_after.year, month_after.month, int(section["report_day_of_next_month"]))


def plan_deadline(year: int, rules: Mapping[str, Any] | None = None) -> date:
    """Last day for the yearly plan forms (inclusive)."""
    section = loop_rules(load_rules() if rules is None else rules, "deadlines")
    month, day = (int(p) for p in str(section["plan_month_day"]).split("-"))
    return date(year, month, day)
