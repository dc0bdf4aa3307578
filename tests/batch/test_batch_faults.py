"""Failure isolation: a fault at any step of one report fails that report only, naming the step.

One batch of all 9 reports runs with a different fault injected into each of 7 leaders' reports
(``JJ123_FAULT_AT``, see :mod:`jj123lib.core.faults`; the notebook workers inherit it) and a browser
that answers one print with garbage. Every other report is written, and so are ``manifest.json``
and ``index.html``.
"""

from __future__ import annotations

import errno
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from jj123lib.batch.run import BatchResult, run_batch
from jj123lib.core import faults
from jj123lib.core.exceptions import ReportStepError, describe_cause
from jj123lib.core.outdir import MARKER, claim_output_dir
from jj123lib.render import pdf
from tests.core.test_log import incident_in
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.run import BatchResult
    from jj123lib.demo.generate import DemoSummary

pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]

MALFORMED_REPLY = "chen-yinghuang"
# (report, how the fault is made, the step named in the manifest, the Chinese words of the message)
FAULTS: tuple[tuple[str, str, str, str], ...] = (
    ("wu-zunyi", "batch.execute", "execute", "执行笔记本时出错"),
    ("chen-lirong", "batch.save_notebook", "save_notebook", "保存已执行的笔记本时出错：磁盘空间已满"),
    ("zhang-jianlong", "batch.html", "html", "导出 HTML 时出错"),
    ("wang-yefu", "batch.write_html", "write_html", "写入 HTML 时出错：磁盘空间已满"),
    ("chen-jinfu", "batch.pdf", "pdf", "生成 PDF 时出错"),
    ("chen-qingping", "batch.write_pdf", "write_pdf", "写入 PDF 时出错：磁盘空间已满"),
    (MALFORMED_REPLY, "malformed browser reply", "pdf", "浏览器返回的 PDF 数据无法解读"),
)
HEALTHY = ("wu-jingyu", "overview")


def _garbage_for(victim: str) -> Any:
    """``_Connection.call`` whose answer to printing ``<victim>.html`` is not base64."""
    real = pdf._Connection.call

    def call(self: pdf._Connection, method: str, params: dict[str, Any] | None = None,
             timeout: float | None = None) -> dict[str, Any]:
        result = real(self, method, params, timeout)
        if method == "Page.navigate":
            self.last_url = (params or {}).get("url", "")  # type: ignore[attr-defined]
        if method == "Page.printToPDF" and getattr(self, "last_url", "").endswith(f"/{victim}.html"):
            return {"data": "%% not a PDF in base64 %%"}
        return result

    return call


