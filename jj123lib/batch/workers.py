"""The notebook workers of a batch: warm-kernel start-up and one report per task.

Each worker is a spawned process that keeps one kernel warm (:class:`jj123lib.render.execute.WarmKernel`)
and imports nbconvert once. Per report it executes the notebook with papermill, saves the executed
notebook (the record of the run) and exports the HTML; every file appears through
:mod:`jj123lib.core.atomic`. :func:`render_report` never raises: a failure comes back as a
:class:`RenderOutcome` naming the step, so one report's failure never stops the others.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import util
from pathlib import Path
from types import FrameType

from jj123lib.batch.jobs import ReportJob
from jj123lib.core.atomic import atomic_write
from jj123lib.core.exceptions import ReportStepError, describe_cause
from jj123lib.core.faults import fault_point
from jj123lib.core.log import trace_of
from jj123lib.render.execute import ExecutionFailure, WarmKernel, execute_report
from jj123lib.render.notebook_html import notebook_to_html
from jj123lib.render.pdf import die_with_parent

__all__ = ["RenderOutcome", "WorkerPool", "render_report", "worker_init"]


@dataclass
class RenderOutcome:
    """What a worker did with one report; plain data so it pickles back to the batch."""

    seconds: float
    failure: ReportStepError | None = None  # the failed step and its Chinese message
    cell_index: int | None = None  # the notebook cell that raised
    trace: str | None = None  # the traceback (or where to find it), for the batch's log

    @classmethod
    def failed(cls, step: str, cause: str, started: float, cell_index: int | None = None,
               trace: str | None = None) -> RenderOutcome:
        return cls(seconds=time.monotonic() - started, failure=ReportStepError(step, cause), cell_index=cell_index,
                   trace=trace)


def worker_init() -> None:
    """Start this worker's kernel first (it boots while nbconvert/papermill import)."""
    # nbformat imports jsonschema, whose format checker builds a grammar for IRIs in
    # rfc3987_syntax (~1 s per process). nbformat's schema has no IRI formats: skip it
    # (jsonschema treats the missing module as "checker unavailable").
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    # A batch killed outright must not leave workers (and their kernels) behind: on SIGTERM
    # (armed below: sent when the batch dies) leave at once; the kernel notices
    # its parent is gone and exits by itself.
    signal.signal(signal.SIGTERM, _exit_now)
    arm = die_with_parent()
    if arm is not None:
        arm()
        if os.getppid() == 1:  # the batch died before we armed the signal
            sys.exit(143)
    WarmKernel.get().start(warm=True)
    # Pool workers leave through os._exit (no atexit): a multiprocessing finalizer stops the kernel.
    util.Finalize(None, WarmKernel.discard, exitpriority=10)
    _warm_exporter()


def _warm_exporter() -> None:
    """Build the exporter and compile its templates (first conversion ~0.25 s) while the kernel boots."""
    import nbformat  # after worker_init has stubbed rfc3987_syntax (see there)

    nb = nbformat.from_dict({  # type: ignore[no-untyped-call]
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "id": "warm-up", "execution_count": None, "metadata": {}, "source": "",
                   "outputs": [{"output_type": "display_data", "metadata": {},
                                "data": {"text/html": "<p>warm-up</p>"}}]}],
    })
    try:
        notebook_to_html(nb, "warm-up")
    except Exception:  # noqa: BLE001 - a template problem is reported by each report, not here
        pass


def _exit_now(signum: int, frame: FrameType | None) -> None:
    kernel = WarmKernel.current()
    if kernel is not None:
        kernel.kill_now()
    os._exit(128 + signum)


