"""The analyst's view: the tables an analyst starts from (:class:`ExploreData`, :func:`explore_data`), and
``jj123 explore``, the analyst's notebook executed for one quarter and saved as self-contained HTML.

:func:`render_explore` runs the packaged ``explore.ipynb`` with papermill (parameters ``quarter`` and ``data_dir``),
then renders it with the project's own nbconvert template (:mod:`jj123lib.render.notebook_html`): no script,
nothing from a CDN.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from jj123lib.core.atomic import atomic_write
from jj123lib.core.datadir import DEMO_BANNER, is_demo
from jj123lib.core.exceptions import ReportStepError
from jj123lib.domain import lights
from jj123lib.domain.parameters import validate_params
from jj123lib.domain.quarters import quarter_label
from jj123lib.domain.rules import Rules, RulesPath, as_rules
from jj123lib.domain.tiers import TIER_LABELS, TIERS
from jj123lib.render.htmlkit import Markup, is_blank, section, table
from jj123lib.reports.base import Sections, data_moment

__all__ = ["ExploreData", "explore_data", "EXPLORE_NOTEBOOK", "render_explore"]

EXPLORE_NOTEBOOK = "explore.ipynb"


def render_explore(quarter: str, out: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None,
                   timeout: int = 600, rules: str | os.PathLike[str] | None = None) -> Path:
    """Execute ``explore.ipynb`` for ``quarter`` and write the HTML to ``out``; returns the absolute path.

    ``rules``: the rules file, handed to the kernel as its ``rules`` parameter (default: the kernel's own default).
    """
    from jj123lib.core.resources import NOTEBOOK_DIR
    from jj123lib.render.execute import execute_report
    from jj123lib.render.notebook_html import notebook_to_html, remote_references

    params = validate_params("explore", quarter, data_dir, rules=rules)
    with tempfile.TemporaryDirectory(prefix="jj123-explore-") as work:
        executed = Path(work) / EXPLORE_NOTEBOOK
        nb, failure = execute_report(NOTEBOOK_DIR / EXPLORE_NOTEBOOK, executed, params.as_papermill(),
                                     timeout=timeout, warm=False)
        if failure is not None or nb is None:
            problem = failure.describe() if failure is not None else "执行失败"
            raise ReportStepError("execute", f"{EXPLORE_NOTEBOOK}：{problem}")
        html = notebook_to_html(nb, f"“123”任务数据探索 · {quarter_label(params.quarter)}")
    remote = remote_references(html)
    if remote:  # the template must never let a CDN in
        raise ReportStepError("html", f"{EXPLORE_NOTEBOOK}：页面引用了外部资源：" + "；".join(remote[:3]))
    target = Path(os.path.abspath(out))
    atomic_write(target, html)
    return target



def _frame_html(frame: pd.DataFrame) -> Markup:
    """A small DataFrame as an escaped table, its index as the first column."""
    columns = [(str(frame.index.name or ""), "")] + [(str(c), "num") for c in frame.columns]
    rows = [[str(label), *["—" if is_blank(v) else f"{v:g}" if isinstance(v, float) else str(v) for v in values]]
            for label, values in zip(frame.index, frame.to_numpy().tolist())]
    return table(columns, rows)


@dataclass
class ExploreData(Sections):
    """Tables an analyst starts from, as plain DataFrames."""

    SECTIONS: ClassVar[tuple[str, ...]] = ("header_html", "lights_by_leader_html", "lights_by_tier_html",
                                           "gap_by_leader_html")

    quarter: str
    data_dir: str
    demo: bool
    tasks: pd.DataFrame
    submissions: pd.DataFrame
    plan: pd.DataFrame
    ratings: pd.DataFrame
    history: pd.DataFrame
    data_as_of: str = ""  # 数据截至: the moment the ledger was read at (reports.base.data_moment)

    def lights_by_leader(self) -> pd.DataFrame:
        out = pd.crosstab(self.ratings["leader"], self.ratings["light_label"])
        return out.reindex(columns=[lights.LABELS[k] for k in lights.ORDER], fill_value=0)

    def lights_by_tier(self) -> pd.DataFrame:
        out = pd.crosstab(self.ratings["tier_label"], self.ratings["light_label"])
        out = out.reindex(index=[TIER_LABELS[t] for t in TIERS], columns=[lights.LABELS[k] for k in lights.ORDER],
                          fill_value=0)
        return out

    def gap_by_leader(self) -> pd.DataFrame:
        return (self.ratings.groupby("leader")[["planned_pct", "actual_pct", "gap"]].mean().round(1)
                .sort_values("gap", ascending=False))

    def header_html(self) -> Markup:
        banner = Markup('<div class="jj-demo-banner">{}</div>').format(DEMO_BANNER) if self.demo else ""
        return Markup('{}<header class="jj-header"><h1>“123”任务数据探索</h1><div class="jj-subtitle">{}（{}）'
                      ' · 全部 {} 项任务</div><div class="jj-meta"><span>数据截至：{}</span></div></header>').format(
            banner, quarter_label(self.quarter), self.quarter, len(self.ratings), self.data_as_of)

    def lights_by_leader_html(self) -> Markup:
        return section("各市领导灯号", _frame_html(self.lights_by_leader().rename_axis("牵头市领导")))

    def lights_by_tier_html(self) -> Markup:
        return section("各层级灯号", _frame_html(self.lights_by_tier().rename_axis("层级")))

    def gap_by_leader_html(self) -> Markup:
        frame = self.gap_by_leader().rename(columns={"planned_pct": "计划", "actual_pct": "实际", "gap": "差距"})
        return section("各市领导平均进度", _frame_html(frame.rename_axis("牵头市领导")),
                       note="计划、实际为累计进度的平均数；差距 = 计划 − 实际（百分点），按差距从大到小排列。")

    def progress_by_quarter(self) -> pd.DataFrame:
        return self.history.pivot_table(index="task_id", columns="quarter", values="actual_pct")


def explore_data(quarter: str, data_dir: str | os.PathLike[str] | None = None,
                 rules: Rules | RulesPath | None = None) -> ExploreData:
    """The analyst's tables for ``quarter`` (validates the parameters first)."""
    from jj123lib.assess.ratings import rating_history
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.ledger.store import Ledger
    from jj123lib.loop.assessment import assess_quarter

    params = validate_params("explore", quarter, data_dir)
    rule_set = as_rules(rules)
    ledger = Ledger(params.data_dir)
    return ExploreData(
        quarter=params.quarter, data_dir=params.data_dir, demo=is_demo(params.data_dir), tasks=load_tasks(),
        submissions=ledger.submissions(params.quarter), plan=ledger.plan(),
        ratings=assess_quarter(params.quarter, ledger, rules=rule_set).rated,
        history=rating_history(params.quarter, params.data_dir, rules=rule_set),
        data_as_of=data_moment(params.data_dir),
    )
