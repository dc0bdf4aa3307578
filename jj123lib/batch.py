"""``jj123 batch``: every leader's report and the quarterly overview, fast and incremental.

Pipeline per report: papermill executes the notebook (in a worker process whose
kernel stays warm across notebooks, see :mod:`jj123lib.execute`) → the worker
converts it to HTML with the project's template (nbconvert imported once per
worker) → the main process prints the PDF through ONE headless Chromium
(:mod:`jj123lib.pdf`) as soon as the HTML is there.

Layout of ``<out>`` (default ``reports/<quarter>/``, or ``reports/demo/<quarter>/``
for demo data)::

    index.html              links to every report, each leader's lights at a glance
    manifest.json           one entry per report: kind, leader, html, pdf, status, fingerprint, seconds…
    overview.html/.pdf      quarterly overview
    <slug>.html/.pdf        one per leader (slug = pinyin of the name)
    notebooks/<name>.ipynb  executed notebooks, the record of each run

A report is skipped when its fingerprint (notebook, template, parameters, data,
library code and version) matches its last successful render and its files
exist. Files appear at their final paths only when complete. One failing report
does not stop the others; the run then exits non-zero. The skip path imports no
notebook machinery, so a rerun with nothing changed takes about a second.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jj123lib import __version__
from jj123lib.atomic import atomic_write, folder_lock, remove_stale_parts
from jj123lib.datadir import DEMO_BANNER, is_demo
from jj123lib.exceptions import BrowserError, OutputBusyError, ParameterError
from jj123lib.parameters import validate_data_dir, validate_leader, validate_quarter
from jj123lib.quarters import quarter_label
from jj123lib.resources import NOTEBOOK_DIR

__all__ = ["BatchResult", "ReportJob", "run_batch", "default_out_dir", "FORMATS", "MANIFEST", "INDEX",
           "NOTEBOOK_DIR"]

FORMATS = ("html", "pdf")
MANIFEST = "manifest.json"
INDEX = "index.html"
# Reports and the index load nothing and run nothing (same policy in templates/jj123/index.html.j2).
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
NOTEBOOKS = {"leader": "leader_report.ipynb", "overview": "quarterly_overview.ipynb"}
REPORTS_ROOT = Path("reports")
DEMO_SUBDIR = "demo"


@dataclass
class ReportJob:
    """One report to render; plain data so it pickles to a worker process."""

    kind: str  # leader | overview
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
        return f"leader:{self.leader}" if self.kind == "leader" else "overview"

    @property
    def html(self) -> str:
        return f"{self.name}.html"

    @property
    def pdf(self) -> str:
        return f"{self.name}.pdf"

    @property
    def ipynb(self) -> str:
        return f"notebooks/{self.name}.ipynb"


@dataclass
class BatchResult:
    out_dir: Path
    manifest: Path
    index: Path
    reports: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    run_keys: list[str] = field(default_factory=list)  # reports considered by this run

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.reports if r["status"] == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self, status: str) -> int:
        return sum(1 for r in self.reports if r["status"] == status and _key(r) in self.run_keys)

    def summary(self) -> str:
        """Chinese summary naming each failure and its cell."""
        rendered = self.count("ok")
        skipped = self.count("skipped")
        lines = [f"完成：生成 {rendered} 份，跳过（未变化）{skipped} 份，失败 {len(self.failed)} 份，"
                 f"用时 {self.seconds:.1f} 秒。"]
        for entry in self.failed:
            who = entry["leader"] or "季度总览"
            lines.append(f"  失败：{who}（{entry['notebook'] or entry['kind']}）：{entry['error']}")
        lines.append(f"索引：{self.index}")
        return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# Planning: validation, output folder, fingerprints, what to skip
# ------------------------------------------------------------------------------------------------
def default_out_dir(quarter: str, data_dir: str | os.PathLike[str]) -> Path:
    """``reports/<quarter>`` for the office's data, ``reports/demo/<quarter>`` for demo data."""
    if is_demo(data_dir):
        return REPORTS_ROOT / DEMO_SUBDIR / quarter
    return REPORTS_ROOT / quarter


