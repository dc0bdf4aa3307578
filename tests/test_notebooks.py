"""Each notebook runs on demo data with a fresh kernel: no error cells, no warnings, parameters cell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from jj123lib.batch import NOTEBOOK_DIR

pytestmark = pytest.mark.slow

PAPERMILL = str(Path(sys.executable).with_name("papermill"))
NOTEBOOKS = ["leader_report.ipynb", "quarterly_overview.ipynb", "explore.ipynb"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs_and_with_parameters_cell(name: str) -> None:
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "quarter" in tagged[0].source and "data_dir" in tagged[0].source
    assert all(len(c.source.splitlines()) <= 10 for c in code), "notebooks stay thin"


def _check_clean(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", output
            if output.output_type == "stream":
                assert output.name != "stderr", output.text
                assert "Warning" not in output.text, output.text
            text = str(output.get("data", {}).get("text/plain", ""))
            assert "Warning" not in text and "Glyph" not in text
    return nb


@pytest.mark.parametrize(("name", "params"), [
    ("leader_report.ipynb", ["-p", "leader", "陈丽蓉", "-p", "quarter", "2026Q2"]),
    ("quarterly_overview.ipynb", ["-p", "quarter", "2026Q3"]),
    ("explore.ipynb", ["-p", "quarter", "2026Q3"]),
])
def test_papermill_cli_runs_cleanly(name: str, params: list[str], demo_data, tmp_path) -> None:
    out = tmp_path / f"out-{name}"
    proc = subprocess.run([PAPERMILL, str(NOTEBOOK_DIR / name), str(out), *params, "-p", "data_dir",
                           str(demo_data.data_dir), "--no-progress-bar"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = _check_clean(out)
    html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    if name == "leader_report.ipynb":
        assert "陈丽蓉" in html and "示例数据" in html and "2026年第二季度" in html
    if name == "explore.ipynb":
        assert "<table" in html  # DataFrames rendered


def test_bad_parameter_fails_with_chinese_message(demo_data, tmp_path) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        pm.execute_notebook(str(NOTEBOOK_DIR / "leader_report.ipynb"), str(tmp_path / "bad.ipynb"),
                            parameters={"leader": "张三", "quarter": "2026Q3", "data_dir": str(demo_data.data_dir)},
                            progress_bar=False)
    assert info.value.ename == "ParameterError" and "张三" in info.value.evalue
