"""``jj123 batch --year 2026``: HTML, PDF and .docx of the year-end review, manifest, index, skip, failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest
from docx import Document

from jj123lib.annual.batch import run_annual_batch
from jj123lib.cli.main import main
from jj123lib.core.resources import NOTEBOOK_DIR

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary


@pytest.fixture(scope="module")
def first_run(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the command in a fresh working folder: demo data goes to reports/demo/2026."""
    cwd = tmp_path_factory.mktemp("work")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        assert main(["batch", "--year", "2026", "--data-dir", str(demo_data.data_dir), "--no-progress"]) == 0
    return cwd / "reports" / "demo" / "2026"


def test_writes_html_pdf_docx_manifest_and_index(first_run: Path) -> None:
    out = first_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["year"] == 2026 and manifest["quarter"] is None and manifest["demo"] is True
    assert manifest["formats"] == ["html", "pdf", "docx"]
    [entry] = manifest["reports"]
    assert entry["kind"] == "annual" and entry["status"] == "ok"
    assert entry["html_fingerprint"] == entry["pdf_fingerprint"] == entry["docx_fingerprint"] == entry["fingerprint"]
    assert sum(int(part.split()[-1]) for part in entry["summary"].split("，")) == 48
    html = (out / "annual.html").read_text(encoding="utf-8")
    assert "责任单位年度得分" in html and "示例数据" in html and 'lang="zh"' in html
    text = subprocess.run(["pdftotext", str(out / "annual.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "年度考评" in text and "B24" in text
    doc = Document(str(out / "annual.docx"))
    paragraphs = [p.text.replace("\n", "") for p in doc.paragraphs]  # the title's lines broken between words
    assert "关于2026年度“123”争先进位工作年度考评情况的通报" in paragraphs
    assert any(p.startswith("【示例数据") for p in paragraphs) and "责任单位年度得分" in paragraphs  # 附件2
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"N01", "P16", "B24"} <= cells
    with zipfile.ZipFile(out / "annual.docx") as docx_zip:  # fields only in the footers' page numbers
        assert "instrText" not in docx_zip.read("word/document.xml").decode("utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    for link in ('href="annual.html"', 'href="annual.pdf"', 'href="annual.docx"'):
        assert link in index
    assert "2026年度考评" in index and "年度考评" in index


def test_rerun_skips_and_force_renders(first_run: Path, demo_data: DemoSummary) -> None:
    out = first_run
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.suffix in (".html", ".pdf", ".docx")}
    result = run_annual_batch(2026, data_dir=demo_data.data_dir, out=out, progress=False)
    assert result.ok and result.count("skipped") == 1
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name in stamps} == stamps
    # without PDF this time: the current PDF is kept, nothing is rewritten
    result = run_annual_batch(2026, formats=["html", "docx"], data_dir=demo_data.data_dir, out=out, progress=False)
    assert result.ok and result.count("skipped") == 1
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name in stamps} == stamps
    result = run_annual_batch(2026, force=True, data_dir=demo_data.data_dir, out=out, progress=False)
    assert result.ok and result.count("ok") == 1
    assert all((out / name).stat().st_mtime_ns > stamp for name, stamp in stamps.items())


def test_failures_are_isolated(demo_data: DemoSummary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A notebook that fails: the .docx is still written, the HTML is not, the manifest names the step.
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.read(NOTEBOOK_DIR / "annual_review.ipynb", as_version=4)  # type: ignore[no-untyped-call]  # nbformat has no type hints
    nb.cells.insert(3, nbformat.v4.new_code_cell('raise ValueError("故意失败")'))  # type: ignore[no-untyped-call]  # nbformat has no type hints
    nbformat.write(nb, folder / "annual_review.ipynb")  # type: ignore[no-untyped-call]  # nbformat has no type hints
    out = tmp_path / "out"
    result = run_annual_batch(2026, data_dir=demo_data.data_dir, out=out, progress=False, notebook_dir=folder)
    [entry] = result.reports
    assert not result.ok and entry["status"] == "failed" and entry["step"] == "execute" and "故意失败" in entry["error"]
    assert (out / "annual.docx").is_file() and not (out / "annual.html").exists()
    assert entry["docx"] == "annual.docx" and entry["html"] is None
    assert "故意失败" in (out / "index.html").read_text(encoding="utf-8")
    # A .docx that fails: the pages are still written, the manifest says which step failed.
    import jj123lib.annual.docx as annual_docx

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(annual_docx, "annual_docx", broken)
    result = run_annual_batch(2026, formats=["html", "docx"], data_dir=demo_data.data_dir, out=out, progress=False)
    [entry] = result.reports
    assert entry["status"] == "failed" and entry["step"] == "docx" and entry["error"].startswith("生成 Word 文档时出错")
    assert (out / "annual.html").is_file() and not (out / "annual.docx").exists() and entry["docx"] is None
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"][0]["step"] == "docx"


def test_cli_refuses_leader_and_bad_year(demo_data: DemoSummary, capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    data = str(demo_data.data_dir)
    assert main(["batch", "--year", "2026", "--leader", "陈丽蓉", "--data-dir", data, "--out", str(tmp_path)]) == 2
    assert "年度考评不分市领导" in capsys.readouterr().err
    assert main(["batch", "--year", "2027", "--data-dir", data, "--out", str(tmp_path)]) == 2
    assert main(["batch", "--year", "2026", "--formats", "xlsx", "--data-dir", data, "--out", str(tmp_path)]) == 2
    assert not (tmp_path / "manifest.json").exists()
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_fingerprint_follows_the_days_effect_on_the_review(demo_data: DemoSummary, tmp_path: Path) -> None:
    """A deadline passing or a 督办 falling overdue changes the review: its outputs must not be skipped."""
    from datetime import date

    from jj123lib.annual.batch import annual_job
    from jj123lib.domain.rules import load_rules
    from jj123lib.loop.duban import issue_duban

    data = tmp_path / "data"
    shutil.copytree(demo_data.data_dir, data)
    # the demo's supervision loop left Q3 督办 items open, due 2026-10-30
    assert issue_duban("2026Q3", data, as_of="2026-10-12", by="督查室").created == []

    def fingerprint(day: date) -> str:
        return annual_job(2026, data, tmp_path / "out", NOTEBOOK_DIR, 600, day, load_rules()).fingerprint

    # Nothing recorded, due or overdue in between (the demo's answers come up to 11-04, follow-ups fall due 11-19).
    assert fingerprint(date(2026, 11, 21)) == fingerprint(date(2026, 11, 29))
    assert fingerprint(date(2026, 10, 30)) != fingerprint(date(2026, 10, 31))  # 督办 overdue from the 31st
    assert fingerprint(date(2026, 12, 1)) != fingerprint(date(2027, 1, 11))  # the Q4 deadline passed


def test_the_annual_pdf_prints_each_lead_unit_four_characters_a_line_or_more(first_run: Path) -> None:
    """The 牵头单位 column fits its text: no unit name broken one character a line beside the long 依据."""
    from jj123lib.domain.tasks import load_tasks

    text = subprocess.run(["pdftotext", str(first_run / "annual.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    outcomes = text.split("任务考评结果", 1)[1].split("责任单位年度得分", 1)[0]  # the table with 牵头单位
    lines = outcomes.splitlines()
    units = {str(u) for u in load_tasks()["lead_unit"]}
    broken = [u for u in units if len(u) >= 4 and not any(u[:4] in line for line in lines)]
    assert broken == []
