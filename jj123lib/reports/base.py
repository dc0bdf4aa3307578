"""The reports' shared base: the sections base class, the stylesheet, the header, cards and the html helpers.

Every report is a view-model (:mod:`~jj123lib.reports.leader`, :mod:`~jj123lib.reports.overview`,
:mod:`~jj123lib.reports.explore`, :mod:`jj123lib.annual.report`): a dataclass of DataFrames whose
``*_html`` methods return escaped :class:`~jj123lib.render.htmlkit.Markup` (unit-submitted text shows
verbatim, never executes), named in reading order by :attr:`Sections.SECTIONS`. Notebooks stay thin:
``data = leader_report_data(leader, quarter, data_dir)``, then one ``display(data.<section>_html())`` per cell.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, ClassVar

import pandas as pd

from jj123lib.core.datadir import DEMO_BANNER, is_demo
from jj123lib.core.frames import records
from jj123lib.core.resources import TEMPLATE_DIR
from jj123lib.domain import lights
from jj123lib.domain.quarters import quarter_label
from jj123lib.domain.rules import Rules
from jj123lib.domain.tiers import TIER_RANK
from jj123lib.domain.units import UnitsPath
from jj123lib.ledger.fingerprint import data_fingerprint, short
from jj123lib.render.htmlkit import (
    Markup,
    badge,
    change_tag,
    esc,
    is_blank,
    section,
    table,
)

__all__ = ["PAGE_ONLY_MARKER", "Sections", "report_css", "header_html", "publication_html", "card", "rows",
           "severity", "light_counts", "by_tier_then_gap", "rank_change_text", "change_cell", "rules_html",
           "duban_html", "load_common", "plain_reason", "data_moment"]


PAGE_ONLY_MARKER = "/* == page-only"  # in jj123.css: the rules after it style whole pages only


def report_css(whole_page: bool = False) -> str:
    """The report stylesheet: the lights' colour variables, then ``templates/jj123/static/jj123.css``.

    Without ``whole_page`` the page-only rules (``*``, ``html``, the flattened notebook cells, print)
    are left out: they would restyle the JupyterLab page a report is shown in.
    """
    css = (TEMPLATE_DIR / "jj123" / "static" / "jj123.css").read_text(encoding="utf-8")
    if not whole_page:
        css = css.split(PAGE_ONLY_MARKER, 1)[0]
    return f":root {{ {lights.css_variables()} }}\n{css}"


def _standalone(body: Markup) -> Markup:
    """A whole report body with its stylesheet inline, for a notebook's rich display."""
    return Markup('<div class="jj123-report"><style>{}</style><main>{}</main></div>').format(
        Markup(report_css()), body)


class Sections:
    """Base of every report's view-model: its sections in reading order (:attr:`SECTIONS`, names of methods
    returning :class:`Markup`), as one body and as a notebook's rich display."""

    SECTIONS: ClassVar[tuple[str, ...]] = ()

    def body_html(self) -> Markup:
        """Every section, in the order the notebook shows them."""
        return Markup("").join(getattr(self, name)() for name in self.SECTIONS)

    def _repr_html_(self) -> str:
        return str(_standalone(self.body_html()))


def severity(key: str) -> int:
    """Sort key, most severe light first; anything that is not a light sorts last."""
    return -lights.light(key).rank if key in lights.LABELS else 1


# A threshold in a reason, "（>30）" or "（落后 ≤10，按序时进度为绿灯）": the rule itself is in the appendix.
_BOUND = re.compile(r"（[^（），]*[<>≤≥][^（），]*(?:，([^（）]*))?）")


def plain_reason(reason: Any) -> str:
    """A light's reason as a report body says it, without the rule's thresholds (the 附录 states them once)."""
    if is_blank(reason):
        return ""
    return _BOUND.sub(lambda m: f"（{m.group(1)}）" if m.group(1) else "", str(reason))


