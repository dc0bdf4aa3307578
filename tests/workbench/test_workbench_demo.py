"""Every page of the workbench works on the demo data (a private copy): each page's reading action shows its
table, and the documents it offers download."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from jj123lib.demo.generate import DemoSummary
from tests.late_form import demo_copy
from tests.workbench.conftest import Served
from tests.workbench.pages import click, download, open_workbench, tab, wait_text, zip_members

# The pages read the demo "today" (see the 督办 list), so the demo is viewed on the day the suite was written for.
pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]


def test_every_page_on_the_demo_data(demo_data: DemoSummary, serve: Callable[..., Served], page: Page,
                                     tmp_path: Path) -> None:
    served = serve(demo_copy(demo_data.data_dir, tmp_path / "demo"))
    open_workbench(page, served.url)
    wait_text(page, "【示例数据】")

    tab(page, "报送情况与催报")
    click(page, "刷新报送情况")
    wait_text(page, "2026Q3：共")
    assert page.locator("table.jj-table").filter(visible=True).count() >= 2

    tab(page, "督办")
    click(page, "刷新督办事项")
    wait_text(page, "DB-2026Q3-")
    click(page, "生成督办单与整改反馈表")
    papers = zip_members(download(page, "下载督办单与整改反馈表", tmp_path))
    assert any(name.endswith(".docx") for name in papers)

    tab(page, "核实销号")
    click(page, "刷新待核实清单")
    wait_text(page, "项待核实")

    tab(page, "协调事项")
    click(page, "刷新登记簿")
    wait_text(page, "件协调事项。")

    tab(page, "年度考评")
    click(page, "计算年度考评")
    wait_text(page, "下载考评表（xlsx）")
    sheets = zip_members(download(page, "下载考评表（xlsx）", tmp_path))
    assert "xl/workbook.xml" in sheets
    assert page.locator("span.light").filter(visible=True).count() > 0  # outcomes as colours
