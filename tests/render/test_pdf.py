"""PDFs: real (extractable) Chinese text, one browser for many files, a clear error without one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.core.exceptions import BrowserError, ReportStepError
from jj123lib.render.pdf import Browser, PrinterPool, find_chromium

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.run import BatchResult

pytestmark = pytest.mark.slow


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())  # CJK line wraps split words: compare without whitespace


def test_leader_pdfs_contain_name_and_task_titles(demo_batch: BatchResult) -> None:
    from jj123lib.domain.tasks import load_tasks

    tasks = load_tasks()
    for entry in demo_batch.reports:
        if entry["kind"] != "leader":
            continue
        text = _text(demo_batch.out_dir / entry["pdf"])
        assert entry["leader"] in text
        titles = list(tasks.loc[tasks["leader"] == entry["leader"], "title"])
        assert len(titles) == 6
        for title in titles:
            assert "".join(title.split()) in text, (entry["leader"], title)
        assert "示例数据" in text
        assert "第1页/共" in text  # page numbers from the @page margin box


def test_overview_pdf_is_a4(demo_batch: BatchResult) -> None:
    from pypdf import PdfReader

    reader = PdfReader(demo_batch.out_dir / "overview.pdf")
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2
    assert "季度督查总览" in "".join(reader.pages[0].extract_text().split())


def test_one_browser_prints_many(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text('<!DOCTYPE html><html lang="zh"><meta charset="utf-8"><body>晋江市督查 &lt;b&gt;</body></html>',
                    encoding="utf-8")
    with Browser() as browser:
        for i in range(3):
            browser.print_pdf(page, tmp_path / f"p{i}.pdf")
    assert "晋江市督查<b>" in _text(tmp_path / "p2.pdf")
    assert not list(tmp_path.glob("*.part"))


def test_missing_browser_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JJ123_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(BrowserError) as info:
        find_chromium()
    assert info.value.missing
    assert "apt-get install chromium" in str(info.value) and "JJ123_CHROMIUM" in str(info.value)
    monkeypatch.delenv("JJ123_CHROMIUM")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BrowserError, match="chromium"):
        find_chromium()


def test_printer_pool_prints_in_parallel_and_fails_per_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = []
    for i in range(3):
        page = tmp_path / f"p{i}.html"
        page.write_text(f'<!DOCTYPE html><html lang="zh"><meta charset="utf-8"><body>第{i}份</body></html>',
                        encoding="utf-8")
        pages.append(page)
    printer = PrinterPool(tabs=2)
    printer.start()
    try:
        futures = [printer.submit(page, page.with_suffix(".pdf"), page.stem) for page in pages]
        futures.append(printer.submit(tmp_path / "missing.html", tmp_path / "missing.pdf", "missing"))
        seconds = [f.result() for f in futures[:3]]
        with pytest.raises(ReportStepError) as info:
            futures[3].result()
    finally:
        printer.close()
    assert all(s > 0 for s in seconds) and "第2份" in _text(tmp_path / "p2.pdf")
    assert info.value.step == "pdf" and str(info.value).startswith("生成 PDF 时出错：")
    assert not (tmp_path / "missing.pdf").exists()
    monkeypatch.setenv("JJ123_CHROMIUM", "/nonexistent/chromium")
    printer = PrinterPool()
    printer.start()  # no browser: nothing raises here, each PDF says what to install
    try:
        with pytest.raises(ReportStepError, match="apt-get install chromium"):
            printer.submit(pages[0], tmp_path / "x.pdf", "x").result()
    finally:
        printer.close()
