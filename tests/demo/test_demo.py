"""Demo data: built through the real ingest path; the 2026Q3 picture has every light, reasons, league;
2026Q4 closes the year (the benchmarks' demo variety is tested in test_benchmarks.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from jj123lib.assess.ratings import league_table, rate_quarter
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import Jj123Error
from jj123lib.demo.generate import generate_demo
from jj123lib.domain.lights import ORDER as LIGHTS
from jj123lib.domain.tasks import leaders
from jj123lib.ledger.store import Ledger

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary


def test_q3_shows_every_light_with_reasons(demo_data: DemoSummary) -> None:
    rated = rate_quarter("2026Q3", demo_data.data_dir)
    assert len(rated) == 48
    # Q3 is past its deadline (nothing 未到报送期); one 100 % claim is verified (已完成), the others wait (待核实).
    assert set(rated["light"]) == set(LIGHTS) - {"pending"}
    assert demo_data.loop is not None
    assert rated.loc[rated["light"] == "done", "task_id"].tolist() == [demo_data.loop.verified_task]
    assert rated["reason"].map(bool).all()
    assert (rated.loc[rated["light"] == "missing", "lead_unit"] == demo_data.missing_unit).all()
    assert rated["reason"].str.contains("连续 2 个季度节点目标未完成").any()
    assert rated["overridden"].sum() == 1 and rated["override_reason"].notna().sum() == 1
    assert rated["co_unit_notes"].map(len).sum() > 0
    assert {"好转", "变差", "持平"} <= set(rated["change"])
    archived = set(Ledger(demo_data.data_dir).files()["sha256"])
    assert rated.loc[rated["light"] != "missing", "source_file"].isin(archived).all()


def test_league_ranks_all_eight_leaders(demo_data: DemoSummary) -> None:
    table = league_table("2026Q3", demo_data.data_dir)
    assert sorted(table["leader"]) == sorted(leaders()) and len(table) == 8
    assert table["rank"].is_monotonic_increasing and table["score"].is_monotonic_decreasing
    assert table["prev_rank"].notna().all()


def test_demo_exercises_real_path(demo_data: DemoSummary) -> None:
    ledger = Ledger(demo_data.data_dir)
    assert is_demo(demo_data.data_dir)
    files = ledger.files()
    assert len(files) == demo_data.files
    assert all(Path(p).is_file() for p in files["archive_path"])
    assert files["demo"].all()
    history = ledger.submissions("2026Q3", include_superseded=True)
    assert set(history.loc[history["superseded"], "unit"]) == {demo_data.superseded_unit}
    audit = ledger.overrides()
    # One revoked in Q2, one standing in Q3, and Q2's correction after its publication (demo.record).
    assert audit["revoked"].any() and (~audit["revoked"]).sum() == 2
    assert set(audit.loc[~audit["revoked"], "quarter"]) == {"2026Q2", "2026Q3"}
    assert ledger.data_as_of("2026Q3").startswith("2026-10")  # type: ignore[union-attr]  # a quarter without data fails the test either way
    assert ledger.data_as_of("2026Q4").startswith("2027-01")  # type: ignore[union-attr]  # four quarters; Q4 is filed in January
    texts = ledger.submissions("2026Q3")["progress"]
    assert texts.nunique() > 30


def test_refuses_real_data_folder(tmp_path: Path) -> None:
    folder = tmp_path / "real"
    folder.mkdir()
    (folder / "ledger.sqlite").write_bytes(b"office data")
    with pytest.raises(Jj123Error, match="非示例数据"):
        generate_demo(folder)
    assert (folder / "ledger.sqlite").read_bytes() == b"office data"


def test_deterministic_and_regenerates_in_place(demo_data: DemoSummary, tmp_path: Path) -> None:
    again = generate_demo(tmp_path / "again", seed=2026)
    first = rate_quarter("2026Q3", demo_data.data_dir)
    second = rate_quarter("2026Q3", again.data_dir)
    for column in ("light", "actual_pct", "planned_pct", "progress", "reason"):
        pd.testing.assert_series_equal(first[column], second[column])
    # The benchmarks too (file hashes aside: a form records when it was generated).
    from jj123lib.ledger.benchmarks import benchmark_plan, indicator_values, recognitions

    for reader in (benchmark_plan, indicator_values, recognitions):
        pd.testing.assert_frame_equal(reader(demo_data.data_dir).drop(columns=["file_sha256"]),
                                      reader(again.data_dir).drop(columns=["file_sha256"]))
    # The record too: the same publications, correction and withdrawal, stamped alike; the Word documents
    # rendered at each publication hold the same parts (a zip's own member times aside).
    from jj123lib.ledger.publications import publications
    from jj123lib.ledger.receipts import receipts

    def record(folder: Path) -> list[tuple[object, ...]]:
        return [(r["quarter"], r["kind"], r["as_of"], r["reason"], r["by"], r["at"], r["detail"].get("what"))
                for r in publications(folder)]

    assert record(demo_data.data_dir) == record(again.data_dir) and len(record(again.data_dir)) == 4
    columns = ["unit", "period", "received_at", "version", "current", "withdrawn_at", "withdraw_reason"]
    assert receipts(demo_data.data_dir)[columns].equals(receipts(again.data_dir)[columns])
    documents = sorted((demo_data.data_dir / "reports").rglob("*.docx"))
    assert len(documents) >= 3
    for path in documents:
        twin = again.data_dir / path.relative_to(demo_data.data_dir)
        with zipfile.ZipFile(path) as one, zipfile.ZipFile(twin) as two:
            assert {n: one.read(n) for n in one.namelist()} == {n: two.read(n) for n in two.namelist()}, path.name
    q4 = rate_quarter("2026Q4", again.data_dir, as_of="2027-01-20")
    pd.testing.assert_series_equal(rate_quarter("2026Q4", demo_data.data_dir, as_of="2027-01-20")["light"], q4["light"])
    regenerated = generate_demo(tmp_path / "again", seed=7)
    assert len(Ledger(regenerated.data_dir).files()) == regenerated.files
