"""Crash safety: SIGKILL ``jj123 ingest`` at every named crash point and at random moments.

After each kill: the ledger passes ``PRAGMA integrity_check``, reads fine, and equals the state
after exactly the first k files of the call (never half a file); every archive copy at its final
path is complete; rerunning the same ingest ends in the same ledger as an uninterrupted run.
Two ingests at once are serialised by the data-folder lock. Batch kills: tests/batch/test_batch_crash.py.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from jj123lib.cli.main import main
from jj123lib.core.crashpoints import CRASH_ENV, CRASH_POINTS
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import filled_progress

pytestmark = pytest.mark.usefixtures("q3_forms_received")

JJ123 = [sys.executable, "-m", "jj123lib.cli.main"]
PER_FILE = ("ledger.before_archive", "atomic.before_rename", "ledger.after_archive", "ledger.before_commit",
            "ledger.after_commit")
N_FILES = 3
KILL_POINTS = [f"{p}@1" for p in CRASH_POINTS if p not in PER_FILE] + [
    f"{p}@{n}" for p in PER_FILE for n in range(1, N_FILES + 1)]
TIMED_KILLS = (0.5, 0.8, 1.0, 1.2, 1.5)  # seconds after start (python start-up and parsing take most of a second)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three files (the third supersedes the first) and the ledger fingerprint after each prefix of them."""
    root = tmp_path_factory.mktemp("crash")
    files = [filled_progress(root / "1", "陈埭镇", changes={"N08": {"实际累计进度(%)": 40}}),
             filled_progress(root / "2", "商务局"),
             filled_progress(root / "3", "陈埭镇", changes={"N08": {"实际累计进度(%)": 55}})]
    prefixes = {0: Ledger(root / "empty").fingerprint()}
    for k in range(1, N_FILES + 1):
        assert all(r.ok for r in ingest_files(files[:k], root / f"prefix{k}"))  # type: ignore[arg-type]  # ingest_files takes a list[str | PathLike[str]], invariant
        prefixes[k] = Ledger(root / f"prefix{k}").fingerprint()
    assert len(set(prefixes.values())) == N_FILES + 1
    return {"files": [str(f) for f in files], "prefixes": prefixes}


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*JJ123, *args], env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def _check_consistent(data: Path, prefixes: dict[int, str]) -> int:
    """The ledger is whole and equals the state after the first k files; returns k."""
    ledger_file = data / "ledger.sqlite"
    if ledger_file.exists():
        fingerprint = Ledger(data).fingerprint()  # a read-only reader, after a killed writer
        conn = sqlite3.connect(ledger_file)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    else:
        fingerprint = Ledger(data).fingerprint()
    states = {v: k for k, v in prefixes.items()}
    assert fingerprint in states, "the ledger is not the state after any whole number of files"
    k = states[fingerprint]
    archive = data / "archive"
    for path in archive.glob("*") if archive.exists() else []:
        if path.name.startswith("."):
            assert path.name.endswith(".part")  # an unfinished temp file, never at a final path
            continue
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, f"partial archive copy {path.name}"
    for archived in Ledger(data).files()["archive_path"]:
        assert Path(archived).is_file()
    return k


def _rerun_completes(data: Path, scenario: dict[str, Any]) -> None:
    assert main(["ingest", *scenario["files"], "--data-dir", str(data)]) == 0
    assert _check_consistent(data, scenario["prefixes"]) == N_FILES
    assert Ledger(data).fingerprint() == scenario["prefixes"][N_FILES]


def test_every_crash_point_is_exercised() -> None:
    assert {p.split("@")[0] for p in KILL_POINTS} == set(CRASH_POINTS)
    assert len(KILL_POINTS) == 17


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_at_crash_point(point: str, scenario: dict[str, Any], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    proc = _run(["ingest", *scenario["files"], "--data-dir", str(data)], {CRASH_ENV: point})
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"{point} was not reached"
    k = _check_consistent(data, scenario["prefixes"])
    name, _, nth = point.partition("@")
    if name in PER_FILE:  # killed while handling file n: files before it are in, file n only once committed
        assert k == int(nth) - (0 if name == "ledger.after_commit" else 1)
    _rerun_completes(data, scenario)
    capsys.readouterr()


@pytest.mark.slow
@pytest.mark.parametrize("delay", TIMED_KILLS)
def test_sigkill_at_a_random_moment(delay: float, scenario: dict[str, Any], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    proc = _run(["ingest", *scenario["files"], "--data-dir", str(data)])
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    _check_consistent(data, scenario["prefixes"])
    _rerun_completes(data, scenario)
    capsys.readouterr()


def test_killed_writer_with_spilled_journal_does_not_break_readers(scenario: dict[str, Any], tmp_path: Path) -> None:
    """A writer killed after SQLite spilled pages into the file leaves a hot journal; readers recover it."""
    data = tmp_path / "data"
    assert all(r.ok for r in ingest_files(scenario["files"][:1], data))
    before = Ledger(data).fingerprint()
    script = (
        "import os, signal, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA cache_size=2'); c.execute('BEGIN IMMEDIATE')\n"
        "c.executemany(\"INSERT INTO submissions (file_sha256, excel_row, task_id, quarter, unit, role, progress,"
        " ingested_at) VALUES ('x', 2, 'N01', '2026Q3', 'u', 'lead', ?, 'now')\", [('p' * 500,)] * 3000)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(data / "ledger.sqlite")], check=False)
    assert proc.returncode == -signal.SIGKILL
    assert (data / "ledger.sqlite-journal").exists()
    assert Ledger(data).fingerprint() == before  # read-only readers work (they used to fail: "readonly database")
    conn = sqlite3.connect(data / "ledger.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.slow
def test_two_ingests_at_once_are_serialised(scenario: dict[str, Any], tmp_path: Path) -> None:
    root = tmp_path
    shared = scenario["files"][1]
    first = [scenario["files"][0], shared]
    second = [str(filled_progress(root / "b", "公安局")), shared]
    data = root / "data"
    procs = [_run(["ingest", *files, "--data-dir", str(data)]) for files in (first, second)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    texts = [out.decode() for out, _ in outputs]
    assert sum(t.count("已导入 " + Path(shared).name) for t in texts) == 1  # the shared file is taken once
    assert sum("此前已导入过" in t for t in texts) == 1
    sequential = root / "sequential"
    ingest_files(first, sequential)
    ingest_files(second, sequential)
    assert Ledger(data).fingerprint() == Ledger(sequential).fingerprint()
    conn = sqlite3.connect(data / "ledger.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.slow
def test_an_ingest_waits_for_the_lock(scenario: dict[str, Any], tmp_path: Path) -> None:
    """While another writer holds the data-folder lock, an ingest writes nothing; it finishes once released."""
    data = tmp_path / "data"
    ledger = Ledger(data)
    with ledger.lock():
        proc = _run(["ingest", scenario["files"][1], "--data-dir", str(data)])
        time.sleep(2.0)
        assert proc.poll() is None, "the ingest did not wait for the lock"
        assert not (data / "ledger.sqlite").exists()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert len(Ledger(data).files()) == 1
