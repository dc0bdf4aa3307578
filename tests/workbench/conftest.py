"""The workbench under test: ``jj123 serve`` started as the office starts it, and a page in the system Chromium.

Screenshots go to ``docs/workbench/`` when ``$JJ123_WORKBENCH_SCREENSHOTS`` is set (the README's pictures:
``JJ123_WORKBENCH_SCREENSHOTS=1 python -m pytest tests/workbench``), else to the test's temporary folder,
so an ordinary run leaves the tracked pictures alone.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("JJ123_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS_ENV = "JJ123_WORKBENCH_SCREENSHOTS"
PAGE_TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "jj123lib.cli.main", "serve", *args]


def status_of(url: str) -> int:
    """The HTTP status of a GET, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass
class Served:
    url: str  # with the token
    base: str  # without it
    token: str
    data_dir: Path
    log: Path


def start(data_dir: Path, log: Path, *args: str, cwd: Path | None = None) -> tuple[subprocess.Popen[bytes], Served]:
    """``jj123 serve`` on a free port; returns once the server answers (the URL and token are those it printed)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    with log.open("wb") as out:
        process = subprocess.Popen(serve_command("--data-dir", str(data_dir), "--port", str(port), *args),
                                   cwd=cwd or data_dir.parent, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"(http://[^/\s]+)/\?token=(\S+)", log.read_text(encoding="utf-8", errors="replace"))
        if found:
            base, token = found.group(1), found.group(2)
            try:
                if status_of(base + "/") in (200, 302):
                    return process, Served(f"{base}/?token={token}", base, token, data_dir, log)
            except OSError:
                pass
        time.sleep(0.3)
    stop(process)
    raise AssertionError("jj123 serve did not start:\n" + log.read_text(encoding="utf-8", errors="replace"))


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server this test started (its own process group: Voilà and its kernels)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture()
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start ``jj123 serve`` (on a data folder, with extra options); every server is stopped after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def run(data_dir: Path | None = None, *args: str) -> Served:
        folder = data_dir or tmp_path / "data"
        process, served = start(folder, tmp_path / f"serve-{len(started)}.log", *args)
        started.append(process)
        return served

    yield run
    for process in started:
        stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture()
def shoot(page: Page, tmp_path: Path) -> Callable[[str], Path]:
    """Screenshot the whole page as ``<name>.png`` (docs/workbench/ when asked for, see the module docstring)."""
    folder = ROOT / "docs" / "workbench" if os.environ.get(SCREENSHOTS_ENV) else tmp_path / "screenshots"

    def take(name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
