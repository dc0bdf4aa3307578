"""``jj123 batch``: every leader's report, the quarterly overview and the Word documents, fast and incremental.

Pipeline per report (:mod:`jj123lib.batch.pipeline`, shared with the year-end batch): papermill executes the
notebook in a worker process whose kernel stays warm across notebooks (:mod:`jj123lib.batch.workers`,
:mod:`jj123lib.render.execute`), the worker exports the HTML with the project's template
(:mod:`jj123lib.render.notebook_html`), and the main process prints the PDF through ONE headless Chromium
(:class:`jj123lib.render.pdf.PrinterPool`) as soon as the HTML is there. Meanwhile the main process builds the
Word documents (:mod:`jj123lib.documents.content`, :mod:`jj123lib.documents.layout`: milliseconds each, so no
worker is worth it). What to render and what to skip is planned by :mod:`jj123lib.batch.jobs`; this module only
orchestrates.

Layout of ``<out>`` (default ``reports/<quarter>/``, or ``reports/demo/<quarter>/``
for demo data)::

    index.html              links to every report, each leader's lights at a glance
    manifest.json           one entry per report (kind, leader, html, pdf, status, fingerprint, seconds…)
                            and per document (kind, item, docx, status, fingerprint, error, step…)
    overview.html/.pdf      quarterly overview
    <slug>.html/.pdf        one per leader (slug = pinyin of the name)
    bulletin.docx           督查通报 (Word)
    cuibao.docx             催报通知, when a unit is past the deadline with nothing submitted
    DB-<quarter>-<nnn>.docx 督办单, one per open 督办事项
    notebooks/<name>.ipynb  executed notebooks, the record of each run

Documents are quarter-wide: a run for named leaders (``--leader``) leaves them as they are.

A report or document is skipped when the fingerprints of its outputs match its inputs and its files exist.
Files appear at their final paths only when complete. Any failure of one report or document, at any
step (execute, HTML export, PDF print or write, building or writing a .docx, a full disk, a malformed
browser reply), marks it ``failed`` with a Chinese message naming the step; the others are still written,
``manifest.json`` and ``index.html`` are always written, and the run exits non-zero.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jj123lib.batch.jobs import (
    FORMATS,
    INDEX,
    MANIFEST,
    REPORT_FORMATS,
    DocumentJob,
    DocumentWork,
    Entry,
    ReportJob,
    Work,
    decide,
    decide_documents,
    default_out_dir,
    document_key,
    load_documents,
    load_manifest,
    merge_documents,
    merge_entries,
    new_document_entry,
    plan_documents,
    plan_jobs,
)
from jj123lib.batch.pipeline import (
    BatchResult,
    RenderPipeline,
    checked_formats,
    finish_batch,
    locked_output,
    published_request,
    record_failure,
    remove_file,
)
from jj123lib.batch.workers import WorkerPool
from jj123lib.core.clock import (
    FROZEN_NOW_ENV,
    READ_AS_OF_ENV,
    china_now_iso,
    china_stamp,
    china_today,
    moment_label,
    read_moment,
)
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import LedgerError, ReportStepError
from jj123lib.core.faults import fault_point
from jj123lib.core.log import record_incident, trace_of
from jj123lib.core.outdir import read_manifest
from jj123lib.core.resources import NOTEBOOK_DIR
from jj123lib.documents.content import contact_notices
from jj123lib.domain.parameters import validate_data_dir, validate_leader, validate_quarter
from jj123lib.domain.rules import Rules, RulesPath, as_rules
from jj123lib.render.notebook_html import warm_index_template

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from docx.document import Document as DocxDocument

    from jj123lib.documents.content import DocumentMaker
    from jj123lib.ledger.publications import Publication

__all__ = ["BatchResult", "ReportJob", "run_batch", "as_of_request", "as_of_stamp",
           "published_document", "frozen_clock", "default_out_dir", "FORMATS", "MANIFEST", "INDEX", "NOTEBOOK_DIR"]


def default_jobs() -> int:
    """Notebook workers when ``--jobs`` is not given: one per two cores.

    Chromium's printing takes about as much CPU as a report's kernel, and every worker boots its own
    interpreter and kernel: on 2 cores one worker with 2 printing tabs is faster than two workers
    (docs/performance.md).
    """
    return max(1, (os.cpu_count() or 1) // 2)


def run_batch(quarter: str, leaders: Sequence[str] | None = None, *, jobs: int | None = None,
              formats: Sequence[str] = FORMATS, force: bool = False,
              data_dir: str | os.PathLike[str] | None = None, out: str | os.PathLike[str] | None = None,
              progress: bool = True, notebook_dir: str | os.PathLike[str] | None = None,
              timeout: int = 600, rules: Rules | RulesPath | None = None,
              units: str | os.PathLike[str] | None = None,
              publication: Publication | None = None, as_of: str | date | datetime | None = None) -> BatchResult:
    """Render the reports and documents of ``quarter``; see the module docstring. Returns a :class:`BatchResult`.

    ``rules``: the rules or their file (default: ``$JJ123_RULES``, else the packaged rules), read once here; its
    path reaches every kernel as the notebooks' ``rules`` parameter; ``units``, the units file, likewise.
    A published quarter (or ``publication``, while it is being published) renders from its snapshot, its
    rules and units, with the clock frozen at its moment (:func:`~jj123lib.batch.pipeline.published_request`);
    any other is a 草稿, read as of ``as_of`` (``--as-of DATE[THH:MM]``; default now, a demo folder: its story's
    clock), with the clock and every ledger read of the run at that moment (:func:`as_of_request`). A published
    quarter renders only as published: ``as_of`` on it is refused.
    """
    started = time.monotonic()
    checked = _validated(quarter, leaders, formats, data_dir, out, rules, units)
    request = published_request(checked, checked.quarter, publication)
    request = as_of_request(request, as_of)
    with frozen_clock(request.frozen_at, reads=request.reads_at), locked_output(request.out_dir, request.demo):
        n_jobs = max(1, int(jobs or default_jobs()))
        workers = WorkerPool()
        pipeline = RenderPipeline(workers, "pdf" in request.formats, progress, data_dir=request.data)
        try:
            if force and request.want_reports:  # everything renders: boot the workers and their kernels meanwhile
                workers.start(min(n_jobs, len(request.named) + 1) if request.named else n_jobs)
            plan = _plan(request, Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR, timeout, force)
            extras = _render(request, plan, pipeline, n_jobs)
        finally:
            pipeline.close()
        return _finish(request, plan, extras, started)


@dataclass
class _Request:
    """A batch run's arguments, checked."""

    quarter: str
    rules: Rules
    units_file: Path
    data: Path
    demo: bool
    formats: list[str]
    named: list[str] | None  # the leaders asked for; None for all of them
    want_reports: bool
    out_dir: Path
    publication: dict[str, str] = field(default_factory=lambda: {"status": "draft"})  # what the index says
    frozen_at: str | None = None  # a published quarter renders at its moment; a run --as-of at that one
    reads_at: bool = False  # every ledger read at ``frozen_at`` (a demo folder's too): a run --as-of


