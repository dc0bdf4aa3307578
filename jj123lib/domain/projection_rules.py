"""The ``projection:`` section of ``rules.yaml`` (预计年底完成度 and 交付风险), checked whole at load.

The projection never changes a light: it is shown beside it (:mod:`jj123lib.assess.projection`).
A missing section takes :data:`DEFAULT_PROJECTION_RULES` (an older rules file still loads).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

from jj123lib.core.exceptions import RulesError
from jj123lib.domain.rule_sections import shown

__all__ = ["DEFAULT_PROJECTION_RULES", "projection_rules"]

DEFAULT_PROJECTION_RULES: dict[str, Any] = {
    "window_quarters": 2,  # the pace of the last N quarters, relative to the plan's, is extrapolated
    "low_max_shortfall": 10,  # year target − projection ≤ this: 交付风险低
    "medium_max_shortfall": 25,  # ≤ this: 中; above: 高
}


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def projection_rules(rules: Mapping[str, Any], source: str | os.PathLike[str] = "rules") -> dict[str, Any]:
    """``projection:`` merged over :data:`DEFAULT_PROJECTION_RULES`; a bad value names file, key and value."""
    where = str(source)
    given = rules.get("projection") if isinstance(rules, Mapping) else None
    if given is not None and not isinstance(given, Mapping):
        raise RulesError(where, f"projection 段应为键值对{shown(given)}")
    out = {**DEFAULT_PROJECTION_RULES, **(given or {})}
    unknown = sorted(str(k) for k in set(out) - set(DEFAULT_PROJECTION_RULES))
    if unknown:
        raise RulesError(where, f"projection 中有未知的键：{'、'.join(unknown)}")
    window = out["window_quarters"]
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 3:
        raise RulesError(where, f"projection.window_quarters 应为 1–3 的整数{shown(window)}")
    for key in ("low_max_shortfall", "medium_max_shortfall"):
        value = out[key]
        if not _finite(value) or not 0 <= value <= 100:
            raise RulesError(where, f"projection.{key} 应为 0–100 的百分点数{shown(value)}")
    if out["low_max_shortfall"] > out["medium_max_shortfall"]:
        raise RulesError(where, "projection.low_max_shortfall 不能大于 projection.medium_max_shortfall（现为 "
                                f"{out['low_max_shortfall']} 与 {out['medium_max_shortfall']}）")
    return {"window_quarters": window, "low_max_shortfall": float(out["low_max_shortfall"]),
            "medium_max_shortfall": float(out["medium_max_shortfall"])}
