"""The new surfaces held to the old promise: each file judged and committed on its own, one text rule for
file names, one number rule for the 对标 sheets, and the 对标 data checked like progress.

Every refusal is checked against a snapshot of the data folder (ledger and archive): nothing changes.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from jj123lib.cli.main import main
from jj123lib.intake.forms import BENCH_PLAN_SHEET, INDICATOR_SHEET, header_columns
from jj123lib.intake.ingest import FileResult, ingest_files
from jj123lib.ledger.benchmarks import benchmark_plan, indicator_values, recognitions
from jj123lib.ledger.store import Ledger
from tests.core.test_log import incident_in
from tests.ledger_helpers import filled_plan, filled_progress, snapshot

pytestmark = pytest.mark.usefixtures("q3_forms_received")

UNIT = "商务局"  # leads N02 (全国), P04 (全省), B06 (重点突破)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding 商务局's plan: N02 indicator 1 in %, indicator 2 in 亿元."""
    root = tmp_path_factory.mktemp("planned")
    plan = filled_plan(root / "plan", UNIT, bench_changes={
        ("N02", 2): {"指标名称": "跨境电商交易额", "计量单位": "亿元", "2026年目标": 120}})
    assert ingest_files([plan], root / "data")[0].status == "accepted"
    return root / "data"


def _data(planned: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(planned, data)
    return data


def _progress(tmp_path: Path, data: Path, indicators: dict[tuple[str, int], dict[str, Any]], folder: str = "in",
              quarter: str = "2026Q3") -> FileResult:
    form = filled_progress(tmp_path / folder, UNIT, quarter, plan=Ledger(data).plan(), benchmarks=benchmark_plan(data),
                           indicators=indicators)
    return ingest_files([form], data)[0]


def _refused(tmp_path: Path, data: Path, indicators: dict[tuple[str, int], dict[str, Any]],
             column: str, *fragments: str, quarter: str = "2026Q3") -> None:
    """The form is refused naming the 指标进展 sheet, a row and ``column``; the data folder is unchanged."""
    before = snapshot(data)
    result = _progress(tmp_path, data, indicators, quarter=quarter)
    assert result.status == "rejected", result.message()
    located = [e for e in result.errors if e.sheet == INDICATOR_SHEET and e.row and e.column == column]
    assert located, result.message()
    for fragment in fragments:
        assert fragment in str(located[0]), (fragment, str(located[0]))
    assert snapshot(data) == before


def _stored(data: Path, task_id: str, index: int) -> dict[str, Any]:
    frame = indicator_values(data, "2026Q3")
    [row] = frame[(frame["task_id"] == task_id) & (frame["indicator_no"] == index)].to_dict(orient="records")
    return {str(k): v for k, v in row.items()}


# ---------------------------------------------------------------- one number rule
@pytest.mark.parametrize("typed", [
    "1,23,4",  # thousands separator in the wrong place
    "12,34",  # a decimal comma is not guessed
    "1 234",  # digits with a space
    "①②",  # circled digits
    "¹²",  # superscript digits
    "٨٨",  # Arabic-Indic digits
    "inf",
    "1" + "0" * 20,  # beyond any indicator
])
def test_indicator_values_are_not_guessed(planned: Path, tmp_path: Path, typed: str) -> None:
    _refused(tmp_path, _data(planned, tmp_path), {("N02", 2): {"本季度值": typed}}, "本季度值")


def test_an_absurd_magnitude_typed_as_a_number_is_refused(planned: Path, tmp_path: Path) -> None:
    _refused(tmp_path, _data(planned, tmp_path), {("N02", 2): {"本季度值": 1e308}}, "本季度值", "绝对值超过")


def test_well_formed_amounts_are_read_with_a_note(planned: Path, tmp_path: Path) -> None:
    data = _data(planned, tmp_path)
    result = _progress(tmp_path, data, {("N02", 2): {"本季度值": "1,234.5亿元", "标杆本季度值": "９８"}})
    assert result.status == "accepted", result.message()
    row = _stored(data, "N02", 2)
    assert (row["value"], row["benchmark_value"]) == (1234.5, 98.0)
    assert "“1,234.5亿元”按 1234.5 计" in result.message()


def _percent_formatted(tmp_path: Path, data: Path, index: int, value: float) -> Path:
    form = filled_progress(tmp_path / "pct", UNIT, "2026Q3", plan=Ledger(data).plan(), benchmarks=benchmark_plan(data),
                           indicators={("N02", index): {"本季度值": value}})
    wb = load_workbook(form)
    ws = wb[INDICATOR_SHEET]
    cols = header_columns(ws)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, cols["任务编号"]).value == "N02"
               and ws.cell(r, cols["指标序号"]).value == index)
    ws.cell(row, cols["本季度值"]).number_format = "0%"
    wb.save(form)
    return form


