"""整改反馈 forms: one fill-in .xlsx per 督办事项, answered by the unit it is addressed to.

Why one form per item, not one per unit: each item has its own due date and is answered,
verified and closed on its own; a unit answering one item today and another next week sends
two files, each whole or nothing, and the office's archive keeps each answer with its item.

The form is built with the progress forms' layout (:mod:`jj123lib.intake.xlsx_layout`): sheet
``整改反馈`` with one header row (:data:`RESPONSE_COLUMNS`) and one row for the item — the
first seven columns pre-filled and locked, 整改状态 a drop-down (已整改/整改中), 填报日期 a
date check — the 填报说明 sheet with the 联系电话 cell, print setup with the signature
footer, ``_meta`` plus custom properties (kind ``duban_response``, period = the item's ID),
red tabs and a 示例数据 title on demo forms. The title (on screen, in the print header, the document's title)
names the item as the office's documents do (``2026年第三季度第1号``); its ID is in ``_meta``, the file name and
the 督办编号 cell, which ingest matches.

``jj123 ingest`` recognises the form by its metadata (:func:`parse_response`), refuses it
whole with :class:`IngestError`s naming file, sheet, row, column and rule, and records it
(:func:`record_response_file`) in one transaction: the file archived verbatim under its
SHA-256, listed in ``response_files``, and the answer recorded through
:func:`jj123lib.loop.duban.record_response` linked to the file. An unchanged re-save is archived
and listed but is no new answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jj123lib.core.atomic import atomic_write
from jj123lib.core.cells import blank, cell_date, cell_text
from jj123lib.core.clock import china_now_iso
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import IngestRejected
from jj123lib.core.frames import records
from jj123lib.core.outdir import check_output_dir, claim_output_dir
from jj123lib.domain.rules import Rules, load_rules
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.vocab import LEVELS, RESPONSE_STATUSES
from jj123lib.intake.checker import Checker
from jj123lib.intake.formspec import (
    FORM_VERSION,
    RESPONSE_COLUMNS,
    RESPONSE_FILL_IN,
    RESPONSE_KIND,
    RESPONSE_PREFILLED,
    RESPONSE_SHEET,
    response_form_name,
    response_name_id,
)
from jj123lib.intake.readers import Grid, file_error, xlsx_grid
from jj123lib.intake.xlsx_layout import (
    LINE_PT,
    finish,
    form_meta,
    form_notice,
    help_sheet,
    new_form,
    print_setup,
    titled,
    workbook_bytes,
)
from jj123lib.ledger.store import Ledger
from jj123lib.loop.duban import duban_items, duban_number_text, record_response

__all__ = ["ParsedResponse", "build_response_form", "write_response_forms", "parse_response",
           "record_response_file", "RESPONSE_KIND"]

_ANSWER_LINES = 10  # room to type the 整改情况 in the printed row


@dataclass
class ParsedResponse:
    """A 整改反馈 form that passed every check, ready to record."""

    path: Path
    data: bytes
    sha256: str
    ext: str
    duban_id: str
    unit: str
    task_id: str
    status: str
    text: str
    reporter: str
    report_date: str
    demo: bool
    phone: str | None = None
    notes: list[str] = field(default_factory=list)
    kind: str = RESPONSE_KIND
    evidence: str | None = None  # 佐证材料清单
    finish_by: str | None = None  # 完成时限, ISO date

    @property
    def answer(self) -> str:
        """The answer as the ledger keeps it: 整改情况, then the 佐证材料清单 and the 完成时限 where given."""
        extra = [f"佐证材料清单：{self.evidence}" if self.evidence else "",
                 f"完成时限：{self.finish_by}" if self.finish_by else ""]
        return "\n".join([self.text, *(line for line in extra if line)])

    @property
    def content_sha256(self) -> str:
        """SHA-256 of what the form says, not of its bytes: a re-save unchanged has the same content."""
        text = json.dumps([self.kind, self.duban_id, self.unit, self.status, self.answer, self.reporter,
                           self.report_date, self.phone or ""], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def message(self, status: str, resaved: bool) -> str:
        name = self.path.name
        what = f"{self.unit} 对督办事项 {self.duban_id} 的整改反馈"
        if status == "duplicate" and resaved:
            return (f"文件 {name}（{what}）与此前导入的反馈内容相同（重新保存，字节不同），不作为新反馈；"
                    f"文件已存档（存档编号 {self.sha256[:12]}）。")
        if status == "duplicate":
            return f"文件 {name}（{what}）此前已导入过，内容相同，未作改动。"
        after = "待督查室核实销号" if self.status == "已整改" else "继续整改"
        text = f"已导入 {name}：{what}（{self.status}，{after}），存档编号 {self.sha256[:12]}。"
        if self.notes:
            text += "\n  已规范化：" + "；".join(self.notes)
        return text


# ------------------------------------------------------------------ building
def build_response_form(item: Mapping[str, Any], task_title: str, demo: bool = False,
                        now: datetime | None = None, rules: Rules | None = None) -> Workbook:
    """The 整改反馈 form of one 督办事项 (``item``: a row of :func:`jj123lib.loop.duban.duban_items`); it prints
    the item's 整改期限 as its deadline and the office's contact (``rules``: the rules in force by default)."""
    item_id, unit = str(item["id"]), str(item["unit"])
    rule_set = load_rules() if rules is None else rules
    notice = form_notice(date.fromisoformat(str(item["due_date"])[:10]), rule_set, demo=demo)
    level = LEVELS[int(item["level"]) - 1]
    # Printed as the office writes 督办 numbers (no quarter code); the ID stays in _meta, the file name and its cell.
    number = duban_number_text(item_id)
    title = titled(f"督办事项整改反馈表（{number}，{unit}）", demo)
    row = [item_id, item["task_id"], task_title, unit, level, item["reason"], item["due_date"]]
    wb, ws = new_form(RESPONSE_SHEET, RESPONSE_COLUMNS, RESPONSE_PREFILLED, [row + [None] * len(RESPONSE_FILL_IN)])
    ws.row_dimensions[2].height = max(ws.row_dimensions[2].height or 0, _ANSWER_LINES * LINE_PT + 4)
    status = DataValidation(type="list", formula1='"' + ",".join(RESPONSE_STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="整改状态无效",
                            error="请从下拉列表中选择：" + "、".join(RESPONSE_STATUSES) + "。")
    ws.add_data_validation(status)
    status.add(f"{get_column_letter(RESPONSE_COLUMNS.index('整改状态') + 1)}2")
    print_setup(ws, title, signature=True, repeat_header=True, notice=notice)
    help_sheet(wb, [
        titled(f"督办事项整改反馈填报说明（{number}，{unit}）", demo),
        f"1. 本表是{number}督办事项（表中督办编号 {item_id}，{level}，任务 {item['task_id']}）的整改反馈表，"
        f"由督办对象{unit}填报，整改期限为 {item['due_date']}。灰色列为预填内容，已锁定，请勿修改。",
        "2. 整改状态：从下拉列表选择“已整改”（整改已完成，提请督查室核实销号）或“整改中”（说明进展和预计完成时间）。"
        "选“已整改”的，督查室核实佐证材料后方予销号。",
        "3. 整改情况：写明采取的具体措施、取得的成效，不要只写“正在整改”“持续推进”之类表述。佐证材料清单：逐项列出"
        "可供核实的材料（文件名称、文号、照片、验收意见等），材料随表报送；选“已整改”的须填写。完成时限：选“整改中”的"
        "填写预计整改完成的日期（如 2026-11-30）。",
        "4. 填报人、填报日期必填，日期格式如 2026-10-25。请不要增删列、改动工作表名称或在表格下方添加内容"
        "（签字栏在打印页脚）。",
        "5. 报送方式：报送本电子表格（.xlsx，请勿改文件名；本表不接受 CSV），同时将“整改反馈”页打印，"
        "由填报人签名、单位负责人签字并加盖单位公章后，连同佐证材料报送督查室。",
        "6. 同一督办事项可多次反馈（如先报“整改中”、后报“已整改”），以督查室最后收到的版本为准；之前版本留档备查。",
    ], title, notice)
    return finish(wb, title, form_meta(RESPONSE_KIND, unit, item_id, demo, now))


def write_response_forms(quarter: str, data_dir: str | os.PathLike[str] | None = None, *,
                         out_dir: str | os.PathLike[str] | None = None, as_of: str | date | None = None,
                         now: datetime | None = None, rules: Rules | None = None) -> list[Path]:
    """One form per 督办事项 of ``quarter`` not yet closed (earlier quarters' open items too).

    Default folder: ``<data_dir>/forms/<quarter>-duban``. Forms from a demo folder are demo forms.
    """
    ledger = Ledger(data_dir)
    target = check_output_dir(Path(out_dir) if out_dir else ledger.data_dir / "forms" / f"{quarter}-duban",
                              "duban-forms")
    items = duban_items(quarter, ledger, as_of=as_of)
    items = items[items["status"] != "closed"]
    tasks = load_tasks()
    titles = dict(zip(tasks["task_id"], tasks["title"]))
    demo = is_demo(ledger.data_dir)
    if len(items):
        claim_output_dir(target, "duban-forms")
    written = []
    rule_set = load_rules() if rules is None else rules
    for item in records(items):
        wb = build_response_form(item, str(titles.get(item["task_id"], "")), demo=demo, now=now, rules=rule_set)
        written.append(atomic_write(target / response_form_name(str(item["id"]), str(item["unit"])),
                                    workbook_bytes(wb)))
    return written


# ------------------------------------------------------------------ reading
def parse_response(path: Path, data: bytes, wb: Any, meta: dict[str, str], ledger: Ledger, *,
                   demo_dir: bool, today: date) -> ParsedResponse:
    """Check one 整改反馈 form against the ledger's 督办事项; raise :class:`IngestRejected` listing every problem."""
    name = path.name
    demo = _check_form_kind(name, meta, demo_dir)
    item_id = (meta.get("period") or "").strip().upper()
    unit = (meta.get("unit") or "").strip()
    check, grid = _read_grid(name, data, wb, meta, item_id)
    number, values, _ = grid.rows[0]
    notes: list[str] = list(grid.file_notes) + list(grid.row_notes.get(number, []))
    task_id, issued_on = _check_against_item(check, ledger, item_id, unit, number, values)
    status = check.required_text(values, "整改状态", number, notes, "整改状态不能为空（请选择 已整改 或 整改中）", 20)
    if status is not None and status not in RESPONSE_STATUSES:
        check.error("不在可选范围内（应为 " + "、".join(RESPONSE_STATUSES) + " 之一）", row=number,
                    column="整改状态", value=status)
    text = check.required_text(values, "整改情况", number, notes, "整改情况不能为空（写明采取的措施、成效和佐证材料）")
    evidence = check.text(values, "佐证材料清单", number, notes)
    finish_by = _finish_by(check, values, number, issued_on)
    reporter = check.reporter(values, number, notes)
    when = check.report_date(values, number, today, earliest=issued_on,
                             too_early=f"早于督办下发日期 {issued_on}，请核对")
    phone = check.contact_phone(wb)
    if check.errors:
        raise IngestRejected(name, check.errors)
    assert status is not None and text is not None and reporter is not None and when is not None
    return ParsedResponse(path, data, hashlib.sha256(data).hexdigest(), path.suffix.lower().lstrip("."), item_id,
                          unit, task_id, status, text, reporter, when, demo, phone, list(dict.fromkeys(notes)),
                          evidence=evidence, finish_by=finish_by)


def _finish_by(check: Checker, values: list[Any], number: int, issued_on: date | None) -> str | None:
    """The 完成时限 as ISO text (blank: none given); a date, not before the item was issued."""
    raw = check.cell(values, "完成时限")
    if blank(raw):
        return None
    try:
        day = cell_date(raw)
    except ValueError as exc:
        check.error(str(exc), row=number, column="完成时限", value=raw)
        return None
    if issued_on is not None and day < issued_on:
        check.error(f"早于督办下发日期 {issued_on}，请核对", row=number, column="完成时限", value=day.isoformat())
        return None
    return day.isoformat()


def _check_form_kind(name: str, meta: dict[str, str], demo_dir: bool) -> bool:
    """Refuse a form of another version, or a demo form in a real folder and the other way round; demo or not."""
    if meta.get("form_version") != FORM_VERSION:
        raise file_error(name, f"表格版本“{meta.get('form_version')}”与当前版本“{FORM_VERSION}”不符，"
                               "请重新生成整改反馈表填报")
    demo = meta.get("demo") == "1"
    if demo_dir and not demo:
        raise file_error(name, "当前数据目录是示例数据目录，不能导入真实填报文件；请用 --data-dir 指定正式数据目录")
    if demo and not demo_dir:
        raise file_error(name, "是示例数据生成的演示表格，不能导入正式数据目录")
    return demo


def _read_grid(name: str, data: bytes, wb: Any, meta: dict[str, str], item_id: str) -> tuple[Checker, Grid]:
    """The form's sheet, its columns and the file name's 督办编号 checked, holding exactly one row."""
    grid = xlsx_grid(name, wb, RESPONSE_SHEET, meta, data, RESPONSE_COLUMNS)
    check = Checker(name, grid)
    check.require_columns(RESPONSE_COLUMNS)
    named = response_name_id(name)
    if named is not None and named != item_id:
        check.error(f"文件名写的是 {named}，但表格内记录的督办编号是 {item_id}（可能用了其他督办事项的表格），"
                    "请用对应的整改反馈表重新填报", sheet=None)
    if check.errors:
        raise IngestRejected(name, check.errors)
    if len(grid.rows) != 1:
        rows = "、".join(str(r[0]) for r in grid.rows)
        rule = f"只能有一行（本表第 {rows} 行都有内容），一份表只反馈一件督办事项" if grid.rows else "没有填报行"
        check.error(rule, row=grid.rows[1][0] if len(grid.rows) > 1 else 2)
        raise IngestRejected(name, check.errors)
    return check, grid


def _check_against_item(check: Checker, ledger: Ledger, item_id: str, unit: str, number: int,
                        values: list[Any]) -> tuple[str, date | None]:
    """The row's pre-filled columns against the ledger's 督办事项 (open, for this unit); its task and issue day."""
    found = ledger.query("SELECT id, task_id, unit, status, issued_on FROM duban WHERE id = ?", (item_id,),
                         ["id", "task_id", "unit", "status", "issued_on"])
    shown_id = re.sub(r"\s+", "", str(cell_text(check.cell(values, "督办编号")) or "")).upper()
    if shown_id != item_id:
        check.error(f"与表单记录的督办编号“{item_id}”不一致（预填列不得修改）", row=number, column="督办编号",
                    value=check.cell(values, "督办编号"))
    if found.empty:
        check.error(f"督办事项“{item_id}”不存在（不是本数据目录下发的督办事项，请核对数据目录）", row=number,
                    column="督办编号", value=item_id)
        return "", None
    item = records(found)[0]
    task_id, issued_on = str(item["task_id"]), date.fromisoformat(str(item["issued_on"]))
    if item["status"] == "closed":
        check.error(f"督办事项 {item_id} 已销号，不再接受整改反馈", row=number, column="督办编号", value=item_id)
    if item["unit"] != unit:
        check.error(f"督办对象是“{item['unit']}”，本表记录的填报单位是“{unit}”（可能用了其他单位的表格）",
                    row=number, column="督办对象", value=unit)
    shown_task = re.sub(r"\s+", "", str(cell_text(check.cell(values, "任务编号")) or "")).upper()
    if shown_task != task_id:
        check.error(f"与督办事项的任务编号“{task_id}”不一致（预填列不得修改）", row=number, column="任务编号",
                    value=check.cell(values, "任务编号"))
    return task_id, issued_on


# ------------------------------------------------------------------ recording
def record_response_file(ledger: Ledger, parsed: ParsedResponse, now: datetime | None = None) -> str:
    """Archive and record one form in one transaction; the caller holds ``ledger.lock()``.

    Returns ``accepted``, ``duplicate`` (these bytes are on record) or ``resaved`` (same content as
    the item's latest answer: archived and listed, no new answer). A closed or unknown item raises
    :class:`jj123lib.core.exceptions.LedgerError` and nothing is recorded.
    """
    known = ledger.query("SELECT sha256 FROM response_files WHERE sha256 = ?", (parsed.sha256,), ["sha256"])
    if not known.empty:
        return "duplicate"
    latest = ledger.query("SELECT f.content_sha256 FROM duban_responses r JOIN response_files f"
                          " ON f.sha256 = r.file_sha256 WHERE r.duban_id = ? ORDER BY r.id DESC LIMIT 1",
                          (parsed.duban_id,), ["content_sha256"])
    resaved = not latest.empty and latest["content_sha256"].iloc[0] == parsed.content_sha256
    stamp = china_now_iso(now)

    def write(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO response_files (sha256, filename, ext, duban_id, unit, size, demo, phone,"
                     " content_sha256, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (parsed.sha256, parsed.path.name, parsed.ext, parsed.duban_id, parsed.unit, len(parsed.data),
                      int(parsed.demo), parsed.phone, parsed.content_sha256, stamp))
        if not resaved:
            record_response(conn, parsed.duban_id, parsed.status, parsed.answer, f"{parsed.reporter}（{parsed.unit}）",
                            stamp, file_sha256=parsed.sha256)

    ledger.add_archived(parsed.sha256, parsed.ext, parsed.data, write)
    return "resaved" if resaved else "accepted"
