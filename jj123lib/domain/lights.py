"""The lights (灯号): the one definition of their order, Chinese labels and colours.

Ratings, reports, charts, exports, the index page and the CSS all read them from here.
Points per light are rules, not definitions: they live in ``params/rules.yaml`` (``scoring``)
and :func:`light_points` resolves them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Light", "LIGHTS", "ORDER", "RATED", "LABELS", "COLORS", "ALIASES", "light", "label", "worse",
           "css_variables", "light_points", "parse_light"]


@dataclass(frozen=True)
class Light:
    """One light: its key (used in data), Chinese label, colour (CSS hex) and severity rank."""

    key: str
    label: str
    color: str
    rank: int  # 0 is best


LIGHTS: tuple[Light, ...] = (
    Light("done", "已完成", "#1f5fa8", 0),
    # Self-reported 已完成 not yet verified by the office (核实销号); not bad, not yet done.
    Light("claimed", "待核实", "#5e8fc4", 1),
    # No submission yet and the reporting deadline has not passed: neutral, never counted as bad.
    Light("pending", "未到报送期", "#9aa3ad", 2),
    Light("green", "绿灯", "#2e7d32", 3),
    Light("yellow", "黄灯", "#b7860b", 4),
    Light("red", "红灯", "#c62828", 5),
    Light("missing", "未报送", "#6b7280", 6),
)
ORDER: tuple[str, ...] = tuple(item.key for item in LIGHTS)  # severity order, best first
# The lights a rule or the office's override can give; the other three are states of reporting or checking.
RATED: tuple[str, ...] = tuple(key for key in ORDER if key not in ("missing", "claimed", "pending"))
LABELS: dict[str, str] = {item.key: item.label for item in LIGHTS}
COLORS: dict[str, str] = {item.key: item.color for item in LIGHTS}
# What the office may type for a light on the command line (the key, the label or its first character).
ALIASES: dict[str, str] = {
    **{item.key: item.key for item in LIGHTS},
    **{item.label: item.key for item in LIGHTS},
    "绿": "green", "黄": "yellow", "红": "red",
}
_BY_KEY = {item.key: item for item in LIGHTS}


def light(key: str) -> Light:
    """The :class:`Light` for ``key``; ``KeyError`` for an unknown key."""
    return _BY_KEY[key]


def label(key: object, default: str = "—") -> str:
    """Chinese label of a light key, ``default`` for anything else (None, NaN, unknown)."""
    return LABELS.get(key, default) if isinstance(key, str) else default


def worse(a: str, b: str) -> str:
    """The more severe of two light keys."""
    return a if _BY_KEY[a].rank >= _BY_KEY[b].rank else b


def parse_light(value: str) -> str | None:
    """A light key from what a person typed (``green``, ``Green``, ``绿灯``, ``绿``), or None."""
    return ALIASES.get(value.strip()) or ALIASES.get(value.strip().lower())


def css_variables() -> str:
    """``--light-<key>: <colour>;`` declarations for the report and index stylesheets."""
    return " ".join(f"--light-{item.key}: {item.color};" for item in LIGHTS)


def light_points(scoring: Mapping[str, Any], missing_counts_as: str,
                 claimed_counts_as: str = "green") -> dict[str, float]:
    """Points of each light under the rules in force.

    未报送 scores as ``missing_counts_as``, 待核实 as ``claimed_counts_as``; 未到报送期 has no
    points at all: such tasks are left out of the league.
    """
    derived = ("missing", "claimed", "pending")
    points = {key: float(scoring["light_points"][key]) for key in ORDER if key not in derived}
    points["missing"] = points[missing_counts_as]
    points["claimed"] = points[claimed_counts_as]
    return points