def test_a_percent_formatted_cell_is_the_percent_it_shows(planned: Path, tmp_path: Path) -> None:
    data = _data(planned, tmp_path)
    result = ingest_files([_percent_formatted(tmp_path, data, 1, 0.65)], data)[0]
    assert result.status == "accepted", result.message()
    row = _stored(data, "N02", 1)
    assert row["value"] == 65.0 and "“65%”（百分比格式，存为 0.65）按 65 计" in result.message()


def test_a_percent_formatted_cell_in_a_column_of_yuan_is_refused(planned: Path, tmp_path: Path) -> None:
    data = _data(planned, tmp_path)
    before = snapshot(data)
    result = ingest_files([_percent_formatted(tmp_path, data, 2, 0.65)], data)[0]
    assert result.status == "rejected" and "百分比格式" in result.message() and "亿元" in result.message()
    assert snapshot(data) == before


@pytest.mark.parametrize("rank", [10 ** 20, "第99999999999999999999", 0, "第0", "第①", "第³", 2.5, 10001])
def test_ranks_are_whole_and_sane(planned: Path, tmp_path: Path, rank: Any) -> None:
    """A rank beyond SQLite's integer range was an OverflowError that stopped a multi-file ingest."""
    _refused(tmp_path, _data(planned, tmp_path), {("N02", 1): {"当前位次": rank}}, "当前位次", "位次应为 1–10000")


# ---------------------------------------------------------------- the 对标计划
def _plan_refused(tmp_path: Path, changes: dict[tuple[str, int], dict[str, Any]], column: str, fragment: str,
                  data: Path | None = None) -> None:
    data = data or tmp_path / "data"
    before = snapshot(data)
    plan = filled_plan(tmp_path / "plan2", UNIT, bench_changes=changes)
    result = ingest_files([plan], data)[0]
    assert result.status == "rejected", result.message()
    located = [e for e in result.errors if e.sheet == BENCH_PLAN_SHEET and e.row and e.column == column]
    assert located and fragment in str(located[0]), result.message()
    assert snapshot(data) == before


@pytest.mark.parametrize("peers", ["无", "/", "——", "暂无", "N/A", "待定；义乌市"])
def test_a_placeholder_is_no_benchmark_peer(tmp_path: Path, peers: str) -> None:
    _plan_refused(tmp_path, {("N02", 1): {"对标对象": peers}}, "对标对象", "不是对标对象")


@pytest.mark.parametrize("target_rank", ["争取靠前", "第①", "第0", "前列"])
def test_target_rank_follows_the_rank_rule(tmp_path: Path, target_rank: str) -> None:
    _plan_refused(tmp_path, {("N02", 1): {"目标位次": target_rank}}, "目标位次", "位次应为")


def test_a_whole_number_target_rank_is_stored_as_a_rank(tmp_path: Path) -> None:
    plan = filled_plan(tmp_path / "plan", UNIT, bench_changes={("N02", 1): {"目标位次": 3}})
    assert ingest_files([plan], tmp_path / "data")[0].status == "accepted"
    frame = benchmark_plan(tmp_path / "data").set_index(["task_id", "indicator_no"])
    assert frame.loc[("N02", 1), "target_rank"] == "第3"


