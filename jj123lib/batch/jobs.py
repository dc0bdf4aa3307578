"""Planning a batch: the output folder, one job per report or document, per-output fingerprints, the manifest.

A report's fingerprint covers the notebook, the template, the parameters, the library code and version, and
the data it reads as declared by its loaders (:mod:`jj123lib.core.inputs`): its view-model is computed while
planning, under a recorder, so an input no list names (the units file, a new ledger table) still counts. With
leaders' scores off a leader report counts only its own tasks' ledger rows and opinions
(:func:`jj123lib.reports.provenance.leader_scope`); the overview everything. The manifest lists each report's
declared inputs (``inputs``: kind, name, digest). A document's (:class:`DocumentJob`) covers what it shows:
the 通报 everything, a 督办单 its item and its task's rows, the 催报通知 the overdue units; each with its 文号
and date and the code.
The manifest records, per output (``html_fingerprint``, ``pdf_fingerprint``, ``docx_fingerprint``),
the fingerprint of the inputs it was made from, so an output is reused only when it is current and
present. Planning imports no notebook machinery: a rerun with nothing changed stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jj123lib.core.atomic import atomic_write
from jj123lib.core.clock import china_today
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.inputs import InputRecorder, record_view
from jj123lib.core.outdir import MANIFEST, read_manifest
from jj123lib.core.version import __version__
from jj123lib.ledger.fingerprint import code_fingerprint
from jj123lib.ledger.memo import steady_ledgers
from jj123lib.render.notebook_html import html_title, template_fingerprint

if TYPE_CHECKING:  # pragma: no cover
    from datetime import date

    import pandas as pd

    from jj123lib.documents.content import DocumentMaker
    from jj123lib.domain.rules import Rules

__all__ = ["FORMATS", "REPORT_FORMATS", "MANIFEST", "INDEX", "NOTEBOOKS", "REPORTS_ROOT", "DEMO_SUBDIR", "Entry",
           "ReportJob", "DocumentJob", "Work", "DocumentWork", "default_out_dir", "check_out_dir", "plan_jobs",
           "plan_documents", "entry_key", "document_key", "load_manifest", "load_documents", "up_to_date",
           "new_entry", "new_document_entry", "decide", "decide_documents", "merge_entries", "merge_documents",
           "write_manifest", "deadline_state", "digest", "report_inputs"]

FORMATS = ("html", "pdf", "docx")
REPORT_FORMATS = ("html", "pdf")  # the notebook reports' formats; docx is the documents'
DOCX = "docx"
INDEX = "index.html"
NOTEBOOKS = {"leader": "leader_report.ipynb", "overview": "quarterly_overview.ipynb", "annual": "annual_review.ipynb"}
REPORTS_ROOT = Path("reports")
DEMO_SUBDIR = "demo"
MANIFEST_SCHEMA = 2  # 2: "documents" (the Word documents) beside "reports"

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
    inputs: list[dict[str, str]] = field(default_factory=list)  # declared inputs: kind, name, digest

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
    previous = read_manifest(out).get("demo")
    if isinstance(previous, bool) and previous != demo:
        kind = "示例数据" if previous else "真实数据"
        raise ParameterError("out", str(out),
                             hint=f"该目录已有{kind}生成的报告，示例数据与真实数据的报告不能混放，请换一个输出目录")


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the parts, each ended by a NUL (so ("ab", "c") and ("a", "bc") differ)."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part.encode() if isinstance(part, str) else part)
        sha.update(b"\0")
    return sha.hexdigest()


def deadline_state(quarter: str, rules: Mapping[str, Any] | None = None, day: date | None = None) -> str:
    """Ratings turn 未到报送期 into 未报送 once the quarter's deadline passes (on ``day``, the reads' day; default
    today): a report made before then is stale."""
    from jj123lib.domain.quarters import report_deadline

    return "past-deadline" if (day or china_today()) > report_deadline(quarter, rules) else "before-deadline"


def report_inputs(kind: str, quarter: str, data_dir: str | os.PathLike[str], leader: str | None, rules: Rules,
                  units: str | os.PathLike[str] | None = None) -> tuple[InputRecorder, str]:
    """The inputs a quarterly report's view-model reads (its lazy parts too), as its notebook builds it,
    and the failure's text should it fail (:func:`jj123lib.core.inputs.record_view`)."""
    from jj123lib.reports.leader import leader_report_data
    from jj123lib.reports.overview import overview_data

    if kind == "leader" and leader is not None:
        return record_view(lambda: leader_report_data(leader, quarter, data_dir, rules=rules, units=units))
    return record_view(lambda: overview_data(quarter, data_dir, rules=rules, units=units))


