"""HTML → PDF with ONE headless Chromium for many reports (Chrome DevTools Protocol).

Starting Chromium costs about a second; printing a page through an already
running browser costs a fraction of that. :class:`Browser` starts one headless
Chromium (Debian ``chromium``, or the executable named in ``$JJ123_CHROMIUM``)
with ``--remote-debugging-port=0`` on loopback, talks CDP over one WebSocket
(``websocket-client``) and prints each file with ``Page.printToPDF``, honouring
the report's CSS ``@page`` rules (A4, page numbers).

Chinese text in the PDF is real text: Chromium embeds the Noto CJK subset with a
ToUnicode map, so it is selectable and ``pdftotext`` extracts it.

A batch prints through :class:`PrinterPool`: the one browser, a few tabs printing in parallel
threads, each PDF's failure (browser, malformed reply, full disk) its own.

No browser → :class:`~jj123lib.core.exceptions.BrowserError` whose message says what to install.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from jj123lib.core.atomic import atomic_write
from jj123lib.core.exceptions import BrowserError, ReportStepError
from jj123lib.core.faults import fault_point

__all__ = ["Browser", "Tab", "PrinterPool", "find_chromium", "die_with_parent", "CHROMIUM_FLAGS", "PDF_TABS"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# Quiet, offline-friendly headless flags (the closed network makes defaults slow and noisy).
# Not --no-pdf-header-footer: with CDP it crashes the renderer (Chromium 156); printToPDF
# is told displayHeaderFooter=False instead.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
    # Headless Chromium 156 still preloads the omnibox popup's WebUI in an extra renderer (~0.3 s CPU).
    "--disable-features=WebUIOmniboxPopup",
    "--remote-debugging-address=127.0.0.1",
)


def die_with_parent() -> Callable[[], None] | None:
    """On Linux, a callable making the calling process get SIGTERM when its parent (thread) dies.

    Used as Chromium's ``preexec_fn`` and by batch workers on themselves.

    A batch killed with SIGKILL then leaves no headless browser behind. (Debian's
    ``chromium`` wrapper ``exec``s the real binary, which keeps the setting.)
    Start the browser from a long-lived thread: the signal follows the *thread*.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not in the forked child
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)

    return preexec


def find_chromium(executable: str | None = None) -> str:
    """Absolute path of the browser to use: argument, ``$JJ123_CHROMIUM``, else ``chromium`` & co."""
    wanted = executable or os.environ.get("JJ123_CHROMIUM")
    if wanted:
        found = shutil.which(wanted) or (wanted if Path(wanted).is_file() and os.access(wanted, os.X_OK) else None)
        if found is None:
            raise BrowserError(f"找不到浏览器“{wanted}”（JJ123_CHROMIUM）", executable=wanted, missing=True)
        return found
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError("找不到 Chromium/Chrome 浏览器", missing=True)


class _Connection:
    """One CDP WebSocket (to the browser or to one tab), used synchronously by one thread."""

    def __init__(self, url: str, timeout: float, executable: str) -> None:
        import websocket  # websocket-client

        self.timeout = timeout
        self.executable = executable
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        try:
            # skip_utf8_validation: websocket-client checks UTF-8 in pure Python (~0.15 s of CPU per
            # 1 MB PDF reply); the text is decoded as UTF-8 anyway, which still rejects invalid bytes.
            self.ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True,
                                                  skip_utf8_validation=True)
        except (OSError, ValueError, websocket.WebSocketException) as exc:
            raise BrowserError(f"无法连接浏览器调试接口：{exc}", executable=executable) from None

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> dict[str, Any]:
        import websocket

        self._next_id += 1
        msg_id = self._next_id
        try:
            self.ws.settimeout(timeout or self.timeout)
            self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params or {}}))
            while True:
                reply = json.loads(self.ws.recv())
                if not isinstance(reply, dict):
                    raise ValueError(f"not a JSON object: {str(reply)[:60]}")
                if reply.get("id") == msg_id:
                    break
                if "method" in reply:
                    self._events.append(reply)
        except (OSError, ValueError, websocket.WebSocketException) as exc:
            raise BrowserError(f"与浏览器通信失败（{method}）：{exc or type(exc).__name__}",
                               executable=self.executable) from None
        if "error" in reply:
            error = reply["error"]
            detail = error.get("message", error) if isinstance(error, dict) else error
            raise BrowserError(f"浏览器拒绝了 {method}：{detail}", executable=self.executable)
        result = reply.get("result", {})
        if not isinstance(result, dict):
            raise BrowserError(f"浏览器对 {method} 的回复无法解读", executable=self.executable)
        return result

    def wait_event(self, name: str) -> dict[str, Any]:
        import websocket

        deadline = time.monotonic() + self.timeout
        while True:
            for event in self._events:
                if event.get("method") in (name, "Inspector.detached"):
                    self._events.remove(event)
                    if event["method"] != name:
                        reason = event.get("params", {}).get("reason", "")
                        raise BrowserError(f"浏览器页面意外关闭：{reason}", executable=self.executable)
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"等待浏览器事件 {name} 超时", executable=self.executable)
            try:
                self.ws.settimeout(remaining)
                message = json.loads(self.ws.recv())
            except (OSError, ValueError, websocket.WebSocketException) as exc:
                raise BrowserError(f"与浏览器通信失败（{name}）：{exc or type(exc).__name__}",
                                   executable=self.executable) from None
            if "method" in message:
                self._events.append(message)

    def clear_events(self) -> None:
        self._events.clear()

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing a dead socket is fine
            pass


