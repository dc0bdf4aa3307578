"""The render-and-print pipeline shared by the quarterly batch (:mod:`jj123lib.batch.run`) and the year-end
batch (:mod:`jj123lib.annual.batch`), with the opening and the closing every batch run shares.

Opening: :func:`checked_formats`, :func:`published_request` (a published quarter or year reads from its
snapshot), then :func:`locked_output` (the folder is empty or jj123's own and may take
this data's output, one batch per folder at a time, temp files of a killed run cleared). Middle:
:class:`RenderPipeline` executes each report's notebook in a warm worker (:mod:`jj123lib.batch.workers`) and
prints its PDF through one headless Chromium (:class:`jj123lib.render.pdf.PrinterPool`) as soon as the HTML is
there, while the caller's side work runs in a thread. Closing: :func:`finish_batch` writes ``manifest.json``
and, when something changed, ``index.html``.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from jj123lib.batch.jobs import Entry, ReportJob, check_out_dir, document_key, entry_key, write_manifest
from jj123lib.batch.workers import RenderOutcome, WorkerPool
from jj123lib.core.atomic import atomic_write, folder_lock, remove_stale_parts
from jj123lib.core.clock import china_now_iso
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.datadir import LEDGER_FILE
from jj123lib.core.exceptions import LedgerError, OutputBusyError, ParameterError, ReportStepError
from jj123lib.core.log import record_incident, trace_of
from jj123lib.core.outdir import claim_output_dir
from jj123lib.domain.rules import Rules, as_rules
from jj123lib.render.notebook_html import index_html, report_name
from jj123lib.render.pdf import PrinterPool

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.ledger.publications import Publication

__all__ = ["BatchResult", "RenderPipeline", "checked_formats", "published_request", "locked_output", "finish_batch",
           "remove_file", "record_failure"]


class BatchRequest(Protocol):
    """What :func:`published_request` reads of a batch's checked arguments (a dataclass it replaces)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def data(self) -> Path: ...

    @property
    def rules(self) -> Rules: ...

    @property
    def units_file(self) -> Path: ...


RequestT = TypeVar("RequestT", bound=BatchRequest)


def published_request(request: RequestT, key: str, publication: Publication | None = None) -> RequestT:
    """``request`` for a published quarter or year (``key``: ``2026Q3``, ``2026``): read from its snapshot (the
    ledger, its rules and units; a quarter's opinions are in its folder) with the clock frozen at its moment,
    and ``publication`` (what the index says) set; unchanged when ``key`` is not published.

    The live folder is only asked whether it was published (``publication``: while it is being published);
    the output folder stays the live one's.
    """
    from jj123lib.ledger.publications import publication as find_publication
    from jj123lib.ledger.publications import recover

    found = publication or find_publication(request.data, key)
    if found is None:
        return request
    year = key.isdigit()
    if publication is None:  # a correction killed after its live record is finished first
        recover(request.data, key)
    if not (found.folder / LEDGER_FILE).is_file():
        what = f"{found.quarter} 年度考评已于 {found.day} 发布，但其发布副本" if year else \
            f"{found.quarter} 已于 {found.day} 封账发布，但其封账副本"
        raise LedgerError(f"{what} {found.folder} 缺失，无法按发布时的数据生成；请联系维护人员")
    rules_file, units_file = found.input_path("rules.yaml"), found.input_path("units.yaml")
    shown = {"status": "published", **({"label": "本年度考评"} if year else {}), "day": found.day,
             "as_of": found.as_of[:16].replace("T", " "), "corrections": str(len(found.corrections))}
    return replace(request, data=found.folder, rules=as_rules(rules_file) if rules_file else request.rules,
                   units_file=units_file or request.units_file, frozen_at=found.as_of, publication=shown)


