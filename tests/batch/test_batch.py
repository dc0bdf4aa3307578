"""Batch: manifest schema, incremental skip, failure isolation, atomic outputs, demo routing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from jj123lib.batch.run import NOTEBOOK_DIR, default_out_dir, run_batch
from jj123lib.core.atomic import folder_lock
from jj123lib.core.datadir import DEMO_MARKER
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.outdir import MARKER, claim_output_dir
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.run import BatchResult
    from jj123lib.demo.generate import DemoSummary

pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]

JJ123 = str(Path(sys.executable).with_name("jj123"))


def test_full_run_all_ok(demo_batch: BatchResult) -> None:
    assert demo_batch.ok, demo_batch.summary()
    out = demo_batch.out_dir
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    reports = manifest["reports"]
    assert isinstance(reports, list) and len(reports) == 9
    assert [r["kind"] for r in reports].count("leader") == 8
    assert [r["kind"] for r in reports].count("overview") == 1
    for entry in reports:
        assert entry["status"] == "ok"
        assert set(entry) >= {"kind", "leader", "html", "pdf", "status", "fingerprint", "seconds"}
        assert (out / entry["html"]).is_file() and (out / entry["pdf"]).is_file()
        assert (out / entry["notebook"]).is_file()
        assert not Path(entry["html"]).is_absolute() and len(entry["fingerprint"]) == 64
        assert (entry["leader"] is None) == (entry["kind"] == "overview")
    assert manifest["demo"] is True and manifest["quarter"] == "2026Q3"
    assert (out / "index.html").is_file()
    # The index counts the supervision loop (the demo's Q3: units past the deadline, claims awaiting checks).
    loop = manifest["supervision"]
    assert loop["cuibao"] >= 1 and loop["awaiting"] >= 1 and loop["flags"] >= 1
    assert f"逾期未报送单位 {loop['cuibao']} 个" in (out / "index.html").read_text(encoding="utf-8")
    leftovers = [p for p in out.rglob("*")
                 if (p.name.startswith(".") and p.name not in (".lock", MARKER)) or ".part" in p.name]
    assert leftovers == []


def test_executed_notebooks_are_kept_without_errors(demo_batch: BatchResult) -> None:
    nb = nbformat.read(demo_batch.out_dir / "notebooks" / "chen-lirong.ipynb", as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs and not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.execution_count]
    assert counts[0] == 1  # a reused kernel still numbers each notebook from 1


def test_rerun_skips_everything(demo_batch: BatchResult, demo_data: DemoSummary, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(demo_batch.out_dir, out)
    outputs = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.suffix in (".html", ".pdf", ".ipynb")}
    assert len(outputs) == 9 * 3 + 1  # html, pdf, executed notebook per report, and the index
    # Temp files a killed run left behind are cleared by the next run (under the folder lock).
    stale = [out / ".wu-zunyi.html.k3j2.part", out / "notebooks" / ".wu-zunyi.4242.part.ipynb"]
    for path in stale:
        path.write_text("half", encoding="utf-8")
    proc = subprocess.run([JJ123, "batch", "--quarter", "2026Q3", "--data-dir", str(demo_data.data_dir), "--out",
                           str(out)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "生成 0 份，跳过（未变化）9 份，失败 0 份" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {r["status"] for r in manifest["reports"]} == {"skipped"}
    # Nothing executed, exported or printed, and the index left as it was (timing is in perf/).
    assert {p: p.stat().st_mtime_ns for p in outputs} == outputs
    assert not any(path.exists() for path in stale)


def test_second_batch_on_the_same_folder_is_refused(demo_batch: BatchResult, demo_data: DemoSummary,
                                                    tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(demo_batch.out_dir, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with folder_lock(out) as locked:  # as a running batch holds it
        assert locked
        proc = subprocess.run([JJ123, "batch", "--quarter", "2026Q3", "--data-dir", str(demo_data.data_dir),
                               "--out", str(out), "--force"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "另一个 jj123 batch 正在写入" in proc.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_pdf_only_missing_is_reprinted(demo_batch: BatchResult, demo_data: DemoSummary, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(demo_batch.out_dir, out)
    (out / "wu-zunyi.pdf").unlink()
    html_before = (out / "wu-zunyi.html").stat().st_mtime_ns
    result = run_batch("2026Q3", ["吴尊意"], data_dir=demo_data.data_dir, out=out, progress=False)
    assert result.ok and (out / "wu-zunyi.pdf").is_file()
    assert (out / "wu-zunyi.html").stat().st_mtime_ns == html_before  # notebook not re-executed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["reports"]) == 9  # other leaders' entries are kept


def _failing_notebooks(tmp_path: Path, victim: str) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("leader_report.ipynb", "quarterly_overview.ipynb"):
        shutil.copy(NOTEBOOK_DIR / name, folder / name)
    nb = nbformat.read(folder / "leader_report.ipynb", as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    nb.cells.insert(3, nbformat.v4.new_code_cell(f'if leader == "{victim}":\n    raise ValueError("故意失败")'))  # type: ignore[no-untyped-call]  # nbformat has no type hints
    nbformat.write(nb, folder / "leader_report.ipynb")  # type: ignore[no-untyped-call]  # nbformat has no type hints
    return folder


def test_failure_isolation_and_missing_browser(demo_data: DemoSummary, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    notebooks = _failing_notebooks(tmp_path, "吴尊意")
    monkeypatch.setenv("JJ123_CHROMIUM", "/nonexistent/chromium")
    out = claim_output_dir(tmp_path / "out", "batch")  # the folder of an earlier run
    (out / "wu-zunyi.html").write_text("stale", encoding="utf-8")  # an old report must not survive a failure
    result = run_batch("2026Q3", ["吴尊意", "陈丽蓉"], data_dir=demo_data.data_dir, out=out, progress=False,
                       notebook_dir=notebooks, jobs=2)
    assert not result.ok
    by_leader = {r["leader"]: r for r in result.reports}
    bad = by_leader["吴尊意"]
    assert bad["status"] == "failed" and bad["cell_index"] is not None and bad["step"] == "execute"
    assert bad["error"].startswith("执行笔记本时出错：第 ")
    assert "ValueError" in bad["error"] and "故意失败" in bad["error"] and "单元格" in bad["error"]
    assert not (out / "wu-zunyi.html").exists()
    assert (out / "notebooks" / "wu-zunyi.ipynb").is_file()  # the record of the failed run
    # The other report still ran; without a browser its HTML exists and the PDF step says what to install.
    good = by_leader["陈丽蓉"]
    assert (out / "chen-lirong.html").is_file() and not (out / "chen-lirong.pdf").exists()
    assert good["status"] == "failed" and good["step"] == "pdf"
    assert good["error"].startswith("生成 PDF 时出错：") and "apt-get install chromium" in good["error"]
    summary = result.summary()
    assert "吴尊意" in summary and "单元格" in summary
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_leader = {r["leader"]: r for r in manifest["reports"]}
    assert by_leader["吴尊意"]["status"] == "failed" and by_leader["吴尊意"]["html"] is None
    # The good HTML stays linked though its PDF failed; the next run only prints the PDF.
    assert by_leader["陈丽蓉"]["html"] == "chen-lirong.html" and by_leader["陈丽蓉"]["pdf"] is None
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="chen-lirong.html"' in index and 'href="chen-lirong.pdf"' not in index
    monkeypatch.delenv("JJ123_CHROMIUM")
    html_before = (out / "chen-lirong.html").stat().st_mtime_ns
    again = run_batch("2026Q3", ["陈丽蓉"], data_dir=demo_data.data_dir, out=out, progress=False,
                      notebook_dir=notebooks)
    again_by_leader = {r["leader"]: r for r in again.reports}
    assert again_by_leader["陈丽蓉"]["status"] == "ok" and (out / "chen-lirong.pdf").is_file()
    assert again_by_leader["吴尊意"]["status"] == "failed"  # not in this run: its last entry stays
    assert (out / "chen-lirong.html").stat().st_mtime_ns == html_before


def test_html_only_run_never_leaves_a_stale_pdf(demo_batch: BatchResult, demo_data: DemoSummary,
                                                tmp_path: Path) -> None:
    data = demo_copy(demo_data.data_dir, tmp_path / "data")  # Q3 a draft: an override needs no --correct
    out = tmp_path / "copy"
    shutil.copytree(demo_batch.out_dir, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["data_dir"] = str(data)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    from jj123lib.cli.main import main

    assert main(["override", "N01", "--quarter", "2026Q3", "--light", "red", "--reason", "核查发现进度不实XYZ",
                 "--data-dir", str(data)]) == 0
    first = run_batch("2026Q3", ["张健龙"], data_dir=data, out=out, progress=False, formats=["html"])
    assert first.ok and "核查发现进度不实XYZ" in (out / "zhang-jianlong.html").read_text(encoding="utf-8")
    assert not (out / "zhang-jianlong.pdf").exists()  # the old PDF, made from older data, is gone
    second = run_batch("2026Q3", ["张健龙"], data_dir=data, out=out, progress=False)
    assert second.ok
    entry = {r["leader"]: r for r in second.reports}["张健龙"]
    assert entry["status"] == "ok" and entry["pdf"] == "zhang-jianlong.pdf"  # printed, not skipped
    text = subprocess.run(["pdftotext", str(out / "zhang-jianlong.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "XYZ" in text


def test_cli_exit_code_and_validation(demo_data: DemoSummary, tmp_path: Path) -> None:
    proc = subprocess.run([JJ123, "batch", "--quarter", "2026Q3", "--leader", "张三", "--data-dir",
                           str(demo_data.data_dir), "--out", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 2 and "张三" in proc.stderr and "陈丽蓉" in proc.stderr
    with pytest.raises(ParameterError):
        run_batch("2026Q3", data_dir=demo_data.data_dir, out=tmp_path, formats=["doc"])


def test_demo_and_real_outputs_never_mix(demo_data: DemoSummary, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_out_dir("2026Q3", demo_data.data_dir) == Path("reports/demo/2026Q3")
    real = tmp_path / "real"  # the demo ledger without its marker: real data as far as jj123 can tell
    shutil.copytree(demo_data.data_dir, real)
    (real / DEMO_MARKER).unlink()
    assert default_out_dir("2026Q3", real) == Path("reports/2026Q3")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match="reports/demo"):
        run_batch("2026Q3", data_dir=real, out=Path("reports/demo/2026Q3"), progress=False)
    with pytest.raises(ParameterError, match="示例数据的报告只能写入 reports/demo/"):
        run_batch("2026Q3", data_dir=demo_data.data_dir, out=Path("reports/2026Q3"), progress=False)
    # Elsewhere, a folder that holds one kind of report refuses the other kind.
    mixed = tmp_path / "elsewhere"
    mixed.mkdir()
    (mixed / "manifest.json").write_text('{"demo": false, "reports": []}', encoding="utf-8")
    with pytest.raises(ParameterError, match="不能混放"):
        run_batch("2026Q3", data_dir=demo_data.data_dir, out=mixed, progress=False)
    assert sorted(p.name for p in mixed.iterdir()) == ["manifest.json"]