class Tab:
    """One browser tab with its own CDP connection: one thread prints through one tab."""

    def __init__(self, browser: Browser, target_id: str, conn: _Connection) -> None:
        self.browser = browser
        self.target_id = target_id
        self._conn = conn
        self._conn.call("Page.enable")

    def print_pdf(self, html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> Path:
        """Print ``html_path`` to ``pdf_path`` (atomically) using the report's own ``@page`` CSS."""
        return atomic_write(pdf_path, self.pdf_bytes(html_path))

    def pdf_bytes(self, html_path: str | os.PathLike[str]) -> bytes:
        """The PDF of ``html_path``, printed with the report's own ``@page`` CSS."""
        source = Path(html_path).resolve()
        if not source.is_file():
            raise BrowserError(f"找不到要打印的 HTML 文件：{source}")
        conn = self._conn
        conn.clear_events()
        frame = conn.call("Page.navigate", {"url": source.as_uri()})
        if frame.get("errorText"):
            raise BrowserError(f"浏览器无法打开 {source.name}：{frame['errorText']}", executable=conn.executable)
        conn.wait_event("Page.loadEventFired")
        # All fonts are local, but let layout settle with them before printing.
        conn.call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => true)", "awaitPromise": True})
        result = conn.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True,
                                               "displayHeaderFooter": False})
        encoded = result.get("data")
        try:
            if not isinstance(encoded, str):
                raise ValueError("no data")
            data = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise BrowserError(f"浏览器返回的 PDF 数据无法解读：{source.name}", executable=conn.executable) from None
        if not data.startswith(b"%PDF"):
            raise BrowserError(f"浏览器返回的不是 PDF：{source.name}", executable=conn.executable)
        return data

    def close(self) -> None:
        self._conn.close()
        self.browser._close_target(self.target_id)


