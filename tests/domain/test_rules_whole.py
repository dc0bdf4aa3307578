"""The rules validated whole at load: any key of the packaged rules made bad is refused, naming the key.

A property (hypothesis) mutates one key of ``params/rules.yaml`` at a time — to ``.nan``, ``.inf``, a quoted
``"false"``, a wrong type or a negative number — and loads the file: the result is always a :class:`RulesError`
naming the file and the key (never a traceback, never silently accepted), unless the value is one the key
takes (text keys take any text; ``documents:`` text keys a number, as a phone number is typed).
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jj123lib.cli.main import main
from jj123lib.core.exceptions import RulesError
from jj123lib.core.resources import DEFAULT_RULES
from jj123lib.domain.rules import as_rules, load_rules, rules_source
from jj123lib.intake.ingest import ingest_files
from tests.ledger_helpers import filled_plan, snapshot

PACKAGED: dict[str, Any] = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
# Keys whose value is free text (a list of texts for cc and vague_words): any text is a value they take.
TEXT_KEYS = ("documents.issuer", "documents.contact", "documents.phone", "documents.submit_by", "documents.printer",
             "documents.note", "documents.basis", "documents.praise", "documents.criticism",
             "documents.yellow_consequence", "documents.cc", "flags.vague_words")


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every scalar, list item and empty mapping of the rules, as a path of keys and indexes."""
    if isinstance(data, dict) and data:
        return [leaf for key, value in data.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(data, list) and data:
        return [leaf for index, value in enumerate(data) for leaf in _leaves(value, (*path, index))]
    return [path]


LEAVES = _leaves(PACKAGED)
MUTATIONS: dict[str, Any] = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "quoted false": "false",
                             "quoted true": "true", "a list": [1], "a mapping": {"x": 1}, "negative": -5,
                             "negative float": -0.5, "huge": 10 ** 30, "true": True}


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def _accepted_as_is(path: tuple[Any, ...], value: Any) -> bool:
    """Whether ``value`` is one the key at ``path`` takes: a switch flipped, text for a text key, a number for a
    documents text."""
    original: Any = PACKAGED
    for step in path:
        original = original[step]
    if isinstance(original, bool) and isinstance(value, bool):
        return True
    key = _dotted(path)
    if key not in TEXT_KEYS:
        return False
    if isinstance(value, str):
        return True
    return key.startswith("documents.") and key != "documents.cc" and type(value) is int


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return out


def _write(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_packaged_rules_load_and_every_leaf_is_reachable() -> None:
    load_rules(DEFAULT_RULES)
    assert len(LEAVES) > 80 and ("ratings", "green_max_behind") in LEAVES and ("deadlines", "quarter_overrides") \
        in LEAVES


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(LEAVES), mutation=st.sampled_from(sorted(MUTATIONS)))
def test_a_bad_value_anywhere_is_refused_naming_the_key(tmp_path: Path, path: tuple[Any, ...],
                                                        mutation: str) -> None:
    value = MUTATIONS[mutation]
    source = _write(tmp_path, _set(PACKAGED, path, value))
    try:
        load_rules(source)
    except RulesError as exc:
        message = str(exc)
        assert message.startswith(f"规则文件无效：{source}："), message
        named = [".".join(str(p) for p in path[:n] if not isinstance(p, int)) for n in range(len(path), 0, -1)]
        assert any(name and name in message for name in named[:max(len(named) - 1, 1)]), (path, message)
        return
    assert _accepted_as_is(path, value), f"{_dotted(path)} = {value!r} accepted"


@pytest.mark.parametrize(("edit", "key"), [
    (lambda d: d.pop("ratings"), "ratings"),  # a missing section fails at load, not where it is first used
    (lambda d: d.pop("annual_review"), "annual_review"),
    (lambda d: d.pop("unit_scoring"), "unit_scoring"),
    (lambda d: d["duban"].update(due_dayz=20), "due_dayz"),  # a misspelt key is not silently ignored
    (lambda d: d.update(ratigns={}), "ratigns"),
    (lambda d: d["deadlines"].update(quarter_overrides={"2026Q9": "2027-01-15"}), "deadlines.quarter_overrides"),
    (lambda d: d["documents"].update(quarters={"Q3": {"issue_date": "2026-10-15"}}), "documents.quarters"),
    (lambda d: d["verification"].update(evidence_max_mb=0), "verification.evidence_max_mb"),
])
def test_every_section_is_checked_at_load(tmp_path: Path, edit: Any, key: str) -> None:
    data = copy.deepcopy(PACKAGED)
    edit(data)
    with pytest.raises(RulesError, match=key):
        load_rules(_write(tmp_path, data))


def test_an_empty_rules_path_is_refused_not_the_packaged_rules(capsys: pytest.CaptureFixture[str]) -> None:
    for call in (load_rules, rules_source):
        with pytest.raises(RulesError, match="路径为空"):
            call("")
    assert main(["--rules", "", "check"]) == 2
    assert "规则文件路径为空" in capsys.readouterr().err


def test_a_rules_error_is_the_offices_not_a_fault_in_a_units_plan(tmp_path: Path) -> None:
    """A bad ``benchmarks:`` section stops the ingest before any file is judged, naming the rules."""
    plan = filled_plan(tmp_path / "in", "商务局")
    bad = copy.deepcopy(PACKAGED)
    bad["benchmarks"]["require_for_tiers"] = ["全球领先"]
    before = snapshot(tmp_path / "data")
    with pytest.raises(RulesError, match="benchmarks.require_for_tiers"):
        ingest_files([plan], tmp_path / "data", rules=bad)
    with pytest.raises(RulesError, match="benchmarks.require_for_tiers"):
        as_rules(bad)
    assert snapshot(tmp_path / "data") == before
