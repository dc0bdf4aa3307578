"""What a leader report depends on: its tasks' ledger rows, the rules, its opinions (scores off)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.domain.tasks import leaders, load_tasks
from jj123lib.ledger.fingerprint import data_fingerprint
from jj123lib.ledger.store import Ledger
from jj123lib.loop.duban import issue_duban
from jj123lib.reports.provenance import leader_data_fingerprint, opinions_fingerprint, task_digests
from tests.late_form import demo_copy, ingest_changed_form, without_duban

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

TASKS = load_tasks()
UNIT = "卫健委"  # lead unit of B13 only: one leader's rows


def fingerprints(data: Path) -> dict[str, str]:
    digests = task_digests(data)
    return {name: leader_data_fingerprint(data, "2026Q3", name, digests=digests, scores=False) for name in leaders()}


@pytest.fixture
def data(demo_data: DemoSummary, tmp_path: Path) -> Path:
    return demo_copy(demo_data.data_dir, tmp_path / "data")


def leaders_of(unit: str) -> set[str]:
    return {str(t.leader) for t in TASKS.itertuples() if unit in t.units}  # type: ignore[operator]  # pandas-stubs: itertuples' fields are scalars


def test_a_late_form_changes_only_its_leaders_fingerprints(data: Path, tmp_path: Path) -> None:
    before, whole = fingerprints(data), data_fingerprint(data)
    ingest_changed_form(data, UNIT, tmp_path / "late", lambda task: {"存在问题": f"补报：{task} 的新问题"})
    after = fingerprints(data)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == leaders_of(UNIT) and len(changed) == 1
    assert data_fingerprint(data) != whole  # the overview's data did change


def test_each_task_digest_covers_its_rows_only(data: Path) -> None:
    without_duban(data)  # so that the 督办 items issued below are the only ones
    before = task_digests(data)
    Ledger(data).add_override("N01", "2026Q3", "red", "实地核查", "督查室")
    after = task_digests(data)
    assert {t for t in after if after[t] != before.get(t)} == {"N01"}
    summary = issue_duban("2026Q3", data, as_of="2026-10-20", by="督查室")
    issued = task_digests(data)
    items = Ledger(data).query("SELECT id, task_id FROM duban", (), ["id", "task_id"])
    assert summary.created and set(items["id"]) == set(summary.created)
    assert {t for t in issued if issued[t] != after.get(t)} == set(items["task_id"])


def test_opinions_concern_only_their_leader(data: Path) -> None:
    shutil.rmtree(data / "opinions", ignore_errors=True)  # the demo's own opinions
    before = fingerprints(data)
    assert opinions_fingerprint(data, "2026Q3") == b""
    (data / "opinions").mkdir()
    (data / "opinions" / "2026Q3.yaml").write_text("吴尊意:\n  总体: 加快推进\n", encoding="utf-8")
    assert "加快推进" in opinions_fingerprint(data, "2026Q3", "吴尊意").decode("utf-8")
    after = fingerprints(data)
    assert {name for name in before if before[name] != after[name]} == {"吴尊意"}
    assert fingerprints(data) == after  # stable


def test_scores_on_means_the_whole_data(data: Path) -> None:
    assert leader_data_fingerprint(data, "2026Q3", "吴尊意", scores=True) == data_fingerprint(data)
    assert leader_data_fingerprint(data, "2026Q3", "吴尊意", scores=False) != data_fingerprint(data)
