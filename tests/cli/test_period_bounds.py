"""``--quarter`` and ``--as-of`` inside the task table's years, checked once while the arguments are parsed.

A quarter of a year the table does not cover, or an ``--as-of`` outside its years or far ahead, stops every
command before it reads or writes anything, with a Chinese message naming the argument and the years.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.cli.main import main
from jj123lib.domain.parameters import AS_OF_FUTURE_DAYS, validate_as_of

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from datetime import datetime

    from jj123lib.demo.generate import DemoSummary

# Every command taking --quarter, with what else it needs to run.
QUARTER_COMMANDS = [
    ["duban", "issue", "--by", "林督查"],
    ["duban", "forms"],
    ["duban"],
    ["coordination"],
    ["cuibao"],
    ["benchmarks"],
    ["ratings"],
    ["league"],
    ["signals"],
    ["flags"],
    ["verify"],
    ["receipts"],
    ["ledger"],
    ["bulletin", "--out", "通报.docx"],
    ["batch", "--formats", "docx", "--no-progress"],
    ["forms"],
    ["override", "N01", "--light", "red", "--reason", "核查进度不实"],
    ["publish", "--by", "张三"],
]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused_while_parsing(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as refused:
        main(argv)
    assert refused.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_duban_issue_for_an_uncovered_year_creates_nothing(demo_data: DemoSummary, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    before = _digest(demo_data.data_dir)
    err = _refused_while_parsing(["duban", "issue", "--quarter", "2025Q3", "--by", "林督查",
                                  "--data-dir", str(demo_data.data_dir)], capsys)
    assert "参数 --quarter" in err and "2025Q3" in err and "2026 年度" in err
    assert _digest(demo_data.data_dir) == before  # the ledger and every other file unchanged
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("quarter", ["2025Q3", "2028Q1"])
@pytest.mark.parametrize("command", QUARTER_COMMANDS, ids=lambda argv: "-".join(argv[:2]))
def test_every_command_refuses_a_quarter_outside_the_table(command: list[str], quarter: str, demo_data: DemoSummary,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    ledger = (demo_data.data_dir / "ledger.sqlite").read_bytes()
    err = _refused_while_parsing([*command, "--quarter", quarter, "--data-dir", str(demo_data.data_dir)], capsys)
    assert f"参数 --quarter：值“{quarter}”无效" in err and "任务表只包含 2026 年度" in err and "2026Q4" in err
    assert (demo_data.data_dir / "ledger.sqlite").read_bytes() == ledger
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("as_of", ["2025-12-31", "2028-01-01", "2099-10-20T17:00", "10/20/2026"])
@pytest.mark.parametrize("command", [["ratings", "--quarter", "2026Q3"], ["duban", "issue", "--quarter", "2026Q3"],
                                     ["cuibao", "--quarter", "2026Q3"], ["coordination"], ["annual", "--year", "2026"],
                                     ["bulletin", "--quarter", "2026Q3", "--out", "通报.docx"]],
                         ids=lambda argv: argv[0])
def test_an_as_of_outside_the_tables_years_is_refused(command: list[str], as_of: str, demo_data: DemoSummary,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    ledger = (demo_data.data_dir / "ledger.sqlite").read_bytes()
    err = _refused_while_parsing([*command, "--as-of", as_of, "--data-dir", str(demo_data.data_dir)], capsys)
    assert f"参数 --as-of：值“{as_of}”无效" in err
    if "/" not in as_of:
        assert "2026-01-01 至 2027-12-31" in err
    assert (demo_data.data_dir / "ledger.sqlite").read_bytes() == ledger
    assert list(tmp_path.iterdir()) == []


def test_an_as_of_more_than_a_year_ahead_is_refused(clock_at: Callable[[str], datetime],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    clock_at("2026-01-05T10:00:00+08:00")
    assert validate_as_of("2027-01-06") == "2027-01-06"  # the last day within AS_OF_FUTURE_DAYS
    err = _refused_while_parsing(["ratings", "--quarter", "2026Q3", "--as-of", "2027-01-07"], capsys)
    assert f"不能晚于今天之后 {AS_OF_FUTURE_DAYS} 天（2027-01-06）" in err


def test_the_year_after_the_table_holds_the_year_end(demo_data: DemoSummary,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Q4's reports and the year-end review fall in the next year: an --as-of there is read."""
    assert main(["cuibao", "--quarter", "2026Q4", "--as-of", "2027-01-11", "--data-dir",
                 str(demo_data.data_dir)]) == 0
    assert "错误" not in capsys.readouterr().err
