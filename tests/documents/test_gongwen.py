"""The 公文 .docx builder: GB/T 9704 geometry and fonts, unit text stays text, LibreOffice lays it out."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from pypdf import PdfReader

from jj123lib.documents.bulletin import Bulletin, LeagueEntry, build_bulletin
from jj123lib.documents.content import bulletin_data
from jj123lib.documents.cuibao import CuibaoEntry, CuibaoTask, build_cuibao
from jj123lib.documents.duban import RECEIPT_TITLE, DubanItem, build_duban
from jj123lib.documents.layout import (
    DEMO_MARK,
    FONT_BODY,
    FONT_H1,
    FONT_H2,
    FONT_TITLE,
    DocMeta,
    docx_bytes,
    save_docx,
)
from jj123lib.domain.tasks import leaders
from jj123lib.domain.units import GROUP_LABELS, load_units
from tests.hostile import HOSTILE

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

META = DocMeta("晋政督通〔2026〕3号", date(2026, 10, 15))
SHOWN = [shown for _, shown in HOSTILE] + ["控制字符\x07\x1b留下pwn99"]
CLEANED = [shown for _, shown in HOSTILE] + ["控制字符留下pwn99"]  # XML cannot hold C0 controls
DUBAN = DubanItem("督办〔2026〕7号", "重点督办", "住建局", "B03", "城市更新三年行动", "张建龙",
                  "进度落后序时 35 个百分点", "10 月底前完成征迁扫尾", date(2026, 11, 15))
CUIBAO = [CuibaoEntry("高教中心", [CuibaoTask("P09", "高等教育园区建设")], 5, "林丽娟", "0595-85600000"),
          CuibaoEntry("信访局", [CuibaoTask("B20", "信访积案化解"), CuibaoTask("B21", "矛盾纠纷多元化解")], 12)]


def reread(doc: DocxDocument) -> DocxDocument:
    return Document(BytesIO(docx_bytes(doc)))


def all_text(doc: DocxDocument) -> list[str]:
    """Every paragraph's text: body, table cells (nested), headers."""
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    for section in doc.sections:
        for part in (section.header, section.even_page_header):
            texts.extend(p.text for p in part.paragraphs)
    return texts


def xml_parts(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def hostile_documents() -> list[DocxDocument]:
    league = [LeagueEntry("市直部门", i + 1, text, 90.0, 1, 1, 0, 0, "红榜", text) for i, text in enumerate(SHOWN)]
    bulletin = Bulletin(SHOWN[0], SHOWN[1], SHOWN, league, SHOWN, SHOWN)
    meta = DocMeta(SHOWN[2], date(2026, 10, 15), issuer=SHOWN[3])
    dubans = [build_duban(DubanItem(text, text, text, "B01", text, text, text, text, date(2026, 11, 1)), meta)
              for text in SHOWN]
    cuibao = build_cuibao([CuibaoEntry(text, [CuibaoTask("P01", text)], 3, text, text) for text in SHOWN], meta,
                          "2026年第三季度", date(2026, 10, 20))
    return [build_bulletin(bulletin, meta), cuibao, *dubans]


def test_hostile_unit_text_stays_text() -> None:
    for doc in hostile_documents():
        data = docx_bytes(doc)
        texts = "\n".join(all_text(Document(BytesIO(data))))
        present = [text for text in CLEANED if text in texts]
        assert present, "each document shows the hostile texts"
        xml = xml_parts(data)
        assert "<w:fldSimple" not in xml and "<w:hyperlink" not in xml and "<w:object" not in xml
        assert re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml) == [" PAGE ", " PAGE "]  # odd/even footers
    bulletin_text = "\n".join(all_text(reread(hostile_documents()[0])))
    for text in CLEANED:
        assert text in bulletin_text


