"""Word documents (.docx) laid out after the 公文 standard GB/T 9704-2012, built with python-docx.

Three documents from plain data, so they can be fed from the report view-models later:
督查通报 (:class:`Bulletin`), 督办单 (:class:`DubanItem`, one document per item) and
催报通知 (:class:`CuibaoEntry` list). Geometry: A4, top margin 37 mm, binding (left) margin
28 mm, text block 156 × 225 mm; 22 lines a page from exact line spacing on a ``w:docGrid`` line grid
(linePitch), 28 characters a line from a −0.25 pt tracking of the 16 pt body (28 × 15.75 pt fits the
156 mm line; charSpace gives the same pitch should the office switch Word to a character grid).
Fonts are named as Windows/WPS know them and set as East Asian fonts; LibreOffice substitutes
Noto CJK where they are missing.

Every piece of submitted text goes into runs as text (``run.text``), never into a field: the only
fields are our own PAGE numbers in the footers.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from jj123lib.core.atomic import atomic_write
from jj123lib.domain.quarters import CHINESE_NUMERALS

__all__ = ["DocMeta", "LeagueEntry", "Bulletin", "DubanItem", "CuibaoEntry", "CuibaoTask", "build_bulletin",
           "build_duban", "build_cuibao", "docx_bytes", "save_docx", "chinese_date", "DEMO_MARK", "FONT_TITLE",
           "FONT_BODY", "FONT_H1", "FONT_H2", "LINES_PER_PAGE", "CHARS_PER_LINE"]

# Font names as the office's Windows and WPS machines know them.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
ASCII_FONT = "Times New Roman"

SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_PAGE_NUMBER = Pt(14)  # 四号
SIZE_TABLE = Pt(12)  # 小四: tables hold more than a line of 28 characters

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
TEXT_WIDTH_MM = 156.0
TEXT_HEIGHT_MM = 225.0
TOP_MM, LEFT_MM = 37.0, 28.0
_TWIPS_PER_MM = 1440 / 25.4
# Line pitch so that 22 lines fill the 225 mm block (Word rounds the grid to whole twips: 579 → 28.95 pt).
LINE_PITCH_TWIPS = int(TEXT_HEIGHT_MM * _TWIPS_PER_MM / LINES_PER_PAGE)
# docGrid charSpace: the character pitch minus the default font size, in 1/4096 pt (ECMA-376 17.6.5).
CHAR_SPACE = round((TEXT_WIDTH_MM * 72 / 25.4 / CHARS_PER_LINE - SIZE_BODY.pt) * 4096)

GLYPH_TRACKING_TWENTIETHS = -5  # −0.25 pt of character spacing, in twentieths of a point
DEMO_MARK = "示例数据（演示用，非真实进展）"
RED = RGBColor(0xC0, 0x00, 0x00)
# Characters XML 1.0 cannot hold (C0 controls but tab, newline, carriage return; U+FFFE/U+FFFF).
# Schema order of pPr children and of the rPr children after w:spacing (Word refuses out-of-order XML).
_PPR_SEQ = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
            "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
            "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
            "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
            "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
            "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                      "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                      "w:specVanish", "w:oMath")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class DocMeta:
    """What heads and signs every document: 文号, 签发 date, issuing office, demo mark."""

    doc_number: str
    issue_date: date
    issuer: str = "晋江市人民政府督查室"
    demo: bool = False


@dataclass(frozen=True)
class LeagueEntry:
    """One unit's line in the 红黄榜 (see :func:`jj123lib.assess.unit_league.unit_league`)."""

    group_label: str
    rank: int | None
    unit: str
    score: float | None
    n_tasks: int
    done: int
    red: int
    missing: int
    board: str  # "红榜", "黄榜" or ""
    board_reason: str = ""


@dataclass(frozen=True)
class Bulletin:
    """A quarter's 督查通报: paragraphs of each section and the units' league."""

    title: str
    recipients: str
    overview: Sequence[str]
    league: Sequence[LeagueEntry]
    problems: Sequence[str]
    requirements: Sequence[str]


@dataclass(frozen=True)
class DubanItem:
    """One 督办事项 as the 督办单 shows it."""

    number: str
    level: str
    unit: str
    task_id: str
    task_title: str
    leader: str
    problem: str
    requirement: str
    due_date: date


