"""Ingest: round trip, every rejection leaves the ledger byte-for-byte unchanged, CSV encodings, supersede."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from jj123lib.cli.main import main
from jj123lib.core.cells import cell_date
from jj123lib.core.datadir import mark_demo
from jj123lib.intake.forms import PROGRESS_COLUMNS, PROGRESS_SHEET, header_columns, load_form
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import TASKS, filled_plan, filled_progress, snapshot

UNIT = "陈埭镇"  # leads N08, P15, P16, B22, B23; co-unit on B24
pytestmark = pytest.mark.usefixtures("q3_forms_received")  # the forms are Q3's, dated 2026-10-08/09


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A data folder holding an accepted Q2 submission, so 'unchanged' compares real bytes."""
    folder = tmp_path / "data"
    results = ingest_files([filled_progress(tmp_path / "in", UNIT, "2026Q2")], folder)
    assert [r.status for r in results] == ["accepted"]
    return folder


@pytest.mark.clock_smoke
def test_round_trip_values_exactly_as_entered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    changes: dict[str, dict[str, Any]] = {"N08": {"实际累计进度(%)": 62.5, "工作进展": "完成供应链平台一期=上线",
                       "需协调事项": "需商务局协助招商"},
               "P16": {"节点目标是否完成": "否", "自评状态": "欠进度", "存在问题": "用地报批慢"}}
    path = filled_progress(tmp_path, UNIT, changes=changes)
    assert main(["ingest", str(path), "--data-dir", str(folder)]) == 0
    capsys.readouterr()
    assert main(["ledger", "--quarter", "2026Q3", "--format", "json", "--data-dir", str(folder)]) == 0
    import json

    rows = {(r["任务编号"], r["填报单位"]): r for r in json.loads(capsys.readouterr().out)}
    wb = load_form(path)
    ws = wb[PROGRESS_SHEET]
    cols = header_columns(ws)
    for row in range(2, ws.max_row + 1):
        task_id = ws.cell(row, cols["任务编号"]).value
        got = rows[(task_id, UNIT)]
        for label in ("工作进展", "存在问题", "下步计划", "需协调事项", "填报人", "节点目标是否完成", "自评状态"):
            entered = ws.cell(row, cols[label]).value
            assert got[label] == entered, (task_id, label)
        entered_pct = ws.cell(row, cols["实际累计进度(%)"]).value
        assert got["实际累计进度(%)"] == entered_pct
        entered_date = ws.cell(row, cols["填报日期"]).value
        assert got["填报日期"] == cell_date(entered_date).isoformat()
    assert rows[("B24", UNIT)]["角色"] == "配合"
    assert rows[("N08", UNIT)]["工作进展"] == "完成供应链平台一期=上线"
    sub = Ledger(folder).submissions("2026Q3")
    assert set(sub["file_sha256"]) == {Ledger(folder).files()["sha256"].iloc[0]}
    archived = Path(Ledger(folder).files()["archive_path"].iloc[0])
    assert archived.read_bytes() == path.read_bytes()


def _edit_and_save(path: Path, edit: Callable[[Worksheet, dict[str, int]], object]) -> Path:
    wb = load_form(path)
    ws = wb[PROGRESS_SHEET]
    edit(ws, header_columns(ws))
    wb.save(path)
    return path


def _bad_pct(tmp: Path) -> Path:
    return filled_progress(tmp, UNIT, changes={"P15": {"实际累计进度(%)": 150}})


def _bad_status(tmp: Path) -> Path:
    return filled_progress(tmp, UNIT, changes={"P15": {"自评状态": "基本完成"}})


def _unknown_id(tmp: Path) -> Path:
    return _edit_and_save(filled_progress(tmp, UNIT), lambda ws, c: ws.cell(3, c["任务编号"], "X99"))


def _other_units_task(tmp: Path) -> Path:
    def edit(ws: Worksheet, c: dict[str, int]) -> None:
        ws.cell(3, c["任务编号"], "N01")  # 自然资源局's task
        ws.cell(3, c["任务名称"], TASKS.set_index("task_id").loc["N01", "title"])  # type: ignore[arg-type]  # pandas-stubs: a cell is typed as any scalar
        ws.cell(3, c["责任单位"], "自然资源局")
    return _edit_and_save(filled_progress(tmp, UNIT), edit)