class Browser:
    """One headless Chromium, reused for every PDF of a batch. Use as a context manager.

    :meth:`print_pdf` prints through a default tab; for parallel printing give each
    thread its own :meth:`new_tab`.
    """

    def __init__(self, executable: str | None = None, timeout: float = 60.0) -> None:
        self.executable = find_chromium(executable)
        self.timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: _Connection | None = None
        self._profile: str | None = None
        self._log: IO[bytes] | None = None
        self._port: str | None = None
        self._lock = threading.Lock()
        self._tabs: list[Tab] = []
        self._default: Tab | None = None

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> Browser:
        """Launch Chromium and connect to it; returns when it is ready."""
        return self.launch().connect()

    def launch(self) -> Browser:
        """Start the Chromium process and return at once (:meth:`connect` waits for it).

        Call from a thread that outlives the browser: on Linux it is killed when that thread dies.
        """
        self._profile = tempfile.mkdtemp(prefix="jj123-chromium-")
        self._log = tempfile.TemporaryFile()
        cmd = [self.executable, *CHROMIUM_FLAGS, "--remote-debugging-port=0",
               f"--user-data-dir={self._profile}", "about:blank"]
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                          start_new_session=True, preexec_fn=die_with_parent())
        except OSError as exc:
            self.close()
            raise BrowserError(f"无法启动浏览器 {self.executable}：{exc}", executable=self.executable,
                               missing=True) from None
        return self

    def connect(self) -> Browser:
        """Wait until the launched Chromium listens, then open the CDP connection."""
        if self._conn is not None:
            return self
        if self._proc is None or self._profile is None:
            raise BrowserError("浏览器尚未启动")
        port_file = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while True:
            if port_file.is_file():
                lines = port_file.read_text(encoding="utf-8", errors="replace").split("\n")
                if len(lines) >= 2 and lines[0].strip().isdigit() and lines[1].strip():
                    break
            if self._proc.poll() is not None:
                tail = self._log_tail()
                self.close()
                raise BrowserError(f"浏览器启动后立即退出（{self.executable}）：{tail}", executable=self.executable)
            if time.monotonic() > deadline:
                self.close()
                raise BrowserError(f"浏览器在 {self.timeout:.0f} 秒内未就绪（{self.executable}）",
                                   executable=self.executable)
            time.sleep(0.02)
        self._port = lines[0].strip()
        try:
            self._conn = _Connection(f"ws://127.0.0.1:{self._port}{lines[1].strip()}", self.timeout,
                                     self.executable)
        except BrowserError:
            self.close()
            raise
        return self

    def new_tab(self) -> Tab:
        """A new tab with its own connection (thread-safe)."""
        if self._conn is None:
            raise BrowserError("浏览器尚未启动")
        with self._lock:
            target = self._conn.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        conn = _Connection(f"ws://127.0.0.1:{self._port}/devtools/page/{target}", self.timeout, self.executable)
        tab = Tab(self, target, conn)
        with self._lock:
            self._tabs.append(tab)
        return tab

    def _close_target(self, target_id: str) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.call("Target.closeTarget", {"targetId": target_id}, timeout=5)
                except BrowserError:
                    pass
            self._tabs = [t for t in self._tabs if t.target_id != target_id]

    def print_pdf(self, html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> Path:
        """Print one file through the default tab."""
        if self._default is None:
            self._default = self.new_tab()
        return self._default.print_pdf(html_path, pdf_path)

    def close(self) -> None:
        for tab in list(self._tabs):
            tab._conn.close()
        self._tabs = []
        self._default = None
        if self._conn is not None:
            try:
                self._conn.call("Browser.close", timeout=5)
            except BrowserError:
                pass
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def __enter__(self) -> Browser:
        return self.start() if self._conn is None else self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _log_tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        text = self._log.read().decode("utf-8", errors="replace").strip().splitlines()
        return " / ".join(line for line in text[-3:] if "dbus" not in line)



PDF_TABS = 2  # tabs printing in parallel in the one browser


class PrinterPool:
    """ONE headless Chromium for a whole batch; PDFs print in parallel tabs, one thread each.

    :meth:`start` launches the browser from the calling thread (which must outlive it); connecting
    and opening the tabs happen in a printing thread meanwhile. Every failure, also a missing
    browser, surfaces per PDF as :class:`~jj123lib.core.exceptions.ReportStepError` from the future.
    """

    def __init__(self, tabs: int = PDF_TABS, executable: str | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=tabs, thread_name_prefix="jj123-pdf")
        self._tabs: queue.Queue[Tab] = queue.Queue()
        self._n_tabs = tabs
        self._executable = executable
        self._lock = threading.Lock()
        self._browser: Browser | None = None
        self._connected = False
        self._error: BrowserError | None = None

    def start(self) -> None:
        """Launch the browser now, from the calling thread; returns at once."""
        with self._lock:
            if self._browser is not None or self._error is not None:
                return
            try:
                self._browser = Browser(self._executable).launch()
            except BrowserError as exc:
                self._error = exc
                return
        self._pool.submit(self._connect)

    def _connect(self) -> None:
        try:
            self._browser_or_raise()
        except BrowserError:
            pass  # reported by each PDF

    def _browser_or_raise(self) -> Browser:
        with self._lock:
            if self._error is None and not self._connected:
                try:
                    if self._browser is None:
                        self._browser = Browser(self._executable).launch()
                    self._browser.connect()
                    for _ in range(self._n_tabs):
                        self._tabs.put(self._browser.new_tab())
                    self._connected = True
                except BrowserError as exc:
                    self._error = exc
            if self._error is not None:
                raise self._error
            assert self._browser is not None
            return self._browser

    def _print(self, html_path: Path, pdf_path: Path, report: str) -> float:
        started = time.monotonic()
        step = "pdf"
        try:
            self._browser_or_raise()
            tab = self._tabs.get()
            try:
                fault_point("batch.pdf", report)
                data = tab.pdf_bytes(html_path)
            finally:
                self._tabs.put(tab)
            step = "write_pdf"
            fault_point("batch.write_pdf", report)
            atomic_write(pdf_path, data)
        except Exception as exc:  # noqa: BLE001 - one PDF's failure is that report's, not the batch's
            try:  # a PDF of older inputs must not stay beside a report whose PDF failed
                pdf_path.unlink(missing_ok=True)
            except OSError:
                pass
            raise ReportStepError.wrap(step, exc) from exc
        return time.monotonic() - started

    def submit(self, html_path: Path, pdf_path: Path, report: str) -> Future[float]:
        """Print ``html_path`` to ``pdf_path``; the future gives the seconds or raises ``ReportStepError``."""
        return self._pool.submit(self._print, html_path, pdf_path, report)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._browser is not None:
            self._browser.close()
            self._browser = None