def _check_out_dir(out: Path, demo: bool) -> None:
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


def _plan(quarter: str, data_dir: Path, out_dir: Path, leaders: Sequence[str], notebook_dir: Path,
          timeout: int) -> list[ReportJob]:
    from jj123lib.fingerprint import code_fingerprint, data_fingerprint
    from jj123lib.render import html_title, template_fingerprint
    from jj123lib.slugs import unique_slugs
    from jj123lib.tasks import leaders as all_leaders

    shared = _digest(data_fingerprint(data_dir), code_fingerprint(), template_fingerprint(), __version__)
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


def _load_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {(f"leader:{r['leader']}" if r["kind"] == "leader" else "overview"): r for r in data["reports"]}
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
        return {}


def _up_to_date(job: ReportJob, old: dict[str, Any] | None, formats: Sequence[str]) -> tuple[bool, bool]:
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


# ------------------------------------------------------------------------------------------------
# Worker side (runs in a spawned process)
# ------------------------------------------------------------------------------------------------
def _worker_init() -> None:
    """Start this worker's kernel first (it boots while nbconvert/papermill import)."""
    # nbformat imports jsonschema, whose format checker builds a grammar for IRIs in
    # rfc3987_syntax (~1 s per process). nbformat's schema has no IRI formats: skip it
    # (jsonschema treats the missing module as "checker unavailable").
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import signal
    from multiprocessing import util

    from jj123lib.pdf import die_with_parent

    # A batch killed outright must not leave workers (and their kernels) behind: on SIGTERM
    # (armed below: sent when the batch dies) leave at once; the kernel notices
    # its parent is gone and exits by itself.
    signal.signal(signal.SIGTERM, _exit_now)
    arm = die_with_parent()
    if arm is not None:
        arm()
        if os.getppid() == 1:  # the batch died before we armed the signal
            sys.exit(143)

    from jj123lib.execute import WarmKernel

    WarmKernel.get().start(warm=True)
    # Pool workers leave through os._exit (no atexit): a multiprocessing finalizer stops the kernel.
    util.Finalize(None, WarmKernel.discard, exitpriority=10)
    _warm_exporter()


def _warm_exporter() -> None:
    """Build the exporter and compile its templates (first conversion ~0.25 s) while the kernel boots."""
    import nbformat

    from jj123lib.render import notebook_to_html

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
        "display_data", {"text/html": "<p>warm-up</p>"})]))
    try:
        notebook_to_html(nb, "warm-up")
    except Exception:  # noqa: BLE001 - a template problem is reported by each report, not here
        pass


def _exit_now(signum: int, frame: Any) -> None:
    from jj123lib.execute import WarmKernel

    kernel = WarmKernel._current
    if kernel is not None:
        kernel.kill_now()
    os._exit(128 + signum)


def _render(job: ReportJob) -> dict[str, Any]:
    """Execute one notebook and write its executed copy and HTML. Never raises."""
    from jj123lib.atomic import atomic_write as write
    from jj123lib.execute import execute_report
    from jj123lib.render import notebook_to_html

    started = time.monotonic()
    out = Path(job.out_dir)
    final_nb = out / job.ipynb
    final_nb.parent.mkdir(parents=True, exist_ok=True)
    tmp_nb = final_nb.with_name(f".{final_nb.stem}.{os.getpid()}.part.ipynb")  # papermill wants .ipynb
    try:
        nb, failure = execute_report(job.notebook, tmp_nb, job.parameters, timeout=job.timeout)
        if tmp_nb.is_file():  # papermill wrote it; make it durable before it takes the final name
            with open(tmp_nb, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp_nb, final_nb)
        if failure is not None:
            return {"status": "failed", "error": failure.describe(), "cell_index": failure.cell_index,
                    "ename": failure.ename, "seconds": time.monotonic() - started}
        write(out / job.html, notebook_to_html(nb, job.title))
    except Exception as exc:  # noqa: BLE001 - one report's failure must not stop the batch
        return {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "cell_index": None,
                "ename": type(exc).__name__, "seconds": time.monotonic() - started}
    finally:
        if tmp_nb.exists():
            tmp_nb.unlink()
    return {"status": "ok", "error": None, "cell_index": None, "ename": None,
            "seconds": time.monotonic() - started}


