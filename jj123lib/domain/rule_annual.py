"""The ``annual_review:`` section of ``rules.yaml`` (年度考评), checked whole and returned as plain values.

Built on :mod:`jj123lib.domain.rule_checks`: every key known, numbers finite and in range, switches YAML booleans.
It shares the tier weights (``scoring:``) and role weights (``unit_scoring:``) with the 红黄榜.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jj123lib.core.exceptions import RulesError
from jj123lib.domain.rule_checks import Source, flag, number, only_keys, section_of, shown
from jj123lib.domain.rule_sections import scoring_rules, unit_scoring_rules
from jj123lib.domain.vocab import GOAL_LEVELS

__all__ = ["OUTCOMES", "ANNUAL_FLOORS", "DONE", "BASIC", "UNDONE", "annual_rules"]

# The year-end review's outcomes, best first (``annual_review.outcome_points`` gives each its points).
DONE, BASIC, UNDONE = "完成", "基本完成", "未完成"
OUTCOMES: tuple[str, ...] = (DONE, BASIC, UNDONE)
# The floors (保底) a task's outcome never falls below: what earns one, as the rules key names it.
ANNUAL_FLOORS = ("verified_done", "recognition_at_goal")

_KEYS = ("complete", "basic", "floors", "undone_points_in_proportion", "outcome_points", "recognition_points",
         "deductions", "show_leader_scores")
_COMPLETE = ("min_progress", "require_verified_done", "min_milestone_ratio", "require_targets",
             "min_target_attainment", "require_recognition")
_BASIC = ("min_progress", "min_milestone_ratio", "min_target_attainment")
_DEDUCTIONS = ("missing", "late", "overdue_duban")


def _part(section: Mapping[str, Any], key: str, known: tuple[str, ...], source: Source) -> Mapping[str, Any]:
    value: Any = section.get(key)
    if not isinstance(value, Mapping):
        raise RulesError(str(source), f"annual_review.{key} 应为键值对{shown(value)}")
    only_keys(value, known, f"annual_review.{key}", source)
    return value


def _ratio(section: Mapping[str, Any], key: str, name: str, source: Source, default: float) -> float:
    """A share between 0 and 1 (a missing key: ``default``)."""
    return number(section, key, name, source, most=1) if key in section else default


def _floors(section: Mapping[str, Any], source: Source) -> dict[str, str]:
    """``annual_review.floors``: each floor's outcome (a missing section: no floor)."""
    floors: Any = section.get("floors", {}) or {}
    if not isinstance(floors, Mapping):
        raise RulesError(str(source), f"annual_review.floors 应为键值对{shown(floors)}")
    out = {}
    for key, value in floors.items():
        if key not in ANNUAL_FLOORS:
            raise RulesError(str(source), f"annual_review.floors 的键应为 {'、'.join(ANNUAL_FLOORS)}{shown(key)}")
        if value not in OUTCOMES:
            raise RulesError(str(source),
                             f"annual_review.floors.{key} 应为 {'、'.join(OUTCOMES)} 之一{shown(value)}")
        out[str(key)] = str(value)
    return out


def annual_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:  # size: one dict of keys
    """The ``annual_review:`` section checked, with the weights it shares with the 红黄榜, as plain values."""
    section = section_of(rules, "annual_review", source)
    only_keys(section, _KEYS, "annual_review", source)
    complete, basic = _part(section, "complete", _COMPLETE, source), _part(section, "basic", _BASIC, source)
    points = _part(section, "outcome_points", OUTCOMES, source)
    bonus = _part(section, "recognition_points", GOAL_LEVELS, source)
    minus = _part(section, "deductions", _DEDUCTIONS, source)
    if set(points) != set(OUTCOMES):
        raise RulesError(str(source), f"annual_review.outcome_points 应给出 {'、'.join(OUTCOMES)} 的分值"
                                      f"{shown('、'.join(map(str, points)))}")
    unit_rules = unit_scoring_rules(rules, source)

    def num(part: Mapping[str, Any], key: str, where: str, most: float | None = None) -> float:
        return number(part, key, f"annual_review.{where}{key}", source, most=most)

    def on(part: Mapping[str, Any], key: str, where: str) -> bool:
        return flag(part, key, f"annual_review.{where}{key}", source)

    return {
        "complete_min_progress": num(complete, "min_progress", "complete."),
        "complete_verified": on(complete, "require_verified_done", "complete."),
        "complete_min_milestones": num(complete, "min_milestone_ratio", "complete.", 1),
        "complete_targets": on(complete, "require_targets", "complete."),
        "complete_recognition": on(complete, "require_recognition", "complete."),
        "basic_min_progress": num(basic, "min_progress", "basic."),
        "basic_min_milestones": num(basic, "min_milestone_ratio", "basic.", 1),
        "complete_min_attainment": _ratio(complete, "min_target_attainment", "annual_review.complete."
                                          "min_target_attainment", source, 1.0),
        "basic_min_attainment": _ratio(basic, "min_target_attainment", "annual_review.basic.min_target_attainment",
                                       source, 0.8),
        "floors": _floors(section, source),
        "undone_in_proportion": on(section, "undone_points_in_proportion", "")
        if "undone_points_in_proportion" in section else False,
        "outcome_points": {k: num(points, k, "outcome_points.") for k in OUTCOMES},
        "recognition_points": {k: num(bonus, k, "recognition_points.") if k in bonus else 0.0 for k in GOAL_LEVELS},
        "missing": num(minus, "missing", "deductions."),
        "late": num(minus, "late", "deductions."),
        "overdue_duban": num(minus, "overdue_duban", "deductions."),
        "tier_weights": dict(scoring_rules(rules, source)["tier_weights"]),
        "lead_weight": unit_rules["lead_weight"],
        "co_weight": unit_rules["co_weight"],
        "show_leader_scores": on(section, "show_leader_scores", "") if "show_leader_scores" in section else False,
    }
