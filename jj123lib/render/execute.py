"""Run a report notebook with papermill, reusing one warm kernel per worker process.

Starting a kernel and importing pandas/matplotlib/jj123lib costs ~2 s per
notebook, more than executing a report. A batch worker therefore keeps one
kernel (:class:`WarmKernel`) and papermill runs every notebook of that worker
in it through the ``jj123-warm`` engine. Between notebooks the user namespace is
wiped (``%reset -f``), the execution counter restarts at 1 and warning
registries are invalidated, so each run starts from a clean namespace with the
imports already loaded. A kernel that died or timed out is replaced.

Called by hand (papermill CLI, tests) notebooks use papermill's ordinary engine
and a fresh kernel; results are the same.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["WarmKernel", "ExecutionFailure", "execute_report", "ENGINE_NAME", "WARMUP_LINES"]

ENGINE_NAME = "jj123-warm"
KERNEL_NAME = "python3"
# Imports every report needs (also those the report module makes lazily, on first use), run by a
# worker's kernel while it boots. No report needs matplotlib: the charts are SVG.
WARMUP_MODULES = ("jj123lib.reports.leader", "jj123lib.reports.overview", "jj123lib.render.charts",
                  "jj123lib.reports.benchmarks", "jj123lib.loop.coordination", "jj123lib.loop.deadlines",
                  "jj123lib.loop.duban", "jj123lib.loop.flags", "jj123lib.loop.verification", "IPython.display")
# They bind no names (``__import__``), so the first notebook starts from an empty namespace too.
WARMUP_LINES = (
    "; ".join(f"__import__({name!r})" for name in WARMUP_MODULES),
    # What the imports built lives as long as the kernel: keep it out of the collector's
    # generations, so collections during reports (and %reset's full one) scan only report objects.
    "__import__('gc').freeze()",
)
RESET_CODE = """\
%reset -f
import warnings as _w
try:
    _w._filters_mutated()
except AttributeError:
    pass
del _w
get_ipython().execution_count = 1
"""


@dataclass
class ExecutionFailure:
    """A notebook that ran but raised in a cell (or could not run at all)."""

    cell_index: int | None
    ename: str
    evalue: str
    source: str = ""

    def describe(self) -> str:
        where = f"第 {self.cell_index} 个单元格" if self.cell_index is not None else "内核"
        first = self.source.strip().splitlines()[0] if self.source.strip() else ""
        code = f"（{first[:60]}）" if first else ""
        return f"{where}{code}：{self.ename}: {self.evalue}"


class WarmKernel:
    """One kernel kept alive across notebooks in this process."""

    _current: WarmKernel | None = None

    def __init__(self, timeout: float = 60.0) -> None:
        from jupyter_client.manager import AsyncKernelManager

        self.timeout = timeout
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc")
        self.started = False
        self.uses = 0
        self.kc: Any = None
        self._ipc_dir: Path | None = None

    @classmethod
    def current(cls) -> WarmKernel | None:
        """This process's kernel, if one was started (a signal handler kills it before exiting)."""
        return cls._current

    @classmethod
    def get(cls) -> WarmKernel:
        if cls._current is None:
            cls._current = WarmKernel()
        return cls._current

    @classmethod
    def discard(cls) -> None:
        if cls._current is not None:
            cls._current.shutdown()
        cls._current = None

    def start(self, warm: bool = True) -> None:
        """Start the kernel; with ``warm`` it imports the report stack while booting.

        The warm-up runs as the kernel's ``exec_lines`` (before it answers its first
        request), so this returns at once and the caller's own imports overlap it.
        """
        from jupyter_core.utils import run_sync

        if self.started:
            return
        ipc_dir = self._ipc_dir = Path(tempfile.mkdtemp(prefix=f"jj123-kernel-{os.getpid()}-"))
        self.km.connection_file = str(ipc_dir / "kernel.json")
        self.km.ip = str(ipc_dir / "ipc")
        extra = [f"--IPKernelApp.exec_lines={line}" for line in WARMUP_LINES] if warm else []
        # No SQLite input history: nobody reads it, and as the execution counter restarts at 1 for
        # each notebook, IPython would find its (session, line) keys taken and print "ERROR! Session/
        # line number was not unique in database" into whichever report cell was running.
        extra.append("--HistoryManager.enabled=False")
        run_sync(self.km.start_kernel)(extra_arguments=extra)
        self.started = True

    def client(self, timeout: float) -> Any:
        """This kernel's client, connected and ready; kept open across notebooks.

        A new client waits for the kernel and then drains IOPub for 0.2 s
        (``wait_for_ready``); paying that once per kernel instead of once per
        notebook saves ~0.2 s per report. Messages left over from an earlier
        notebook are ignored by nbclient, which matches replies by message id.
        """
        from jupyter_core.utils import run_sync

        if self.kc is None:
            kc = self.km.client()
            kc.start_channels()
            try:
                run_sync(kc.wait_for_ready)(timeout=timeout)
            except BaseException:
                kc.stop_channels()
                raise
            kc.allow_stdin = False
            self.kc = kc
        return self.kc

    def kill_now(self) -> None:
        """Signal-handler safe: kill the kernel process and remove its folder, no event loop."""
        import signal

        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if self._ipc_dir is not None:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # noqa: BLE001 - closing the sockets of a dead kernel
                pass
            self.kc = None
        if self.started:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - a dead kernel is what we are cleaning up
                pass
            self.started = False
        if self._ipc_dir is not None:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):  # type: ignore[misc]  # papermill has no type hints
        """papermill engine executing in the process's :class:`WarmKernel`."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            import logging

            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                        kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                        log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            kernel = WarmKernel.get()
            kernel.start(warm=False)
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
            try:
                # The kernel's long-lived client: nbclient then skips its own start/wait_for_ready
                # and, not owning the kernel manager, leaves both running after the notebook.
                client.kc = kernel.client(timeout=start_timeout)
                nb = client.execute()
                msg_id = client.kc.execute(RESET_CODE, silent=True, store_history=False)
                client.wait_for_reply(msg_id)
                kernel.uses += 1
                return nb
            except BaseException:
                WarmKernel.discard()  # dead, hung or interrupted: never reuse it
                raise

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


_ENGINE_READY = False


def execute_report(notebook: str | os.PathLike[str], output: str | os.PathLike[str], parameters: dict[str, Any],
                   timeout: int = 600, warm: bool = True) -> tuple[Any, ExecutionFailure | None]:
    """Execute ``notebook`` with ``parameters``; write the executed notebook to ``output``.

    Returns ``(nb, None)`` on success or ``(nb_or_None, failure)`` when a cell raised.
    ``output`` is written in every case (it is the record of the run).
    """
    global _ENGINE_READY
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    if warm and not _ENGINE_READY:
        _register_engine()
        _ENGINE_READY = True
    started = time.monotonic()
    try:
        nb = pm.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
            engine_name=ENGINE_NAME if warm else None, request_save_on_cell_execute=False,
            progress_bar=False, log_output=False, execution_timeout=timeout, start_timeout=60,
        )
    except PapermillExecutionError as exc:
        return None, ExecutionFailure(exc.cell_index, exc.ename, str(exc.evalue), exc.source)
    except Exception as exc:  # noqa: BLE001 - kernel died, timeout…: the batch records it
        return None, ExecutionFailure(None, type(exc).__name__, str(exc) or f"{time.monotonic() - started:.0f}s")
    return nb, None
