"""整改反馈 forms: built like the progress forms, read back by ``jj123 ingest`` whole or nothing,
recorded through the 督办 response path with the file archived verbatim."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import uuid
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from jj123lib.cli.main import main
from jj123lib.core.crashpoints import CRASH_ENV
from jj123lib.core.datadir import mark_demo
from jj123lib.core.exceptions import IngestError
from jj123lib.intake.forms import header_columns, load_form
from jj123lib.intake.formspec import META_PREFIX, META_SHEET, RESPONSE_COLUMNS, RESPONSE_SHEET, read_form_metadata
from jj123lib.intake.ingest import ingest_files
from jj123lib.intake.response_form import write_response_forms
from jj123lib.ledger.store import Ledger
from jj123lib.loop.duban import Trigger, duban_items, issue_duban
from jj123lib.loop.verification import awaiting, verify
from jj123lib.reports.overview import _awaiting_html
from tests.hostile import HOSTILE

TODAY = date(2026, 10, 28)
NOW = datetime(2026, 10, 28, 2, 0, tzinfo=UTC)  # 10:00 in China
FILL = {"整改状态": "已整改", "整改情况": "已召开专题会，完成用地报批，附批复文号", "填报人": "陈志强",
        "填报日期": date(2026, 10, 25)}


@pytest.fixture(autouse=True)
def _answers_come_in_on_the_28th(clock_at: Callable[[str], datetime]) -> None:
    """The CLI's clock too (it takes no ``now``): the answers are dated 10-25, the office reads them on 10-28."""
    clock_at(NOW.isoformat())


def _issued(tmp_path: Path, folder: str = "data", demo: bool = False) -> Ledger:
    ledger = Ledger(tmp_path / folder)
    if demo:
        ledger.data_dir.mkdir(parents=True)
        mark_demo(ledger.data_dir, 1)
    issue_duban("2026Q3", ledger, as_of="2026-10-15", by="林督查", now=NOW,
                triggers=[Trigger("N07", "公安局", ("red",), "2026Q3：红灯"),
                          Trigger("P13", "公安局", ("yellow_twice",), "2026Q3：连续两个季度黄灯")])
    return ledger


def _form(ledger: Ledger, item: str = "DB-2026Q3-001") -> Path:
    forms = write_response_forms("2026Q3", ledger.data_dir, out_dir=ledger.data_dir.parent / "forms", now=NOW)
    return next(f for f in forms if f.name.startswith(item))


