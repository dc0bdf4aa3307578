"""SIGKILL ``jj123 batch`` at each of its named crash points (``JJ123_CRASH_AT``, deterministic, no timers):
its workers, kernels and Chromium die with it, no partial file ever sits at a final path, and a rerun
completes with every report ok."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from jj123lib.core.crashpoints import BATCH_CRASH_POINTS, CRASH_ENV

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

LEADER = "张健龙"
SLUG = "zhang-jianlong"
# The main process killed at each named point of a forced html+pdf run (workers, kernels and Chromium must follow).
KILLS = [f"{point}@1" for point in BATCH_CRASH_POINTS]
pytestmark = pytest.mark.slow


def _batch(data: Path, out: Path, formats: str, force: bool, crash_at: str | None = None) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "jj123lib.cli.main", "batch", "--quarter", "2026Q3", "--leader", LEADER,
            "--data-dir", str(data), "--out", str(out), "--formats", formats, "--no-progress", "--jobs", "2"]
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.Popen(argv + (["--force"] if force else []), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=env)


def _group_gone(pgid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _assert_no_partial_files(out: Path) -> None:
    """Every file at a final path is complete; unfinished temp files only under hidden names."""
    for path in out.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
        elif path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1, path
        elif path.suffix in (".json", ".ipynb"):
            json.loads(path.read_text(encoding="utf-8"))
        else:
            raise AssertionError(f"unexpected file {path}")


def test_sigkill_at_each_batch_point_then_rerun_completes(demo_data: DemoSummary, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for crash_at in KILLS:
        proc = _batch(demo_data.data_dir, out, "html,pdf", force=True, crash_at=crash_at)
        proc.communicate(timeout=300)
        assert proc.returncode == -signal.SIGKILL, f"{crash_at}: not killed there (exit {proc.returncode})"
        assert _group_gone(proc.pid), f"{crash_at}: workers, kernels or Chromium outlived the killed batch"
        _assert_no_partial_files(out)
    proc = _batch(demo_data.data_dir, out, "html,pdf", force=False)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr.decode()
    _assert_no_partial_files(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {r["status"] for r in manifest["reports"]} <= {"ok", "skipped"}
    assert {r["leader"] for r in manifest["reports"]} == {LEADER, None}
    for name in (SLUG, "overview"):
        assert (out / f"{name}.html").is_file() and (out / f"{name}.pdf").is_file()
        assert (out / "notebooks" / f"{name}.ipynb").is_file()
    assert (out / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    # a second rerun has nothing to do
    proc = _batch(demo_data.data_dir, out, "html,pdf", force=False)
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0 and "跳过（未变化）2 份" in stdout.decode()
