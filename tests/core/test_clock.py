"""The test hook ``$JJ123_FROZEN_NOW``: the office's clock stands still, in this process and in the CLI's."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from jj123lib.core.clock import FROZEN_NOW_ENV, china_now, china_now_iso, china_today, frozen_now
from jj123lib.core.exceptions import ParameterError
from tests.ledger_helpers import filled_progress


@pytest.mark.clock_smoke
def test_suite_runs_under_the_frozen_clock(test_now: datetime) -> None:
    assert os.environ[FROZEN_NOW_ENV]
    assert china_now() == test_now == frozen_now()
    assert china_now().utcoffset() is not None


def test_frozen_moment_is_honoured_in_process(clock_at: Callable[[str], datetime]) -> None:
    clock_at("2026-12-04T23:30:00Z")  # already the 5th in China
    assert china_now_iso() == "2026-12-05T07:30:00+08:00"
    assert china_today() == date(2026, 12, 5)
    given = datetime(2027, 6, 1, 2, 0, tzinfo=UTC)
    assert china_now(given) == given  # an injected now still wins


@pytest.mark.clock_smoke
def test_frozen_moment_is_honoured_by_the_cli(clock_at: Callable[[str], datetime], tmp_path: Path) -> None:
    clock_at("2026-10-01T10:00:00+08:00")
    form = filled_progress(tmp_path, "陈埭镇", "2026Q3")  # dated 2026-10-08/09
    argv = [sys.executable, "-m", "jj123lib.cli.main", "ingest", str(form), "--data-dir", str(tmp_path / "data")]
    proc = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert proc.returncode == 2 and "晚于今天（2026-10-01）" in proc.stderr


@pytest.mark.parametrize("value", ["2026-12-05", "2026-12-05T10:00:00", "2026-12-05 10:00+08:00", "yesterday",
                                   "2026-13-05T10:00:00+08:00"])
def test_bad_frozen_moment_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(FROZEN_NOW_ENV, value)
    with pytest.raises(ParameterError, match=r"JJ123_FROZEN_NOW.*带时区"):
        china_now()


def test_bad_frozen_moment_is_refused_by_the_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    form = filled_progress(tmp_path, "陈埭镇", "2026Q3")
    monkeypatch.setenv(FROZEN_NOW_ENV, "2026-12-05")  # no time, no offset
    argv = [sys.executable, "-m", "jj123lib.cli.main", "ingest", str(form), "--data-dir", str(tmp_path / "data")]
    proc = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert proc.returncode == 2 and "JJ123_FROZEN_NOW" in proc.stderr and "2026-12-05T10:00:00+08:00" in proc.stderr
    assert not list((tmp_path / "data").glob("*.sqlite*"))
