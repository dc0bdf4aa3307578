"""The GB/T 9704-2012 parts every 公文 here closes with: 附件说明, 附件 pages, 版记, and the contact line.

Built on :mod:`jj123lib.documents.layout`: :func:`attachment_note` (the one line under the 正文 that
lists the 附件), :func:`attachment` (a 附件 starting on its own page: ``附件1`` in 黑体 top left, its
title centred), :func:`imprint` (版记: 抄送 and 印发机关和印发日期 between a thick rule above and below and
a thin one between them, 四号 仿宋) and :func:`contact_text` (the office's 联系人 and 电话).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from jj123lib.documents.layout import (
    FONT_BODY,
    FONT_H1,
    FONT_TITLE,
    SIZE_BODY,
    SIZE_TITLE,
    TEXT_WIDTH_MM,
    DocMeta,
    Fonts,
    Office,
    chinese_date,
    keep_with_next,
    last_block_keeps_with_next,
    paragraph,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

__all__ = ["contact_text", "attachment_note", "attachment", "imprint", "SIZE_IMPRINT"]

SIZE_IMPRINT = Pt(14)  # 四号
# Rule widths in eighths of a point: 0.35 mm ≈ 1 pt, 0.25 mm ≈ 0.75 pt.
_THICK, _THIN = "8", "6"
_PBDR_AFTER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def contact_text(office: Office) -> str:
    """``联系人：…，联系电话：…。``; a value the rules leave blank is a visible gap saying where to fill it in."""
    from jj123lib.domain.contact import OfficeContact

    return OfficeContact(office.contact, office.phone).sentence()


def attachment_note(doc: DocxDocument, names: Sequence[str]) -> None:
    """附件说明: an empty line, then ``附件：1. …`` two characters in, the later items aligned under the first."""
    if not names:
        return
    last_block_keeps_with_next(doc)  # the 正文's last lines go with the 附件说明 and the 署名
    keep_with_next(paragraph(doc))
    for number, name in enumerate(names, start=1):
        label = f"{number}. {name}" if len(names) > 1 else name
        line = paragraph(doc, f"附件：{label}" if number == 1 else label)
        fmt = line.paragraph_format
        fmt.left_indent = Pt(SIZE_BODY.pt * (2 if number == 1 else 5))  # under the 1. of the first line
        keep_with_next(line)


def attachment(doc: DocxDocument, number: int | None, heading: str) -> None:
    """A 附件's first page: a page break, ``附件N`` in 黑体 top left, its title centred, an empty line."""
    from jj123lib.documents.titles import title_lines

    start = paragraph(doc, f"附件{'' if number is None else number}", Fonts(FONT_H1, SIZE_BODY))
    start.paragraph_format.page_break_before = True
    head = paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    lines = title_lines(heading)
    for index, line in enumerate(lines, start=1):
        run = head.add_run(line)
        run.font.size = SIZE_TITLE
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_TITLE)
        if index < len(lines):
            run.add_break(WD_BREAK.LINE)
    keep_with_next(start, head, paragraph(doc))


def _border(target: Paragraph, **sides: str) -> None:
    borders = OxmlElement("w:pBdr")
    for side in ("top", "bottom"):
        if side in sides:
            edge = OxmlElement(f"w:{side}")
            for key, value in (("w:val", "single"), ("w:sz", sides[side]), ("w:space", "1"),
                               ("w:color", "000000")):
                edge.set(qn(key), value)
            borders.append(edge)
    target._p.get_or_add_pPr().insert_element_before(borders, *_PBDR_AFTER)


def imprint(doc: DocxDocument, meta: DocMeta, cc: Sequence[str] = ()) -> None:
    """版记 at the end of the document: 抄送 (``cc``, else the rules' list) and 印发机关和印发日期.

    A thick rule above the first line and below the last, a thin one between them; 四号 仿宋, one
    character in on each side; the two lines stay together.
    """
    fonts = Fonts(FONT_BODY, SIZE_IMPRINT)
    copies = list(cc) or list(meta.office.cc)
    lines = []
    if copies:
        lines.append(paragraph(doc, f"抄送：{'，'.join(copies)}。", fonts))
    printed = paragraph(doc, meta.office.printer or meta.issuer, fonts)
    printed.add_run("\t")
    dated = printed.add_run(f"{chinese_date(meta.issue_date)}印发")
    dated.font.size = SIZE_IMPRINT
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(SIZE_IMPRINT.pt * 2),
                                                   WD_TAB_ALIGNMENT.RIGHT)
    lines.append(printed)
    for line in lines:
        fmt = line.paragraph_format
        fmt.left_indent = fmt.right_indent = Pt(SIZE_IMPRINT.pt)
    if len(lines) == 2:
        _border(lines[0], top=_THICK, bottom=_THIN)
        _border(lines[1], bottom=_THICK)
        keep_with_next(lines[0])
    else:
        _border(lines[0], top=_THICK, bottom=_THICK)
