"""Ctrl+C at ``COMMIT`` (``Ledger.writer``): an interrupt, the ledger whole, the connection closed.

A real SIGINT is sent to a real ``jj123`` process from inside its first ``COMMIT`` call: just before the
statement runs, or just after it returned (Python raises the interrupt between two steps, never inside
SQLite, so these are the two moments it can land). Either way the command says 已中断 and exits 130; the
ledger passes ``PRAGMA integrity_check`` and holds either the whole write (with its archive copy) or none
of it; a rerun then finds the file on record or records it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import filled_progress, record_plan, record_progress

pytestmark = pytest.mark.usefixtures("q3_forms_received")

# Runs jj123 (its CLI, or Python code after "--python") with connections whose COMMIT of a transaction that ran
# a statement containing MATCH on the ledger LEDGER sends this process a SIGINT just before or just after it runs.
SCRIPT = """
import os, signal, sqlite3, sys
when, match, ledger, args = sys.argv[1], sys.argv[2], os.path.realpath(sys.argv[3]), sys.argv[4:]

class Interrupting(sqlite3.Connection):
    armed = False

    def execute(self, sql, *params):
        self.armed = self.armed or match in sql
        fire = sql == "COMMIT" and self.armed and self.file == ledger
        if fire and when == "before":
            os.kill(os.getpid(), signal.SIGINT)
        cursor = super().execute(sql, *params)
        if fire and when == "after":
            os.kill(os.getpid(), signal.SIGINT)
        return cursor

connect = sqlite3.connect

def interrupting(path, *a, **k):
    conn = connect(path, *a, factory=Interrupting, **k)
    conn.file = os.path.realpath(path)
    return conn

sqlite3.connect = interrupting
if args[0] == "--python":
    try:
        exec(args[1])
    except KeyboardInterrupt:
        sys.stderr.write("已中断（Ctrl+C）\\n")
        sys.exit(130)
else:
    from jj123lib.cli.main import main
    sys.exit(main(args))
