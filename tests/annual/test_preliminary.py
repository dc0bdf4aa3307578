"""A year-end review before the year's last reporting deadline is a 预评, and says so in every output."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from jj123lib.annual.docx import annual_docx
from jj123lib.annual.review import annual_review
from jj123lib.intake.ingest import ingest_files
from tests.conftest import Q3_RECEIVED
from tests.ledger_helpers import filled_progress


def _data(tmp_path: Path) -> Path:
    """商务局's Q3 form, dated and received in October, whatever day the suite runs on."""
    data = tmp_path / "d"
    ingest_files([filled_progress(tmp_path / "in", "商务局")], data, now=datetime.fromisoformat(Q3_RECEIVED))
    return data


@pytest.mark.clock_smoke
def test_before_the_q4_deadline_the_review_is_a_preliminary_one(tmp_path: Path) -> None:
    data = _data(tmp_path)
    early = annual_review(2026, data, as_of="2026-12-05")
    assert early.preliminary and early.final_deadline is not None and early.final_deadline.isoformat() == "2027-01-10"
    note = early.preliminary_note()
    assert note.startswith("【预评】") and "2027年1月10日" in note and "扣分未计入" in note
    assert "商务局" in early.pending_units and "商务局" in note
    late = annual_review(2026, data, as_of="2027-01-11")
    assert not late.preliminary and late.preliminary_note() == "" and late.pending_units == ()


def test_every_output_of_a_preliminary_review_says_so(tmp_path: Path) -> None:
    from docx import Document

    data = _data(tmp_path)
    early = annual_review(2026, data, as_of="2026-12-05")
    path = tmp_path / "review.docx"
    path.write_bytes(annual_docx(early, demo=False, issue_date=early.as_of))
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "年度考评情况的通报（预评）" in text.replace("\n", "") and "【预评】" in text

    def cli(fmt: str) -> str:
        done = subprocess.run([sys.executable, "-m", "jj123lib.cli.main", "annual", "--year", "2026", "--as-of",
                               "2026-12-05", "--format", fmt, "--data-dir", str(data)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "年度考评表（预评）" in cli("table") and "【预评】" in cli("table")
    doc = json.loads(cli("json"))
    assert doc["预评"] is True and "商务局" in doc["第四季度尚未报送单位"]
