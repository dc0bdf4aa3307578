"""Evidence is hashed and copied in streams: a 200 MB file is archived without being held in memory, and a
refused decision leaves the archive (its hidden staging files too) as it was."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jj123lib.core.exceptions import LedgerError
from jj123lib.core.files import CHUNK_BYTES
from jj123lib.domain.rules import load_rules
from jj123lib.ledger.store import Ledger
from jj123lib.loop import verification
from jj123lib.loop.verification import verifications, verify
from tests.ledger_helpers import record_plan, record_progress

POLICE = ("N07", "P13", "B19", "B20")
AS_OF = "2026-10-20"
SIZE = 200 * 1024 * 1024
pytestmark = pytest.mark.usefixtures("record_year_played")  # a Q3 verified on 2026-10-20


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"actual_pct": 100.0, "self_status": "已完成",
                                                         "report_date": "2026-10-06"}, "P13": {}, "B19": {}, "B20": {}})
    return ledger


def _listing(ledger: Ledger) -> list[str]:
    return sorted(os.listdir(ledger.archive_dir)) if ledger.archive_dir.is_dir() else []


def test_a_200_mb_evidence_file_is_archived_without_being_read_into_memory(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    big = tmp_path / "验收录像.bin"
    with open(big, "wb") as handle:
        handle.seek(SIZE - 3)  # sparse: costs no disk to make
        handle.write(b"end")
    script = textwrap.dedent(f"""
        import resource
        from jj123lib.loop.verification import awaiting, verify
        awaiting("2026Q3", {str(ledger.data_dir)!r}, as_of={AS_OF!r})  # the same imports and ratings, warmed up
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        verify("N07", "2026Q3", [{str(big)!r}], "林督查", data_dir={str(ledger.data_dir)!r}, as_of={AS_OF!r})
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=600, text=True)
    assert done.returncode == 0, done.stderr
    growth_kb = int(done.stdout.split()[-1])
    assert growth_kb < 40 * 1024, f"peak memory grew {growth_kb} KB for a {SIZE // 2**20} MB file"
    digest = hashlib.sha256()
    with open(big, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
    archived = ledger.archive_path(digest.hexdigest(), "bin")
    assert archived.stat().st_size == SIZE
    assert [name for name in _listing(ledger) if name.startswith(".")] == []  # no staging file left
    assert digest.hexdigest() in verifications(ledger)["evidence"].iloc[-1]


def test_evidence_past_the_rules_limit_is_refused_naming_it(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    rules = _rules(evidence_max_mb=1)
    big = tmp_path / "大.pdf"
    with open(big, "wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    before = (ledger.fingerprint(), _listing(ledger))
    with pytest.raises(LedgerError, match="佐证材料“大.pdf”超过佐证材料的大小上限 1 MB"):
        verify("N07", "2026Q3", [big], "林督查", data_dir=ledger, as_of=AS_OF, rules=rules)
    assert (ledger.fingerprint(), _listing(ledger)) == before


def test_a_refusal_found_in_the_transaction_reads_and_archives_nothing(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    first = tmp_path / "一.pdf"
    first.write_bytes(b"%PDF first")
    verify("N07", "2026Q3", [first], "林督查", data_dir=ledger, as_of=AS_OF)
    second = tmp_path / "二.pdf"
    second.write_bytes(b"%PDF second, never archived")
    before = (ledger.fingerprint(), _listing(ledger))
    with pytest.raises(LedgerError, match="已核实销号"):
        verify("N07", "2026Q3", [first, second], "林督查", data_dir=ledger, as_of=AS_OF)
    assert (ledger.fingerprint(), _listing(ledger)) == before
    assert ledger.archive_path(hashlib.sha256(first.read_bytes()).hexdigest(), "pdf").is_file()  # kept: committed


def test_a_failure_after_the_copy_before_the_commit_takes_the_copy_back(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Evidence staged, moved into the archive, rows inserted, then the commit never happens: no copy stays."""
    ledger = _ledger(tmp_path)
    proof = tmp_path / "验收报告.pdf"
    proof.write_bytes(b"%PDF evidence of a decision that never commits")

    def fail(point: str) -> None:
        if point == "supervision.before_commit":
            assert ledger.archive_path(hashlib.sha256(proof.read_bytes()).hexdigest(), "pdf").is_file()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(verification, "crash_point", fail)
    before = (ledger.fingerprint(), _listing(ledger))
    with pytest.raises(OSError):
        verify("N07", "2026Q3", [proof], "林督查", data_dir=ledger, as_of=AS_OF)
    assert (ledger.fingerprint(), _listing(ledger)) == before
    assert verifications(ledger).empty


def _rules(**verification: object) -> dict[str, object]:
    data = load_rules().to_dict()
    data["verification"] = {**data["verification"], **verification}
    return data