def header_html(title: str, subtitle: str, quarter: str, as_of: str | None, fingerprint: str,
                demo: bool, generated_on: date, rules: Rules, data_dir: str | None = None) -> Markup:
    """A report's header: the demo banner, the 预览 notice before the deadline, title, subtitle, quarter, data as of,
    date made, fingerprints; with ``data_dir``, whether the quarter is published or a 草稿, and its 更正说明
    (:func:`publication_html`)."""
    banner = f'<div class="jj-demo-banner">{esc(DEMO_BANNER)}</div>' if demo else ""
    as_of_text = as_of or "本季度尚无报送"
    meta = (f"<span>季度：{esc(quarter_label(quarter))}（{esc(quarter)}）</span>"
            f"<span>数据截至：{esc(as_of_text)}</span>"
            f"<span>生成日期：{esc(generated_on.isoformat())}</span>"
            f'<span>数据指纹：<code title="{esc(fingerprint)}">{esc(short(fingerprint))}</code></span>'
            f"<span>规则文件：<code>{esc(rules.path.name)}</code>（指纹 <code>{esc(rules.sha)}</code>）</span>")
    from jj123lib.loop.deadlines import preview_note

    preview = preview_note(quarter, generated_on, rules)
    banner += f'<div class="jj-preview">{esc(preview)}</div>' if preview else ""
    status = publication_html(quarter, data_dir) if data_dir is not None else Markup("")
    return Markup(f'{banner}<header class="jj-header"><h1>{esc(title)}</h1>'
                  f'<div class="jj-subtitle">{esc(subtitle)}</div><div class="jj-meta">{meta}</div></header>{status}')


def publication_html(quarter: str, data_dir: str) -> Markup:
    """已发布 (with its day) or 草稿, then the 更正说明: each correction since publication, what, why, who, when.

    ``quarter`` may be a year (``2026``): its year-end review's publication."""
    from jj123lib.ledger.publications import period, publication

    what = "本年度考评" if period(quarter).isdigit() else "本季度"
    found = publication(data_dir, quarter)
    if found is None:
        return Markup('<div class="jj-draft">草稿：{}尚未封账发布，内容可能变动。</div>').format(what)
    mark = Markup('<div class="jj-published">已发布：{}于 {} 封账发布（数据截至 {}）。</div>').format(
        what, found.day, found.as_of[:16].replace("T", " "))
    if not found.corrections:
        return mark
    body = table([("更正时间", "date"), ("更正内容", "text"), ("理由", "text"), ("更正人", "name")],
                 [[str(c["at"])[:16].replace("T", " "), c["detail"].get("what", ""), c["reason"], c["by"]]
                  for c in found.corrections])
    return mark + section("更正说明", body, f"{what}发布后督查室作出以下更正，本报告已按更正后的数据生成。")


def card(label: str, value: str, note: str = "") -> Markup:
    """A summary card; ``value`` and ``note`` are escaped unless they are :class:`Markup`."""
    note_html = Markup('<div class="jj-card-note">{}</div>').format(note) if note else ""
    return Markup('<div class="jj-card"><div class="jj-card-label">{}</div><div class="jj-card-value">{}</div>'
                  "{}</div>").format(label, value, note_html)


def rows(frame: pd.DataFrame) -> Iterator[Any]:
    """The frame's rows as namedtuples, one field per column (their types are the columns', unknown here)."""
    return iter(frame.itertuples(index=False))


def by_tier_then_gap(rows: pd.DataFrame) -> pd.DataFrame:
    """全国 → 全省 → 重点突破, then the largest gap first (no gap: last), then task number."""
    order = rows.assign(_tier=rows["tier"].map(TIER_RANK), _gap=-pd.to_numeric(rows["gap"], errors="coerce"))
    return order.sort_values(["_tier", "_gap", "seq"], na_position="last").drop(columns=["_tier", "_gap"])


def light_counts(keys: Iterable[str]) -> dict[str, int]:
    """How many of ``keys`` are each light, in the lights' order."""
    values = list(keys)
    return {light: values.count(light) for light in lights.ORDER}


def rank_change_text(change: float | None) -> Markup:
    """A rank's move since last quarter, in words (上升 / 下降 / 持平 / 上季度无排名)."""
    if change is None or is_blank(change):
        return Markup('<span class="change-first">上季度无排名</span>')
    value = int(change)
    if value > 0:
        return Markup(f'<span class="change-better">较上季度上升 {value} 位</span>')
    if value < 0:
        return Markup(f'<span class="change-worse">较上季度下降 {-value} 位</span>')
    return Markup('<span class="change-same">与上季度持平</span>')


def rules_html(rules: list[str]) -> Markup:
    """The rules in force as a numbered list (a report's 附录)."""
    lis = "".join(f"<li>{esc(r)}</li>" for r in rules)
    return Markup(f'<ol class="jj-rules">{lis}</ol>')


