"""`jj123 batch` of an unpublished demo quarter: judged at the demo's story clock, as its reads, in every output.

The machine's clock stands two days after Q3's deadline; the demo copy (Q3 a draft) reads at its story's clock,
2027-03-31 17:00, when 高教中心 has still not reported. The pages (rendered in kernels), the 催报通知 and 通报
(made in the batch's own process) and the index's counts all judge on that day, never on the machine's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from docx import Document

from jj123lib.batch.run import run_batch
from jj123lib.reports.overview import overview_data
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.slow

QUARTER = "2026Q3"
LEADER = "陈丽蓉"  # leads P08, 高教中心's task


def _text(path: Path) -> str:
    doc = Document(str(path))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_demo_batch_judges_on_its_story_day(demo_data: DemoSummary, tmp_path: Path,
                                              clock_at: Callable[[str], datetime]) -> None:
    data = demo_copy(demo_data.data_dir, tmp_path / "data")
    clock_at("2026-10-12T09:00:00+08:00")
    result = run_batch(QUARTER, [LEADER], data_dir=data, out=tmp_path / "out", progress=False, formats=["html"])
    documents = run_batch(QUARTER, data_dir=data, out=tmp_path / "docs", progress=False, formats=["docx"])
    assert result.ok and documents.ok, result.summary() + documents.summary()
    overview = (result.out_dir / "overview.html").read_text(encoding="utf-8")
    leader = next(p for p in result.out_dir.glob("*.html") if p.name not in ("overview.html", "index.html"))
    for page in (overview, leader.read_text(encoding="utf-8")):
        assert "<span>数据截至：2027-03-31 17:00</span>" in page and "<span>生成日期：2027-03-31</span>" in page
        assert '<div class="jj-preview">' not in page
    assert "高教中心" in overview and "172" in overview  # 未报送 since 10-10: 172 days at the story's day
    cuibao = _text(documents.out_dir / "cuibao.docx")
    assert "截至2027年3月31日，以下单位尚未报送" in cuibao and "高教中心" in cuibao and "172 天" in cuibao
    assert "2026年10月12日" not in cuibao  # not the machine's day
    assert "截至2027年3月31日" in _text(documents.out_dir / "bulletin.docx")
    manifest = json.loads((result.out_dir / "manifest.json").read_text(encoding="utf-8"))
    judged = overview_data(QUARTER, data).assessment
    assert judged is not None and manifest["supervision"] == judged.supervision_counts
