"""The quarter's one assessment: built once per content, read as of a moment, each caller's own copy."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time
from pathlib import Path

import pytest

from jj123lib.core.clock import CHINA_TZ
from jj123lib.ledger.store import Ledger
from jj123lib.loop.assessment import assess_quarter
from tests.ledger_helpers import record_plan, record_progress

UNIT = "公安局"  # leads N07 and P13
pytestmark = pytest.mark.usefixtures("record_year_played")  # scenarios on named days up to December


@pytest.fixture()
def ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, UNIT, {"N07": (20.0, 40.0, 60.0, 100.0), "P13": (20.0, 40.0, 60.0, 100.0)})
    record_progress(ledger, UNIT, "2026Q3", {"N07": {"actual_pct": 10.0, "report_date": "2026-10-16"},
                                             "P13": {"actual_pct": 60.0, "report_date": "2026-10-16"}},
                    received="2026-10-16T09:00:00+08:00")
    return ledger


def test_a_moment_reads_the_ledger_as_it_stood(ledger: Ledger) -> None:
    before = assess_quarter("2026Q3", ledger.data_dir, as_of=datetime.combine(date(2026, 10, 12), time(17), CHINA_TZ))
    after = assess_quarter("2026Q3", ledger.data_dir, as_of=datetime.combine(date(2026, 10, 17), time(9), CHINA_TZ))
    assert before.reporting[UNIT] == "未报送" and before.lights["N07"] == "missing"
    assert UNIT in before.unreported and UNIT in set(before.supervision.cuibao["unit"])
    assert after.reporting[UNIT] == "迟报" and (after.lights["N07"], after.lights["P13"]) == ("red", "green")
    assert UNIT not in after.unreported and UNIT in after.yellow_board  # its lead task is red


def test_built_once_per_content_each_caller_its_own_copy(ledger: Ledger) -> None:
    day = date(2026, 10, 20)
    first = assess_quarter("2026Q3", ledger.data_dir, as_of=day)
    first.rated.loc[first.rated["task_id"] == "N07", "light"] = "done"  # a caller's own change stays its own
    second = assess_quarter("2026Q3", ledger.data_dir, as_of=day)
    assert second.lights["N07"] == "red"
    with pytest.raises(dataclasses.FrozenInstanceError):
        second.quarter = "2026Q4"  # type: ignore[misc]
    record_progress(ledger, UNIT, "2026Q3", {"N07": {"actual_pct": 60.0, "report_date": "2026-10-18"},
                                             "P13": {"actual_pct": 60.0, "report_date": "2026-10-18"}},
                    received="2026-10-18T09:00:00+08:00")
    third = assess_quarter("2026Q3", ledger.data_dir, as_of=day)  # new content: judged again
    assert third.lights["N07"] == "green" and third.reporting[UNIT] == "迟报"


def test_slices_restate_the_lists(ledger: Ledger) -> None:
    judged = assess_quarter("2026Q3", ledger, as_of="2026-10-20")
    assert judged.light_counts["red"] == 1 and judged.light_counts["green"] == 1
    assert sum(judged.light_counts.values()) == len(judged.rated) == 48
    assert judged.supervision_counts["cuibao"] == len(judged.supervision.cuibao)
    assert int(judged.transitions.to_numpy().sum()) == 48 and judged.transitions.loc["missing", "red"] == 1
    assert set(judged.red_board).isdisjoint(judged.yellow_board)
