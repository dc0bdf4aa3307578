"""The quarterly overview (``quarterly_overview.ipynb``): :class:`OverviewReport` and :func:`overview_data`.

Every task's light, the supervision lists (催报, 督办, 待核实, 协调事项, 核查提示), the leader × task grid,
distributions and transitions. The shared pieces are in :mod:`jj123lib.reports.base`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from jj123lib.core.clock import china_today
from jj123lib.core.frames import records
from jj123lib.domain import lights
from jj123lib.domain.parameters import validate_params
from jj123lib.domain.quarters import previous_quarter, quarter_label, quarter_year
from jj123lib.domain.rules import Rules, RulesPath, as_rules, load_rules
from jj123lib.domain.tiers import TIER_LABELS, TIERS, in_tier_order
from jj123lib.domain.units import UnitsPath, units_path
from jj123lib.loop.lists import Supervision
from jj123lib.render.htmlkit import (
    Markup,
    badge,
    esc,
    fmt_gap,
    fmt_pct,
    is_blank,
    section,
    table,
)
from jj123lib.reports import base
from jj123lib.reports.base import Sections
from jj123lib.reports.verdicts import FORWARD_HEADER, conflict_html, department_text, forward_html

if TYPE_CHECKING:
    from jj123lib.assess.signals import BenchmarkView
    from jj123lib.loop.assessment import Assessment

__all__ = ["OverviewReport", "overview_data"]


def _cuibao_html(frame: pd.DataFrame) -> Markup:
    if frame.empty:
        return section("催报", Markup('<p class="jj-empty">无逾期未报送的单位。</p>'))
    rows = [[r["unit"], r["days_overdue"], "、".join(r["tasks"]), "、".join(r["leaders"]),
             " ".join(str(x) for x in (r["reporter"], r["phone"]) if isinstance(x, str) and x)]
            for r in records(frame)]
    body = table([("单位", ""), ("逾期天数", "num"), ("任务", ""), ("牵头市领导", ""), ("联系人", "")], rows)
    return section("催报", body, note=f"报送截止日 {frame['deadline'].iloc[0]}，{len(frame)} 个单位逾期未报送。")


def _awaiting_html(frame: pd.DataFrame) -> Markup:
    if frame.empty:
        return section("待核实", Markup('<p class="jj-empty">无待核实事项。</p>'))
    rows = [[r["target"], r["kind"], r["unit"], r["claimed_on"], r["detail"]] for r in records(frame)]
    body = table([("编号", ""), ("类别", ""), ("责任单位", ""), ("申报日期", ""), ("说明", "")], rows)
    return section("待核实", body, note="单位自评已完成或已整改，待督查室核实销号后方可销号。")


def _register_html(frame: pd.DataFrame) -> Markup:
    if frame.empty:
        return section("需协调事项（未办结）", Markup('<p class="jj-empty">无未办结的协调事项。</p>'))
    rows = [[r["id"], r["task_id"], r["unit"], r["leader"], r["latest_text"] or r["text"], department_text(r),
             r["quarter_raised"], r["quarters_open"]]
            for r in records(frame.sort_values("quarters_open", ascending=False))]
    columns = [("编号", ""), ("任务", ""), ("提出单位", ""), ("牵头市领导", ""), ("事项", ""), ("需协调部门", "nowrap"),
               ("提出季度", ""), ("已挂账（季度）", "num")]
    return section("需协调事项（未办结）", table(columns, rows), note=f"共 {len(frame)} 项。")


def _flags_html(frame: pd.DataFrame) -> Markup:
    if frame.empty:
        return section("数据核查提示", Markup('<p class="jj-empty">本季度无数据核查提示。</p>'))
    rows = [[r["task_id"], r["lead_unit"], r["flag_label"], r["detail"], r["light_label"]] for r in records(frame)]
    body = table([("任务", ""), ("牵头单位", ""), ("提示", ""), ("情况", ""), ("灯号", "")], rows)
    return section("数据核查提示", body, note="提示不改变灯号，供督查室核实时参考。")


@dataclass
class OverviewReport(Sections):
    """Everything ``quarterly_overview.ipynb`` shows for one quarter."""

    SECTIONS: ClassVar[tuple[str, ...]] = (
        "header_html", "summary_html", "alerts_html", "forward_html", "overrides_html", "cuibao_html", "duban_html",
        "awaiting_html", "register_html", "blockers_html", "flags_html", "grid_html", "distribution_html",
        "standing_html", "league_html",
        "transitions_html", "quota_html", "not_submitted_html", "rules_html")

    quarter: str
    data_dir: str
    demo: bool
    data_as_of: str | None
    fingerprint: str
    rated: pd.DataFrame
    league: pd.DataFrame
    transitions: pd.DataFrame
    quota: pd.DataFrame  # wide: leader × tier "actual/required", 达标
    leaders: list[str]
    supervision: Supervision
    quota_ok: bool = True
    show_scores: bool = False  # rules: reports.show_leader_scores
    rules: list[str] = field(default_factory=list)
    generated_on: date = field(default_factory=china_today)  # printed as 生成日期, China time
    rules_in_force: Rules = field(default_factory=load_rules)  # the header names its file
    assessment: Assessment | None = None  # the quarter's one judgement the lists above come from (红黄榜 too)

    @property
    def title(self) -> str:
        return "“123”争先进位工作季度督查总览"

    def cuibao_html(self) -> Markup:
        return _cuibao_html(self.supervision.cuibao)

    def duban_html(self) -> Markup:
        return base.duban_html(self.supervision.duban)

    def awaiting_html(self) -> Markup:
        return _awaiting_html(self.supervision.awaiting)

    def register_html(self) -> Markup:
        return _register_html(self.supervision.coordination)

    def flags_html(self) -> Markup:
        return _flags_html(self.supervision.flags)

    def header_html(self) -> Markup:
        subtitle = (f"晋江市{quarter_year(self.quarter)}年度“123”争先进位工作 · {quarter_label(self.quarter)} · "
                    f"全部 {len(self.rated)} 项任务")
        return base.header_html(self.title, subtitle, self.quarter, self.data_as_of, self.fingerprint, self.demo,
                                self.generated_on, self.rules_in_force,
                                data_dir=self.data_dir)

    def summary_html(self) -> Markup:
        counts = base.light_counts(self.rated["light"])
        cards = [base.card(lights.LABELS[k], badge(k, str(counts[k])), "项") for k in lights.ORDER]
        return section("总体情况", Markup('<div class="jj-cards">{}</div>').format(Markup("").join(cards)),
                       note=f"共 {len(self.rated)} 项任务、{len(self.leaders)} 位牵头市领导。")

    def alerts(self) -> pd.DataFrame:
        rows = self.rated[self.rated["light"].isin(["red", "missing"])].copy()
        return base.by_tier_then_gap(rows).reset_index(drop=True)

    def alerts_html(self) -> Markup:
        alerts = self.alerts()
        if alerts.empty:
            return section("红灯与未报送", Markup('<p class="jj-empty">本季度无红灯或未报送任务。</p>'))
        rows = [[badge(r.light, r.light_label), Markup(f"<b>{esc(r.task_id)}</b> {esc(r.title)}"), r.leader,
                 r.lead_unit, fmt_gap(r.gap), esc(r.reason) + conflict_html(r), forward_html(r), base.change_cell(r)]
                for r in base.rows(alerts)]
        body = table([("灯号", "center"), ("任务", ""), ("牵头市领导", "nowrap"), ("牵头单位", ""), ("差距", "num"),
                      ("原因", "wrap"), (FORWARD_HEADER, "center"), ("较上季度", "center")], rows,
                     [f"row-{r}" for r in alerts["light"]])
        n_missing = int((alerts["light"] == "missing").sum())
        return section("红灯与未报送", body,
                       note=f"未报送 {n_missing} 项、红灯 {len(alerts) - n_missing} 项，请优先督办。")

    def at_risk(self) -> pd.DataFrame:
        """Tasks whose 预计年底完成度 falls short of the year's target: 交付风险高, then 中; the lowest first."""
        rows = self.rated[self.rated["projection_risk"].isin(["高", "中"])]
        order = rows.assign(_risk=rows["projection_risk"].map({"高": 0, "中": 1}))
        return order.sort_values(["_risk", "projected", "seq"]).drop(columns="_risk").reset_index(drop=True)

    def forward_html(self) -> Markup:
        """交付风险: the forward view beside the lights (the method, with its thresholds, is in the 附录)."""
        frame = self.at_risk()
        no_data = self.rated.loc[self.rated["projection_risk"] == "数据不足", "task_id"].astype(str).tolist()
        tail = f"数据不足、未作预计的 {len(no_data)} 项：{'、'.join(no_data)}。" if no_data else ""
        if frame.empty:
            empty = Markup('<p class="jj-empty">各项任务预计年底均可基本完成年度目标。</p>')
            return section("交付风险", empty, note=tail)
        rows = [[Markup(f"<b>{esc(r.task_id)}</b> {esc(r.title)}"), r.leader, badge(r.light, r.light_label),
                 fmt_pct(r.actual_pct), forward_html(r), r.projection_reason] for r in base.rows(frame)]
        body = table([("任务", ""), ("牵头市领导", "nowrap"), ("灯号", "center"), ("实际", "num"),
                      (FORWARD_HEADER, "center"), ("预计依据", "wrap")], rows)
        counts = frame["projection_risk"].value_counts()
        return section("交付风险", body, note=f"按推进速度预计年底完成度低于年度目标的任务：交付风险高 "
                                            f"{int(counts.get('高', 0))} 项、中 {int(counts.get('中', 0))} 项。{tail}"
                                            "预计只作提示，不改变灯号，算法见附录。")

    def overrides_html(self) -> Markup:
        """督查室调整灯号: each override beside the rule's light, and beside a verified result it contradicts."""
        frame = self.rated[self.rated["overridden"].astype(bool)]
        if frame.empty:
            return Markup("")
        rows = [[Markup(f"<b>{esc(r.task_id)}</b> {esc(r.title)}"), r.leader, badge(r.rule_light),
                 badge(r.light, r.light_label), esc(r.override_reason) + conflict_html(r)] for r in base.rows(frame)]
        body = table([("任务", ""), ("牵头市领导", "nowrap"), ("规则判定", "center"), ("督查室调整为", "center"),
                      ("理由", "wrap")], rows)
        n = int(frame["conflict"].notna().sum())
        return section("督查室调整灯号", body, note=f"共 {len(frame)} 项" + (
            f"，其中 {n} 项与已核实的销号或成效认定结论不一致，两项结论并列。" if n else "。"))

    def blockers_html(self) -> Markup:
        """需协调部门: the open 协调 items across all tasks and leaders, by the department asked to act."""
        frame = self.supervision.blockers
        if frame.empty:
            return section("需协调部门", Markup('<p class="jj-empty">无未办结的协调事项。</p>'))

        def item(i: Mapping[str, Any]) -> str:
            inferred = "，部门据事项文字推定" if i["source"] == "text" else ""
            return f"{i['task_id']} {i['unit']}（{i['quarters_open']} 个季度{inferred}）"

        rows = [[Markup("<b>{}</b>").format(g["department"]), str(g["n_items"]), "、".join(g["leaders"]),
                 "；".join(item(i) for i in g["items"]), str(g["oldest"])] for g in records(frame)]
        body = table([("需协调部门", "nowrap"), ("事项", "num"), ("涉及市领导", ""),
                      ("任务、提出单位及挂账时间", "wrap"), ("最长挂账（季度）", "num")], rows)
        return section("需协调部门", body, note="未办结的协调事项按需协调的部门汇总（跨任务、跨市领导）。部门为单位在"
                                             "填报表“需协调部门”栏所填或督查室指定；均未写明的，据事项文字推定"
                                             "（如“需自然资源局协调……”），文字也未写明的列为市领导。"
                                             "一项事项涉及多个部门的，在各部门下分别列出。")

    def grid(self) -> pd.DataFrame:
        """Leader × task-slot grid of lights (slots ordered by tier, then number)."""
        rows = []
        for leader in self.leaders:
            mine = self.rated[self.rated["leader"] == leader]
            mine = in_tier_order(mine)
            rows.append({"leader": leader, "tasks": list(mine[["task_id", "title", "light", "tier"]].itertuples(
                index=False, name=None))})
        return pd.DataFrame(rows)

    def grid_html(self) -> Markup:
        grid = self.grid()
        width = max((len(t) for t in grid["tasks"]), default=0)
        columns = [("牵头市领导", "leader")] + [(f"任务 {i + 1}", "center") for i in range(width)]
        rows = []
        for g in base.rows(grid):
            cells: list[Any] = [g.leader]
            for task_id, title, light, _tier in g.tasks:
                cells.append(Markup(f'{badge(light, title=f"{task_id} {title}")}<div class="jj-note">{esc(task_id)}'
                                  f"</div>"))
            cells += [""] * (width - len(g.tasks))
            rows.append(cells)
        body = table(columns, rows, css="jj-table jj-grid")
        return section("市领导 × 任务灯号总览", body,
                       note="每行一位牵头市领导，按层级（N 全国领先示范、P 全省领先示范、"
                            "B 重点突破难点）排列其牵头任务。")

    def distribution(self) -> pd.DataFrame:
        """Counts of lights per tier (rows: tier labels; columns: light keys), with a total row."""
        table_ = pd.crosstab(self.rated["tier"], self.rated["light"]).reindex(index=list(TIERS),
                                                                             columns=list(lights.ORDER),
                                                                             fill_value=0)
        table_.index = [TIER_LABELS[t] for t in table_.index]
        return table_

    def distribution_html(self) -> Markup:
        from jj123lib.render.charts import distribution_chart, figure_html

        dist = self.distribution()
        columns = [("层级", "")] + [(lights.LABELS[k], "num") for k in lights.ORDER] + [("合计", "num")]
        rows = [[label, *[str(int(v)) for v in dist.loc[label]], str(int(dist.loc[label].sum()))]
                for label in dist.index]
        rows.append(["合计", *[str(int(dist[k].sum())) for k in lights.ORDER], str(int(dist.values.sum()))])
        fig = distribution_chart(dist)
        body = Markup(table(columns, rows) + figure_html(fig, alt="各层级任务灯号分布"))
        return section("各层级灯号分布", body)

    @cached_property
    def benchmark_view(self) -> BenchmarkView:
        """The quarter's 对标 data (:mod:`jj123lib.assess.signals`; empty without benchmarks)."""
        from jj123lib.assess.signals import load_benchmark_view

        return load_benchmark_view(self.quarter, self.data_dir, self.rules_in_force)

    def standing_html(self) -> Markup:
        from jj123lib.reports.benchmarks import overview_standing_html

        return overview_standing_html(self.benchmark_view, self.rated)

    def league_html(self) -> Markup:
        if not self.show_scores:  # the office ranks units (jj123 league --by unit), not its vice-mayors
            return Markup("")
        rows = []
        for r in base.rows(self.league):
            prev = "—" if is_blank(r.prev_rank) else str(int(r.prev_rank))
            rows.append([str(int(r.rank)), r.leader, f"{float(r.score):.1f}",
                         "—" if is_blank(r.prev_score) else f"{float(r.prev_score):.1f}", prev,
                         base.rank_change_text(r.rank_change), *[str(int(getattr(r, k))) for k in lights.ORDER]])
        columns = [("名次", "num"), ("牵头市领导", ""), ("得分", "num"), ("上季度得分", "num"), ("上季度名次", "num"),
                   ("名次变化", ""), *[(lights.LABELS[k], "num") for k in lights.ORDER]]
        body = table(columns, rows)
        return section("市领导排名", body, note="得分为牵头任务灯号分值按层级加权的平均数，计分规则见附录。")

    def transitions_html(self) -> Markup:
        trans = self.transitions
        prev_q = previous_quarter(self.quarter)
        if prev_q is None or trans.to_numpy().sum() == 0:
            return section("灯号变化", Markup('<p class="jj-empty">本季度为年度首次评价，无上季度灯号可比较。</p>'))
        columns = [("上季度 \\ 本季度", "")] + [(lights.LABELS[k], "num") for k in lights.ORDER]
        full = trans.reindex(index=list(lights.ORDER), columns=list(lights.ORDER), fill_value=0)
        counts: dict[tuple[str, str], int] = {
            (prev, cur): int(n) for prev, row in zip(lights.ORDER, full.to_numpy().tolist())
            for cur, n in zip(lights.ORDER, row)}
        rows = []
        for prev in lights.ORDER:
            values = [counts[prev, cur] for cur in lights.ORDER]
            rows.append([badge(prev), *[Markup(f"<b>{v}</b>") if v and prev != cur else str(v)
                                        for v, cur in zip(values, lights.ORDER)]])
        better = worse = 0
        for prev in lights.ORDER:
            for cur in lights.ORDER:
                n = counts[prev, cur]
                if base.severity(cur) > base.severity(prev):
                    better += n
                elif base.severity(cur) < base.severity(prev):
                    worse += n
        body = table(columns, rows)
        return section("灯号变化", body,
                       note=f"与{quarter_label(prev_q)}相比：好转 {better} 项，变差 {worse} 项"
                            "（行为上季度灯号，列为本季度灯号）。")

    def quota_html(self) -> Markup:
        if self.quota_ok:  # shown only when `jj123 check` fails
            return Markup("")
        wide = self.quota.reset_index()
        columns = [(str(c), "" if i == 0 else "center") for i, c in enumerate(wide.columns)]
        rows = [[str(v) for v in r] for r in base.rows(wide)]
        return section("配额执行情况", table(columns, rows), note="每格为“实际项数/最低项数”。")

    def not_submitted(self) -> pd.DataFrame:
        rows = self.rated[self.rated["light"] == "missing"]
        return rows[["lead_unit", "task_id", "title", "leader"]].sort_values(["lead_unit", "task_id"]).reset_index(
            drop=True)

    def not_submitted_html(self) -> Markup:
        frame = self.not_submitted()
        if frame.empty:
            return section("未报送单位", Markup('<p class="jj-empty">本季度各牵头单位均已报送。</p>'))
        rows = [[r.lead_unit, Markup(f"<b>{esc(r.task_id)}</b> {esc(r.title)}"), r.leader]
                for r in base.rows(frame)]
        body = table([("牵头单位", ""), ("未报送任务", ""), ("牵头市领导", "")], rows, ["row-missing"] * len(rows))
        note = f"共 {frame['lead_unit'].nunique()} 个单位、{len(frame)} 项任务未报送。"
        return section("未报送单位", body, note=note)

    def rules_html(self) -> Markup:
        return section("附录：评价规则", base.rules_html(self.rules))


