"""Reporting deadlines, unit states (未到报送期/未报送/迟报/按时), 催报 and 未到报送期 in ratings."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jj123lib.assess.ratings import league_table, rate_quarter
from jj123lib.core.exceptions import RulesError
from jj123lib.core.frames import records
from jj123lib.domain.quarters import plan_deadline, report_deadline
from jj123lib.domain.rules import load_rules
from jj123lib.ledger.store import Ledger
from jj123lib.loop.deadlines import cuibao, reminder_text, unit_states
from tests.ledger_helpers import record_plan, record_progress

POLICE = ("N07", "P13", "B19", "B20")  # all led by 公安局, whose only tasks they are


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    return ledger


def _state(frame: pd.DataFrame, unit: str) -> dict[Hashable, Any]:
    return frame.set_index("unit").loc[unit].to_dict()


def test_default_deadlines_follow_the_quarter() -> None:
    assert report_deadline("2026Q1") == date(2026, 4, 10)
    assert report_deadline("2026q3") == date(2026, 10, 10)
    assert report_deadline("2026Q4") == date(2027, 1, 10)  # the month after Q4 is next year's January
    assert plan_deadline(2026) == date(2026, 1, 31)


def test_rules_change_the_deadlines() -> None:
    rules = load_rules().to_dict()
    rules["deadlines"] = {"report_day_of_next_month": 5, "plan_month_day": "02-15",
                          "quarter_overrides": {"2026Q4": "2027-01-20"}}
    assert report_deadline("2026Q3", rules) == date(2026, 10, 5)
    assert report_deadline("2026Q4", rules) == date(2027, 1, 20)
    assert plan_deadline(2026, rules) == date(2026, 2, 15)


@pytest.mark.clock_smoke
def test_states_on_time_late_pending_overdue(tmp_path: Path, clock_at: Callable[[str], datetime]) -> None:
    clock_at("2026-11-02T10:00:00+08:00")  # the forms came in October: read after they were received
    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q3", {t: {"report_date": "2026-10-10"} for t in POLICE})
    late = {"report_date": "2026-10-15"}
    record_progress(ledger, "财政局", "2026Q3", {"P02": late, "B01": late})
    before = unit_states("2026Q3", ledger, as_of="2026-10-10")
    assert _state(before, "公安局")["state"] == "按时"  # the deadline day itself is on time
    assert _state(before, "财政局")["state"] == "迟报" and _state(before, "财政局")["days_late"] == 5
    assert _state(before, "商务局")["state"] == "未到报送期" and _state(before, "商务局")["days_late"] is None
    after = unit_states("2026Q3", ledger, as_of="2026-10-13")
    assert _state(after, "商务局")["state"] == "未报送" and _state(after, "商务局")["days_late"] == 3
    assert _state(after, "公安局")["state"] == "按时"


def test_a_later_correction_does_not_make_a_unit_late(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q3", {t: {"report_date": "2026-10-08"} for t in POLICE})
    record_progress(ledger, "公安局", "2026Q3", {t: {"report_date": "2026-10-20"} for t in POLICE})
    assert _state(unit_states("2026Q3", ledger, as_of="2026-11-01"), "公安局")["state"] == "按时"


@pytest.mark.clock_smoke
def test_cuibao_lists_overdue_units_with_tasks_leaders_and_contact(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q2", {t: {"reporter": "吴明辉"} for t in POLICE})
    record_progress(ledger, "商务局", "2026Q3", {t: {} for t in ("N02", "P04", "B06")})
    assert cuibao("2026Q3", ledger, as_of="2026-10-10").empty  # nobody is overdue on the deadline day
    contacts = {"公安局": {"contact": "旧联系人", "phone": "0595-1"}}
    frame = cuibao("2026Q3", ledger, as_of="2026-10-12", contacts=contacts)
    police = frame.set_index("unit").loc["公安局"]
    assert police["days_overdue"] == 2
    assert police["tasks"] == list(POLICE) and police["leaders"] == ["陈清平"]
    assert police["reporter"] == "吴明辉"  # the unit's last form beats the contacts file
    assert police["phone"] == "0595-1"
    assert "商务局" not in set(frame["unit"])


def test_unfinished_quarter_is_pending_not_missing(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    early = rate_quarter("2026Q3", ledger, as_of="2026-10-09").set_index("task_id")
    assert set(early["light"]) == {"pending"}
    assert "2026-10-10" in early.loc["N07", "reason"]  # type: ignore[operator]  # pandas-stubs: a cell is typed as any scalar
    late = rate_quarter("2026Q3", ledger, as_of="2026-10-11").set_index("task_id")
    assert set(late["light"]) == {"missing"}


def test_pending_tasks_are_left_out_of_the_league(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q3", {t: {"actual_pct": 70.0} for t in POLICE})
    table = league_table("2026Q3", ledger, as_of="2026-10-09").set_index("leader")
    chen = table.loc["陈清平"]  # leads the four police tasks (all green) and others not yet due
    assert chen["score"] == 100.0 and chen["green"] == 4 and chen["pending"] == chen["n_tasks"] - 4 > 0
    others = table.drop(index="陈清平")
    assert (others["pending"] == others["n_tasks"]).all() and (others["missing"] == 0).all()
    assert (others["score"] == 0.0).all()
    overdue = league_table("2026Q3", ledger, as_of="2026-10-11").set_index("leader")
    assert (overdue.drop(index="陈清平")["missing"] > 0).all()


@pytest.mark.parametrize("bad", [{"report_day_of_next_month": 31}, {"report_day_of_next_month": "x"}])
def test_bad_deadline_rules_are_refused(bad: dict[str, Any]) -> None:
    from jj123lib.core.exceptions import RulesError

    rules = load_rules().to_dict()
    rules["deadlines"] = bad
    with pytest.raises(RulesError, match="report_day_of_next_month"):
        report_deadline("2026Q3", rules)


def test_units_file_lists_every_unit_of_the_task_table(tmp_path: Path) -> None:
    import yaml

    from jj123lib.core.resources import PARAMS_DIR
    from jj123lib.domain.tasks import units
    from jj123lib.loop.deadlines import load_contacts

    listed = yaml.safe_load((PARAMS_DIR / "units.yaml").read_text(encoding="utf-8"))["units"]
    assert set(listed) == set(units())
    assert set(load_contacts()) == set(units())
    listed["公安局"] = {**listed["公安局"], "contact": "吴明辉", "phone": "0595-8500"}
    listed["商务局"] = {**listed["商务局"], "contact": ""}
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump({"units": listed}, allow_unicode=True), encoding="utf-8")
    contacts = load_contacts(path)
    assert contacts["公安局"] == {"contact": "吴明辉", "phone": "0595-8500"} and contacts["商务局"] == {}
    with pytest.raises(RulesError, match="absent.yaml"):  # the office's own file must exist
        load_contacts(tmp_path / "absent.yaml")


def test_states_cover_every_responsible_unit_once_with_the_vocabulary(tmp_path: Path) -> None:
    from jj123lib.domain.tasks import load_tasks, units
    from jj123lib.domain.vocab import REPORTING_STATES

    table = load_tasks()
    states = unit_states("2026Q1", tmp_path, as_of="2026-05-01", tasks=table)
    assert list(states["unit"]) == units(table)
    assert set(states["state"]) <= set(REPORTING_STATES)


def test_the_reminder_text_names_unit_tasks_deadline_and_days(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    record_progress(ledger, "公安局", "2026Q2", {t: {"reporter": "吴明辉"} for t in POLICE})
    police = next(r for r in records(cuibao("2026Q3", ledger, as_of="2026-10-12")) if r["unit"] == "公安局")
    assert reminder_text(police) == ("吴明辉同志：贵单位（公安局）2026Q3 “123”工作进度填报表"
                                     "（涉及任务 N07、P13、B19、B20）应于 2026-10-10 前报送，"
                                     "现已逾期 2 天，请尽快报送督查室。")
