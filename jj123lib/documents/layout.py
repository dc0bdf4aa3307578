"""The 公文 layout toolkit: Word documents (.docx) after GB/T 9704-2012, built with python-docx.

The page, grid, styles and the blocks every 公文 is made of: :func:`new_document`, :func:`masthead`,
:func:`title`, :func:`heading1`, :func:`heading2`, :func:`body`, :func:`paragraph`, :func:`table` and
:func:`signature`. The documents built with it live beside it: :mod:`~jj123lib.documents.bulletin` (督查通报),
:mod:`~jj123lib.documents.duban` (督办单), :mod:`~jj123lib.documents.cuibao` (催报通知) and the year-end
:mod:`jj123lib.annual.docx` (年度考评通报). Geometry: A4, top margin 37 mm, binding (left) margin
28 mm, text block 156 × 225 mm; 22 lines a page from exact line spacing on a ``w:docGrid`` line grid
(linePitch), 28 characters a line from a −0.25 pt tracking of the 16 pt body (28 × 15.75 pt fits the
156 mm line; charSpace gives the same pitch should the office switch Word to a character grid).
Fonts are named as Windows/WPS know them and set as East Asian fonts, with serif stand-ins in the
font table (:data:`FONT_FALLBACKS`) and, for LibreOffice, in ``scripts/fonts/65-jj123-gb-fonts.conf``; the
text is tagged zh-CN so a stand-in shows Chinese glyph forms.

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

__all__ = ["DocMeta", "Office", "Fonts", "new_document", "masthead", "title", "heading1", "heading2", "body",
           "paragraph", "table", "signature", "docx_bytes", "save_docx", "chinese_date", "DEMO_MARK", "FONT_TITLE",
           "FONT_BODY", "FONT_H1", "FONT_H2", "FONT_FALLBACKS", "LINES_PER_PAGE", "CHARS_PER_LINE", "keep_with_next",
           "last_block_keeps_with_next"]

# Font names as the office's Windows and WPS machines know them.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
ASCII_FONT = "Times New Roman"
# Each named font's stand-ins, best first, in the document's font table: Word and WPS read ``w:altName``
# (the Windows face) and the serif/sans family; on Linux, scripts/fonts/65-jj123-gb-fonts.conf gives
# fontconfig the free faces (Noto Serif CJK SC, AR PL UKai), so nothing falls back to a Japanese sans.
FONT_FALLBACKS: dict[str, tuple[str, tuple[str, ...]]] = {  # name → (family, stand-ins)
    FONT_BODY: ("roman", ("仿宋", "FangSong", "Noto Serif CJK SC", "AR PL UMing CN")),
    FONT_TITLE: ("roman", ("宋体", "SimSun", "Noto Serif CJK SC", "AR PL UMing CN")),
    FONT_H2: ("roman", ("楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC")),
    FONT_H1: ("swiss", ("SimHei", "Noto Sans CJK SC")),
    FONT_PAGE_NUMBER: ("roman", ("SimSun", "Noto Serif CJK SC", "AR PL UMing CN")),
}

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
class Office:
    """What closes every document: the office's contact, 报送方式, 抄送, 印发机关 and 附注 (``documents:``)."""

    contact: str = ""  # blank: a gap left to fill in by hand
    phone: str = ""
    submit_by: str = ""
    cc: tuple[str, ...] = ()
    printer: str = ""  # 印发机关; blank: the issuer
    note: str = ""  # 附注, printed in parentheses under the date


@dataclass(frozen=True)
class DocMeta:
    """What heads and signs every document: 文号, 签发 date, issuing office, demo mark, the office's details."""

    doc_number: str
    issue_date: date
    issuer: str = "晋江市人民政府督查室"
    demo: bool = False
    office: Office = Office()


@dataclass
class Fonts:
    """A run's fonts: the East Asian font and size, bold, the Western font and colour."""

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


def _set_fonts(rpr: CT_RPr, fonts: Fonts) -> None:
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), fonts.ascii)
    rfonts.set(qn("w:eastAsia"), fonts.east_asia)


