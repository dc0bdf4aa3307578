"""Benchmark: the naive per-report loop against ``jj123 batch --force``, same quarter and data.

Naive loop, per report (what one would write first):
    papermill CLI  →  jupyter nbconvert --to html --no-input  →  chromium --print-to-pdf
(nbconvert's stock template by default; ``--naive-template jj123`` uses the project's.)
Batch: ``jj123 batch --force`` (warm kernels in a worker process, one nbconvert import per worker,
ONE Chromium for every PDF, the Word documents built in a side thread meanwhile), run
``--batch-runs`` times (default 3: once before the naive loop, the rest after it; the ratio uses
the median, as this machine's speed drifts from minute to minute),
then a rerun with nothing changed, then one unit's changed form ingested (a late 进度填报) and a
rerun: it re-renders only the reports showing that unit's rows, the overview and the 通报.

Usage::

    .venv/bin/python perf/batch_speed.py [--quarter 2026Q3] [--data-dir DIR] [--naive-reports N]

Without ``--data-dir`` demo data is generated into a temporary folder. ``--naive-reports N``
times only the first N reports of the naive loop and extrapolates (prints that it did).
Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = ROOT / "jj123lib" / "templates"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--no-pdf-header-footer"]


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def naive_one(notebook: Path, params: dict[str, str], out: Path, stem: str, chromium: str,
              template: str) -> None:
    executed = out / f"{stem}.ipynb"
    cmd = [str(BIN / "papermill"), str(notebook), str(executed), "--no-progress-bar"]
    for key, value in params.items():
        cmd += ["-r", key, value]
    _run(cmd)
    convert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed),
               "--output-dir", str(out), "--output", stem]
    if template == "jj123":  # the project's template instead of nbconvert's stock "lab" one
        convert += [f"--HTMLExporter.extra_template_basedirs={TEMPLATES}", "--HTMLExporter.template_name=jj123",
                    "--HTMLExporter.language_code=zh", "--TagRemovePreprocessor.remove_cell_tags=parameters",
                    "--TagRemovePreprocessor.remove_cell_tags=injected-parameters"]
    _run(convert)
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        _run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out / (stem + '.pdf')}",
              (out / f"{stem}.html").as_uri()])


LATE_UNIT = "住建局"  # a lead unit under two leaders, with open 督办 items once they are issued


def late_form(data_dir: Path, unit: str, quarter: str, folder: Path) -> set[str]:
    """Rewrite the 存在问题 of the unit's filled rows in its last form and ingest it; the tasks changed."""
    from openpyxl import load_workbook

    from jj123lib.intake.forms import PROGRESS_SHEET, header_columns
    from jj123lib.intake.ingest import ingest_files

    source = data_dir / "inbox" / quarter / "final" / f"{quarter}_{unit}_进度填报.xlsx"
    workbook = load_workbook(source)
    sheet = workbook[PROGRESS_SHEET]
    columns = header_columns(sheet)
    changed = set()
    for row in range(2, sheet.max_row + 1):
        task_id = sheet.cell(row, columns["任务编号"]).value
        if task_id and sheet.cell(row, columns["工作进展"]).value:
            sheet.cell(row, columns["存在问题"]).value = f"补报：{task_id} 遇到新的困难"
            changed.add(str(task_id))
    folder.mkdir(parents=True, exist_ok=True)
    workbook.save(folder / source.name)
    [result] = ingest_files([folder / source.name], data_dir)
    if result.status != "accepted":
        raise SystemExit(f"late form refused: {result.errors}")
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarter", default="2026Q3")
    parser.add_argument("--data-dir")
    parser.add_argument("--naive-reports", type=int, default=0, help="time only N naive reports and extrapolate")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--batch-runs", type=int, default=3,
                        help="times to run the batch (the first before the naive loop); the ratio uses the median")
    parser.add_argument("--naive-template", choices=("lab", "jj123"), default="lab",
                        help="nbconvert template of the naive loop (default: nbconvert's stock lab)")
    args = parser.parse_args()

    from jj123lib.domain.tasks import leaders
    from jj123lib.render.pdf import find_chromium

    chromium = find_chromium()
    work = Path(tempfile.mkdtemp(prefix="jj123-bench-"))
    try:
        data_dir = Path(args.data_dir) if args.data_dir else work / "data"
        if not args.data_dir:
            _run([str(BIN / "jj123"), "demo-data", "--data-dir", str(data_dir)])
            _run([str(BIN / "jj123"), "duban", "issue", "--quarter", args.quarter, "--data-dir", str(data_dir),
                  "--by", "督查室"])  # the demo holds Q1–Q3's items; this issues a later quarter's
        reports: list[tuple[Path, dict[str, str], str]] = [
            (NOTEBOOKS / "leader_report.ipynb", {"leader": name, "quarter": args.quarter,
                                                 "data_dir": str(data_dir)}, f"leader-{i}")
            for i, name in enumerate(leaders())
        ]
        reports.append((NOTEBOOKS / "quarterly_overview.ipynb", {"quarter": args.quarter,
                                                                  "data_dir": str(data_dir)}, "overview"))
        sample = reports[: args.naive_reports] if args.naive_reports else reports

        batch_out = work / "batch"
        cmd = [str(BIN / "jj123"), "batch", "--quarter", args.quarter, "--data-dir", str(data_dir), "--out",
               str(batch_out), "--force", "--no-progress"]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]

        def timed_batch() -> float:
            # The ratio compares like with like: the naive loop makes HTML and PDF, so does this run.
            started = time.monotonic()
            subprocess.run([*cmd, "--formats", "html,pdf"], check=True, stdout=subprocess.DEVNULL)
            return time.monotonic() - started

        # This machine's speed drifts from minute to minute: batch runs on both sides of the naive loop.
        runs = max(1, args.batch_runs)
        print(f"jj123 batch --force --formats html,pdf ({runs}×, before and after the naive loop)…", flush=True)
        batch_times = [timed_batch()]

        naive_out = work / "naive"
        naive_out.mkdir()
        print(f"naive loop: {len(sample)} of {len(reports)} reports (papermill → nbconvert [{args.naive_template}] "
              "→ chromium, each a fresh process)…",
              flush=True)
        started = time.monotonic()
        for notebook, params, stem in sample:
            naive_one(notebook, params, naive_out, stem, chromium, args.naive_template)
        naive_measured = time.monotonic() - started
        naive = naive_measured * len(reports) / len(sample)

        batch_times += [timed_batch() for _ in range(runs - 1)]
        batch = statistics.median(batch_times)
        print("jj123 batch --force --formats docx (the Word documents alone)…", flush=True)
        started = time.monotonic()
        subprocess.run([*cmd, "--formats", "docx"], check=True, stdout=subprocess.DEVNULL)
        documents = time.monotonic() - started
        n_documents = len(json.loads((batch_out / "manifest.json").read_text(encoding="utf-8"))["documents"])

        rerun_cmd = [c for c in cmd if c != "--force"]  # the default formats: html, pdf and docx
        started = time.monotonic()
        subprocess.run(rerun_cmd, check=True, stdout=subprocess.DEVNULL)
        rerun = time.monotonic() - started

        changed_tasks = late_form(data_dir, LATE_UNIT, args.quarter, work / "late")
        started = time.monotonic()
        subprocess.run(rerun_cmd, check=True, stdout=subprocess.DEVNULL)
        late = time.monotonic() - started
        manifest = json.loads((batch_out / "manifest.json").read_text(encoding="utf-8"))
        redone = [r for r in manifest["reports"] if r["status"] == "ok"]
        redone_docs = [d for d in manifest["documents"] if d["status"] == "ok"]

        print()
        print(f"machine: {os.cpu_count()} cores; reports: {len(reports)} ({len(reports) - 1} leaders + overview)")
        note = ("" if len(sample) == len(reports)
                else f" (extrapolated from {len(sample)} reports: {naive_measured:.1f} s)")
        print(f"naive loop:              {naive:7.1f} s  ({naive / len(reports):.1f} s/report){note}")
        spread = "" if runs == 1 else f"; median of {', '.join(f'{t:.1f}' for t in batch_times)} s"
        print(f"jj123 batch --force:     {batch:7.1f} s  ({batch / len(reports):.1f} s/report, HTML and PDF{spread})")
        print(f"ratio naive / batch:     {naive / batch:7.1f} ×")
        print(f"Word documents alone:    {documents:7.1f} s  ({n_documents} documents: 通报, 催报通知, 督办单; "
              "a run of its own, start-up included)")
        print(f"rerun, nothing changed:  {rerun:7.2f} s")
        print(f"rerun, {LATE_UNIT}'s late form (rows of {len(changed_tasks)} tasks): {late:7.1f} s — re-rendered "
              f"{len(redone)} of {len(manifest['reports'])} reports "
              f"({', '.join(r['leader'] or 'overview' for r in redone)}), "
              f"{len(redone_docs)} of {len(manifest['documents'])} documents "
              f"({', '.join(d['item'] or d['kind'] for d in redone_docs)})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