def checked_formats(formats: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """The asked formats, blanks dropped; none, or one not in ``allowed``, is a :class:`ParameterError`."""
    wanted = [f.strip() for f in formats if f.strip()]
    if not wanted or any(f not in allowed for f in wanted):
        raise ParameterError("formats", ",".join(wanted), list(allowed))
    return wanted


@contextmanager
def locked_output(out_dir: Path, demo: bool, kind: str = "batch") -> Iterator[None]:
    """Hold ``out_dir`` for one batch: a folder jj123 may write ``kind`` output into (empty, or its own:
    :func:`~jj123lib.core.outdir.claim_output_dir`), a demo folder for demo data only, one batch per folder at
    a time (:class:`OutputBusyError` otherwise); under the lock, temp files of a killed run are cleared."""
    check_out_dir(out_dir, demo)  # both checks before anything is written there
    claim_output_dir(out_dir, kind)
    with folder_lock(out_dir, wait=False) as locked:
        if not locked:
            raise OutputBusyError(str(out_dir))
        for folder in (out_dir, out_dir / "notebooks"):
            remove_stale_parts(folder)
        crash_point("batch.locked")
        yield


def finish_batch(result: BatchResult, started: float, *, changed: bool, **manifest: Any) -> BatchResult:
    """Time the run, write ``manifest.json`` (``manifest``: :func:`~jj123lib.batch.jobs.write_manifest`'s fields
    besides the reports) and, when ``changed``, ``index.html``."""
    result.seconds = time.monotonic() - started
    crash_point("batch.before_manifest")
    written = write_manifest(result.out_dir, generated_at=china_now_iso(), seconds=result.seconds,
                             reports=result.reports, **manifest)
    if changed:
        atomic_write(result.index, index_html(written))
    return result


@dataclass
class BatchResult:
    """What a batch run leaves: its folder, manifest and index, every report's and document's entry."""

    out_dir: Path
    manifest: Path
    index: Path
    reports: list[Entry] = field(default_factory=list)
    seconds: float = 0.0
    run_keys: list[str] = field(default_factory=list)  # reports considered by this run
    documents: list[Entry] = field(default_factory=list)
    document_keys: list[str] = field(default_factory=list)  # documents considered by this run
    notices: list[str] = field(default_factory=list)  # a section left out of a report that was written

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
        lines.extend(f"  注意：{notice}" for notice in self.notices)
        if self.document_keys:
            lines.append(f"公文（Word 文档）：生成 {self.count_documents('ok')} 份，"
                         f"跳过（未变化）{self.count_documents('skipped')} 份，失败 {len(self.failed_documents)} 份。")
        for entry in self.failed_documents:
            lines.append(f"  失败：{entry['title']}（{entry['docx'] or entry['kind']}）：{entry['error']}")
        lines.append(f"索引：{self.index}")
        return "\n".join(lines)


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


class RenderPipeline:
    """The render-and-print pipeline of one batch run: renders in the workers, prints as HTML arrives, records
    each report's outcome in its manifest entry. :meth:`close` stops the workers and the printer."""

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
        state = _PipelineRun(self, entries, bar, [*to_render, *pdf_only])
        try:
            state.submit(to_render, pdf_only, n_jobs)
            if meanwhile is not None:
                state.side = _SideWork(meanwhile)
            state.wait_all()
            if state.side is not None:
                state.side.join()
        except Exception as exc:  # noqa: BLE001 - a bug here must still leave a complete manifest
            state.fail_unfinished(exc)
        finally:
            bar.close()

    def close(self) -> None:
        self.workers.shutdown(wait=True, cancel=True)
        if self.printer is not None:
            self.printer.close()
            self.printer = None


class _PipelineRun:
    """The state of one :meth:`RenderPipeline.run`: the futures in flight, the reports not yet finished, the
    progress bar and the side thread; each report's outcome lands in its manifest entry."""

    def __init__(self, pipeline: RenderPipeline, entries: dict[str, Entry], bar: Any,
                 jobs: list[ReportJob]) -> None:
        self.pipeline = pipeline
        self.entries = entries
        self.bar = bar
        self.rendering: dict[Future[RenderOutcome], ReportJob] = {}
        self.printing: dict[Future[float], tuple[ReportJob, float]] = {}
        self.unfinished = {job.key: job for job in jobs}
        self.side: _SideWork | None = None

    def submit(self, to_render: list[ReportJob], pdf_only: list[ReportJob], n_jobs: int) -> None:
        """Hand the renders to the workers, start the printer, queue the PDFs whose HTML is current."""
        pipeline = self.pipeline
        if to_render:
            pipeline.workers.start(min(n_jobs, len(to_render)))
        for job in to_render:
            self.rendering[pipeline.workers.submit(job)] = job
        # Chromium starts once the workers have their jobs: it is needed only when the first
        # HTML arrives, and booting it earlier would slow the kernels' start on a small machine.
        if pipeline.want_pdf:
            pipeline.printer = PrinterPool()
            pipeline.printer.start()  # from this (main) thread, which outlives the browser
        crash_point("batch.submitted")
        for job in pdf_only:
            self.print_pdf(job, 0.0)

    def wait_all(self) -> None:
        """Take each render and print as it completes, until none is left."""
        while self.rendering or self.printing:
            waiting: list[Future[Any]] = [*self.rendering, *self.printing]
            done, _ = wait(waiting, return_when=FIRST_COMPLETED)
            for future in done:
                if future in self.printing:
                    job, before = self.printing.pop(future)
                    self.printed(job, future, before)
                    continue
                job = self.rendering.pop(future)
                if not self.rendering:  # workers and kernels stop while the last PDFs print
                    self.pipeline.workers.shutdown(wait=False)
                self.rendered(job, future)

    def fail_unfinished(self, exc: Exception) -> None:
        """The loop itself failed: log it once and mark every unfinished report failed."""
        data_dir = self.pipeline.data_dir
        lost = self.side.join(reraise=False) if self.side is not None else None  # complete before the manifest
        if lost is not None and lost is not exc:
            record_incident(data_dir, "the work beside the batch (documents, index) failed", lost)
        failure = record_failure(data_dir, "the batch loop", ReportStepError.wrap("batch", exc), trace_of(exc))
        for job in list(self.unfinished.values()):  # one incident for them all
            self.finish(job, 0.0, failure, html_good=False)

    def finish(self, job: ReportJob, seconds: float, failure: ReportStepError | None, html_good: bool,
               pdf_good: bool = False, cell_index: int | None = None, trace: str | None = None) -> None:
        """Record a report's outcome; a failure with a ``trace`` is logged first (one without was already)."""
        entry = self.entries[job.key]
        if failure is not None and trace is not None:
            failure = record_failure(self.pipeline.data_dir, f"report {job.name}", failure, trace)
        entry["html_fingerprint"] = job.fingerprint if html_good else None
        if pdf_good:
            entry["pdf_fingerprint"] = job.fingerprint
        elif not html_good or self.pipeline.want_pdf:  # a PDF that failed, or that belongs to an HTML that did
            entry["pdf_fingerprint"] = None
        if failure is None:
            entry.update(status="ok", error=None, step=None, cell_index=None, fingerprint=job.fingerprint,
                         seconds=round(seconds, 2), rendered_at=china_now_iso())
        else:
            entry.update(status="failed", error=str(failure), step=failure.step, cell_index=cell_index,
                         seconds=round(seconds, 2))
        self.unfinished.pop(job.key, None)
        self.bar.update(1)
        self.bar.set_postfix_str(f"{report_name(job.kind, job.leader)} {entry['status']}", refresh=True)

    def print_pdf(self, job: ReportJob, before: float) -> None:
        printer = self.pipeline.printer
        if printer is None:
            self.finish(job, before, None, html_good=True)
            return
        out = Path(job.out_dir)
        try:
            self.printing[printer.submit(out / job.html, out / job.pdf, job.name)] = (job, before)
        except Exception as exc:  # noqa: BLE001 - the printer is gone: this report's PDF fails
            self.finish(job, before, ReportStepError.wrap("pdf", exc), html_good=True, trace=trace_of(exc))

    def rendered(self, job: ReportJob, future: Future[RenderOutcome]) -> None:
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - a crashed worker fails its report only
            outcome = RenderOutcome(seconds=0.0, failure=ReportStepError.wrap("worker", exc), trace=trace_of(exc))
        if outcome.failure is None:
            crash_point("batch.rendered")
            self.print_pdf(job, outcome.seconds)
            return
        out = Path(job.out_dir)
        for stale in (job.html, job.pdf):  # never leave an old report looking current
            remove_file(out / stale)
        self.finish(job, outcome.seconds, outcome.failure, html_good=False, cell_index=outcome.cell_index,
                    trace=outcome.trace or "")

    def printed(self, job: ReportJob, future: Future[float], before: float) -> None:
        try:
            seconds = before + future.result()
            crash_point("batch.printed")
            self.finish(job, seconds, None, html_good=True, pdf_good=True)
        except Exception as exc:  # noqa: BLE001 - ReportStepError from the printer, or anything else
            self.finish(job, before, ReportStepError.wrap("pdf", exc), html_good=True, trace=trace_of(exc))


def record_failure(data_dir: Path | None, what: str, failure: ReportStepError, trace: str | None) -> ReportStepError:
    """Log a report's or document's failure with its traceback; its message gains the incident id and log file."""
    incident = record_incident(data_dir, f"{what} failed: {failure}", trace=trace)
    return ReportStepError(failure.step, f"{failure.cause}（{incident.zh()}）")


def remove_file(path: Path) -> None:
    """Delete ``path`` if it is there (a failed output never sits looking current)."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
