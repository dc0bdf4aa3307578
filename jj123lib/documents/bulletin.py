"""The quarter's 督查通报 (.docx) from plain data, laid out with :mod:`jj123lib.documents.layout`.

:func:`jj123lib.documents.content.bulletin_data` fills :class:`Bulletin` from the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jj123lib.documents.layout import (
    DocMeta,
    body,
    heading1,
    heading2,
    masthead,
    new_document,
    paragraph,
    signature,
    table,
    title,
)
from jj123lib.documents.parts import attachment, attachment_note, imprint
from jj123lib.domain.quarters import CHINESE_NUMERALS

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["LeagueEntry", "Bulletin", "build_bulletin", "LEAGUE_HEADER", "TASK_HEADER", "attachment_names"]


@dataclass(frozen=True)
class LeagueEntry:
    """One unit's line in the 红黄榜 (see :func:`jj123lib.assess.unit_league.unit_league`)."""

    group_label: str
    rank: int | None
    unit: str
    score: float | None
    n_tasks: int
    done: int
    red: int
    missing: int
    board: str  # "红榜", "黄榜" or ""
    board_reason: str = ""


@dataclass(frozen=True)
class Bulletin:
    """A quarter's 督查通报: each part's paragraphs, the units' league and the 附件' content.

    The first six fields are the body's core; the rest default to empty, and a part with no
    paragraphs is left out (the headings are numbered as they come).
    """

    title: str
    recipients: str
    overview: Sequence[str]
    league: Sequence[LeagueEntry]
    problems: Sequence[str]
    requirements: Sequence[str]
    preamble: str = ""
    achievements: Sequence[str] = ()
    supervision: Sequence[str] = ()  # 督办和整改情况
    reporting: Sequence[str] = ()  # 报送情况
    blockers: Sequence[str] = ()  # 需协调解决的问题
    formula: Sequence[str] = ()  # 附件1: how a unit's score is computed
    tasks: Sequence[Sequence[object]] = ()  # 附件3: each task's units and light
    period: str = ""  # 2026年第三季度, for the 附件' titles


LEAGUE_HEADER = ["名次", "责任单位", "得分", "承担任务", "已完成", "红灯", "未报送", "榜单"]
TASK_HEADER = ["编号", "任务", "层级", "牵头单位", "配合单位", "灯号"]


def _league_rows(entries: Sequence[LeagueEntry]) -> list[list[object]]:
    return [["—" if e.rank is None else e.rank, e.unit, "—" if e.score is None else f"{e.score:g}", e.n_tasks,
             e.done, e.red, e.missing, e.board or "—"] for e in entries]


def attachment_names(bulletin: Bulletin) -> list[str]:
    """The 附件' titles, in order (the 附件说明 lists them)."""
    names = []
    if bulletin.formula:
        names.append("责任单位评分办法")
    if bulletin.league:
        names.append(f"{bulletin.period}责任单位得分及红黄榜")
    if bulletin.tasks:
        names.append(f"{bulletin.period}各项任务推进情况一览表")
    return names


def build_bulletin(bulletin: Bulletin, meta: DocMeta) -> DocxDocument:
    """The 督查通报: body parts, 附件说明, signature, then the 附件 (评分办法, 红黄榜, 任务一览) and the 版记."""
    doc = new_document(meta)
    masthead(doc, meta)
    title(doc, bulletin.title)
    paragraph(doc, f"{bulletin.recipients}：")
    if bulletin.preamble:
        body(doc, bulletin.preamble)
    parts = [("总体情况", bulletin.overview), ("主要成效", bulletin.achievements),
             ("存在问题", bulletin.problems), ("督办和整改情况", bulletin.supervision),
             ("报送情况", bulletin.reporting), ("需协调解决的问题", bulletin.blockers),
             ("下步工作要求", bulletin.requirements)]
    numbered = [(name, texts) for name, texts in parts if texts]
    for index, (name, texts) in enumerate(numbered):
        heading1(doc, f"{CHINESE_NUMERALS[index % 10]}、{name}")
        for text in texts:
            body(doc, text)
    names = attachment_names(bulletin)
    attachment_note(doc, names)
    signature(doc, meta)
    number = 0
    if bulletin.formula:
        number += 1
        attachment(doc, number if len(names) > 1 else None, names[number - 1])
        for text in bulletin.formula:
            body(doc, text)
    if bulletin.league:
        number += 1
        attachment(doc, number if len(names) > 1 else None, names[number - 1])
        groups = list(dict.fromkeys(e.group_label for e in bulletin.league))
        for index, group in enumerate(groups):
            entries = [e for e in bulletin.league if e.group_label == group]
            heading2(doc, f"（{CHINESE_NUMERALS[index % 10]}）{group}")
            table(doc, LEAGUE_HEADER, _league_rows(entries), [12, 50, 14, 20, 16, 12, 16, 16])
    if bulletin.tasks:
        number += 1
        attachment(doc, number if len(names) > 1 else None, names[number - 1])
        table(doc, TASK_HEADER, bulletin.tasks, [12, 52, 22, 24, 30, 16])
    paragraph(doc)
    imprint(doc, meta)
    return doc
