"""The leader report as a vice-mayor reads it: the judgement first, data in doubt on its task, the rules once,
four A4 pages, and no output of a batch naming where the data or the code lives."""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.core.resources import PACKAGE_DIR
from jj123lib.reports.base import plain_reason
from jj123lib.reports.leader import LeaderReport, leader_report_data

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.pipeline import BatchResult
    from jj123lib.demo.generate import DemoSummary

_THRESHOLD = re.compile(r"（[^（）]*[<>≤≥]")  # a rule's threshold, as "（>30）" or "（落后 ≤10）"


def _text(markup: object) -> str:
    """What a reader sees of some HTML: tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(markup)))


@pytest.fixture(scope="module")
def chen(demo_data: DemoSummary) -> LeaderReport:
    return leader_report_data("陈丽蓉", "2026Q3", demo_data.data_dir)


@pytest.fixture(scope="module")
def zhang(demo_data: DemoSummary) -> LeaderReport:
    return leader_report_data("张健龙", "2026Q3", demo_data.data_dir)


def test_the_abstract_says_what_is_wrong_why_what_to_coordinate_and_the_opinion(chen: LeaderReport) -> None:
    text = _text(chen.abstract_html())
    assert chen.opinion is not None and chen.opinion.overall.splitlines()[0] in text
    for r in chen.lagging().itertuples():  # every red, yellow and unreported task, with its plain reason
        assert str(r.task_id) in text and plain_reason(r.reason) in text
    for r in chen.supervision.coordination.itertuples():
        assert f"{r.task_id} {r.unit}" in text
    assert not _THRESHOLD.search(text)
    order = [text.find(word) for word in ("总体", "存在问题", "提请协调", "督查室意见")]
    assert min(order) > 0 and order == sorted(order)


def test_opinions_come_right_after_the_overall_picture(chen: LeaderReport) -> None:
    assert chen.SECTIONS[:4] == ("header_html", "abstract_html", "summary_html", "opinions_html")


def test_rule_text_appears_once_in_the_appendix(chen: LeaderReport) -> None:
    assert "（>30）" in str(chen.tasks["reason"].tolist())  # the assessment's own reasons carry the rule
    body = _text("".join(str(getattr(chen, name)()) for name in chen.SECTIONS if name != "rules_html"))
    assert "落后序时进度 63 个百分点" in body and not _THRESHOLD.search(body)
    assert "超过 10 且不超过 30 个百分点为黄灯" in str(chen.rules_html())


def test_plain_reason_keeps_the_words_and_drops_the_thresholds() -> None:
    reason = "落后序时进度 63 个百分点（>30），红灯；连续 3 个季度节点目标未完成（2026Q1、2026Q2），红灯"
    assert plain_reason(reason) == "落后序时进度 63 个百分点，红灯；连续 3 个季度节点目标未完成（2026Q1、2026Q2），红灯"
    assert plain_reason("落后 5 个百分点（≤10，按序时进度为绿灯）") == "落后 5 个百分点（按序时进度为绿灯）"
    assert plain_reason(None) == ""


def test_a_flagged_jump_shows_as_data_in_doubt_never_as_better(zhang: LeaderReport) -> None:
    n01 = zhang.tasks.set_index("task_id").loc["N01"]
    assert [flag for flag, _, _ in n01["data_flags"]][:1] == ["jump"]  # 12 % → 70 % in one quarter
    # Q2 red: the demo's correction after publishing Q2 (demo.record); red → green would read 好转.
    assert n01["change"] == "数据待核实" and n01["prev_light"] == "red" and n01["light"] == "green"
    summary, tasks = _text(zhang.summary_html()), str(zhang.tasks_html())
    assert "好转 N01" not in summary and "数据待核实 N01" in summary
    row = _text(tasks[tasks.index("<b>N01</b>"):tasks.index("</tr>", tasks.index("<b>N01</b>"))])
    assert "数据待核实" in row and "好转" not in row
    assert "单季度进度跳升（实际累计进度 12% → 70%" in _text(zhang.abstract_html())


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def test_every_leader_report_prints_on_four_a4_pages_opinions_on_page_one_or_two(demo_batch: BatchResult) -> None:
    from pypdf import PdfReader

    leaders = [r for r in demo_batch.reports if r.get("leader")]
    assert len(leaders) == 8
    for entry in leaders:
        pdf = demo_batch.out_dir / str(entry["pdf"])
        reader = PdfReader(pdf)
        assert len(reader.pages) <= 4, (entry["leader"], len(reader.pages))
        box = reader.pages[0].mediabox
        assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)  # A4
    pages = _pages(demo_batch.out_dir / "chen-lirong.pdf")
    assert "摘要" in pages[0] and any("督查室意见" in page for page in pages[:2])


def _absolute_paths(data_dir: Path) -> list[str]:
    return [str(data_dir.resolve()), str(PACKAGE_DIR.parent.resolve()), str(PACKAGE_DIR.resolve())]


def _texts(path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                           if name.endswith((".xml", ".rels")))
    return path.read_text(encoding="utf-8")


def test_no_output_names_an_absolute_path(demo_batch: BatchResult, demo_data: DemoSummary, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Reports, PDFs, Word documents, exports and the manifest name the rules file and the data by name only."""
    from jj123lib.cli.main import main

    data = str(demo_data.data_dir)
    for command, name in (("ledger", "台账.xlsx"), ("ratings", "灯号.xlsx"), ("league", "排名.xlsx")):
        assert main([command, "--quarter", "2026Q3", "--format", "xlsx", "--out", str(tmp_path / name),
                     "--data-dir", data]) == 0
    assert main(["forms", "--quarter", "2026Q3", "--data-dir", data, "--out", str(tmp_path / "forms")]) == 0
    capsys.readouterr()
    outputs = [p for p in demo_batch.out_dir.rglob("*") if p.is_file() and p.suffix in
               (".html", ".pdf", ".docx", ".json")] + sorted(tmp_path.rglob("*.xlsx"))
    kinds = {p.suffix for p in outputs}
    assert kinds == {".html", ".pdf", ".docx", ".json", ".xlsx"} and len(outputs) > 40
    found = [(p.name, path) for p in outputs for path in _absolute_paths(demo_data.data_dir) if path in _texts(p)]
    assert found == []
    header = _texts(demo_batch.out_dir / "chen-lirong.html")
    assert re.search(r"规则文件：<code>rules\.yaml</code>（指纹 <code>[0-9a-f]{12}</code>）", header)
