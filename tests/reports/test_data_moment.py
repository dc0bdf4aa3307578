"""Every report's header states the moment its ledger was read at (数据截至), not the latest 填报日期.

The demo folder reads at its story's clock (2027-03-31 17:00) unless a batch run ``--as-of`` sets the moment
of every read (``$JJ123_READ_AS_OF``), as here: 2026-10-13 17:00.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from jj123lib.annual.report import annual_review_data
from jj123lib.core.clock import READ_AS_OF_ENV
from jj123lib.core.inputs import recording_inputs
from jj123lib.reports.explore import explore_data
from jj123lib.reports.leader import leader_report_data
from jj123lib.reports.overview import overview_data

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.usefixtures("demo_year_viewed")


def test_headers_state_the_story_clock_of_a_demo_folder(demo_data: DemoSummary) -> None:
    header = str(overview_data("2026Q3", demo_data.data_dir).header_html())
    assert "<span>数据截至：2027-03-31 17:00</span>" in header


def test_every_header_states_the_moment_of_its_reads(demo_data: DemoSummary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(READ_AS_OF_ENV, "2026-10-13T17:00:59.999999+08:00")
    data = demo_data.data_dir
    label = "数据截至：2026-10-13 17:00"
    with recording_inputs() as recorder:
        leader = leader_report_data("陈丽蓉", "2026Q3", data)
    assert f"<span>{label}</span>" in str(leader.header_html())
    assert "as_of" in recorder.kinds()  # a batch --as-of: another moment re-renders
    assert f"<span>{label}</span>" in str(overview_data("2026Q3", data).header_html())
    assert f"<span>{label}</span>" in str(explore_data("2026Q3", data).header_html())
    assert f"<span>{label}</span>" in str(annual_review_data(2026, data).header_html())


def test_a_read_at_now_does_not_enter_the_fingerprint(demo_data: DemoSummary) -> None:
    with recording_inputs() as recorder:
        leader_report_data("陈丽蓉", "2026Q3", demo_data.data_dir)
    assert "as_of" not in recorder.kinds()  # an unchanged rerun skips, keeping the moment it stated
