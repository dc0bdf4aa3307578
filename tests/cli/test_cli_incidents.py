"""The command line's last resort: an unexpected error exits 3 naming the log file and the incident id."""

from __future__ import annotations

from pathlib import Path

import pytest

import jj123lib.cli.tasks
from jj123lib.cli.main import main
from tests.core.test_log import incident_in


def _broken(args: object) -> int:
    raise RuntimeError("a bug in a command")


def test_an_unexpected_error_is_logged_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(jj123lib.cli.tasks, "cmd_tasks", _broken)
    monkeypatch.setenv("JJ123_DATA_DIR", str(tmp_path / "data"))
    assert main(["tasks"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("错误：程序内部出错") and "Traceback" not in err
    incident, log_file = incident_in(err)
    assert log_file == tmp_path / "data" / "logs" / "jj123.log"
    text = log_file.read_text(encoding="utf-8")
    assert f"[{incident}] jj123 tasks failed" in text and "RuntimeError: a bug in a command" in text


def test_verbose_shows_the_log_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from jj123lib.core import log

    monkeypatch.setattr(jj123lib.cli.tasks, "cmd_tasks", _broken)
    monkeypatch.setenv("JJ123_DATA_DIR", str(tmp_path / "data"))
    before = list(log.logger.handlers)
    try:
        assert main(["-v", "tasks"]) == 3
    finally:
        for handler in set(log.logger.handlers) - set(before):
            log.logger.removeHandler(handler)
    err = capsys.readouterr().err
    incident, _ = incident_in(err)
    assert f"[{incident}] jj123 tasks failed" in err and "RuntimeError: a bug in a command" in err
