"""Driving the workbench's widgets in the browser: tabs, buttons, uploads, downloads, and filling a form."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, cast

from openpyxl import load_workbook
from playwright.sync_api import Locator, Page

from jj123lib.intake.formspec import PROGRESS_SHEET, header_columns
from tests.ledger_helpers import TASKS, lead_values

CLERK = "林晓梅"


def open_workbench(page: Page, url: str, clerk: str = CLERK) -> None:
    page.goto(url)
    page.get_by_label("您的姓名：").fill(clerk)
    page.get_by_label("您的姓名：").press("Tab")  # the name reaches the kernel on change


def tab(page: Page, name: str) -> None:
    """Open the workbench's page ``name``."""
    page.get_by_role("tab", name=name, exact=True).click()


def row(page: Page, text: str) -> Locator:
    """The widget row holding ``text`` (a claim on 核实销号)."""
    return page.locator(".widget-hbox").filter(has_text=text).last


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).click()


def wait_text(page: Page, text: str) -> Locator:
    found = page.get_by_text(text).filter(visible=True).first
    found.wait_for()
    return found


def download(page: Page, link_text: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_text(link_text).first.click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def upload(page: Page, scope: Locator | Page, files: list[Path]) -> None:
    """Choose ``files`` with the (visible) upload button in ``scope``, as a clerk does in the file dialog."""
    with page.expect_file_chooser() as chooser:
        scope.locator(".widget-upload:visible").first.click()
    chooser.value.set_files([str(f) for f in files])


def fill_form(data: bytes, folder: Path, name: str, changes: dict[str, dict[str, Any]] | None = None) -> Path:
    """Fill one of the forms the workbench made, as the unit would: every lead row, plus ``changes``."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[PROGRESS_SHEET]
    cols = header_columns(ws)
    unit = name.split("_")[1]
    leads = dict(zip(TASKS["task_id"], TASKS["lead_unit"]))
    for row in range(2, ws.max_row + 1):
        task_id = cast(str, ws.cell(row, cols["任务编号"]).value)
        values = lead_values(task_id) if leads[task_id] == unit else {}
        values.update((changes or {}).get(task_id, {}))
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value
    path = folder / name
    wb.save(path)
    return path


def zip_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {info.filename: package.read(info) for info in package.infolist()}
