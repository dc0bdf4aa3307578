"""Planning a batch: the output folder, one job per report, per-output fingerprints, the manifest.

A report's fingerprint covers the notebook, the template, the parameters, the data, the library
code and version. The manifest records, per output (``html_fingerprint``, ``pdf_fingerprint``),
the fingerprint of the inputs it was made from, so an output is reused only when it is current
and present. Planning imports no notebook machinery: a rerun with nothing changed stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jj123lib import __version__
from jj123lib.atomic import atomic_write
from jj123lib.clock import china_today
from jj123lib.datadir import is_demo
from jj123lib.exceptions import ParameterError
from jj123lib.fingerprint import code_fingerprint, data_fingerprint
from jj123lib.render import html_title, template_fingerprint

__all__ = ["FORMATS", "MANIFEST", "INDEX", "NOTEBOOKS", "REPORTS_ROOT", "DEMO_SUBDIR", "Entry", "ReportJob",
           "Work", "default_out_dir", "check_out_dir", "plan_jobs", "entry_key", "load_manifest", "up_to_date",
           "new_entry", "decide", "merge_entries", "write_manifest"]

FORMATS = ("html", "pdf")
MANIFEST = "manifest.json"
INDEX = "index.html"
NOTEBOOKS = {"leader": "leader_report.ipynb", "overview": "quarterly_overview.ipynb", "annual": "annual_review.ipynb"}
REPORTS_ROOT = Path("reports")
DEMO_SUBDIR = "demo"
MANIFEST_SCHEMA = 1

# One report's entry in manifest.json (a JSON object: kind, leader, html, pdf, status, fingerprint…).
Entry = dict[str, Any]


@dataclass
class ReportJob:
    """One report to render; plain data so it pickles to a worker process."""

    kind: str  # leader | overview | annual (the year-end review; its period is the year)
    leader: str | None
    name: str  # file stem: leader slug or "overview"
    title: str
    notebook: str  # absolute path
    out_dir: str  # absolute path
    parameters: dict[str, str]
    fingerprint: str
    timeout: int = 600

    @property
    def key(self) -> str:
        return f"leader:{self.leader}" if self.kind == "leader" else self.kind

    @property
    def html(self) -> str:
        return f"{self.name}.html"

    @property
    def pdf(self) -> str:
        return f"{self.name}.pdf"

    @property
    def ipynb(self) -> str:
        return f"notebooks/{self.name}.ipynb"


def entry_key(entry: Entry) -> str:
    """The key of a manifest entry, as :attr:`ReportJob.key`."""
    return f"leader:{entry['leader']}" if entry["kind"] == "leader" else str(entry["kind"])


def default_out_dir(quarter: str, data_dir: str | os.PathLike[str]) -> Path:
    """``reports/<quarter>`` for the office's data, ``reports/demo/<quarter>`` for demo data."""
    if is_demo(data_dir):
        return REPORTS_ROOT / DEMO_SUBDIR / quarter
    return REPORTS_ROOT / quarter


def check_out_dir(out: Path, demo: bool) -> None:
    """Demo and real reports never share a folder (nor the office's ``reports/<Q>`` places)."""
    resolved = out.resolve()
    demo_root = (REPORTS_ROOT / DEMO_SUBDIR).resolve()
    inside_demo = resolved == demo_root or demo_root in resolved.parents
    if inside_demo and not demo:
        raise ParameterError("out", str(out), hint="真实数据的报告不能写入 reports/demo/（该目录只放示例数据报告）")
    reports_root = REPORTS_ROOT.resolve()
    if demo and not inside_demo and (resolved == reports_root or reports_root in resolved.parents):
        raise ParameterError("out", str(out), hint="示例数据的报告只能写入 reports/demo/，不能与真实报告放在一起")
    try:
        previous = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("demo")
    except (OSError, ValueError, AttributeError):
        return
    if isinstance(previous, bool) and previous != demo:
        kind = "示例数据" if previous else "真实数据"
        raise ParameterError("out", str(out),
                             hint=f"该目录已有{kind}生成的报告，示例数据与真实数据的报告不能混放，请换一个输出目录")


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def plan_jobs(quarter: str, data_dir: Path, out_dir: Path, leaders: Sequence[str], notebook_dir: Path,
              timeout: int) -> list[ReportJob]:
    """One job per leader, then the overview, each with the fingerprint of its inputs."""
    # Lazy for start-up speed: pypinyin (slugs) and pandas (tasks) take ~1 s to import, and a batch
    # that renders everything starts its workers before paying for them.
    from jj123lib.deadlines import report_deadline
    from jj123lib.slugs import unique_slugs
    from jj123lib.tasks import leaders as all_leaders

    # Ratings turn 未到报送期 into 未报送 once the quarter's deadline passes: a report made before then is stale.
    due = "past-deadline" if china_today() > report_deadline(quarter) else "before-deadline"
    shared = _digest(data_fingerprint(data_dir), code_fingerprint(), template_fingerprint(), __version__, due)
    slugs = unique_slugs(all_leaders())
    jobs: list[ReportJob] = []
    specs: list[tuple[str, str | None]] = [("leader", name) for name in leaders] + [("overview", None)]
    for kind, leader in specs:
        notebook = (notebook_dir / NOTEBOOKS[kind]).resolve()
        if not notebook.is_file():
            raise ParameterError("notebook", str(notebook), hint="找不到报告笔记本")
        params = {"quarter": quarter, "data_dir": str(data_dir)}
        if leader is not None:
            params["leader"] = leader
        fp = _digest(shared, notebook.read_bytes(), json.dumps(params, ensure_ascii=False, sort_keys=True))
        jobs.append(ReportJob(kind=kind, leader=leader, name=slugs[leader] if leader else "overview",
                              title=html_title(kind, quarter, leader), notebook=str(notebook),
                              out_dir=str(out_dir.resolve()), parameters=params, fingerprint=fp, timeout=timeout))
    return jobs


