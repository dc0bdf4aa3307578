"""Each notebook runs on demo data with a fresh kernel: no error cells, no warnings, parameters cell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from jj123lib.batch.run import NOTEBOOK_DIR

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.slow

PAPERMILL = str(Path(sys.executable).with_name("papermill"))
NOTEBOOKS = ["leader_report.ipynb", "quarterly_overview.ipynb", "explore.ipynb"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs_and_with_parameters_cell(name: str) -> None:
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "quarter" in tagged[0].source and "data_dir" in tagged[0].source
    assert all(len(c.source.splitlines()) <= 10 for c in code), "notebooks stay thin"


def _check_clean(path: Path) -> nbformat.NotebookNode:
    nb: nbformat.NotebookNode = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]  # no type hints
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
def test_papermill_cli_runs_cleanly(name: str, params: list[str], demo_data: DemoSummary, tmp_path: Path) -> None:
    out = tmp_path / f"out-{name}"
    proc = subprocess.run([PAPERMILL, str(NOTEBOOK_DIR / name), str(out), *params, "-p", "data_dir",
                           str(demo_data.data_dir), "--no-progress-bar"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = _check_clean(out)
    html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    if name == "leader_report.ipynb":
        from jj123lib.loop.opinions import leader_opinion
        from jj123lib.render.htmlkit import esc

        assert "陈丽蓉" in html and "示例数据" in html and "2026年第二季度" in html
        assert "下季度节点目标" in html and "2026年第三季度节点目标" in html
        opinion = leader_opinion(demo_data.data_dir, "2026Q2", "陈丽蓉")  # the demo's opinions/2026Q2.yaml
        assert opinion is not None and "督查室意见" in html and esc(opinion.overall) in html
    if name == "explore.ipynb":
        assert "<table" in html  # DataFrames rendered


def test_bad_parameter_fails_with_chinese_message(demo_data: DemoSummary, tmp_path: Path) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        pm.execute_notebook(str(NOTEBOOK_DIR / "leader_report.ipynb"), str(tmp_path / "bad.ipynb"),
                            parameters={"leader": "张三", "quarter": "2026Q3", "data_dir": str(demo_data.data_dir)},
                            progress_bar=False)
    assert info.value.ename == "NotebookParameterError" and "张三" in info.value.evalue
    assert info.value.traceback == [info.value.evalue]  # the cell shows the message, not a Python traceback


@pytest.mark.parametrize(("name", "kind"), [("leader_report.ipynb", "leader"),
                                          ("quarterly_overview.ipynb", "overview"), ("explore.ipynb", "explore")])
def test_parameters_are_checked_right_after_the_parameters_cell(name: str, kind: str) -> None:
    """Before any import or computation: the check cell directly follows the parameters cell."""
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    code = [c for c in nb.cells if c.cell_type == "code"]
    first = next(i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", []))
    assert f'check_notebook_namespace("{kind}", globals())' in code[first + 1].source
    assert all("check_notebook_namespace" not in c.source for c in code[:first])


# (notebook, papermill arguments, words the one-line message must contain)
BAD_CLI_PARAMETERS = [
    ("leader_report.ipynb", ["-p", "leeder", "吴尊意", "-p", "quarter", "2026Q1"],
     ["未知参数", "leeder", "leader、quarter、data_dir"]),
    ("quarterly_overview.ipynb", ["-p", "quater", "2026Q1"], ["未知参数", "quater", "quarter、data_dir"]),
    ("leader_report.ipynb", ["-p", "leader", "吴尊意", "-p", "quarter", "2025Q2"],
     ["2025Q2", "2026 年度", "2026Q1、2026Q2、2026Q3、2026Q4"]),
    ("quarterly_overview.ipynb", ["-p", "quarter", "2026Q7"], ["2026Q7", "季度"]),
    ("explore.ipynb", ["-p", "quarterr", "2026Q2"], ["未知参数", "quarterr", "quarter、data_dir"]),
    ("leader_report.ipynb", ["-p", "leader", "吴尊", "-p", "quarter", "2026Q1"], ["吴尊", "陈丽蓉"]),
]


@pytest.mark.parametrize(("name", "params", "words"), BAD_CLI_PARAMETERS)
def test_papermill_cli_refuses_bad_parameter_with_one_chinese_last_line(name: str, params: list[str],
                                                                         words: list[str], demo_data: DemoSummary,
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "out.ipynb"
    proc = subprocess.run([PAPERMILL, str(NOTEBOOK_DIR / name), str(out), *params, "-p", "data_dir",
                           str(demo_data.data_dir), "--no-progress-bar"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=300)
    assert proc.returncode != 0
    last = [line for line in proc.stdout.splitlines() if line.strip()][-1]
    assert all(word in last for word in words), proc.stdout[-2000:]
    assert "Error" not in last  # the message alone, not "SomeError: message"
    nb = nbformat.read(out, as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    errors = [(i, o) for i, c in enumerate(nb.cells) for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 1 and errors[0][1].traceback == [last]
    # It failed in the check cell, before anything was computed.
    assert "check_notebook_namespace" in nb.cells[errors[0][0]].source
    assert not any(o.output_type == "display_data" for c in nb.cells for o in c.get("outputs", []))


def test_warm_kernel_checks_names_after_reset(demo_data: DemoSummary, tmp_path: Path) -> None:
    """In a batch worker's kernel (warm-up imports, ``%reset -f`` between notebooks) the check neither
    misses an unknown name nor trips over what the warm-up or an earlier notebook left behind."""
    from jj123lib.render.execute import WarmKernel, execute_report

    data = str(demo_data.data_dir)
    notebook = NOTEBOOK_DIR / "quarterly_overview.ipynb"
    kernel = WarmKernel.get()
    kernel.start(warm=True)
    try:
        nb, failure = execute_report(notebook, tmp_path / "1.ipynb", {"quarter": "2026Q3", "data_dir": data})
        assert failure is None
        nb, failure = execute_report(notebook, tmp_path / "2.ipynb", {"quater": "2026Q2", "data_dir": data})
        assert failure is not None and failure.ename == "UnknownParameterError" and "quater" in failure.evalue
        nb, failure = execute_report(NOTEBOOK_DIR / "leader_report.ipynb", tmp_path / "3.ipynb",
                                     {"leader": "吴尊意", "quarter": "2026Q2", "data_dir": data})
        assert failure is None, failure
        assert WarmKernel.current() is kernel and kernel.uses == 3  # one kernel ran all three
    finally:
        WarmKernel.discard()
