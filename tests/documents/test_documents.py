"""The 公文 documents' content from the ledger: 通报, 督办单 per open item, 催报通知; 文号 from the rules."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from docx import Document
from pypdf import PdfReader

from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.exceptions import RulesError
from jj123lib.documents.content import (
    DUBAN_MISSING,
    DUBAN_REQUIREMENTS,
    DocumentMaker,
    cuibao_data,
    document_meta,
    document_settings,
    duban_data,
    open_duban,
)
from jj123lib.documents.layout import DEMO_MARK, docx_bytes, save_docx
from jj123lib.domain.rules import load_rules
from jj123lib.domain.tasks import leaders, load_tasks
from jj123lib.ledger.store import Ledger
from jj123lib.loop.deadlines import cuibao
from jj123lib.loop.duban import issue_duban, respond
from jj123lib.loop.verification import verify
from tests.hostile import HOSTILE
from tests.late_form import demo_copy, ingest_changed_form, without_duban

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

TASKS = load_tasks().set_index("task_id")
AS_OF = date(2026, 10, 20)
# The lead unit of a red task (B13, 卫健委) reports every hostile string as its problems.
HOSTILE_UNIT, HOSTILE_TASK = "卫健委", "B13"


def texts(data: bytes) -> str:
    doc = Document(BytesIO(data))
    out = [p.text for p in doc.paragraphs]
    out += [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    out += [p.text for s in doc.sections for part in (s.header, s.even_page_header) for p in part.paragraphs]
    return "\n".join(out)


def xml_of(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


@pytest.fixture(scope="module")
def issued(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data with its 督办 items removed and the quarter's issued afresh,
    one item closed (verified), one answered 整改中."""
    data = without_duban(demo_copy(demo_data.data_dir, tmp_path_factory.mktemp("documents") / "data"))
    ingest_changed_form(data, HOSTILE_UNIT, data.parent / "late",
                        lambda task: {"存在问题": "\n".join(typed for typed, _ in HOSTILE)})
    created = issue_duban("2026Q3", data, as_of=AS_OF, by="督查室").created
    answered = datetime(2026, 10, 18, 10, tzinfo=CHINA_TZ)  # recorded before AS_OF, the day the tests read
    respond(created[0], "已完成整改", "教育局", data_dir=data, now=answered)
    evidence = data.parent / "验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    verify(created[0], "2026Q3", [evidence], "督查室", data_dir=data, as_of=AS_OF, now=answered,
           reason="经现场核实整改到位")
    respond(created[1], "正在整改", "住建局", status="整改中", data_dir=data, now=answered)
    return data


def test_settings_from_the_rules_one_place() -> None:
    default = document_settings("2026Q3", {})
    assert default.bulletin_number == "晋政督通〔    〕  号" and default.issue_date is None
    rules = {"documents": {"issuer": "晋江市人民政府办公室督查室", "quarters": {
        "2026Q3": {"bulletin_number": "晋政督通〔2026〕3号", "issue_date": date(2026, 10, 15)}}}}
    settings = document_settings("2026Q3", rules)
    assert (settings.issuer, settings.bulletin_number, settings.issue_date) == (
        "晋江市人民政府办公室督查室", "晋政督通〔2026〕3号", date(2026, 10, 15))
    assert document_settings("2026Q4", rules).bulletin_number == default.bulletin_number
    meta = document_meta("bulletin", "2026Q3", demo=True, as_of=AS_OF, rules=rules)
    assert (meta.doc_number, meta.issue_date, meta.demo) == ("晋政督通〔2026〕3号", date(2026, 10, 15), True)
    assert document_meta("cuibao", "2026Q4", demo=False, as_of=AS_OF, rules=rules).issue_date == AS_OF
    slip = document_meta("duban", "2026Q3", demo=False, item=("DB-2026Q3-004", date(2026, 10, 1)), rules=rules)
    assert (slip.doc_number, slip.issue_date) == ("督办编号：2026年第三季度第4号", date(2026, 10, 1))
    for bad, key in (({"documents": {"quarters": {"2026Q3": {"issue_date": "十月"}}}}, "issue_date"),
                     ({"documents": ["x"]}, "documents"), ({"documents": {"cuibao_days": 0}}, "cuibao_days"),
                     ({"documents": {"reply_days": "十天"}}, "reply_days"),
                     ({"documents": {"contcat": "王"}}, "contcat"),
                     ({"documents": {"cc": "市委办公室"}}, "documents.cc"), ({"documents": {"praise": ""}}, "praise"),
                     ({"documents": {"phone": ["0595"]}}, "documents.phone")):
        with pytest.raises(RulesError, match=key):
            document_settings("2026Q3", bad)
    # The rules in force: the 督办依据, 抄送, wording and the 黄榜's consequence, typed and checked at load.
    office = load_rules().documents("2026Q3")
    assert office.basis.endswith("（晋政办〔2026〕1号）")
    assert office.cc == ("市委办公室", "市人大常委会办公室", "市政协办公室")
    assert (office.praise, office.criticism, office.reply_days) == ("予以通报表扬", "予以通报批评", 10)
    assert "约谈" in office.yellow_consequence and office.submit_by