@pytest.mark.parametrize(("baseline", "fragment"), [("1,20,0", "不是数字"), ("inf", "不是数字"), (1e300, "绝对值超过")])
def test_plan_baselines_follow_the_number_rule(tmp_path: Path, baseline: Any, fragment: str) -> None:
    _plan_refused(tmp_path, {("N02", 1): {"2025年基数": baseline}}, "2025年基数", fragment)


def test_a_unit_change_is_refused_once_values_are_recorded(planned: Path, tmp_path: Path) -> None:
    """1008 户 must never be read as reaching a target of 10 亿元."""
    data = _data(planned, tmp_path)
    assert _progress(tmp_path, data, {("N02", 2): {"本季度值": 88}}).status == "accepted"
    changed = {("N02", 2): {"指标名称": "跨境电商交易额", "计量单位": "户", "2026年目标": 1200}}
    _plan_refused(tmp_path, changed, "计量单位", "已记录的 1 个指标值的计量单位“亿元”", data)


def test_a_unit_change_before_any_value_is_a_plain_revision(planned: Path, tmp_path: Path) -> None:
    data = _data(planned, tmp_path)
    plan = filled_plan(tmp_path / "plan2", UNIT, bench_changes={
        ("N02", 2): {"指标名称": "跨境电商交易额", "计量单位": "万元", "2026年目标": 1200000}})
    assert ingest_files([plan], data)[0].status == "accepted"


# ---------------------------------------------------------------- recognitions
def test_a_recognition_dated_in_a_later_year_is_refused(planned: Path, tmp_path: Path) -> None:
    data = _data(planned, tmp_path)
    recognized = {"认定阶段": "已认定", "认定级别": "省级", "认定日期": date(2027, 3, 1), "佐证材料": "认定文件.pdf"}
    _refused(tmp_path, data, {("N02", 1): recognized}, "认定日期", "2026-01-01 至 2026-10-31")


def test_a_resent_earlier_quarter_cannot_overtake_a_later_outcome(planned: Path, tmp_path: Path) -> None:
    data = _data(planned, tmp_path)
    outcome = {"认定阶段": "未获认定", "认定级别": "省级"}
    assert _progress(tmp_path, data, {("N02", 1): outcome}, "q3").status == "accepted"
    recognized = {"认定阶段": "已认定", "认定级别": "省级", "认定日期": date(2026, 6, 18), "佐证材料": "认定文件.pdf"}
    _refused(tmp_path, data, {("N02", 1): recognized}, "认定阶段", "2026Q3：未获认定", quarter="2026Q2")
    note = {"说明": "6月已认定，三季度误填"}
    corrected = _progress(tmp_path, data, {("N02", 1): {**recognized, **note}}, "q2b", "2026Q2")
    assert corrected.status == "accepted", corrected.message()
    stages = recognitions(data, 2026)[["quarter", "stage"]].values.tolist()
    assert stages == [["2026Q2", "已认定"], ["2026Q3", "未获认定"]]


