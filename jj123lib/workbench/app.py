"""The workbench as one widget: the clerk's name and the quarter on top, then one tab per page of the quarter.

``notebooks/workbench.ipynb`` is only ``display(workbench())``; ``jj123 serve`` serves it with Voilà.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import ipywidgets as widgets
from markupsafe import Markup

from jj123lib.domain.quarters import quarter_year, year_quarters
from jj123lib.reports.base import report_css
from jj123lib.workbench.common import Session, message
from jj123lib.workbench.pages_close import annual_page, reports_page, verify_page
from jj123lib.workbench.pages_intake import distribute_page, receive_page
from jj123lib.workbench.pages_loop import coordination_page, duban_page, reporting_page

__all__ = ["PAGES", "workbench"]

PAGES: tuple[tuple[str, Callable[[Session], widgets.Widget]], ...] = (
    ("分发", distribute_page),
    ("收文", receive_page),
    ("报送情况与催报", reporting_page),
    ("督办", duban_page),
    ("核实销号", verify_page),
    ("协调事项", coordination_page),
    ("报告与封账", reports_page),
    ("年度考评", annual_page),
)

_CSS = """
.jj-workbench table.jj-table { border-collapse: collapse; margin: .4em 0 1em; font-size: 13px; }
.jj-workbench table.jj-table th, .jj-workbench table.jj-table td { border: 1px solid #c9ced6; padding: 3px 6px;
  vertical-align: top; white-space: pre-wrap; }
.jj-workbench .jj-download { display: inline-block; margin: .3em 0; font-weight: 700; }
.jj-workbench .jj-reminder { margin: .4em 0; }
"""


def workbench(session: Session | None = None) -> widgets.Widget:
    """The whole workbench for one browser session (``jj123 serve`` sets the data folder and rules)."""
    if session is None:
        session = Session.from_environment()
        workdir = os.environ.get("JJ123_WORKDIR")
        if workdir:  # relative defaults (reports/<Q>) as for a command typed where `jj123 serve` was
            os.chdir(workdir)
    style = widgets.HTML(str(Markup("<style>{}{}</style>").format(Markup(report_css()), Markup(_CSS))))
    demo = "【示例数据】" if session.demo else ""
    title = widgets.HTML(str(Markup("<h2>晋江市2026年度“123”争先进位工作督查工作台{}</h2>"
                                    "<div>数据文件夹：{}</div>").format(demo, str(session.data_dir))))
    clerk = widgets.Text(description="您的姓名：", placeholder="每项操作都记录操作人")
    quarters = year_quarters(quarter_year(session.quarter))
    quarter = widgets.Dropdown(description="季度：", options=quarters, value=session.quarter)
    hint = widgets.HTML(message("请先填写您的姓名；选择季度后，逐页办理。"))

    def on_clerk(change: dict[str, object]) -> None:
        session.clerk = str(change["new"]).strip()

    def on_quarter(change: dict[str, object]) -> None:
        session.quarter = str(change["new"])

    clerk.observe(on_clerk, names="value")
    quarter.observe(on_quarter, names="value")
    tabs = widgets.Tab(children=[build(session) for _, build in PAGES])
    tabs.titles = tuple(name for name, _ in PAGES)
    box = widgets.VBox([style, title, widgets.HBox([clerk, quarter]), hint, tabs])
    box.add_class("jj-workbench")
    return box
