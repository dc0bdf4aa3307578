"""One 督办单 (.docx) per 督办事项, laid out with :mod:`jj123lib.documents.layout`.

:func:`jj123lib.documents.content.duban_items` fills :class:`DubanItem` from the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from jj123lib.documents.layout import (
    DocMeta,
    body,
    chinese_date,
    heading1,
    masthead,
    new_document,
    signature,
    table,
    title,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["DubanItem", "build_duban"]


@dataclass(frozen=True)
class DubanItem:
    """One 督办事项 as the 督办单 shows it."""

    number: str
    level: str
    unit: str
    task_id: str
    task_title: str
    leader: str
    problem: str
    requirement: str
    due_date: date


def build_duban(item: DubanItem, meta: DocMeta) -> DocxDocument:
    """One 督办单: the item's particulars in a table, then the reply block for the unit."""
    doc = new_document(meta)
    masthead(doc, meta)
    title(doc, "督 办 单")
    table(doc, ["项目", "内容"], [
        ["督办编号", item.number], ["督办等级", item.level], ["责任单位", item.unit],
        ["任务", f"{item.task_id} {item.task_title}"], ["牵头市领导", item.leader], ["存在问题", item.problem],
        ["督办要求", item.requirement], ["办结时限", chinese_date(item.due_date)],
    ], [36, 120])
    heading1(doc, "办理情况反馈")
    body(doc, f"请{item.unit}于{chinese_date(item.due_date)}前将办理情况书面反馈{meta.issuer}。")
    table(doc, ["反馈事项", "填写内容"], [
        ["办理情况", ""], ["未办结原因及计划", ""], ["单位负责人（签字）", ""], ["联系人及电话", ""],
        ["反馈日期", "    年  月  日"],
    ], [44, 112], gap=False)
    signature(doc, meta, gap=False)  # a 督办单 is one page, demo mark included
    return doc