def _fill(form: Path, values: dict[str, Any] | None = None, name: str | None = None,
          meta: dict[str, str] | None = None, row: int = 2) -> Path:
    wb = load_form(form)
    ws = wb[RESPONSE_SHEET]
    cols = header_columns(ws)
    for label, value in {**FILL, **(values or {})}.items():
        cell = ws.cell(row, cols[label])
        cell.value = value
        if cell.data_type == "f":
            cell.data_type = "s"  # as Excel stores a typed '=… (text, not a formula)
    for key, value in (meta or {}).items():
        sheet = wb[META_SHEET]
        for cells in sheet.iter_rows(min_row=2):
            if cells[0].value == key:
                cells[1].value = value
    target = form.parent.parent / "filled" / (name or form.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def _responses(ledger: Ledger) -> list[tuple[Any, ...]]:
    frame = ledger.query("SELECT duban_id, status, text, file_sha256, by, at FROM duban_responses ORDER BY id", (),
                         ["duban_id", "status", "text", "file_sha256", "by", "at"])
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_form_has_the_progress_forms_protections_dropdowns_metadata_and_print_setup(tmp_path: Path) -> None:
    ledger = _issued(tmp_path)
    forms = write_response_forms("2026Q3", ledger.data_dir, now=NOW)
    assert [f.name for f in forms] == ["DB-2026Q3-001_公安局_整改反馈.xlsx", "DB-2026Q3-002_公安局_整改反馈.xlsx"]
    assert forms[0].parent == ledger.data_dir / "forms" / "2026Q3-duban"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(forms[0])
    ws = wb[RESPONSE_SHEET]
    assert [c.value for c in ws[1]] == list(RESPONSE_COLUMNS)
    assert [c.value for c in ws[2]][:7] == ["DB-2026Q3-001", "N07", ws.cell(2, 3).value, "公安局", "督办",
                                            "2026Q3：红灯", "2026-10-30"]
    assert ws.protection.sheet and ws.cell(2, 1).protection.locked and not ws.cell(2, 8).protection.locked
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists == ['"已整改,整改中"']
    assert any(dv.type == "date" for dv in ws.data_validations.dataValidation)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["I"].width == 40 and ws.row_dimensions[2].height >= 10 * 16  # room to answer
    assert ws.print_title_rows == "$1:$1" and "单位（盖章）" in ws.oddFooter.right.text  # type: ignore[union-attr, operator]  # openpyxl stubs: header parts are optional
    meta = read_form_metadata(wb)
    assert meta["kind"] == "duban_response" and meta["period"] == "DB-2026Q3-001" and meta["unit"] == "公安局"
    assert meta["generated_at"] == "2026-10-28T10:00:00+08:00" and meta["demo"] == "0"
    assert {p.name for p in wb.custom_doc_props} >= {META_PREFIX + "kind", META_PREFIX + "period"}  # type: ignore[attr-defined]  # not in types-openpyxl
    assert wb[META_SHEET].sheet_state == "hidden" and "示例数据" not in str(ws.oddHeader.center.text)  # type: ignore[union-attr]  # openpyxl stubs: header parts are optional


def test_the_title_names_the_item_as_the_office_does_and_the_id_stays_where_ingest_matches(tmp_path: Path) -> None:
    import re

    from jj123lib.intake.formspec import HELP_SHEET

    form = _form(_issued(tmp_path), "DB-2026Q3-002")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(form)
    ws = wb[RESPONSE_SHEET]
    title = "督办事项整改反馈表（2026年第三季度第2号，公安局）"
    assert ws.oddHeader.center.text == title and wb.properties.title == title  # type: ignore[union-attr]  # openpyxl stubs: header parts are optional
    assert wb[HELP_SHEET]["A1"].value == "督办事项整改反馈填报说明（2026年第三季度第2号，公安局）"
    printed = [str(part.text or "") for hf in (ws.oddHeader, ws.oddFooter) if hf is not None
               for part in (hf.left, hf.center, hf.right)]
    assert not [text for text in printed if re.search(r"\d{4}Q[1-4]", text)], printed  # no quarter code on paper
    assert form.name.startswith("DB-2026Q3-002_") and read_form_metadata(wb)["period"] == "DB-2026Q3-002"
    assert ws.cell(2, 1).value == "DB-2026Q3-002"  # the 督办编号 cell ingest checks
    assert ingest_files([_fill(form)], tmp_path / "data", today=TODAY)[0].status == "accepted"


def test_demo_form_is_marked_and_only_a_demo_folder_takes_it(tmp_path: Path) -> None:
    demo = _issued(tmp_path, "demo", demo=True)
    form = _form(demo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(form)
    assert "示例数据" in str(wb[RESPONSE_SHEET].oddHeader.center.text) and "示例数据" in str(wb.properties.title)  # type: ignore[union-attr]  # openpyxl stubs: header parts are optional
    assert wb[RESPONSE_SHEET].sheet_properties.tabColor.rgb.endswith("C00000")  # type: ignore[union-attr]  # openpyxl stubs: the tab colour is optional
    real = _issued(tmp_path, "real")
    filled = _fill(form)
    refused = ingest_files([filled], real.data_dir, today=TODAY)[0]
    assert refused.status == "rejected" and "示例数据" in refused.message()
    assert ingest_files([filled], demo.data_dir, today=TODAY)[0].status == "accepted"


def test_accepted_form_records_the_answer_linked_to_the_archived_file(tmp_path: Path) -> None:
    ledger = _issued(tmp_path)
    filled = _fill(_form(ledger))
    result = ingest_files([filled], ledger.data_dir, now=NOW)[0]
    assert result.status == "accepted", result.message()
    assert "DB-2026Q3-001" in result.message() and "待督查室核实销号" in result.message()
    sha = hashlib.sha256(filled.read_bytes()).hexdigest()
    assert _responses(ledger) == [("DB-2026Q3-001", "已整改", FILL["整改情况"], sha, "陈志强（公安局）",
                                   "2026-10-28T10:00:00+08:00")]
    assert (ledger.data_dir / "archive" / f"{sha}.xlsx").read_bytes() == filled.read_bytes()
    files = ledger.query("SELECT sha256, filename, duban_id, unit FROM response_files", (),
                         ["sha256", "filename", "duban_id", "unit"])
    assert files.values.tolist() == [[sha, filled.name, "DB-2026Q3-001", "公安局"]]
    items = duban_items(None, ledger, as_of="2026-10-28").set_index("id")
    assert items.loc["DB-2026Q3-001", "status_label"] == "待核实"
    assert "DB-2026Q3-001" in awaiting("2026Q3", ledger, as_of="2026-10-28")["target"].tolist()
    evidence = tmp_path / "批复.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    verify("DB-2026Q3-001", "2026Q3", [evidence], "林督查", data_dir=ledger, now=NOW, reason="经现场核实整改到位")
    assert duban_items(None, ledger).set_index("id").loc["DB-2026Q3-001", "status_label"] == "已销号"


def test_the_evidence_list_and_the_completion_date_are_kept_with_the_answer(tmp_path: Path) -> None:
    ledger = _issued(tmp_path)
    form = _form(ledger)
    wb = load_form(form)
    header = header_columns(wb[RESPONSE_SHEET])
    assert {"佐证材料清单", "完成时限"} <= set(header)
    assert wb[RESPONSE_SHEET].cell(2, header["完成时限"]).number_format == "yyyy-mm-dd"
    proof = "1. 用地报批材料；2. 专题会纪要（晋政纪〔2026〕12号）"
    filled = _fill(form, {"整改状态": "整改中", "佐证材料清单": proof, "完成时限": date(2026, 11, 30)})
    assert ingest_files([filled], ledger.data_dir, now=NOW)[0].status == "accepted"
    assert _responses(ledger)[0][2] == f"{FILL['整改情况']}\n佐证材料清单：{proof}\n完成时限：2026-11-30"
    later = _fill(form, {"完成时限": "下个月"}, name="bad.xlsx")
    errors = ingest_files([later], ledger.data_dir, today=TODAY)[0].errors
    assert [(e.column, e.row) for e in errors] == [("完成时限", 2)]
    early = _fill(form, {"完成时限": date(2026, 9, 1)}, name="early.xlsx")
    errors = ingest_files([early], ledger.data_dir, today=TODAY)[0].errors
    assert [e.column for e in errors] == ["完成时限"] and "早于督办下发日期" in errors[0].rule


def test_same_bytes_are_a_duplicate_and_a_libreoffice_resave_no_new_answer(tmp_path: Path) -> None:
    ledger = _issued(tmp_path)
    filled = _fill(_form(ledger))
    assert ingest_files([filled], ledger.data_dir, today=TODAY)[0].status == "accepted"
    assert ingest_files([filled], ledger.data_dir, today=TODAY)[0].status == "duplicate"
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    out = tmp_path / "resaved"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(filled)],
                   check=True, capture_output=True, timeout=180)
    again = out / filled.name
    assert again.read_bytes() != filled.read_bytes()
    result = ingest_files([again], ledger.data_dir, today=TODAY)[0]
    assert result.status == "duplicate" and result.resaved, result.message()
    assert "内容相同" in result.message() and "不作为新反馈" in result.message()
    assert len(_responses(ledger)) == 1
    sha = hashlib.sha256(again.read_bytes()).hexdigest()
    assert (ledger.data_dir / "archive" / f"{sha}.xlsx").read_bytes() == again.read_bytes()
    changed = _fill(again, {"整改状态": "整改中", "整改情况": "补充：正在办理竣工验收"}, name="second.xlsx")
    assert ingest_files([changed], ledger.data_dir, today=TODAY)[0].status == "accepted"
    assert [r[1] for r in _responses(ledger)] == ["已整改", "整改中"]