def overview_data(quarter: str, data_dir: str | os.PathLike[str] | None = None, *,
                  now: datetime | None = None, rules: Rules | RulesPath | None = None,
                  units: UnitsPath | None = None) -> OverviewReport:
    """Build the quarterly overview view-model (validates the parameters first); ``now`` dates and judges it
    (default: the ledger's moment, as the leader report).

    ``rules``: the rules or their file (default: ``$JJ123_RULES``, else the packaged rules), read once here;
    ``units``: the units file (default: ``$JJ123_UNITS``, else the packaged one).
    """
    from jj123lib.domain.quotas import check_quotas
    from jj123lib.domain.tasks import leaders
    from jj123lib.ledger.store import Ledger

    params = validate_params("overview", quarter, data_dir)
    today = china_today(now or Ledger(params.data_dir).moment())  # judged when its reads stand
    rule_set = as_rules(rules)
    common = base.load_common(params.quarter, params.data_dir, today, rule_set, units_path(units))
    assessment: Assessment = common["assessment"]
    quotas = check_quotas(common["tasks"], rule_set)
    return OverviewReport(
        quarter=params.quarter, data_dir=params.data_dir, demo=common["demo"], data_as_of=common["as_of"],
        fingerprint=common["fingerprint"], rated=assessment.rated, league=assessment.league,
        transitions=assessment.transitions,
        quota=quotas.wide(), quota_ok=quotas.ok, leaders=leaders(common["tasks"]), rules=common["rules"],
        supervision=assessment.supervision,
        show_scores=common["show_scores"], generated_on=today, rules_in_force=rule_set, assessment=assessment,
    )