@dataclass
class _Plan:
    """What a batch run found and decided before rendering: reports, documents, the last run's manifest."""

    tasks: pd.DataFrame
    old: dict[str, Entry]
    old_supervision: dict[str, int] | None
    work: Work
    old_documents: dict[str, Entry]
    documents: DocumentWork | None = None
    maker: DocumentMaker | None = None


@dataclass
class _IndexExtras:
    """What the index shows besides the reports (the quarter's ratings, the loop's counts), when had meanwhile."""

    rated: list[pd.DataFrame] = field(default_factory=list)
    counts: list[dict[str, int] | None] = field(default_factory=list)


def _validated(quarter: str, leaders: Sequence[str] | None, formats: Sequence[str],
               data_dir: str | os.PathLike[str] | None, out: str | os.PathLike[str] | None,
               rules: Rules | RulesPath | None, units: str | os.PathLike[str] | None) -> _Request:
    """Check every argument before anything is written."""
    q = validate_quarter(quarter)
    from jj123lib.domain.units import units_path  # lazy for start-up speed: pandas

    rule_set, units_file = as_rules(rules), units_path(units)
    data = validate_data_dir(data_dir)
    demo = is_demo(data)
    wanted_formats = checked_formats(formats, FORMATS)
    # Named leaders are checked before anything is written; "all leaders" needs no check.
    named = list(dict.fromkeys(validate_leader(name) for name in leaders)) if leaders else None
    return _Request(quarter=q, rules=rule_set, units_file=units_file, data=data, demo=demo,
                    formats=wanted_formats, named=named,
                    want_reports=any(f in REPORT_FORMATS for f in wanted_formats),
                    out_dir=Path(out) if out is not None else default_out_dir(q, data))