def plan_jobs(quarter: str, data_dir: Path, out_dir: Path, leaders: Sequence[str], notebook_dir: Path,
              timeout: int, *, rules: Rules | None = None, tasks: pd.DataFrame | None = None,
              units_file: Path | None = None) -> list[ReportJob]:
    """One job per leader, then the overview, each with the fingerprint of the inputs it reads.

    Each report's view-model is computed here under a recorder (:func:`report_inputs`): its fingerprint
    covers every input its loaders declared (files, ledger reads), so none can be forgotten. With leaders'
    scores off a leader report shows its own tasks only, so its ledger rows and opinions count within its
    scope (:func:`jj123lib.reports.provenance.leader_scope`); the overview counts everything. Each job hands
    its kernel the rules file's path as the notebooks' ``rules`` parameter (and ``units_file`` as ``units``).
    """
    # Lazy for start-up speed: pypinyin (slugs) and pandas (tasks) take ~1 s to import, and a batch
    # that renders everything starts its workers before paying for them.
    from jj123lib.core.slugs import unique_slugs
    from jj123lib.domain.rules import load_rules
    from jj123lib.domain.tasks import leaders as all_leaders
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.ledger.store import Ledger
    from jj123lib.reports.provenance import leader_scope, owned_items, show_leader_scores

    rules = load_rules() if rules is None else rules
    table = load_tasks() if tasks is None else tasks
    day = china_today(Ledger(data_dir).moment())  # the reads' day: a demo folder's story, a run's --as-of
    common = digest(code_fingerprint(), template_fingerprint(), __version__, deadline_state(quarter, rules, day))
    scores = show_leader_scores(rules)
    items = {} if scores else owned_items(data_dir)
    slugs = unique_slugs(all_leaders(table))
    jobs: list[ReportJob] = []
    specs: list[tuple[str, str | None]] = [("leader", name) for name in leaders] + [("overview", None)]
    with steady_ledgers():  # one ledger read for every report's memo keys
        for kind, leader in specs:
            notebook = (notebook_dir / NOTEBOOKS[kind]).resolve()
            if not notebook.is_file():
                raise ParameterError("notebook", str(notebook), hint="找不到报告笔记本")
            params = {"quarter": quarter, "data_dir": str(data_dir)}
            if leader is not None:
                params["leader"] = leader
            scope = None if leader is None or scores else leader_scope(
                leader, table.loc[table["leader"] == leader, "task_id"], items)
            recorder, failure = report_inputs(kind, quarter, data_dir, leader, rules, units_file)
            data = digest(recorder.fingerprint(scope), failure)
            fp = digest(common, data, notebook.read_bytes(), json.dumps(params, ensure_ascii=False, sort_keys=True))
            params["rules"] = str(rules.path)  # the declared inputs above cover the file (path and content)
            if units_file is not None:
                params["units"] = str(units_file)
            jobs.append(ReportJob(kind=kind, leader=leader, name=slugs[leader] if leader else "overview",
                                  title=html_title(kind, quarter, leader), notebook=str(notebook),
                                  out_dir=str(out_dir.resolve()), parameters=params, fingerprint=fp, timeout=timeout,
                                  inputs=recorder.listing(scope)))
    return jobs


