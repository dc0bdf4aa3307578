"""explore.ipynb runs as shipped from notebooks/ (as JupyterLab runs it) and renders with `jj123 explore`."""

from __future__ import annotations

import os
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest
from nbclient import NotebookClient

from jj123lib.cli.main import main
from jj123lib.domain.lights import COLORS
from jj123lib.render.notebook_html import remote_references

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
HEADINGS = ["本季度灯号与理由", "各市领导的灯号历史", "各牵头单位的灯号历史", "单位自评与督查室灯号对照", "导出透视表"]


def _execute(tmp_path: Path) -> nbformat.NotebookNode:
    nb: nbformat.NotebookNode = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]  # no type hints
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})  # Lab's kernel cwd
    client.execute()
    return nb


def _outputs_text(nb: nbformat.NotebookNode) -> str:
    parts: list[str] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            for mime in ("text/plain", "text/html"):
                parts.append(output.get("data", {}).get(mime, ""))
    return "\n".join(parts)


def _check_executed(nb: nbformat.NotebookNode, tmp_path: Path) -> None:
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    text = _outputs_text(nb)
    assert "示例数据" in text  # the demo banner
    assert f"background-color: {COLORS['red']}" in text  # lights coloured in the styled tables
    assert "已导出：2026Q3_灯号历史.xlsx" in text
    assert text.count("data:image/png;base64,") >= 2  # the charts, embedded
    assert '<figure class="jj-figure"><svg role="img"' in text  # the red tasks' trajectories, inline SVG
    assert (tmp_path / "jj123-explore" / "2026Q3_灯号历史.xlsx").is_file()


def test_notebook_is_committed_clean_with_parameters_then_the_check() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    assert "quarter =" in nb.cells[index].source and "data_dir = None" in nb.cells[index].source
    assert 'check_notebook_namespace("explore", globals())' in nb.cells[index + 1].source
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in HEADINGS:
        assert f"## {heading}" in markdown


def test_runs_from_notebooks_folder_with_env_data_dir(demo_data: DemoSummary, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JJ123_DATA_DIR", str(demo_data.data_dir))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the export cell writes
    _check_executed(_execute(tmp_path), tmp_path)


def test_relative_data_dir_resolves_from_project_root_not_kernel_cwd(demo_data: DemoSummary, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    relative = os.path.relpath(Path(demo_data.data_dir).resolve(), ROOT)
    assert not Path(relative).is_absolute()
    assert not (ROOT / "notebooks" / relative).resolve().is_dir()  # from notebooks/ it would miss
    monkeypatch.setenv("JJ123_DATA_DIR", relative)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    _check_executed(_execute(tmp_path), tmp_path)


def test_jj123_explore_writes_self_contained_html(demo_data: DemoSummary, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "explore.html"
    assert main(["explore", "--quarter", "2026Q3", "--data-dir", str(demo_data.data_dir), "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert remote_references(html) == [] and "<script src" not in html
    # nbconvert writes markdown headings as character references (&#26412;…): compare the text, not the bytes
    text = unescape(html)
    for heading in HEADINGS:
        assert heading in text
    assert "quarter = " not in html  # the parameters cell is not shown
    assert f"background-color: {COLORS['green']}" in html and "data:image/png;base64," in html


def test_jj123_explore_missing_data_folder_names_absolute_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["explore", "--quarter", "2026Q3", "--data-dir", "/nonexistent/jj123", "--out",
                 str(tmp_path / "x.html")])
    assert code != 0 and "/nonexistent/jj123" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()
