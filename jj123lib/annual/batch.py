"""``jj123 batch --year 2026``: the year-end review rendered as HTML, PDF and a .docx 年度考评通报.

The quarterly batch's pipeline (:mod:`jj123lib.batch.pipeline`) does the work: one
:class:`~jj123lib.batch.jobs.ReportJob` of kind ``annual`` (its period is the year) executes
``annual_review.ipynb`` in a warm worker and exports the HTML, the shared Chromium prints the PDF, and the
.docx (:mod:`jj123lib.annual.docx`) is built in this process meanwhile. ``manifest.json`` and ``index.html`` are
written as for a quarter.

Layout of ``<out>`` (default ``reports/<year>/``, or ``reports/demo/<year>/`` for demo data)::

    index.html  manifest.json  annual.html  annual.pdf  annual.docx  notebooks/annual.ipynb

Incremental: each output is skipped while the fingerprint it was made from (data, rules, code,
template, notebook, parameters, and the day's effect on the review — deadlines passed, 督办 overdue)
is current and its file exists. A failure of any step is recorded in the manifest with the step
named; the other outputs are still written, and the run reports it.
"""

from __future__ import annotations

import json
import os
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jj123lib.batch.jobs import (
    INDEX,
    MANIFEST,
    NOTEBOOKS,
    ReportJob,
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
    record_failure,
)
from jj123lib.batch.workers import WorkerPool
from jj123lib.core.atomic import atomic_write
from jj123lib.core.clock import china_today
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import ParameterError, ReportStepError
from jj123lib.core.log import trace_of
from jj123lib.core.resources import NOTEBOOK_DIR
from jj123lib.core.version import __version__
from jj123lib.domain.parameters import validate_data_dir, validate_year
from jj123lib.domain.rules import Rules, RulesPath, as_rules
from jj123lib.ledger.fingerprint import code_fingerprint, data_fingerprint
from jj123lib.render.notebook_html import html_title, template_fingerprint

if TYPE_CHECKING:
    from jj123lib.annual.review import AnnualReview

__all__ = ["ANNUAL_FORMATS", "DOCX", "annual_job", "run_annual_batch"]

ANNUAL_FORMATS = ("html", "pdf", "docx")
DOCX = "annual.docx"


def _day_effect(year: int, data_dir: Path, today: date, rules: Rules) -> str:
    """What the day changes in the review: which deadlines have passed and which open 督办 are overdue."""
    from jj123lib.domain.quarters import report_deadline, year_quarters
    from jj123lib.ledger.store import Ledger

    passed = [q for q in year_quarters(year) if today > report_deadline(q, rules)]
    overdue = Ledger(data_dir).query("SELECT id FROM duban WHERE status = 'open' AND due_date < ? ORDER BY id",
                                     (today.isoformat(),), ["id"])
    return json.dumps([passed, list(overdue["id"])], ensure_ascii=False)


def annual_job(year: int, data_dir: Path, out_dir: Path, notebook_dir: Path, timeout: int,
               today: date, rules: Rules, units_file: Path | None = None) -> ReportJob:
    """The one report job of a year-end batch, with the fingerprint of its inputs; its kernel gets the rules' path."""
    notebook = (notebook_dir / NOTEBOOKS["annual"]).resolve()
    if not notebook.is_file():
        raise ParameterError("notebook", str(notebook), hint="找不到年度考评笔记本")
    params = {"year": str(year), "data_dir": str(data_dir)}
    fingerprint = digest(data_fingerprint(data_dir, rules), code_fingerprint(), template_fingerprint(), __version__,
                          _day_effect(year, data_dir, today, rules), notebook.read_bytes(),
                          json.dumps(params, ensure_ascii=False, sort_keys=True))
    params["rules"] = str(rules.path)  # the data fingerprint above covers the file (path and content)
    if units_file is not None:
        params["units"] = str(units_file)
    return ReportJob(kind="annual", leader=None, name="annual", title=html_title("annual", str(year)),
                     notebook=str(notebook), out_dir=str(out_dir.resolve()), parameters=params,
                     fingerprint=fingerprint, timeout=timeout)


def _summary(result: AnnualReview) -> str:
    return "，".join(f"{outcome} {n}" for outcome, n in result.counts().items())


