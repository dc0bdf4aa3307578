"""Load the rules in force from ``params/rules.yaml``.

The file is the single place where quota minimums, rating thresholds and weights
live. ``JJ123_RULES`` points at another file; ``--rules`` on the CLI overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from jj123lib.exceptions import RulesError
from jj123lib.tiers import TIERS

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_rules_path() -> Path:
    """``$JJ123_RULES`` if set, else ``params/rules.yaml`` of the project."""
    env = os.environ.get("JJ123_RULES")
    return Path(env) if env else PROJECT_ROOT / "params" / "rules.yaml"


def load_rules(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read and check the rules file; raise :class:`RulesError` if it is unusable."""
    source = Path(path) if path is not None else default_rules_path()
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError(str(source), "文件不存在") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RulesError(str(source), f"不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise RulesError(str(source), "顶层应为键值对")
    quota_minimums(data, source)  # validate eagerly so errors name the file
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