def as_of_request(request: _Request, as_of: str | date | datetime | None) -> _Request:
    """``request`` read as of ``as_of`` (``None``: as it is, now); a published quarter's is refused in Chinese."""
    from jj123lib.ledger.store import Ledger

    if request.frozen_at is not None:
        if as_of is not None:
            found = request.publication
            raise LedgerError(f"{request.quarter} 已于 {found.get('day')} 封账发布，只按发布时的数据生成"
                              f"（数据截至 {found.get('as_of')}），不能另指定 --as-of；要查看其他时点的灯号，"
                              "请用 jj123 ratings --as-of")
        return replace(request, publication={**request.publication, "data_as_of": request.publication["as_of"]})
    stamp = as_of_stamp(request.data, as_of)
    label = moment_label(Ledger(request.data).moment() if stamp is None else datetime.fromisoformat(stamp))
    request = replace(request, publication={**request.publication, "data_as_of": label})
    return request if stamp is None else replace(request, frozen_at=stamp, reads_at=True)


def as_of_stamp(data_dir: str | os.PathLike[str], as_of: str | date | datetime | None) -> str | None:
    """The stamp a batch run ``--as-of`` freezes its clock and its reads at (:func:`frozen_clock`); ``None``: now."""
    from jj123lib.ledger.store import Ledger

    return None if as_of is None else china_stamp(read_moment(as_of, now=Ledger(data_dir).moment()))


@contextlib.contextmanager
def frozen_clock(moment: str | None, *, reads: bool = False) -> Iterator[None]:
    """The office's clock stands at ``moment`` (a stamp) for this process and the workers it starts; with
    ``reads``, every ledger read is at it too, a demo folder's included (:func:`jj123lib.core.clock.read_as_of`)."""
    if moment is None:
        yield
        return
    settings = {FROZEN_NOW_ENV: moment, **({READ_AS_OF_ENV: moment} if reads else {})}
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _plan(request: _Request, notebooks: Path, timeout: int, force: bool) -> _Plan:
    """Plan the reports and the documents against the last run's manifest."""
    # Lazy for start-up speed (pandas): the workers boot meanwhile.
    from jj123lib.domain.tasks import leaders as all_leaders
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.ledger.fingerprint import data_fingerprint
    from jj123lib.reports.provenance import task_digests

    q, data, out_dir = request.quarter, request.data, request.out_dir
    tasks = load_tasks()  # read once for every job's plan
    chosen = request.named or all_leaders(tasks)
    out_dir.mkdir(parents=True, exist_ok=True)
    data_fp, digests = data_fingerprint(data, request.rules), task_digests(data)
    jobs = plan_jobs(q, data, out_dir, chosen, notebooks, timeout, rules=request.rules, tasks=tasks,
                     units_file=request.units_file) if request.want_reports else []
    old = load_manifest(out_dir)
    plan = _Plan(tasks=tasks, old=old, old_supervision=_old_supervision(out_dir),
                 work=decide(jobs, old, request.formats, force), old_documents=load_documents(out_dir))
    if request.named is None:  # documents are quarter-wide: a run for named leaders leaves them alone
        _plan_documents(request, plan, force, data_fp, digests)
    return plan


def _plan_documents(request: _Request, plan: _Plan, force: bool, data_fp: str, digests: dict[str, str]) -> None:
    """Plan the quarter's documents into ``plan``; should their data be unreadable, one failed entry says why."""
    q, out_dir = request.quarter, request.out_dir
    maker = _document_maker(request, plan.tasks)
    try:
        planned = plan_documents(maker, out_dir, data_fp=data_fp, digests=digests)
    except Exception as exc:  # noqa: BLE001 - the documents fail, the reports go on
        plan.documents = _unplanned_documents(q, exc, plan.old_documents, request.formats, out_dir, request.data)
    else:
        plan.documents = decide_documents(planned, plan.old_documents, request.formats, force, out_dir)
        plan.maker = maker


def _document_maker(request: _Request, tasks: pd.DataFrame) -> DocumentMaker:
    """The quarter's documents as this run makes them: its data, rules and units, on its reads' day."""
    from jj123lib.documents.content import DocumentMaker
    from jj123lib.ledger.store import Ledger

    return DocumentMaker(request.quarter, request.data, as_of=china_today(Ledger(request.data).moment()),
                         demo=request.demo, rules=request.rules, tasks=tasks, units_file=request.units_file)


