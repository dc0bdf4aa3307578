"""Benchmark: the own DevTools client (``jj123lib.render.pdf``) against Playwright's sync API, same Chromium.

Prints every ``*.html`` of a folder (e.g. a ``jj123 batch --formats html`` output) to PDF with each
engine, one browser and two tabs in parallel (as the batch does), and times start-up and printing.
Then kills the browser process in the middle of a run and reports what each engine says.
Playwright never downloads a browser here: it is pointed at the system Chromium (``executable_path``).

Usage::

    .venv/bin/python perf/pdf_speed.py REPORT_FOLDER [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jj123lib.render.pdf import CHROMIUM_FLAGS, Browser, find_chromium

TABS = 2


def own_client(pages: list[Path], out: Path, n_tabs: int = TABS) -> tuple[float, float]:
    started = time.monotonic()
    browser = Browser().start()
    tabs = [browser.new_tab() for _ in range(n_tabs)]
    ready = time.monotonic() - started
    chunks = [pages[i::n_tabs] for i in range(n_tabs)]
    with ThreadPoolExecutor(n_tabs) as pool:
        list(pool.map(lambda pair: [pair[0].print_pdf(p, out / f"{p.stem}.pdf") for p in pair[1]],
                      zip(tabs, chunks)))
    total = time.monotonic() - started
    browser.close()
    return ready, total


def playwright(pages: list[Path], out: Path) -> tuple[float, float]:
    # Playwright's sync API is bound to one thread: parallel tabs need one browser per thread,
    # or one thread driving pages one after another. Use its recommended form: one thread.
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(),
                                     args=[f for f in CHROMIUM_FLAGS if f != "--headless"])
        page = browser.new_page()
        ready = time.monotonic() - started
        for path in pages:
            page.goto(path.as_uri())
            page.pdf(path=str(out / f"{path.stem}.pdf"), print_background=True, prefer_css_page_size=True)
        total = time.monotonic() - started
        browser.close()
    return ready, total


def kill_own(pages: list[Path], out: Path) -> str:
    browser = Browser().start()
    try:
        browser.print_pdf(pages[0], out / "a.pdf")
        assert browser._proc is not None
        os.killpg(browser._proc.pid, signal.SIGKILL)
        browser.print_pdf(pages[1], out / "b.pdf")
        return "no error?"
    except Exception as exc:  # noqa: BLE001 - report what the engine raised
        return f"{type(exc).__name__}: {exc}"
    finally:
        browser.close()


def kill_playwright(pages: list[Path], out: Path) -> str:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(),
                                     args=[f for f in CHROMIUM_FLAGS if f != "--headless"])
        page = browser.new_page()
        page.goto(pages[0].as_uri())
        page.pdf(path=str(out / "a.pdf"))
        for pid in _children_named("chrom"):
            os.kill(pid, signal.SIGKILL)
        started = time.monotonic()
        try:
            page.goto(pages[1].as_uri())
            page.pdf(path=str(out / "b.pdf"))
            return "no error?"
        except Exception as exc:  # noqa: BLE001 - report what the engine raised
            return f"{type(exc).__name__} after {time.monotonic() - started:.1f} s: {str(exc).splitlines()[0]}"


def _children_named(word: str) -> list[int]:
    """Descendants of this process whose command contains ``word`` (the browser under Playwright's driver)."""
    me, found = os.getpid(), []
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                names[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="replace")
            except (OSError, ValueError, IndexError):
                continue
    for pid in names:
        p = pid
        while p in parents and p not in (0, 1):
            p = parents[p]
            if p == me:
                if word in names[pid] and "--type=" not in names[pid]:
                    found.append(pid)
                break
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = sorted(p.resolve() for p in args.folder.glob("*.html") if p.name != "index.html")
    with tempfile.TemporaryDirectory(prefix="jj123-bench-pdf-") as tmp:
        out = Path(tmp)
        engines = (("own CDP, 2 tabs", own_client), ("own CDP, 1 tab", lambda p, o: own_client(p, o, 1)),
                   ("playwright", playwright))
        for name, engine in engines:
            runs = [engine(pages, out) for _ in range(args.rounds)]
            ready = statistics.median(r[0] for r in runs)
            total = statistics.median(r[1] for r in runs)
            print(f"{name:15s} {len(pages)} PDFs: start-up {ready:.2f} s, total {total:.2f} s, "
                  f"per PDF {(total - ready) / len(pages):.2f} s (median of {args.rounds})")
        print("own CDP client, browser killed:", kill_own(pages, out))
        print("playwright, browser killed:    ", kill_playwright(pages, out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
