"""The leader's 督查报告 (``leader_report.ipynb``): :class:`LeaderReport` and :func:`leader_report_data`.

摘要 (:mod:`jj123lib.reports.leader_summary`), 总体情况, 督查室意见, 需市领导协调事项, 红灯与滞后任务, 督办事项,
任务进展, 下季度节点目标 from the plan, then the rules once, in the 附录; data in doubt shows on its task as
数据待核实. No leader score unless ``reports.show_leader_scores``. Shared pieces: :mod:`jj123lib.reports.base`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from jj123lib.core.clock import china_today
from jj123lib.core.frames import records
from jj123lib.domain import lights
from jj123lib.domain.parameters import validate_params
from jj123lib.domain.quarters import next_quarter, quarter_label, quarter_year, quarters_up_to
from jj123lib.domain.rules import Rules, RulesPath, as_rules, load_rules
from jj123lib.domain.tiers import in_tier_order
from jj123lib.domain.units import UnitsPath, units_path
from jj123lib.loop.lists import Supervision
from jj123lib.loop.opinions import LeaderOpinion
from jj123lib.render.htmlkit import (
    Markup,
    badge,
    esc,
    fmt_gap,
    fmt_pct,
    is_blank,
    section,
    table,
    text_or_none,
)
from jj123lib.reports import base, leader_summary
from jj123lib.reports.base import Sections
from jj123lib.reports.provenance import leader_data_fingerprint
from jj123lib.reports.verdicts import FORWARD_HEADER, department_text, forward_html, light_cell

if TYPE_CHECKING:
    from jj123lib.assess.signals import BenchmarkView
    from jj123lib.render.svgchart import LineChart

__all__ = ["LeaderReport", "NEXT_QUARTER_COLUMNS", "LAGGING_LIGHTS", "Item", "leader_report_data"]


@dataclass(frozen=True)
class Item:
    """One line of 存在问题 / 需协调事项 / 下步计划, attributed to a task and unit."""

    task_id: str
    title: str
    unit: str
    text: str
    light: str
    lead: bool


def _score_change_text(score: float, prev: float | None) -> Markup:
    if prev is None or is_blank(prev):
        return Markup('<span class="change-first">上季度无得分</span>')
    delta = float(score) - float(prev)
    if abs(delta) < 0.05:
        return Markup(f'<span class="change-same">上季度 {float(prev):.1f}，持平</span>')
    cls, sign = ("change-better", "+") if delta > 0 else ("change-worse", "−")
    return Markup(f'<span class="{cls}">上季度 {float(prev):.1f}，{sign}{abs(delta):.1f}</span>')


def _items(rows: pd.DataFrame, field_name: str) -> list[Item]:
    """Lead-unit text first, then co-unit notes, most severe lights first."""
    items: list[Item] = []
    for row in base.rows(rows):
        text = text_or_none(getattr(row, field_name))
        if text:
            items.append(Item(row.task_id, row.title, row.lead_unit, text, row.light, True))
        for note in row.co_unit_notes if isinstance(row.co_unit_notes, list) else []:
            co_text = text_or_none(note.get(field_name))
            if co_text:
                items.append(Item(row.task_id, row.title, str(note.get("unit", "")), co_text, row.light, False))
    return sorted(items, key=lambda i: (base.severity(i.light), i.task_id, not i.lead))


def _items_html(items: list[Item], empty: str, urgent_lights: tuple[str, ...] = ()) -> Markup:
    """One compact block per item: light, task and unit, then the unit's text verbatim on the same line."""
    if not items:
        return Markup(f'<p class="jj-empty">{esc(empty)}</p>')
    parts = []
    for item in items:
        cls = "jj-item urgent" if item.light in urgent_lights else "jj-item"
        role = "牵头单位" if item.lead else "配合单位"
        parts.append(
            f'<div class="{cls}"><span class="jj-item-head">{badge(item.light)} {esc(item.task_id)} '
            f'{esc(item.title)}</span> <span class="jj-item-from">（{esc(role)}：{esc(item.unit)}）</span>'
            f'<span class="jj-item-text">{esc(item.text)}</span></div>')
    return Markup("".join(parts))


def _quota_rows(tasks: pd.DataFrame, rules: Rules, leader: str | None = None) -> pd.DataFrame:
    from jj123lib.domain.quotas import check_quotas

    report = check_quotas(tasks, rules)
    frame = report.table
    return frame[frame["leader"] == leader].reset_index(drop=True) if leader else frame


LAGGING_LIGHTS = ("missing", "red", "yellow")  # 红灯与滞后: not reported, red, behind schedule


@dataclass
class LeaderReport(Sections):
    """Everything ``leader_report.ipynb`` shows for one leader and quarter: the leader's 督查报告."""

    SECTIONS: ClassVar[tuple[str, ...]] = (
        "header_html", "abstract_html", "summary_html", "opinions_html", "coordination_html", "lagging_html",
        "duban_html", "tasks_html", "charts_html", "progress_html", "problems_html",  # 任务进展
        "benchmarks_html",  # 对标
        "next_quarter_html", "quota_html", "rules_html")

    leader: str
    quarter: str
    data_dir: str
    demo: bool
    data_as_of: str | None
    fingerprint: str
    tasks: pd.DataFrame  # rated rows of this leader's tasks (rate_quarter columns + data_flags), tier then number
    history: pd.DataFrame  # task_id, quarter, planned_pct, actual_pct, light, light_label
    league: pd.DataFrame
    quota: pd.DataFrame  # tier, tier_label, required, actual, ok
    supervision: Supervision  # only this leader's tasks
    next_quarter: pd.DataFrame  # NEXT_QUARTER_COLUMNS: the plan's next milestone per task (Q4: the year-end one)
    opinion: LeaderOpinion | None = None  # 督查室意见 (opinions/<QUARTER>.yaml)
    opinion_fault: str = ""  # why this leader's 督查室意见 cannot be shown (the file's error), if so
    duban_closed: list[str] = field(default_factory=list)  # this leader's 督办事项 verified (销号) this quarter
    unlogged_requests: list[Item] = field(default_factory=list)  # this quarter's 需协调事项 not yet in the register
    rules: list[str] = field(default_factory=list)
    show_scores: bool = False  # rules: reports.show_leader_scores
    generated_on: date = field(default_factory=china_today)  # printed as 生成日期, China time
    rules_in_force: Rules = field(default_factory=load_rules)  # the header names its file

    @property
    def title(self) -> str:
        return f"{self.leader}同志牵头“123”任务督查报告"

    @property
    def quarters(self) -> list[str]:
        return quarters_up_to(self.quarter)

    @property
    def year_end(self) -> bool:
        """Q4: the plan holds no next quarter, the year-end milestone stands in for it."""
        return next_quarter(self.quarter) is None

    @property
    def league_row(self) -> dict[str, Any] | None:
        rows = self.league[self.league["leader"] == self.leader]
        return None if rows.empty else {str(k): v for k, v in rows.iloc[0].items()}

    def light_counts(self) -> dict[str, int]:
        return base.light_counts(self.tasks["light"])

    def light_changes(self) -> pd.DataFrame:
        """Tasks whose light changed since last quarter (好转, 变差, or 数据待核实: a 好转 on a flagged jump)."""
        changed = ["好转", "变差", leader_summary.UNVERIFIED]
        return self.tasks[self.tasks["change"].isin(changed)].reset_index(drop=True)

    def duban_counts(self) -> dict[str, int]:
        """Open 督办事项 per level, how many are overdue, and how many were closed (销号) this quarter."""
        from jj123lib.domain.vocab import LEVELS

        items = self.supervision.duban
        open_items = items[items["status"] != "closed"]
        counts = {level: int((open_items["level_label"] == level).sum()) for level in LEVELS}
        return {**counts, "未办结": len(open_items), "逾期": int((open_items["days_overdue"] > 0).sum()),
                "本季度销号": len(self.duban_closed)}

    def lagging(self) -> pd.DataFrame:
        """Red, 未报送 and yellow (behind schedule) tasks: 全国 → 全省 → 重点突破, then the largest gap first."""
        return base.by_tier_then_gap(self.tasks[self.tasks["light"].isin(LAGGING_LIGHTS)]).reset_index(drop=True)

    # -- sections ------------------------------------------------------------------------
    def header_html(self) -> Markup:
        subtitle = (f"晋江市{quarter_year(self.quarter)}年度“123”争先进位工作 · "
                    f"{quarter_label(self.quarter)}督查报告 · 牵头市领导：{self.leader}")
        return base.header_html(self.title, subtitle, self.quarter, self.data_as_of, self.fingerprint, self.demo,
                                self.generated_on, self.rules_in_force,
                                data_dir=self.data_dir)

    def abstract_html(self) -> Markup:
        """摘要 (page 1): the lights, what is wrong and why, data in doubt, what to coordinate, the office's 意见."""
        counts = self.light_counts()
        lights_text = "，".join(f"{lights.LABELS[k]} {counts[k]} 项" for k in lights.ORDER if counts[k])
        worse = int((self.tasks["change"] == "变差").sum())
        text = f"牵头任务 {len(self.tasks)} 项：{lights_text}" + (f"；较上季度变差 {worse} 项。" if worse else "。")
        flags = {str(r.task_id): r.data_flags for r in base.rows(self.tasks) if r.data_flags}
        return leader_summary.abstract_html(
            text, self.lagging(), flags, dict(zip(self.tasks["task_id"], self.tasks["title"])),
            self.supervision.coordination, self.unlogged_requests, self.opinion)

    def summary_html(self) -> Markup:
        counts = self.light_counts()
        cards = [base.card(lights.LABELS[k], badge(k, str(counts[k])), "项") for k in lights.ORDER]
        row = self.league_row if self.show_scores else None
        if row is not None:
            cards.insert(0, base.card("综合得分", esc(f"{float(row['score']):.1f}"),
                                  _score_change_text(row["score"], row.get("prev_score"))))
            cards.insert(1, base.card("市领导排名", esc(f"第 {int(row['rank'])} 名 / 共 {len(self.league)} 名"),
                                  base.rank_change_text(row.get("rank_change"))))
        parts = [Markup('<div class="jj-cards">{}</div>').format(Markup("").join(cards)),
                 self._changes_html(), self._awaiting_html(), self._duban_summary_html()]
        return section("总体情况", Markup("").join(parts), note=f"牵头任务 {len(self.tasks)} 项。")

    def _changes_html(self) -> Markup:
        trend = self.tasks["change"].value_counts()
        counts = "，".join(f"{k} {int(trend.get(k, 0))} 项" for k in ("好转", "变差", "持平", "首次评价",
                                                                     leader_summary.UNVERIFIED) if trend.get(k, 0))
        lines = [Markup('<li><b>{}</b> {} {}：{} → {}</li>').format(
            r.change, r.task_id, r.title, badge(r.prev_light, r.prev_light_label), badge(r.light, r.light_label))
            for r in base.rows(self.light_changes())]
        items = Markup('<ul class="jj-list">{}</ul>').format(Markup("").join(lines)) if lines else ""
        return Markup("<p><b>较上季度：</b>{}</p>{}").format(f"{counts}。" if counts else "上季度无灯号可比较。",
                                                           items)

    def _awaiting_html(self) -> Markup:
        frame = self.supervision.awaiting
        if frame.empty:
            return Markup('<p><b>待核实：</b><span class="jj-empty">无待核实事项。</span></p>')
        rows = [[r["target"], r["kind"], r["unit"], r["claimed_on"], r["detail"]] for r in records(frame)]
        body = table([("编号", ""), ("类别", ""), ("责任单位", ""), ("申报日期", ""), ("说明", "wrap")], rows)
        return Markup("<p><b>待核实：</b>{}</p>{}").format(
            f"待核实 {len(frame)} 项：单位自评已完成或已整改，经督查室核实后方可销号。", body)

    def _duban_text(self) -> str:
        from jj123lib.domain.vocab import LEVELS

        c = self.duban_counts()
        levels = "、".join(f"{level} {c[level]} 项" for level in LEVELS if c[level])
        return (f"未办结 {c['未办结']} 项" + (f"（{levels}）" if levels else "") + f"，其中逾期 {c['逾期']} 项；"
                f"本季度核实销号 {c['本季度销号']} 项。")

    def _duban_summary_html(self) -> Markup:
        return Markup("<p><b>督办：</b>{}</p>").format(self._duban_text())

    def coordination_html(self) -> Markup:
        frame = self.supervision.coordination
        parts: list[Markup] = []
        if not frame.empty:
            rows = [[r["id"], Markup("<b>{}</b>").format(r["task_id"]), r["unit"], r["latest_text"] or r["text"],
                     department_text(r), r["quarter_raised"], r["quarters_open"]]
                    for r in records(frame.sort_values(["quarters_open", "id"], ascending=[False, True]))]
            columns = [("编号", "nowrap"), ("任务", ""), ("提出单位", ""), ("事项", "wrap"), ("需协调部门", ""),
                       ("提出季度", "nowrap"), ("已挂账（季度）", "num")]
            parts.append(table(columns, rows))
        if self.unlogged_requests:
            parts.append(Markup("<h3>本季度新提出（待督查室登记）</h3>{}").format(
                _items_html(self.unlogged_requests, "", ("missing", "red"))))
        if not parts:
            return section("需市领导协调事项", Markup('<p class="jj-empty">无未办结的协调事项。</p>'))
        note = (f"协调事项登记簿中未办结 {len(frame)} 项，按挂账时间从长到短排列；办结须有依据（如会议纪要）。"
                if len(frame) else "协调事项登记簿中无未办结事项。")
        return section("需市领导协调事项", Markup("").join(parts), note=note)

    def lagging_html(self) -> Markup:
        rows_ = self.lagging()
        if rows_.empty:
            return section("红灯与滞后任务", Markup('<p class="jj-empty">本季度无红灯、黄灯或未报送任务。</p>'))
        duban = self.supervision.duban
        rows = []
        for r in base.rows(rows_):
            mine = duban[(duban["task_id"] == r.task_id) & (duban["status"] != "closed")]
            orders = "；".join(f"{d['id']} {d['level_label']}（{d['status_label']}）" for d in records(mine))
            rows.append([Markup("<b>{}</b> {}<div class=\"jj-note\">{}</div>").format(r.task_id, r.title, r.tier_label),
                         r.lead_unit, fmt_gap(r.gap), light_cell(r), forward_html(r), base.change_cell(r),
                         orders or "—"])
        columns = [("任务", ""), ("牵头单位", ""), ("差距", "num"), ("灯号及原因", ""), (FORWARD_HEADER, "center"),
                   ("较上季度", "center"), ("督办", "")]
        body = table(columns, rows, [f"row-{light}" for light in rows_["light"]])
        return section("红灯与滞后任务", body, note="按层级（全国领先示范 → 全省领先示范 → 重点突破难点）排列，"
                                              "同一层级内落后差距大的在前。")

    def duban_html(self) -> Markup:
        return base.duban_html(self.supervision.duban)

    def quota_html(self) -> Markup:
        if not len(self.quota) or bool(self.quota["ok"].all()):  # shown only when `jj123 check` fails
            return Markup("")
        rows = [[r.tier_label, str(r.required), str(r.actual), Markup("达标" if r.ok else
                 '<span class="change-worse">未达标</span>')] for r in base.rows(self.quota)]
        body = table([("层级", ""), ("最低项数", "num"), ("实际项数", "num"), ("是否达标", "center")], rows)
        return section("配额执行情况", body, note="牵头任务数未满足通知要求，见下表。")

    def tasks_html(self) -> Markup:
        """Every task in one compact row; a lagging task's reason is in 红灯与滞后任务 above, not again here."""
        columns = [("任务", ""), ("责任单位", ""), ("本季度节点目标", "wrap"), ("计划", "num"), ("实际", "num"),
                   ("差距", "num"), ("灯号（自评）", ""), (FORWARD_HEADER, "center"), ("较上季度", "center")]
        rows, classes = [], []
        for r in base.rows(self.tasks):
            units = esc(r.lead_unit) + (Markup(f'<div class="jj-note">配合：{esc(list(r.units)[1:])}</div>')
                                        if len(r.units) > 1 else "")
            own = "" if is_blank(r.self_status) else Markup('<div class="jj-note">自评：{}</div>').format(r.self_status)
            rows.append([Markup(f"<b>{esc(r.task_id)}</b> {esc(r.title)}"), Markup(units),
                         "—" if is_blank(r.milestone) else r.milestone, fmt_pct(r.planned_pct),
                         fmt_pct(r.actual_pct), fmt_gap(r.gap), light_cell(r, r.light not in LAGGING_LIGHTS) + own,
                         forward_html(r), base.change_cell(r)])
            classes.append(f"row-{r.light}" if r.light in ("red", "missing") else "")
        body = table(columns, rows, classes)
        return section("任务进展", body, note="计划、实际为累计进度；差距 = 计划 − 实际（百分点）；预计年底完成度的"
                                           "算法见附录；红灯、黄灯和未报送任务的灯号理由见上文“红灯与滞后任务”。")

    def trajectory_charts(self) -> list[LineChart]:
        """Per task, planned vs actual across quarters so far (inline-SVG charts)."""
        from jj123lib.render.charts import trajectory_chart

        return [trajectory_chart(self.history[self.history["task_id"] == r.task_id], f"{r.task_id} {r.title}",
                                 self.quarters) for r in base.rows(self.tasks)]

    def charts_html(self) -> Markup:
        figs = Markup("").join(chart.html() for chart in self.trajectory_charts())
        body = Markup('<div class="jj-figure-grid">{}</div>').format(figs)
        return section("进度轨迹", body, note="虚线为计划累计进度，实线为实际累计进度；圆点颜色为当季灯号。", level=3)

    @cached_property
    def benchmark_view(self) -> BenchmarkView:
        """对标 data of this leader's tasks (:mod:`jj123lib.assess.signals`; empty without benchmarks)."""
        from jj123lib.assess.signals import load_benchmark_view

        return load_benchmark_view(self.quarter, self.data_dir, self.rules_in_force).for_tasks(self.tasks["task_id"])

    def benchmarks_html(self) -> Markup:
        from jj123lib.reports.benchmarks import leader_benchmarks_html

        return leader_benchmarks_html(self.benchmark_view, self.tasks, self.history)

    def progress_html(self) -> Markup:
        return section("工作进展", _items_html(_items(self.tasks, "progress"), "各责任单位本季度未报送工作进展。"),
                       note="牵头单位报送的本季度工作进展（正式进度），配合单位的补充说明列在其后。", level=3)

    def problems_html(self) -> Markup:
        return section("存在问题", _items_html(_items(self.tasks, "problems"), "各责任单位本季度未报告存在问题。",
                                           ("missing", "red")), level=3)

    def next_quarter_html(self) -> Markup:
        """Per task, full width (wrapped table cells would split the unit's text in a PDF's text layer)."""
        frame = self.next_quarter
        label = "年终节点目标" if self.year_end else "节点目标"
        lights_by_task = dict(zip(self.tasks["task_id"], zip(self.tasks["light"], self.tasks["light_label"])))
        parts = []
        for r in records(frame):
            light, light_label = lights_by_task[r["task_id"]]
            milestone = text_or_none(r["milestone"]) or "（年度计划未列）"
            actual = "本季度未报送" if is_blank(r["actual_pct"]) else f"本季度实际 {fmt_pct(r['actual_pct'])}"
            pace = f"（计划累计进度 {fmt_pct(r['planned_pct'])}，{actual}）"
            lines = [Markup('<span class="jj-item-text"><b>{}：</b>{}{}</span>').format(label, milestone, pace)]
            lines.append(leader_summary.plan_line(r))
            own = text_or_none(r["next_steps"])
            if own:
                lines.append(Markup('<div class="jj-item-text"><b>下步计划：</b>{}</div>').format(own))
            lines += [Markup('<div class="jj-item-text"><b>配合单位{}：</b>{}</div>').format(unit, text)
                      for unit, text in r["co_next_steps"]]
            parts.append(Markup('<div class="jj-item"><span class="jj-item-head">{} {} {}</span> {}</div>').format(
                badge(light, light_label), r["task_id"], r["title"], Markup("").join(lines)))
        if self.year_end:
            note = (f"{quarter_label(self.quarter)}为本年度最后一个季度，本年度计划中没有下季度节点目标；"
                    "下列为年度计划的年终节点目标，下一年度节点目标待年度计划报送后列出。")
        else:
            nxt = str(frame["quarter"].iloc[0]) if len(frame) else ""
            note = (f"{quarter_label(nxt) if nxt else '下季度'}节点目标和计划累计进度取自年度计划；"
                    "下步计划为责任单位本季度报送。")
        return section("下季度节点目标", Markup("").join(parts), note=note)

    def opinions_html(self) -> Markup:
        """督查室意见, verbatim (escaped, line breaks kept); nothing when the office wrote none.

        When this leader's entry in the opinions file is bad, the section says so and the rest of the report stands.
        """
        if self.opinion_fault:
            return section("督查室意见", Markup(
                '<div class="jj-fault">本节未能生成：{}。请督查室更正意见文件后重新生成本报告。</div>'
            ).format(self.opinion_fault))
        if self.opinion is None:
            return Markup("")
        parts = []
        if self.opinion.overall:
            parts.append(Markup('<div class="jj-item"><div class="jj-item-head">总体意见</div>'
                                '<div class="jj-item-text">{}</div></div>').format(self.opinion.overall))
        for r in base.rows(self.tasks):
            text = self.opinion.tasks.get(r.task_id)
            if text:
                parts.append(Markup('<div class="jj-item"><div class="jj-item-head">{} {} {}</div>'
                                    '<div class="jj-item-text">{}</div></div>').format(
                    badge(r.light, r.light_label), r.task_id, r.title, text))
        return section("督查室意见", Markup("").join(parts))

    def rules_html(self) -> Markup:
        what = "灯号和排名" if self.show_scores else "灯号"
        return section("附录：评价规则", base.rules_html(self.rules),
                       note=f"本报告按以下规则评定{what}（规则文件见页眉）；正文的灯号理由不再重复阈值。")


