"""Co-units (配合单位), one rule: whether they report is in the rules, and the 催报, the 通报 and the year-end
deductions all ask :func:`jj123lib.loop.deadlines.must_report`; 本季度无配合事项 on the form counts as 按时."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from jj123lib.annual.review import annual_review
from jj123lib.core.exceptions import IngestRejected, RulesError
from jj123lib.documents.content import bulletin_data
from jj123lib.domain.rules import Rules, load_rules
from jj123lib.domain.tasks import load_tasks
from jj123lib.intake.formspec import HELP_SHEET, NO_CO_WORK_CELL, NO_CO_WORK_LABEL, NO_CO_WORK_LABEL_CELL
from jj123lib.intake.ingest import ingest_files, parse_file
from jj123lib.ledger.store import Ledger
from jj123lib.loop.deadlines import cuibao, must_report, unit_states, unreported_units
from tests.ledger_helpers import filled_progress

TASKS = load_tasks()
TICKED, SILENT = "水务集团", "珠江文体公司"  # units that lead no task: co-units only
AS_OF = date(2026, 10, 20)


def _rules(must: bool) -> dict[str, Any]:
    rules = load_rules().to_dict()
    rules["co_units"] = {"must_report": must}
    return rules


def _form(folder: Path, unit: str, tick: str | None, changes: dict[str, dict[str, Any]] | None = None) -> Path:
    path = filled_progress(folder, unit, co_notes=False, changes=changes)
    wb = load_workbook(path)
    if tick is not None:
        wb[HELP_SHEET][NO_CO_WORK_CELL].value = tick
    wb.save(path)
    return path


def test_co_only_units_lead_nothing() -> None:
    assert TICKED not in set(TASKS["lead_unit"]) and SILENT not in set(TASKS["lead_unit"])
    assert any(TICKED in units for units in TASKS["units"]) and any(SILENT in units for units in TASKS["units"])


def test_the_rule_is_typed_and_checked_at_load(tmp_path: Path) -> None:
    assert load_rules().co_units == {"must_report": False}
    assert not must_report(TICKED, TASKS) and must_report("公安局", TASKS)  # a lead unit always reports
    assert must_report(TICKED, TASKS, _rules(True))
    bad = tmp_path / "rules.yaml"
    bad.write_text((Path(load_rules().path).read_text(encoding="utf-8")
                    .replace("  must_report: false", "  must_report: 是")), encoding="utf-8")
    with pytest.raises(RulesError, match="co_units.must_report"):
        load_rules(bad)
    assert isinstance(load_rules(), Rules)


def test_the_form_has_the_tick_only_for_a_co_unit(tmp_path: Path) -> None:
    co = load_workbook(_form(tmp_path, TICKED, None))[HELP_SHEET]
    assert str(co[NO_CO_WORK_LABEL_CELL].value).startswith(NO_CO_WORK_LABEL)
    assert co[NO_CO_WORK_CELL].protection.locked is False
    assert any(NO_CO_WORK_CELL in str(v.sqref) and v.formula1 == '"是,否"' for v in co.data_validations.dataValidation)
    police = load_workbook(filled_progress(tmp_path / "p", "公安局"))[HELP_SHEET]  # leads its four tasks only
    assert not str(police[NO_CO_WORK_LABEL_CELL].value or "").startswith(NO_CO_WORK_LABEL)


def test_a_blank_form_needs_the_tick_and_a_ticked_form_fills_no_co_row(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    today = date(2026, 10, 9)
    with pytest.raises(IngestRejected, match=f"“{NO_CO_WORK_LABEL}”处选“是”"):
        parse_file(_form(tmp_path / "a", TICKED, None), today=today, ledger=ledger)
    with pytest.raises(IngestRejected, match="应从下拉列表选“是”或“否”"):
        parse_file(_form(tmp_path / "b", TICKED, "没有"), today=today, ledger=ledger)
    co_task = next(t for t, units in zip(TASKS["task_id"], TASKS["units"]) if TICKED in units)
    filled = {co_task: {"工作进展": "配合提供资料", "填报人": "郑思颖", "填报日期": "2026-10-09"}}
    with pytest.raises(IngestRejected, match=f"已选“{NO_CO_WORK_LABEL}：是”，却填写了配合任务 {co_task}"):
        parse_file(_form(tmp_path / "c", TICKED, "是", filled), today=today, ledger=ledger)
    parsed = parse_file(_form(tmp_path / "d", TICKED, "是"), today=today, ledger=ledger)
    assert parsed.rows == []  # type: ignore[union-attr]  # a progress form, not a 整改反馈


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A ledger where one co-unit returned its Q3 form ticked and another sent nothing."""
    folder = tmp_path / "data"
    results = ingest_files([_form(tmp_path / "in", TICKED, "是")], folder, today=date(2026, 10, 9))
    assert [r.status for r in results] == ["accepted"]
    return folder


def test_by_default_a_co_unit_is_never_chased_shown_late_or_deducted(data: Path) -> None:
    rules = _rules(False)
    states = unit_states("2026Q3", data, as_of=AS_OF, rules=rules).set_index("unit")["state"]
    assert states[TICKED] == states[SILENT] == "无需报送"
    assert {TICKED, SILENT}.isdisjoint(cuibao("2026Q3", data, as_of=AS_OF, rules=rules)["unit"])
    assert not {TICKED, SILENT} & unreported_units("2026Q3", data, as_of=AS_OF, rules=rules)
    boards = {e.unit: e.board_reason for e in bulletin_data("2026Q3", data, as_of=AS_OF, rules=rules).league}
    assert "配合单位" not in boards[SILENT]
    breakdown = annual_review(2026, data, as_of=AS_OF, rules=rules).breakdown
    assert breakdown[breakdown["unit"].isin([TICKED, SILENT]) & breakdown["item"].str.contains("未报送|迟报")].empty


def test_when_the_rules_make_co_units_report_every_output_applies_it(data: Path) -> None:
    rules = _rules(True)
    states = unit_states("2026Q3", data, as_of=AS_OF, rules=rules).set_index("unit")
    assert states.loc[TICKED, "state"] == "按时" and states.loc[SILENT, "state"] == "未报送"
    chased = cuibao("2026Q3", data, as_of=AS_OF, rules=rules)
    assert SILENT in set(chased["unit"]) and TICKED not in set(chased["unit"])
    boards = {e.unit: (e.board, e.board_reason) for e in bulletin_data("2026Q3", data, as_of=AS_OF, rules=rules).league}
    assert boards[SILENT] == ("黄榜", "本季度未报送进度（配合单位）") and boards[TICKED][0] != "黄榜"
    breakdown = annual_review(2026, data, as_of=AS_OF, rules=rules).breakdown
    missed = breakdown[breakdown["item"] == "未报送扣分"]
    assert set(missed.loc[missed["unit"] == SILENT, "ref"]) == {"2026Q1", "2026Q2", "2026Q3"}
    assert set(missed.loc[missed["unit"] == TICKED, "ref"]) == {"2026Q1", "2026Q2"}  # Q3 ticked: 按时
