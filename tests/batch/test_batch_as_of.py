"""`jj123 batch --as-of`: an unpublished quarter rendered as of a stated moment, whatever the clock says.

The clock stands at 2026-12-05 (``demo_year_viewed``); the demo's 2026Q4 (due 2027-01-10, 高教中心 never
reports) is rendered as of 2027-01-12 17:00 and as of 2027-01-14. Each output states the read's moment; the
催报通知 is dated that day and counts the days overdue to it; another moment re-renders, the same one skips.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from docx import Document

from jj123lib.batch.run import BatchResult, run_batch
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]

QUARTER = "2026Q4"
LEADER = "陈丽蓉"  # leads P08, 高教中心's task


@dataclass
class Runs:
    first: BatchResult  # as of 2027-01-12 17:00: one leader's report and the overview
    again: BatchResult  # the same moment again
    later: BatchResult  # as of 2027-01-14, same folder
    documents: BatchResult  # the Word documents as of 2027-01-12 17:00
    first_pages: dict[str, str]


@pytest.fixture(scope="module")
def runs(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("as-of")
    data = demo_copy(demo_data.data_dir, root / "data")
    out = root / "pages"

    def pages(as_of: str) -> BatchResult:
        return run_batch(QUARTER, [LEADER], data_dir=data, out=out, progress=False, formats=["html"], as_of=as_of)

    first = pages("2027-01-12T17:00")
    first_pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    again, later = pages("2027-01-12T17:00"), pages("2027-01-14")
    documents = run_batch(QUARTER, data_dir=data, out=root / "docs", progress=False, formats=["docx"],
                          as_of="2027-01-12T17:00")
    return Runs(first, again, later, documents, first_pages)


def _text(path: Path) -> str:
    doc = Document(str(path))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_every_page_states_the_moment_it_was_read_at(runs: Runs) -> None:
    assert runs.first.ok, runs.first.summary()
    assert {"overview.html", "index.html"} <= runs.first_pages.keys() and len(runs.first_pages) == 3
    for name, page in runs.first_pages.items():
        assert "<span>数据截至：2027-01-12 17:00</span>" in page, name
        assert "草稿" in page, name
    assert "生成日期：2027-01-12" in runs.first_pages["overview.html"]  # the clock stood at the moment


def test_the_same_moment_skips_another_re_renders(runs: Runs) -> None:
    assert {e["status"] for e in runs.again.reports} == {"skipped"}
    assert {e["status"] for e in runs.later.reports} == {"ok"}
    for path in runs.later.out_dir.glob("*.html"):
        assert "<span>数据截至：2027-01-14 23:59</span>" in path.read_text(encoding="utf-8"), path.name


def test_the_cuibao_notice_is_dated_at_its_moment_and_counts_days_to_it(runs: Runs) -> None:
    assert runs.documents.ok, runs.documents.summary()
    text = _text(runs.documents.out_dir / "cuibao.docx")
    assert "截至2027年1月12日，以下单位尚未报送" in text
    assert "2027年1月12日" in text.split("请立即补报", 1)[1]  # the 成文日期 under the signature
    assert "2026年12月5日" not in text  # not the day the clock says
    assert "高教中心" in text and "2 天" in text
    bulletin = _text(runs.documents.out_dir / "bulletin.docx")
    assert "截至2027年1月12日" in bulletin
