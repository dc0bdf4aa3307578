"""A quarter before its reporting deadline: 未到报送期 is never scored and never crashes, and every output says 预览.

The suite's clock is 2026-12-05, before Q4's deadline (2027-01-10): the README's own year-end step,
``jj123 batch --quarter 2026Q4`` in December, must exit 0 with the 通报.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from docx import Document

from jj123lib.cli.main import main
from jj123lib.core.datadir import DEMO_MARKER
from jj123lib.loop.deadlines import cuibao
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]
SILENT = ("农业农村局", "公安局", "商务局")  # lead units whose Q4 forms are not in yet


@pytest.fixture(scope="module")
def q4_half_in(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = demo_copy(demo_data.data_dir, tmp_path_factory.mktemp("preview") / "data")
    # An office's folder read on the suite's day in December: a demo folder reads at its story's end instead,
    # when every deadline has passed.
    (data / DEMO_MARKER).unlink()
    conn = sqlite3.connect(data / "ledger.sqlite")
    with conn:
        conn.execute(f"DELETE FROM submissions WHERE quarter = '2026Q4' AND unit IN ({','.join('?' * len(SILENT))})",
                     SILENT)
    conn.close()
    return data


def test_league_by_unit_and_ratings_before_the_deadline(q4_half_in: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["league", "--quarter", "2026Q4", "--by", "unit", "--data-dir", str(q4_half_in)]) == 0
    out, err = capsys.readouterr()
    assert "预览：2026年第四季度报送截止日为 2027-01-10，尚未到期" in err and "【市直部门】" in out
    assert main(["ratings", "--quarter", "2026Q4", "--data-dir", str(q4_half_in), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    lights = {row["牵头单位"]: row["督查室灯号"] for row in json.loads(out)}
    assert {lights[unit] for unit in SILENT} == {"未到报送期"} and "未报送" not in lights.values() and "预览" in err


def test_batch_q4_in_december_exits_0_with_the_bulletin_marked_preview(q4_half_in: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["batch", "--quarter", "2026Q4", "--data-dir", str(q4_half_in), "--out", str(out),
                 "--formats", "html,docx", "--no-progress"])
    assert code == 0, capsys.readouterr().err
    text = "\n".join(p.text for p in Document(str(out / "bulletin.docx")).paragraphs)
    assert "通报（预览）" in text and "预览：2026年第四季度报送截止日为 2027-01-10" in text
    overview = (out / "overview.html").read_text(encoding="utf-8")
    assert 'class="jj-preview"' in overview and "未到报送期" in overview
    assert cuibao("2026Q4", q4_half_in).empty  # nobody is chased before the deadline
