"""A published year-end review changes only as a correction, like a published quarter.

The review reads every quarter of its year, so a change to any of them (an override, a verify, a form, a
withdrawal) is refused once the year is published, naming the review; with ``--correct --reason --by`` it is
applied to the year's snapshot at its moment and to the live ledger, recorded, listed by ``publish --year
--list`` and shown as the review's 更正说明.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from jj123lib.cli.main import main
from jj123lib.core.resources import DEFAULT_RULES
from jj123lib.domain.units import default_units_path
from jj123lib.ledger.publications import publication, publish
from jj123lib.ledger.store import Ledger
from jj123lib.reports.base import publication_html
from tests.ledger_helpers import record_plan, record_progress

INPUTS = {"rules.yaml": DEFAULT_RULES, "units.yaml": default_units_path()}


@pytest.fixture
def published(tmp_path: Path, clock_at: Callable[[str], datetime]) -> Path:
    """公安局's plan and four quarters; 2026Q3 published on 10-20, the year's review on 2027-02-01."""
    clock_at("2026-10-20T10:00:00+08:00")
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {"N07": (20.0, 45.0, 70.0, 100.0)})
    for q, pct in ((1, 20.0), (2, 45.0), (3, 70.0)):
        record_progress(ledger, "公安局", f"2026Q{q}", {"N07": {"actual_pct": pct}})
    publish(ledger, "2026Q3", by="张三", inputs=INPUTS)
    clock_at("2027-02-01T10:00:00+08:00")
    record_progress(ledger, "公安局", "2026Q4", {"N07": {"actual_pct": 100.0, "report_date": "2027-01-08"}})
    publish(ledger, "2026", by="张三", inputs=INPUTS)
    clock_at("2027-02-03T09:00:00+08:00")
    return ledger.data_dir


def _override(data: Path, quarter: str, *extra: str) -> list[str]:
    return ["override", "N07", "--quarter", quarter, "--light", "red", "--reason", "经现场复核，进度不实",
            "--by", "李四", "--data-dir", str(data), *extra]


def _overrides(folder: Path) -> list[tuple[str, str]]:
    frame = Ledger(folder).overrides()
    return list(zip(frame["quarter"], frame["light"]))


def test_a_change_to_a_quarter_of_a_published_year_is_refused_naming_the_review(
        published: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_override(published, "2026Q4")) != 0
    said = capsys.readouterr().err
    assert "2026 年度考评已于 2027-02-01 发布" in said and "--correct" in said and "已发布的年度考评" in said
    assert _overrides(published) == [] and _overrides(published / "published" / "2026") == []
    assert main(_override(published, "2026Q4", "--correct")) == 0
    year = publication(published, "2026")
    assert year is not None and [c["detail"]["what"] for c in year.corrections] == ["N07 灯号调整为红灯"]
    assert _overrides(published) == [("2026Q4", "red")]  # the live ledger, once
    assert _overrides(year.folder) == [("2026Q4", "red")]  # the review's snapshot, read at its moment
    assert Ledger(year.folder).at(year.moment).overrides()["quarter"].tolist() == ["2026Q4"]
    shown = str(publication_html("2026", str(published)))
    assert "更正说明" in shown and "经现场复核，进度不实" in shown and "本年度考评发布后督查室作出以下更正" in shown
    capsys.readouterr()
    assert main(["publish", "--year", "2026", "--list", "--data-dir", str(published)]) == 0
    listed = capsys.readouterr().out
    assert "2026 年度考评于 2027-02-01 10:00 由 张三 发布" in listed and "更正 1 次" in listed
    assert "李四：N07 灯号调整为红灯（理由：经现场复核，进度不实）" in listed


def test_a_correction_of_a_published_quarter_corrects_its_published_year_too(published: Path) -> None:
    assert main(_override(published, "2026Q3", "--correct")) == 0
    quarter, year = publication(published, "2026Q3"), publication(published, "2026")
    assert quarter is not None and year is not None
    assert len(quarter.corrections) == len(year.corrections) == 1
    assert _overrides(published) == [("2026Q3", "red")]  # applied to the live ledger once
    assert _overrides(quarter.folder) == _overrides(year.folder) == [("2026Q3", "red")]


def test_an_unpublished_year_needs_no_correction(tmp_path: Path, clock_at: Callable[[str], datetime],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    clock_at("2026-10-20T10:00:00+08:00")
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {"N07": (20.0, 45.0, 70.0, 100.0)})
    assert main(_override(ledger.data_dir, "2026Q3")) == 0
    assert main(_override(ledger.data_dir, "2026Q2", "--correct")) != 0
    assert "2026Q2、2026 尚未封账发布，无需更正" in capsys.readouterr().err


def test_a_form_in_the_published_reviews_view_is_refused_a_later_one_is_not(
        published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.ledger_helpers import TASKS, filled_progress

    led = [t for t, lead in zip(TASKS["task_id"], TASKS["lead_unit"]) if lead == "公安局"]
    dated = {t: {"填报日期": "2027-01-09"} for t in led}
    form = filled_progress(tmp_path / "q4", "公安局", quarter="2026Q4", changes=dated, co_notes=False)
    files = len(Ledger(published).files())
    assert main(["ingest", str(form), "--received", "2027-01-20T10:00", "--data-dir", str(published)]) != 0
    assert "2026 年度考评已于 2027-02-01 发布" in capsys.readouterr().err
    assert len(Ledger(published).files()) == files
    assert main(["ingest", str(form), "--data-dir", str(published)]) == 0  # received now: after the review's moment
    assert len(Ledger(published).files()) == files + 1
    year = publication(published, "2026")
    assert year is not None and not year.corrections