def _refused(ledger: Ledger, path: Path) -> list[IngestError]:
    before = (ledger.fingerprint(), _responses(ledger))
    result = ingest_files([path], ledger.data_dir, today=TODAY)[0]
    assert result.status == "rejected"
    assert (ledger.fingerprint(), _responses(ledger)) == before  # whole file or nothing
    assert ledger.query("SELECT sha256 FROM response_files", (), ["sha256"]).empty
    return result.errors


@pytest.mark.parametrize(("values", "column", "rule"), [
    ({"整改情况": None}, "整改情况", "不能为空"),
    ({"整改情况": "   "}, "整改情况", "不能为空"),
    ({"整改状态": "已销号"}, "整改状态", "不在可选范围内"),
    ({"整改状态": None}, "整改状态", "不能为空"),
    ({"填报人": None}, "填报人", "不能为空"),
    ({"填报日期": date(2026, 12, 1)}, "填报日期", "晚于今天"),
    ({"填报日期": date(2026, 10, 1)}, "填报日期", "早于督办下发日期"),
    ({"填报日期": "下周"}, "填报日期", ""),
    ({"整改情况": "长" * 2001}, "整改情况", "超过 2000 字"),
    ({"督办编号": "DB-2026Q3-002"}, "督办编号", "预填列不得修改"),
    ({"任务编号": "P13"}, "任务编号", "预填列不得修改"),
])
def test_a_bad_cell_is_refused_naming_file_sheet_row_column_and_rule(tmp_path: Path, values: dict[str, Any],
                                                                    column: str, rule: str) -> None:
    ledger = _issued(tmp_path)
    path = _fill(_form(ledger), values)
    errors = _refused(ledger, path)
    hit = [e for e in errors if e.column == column]
    assert hit, [str(e) for e in errors]
    assert hit[0].file == path.name and hit[0].sheet == RESPONSE_SHEET and hit[0].row == 2 and rule in hit[0].rule
    assert path.name in str(hit[0]) and "第 2 行" in str(hit[0])


