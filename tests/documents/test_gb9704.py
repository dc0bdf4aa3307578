"""GB/T 9704 in full in every document: 版记, 附件说明 and 附件, titles broken between words, 署名 kept with the
text, the 督办单's 回执 on its own page, 主送 from the unit groups, the office's contact, plain words and serif
stand-ins for the GB fonts (python-docx on the .docx; LibreOffice, pypdf and pdffonts on the PDF)."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from jj123lib.annual.docx import annual_docx, annual_title
from jj123lib.annual.review import annual_review
from jj123lib.documents.bulletin import Bulletin, LeagueEntry, attachment_names
from jj123lib.documents.content import DocumentMaker
from jj123lib.documents.cuibao import cuibao_title
from jj123lib.documents.duban import CUT_LINE, RECEIPT_TITLE, SLIP_TITLE
from jj123lib.documents.layout import FONT_BODY, FONT_FALLBACKS, docx_bytes
from jj123lib.documents.prose import addressees, bulletin_title
from jj123lib.documents.titles import TITLE_CHARS, text_width, title_lines, words
from jj123lib.domain.quarters import quarter_label
from jj123lib.domain.rules import load_rules
from jj123lib.domain.units import UnitInfo
from tests.late_form import demo_copy

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

ROOT = Path(__file__).resolve().parents[2]
FONTS_CONF = ROOT / "scripts" / "fonts" / "65-jj123-gb-fonts.conf"
AS_OF = date(2026, 10, 20)
CONTACT = "联系人：王督查，联系电话：0595-85600001。"
QUARTERS = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def office_rules() -> dict[str, Any]:
    rules = load_rules().to_dict()
    rules["documents"].update(contact="王督查", phone="0595-85600001", note="此件发至责任单位")
    return rules


def body_texts(doc: DocxDocument) -> list[str]:
    out = [p.text for p in doc.paragraphs]
    out += [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return out


def breaks_between_words(text: str, lines: list[str]) -> bool:
    """Every cut between two lines falls on a boundary of the segmenter's words."""
    bounds, at = set(), 0
    for word in words(text):
        at += len(word)
        bounds.add(at)
    cuts, at = [], 0
    for line in lines[:-1]:
        at += len(line)
        cuts.append(at)
    return all(cut in bounds for cut in cuts)


@pytest.fixture(scope="module")
def built(demo_data: DemoSummary) -> dict[str, bytes]:
    """The 通报, the 催报通知, a 督办单 for a missing report and one for a red task, the 年度考评通报."""
    rules = office_rules()
    maker = DocumentMaker("2026Q3", demo_data.data_dir, as_of=AS_OF, demo=False, rules=rules)
    items = maker.items
    missing = str(items.loc[items["trigger"].str.contains("missing"), "id"].iloc[0])
    red = str(items.loc[items["trigger"] == "red", "id"].iloc[0])
    review = annual_review(2026, demo_data.data_dir, as_of=date(2026, 12, 5), rules=rules)
    return {"bulletin": docx_bytes(maker.build("bulletin")), "cuibao": docx_bytes(maker.build("cuibao")),
            "duban-missing": docx_bytes(maker.build("duban", missing)),
            "duban-red": docx_bytes(maker.build("duban", red)),
            "annual": annual_docx(review, demo=False, issue_date=date(2027, 1, 20), rules=rules)}


def docs(built: dict[str, bytes]) -> dict[str, DocxDocument]:
    return {name: Document(BytesIO(data)) for name, data in built.items()}


def test_every_title_breaks_only_between_words(built: dict[str, bytes]) -> None:
    generated = [bulletin_title(q) for q in QUARTERS] + [cuibao_title(quarter_label(q)) for q in QUARTERS]
    generated += [annual_title(2026), SLIP_TITLE, RECEIPT_TITLE]
    entry = LeagueEntry("市直部门", 1, "财政局", 100.0, 1, 1, 0, 0, "")
    for quarter in QUARTERS:
        generated += attachment_names(Bulletin("", "", [], [entry], [], [], formula=["x"], tasks=[["x"]],
                                               period=quarter_label(quarter)))
    for text in generated:
        lines = title_lines(text)
        assert "".join(lines) == text and all(text_width(line) <= TITLE_CHARS for line in lines), lines
        assert breaks_between_words(text, lines), lines
    # The titles as laid out in the documents: 二号 runs, one line per w:br, each cut between words.
    shown = [p.text for doc in docs(built).values() for p in doc.paragraphs
             if p.runs and p.runs[0].font.size == Pt(22)]
    assert len(shown) >= 5 + 3 + 4  # five titles, the 通报's three 附件, the 年度考评通报's four
    for text in shown:
        lines = text.split("\n")
        assert all(text_width(line) <= TITLE_CHARS for line in lines) and breaks_between_words("".join(lines), lines)
    assert "关于2026年第三季度“123”\n争先进位工作推进情况的通报" in shown  # not "…工作推 / 进情况"


