"""Parameters are checked before anything runs: unknown leaders, malformed quarters, path tricks, code injection."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.cli.main import main
from jj123lib.domain.parameters import NOTEBOOK_PARAMETERS, ReportParams, validate_params
from jj123lib.domain.tasks import leaders

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

VALID_QUARTERS = "2026Q1、2026Q2、2026Q3、2026Q4"
BAD_QUARTERS = ["2026Q5", "2026Q3/../..", "../../etc", "Q3", "2026Q3'; import os #", "2026Q3\nprint(1)"]
BAD_LEADERS = ["张三", "../../x", "张健龙/../../x", '张健龙"\nimport os\n"', "张健龙'; __import__('os').system('id') #"]


def _exit_code(argv: list[str]) -> int:
    """``main``'s exit code, whether a command refuses (2) or argparse does while parsing (SystemExit 2)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def _snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("leader", BAD_LEADERS)
def test_batch_refuses_unknown_leader_listing_valid_ones(leader: str, demo_data: DemoSummary, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    before = _snapshot(tmp_path)
    code = main(["batch", "--quarter", "2026Q3", "--leader", leader, "--data-dir", str(demo_data.data_dir),
                 "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert "可选值：" in err and all(name in err for name in leaders())
    assert _snapshot(tmp_path) == before  # nothing written anywhere, the output folder not even made
    assert not (tmp_path.parent / "x").exists()


def _quarter_argv(command: str, quarter: str, data_dir: Path, tmp_path: Path) -> list[str]:
    """The command line of ``command`` with ``--quarter quarter``, otherwise valid."""
    argv = [command, "--quarter", quarter, "--data-dir", str(data_dir)]
    if command == "batch":
        argv += ["--out", str(tmp_path / "out"), "--no-progress"]
    if command == "forms":
        argv += ["--out", str(tmp_path / "out")]
    if command == "override":
        argv = ["override", "N01", "--light", "red", "--reason", "核查进度不实", *argv[1:]]
    if command == "override-list":
        argv = ["override", "--list", *argv[1:]]
    return argv


@pytest.mark.parametrize("quarter", BAD_QUARTERS)
@pytest.mark.parametrize("command", ["batch", "forms", "ratings", "league", "ledger", "override"])
def test_commands_refuse_malformed_quarter_listing_valid_ones(command: str, quarter: str, demo_data: DemoSummary,
                                                              tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    argv = _quarter_argv(command, quarter, demo_data.data_dir, tmp_path)
    before = _snapshot(tmp_path)
    code = _exit_code(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "季度" in err and VALID_QUARTERS in err
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("quarter", ["2025Q2", "2027q1"])
@pytest.mark.parametrize("command", ["batch", "forms", "ratings", "league", "ledger", "override", "override-list"])
def test_commands_refuse_a_year_outside_the_task_table(command: str, quarter: str, demo_data: DemoSummary,
                                                       tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    argv = _quarter_argv(command, quarter, demo_data.data_dir, tmp_path)
    before = _snapshot(tmp_path)
    ledger_before = (demo_data.data_dir / "ledger.sqlite").read_bytes()
    code = _exit_code(argv)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert quarter in captured.err and "2026 年度" in captured.err and VALID_QUARTERS in captured.err
    assert "晋江市" not in captured.out  # no report, table or form was produced
    assert _snapshot(tmp_path) == before
    assert (demo_data.data_dir / "ledger.sqlite").read_bytes() == ledger_before


def test_forms_refuses_unknown_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["forms", "--quarter", "2026Q3", "--unit", "../不存在局", "--data-dir", str(tmp_path / "d"),
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "可选值：" in err and "商务局" in err
    assert not (tmp_path / "out").exists()


def test_batch_refuses_unknown_format(demo_data: DemoSummary, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["batch", "--quarter", "2026Q3", "--formats", "html,exe", "--data-dir", str(demo_data.data_dir),
                 "--out", str(tmp_path / "out"), "--no-progress"])
    assert code == 2 and "html、pdf" in capsys.readouterr().err


def test_only_fixed_parameter_names_reach_a_notebook(demo_data: DemoSummary) -> None:
    params = validate_params("leader", "2026q3", demo_data.data_dir, "张健龙")
    assert isinstance(params, ReportParams) and params.quarter == "2026Q3"
    assert set(params.as_papermill()) == set(NOTEBOOK_PARAMETERS["leader"])
    overview = validate_params("overview", "2026Q3", demo_data.data_dir)
    assert set(overview.as_papermill()) == set(NOTEBOOK_PARAMETERS["overview"])
    for kind in NOTEBOOK_PARAMETERS:
        assert all(name.isidentifier() for name in NOTEBOOK_PARAMETERS[kind])


def test_export_out_is_respected(demo_data: DemoSummary, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub" / "ratings.csv"
    assert main(["ratings", "--quarter", "2026Q3", "--format", "csv", "--out", str(target), "--data-dir",
                 str(demo_data.data_dir)]) == 0
    capsys.readouterr()
    assert target.is_file() and _snapshot(tmp_path) == {"sub", "sub/ratings.csv"}
