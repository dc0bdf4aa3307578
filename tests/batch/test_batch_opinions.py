"""A bad 督查室意见 entry fails only that leader's section: the batch writes every report and says why."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.batch.run import run_batch
from jj123lib.loop.opinions import opinions_path
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]


def test_a_misspelt_leader_fails_only_her_opinions_section(demo_data: DemoSummary, tmp_path: Path) -> None:
    data = demo_copy(demo_data.data_dir, tmp_path / "data")
    opinions_path(data, "2026Q3").write_text("陈丽荣: 请加快推进。\n吴尊意: 吴的意见照常显示。\n", encoding="utf-8")
    result = run_batch("2026Q3", ["陈丽蓉", "吴尊意"], formats=["html"], data_dir=data, out=tmp_path / "out",
                       progress=False)
    assert result.ok and result.count("ok") == 3  # her report, his and the overview
    summary = result.summary()
    assert "陈丽蓉的督查报告未含“督查室意见”（报告其余部分已生成）" in summary and "陈丽荣" in summary
    assert "单元格" not in summary and "IPython" not in summary and "Traceback" not in summary
    hers = (tmp_path / "out" / "chen-lirong.html").read_text(encoding="utf-8")
    assert "本节未能生成" in hers and "是否应为“陈丽蓉”" in hers
    assert "任务进展" in hers and "下季度节点目标" in hers  # the rest of her report
    his = (tmp_path / "out" / "wu-zunyi.html").read_text(encoding="utf-8")
    assert "吴的意见照常显示" in his and "本节未能生成" not in his
