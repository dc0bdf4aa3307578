"""The 催报通知 (.docx) to units whose report is overdue, laid out with :mod:`jj123lib.documents.layout`.

:func:`jj123lib.documents.content.cuibao_entries` fills :class:`CuibaoEntry` from the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from jj123lib.documents.layout import (
    DocMeta,
    body,
    chinese_date,
    masthead,
    new_document,
    paragraph,
    signature,
    table,
    title,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["CuibaoTask", "CuibaoEntry", "build_cuibao"]


@dataclass(frozen=True)
class CuibaoTask:
    """A task whose report is overdue."""

    task_id: str
    title: str


@dataclass(frozen=True)
class CuibaoEntry:
    """An overdue unit, its unreported tasks and how many days it is late."""

    unit: str
    tasks: Sequence[CuibaoTask]
    days_overdue: int
    contact: str = ""
    phone: str = ""


def build_cuibao(entries: Sequence[CuibaoEntry], meta: DocMeta, quarter_label: str, deadline: date) -> DocxDocument:
    """The 催报通知: the overdue units, their unreported tasks and days overdue, and a new deadline."""
    doc = new_document(meta)
    masthead(doc, meta)
    title(doc, f"关于催报{quarter_label}“123”争先进位工作进展的通知")
    paragraph(doc, "各有关责任单位：")
    body(doc, f"截至{chinese_date(meta.issue_date)}，以下单位尚未报送{quarter_label}工作进展。"
              f"请于{chinese_date(deadline)}前补报；逾期仍未报送的，在督查通报中列入黄榜。")
    rows: list[list[object]] = []
    for number, entry in enumerate(entries, start=1):
        tasks = "；".join(f"{t.task_id} {t.title}" for t in entry.tasks)
        contact = " ".join(part for part in (entry.contact, entry.phone) if part) or "—"
        rows.append([number, entry.unit, tasks, f"{entry.days_overdue} 天", contact])
    table(doc, ["序号", "责任单位", "未报送任务", "逾期", "联系人"], rows, [12, 36, 70, 16, 22])
    signature(doc, meta)
    return doc
