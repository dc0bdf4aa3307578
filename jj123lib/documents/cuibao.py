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
from jj123lib.documents.parts import contact_text, imprint

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["CuibaoTask", "CuibaoEntry", "build_cuibao", "cuibao_title"]


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


def cuibao_title(quarter_label: str) -> str:
    """The 催报通知's title for a quarter (``2026年第三季度``)."""
    return f"关于催报{quarter_label}“123”争先进位工作进展的通知"


def build_cuibao(entries: Sequence[CuibaoEntry], meta: DocMeta, quarter_label: str, deadline: date,
                 due: date | None = None, as_of: date | None = None) -> DocxDocument:
    """The 催报通知 to the units that owe a report: 立即补报 by ``deadline``, the route and the office's contact.

    ``due``: the quarter's reporting deadline they missed; ``as_of``: the day the list stands at (default: the
    date of issue). The units are the 主送; a table lists their
    unreported tasks and days overdue; 署名, date and 版记 close it.
    """
    doc = new_document(meta)
    masthead(doc, meta)
    title(doc, cuibao_title(quarter_label))
    units = list(dict.fromkeys(entry.unit for entry in entries))
    paragraph(doc, f"{'、'.join(units) or '各有关责任单位'}：")
    missed = f"（报送期限为{chinese_date(due)}）" if due is not None else ""
    since = chinese_date(as_of or meta.issue_date)
    body(doc, f"截至{since}，以下单位尚未报送{quarter_label}“123”争先进位工作进展{missed}。")
    rows: list[list[object]] = []
    for number, entry in enumerate(entries, start=1):
        tasks = "；".join(f"{t.task_id} {t.title}" for t in entry.tasks)
        contact = " ".join(part for part in (entry.contact, entry.phone) if part) or "—"
        rows.append([number, entry.unit, tasks, f"{entry.days_overdue} 天", contact])
    table(doc, ["序号", "责任单位", "未报送任务", "逾期", "单位联系人"], rows, [12, 36, 70, 16, 22], gap=False)
    body(doc, f"请立即补报，最迟于{chinese_date(deadline)}前报送；逾期仍未报送的，在督查通报中予以通报。")
    office = meta.office
    if office.submit_by:
        body(doc, f"报送方式：{office.submit_by}。")
    body(doc, f"{meta.issuer}{contact_text(office)}")
    signature(doc, meta)
    paragraph(doc)
    imprint(doc, meta)
    return doc
