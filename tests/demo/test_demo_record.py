"""The demo runs through the record: a resent form withdrawn, Q1–Q3 published on their days, Q2 corrected."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.batch.run import run_batch
from jj123lib.demo.record import CORRECTED, CORRECTION_REASON, PUBLISHED, REVERT_REASON, publication_moment
from jj123lib.domain.quarters import report_deadline
from jj123lib.domain.tasks import load_tasks
from jj123lib.ledger.publications import publication, publications
from jj123lib.ledger.receipts import receipts
from jj123lib.ledger.store import Ledger

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.usefixtures("demo_year_viewed")


def test_three_quarters_published_after_their_deadlines_and_one_correction(demo_data: DemoSummary) -> None:
    rows = publications(demo_data.data_dir)
    published = [r for r in rows if r["kind"] == "publish"]
    assert [r["quarter"] for r in published] == list(PUBLISHED) == ["2026Q1", "2026Q2", "2026Q3"]
    for row in published:  # stamped by the story's clock, after the deadline, read as of that moment
        assert row["at"] == row["as_of"] == publication_moment(row["quarter"]).isoformat(timespec="microseconds")
        assert row["as_of"][:10] > report_deadline(row["quarter"]).isoformat()
        assert row["outputs"] and all(name.endswith(".docx") for name in row["outputs"])
        assert (demo_data.data_dir / "reports" / row["quarter"] / "bulletin.docx").is_file()
    [fix] = [r for r in rows if r["kind"] == "correction"]
    assert fix["quarter"] == CORRECTED and fix["reason"] == CORRECTION_REASON
    assert fix["detail"]["what"] == f"{demo_data.record.corrected} 灯号调整为红灯"
    assert fix["at"] > publication(demo_data.data_dir, CORRECTED).at  # type: ignore[union-attr]
    # The correction is in the published snapshot and in the live ledger alike.
    snapshot = publication(demo_data.data_dir, CORRECTED)
    assert snapshot is not None and len(snapshot.corrections) == 1
    for folder in (demo_data.data_dir, snapshot.folder):
        standing = Ledger(folder).overrides(CORRECTED, active_only=True)
        assert standing["task_id"].tolist() == [demo_data.record.corrected]
        assert standing["light"].tolist() == ["red"]


def test_a_resent_form_is_withdrawn_and_the_first_counts_again(demo_data: DemoSummary) -> None:
    record = demo_data.record
    log = receipts(demo_data.data_dir, "2026Q2")
    mine = log[(log["unit"] == record.resent_unit) & (log["kind"] == "progress")]
    assert mine["version"].tolist() == [1, 2]
    assert mine["current"].tolist() == [True, False]
    second = mine.iloc[1]
    assert second["file_id"] == record.withdrawn and second["withdraw_reason"] == REVERT_REASON
    assert second["withdrawn_at"] > second["received_at"]
    events = Ledger(demo_data.data_dir).query("SELECT action, reason FROM file_events WHERE action = 'revert'", (),
                                              ["action", "reason"])
    assert events["reason"].tolist() == [REVERT_REASON]
    # Withdrawn before Q2 was published: its snapshot has the withdrawal too.
    snapshot = publication(demo_data.data_dir, "2026Q2")
    assert snapshot is not None
    assert not receipts(snapshot.folder, "2026Q2").set_index("file_id").loc[record.withdrawn, "current"]


@pytest.mark.slow
def test_the_q2_leader_report_carries_the_correction(demo_data: DemoSummary, tmp_path: Path) -> None:
    tasks = load_tasks()
    leader = str(tasks.loc[tasks["task_id"] == demo_data.record.corrected, "leader"].iloc[0])
    result = run_batch(CORRECTED, [leader], data_dir=demo_data.data_dir, out=tmp_path / "q2", formats=["html"],
                       progress=False)
    assert result.ok
    [entry] = [e for e in result.reports if e["kind"] == "leader"]
    page = (result.out_dir / str(entry["html"])).read_text(encoding="utf-8")
    assert "已发布：本季度于 2026-08-05 封账发布" in page
    assert "更正说明" in page and CORRECTION_REASON in page and f"{demo_data.record.corrected} 灯号调整为红灯" in page