# ------------------------------------------------------------------------------------------------
# Orchestration
# ------------------------------------------------------------------------------------------------
def run_batch(quarter: str, leaders: Sequence[str] | None = None, *, jobs: int | None = None,
              formats: Sequence[str] = FORMATS, force: bool = False,
              data_dir: str | os.PathLike[str] | None = None, out: str | os.PathLike[str] | None = None,
              progress: bool = True, notebook_dir: str | os.PathLike[str] | None = None,
              timeout: int = 600) -> BatchResult:
    """Render the reports of ``quarter``; see the module docstring. Returns a :class:`BatchResult`."""
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
    out_dir = Path(out) if out is not None else default_out_dir(q, data)
    _check_out_dir(out_dir, demo)
    # One batch per output folder at a time; under the lock, temp files of a killed run are cleared.
    with folder_lock(out_dir, wait=False) as locked:
        if not locked:
            raise OutputBusyError(str(out_dir))
        for folder in (out_dir, out_dir / "notebooks"):
            remove_stale_parts(folder)
        n_jobs = max(1, int(jobs or os.cpu_count() or 1))

        runner = _Runner(wanted_formats, progress)
        try:
            if force:  # everything renders: boot the workers and their kernels while the task table loads
                runner.start(min(n_jobs, len(named) + 1) if named else n_jobs, browser=False)
            from jj123lib.tasks import leaders as all_leaders

            chosen = named or all_leaders()
            out_dir.mkdir(parents=True, exist_ok=True)
            plan = _plan(q, data, out_dir, chosen, Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR, timeout)
            old = _load_manifest(out_dir)
            entries: dict[str, dict[str, Any]] = {}
            to_render: list[ReportJob] = []
            pdf_only: list[ReportJob] = []
            for job in plan:
                current, needs_pdf = (False, False) if force else _up_to_date(job, old.get(job.key), wanted_formats)
                entry = _entry(job, old.get(job.key))
                if "pdf" not in wanted_formats and entry["pdf_fingerprint"] != job.fingerprint:
                    _remove(out_dir / job.pdf)  # a PDF of older inputs must not sit beside the new HTML
                    entry["pdf_fingerprint"] = None
                if current:
                    entry.update(status="skipped", seconds=0.0)
                elif needs_pdf:
                    pdf_only.append(job)
                else:
                    to_render.append(job)
                entries[job.key] = entry

            rated: list[Any] = []  # the quarter's ratings for the index, computed while the workers run

            def rate_meanwhile() -> None:
                with contextlib.suppress(Exception):  # if it fails, it fails again below, where it used to
                    rated.append(_rate_for_index(q, data))

            if to_render or pdf_only:
                runner.run(to_render, pdf_only, entries, n_jobs, meanwhile=rate_meanwhile)
        finally:
            runner.close()

        for entry in entries.values():  # paths only for outputs that are current
            entry["html"] = entry["html"] if entry["html_fingerprint"] == entry["fingerprint"] else None
            entry["pdf"] = entry["pdf"] if entry["pdf_fingerprint"] == entry["fingerprint"] else None
        # Reports not in this run (other leaders with --leader) keep their last entry.
        merged_by_key = {**old, **entries}
        order = ["overview"] + [f"leader:{name}" for name in all_leaders()]
        merged = [merged_by_key[k] for k in order if k in merged_by_key]
        merged += [v for k, v in merged_by_key.items() if k not in order]  # leaders no longer in the task table
        result = BatchResult(out_dir=out_dir, manifest=out_dir / MANIFEST, index=out_dir / INDEX, reports=merged,
                             run_keys=list(entries))
        changed = bool(to_render or pdf_only) or not result.index.is_file()
        if changed:
            _attach_lights(merged, rated[0] if rated else _rate_for_index(q, data))
        result.seconds = time.monotonic() - started
        manifest = {
            "schema": 1,
            "generator": f"jj123 {__version__}",
            "quarter": q,
            "data_dir": str(data),
            "demo": demo,
            "formats": wanted_formats,
            "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "seconds": round(result.seconds, 2),
            "reports": merged,
        }
        atomic_write(result.manifest, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        if changed:
            atomic_write(result.index, _index_html(manifest))
        return result


def _key(entry: dict[str, Any]) -> str:
    return f"leader:{entry['leader']}" if entry["kind"] == "leader" else "overview"


def _entry(job: ReportJob, old: dict[str, Any] | None) -> dict[str, Any]:
    base = {
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


PDF_TABS = 2  # tabs printing in parallel in the one browser


class _Printer:
    """ONE headless Chromium for the whole batch; PDFs print in parallel tabs (threads)."""

    def __init__(self, tabs: int) -> None:
        import queue
        import threading
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=tabs, thread_name_prefix="jj123-pdf")
        self._tabs: queue.Queue[Any] = queue.Queue()
        self._n_tabs = tabs
        self._lock = threading.Lock()
        self._browser: Any = None
        self._connected = False
        self._error: BrowserError | None = None

    def start(self) -> None:
        """Launch the browser now, from the calling (main) thread; connecting and opening the tabs
        happen in a printing thread meanwhile. Errors surface per PDF."""
        from jj123lib.pdf import Browser

        with self._lock:
            if self._browser is not None or self._error is not None:
                return
            try:
                self._browser = Browser().launch()
            except BrowserError as exc:
                self._error = exc
                return
        self._pool.submit(self._connect)

    def _connect(self) -> None:
        try:
            self._browser_or_raise()
        except BrowserError:
            pass

    def _browser_or_raise(self) -> Any:
        from jj123lib.pdf import Browser

        with self._lock:
            if self._error is None and not self._connected:
                try:
                    if self._browser is None:
                        self._browser = Browser().launch()
                    self._browser.connect()
                    for _ in range(self._n_tabs):
                        self._tabs.put(self._browser.new_tab())
                    self._connected = True
                except BrowserError as exc:
                    self._error = exc
            if self._error is not None:
                raise self._error
            return self._browser

    def _print(self, job: ReportJob) -> tuple[float, str | None]:
        started = time.monotonic()
        out = Path(job.out_dir)
        try:
            self._browser_or_raise()
            tab = self._tabs.get()
            try:
                tab.print_pdf(out / job.html, out / job.pdf)
            finally:
                self._tabs.put(tab)
        except BrowserError as exc:
            _remove(out / job.pdf)
            return time.monotonic() - started, f"PDF：{exc}"
        return time.monotonic() - started, None

    def submit(self, job: ReportJob) -> Any:
        return self._pool.submit(self._print, job)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._browser is not None:
            self._browser.close()


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


class _Runner:
    """Worker pool (one warm kernel each) and the printer; both can boot before the plan is known."""

    def __init__(self, formats: Sequence[str], progress: bool) -> None:
        self.want_pdf = "pdf" in formats
        self.progress = progress
        self.pool: Any = None
        self.printer: _Printer | None = None

    def start(self, n_workers: int, browser: bool) -> None:
        """Start ``n_workers`` workers (their kernels boot at once) and Chromium; returns immediately."""
        if self.pool is None and n_workers > 0:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context, initializer=_worker_init)
            with _lean_spawn():
                for _ in range(n_workers):  # a spawn pool starts one process per submit
                    self.pool.submit(_ready)
        if browser and self.want_pdf and self.printer is None:
            self.printer = _Printer(PDF_TABS)
            self.printer.start()  # from this (main) thread, which outlives the browser

    def run(self, to_render: list[ReportJob], pdf_only: list[ReportJob], entries: dict[str, dict[str, Any]],
            n_jobs: int, meanwhile: Callable[[], None] | None = None) -> None:
        """Render and print; ``meanwhile`` runs in this thread once every job is submitted."""
        from concurrent.futures import FIRST_COMPLETED, Future, wait
        from concurrent.futures.process import BrokenProcessPool

        from tqdm import tqdm

        self.start(min(n_jobs, len(to_render)), browser=False)
        pool = self.pool
        bar = tqdm(total=len(to_render) + len(pdf_only), file=sys.stderr, disable=not self.progress,
                   desc="生成报告", unit="份", leave=True, dynamic_ncols=True)
        pending: dict[Future[Any], tuple[str, ReportJob, float]] = {}
        printer: _Printer | None = None

        def finish(job: ReportJob, seconds: float, error: str | None, stage: str) -> None:
            entry = entries[job.key]
            if stage in ("html", "pdf"):  # the HTML is good (this run's or an earlier current one)
                entry["html_fingerprint"] = job.fingerprint
            if stage == "pdf" and error is None:
                entry["pdf_fingerprint"] = job.fingerprint
            if error is None:
                entry.update(status="ok", error=None, cell_index=None, fingerprint=job.fingerprint,
                             seconds=round(seconds, 2),
                             rendered_at=datetime.now().astimezone().isoformat(timespec="seconds"))
            else:
                entry.update(status="failed", error=error, seconds=round(seconds, 2))
            bar.update(1)
            bar.set_postfix_str(f"{job.leader or '季度总览'} {entry['status']}", refresh=True)

        def after_html(job: ReportJob, seconds: float) -> None:
            if printer is None:
                finish(job, seconds, None, "html")
            else:
                pending[printer.submit(job)] = ("pdf", job, seconds)

        try:
            renders = len(to_render)
            for job in to_render:
                try:
                    future = pool.submit(_render, job)
                except BrokenProcessPool as exc:  # a worker died while starting: fail its reports
                    future = Future()
                    future.set_exception(exc)
                pending[future] = ("render", job, 0.0)
            # Chromium starts once the workers have their jobs: it is needed only when the first
            # HTML arrives, and booting it earlier would slow the kernels' start on a small machine.
            self.start(0, browser=True)
            printer = self.printer
            for job in pdf_only:
                after_html(job, 0.0)
            if meanwhile is not None:
                meanwhile()
            while pending:
                done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for future in done:
                    stage, job, before = pending.pop(future)
                    if stage == "pdf":
                        seconds, error = future.result()
                        finish(job, before + seconds, error, "pdf")
                        continue
                    renders -= 1
                    if renders == 0:  # workers and kernels stop while the last PDFs print
                        pool.shutdown(wait=False)
                    try:
                        outcome = future.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker fails its report only
                        outcome = {"status": "failed", "error": f"{type(exc).__name__}: {exc}",
                                   "cell_index": None, "seconds": 0.0}
                    if outcome["status"] == "ok":
                        after_html(job, outcome["seconds"])
                    else:
                        out = Path(job.out_dir)
                        for stale in (job.html, job.pdf):  # never leave an old report looking current
                            _remove(out / stale)
                        entries[job.key].update(cell_index=outcome.get("cell_index"), html_fingerprint=None,
                                                pdf_fingerprint=None)
                        finish(job, outcome["seconds"], outcome["error"], "render")
        finally:
            bar.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.printer is not None:
            self.printer.close()
            self.printer = None


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _rate_for_index(quarter: str, data_dir: Path) -> Any:
    from jj123lib.ratings import rate_quarter

    return rate_quarter(quarter, data_dir)


