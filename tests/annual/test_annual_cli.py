"""``jj123 annual``: the review as text, CSV, JSON and an xlsx 考评表 that LibreOffice opens and prints."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from jj123lib.cli.main import main
from jj123lib.domain.lights import COLORS

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

AS_OF = "2027-03-31"  # the demo story's end: its Q4 forms and year-end checks received and recorded


def run(capsys: pytest.CaptureFixture[str], demo_data: DemoSummary, *args: str) -> tuple[int, str, str]:
    code = main(["annual", "--year", "2026", "--as-of", AS_OF, "--data-dir", str(demo_data.data_dir), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_lists_every_task_with_its_outcome_and_reason(capsys: pytest.CaptureFixture[str],
                                                            demo_data: DemoSummary) -> None:
    code, out, err = run(capsys, demo_data)
    assert code == 0 and "【示例数据】" in err and "【示例数据】" in out
    assert "判断日期 2027-03-31，数据截至 2027-03-31 17:00）" in out.splitlines()[0]  # the read's moment
    reasons = out.split("【考评依据】", 1)[1]
    lines = [line for line in reasons.splitlines() if line[:1] in "NPB" and "：" in line]
    assert len(lines) == 48
    assert all(line.split("：", 1)[0].split(" ")[1] in ("完成", "基本完成", "未完成") for line in lines)
    assert "【责任单位得分：市直部门】" in out and "【市领导汇总】" in out
    assert "得分" not in out.split("【市领导汇总】", 1)[1].splitlines()[1]  # no leader score by default


def test_csv_tables_and_breakdown_add_up(capsys: pytest.CaptureFixture[str], demo_data: DemoSummary) -> None:
    code, out, _ = run(capsys, demo_data, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 48 and {r["数据性质"] for r in rows} == {"示例数据（演示用，非真实进展）"}
    assert {r["考评结果"] for r in rows} <= {"完成", "基本完成", "未完成"} and all(r["依据"] for r in rows)
    _, units_out, _ = run(capsys, demo_data, "--format", "csv", "--table", "units")
    _, parts_out, _ = run(capsys, demo_data, "--format", "csv", "--table", "breakdown")
    scores = {r["责任单位"]: float(r["年度得分"]) for r in csv.DictReader(io.StringIO(units_out))}
    sums: dict[str, float] = {}
    for r in csv.DictReader(io.StringIO(parts_out)):
        sums[r["责任单位"]] = sums.get(r["责任单位"], 0.0) + float(r["分值"])
    assert scores and all(round(sums[unit], 1) == score for unit, score in scores.items())


def test_json_holds_all_tables(capsys: pytest.CaptureFixture[str], demo_data: DemoSummary) -> None:
    code, out, _ = run(capsys, demo_data, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["年度"] == 2026 and doc["考评季度"] == "2026Q4" and doc["数据性质"].startswith("示例数据")
    assert len(doc["任务考评结果"]) == 48 and sum(doc["结果统计"].values()) == 48
    assert len(doc["市领导汇总"]) == 8 and doc["得分明细"] and doc["考评规则"]
    assert {u["责任单位"] for u in doc["责任单位得分"]} == {r["责任单位"] for r in doc["得分明细"]}


def test_xlsx_is_a_formatted_review_sheet_libreoffice_prints(capsys: pytest.CaptureFixture[str],
                                                             demo_data: DemoSummary, tmp_path: Path) -> None:
    target = tmp_path / "考评表.xlsx"
    code, out, _ = run(capsys, demo_data, "--format", "xlsx", "--out", str(target))
    assert code == 0 and "已写入" in out
    book = load_workbook(target)
    assert book.sheetnames == ["任务考评结果（示例数据）", "责任单位得分（示例数据）", "得分明细（示例数据）",
                               "市领导汇总（示例数据）", "考评规则（示例数据）"]
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("考评结果") + 1
    assert sheet.max_row == 49 and sheet.freeze_panes == "A2" and sheet.page_setup.orientation == "landscape"
    fills = {sheet.cell(r, column).value: sheet.cell(r, column).fill.fgColor.rgb for r in range(2, 50)}
    assert fills.get("未完成") == "00" + COLORS["red"].lstrip("#").upper()
    assert fills.get("基本完成") == "00" + COLORS["yellow"].lstrip("#").upper()
    assert "年度考评表" in (sheet.oddHeader.center.text or "")  # type: ignore[union-attr]  # openpyxl stubs: header parts are optional
    profile = tmp_path / "lo-profile"
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(target)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "考评表.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "考评结果" in text and "N01" in text and "B24" in text and "年度得分" in text and "考评规则" in text


def test_bad_year_and_xlsx_without_out_are_refused(capsys: pytest.CaptureFixture[str], demo_data: DemoSummary) -> None:
    assert main(["annual", "--year", "2025", "--data-dir", str(demo_data.data_dir)]) == 2
    assert "year" in capsys.readouterr().err
    assert main(["annual", "--year", "2026", "--format", "xlsx", "--data-dir", str(demo_data.data_dir)]) == 2
    assert "--out" in capsys.readouterr().err