# ---------------------------------------------------------------- each file on its own
def test_an_unexpected_error_recording_one_file_leaves_the_others(
        planned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(planned, tmp_path)
    files = [filled_progress(tmp_path / "in", unit, "2026Q3") for unit in ("陈埭镇", "住建局", "公安局")]
    real_add_file = Ledger.add_file

    def add_file(self: Ledger, record: dict[str, Any], *args: Any, **kwargs: Any) -> bool:
        if record["unit"] == "住建局":  # as SQLite does for an integer beyond its range
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return real_add_file(self, record, *args, **kwargs)

    monkeypatch.setattr(Ledger, "add_file", add_file)
    archive_before = sorted(p.name for p in (data / "archive").rglob("*") if p.is_file())
    code = main(["ingest", *map(str, files), "--data-dir", str(data)])
    out, err = capsys.readouterr()
    assert code == 2
    units = set(Ledger(data).files()["unit"])
    assert {"陈埭镇", "公安局"} <= units and "住建局" not in units
    assert "记录到台账时出现意外错误" in err and files[1].name in err
    incident, log_file = incident_in(err)
    log = log_file.read_text(encoding="utf-8")
    assert f"[{incident}]" in log and "OverflowError" in log and "Traceback" in log
    archived = sorted(p.name for p in (data / "archive").rglob("*") if p.is_file())
    assert len(archived) == len(archive_before) + 2  # nothing left behind by the refused file
    summary = out.split("共 3 个文件", 1)[1]
    for path in files:
        assert path.name in summary


def test_a_gbk_file_name_is_stored_as_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Unzipping a Chinese-Windows archive gives GBK names; the form is taken and its name kept readable."""
    real = "2026Q3_陈埭镇_进度填报.xlsx"
    gbk = os.fsdecode(real.encode("gbk"))
    form = filled_progress(tmp_path / "in", "陈埭镇", "2026Q3", name=gbk)
    garbage = filled_progress(tmp_path / "in", "住建局", "2026Q3", name=os.fsdecode(b"\xff\xfe\x80.xlsx"))
    code = main(["ingest", str(form), str(garbage), "--data-dir", str(tmp_path / "data")])
    out, err = capsys.readouterr()
    assert code == 2
    assert f"已导入 {real}" in out and "不是有效的 UTF-8 文本" in err and "[U+DCFF][U+DCFE][U+DC80].xlsx" in err
    assert Ledger(tmp_path / "data").files()["filename"].tolist() == [real]


def test_a_gbk_evidence_name_is_stored_as_chinese(planned: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(planned, tmp_path)
    recognized = {"认定阶段": "已认定", "认定级别": "省级", "认定日期": date(2026, 9, 18), "佐证材料": "认定文件.pdf"}
    assert _progress(tmp_path, data, {("N02", 1): recognized}).status == "accepted"
    evidence = tmp_path / os.fsdecode("认定文件.pdf".encode("gbk"))
    evidence.write_bytes(b"%PDF-1.4 recognition")
    assert main(["verify", "N02@2026Q3", "--quarter", "2026Q3", "--evidence", str(evidence), "--by", "林督查",
                 "--data-dir", str(data)]) == 0, capsys.readouterr().err
    stored = Ledger(data).query("SELECT filename FROM evidence", (), ["filename"])
    assert stored["filename"].tolist() == ["认定文件.pdf"]


# ---------------------------------------------------------------- generated attacks
ATTACK_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789,. ０١٣①¹+-eE%亿元第名inf\u3000")), min_size=1, max_size=12),
    st.text(min_size=1, max_size=30).filter(lambda t: t.strip() != ""),
)
ATTACK = st.one_of(ATTACK_TEXT, st.integers(-10 ** 30, 10 ** 30), st.floats(allow_nan=False, allow_infinity=False))
LABELS = ["本季度值", "标杆本季度值", "当前位次", "认定阶段", "认定级别", "认定日期", "佐证材料", "说明"]


def _as_excel(value: Any) -> Any:
    """The value as Excel stores it: characters XML cannot hold written as ``_xHHHH_``."""
    if not isinstance(value, str):
        return value
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", lambda m: f"_x{ord(m.group()):04X}_", value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=st.sampled_from(LABELS), value=ATTACK)
def test_generated_attacks_on_the_indicator_sheet_never_crash_and_change_nothing_on_refusal(
        planned: Path, label: str, value: Any) -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        root = Path(folder)
        data = _data(planned, root)
        before = snapshot(data)
        form = filled_progress(root / "in", UNIT, "2026Q3", plan=Ledger(data).plan(),
                               benchmarks=benchmark_plan(data), indicators={("N02", 2): {label: _as_excel(value)}})
        result = ingest_files([form], data)[0]
        assert result.status in ("accepted", "rejected")
        if result.status == "rejected":
            assert snapshot(data) == before and "意外错误" not in result.message(), result.message()
            assert all(len(str(e.value or "")) <= 300 for e in result.errors)  # an excerpt, never a huge value
        else:
            stored = indicator_values(data, "2026Q3")
            # Every number stored is finite and within bounds (an empty cell stays empty: NaN is no number).
            numbers = [float(v) for v in stored[["value", "benchmark_value"]].to_numpy().ravel() if v == v]
            assert all(abs(n) <= 1e15 for n in numbers)
