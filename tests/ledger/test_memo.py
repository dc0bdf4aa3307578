"""jj123lib.ledger.memo: built once per content, a miss on any change, and callers get copies."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.assess.signals import load_benchmark_view
from jj123lib.domain.rules import default_rules_path
from jj123lib.ledger.memo import Memo, content_key
from jj123lib.ledger.store import Ledger
from jj123lib.loop.lists import load_supervision
from tests.ledger_helpers import record_progress

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

AS_OF = date(2026, 10, 24)  # after the 2026Q3 deadline: the demo has units 未报送


@pytest.fixture()
def data_dir(demo_data: DemoSummary, tmp_path: Path) -> Path:
    """A private copy of the demo data (these tests write to it)."""
    return Path(shutil.copytree(demo_data.data_dir, tmp_path / "data"))


def test_memo_builds_once_per_key_and_forgets_the_oldest() -> None:
    built: list[str] = []
    memo: Memo[str] = Memo(size=2)

    def build(key: str) -> str:
        built.append(key)
        return key.upper()

    assert ([memo.get(k, lambda k=k: build(k)) for k in ("a", "a", "b", "a", "c", "b", "a")]  # type: ignore[misc]  # the default binds the loop variable
            == ["A", "A", "B", "A", "C", "B", "A"])
    # "b" was the oldest when "c" came; then "a" was when "b" came back.
    assert built == ["a", "b", "c", "b", "a"]


def test_content_key_changes_with_ledger_rules_units_and_day(data_dir: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = Ledger(data_dir)
    first = content_key(ledger, AS_OF, "2026Q3")
    assert content_key(Ledger(data_dir), AS_OF, "2026Q3") == first
    assert content_key(ledger, date(2026, 10, 25), "2026Q3") != first
    assert content_key(ledger, AS_OF, "2026Q2") != first

    record_progress(ledger, "市住建局", "2026Q3", {"B14": {"actual_pct": 99.0}})
    after_form = content_key(ledger, AS_OF, "2026Q3")
    assert after_form != first

    rules = tmp_path / "rules.yaml"
    rules.write_bytes(default_rules_path().read_bytes() + b"\n# edited\n")
    monkeypatch.setenv("JJ123_RULES", str(rules))
    after_rules = content_key(ledger, AS_OF, "2026Q3")
    assert after_rules != after_form

    from jj123lib.domain.units import default_units_path
    units = tmp_path / "units.yaml"
    units.write_bytes(default_units_path().read_bytes() + b"\n# edited\n")
    monkeypatch.setenv("JJ123_UNITS", str(units))
    assert content_key(ledger, AS_OF, "2026Q3") != after_rules


def test_supervision_lists_are_copies_and_follow_new_forms(data_dir: Path) -> None:
    first = load_supervision("2026Q3", str(data_dir), AS_OF)
    assert not first.cuibao.empty, "the demo has units 未报送 after the Q3 deadline"
    late = first.cuibao.iloc[0]
    first.cuibao["unit"] = "被改动"  # a caller spoiling its own copy
    second = load_supervision("2026Q3", str(data_dir), AS_OF)
    assert late["unit"] in set(second.cuibao["unit"])

    from jj123lib.domain.tasks import load_tasks
    table = load_tasks().set_index("task_id")
    task = late["tasks"][0]
    role = "lead" if table.loc[task, "lead_unit"] == late["unit"] else "co"
    record_progress(Ledger(data_dir), str(late["unit"]), "2026Q3", {task: {}}, role=role)
    third = load_supervision("2026Q3", str(data_dir), AS_OF)
    assert late["unit"] not in set(third.cuibao["unit"])


def test_benchmark_view_is_a_copy(data_dir: Path) -> None:
    first = load_benchmark_view("2026Q3", data_dir)
    assert not first.plan.empty
    peers = list(first.plan["peers"])
    first.plan["peers"] = "被改动"
    assert list(load_benchmark_view("2026Q3", data_dir).plan["peers"]) == peers
