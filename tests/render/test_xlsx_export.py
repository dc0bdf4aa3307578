"""Formatted xlsx exports: checked with openpyxl and by printing them to PDF with LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from jj123lib.cli.main import main
from jj123lib.domain.lights import COLORS, LABELS
from jj123lib.render.xlsx_export import column_width, frame_to_xlsx, print_widths, sheet_title

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

PROGRESS = "一、完成项目立项审批\n二、开展现场勘察与方案设计\n三、召开专题协调会议三次\n四、下一步推进主体施工"
HEADERS = ["任务编号", "任务名称", "牵头市领导", "工作进展", "督查室灯号", "理由"]


def _frame(rows: int) -> pd.DataFrame:
    lights = list(LABELS.values())
    return pd.DataFrame({
        "任务编号": [f"N{i:02d}" for i in range(1, rows + 1)],
        "任务名称": [f"推进晋江国际会展中心二期建设项目第{i}号" for i in range(1, rows + 1)],
        "牵头市领导": ["张三"] * rows,
        "工作进展": [f"{PROGRESS}（第{i}行）" for i in range(1, rows + 1)],
        "督查室灯号": [lights[i % len(lights)] for i in range(rows)],
        "理由": ["=HYPERLINK(\"http://x\")" if i == 0 else "落后序时进度 12 个百分点（>10 且 ≤20），黄灯"
                 for i in range(rows)],
    })


def _to_pdf(xlsx: Path, tmp_path: Path) -> Path:
    profile = tmp_path / "lo-profile"
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (xlsx.stem + ".pdf")
    assert pdf.is_file()
    return pdf


def _pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_column_width_counts_han_characters_double_and_caps() -> None:
    assert column_width("编号", ["N01"]) == 6  # minimum
    assert column_width("名称", ["晋江市会展中心"]) == 7 * 2 + 2
    assert column_width("进展", ["很长" * 40]) == 30
    assert column_width("落后序时进度(百分点)", [1.5]) == 10  # long header over numbers wraps


def test_sheet_title_is_valid_and_marks_demo() -> None:
    assert sheet_title("2026Q3灯号", demo=True) == "2026Q3灯号（示例数据）"
    assert sheet_title("a/b[c]:d*e?f\\g") == "a_b_c__d_e_f_g"
    assert len(sheet_title("很" * 40)) == 31


def test_workbook_is_formatted_for_reading(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(frame_to_xlsx(_frame(6), "2026Q3灯号", light_columns=["督查室灯号"]))
    ws = load_workbook(path)["2026Q3灯号"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.paperSize is not None
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr is not None
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # Every light label is a cell filled with that light's colour.
    by_label: dict[Any, str] = {v: k for k, v in LABELS.items()}
    for row in range(2, 8):
        cell = ws.cell(row, 5)
        assert cell.fill.fgColor.rgb[-6:] == COLORS[by_label[cell.value]].lstrip("#").upper()
        assert ws.cell(row, 4).alignment.wrap_text
        # Four lines of progress (plus wrapping) need at least four lines of height.
        assert ws.row_dimensions[row].height >= 4 * 15
    assert ws.cell(2, 6).value.startswith("'=") and ws.cell(2, 6).data_type == "s"  # type: ignore[union-attr]  # openpyxl: any value; formula neutralised
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


def test_printed_by_libreoffice_one_page_wide_with_headers_and_all_text(tmp_path: Path) -> None:
    rows = 40
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(frame_to_xlsx(_frame(rows), "台账", light_columns=["督查室灯号"]))
    pdf = _to_pdf(path, tmp_path)
    reader = PdfReader(pdf)
    assert len(reader.pages) > 1  # 40 four-line rows do not fit on one page at a readable size
    assert len(reader.pages) < rows  # ... but rows are not absurdly tall either
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)  # A4 landscape
        text = _pdftotext(pdf, number)
        # Header row repeated and complete on every page: one page wide, print titles set.
        for header in HEADERS:
            assert header in text, (number, header)
    everything = re.sub(r"\s+", "", _pdftotext(pdf))
    for i in range(1, rows + 1):
        for line in f"{PROGRESS}（第{i}行）".split("\n"):
            assert re.sub(r"\s+", "", line) in everything, (i, line)  # no line of the progress cut off


def test_cli_exports_named_sheets_in_notice_order(demo_data: DemoSummary, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ledger.xlsx"
    assert main(["ledger", "--quarter", "2026Q3", "--format", "xlsx", "--out", str(out),
                 "--data-dir", str(demo_data.data_dir)]) == 0
    ws = load_workbook(out)["2026Q3台账（示例数据）"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["数据性质", "季度", "任务编号", "任务名称", "牵头市领导"]
    ids: list[Any] = [ws.cell(r, 3).value for r in range(2, ws.max_row + 1)]
    tiers = [i[0] for i in ids]
    assert tiers == sorted(tiers, key="NPB".index) and set(tiers) == {"N", "P", "B"}
    assert all(ws.cell(r, 4).value and ws.cell(r, 5).value for r in range(2, ws.max_row + 1))
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"

    out = tmp_path / "ratings.xlsx"
    assert main(["ratings", "--quarter", "2026Q3", "--format", "xlsx", "--out", str(out),
                 "--data-dir", str(demo_data.data_dir)]) == 0
    capsys.readouterr()
    ws = load_workbook(out)["2026Q3灯号（示例数据）"]
    header = [c.value for c in ws[1]]
    light_col = header.index("督查室灯号") + 1
    ids = [ws.cell(r, header.index(
"任务编号") + 1).value for r in range(2, ws.max_row + 1)]
    assert ids[0] == "N01" and ids[-1].startswith("B")
    by_label: dict[Any, str] = {v: k for k, v in LABELS.items()}
    for row in range(2, ws.max_row + 1):
        cell = ws.cell(row, light_col)
        assert cell.fill.fgColor.rgb[-6:] == COLORS[by_label[cell.value]].lstrip("#").upper()


def _smallest_text_pt(pdf: Path) -> float:
    """The smallest text on any page of ``pdf``, in points as printed (font size × text and page matrices)."""
    import math

    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.append(size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]))

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return min(sizes)


def test_cli_ratings_export_prints_at_eight_points_or_more(demo_data: DemoSummary, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ratings.xlsx"
    assert main(["ratings", "--quarter", "2026Q3", "--format", "xlsx", "--out", str(out),
                 "--data-dir", str(demo_data.data_dir)]) == 0
    capsys.readouterr()
    pdf = _to_pdf(out, tmp_path)
    assert _smallest_text_pt(pdf) >= 7.95  # was 3–5 pt, fit to one page wide
    across = _pdftotext(pdf, 1) + _pdftotext(pdf, 2)  # a row's pages side by side
    for header in ["数据性质", "任务编号", "任务名称", "牵头市领导", "督查室灯号", "理由", "变化"]:
        assert header in across
    assert "示例数据" in across


def test_a_narrow_sheet_still_fits_one_page_wide_and_a_wide_one_keeps_eight_points() -> None:
    assert print_widths([10, 20, 30]) == ([10, 20, 30], None)
    widths, scale = print_widths([30] * 12)
    assert widths == [16] * 12 and scale == 73  # wide text wraps at eight Han characters, then 8 of 11 pt
    assert print_widths([30] * 6) == ([25] * 6, None)  # narrowed a little, still one page wide


def test_ledger_export_shows_the_verdicts_and_keeps_hashes_on_a_sheet_of_their_own(
        demo_data: DemoSummary, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(demo_data.data_dir)
    out, ratings = tmp_path / "ledger.xlsx", tmp_path / "ratings.json"
    assert main(["ledger", "--quarter", "2026Q3", "--format", "xlsx", "--out", str(out), "--data-dir", data]) == 0
    assert main(["ratings", "--quarter", "2026Q3", "--format", "json", "--out", str(ratings), "--data-dir", data]) == 0
    capsys.readouterr()
    wb = load_workbook(out)
    assert wb.sheetnames == ["2026Q3台账（示例数据）", "2026Q3来源文件（示例数据）"]
    main_sheet, sources = (pd.DataFrame(list(ws.values)[1:], columns=list(next(ws.values))) for ws in wb.worksheets)
    assert not {"存档编号", "来源文件", "规范化说明"} & set(main_sheet.columns)
    assert {"存档编号", "来源文件"} <= set(sources.columns) and len(sources) == len(main_sheet)
    assert sources["存档编号"].str.fullmatch(r"[0-9a-f]{64}").all()
    import json

    verdicts = {r["任务编号"]: r for r in json.loads(ratings.read_text(encoding="utf-8"))}
    lead = main_sheet[main_sheet["角色"] == "牵头"]
    assert len(lead) > 40
    for row in lead.itertuples():  # the one assessment, shown, not recomputed
        verdict = verdicts[row.任务编号]
        assert row.督查室灯号 == verdict["督查室灯号"]
        assert row._8 == verdict["计划累计进度(%)"] and row._10 == verdict["落后序时进度(百分点)"]
    assert main_sheet.loc[main_sheet["角色"] == "配合", "督查室灯号"].isna().all()


def test_every_export_sheet_is_named_for_what_it_holds(demo_data: DemoSummary, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = str(demo_data.data_dir)
    expected = {("league", "--by", "unit"): "2026Q3红黄榜", ("duban",): "督办事项", ("flags",): "数据核查",
                ("cuibao",): "催报清单", ("league",): "2026Q3市领导排名", ("verify",): "待核实"}
    for argv, name in expected.items():
        out = tmp_path / f"{name}.xlsx"
        assert main([*argv, "--quarter", "2026Q3", "--format", "xlsx", "--out", str(out), "--data-dir", data]) == 0
        assert load_workbook(out).sheetnames == [f"{name}（示例数据）"], argv
    assert main(["coordination", "--format", "xlsx", "--out", str(tmp_path / "c.xlsx"), "--data-dir", data]) == 0
    assert load_workbook(tmp_path / "c.xlsx").sheetnames == ["协调事项（示例数据）"]
    capsys.readouterr()
