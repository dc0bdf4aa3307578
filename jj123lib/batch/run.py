"""``jj123 batch``: every leader's report, the quarterly overview and the Word documents, fast and incremental.

Pipeline per report: papermill executes the notebook in a worker process whose kernel stays
warm across notebooks (:mod:`jj123lib.batch.workers`, :mod:`jj123lib.render.execute`), the worker exports
the HTML with the project's template (:mod:`jj123lib.render.notebook_html`), and the main process prints the
PDF through ONE headless Chromium (:class:`jj123lib.render.pdf.PrinterPool`) as soon as the HTML is
there. Meanwhile the main process builds the Word documents (:mod:`jj123lib.documents.content`,
:mod:`jj123lib.documents.layout`: milliseconds each, so no worker is worth it). What to render and what to
skip is planned by :mod:`jj123lib.batch.jobs`; this module only orchestrates and writes
``manifest.json`` and ``index.html``.

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

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jj123lib.batch.jobs import (
    FORMATS,
    INDEX,
    MANIFEST,
    REPORT_FORMATS,
    DocumentJob,
    DocumentWork,
    Entry,
    ReportJob,
    check_out_dir,
    decide,
    decide_documents,
    default_out_dir,
    document_key,
    entry_key,
    load_documents,
    load_manifest,
    merge_documents,
    merge_entries,
    new_document_entry,
    plan_documents,
    plan_jobs,
    write_manifest,
)
from jj123lib.batch.workers import RenderOutcome, WorkerPool
from jj123lib.core.atomic import atomic_write, folder_lock, remove_stale_parts
from jj123lib.core.clock import china_now_iso, china_today
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import OutputBusyError, ParameterError, ReportStepError
from jj123lib.core.faults import fault_point
from jj123lib.core.log import record_incident, trace_of
from jj123lib.core.resources import NOTEBOOK_DIR
from jj123lib.domain.parameters import validate_data_dir, validate_leader, validate_quarter
from jj123lib.render.notebook_html import index_html, report_name, warm_index_template
from jj123lib.render.pdf import PrinterPool

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from jj123lib.documents.content import DocumentMaker

__all__ = ["BatchResult", "ReportJob", "run_batch", "default_out_dir", "record_failure", "FORMATS", "MANIFEST",
           "INDEX", "NOTEBOOK_DIR"]


@dataclass
class BatchResult:
    out_dir: Path
    manifest: Path
    index: Path
    reports: list[Entry] = field(default_factory=list)
    seconds: float = 0.0
    run_keys: list[str] = field(default_factory=list)  # reports considered by this run
    documents: list[Entry] = field(default_factory=list)
    document_keys: list[str] = field(default_factory=list)  # documents considered by this run

    @property
    def failed(self) -> list[Entry]:
        return [r for r in self.reports if r["status"] == "failed"]

    @property
    def failed_documents(self) -> list[Entry]:
        return [d for d in self.documents if d["status"] == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.failed_documents

    def count(self, status: str) -> int:
        """Reports of this run with ``status``."""
        return sum(1 for r in self.reports if r["status"] == status and entry_key(r) in self.run_keys)

    def count_documents(self, status: str) -> int:
        """Documents of this run with ``status``."""
        return sum(1 for d in self.documents if d["status"] == status and document_key(d) in self.document_keys)

    def summary(self) -> str:
        """Chinese summary naming each failure, its step and its cell."""
        rendered = self.count("ok")
        skipped = self.count("skipped")
        lines = [f"完成：生成 {rendered} 份，跳过（未变化）{skipped} 份，失败 {len(self.failed)} 份，"
                 f"用时 {self.seconds:.1f} 秒。"]
        for entry in self.failed:
            who = report_name(entry["kind"], entry["leader"])
            lines.append(f"  失败：{who}（{entry['notebook'] or entry['kind']}）：{entry['error']}")
        if self.document_keys:
            lines.append(f"公文（Word 文档）：生成 {self.count_documents('ok')} 份，"
                         f"跳过（未变化）{self.count_documents('skipped')} 份，失败 {len(self.failed_documents)} 份。")
        for entry in self.failed_documents:
            lines.append(f"  失败：{entry['title']}（{entry['docx'] or entry['kind']}）：{entry['error']}")
        lines.append(f"索引：{self.index}")
        return "\n".join(lines)


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
              timeout: int = 600) -> BatchResult:
    """Render the reports and documents of ``quarter``; see the module docstring. Returns a :class:`BatchResult`."""
    started = time.monotonic()
    q = validate_quarter(quarter)
    data = validate_data_dir(data_dir)
    demo = is_demo(data)
    wanted_formats = [f.strip() for f in formats if f.strip()]
    bad = [f for f in wanted_formats if f not in FORMATS]
    if bad or not wanted_formats:
        raise ParameterError("formats", ",".join(wanted_formats), list(FORMATS))
    # Named leaders are checked before anything is written; "all leaders" needs no check.
    named = list(dict.fromkeys(validate_leader(name) for name in leaders)) if leaders else None
    want_reports = any(f in REPORT_FORMATS for f in wanted_formats)
    out_dir = Path(out) if out is not None else default_out_dir(q, data)
    check_out_dir(out_dir, demo)
    # One batch per output folder at a time; under the lock, temp files of a killed run are cleared.
    with folder_lock(out_dir, wait=False) as locked:
        if not locked:
            raise OutputBusyError(str(out_dir))
        for folder in (out_dir, out_dir / "notebooks"):
            remove_stale_parts(folder)
        crash_point("batch.locked")
        n_jobs = max(1, int(jobs or default_jobs()))
        workers = WorkerPool()
        run = _Run(workers, "pdf" in wanted_formats, progress, data_dir=data)
        documents: DocumentWork | None = None
        try:
            if force and want_reports:  # everything renders: boot the workers and their kernels meanwhile
                workers.start(min(n_jobs, len(named) + 1) if named else n_jobs)
            # Lazy for start-up speed (pandas): the workers above boot meanwhile.
            from jj123lib.domain.rules import load_rules
            from jj123lib.domain.tasks import leaders as all_leaders
            from jj123lib.domain.tasks import load_tasks
            from jj123lib.ledger.fingerprint import data_fingerprint
            from jj123lib.reports.provenance import task_digests

            rules, tasks = load_rules(), load_tasks()  # read once for every job's plan
            chosen = named or all_leaders(tasks)
            out_dir.mkdir(parents=True, exist_ok=True)
            data_fp, digests = data_fingerprint(data), task_digests(data)
            notebooks = Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR
            plan = plan_jobs(q, data, out_dir, chosen, notebooks, timeout, data_fp=data_fp, digests=digests,
                             rules=rules, tasks=tasks) if want_reports else []
            old = load_manifest(out_dir)
            old_supervision = _old_supervision(out_dir)
            work = decide(plan, old, wanted_formats, force)
            old_documents = load_documents(out_dir)
            maker: DocumentMaker | None = None
            if named is None:  # documents are quarter-wide: a run for named leaders leaves them alone
                from jj123lib.documents.content import DocumentMaker

                maker = DocumentMaker(q, data, as_of=china_today(), demo=demo, rules=rules, tasks=tasks)
                try:
                    planned = plan_documents(maker, out_dir, data_fp=data_fp, digests=digests)
                except Exception as exc:  # noqa: BLE001 - the documents fail, the reports go on
                    documents = _unplanned_documents(q, exc, old_documents, wanted_formats, out_dir, data)
                    maker = None
                else:
                    documents = decide_documents(planned, old_documents, wanted_formats, force, out_dir)

            # What the index shows besides the reports (the quarter's ratings, the loop's counts), and its
            # template, prepared while the workers run rather than after the last report.
            rated: list[pd.DataFrame] = []
            counts: list[dict[str, int] | None] = []

            def meanwhile() -> None:
                if documents is not None and maker is not None:
                    _make_documents(documents.to_build, documents.entries, maker, data)
                rated.extend(_rate_for_index(q, data))
                counts.append(_supervision_counts(q, data))
                warm_index_template()

            if not work.empty:
                run.run(work.to_render, work.pdf_only, work.entries, n_jobs, meanwhile=meanwhile)
            elif documents is not None and maker is not None and documents.to_build:
                _make_documents(documents.to_build, documents.entries, maker, data)
        finally:
            run.close()

        merged = merge_entries(old, work.entries, all_leaders(tasks))
        doc_entries = merge_documents(documents.entries) if documents is not None else list(old_documents.values())
        result = BatchResult(out_dir=out_dir, manifest=out_dir / MANIFEST, index=out_dir / INDEX, reports=merged,
                             run_keys=list(work.entries), documents=doc_entries,
                             document_keys=list(documents.entries) if documents is not None else [])
        changed = (not work.empty or not result.index.is_file()
                   or (documents is not None and bool(documents.to_build or documents.removed
                                                      or _documents_differ(old_documents, doc_entries))))
        if changed:
            _attach_lights(merged, rated[0] if rated else next(iter(_rate_for_index(q, data)), None))
        result.seconds = time.monotonic() - started
        crash_point("batch.before_manifest")
        manifest = write_manifest(out_dir, quarter=q, data_dir=data, demo=demo, formats=wanted_formats,
                                  generated_at=_now(), seconds=result.seconds, reports=merged,
                                  supervision=(counts[0] if counts else _supervision_counts(q, data)) if changed
                                  else old_supervision,
                                  documents=doc_entries)
        if changed:
            atomic_write(result.index, index_html(manifest))
        return result


def record_failure(data_dir: Path | None, what: str, failure: ReportStepError, trace: str | None) -> ReportStepError:
    """Log a report's or document's failure with its traceback; its message gains the incident id and log file."""
    incident = record_incident(data_dir, f"{what} failed: {failure}", trace=trace)
    return ReportStepError(failure.step, f"{failure.cause}（{incident.zh()}）")


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
            _remove(path)  # never leave an old document looking current
            entry.update(status="failed", error=str(failure), step=failure.step, docx_fingerprint=None,
                         seconds=round(time.monotonic() - started, 2))
            continue
        entry.update(status="ok", error=None, step=None, docx_fingerprint=job.fingerprint,
                     seconds=round(time.monotonic() - started, 2), rendered_at=_now())


def _now() -> str:
    return china_now_iso()


class _SideWork:
    """``work`` in a thread of its own, so finished reports go to the printer while it runs.

    Daemon: an interrupted batch does not wait for it (its files are written atomically, and temp
    files of a killed run are cleared by the next one). :meth:`join` re-raises its exception.
    """

    def __init__(self, work: Callable[[], None]) -> None:
        self._work = work
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="jj123-meanwhile", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread by join()
            self._error = exc

    def join(self, reraise: bool = True) -> BaseException | None:
        """Wait for the work; its exception is raised, or with ``reraise`` false returned."""
        self._thread.join()
        if reraise and self._error is not None:
            raise self._error
        return self._error


class _Run:
    """One batch run: renders in the workers, prints as HTML arrives, records each report's outcome."""

    def __init__(self, workers: WorkerPool, want_pdf: bool, progress: bool, data_dir: Path | None = None) -> None:
        self.workers = workers
        self.data_dir = data_dir  # whose logs/jj123.log records each failure
        self.want_pdf = want_pdf
        self.progress = progress
        self.printer: PrinterPool | None = None

    def run(self, to_render: list[ReportJob], pdf_only: list[ReportJob], entries: dict[str, Entry],
            n_jobs: int, meanwhile: Callable[[], None] | None = None) -> None:
        """Render and print; ``meanwhile`` runs in a side thread once every job is submitted.

        Never raises for a report's failure; should the loop itself fail, every unfinished
        report is marked failed, so the manifest is complete either way.
        """
        from tqdm import tqdm  # lazy for start-up speed: only a run that renders shows a bar

        bar = tqdm(total=len(to_render) + len(pdf_only), file=sys.stderr, disable=not self.progress,
                   desc="生成报告", unit="份", leave=True, dynamic_ncols=True)
        rendering: dict[Future[RenderOutcome], ReportJob] = {}
        printing: dict[Future[float], tuple[ReportJob, float]] = {}
        unfinished = {job.key: job for job in [*to_render, *pdf_only]}

        def finish(job: ReportJob, seconds: float, failure: ReportStepError | None, html_good: bool,
                   pdf_good: bool = False, cell_index: int | None = None, trace: str | None = None) -> None:
            """Record a report's outcome; a failure with a ``trace`` is logged first (one without was already)."""
            entry = entries[job.key]
            if failure is not None and trace is not None:
                failure = record_failure(self.data_dir, f"report {job.name}", failure, trace)
            entry["html_fingerprint"] = job.fingerprint if html_good else None
            if pdf_good:
                entry["pdf_fingerprint"] = job.fingerprint
            elif not html_good or self.want_pdf:  # a PDF that failed, or that belongs to an HTML that did
                entry["pdf_fingerprint"] = None
            if failure is None:
                entry.update(status="ok", error=None, step=None, cell_index=None, fingerprint=job.fingerprint,
                             seconds=round(seconds, 2), rendered_at=_now())
            else:
                entry.update(status="failed", error=str(failure), step=failure.step, cell_index=cell_index,
                             seconds=round(seconds, 2))
            unfinished.pop(job.key, None)
            bar.update(1)
            bar.set_postfix_str(f"{report_name(job.kind, job.leader)} {entry['status']}", refresh=True)

        def print_pdf(job: ReportJob, before: float) -> None:
            if self.printer is None:
                finish(job, before, None, html_good=True)
                return
            out = Path(job.out_dir)
            try:
                printing[self.printer.submit(out / job.html, out / job.pdf, job.name)] = (job, before)
            except Exception as exc:  # noqa: BLE001 - the printer is gone: this report's PDF fails
                finish(job, before, ReportStepError.wrap("pdf", exc), html_good=True, trace=trace_of(exc))

        def rendered(job: ReportJob, future: Future[RenderOutcome]) -> None:
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails its report only
                outcome = RenderOutcome(seconds=0.0, failure=ReportStepError.wrap("worker", exc), trace=trace_of(exc))
            if outcome.failure is None:
                crash_point("batch.rendered")
                print_pdf(job, outcome.seconds)
                return
            out = Path(job.out_dir)
            for stale in (job.html, job.pdf):  # never leave an old report looking current
                _remove(out / stale)
            finish(job, outcome.seconds, outcome.failure, html_good=False, cell_index=outcome.cell_index,
                   trace=outcome.trace or "")

        def printed(job: ReportJob, future: Future[float], before: float) -> None:
            try:
                seconds = before + future.result()
                crash_point("batch.printed")
                finish(job, seconds, None, html_good=True, pdf_good=True)
            except Exception as exc:  # noqa: BLE001 - ReportStepError from the printer, or anything else
                finish(job, before, ReportStepError.wrap("pdf", exc), html_good=True, trace=trace_of(exc))

        side: _SideWork | None = None
        try:
            if to_render:
                self.workers.start(min(n_jobs, len(to_render)))
            for job in to_render:
                rendering[self.workers.submit(job)] = job
            # Chromium starts once the workers have their jobs: it is needed only when the first
            # HTML arrives, and booting it earlier would slow the kernels' start on a small machine.
            if self.want_pdf:
                self.printer = PrinterPool()
                self.printer.start()  # from this (main) thread, which outlives the browser
            crash_point("batch.submitted")
            for job in pdf_only:
                print_pdf(job, 0.0)
            if meanwhile is not None:
                side = _SideWork(meanwhile)
            while rendering or printing:
                waiting: list[Future[Any]] = [*rendering, *printing]
                done, _ = wait(waiting, return_when=FIRST_COMPLETED)
                for future in done:
                    if future in printing:
                        job, before = printing.pop(future)
                        printed(job, future, before)
                        continue
                    job = rendering.pop(future)
                    if not rendering:  # workers and kernels stop while the last PDFs print
                        self.workers.shutdown(wait=False)
                    rendered(job, future)
            if side is not None:
                side.join()
        except Exception as exc:  # noqa: BLE001 - a bug here must still leave a complete manifest
            lost = side.join(reraise=False) if side is not None else None  # complete before the manifest
            if lost is not None and lost is not exc:
                record_incident(self.data_dir, "the work beside the batch (documents, index) failed", lost)
            failure = record_failure(self.data_dir, "the batch loop", ReportStepError.wrap("batch", exc), trace_of(exc))
            for job in list(unfinished.values()):  # one incident for them all
                finish(job, 0.0, failure, html_good=False)
        finally:
            bar.close()

    def close(self) -> None:
        self.workers.shutdown(wait=True, cancel=True)
        if self.printer is not None:
            self.printer.close()
            self.printer = None


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _rate_for_index(quarter: str, data_dir: Path) -> list[pd.DataFrame]:
    """The quarter's ratings (one cheap pass) for the index's lights; empty if they cannot be had."""
    from jj123lib.assess.ratings import rate_quarter  # lazy for start-up speed: pandas

    try:
        return [rate_quarter(quarter, data_dir)]
    except Exception as exc:  # noqa: BLE001 - the index is still written, without the lights
        record_incident(data_dir, "the index's lights could not be had", exc)
        return []


def _supervision_counts(quarter: str, data_dir: Path) -> dict[str, int] | None:
    """Counts of the supervision loop for the index; None if they cannot be had (the index is still written)."""
    from jj123lib.loop.lists import load_supervision  # lazy for start-up speed: pandas

    try:
        loop = load_supervision(quarter, str(data_dir), china_today())
    except Exception as exc:  # noqa: BLE001 - the index is still written, without the counts
        record_incident(data_dir, "the index's supervision counts could not be had", exc)
        return None
    return {"cuibao": len(loop.cuibao), "duban": len(loop.duban),
            "duban_overdue": int((loop.duban["days_overdue"].fillna(0) > 0).sum()) if len(loop.duban) else 0,
            "awaiting": len(loop.awaiting), "coordination": len(loop.coordination), "flags": len(loop.flags)}


def _old_supervision(out_dir: Path) -> dict[str, int] | None:
    """The counts of the last run's manifest, kept when nothing re-rendered."""
    try:
        value = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")).get("supervision")
    except (OSError, ValueError, AttributeError):
        return None
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
