"""`jj123 batch` writes the Word documents; after one unit's late form only what shows that unit re-renders.

One module fixture: a private copy of the demo data with its 督办 items removed and the quarter's
issued afresh, a full batch (HTML and .docx), a rerun of a copy with nothing changed, then one unit's
changed form ingested and a rerun of the first folder. The tests read what each run recorded.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from jj123lib.batch.jobs import document_key, entry_key
from jj123lib.batch.run import BatchResult, run_batch
from jj123lib.core import faults
from jj123lib.domain.tasks import load_tasks
from jj123lib.loop.duban import issue_duban
from tests.late_form import demo_copy, ingest_changed_form, without_duban

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]

TASKS = load_tasks()
UNIT = "住建局"  # lead unit of tasks under two leaders, co-unit under more: several reports show its rows
FORMATS = ["html", "docx"]  # the PDF step is the same for every report: tests/batch/test_batch.py covers it


@dataclass
class Runs:
    data: Path
    first: BatchResult
    first_manifest: dict[str, Any]  # as the first run wrote it (the late run rewrites the folder)
    first_index: str
    unchanged: BatchResult
    unchanged_out: Path
    mtimes: dict[Path, int]
    changed_tasks: set[str]  # the tasks whose rows the late form changed
    late: BatchResult


def _mtimes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.iterdir() if p.suffix in (".html", ".docx")}


@pytest.fixture(scope="module")
def runs(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("batch-docs")
    data = without_duban(demo_copy(demo_data.data_dir, root / "data"))  # the demo already issued Q2/Q3's
    assert issue_duban("2026Q3", data, by="督查室").created
    out = root / "2026Q3"
    first = run_batch("2026Q3", data_dir=data, out=out, progress=False, formats=FORMATS, jobs=2)
    first_manifest, first_index = _manifest(first), first.index.read_text(encoding="utf-8")
    unchanged_out = root / "unchanged"
    shutil.copytree(out, unchanged_out)
    mtimes = _mtimes(unchanged_out)
    unchanged = run_batch("2026Q3", data_dir=data, out=unchanged_out, progress=False, formats=FORMATS)
    changed = ingest_changed_form(data, UNIT, root / "late", lambda task: {"存在问题": f"补报：{task} 征迁有新困难"})
    late = run_batch("2026Q3", data_dir=data, out=out, progress=False, formats=FORMATS, jobs=2)
    return Runs(data, first, first_manifest, first_index, unchanged, unchanged_out, mtimes, changed, late)


def _manifest(result: BatchResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.manifest.read_text(encoding="utf-8"))
    return data


def test_documents_are_written_listed_and_linked(runs: Runs) -> None:
    assert runs.first.ok, runs.first.summary()
    documents = runs.first_manifest["documents"]
    kinds = [d["kind"] for d in documents]
    items = [d["item"] for d in documents if d["kind"] == "duban"]
    assert kinds[:2] == ["bulletin", "cuibao"] and kinds.count("bulletin") == kinds.count("cuibao") == 1
    assert items == sorted(items) and len(items) >= 5 and all(i.startswith("DB-2026Q3-") for i in items)
    index = runs.first_index
    for entry in documents:
        assert set(entry) >= {"kind", "docx", "status", "fingerprint", "error", "step"}
        assert entry["status"] == "ok" and entry["error"] is None and len(entry["fingerprint"]) == 64
        assert (runs.unchanged_out / entry["docx"]).is_file() and f'href="{entry["docx"]}"' in index
        if entry["kind"] == "duban":
            assert entry["docx"] == f"{entry['item']}.docx"
    assert "督查通报" in index and "催报通知" in index and "督办单 DB-2026Q3-001" in index
    assert f"公文（Word 文档）：生成 {len(documents)} 份，跳过（未变化）0 份，失败 0 份" in runs.first.summary()


def test_a_rerun_with_nothing_changed_skips_every_document(runs: Runs) -> None:
    assert runs.unchanged.ok
    assert {d["status"] for d in runs.unchanged.documents} == {"skipped"}
    assert {r["status"] for r in runs.unchanged.reports} == {"skipped"}
    assert runs.unchanged.count_documents("skipped") == len(runs.unchanged.documents)
    assert _mtimes(runs.unchanged_out) == runs.mtimes  # nothing rebuilt, the index left as it was


def test_a_late_form_re_renders_only_what_shows_the_unit(runs: Runs) -> None:
    assert runs.late.ok, runs.late.summary()
    tasks = TASKS[TASKS["task_id"].isin(runs.changed_tasks)]
    assert len(tasks) >= 2
    showing = {f"leader:{name}" for name in tasks["leader"]} | {"overview"}
    rendered = {entry_key(r) for r in runs.late.reports if r["status"] == "ok"}
    skipped = {entry_key(r) for r in runs.late.reports if r["status"] == "skipped"}
    assert rendered == showing and 1 < len(showing) < len(runs.late.reports)
    assert skipped == {entry_key(r) for r in runs.late.reports} - showing
    items = {d["item"]: d for d in _manifest(runs.late)["documents"] if d["kind"] == "duban"}
    first = {d["item"]: d for d in runs.first.documents if d["kind"] == "duban"}
    slips_showing = {item for item, task in _item_tasks(runs) if task in runs.changed_tasks}
    assert slips_showing, "the unit has an open 督办 item"
    rebuilt = {document_key(d) for d in runs.late.documents if d["status"] == "ok"}
    assert rebuilt == {"bulletin"} | {f"duban:{item}" for item in slips_showing}
    assert {d["status"] for d in runs.late.documents if document_key(d) not in rebuilt} == {"skipped"}
    for item in set(items) - slips_showing:  # the other slips: same file, same inputs
        assert items[item]["docx_fingerprint"] == first[item]["docx_fingerprint"]
    summary = runs.late.summary()
    assert f"生成 {len(showing)} 份，跳过（未变化）{len(skipped)} 份" in summary


def _item_tasks(runs: Runs) -> list[tuple[str, str]]:
    from jj123lib.ledger.store import Ledger

    frame = Ledger(runs.data).query("SELECT id, task_id FROM duban", (), ["id", "task_id"])
    return list(zip(frame["id"], frame["task_id"]))


def test_a_fault_in_one_document_fails_only_it(runs: Runs, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "copy"
    shutil.copytree(runs.unchanged_out, out)
    slips = sorted(d["item"] for d in runs.unchanged.documents if d["kind"] == "duban")
    build_victim, write_victim = slips[1], slips[2]
    monkeypatch.setenv(faults.FAULT_ENV, f"batch.build_docx@{build_victim},batch.write_docx@{write_victim}")
    result = run_batch("2026Q3", data_dir=runs.data, out=out, progress=False, formats=["docx"], force=True)
    assert not result.ok and result.failed == []  # the reports were not in this run
    by_item = {d["item"] or d["kind"]: d for d in _manifest(result)["documents"]}
    assert by_item[build_victim]["step"] == "docx" and "生成 Word 文档时出错" in by_item[build_victim]["error"]
    assert by_item[write_victim]["step"] == "write_docx"
    assert "写入 Word 文档时出错：磁盘空间已满" in by_item[write_victim]["error"]
    for victim in (build_victim, write_victim):
        assert by_item[victim]["status"] == "failed" and by_item[victim]["docx"] is None
        assert not (out / f"{victim}.docx").exists()  # the old file does not look current
    healthy = [d for key, d in by_item.items() if key not in (build_victim, write_victim)]
    assert healthy and {d["status"] for d in healthy} == {"ok"}
    assert all((out / d["docx"]).is_file() for d in healthy)
    index = result.index.read_text(encoding="utf-8")
    assert "写入 Word 文档时出错" in index and index.rstrip().endswith("</html>")
    assert len(_manifest(result)["reports"]) == 9  # the reports' entries are kept
    assert "失败 2 份" in result.summary()


def test_documents_that_cannot_be_planned_fail_alone(runs: Runs, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from jj123lib.documents.content import DocumentMaker

    out = tmp_path / "copy"
    shutil.copytree(runs.unchanged_out, out)

    def broken(self: DocumentMaker) -> None:
        raise RuntimeError("催报名单读取失败")

    monkeypatch.setattr(DocumentMaker, "overdue", property(broken))
    result = run_batch("2026Q3", data_dir=runs.data, out=out, progress=False, formats=FORMATS)
    assert [(d["kind"], d["status"], d["step"], d["docx"]) for d in result.documents] == [
        ("bulletin", "failed", "docx", None)]
    assert "生成 Word 文档时出错" in result.documents[0]["error"] and not result.ok
    assert not list(out.glob("*.docx"))  # no document of older inputs is left looking current
    assert result.failed == [] and "skipped" in {r["status"] for r in result.reports}  # the reports go on
    manifest = _manifest(result)
    assert manifest["documents"] == result.documents and "生成 Word 文档时出错" in result.index.read_text("utf-8")