@pytest.fixture(scope="module")
def draft_data(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data before its publications: a draft quarter renders from (and logs into) this folder."""
    return demo_copy(demo_data.data_dir, tmp_path_factory.mktemp("faults-data") / "data")


@pytest.fixture(scope="module")
def faulty_batch(draft_data: Path, tmp_path_factory: pytest.TempPathFactory) -> BatchResult:
    out = claim_output_dir(tmp_path_factory.mktemp("faults") / "2026Q3", "batch")  # an earlier run's folder
    for name, *_ in FAULTS:  # outputs of an earlier run must not survive this run's failure
        (out / f"{name}.pdf").write_bytes(b"%PDF-1.4 old")
    spec = ",".join(f"{how}@{name}" for name, how, _, _ in FAULTS if how in faults.FAULT_POINTS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(faults.FAULT_ENV, spec)
        patch.setattr(pdf._Connection, "call", _garbage_for(MALFORMED_REPLY))
        return run_batch("2026Q3", data_dir=draft_data, out=out, progress=False, jobs=2)


def _by_report(reports: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(r["notebook"]).stem: r for r in reports}


# The documents' steps are exercised on 督办单 in tests/batch/test_batch_documents.py.
DOCUMENT_FAULTS = ("batch.build_docx", "batch.write_docx")


def test_every_fault_point_is_exercised() -> None:
    assert {how for _, how, _, _ in FAULTS} | set(DOCUMENT_FAULTS) >= set(faults.FAULT_POINTS)


@pytest.mark.parametrize(("name", "how", "step", "words"), FAULTS, ids=[f[0] for f in FAULTS])
def test_the_faulty_report_fails_naming_its_step(faulty_batch: BatchResult, name: str, how: str, step: str,
                                                 words: str) -> None:
    manifest = json.loads(faulty_batch.manifest.read_text(encoding="utf-8"))
    entry = _by_report(manifest["reports"])[name]
    assert entry["status"] == "failed" and entry["step"] == step
    assert words in entry["error"], entry["error"]
    assert entry["pdf"] is None and not (faulty_batch.out_dir / f"{name}.pdf").exists()
    html_made = step in ("pdf", "write_pdf")  # the HTML was good before the PDF step failed: kept and linked
    assert (entry["html"] == f"{name}.html") == html_made
    assert (faulty_batch.out_dir / f"{name}.html").is_file() == html_made
    index = faulty_batch.index.read_text(encoding="utf-8")
    assert (f'href="{name}.html"' in index) == html_made
    assert entry["error"].split("：")[0] in index  # the index says what went wrong


@pytest.mark.parametrize("name", [f[0] for f in FAULTS])
def test_the_traceback_is_in_the_log_the_message_names(faulty_batch: BatchResult, draft_data: Path,
                                                      name: str) -> None:
    manifest = json.loads(faulty_batch.manifest.read_text(encoding="utf-8"))
    incident, log_file = incident_in(_by_report(manifest["reports"])[name]["error"])
    assert log_file == draft_data / "logs" / "jj123.log"
    records = re.split(r"\n(?=\d{4}-\d\d-\d\dT)", log_file.read_text(encoding="utf-8"))
    [record] = [r for r in records if f"[{incident}]" in r]
    assert f"[{incident}] report {name} failed" in record
    assert "Traceback (most recent call last)" in record, record
    assert incident in faulty_batch.summary()


def test_the_other_reports_and_the_manifest_are_complete(faulty_batch: BatchResult) -> None:
    assert not faulty_batch.ok and len(faulty_batch.failed) == len(FAULTS)
    manifest = json.loads(faulty_batch.manifest.read_text(encoding="utf-8"))
    by_report = _by_report(manifest["reports"])
    assert len(by_report) == 9 and set(by_report) == {f[0] for f in FAULTS} | set(HEALTHY)
    for name in HEALTHY:
        entry = by_report[name]
        assert entry["status"] == "ok" and entry["error"] is None and entry["step"] is None
        assert (faulty_batch.out_dir / f"{name}.html").is_file() and (faulty_batch.out_dir / f"{name}.pdf").is_file()
    index = faulty_batch.index.read_text(encoding="utf-8")
    assert index.rstrip().endswith("</html>") and "其中 7 份生成失败" in index
    summary = faulty_batch.summary()
    assert "失败 7 份" in summary and all(words in summary for *_, words in FAULTS)
    leftovers = [p.name for p in faulty_batch.out_dir.rglob(".*") if p.name not in (".lock", MARKER)]
    assert leftovers == []


def test_a_rerun_redoes_only_what_failed(faulty_batch: BatchResult, draft_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(faulty_batch.out_dir, out)
    healthy_mtimes = {name: (out / f"{name}.html").stat().st_mtime_ns for name in HEALTHY}
    # Only the PDF-step failures keep their HTML: reprint them without executing anything.
    result = run_batch("2026Q3", ["陈进福", "陈清平", "吴靖宇"], data_dir=draft_data, out=out,
                       progress=False, formats=["html", "pdf"])
    by_report = _by_report(result.reports)
    assert result.count("skipped") == 2  # 吴靖宇 and the overview
    assert {by_report[name]["status"] for name in ("chen-jinfu", "chen-qingping")} == {"ok"}
    assert (out / "chen-jinfu.pdf").is_file() and (out / "chen-qingping.pdf").is_file()
    assert {name: (out / f"{name}.html").stat().st_mtime_ns for name in HEALTHY} == healthy_mtimes
    assert by_report["wu-zunyi"]["status"] == "failed"  # not in this run: its entry stays


def test_index_is_written_when_the_ratings_fail(demo_batch: BatchResult, demo_data: DemoSummary, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import jj123lib.assess.ratings
    from jj123lib.core.inputs import is_recording

    out = tmp_path / "copy"
    shutil.copytree(demo_batch.out_dir, out)
    (out / "index.html").unlink()
    real = jj123lib.assess.ratings.rate_quarter

    def broken(*args: Any, **kwargs: Any) -> Any:
        if is_recording():  # planning computes the reports' data under a recorder: that pass reads fine
            return real(*args, **kwargs)
        raise RuntimeError("ratings broke")

    monkeypatch.setattr(jj123lib.assess.ratings, "rate_quarter", broken)
    result = run_batch("2026Q3", data_dir=demo_data.data_dir, out=out, progress=False)
    assert result.ok and result.count("skipped") == 9
    assert {d["status"] for d in result.documents} == {"skipped"} and result.documents  # unchanged: not rebuilt
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('href="') == 18 + len(result.documents) and index.rstrip().endswith("</html>")


def test_malformed_browser_replies_are_browser_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "p.html"
    page.write_text('<!DOCTYPE html><html lang="zh"><meta charset="utf-8"><body>督查</body></html>',
                    encoding="utf-8")
    real = pdf._Connection.call
    replies: list[Any] = [{"data": 42}, {}, {"data": "bm90IGEgcGRm"}]  # a number, nothing, base64 of "not a pdf"

    def call(self: pdf._Connection, method: str, params: dict[str, Any] | None = None,
             timeout: float | None = None) -> dict[str, Any]:
        result = real(self, method, params, timeout)
        return replies.pop(0) if method == "Page.printToPDF" else result

    monkeypatch.setattr(pdf._Connection, "call", call)
    with pdf.Browser() as browser:
        for _ in range(3):
            with pytest.raises(pdf.BrowserError, match="浏览器返回"):  # type: ignore[attr-defined]  # the exception as the module raises it
                browser.print_pdf(page, tmp_path / "p.pdf")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*"))


def test_system_errors_are_described_in_chinese() -> None:
    full = OSError(errno.ENOSPC, "No space left on device", "/reports/a.pdf")
    assert describe_cause(full) == "磁盘空间已满（/reports/a.pdf）"
    assert str(ReportStepError.wrap("write_pdf", full)) == "写入 PDF 时出错：磁盘空间已满（/reports/a.pdf）"
    assert str(ReportStepError.wrap("html", ValueError("bad"))) == "导出 HTML 时出错：ValueError: bad"
    with pytest.raises(ValueError):
        ReportStepError("nonsense", "x")


def test_step_errors_survive_the_trip_from_a_worker() -> None:
    import pickle

    error = ReportStepError("execute", "第 3 个单元格：ValueError: 故意失败")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.step, copy.cause, str(copy)) == (error.step, error.cause, str(error))
