"""The record: receipts decide lateness, reads are as of a moment, stamps carry +08:00, withdrawals are kept."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from jj123lib.core.clock import CHINA_TZ, read_moment
from jj123lib.core.exceptions import LedgerError, ParameterError
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.receipts import mark_paper, receipts, revert_file
from jj123lib.ledger.store import LEDGER_FILE, Ledger
from jj123lib.ledger.tables import STAMP_COLUMNS
from jj123lib.loop.deadlines import unit_states
from tests.ledger_helpers import filled_progress, lead_values, snapshot

pytestmark = pytest.mark.usefixtures("record_year_played")  # scenarios on named days up to December
UNIT = "商务局"
OFFSET = re.compile(r"\+08:00$")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


def _state(data: Path, moment: str | None = None) -> dict[str, object]:
    ledger = Ledger(data) if moment is None else Ledger(data).at(_at(moment))
    frame = unit_states("2026Q3", ledger, as_of=None if moment is None else moment[:10])
    return {str(k): v for k, v in frame[frame["unit"] == UNIT].iloc[0].to_dict().items()}


def test_a_backdated_form_received_late_is_late_with_both_dates_shown(tmp_path: Path) -> None:
    form = filled_progress(tmp_path / "in", UNIT)  # 填报日期 2026-10-08, before the 10-10 deadline
    result = ingest_files([form], tmp_path / "d", received=_at("2026-10-15T09:30:00"), by="王收文")[0]
    assert result.status == "accepted"
    state = _state(tmp_path / "d")
    assert (state["state"], state["submitted_on"], state["dated"], state["days_late"]) == (
        "迟报", "2026-10-15", "2026-10-08", 5)
    row = receipts(tmp_path / "d").iloc[0]
    assert (row["received_at"], row["received_by"], row["dated"]) == (
        "2026-10-15T09:30:00.000000+08:00", "王收文", "2026-10-08")


def test_a_form_received_on_time_by_mail_is_on_time(tmp_path: Path) -> None:
    form = filled_progress(tmp_path / "in", UNIT)
    assert ingest_files([form], tmp_path / "d", received=_at("2026-10-09T10:00:00"))[0].status == "accepted"
    assert _state(tmp_path / "d")["state"] == "按时"


@pytest.mark.parametrize(("received", "refusal"), [
    ("2026-10-07T10:00:00", "早于表内填报日期"),  # before the form's own 填报日期
    ("2027-01-01T10:00:00", "不能晚于现在"),  # after now
])
def test_an_impossible_receipt_is_refused_and_nothing_is_written(tmp_path: Path, received: str, refusal: str) -> None:
    form = filled_progress(tmp_path / "in", UNIT)
    data = tmp_path / "d"
    try:
        results = ingest_files([form], data, received=_at(received))
    except ParameterError as exc:
        assert refusal in str(exc)
    else:
        assert results[0].status == "rejected" and refusal in results[0].message()
    assert snapshot(data) == {}


def test_reads_see_only_what_was_received_by_their_moment(tmp_path: Path) -> None:
    form = filled_progress(tmp_path / "in", UNIT)
    ingest_files([form], tmp_path / "d", received=_at("2026-10-16T11:00:00"))
    before = _state(tmp_path / "d", "2026-10-12T17:00:00")
    assert (before["state"], before["submitted_on"], before["days_late"]) == ("未报送", None, 2)
    assert Ledger(tmp_path / "d").at(_at("2026-10-12T17:00:00")).submissions("2026Q3").empty
    assert _state(tmp_path / "d")["state"] == "迟报"


def test_withdrawing_a_version_makes_the_previous_one_current_and_is_kept(tmp_path: Path) -> None:
    data = tmp_path / "d"
    first = filled_progress(tmp_path / "a", UNIT, changes={"N02": {"实际累计进度(%)": 40}})
    second = filled_progress(tmp_path / "b", UNIT, changes={"N02": {"实际累计进度(%)": 90}})
    ingest_files([first], data, received=_at("2026-10-09T10:00:00"))
    ingest_files([second], data, received=_at("2026-10-11T10:00:00"))

    def n02() -> float:
        frame = Ledger(data).submissions("2026Q3")
        return float(frame.loc[(frame["task_id"] == "N02") & (frame["role"] == "lead"), "actual_pct"].iloc[0])

    assert n02() == 90.0
    current = receipts(data).iloc[-1]
    with pytest.raises(LedgerError, match="理由"):
        revert_file(data, current["file_id"], "", "林督查")
    revert_file(data, current["file_id"], "单位来电称误报，以前一版为准", "林督查")
    assert n02() == 40.0
    log = receipts(data)
    assert log["current"].tolist() == [True, False]
    assert log.iloc[-1]["withdraw_reason"] == "单位来电称误报，以前一版为准"
    assert OFFSET.search(str(log.iloc[-1]["withdrawn_at"]))
    with pytest.raises(LedgerError, match="已于"):
        revert_file(data, current["file_id"], "再撤一次试试", "林督查")
    # As of a moment before the withdrawal, the second version was current.
    assert Ledger(data).at(_at("2026-10-12T10:00:00")).submissions("2026Q3")["actual_pct"].max() == 90.0


def test_paper_copies_are_ticked_off_once(tmp_path: Path) -> None:
    data = tmp_path / "d"
    ingest_files([filled_progress(tmp_path / "in", UNIT)], data, received=_at("2026-10-09T10:00:00"))
    file_id = receipts(data).iloc[0]["file_id"]
    mark_paper(data, file_id[:8], "王收文")
    row = receipts(data).iloc[0]
    assert row["paper_by"] == "王收文" and OFFSET.search(str(row["paper_at"]))
    with pytest.raises(LedgerError, match="未重复登记"):
        mark_paper(data, file_id, "王收文")
    with pytest.raises(LedgerError, match="没有编号"):
        mark_paper(data, "0123456789ab", "王收文")
    # A second unit's form, ticked off after the first: its empty cell beside a filled one is still empty.
    ingest_files([filled_progress(tmp_path / "in2", "住建局")], data, received=_at("2026-10-09T11:00:00"))
    second = receipts(data)
    mark_paper(data, str(second[second["unit"] == "住建局"].iloc[0]["file_id"]), "王收文")
    assert receipts(data)["paper_by"].tolist() == ["王收文", "王收文"]


def test_a_naive_ledger_is_migrated_to_china_time_and_the_migration_says_so(tmp_path: Path) -> None:
    data = tmp_path / "d"
    ingest_files([filled_progress(tmp_path / "in", UNIT)], data)
    conn = sqlite3.connect(data / LEDGER_FILE)
    # A ledger written by jj123 before schema 6: naive stamps, no receipt columns.
    conn.execute("UPDATE files SET ingested_at = '2026-10-09T01:02:03.000004'")
    conn.execute("UPDATE submissions SET ingested_at = '2026-10-09T01:02:03.000004'")
    conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    conn.execute("DELETE FROM schema_migrations WHERE version = 6")
    conn.execute("ALTER TABLE files DROP COLUMN received_at")
    conn.execute("DROP TABLE file_events")
    conn.commit()
    conn.close()
    ingest_files([filled_progress(tmp_path / "again", "住建局")], data)  # the next write migrates
    conn = sqlite3.connect(data / LEDGER_FILE)
    try:
        naive = conn.execute("SELECT ingested_at, received_at FROM files ORDER BY rowid").fetchone()
        note = conn.execute("SELECT note FROM schema_migrations WHERE version = 6").fetchone()[0]
    finally:
        conn.close()
    expected = datetime.fromisoformat("2026-10-09T01:02:03.000004").astimezone(CHINA_TZ)
    assert naive == (expected.isoformat(timespec="microseconds"),) * 2
    assert '"files.ingested_at": 1' in note and '"submissions.ingested_at": ' in note


def test_every_stamp_in_the_demo_ledger_carries_the_china_offset(demo_data: object, tmp_path: Path) -> None:
    data = shutil.copytree(demo_data.data_dir, tmp_path / "d")  # type: ignore[attr-defined]
    conn = sqlite3.connect(data / LEDGER_FILE)
    try:
        for table, column in (*STAMP_COLUMNS, ("files", "received_at"), ("schema_migrations", "applied_at")):
            values = [v for (v,) in conn.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")]
            assert all(OFFSET.search(str(v)) for v in values), (table, column, values[:3])
    finally:
        conn.close()


def test_read_moment_takes_a_day_or_a_minute_and_never_the_future(record_year_played: datetime) -> None:
    assert read_moment("2026-10-13T17:00").isoformat() == "2026-10-13T17:00:59.999999+08:00"
    assert read_moment("2026-10-13").isoformat() == "2026-10-13T23:59:59.999999+08:00"
    assert read_moment("2099-01-01") == record_year_played  # the module's "now"
    with pytest.raises(LedgerError, match="判断时点"):
        read_moment("13/10/2026")


def test_the_cli_records_a_receipt_lists_it_and_withdraws_it(tmp_path: Path) -> None:
    data = tmp_path / "d"
    form = filled_progress(tmp_path / "in", UNIT)

    def jj123(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "jj123lib.cli.main", *args, "--data-dir", str(data)],
                              capture_output=True, text=True, timeout=120, check=False)

    done = jj123("ingest", str(form), "--received", "2026-10-12T09:00", "--by", "王收文")
    assert done.returncode == 0, done.stderr
    listed = jj123("receipts", "--quarter", "2026Q3", "--wide")
    assert listed.returncode == 0 and "王收文" in listed.stdout and "2026-10-12 09:00" in listed.stdout
    assert "纸质件已收 0 份" in listed.stdout
    file_id = receipts(data).iloc[0]["file_id"]
    assert jj123("receipts", "mark-paper", file_id, "--by", "王收文").returncode == 0
    refused = jj123("ingest", "--revert", file_id, "--reason", "误报")
    assert refused.returncode != 0 and "--by" in refused.stderr
    assert jj123("ingest", "--revert", file_id, "--reason", "单位申请撤回", "--by", "林督查").returncode == 0
    assert Ledger(data).submissions("2026Q3").empty  # no version current any more
    assert _state(data)["state"] == "迟报"  # but the form was received, on 10-12: withdrawn is not unreceived


def test_as_of_on_the_command_line_hides_what_came_later(tmp_path: Path) -> None:
    data = tmp_path / "d"
    ingest_files([filled_progress(tmp_path / "in", UNIT)], data, received=_at("2026-10-16T11:00:00"))

    def state(as_of: str) -> str:
        done = subprocess.run([sys.executable, "-m", "jj123lib.cli.main", "cuibao", "--quarter", "2026Q3", "--all",
                               "--as-of", as_of, "--format", "csv", "--data-dir", str(data)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return next(line for line in done.stdout.splitlines() if line.startswith(UNIT))

    assert state("2026-10-12T17:00") == f"{UNIT},2026Q3,2026-10-10,未报送,,,2"
    assert state("2026-10-17") == f"{UNIT},2026Q3,2026-10-10,迟报,2026-10-16,2026-10-08,6"


def _n04(frame: object) -> dict[str, object]:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    return {str(k): v for k, v in frame[frame["task_id"] == "N04"].iloc[0].to_dict().items()}


def test_a_resent_plan_applies_from_its_receipt_and_says_what_it_changes(tmp_path: Path) -> None:
    from jj123lib.assess.ratings import rate_quarter
    from jj123lib.ledger.receipts import plan_history
    from tests.ledger_helpers import filled_plan

    data = tmp_path / "d"
    ingest_files([filled_plan(tmp_path / "p1", "教育局")], data, received=_at("2026-01-21T10:00:00"))
    q2 = {"N04": {**lead_values("N04", 10.0), "填报日期": "2026-07-08"}}
    ingest_files([filled_progress(tmp_path / "q2", "教育局", quarter="2026Q2", changes=q2)], data,
                 received=_at("2026-07-08T15:00:00"))
    lower = filled_plan(tmp_path / "p2", "教育局", pcts=(5.0, 10.0, 50.0, 100.0),
                        changes={"N04": {"填报日期": "2026-08-14"}})
    result = ingest_files([lower], data, received=_at("2026-08-15T10:00:00"))[0]
    assert result.status == "accepted"
    message = result.message()
    assert "N04 2026年第二季度：计划累计进度 45% → 10%" in message and "自收文之时起适用" in message
    # As of July (before the resent plan came) Q2 was judged on the plan of January; as of now on August's.
    july = _n04(rate_quarter("2026Q2", Ledger(data).at(_at("2026-07-20T10:00:00")), as_of="2026-07-20"))
    now = _n04(rate_quarter("2026Q2", Ledger(data), as_of="2026-07-20"))
    assert (july["planned_pct"], july["gap"]) == (45.0, 35.0)
    assert (now["planned_pct"], now["gap"]) == (10.0, 0.0)
    history = plan_history(data, "N04")
    assert history["file_id"].nunique() == 2
    q2_rows = history[history["quarter"] == "2026Q2"]
    assert q2_rows["planned_pct"].tolist() == [45.0, 10.0] and q2_rows["current"].tolist() == [False, True]


def test_last_quarters_form_reused_for_this_quarter_is_recorded_with_a_warning(tmp_path: Path) -> None:
    from tests.ledger_helpers import TASKS

    led = [t for t, lead in zip(TASKS["task_id"], TASKS["lead_unit"]) if lead == UNIT]

    def form(folder: str, pct: float, dated: str) -> Path:
        return filled_progress(tmp_path / folder, UNIT, quarter="2026Q1", co_notes=False,
                               changes={t: {**lead_values(t, pct), "填报日期": dated} for t in led})

    data = tmp_path / "d"
    ingest_files([form("a", 17.0, "2026-04-08")], data, received=_at("2026-04-08T15:00:00"))
    result = ingest_files([form("b", 45.0, "2026-07-06")], data, received=_at("2026-07-07T10:00:00"))[0]
    assert result.status == "accepted", result.message()
    assert "2026年第二季度结束之后" in result.message() and "jj123 ingest --revert" in result.message()
    # A late Q1 form sent in May is no such case.
    other = ingest_files([form("c", 18.0, "2026-05-06")], data, received=_at("2026-05-07T10:00:00"))[0]
    assert other.status == "accepted" and "结束之后" not in other.message()


def test_a_form_dated_well_before_its_receipt_is_flagged(tmp_path: Path) -> None:
    from jj123lib.loop.flags import find_flags

    data = tmp_path / "d"
    ingest_files([filled_progress(tmp_path / "in", UNIT)], data, received=_at("2026-10-20T09:00:00"))
    flags = find_flags("2026Q3", data, as_of="2026-10-21")
    backdated = flags[flags["flag"] == "backdated"]
    assert not backdated.empty and set(backdated["lead_unit"]) == {UNIT}
    assert "收文日期 2026-10-20" in backdated.iloc[0]["detail"] and "相差 12 天" in backdated.iloc[0]["detail"]
    prompt = tmp_path / "e"
    ingest_files([filled_progress(tmp_path / "in2", UNIT)], prompt, received=_at("2026-10-09T09:00:00"))
    assert "backdated" not in set(find_flags("2026Q3", prompt, as_of="2026-10-21")["flag"])


@pytest.mark.parametrize(("command", "column"), [
    (("receipts", "mark-paper", "{id}", "--by", "王收文"), "paper_at"),
    (("ingest", "--revert", "{id}", "--reason", "单位申请撤回", "--by", "林督查"), "withdrawn_at"),
])
def test_a_killed_receipt_action_records_nothing_and_a_rerun_completes(tmp_path: Path, command: tuple[str, ...],
                                                                        column: str) -> None:
    import os
    import signal

    from jj123lib.core.crashpoints import CRASH_ENV

    data = tmp_path / "d"
    ingest_files([filled_progress(tmp_path / "in", UNIT)], data, received=_at("2026-10-09T09:00:00"))
    file_id = str(receipts(data).iloc[0]["file_id"])
    args = [sys.executable, "-m", "jj123lib.cli.main", *(a.format(id=file_id) for a in command),
            "--data-dir", str(data)]
    killed = subprocess.run(args, env={**os.environ, CRASH_ENV: "ledger.before_commit"}, capture_output=True,
                            timeout=120, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert not receipts(data).iloc[0][column]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert OFFSET.search(str(receipts(data).iloc[0][column]))