def load_manifest(out_dir: Path) -> dict[str, Entry]:
    """The entries of ``out_dir/manifest.json`` by key; empty when there is none or it is unreadable."""
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {entry_key(r): r for r in data["reports"]}
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
        return {}


def up_to_date(job: ReportJob, old: Entry | None, formats: Sequence[str]) -> tuple[bool, bool]:
    """(all outputs current, HTML current but the PDF missing or stale).

    Each output is judged by the fingerprint of the inputs it was made from
    (``html_fingerprint``, ``pdf_fingerprint``), so a PDF left from older data is never
    taken for current, and a report whose PDF failed keeps its good HTML.
    """
    if not old or old.get("html_fingerprint") != job.fingerprint:
        return False, False
    out = Path(job.out_dir)
    if not (out / job.html).is_file() or not (out / job.ipynb).is_file():
        return False, False
    if "pdf" in formats and not (old.get("pdf_fingerprint") == job.fingerprint and (out / job.pdf).is_file()):
        return False, True
    return True, False


def new_entry(job: ReportJob, old: Entry | None) -> Entry:
    """The manifest entry of ``job``, keeping what its last entry knew about outputs still on disk."""
    base: Entry = {
        "kind": job.kind,
        "leader": job.leader,
        "title": job.title,
        "html": job.html,
        "pdf": job.pdf,
        "notebook": job.ipynb,
        "status": "ok",
        "fingerprint": job.fingerprint,
        "seconds": 0.0,
        "error": None,
        "step": None,  # the step that failed (a key of ReportStepError.STEPS)
        "cell_index": None,
        "rendered_at": None,
        "lights": None,
        "html_fingerprint": None,  # the inputs each output was made from
        "pdf_fingerprint": None,
    }
    if old:
        for key in ("rendered_at", "lights", "seconds", "html_fingerprint", "pdf_fingerprint"):
            base[key] = old.get(key, base[key])
    return base


@dataclass
class Work:
    """What a run does: every planned report's entry, the reports to render, those only to reprint."""

    entries: dict[str, Entry] = field(default_factory=dict)
    to_render: list[ReportJob] = field(default_factory=list)
    pdf_only: list[ReportJob] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.to_render or self.pdf_only)


def decide(jobs: Sequence[ReportJob], old: dict[str, Entry], formats: Sequence[str], force: bool) -> Work:
    """Skip, reprint or render each job. A PDF of older inputs is deleted when this run makes no PDF,
    so it never sits beside the new HTML."""
    work = Work()
    for job in jobs:
        current, needs_pdf = (False, False) if force else up_to_date(job, old.get(job.key), formats)
        entry = new_entry(job, old.get(job.key))
        if "pdf" not in formats and entry["pdf_fingerprint"] != job.fingerprint:
            (Path(job.out_dir) / job.pdf).unlink(missing_ok=True)
            entry["pdf_fingerprint"] = None
        if current:
            entry.update(status="skipped", seconds=0.0)
        elif needs_pdf:
            work.pdf_only.append(job)
        else:
            work.to_render.append(job)
        work.entries[job.key] = entry
    return work


def merge_entries(old: dict[str, Entry], entries: dict[str, Entry], leaders: Sequence[str]) -> list[Entry]:
    """This run's entries over the last manifest's, overview first, then ``leaders`` in order.

    Paths are kept only for outputs that are current; reports not in this run (other leaders with
    ``--leader``) keep their last entry, and leaders no longer in the task table come last.
    """
    for entry in entries.values():
        entry["html"] = entry["html"] if entry["html_fingerprint"] == entry["fingerprint"] else None
        entry["pdf"] = entry["pdf"] if entry["pdf_fingerprint"] == entry["fingerprint"] else None
    by_key = {**old, **entries}
    order = ["overview"] + [f"leader:{name}" for name in leaders]
    merged = [by_key[k] for k in order if k in by_key]
    return merged + [v for k, v in by_key.items() if k not in order]


def write_manifest(out_dir: Path, *, quarter: str | None, data_dir: Path, demo: bool, formats: Sequence[str],
                   generated_at: str, seconds: float, reports: list[Entry],
                   supervision: dict[str, int] | None = None, year: int | None = None) -> dict[str, Any]:
    """Write ``out_dir/manifest.json`` atomically; returns the document.

    ``supervision`` holds the counts of the supervision loop the index shows (催报, 督办, 待核实…);
    a year-end batch gives ``year`` (its ``quarter`` is None).
    """
    manifest: dict[str, Any] = {
        "schema": MANIFEST_SCHEMA,
        "generator": f"jj123 {__version__}",
        "quarter": quarter,
        "data_dir": str(data_dir),
        "demo": demo,
        "formats": list(formats),
        "generated_at": generated_at,
        "seconds": round(seconds, 2),
        "reports": reports,
    }
    if year is not None:
        manifest["year"] = year
    if supervision is not None:
        manifest["supervision"] = supervision
    atomic_write(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest
