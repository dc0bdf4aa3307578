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
from jj123lib.domain.quarters import CHINESE_NUMERALS

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["LeagueEntry", "Bulletin", "build_bulletin"]


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
    """A quarter's 督查通报: paragraphs of each section and the units' league."""

    title: str
    recipients: str
    overview: Sequence[str]
    league: Sequence[LeagueEntry]
    problems: Sequence[str]
    requirements: Sequence[str]


def _league_rows(entries: Sequence[LeagueEntry]) -> list[list[object]]:
    return [["—" if e.rank is None else e.rank, e.unit, "—" if e.score is None else f"{e.score:g}", e.n_tasks,
             e.done, e.red, e.missing, e.board or "—"] for e in entries]


def build_bulletin(bulletin: Bulletin, meta: DocMeta) -> DocxDocument:
    """The 督查通报: masthead, title, 总体情况, 红黄榜 by group, 存在问题, 下步工作要求, signature."""
    doc = new_document(meta)
    masthead(doc, meta)
    title(doc, bulletin.title)
    paragraph(doc, f"{bulletin.recipients}：")
    heading1(doc, "一、总体情况")
    for text in bulletin.overview:
        body(doc, text)
    heading1(doc, "二、红黄榜")
    groups = list(dict.fromkeys(e.group_label for e in bulletin.league))
    numerals = CHINESE_NUMERALS
    for index, group in enumerate(groups):
        entries = [e for e in bulletin.league if e.group_label == group]
        heading2(doc, f"（{numerals[index % 10]}）{group}")
        for board in ("红榜", "黄榜"):
            named = [e for e in entries if e.board == board]
            listed = "；".join(f"{e.unit}（{e.board_reason}）" if e.board_reason else e.unit for e in named)
            body(doc, f"{board}：{listed or '无'}。")
        table(doc, ["名次", "责任单位", "得分", "承担任务", "已完成", "红灯", "未报送", "榜单"],
              _league_rows(entries), [14, 46, 16, 18, 16, 14, 16, 16])
    heading1(doc, "三、存在问题")
    for text in bulletin.problems:
        body(doc, text)
    heading1(doc, "四、下步工作要求")
    for text in bulletin.requirements:
        body(doc, text)
    signature(doc, meta)
    return doc
