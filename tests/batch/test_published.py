"""A published quarter renders as it was published, whatever the live ledger says later; a draft says so.

One module fixture: a private copy of the demo data; ``jj123 publish`` of 2026Q3 as of 10-20 (which renders
the quarter from its snapshot); then the live ledger changes (a changed form, an override, a 销号 revoked) and
the quarter is rendered again into another folder; then a correction is recorded and it is rendered a third
time. The tests compare the bytes of what each run wrote.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.assess.ratings import rate_quarter
from jj123lib.batch.run import BatchResult, run_batch
from jj123lib.cli.main import main
from jj123lib.core.clock import read_moment
from jj123lib.ledger.publications import publication
from jj123lib.ledger.store import Ledger
from jj123lib.render.notebook_html import index_html
from jj123lib.reports.leader import leader_report_data
from tests.late_form import demo_copy, ingest_changed_form

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]

QUARTER = "2026Q3"
UNIT = "住建局"
FORMATS = ["html", "docx"]


@dataclass
class Runs:
    data: Path
    published: Path  # what `jj123 publish` rendered
    later: BatchResult  # the same quarter after the live ledger changed
    corrected: BatchResult  # after a correction
    bulletin: Path  # `jj123 bulletin` of the published quarter after the live ledger changed
    live_before: dict[str, str]
    live_after: dict[str, str]


def _lights(data: Path) -> dict[str, str]:
    rated = rate_quarter(QUARTER, data)
    return dict(zip(rated["task_id"], rated["light"], strict=True))


@pytest.fixture(scope="module")
def runs(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("published")
    data = demo_copy(demo_data.data_dir, root / "data")
    published = root / "published"
    assert main(["publish", "--quarter", QUARTER, "--as-of", "2026-10-20", "--by", "张三", "--data-dir", str(data),
                 "--out", str(published), "--formats", ",".join(FORMATS), "--no-progress"]) == 0
    live_before = _lights(data)
    # The live ledger moves on: a changed form received now, an override, a 销号 revoked (library calls, as
    # any writer might; the commands refuse them for a published quarter, see tests/ledger/test_publications.py).
    ingest_changed_form(data, UNIT, root / "late", lambda task: {"存在问题": f"补报：{task} 有新困难"})
    ledger = Ledger(data)
    ledger.add_override("N01", QUARTER, "red", "事后调整，封账后不应出现", "李四")
    live_after = _lights(data)
    later = run_batch(QUARTER, data_dir=data, out=root / "later", progress=False, formats=FORMATS, force=True)
    bulletin = root / "通报.docx"
    assert main(["bulletin", "--quarter", QUARTER, "--out", str(bulletin), "--data-dir", str(data)]) == 0
    assert main(["override", "N02", "--quarter", QUARTER, "--light", "red", "--reason", "经复核进度不实，更正为红灯",
                 "--by", "王五", "--correct", "--data-dir", str(data)]) == 0
    corrected = run_batch(QUARTER, data_dir=data, out=root / "corrected", progress=False, formats=FORMATS,
                          force=True)
    return Runs(data, published, later, corrected, bulletin, live_before, live_after)


def _outputs(folder: Path) -> dict[str, bytes]:
    """Every page's bytes, and each Word document's document.xml."""
    found = {p.name: p.read_bytes() for p in folder.glob("*.html")}
    for path in folder.glob("*.docx"):
        with zipfile.ZipFile(path) as docx:
            found[path.name] = docx.read("word/document.xml")
    return found


def test_the_live_ledger_did_change(runs: Runs) -> None:
    assert runs.live_after != runs.live_before and runs.live_after["N01"] == "red"


def test_a_published_quarter_renders_byte_identical_after_the_live_ledger_changed(runs: Runs) -> None:
    assert runs.later.ok, runs.later.summary()
    first, later = _outputs(runs.published), _outputs(runs.later.out_dir)
    assert len([n for n in first if n.endswith(".html")]) >= 9 and "bulletin.docx" in first
    assert later.keys() == first.keys()
    assert [name for name in first if first[name] != later[name]] == []


def test_the_bulletin_command_gives_the_published_bulletin_byte_for_byte(runs: Runs) -> None:
    with zipfile.ZipFile(runs.bulletin) as docx:
        made = docx.read("word/document.xml")
    assert made == _outputs(runs.published)["bulletin.docx"]


def test_a_published_quarter_refuses_another_moment(runs: Runs, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["batch", "--quarter", QUARTER, "--as-of", "2026-10-25", "--out", str(tmp_path / "out"),
                     "--formats", "html", "--no-progress"],
                    ["bulletin", "--quarter", QUARTER, "--as-of", "2026-10-25", "--out", str(tmp_path / "b.docx")]):
        assert main([*command, "--data-dir", str(runs.data)]) != 0
        err = capsys.readouterr().err
        assert "2026Q3 已于 2026-12-05 封账发布" in err and "数据截至 2026-10-20 23:59" in err, err
    assert not (tmp_path / "out").exists() and not (tmp_path / "b.docx").exists()


def test_published_reports_and_the_index_say_so_with_the_day(runs: Runs) -> None:
    overview = (runs.published / "overview.html").read_text(encoding="utf-8")
    index = (runs.published / "index.html").read_text(encoding="utf-8")
    for page in (overview, index):
        assert "已发布：本季度于 2026-12-05 封账发布（数据截至 2026-10-20 23:59）" in page and "草稿" not in page
    assert "生成日期：2026-10-20" in overview  # the clock stood at the publication's moment
    for page in (overview, index):  # the read's moment, not the latest 填报日期
        assert "<span>数据截至：2026-10-20 23:59</span>" in page


def test_a_correction_shows_in_the_next_render_with_its_reason(runs: Runs) -> None:
    assert runs.corrected.ok, runs.corrected.summary()
    first, corrected = _outputs(runs.published), _outputs(runs.corrected.out_dir)
    changed = {name for name in first if first[name] != corrected.get(name)}
    assert "overview.html" in changed
    page = (runs.corrected.out_dir / "overview.html").read_text(encoding="utf-8")
    assert "更正说明" in page and "经复核进度不实，更正为红灯" in page and "N02 灯号调整为红灯" in page
    assert "王五" in page
    found = publication(runs.data, QUARTER)
    assert found is not None and len(found.corrections) == 1
    # The correction reached the published view; the live ledger's later override did not.
    published = Ledger(found.folder).at(read_moment("2026-10-20")).overrides(QUARTER, active_only=True)
    assert "N02" in set(published["task_id"]) and "N01" not in set(published["task_id"])


def test_an_unpublished_quarter_is_a_draft(runs: Runs) -> None:
    header = str(leader_report_data("陈丽蓉", "2026Q2", runs.data).header_html())
    assert "草稿：本季度尚未封账发布" in header
    page = index_html({"quarter": "2026Q2", "demo": True, "generated_at": "2026-12-05T10:00:00+08:00",
                       "generator": "jj123", "reports": [], "publication": {"status": "draft"}})
    assert "草稿：本季度尚未封账发布" in page
