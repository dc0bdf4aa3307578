"""``jj123 publish --year``: the year-end review published as of a moment, refused while it is a 预评; once
published, ``batch --year`` and ``annual`` give it as it was published, whatever the live ledger says later."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.annual.batch import run_annual_batch
from jj123lib.annual.review import annual_review
from jj123lib.cli.main import main
from jj123lib.ledger.publications import publication, publications
from jj123lib.ledger.store import Ledger
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.slow


def _publish(data: Path, out: Path, as_of: str) -> int:
    return main(["publish", "--year", "2026", "--as-of", as_of, "--by", "张三", "--data-dir", str(data),
                 "--out", str(out), "--formats", "html,docx", "--no-progress"])


def test_refused_before_the_q4_deadline_in_chinese(demo_data: DemoSummary, tmp_path: Path,
                                                   clock_at: Callable[[str], datetime],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    clock_at("2026-12-20T10:00:00+08:00")
    data = demo_copy(demo_data.data_dir, tmp_path / "data")
    assert _publish(data, tmp_path / "out", "2026-12-20") != 0
    said = capsys.readouterr().err
    assert "预评" in said and "不能发布" in said and "2027-01-10" in said
    assert publications(data, "2026") == [] and not (data / "published" / "2026").exists()
    assert not (tmp_path / "out" / "annual.html").exists()


def _docx_body(path: Path) -> bytes:
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml")


def test_published_after_the_deadline_then_rendered_as_published(demo_data: DemoSummary, tmp_path: Path,
                                                                   clock_at: Callable[[str], datetime],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    clock_at("2027-02-01T10:00:00+08:00")
    data = demo_copy(demo_data.data_dir, tmp_path / "data")
    published = tmp_path / "published"
    assert _publish(data, published, "2027-01-31") == 0
    found = publication(data, "2026")
    assert found is not None and found.as_of.startswith("2027-01-31T23:59") and found.by == "张三"
    assert set(found.outputs) == {"annual.html", "annual.docx"}
    page = (published / "annual.html").read_text(encoding="utf-8")
    assert "已发布：本年度考评于 2027-02-01 封账发布（数据截至 2027-01-31 23:59）" in page and "预评" not in page
    assert "已发布：本年度考评" in (published / "index.html").read_text(encoding="utf-8")
    before = annual_review(2026, Ledger(data).at(found.moment), as_of=found.moment.date())
    # The live ledger changes: every Q4 lead figure rewritten (as no command would; the review must not move).
    with Ledger(data).transaction() as conn:
        conn.execute("UPDATE submissions SET actual_pct = 5 WHERE quarter = '2026Q4' AND role = 'lead'")
    after = annual_review(2026, Ledger(data).at(found.moment), as_of=found.moment.date())
    assert after.counts() != before.counts()
    later = run_annual_batch(2026, data_dir=data, out=tmp_path / "later", formats=["html", "docx"], force=True,
                             progress=False)
    assert later.ok
    assert (later.out_dir / "annual.html").read_bytes() == (published / "annual.html").read_bytes()
    assert _docx_body(later.out_dir / "annual.docx") == _docx_body(published / "annual.docx")
    # `jj123 annual` reads the published review too, and says so.
    capsys.readouterr()
    assert main(["annual", "--year", "2026", "--format", "json", "--data-dir", str(data)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["已发布"].startswith("已发布：2026 年度考评于 2027-02-01 发布")
    assert shown["结果统计"] == before.counts()
    # Publishing twice is refused.
    assert _publish(data, tmp_path / "again", "2027-01-31") != 0
    assert "不能重复发布" in capsys.readouterr().err