def _attach_lights(entries: list[dict[str, Any]], rated: Any) -> None:
    """Per-leader light summary for the index page (from one cheap ratings pass)."""
    for entry in entries:
        if entry["kind"] != "leader":
            continue
        mine = rated[rated["leader"] == entry["leader"]]
        entry["lights"] = [{"task_id": r.task_id, "title": r.title, "light": r.light}
                           for r in mine.itertuples(index=False)]


def _glance(task: dict[str, Any]) -> str:
    from jj123lib.htmlkit import badge, esc

    label = f"{task['task_id']} {task['title']}"
    return f'{badge(task["light"], title=label)}<span class="jj-note">{esc(task["task_id"])}</span>'


def _index_html(manifest: dict[str, Any]) -> str:
    from jj123lib.htmlkit import LIGHT_LABELS, LIGHT_ORDER, Html, badge, esc, table
    from jj123lib.render import TEMPLATE_DIR, TEMPLATE_NAME

    css = (TEMPLATE_DIR / TEMPLATE_NAME / "static" / "jj123.css").read_text(encoding="utf-8")
    quarter = manifest["quarter"]
    rows, classes = [], []
    for entry in manifest["reports"]:
        ok = entry["status"] in ("ok", "skipped")
        name = "季度总览" if entry["kind"] == "overview" else entry["leader"]
        current = entry.get("fingerprint")
        parts = []
        if entry.get("html_fingerprint") == current:
            parts.append(f'<a href="{esc(entry["html"])}">网页</a>')
        if entry.get("pdf_fingerprint") == current:
            parts.append(f'<a href="{esc(entry["pdf"])}">PDF</a>')
        links = Html(" · ".join(parts) if parts else '<span class="jj-status-failed">生成失败</span>')
        lights = entry.get("lights") or []
        if entry["kind"] == "overview":
            glance = Html('<span class="jj-note">全部任务汇总、排名与未报送单位</span>')
        else:
            glance = Html(" ".join(_glance(t) for t in lights))
        counts = {k: sum(1 for t in lights if t["light"] == k) for k in LIGHT_ORDER}
        count_text = "，".join(f"{LIGHT_LABELS[k]} {v}" for k, v in counts.items() if v) if lights else ""
        status = "" if ok else f'<div class="jj-status-failed">{esc(entry.get("error") or "")}</div>'
        rows.append([Html(f'<span class="leader">{esc(name)}</span>'), glance, count_text, Html(f"{links}{status}")])
        classes.append("")
    body = table([("报告", "leader"), ("各项任务灯号", ""), ("灯号统计", ""), ("文件", "")], rows, classes,
                 css="jj-table jj-index-grid")
    banner = f'<div class="jj-demo-banner">{esc(DEMO_BANNER)}</div>' if manifest["demo"] else ""
    failed = sum(1 for e in manifest["reports"] if e["status"] == "failed")
    note = f"共 {len(manifest['reports'])} 份报告" + (f"，其中 {failed} 份生成失败" if failed else "") + "。"
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"<title>{esc(quarter_label(quarter))}“123”督查报告索引</title>\n<style>\n{css}\n</style>\n</head>\n"
            f'<body class="jj123-report"><main>{banner}<header class="jj-header">'
            f"<h1>“123”争先进位工作督查报告</h1>"
            f'<div class="jj-subtitle">{esc(quarter_label(quarter))}（{esc(quarter)}）· {esc(note)}</div>'
            f'<div class="jj-meta"><span>生成时间：{esc(manifest["generated_at"])}</span>'
            f'<span>生成工具：{esc(manifest["generator"])}</span></div></header>{body}'
            f'<p class="jj-note">灯号：' + " ".join(badge(k) for k in LIGHT_ORDER) + "</p></main></body>\n</html>\n")