def test_unknown_closed_or_wrong_unit_items_are_refused(tmp_path: Path) -> None:
    ledger = _issued(tmp_path)
    form = _form(ledger)
    other = Ledger(tmp_path / "other")  # a ledger where DB-2026Q3-001 was never issued
    issue_duban("2026Q3", other, as_of="2026-10-15", by="a", triggers=[])
    errors = _refused(other, _fill(form))
    assert any("不存在" in e.rule and e.column == "督办编号" for e in errors)

    wrong_unit = _fill(form, meta={"unit": "商务局"}, name="DB-2026Q3-001_商务局_整改反馈.xlsx")
    errors = _refused(ledger, wrong_unit)
    assert any(e.column == "督办对象" and "公安局" in e.rule and "商务局" in e.rule for e in errors)

    renamed = _fill(form, name="DB-2026Q3-002_公安局_整改反馈.xlsx")
    assert any("文件名写的是 DB-2026Q3-002" in e.rule for e in _refused(ledger, renamed))

    as_csv = tmp_path / "DB-2026Q3-001_公安局_整改反馈.csv"
    as_csv.write_text("督办编号,任务编号,整改状态,整改情况\nDB-2026Q3-001,N07,已整改,已整改到位\n", encoding="utf-8")
    assert any("只接受 .xlsx" in e.rule for e in _refused(ledger, as_csv))

    two_rows = _fill(_fill(form), {"整改情况": "第二行"}, row=3)
    assert any("只能有一行" in e.rule for e in _refused(ledger, two_rows))

    assert ingest_files([_fill(form)], ledger.data_dir, today=TODAY)[0].status == "accepted"
    evidence = tmp_path / "e.txt"
    evidence.write_text("佐证")
    verify("DB-2026Q3-001", "2026Q3", [evidence], "林督查", data_dir=ledger, reason="经现场核实整改到位")
    remaining = write_response_forms("2026Q3", ledger.data_dir, out_dir=tmp_path / "again")
    assert [f.name for f in remaining] == ["DB-2026Q3-002_公安局_整改反馈.xlsx"]  # no form for a closed item
    late = _fill(form, {"整改状态": "整改中", "整改情况": "补报"}, name="late.xlsx")
    before = (ledger.fingerprint(), _responses(ledger))
    result = ingest_files([late], ledger.data_dir, today=TODAY)[0]
    assert result.status == "rejected" and any("已销号" in e.rule for e in result.errors)
    assert (ledger.fingerprint(), _responses(ledger)) == before