@given(st.text(alphabet=st.sampled_from("督查通报工作推进情况争先进位年度季度责任单位晋江市关于的"), min_size=1,
               max_size=80))
def test_title_lines_keep_the_text_and_fit(text: str) -> None:
    lines = title_lines(text)
    assert "".join(lines) == text and breaks_between_words(text, lines) or len(lines) == 1
    assert all(text_width(line) <= TITLE_CHARS for line in lines)
    assert len(lines) <= -(-len(text) // TITLE_CHARS) + 1  # the fewest lines, give or take a long word


def imprint_lines(doc: DocxDocument) -> tuple[Paragraph, Paragraph, int]:
    """The 版记's 抄送 and 印发 lines, and the latter's position among the paragraphs."""
    paragraphs = doc.paragraphs
    printed = next(i for i, p in enumerate(paragraphs) if p.text.endswith("印发"))
    return paragraphs[printed - 1], paragraphs[printed], printed


def border(paragraph: Paragraph, side: str) -> str | None:
    edge = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn(f'w:{side}')}")
    return None if edge is None else edge.get(qn("w:sz"))


def test_every_document_closes_with_its_imprint(built: dict[str, bytes]) -> None:
    for name, doc in docs(built).items():
        copied, printed, position = imprint_lines(doc)
        assert copied.text.startswith("抄送：") and copied.text.endswith("。"), name
        assert re.fullmatch(r"晋江市人民政府督查室\t\d{4}年\d{1,2}月\d{1,2}日印发", printed.text), printed.text
        assert (border(copied, "top"), border(copied, "bottom"), border(printed, "bottom")) == ("8", "6", "8")
        assert copied.paragraph_format.keep_with_next
        later = [p.text for p in doc.paragraphs[position + 1:] if p.text]
        if name.startswith("duban"):  # 抄送 the task's 牵头市领导; the 回执 after the 版记
            leader = doc.tables[0].rows[[r.cells[0].text for r in doc.tables[0].rows].index("牵头市领导")].cells[1].text
            assert copied.text == f"抄送：{leader}同志。" and later[0] == CUT_LINE
        else:  # the 版记 ends the document
            assert copied.text == "抄送：市委办公室，市人大常委会办公室，市政协办公室。" and later == []


def test_every_document_has_the_contact_and_plain_words(built: dict[str, bytes]) -> None:
    for name, doc in docs(built).items():
        text = "\n".join(body_texts(doc))
        assert CONTACT in text, name
        assert not re.search(r"\d{4}Q\d", text), name  # quarters in words: 第三季度, 督办 numbers too
        assert not re.search(r"[<>≤≥]|（>|\.ya?ml|params/|/tmp|/work|/home", text), name
        assert "（此件发至责任单位）" in text  # the 附注 under the date
    bulletin = "\n".join(body_texts(docs(built)["bulletin"]))
    for part in ("一、总体情况", "二、主要成效", "三、存在问题", "一是进度滞后", "二是报送不及时", "予以通报表扬",
                 "予以通报批评", "连续两个季度列入黄榜的", "报送方式：", "2026年10月30日前"):
        assert part in bulletin, part
    assert "截至2026年10月20日" in bulletin and "第四季度工作进展" in bulletin


def test_addressees_from_the_unit_groups(built: dict[str, bytes]) -> None:
    bulletin, annual = docs(built)["bulletin"], docs(built)["annual"]
    line = "各镇人民政府、街道办事处，经济开发区管委会，各指挥部，集成电路筹备组，市直有关单位，有关国有企业："
    assert line in [p.text for p in bulletin.paragraphs] and line in [p.text for p in annual.paragraphs]
    units = {"安海镇": UnitInfo("安海镇", "town"), "西园街道": UnitInfo("西园街道", "town"),
             "滨海指挥部": UnitInfo("滨海指挥部", "town"), "财政局": UnitInfo("财政局", "department")}
    assert addressees(units) == "各镇人民政府、街道办事处，滨海指挥部，市直有关单位"
    cuibao = docs(built)["cuibao"]
    owing = [row.cells[1].text for row in cuibao.tables[0].rows[1:]]
    assert f"{'、'.join(owing)}：" in [p.text for p in cuibao.paragraphs]  # only the units that owe a report