def published_document(quarter: str, kind: str, data_dir: str | os.PathLike[str] | None = None, *,
                       rules: Rules | RulesPath | None = None,
                       units: str | os.PathLike[str] | None = None) -> DocxDocument | None:
    """A published quarter's document (``kind``: bulletin, cuibao) as its batch makes it: from the snapshot, at
    the publication's moment, so byte for byte the published one; ``None`` when the quarter is not published."""
    from jj123lib.domain.tasks import load_tasks

    checked = _validated(quarter, None, ["docx"], data_dir, None, rules, units)
    request = published_request(checked, checked.quarter)
    if request.frozen_at is None:
        return None
    with frozen_clock(request.frozen_at):
        return _document_maker(request, load_tasks()).build(kind)


def _render(request: _Request, plan: _Plan, pipeline: RenderPipeline, n_jobs: int) -> _IndexExtras:
    """Render and print the reports; the documents and the index's extras are made meanwhile."""
    extras = _IndexExtras()
    documents, maker, q, data = plan.documents, plan.maker, request.quarter, request.data

    # The index's extras and its template are prepared while the workers run rather than after the last report.
    def meanwhile() -> None:
        if documents is not None and maker is not None:
            _make_documents(documents.to_build, documents.entries, maker, data)
        extras.rated.extend(_rate_for_index(q, data, request.rules, request.units_file))
        extras.counts.append(_supervision_counts(q, data, request.rules, request.units_file))
        warm_index_template()

    work = plan.work
    if not work.empty:
        pipeline.run(work.to_render, work.pdf_only, work.entries, n_jobs, meanwhile=meanwhile)
    elif documents is not None and maker is not None and documents.to_build:
        _make_documents(documents.to_build, documents.entries, maker, data)
    return extras


def _finish(request: _Request, plan: _Plan, extras: _IndexExtras, started: float) -> BatchResult:
    """Merge this run's entries into the manifest's and write it, with the index when something changed."""
    from jj123lib.domain.tasks import leaders as all_leaders

    q, data, out_dir, work, documents = request.quarter, request.data, request.out_dir, plan.work, plan.documents
    merged = merge_entries(plan.old, work.entries, all_leaders(plan.tasks))
    doc_entries = merge_documents(documents.entries) if documents is not None else list(plan.old_documents.values())
    result = BatchResult(out_dir=out_dir, manifest=out_dir / MANIFEST, index=out_dir / INDEX, reports=merged,
                         run_keys=list(work.entries), documents=doc_entries,
                         document_keys=list(documents.entries) if documents is not None else [],
                         notices=_opinion_notices(request, plan) + (  # the office's contact left empty
                             contact_notices(q, request.rules, demo=request.demo)
                             if documents is not None and "docx" in request.formats else []))
    changed = (not work.empty or not result.index.is_file()
               or (documents is not None and bool(documents.to_build or documents.removed
                                                  or _documents_differ(plan.old_documents, doc_entries))))
    rules, units_file = request.rules, request.units_file
    if changed:
        _attach_lights(merged, extras.rated[0] if extras.rated
                       else next(iter(_rate_for_index(q, data, rules, units_file)), None))
    supervision = ((extras.counts[0] if extras.counts else _supervision_counts(q, data, rules, units_file))
                   if changed else plan.old_supervision)
    return finish_batch(result, started, changed=changed, quarter=q, data_dir=data, demo=request.demo,
                        formats=request.formats, supervision=supervision, documents=doc_entries,
                        publication=request.publication)


def _opinion_notices(request: _Request, plan: _Plan) -> list[str]:
    """Leaders of this run whose 督查室意见 section shows an error instead (their reports are written)."""
    from jj123lib.domain.tasks import leaders as all_leaders
    from jj123lib.loop.opinions import read_opinions

    if not request.want_reports:
        return []
    read = read_opinions(request.data, request.quarter, plan.tasks)
    out = []
    for error in read.errors():
        whose = [name for name in request.named or all_leaders(plan.tasks)
                 if read.fault(name) is error]
        if whose:
            out.append(f"{'、'.join(whose)}的督查报告未含“督查室意见”（报告其余部分已生成）：{error}")
    return out