@dataclass
class DocumentJob:
    """One Word document to build (in the main process: python-docx takes milliseconds a document)."""

    kind: str  # bulletin | duban | cuibao (jj123lib.documents.content.DOCUMENT_KINDS)
    name: str  # file stem: "bulletin", "cuibao", or the 督办 item's ID
    title: str
    out_dir: str  # absolute path
    fingerprint: str
    item: str | None = None  # the 督办 item's ID

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.item}" if self.item else self.kind

    @property
    def docx(self) -> str:
        return f"{self.name}.docx"


def document_key(entry: Entry) -> str:
    """The key of a manifest document entry, as :attr:`DocumentJob.key`."""
    return f"{entry['kind']}:{entry['item']}" if entry.get("item") else str(entry["kind"])


def plan_documents(maker: DocumentMaker, out_dir: Path, *, data_fp: str, digests: dict[str, str]) -> list[DocumentJob]:
    """The 通报, the 催报通知 when a unit is overdue, one 督办单 per open 督办事项, with their fingerprints.

    The 通报 shows everything (every row, the units' groups, overdue 督办 on the day); a 督办单 its item
    and its task's rows; the 催报通知 the overdue units as listed on the day. Each also covers its
    文号, date and demo mark, the code and the version.
    """
    from jj123lib.core.files import content_digest
    from jj123lib.core.yamlio import MAX_YAML_BYTES
    from jj123lib.domain.units import default_units_path
    from jj123lib.reports.provenance import rules_and_tasks_digest, tasks_fingerprint

    quarter, out = maker.quarter, str(out_dir.resolve())
    code = digest(code_fingerprint(), __version__, quarter, str(maker.demo))
    units_path = Path(maker.units_file) if maker.units_file is not None else default_units_path()
    units = content_digest(units_path, MAX_YAML_BYTES, "单位分组文件")  # in chunks, bounded
    jobs = [DocumentJob("bulletin", "bulletin", maker.title("bulletin"), out,
                        digest("bulletin", code, data_fp, units, repr(maker.stamp("bulletin")),
                                maker.as_of.isoformat()))]
    if len(maker.overdue):
        overdue = maker.overdue.to_json(orient="records", force_ascii=False)
        jobs.append(DocumentJob("cuibao", "cuibao", maker.title("cuibao"), out,
                                digest("cuibao", code, overdue, repr(maker.stamp("cuibao")))))
    static = rules_and_tasks_digest(maker.rules)
    for item, task_id in zip(maker.items["id"], maker.items["task_id"]):
        fp = digest("duban", code, static, str(item), tasks_fingerprint(digests, [str(task_id)]),
                     repr(maker.stamp("duban", str(item))))
        jobs.append(DocumentJob("duban", str(item), maker.title("duban", str(item)), out, fp, item=str(item)))
    return jobs


def load_manifest(out_dir: Path) -> dict[str, Entry]:
    """The entries of ``out_dir/manifest.json`` by key; empty when there is none or it is unreadable."""
    try:
        return {entry_key(r): r for r in read_manifest(out_dir)["reports"]}
    except (KeyError, TypeError, AttributeError):
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
        "inputs": job.inputs,  # what the fingerprint covers: each declared input's kind, name and digest
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


def load_documents(out_dir: Path) -> dict[str, Entry]:
    """The document entries of ``out_dir/manifest.json`` by key; empty when there are none."""
    try:
        return {document_key(d): d for d in read_manifest(out_dir).get("documents") or []}
    except (KeyError, TypeError, AttributeError):
        return {}