def render_report(job: ReportJob) -> RenderOutcome:
    """Execute one notebook, save its executed copy and write its HTML. Never raises."""
    started = time.monotonic()
    out = Path(job.out_dir)
    final_nb = out / job.ipynb
    # papermill writes the executed notebook itself (also when a cell fails); it wants an .ipynb name.
    tmp_nb = final_nb.with_name(f".{final_nb.stem}.{os.getpid()}.part.ipynb")
    step = "execute"
    try:
        final_nb.parent.mkdir(parents=True, exist_ok=True)
        fault_point("batch.execute", job.name)
        nb, failure = execute_report(job.notebook, tmp_nb, job.parameters, timeout=job.timeout)
        step = "save_notebook"
        try:
            if tmp_nb.is_file():
                fault_point("batch.save_notebook", job.name)
                atomic_write(final_nb, tmp_nb.read_bytes())
        except Exception as exc:
            if failure is None:
                raise
            # The cell's error matters more; the lost record is said too.
            return RenderOutcome.failed("execute", f"{failure.describe()}；另外，保存已执行的笔记本时出错："
                                                   f"{describe_cause(exc)}", started, failure.cell_index,
                                        trace=f"{_cell_trace(failure, None)}\n{trace_of(exc)}")
        if failure is not None:
            return RenderOutcome.failed("execute", failure.describe(), started, failure.cell_index,
                                        trace=_cell_trace(failure, final_nb))
        step = "html"
        fault_point("batch.html", job.name)
        html = notebook_to_html(nb, job.title)
        step = "write_html"
        fault_point("batch.write_html", job.name)
        atomic_write(out / job.html, html)
    except Exception as exc:  # noqa: BLE001 - one report's failure must not stop the batch
        return RenderOutcome.failed(step, describe_cause(exc), started, trace=trace_of(exc))
    finally:
        with contextlib.suppress(OSError):
            tmp_nb.unlink(missing_ok=True)
    return RenderOutcome(seconds=time.monotonic() - started)


def _cell_trace(failure: ExecutionFailure, executed: Path | None) -> str:
    """What the log keeps of a notebook's failure: the kernel's traceback is in the executed notebook."""
    where = f"cell {failure.cell_index}" if failure.cell_index is not None else "kernel"
    saved = f"\nthe executed notebook, with the cell's traceback: {executed}" if executed is not None else ""
    return f"{where}: {failure.ename}: {failure.evalue}\n{failure.source}{saved}"


_MISSING = object()


@contextlib.contextmanager
def _lean_spawn() -> Iterator[None]:
    """Spawned workers do not re-run this process's ``__main__`` (the ``jj123`` CLI imports pandas).

    ``multiprocessing`` spawn re-imports the parent's main script or module in every child
    (~0.35 s for the CLI, more under pytest). Workers only run functions of this module, so
    hide the main module's file and spec while the pool starts its processes.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved_file = main.__dict__.pop("__file__", _MISSING)
    saved_spec = main.__dict__.get("__spec__")
    main.__spec__ = None
    try:
        yield
    finally:
        main.__spec__ = saved_spec
        if saved_file is not _MISSING:
            main.__file__ = saved_file


def _ready() -> int:
    """No-op task: submitting one per worker makes the pool start its processes now."""
    return os.getpid()


class WorkerPool:
    """Spawned worker processes, one warm kernel each; they can boot before the plan is known."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self, n_workers: int) -> None:
        """Start ``n_workers`` workers (their kernels boot at once); returns immediately."""
        if self._pool is not None or n_workers <= 0:
            return
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context, initializer=worker_init)
        with _lean_spawn():
            for _ in range(n_workers):  # a spawn pool starts one process per submit
                self._pool.submit(_ready)

    def submit(self, job: ReportJob) -> Future[RenderOutcome]:
        """Render ``job`` in a worker; a pool broken at start-up gives a future holding the error."""
        if self._pool is None:
            raise RuntimeError("WorkerPool.start() first")
        try:
            return self._pool.submit(render_report, job)
        except BrokenProcessPool as exc:  # a worker died while starting: its reports fail, not the batch
            future: Future[RenderOutcome] = Future()
            future.set_exception(exc)
            return future

    def shutdown(self, *, wait: bool, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel)
            if wait:
                self._pool = None