NEXT_QUARTER_COLUMNS = ["task_id", "title", "quarter", "milestone", "planned_pct", "actual_pct", "next_steps",
                        "co_next_steps", "measures", "owner"]


def _next_quarter_rows(mine: pd.DataFrame, plan: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Per task, the plan's milestone and planned % of the next quarter (Q4: its own, the year's last)."""
    target = next_quarter(quarter) or quarter
    planned = {str(r["task_id"]): r for r in records(plan[plan["quarter"] == target])}
    rows = []
    for r in base.rows(mine):
        row = planned.get(str(r.task_id))
        notes = r.co_unit_notes if isinstance(r.co_unit_notes, list) else []
        rows.append({"task_id": r.task_id, "title": r.title, "quarter": target, **leader_summary.plan_texts(row),
                     "milestone": None if row is None else str(row["milestone"]),
                     "planned_pct": None if row is None else float(row["planned_pct"]),
                     "actual_pct": r.actual_pct, "next_steps": text_or_none(r.next_steps),
                     "co_next_steps": [(str(n.get("unit", "")), t) for n in notes
                                       if (t := text_or_none(n.get("next_steps")))]})
    return pd.DataFrame(rows, columns=NEXT_QUARTER_COLUMNS)


def _duban_closed(quarter: str, data_dir: str, task_ids: Iterable[str]) -> list[str]:
    """This leader's 督办事项 closed (verified, not revoked) in ``quarter``."""
    from jj123lib.ledger.store import Ledger

    frame = Ledger(data_dir).query(
        "SELECT DISTINCT d.id, d.task_id FROM duban d JOIN verifications v ON v.target = d.id WHERE v.kind = 'duban'"
        " AND v.decision = 'verified' AND v.revoked = 0 AND v.quarter = ? AND d.status = 'closed' ORDER BY d.id",
        (quarter,), ["id", "task_id"])
    return list(frame.loc[frame["task_id"].isin(set(task_ids)), "id"])


