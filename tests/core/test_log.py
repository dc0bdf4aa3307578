"""The log: an incident's traceback lands in ``<data_dir>/logs/jj123.log`` under the id the user is shown."""

from __future__ import annotations

import logging
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jj123lib.core import log
from jj123lib.core.log import LOG_NAME, ChinaTimeFormatter, new_incident_id, record_incident

INCIDENT = re.compile(r"事件编号 (J-\d{8}-[0-9a-f]{6})，详情见日志 (\S+jj123\.log)")


def incident_in(message: str) -> tuple[str, Path]:
    """The incident id and the log file a Chinese message names."""
    found = INCIDENT.search(message)
    assert found, message
    return found.group(1), Path(found.group(2))


def test_incident_ids_are_short_dated_and_distinct() -> None:
    now = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # already the 5th in China
    ids = {new_incident_id(now) for _ in range(50)}
    assert len(ids) == 50 and all(re.fullmatch(r"J-20261205-[0-9a-f]{6}", i) for i in ids)


def test_the_traceback_is_logged_in_china_time_under_the_incident_id(tmp_path: Path) -> None:
    data = tmp_path / "data"
    try:
        raise ValueError("故意失败")
    except ValueError as exc:
        incident = record_incident(data, "something failed", exc)
    assert incident.log_file == data / "logs" / LOG_NAME
    assert incident_in(incident.zh()) == (incident.id, incident.log_file)
    text = incident.log_file.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00 ERROR jj123 \[J-\d{8}-[0-9a-f]{6}\] ", first)
    assert f"[{incident.id}] something failed" in first
    assert "Traceback (most recent call last)" in text and "ValueError: 故意失败" in text


def test_each_incident_goes_to_its_own_data_folder(tmp_path: Path) -> None:
    one = record_incident(tmp_path / "one", "first")
    two = record_incident(tmp_path / "two", "second")
    assert one.id not in two.log_file.read_text(encoding="utf-8")
    assert two.id not in one.log_file.read_text(encoding="utf-8")


def test_a_foreign_folder_gets_no_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    incident = record_incident(foreign, "failed")
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    assert incident.log_file == tmp_path / "tmp" / "jj123-logs" / LOG_NAME
    assert incident.id in incident.log_file.read_text(encoding="utf-8")


def test_the_terminal_shows_the_log_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    handler = log.show_on_terminal(sys.stderr)
    try:
        assert log.show_on_terminal() is handler  # once
        incident = record_incident(tmp_path / "data", "shown")
    finally:
        log.logger.removeHandler(handler)
    assert f"[{incident.id}] shown" in capsys.readouterr().err


def test_the_formatter_writes_china_time_whatever_the_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    from jj123lib.core.clock import FROZEN_NOW_ENV

    record = logging.LogRecord("jj123", logging.INFO, __file__, 1, "hi", None, None)
    record.created = datetime(2026, 12, 4, 20, 30, tzinfo=UTC).timestamp()
    monkeypatch.delenv(FROZEN_NOW_ENV)  # the real clock: the moment the record was made
    assert ChinaTimeFormatter().format(record).startswith("2026-12-05T04:30:00.000+08:00 INFO jj123 [-] hi")
    monkeypatch.setenv(FROZEN_NOW_ENV, "2026-07-01T09:15:00Z")  # a frozen clock stamps the log too
    assert ChinaTimeFormatter().format(record).startswith("2026-07-01T17:15:00.000+08:00 INFO")