@dataclass(frozen=True)
class CuibaoTask:
    """A task whose report is overdue."""

    task_id: str
    title: str


@dataclass(frozen=True)
class CuibaoEntry:
    """An overdue unit, its unreported tasks and how many days it is late."""

    unit: str
    tasks: Sequence[CuibaoTask]
    days_overdue: int
    contact: str = ""
    phone: str = ""


@dataclass
class _Fonts:
    east_asia: str
    size: Pt
    bold: bool = False
    ascii: str = ASCII_FONT
    color: RGBColor | None = None


def chinese_date(day: date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: ``2026年10月15日`` (Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _clean(text: object) -> str:
    """Unit text as a run can hold it: XML-illegal control characters dropped, nothing else changed."""
    return _XML_ILLEGAL.sub("", "" if text is None else str(text))


def _set_fonts(rpr: CT_RPr, fonts: _Fonts) -> None:
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), fonts.ascii)
    rfonts.set(qn("w:eastAsia"), fonts.east_asia)


def _run(paragraph: Paragraph, text: object, fonts: _Fonts) -> Run:
    run = paragraph.add_run(_clean(text))  # text, never a field
    run.font.size = fonts.size
    run.font.bold = fonts.bold
    run.font.name = fonts.ascii
    if fonts.color is not None:
        run.font.color.rgb = fonts.color
    _set_fonts(run._r.get_or_add_rPr(), fonts)
    return run


def _paragraph(container: DocxDocument | BlockItemContainer, text: object = "", fonts: _Fonts | None = None, *,
               align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, exact: bool = True) -> Paragraph:
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Pt(SIZE_BODY.pt * 2)  # 首行缩进二字
    if not exact:
        fmt.line_spacing = 1.0
        fmt.space_before = fmt.space_after = Pt(0)
    if text != "":
        _run(paragraph, text, fonts or _Fonts(FONT_BODY, SIZE_BODY))
    return paragraph