def run_annual_batch(year: object, *, formats: tuple[str, ...] | list[str] = ANNUAL_FORMATS, force: bool = False,
                     data_dir: str | os.PathLike[str] | None = None, out: str | os.PathLike[str] | None = None,
                     progress: bool = True, notebook_dir: str | os.PathLike[str] | None = None,
                     timeout: int = 600, rules: Rules | RulesPath | None = None,
                     units: str | os.PathLike[str] | None = None) -> BatchResult:
    """Render the year-end review of ``year``; see the module docstring. ``rules``, ``units`` as for ``run_batch``."""
    started = time.monotonic()
    y = validate_year(year)
    from jj123lib.domain.units import units_path  # lazy for start-up speed: pandas

    rule_set, units_file = as_rules(rules), units_path(units)
    data = validate_data_dir(data_dir)
    demo = is_demo(data)
    wanted = checked_formats(formats, ANNUAL_FORMATS)
    out_dir = Path(out) if out is not None else default_out_dir(str(y), data)
    with locked_output(out_dir, demo):
        out_dir.mkdir(parents=True, exist_ok=True)
        today = china_today()
        job = annual_job(y, data, out_dir, Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR, timeout, today,
                         rule_set, units_file)
        old = load_manifest(out_dir)
        page_formats = [f for f in wanted if f != "docx"] or ["html"]
        work = decide([job], old, page_formats, force)
        entry = work.entries[job.key]
        previous = old.get(job.key) or {}
        docx_current = (not force and previous.get("docx_fingerprint") == job.fingerprint
                        and (out_dir / DOCX).is_file())
        docx_failure: list[ReportStepError] = []
        summary: list[str] = []

        def make_docx() -> None:
            if "docx" not in wanted or docx_current:
                return
            try:
                from jj123lib.annual.docx import annual_docx
                from jj123lib.annual.review import annual_review

                result = annual_review(y, data, as_of=today, rules=rule_set, units_file=units_file)
                summary.append(_summary(result))
                atomic_write(out_dir / DOCX, annual_docx(result, demo=demo, issue_date=today))
            except Exception as exc:  # noqa: BLE001 - the HTML and PDF are still written
                (out_dir / DOCX).unlink(missing_ok=True)
                failure = ReportStepError.wrap("docx", exc)
                docx_failure.append(record_failure(data, f"year-end document {y}", failure, trace_of(exc)))

        run = RenderPipeline(WorkerPool(), "pdf" in wanted, progress, data_dir=data)
        try:
            if not work.empty:
                run.run(work.to_render, work.pdf_only, work.entries, 1, meanwhile=make_docx)
            else:
                make_docx()
        finally:
            run.close()
        if "docx" in wanted:
            entry["docx"], entry["docx_fingerprint"] = DOCX, None if docx_failure else job.fingerprint
        else:  # not made this run: an older document never sits beside newer pages
            entry["docx"], entry["docx_fingerprint"] = previous.get("docx"), previous.get("docx_fingerprint")
            if entry["docx_fingerprint"] != job.fingerprint:
                (out_dir / DOCX).unlink(missing_ok=True)
                entry["docx"] = entry["docx_fingerprint"] = None
        entry["summary"] = summary[0] if summary else previous.get("summary")
        if docx_failure:
            error = str(docx_failure[0])
            both = entry["status"] == "failed"
            entry.update(status="failed", error=f"{entry['error']}；{error}" if both else error,
                         step=entry["step"] if both else "docx")
        elif entry["status"] == "skipped" and not docx_current and "docx" in wanted:
            entry["status"] = "ok"  # the document was (re)made
        merged = merge_entries(old, work.entries, [])
        for item in merged:
            if item.get("docx") and item.get("docx_fingerprint") != item.get("fingerprint"):
                item["docx"] = None
        result = BatchResult(out_dir=out_dir, manifest=out_dir / MANIFEST, index=out_dir / INDEX, reports=merged,
                             run_keys=list(work.entries))
        changed = not work.empty or not docx_current or not result.index.is_file()
        return finish_batch(result, started, changed=changed, quarter=None, year=y, data_dir=data, demo=demo,
                            formats=wanted)
