"""``jj123 batch --year 2026``: the year-end review rendered as HTML, PDF and a .docx 年度考评通报.

The quarterly batch's pipeline (:mod:`jj123lib.batch.pipeline`) does the work: one
:class:`~jj123lib.batch.jobs.ReportJob` of kind ``annual`` (its period is the year) executes
``annual_review.ipynb`` in a warm worker and exports the HTML, the shared Chromium prints the PDF, and the
.docx (:mod:`jj123lib.annual.docx`) is built in this process meanwhile. ``manifest.json`` and ``index.html`` are
written as for a quarter.

Layout of ``<out>`` (default ``reports/<year>/``, or ``reports/demo/<year>/`` for demo data)::

    index.html  manifest.json  annual.html  annual.pdf  annual.docx  notebooks/annual.ipynb

Incremental: each output is skipped while the fingerprint it was made from (the inputs the review's
loaders declared — rules, units, task table, ledger tables —, code, template, notebook, parameters, and the
day's effect on the review — deadlines passed, 督办 overdue) is current and its file exists. The manifest
lists the declared inputs. A failure of any step is recorded in the manifest with the step named; the other
outputs are still written, and the run reports it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jj123lib.batch.jobs import (
    INDEX,
    MANIFEST,
    NOTEBOOKS,
    Entry,
    ReportJob,
    Work,
    decide,
    default_out_dir,
    digest,
    load_manifest,
    merge_entries,
)
from jj123lib.batch.pipeline import (
    BatchResult,
    RenderPipeline,
    checked_formats,
    finish_batch,
    locked_output,
    published_request,
    record_failure,
)
from jj123lib.batch.run import as_of_stamp, frozen_clock
from jj123lib.batch.workers import WorkerPool
from jj123lib.core.atomic import atomic_write
from jj123lib.core.clock import china_today
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import LedgerError, ParameterError, ReportStepError
from jj123lib.core.inputs import record_view
from jj123lib.core.log import trace_of
from jj123lib.core.resources import NOTEBOOK_DIR
from jj123lib.core.version import __version__
from jj123lib.documents.content import contact_notices
from jj123lib.domain.parameters import validate_data_dir, validate_year
from jj123lib.domain.rules import Rules, RulesPath, as_rules
from jj123lib.ledger.fingerprint import code_fingerprint
from jj123lib.ledger.store import Ledger
from jj123lib.render.notebook_html import html_title, template_fingerprint

if TYPE_CHECKING:
    from jj123lib.annual.review import AnnualReview
    from jj123lib.ledger.publications import Publication

__all__ = ["ANNUAL_FORMATS", "DOCX", "annual_job", "run_annual_batch"]

ANNUAL_FORMATS = ("html", "pdf", "docx")
DOCX = "annual.docx"


def _day_effect(year: int, data_dir: Path, today: date, rules: Rules) -> str:
    """What the day changes in the review: which deadlines have passed, which 督办 are overdue and since when."""
    from jj123lib.domain.quarters import report_deadline, year_quarters
    from jj123lib.loop.duban import duban_items

    passed = [q for q in year_quarters(year) if today > report_deadline(q, rules)]
    items = duban_items(None, data_dir, as_of=today, rules=rules)
    overdue = [[str(i), str(since)] for i, since in zip(items["id"], items["overdue_since"]) if since]
    return json.dumps([passed, overdue], ensure_ascii=False)


def annual_job(year: int, data_dir: Path, out_dir: Path, notebook_dir: Path, timeout: int,
               today: date, rules: Rules, units_file: Path | None = None) -> ReportJob:
    """The one report job of a year-end batch, with the fingerprint of its inputs; its kernel gets the rules' path.

    The review's view-model is computed here under a recorder, as of ``today``: its fingerprint covers every
    input its loaders declared (:mod:`jj123lib.core.inputs`: the rules, the units' groups, the task table,
    each ledger table read), and the manifest lists them.
    """
    from jj123lib.annual.report import annual_review_data

    notebook = (notebook_dir / NOTEBOOKS["annual"]).resolve()
    if not notebook.is_file():
        raise ParameterError("notebook", str(notebook), hint="找不到年度考评笔记本")
    params = {"year": str(year), "data_dir": str(data_dir)}
    recorder, failure = record_view(lambda: annual_review_data(year, data_dir, as_of=today, rules=rules,
                                                               units=units_file))
    fingerprint = digest(recorder.fingerprint(), failure, code_fingerprint(), template_fingerprint(), __version__,
                         _day_effect(year, data_dir, today, rules), notebook.read_bytes(),
                         json.dumps(params, ensure_ascii=False, sort_keys=True))
    params["rules"] = str(rules.path)  # the declared inputs above cover the file (path and content)
    if units_file is not None:
        params["units"] = str(units_file)
    return ReportJob(kind="annual", leader=None, name="annual", title=html_title("annual", str(year)),
                     notebook=str(notebook), out_dir=str(out_dir.resolve()), parameters=params,
                     fingerprint=fingerprint, timeout=timeout, inputs=recorder.listing())


def _summary(result: AnnualReview) -> str:
    return "，".join(f"{outcome} {n}" for outcome, n in result.counts().items())


def run_annual_batch(year: object, *, formats: tuple[str, ...] | list[str] = ANNUAL_FORMATS, force: bool = False,
                     data_dir: str | os.PathLike[str] | None = None, out: str | os.PathLike[str] | None = None,
                     progress: bool = True, notebook_dir: str | os.PathLike[str] | None = None,
                     timeout: int = 600, rules: Rules | RulesPath | None = None,
                     units: str | os.PathLike[str] | None = None,
                     as_of: str | date | datetime | None = None,
                     publication: Publication | None = None) -> BatchResult:
    """Render the year-end review of ``year``; see the module docstring. ``rules``, ``units``, ``as_of`` (the clock
    and every ledger read at that moment) as for ``run_batch``.

    A published year (or ``publication``, while it is being published) renders from its snapshot, its rules and
    units, with the clock frozen at its moment, marked 已发布 (:func:`~jj123lib.batch.pipeline.published_request`);
    ``as_of`` is then refused.
    """
    started = time.monotonic()
    checked = _validated(year, formats, data_dir, out, rules, units)
    request = published_request(checked, str(checked.year), publication)
    if request.frozen_at is not None and as_of is not None:
        raise LedgerError(f"{request.year} 年度考评已于 {(request.publication or {}).get('day')} 发布，只按发布时的数据"
                          "生成，不能另指定 --as-of；要查看其他时点的考评，请用 jj123 annual --as-of")
    frozen_at, reads = ((request.frozen_at, False) if request.frozen_at is not None
                        else (as_of_stamp(request.data, as_of), True))
    with frozen_clock(frozen_at, reads=reads), locked_output(request.out_dir, request.demo, "annual"):
        plan = _plan(request, Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR, timeout, force)
        document = _YearDocument(request, plan)
        pipeline = RenderPipeline(WorkerPool(), "pdf" in request.formats, progress, data_dir=request.data)
        try:
            if not plan.work.empty:
                pipeline.run(plan.work.to_render, plan.work.pdf_only, plan.work.entries, 1, meanwhile=document.make)
            else:
                document.make()
        finally:
            pipeline.close()
        return _finish(request, plan, document, started)


@dataclass
class _Request:
    """A year-end batch's arguments, checked."""

    year: int
    rules: Rules
    units_file: Path
    data: Path
    demo: bool
    formats: list[str]
    out_dir: Path
    publication: dict[str, str] | None = None  # what the index says of a published year
    frozen_at: str | None = None  # a published year renders at its moment


@dataclass
class _Plan:
    """The year's one job, what to do with it, and its entry in the last run's manifest."""

    today: date
    job: ReportJob
    old: dict[str, Entry]
    work: Work
    previous: Entry
    docx_current: bool  # the .docx of the same inputs is there


def _validated(year: object, formats: Sequence[str], data_dir: str | os.PathLike[str] | None,
               out: str | os.PathLike[str] | None, rules: Rules | RulesPath | None,
               units: str | os.PathLike[str] | None) -> _Request:
    """Check every argument before anything is written."""
    y = validate_year(year)
    from jj123lib.domain.units import units_path  # lazy for start-up speed: pandas

    rule_set, units_file = as_rules(rules), units_path(units)
    data = validate_data_dir(data_dir)
    demo = is_demo(data)
    wanted = checked_formats(formats, ANNUAL_FORMATS)
    return _Request(year=y, rules=rule_set, units_file=units_file, data=data, demo=demo, formats=wanted,
                    out_dir=Path(out) if out is not None else default_out_dir(str(y), data))


def _plan(request: _Request, notebooks: Path, timeout: int, force: bool) -> _Plan:
    """The year's job against the last run's manifest: render, reprint or skip, and whether the .docx is current."""
    out_dir = request.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    today = china_today(Ledger.of(request.data).moment())  # a demo folder: its story's day
    job = annual_job(request.year, request.data, out_dir, notebooks, timeout, today, request.rules,
                     request.units_file)
    old = load_manifest(out_dir)
    page_formats = [f for f in request.formats if f != "docx"] or ["html"]
    work = decide([job], old, page_formats, force)
    previous = old.get(job.key) or {}
    docx_current = (not force and previous.get("docx_fingerprint") == job.fingerprint
                    and (out_dir / DOCX).is_file())
    return _Plan(today=today, job=job, old=old, work=work, previous=previous, docx_current=docx_current)


class _YearDocument:
    """The 年度考评通报 .docx, made beside the pages; :meth:`make` keeps its summary or its failure."""

    def __init__(self, request: _Request, plan: _Plan) -> None:
        self.request = request
        self.plan = plan
        self.failure: ReportStepError | None = None
        self.summary: str | None = None

    def make(self) -> None:
        request, today, path = self.request, self.plan.today, self.request.out_dir / DOCX
        if "docx" not in request.formats or self.plan.docx_current:
            return
        try:
            from jj123lib.annual.docx import annual_docx
            from jj123lib.annual.review import annual_review

            result = annual_review(request.year, request.data, as_of=today, rules=request.rules,
                                   units_file=request.units_file)
            self.summary = _summary(result)
            atomic_write(path, annual_docx(result, demo=request.demo, issue_date=today, rules=request.rules,
                                           units_file=request.units_file))
        except Exception as exc:  # noqa: BLE001 - the HTML and PDF are still written
            path.unlink(missing_ok=True)
            failure = ReportStepError.wrap("docx", exc)
            self.failure = record_failure(request.data, f"year-end document {request.year}", failure, trace_of(exc))


def _finish(request: _Request, plan: _Plan, document: _YearDocument, started: float) -> BatchResult:
    """Record the .docx in the year's entry, merge it into the manifest and write it, with the index when changed."""
    out_dir, job, previous = request.out_dir, plan.job, plan.previous
    entry = plan.work.entries[job.key]
    if "docx" in request.formats:
        entry["docx"], entry["docx_fingerprint"] = DOCX, None if document.failure else job.fingerprint
    else:  # not made this run: an older document never sits beside newer pages
        entry["docx"], entry["docx_fingerprint"] = previous.get("docx"), previous.get("docx_fingerprint")
        if entry["docx_fingerprint"] != job.fingerprint:
            (out_dir / DOCX).unlink(missing_ok=True)
            entry["docx"] = entry["docx_fingerprint"] = None
    entry["summary"] = document.summary if document.summary is not None else previous.get("summary")
    if document.failure is not None:
        error = str(document.failure)
        both = entry["status"] == "failed"
        entry.update(status="failed", error=f"{entry['error']}；{error}" if both else error,
                     step=entry["step"] if both else "docx")
    elif entry["status"] == "skipped" and not plan.docx_current and "docx" in request.formats:
        entry["status"] = "ok"  # the document was (re)made
    merged = merge_entries(plan.old, plan.work.entries, [])
    for item in merged:
        if item.get("docx") and item.get("docx_fingerprint") != item.get("fingerprint"):
            item["docx"] = None
    result = BatchResult(out_dir=out_dir, manifest=out_dir / MANIFEST, index=out_dir / INDEX, reports=merged,
                         run_keys=list(plan.work.entries),
                         notices=contact_notices(f"{request.year}Q4", request.rules, demo=request.demo)
                         if "docx" in request.formats else [])
    changed = not plan.work.empty or not plan.docx_current or not result.index.is_file()
    return finish_batch(result, started, changed=changed, quarter=None, year=request.year, data_dir=request.data,
                        demo=request.demo, formats=request.formats, publication=request.publication)