"""


def run(when: str, match: str, data: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, when, match, str(data / "ledger.sqlite"), *args],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, env={**os.environ})


def counts(data: Path, *tables: str) -> dict[str, int]:
    conn = sqlite3.connect(data / "ledger.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608
    finally:
        conn.close()


def archive(data: Path) -> set[str]:
    return {p.name for p in (data / "archive").iterdir()} if (data / "archive").is_dir() else set()


def interrupted(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 130, done.stdout + done.stderr
    assert "已中断（Ctrl+C）" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "拒绝写入" not in done.stdout + done.stderr and "记录到台账时出错" not in done.stdout + done.stderr


@pytest.mark.parametrize("when", ["before", "after"])
def test_ctrl_c_at_the_commit_of_an_ingest(when: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first, second = (filled_progress(tmp_path / unit, unit) for unit in ("陈埭镇", "商务局"))
    assert all(r.ok for r in ingest_files([first], data))  # the ledger exists: no migration commits in the run
    before = counts(data, "files", "submissions")
    files_before = archive(data)

    interrupted(run(when, "INSERT INTO files", data, ["ingest", str(second), "--data-dir", str(data)]))

    after = counts(data, "files", "submissions")
    ledger = Ledger(data)
    recorded = set(ledger.files()["sha256"])
    if when == "before":  # rolled back whole: no row, no archive copy
        assert after == before and archive(data) == files_before
    else:  # committed whole: the rows and the archive copy the files row points to
        assert after["files"] == before["files"] + 1 and after["submissions"] > before["submissions"]
        assert {name.split(".")[0] for name in archive(data)} == recorded
    again = ingest_files([second], data)
    assert [r.status for r in again] == ["accepted" if when == "before" else "duplicate"]


@pytest.mark.parametrize("when", ["before", "after"])
def test_ctrl_c_at_the_commit_of_a_verification_keeps_evidence_with_its_decision(when: str, tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {"N07": (20.0, 45.0, 70.0, 100.0)})
    record_progress(ledger, "公安局", "2026Q3",
                    {"N07": {"actual_pct": 100.0, "self_status": "已完成", "report_date": "2026-10-06"}})
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 interrupted at commit")
    files_before = archive(ledger.data_dir)

    args = ["verify", "N07", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--evidence", str(evidence),
            "--by", "林督查", "--data-dir", str(ledger.data_dir)]
    interrupted(run(when, "INSERT INTO verifications", ledger.data_dir, args))

    decided = counts(ledger.data_dir, "verifications", "evidence")
    gained = archive(ledger.data_dir) - files_before
    if when == "before":
        assert decided == {"verifications": 0, "evidence": 0} and not gained
    else:
        assert decided == {"verifications": 1, "evidence": 1} and len(gained) == 1
    assert not [name for name in os.listdir(ledger.archive_dir) if name.startswith(".")]  # no staged copy left


PUBLISH = """
from jj123lib.ledger.publications import publish
publish(DATA, "2026Q3", by="林督查", inputs={})
"""


@pytest.mark.parametrize("when", ["before", "after"])
def test_ctrl_c_at_the_commit_of_a_publication_keeps_the_snapshot_with_its_row(when: str, tmp_path: Path) -> None:
    from jj123lib.ledger.publications import publication, snapshot_dir

    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {"N07": (20.0, 45.0, 70.0, 100.0)})
    code = PUBLISH.replace("DATA", repr(str(ledger.data_dir)))
    interrupted(run(when, "INSERT INTO publications", ledger.data_dir, ["--python", code]))
    assert counts(ledger.data_dir, "publications") == {"publications": int(when == "after")}
    found = publication(ledger, "2026Q3")
    assert (found is not None) == (when == "after")
    assert snapshot_dir(ledger, "2026Q3").is_dir() == (when == "after")  # never a row without its snapshot


@pytest.fixture
def interrupt_at_commit(tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Ledger, list[sqlite3.Connection]]]:
    """A ledger (made and migrated first) whose writers' connections raise KeyboardInterrupt just after COMMIT."""
    ledger = Ledger(tmp_path / "data")
    with ledger.writer():
        pass
    opened: list[sqlite3.Connection] = []

    class Interrupting(sqlite3.Connection):
        def execute(self, sql: str, *params: object) -> sqlite3.Cursor:
            cursor = super().execute(sql, *params)  # type: ignore[arg-type]
            if sql == "COMMIT":
                raise KeyboardInterrupt
            return cursor

    def connect(database: str, **kwargs: Any) -> sqlite3.Connection:
        conn = Interrupting(database, **kwargs)
        opened.append(conn)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    yield ledger, opened


def test_the_writer_closes_its_connection_and_undoes_only_what_did_not_commit(
        interrupt_at_commit: tuple[Ledger, list[sqlite3.Connection]]) -> None:
    ledger, opened = interrupt_at_commit
    undone: list[str] = []
    with pytest.raises(KeyboardInterrupt), ledger.writer(undo=lambda: undone.append("undo")) as conn:
        conn.execute("INSERT INTO supervision_events (target, action, detail, by, at) VALUES ('x', 'y', '', 'z', 't')")
    assert undone == []  # committed: nothing to undo, no ROLLBACK tried
    with pytest.raises(sqlite3.ProgrammingError):
        opened[-1].execute("SELECT 1")  # closed
    with pytest.raises(RuntimeError), ledger.writer(undo=lambda: undone.append("undo")) as conn:
        conn.execute("INSERT INTO supervision_events (target, action, detail, by, at) VALUES ('a', 'b', '', 'c', 't')")
        raise RuntimeError
    assert undone == ["undo"]
    with pytest.raises(sqlite3.ProgrammingError):
        opened[-1].execute("SELECT 1")
    reader = sqlite3.connect(ledger.path)
    assert reader.execute("SELECT target FROM supervision_events").fetchall() == [("x",)]
    reader.close()