def new_document_entry(job: DocumentJob, old: Entry | None) -> Entry:
    """The manifest entry of a document, keeping what its last entry knew about its file."""
    base: Entry = {
        "kind": job.kind,
        "item": job.item,
        "title": job.title,
        "docx": job.docx,
        "status": "ok",
        "fingerprint": job.fingerprint,
        "seconds": 0.0,
        "error": None,
        "step": None,  # the step that failed: docx (building) or write_docx
        "rendered_at": None,
        "docx_fingerprint": None,  # the inputs the file on disk was made from
    }
    if old:
        for key in ("rendered_at", "seconds", "docx_fingerprint"):
            base[key] = old.get(key, base[key])
    return base


def _own_file(out_dir: Path, name: object) -> Path | None:
    """``out_dir/name`` for a plain file name from a manifest (never a path elsewhere)."""
    if not isinstance(name, str) or not name or Path(name).name != name or name.startswith("."):
        return None
    return out_dir / name


@dataclass
class DocumentWork:
    """The documents of a run: every planned document's entry, those to build, files no longer wanted."""

    entries: dict[str, Entry] = field(default_factory=dict)
    to_build: list[DocumentJob] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # keys of documents no longer planned (item closed…)


def decide_documents(jobs: Sequence[DocumentJob], old: dict[str, Entry], formats: Sequence[str], force: bool,
                     out_dir: Path) -> DocumentWork:
    """Skip or build each document. A .docx of older inputs, or of a document no longer planned (a closed
    督办 item, nobody overdue), is deleted, so it never sits beside current reports."""
    work = DocumentWork()
    for job in jobs:
        entry = new_document_entry(job, old.get(job.key))
        path = out_dir / job.docx
        current = entry["docx_fingerprint"] == job.fingerprint and path.is_file()
        if DOCX not in formats or (current and not force):
            if not current:
                path.unlink(missing_ok=True)
                entry["docx_fingerprint"] = None
            entry.update(status="skipped", seconds=0.0)
        else:
            work.to_build.append(job)
        work.entries[job.key] = entry
    for key, entry in old.items():
        if key not in work.entries:
            stale = _own_file(out_dir, entry.get("docx"))
            if stale is not None:
                stale.unlink(missing_ok=True)
            work.removed.append(key)
    return work


def merge_documents(entries: dict[str, Entry]) -> list[Entry]:
    """This run's document entries: the 通报, the 催报通知, then the 督办单 by ID; paths only of current files."""
    order = {"bulletin": 0, "cuibao": 1, "duban": 2}
    for entry in entries.values():
        entry["docx"] = entry["docx"] if entry["docx_fingerprint"] == entry["fingerprint"] else None
    return sorted(entries.values(), key=lambda e: (order.get(str(e["kind"]), 3), str(e.get("item") or "")))


def write_manifest(out_dir: Path, *, quarter: str | None, data_dir: Path, demo: bool, formats: Sequence[str],
                   generated_at: str, seconds: float, reports: list[Entry],
                   supervision: dict[str, int] | None = None, documents: list[Entry] | None = None,
                   year: int | None = None, publication: dict[str, str] | None = None) -> dict[str, Any]:
    """Write ``out_dir/manifest.json`` atomically; returns the document.

    ``supervision`` holds the counts of the supervision loop the index shows (催报, 督办, 待核实…);
    ``documents`` the Word documents (kind ``bulletin``, ``duban``, ``cuibao``, ``docx``, ``status``…);
    a year-end batch gives ``year`` (its ``quarter`` is None).
    """
    manifest: dict[str, Any] = {
        "schema": MANIFEST_SCHEMA,
        "generator": f"jj123 {__version__}",
        "quarter": quarter,
        "data_dir": data_dir.name,  # the folder by its name: no output names an absolute path
        "demo": demo,
        "formats": list(formats),
        "generated_at": generated_at,
        "seconds": round(seconds, 2),
        "reports": reports,
        "documents": documents or [],
    }
    if year is not None:
        manifest["year"] = year
    if publication is not None:  # published (with its day) or draft: the index says which
        manifest["publication"] = publication
    if supervision is not None:
        manifest["supervision"] = supervision
    atomic_write(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest
