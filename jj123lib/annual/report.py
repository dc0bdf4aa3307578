"""The year-end review's view-model: what ``annual_review.ipynb`` shows, computed here.

``data = annual_review_data(year, data_dir)``, then one ``display(HTML(data.<section>_html()))`` per cell.
The review itself is :func:`jj123lib.annual.review.annual_review`; the stylesheet, cards and demo marking are
the quarterly reports' (:mod:`jj123lib.reports.base`). Unit-submitted text only reaches HTML escaped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

import pandas as pd

from jj123lib.annual.review import BASIC, DONE, OUTCOME_LIGHTS, OUTCOMES, UNDONE, AnnualReview, annual_review
from jj123lib.core.clock import china_today
from jj123lib.core.datadir import DEMO_BANNER, is_demo
from jj123lib.core.frames import records
from jj123lib.domain.parameters import validate_params
from jj123lib.domain.quarters import next_quarter
from jj123lib.domain.rules import Rules, RulesPath, as_rules, load_rules
from jj123lib.domain.tiers import TIER_LABELS, TIERS
from jj123lib.domain.units import GROUP_LABELS, GROUPS, UnitsPath, units_path
from jj123lib.ledger.fingerprint import data_fingerprint, short
from jj123lib.ledger.store import Ledger
from jj123lib.render.htmlkit import Markup, badge, fmt_pct, section, table
from jj123lib.reports.base import Sections, card, data_moment, publication_html

__all__ = ["AnnualReport", "annual_review_data", "OUTCOME_LIGHTS", "outcome_badge"]

def outcome_badge(outcome: str) -> Markup:
    return badge(OUTCOME_LIGHTS.get(outcome, "missing"), outcome)


def _num(value: float) -> str:
    return "—" if pd.isna(value) else f"{round(float(value), 2):g}"


@dataclass
class AnnualReport(Sections):
    """Everything ``annual_review.ipynb`` shows for one year."""

    SECTIONS: ClassVar[tuple[str, ...]] = ("header_html", "summary_html", "outcomes_html", "units_html",
                                           "recognitions_html", "leaders_html", "rules_html")

    year: int
    data_dir: str
    demo: bool
    fingerprint: str
    review: AnnualReview
    data_as_of: str = ""  # 数据截至: the moment the ledger was read at (reports.base.data_moment)
    generated_on: date = field(default_factory=china_today)
    rules_in_force: Rules = field(default_factory=load_rules)  # the header names its file

    @property
    def title(self) -> str:
        return f"晋江市{self.year}年度“123”争先进位工作年度考评{'（预评）' if self.review.preliminary else ''}"

    @property
    def outcomes(self) -> pd.DataFrame:
        return self.review.outcomes

    @property
    def units(self) -> pd.DataFrame:
        return self.review.units

    def header_html(self) -> Markup:
        banner = Markup('<div class="jj-demo-banner">{}</div>').format(DEMO_BANNER) if self.demo else Markup("")
        if self.review.preliminary:  # before the Q4 deadline: said first, in the 预览 style
            banner += Markup('<div class="jj-preview">{}</div>').format(self.review.preliminary_note())
        rules_path, rules_sha = self.rules_in_force.path, self.rules_in_force.sha
        final = self.review.final_quarter or "尚无报送"
        meta = Markup("").join(Markup("<span>{}</span>").format(text) for text in (
            f"年度：{self.year}", f"考评季度：{final}", f"判断日期：{self.review.as_of.isoformat()}",
            *([f"数据截至：{self.data_as_of}"] if self.data_as_of else []),
            f"生成日期：{self.generated_on.isoformat()}"))
        meta += Markup('<span>数据指纹：<code title="{}">{}</code></span>'
                       "<span>规则文件：<code>{}</code>（指纹 <code>{}</code>）</span>").format(
            self.fingerprint, short(self.fingerprint), rules_path.name, rules_sha)  # its name: no absolute path
        subtitle = f"全部 {len(self.outcomes)} 项任务 · {len(self.units)} 个责任单位"
        return Markup('{}<header class="jj-header"><h1>{}</h1><div class="jj-subtitle">{}</div>'
                      '<div class="jj-meta">{}</div></header>{}').format(
            banner, self.title, subtitle, meta, publication_html(str(self.year), self.data_dir))

    def by_tier(self) -> pd.DataFrame:
        """Outcome counts per tier (rows: tier labels, columns: outcomes), with a total row."""
        counts = pd.crosstab(self.outcomes["tier"], self.outcomes["outcome"]).reindex(
            index=list(TIERS), columns=list(OUTCOMES), fill_value=0)
        counts.index = [TIER_LABELS[t] for t in counts.index]
        counts.loc["合计"] = counts.sum()
        return counts

    def summary_html(self) -> Markup:
        counts = self.review.counts()
        cards = Markup("").join(card(o, badge(OUTCOME_LIGHTS[o], str(counts[o])), "项") for o in OUTCOMES)
        tiers = self.by_tier()
        rows = [[label, *[str(int(v)) for v in tiers.loc[label]], str(int(tiers.loc[label].sum()))]
                for label in tiers.index]
        body = Markup('<div class="jj-cards">{}</div>{}').format(
            cards, table([("层级", ""), *[(o, "num") for o in OUTCOMES], ("合计", "num")], rows))
        final = self.review.final_quarter
        if final is None:
            note = "全年尚无报送"
        else:
            year_end = next_quarter(final) is None
            note = f"以{final}报送为准" + ("" if year_end else "（第四季度尚无报送，以最近季度为准）")
        note += f"；共 {len(self.outcomes)} 项任务。"
        return section("总体情况", body, note=note)

    def outcomes_html(self) -> Markup:
        parts = []
        for tier in TIERS:
            mine = self.outcomes[self.outcomes["tier"] == tier]
            rows = []
            for r in records(mine):
                recognition = r["recognition_level"] or "—"
                if r["goal_level"]:
                    recognition = f"目标{r['goal_level']}；获得：{recognition}"
                rows.append([Markup("<b>{}</b> {}").format(r["task_id"], r["title"]), r["leader"], r["lead_unit"],
                             fmt_pct(r["final_pct"]), f"{r['milestones_met']}/{r['milestones_planned']}",
                             "是" if r["verified_done"] else "否",
                             f"{r['n_targets_reached']}/{r['n_targets']}" if r["n_targets"] else "—", recognition,
                             outcome_badge(str(r["outcome"])), r["reason"]])
            columns = [("任务", ""), ("牵头市领导", "nowrap"), ("牵头单位", ""), ("实际进度", "num"),
                       ("节点目标", "num"), ("核实销号", "center"), ("指标目标", "num"), ("成效目标", ""),
                       ("结果", "center"), ("依据", "wrap")]
            parts.append(section(TIER_LABELS[tier], table(columns, rows), level=3))
        return section("任务考评结果", Markup("").join(parts),
                       note="实际进度为牵头单位报送的实际累计进度；节点目标为完成季度数/计划季度数；"
                            "指标目标为达到项数/设有目标值的指标数。")

    def units_html(self) -> Markup:
        parts = []
        details = {unit: [r for r in records(group) if r["item"] != "基础分"]
                   for unit, group in self.review.breakdown.groupby("unit")}
        for group in GROUPS:
            mine = self.units[self.units["group"] == group]
            if mine.empty:
                continue
            rows = []
            for r in records(mine):
                items = "；".join(f"{d['item']} {_num(d['points'])}：{d['reason']}" for d in details.get(r["unit"], []))
                rows.append(["—" if r["rank"] is None else str(r["rank"]), r["unit"], _num(r["score"]),
                             _num(r["base"]), _num(r["bonus"]), _num(-r["deduction"] or 0.0),
                             f"{r[DONE]}/{r[BASIC]}/{r[UNDONE]}", items or "—"])
            columns = [("名次", "num"), ("责任单位", ""), ("年度得分", "num"), ("基础分", "num"), ("认定加分", "num"),
                       ("扣分", "num"), ("完成/基本/未完成", "center"), ("加减分明细", "wrap")]
            parts.append(section(GROUP_LABELS[group], table(columns, rows), level=3))
        return section("责任单位年度得分", Markup("").join(parts),
                       note="年度得分 = 基础分 + 认定加分 − 扣分；各组分别排名，同分并列。计分规则见附录。")

    def recognitions_html(self) -> Markup:
        won = self.review.recognitions
        if won.empty:
            return section("获得的认定", Markup('<p class="jj-empty">本年度尚无经核实的认定。</p>'))
        outcomes = self.outcomes.set_index("task_id")
        rows = []
        for r in records(won):
            task = outcomes.loc[r["task_id"]] if r["task_id"] in outcomes.index else None
            goal = "" if task is None else str(task["goal_level"])
            at_goal = "—" if not goal else ("达到" if task is not None and task["recognition_at_goal"] else "低于目标")
            rows.append([Markup("<b>{}</b> {}").format(r["task_id"], "" if task is None else task["title"]),
                         r["level"], goal or "—", at_goal, r["quarter"], r["date"] or "—", r["evidence"] or "—"])
        columns = [("任务", ""), ("认定级别", ""), ("成效目标", ""), ("是否达到目标", "center"), ("报送季度", ""),
                   ("认定日期", ""), ("佐证材料", "")]
        return section("获得的认定", table(columns, rows), note=f"经核实的“已认定” {len(won)} 项。")

    def leaders_html(self) -> Markup:
        show = "score" in self.review.leaders.columns
        rows = [[r["leader"], str(r["n_tasks"]), *[str(r[o]) for o in OUTCOMES], r["unfinished"] or "—",
                 r["recognitions"] or "—", *([_num(r["score"])] if show else [])]
                for r in records(self.review.leaders)]
        columns = [("牵头市领导", "nowrap"), ("牵头任务", "num"), *[(o, "num") for o in OUTCOMES],
                   ("未评为完成的任务", ""), ("获认定的任务", ""), *([("得分", "num")] if show else [])]
        return section("市领导牵头任务汇总", table(columns, rows),
                       note=None if show else "按规则（annual_review.show_leader_scores）不给市领导评分。")

    def rules_html(self) -> Markup:
        items = Markup("").join(Markup("<li>{}</li>").format(rule) for rule in self.review.describe_rules())
        return section("附录：考评规则", Markup('<ol class="jj-rules">{}</ol>').format(items))


def annual_review_data(year: object, data_dir: str | os.PathLike[str] | None = None, *,
                       now: datetime | None = None, as_of: str | date | None = None,
                       rules: Rules | RulesPath | None = None, units: UnitsPath | None = None) -> AnnualReport:
    """Build the year-end view-model (validates the parameters first); ``now`` dates it, ``as_of`` judges it.

    ``rules``: the rules or their file (default: ``$JJ123_RULES``, else the packaged rules), read once here;
    ``units``: the units file (default: ``$JJ123_UNITS``, else the packaged one).
    """
    params = validate_params("annual", year, data_dir)
    rule_set = as_rules(rules)
    today = china_today(now or Ledger(params.data_dir).moment())  # as the quarterly reports
    # Judged as of the ledger's moment unless told (now; a demo folder: its story's day).
    result = annual_review(params.year, params.data_dir, as_of=as_of, rules=rule_set, units_file=units_path(units))
    return AnnualReport(year=params.year, data_dir=params.data_dir, demo=is_demo(params.data_dir),
                        fingerprint=data_fingerprint(params.data_dir, rule_set), review=result,
                        data_as_of=data_moment(params.data_dir), generated_on=today,
                        rules_in_force=rule_set)
