"""The office's quarter in the workbench, in Chromium, on a fresh data folder: open with the token, make the
forms, upload three filled forms (one bad), verify two claims with evidence and reject one, run the batch,
download the 通报; the other pages shown on the way. Every step goes through the page, and the ledger is then
read through the library to check that the page did what the command would have done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from jj123lib.domain.tasks import units
from jj123lib.ledger.publications import publication
from jj123lib.ledger.receipts import receipts
from jj123lib.ledger.store import Ledger
from jj123lib.loop.coordination import register
from jj123lib.loop.verification import verifications
from tests.ledger_helpers import TASKS
from tests.workbench.conftest import Served
from tests.workbench.pages import (
    CLERK,
    click,
    download,
    fill_form,
    open_workbench,
    row,
    tab,
    upload,
    wait_text,
    zip_members,
)

pytestmark = [pytest.mark.usefixtures("record_year_played"), pytest.mark.slow]  # the forms are dated October

DONE = {"实际累计进度(%)": 100, "自评状态": "已完成"}
ASKED = "需数据管理部门协调打通数据共享接口"  # 需协调部门 left blank: the office names it on the page


def test_a_quarter_in_the_workbench(serve: Callable[..., Served], page: Page, shoot: Callable[[str], Path],
                                    tmp_path: Path) -> None:
    served = serve()
    outside: list[str] = []  # the page works offline: nothing but the server and the page's own data
    page.on("request", lambda r: None if r.url.startswith((served.base, "data:", "blob:")) else outside.append(r.url))
    open_workbench(page, served.url)
    shoot("00-workbench")

    # 分发: the quarter's forms, as one zip
    click(page, "生成表格")
    wait_text(page, "已生成")
    forms = zip_members(download(page, "下载全部", tmp_path))
    assert sorted(forms) == sorted(f"2026Q3_{unit}_进度填报.xlsx" for unit in units(TASKS))
    shoot("01-分发")

    # 收文: two good forms and a bad one
    returned = tmp_path / "returned"
    returned.mkdir()
    good_a = fill_form(forms["2026Q3_住建局_进度填报.xlsx"], returned, "2026Q3_住建局_进度填报.xlsx",
                       {"N05": DONE, "P10": DONE})
    good_b = fill_form(forms["2026Q3_公安局_进度填报.xlsx"], returned, "2026Q3_公安局_进度填报.xlsx",
                       {"N07": DONE, "P13": {"需协调事项": ASKED}})
    bad = fill_form(forms["2026Q3_农业农村局_进度填报.xlsx"], returned, "2026Q3_农业农村局_进度填报.xlsx",
                    {"N03": {"实际累计进度(%)": 150}})
    tab(page, "收文")
    upload(page, page, [good_a, good_b, bad])
    wait_text(page, "(3)")
    page.get_by_label("已收到签章纸质件").check()  # the signed copies came with the files
    click(page, "导入")
    wait_text(page, "共 3 个文件：导入 2 个，重复 0 个，退回 1 个。")
    rejected = page.locator("tr", has_text="2026Q3_农业农村局_进度填报.xlsx")
    assert "退回" in rejected.inner_text()
    assert "工作表“进度填报”，第 2 行，列“实际累计进度(%)”：值“150”超出 0–100 的范围" in rejected.inner_text()
    wait_text(page, "收文登记（本季度）")
    log = receipts(served.data_dir, "2026Q3")
    assert sorted(log["unit"]) == ["住建局", "公安局"] and set(log["received_by"]) == {CLERK}
    assert set(log["paper_by"]) == {CLERK}  # the paper copies ticked off, by the clerk
    shoot("02-收文")

    tab(page, "报送情况与催报")
    click(page, "刷新报送情况")
    wait_text(page, "个单位，逾期未报送")
    shoot("03-报送情况与催报")

    tab(page, "督办")
    click(page, "预览应下发的督办")
    wait_text(page, "符合督办条件的任务")
    shoot("04-督办")

    # 核实销号: two verified with evidence, one sent back with its reason
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence\n")
    tab(page, "核实销号")
    click(page, "刷新待核实清单")
    wait_text(page, "共 3 项待核实")
    for target in ("N05", "N07"):
        row(page, f"{target}｜").locator("input[type=checkbox]").check()
        upload(page, row(page, f"{target}｜"), [evidence])
        row(page, f"{target}｜").get_by_text("(1)").wait_for()
    click(page, "核实通过（所选）")
    wait_text(page, "已核实通过 2 项。")
    row(page, "P10｜").locator("input[type=checkbox]").check()
    row(page, "P10｜").locator("input[type=text]").fill("现场核实尚未完工，不予销号")
    row(page, "P10｜").locator("input[type=text]").press("Tab")
    click(page, "退回（所选）")
    wait_text(page, "已退回 1 项。")
    shoot("05-核实销号")

    # 协调事项: the office names the department the unit left blank
    tab(page, "协调事项")
    click(page, "刷新登记簿")
    wait_text(page, "共 1 件协调事项")
    page.get_by_label("事项：").select_option("XT-2026Q3-001")
    page.get_by_label("需协调部门：").fill("工信局")
    page.get_by_label("需协调部门：").press("Tab")
    click(page, "指定部门")
    wait_text(page, "已将 XT-2026Q3-001 的需协调部门指定为“工信局”")
    item = register(served.data_dir).iloc[0]
    assert (item["department"], item["department_source"], item["latest_text"]) == ("工信局", "office", ASKED)
    shoot("06-协调事项")

    # 报告与封账: the batch (HTML and Word here; PDF is the same pipeline), the 通报 downloaded
    tab(page, "报告与封账")
    page.get_by_label("同时生成 PDF（较慢）").uncheck()
    click(page, "生成本季度报告")
    wait_text(page, "index.html")
    page.get_by_label("文件：").select_option("bulletin.docx")
    bulletin = zip_members(download(page, "下载 bulletin.docx", tmp_path))
    assert "通报" in bulletin["word/document.xml"].decode("utf-8")
    publish = page.get_by_role("button", name="封账发布本季度")
    assert publish.is_disabled()  # until the clerk confirms what publishing means
    wait_text(page, "尚未封账发布")
    page.get_by_label("我已了解封账发布的含义，确认发布").check()
    click(page, "封账发布本季度")
    wait_text(page, "已将 2026Q3 封账发布")
    shoot("07-报告与封账")

    tab(page, "年度考评")
    click(page, "计算年度考评")
    wait_text(page, "下载考评表（xlsx）")
    shoot("08-年度考评")

    # Published: a form dated as received before publishing would change what was published, and is refused
    tab(page, "收文")
    early = fill_form(forms["2026Q3_教育局_进度填报.xlsx"], returned, "2026Q3_教育局_进度填报.xlsx")
    upload(page, page, [early])
    page.get_by_label("收文日期：").fill("2026-10-15")
    click(page, "导入")
    wait_text(page, "不能直接导入收文日期在发布之前的表格")
    wait_text(page, "工作台不改动已发布的数据")

    assert outside == []

    # What the page did is in the ledger, recorded with the clerk's name
    decisions = verifications(served.data_dir)
    assert sorted(zip(decisions["target"], decisions["decision"], decisions["by"])) == [
        ("N05", "verified", CLERK), ("N07", "verified", CLERK), ("P10", "rejected", CLERK)]
    assert all(decisions.loc[decisions["decision"] == "verified", "evidence"].str.contains("验收报告.pdf"))
    found = publication(served.data_dir, "2026Q3")
    assert found is not None and found.by == CLERK and found.outputs
    accepted = Ledger(served.data_dir).query("SELECT filename FROM files ORDER BY filename", (), ["filename"])
    assert list(accepted["filename"]) == sorted([good_a.name, good_b.name])
