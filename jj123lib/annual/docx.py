"""The 年度考评通报 (.docx, GB/T 9704-2012) from the year-end review, with :mod:`jj123lib.documents.layout`'s layout.

Same page, grid, fonts, masthead, tables and signature as the quarterly 督查通报; the content comes from
:class:`jj123lib.annual.review.AnnualReview`. No leader score appears unless ``annual_review.show_leader_scores``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from jj123lib.annual.review import BASIC, DONE, OUTCOMES, UNDONE, AnnualReview
from jj123lib.core.frames import records
from jj123lib.documents.content import office
from jj123lib.documents.layout import (
    DocMeta,
    body,
    docx_bytes,
    heading1,
    heading2,
    masthead,
    new_document,
    paragraph,
    signature,
    table,
    title,
)
from jj123lib.documents.parts import attachment, attachment_note, contact_text, imprint
from jj123lib.documents.prose import addressees, plain
from jj123lib.domain.quarters import CHINESE_NUMERALS, next_quarter, quarter_label
from jj123lib.domain.tiers import TIER_LABELS, TIERS
from jj123lib.domain.units import GROUP_LABELS, GROUPS, UnitsPath, load_units

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["build_annual", "annual_docx", "annual_title", "without_file_names"]

_FILE_NAME = re.compile(r"\s*(?:params/)?[\w.-]+\.ya?ml\s*的?")


def annual_title(year: int) -> str:
    """The 年度考评通报's title."""
    return f"关于{year}年度“123”争先进位工作年度考评情况的通报"


def without_file_names(text: str) -> str:
    """A rule's description as a 公文 may print it: no file names such as ``params/units.yaml``."""
    return _FILE_NAME.sub("", text)


def _score(value: float) -> str:
    return "—" if value != value else f"{round(float(value), 2):g}"  # NaN: a unit with no task


def _overview(doc: DocxDocument, result: AnnualReview) -> None:
    counts = result.counts()
    outcomes = result.outcomes
    final = result.final_quarter
    basis = ("全年尚无报送" if final is None else f"以{quarter_label(final)}报送数据为准"
             + ("" if next_quarter(final) is None else "（第四季度尚未报送）"))
    day = result.as_of
    heading1(doc, "一、总体情况")
    body(doc, f"市政府督查室对{result.year}年度“123”争先进位{len(outcomes)}项任务进行了年度考评（{basis}，"
              f"截至{day.year}年{day.month}月{day.day}日）。其中："
         + "、".join(f"{o}{counts[o]}项" for o in OUTCOMES if counts[o])
         + f"；经核实获得上级认定{len(result.recognitions)}项。")
    for tier in TIERS:
        mine = outcomes[outcomes["tier"] == tier]
        body(doc, f"{TIER_LABELS[tier]}{len(mine)}项：" + "、".join(
            f"{o}{int((mine['outcome'] == o).sum())}项" for o in OUTCOMES if (mine["outcome"] == o).any()) + "。")


def build_annual(result: AnnualReview, meta: DocMeta, recipients: str = "") -> DocxDocument:
    """The 年度考评通报: 总体情况, recognitions, 下步要求 and contact in the body; outcomes, unit scores,
    leaders and the rules as 附件; 版记 last. ``recipients``: the 主送 line (default: from the unit groups)."""
    doc = new_document(meta)
    masthead(doc, meta)
    title(doc, annual_title(result.year) + ("（预评）" if result.preliminary else ""))
    paragraph(doc, f"{recipients or addressees(load_units())}：")
    if result.preliminary:
        body(doc, result.preliminary_note())
    _overview(doc, result)
    heading1(doc, "二、获得的认定")
    if result.recognitions.empty:
        body(doc, "本年度尚无经核实的上级认定。")
    outcomes = result.outcomes
    titles = dict(zip(outcomes["task_id"], outcomes["title"]))
    for r in records(result.recognitions):
        body(doc, f"“{titles.get(r['task_id'], '')}”（{r['task_id']}）获{r['level']}认定"
                  + (f"（{r['date']}）" if r["date"] else "") + "。")
    heading1(doc, "三、下步工作要求")
    body(doc, "各责任单位要对照考评结果查找差距，未完成任务的牵头单位要深入分析原因，明确下一步推进措施和完成时限，"
              "书面报送市政府督查室；对考评结果有异议的，可向市政府督查室提出复核申请。")
    body(doc, f"{meta.issuer}{contact_text(meta.office)}")
    names = ["任务考评结果", "责任单位年度得分", "市领导牵头任务完成情况", "考评规则"]
    attachment_note(doc, names)
    signature(doc, meta)
    _attachments(doc, result, names)
    paragraph(doc)
    imprint(doc, meta)
    return doc


