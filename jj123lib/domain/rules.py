"""The rules in force as one object, :class:`Rules`: read and checked whole, once, at load.

The default is the packaged ``params/rules.yaml`` (:data:`jj123lib.core.resources.DEFAULT_RULES`).
``$JJ123_RULES`` names the user's own file; it is read only where a run starts (the CLI, the API's and the
notebooks' entry points, through :func:`default_rules_path`). From there the rules, or their path, are passed
explicitly: to batch workers and kernels as a parameter, never through the environment.
Each section's checker lives in :mod:`jj123lib.domain.rule_sections`.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jj123lib.core.exceptions import RulesError
from jj123lib.core.files import FileRefused, read_bounded
from jj123lib.core.inputs import note_input
from jj123lib.core.resources import DEFAULT_RULES
from jj123lib.core.text import TextRefused
from jj123lib.core.yamlio import MAX_YAML_BYTES, YamlRefused, load_yaml
from jj123lib.domain.projection_rules import projection_rules
from jj123lib.domain.rule_annual import annual_rules
from jj123lib.domain.rule_checks import is_quarter_key
from jj123lib.domain.rule_sections import (
    LOOP_SECTIONS,
    DocumentSettings,
    co_unit_rules,
    document_settings,
    loop_rules,
    quota_minimums,
    rating_rules,
    required_tiers,
    scoring_rules,
    show_leader_scores,
    shown,
    signal_rules,
    unit_scoring_rules,
    unknown_sections,
)

__all__ = ["RULES_ENV", "Rules", "RulesPath", "default_rules_path", "rules_source", "rules_file", "parse_yaml",
           "as_rules", "load_rules", "quota_minimums", "rating_rules", "scoring_rules", "loop_rules", "required_tiers"]

RULES_ENV = "JJ123_RULES"
RulesPath = str | os.PathLike[str]


def default_rules_path() -> Path:
    """``$JJ123_RULES`` if set, else the packaged default rules: the user's default, read at a run's entry."""
    env = os.environ.get(RULES_ENV)
    return Path(env) if env else DEFAULT_RULES


def _given(path: RulesPath | None) -> Path:
    """The rules file named by ``path`` (``None``: the default); an empty path is refused, never the default."""
    if path is not None and not os.fspath(path).strip():
        raise RulesError("--rules", "规则文件路径为空；请给出规则文件的路径，或不写 --rules 以使用默认规则")
    return Path(path) if path is not None else default_rules_path()


def _read_rules_bytes(source: Path) -> bytes:
    try:
        return read_bounded(source, MAX_YAML_BYTES, "规则文件")
    except FileRefused as exc:
        raise RulesError(str(source), exc.problem) from None


def rules_source(path: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """The rules file in force (absolute) and the first 12 hex digits of its content's SHA-256."""
    source = Path(os.path.abspath(_given(path)))
    return source, hashlib.sha256(_read_rules_bytes(source)).hexdigest()[:12]


def parse_yaml(text: bytes) -> Any:
    """The office's YAML (:func:`jj123lib.core.yamlio.load_yaml`): strict, bounded, a deep copy per caller.
    Raises :class:`~jj123lib.core.yamlio.YamlRefused` or :class:`~jj123lib.core.text.TextRefused`."""
    return load_yaml(text, "文件")


@dataclass(frozen=True, eq=False)
class Rules(Mapping[str, Any]):
    """The rules file, read and checked whole: every section's values, typed, plus the file it came from.

    A read-only mapping over the parsed YAML too (``rules["quota"]``), for the code that reads a raw
    section; :meth:`to_dict` gives a deep copy to edit (a hand-edited mapping is checked where it is used).
    """

    path: Path  # absolute: reports print it, fingerprints hash it
    sha: str  # first 12 hex digits of the content's SHA-256
    data: Mapping[str, Any]
    quota: dict[str, int]
    ratings: dict[str, Any]
    scoring: dict[str, Any]
    loop: dict[str, dict[str, Any]]  # deadlines, duban, verification, coordination, flags over their defaults
    unit_scoring: dict[str, Any]
    co_units: dict[str, Any]  # must_report: whether co-units owe a quarterly report (default: no)
    annual_review: dict[str, Any]
    benchmark_signals: dict[str, Any]
    projection: dict[str, Any]  # 预计年底完成度: method and 交付风险 thresholds (never changes a light)
    benchmark_tiers: frozenset[str]
    show_leader_scores: bool

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the parsed file, to edit and pass on instead of the rules."""
        return copy.deepcopy(dict(self.data))

    def documents(self, quarter: str) -> DocumentSettings:
        """The ``documents:`` section for ``quarter`` (checked for every listed quarter at load)."""
        return document_settings(quarter, self.data, self.path)

    @classmethod
    def check(cls, data: Mapping[str, Any], source: RulesPath, sha: str = "") -> Rules:
        """Every section of ``data`` checked, each error naming ``source``, the key and the value."""
        unknown_sections(data, source)
        quarters = (data.get("documents") or {}).get("quarters") if isinstance(data.get("documents"), dict) else None
        for quarter in [*(quarters if isinstance(quarters, dict) else [])]:
            if not is_quarter_key(quarter):
                raise RulesError(str(source), f"documents.quarters 的键应为季度，如 2026Q3{shown(quarter)}")
        for quarter in ["", *(quarters if isinstance(quarters, dict) else [])]:
            document_settings(str(quarter), data, source)
        return cls(
            path=Path(os.path.abspath(source)), sha=sha, data=data, quota=quota_minimums(data, source),
            ratings=rating_rules(data, source), scoring=scoring_rules(data, source),
            loop={section: loop_rules(data, section, source) for section in LOOP_SECTIONS},
            unit_scoring=unit_scoring_rules(data, source), co_units=co_unit_rules(data, source),
            annual_review=annual_rules(data, source),
            benchmark_signals=signal_rules(data, source), projection=projection_rules(data, source),
            benchmark_tiers=frozenset(required_tiers(data, source)),
            show_leader_scores=show_leader_scores(data, source))


def rules_file(rules: Mapping[str, Any] | None) -> tuple[Path, str]:
    """The file ``rules`` came from and its short digest; the default file for ``None`` or a hand-made mapping."""
    return (rules.path, rules.sha) if isinstance(rules, Rules) else rules_source()


def as_rules(rules: Rules | Mapping[str, Any] | RulesPath | None) -> Rules:
    """``rules`` as given, or read from the path given (``None``: the default), for entry points taking either.

    A hand-made mapping is checked whole here, so its error is the rules' error, before any file is judged.
    Rules read earlier are declared again here: an output computed under a recorder used them.
    """
    if isinstance(rules, Rules):
        note_input("rules", str(rules.path), rules.sha)
        return rules
    if isinstance(rules, Mapping):
        return Rules.check(rules, "rules")
    return load_rules(rules)


def load_rules(path: RulesPath | None = None) -> Rules:
    """Read and check the whole rules file; raise :class:`RulesError` naming it if it is unusable.

    ``path`` None: :func:`default_rules_path` (for entry points; deeper code is handed the rules).
    """
    source = _given(path)
    raw = _read_rules_bytes(source)
    try:
        data = parse_yaml(raw)
    except (TextRefused, YamlRefused) as exc:
        raise RulesError(str(source), str(exc)) from None
    if not isinstance(data, dict):
        raise RulesError(str(source), "顶层应为键值对")
    checked = Rules.check(data, source, hashlib.sha256(raw).hexdigest()[:12])
    note_input("rules", str(checked.path), checked.sha)
    return checked
