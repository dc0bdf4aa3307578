"""Load the rules in force: quota minimums, rating thresholds and weights.

The default is the packaged ``params/rules.yaml`` (:data:`jj123lib.core.resources.DEFAULT_RULES`).
``$JJ123_RULES`` points every command, batch worker and kernel at another file;
``jj123 --rules FILE`` sets it for one run.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
from pathlib import Path
from typing import Any

import yaml

from jj123lib.core.exceptions import RulesError
from jj123lib.core.resources import DEFAULT_RULES
from jj123lib.domain import lights
from jj123lib.domain.tiers import TIERS
from jj123lib.domain.vocab import LEVELS

RULES_ENV = "JJ123_RULES"


def default_rules_path() -> Path:
    """``$JJ123_RULES`` if set, else the packaged default rules."""
    env = os.environ.get(RULES_ENV)
    return Path(env) if env else DEFAULT_RULES


def _read_rules_bytes(source: Path) -> bytes:
    try:
        return source.read_bytes()
    except FileNotFoundError:
        raise RulesError(str(source), "文件不存在") from None
    except IsADirectoryError:
        raise RulesError(str(source), "这是一个文件夹，请给出规则文件") from None
    except PermissionError:
        raise RulesError(str(source), "没有读取权限") from None


def rules_source(path: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """The rules file in force (absolute) and the first 12 hex digits of its content's SHA-256."""
    source = Path(os.path.abspath(path if path is not None else default_rules_path()))
    return source, hashlib.sha256(_read_rules_bytes(source)).hexdigest()[:12]


@functools.lru_cache(maxsize=16)
def _parse_yaml_cached(text: bytes) -> Any:
    return yaml.load(text.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parse_yaml(text: bytes) -> Any:
    """YAML parsed with libyaml where present, cached by content (a report reads the same files many
    times); a deep copy, so no caller changes another's data. Raises ``yaml.YAMLError``/``UnicodeDecodeError``."""
    return copy.deepcopy(_parse_yaml_cached(text))


def load_rules(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read and check the rules file; raise :class:`RulesError` if it is unusable."""
    source = Path(path) if path is not None else default_rules_path()
    try:
        data = parse_yaml(_read_rules_bytes(source))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RulesError(str(source), f"不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise RulesError(str(source), "顶层应为键值对")
    quota_minimums(data, source)  # validate eagerly so errors name the file
    if "ratings" in data:
        rating_rules(data, source)
    if "scoring" in data:
        scoring_rules(data, source)
    return data


def quota_minimums(rules: dict[str, Any], source: str | os.PathLike[str] = "rules") -> dict[str, int]:
    """The per-leader minimum task count for each tier."""
    try:
        minimums = rules["quota"]["minimum_per_leader"]
    except (KeyError, TypeError):
        raise RulesError(str(source), "缺少 quota.minimum_per_leader") from None
    out: dict[str, int] = {}
    for tier in TIERS:
        value = minimums.get(tier) if isinstance(minimums, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise RulesError(str(source), f"quota.minimum_per_leader.{tier} 应为非负整数")
        out[tier] = value
    return out


def rating_rules(rules: dict[str, Any], source: str | os.PathLike[str] = "rules") -> dict[str, Any]:
    """The ``ratings:`` section, checked: thresholds are numbers with green ≤ yellow."""
    section = rules.get("ratings") if isinstance(rules, dict) else None
    if not isinstance(section, dict):
        raise RulesError(str(source), "缺少 ratings 段")
    out: dict[str, Any] = {}
    for key in ("green_max_behind", "yellow_max_behind", "done_requires_pct"):
        value = section.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise RulesError(str(source), f"ratings.{key} 应为非负数")
        out[key] = float(value)
    if out["green_max_behind"] > out["yellow_max_behind"]:
        raise RulesError(str(source), "ratings.green_max_behind 不能大于 ratings.yellow_max_behind")
    consecutive = section.get("missed_milestone_consecutive_red")
    if not isinstance(consecutive, int) or isinstance(consecutive, bool) or consecutive < 1:
        raise RulesError(str(source), "ratings.missed_milestone_consecutive_red 应为正整数")
    out["missed_milestone_consecutive_red"] = consecutive
    for key in ("missed_milestone_min_light", "no_plan_light", "missing_counts_as"):
        value = section.get(key)
        if value not in ("green", "yellow", "red"):
            raise RulesError(str(source), f"ratings.{key} 应为 green、yellow 或 red")
        out[key] = value
    return out


def scoring_rules(rules: dict[str, Any], source: str | os.PathLike[str] = "rules") -> dict[str, Any]:
    """The ``scoring:`` section, checked: points per light and weight per tier."""
    section = rules.get("scoring") if isinstance(rules, dict) else None
    if not isinstance(section, dict):
        raise RulesError(str(source), "缺少 scoring 段")
    points = section.get("light_points")
    weights = section.get("tier_weights")
    if not isinstance(points, dict) or not isinstance(weights, dict):
        raise RulesError(str(source), "scoring 段应含 light_points 与 tier_weights")
    out_points: dict[str, float] = {}
    for light in lights.RATED:
        value = points.get(light)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise RulesError(str(source), f"scoring.light_points.{light} 应为数值")
        out_points[light] = float(value)
    out_weights: dict[str, float] = {}
    for tier in TIERS:
        value = weights.get(tier)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise RulesError(str(source), f"scoring.tier_weights.{tier} 应为正数")
        out_weights[tier] = float(value)
    return {"light_points": out_points, "tier_weights": out_weights}


# The supervision loop's sections of rules.yaml, with their defaults.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "deadlines": {"report_day_of_next_month": 10, "plan_month_day": "01-31", "quarter_overrides": {}},
    "duban": {"triggers": {"red": "督办", "missing": "督办", "yellow_twice": "提醒", "milestone_twice": "提醒"},
              "due_days": 15},
    "verification": {"required_for_done": True, "claimed_counts_as": "green"},
    "coordination": {"same_item_min_ratio": 0.6},
    "flags": {"jump_points": 40, "min_text_chars": 10, "stuck_min_quarters": 3,
              "vague_words": ["继续", "持续", "进一步", "加快", "积极", "稳步", "推进", "做好", "加强", "落实", "开展",
                              "相关", "工作", "各项"]},
}
_TRIGGERS = ("red", "missing", "yellow_twice", "milestone_twice")


def loop_rules(rules: dict[str, Any], section: str) -> dict[str, Any]:
    """One loop section of ``rules.yaml`` merged over its defaults, checked."""
    given = rules.get(section) if isinstance(rules, dict) else None
    if given is not None and not isinstance(given, dict):
        raise RulesError("rules", f"{section} 段应为键值对")
    out = {**_DEFAULTS[section], **(given or {})}
    if section == "duban":
        triggers = out["triggers"]
        if not isinstance(triggers, dict) or any(k not in _TRIGGERS or v not in LEVELS for k, v in triggers.items()):
            raise RulesError("rules", f"duban.triggers 的键应为 {'、'.join(_TRIGGERS)}，值应为 {'、'.join(LEVELS)}")
        if not isinstance(out["due_days"], int) or out["due_days"] < 1:
            raise RulesError("rules", "duban.due_days 应为正整数")
    if section == "coordination" and not 0 < float(out["same_item_min_ratio"]) <= 1:
        raise RulesError("rules", "coordination.same_item_min_ratio 应在 0 与 1 之间")
    if section == "deadlines":
        day = out["report_day_of_next_month"]
        if not isinstance(day, int) or not 1 <= day <= 28:
            raise RulesError("rules", "deadlines.report_day_of_next_month 应为 1–28 的整数")
    return out