def test_one_slip_per_open_item_with_the_units_problems(issued: Path) -> None:
    items = Ledger(issued).query("SELECT id, status FROM duban ORDER BY id", (), ["id", "status"])
    still_open = [i for i, s in zip(items["id"], items["status"]) if s != "closed"]
    assert len(still_open) == len(items) - 1 >= 5
    slips = duban_data("2026Q3", issued, as_of=AS_OF)
    assert list(slips) == still_open == list(open_duban("2026Q3", issued, as_of=AS_OF)["id"])
    rows = Ledger(issued).submissions("2026Q3")
    for number, (item, issued_on) in slips.items():
        assert item.number == number and issued_on == AS_OF and item.leader == TASKS.at[item.task_id, "leader"]
        assert item.task_title == TASKS.at[item.task_id, "title"]
        reported = rows[(rows["task_id"] == item.task_id) & (rows["unit"] == item.unit)]["problems"]
        assert item.problem.startswith("2026年第") and "2026Q" not in item.problem  # the quarter in words
        assert not re.search(r"[<>≤≥]", item.problem.split("\n单位反映的问题")[0])  # no rule symbols
        if len(reported):  # what the unit itself reported follows the reason
            assert item.problem.endswith(f"\n单位反映的问题：{reported.iloc[0]}")
        else:  # a unit that reported nothing (未报送)
            assert "单位反映的问题" not in item.problem
        if "未报送" in item.problem:  # a missing report is asked for at once, not planned for
            assert item.requirement == DUBAN_MISSING and "立即补报" in item.requirement
        else:
            assert item.requirement == DUBAN_REQUIREMENTS[item.level]
        assert item.basis.endswith("（晋政办〔2026〕1号）")


def test_cuibao_lists_the_overdue_units(issued: Path) -> None:
    entries = cuibao_data("2026Q3", issued, as_of=AS_OF)
    listed = cuibao("2026Q3", issued, as_of=AS_OF)
    assert [e.unit for e in entries] == list(listed["unit"]) and entries
    for entry, tasks in zip(entries, listed["tasks"]):
        assert [t.task_id for t in entry.tasks] == tasks and entry.days_overdue == 10
        assert all(t.title == TASKS.at[t.task_id, "title"] for t in entry.tasks)
    assert cuibao_data("2026Q3", issued, as_of=date(2026, 10, 10)) == []  # the deadline day itself


@pytest.fixture(scope="module")
def built(issued: Path) -> dict[str, bytes]:
    maker = DocumentMaker("2026Q3", issued, as_of=AS_OF, demo=True)
    out = {"bulletin": docx_bytes(maker.build("bulletin")), "cuibao": docx_bytes(maker.build("cuibao"))}
    out.update({item: docx_bytes(maker.build("duban", item)) for item in maker.items["id"]})
    return out


def test_documents_read_back_with_unit_text_and_no_leader_score(built: dict[str, bytes], issued: Path) -> None:
    slip = next(data for name, data in built.items() if HOSTILE_TASK in texts(data) and name.startswith("DB-"))
    for name, data in built.items():
        text = texts(data)
        assert DEMO_MARK in text
        assert "综合得分" not in text and "市领导排名" not in text
        if name != "bulletin":  # a slip names the task's leader, with no score or rank at all
            assert "得分" not in text and "名次" not in text
    bulletin = texts(built["bulletin"])
    assert not any(name in bulletin for name in leaders())  # the 通报 ranks units and names no leader
    doc = Document(BytesIO(built["bulletin"]))
    headings = [p.text for p in doc.paragraphs if re.fullmatch(r"（[一二三]）.*/.*|（[二三]）\S{4}", p.text)]
    assert headings == ["（一）镇街/指挥部/园区", "（二）市直部门", "（三）国有企业"] and len(doc.tables) == 4
    groups = [{row.cells[1].text for row in table.rows[1:]} for table in doc.tables[:3]]
    assert all(not (a & b) for i, a in enumerate(groups) for b in groups[i + 1:])  # each unit in one group
    for _, shown in HOSTILE:  # the unit's own words, as typed, on its 督办单 (the 通报 synthesises)
        assert shown in texts(slip)
    cuibao_text = texts(built["cuibao"])
    assert all(e.unit in cuibao_text for e in cuibao_data("2026Q3", issued, as_of=AS_OF))


def test_hostile_unit_text_is_never_a_field(built: dict[str, bytes]) -> None:
    for data in built.values():
        xml = xml_of(data)
        assert "<w:fldSimple" not in xml and "<w:hyperlink" not in xml and "<w:object" not in xml
        assert re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml) == [" PAGE ", " PAGE "]


def test_libreoffice_converts_each_kind(built: dict[str, bytes], tmp_path: Path) -> None:
    names = ["bulletin", "cuibao", next(name for name in built if name.startswith("DB-"))]
    paths = [save_docx(Document(BytesIO(built[name])), tmp_path / f"{name}.docx") for name in names]
    done = subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, paths)],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    pages = {name: len(PdfReader(tmp_path / f"{name}.pdf").pages) for name in names}
    # The 通报: 正文 and three 附件 (评分办法, 33 units in three tables, 48 tasks); a 催报 is short; a 督办单
    # is its slip (and 版记) and the 回执's page.
    assert 8 <= pages["bulletin"] <= 16 and 1 <= pages["cuibao"] <= 2 and 2 <= pages[names[2]] <= 3, pages
