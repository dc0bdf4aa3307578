"""The 年度考评通报 (.docx, GB/T 9704-2012) from the year-end review, with :mod:`jj123lib.documents.layout`'s layout.

Same page, grid, fonts, masthead, tables and signature as the quarterly 督查通报; the content comes from
:class:`jj123lib.annual.review.AnnualReview`. No leader score appears unless ``annual_review.show_leader_scores``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from jj123lib.annual.review import BASIC, DONE, OUTCOMES, UNDONE, AnnualReview
from jj123lib.core.frames import records
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
from jj123lib.domain.quarters import CHINESE_NUMERALS, next_quarter
from jj123lib.domain.tiers import TIER_LABELS, TIERS
from jj123lib.domain.units import GROUP_LABELS, GROUPS

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["RECIPIENTS", "build_annual", "annual_docx"]

RECIPIENTS = "各镇人民政府、街道办事处，市直有关单位"


def _score(value: float) -> str:
    return "—" if value != value else f"{round(float(value), 2):g}"  # NaN: a unit with no task


def build_annual(result: AnnualReview, meta: DocMeta) -> DocxDocument:
    """The 年度考评通报: 总体情况, outcomes by tier, unit scores by group, recognitions, leaders, rules."""
    doc = new_document(meta)
    masthead(doc, meta)
    title(doc, f"关于{result.year}年度“123”争先进位工作年度考评情况的通报")
    paragraph(doc, f"{RECIPIENTS}：")
    counts = result.counts()
    outcomes = result.outcomes
    final = result.final_quarter
    basis = ("全年尚无报送" if final is None else f"以{final}报送数据为准"
             + ("" if next_quarter(final) is None else "（第四季度尚未报送）"))
    heading1(doc, "一、总体情况")
    body(doc, f"市政府督查室对{result.year}年度“123”争先进位 {len(outcomes)} 项任务进行了年度考评（{basis}，"
              f"判断日期{result.as_of.isoformat()}）。其中：" + "、".join(f"{o} {counts[o]} 项" for o in OUTCOMES)
         + f"；经核实获得认定 {len(result.recognitions)} 项。")
    for tier in TIERS:
        mine = outcomes[outcomes["tier"] == tier]
        body(doc, f"{TIER_LABELS[tier]} {len(mine)} 项：" + "、".join(
            f"{o} {int((mine['outcome'] == o).sum())} 项" for o in OUTCOMES) + "。")
    heading1(doc, "二、任务考评结果")
    for index, tier in enumerate(TIERS):
        heading2(doc, f"（{CHINESE_NUMERALS[index]}）{TIER_LABELS[tier]}")
        rows: list[list[object]] = [[r["task_id"], r["title"], r["lead_unit"], r["outcome"], r["reason"]]
                                    for r in records(outcomes[outcomes["tier"] == tier])]
        table(doc, ["编号", "任务", "牵头单位", "结果", "依据"], rows, [16, 40, 22, 20, 58])
    heading1(doc, "三、责任单位年度得分")
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
    heading1(doc, "四、获得的认定")
    if result.recognitions.empty:
        body(doc, "本年度尚无经核实的认定。")
    titles = dict(zip(outcomes["task_id"], outcomes["title"]))
    for r in records(result.recognitions):
        body(doc, f"{r['task_id']} {titles.get(r['task_id'], '')}：获{r['level']}认定"
                  + (f"（{r['date']}）" if r["date"] else "") + "。")
    heading1(doc, "五、市领导牵头任务完成情况")
    show = "score" in result.leaders.columns
    rows = [[r["leader"], r["n_tasks"], *[r[o] for o in OUTCOMES], *([_score(r["score"])] if show else [])]
            for r in records(result.leaders)]
    table(doc, ["市领导", "牵头任务", *OUTCOMES, *(["得分"] if show else [])], rows,
          [30, 22, 22, 26, 22, 24] if show else [36, 30, 30, 30, 30])
    heading1(doc, "六、考评规则")
    for number, rule in enumerate(result.describe_rules(), start=1):
        body(doc, f"{number}. {rule}")
    signature(doc, meta)
    return doc


def annual_docx(result: AnnualReview, *, demo: bool, issue_date: date,
                doc_number: str = "晋政督通〔    〕  号") -> bytes:
    """The 年度考评通报 as .docx bytes (marked 示例数据 for demo data)."""
    return docx_bytes(build_annual(result, DocMeta(doc_number, issue_date, demo=demo)))
