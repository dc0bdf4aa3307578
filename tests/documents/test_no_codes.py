"""No Word document carries a quarter code or a rule symbol: 督办 numbers are printed in words, the IDs stay
in the ledger. Every .docx the demo batch writes, and the year-end 通报 and the last quarter's 督办单 and
催报通知, are opened with python-docx, body, tables (nested), headers, footers and properties."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table

from jj123lib.annual.docx import annual_docx
from jj123lib.annual.review import annual_review
from jj123lib.documents.content import DocumentMaker, document_stamp
from jj123lib.documents.layout import docx_bytes
from jj123lib.documents.prose import plain
from jj123lib.loop.duban import duban_id, duban_number_text

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.run import BatchResult
    from jj123lib.demo.generate import DemoSummary

QUARTER_CODE = re.compile(r"\d{4}Q[1-4]")
RULE_SYMBOL = re.compile(r"[<>≤≥]|>=|<=|（>")


def _tables(tables: list[Table]) -> list[str]:
    out = []
    for grid in tables:
        for row in grid.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs] + _tables(cell.tables)
    return out


def every_text(doc: DocxDocument) -> list[str]:
    """Body, tables and nested tables, every header and footer, and the document's properties."""
    texts = [p.text for p in doc.paragraphs] + _tables(doc.tables)
    for section in doc.sections:
        for part in (section.header, section.footer, section.even_page_header, section.even_page_footer,
                     section.first_page_header, section.first_page_footer):
            texts += [p.text for p in part.paragraphs] + _tables(part.tables)
    props = doc.core_properties
    texts += [props.title or "", props.subject or "", props.keywords or "", props.comments or ""]
    return texts


def offending(doc: DocxDocument) -> list[str]:
    return [t for t in every_text(doc) if QUARTER_CODE.search(t) or RULE_SYMBOL.search(t)]


def test_a_duban_number_in_words() -> None:
    assert duban_id("2026Q3", 4) == "DB-2026Q3-004"
    assert duban_number_text("DB-2026Q3-004") == "2026年第三季度第4号"
    assert duban_number_text("DB-2027Q1-112") == "2027年第一季度第112号"
    assert duban_number_text("督办〔2026〕7号") == "督办〔2026〕7号"  # not an ID: as it is
    assert plain("DB-2026Q2-003 销号后再次触发（2026Q3）") == "2026年第二季度第3号 销号后再次触发（2026年第三季度）"
    number, _, _ = document_stamp("duban", "2026Q3", item=("DB-2026Q3-004", date(2026, 10, 1)), rules={})
    assert number == "督办编号：2026年第三季度第4号"


def test_no_quarter_code_or_rule_symbol_in_any_word_document(demo_batch: BatchResult,
                                                             demo_data: DemoSummary) -> None:
    written = sorted(Path(demo_batch.out_dir).glob("*.docx"))
    slips = [p for p in written if p.name.startswith("DB-")]
    assert {"bulletin.docx", "cuibao.docx"} <= {p.name for p in written} and slips
    docs = {p.name: Document(str(p)) for p in written}
    review = annual_review(2026, demo_data.data_dir, as_of=date(2027, 3, 31))
    docs["annual"] = Document(BytesIO(annual_docx(review, demo=True, issue_date=date(2027, 3, 31))))
    year_end = DocumentMaker("2026Q4", demo_data.data_dir, as_of=date(2027, 1, 20), demo=True)
    docs["2026Q4 bulletin"] = year_end.build("bulletin")
    docs["2026Q4 cuibao"] = year_end.build("cuibao")
    for item in year_end.items["id"]:
        docs[f"2026Q4 {item}"] = year_end.build("duban", str(item))
    assert any(name.startswith("2026Q4 DB-") for name in docs)
    for name, doc in docs.items():
        assert not offending(doc), (name, offending(doc)[:3])
    # The slip and its 回执 carry the number in words: the unit can quote it back.
    slip = Document(str(slips[0]))
    words = duban_number_text(slips[0].stem)
    assert sum(f"督办编号：{words}" in t for t in every_text(slip)) == 2, words


def test_the_check_sees_a_code_anywhere(tmp_path: Path) -> None:
    """The scan is not vacuous: a code in a nested table cell, a footer or the title property is found."""
    doc = Document()
    doc.add_paragraph("正文")
    outer = doc.add_table(rows=1, cols=1)
    outer.cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "DB-2026Q3-004"
    assert offending(doc) == ["DB-2026Q3-004"]
    doc = Document()
    doc.sections[0].footer.paragraphs[0].text = "落后 35 个百分点（>30）"
    assert offending(doc)
    doc = Document()
    doc.core_properties.title = "2026Q3 督查通报"
    assert offending(Document(BytesIO(docx_bytes(doc))))
