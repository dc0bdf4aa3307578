"""An unforeseen fault while reading a file rejects that file only, and leaves its traceback in the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from jj123lib.intake.ingest import ingest_files
from jj123lib.intake.readers import read_xlsx as real_read_xlsx
from tests.core.test_log import incident_in
from tests.ledger_helpers import filled_progress

pytestmark = pytest.mark.usefixtures("q3_forms_received")


def test_an_unexpected_error_is_logged_under_the_incident_the_clerk_sees(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    good = filled_progress(tmp_path / "in", "陈埭镇", "2026Q2")
    broken = tmp_path / "in" / "broken.xlsx"
    broken.write_bytes(good.read_bytes())

    def read_xlsx(name: str, data: bytes) -> object:
        if name == "broken.xlsx":
            raise KeyError("a bug deep in the reader")
        return real_read_xlsx(name, data)

    monkeypatch.setattr("jj123lib.intake.ingest.read_xlsx", read_xlsx)
    results = ingest_files([broken, good], data)
    assert [r.status for r in results] == ["rejected", "accepted"]  # the other file goes on
    message = str(results[0].errors[0])
    assert "读取时出现意外错误" in message and "维护人员" in message
    incident, log_file = incident_in(message)
    assert log_file == data / "logs" / "jj123.log"
    text = log_file.read_text(encoding="utf-8")
    assert f"[{incident}] ingest: reading {broken} failed unexpectedly" in text
    assert "Traceback (most recent call last)" in text and "KeyError: 'a bug deep in the reader'" in text
    assert "in parse_file" in text  # the traceback reaches into ingest
