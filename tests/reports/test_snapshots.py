"""Snapshots of every rendered report section, in the style of great_tables (syrupy).

The demo ledger (fixed seed) is deterministic; what is not (the clock, the data fingerprint,
where the package and the data live, the matplotlib images, tested in test_charts) is injected or
normalised, so a snapshot changes only when what a reader sees changes.
Update after an intended change: ``pytest tests/reports/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from jj123lib.core.resources import PACKAGE_DIR
from jj123lib.reports.explore import explore_data
from jj123lib.reports.leader import LeaderReport, leader_report_data
from jj123lib.reports.overview import OverviewReport, overview_data

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from syrupy.assertion import SnapshotAssertion

    from jj123lib.demo.generate import DemoSummary

NOW = datetime(2026, 10, 24, 1, 30, tzinfo=UTC)  # 09:30 in China: the Q3 deadline + 14 days, the demo loop recorded
FINGERPRINT = "f" * 64
_BLOCK_END = re.compile(r"(</(?:section|header|div|tr|thead|p|li|h\d|figure)>)")


@pytest.fixture(scope="module")
def normalise(demo_data: DemoSummary) -> Callable[[str], str]:
    def clean(html: str) -> str:
        html = str(html)  # plain text: Markup's own replace() would escape the placeholders
        html = html.replace(str(demo_data.data_dir), "<data_dir>").replace(str(PACKAGE_DIR), "<jj123lib>")
        return _BLOCK_END.sub("\\1\n", html)  # one block per line: readable diffs
    return clean


@pytest.fixture(scope="module")
def leader(demo_data: DemoSummary) -> LeaderReport:
    report = leader_report_data("陈丽蓉", "2026Q3", demo_data.data_dir, now=NOW)
    return dataclasses.replace(report, fingerprint=FINGERPRINT)


@pytest.fixture(scope="module")
def overview(demo_data: DemoSummary) -> OverviewReport:
    report = overview_data("2026Q3", demo_data.data_dir, now=NOW)
    return dataclasses.replace(report, fingerprint=FINGERPRINT)


@pytest.mark.parametrize("section", LeaderReport.SECTIONS)
def test_leader_report(leader: LeaderReport, normalise: Callable[[str], str], snapshot: SnapshotAssertion,
                       section: str) -> None:
    assert normalise(getattr(leader, section)()) == snapshot


@pytest.mark.parametrize("section", OverviewReport.SECTIONS)
def test_overview(overview: OverviewReport, normalise: Callable[[str], str], snapshot: SnapshotAssertion,
                  section: str) -> None:
    assert normalise(getattr(overview, section)()) == snapshot


def test_explore(demo_data: DemoSummary, normalise: Callable[[str], str], snapshot: SnapshotAssertion) -> None:
    assert normalise(explore_data("2026Q3", demo_data.data_dir).body_html()) == snapshot


def test_snapshots_hold_no_volatile_values(leader: LeaderReport, overview: OverviewReport,
                                           normalise: Callable[[str], str]) -> None:
    """What the normaliser takes out really is there before it, and gone after it."""
    html = leader.body_html() + overview.body_html()
    assert FINGERPRINT[:12] in html and "生成日期：2026-10-24" in html
    assert "base64," not in html  # every chart is inline SVG, deterministic: the snapshots hold them whole
    cleaned = normalise(html)
    assert not re.search(r"\b\d{2}:\d{2}:\d{2}\b", cleaned)  # no time of day anywhere
    assert "/tmp" not in cleaned and str(PACKAGE_DIR) not in cleaned