def _page_number_paragraph(footer_paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH, indent_side: str) -> None:
    """``— N —`` with N a PAGE field (our only field), 四号 宋体, one character in from the edge."""
    fonts = _Fonts(FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    footer_paragraph.paragraph_format.alignment = align
    setattr(footer_paragraph.paragraph_format, f"{indent_side}_indent", SIZE_PAGE_NUMBER)

    def field_char(kind: str) -> None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        _run(footer_paragraph, "", fonts)._r.append(char)

    _run(footer_paragraph, "— ", fonts)
    field_char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    _run(footer_paragraph, "", fonts)._r.append(instruction)
    field_char("separate")
    _run(footer_paragraph, "1", fonts)  # shown until the reader updates the field
    field_char("end")
    _run(footer_paragraph, " —", fonts)


def _new_document(meta: DocMeta) -> DocxDocument:
    """An empty document with the GB/T 9704 page, grid, styles, footers and (for demo data) the mark."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(TOP_MM), Mm(LEFT_MM)
    section.right_margin = Mm(210 - LEFT_MM - TEXT_WIDTH_MM)
    section.bottom_margin = Mm(297 - TOP_MM - TEXT_HEIGHT_MM)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    # A line grid: LibreOffice lays a character grid out with gaps where Word does not (measured); 28
    # characters a line come from the tracking below, and charSpace stays for an office switching to it.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))

    normal = doc.styles["Normal"]
    normal.font.size = SIZE_BODY
    normal.font.name = ASCII_FONT
    normal_rpr = normal.element.get_or_add_rPr()
    _set_fonts(normal_rpr, _Fonts(FONT_BODY, SIZE_BODY))
    # 16 pt glyphs 0.25 pt closer: 28 of them fit the 156 mm line (16 pt each would give 27).
    tracking = OxmlElement("w:spacing")
    tracking.set(qn("w:val"), str(GLYPH_TRACKING_TWENTIETHS))
    normal_rpr.insert_element_before(tracking, *_RPR_AFTER_SPACING)
    spacing = normal.paragraph_format
    spacing.line_spacing = Twips(LINE_PITCH_TWIPS)  # exact: 22 lines a page whatever the font
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.widow_control = False  # a widow rule would move lines and break the 22-line grid
    # The document's default font size is the grid's reference size.
    default_rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if isinstance(default_rpr, CT_RPr):
        default_rpr.get_or_add_sz().val = SIZE_BODY

    doc.settings.odd_and_even_pages_header_footer = True  # 公文 page numbers: odd right, even left
    _page_number_paragraph(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _page_number_paragraph(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, "left")
    if meta.demo:
        for header in (section.header, section.even_page_header):
            _run(header.paragraphs[0], DEMO_MARK, _Fonts(FONT_H1, Pt(12), color=RED))
            header.paragraphs[0].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _paragraph(doc, f"【{DEMO_MARK}】", _Fonts(FONT_H1, SIZE_BODY, color=RED), align=WD_ALIGN_PARAGRAPH.CENTER)
    return doc


def _masthead(doc: DocxDocument, meta: DocMeta) -> None:
    """版头: issuing office in red, 文号 centred, a red rule beneath."""
    _paragraph(doc, meta.issuer, _Fonts(FONT_TITLE, Pt(26), color=RED), align=WD_ALIGN_PARAGRAPH.CENTER)
    number = _paragraph(doc, meta.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    number._p.get_or_add_pPr().insert_element_before(border, *_PPR_SEQ[_PPR_SEQ.index("w:pBdr") + 1:])
    _paragraph(doc)


def _title(doc: DocxDocument, text: str) -> None:
    _paragraph(doc, text, _Fonts(FONT_TITLE, SIZE_TITLE), align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc)


def _heading1(doc: DocxDocument, text: str) -> None:
    _paragraph(doc, text, _Fonts(FONT_H1, SIZE_BODY), indent=True)


def _heading2(doc: DocxDocument, text: str) -> None:
    _paragraph(doc, text, _Fonts(FONT_H2, SIZE_BODY), indent=True)


def _body(doc: DocxDocument, text: object) -> None:
    _paragraph(doc, text, indent=True)


def _signature(doc: DocxDocument, meta: DocMeta, *, gap: bool = True) -> None:
    if gap:
        _paragraph(doc)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    issuer = _paragraph(doc, meta.issuer, align=right)
    issuer.paragraph_format.right_indent = Pt(SIZE_BODY.pt * 4)
    dated = _paragraph(doc, chinese_date(meta.issue_date), align=right)
    dated.paragraph_format.right_indent = Pt(SIZE_BODY.pt * 4)  # 成文日期右空四字


def _table(doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[object]],
           widths_mm: Sequence[float] | None = None, *, gap: bool = True) -> Table:
    """A grid table whose rows never split across pages and whose header row repeats on each page."""
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_fonts = _Fonts(FONT_BODY, SIZE_TABLE)
    head_fonts = _Fonts(FONT_H1, SIZE_TABLE)
    for index, text in enumerate(header):
        _table_cell(table.rows[0].cells[index], text, head_fonts)
    for row_cells, values in zip(table.rows[1:], rows):
        cells = row_cells.cells
        for index, value in enumerate(values):
            _table_cell(cells[index], value, cell_fonts)
    for position, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if position == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
    if widths_mm is not None:  # on the grid and on each cell: LibreOffice reads the one, Word the other
        table.autofit = False
        for column, width in zip(table.columns, widths_mm):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm):
                cell.width = Mm(width)
    if gap:
        _paragraph(doc)
    return table


def _table_cell(cell: _Cell, value: object, fonts: _Fonts) -> None:
    paragraph = cell.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.line_spacing = 1.0
    fmt.first_line_indent = Pt(0)
    snap = OxmlElement("w:snapToGrid")  # table text keeps its own size, off the page's line grid
    snap.set(qn("w:val"), "0")
    paragraph._p.get_or_add_pPr().insert_element_before(snap, *_PPR_SEQ[_PPR_SEQ.index("w:snapToGrid") + 1:])
    _run(paragraph, "—" if value is None else value, fonts)


def _league_rows(entries: Sequence[LeagueEntry]) -> list[list[object]]:
    return [["—" if e.rank is None else e.rank, e.unit, "—" if e.score is None else f"{e.score:g}", e.n_tasks,
             e.done, e.red, e.missing, e.board or "—"] for e in entries]


def build_bulletin(bulletin: Bulletin, meta: DocMeta) -> DocxDocument:
    """The 督查通报: masthead, title, 总体情况, 红黄榜 by group, 存在问题, 下步工作要求, signature."""
    doc = _new_document(meta)
    _masthead(doc, meta)
    _title(doc, bulletin.title)
    _paragraph(doc, f"{bulletin.recipients}：")
    _heading1(doc, "一、总体情况")
    for text in bulletin.overview:
        _body(doc, text)
    _heading1(doc, "二、红黄榜")
    groups = list(dict.fromkeys(e.group_label for e in bulletin.league))
    numerals = CHINESE_NUMERALS
    for index, group in enumerate(groups):
        entries = [e for e in bulletin.league if e.group_label == group]
        _heading2(doc, f"（{numerals[index % 10]}）{group}")
        for board in ("红榜", "黄榜"):
            named = [e for e in entries if e.board == board]
            listed = "；".join(f"{e.unit}（{e.board_reason}）" if e.board_reason else e.unit for e in named)
            _body(doc, f"{board}：{listed or '无'}。")
        _table(doc, ["名次", "责任单位", "得分", "承担任务", "已完成", "红灯", "未报送", "榜单"],
               _league_rows(entries), [14, 46, 16, 18, 16, 14, 16, 16])
    _heading1(doc, "三、存在问题")
    for text in bulletin.problems:
        _body(doc, text)
    _heading1(doc, "四、下步工作要求")
    for text in bulletin.requirements:
        _body(doc, text)
    _signature(doc, meta)
    return doc


def build_duban(item: DubanItem, meta: DocMeta) -> DocxDocument:
    """One 督办单: the item's particulars in a table, then the reply block for the unit."""
    doc = _new_document(meta)
    _masthead(doc, meta)
    _title(doc, "督 办 单")
    _table(doc, ["项目", "内容"], [
        ["督办编号", item.number], ["督办等级", item.level], ["责任单位", item.unit],
        ["任务", f"{item.task_id} {item.task_title}"], ["牵头市领导", item.leader], ["存在问题", item.problem],
        ["督办要求", item.requirement], ["办结时限", chinese_date(item.due_date)],
    ], [36, 120])
    _heading1(doc, "办理情况反馈")
    _body(doc, f"请{item.unit}于{chinese_date(item.due_date)}前将办理情况书面反馈{meta.issuer}。")
    _table(doc, ["反馈事项", "填写内容"], [
        ["办理情况", ""], ["未办结原因及计划", ""], ["单位负责人（签字）", ""], ["联系人及电话", ""],
        ["反馈日期", "    年  月  日"],
    ], [44, 112], gap=False)
    _signature(doc, meta, gap=False)  # a 督办单 is one page, demo mark included
    return doc


def build_cuibao(entries: Sequence[CuibaoEntry], meta: DocMeta, quarter_label: str, deadline: date) -> DocxDocument:
    """The 催报通知: the overdue units, their unreported tasks and days overdue, and a new deadline."""
    doc = _new_document(meta)
    _masthead(doc, meta)
    _title(doc, f"关于催报{quarter_label}“123”争先进位工作进展的通知")
    _paragraph(doc, "各有关责任单位：")
    _body(doc, f"截至{chinese_date(meta.issue_date)}，以下单位尚未报送{quarter_label}工作进展。"
               f"请于{chinese_date(deadline)}前补报；逾期仍未报送的，在督查通报中列入黄榜。")
    rows: list[list[object]] = []
    for number, entry in enumerate(entries, start=1):
        tasks = "；".join(f"{t.task_id} {t.title}" for t in entry.tasks)
        contact = " ".join(part for part in (entry.contact, entry.phone) if part) or "—"
        rows.append([number, entry.unit, tasks, f"{entry.days_overdue} 天", contact])
    _table(doc, ["序号", "责任单位", "未报送任务", "逾期", "联系人"], rows, [12, 36, 70, 16, 22])
    _signature(doc, meta)
    return doc


def docx_bytes(doc: DocxDocument) -> bytes:
    """The document as .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def save_docx(doc: DocxDocument, path: str | os.PathLike[str]) -> Path:
    """Write the document atomically (a reader never sees half a .docx)."""
    return atomic_write(path, docx_bytes(doc))