def test_geometry_fonts_and_grid() -> None:
    doc = reread(build_duban(DUBAN, META))
    section = doc.sections[0]
    def close(length: int | None, mm: float) -> bool:  # stored in whole twips (1/56.7 mm)
        return length is not None and abs(Mm(mm) - length) <= Mm(0.05)

    assert close(section.page_width, 210) and close(section.page_height, 297)
    assert close(section.top_margin, 37) and close(section.left_margin, 28)
    assert close(section.page_width - section.left_margin - section.right_margin, 156)  # type: ignore[operator]  # python-docx: an unset length is None
    assert close(section.page_height - section.top_margin - section.bottom_margin, 225)  # type: ignore[operator]  # python-docx: an unset length is None
    grid = section._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch")))
    assert 22 * pitch <= Mm(225).twips < 23 * pitch
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.paragraph_format.line_spacing == pitch * 635  # EMU per twip
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == FONT_BODY

    def east_asia_of(text: str) -> tuple[str, Length | None]:
        run = next(r for p in doc.paragraphs for r in p.runs if r.text == text)
        return run._r.rPr.rFonts.get(qn("w:eastAsia")), run.font.size  # type: ignore[union-attr]  # python-docx: optional run properties

    assert east_asia_of("督 办 单") == (FONT_TITLE, Pt(22))
    assert east_asia_of(RECEIPT_TITLE) == (FONT_TITLE, Pt(22))
    assert "晋政督通〔2026〕3号" in all_text(doc) and "2026年10月15日" in all_text(doc)
    bulletin = reread(build_bulletin(Bulletin("标题", "各单位", ["概述"], [
        LeagueEntry("市直部门", 1, "财政局", 100.0, 2, 1, 0, 0, "红榜")], ["问题"], ["要求"]), META))
    heading1 = next(r for p in bulletin.paragraphs for r in p.runs if r.text == "一、总体情况")
    assert heading1._r.rPr.rFonts.get(qn("w:eastAsia")) == FONT_H1  # type: ignore[union-attr]  # python-docx: optional run properties
    heading2 = next(r for p in bulletin.paragraphs for r in p.runs if r.text.startswith("（一）"))
    assert heading2._r.rPr.rFonts.get(qn("w:eastAsia")) == FONT_H2  # type: ignore[union-attr]  # python-docx: optional run properties


def test_tables_keep_rows_whole_and_repeat_headers() -> None:
    cuibao = build_cuibao(CUIBAO, META, "2026年第三季度", date(2026, 10, 20))
    for doc in (reread(build_duban(DUBAN, META)), reread(cuibao)):
        assert doc.tables
        for table in doc.tables:
            rows = table._tbl.tr_lst
            assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
            assert [tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows] == [True] + [False] * (len(rows) - 1)  # type: ignore[union-attr]  # trPr checked on the line above


def test_demo_mark_only_on_demo_documents() -> None:
    demo = reread(build_duban(DUBAN, DocMeta("文号", date(2026, 10, 15), demo=True)))
    real = reread(build_duban(DUBAN, META))
    assert demo.sections[0].header.paragraphs[0].text == DEMO_MARK and any(DEMO_MARK in t for t in all_text(demo))
    assert not any("示例数据" in t for t in all_text(real))