def _unplanned_documents(quarter: str, exc: Exception, old: dict[str, Entry], formats: Sequence[str],
                         out_dir: Path, data_dir: Path) -> DocumentWork:
    """The documents' data could not be read: one failed 通报 entry says why; older .docx files go."""
    from jj123lib.domain.quarters import quarter_label

    work = decide_documents([], old, formats, False, out_dir)
    failure = record_failure(data_dir, "planning the documents", ReportStepError.wrap("docx", exc), trace_of(exc))
    job = DocumentJob("bulletin", "bulletin", f"{quarter_label(quarter)}督查通报", str(out_dir.resolve()), "")
    entry = new_document_entry(job, None)
    entry.update(status="failed", error=str(failure), step=failure.step)
    work.entries[job.key] = entry
    return work


def _documents_differ(old: dict[str, Entry], new: list[Entry]) -> bool:
    """Whether the index's list of documents changes (a file dropped without a rebuild, say)."""
    return {k: v.get("docx") for k, v in old.items()} != {document_key(e): e.get("docx") for e in new}


def _make_documents(jobs: Sequence[DocumentJob], entries: dict[str, Entry], maker: DocumentMaker,
                    data_dir: Path) -> None:
    """Build and write each document; one document's failure, at either step, is its own."""
    from jj123lib.documents.layout import save_docx  # lazy: python-docx loads only when a document is made

    for job in jobs:
        started = time.monotonic()
        entry = entries[job.key]
        path = Path(job.out_dir) / job.docx
        try:
            try:
                fault_point("batch.build_docx", job.name)
                doc = maker.build(job.kind, job.item)
            except Exception as exc:  # noqa: BLE001 - any failure of this document's data or layout
                raise ReportStepError.wrap("docx", exc) from exc
            try:
                fault_point("batch.write_docx", job.name)
                save_docx(doc, path)
            except Exception as exc:  # noqa: BLE001 - a full disk, a folder gone…
                raise ReportStepError.wrap("write_docx", exc) from exc
        except ReportStepError as caught:
            failure = record_failure(data_dir, f"document {job.name}", caught, trace_of(caught))
            remove_file(path)  # never leave an old document looking current
            entry.update(status="failed", error=str(failure), step=failure.step, docx_fingerprint=None,
                         seconds=round(time.monotonic() - started, 2))
            continue
        entry.update(status="ok", error=None, step=None, docx_fingerprint=job.fingerprint,
                     seconds=round(time.monotonic() - started, 2), rendered_at=china_now_iso())


def _rate_for_index(quarter: str, data_dir: Path, rules: Rules, units_file: Path) -> list[pd.DataFrame]:
    """The quarter's lights from its one assessment, for the index; empty if they cannot be had."""
    from jj123lib.loop.assessment import assess_quarter  # lazy for start-up speed: pandas

    try:
        return [assess_quarter(quarter, data_dir, rules=rules, units_file=units_file).rated]  # the reads' moment
    except Exception as exc:  # noqa: BLE001 - the index is still written, without the lights
        record_incident(data_dir, "the index's lights could not be had", exc)
        return []


def _supervision_counts(quarter: str, data_dir: Path, rules: Rules, units_file: Path) -> dict[str, int] | None:
    """The loop's counts from the quarter's one assessment, for the index and manifest; None if they cannot be
    had (the index is still written)."""
    from jj123lib.loop.assessment import assess_quarter  # lazy for start-up speed: pandas

    try:
        return assess_quarter(quarter, data_dir, rules=rules,  # at the reads' moment
                              units_file=units_file).supervision_counts
    except Exception as exc:  # noqa: BLE001 - the index is still written, without the counts
        record_incident(data_dir, "the index's supervision counts could not be had", exc)
        return None


def _old_supervision(out_dir: Path) -> dict[str, int] | None:
    """The counts of the last run's manifest, kept when nothing re-rendered."""
    value = read_manifest(out_dir).get("supervision")
    return value if isinstance(value, dict) else None


def _attach_lights(entries: list[Entry], rated: pd.DataFrame | None) -> None:
    """Per-leader light summary for the index page."""
    if rated is None:
        return
    for entry in entries:
        if entry["kind"] != "leader":
            continue
        mine = rated[rated["leader"] == entry["leader"]]
        entry["lights"] = [{"task_id": r.task_id, "title": r.title, "light": r.light}
                           for r in mine.itertuples(index=False)]
