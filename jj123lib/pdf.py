"""HTML → PDF with ONE headless Chromium for many reports (Chrome DevTools Protocol).

Starting Chromium costs about a second; printing a page through an already
running browser costs a fraction of that. :class:`Browser` starts one headless
Chromium (Debian ``chromium``, or the executable named in ``$JJ123_CHROMIUM``)
with ``--remote-debugging-port=0`` on loopback, talks CDP over one WebSocket
(``websocket-client``) and prints each file with ``Page.printToPDF``, honouring
the report's CSS ``@page`` rules (A4, page numbers).

Chinese text in the PDF is real text: Chromium embeds the Noto CJK subset with a
ToUnicode map, so it is selectable and ``pdftotext`` extracts it.

No browser → :class:`~jj123lib.exceptions.BrowserError` whose message says what to install.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from jj123lib.atomic import atomic_path
from jj123lib.exceptions import BrowserError

__all__ = ["Browser", "find_chromium", "html_to_pdf", "CHROMIUM_FLAGS"]

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
    "--remote-debugging-address=127.0.0.1",
)


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


class Browser:
    """One headless Chromium, reused for every PDF of a batch. Use as a context manager."""

    def __init__(self, executable: str | None = None, timeout: float = 60.0) -> None:
        self.executable = find_chromium(executable)
        self.timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._ws: Any = None
        self._profile: str | None = None
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._log: Any = None
        self._session: str | None = None

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> Browser:
        import websocket  # websocket-client

        self._profile = tempfile.mkdtemp(prefix="jj123-chromium-")
        self._log = tempfile.TemporaryFile()
        cmd = [self.executable, *CHROMIUM_FLAGS, "--remote-debugging-port=0",
               f"--user-data-dir={self._profile}", "about:blank"]
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                          start_new_session=True)
        except OSError as exc:
            self.close()
            raise BrowserError(f"无法启动浏览器 {self.executable}：{exc}", executable=self.executable,
                               missing=True) from None
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
        url = f"ws://127.0.0.1:{lines[0].strip()}{lines[1].strip()}"
        try:
            self._ws = websocket.create_connection(url, timeout=self.timeout, suppress_origin=True,
                                                   enable_multithread=False)
        except (OSError, websocket.WebSocketException) as exc:
            self.close()
            raise BrowserError(f"无法连接浏览器调试接口：{exc}", executable=self.executable) from None
        return self

    def close(self) -> None:
        if self._ws is not None:
            try:
                self._call("Browser.close", timeout=5)
            except Exception:  # noqa: BLE001 - best effort, the process is killed below anyway
                pass
            try:
                self._ws.close()
            except Exception:  # noqa: BLE001
                pass
            self._ws = None
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
        return self.start() if self._ws is None else self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- printing ------------------------------------------------------------------
    def print_pdf(self, html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> Path:
        """Print ``html_path`` to ``pdf_path`` (atomically) using the report's own ``@page`` CSS."""
        if self._ws is None:
            raise BrowserError("浏览器尚未启动")
        source = Path(html_path).resolve()
        if not source.is_file():
            raise BrowserError(f"找不到要打印的 HTML 文件：{source}")
        session = self._ensure_tab()
        self._events.clear()
        frame = self._call("Page.navigate", {"url": source.as_uri()}, session=session)
        if frame.get("errorText"):
            raise BrowserError(f"浏览器无法打开 {source.name}：{frame['errorText']}", executable=self.executable)
        self._wait_event("Page.loadEventFired", session)
        # All fonts are local, but let layout settle with them before printing.
        self._call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => true)",
                                        "awaitPromise": True}, session=session)
        result = self._call("Page.printToPDF", {
            "printBackground": True,
            "preferCSSPageSize": True,
            "displayHeaderFooter": False,
        }, session=session)
        data = base64.b64decode(result["data"])
        if not data.startswith(b"%PDF"):
            raise BrowserError(f"浏览器返回的不是 PDF：{source.name}")
        with atomic_path(pdf_path) as tmp:
            tmp.write_bytes(data)
        return Path(pdf_path)

    # -- CDP plumbing ----------------------------------------------------------------
    def _call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
              timeout: float | None = None) -> dict[str, Any]:
        import websocket

        self._next_id += 1
        msg_id = self._next_id
        message: dict[str, Any] = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            self._ws.settimeout(timeout or self.timeout)
            self._ws.send(json.dumps(message))
            while True:
                reply = json.loads(self._ws.recv())
                if reply.get("id") == msg_id:
                    break
                if "method" in reply:
                    self._events.append(reply)
        except (OSError, websocket.WebSocketException) as exc:
            raise BrowserError(f"与浏览器通信失败（{method}）：{exc or type(exc).__name__}",
                               executable=self.executable) from None
        if "error" in reply:
            raise BrowserError(f"浏览器拒绝了 {method}：{reply['error'].get('message', reply['error'])}",
                               executable=self.executable)
        result: dict[str, Any] = reply.get("result", {})
        return result

    def _ensure_tab(self) -> str:
        if self._session is None:
            target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self._call("Page.enable", session=self._session)
        return self._session

    def _wait_event(self, name: str, session: str) -> dict[str, Any]:
        import websocket

        deadline = time.monotonic() + self.timeout
        while True:
            for event in self._events:
                if event.get("sessionId") == session and event.get("method") in (name, "Inspector.detached"):
                    self._events.remove(event)
                    if event["method"] != name:
                        self._session = None
                        reason = event.get("params", {}).get("reason", "")
                        raise BrowserError(f"浏览器页面意外关闭：{reason}", executable=self.executable)
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"等待浏览器事件 {name} 超时", executable=self.executable)
            try:
                self._ws.settimeout(remaining)
                message = json.loads(self._ws.recv())
            except (OSError, websocket.WebSocketException) as exc:
                raise BrowserError(f"与浏览器通信失败（{name}）：{exc or type(exc).__name__}",
                                   executable=self.executable) from None
            if "method" in message:
                self._events.append(message)

    def _log_tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        text = self._log.read().decode("utf-8", errors="replace").strip().splitlines()
        return " / ".join(text[-3:])


def html_to_pdf(html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str],
                executable: str | None = None) -> Path:
    """Print one file (starts and stops a browser; use :class:`Browser` for many)."""
    with Browser(executable) as browser:
        return browser.print_pdf(html_path, pdf_path)
