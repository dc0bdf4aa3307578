"""需协调部门: typed on the progress form or named by the office, kept stamped with the item, read as of a moment,
and the blockers added up by it in the overview and the 通报."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.frames import records
from jj123lib.domain.departments import read_departments, split_departments
from jj123lib.domain.tasks import units
from jj123lib.intake.forms import PROGRESS_SHEET, header_columns
from jj123lib.intake.ingest import ingest_files, parse_file
from jj123lib.ledger.store import Ledger
from jj123lib.loop.coordination import assign, blockers_by_department, register, sync
from jj123lib.reports.provenance import leader_data_fingerprint
from tests.ledger_helpers import TASKS, filled_progress, record_progress

pytestmark = pytest.mark.usefixtures("record_year_played")  # forms dated October 2026

LAND = "需协调解决项目用地指标"
UNIT = "公安局"  # leads N07 and P13 (陈清平)


def _at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=CHINA_TZ)


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_a_cell_names_departments_matched_to_the_task_table() -> None:
    known = units(TASKS)
    reading = read_departments(" 晋江市自然资源局、住建局，住建局；市领导 ", known)
    assert reading.names == ["自然资源局", "住建局", "市领导"] and reading.text == "自然资源局、住建局、市领导"
    assert reading.notes == ["“晋江市自然资源局”按“自然资源局”读取"] and reading.unknown == []
    outside = read_departments("泉州市生态环境局", known)
    assert outside.names == ["泉州市生态环境局"] and outside.unknown == ["泉州市生态环境局"]  # kept as typed
    assert split_departments("") == [] and split_departments("财政局/发改局") == ["财政局/发改局"]  # one name as typed
    typo = read_departments("自然资源", known)
    assert typo.unknown == ["自然资源"] and typo.guesses == ["自然资源局"]


def test_the_form_column_is_stored_with_the_request_and_the_item(tmp_path: Path) -> None:
    form = filled_progress(tmp_path / "in", UNIT, changes={
        "N07": {"需协调事项": LAND, "需协调部门": "晋江市自然资源局"},
        "P13": {"需协调事项": "需财政局加快专项资金拨付", "需协调部门": "泉州市财政局"}})
    result = ingest_files([form], tmp_path / "data")[0]
    assert result.status == "accepted", result.message()
    notes = result.message() + "；".join(str(n) for n in Ledger(tmp_path / "data").submissions()["normalizations"])
    assert "需协调部门“晋江市自然资源局”按“自然资源局”读取" in notes
    assert "“泉州市财政局”不是任务清单中的责任单位，按原文记录" in notes
    ledger = Ledger(tmp_path / "data")
    subs = ledger.submissions().set_index("task_id")
    assert subs.loc["N07", "coordination_department"] == "自然资源局"
    sync(ledger, by="林督查", now=_at("2026-10-20"))
    frame = register(ledger).set_index("task_id")
    assert frame.loc["N07", "department"] == "自然资源局" and frame.loc["N07", "department_source"] == "form"
    assert frame.loc["P13", "department"] == "泉州市财政局"  # a body outside the table, verbatim
    events = [r for r in _rows(ledger.path, "supervision_events") if "需协调部门" in str(r)]
    assert len(events) == 2 and all("林督查" in str(e) for e in events)


def test_a_department_without_a_request_rejects_the_file_and_changes_nothing(tmp_path: Path) -> None:
    form = filled_progress(tmp_path / "in", UNIT, changes={"N07": {"需协调事项": "无", "需协调部门": "自然资源局"}})
    result = ingest_files([form], tmp_path / "data")[0]
    assert result.status == "rejected"
    assert "第 2 行，列“需协调部门”" in result.message() and "需协调事项为空或为“无”" in result.message()
    assert not (tmp_path / "data" / "ledger.sqlite").exists() or Ledger(tmp_path / "data").submissions().empty


def test_a_form_issued_before_the_column_is_still_taken_and_its_wording_read(tmp_path: Path) -> None:
    form = filled_progress(tmp_path / "in", UNIT, changes={"N07": {"需协调事项": "需自然资源局协调解决项目用地指标"}})
    wb = openpyxl.load_workbook(form)
    ws = wb[PROGRESS_SHEET]
    ws.delete_cols(header_columns(ws)["需协调部门"])  # the form as it was issued before
    wb.save(form)
    result = ingest_files([form], tmp_path / "data")[0]
    assert result.status == "accepted", result.message()
    ledger = Ledger(tmp_path / "data")
    sync(ledger, by="林督查", now=_at("2026-10-20"))
    item = register(ledger).iloc[0]
    assert (item["department"], item["department_source"]) == ("自然资源局", "text")


# The content hash jj123 before 需协调部门 gave the form below (a re-save of it must stay a duplicate). It changes only
# if tests.ledger_helpers.lead_values or the task table change.
OLD_FORM_CONTENT = "b2582b0b0f9e55982895e6199a010e12e434cab86737f4f8b29b4b4e7a542d0b"


def test_a_form_without_the_column_keeps_the_content_hash_it_had(tmp_path: Path) -> None:
    form = filled_progress(tmp_path / "in", UNIT, changes={"N07": {"需协调事项": "需自然资源局协调解决项目用地指标"}})
    wb = openpyxl.load_workbook(form)
    ws = wb[PROGRESS_SHEET]
    ws.delete_cols(header_columns(ws)["需协调部门"])
    wb.save(form)
    parsed = parse_file(form, today=date(2026, 12, 1))
    assert parsed.content_sha256 == OLD_FORM_CONTENT


def test_sync_is_idempotent_when_a_unit_named_two_departments(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_progress(ledger, UNIT, "2026Q2", {"N07": {"coordination": LAND, "coordination_department": "自然资源局"}})
    record_progress(ledger, UNIT, "2026Q3", {"N07": {"coordination": "仍" + LAND, "coordination_department": "财政局"}})
    sync(ledger, by="林督查", now=_at("2026-10-20"))
    rows, fingerprint = _rows(ledger.path, "coordination_departments"), ledger.fingerprint()
    assert [(r[1], r[3]) for r in rows] == [("自然资源局", "2026Q2"), ("财政局", "2026Q3")]
    for _ in range(2):  # every listing syncs: nothing new, nothing written
        assert sync(ledger, by="林督查", now=_at("2026-10-21")) == []
    assert _rows(ledger.path, "coordination_departments") == rows and ledger.fingerprint() == fingerprint
    assert register(ledger).iloc[0]["department"] == "财政局"


def test_the_office_names_the_department_and_a_later_form_does_not_undo_it(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_progress(ledger, UNIT, "2026Q2", {"N07": {"coordination": "需数据管理部门协调打通数据共享接口"}})
    sync(ledger, by="林督查", now=_at("2026-07-20"))
    before = register(ledger).iloc[0]
    assert (before["department"], before["department_source"]) == ("数据管理部门", "text")
    shown = leader_data_fingerprint(ledger.data_dir, "2026Q2", "陈清平", scores=False)
    done = assign(str(before["id"]), "工信局", "王主任", ledger, reason="接口由工信局统筹", now=_at("2026-07-25"))
    assert done.department == "工信局" and done.previous == "数据管理部门" and done.unknown == []
    assert leader_data_fingerprint(ledger.data_dir, "2026Q2", "陈清平", scores=False) != shown  # the header says so
    record_progress(ledger, UNIT, "2026Q3", {"N07": {"coordination": "仍需数据管理部门协调打通数据共享接口",
                                                     "coordination_department": "行政服务中心管委会"}})
    sync(ledger, by="林督查", now=_at("2026-10-20"))
    item = register(ledger).iloc[0]
    assert (item["department"], item["department_source"]) == ("工信局", "office")
    assert item["last_quarter"] == "2026Q3"  # the same item, mentioned again
    stored = _rows(ledger.path, "coordination_departments")
    assert [(r[1], r[2], r[5]) for r in stored] == [("工信局", "office", "王主任")]
    assert stored[0][4] == "接口由工信局统筹" and str(stored[0][6]).endswith("+08:00")
    # As of a moment before the office named it, the register reads the wording, as it did then.
    then = Ledger(tmp_path / "data", as_of=_at("2026-07-22"))
    assert register(then).iloc[0]["department_source"] == "text"
    with pytest.raises(LedgerError, match="已由督查室指定为“工信局”"):
        assign(str(item["id"]), "工信局", "王主任", ledger)
    with pytest.raises(LedgerError, match="须写明需协调部门"):
        assign(str(item["id"]), " 无 ", "王主任", ledger)
    with pytest.raises(LedgerError, match="不存在"):
        assign("XT-2026Q9-001", "工信局", "王主任", ledger)
    assert len(_rows(ledger.path, "coordination_departments")) == 1  # refusals wrote nothing


def test_blockers_count_an_item_under_each_department_it_asks(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_progress(ledger, UNIT, "2026Q3", {
        "N07": {"coordination": "需协调解决用地和施工许可", "coordination_department": "自然资源局、住建局"},
        "P13": {"coordination": "需召开专题会研究编制问题"}})
    sync(ledger, by="林督查", now=_at("2026-10-20"))
    groups = {g["department"]: g for g in records(blockers_by_department(register(ledger, open_only=True)))}
    assert sorted(groups) == ["住建局", "市领导", "自然资源局"]
    assert groups["自然资源局"]["tasks"] == ["N07"] and groups["住建局"]["tasks"] == ["N07"]
    assert [i["source"] for i in groups["市领导"]["items"]] == ["text"]


def test_the_command_assigns_now_and_a_refusal_writes_nothing(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_progress(ledger, UNIT, "2026Q3", {"N07": {"coordination": LAND}})  # not yet in the register

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "jj123lib.cli.main", "coordination", *args,
                               "--data-dir", str(tmp_path / "data"), "--by", "王主任"],
                              capture_output=True, text=True, timeout=120)

    untouched = ledger.path.read_bytes()
    refused = run("assign", "XT-2026Q3-001", "--department", "自然资源局", "--as-of", "2026-10-01")
    assert refused.returncode == 2 and "不能补记到以前的时点" in refused.stderr
    assert run("assign", "XT-2026Q3-001", "--department", "自然资源局").returncode == 2  # not registered yet
    assert run("close", "XT-2026Q3-001", "--status", "已协调", "--ref", "纪要", "--as-of", "2026-10-01").returncode == 2
    assert ledger.path.read_bytes() == untouched
    # A back-dated listing registers only what the forms received by its moment asked (this one came 10-08 16:00).
    assert "新登记" not in run("--as-of", "2026-10-01", "--format", "csv").stderr and register(ledger).empty
    assert "新登记协调事项 1 件" in run("--format", "csv").stderr
    done = run("assign", "xt-2026q3-001", "--department", "自然资源局、省自然资源厅", "--reason", "用地报批")
    assert done.returncode == 0, done.stderr
    assert "已将 XT-2026Q3-001 的需协调部门指定为“自然资源局、省自然资源厅”（原为“市领导”）" in done.stdout
    assert "“省自然资源厅”不是任务清单中的责任单位" in done.stderr
    listed = run("--format", "csv")
    assert "自然资源局、省自然资源厅" in listed.stdout and "督查室指定" in listed.stdout


def test_a_form_resaved_by_libreoffice_keeps_its_department(tmp_path: Path) -> None:
    form = filled_progress(tmp_path / "in", UNIT, changes={"N07": {"需协调事项": LAND, "需协调部门": "自然资源局"}})
    out = tmp_path / "resaved"
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    for _attempt in range(3):  # a headless session crashes now and then: restart it
        run = subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                              "xlsx", "--outdir", str(out), str(form)], capture_output=True, timeout=180)
        if run.returncode == 0 and (out / form.name).exists():
            break
    assert (out / form.name).exists(), run.stderr
    ws = openpyxl.load_workbook(out / form.name)[PROGRESS_SHEET]
    prompts = [dv.prompt for dv in ws.data_validations.dataValidation if dv.promptTitle == "需协调部门"]
    assert prompts and "市领导" in str(prompts[0])  # the clerk's hint survives the save
    assert ingest_files([out / form.name], tmp_path / "data")[0].status == "accepted"
    assert Ledger(tmp_path / "data").submissions().set_index("task_id").loc["N07", "coordination_department"] \
        == "自然资源局"
