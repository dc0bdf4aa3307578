"""Quarters are written ``2026Q1`` … ``2026Q4``; their reporting deadlines come from ``rules.yaml``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from jj123lib.core.clock import parse_date
from jj123lib.core.exceptions import ParameterError
from jj123lib.domain.rules import load_rules, loop_rules

_QUARTER = re.compile(r"^(20\d\d)Q([1-4])$")


def parse_quarter(value: str) -> tuple[int, int]:
    """Return ``(year, q)`` for a quarter string, or raise :class:`ParameterError`."""
    text = str(value).strip().upper()
    match = _QUARTER.match(text)
    if match is None:
        raise ParameterError("quarter", value, [f"2026Q{q}" for q in range(1, 5)], "季度应写作“年份Q季度”，如 2026Q3")
    return int(match.group(1)), int(match.group(2))


def normalize_quarter(value: str) -> str:
    """Canonical spelling of a quarter (``2026q3`` → ``2026Q3``)."""
    year, q = parse_quarter(value)
    return f"{year}Q{q}"


def previous_quarter(value: str) -> str | None:
    """The quarter before ``value`` within the same year, or ``None`` for Q1."""
    year, q = parse_quarter(value)
    return f"{year}Q{q - 1}" if q > 1 else None


def quarters_up_to(value: str) -> list[str]:
    """``2026Q1`` … ``value`` inclusive."""
    year, q = parse_quarter(value)
    return [f"{year}Q{i}" for i in range(1, q + 1)]


def quarter_label(value: str) -> str:
    """Chinese label: ``2026Q3`` → ``2026年第三季度``."""
    year, q = parse_quarter(value)
    return f"{year}年第{'一二三四'[q - 1]}季度"


def report_deadline(quarter: str, rules: Mapping[str, Any] | None = None) -> date:
    """Last day for the quarter's progress forms (inclusive)."""
    quarter = normalize_quarter(quarter)
    section = loop_rules(load_rules() if rules is None else rules, "deadlines")
    override = (section.get("quarter_overrides") or {}).get(quarter)
    if override:
        return parse_date(str(override))
    year, q = parse_quarter(quarter)
    month = q * 3 + 1
    if month > 12:
        year, month = year + 1, 1
    return date(year, month, int(section["report_day_of_next_month"]))


def plan_deadline(year: int, rules: Mapping[str, Any] | None = None) -> date:
    """Last day for the yearly plan forms (inclusive)."""
    section = loop_rules(load_rules() if rules is None else rules, "deadlines")
    month, day = (int(p) for p in str(section["plan_month_day"]).split("-"))
    return date(year, month, day)