def test_hostile_text_is_stored_verbatim_and_escaped_in_html(tmp_path: Path) -> None:
    ledger = _issued(tmp_path)
    form = _form(ledger)
    for index, (typed, shown) in enumerate(HOSTILE):
        ledger_i = Ledger(tmp_path / f"h{index}")
        issue_duban("2026Q3", ledger_i, as_of="2026-10-15", by="林督查",
                    triggers=[Trigger("N07", "公安局", ("red",), "红灯")])
        path = _fill(form, {"整改情况": typed, "填报人": "陈志强"}, name=f"h{index}.xlsx")
        result = ingest_files([path], ledger_i.data_dir, today=TODAY)[0]
        assert result.status == "accepted", result.message()
        assert _responses(ledger_i)[0][2] == shown
        html = str(_awaiting_html(awaiting("2026Q3", ledger_i, as_of="2026-10-28")))
        for tag in ("<script", "<img", "<svg", "<iframe", "<style", "<base", "<meta", "<h1>"):
            assert tag not in html


def test_cli_makes_the_forms_and_ingest_takes_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = _issued(tmp_path)
    out = tmp_path / "out"
    code = main(["duban", "forms", "--quarter", "2026Q3", "--out", str(out), "--data-dir", str(ledger.data_dir)])
    text = capsys.readouterr().out
    assert code == 0 and "已生成 2 份整改反馈表" in text and "DB-2026Q3-002_公安局_整改反馈.xlsx" in text
    filled = _fill(out / "DB-2026Q3-002_公安局_整改反馈.xlsx", {"整改状态": "整改中"})
    code = main(["ingest", str(filled), "--data-dir", str(ledger.data_dir)])
    text = capsys.readouterr().out
    assert code == 0 and "已导入" in text and "DB-2026Q3-002" in text
    assert duban_items(None, ledger).set_index("id").loc["DB-2026Q3-002", "status_label"] == "整改中"
    code = main(["duban", "forms", "--quarter", "2026Q1", "--data-dir", str(ledger.data_dir)])
    assert code == 0 and "没有未销号的督办事项" in capsys.readouterr().out


@pytest.mark.parametrize("point", ["ingest.locked", "ledger.before_archive", "atomic.before_rename",
                                   "ledger.after_archive", "ledger.before_commit", "ledger.after_commit"])
def test_killed_ingest_of_a_response_records_nothing_or_all(tmp_path: Path, point: str) -> None:
    """SIGKILL ``jj123 ingest`` of a 整改反馈 form at each point: no half answer; a rerun completes."""
    ledger = _issued(tmp_path)
    filled = _fill(_form(ledger))
    args = [sys.executable, "-m", "jj123lib.cli.main", "ingest", str(filled), "--data-dir", str(ledger.data_dir)]
    killed = subprocess.run(args, env={**os.environ, CRASH_ENV: point}, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    answers = _responses(ledger)
    listed = ledger.query("SELECT sha256 FROM response_files", (), ["sha256"])
    status = duban_items(None, ledger).set_index("id").loc["DB-2026Q3-001", "status"]
    if point == "ledger.after_commit":
        assert len(answers) == 1 and len(listed) == 1 and status == "claimed"
    else:
        assert answers == [] and listed.empty and status == "open"
    done = subprocess.run(args, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert len(_responses(ledger)) == 1
    sha = hashlib.sha256(filled.read_bytes()).hexdigest()
    assert (ledger.data_dir / "archive" / f"{sha}.xlsx").read_bytes() == filled.read_bytes()