def change_cell(row: Any) -> Markup:
    """A task's 较上季度 cell: last quarter's light and the change tag."""
    prev = "" if is_blank(row.prev_light) else f"上季度 {badge(row.prev_light, row.prev_light_label)}<br>"
    return Markup(f"{prev}{change_tag(row.change)}")


def duban_html(frame: pd.DataFrame, title: str = "督办事项") -> Markup:
    """The 督办事项 section: one row per item, counted by level."""
    if frame.empty:
        return section(title, Markup('<p class="jj-empty">无督办事项。</p>'))
    rows = [[r["id"], r["task_id"], r["unit"], r["level_label"], plain_reason(r["reason"]), r["due_date"],
             r["days_overdue"] or "", r["status_label"], r["response"] or ""] for r in records(frame)]
    columns = [("编号", "nowrap"), ("任务", "nowrap"), ("责任单位", "nowrap"), ("级别", "nowrap"), ("事由", "wrap"),
               ("整改期限", "nowrap"), ("逾期天数", "num"), ("状态", "nowrap"), ("整改反馈", "wrap")]
    counts = frame["level_label"].value_counts()
    note = "，".join(f"{label} {int(counts[label])} 项" for label in counts.index)
    return section(title, table(columns, rows), note=f"共 {len(frame)} 项：{note}。")


def _describe_duban_rules(rules: Mapping[str, Any]) -> list[str]:
    """The 督办 rules in force (triggers, due days, escalation), as report appendices say them."""
    from jj123lib.domain.rules import loop_rules
    from jj123lib.domain.vocab import INTERVIEW, LEVELS
    from jj123lib.loop.duban import TRIGGER_LABELS

    section_ = loop_rules(rules, "duban")
    by_level = [(level, [TRIGGER_LABELS[t] for t, lv in section_["triggers"].items() if lv == level])
                for level in reversed(LEVELS)]
    triggers = "；".join(f"{'、'.join(names)}的任务下发{level}" for level, names in by_level if names)
    ladder = [*LEVELS, INTERVIEW] if section_["interview"] else list(LEVELS)
    return [f"督办：{triggers}。下发后 {section_['due_days']} 天内整改；再次触发或逾期未反馈的升一级"
            f"（{' → '.join(ladder)}），最高级别仍逾期的计为逾期未办结；逾期天数自首个未按期反馈的期限起连续计算；"
            f"反馈“整改中”或被退回的须 {section_['follow_up_days']} 天内再次反馈；核实后销号。"]


def data_moment(data_dir: str | os.PathLike[str]) -> str:
    """``数据截至`` of a report: the moment its ledger reads see (:func:`jj123lib.core.clock.moment_label`).

    A batch run ``--as-of`` declares it as an input, so another moment re-renders; a run at now does not
    (its reads, unchanged, keep the last render and the moment it states).
    """
    from jj123lib.core.clock import moment_label, read_as_of
    from jj123lib.core.inputs import note_input, sha256_hex
    from jj123lib.ledger.store import Ledger

    label = moment_label(Ledger(data_dir).moment())
    if read_as_of() is not None:
        note_input("as_of", "数据截至", sha256_hex(label))
    return label


def load_common(quarter: str, data_dir: str, as_of: date, rules: Rules,
                units_file: UnitsPath | None = None) -> dict[str, Any]:
    """What the leader report and the overview both load: tasks, the quarter's one assessment (ratings, league,
    supervision lists), history, rules, provenance."""
    from jj123lib.assess.ratings import describe_rules, rating_history
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.loop.assessment import assess_quarter

    show_scores = rules.show_leader_scores
    assessment = assess_quarter(quarter, data_dir, as_of=as_of, rules=rules, units_file=units_file)
    return {
        "tasks": load_tasks(),
        "assessment": assessment,
        "rated": assessment.rated,
        "history": rating_history(quarter, data_dir, as_of=as_of, rules=rules),
        "league": assessment.league,
        "rules": describe_rules(rules, leader_scores=show_scores) + _describe_duban_rules(rules),
        "show_scores": show_scores,
        "as_of": data_moment(data_dir),
        "fingerprint": data_fingerprint(data_dir, rules),
        "demo": is_demo(data_dir),
    }
