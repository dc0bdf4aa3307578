"""Planning: one job per report, fingerprints that follow their inputs, per-output freshness, the manifest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.batch.jobs import (
    MANIFEST,
    ReportJob,
    check_out_dir,
    decide,
    entry_key,
    load_manifest,
    merge_entries,
    new_entry,
    plan_jobs,
    up_to_date,
    write_manifest,
)
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.resources import DEFAULT_RULES, NOTEBOOK_DIR

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary


@pytest.fixture(scope="module")
def jobs(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> list[ReportJob]:
    out = tmp_path_factory.mktemp("plan")
    return plan_jobs("2026Q3", demo_data.data_dir, out, ["陈丽蓉", "吴尊意"], NOTEBOOK_DIR, timeout=60)


def test_one_job_per_leader_then_the_overview(jobs: list[ReportJob]) -> None:
    assert [(j.kind, j.leader, j.name) for j in jobs] == [("leader", "陈丽蓉", "chen-lirong"),
                                                          ("leader", "吴尊意", "wu-zunyi"),
                                                          ("overview", None, "overview")]
    assert jobs[0].parameters == {"quarter": "2026Q3", "data_dir": jobs[2].parameters["data_dir"], "leader": "陈丽蓉",
                                  "rules": str(DEFAULT_RULES)}  # the kernel reads the batch's rules file
    assert "leader" not in jobs[2].parameters
    assert [j.key for j in jobs] == ["leader:陈丽蓉", "leader:吴尊意", "overview"]
    assert (jobs[1].html, jobs[1].pdf, jobs[1].ipynb) == ("wu-zunyi.html", "wu-zunyi.pdf", "notebooks/wu-zunyi.ipynb")
    assert len({j.fingerprint for j in jobs}) == 3


def test_fingerprints_follow_the_inputs(jobs: list[ReportJob], demo_data: DemoSummary, tmp_path: Path) -> None:
    again = plan_jobs("2026Q3", demo_data.data_dir, Path(jobs[0].out_dir), ["陈丽蓉"], NOTEBOOK_DIR, timeout=60)
    assert again[0].fingerprint == jobs[0].fingerprint and again[1].fingerprint == jobs[2].fingerprint
    other_quarter = plan_jobs("2026Q2", demo_data.data_dir, tmp_path, ["陈丽蓉"], NOTEBOOK_DIR, timeout=60)
    assert other_quarter[0].fingerprint != jobs[0].fingerprint
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, notebooks)
    edited = notebooks / "leader_report.ipynb"
    edited.write_bytes(edited.read_bytes().replace(b'"cells"', b'"cells" ', 1))
    changed = plan_jobs("2026Q3", demo_data.data_dir, tmp_path, ["陈丽蓉"], notebooks, timeout=60)
    assert changed[0].fingerprint != jobs[0].fingerprint and changed[1].fingerprint == jobs[2].fingerprint
    (notebooks / "quarterly_overview.ipynb").unlink()
    with pytest.raises(ParameterError, match="找不到报告笔记本"):
        plan_jobs("2026Q3", demo_data.data_dir, tmp_path, ["陈丽蓉"], notebooks, timeout=60)


def test_each_output_is_judged_by_its_own_fingerprint(jobs: list[ReportJob], tmp_path: Path) -> None:
    job = jobs[0]
    job = type(job)(**{**job.__dict__, "out_dir": str(tmp_path)})
    both = ["html", "pdf"]
    current = {"html_fingerprint": job.fingerprint, "pdf_fingerprint": job.fingerprint}
    assert up_to_date(job, None, both) == (False, False)
    assert up_to_date(job, current, both) == (False, False)  # no files yet
    (tmp_path / "notebooks").mkdir()
    for name in (job.html, job.ipynb, job.pdf):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert up_to_date(job, current, both) == (True, False)
    assert up_to_date(job, {**current, "pdf_fingerprint": "older"}, both) == (False, True)  # reprint only
    assert up_to_date(job, {**current, "pdf_fingerprint": "older"}, ["html"]) == (True, False)
    assert up_to_date(job, {**current, "html_fingerprint": "older"}, both) == (False, False)
    (tmp_path / job.pdf).unlink()
    assert up_to_date(job, current, both) == (False, True)


def test_entries_keep_what_the_last_run_knew(jobs: list[ReportJob]) -> None:
    fresh = new_entry(jobs[0], None)
    assert fresh["status"] == "ok" and fresh["html_fingerprint"] is None and entry_key(fresh) == "leader:陈丽蓉"
    old = {**fresh, "rendered_at": "2026-10-01T09:00:00+08:00", "pdf_fingerprint": "abc", "error": "old error"}
    kept = new_entry(jobs[0], old)
    assert kept["rendered_at"] == old["rendered_at"] and kept["pdf_fingerprint"] == "abc"
    assert kept["error"] is None and kept["step"] is None
    assert entry_key(new_entry(jobs[2], None)) == "overview"


def test_manifest_round_trip_and_unreadable_manifests(jobs: list[ReportJob], tmp_path: Path) -> None:
    entries = [new_entry(job, None) for job in jobs]
    written = write_manifest(tmp_path, quarter="2026Q3", data_dir=tmp_path, demo=True, formats=["html"],
                             generated_at="2026-10-01T09:00:00+08:00", seconds=1.234, reports=entries)
    assert json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8")) == written
    assert written["seconds"] == 1.23 and written["demo"] is True
    assert list(load_manifest(tmp_path)) == ["leader:陈丽蓉", "leader:吴尊意", "overview"]
    for broken in ("{", '{"reports": 3}', '{"reports": [{"kind": "leader"}]}', "[]"):
        (tmp_path / MANIFEST).write_text(broken, encoding="utf-8")
        assert load_manifest(tmp_path) == {}, broken


def test_demo_and_real_reports_never_share_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    check_out_dir(folder, demo=True)  # empty: fine for either
    (folder / MANIFEST).write_text('{"demo": true, "reports": []}', encoding="utf-8")
    check_out_dir(folder, demo=True)
    with pytest.raises(ParameterError, match="示例数据"):
        check_out_dir(folder, demo=False)


def test_decide_skips_reprints_or_renders_and_merge_keeps_other_reports(jobs: list[ReportJob], tmp_path: Path) -> None:
    moved = [type(j)(**{**j.__dict__, "out_dir": str(tmp_path)}) for j in jobs]
    chen, wu, overview = moved
    (tmp_path / "notebooks").mkdir()
    for job in (chen, wu):
        for name in (job.html, job.ipynb, job.pdf):
            (tmp_path / name).write_text("x", encoding="utf-8")
    fp = {"html_fingerprint": None, "pdf_fingerprint": None}
    old = {chen.key: {**new_entry(chen, None), "html_fingerprint": chen.fingerprint,
                      "pdf_fingerprint": chen.fingerprint},
           wu.key: {**new_entry(wu, None), "html_fingerprint": wu.fingerprint, "pdf_fingerprint": "older"},
           "leader:已调走": {**new_entry(wu, None), "leader": "已调走", **fp}}
    work = decide(moved, old, ["html", "pdf"], force=False)
    assert work.entries[chen.key]["status"] == "skipped"
    assert [j.key for j in work.pdf_only] == [wu.key] and [j.key for j in work.to_render] == [overview.key]
    assert [j.key for j in decide(moved, old, ["html", "pdf"], force=True).to_render] == [j.key for j in moved]
    html_only = decide(moved, old, ["html"], force=False)
    assert (tmp_path / chen.pdf).is_file() and not (tmp_path / wu.pdf).exists()  # the older PDF is gone
    assert html_only.entries[wu.key]["status"] == "skipped" and html_only.entries[wu.key]["pdf_fingerprint"] is None
    merged = merge_entries(old, html_only.entries, ["吴尊意", "陈丽蓉"])
    assert [e["leader"] for e in merged] == [None, "吴尊意", "陈丽蓉", "已调走"]
    assert merged[1]["html"] == wu.html and merged[1]["pdf"] is None  # a path only for a current output
    assert merged[0]["html"] is None  # the overview is yet to be rendered
