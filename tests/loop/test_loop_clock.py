"""Every writer of the supervision loop stamps its records with an injected clock (``now=``), and the
CLI takes that clock from ``--as-of``: 09:00 China time on that day (the real clock for today)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from jj123lib.cli.main import main
from jj123lib.core.clock import as_of_moment, china_today
from jj123lib.ledger.store import Ledger
from jj123lib.loop.coordination import close, sync
from jj123lib.loop.duban import Trigger, issue_duban, respond
from jj123lib.loop.verification import reject, revoke, verify
from tests.ledger_helpers import record_plan, record_progress

T1 = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)  # 09:00 in China
T2 = datetime(2026, 10, 20, 6, 30, tzinfo=UTC)  # 14:30 in China
T3 = datetime(2026, 10, 26, 16, 5, tzinfo=UTC)  # 00:05 on the 27th in China


pytestmark = pytest.mark.usefixtures("record_year_played")  # scenarios on named days up to December


def _stamps(ledger: Ledger, sql: str) -> list[str]:
    return [str(v) for v in ledger.query(sql, (), ["at"])["at"]]


def test_duban_and_verification_writers_take_now(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    issue_duban("2026Q3", ledger, by="a", now=T1, triggers=[Trigger("N07", "公安局", ("red",), "红灯")])
    row = ledger.query("SELECT issued_on, due_date, at FROM duban", (), ["issued_on", "due_date", "at"]).iloc[0]
    assert (row["issued_on"], row["due_date"], row["at"]) == ("2026-10-15", "2026-10-30", "2026-10-15T09:00:00+08:00")
    respond("DB-2026Q3-001", "已整改", "公安局", data_dir=ledger, now=T2)
    assert _stamps(ledger, "SELECT at FROM duban_responses") == ["2026-10-20T14:30:00+08:00"]
    reject("DB-2026Q3-001", "2026Q3", "材料不全，退回", "林督查", ledger, now=T2)
    respond("DB-2026Q3-001", "补充材料", "公安局", data_dir=ledger, now=T3)
    proof = tmp_path / "proof.txt"
    proof.write_text("佐证")
    verify("DB-2026Q3-001", "2026Q3", [proof], "林督查", data_dir=ledger, now=T3, reason="经现场核实整改到位")
    revoke("DB-2026Q3-001", "2026Q3", "王主任", "核实有误，撤销", ledger, now=T3)
    assert _stamps(ledger, "SELECT at FROM verifications ORDER BY id") == ["2026-10-20T14:30:00+08:00",
                                                                           "2026-10-27T00:05:00+08:00"]
    revoked = ledger.query("SELECT revoked_at FROM verifications WHERE revoked = 1", (), ["revoked_at"])
    assert revoked["revoked_at"].tolist() == ["2026-10-27T00:05:00+08:00"]
    events = _stamps(ledger, "SELECT at FROM supervision_events ORDER BY id")
    assert events == ["2026-10-15T09:00:00+08:00", "2026-10-20T14:30:00+08:00", "2026-10-20T14:30:00+08:00",
                      "2026-10-27T00:05:00+08:00", "2026-10-27T00:05:00+08:00", "2026-10-27T00:05:00+08:00"]


def test_coordination_writers_take_now(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {"N07": (20.0, 45.0, 70.0, 100.0)})
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"coordination": "需财政局加快专项资金拨付"}})
    [item] = sync(ledger, by="林督查", now=T1)
    close(item, "已协调", "会议纪要〔2026〕12号", "林督查", ledger, now=T2)
    row = ledger.query("SELECT at, closed_at FROM coordination", (), ["at", "closed_at"]).iloc[0]
    assert (row["at"], row["closed_at"]) == ("2026-10-15T09:00:00+08:00", "2026-10-20T14:30:00+08:00")


def test_as_of_gives_nine_o_clock_that_day_and_today_the_real_clock() -> None:
    assert as_of_moment(None) is None
    assert as_of_moment(china_today()) is None
    moment = as_of_moment("2026-10-15")
    assert moment is not None and moment.isoformat() == "2026-10-15T09:00:00+08:00"
    assert as_of_moment(date(2026, 1, 2)).isoformat() == "2026-01-02T09:00:00+08:00"  # type: ignore[union-attr]


def test_cli_stamps_from_as_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {"N07": (20.0, 45.0, 70.0, 100.0)})
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"actual_pct": 10.0, "coordination": "需市领导协调推进"}})
    data = str(ledger.data_dir)
    assert main(["duban", "issue", "--quarter", "2026Q3", "--as-of", "2026-10-15", "--by", "林督查",
                 "--data-dir", data]) == 0
    item = ledger.query("SELECT id, at FROM duban WHERE task_id = 'N07'", (), ["id", "at"]).iloc[0]
    assert item["at"] == "2026-10-15T09:00:00+08:00"
    assert main(["duban", "respond", item["id"], "--text", "已整改到位", "--as-of", "2026-10-18", "--by", "公安局",
                 "--data-dir", data]) == 0
    assert _stamps(ledger, "SELECT at FROM duban_responses") == ["2026-10-18T09:00:00+08:00"]
    assert main(["coordination", "--as-of", "2026-10-16", "--by", "林督查", "--data-dir", data]) == 0
    assert _stamps(ledger, "SELECT at FROM coordination") == ["2026-10-16T09:00:00+08:00"]
    capsys.readouterr()
