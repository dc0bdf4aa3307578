"""Verified 销号: claimed completion is 待核实 until verified with evidence; reject; revoke; 督办 closure."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pytest

from jj123lib.assess.ratings import league_table, rate_quarter
from jj123lib.core.exceptions import LedgerError
from jj123lib.domain.rules import load_rules
from jj123lib.ledger.store import SCHEMA_VERSION, Ledger
from jj123lib.loop.duban import Trigger, duban_items, issue_duban, respond
from jj123lib.loop.verification import awaiting, reject, revoke, verifications, verify
from tests.ledger_helpers import record_plan, record_progress

pytestmark = pytest.mark.usefixtures("record_year_played")  # scenarios on named days up to December
POLICE = ("N07", "P13", "B19", "B20")
AS_OF = "2026-10-20"


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"actual_pct": 100.0, "self_status": "已完成",
                                                         "report_date": "2026-10-06"},
                                                 "P13": {"actual_pct": 70.0}, "B19": {}, "B20": {}})
    return ledger


def _light(ledger: Ledger, quarter: str = "2026Q3") -> dict[Hashable, Any]:
    return rate_quarter(quarter, ledger, as_of=AS_OF).set_index("task_id").loc["N07"].to_dict()


def _evidence(tmp_path: Path, name: str = "验收报告.pdf", data: bytes = b"%PDF-1.4 evidence") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_claimed_until_verified_then_done_with_evidence_archived(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    row = _light(ledger)
    assert row["light"] == "claimed" and row["light_label"] == "待核实" and "2026-10-06" in row["reason"]
    assert awaiting("2026Q3", ledger, as_of=AS_OF)["target"].tolist() == ["N07"]
    proof = _evidence(tmp_path)
    verify("n07", "2026Q3", [proof], "林督查", "现场查看", ledger, as_of=AS_OF)
    row = _light(ledger)
    assert row["light"] == "done" and "林督查" in row["reason"]
    sha = hashlib.sha256(proof.read_bytes()).hexdigest()
    assert ledger.archive_path(sha, "pdf").read_bytes() == proof.read_bytes()
    record = verifications(ledger).iloc[-1]
    assert record["decision"] == "verified" and sha in record["evidence"] and record["by"] == "林督查"
    assert awaiting("2026Q3", ledger, as_of=AS_OF).empty
    with pytest.raises(LedgerError, match="已核实销号"):
        verify("N07", "2026Q3", [proof], "林督查", data_dir=ledger, as_of=AS_OF)


def test_verification_carries_into_later_quarters(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    verify("N07", "2026Q3", [_evidence(tmp_path)], "林督查", data_dir=ledger, as_of=AS_OF)
    record_progress(ledger, "公安局", "2026Q4", {"N07": {"actual_pct": 100.0, "self_status": "已完成"}})
    assert rate_quarter("2026Q4", ledger, as_of="2027-02-01").set_index("task_id").loc["N07", "light"] == "done"


def test_verify_needs_evidence_a_claim_and_a_name(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    with pytest.raises(LedgerError, match="佐证材料"):
        verify("N07", "2026Q3", [], "林督查", data_dir=ledger, as_of=AS_OF)
    with pytest.raises(LedgerError, match="不存在"):
        verify("N07", "2026Q3", [tmp_path / "nope.pdf"], "林督查", data_dir=ledger, as_of=AS_OF)
    with pytest.raises(LedgerError, match="不是待核实"):
        verify("P13", "2026Q3", [_evidence(tmp_path)], "林督查", data_dir=ledger, as_of=AS_OF)
    with pytest.raises(LedgerError, match="操作人"):
        verify("N07", "2026Q3", [_evidence(tmp_path)], "", data_dir=ledger, as_of=AS_OF)
    with pytest.raises(LedgerError, match="不在任务清单"):
        verify("X99", "2026Q3", [_evidence(tmp_path)], "林督查", data_dir=ledger, as_of=AS_OF)
    assert verifications(ledger).empty


def test_reject_rates_by_pace_and_revoke_keeps_history(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    with pytest.raises(LedgerError, match="理由"):
        reject("N07", "2026Q3", "", "林督查", ledger, as_of=AS_OF)
    reject("N07", "2026Q3", "现场未完工，围挡仍在", "林督查", ledger, as_of=AS_OF)
    row = _light(ledger)
    assert row["light"] == "green" and "核实未通过：现场未完工" in row["reason"]
    revoke("N07", "2026Q3", "王主任", "误判，现场已完工", ledger)
    assert _light(ledger)["light"] == "claimed"
    history = verifications(ledger)
    assert len(history) == 1 and bool(history["revoked"].iloc[0]) and history["revoked_by"].iloc[0] == "王主任"
    with pytest.raises(LedgerError, match="没有可撤销"):
        revoke("N07", "2026Q3", "王主任", "再撤一次试试", ledger)


def test_verification_switched_off_in_rules_keeps_self_reported_done(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    rules = load_rules().to_dict()
    rules["verification"] = {"required_for_done": False}
    assert rate_quarter("2026Q3", ledger, rules=rules, as_of=AS_OF).set_index("task_id").loc["N07", "light"] == "done"


def test_claimed_scores_as_green_in_the_league(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    league = league_table("2026Q3", ledger, as_of=AS_OF).set_index("leader").loc["陈清平"]
    assert league["claimed"] == 1 and league["done"] == 0


def test_duban_answered_then_verified_closes_and_revoke_reopens_check(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    issue_duban("2026Q3", ledger, as_of=AS_OF, by="a", triggers=[Trigger("P13", "公安局", ("red",), "红灯")])
    with pytest.raises(LedgerError, match="尚未反馈"):
        verify("DB-2026Q3-001", "2026Q3", [_evidence(tmp_path)], "林督查", data_dir=ledger)
    respond("DB-2026Q3-001", "已整改到位", "公安局", data_dir=ledger)
    assert "DB-2026Q3-001" in awaiting("2026Q3", ledger, as_of=AS_OF)["target"].tolist()
    reject("DB-2026Q3-001", "2026Q3", "整改材料不全", "林督查", ledger)
    rejected = duban_items(None, ledger)
    assert rejected["status_label"].tolist() == ["退回"]  # not 待整改 beside an answer saying 已整改
    assert rejected["response"].tolist() == ["退回：整改材料不全"]
    respond("DB-2026Q3-001", "补充材料", "公安局", data_dir=ledger)
    verify("db-2026q3-001", "2026Q3", [_evidence(tmp_path)], "林督查", data_dir=ledger, reason="经现场核实整改到位")
    assert duban_items(None, ledger)["status_label"].tolist() == ["已销号"]
    revoke("DB-2026Q3-001", "2026Q3", "王主任", "材料有误需复核", ledger)
    assert duban_items(None, ledger)["status_label"].tolist() == ["待核实"]


def test_schema_one_ledger_is_upgraded_in_place(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    import sqlite3

    conn = sqlite3.connect(ledger.path)
    conn.execute("DROP TABLE verifications")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    assert verifications(ledger).empty and _light(ledger)["light"] == "claimed"  # readable before the upgrade
    n_before = len(ledger.submissions())
    verify("N07", "2026Q3", [_evidence(tmp_path)], "林督查", data_dir=ledger, as_of=AS_OF)
    assert ledger.schema_version() == SCHEMA_VERSION
    assert len(ledger.submissions()) == n_before and _light(ledger)["light"] == "done"


@pytest.mark.parametrize("point", ["supervision.after_archive", "supervision.before_commit"])
def test_killed_verify_records_nothing_and_a_rerun_completes(tmp_path: Path, point: str) -> None:
    import os
    import signal
    import subprocess
    import sys

    from jj123lib.core.crashpoints import CRASH_ENV

    ledger = _ledger(tmp_path)
    proof = _evidence(tmp_path)
    args = [sys.executable, "-m", "jj123lib.cli.main", "verify", "N07", "--quarter", "2026Q3", "--as-of", AS_OF,
            "--evidence", str(proof), "--by", "林督查", "--data-dir", str(ledger.data_dir)]
    killed = subprocess.run(args, env={**os.environ, CRASH_ENV: point}, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert verifications(ledger).empty and _light(ledger)["light"] == "claimed"
    for path in ledger.archive_dir.glob("*"):  # any archive copy left is whole
        assert path.name.startswith(".") or hashlib.sha256(path.read_bytes()).hexdigest() == path.stem
    done = subprocess.run(args, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert _light(ledger)["light"] == "done" and len(verifications(ledger)) == 1


def test_hostile_note_and_evidence_name_stay_text(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    note = "=cmd|' /C calc'!A0 <img src=x onerror=alert(1)>"
    proof = _evidence(tmp_path, name="=1+1.pdf")
    verify("N07", "2026Q3", [proof], "林督查", note, ledger, as_of=AS_OF)
    record = verifications(ledger).iloc[-1]
    assert record["note"] == note and '"filename": "=1+1.pdf"' in record["evidence"]
    events = ledger.query("SELECT detail FROM supervision_events", (), ["detail"])
    assert events["detail"].tolist() == [note]
