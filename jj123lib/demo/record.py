"""The demo's record: a resent form withdrawn, 2026Q1–Q3 published after their deadlines, one correction.

Runs last in :func:`jj123lib.demo.generate.generate_demo`, once the forms, the office's overrides and the
supervision loop are in. Every step goes through the call the office's command makes, stamped by the
demo's clock (its story's days, China time), so two demo runs record the same:

* **a revert** (:func:`withdraw_resent`): in 2026Q2 a unit sends its form again the day after, with one
  figure changed by mistake; the office withdraws that version the same day (``jj123 ingest --revert``), so the
  first one counts again. Both stay in the 收文登记.
* **publications** (:func:`publish_quarters`): each quarter is published (``jj123 publish``, through
  :func:`~jj123lib.batch.publish.publish_quarter`) :data:`PUBLISH_DAYS` days after its reporting deadline, once
  its 督办, answers and 销号 are recorded. A publication reads the ledger as of its own moment, so what was
  recorded later stays out of it. Publishing renders the quarter's Word documents (the 督查通报, 催报通知 and
  督办单) from the snapshot into ``<data_dir>/reports/<QUARTER>/``; the pages are left to ``jj123 batch``,
  which renders a published quarter from its snapshot.
* **a correction** (:func:`correct_override`): after 2026Q2 was published, the office finds that the evidence
  on which it withdrew its Q2 override of a task did not hold, and overrides it again, as a correction
  (``jj123 override … --correct``): the Q2 reports then carry a 更正说明.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from openpyxl import load_workbook

from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.exceptions import LedgerError
from jj123lib.domain import lights
from jj123lib.domain.quarters import report_deadline
from jj123lib.intake.forms import PROGRESS_SHEET, header_columns, progress_form_name
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.publications import correct
from jj123lib.ledger.receipts import receipts, revert_file
from jj123lib.ledger.store import Ledger

__all__ = ["DemoRecord", "PUBLISHED", "PUBLISH_DAYS", "PUBLISHER", "REPORTS_DIR", "CORRECTED", "CORRECTION_REASON",
           "REVERT_REASON", "withdraw_resent", "publish_quarters", "correct_override", "publication_moment"]

PUBLISHED = ("2026Q1", "2026Q2", "2026Q3")
PUBLISH_DAYS = 26  # after the deadline: the quarter's loop (督办, answers, 销号, 协调) is recorded by then
PUBLISHER = "督查室（示例）"
REPORTS_DIR = "reports"  # the Word documents each publication rendered: <data_dir>/reports/<QUARTER>/
RESENT_QUARTER = "2026Q2"
REVERT_REASON = "单位来电说明误报了未经审核的版本，申请撤回，以原报送版本为准"
CORRECTED = "2026Q2"
CORRECTED_LIGHT = "red"
CORRECTION_DAYS = 15  # after the publication
CORRECTION_REASON = "经复核，单位补充的佐证材料与现场情况不符，撤销调整的依据不成立，更正为红灯"


@dataclass
class DemoRecord:
    """What the demo's record holds, for the CLI message and the tests."""

    resent_unit: str = ""
    withdrawn: str = ""  # the 收文登记 file id of the withdrawn version
    published: list[str] = field(default_factory=list)
    corrected: str = ""  # the task whose light the correction overrode


def publication_moment(quarter: str) -> datetime:
    """When the demo publishes ``quarter``: :data:`PUBLISH_DAYS` after its deadline, 17:00 China time."""
    return datetime.combine(report_deadline(quarter) + timedelta(days=PUBLISH_DAYS), time(17), CHINA_TZ)


def withdraw_resent(data_dir: Path, unit: str, clerk: str, record: DemoRecord) -> int:
    """``unit`` resends its 2026Q2 form the morning after, one figure changed; withdrawn that afternoon.

    Returns the number of files ingested (one).
    """
    ledger = Ledger(data_dir)
    form = receipts(ledger, RESENT_QUARTER)
    first = form[(form["unit"] == unit) & (form["kind"] == "progress")].iloc[0]
    received = datetime.fromisoformat(str(first["received_at"]))
    name = progress_form_name(RESENT_QUARTER, unit)
    workbook = load_workbook(data_dir / "inbox" / RESENT_QUARTER / "final" / name)
    sheet = workbook[PROGRESS_SHEET]
    columns = header_columns(sheet)
    cell = next(sheet.cell(row, columns["实际累计进度(%)"]) for row in range(2, sheet.max_row + 1)
                if sheet.cell(row, columns["实际累计进度(%)"]).value is not None)
    value = float(cell.value)  # type: ignore[arg-type]  # a filled lead row: a number
    cell.value = value + 5 if value <= 95 else value - 5  # the slip the unit asks to withdraw
    path = data_dir / "inbox" / RESENT_QUARTER / "resent" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    moment = datetime.combine(received.date() + timedelta(days=1), time(9, 30), CHINA_TZ)
    [result] = ingest_files([path], data_dir, today=moment.date(), now=moment, received=moment, by=clerk)
    if result.status != "accepted":  # the demo must exercise the real path cleanly; a failure here is a bug
        raise LedgerError("示例数据重复报送的表格导入失败：\n" + result.message())
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    revert_file(data_dir, sha256, REVERT_REASON, clerk, now=moment + timedelta(hours=7))
    record.resent_unit, record.withdrawn = unit, sha256[:12]
    return 1


def publish_quarters(data_dir: Path, record: DemoRecord) -> None:
    """Publish :data:`PUBLISHED` in turn, each at its :func:`publication_moment`; 2026Q2 corrected after."""
    from jj123lib.batch.publish import publish_quarter

    for quarter in PUBLISHED:
        moment = publication_moment(quarter)
        publish_quarter(data_dir, quarter, by=PUBLISHER, as_of=moment, now=moment,
                        out=data_dir / REPORTS_DIR / quarter, formats=("docx",))
        record.published.append(quarter)
        if quarter == CORRECTED and record.corrected:
            correct_override(data_dir, record.corrected)


def correct_override(data_dir: Path, task_id: str) -> None:
    """Override ``task_id``'s published 2026Q2 light to red, as a correction with its reason."""
    light, reason = CORRECTED_LIGHT, CORRECTION_REASON
    moment = publication_moment(CORRECTED) + timedelta(days=CORRECTION_DAYS, hours=-7)

    def apply(folder: Path, clock: datetime | None) -> object:
        return Ledger(folder).add_override(task_id, CORRECTED, light, reason, PUBLISHER, now=clock or moment)

    correct(data_dir, CORRECTED, reason=reason, by=PUBLISHER, what=f"{task_id} 灯号调整为{lights.LABELS[light]}",
            apply=apply, now=moment)
