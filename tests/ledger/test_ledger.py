"""The ledger store: read-only readers, fingerprint, data_as_of, supersede, idempotent archive."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from jj123lib.ledger.store import Ledger
from tests.conftest import Q3_RECEIVED
from tests.ledger_helpers import record_plan, record_progress


def test_empty_ledger_reads_without_creating_anything(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "none")
    assert ledger.submissions().empty and ledger.plan().empty and ledger.overrides().empty and ledger.files().empty
    assert "task_id" in ledger.submissions().columns and "planned_pct" in ledger.plan().columns
    assert ledger.data_as_of("2026Q3") is None
    assert len(ledger.fingerprint()) == 64
    assert not (tmp_path / "none").exists()


def test_resolves_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JJ123_DATA_DIR", str(tmp_path / "env"))
    assert Ledger().path == tmp_path / "env" / "ledger.sqlite"


def test_fingerprint_stable_and_sensitive(tmp_path: Path, clock_at: Callable[[str], datetime]) -> None:
    clock_at(Q3_RECEIVED)  # the forms came in October: read after they were received
    ledger = Ledger(tmp_path / "d")
    record_plan(ledger, "商务局", {"N02": (10.0, 40.0, 70.0, 100.0)})
    first = ledger.fingerprint()
    assert Ledger(tmp_path / "d").fingerprint() == first
    start = time.perf_counter()
    ledger.fingerprint()
    assert time.perf_counter() - start < 0.5
    record_progress(ledger, "商务局", "2026Q3", {"N02": {"report_date": "2026-10-05"}})
    second = ledger.fingerprint()
    assert second != first
    # Dated earlier, received later: the later receipt is the current version.
    record_progress(ledger, "商务局", "2026Q3", {"N02": {"actual_pct": 60.0, "report_date": "2026-10-02"}},
                    received="2026-10-07T09:00:00.000000+08:00")
    assert ledger.fingerprint() != second
    assert ledger.data_as_of("2026Q3") == "2026-10-02"  # only current submissions count


def test_supersede_keeps_history_and_pandas_can_read_store(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "d")
    record_progress(ledger, "商务局", "2026Q3", {"N02": {"actual_pct": 30.0}})
    record_progress(ledger, "商务局", "2026Q3", {"N02": {"actual_pct": 35.0}})
    record_progress(ledger, "商务局", "2026Q2", {"N02": {"actual_pct": 20.0}})
    assert ledger.submissions("2026Q3")["actual_pct"].tolist() == [35.0]
    history = ledger.submissions("2026Q3", include_superseded=True)
    assert history["superseded"].tolist() == [True, False]
    with sqlite3.connect(ledger.path) as conn:
        raw = pd.read_sql("SELECT * FROM submissions", conn)
    # Every version is kept; which one is current is the views' to say (the stored flag is not maintained).
    assert len(raw) == 3 and raw["superseded"].sum() == 0
    assert ledger.files()["rows"].tolist() == [1, 1, 1]


def test_archive_is_idempotent_and_repairs_damage(tmp_path: Path) -> None:
    import hashlib

    ledger = Ledger(tmp_path / "d")
    data = b"verbatim bytes"
    sha = hashlib.sha256(data).hexdigest()
    path = ledger.write_archive(sha, "csv", data)
    stamp = path.stat().st_mtime_ns
    assert ledger.write_archive(sha, "csv", data).stat().st_mtime_ns == stamp
    path.write_bytes(b"damaged")
    assert ledger.write_archive(sha, "csv", data).read_bytes() == data