def _logged_requests(quarter: str, data_dir: str) -> set[tuple[str, str]]:
    """(task, unit) pairs whose 需协调事项 of ``quarter`` the register already holds."""
    from jj123lib.ledger.store import Ledger

    frame = Ledger(data_dir).query("SELECT i.task_id, i.unit FROM coordination i JOIN coordination_mentions m"
                                   " ON m.item_id = i.id WHERE m.quarter = ?", (quarter,), ["task_id", "unit"])
    return set(zip(frame["task_id"], frame["unit"]))


def leader_report_data(leader: str, quarter: str, data_dir: str | os.PathLike[str] | None = None, *,
                       now: datetime | None = None, rules: Rules | RulesPath | None = None,
                       units: UnitsPath | None = None) -> LeaderReport:
    """Build the leader report view-model (validates the parameters first); ``now`` dates and judges it (default:
    the ledger's moment, when its reads stand: now; a batch's ``--as-of``; a demo folder: its story's clock).

    ``rules``: the rules or their file (default: ``$JJ123_RULES``, else the packaged rules), read once here;
    ``units``: the units file (default: ``$JJ123_UNITS``, else the packaged one).
    """
    from jj123lib.ledger.store import Ledger
    from jj123lib.loop.opinions import read_opinions

    params = validate_params("leader", quarter, data_dir, leader)
    assert params.leader is not None
    today = china_today(now or Ledger(params.data_dir).moment())  # judged when its reads stand
    rule_set = as_rules(rules)
    common = base.load_common(params.quarter, params.data_dir, today, rule_set, units_path(units))
    opinions = read_opinions(params.data_dir, params.quarter, common["tasks"])
    fault = opinions.fault(params.leader)
    rated: pd.DataFrame = common["rated"]
    mine = rated[rated["leader"] == params.leader].copy()
    mine = in_tier_order(mine)
    mine = mine.reset_index(drop=True)
    supervision = common["assessment"].supervision.for_leader(params.leader, mine["task_id"])
    flags = leader_summary.task_flags(supervision.flags)
    mine["data_flags"] = pd.Series([flags.get(str(t), []) for t in mine["task_id"]], index=mine.index, dtype=object)
    mine["change"] = [leader_summary.shown_change(c, f) for c, f in zip(mine["change"], mine["data_flags"])]
    history = common["history"]
    logged = _logged_requests(params.quarter, params.data_dir)
    # The header names the data this report shows: with scores off only its tasks' (jj123lib.reports.provenance).
    scores = common["show_scores"]
    fingerprint = common["fingerprint"] if scores else leader_data_fingerprint(
        params.data_dir, params.quarter, params.leader, mine["task_id"], scores=False, rules=rule_set)
    return LeaderReport(
        leader=params.leader, quarter=params.quarter, data_dir=params.data_dir, demo=common["demo"],
        data_as_of=common["as_of"], fingerprint=fingerprint, tasks=mine,
        history=history[history["task_id"].isin(mine["task_id"])].reset_index(drop=True),
        league=common["league"], quota=_quota_rows(common["tasks"], rule_set, params.leader), rules=common["rules"],
        supervision=supervision,
        next_quarter=_next_quarter_rows(mine, Ledger(params.data_dir).plan(), params.quarter),
        opinion=opinions.opinions.get(params.leader), opinion_fault="" if fault is None else str(fault),
        duban_closed=_duban_closed(params.quarter, params.data_dir, mine["task_id"]),
        unlogged_requests=[i for i in _items(mine, "coordination") if (i.task_id, i.unit) not in logged],
        show_scores=scores, generated_on=today, rules_in_force=rule_set,
    )
