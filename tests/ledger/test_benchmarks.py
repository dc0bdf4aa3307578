"""Benchmarks (对标): the forms' 对标计划 / 指标进展 sheets, their ingest, the ledger tables and the read API."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from jj123lib.cli.main import main
from jj123lib.core.exceptions import LedgerError
from jj123lib.intake.benchmark_sheets import parse_amount, parse_rank, stage_goes_back
from jj123lib.intake.forms import (
    BENCH_PLAN_SHEET,
    INDICATOR_SHEET,
    build_plan_form,
    build_progress_form,
    header_columns,
    plan_form_name,
)
from jj123lib.intake.formspec import INDICATOR_COLUMNS, bench_plan_columns
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.benchmarks import (
    GOAL_LEVELS,
    PLAN_COLUMNS,
    RECOGNITION_COLUMNS,
    RECOGNITION_STAGES,
    VALUE_COLUMNS,
    benchmark_plan,
    indicator_values,
    recognitions,
)
from jj123lib.ledger.store import SCHEMA_VERSION, Ledger
from jj123lib.loop.verification import awaiting, revoke, verify
from tests.ledger_helpers import TASKS, bench_values, fill_benchmarks, filled_plan, filled_progress

pytestmark = pytest.mark.usefixtures("q3_forms_received")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

UNIT = "商务局"  # leads N02 (全国), P04 (全省), B06 (重点突破)


def _cell(ws: Any, row: int, label: str) -> Any:
    return ws.cell(row, header_columns(ws)[label])


def _rows_of(ws: Any, task_id: str) -> list[int]:
    return [r for r in range(2, ws.max_row + 1) if _cell(ws, r, "任务编号").value == task_id]


def _validation_for(ws: Any, coordinate: str) -> list[Any]:
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


# ---------------------------------------------------------------- forms
def test_plan_form_has_the_benchmark_sheet_with_three_rows_per_task() -> None:
    wb = build_plan_form(UNIT, 2026, TASKS)
    assert wb.sheetnames[:2] == ["年度计划", BENCH_PLAN_SHEET]
    ws = wb[BENCH_PLAN_SHEET]
    assert tuple(c.value for c in ws[1]) == bench_plan_columns(2026)
    assert "2025年基数" in bench_plan_columns(2026) and "2026年目标" in bench_plan_columns(2026)
    led = list(TASKS.loc[TASKS["lead_unit"] == UNIT, "task_id"])
    assert [_cell(ws, r, "任务编号").value for r in range(2, ws.max_row + 1)] == [t for t in led for _ in range(3)]
    assert [_cell(ws, r, "指标序号").value for r in range(2, ws.max_row + 1)] == [1, 2, 3] * len(led)
    assert ws.protection.sheet
    for row in range(2, ws.max_row + 1):
        first = _cell(ws, row, "指标序号").value == 1
        for label in ("任务编号", "任务名称", "指标序号"):
            assert _cell(ws, row, label).protection.locked
        for label in ("对标对象", "成效目标级别", "成效目标"):  # typed on the task's first row only
            assert _cell(ws, row, label).protection.locked is not first
        for label in ("指标名称", "2026年目标", "目标位次"):
            assert not _cell(ws, row, label).protection.locked
    level = _cell(ws, 2, "成效目标级别").coordinate
    assert [dv.formula1 for dv in _validation_for(ws, level)] == ['"' + ",".join(GOAL_LEVELS) + '"']
    target = _cell(ws, 2, "2026年目标").coordinate
    assert [dv.type for dv in _validation_for(ws, target)] == ["decimal"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$1"


@pytest.mark.parametrize(("task_id", "name", "unit_text", "target"),
                         [("B15", "通知目标：5000 亩", "亩", 5000), ("P10", "通知目标：1 个", "个", 1)])
def test_the_notice_quantity_target_seeds_indicator_one(task_id: str, name: str, unit_text: str, target: int) -> None:
    lead = TASKS.loc[TASKS["task_id"] == task_id, "lead_unit"].iloc[0]
    ws = build_plan_form(lead, 2026, TASKS)[BENCH_PLAN_SHEET]
    first, second, _ = _rows_of(ws, task_id)
    assert (_cell(ws, first, "指标名称").value, _cell(ws, first, "计量单位").value,
            _cell(ws, first, "2026年目标").value) == (name, unit_text, target)
    assert _cell(ws, second, "指标名称").value is None


def test_progress_form_lists_the_planned_indicators(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plan = filled_plan(tmp_path, UNIT, bench_changes={
        ("N02", 2): {"指标名称": "跨境电商交易额", "计量单位": "亿元", "2026年目标": 120},
        ("B06", 1): {label: None for label in bench_values("B06")}})
    assert ingest_files([plan], data)[0].status == "accepted"
    bench = benchmark_plan(data)
    wb = build_progress_form(UNIT, "2026Q3", TASKS, Ledger(data).plan(), benchmarks=bench)
    ws = wb[INDICATOR_SHEET]
    assert tuple(c.value for c in ws[1]) == INDICATOR_COLUMNS
    keys = [(_cell(ws, r, "任务编号").value, _cell(ws, r, "指标序号").value) for r in range(2, ws.max_row + 1)]
    assert keys == [("N02", 1), ("N02", 2), ("P04", 1)]  # B06 has no benchmark: no row
    assert _cell(ws, 3, "计量单位").value == "亿元" and _cell(ws, 3, "年度目标").value == 120
    assert _cell(ws, 2, "成效目标").value == "省级：N02 获评省级示范"
    assert not _cell(ws, 2, "认定阶段").protection.locked and _cell(ws, 3, "认定阶段").protection.locked
    assert not _cell(ws, 3, "本季度值").protection.locked and _cell(ws, 3, "指标名称").protection.locked
    stage = _cell(ws, 2, "认定阶段").coordinate
    assert [dv.formula1 for dv in _validation_for(ws, stage)] == ['"' + ",".join(RECOGNITION_STAGES) + '"']
    # A unit that leads no task with a benchmark gets no such sheet.
    assert INDICATOR_SHEET not in build_progress_form("住建局", "2026Q3", TASKS, benchmarks=bench).sheetnames


# ---------------------------------------------------------------- plan ingest
def test_plan_benchmark_lands_in_the_ledger_with_its_numbers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plan = filled_plan(tmp_path, UNIT, bench_changes={
        ("N02", 1): {"对标对象": "昆山市（县域经济第一）;义乌市（小商品）", "2026年目标": "6.8%"},
        ("N02", 3): {"指标名称": "外贸进出口额", "指标口径": "海关口径", "数据来源": "晋江海关", "计量单位": "亿元",
                     "2025年基数": "1,200", "2026年目标": 1350, "目标位次": ""},
        ("B06", 1): {label: None for label in bench_values("B06")}})
    result = ingest_files([plan], data)[0]
    assert result.status == "accepted", result.message()
    assert "“6.8%”按 6.8 计" in result.message() and "“1,200”按 1200 计" in result.message()
    frame = benchmark_plan(data)
    assert list(frame.columns[:len(PLAN_COLUMNS)]) == PLAN_COLUMNS
    n02 = frame[frame["task_id"] == "N02"].set_index("indicator_no")
    assert list(n02.index) == [1, 3]
    assert set(n02["peers"]) == {"昆山市（县域经济第一）；义乌市（小商品）"}
    assert n02.loc[1, "target"] == 6.8 and n02.loc[3, "baseline"] == 1200.0 and n02.loc[3, "unit"] == "亿元"
    assert n02.loc[3, "target_rank"] == "" and n02.loc[1, "target_rank"] == "全省县域第1"
    assert n02.loc[1, "goal_level"] == "省级" and pd.isna(n02.loc[3, "benchmark_value"])  # type: ignore[arg-type]  # pandas-stubs: isna refuses loc's scalar
    assert "B06" not in set(frame["task_id"])  # 重点突破 may leave it empty
    assert frame["baseline"].dtype == "float64" and frame["indicator_no"].dtype == "int64"


def test_a_task_with_a_goal_but_no_indicator_has_one_row_numbered_zero(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plan = filled_plan(tmp_path, UNIT, bench_changes={("P04", 1): {
        label: None for label in bench_values("P04") if label not in ("对标对象", "成效目标级别", "成效目标")}})
    assert ingest_files([plan], data)[0].status == "accepted"
    p04 = benchmark_plan(data).query("task_id == 'P04'")
    assert list(p04["indicator_no"]) == [0] and p04["indicator"].iloc[0] == "" and p04["goal_text"].iloc[0]


def test_a_national_task_without_benchmark_is_rejected_naming_the_task(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plan = filled_plan(tmp_path, UNIT, bench_changes={("N02", 1): {"对标对象": None}})
    result = ingest_files([plan], data)[0]
    assert result.status == "rejected"
    [error] = result.errors
    assert (error.file, error.sheet, error.column) == (plan.name, BENCH_PLAN_SHEET, "对标对象")
    assert error.row == _rows_of(load_workbook(plan)[BENCH_PLAN_SHEET], "N02")[0]
    assert "N02" in error.rule and "全国领先示范" in error.rule and "benchmarks.require_for_tiers" in error.rule
    assert not Ledger(data).exists()  # rejected whole: nothing written
    # A peer alone is not enough: an indicator or a 成效目标 is needed too.
    no_goal = {label: None for label in bench_values("P04") if label != "对标对象"}
    plan = filled_plan(tmp_path / "b", UNIT, bench_changes={("P04", 1): no_goal})
    assert "P04" in ingest_files([plan], data)[0].message()


def test_the_tier_rule_comes_from_rules_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = (Path(__file__).resolve().parents[2] / "params" / "rules.yaml").read_text(encoding="utf-8")
    relaxed = tmp_path / "rules.yaml"
    relaxed.write_text(rules.replace("require_for_tiers: [全国领先示范, 全省领先示范]", "require_for_tiers: []"),
                       encoding="utf-8")
    monkeypatch.setenv("JJ123_RULES", str(relaxed))
    plan = filled_plan(tmp_path, UNIT, bench_changes={("N02", 1): {"对标对象": None}})
    assert ingest_files([plan], tmp_path / "data")[0].status == "accepted"


def test_bad_benchmark_cells_are_rejected_with_their_place(tmp_path: Path) -> None:
    plan = filled_plan(tmp_path, UNIT, bench_changes={
        ("N02", 1): {"2026年目标": "约7个点", "成效目标": None},
        ("N02", 2): {"对标对象": "义乌市", "标杆最新值": "较高"},
        ("P04", 1): {"成效目标级别": "市级"}})
    result = ingest_files([plan], tmp_path / "data")[0]
    where = {(e.column, e.row): e.rule for e in result.errors}
    rows = _rows_of(load_workbook(plan)[BENCH_PLAN_SHEET], "N02")
    assert "不是数字" in where[("2026年目标", rows[0])] and "%" in where[("2026年目标", rows[0])]
    assert "同时填写" in where[("成效目标", rows[0])]
    assert "只在该任务指标序号为 1 的行填写" in where[("对标对象", rows[1])]
    assert "须写明指标名称" in where[("指标名称", rows[1])] and "不是数字" in where[("标杆最新值", rows[1])]
    assert any(column == "成效目标级别" and "国家级" in rule for (column, _), rule in where.items())


def test_a_later_year_plan_works_the_same(tmp_path: Path) -> None:
    later = TASKS.assign(year=2027)
    wb = build_plan_form(UNIT, 2027, later)
    assert tuple(c.value for c in wb[BENCH_PLAN_SHEET][1]) == bench_plan_columns(2027)
    fill_benchmarks(wb, year=2027)
    ws = wb["年度计划"]
    cols = header_columns(ws)
    for row in range(2, ws.max_row + 1):
        for q, pct in zip(range(1, 5), (20, 45, 70, 100)):
            ws.cell(row, cols[f"{'一二三四'[q - 1]}季度节点目标"]).value = f"完成第{q}阶段成果验收"
            ws.cell(row, cols[f"{'一二三四'[q - 1]}季度计划累计进度(%)"]).value = pct
        ws.cell(row, cols["填报人"]).value = "陈志强"
        ws.cell(row, cols["填报日期"]).value = "2027-01-20"
    path = tmp_path / plan_form_name(2027, UNIT)
    wb.save(path)
    result = ingest_files([path], tmp_path / "data", tasks=later, today=date(2027, 1, 25))[0]
    assert result.status == "accepted", result.message()
    frame = benchmark_plan(tmp_path / "data")
    assert set(frame["year"]) == {2027} and set(frame["baseline"]) == {5.5} and set(frame["target"]) == {6.5}


# ---------------------------------------------------------------- progress ingest
def _with_plan(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    data = tmp_path / "data"
    plan = filled_plan(tmp_path / "plan", UNIT, bench_changes={
        ("N02", 2): {"指标名称": "跨境电商交易额", "计量单位": "亿元", "2026年目标": 120}})
    assert ingest_files([plan], data)[0].status == "accepted"
    return data, benchmark_plan(data)


def _progress(tmp_path: Path, data: Path, quarter: str, indicators: dict[tuple[str, int], dict[str, Any]],
              folder: str) -> Any:
    form = filled_progress(tmp_path / folder, UNIT, quarter, plan=Ledger(data).plan(), benchmarks=benchmark_plan(data),
                           indicators=indicators)
    return ingest_files([form], data)[0]


def test_indicator_values_and_stages_land_in_the_ledger(tmp_path: Path) -> None:
    data, _ = _with_plan(tmp_path)
    result = _progress(tmp_path, data, "2026Q3", {
        ("N02", 1): {"本季度值": 6.1, "标杆本季度值": "6.3%", "当前位次": "全省县域第3", "认定阶段": "评审中",
                     "认定级别": "省级"},
        ("N02", 2): {"本季度值": "88亿元", "当前位次": 2},
        ("P04", 1): {"本季度值": 5.9}}, "q3")
    assert result.status == "accepted", result.message()
    values = indicator_values(data, "2026Q3")
    assert list(values.columns[:len(VALUE_COLUMNS)]) == VALUE_COLUMNS
    n02 = values[values["task_id"] == "N02"].set_index("indicator_no")
    assert n02.loc[1, "value"] == 6.1 and n02.loc[1, "benchmark_value"] == 6.3 and n02.loc[1, "rank"] == 3
    assert n02.loc[1, "rank_text"] == "全省县域第3" and n02.loc[2, "value"] == 88.0 and n02.loc[2, "unit"] == "亿元"
    assert n02.loc[2, "rank"] == 2 and pd.isna(values.set_index("task_id").loc["P04", "rank"])  # type: ignore[arg-type]  # pandas-stubs: isna refuses loc's scalar
    stages = recognitions(data, 2026)
    assert list(stages.columns[:len(RECOGNITION_COLUMNS)]) == RECOGNITION_COLUMNS
    assert stages[["task_id", "quarter", "stage", "level", "verified"]].values.tolist() == [
        ["N02", "2026Q3", "评审中", "省级", False]]
    assert indicator_values(data, "2026Q2").empty and recognitions(data, 2027).empty


def test_bad_progress_cells_are_rejected(tmp_path: Path) -> None:
    data, _ = _with_plan(tmp_path)
    result = _progress(tmp_path, data, "2026Q3", {
        ("N02", 1): {"本季度值": "六点一", "当前位次": "靠前", "认定阶段": "已认定", "认定级别": "省级"},
        ("N02", 2): {"本季度值": "88万元", "认定阶段": "评审中"}}, "bad")
    assert result.status == "rejected"
    rules = {(e.column, e.row): e.rule for e in result.errors}
    assert all(e.sheet == INDICATOR_SHEET for e in result.errors)
    assert "不是数字" in rules[("本季度值", 2)] and "第N" in rules[("当前位次", 2)]
    assert "计量单位为“亿元”" in rules[("本季度值", 3)]  # a number in another unit
    assert "须填写认定日期" in rules[("认定日期", 2)] and "须填写佐证材料" in rules[("佐证材料", 2)]
    assert "第一行" in rules[("认定阶段", 3)]
    assert indicator_values(data).empty


def test_a_stage_never_goes_back_without_a_note(tmp_path: Path) -> None:
    data, _ = _with_plan(tmp_path)
    assert _progress(tmp_path, data, "2026Q2", {("N02", 1): {"认定阶段": "评审中", "认定级别": "省级"}},
                     "q2").status == "accepted"
    back = _progress(tmp_path, data, "2026Q3", {("N02", 1): {"认定阶段": "已申报"}}, "q3")
    assert back.status == "rejected"
    [error] = back.errors
    assert error.column == "认定阶段" and "2026Q2：评审中" in error.rule and "说明" in error.rule
    noted = _progress(tmp_path, data, "2026Q3", {("N02", 1): {"认定阶段": "已申报", "说明": "评审延期，重新申报"}},
                      "q3b")
    assert noted.status == "accepted", noted.message()
    assert recognitions(data)["stage"].tolist() == ["评审中", "已申报"]


def test_stage_order() -> None:
    assert not stage_goes_back("已申报", "公示") and stage_goes_back("公示", "已申报")
    assert stage_goes_back("已认定", "未获认定") and not stage_goes_back("公示", "未获认定")
    assert not stage_goes_back("已认定", "已认定")
    assert parse_rank("泉州市第 2") == (2, "泉州市第 2") and parse_rank(4.0) == (4, "第4")
    assert parse_amount("１２.５亩", "亩")[0] == 12.5 and parse_amount(-3)[0] == -3.0
    with pytest.raises(ValueError):
        parse_amount(float("nan"))


def _recognized(tmp_path: Path) -> tuple[Path, Path]:
    data, _ = _with_plan(tmp_path)
    result = _progress(tmp_path, data, "2026Q3", {("N02", 1): {
        "认定阶段": "已认定", "认定级别": "省级", "认定日期": date(2026, 9, 18), "佐证材料": "认定文件.pdf"}}, "q3")
    assert result.status == "accepted", result.message()
    evidence = tmp_path / "认定文件.pdf"
    evidence.write_bytes(b"%PDF-1.4 recognition")
    return data, evidence


def test_a_recognition_is_verified_like_a_completion(tmp_path: Path) -> None:
    data, evidence = _recognized(tmp_path)
    row = recognitions(data).iloc[0]
    assert (row["stage"], row["date"], row["evidence"], row["verified"]) == ("已认定", "2026-09-18", "认定文件.pdf",
                                                                            False)
    waiting = awaiting("2026Q3", data, as_of="2026-10-20")
    assert waiting.loc[waiting["kind"] == "成效认定", ["target", "unit", "claimed_on"]].values.tolist() == [
        ["N02@2026Q3", UNIT, "2026-09-18"]]
    verify("N02@2026Q3", "2026Q3", [evidence], "林督查", data_dir=data)
    assert "N02@2026Q3" not in set(awaiting("2026Q3", data, as_of="2026-10-20")["target"])
    row = recognitions(data).iloc[0]
    assert row["verified"] and row["evidence_sha256"] == hashlib.sha256(evidence.read_bytes()).hexdigest()
    assert (data / "archive" / f"{row['evidence_sha256']}.pdf").read_bytes() == evidence.read_bytes()
    with pytest.raises(LedgerError, match="已核实"):
        verify("N02@2026Q3", "2026Q3", [evidence], "林督查", data_dir=data)
    revoke("N02@2026Q3", "2026Q3", "林督查", "认定文件有误，撤销", data_dir=data)
    assert not recognitions(data).iloc[0]["verified"]
    with pytest.raises(LedgerError, match="没有填报认定情况"):
        verify("P04@2026Q3", "2026Q3", [evidence], "林督查", data_dir=data)


def test_jj123_verify_accepts_a_recognition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, evidence = _recognized(tmp_path)
    assert main(["verify", "n02@2026q3", "--quarter", "2026Q3", "--evidence", str(evidence), "--by", "林督查",
                 "--data-dir", str(data)]) == 0
    assert "N02@2026Q3 已核实认定" in capsys.readouterr().out
    assert recognitions(data).iloc[0]["verified"]
    assert Ledger(data).verifications()["kind"].tolist() == ["recognition"]


def test_stages_other_than_recognized_cannot_be_verified(tmp_path: Path) -> None:
    data, _ = _with_plan(tmp_path)
    assert _progress(tmp_path, data, "2026Q3", {("N02", 1): {"认定阶段": "公示", "认定级别": "省级"}},
                     "q3").status == "accepted"
    evidence = tmp_path / "e.txt"
    evidence.write_text("x", encoding="utf-8")
    with pytest.raises(LedgerError, match="认定阶段为“公示”"):
        verify("N02@2026Q3", "2026Q3", [evidence], "林督查", data_dir=data)


# ---------------------------------------------------------------- re-save, CLI, migration
def _resave(form: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder), str(form)],
                   check=True, capture_output=True, timeout=180)
    return folder / form.name


def test_libreoffice_resaves_keep_the_benchmark_sheets(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plan = filled_plan(tmp_path / "plan", UNIT)
    assert ingest_files([plan], data)[0].status == "accepted"
    form = filled_progress(tmp_path / "q3", UNIT, plan=Ledger(data).plan(), benchmarks=benchmark_plan(data),
                           indicators={("N02", 1): {"本季度值": 6.1, "当前位次": "全省县域第3", "认定阶段": "已认定",
                                                    "认定级别": "省级", "认定日期": date(2026, 9, 18),
                                                    "佐证材料": "认定文件.pdf"}})
    assert ingest_files([form], data)[0].status == "accepted"
    before = (benchmark_plan(data).drop(columns="file_sha256"), indicator_values(data).drop(columns="file_sha256"),
              recognitions(data).drop(columns="file_sha256"))
    results = ingest_files([_resave(plan, tmp_path / "re"), _resave(form, tmp_path / "re")], data)
    assert [(r.status, r.resaved) for r in results] == [("duplicate", True), ("duplicate", True)]
    # The re-saved sheets read the same: same content fingerprint, nothing new recorded.
    pd.testing.assert_frame_equal(benchmark_plan(data).drop(columns="file_sha256"), before[0])
    pd.testing.assert_frame_equal(indicator_values(data).drop(columns="file_sha256"), before[1])
    pd.testing.assert_frame_equal(recognitions(data).drop(columns="file_sha256"), before[2])
    resaved = load_workbook(tmp_path / "re" / plan.name)[BENCH_PLAN_SHEET]
    assert resaved.protection.sheet and _validation_for(resaved, _cell(resaved, 2, "成效目标级别").coordinate)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_jj123_benchmarks_lists_plan_and_values(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = _with_plan(tmp_path)
    assert _progress(tmp_path, data, "2026Q3", {("N02", 1): {"本季度值": 6.1, "当前位次": "全省县域第3"}},
                     "q3").status == "accepted"
    out = tmp_path / f"bench.{fmt}"
    assert main(["benchmarks", "--quarter", "2026Q3", "--data-dir", str(data), "--format", fmt,
                 "--out", str(out)]) == 0
    if fmt == "xlsx":
        ws = load_workbook(out).active
        assert ws is not None
        header = [c.value for c in ws[1]]
        rows: list[dict[Any, Any]] = [dict(
zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    elif fmt == "json":
        rows = json.loads(out.read_text(encoding="utf-8"))
    else:
        rows = pd.read_csv(out, encoding="utf-8-sig", dtype=str).to_dict(orient="records")
    n02 = [r for r in rows if r["任务编号"] == "N02"]
    assert len(rows) == 4 and len(n02) == 2  # N02 ×2, P04, B06 (one indicator each)
    assert float(n02[0]["本季度值"]) == 6.1 and n02[0]["当前位次"] == "全省县域第3"
    assert main(["benchmarks", "--quarter", "2026Q3", "--data-dir", str(data)]) == 0
    assert "3 项任务有对标计划，共 4 行" in capsys.readouterr().out


def _downgrade_to_schema_4(path: Path) -> None:
    """Make a schema-5 ledger look like one written by schema 4."""
    conn = sqlite3.connect(path)
    for table in ("benchmark_plan", "indicator_values", "recognitions"):
        conn.execute(f"DROP TABLE {table}")
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'verifications'").fetchone()[0]
    conn.execute("ALTER TABLE verifications RENAME TO v5")
    conn.execute(sql.replace(", 'recognition'", ""))
    conn.execute("INSERT INTO verifications SELECT * FROM v5")
    conn.execute("DROP TABLE v5")
    conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def test_a_schema_4_ledger_opens_and_gains_the_tables(tmp_path: Path) -> None:
    data, evidence = _recognized(tmp_path)
    ledger = Ledger(data)
    _downgrade_to_schema_4(ledger.path)
    conn = sqlite3.connect(ledger.path)
    conn.execute("INSERT INTO verifications (target, kind, quarter, decision, evidence, by, at)"
                 " VALUES ('N02', 'task', '2026Q3', 'rejected', '[]', '林督查', '2026-10-20T10:00:00+08:00')")
    with pytest.raises(sqlite3.IntegrityError):  # the old CHECK
        conn.execute("INSERT INTO verifications (target, kind, quarter, decision, evidence, by, at)"
                     " VALUES ('N02@2026Q3', 'recognition', '2026Q3', 'verified', '[]', 'x', 'y')")
    conn.commit()
    conn.close()
    assert ledger.schema_version() == "4"
    # Readable as it is: the new tables read as empty, with the contract's columns.
    assert benchmark_plan(ledger).empty and list(benchmark_plan(ledger).columns[:13]) == PLAN_COLUMNS
    assert indicator_values(ledger).empty and recognitions(ledger).empty
    # The next write upgrades it: new tables, the wider CHECK, the old rows kept.
    plan = filled_plan(tmp_path / "again", UNIT, bench_changes={("N02", 1): {"对标对象": "义乌市"}})
    assert ingest_files([plan], data)[0].status == "accepted"
    assert ledger.schema_version() == SCHEMA_VERSION
    assert set(benchmark_plan(ledger).query("task_id == 'N02'")["peers"]) == {"义乌市"}
    assert ledger.verifications()[["target", "kind"]].values.tolist() == [["N02", "task"]]
    form = filled_progress(tmp_path / "q3", UNIT, plan=ledger.plan(), benchmarks=benchmark_plan(ledger),
                           indicators={("N02", 1): {"认定阶段": "已认定", "认定级别": "省级",
                                                    "认定日期": "2026-09-18", "佐证材料": "认定文件（正本）.pdf"}})
    assert ingest_files([form], data)[0].status == "accepted"
    verify("N02@2026Q3", "2026Q3", [evidence], "林督查", data_dir=data)
    assert recognitions(data).iloc[-1]["verified"]


# ---------------------------------------------------------------- demo
def test_demo_plan_holds_a_benchmark_for_every_national_and_provincial_task(demo_data: DemoSummary) -> None:
    plan = benchmark_plan(demo_data.data_dir)
    ranked = set(TASKS.loc[TASKS["tier"].isin(["national", "provincial"]), "task_id"])
    assert ranked <= set(plan["task_id"])
    per_task = plan.groupby("task_id").agg(peers=("peers", "first"), n=("indicator_no", "max"),
                                           goal=("goal_text", "first"))
    assert (per_task.loc[sorted(ranked), "peers"] != "").all()
    assert ((per_task.loc[sorted(ranked), "n"] > 0) | (per_task.loc[sorted(ranked), "goal"] != "")).all()
    b15 = plan[(plan["task_id"] == "B15") & (plan["indicator_no"] == 1)].iloc[0]
    assert (b15["target"], b15["unit"]) == (5000.0, "亩")  # the notice's target, as pre-filled


def test_demo_indicators_rise_and_fall_and_a_benchmark_is_overtaken(demo_data: DemoSummary) -> None:
    values = indicator_values(demo_data.data_dir)
    assert sorted(set(values["quarter"])) == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    steps = values.sort_values("quarter").groupby(["task_id", "indicator_no"])["rank"].diff().dropna()
    assert (steps < 0).any() and (steps > 0).any()  # ranks rise (smaller number) and fall
    value_steps = values.sort_values("quarter").groupby(["task_id", "indicator_no"])["value"].diff().dropna()
    assert (value_steps < 0).any() and (value_steps > 0).any()
    overtaken = values[(values["task_id"] == demo_data.overtaken) & (values["indicator_no"] == 1)]
    behind = overtaken["value"] < overtaken["benchmark_value"]
    assert behind.iloc[0] and not behind.iloc[-1]


def test_demo_recognitions_won_at_the_aimed_level_lower_and_not_at_all(demo_data: DemoSummary) -> None:
    stages = recognitions(demo_data.data_dir, 2026)
    goals = benchmark_plan(demo_data.data_dir).groupby("task_id")["goal_level"].first()
    won = stages[stages["stage"] == "已认定"]
    at_aim = won["level"] == won["task_id"].map(goals)
    assert at_aim.any() and (~at_aim).any()
    assert set(stages.loc[stages["quarter"] == "2026Q4", "stage"]) >= {"已认定", "未获认定", "评审中"}
    verified = stages[stages["verified"]]
    assert len(verified) == len(demo_data.verified_recognitions) > 0
    assert (verified["stage"] == "已认定").all() and (verified["evidence_sha256"] != "").all()
    assert not won["verified"].all()  # some wait for the office's check
    archive = demo_data.data_dir / "archive"
    assert all(any(archive.glob(f"{sha}.*")) for sha in verified["evidence_sha256"])
    noted = stages[stages["note"] != ""]
    assert (noted["stage"] == "已申报").all() and len(noted) >= 1  # the re-application, noted