def _missing_column(tmp: Path) -> Path:
    return _edit_and_save(filled_progress(tmp, UNIT), lambda ws, c: ws.delete_cols(c["存在问题"]))


def _empty_progress(tmp: Path) -> Path:
    return filled_progress(tmp, UNIT, changes={"P16": {"工作进展": "  "}})


def _duplicate_row(tmp: Path) -> Path:
    def edit(ws: Worksheet, c: dict[str, int]) -> None:
        ws.append([cell.value for cell in ws[3]])
    return _edit_and_save(filled_progress(tmp, UNIT), edit)


def _not_spreadsheet(tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "2026Q3_陈埭镇_进度填报.xlsx"
    path.write_text("这不是表格，只是一段文字。", encoding="utf-8")
    return path


def _truncated(tmp: Path) -> Path:
    path = filled_progress(tmp, UNIT)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


CASES = {
    "pct_150": (_bad_pct, "实际累计进度(%)", "150"),
    "status": (_bad_status, "自评状态", "基本完成"),
    "unknown_id": (_unknown_id, "任务编号", "X99"),
    "other_unit": (_other_units_task, "任务编号", "N01"),
    "missing_column": (_missing_column, "存在问题", "缺少必需的列"),
    "empty_progress": (_empty_progress, "工作进展", "不能为空"),
    "duplicate": (_duplicate_row, "任务编号", "重复"),
    "not_spreadsheet": (_not_spreadsheet, None, "不是电子表格"),
    "truncated": (_truncated, None, "不完整"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rejection_names_place_and_leaves_ledger_unchanged(case: str, data_dir: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    make, column, fragment = CASES[case]
    path = make(tmp_path / "bad")
    before = snapshot(data_dir)
    fingerprint = Ledger(data_dir).fingerprint()
    code = main(["ingest", str(path), "--data-dir", str(data_dir)])
    err = capsys.readouterr().err
    assert code != 0
    assert path.name in err and fragment in err
    if column is not None:
        assert f"列“{column}”" in err
        assert "第 " in err and " 行" in err
    assert snapshot(data_dir) == before
    assert Ledger(data_dir).fingerprint() == fingerprint


def test_error_fields_are_structured(tmp_path: Path) -> None:
    result = ingest_files([_bad_pct(tmp_path)], tmp_path / "data")[0]
    assert result.status == "rejected"
    error = result.errors[0]
    assert (error.sheet, error.row, error.column, error.value) == ("进度填报", 3, "实际累计进度(%)", 150)
    assert str(error) == (f"文件 {result.path.name}，工作表“进度填报”，第 3 行，列“实际累计进度(%)”："
                          "值“150”超出 0–100 的范围。")
    assert not (tmp_path / "data").exists()  # a rejected file does not even create the data folder


def test_other_files_in_same_call_judged_on_their_own(tmp_path: Path) -> None:
    good = filled_progress(tmp_path / "a", "商务局")
    bad = _bad_status(tmp_path / "b")
    results = ingest_files([bad, good], tmp_path / "data")
    assert [r.status for r in results] == ["rejected", "accepted"]
    assert set(Ledger(tmp_path / "data").submissions()["unit"]) == {"商务局"}


def test_every_problem_in_a_file_is_listed(tmp_path: Path) -> None:
    path = filled_progress(tmp_path, UNIT, changes={"N08": {"实际累计进度(%)": -3}, "B22": {"填报日期": "下周"},
                                                    "B23": {"节点目标是否完成": "差不多"}})
    errors = ingest_files([path], tmp_path / "data")[0].errors
    assert {e.column for e in errors} == {"实际累计进度(%)", "填报日期", "节点目标是否完成"}


def test_gbk_and_bom_csv_accepted(tmp_path: Path) -> None:
    xlsx = filled_progress(tmp_path, "商务局")
    ws = load_form(xlsx)[PROGRESS_SHEET]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["季度", "填报单位", *PROGRESS_COLUMNS])
    for row in ws.iter_rows(min_row=2, values_only=True):
        values = ["" if v is None else (v.date().isoformat() if hasattr(v, "date") else v) for v in row]
        writer.writerow(["2026Q3", "商务局", *values])
    text = buffer.getvalue()
    gbk = tmp_path / "商务局_gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    results = ingest_files([gbk], tmp_path / "data")
    assert results[0].status == "accepted", results[0].message()
    assert Ledger(tmp_path / "data").submissions("2026Q3")["unit"].tolist() == ["商务局"] * 3
    bom = tmp_path / "商务局_bom.csv"
    bom.write_bytes(text.replace("2026-10-08", "2026/10/9").encode("utf-8-sig"))
    assert ingest_files([bom], tmp_path / "data")[0].status == "accepted"
    sub = Ledger(tmp_path / "data").submissions("2026Q3", include_superseded=True)
    assert sorted(sub["superseded"].tolist()) == [False] * 3 + [True] * 3


def test_csv_without_metadata_columns_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(",".join(PROGRESS_COLUMNS) + "\nN02,a,b,c,d,50,是,达进度,e,f,g,h,i,2026-10-01\n", encoding="utf-8")
    result = ingest_files([path], tmp_path / "data")[0]
    assert result.status == "rejected" and "季度" in result.message()


def test_same_file_twice_changes_nothing(data_dir: Path, tmp_path: Path) -> None:
    path = filled_progress(tmp_path, UNIT, "2026Q3")
    assert ingest_files([path], data_dir)[0].status == "accepted"
    before = snapshot(data_dir)
    assert ingest_files([path], data_dir)[0].status == "duplicate"
    assert snapshot(data_dir) == before


@pytest.mark.clock_smoke
def test_later_submission_supersedes_and_history_kept(data_dir: Path, tmp_path: Path) -> None:
    first = filled_progress(tmp_path / "1", UNIT, "2026Q3", changes={"N08": {"实际累计进度(%)": 40}})
    second = filled_progress(tmp_path / "2", UNIT, "2026Q3", changes={"N08": {"实际累计进度(%)": 55}})
    ingest_files([first], data_dir)
    ingest_files([second], data_dir)
    ledger = Ledger(data_dir)
    current = ledger.submissions("2026Q3")
    assert current.set_index(["task_id", "unit"]).loc[("N08", UNIT), "actual_pct"] == 55
    history = ledger.submissions("2026Q3", include_superseded=True)
    n08 = history[(history["task_id"] == "N08") & (history["unit"] == UNIT)]
    assert sorted(n08["actual_pct"]) == [40, 55]
    assert n08.set_index("actual_pct").loc[40, "superseded"]
    assert len(ledger.submissions("2026Q2")) == 6  # other quarter untouched


def test_percent_normalisation_recorded(tmp_path: Path) -> None:
    path = filled_progress(tmp_path, UNIT, changes={"N08": {"实际累计进度(%)": "８５％"}})
    result = ingest_files([path], tmp_path / "data")[0]
    assert result.status == "accepted"
    sub = Ledger(tmp_path / "data").submissions("2026Q3").set_index(["task_id", "unit"])
    assert sub.loc[("N08", UNIT), "actual_pct"] == 85
    assert "８５％" in sub.loc[("N08", UNIT), "normalizations"]  # type: ignore[operator]  # pandas-stubs: a cell is typed as any scalar
    assert "规范化" in result.message()


def test_done_requires_full_progress_and_met_milestone(tmp_path: Path) -> None:
    path = filled_progress(tmp_path, UNIT, changes={"N08": {"自评状态": "已完成", "实际累计进度(%)": 95}})
    result = ingest_files([path], tmp_path / "data")[0]
    assert result.status == "rejected" and "销号须有依据" in result.message()


def test_lead_row_left_blank_and_tampered_title_rejected(tmp_path: Path) -> None:
    blank = {label: None for label in ("实际累计进度(%)", "节点目标是否完成", "自评状态", "工作进展", "存在问题",
                                        "下步计划", "需协调事项", "填报人", "填报日期")}
    path = filled_progress(tmp_path, UNIT, changes={"P15": blank, "B22": {"任务名称": "改过的名称"}})
    message = ingest_files([path], tmp_path / "data")[0].message()
    assert "整行未填报" in message and "预填列不得修改" in message


def test_demo_and_real_files_do_not_mix(tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    mark_demo(demo_dir, 1)
    real = filled_progress(tmp_path / "r", UNIT)
    assert "示例数据目录" in ingest_files([real], demo_dir)[0].message()
    fake = filled_progress(tmp_path / "d", UNIT, demo=True)
    assert "演示表格" in ingest_files([fake], tmp_path / "real")[0].message()
    assert ingest_files([fake], demo_dir)[0].status == "accepted"


def test_plan_rules(tmp_path: Path) -> None:
    bad = filled_plan(tmp_path, "商务局", changes={"N02": {"二季度计划累计进度(%)": 10},
                                                   "P04": {"四季度计划累计进度(%)": 90},
                                                   "B06": {"一季度节点目标": "继续推进出口数据溯源"}})
    message = ingest_files([bad], tmp_path / "data")[0].message()
    assert "逐季不减" in message and "应为 100" in message and "不是可检验的节点目标" in message
    good = filled_plan(tmp_path / "ok", "商务局")
    assert ingest_files([good], tmp_path / "data")[0].status == "accepted"
    plan = Ledger(tmp_path / "data").plan()
    assert len(plan) == 12 and plan.groupby("task_id")["planned_pct"].max().eq(100).all()


def test_plan_form_asks_each_task_for_its_measures_and_owner_and_ingest_reads_them(tmp_path: Path) -> None:
    from jj123lib.intake.ingest import parse_file

    path = filled_plan(tmp_path, "商务局", changes={
        "N02": {"攻坚措施": "成立工作专班，每月调度；争取省级专项资金", "责任人": "王明（副局长）"}})
    ws = load_form(path)["年度计划"]
    cols = header_columns(ws)
    assert cols["攻坚措施"] < cols["责任人"] < cols["填报人"]  # typed per task, before the signature columns
    parsed = parse_file(path, TASKS)
    rows = {(r["task_id"], r["quarter"]): r for r in parsed.rows}  # type: ignore[union-attr]  # a plan
    assert rows[("N02", "2026Q3")]["measures"] == "成立工作专班，每月调度；争取省级专项资金"
    assert rows[("N02", "2026Q1")]["owner"] == "王明（副局长）"
    assert rows[("P04", "2026Q1")]["measures"] is None  # blank: not asked of every task yet
    assert ingest_files([path], tmp_path / "data")[0].status == "accepted"  # stored, verbatim, on every quarter
    stored = Ledger(tmp_path / "data").plan()
    n02, p04 = stored[stored["task_id"] == "N02"], stored[stored["task_id"] == "P04"]
    assert set(n02["measures"]) == {"成立工作专班，每月调度；争取省级专项资金"}
    assert set(n02["owner"]) == {"王明（副局长）"}
    assert len(n02) == 4 and p04["measures"].isna().all()
    long_owner = filled_plan(tmp_path / "long", "商务局", changes={"N02": {"责任人": "王" * 61}})
    errors = ingest_files([long_owner], tmp_path / "data")[0].errors
    assert [(e.column, e.sheet) for e in errors] == [("责任人", "年度计划")]


def test_a_resent_plan_lists_its_changed_measures_and_owners_old_and_new(tmp_path: Path) -> None:
    long_measures = "建立“周调度、月通报”机制，专班驻点攻坚，确保年底前完成全部建设内容并通过验收"
    first = filled_plan(tmp_path / "v1", "商务局", changes={
        "N02": {"攻坚措施": "成立工作专班，每月调度", "责任人": "王明（副局长）"},
        "P04": {"攻坚措施": "<b>=1+1</b>", "责任人": "李华"}})
    second = filled_plan(tmp_path / "v2", "商务局", pcts=(20.0, 40.0, 70.0, 100.0), changes={
        "N02": {"攻坚措施": long_measures, "责任人": "王明（副局长）", "填报日期": "2026-02-10"},
        "P04": {"攻坚措施": "<b>=1+1</b>", "责任人": None, "填报日期": "2026-02-10"},
        "B06": {"责任人": "赵六", "填报日期": "2026-02-10"}})
    data = tmp_path / "data"
    assert ingest_files([first], data)[0].status == "accepted"
    result = ingest_files([second], data)[0]
    assert result.status == "accepted"
    lines = [line.strip() for line in result.notices]
    assert lines[0].startswith("本计划自收文之时起适用") and "改变了以下计划内容" in lines[0]
    short = long_measures[:29] + "…"  # as messages quote text (core.text.excerpt)
    assert f"N02：攻坚措施 “成立工作专班，每月调度” → “{short}”" in lines  # once per task, not per quarter
    assert "P04：责任人 “李华” → （空）" in lines and not [line for line in lines if "<b>" in line]  # unchanged
    assert "B06：责任人 （空） → “赵六”" in lines
    assert lines[1:] == ["B06 2026年第二季度：计划累计进度 45% → 40%", "N02 2026年第二季度：计划累计进度 45% → 40%",
                         "P04 2026年第二季度：计划累计进度 45% → 40%", "B06：责任人 （空） → “赵六”",
                         f"N02：攻坚措施 “成立工作专班，每月调度” → “{short}”", "P04：责任人 “李华” → （空）"]


def test_plan_from_co_unit_rejected(tmp_path: Path) -> None:
    path = filled_plan(tmp_path, "商务局")
    wb = load_form(path)
    ws = wb["年度计划"]
    cols = header_columns(ws)
    ws.cell(2, cols["任务编号"], "N08")
    wb.save(path)
    assert "牵头的任务" in ingest_files([path], tmp_path / "data")[0].message()


@pytest.mark.clock_smoke
def test_latest_dated_version_wins_whatever_the_command_line_order(tmp_path: Path) -> None:
    from datetime import date

    from tests.ledger_helpers import filled_progress

    data = tmp_path / "data"
    unit = "商务局"
    final = filled_progress(tmp_path / "final", unit, changes={
        t: {"工作进展": f"{t} 终稿", "填报日期": date(2026, 10, 12)} for t in ("N02", "P04", "B06")})
    draft = filled_progress(tmp_path / "draft", unit, name=f"2026Q3_{unit}_进度填报 (1).xlsx", changes={
        t: {"工作进展": f"{t} 初稿", "填报日期": date(2026, 10, 5)} for t in ("N02", "P04", "B06")})
    # A glob lists the draft "(1)" copy after the final one here; the later 填报日期 still wins.
    results = ingest_files([final, draft], data)
    assert [r.status for r in results] == ["accepted", "accepted"]
    current = Ledger(data).submissions("2026Q3")
    assert set(current.loc[current["unit"] == unit, "progress"]) == {"N02 终稿", "P04 终稿", "B06 终稿"}
    assert "取代了此前导入的" in results[0].message() and draft.name in results[0].message()
    # Sending the superseded draft again changes nothing and says which file is current.
    again = ingest_files([draft], data)[0]
    assert again.status == "duplicate"
    assert "已被后来导入的" in again.message() and final.name in again.message()


def test_report_date_is_bounded_by_today_and_by_the_quarter(tmp_path: Path) -> None:
    """填报日期 after today is refused; so is a progress form dated over a year after its quarter."""
    from datetime import date

    path = filled_progress(tmp_path, UNIT, "2026Q3")  # dated 2026-10-08 / 2026-10-09
    early = ingest_files([path], tmp_path / "d1", today=date(2026, 10, 8))[0]
    assert early.status == "rejected"
    assert "晚于今天（2026-10-08）" in early.message() and "列“填报日期”" in early.message()
    assert ingest_files([path], tmp_path / "d2", today=date(2026, 10, 9))[0].status == "accepted"

    q1 = filled_progress(tmp_path / "q1", UNIT, "2026Q1",
                         changes={t: {"填报日期": "2027-12-31"} for t in ("N08", "P15", "P16", "B22", "B23", "B24")})
    late = ingest_files([q1], tmp_path / "d3", today=date(2028, 6, 1))[0]
    assert late.status == "rejected" and "晚于 2027-04-01" in late.message()


def test_percent_formatted_value_is_reported_as_shown(tmp_path: Path) -> None:
    def percent_cell(ws: Worksheet, cols: dict[str, int]) -> None:
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, cols["任务编号"]).value == "P15":
                ws.cell(row, cols["实际累计进度(%)"]).value = 1.5
                ws.cell(row, cols["实际累计进度(%)"]).number_format = "0%"

    path = _edit_and_save(filled_progress(tmp_path, UNIT), percent_cell)
    result = ingest_files([path], tmp_path / "data")[0]
    assert result.status == "rejected"
    assert "值“150%”超出 0–100 的范围" in result.message() and "1.5" not in result.message()