def _attachments(doc: DocxDocument, result: AnnualReview, names: list[str]) -> None:
    outcomes = result.outcomes
    attachment(doc, 1, names[0])
    for index, tier in enumerate(TIERS):
        heading2(doc, f"（{CHINESE_NUMERALS[index]}）{TIER_LABELS[tier]}")
        rows: list[list[object]] = [[r["task_id"], r["title"], r["lead_unit"], r["outcome"], plain(str(r["reason"]))]
                                    for r in records(outcomes[outcomes["tier"] == tier])]
        table(doc, ["编号", "任务", "牵头单位", "结果", "依据"], rows, [16, 40, 22, 20, 58])
    attachment(doc, 2, names[1])
    body(doc, "年度得分 = 基础分 + 认定加分 − 扣分，按镇街/指挥部/园区、市直部门、国有企业分组排名，同分并列。")
    groups = [g for g in GROUPS if (result.units["group"] == g).any()]
    for index, group in enumerate(groups):
        heading2(doc, f"（{CHINESE_NUMERALS[index]}）{GROUP_LABELS[group]}")
        mine = result.units[result.units["group"] == group]
        rows = [["—" if r["rank"] is None else r["rank"], r["unit"], _score(r["score"]), _score(r["base"]),
                 _score(r["bonus"]), _score(-r["deduction"] or 0.0), f"{r[DONE]}/{r[BASIC]}/{r[UNDONE]}"]
                for r in records(mine)]
        table(doc, ["名次", "责任单位", "得分", "基础分", "加分", "扣分", "完成/基本/未完成"], rows,
              [14, 44, 18, 18, 16, 16, 30])
    attachment(doc, 3, names[2])
    show = "score" in result.leaders.columns
    rows = [[r["leader"], r["n_tasks"], *[r[o] for o in OUTCOMES], *([_score(r["score"])] if show else [])]
            for r in records(result.leaders)]
    table(doc, ["市领导", "牵头任务", *OUTCOMES, *(["得分"] if show else [])], rows,
          [30, 22, 22, 26, 22, 24] if show else [36, 30, 30, 30, 30])
    attachment(doc, 4, names[3])
    for number, rule in enumerate(result.describe_rules(), start=1):
        body(doc, f"{number}. {plain(without_file_names(rule))}")


def annual_docx(result: AnnualReview, *, demo: bool, issue_date: date,
                doc_number: str = "晋政督通〔    〕  号", rules: Mapping[str, Any] | None = None,
                units_file: UnitsPath | None = None) -> bytes:
    """The 年度考评通报 as .docx bytes (marked 示例数据 for demo data); contact and 版记 from ``rules``."""
    from jj123lib.domain.rule_sections import document_settings
    from jj123lib.domain.rules import load_rules

    settings = document_settings(f"{result.year}Q4", load_rules() if rules is None else rules)
    meta = DocMeta(doc_number, issue_date, issuer=settings.issuer, demo=demo, office=office(settings, demo=demo))
    return docx_bytes(build_annual(result, meta, addressees(load_units(units_file))))
