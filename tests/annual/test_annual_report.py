"""The year-end view-model and its notebook: sections, demo marking, escaping, papermill runs."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pandas as pd
import pytest

from jj123lib.annual.report import AnnualReport, annual_review_data
from jj123lib.annual.review import RECOGNITION_COLUMNS
from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.resources import NOTEBOOK_DIR
from jj123lib.domain.parameters import NotebookParameterError, check_notebook_namespace

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

PAPERMILL = str(Path(sys.executable).with_name("papermill"))
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=CHINA_TZ)


@pytest.fixture(scope="module")
def report(demo_data: DemoSummary) -> AnnualReport:
    return annual_review_data(2026, demo_data.data_dir, now=NOW)


def test_sections_in_order_with_every_task_and_unit(report: AnnualReport) -> None:
    html = report._repr_html_()
    titles = ["总体情况", "任务考评结果", "责任单位年度得分", "获得的认定", "市领导牵头任务汇总", "附录：考评规则"]
    positions = [html.index(f">{t}</h2>") for t in titles]
    assert positions == sorted(positions)
    assert "示例数据" in html and "晋江市2026年度“123”争先进位工作年度考评" in html
    assert all(f"<b>{t}</b>" in html for t in report.outcomes["task_id"]) and len(report.outcomes) == 48
    assert all(unit in html for unit in report.units["unit"])
    assert "考评季度：2026Q4" in html and "以2026Q4报送为准" in html  # demo data: Q1–Q4
    assert "第四季度尚无报送，以最近季度为准" not in html
    assert report.by_tier().loc["合计"].sum() == 48
    # bench13's demo holds verified recognitions (Q3 and Q4): the section lists them
    won = report.review.recognitions
    assert len(won) and "本年度尚无经核实的认定" not in html and f"经核实的“已认定” {len(won)} 项。" in html
    assert "<th class=\"num\">得分</th>" not in report.leaders_html()  # no leader score by default


def test_recognitions_are_listed_and_escaped(report: AnnualReport) -> None:
    won = pd.DataFrame([{"task_id": "P02", "quarter": "2026Q3", "level": "省级", "date": "2026-09-30",
                         "evidence": "<script>alert(1)</script>认定.pdf"}])
    report.review.recognitions = won
    html = str(report.recognitions_html())
    assert "<script>" not in html and "&lt;script&gt;" in html and "省级" in html and "P02" in html
    report.review.recognitions = pd.DataFrame(columns=RECOGNITION_COLUMNS)


def test_namespace_check_knows_the_annual_notebook(demo_data: DemoSummary) -> None:
    params = check_notebook_namespace("annual", {"year": 2026, "data_dir": str(demo_data.data_dir)})
    assert params.year == 2026 and params.as_papermill() == {"year": "2026", "data_dir": params.data_dir}
    with pytest.raises(NotebookParameterError, match="未知参数：yaer"):
        check_notebook_namespace("annual", {"yaer": 2026, "year": 2026, "data_dir": None})
    with pytest.raises(NotebookParameterError, match="2025"):
        check_notebook_namespace("annual", {"year": 2025, "data_dir": str(demo_data.data_dir)})


def test_notebook_is_thin_and_runs_under_papermill(demo_data: DemoSummary, tmp_path: Path) -> None:
    name = NOTEBOOK_DIR / "annual_review.ipynb"
    committed = nbformat.read(name, as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    code = [c for c in committed.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert [c for c in code if "parameters" in c.metadata.get("tags", [])] == [code[0]]
    assert 'check_notebook_namespace("annual", globals())' in code[1].source
    assert all(len(c.source.splitlines()) <= 10 for c in code)
    out = tmp_path / "annual.ipynb"
    proc = subprocess.run([PAPERMILL, str(name), str(out), "-p", "year", "2026", "-p", "data_dir",
                           str(demo_data.data_dir), "--no-progress-bar"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "任务考评结果" in html and "责任单位年度得分" in html and "示例数据" in html
    bad = subprocess.run([PAPERMILL, str(name), str(tmp_path / "bad.ipynb"), "-p", "yaer", "2026",
                          "--no-progress-bar"], capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0 and "未知参数：yaer" in bad.stderr