def test_bulletin_from_demo_data(demo_data: DemoSummary) -> None:
    doc = reread(build_bulletin(bulletin_data("2026Q3", demo_data.data_dir), META))
    text = "\n".join(all_text(doc))
    for leader in leaders():
        assert leader not in text  # no leader, let alone a leader's score or rank
    # Leaders appear only as an office (市领导约谈, 市领导协调), never with a score or a rank.
    assert "综合得分" not in text and "市领导排名" not in text and "市领导得分" not in text
    units = load_units()
    group_tables = doc.tables[:3]  # 附件2, by group; 附件3 is the task table
    assert len(doc.tables) == 4
    for table, group in zip(group_tables, ("town", "department", "enterprise")):
        named = {row.cells[1].text for row in table.rows[1:]}
        assert named == {u for u, info in units.items() if info.group == group}
    headings = [p.text for p in doc.paragraphs if p.text in {f"（{n}）{label}" for n in "一二三"
                                                             for label in GROUP_LABELS.values()}]
    assert headings == [f"（{n}）{GROUP_LABELS[g]}" for n, g in zip("一二三", ("town", "department", "enterprise"))]
    texts = [p.text for p in doc.paragraphs]
    body = texts[:texts.index("附件：1. 责任单位评分办法")]  # the 正文, before the 附件说明
    sections = [text for text in body if re.fullmatch(r"[一二三四五六七]、\S+", text)]
    assert sections == ["一、总体情况", "二、主要成效", "三、存在问题", "四、督办和整改情况", "五、报送情况",
                        "六、需协调解决的问题", "七、下步工作要求"]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, demo_data: DemoSummary) -> dict[str, Path]:
    """The three documents and a long one, converted to PDF by LibreOffice headless in one run."""
    folder = tmp_path_factory.mktemp("gongwen")
    demo_meta = DocMeta("晋政督通〔2026〕3号", date(2026, 10, 15), demo=True)
    docs = {
        "bulletin": build_bulletin(bulletin_data("2026Q3", demo_data.data_dir), demo_meta),
        "duban": build_duban(DUBAN, demo_meta),  # the demo line is the one more a slip must hold
        "cuibao": build_cuibao(CUIBAO, META, "2026年第三季度", date(2026, 10, 20)),
        "long": build_bulletin(Bulletin("标题", "各单位", ["概述。"], [], ["测" * (28 * 60 - 2)], ["要求。"]), META),
    }
    paths = [save_docx(doc, folder / f"{name}.docx") for name, doc in docs.items()]
    profile = (folder / "lo-profile").as_uri()
    done = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(folder), *map(str, paths)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return {name: folder / f"{name}.pdf" for name in docs}


def test_libreoffice_converts_each_with_sane_pages(pdfs: dict[str, Path]) -> None:
    # The 通报: 正文 and three 附件 (评分办法, 红黄榜, the 48 tasks); a 督办单: the slip and its 回执 page.
    expected_pages = {"bulletin": range(8, 17), "duban": range(2, 3), "cuibao": range(1, 3), "long": range(3, 5)}
    for name, path in pdfs.items():
        reader = PdfReader(path)
        assert len(reader.pages) in expected_pages[name], name
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - 595.3) < 1 and abs(float(page.mediabox.height) - 841.9) < 1


def body_lines(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """``(xMin, yMin, xMax, text)`` of each text line of a page, from poppler's bounding boxes."""
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    lines = []
    for attrs, body in re.findall(r"<line ([^>]*)>(.*?)</line>", xml, re.S):
        box = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
        words = "".join(re.findall(r"<word[^>]*>([^<]*)</word>", body))
        lines.append((float(box["xMin"]), float(box["yMin"]), float(box["xMax"]), words))
    return lines


def test_pdf_gives_22_lines_of_28_characters_inside_the_margins(pdfs: dict[str, Path]) -> None:
    mm = 72 / 25.4
    lines = body_lines(pdfs["long"], 2)  # a page of nothing but body text
    body = [line for line in lines if line[3].startswith("测")]
    assert len(body) == 22 and all(len(line[3]) == 28 for line in body)
    assert all(abs(line[0] - 28 * mm) < 1.5 and line[2] <= (28 + 156) * mm + 0.5 for line in body)
    assert body[0][1] >= 37 * mm and body[-1][1] <= (37 + 225) * mm
    pitch = (body[-1][1] - body[0][1]) / 21
    assert abs(pitch * 22 - 225 * mm) < 2  # 22 lines fill the 225 mm text block
    footer = [line[3] for line in lines if line[1] > (37 + 225) * mm]
    assert footer == ["—2—"] or footer == ["— 2 —"]
