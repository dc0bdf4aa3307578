"""The checks every section of ``rules.yaml`` is made of: one rule per kind of value, each naming file, key and value.

* numbers are finite and sane (never ``.nan``/``.inf``, never beyond :data:`MAX_RULE_NUMBER`), and within the
  range the key states;
* whole numbers are YAML integers within their range (a day count in days of a year);
* switches are YAML booleans only: a quoted ``"false"`` is text, refused, never read as true;
* sections are mappings whose keys are known: a misspelt key is refused, never silently ignored.

The section checkers (:mod:`jj123lib.domain.rule_sections`, :mod:`jj123lib.domain.rule_annual`) are built on these.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from jj123lib.core.exceptions import RulesError
from jj123lib.core.text import excerpt

__all__ = ["QUARTER_SHAPE", "is_quarter_key", "MAX_DAYS", "MAX_RULE_NUMBER", "Source", "shown", "is_number",
           "is_count", "number", "count", "flag", "section_of", "only_keys"]

Source = str | os.PathLike[str]
MAX_RULE_NUMBER = 1_000_000_000  # far above any threshold, weight or count the office could mean
MAX_DAYS = 366  # a period stated in days: at most a year
QUARTER_SHAPE = re.compile(r"^(20\d\d)Q([1-4])$")  # a quarter as written, upper-cased: 2026Q3 (domain.quarters too)


def is_quarter_key(value: object) -> bool:
    """Whether a rules key names a quarter (``2026Q3``, ``2026q3``)."""
    return isinstance(value, str) and QUARTER_SHAPE.match(value.strip().upper()) is not None


def shown(value: object) -> str:
    """A value as a message quotes it: ``（现为“…”）`` (a short excerpt), or ``（未填写）`` when absent."""
    if value is None:
        return "（未填写）"
    if isinstance(value, float) and not math.isfinite(value):
        return f"（现为“{'.nan' if math.isnan(value) else '.inf' if value > 0 else '-.inf'}”）"
    return f"（现为“{excerpt(value)}”）"


def is_number(value: object) -> bool:
    """A YAML number, finite and sane (never a boolean, ``.nan`` or ``.inf``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return (math.isfinite(value) if isinstance(value, float) else True) and abs(value) <= MAX_RULE_NUMBER


def is_count(value: object) -> bool:
    """A YAML integer (never a boolean), sane in size."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_RULE_NUMBER


def _range(least: float, most: float | None) -> str:
    return f"{least:g}–{most:g}" if most is not None else f"不小于 {least:g}"


def number(section: Mapping[str, Any], key: str, name: str, source: Source, *, least: float = 0,
           most: float | None = None, positive: bool = False) -> float:
    """``section[key]`` as a finite number in ``[least, most]`` (``positive``: above ``least``); ``name`` is its
    dotted key (``ratings.green_max_behind``)."""
    value: Any = section.get(key)
    ok = is_number(value) and value >= least and (most is None or value <= most) and not (positive and value <= least)
    if not ok:
        what = "正数" if positive and least == 0 and most is None else f"数值（{_range(least, most)}）"
        raise RulesError(str(source), f"{name} 应为{what}{shown(value)}")
    return float(value)


def count(section: Mapping[str, Any], key: str, name: str, source: Source, *, least: int = 0,
          most: int = MAX_RULE_NUMBER) -> int:
    """``section[key]`` as a whole number in ``[least, most]``."""
    value: Any = section.get(key)
    if not is_count(value) or not least <= value <= most:
        raise RulesError(str(source), f"{name} 应为 {least}–{most} 的整数{shown(value)}")
    return int(value)


def flag(section: Mapping[str, Any], key: str, name: str, source: Source) -> bool:
    """``section[key]`` as a YAML boolean (``true``/``false`` unquoted)."""
    value: Any = section.get(key)
    if not isinstance(value, bool):
        raise RulesError(str(source), f"{name} 应为 true 或 false（不加引号）{shown(value)}")
    return value


def section_of(rules: Mapping[str, Any], key: str, source: Source, *, required: bool = True) -> Mapping[str, Any]:
    """The section ``key`` of ``rules`` (a missing optional one: empty)."""
    value: Any = rules.get(key) if isinstance(rules, Mapping) else None
    if value is None and not required:
        return {}
    if value is None:
        raise RulesError(str(source), f"缺少 {key} 段")
    if not isinstance(value, Mapping):
        raise RulesError(str(source), f"{key} 段应为键值对{shown(value)}")
    return value


def only_keys(section: Mapping[str, Any], known: Iterable[str], name: str, source: Source) -> None:
    """Refuse a key of ``section`` not in ``known`` (a misspelt key would silently be ignored)."""
    allowed = tuple(known)
    extra = [key for key in section if key not in allowed]
    if extra:
        raise RulesError(str(source), f"{name} 中有未知的键“{excerpt(extra[0])}”（可用：{'、'.join(allowed)}）")