def _run(paragraph: Paragraph, text: object, fonts: Fonts) -> Run:
    run = paragraph.add_run(_clean(text))  # text, never a field
    run.font.size = fonts.size
    run.font.bold = fonts.bold
    run.font.name = fonts.ascii
    if fonts.color is not None:
        run.font.color.rgb = fonts.color
    _set_fonts(run._r.get_or_add_rPr(), fonts)
    return run


def paragraph(container: DocxDocument | BlockItemContainer, text: object = "", fonts: Fonts | None = None, *,
              align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, exact: bool = True) -> Paragraph:
    """A paragraph of ``text`` (body fonts unless given); ``indent`` 首行缩进二字, ``exact=False`` off the grid."""
    added = container.add_paragraph()
    fmt = added.paragraph_format
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Pt(SIZE_BODY.pt * 2)  # 首行缩进二字
    if not exact:
        fmt.line_spacing = 1.0
        fmt.space_before = fmt.space_after = Pt(0)
    if text != "":
        _run(added, text, fonts or Fonts(FONT_BODY, SIZE_BODY))
    return added


def _page_number_paragraph(footer_paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH, indent_side: str) -> None:
    """``— N —`` with N a PAGE field (our only field), 四号 宋体, one character in from the edge."""
    fonts = Fonts(FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
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


def _declare_fonts(doc: DocxDocument) -> None:
    """Each named font in the font table with its first stand-in, family, GB2312 charset and pitch."""
    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    from docx.oxml import parse_xml

    table = parse_xml(part.blob)
    for name, (family, stand_ins) in FONT_FALLBACKS.items():
        for old in table.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                table.remove(old)
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", stand_ins[0]), ("w:charset", "86"), ("w:family", family),
                           ("w:pitch", "variable")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        table.append(font)
    from docx.opc.oxml import serialize_part_xml

    part._blob = serialize_part_xml(table)


def keep_with_next(*paragraphs: Paragraph) -> None:
    """Keep each paragraph on the page of the one after it (GB/T 9704: 署名 never alone on a page)."""
    for each in paragraphs:
        each.paragraph_format.keep_with_next = True


def last_block_keeps_with_next(doc: DocxDocument) -> None:
    """The body's last paragraph, or every paragraph of its last table row, kept with what follows."""
    body_element = doc.element.body
    blocks = [child for child in body_element if child.tag in (qn("w:p"), qn("w:tbl"))]
    if not blocks:
        return
    last = blocks[-1]
    if last.tag == qn("w:p"):
        keep_with_next(Paragraph(last, doc._body))
        return
    grid = Table(last, doc._body)
    for row in grid.rows[-1:]:
        for cell in row.cells:
            keep_with_next(*cell.paragraphs)


def new_document(meta: DocMeta) -> DocxDocument:
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
    _set_fonts(normal_rpr, Fonts(FONT_BODY, SIZE_BODY))
    # 16 pt glyphs 0.25 pt closer: 28 of them fit the 156 mm line (16 pt each would give 27).
    tracking = OxmlElement("w:spacing")
    tracking.set(qn("w:val"), str(GLYPH_TRACKING_TWENTIETHS))
    normal_rpr.insert_element_before(tracking, *_RPR_AFTER_SPACING)
    # Simplified Chinese: a missing font's stand-in gets Chinese glyph forms, not Japanese ones.
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal_rpr.insert_element_before(lang, *_RPR_AFTER_SPACING[_RPR_AFTER_SPACING.index("w:lang") + 1:])
    _declare_fonts(doc)
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
            _run(header.paragraphs[0], DEMO_MARK, Fonts(FONT_H1, Pt(12), color=RED))
            header.paragraphs[0].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph(doc, f"【{DEMO_MARK}】", Fonts(FONT_H1, SIZE_BODY, color=RED), align=WD_ALIGN_PARAGRAPH.CENTER)
    return doc


def masthead(doc: DocxDocument, meta: DocMeta) -> None:
    """版头: issuing office in red, 文号 centred, a red rule beneath."""
    paragraph(doc, meta.issuer, Fonts(FONT_TITLE, Pt(26), color=RED), align=WD_ALIGN_PARAGRAPH.CENTER)
    number = paragraph(doc, meta.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    number._p.get_or_add_pPr().insert_element_before(border, *_PPR_SEQ[_PPR_SEQ.index("w:pBdr") + 1:])
    paragraph(doc)


def title(doc: DocxDocument, text: str) -> None:
    """The document's title: 二号 小标宋, centred, lines broken between words, an empty line beneath."""
    from jj123lib.documents.titles import title_lines

    fonts = Fonts(FONT_TITLE, SIZE_TITLE)
    head = paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    lines = title_lines(text)
    for number, line in enumerate(lines, start=1):
        run = _run(head, line, fonts)
        if number < len(lines):
            run.add_break()  # our break, between two words
    keep_with_next(head, paragraph(doc))


def heading1(doc: DocxDocument, text: str) -> None:
    """A first-level heading (``一、``): 黑体, indented two characters."""
    paragraph(doc, text, Fonts(FONT_H1, SIZE_BODY), indent=True)


def heading2(doc: DocxDocument, text: str) -> None:
    """A second-level heading (``（一）``): 楷体, indented two characters."""
    paragraph(doc, text, Fonts(FONT_H2, SIZE_BODY), indent=True)


def body(doc: DocxDocument, text: object) -> None:
    """A body paragraph: 仿宋 三号, indented two characters."""
    paragraph(doc, text, indent=True)


def signature(doc: DocxDocument, meta: DocMeta, *, gap: bool = True) -> None:
    """The issuing office and 成文日期, right-aligned four characters in (after an empty line if ``gap``),
    kept on the page of the text above them; the 附注 under them when the rules set one."""
    last_block_keeps_with_next(doc)
    if gap:
        keep_with_next(paragraph(doc))
    right = WD_ALIGN_PARAGRAPH.RIGHT
    issuer = paragraph(doc, meta.issuer, align=right)
    issuer.paragraph_format.right_indent = Pt(SIZE_BODY.pt * 4)
    dated = paragraph(doc, chinese_date(meta.issue_date), align=right)
    dated.paragraph_format.right_indent = Pt(SIZE_BODY.pt * 4)  # 成文日期右空四字
    keep_with_next(issuer)
    if meta.office.note:
        keep_with_next(dated)
        note = meta.office.note
        paragraph(doc, note if note.startswith("（") else f"（{note}）", indent=True)


def table(doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[object]],
           widths_mm: Sequence[float] | None = None, *, gap: bool = True) -> Table:
    """A grid table whose rows never split across pages and whose header row repeats on each page."""
    grid: Table = doc.add_table(rows=1 + len(rows), cols=len(header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_fonts = Fonts(FONT_BODY, SIZE_TABLE)
    head_fonts = Fonts(FONT_H1, SIZE_TABLE)
    for index, text in enumerate(header):
        _table_cell(grid.rows[0].cells[index], text, head_fonts)
    for row_cells, values in zip(grid.rows[1:], rows):
        cells = row_cells.cells
        for index, value in enumerate(values):
            _table_cell(cells[index], value, cell_fonts)
    for position, row in enumerate(grid.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if position == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
    if widths_mm is not None:  # on the grid and on each cell: LibreOffice reads the one, Word the other
        grid.autofit = False
        for column, width in zip(grid.columns, widths_mm):
            column.width = Mm(width)
        for row in grid.rows:
            for cell, width in zip(row.cells, widths_mm):
                cell.width = Mm(width)
    if gap:
        paragraph(doc)
    return grid


def _table_cell(cell: _Cell, value: object, fonts: Fonts) -> None:
    paragraph = cell.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.line_spacing = 1.0
    fmt.first_line_indent = Pt(0)
    snap = OxmlElement("w:snapToGrid")  # table text keeps its own size, off the page's line grid
    snap.set(qn("w:val"), "0")
    paragraph._p.get_or_add_pPr().insert_element_before(snap, *_PPR_SEQ[_PPR_SEQ.index("w:snapToGrid") + 1:])
    _run(paragraph, "—" if value is None else value, fonts)


def docx_bytes(doc: DocxDocument) -> bytes:
    """The document as .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def save_docx(doc: DocxDocument, path: str | os.PathLike[str]) -> Path:
    """Write the document atomically (a reader never sees half a .docx)."""
    return atomic_write(path, docx_bytes(doc))
