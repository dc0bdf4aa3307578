"""One 督办单 (.docx) per 督办事项, laid out with :mod:`jj123lib.documents.layout`.

:func:`jj123lib.documents.content.duban_data` fills :class:`DubanItem` from the ledger. The slip (its
particulars, 署名 and 成文日期 together, and the 版记 with 抄送 to the 牵头市领导) is page 1; the 回执
the unit fills in is a tear-off page of its own after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH

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
from jj123lib.loop.duban import duban_number_text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["DubanItem", "build_duban", "CUT_LINE", "FEEDBACK_FORM", "SLIP_TITLE", "RECEIPT_TITLE"]

CUT_LINE = "－－－－－－－－－－（沿此线剪下）－－－－－－－－－－"
FEEDBACK_FORM = "整改反馈表"
SLIP_TITLE = "督 办 单"
RECEIPT_TITLE = "督办事项办理情况反馈（回执）"


@dataclass(frozen=True)
class DubanItem:
    """One 督办事项 as the 督办单 shows it."""

    number: str  # the item's ID (DB-2026Q3-004); printed in words (duban_number_text)
    level: str
    unit: str
    task_id: str
    task_title: str
    leader: str
    problem: str
    requirement: str
    due_date: date
    basis: str = ""  # 督办依据: the notice the task comes from


def build_duban(item: DubanItem, meta: DocMeta) -> DocxDocument:
    """One 督办单: the particulars, 署名 and date, 版记; then the 回执 on its own page."""
    doc = new_document(meta)
    masthead(doc, meta)
    title(doc, SLIP_TITLE)
    office = meta.office
    feedback = f"填写《{FEEDBACK_FORM}》（随本单下发），连同回执于{chinese_date(item.due_date)}前报送督查室"
    rows: list[list[object]] = [["督办等级", item.level]]  # the number heads the slip, under the masthead
    if item.basis:
        rows.append(["督办依据", item.basis])
    rows += [["承办单位", item.unit], ["督办任务", f"{item.task_id} {item.task_title}"], ["牵头市领导", item.leader],
             ["督办事项", item.problem], ["办理要求", item.requirement], ["办结时限", chinese_date(item.due_date)],
             ["反馈方式", feedback], ["联系方式", contact_text(office)]]
    table(doc, ["项目", "内容"], rows, [26, 130], gap=False)
    signature(doc, meta, gap=False)  # the slip, its 署名 and its 版记 on one page
    imprint(doc, meta, cc=[f"{item.leader}同志"] if item.leader else ())
    _receipt(doc, item, meta)
    return doc


def _receipt(doc: DocxDocument, item: DubanItem, meta: DocMeta) -> None:
    """The 回执 (办理情况反馈): a tear-off page after the signed slip."""
    cut = paragraph(doc, CUT_LINE, align=WD_ALIGN_PARAGRAPH.CENTER)
    cut.paragraph_format.page_break_before = True
    title(doc, RECEIPT_TITLE)
    body(doc, f"督办编号：{duban_number_text(item.number)}　　承办单位：{item.unit}")
    table(doc, ["反馈事项", "填写内容"], [
        ["办理情况", ""], ["未办结原因及计划", ""], ["佐证材料清单", ""], ["单位负责人（签字）", ""],
        ["联系人及电话", ""], ["反馈日期", "    年  月  日"],
    ], [44, 112], gap=False)
    route = f"报送方式：{meta.office.submit_by}。" if meta.office.submit_by else ""
    paragraph(doc, f"请于{chinese_date(item.due_date)}前将本回执连同《{FEEDBACK_FORM}》报送{meta.issuer}。{route}",
              indent=True)
