"""A unit's changed progress form, ingested late: the demo's final form for the unit, cells rewritten."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from jj123lib.demo.record import REPORTS_DIR
from jj123lib.intake.forms import PROGRESS_SHEET, header_columns
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.publications import PUBLISHED_DIR
from jj123lib.ledger.store import Ledger


def demo_copy(demo_data_dir: Path, folder: Path, *, published: bool = False) -> Path:
    """A private copy of the session's demo data (its marker and inbox included).

    The demo publishes 2026Q1–Q3 (``demo.record``); unless ``published``, the copy is as before any publication
    (its snapshots and their rows gone, what the correction changed kept), so a test can change a quarter and
    see it re-rendered as a draft, or publish it itself.
    """
    shutil.copytree(demo_data_dir, folder)
    if not published:
        shutil.rmtree(folder / PUBLISHED_DIR)
        shutil.rmtree(folder / REPORTS_DIR)
        with Ledger(folder).transaction() as conn:
            conn.execute("DELETE FROM publications")
    return folder


def without_duban(data_dir: Path) -> Path:
    """Remove every 督办事项 the demo's supervision loop recorded (answers, 销号 and their audit trail
    with them), so a test can issue the quarter's items afresh."""
    with Ledger(data_dir).transaction() as conn:
        conn.execute("DELETE FROM duban_responses")
        conn.execute("DELETE FROM response_files")
        conn.execute("DELETE FROM verifications WHERE kind = 'duban'")
        conn.execute("DELETE FROM supervision_events WHERE target IN (SELECT id FROM duban)")
        conn.execute("DELETE FROM duban_steps")
        conn.execute("DELETE FROM duban")
    assert Ledger(data_dir).query("SELECT id FROM duban", (), ["id"]).empty
    return data_dir


def ingest_changed_form(data_dir: Path, unit: str, folder: Path, change: Callable[[str], dict[str, str]],
                        quarter: str = "2026Q3") -> set[str]:
    """Rewrite the unit's filled rows of its last form for ``quarter`` (``change(task_id)`` → {column: value})
    and ingest it; returns the tasks whose rows changed."""
    source = data_dir / "inbox" / quarter / "final" / f"{quarter}_{unit}_进度填报.xlsx"
    workbook = load_workbook(source)
    sheet = workbook[PROGRESS_SHEET]
    columns = header_columns(sheet)
    changed: set[str] = set()
    for row in range(2, sheet.max_row + 1):
        task_id = sheet.cell(row, columns["任务编号"]).value
        if not task_id or not sheet.cell(row, columns["工作进展"]).value:
            continue  # a row the unit left blank stays blank
        changed.add(str(task_id))
        for label, value in change(str(task_id)).items():
            cell = sheet.cell(row, columns[label])
            cell.value = value
            if value.startswith("="):
                cell.data_type = "s"  # as Excel stores a typed '=… (text, not a formula)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / source.name
    workbook.save(path)
    [result] = ingest_files([path], data_dir)
    assert result.status == "accepted", result.errors
    return changed