def test_bulletin_attachments_let_a_unit_recompute_its_score(built: dict[str, bytes]) -> None:
    doc = docs(built)["bulletin"]
    texts = [p.text for p in doc.paragraphs]
    note = texts.index("附件：1. 责任单位评分办法")
    assert texts[note + 1:note + 3] == ["2. 2026年第三季度责任单位得分及红黄榜",
                                        "3. 2026年第三季度各项任务推进情况一览表"]
    assert texts.index("晋江市人民政府督查室", note) < texts.index("附件1")  # 附件 after the 署名
    for label in ("附件1", "附件2", "附件3"):
        assert doc.paragraphs[texts.index(label)].paragraph_format.page_break_before
    # Recompute every unit's score from 附件1's rules and 附件3's tasks, and find it in 附件2.
    rules = office_rules()
    points = {"已完成": 100, "绿灯": 100, "待核实": 100, "黄灯": 60, "红灯": 20, "未报送": 20}
    tiers = {"全国领先示范": 3, "全省领先示范": 2, "重点突破难点": 1}
    assert "已完成100分、绿灯100分、黄灯60分、红灯20分" in "".join(texts) and rules["unit_scoring"]["co_weight"] == 0.5
    *leagues, tasks = doc.tables
    sums: dict[str, list[float]] = {}
    for row in tasks.rows[1:]:
        _, _, tier, lead, co, light = (c.text for c in row.cells)
        for unit, role in [(lead, 1.0)] + [(u, 0.5) for u in co.split("、") if co != "—"]:
            if light == "未到报送期" or (light == "未报送" and role < 1):
                continue
            total = sums.setdefault(unit, [0.0, 0.0])
            total[0] += tiers[tier] * role * points[light]
            total[1] += tiers[tier] * role
    shown = {row.cells[1].text: row.cells[2].text for table in leagues for row in table.rows[1:]}
    assert shown and all(f"{round(a / b, 1):g}" == shown[unit] for unit, (a, b) in sums.items()), shown


def test_signature_is_kept_with_the_text(built: dict[str, bytes]) -> None:
    for name, doc in docs(built).items():
        paragraphs = doc.paragraphs
        signed = next(i for i, p in enumerate(paragraphs) if p.text == "晋江市人民政府督查室" and i > 3)
        assert paragraphs[signed].paragraph_format.keep_with_next, name  # 署名 with its date
        element = paragraphs[signed]._p.getprevious()
        while element is not None and element.tag == qn("w:p") and not Paragraph(element, doc._body).text:
            assert Paragraph(element, doc._body).paragraph_format.keep_with_next, name  # the empty line
            element = element.getprevious()
        assert element is not None
        if element.tag == qn("w:tbl"):  # the slip's table: its last row goes with the 署名
            last_row = doc.tables[0].rows[-1]
            assert name.startswith("duban") and all(p.paragraph_format.keep_with_next for c in last_row.cells
                                                    for p in c.paragraphs)
        else:  # the text's (or the 附件说明's) last paragraph
            assert Paragraph(element, doc._body).paragraph_format.keep_with_next, name


def test_fonts_name_serif_stand_ins() -> None:
    doc = _blank()
    xml = next(p.blob for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml").decode()
    for name, (family, stand_ins) in FONT_FALLBACKS.items():
        assert re.search(f'<w:font w:name="{name}"><w:altName w:val="{stand_ins[0]}"/><w:charset w:val="86"/>'
                         f'<w:family w:val="{family}"/>', xml), name
    conf = FONTS_CONF.read_text(encoding="utf-8")
    for name in (FONT_BODY, "方正小标宋简体", "楷体_GB2312", "黑体"):
        assert f"<family>{name}</family>" in conf


def _blank() -> DocxDocument:
    from jj123lib.documents.layout import DocMeta, new_document

    return new_document(DocMeta("文号", AS_OF))


def convert(paths: list[Path], folder: Path) -> None:
    """LibreOffice headless to PDF with the project's font stand-ins (retried: it crashes now and then)."""
    wrapper = folder / "fonts.conf"
    wrapper.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
                       '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
                       f'  <include ignore_missing="yes">{FONTS_CONF}</include>\n</fontconfig>\n', encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(wrapper)}
    for attempt in range(3):
        done = subprocess.run(["soffice", f"-env:UserInstallation={(folder / f'lo{attempt}').as_uri()}", "--headless",
                               "--convert-to", "pdf", "--outdir", str(folder), *map(str, paths)],
                              capture_output=True, text=True, timeout=300, env=env)
        if done.returncode == 0 and all(p.with_suffix(".pdf").exists() for p in paths):
            return
    raise AssertionError(done.stderr)


@pytest.fixture(scope="module")
def pdfs(built: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("gb9704")
    paths = []
    for name, data in built.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(path)
    convert(paths, folder)
    return {name: folder / f"{name}.pdf" for name in built}


def fonts_of(pdf: Path, needle: str) -> set[str]:
    """The fonts the text pieces containing ``needle`` are drawn with, over all pages."""
    drawn: list[tuple[str, str]] = []  # (character, font), in drawing order; LibreOffice splits runs finely

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        name = "" if font is None else str(font.get("/BaseFont", ""))
        drawn.extend((char, name) for char in text if not char.isspace())

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    joined = "".join(char for char, _ in drawn)
    found: set[str] = set()
    for hit in re.finditer(re.escape(needle), joined):
        found.update(font for _, font in drawn[hit.start():hit.end()])
    return found


def test_pdf_body_title_and_headings_are_serif_not_japanese_sans(pdfs: dict[str, Path]) -> None:
    for name, pdf in pdfs.items():
        listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Serif" in listed, (name, listed)
        body = fonts_of(pdf, "联系人：")  # the contact line (the table headers are 黑体)
        assert body and all("Serif" in font for font in body), (name, body)
        titled = fonts_of(pdf, "晋江市人民政府督查室")  # masthead (小标宋), 署名 and 版记 (仿宋)
        assert titled and not any("Sans" in font for font in titled), (name, titled)
    assert all("UKai" in font for font in fonts_of(pdfs["bulletin"], "（二）市直部门"))  # 楷体 heading


def page_texts(pdf: Path) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(pdf).pages]


def test_pdf_signature_with_its_text_and_the_receipt_on_its_own_page(pdfs: dict[str, Path]) -> None:
    for name, pdf in pdfs.items():
        pages = page_texts(pdf)
        dated = r"晋江市人民政府督查室\d{4}年\d{1,2}月\d{1,2}日(?!印发)"
        signed = [i for i, text in enumerate(pages) if re.search(dated, text)]
        assert len(signed) == 1, name
        page = pages[signed[0]]
        before = page[:page.index("晋江市人民政府督查室", page.index("联系") if "联系" in page else 0)]
        assert len(before) > 20, (name, page[:200])  # text above the 署名 on its page
        if name.startswith("duban"):
            assert "联系方式" in page and "督办等级" in page  # the whole slip with its 署名 on page 1
            receipt = pages[-1]
            assert "沿此线剪下" in receipt and RECEIPT_TITLE.replace("（", "(")[:6] in receipt
            assert "督办等级" not in receipt and signed[0] == 0


def test_boards_in_the_bulletin_agree_with_the_one_assessment(built: dict[str, bytes], demo_data: DemoSummary) -> None:
    from jj123lib.assess.unit_league import unit_league
    from jj123lib.loop.duban import duban_items

    items = duban_items("2026Q3", demo_data.data_dir, as_of=AS_OF)
    overdue = {str(u) for u, late in zip(items["unit"], items["days_overdue"]) if late > 0}
    league = unit_league("2026Q3", demo_data.data_dir, overdue_units=overdue, as_of=AS_OF, rules=office_rules())
    texts = [p.text for p in docs(built)["bulletin"].paragraphs]

    def named(opening: str) -> list[str]:
        line = next(t for t in texts if t.startswith(opening))
        return re.findall(r"(?:：|；)([^（：；]+)（", line)

    assert named("以下单位任务推进有力") == list(league.loc[league["board"] == "红榜", "unit"])
    assert named("以下单位列入本季度黄榜") == list(league.loc[league["board"] == "黄榜", "unit"])
    claimed_only = league[(league["board"] == "") & (league["done"] == 0) & (league["red"] + league["missing"] == 0)]
    assert not set(claimed_only["unit"]) & set(named("以下单位任务推进有力"))  # no 红榜 without a verified result


def test_bulletin_command_dates_the_requirements_from_the_signing_date(demo_data: DemoSummary, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from jj123lib.cli.main import main

    out = tmp_path / "通报.docx"
    data = demo_copy(demo_data.data_dir, tmp_path / "data")  # unpublished: a published 通报 keeps its own date
    assert main(["bulletin", "--quarter", "2026Q3", "--data-dir", str(data), "--out", str(out),
                 "--date", "2026-10-15"]) == 0
    assert "已写入" in capsys.readouterr().out
    text = "\n".join(body_texts(Document(str(out))))
    assert "2026年10月15日" in text and "于2026年10月25日前向市政府督查室书面报送整改方案" in text  # 签发 + 10 days
