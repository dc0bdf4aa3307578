"""The ledger commands end to end: forms → ingest → ledger/ratings/league/override, demo banner."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from jj123lib.cli.main import main
from jj123lib.core.clock import CHINA_TZ
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import TASKS, filled_progress, snapshot

pytestmark = pytest.mark.usefixtures("q3_forms_received")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_forms_command_writes_one_file_per_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "--quarter", "2026Q3", "--data-dir", str(tmp_path / "d"),
                       "--out", str(tmp_path / "f"))
    assert code == 0 and "已生成 33 份" in out
    assert len(list((tmp_path / "f").glob("2026Q3_*_进度填报.xlsx"))) == 33
    code, out, _ = run(capsys, "forms", "--plan", "--data-dir", str(tmp_path / "d"), "--out", str(tmp_path / "p"))
    assert code == 0 and len(list((tmp_path / "p").glob("2026_*_年度计划.xlsx"))) == 30
    code, _, err = run(capsys, "forms", "--data-dir", str(tmp_path / "d"))
    assert code == 2 and "--quarter" in err


def test_ingest_exit_codes_and_views(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    good = filled_progress(tmp_path, "商务局", changes={"N02": {"工作进展": "-1 签约项目 3 个"}})
    code, out, _ = run(capsys, "ingest", str(good), "--data-dir", str(data))
    assert code == 0 and "已导入" in out
    code, out, _ = run(capsys, "ingest", str(good), "--data-dir", str(data))
    assert code == 0 and "此前已导入" in out
    bad = filled_progress(tmp_path / "bad", "商务局", changes={"P04": {"实际累计进度(%)": 150}})
    before = snapshot(data)
    code, _, err = run(capsys, "ingest", str(bad), "--data-dir", str(data))
    assert code == 2 and "第 3 行" in err and "值“150”超出 0–100 的范围" in err
    assert snapshot(data) == before

    code, out, _ = run(capsys, "ledger", "--quarter", "2026Q3", "--format", "csv", "--data-dir", str(data))
    assert code == 0 and "'-1 签约项目 3 个" in out  # formula neutralised in exports
    xlsx = tmp_path / "ratings.xlsx"
    code, _, _ = run(capsys, "ratings", "--quarter", "2026Q3", "--format", "xlsx", "--out", str(xlsx),
                     "--data-dir", str(data))
    frame = pd.read_excel(xlsx)
    assert code == 0 and len(frame) == 48 and "督查室灯号" in frame.columns
    code, out, _ = run(capsys, "league", "--quarter", "2026Q3", "--format", "json", "--data-dir", str(data))
    assert code == 0 and len(json.loads(out)) == 8


def test_override_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    ingest_files([filled_progress(tmp_path, "商务局")], data)
    code, _, err = run(capsys, "override", "N02", "--quarter", "2026Q3", "--light", "红灯", "--data-dir", str(data))
    assert code == 2 and "理由" in err
    code, out, _ = run(capsys, "override", "N02", "--quarter", "2026Q3", "--light", "红灯", "--reason",
                       "实地核查进度不实", "--by", "王督查", "--data-dir", str(data))
    assert code == 0 and "红灯" in out
    code, out, _ = run(capsys, "ratings", "--quarter", "2026Q3", "--format", "json", "--data-dir", str(data))
    row = next(r for r in json.loads(out) if r["任务编号"] == "N02")
    assert row["督查室灯号"] == "红灯" and row["督查室调整"] == "是" and "实地核查进度不实" in row["理由"]
    code, _, _ = run(capsys, "override", "N02", "--quarter", "2026Q3", "--revoke", "--reason", "复核属实",
                     "--data-dir", str(data))
    assert code == 0
    code, out, _ = run(capsys, "override", "--list", "--format", "json", "--data-dir", str(data))
    assert [r["已撤销"] for r in json.loads(out)] == ["是"]
    code, _, err = run(capsys, "override", "Z99", "--quarter", "2026Q3", "--light", "red", "--reason", "随便写写",
                       "--data-dir", str(data))
    assert code == 2 and "Z99" in err


def test_override_as_of_reads_as_of_and_never_back_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    ingest_files([filled_progress(tmp_path, "商务局")], data)  # received now, 10-20 10:00
    ledger = Ledger(data)
    ledger.add_override("N02", "2026Q3", "red", "实地核查进度不实", "王督查", now=_china("2026-10-15T09:00"))
    ledger.revoke_override("N02", "2026Q3", "李督查", "复核属实", now=_china("2026-10-18T09:00"))

    def listed(*as_of: str) -> list[dict[str, str]]:
        code, out, _ = run(capsys, "override", "--list", "--format", "json", *as_of, "--data-dir", str(data))
        assert code == 0
        return list(json.loads(out))

    assert listed("--as-of", "2026-10-14") == []
    assert [r["已撤销"] for r in listed("--as-of", "2026-10-15T09:00")] == ["否"]  # revoked only later
    assert [r["已撤销"] for r in listed()] == ["是"]
    code, out, _ = run(capsys, "override", "--list", "--as-of", "2026-10-15T09:00", "--data-dir", str(data))
    assert code == 0 and "数据截至 2026-10-15 09:00" in out
    code, out, _ = run(capsys, "override", "N02", "--quarter", "2026Q3", "--light", "黄灯", "--reason", "再次核查",
                       "--by", "王督查", "--as-of", "2026-10-16", "--data-dir", str(data))
    # As of 10-16 the form was not in yet (received 10-20): the rule said 未报送 then.
    assert code == 0 and "截至 2026-10-16 23:59，N02 按规则判定为未报送" in out and "不倒签" in out
    code, out, _ = run(capsys, "ratings", "--quarter", "2026Q3", "--as-of", "2026-10-16T08:30", "--data-dir", str(data))
    assert code == 0 and "数据截至 2026-10-16 08:30。" in out  # the read's moment, not the latest 填报日期
    stamps = [str(r["调整时间"]) for r in listed()]
    assert stamps[-1].startswith("2026-10-20T10:00")  # the record is stamped now, not at --as-of


def _china(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=CHINA_TZ)


def test_demo_dir_commands_print_banner(demo_data: DemoSummary, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ratings", "--quarter", "2026Q3", "--data-dir", str(demo_data.data_dir))
    assert code == 0 and err.startswith("【示例数据】")
    for label in ("已完成", "绿灯", "黄灯", "红灯", "未报送"):
        assert label in out
    code, out, err = run(capsys, "league", "--quarter", "2026Q3", "--data-dir", str(demo_data.data_dir))
    assert code == 0 and "【示例数据】" in err and out.count("\n") >= 10


def test_terminal_tables_fit_100_columns_and_wide_shows_every_column(
        demo_data: DemoSummary, capsys: pytest.CaptureFixture[str]) -> None:
    from jj123lib.core.formats import display_width

    data = str(demo_data.data_dir)
    for argv in (["ratings", "--quarter", "2026Q3"], ["duban", "--quarter", "2026Q3"], ["flags", "--quarter", "2026Q3"],
                 ["league", "--quarter", "2026Q3", "--by", "unit"]):
        code, out, _ = run(capsys, *argv, "--data-dir", data)
        table = out.split("\n\n", 1)[0]  # the footer after it is prose the terminal wraps
        assert code == 0 and max(display_width(line) for line in table.splitlines()) <= 100, argv
    code, narrow, _ = run(capsys, "ratings", "--quarter", "2026Q3", "--data-dir", data)
    assert "理由" in narrow.split("未显示", 1)[1].replace("\n", "")
    code, wide, _ = run(capsys, "--wide", "ratings", "--quarter", "2026Q3", "--data-dir", data)
    assert code == 0 and "未显示" not in wide and max(display_width(line) for line in wide.splitlines()) > 100
    header = wide.splitlines()[0]
    assert "任务名称" in header and "理由" in header


def test_exports_from_demo_data_say_so(demo_data: DemoSummary, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "l.xlsx"
    assert run(capsys, "ratings", "--quarter", "2026Q3", "--format", "csv", "--out", str(csv_path),
               "--data-dir", str(demo_data.data_dir))[0] == 0
    frame = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert frame.columns[0] == "数据性质" and set(frame["数据性质"]) == {"示例数据（演示用，非真实进展）"}
    assert run(capsys, "league", "--quarter", "2026Q3", "--format", "xlsx", "--out", str(xlsx_path),
               "--data-dir", str(demo_data.data_dir))[0] == 0
    ws = load_workbook(xlsx_path)["2026Q3市领导排名（示例数据）"]
    assert ws.cell(1, 1).value == "数据性质" and ws.cell(2, 1).value.startswith("示例数据")  # type: ignore[union-attr]  # openpyxl: a cell may hold any value


def test_reading_a_missing_data_dir_is_an_error_not_all_missing(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("ratings", "league", "ledger"):
        code, out, err = run(capsys, command, "--quarter", "2026Q3", "--data-dir", str(tmp_path / "typo"))
        assert code == 2 and out == "" and "数据文件夹不存在" in err, command
    assert not (tmp_path / "typo").exists()


# ------------------------------------------------------------------ --data-dir and --out
def _ledger_folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert ingest_files([filled_progress(tmp_path / "in", "商务局")], data)[0].status == "accepted"
    return data


def test_an_empty_data_dir_is_an_error_for_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    good = filled_progress(tmp_path / "in", "商务局")
    for argv in (["ingest", str(good)], ["ledger", "--quarter", "2026Q3"], ["ratings", "--quarter", "2026Q3"],
                 ["forms", "--plan"], ["demo-data"]):
        code, _, err = run(capsys, *argv, "--data-dir", "")
        assert code == 2 and "--data-dir" in err and "不能为空" in err, (argv, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # nothing written into the current folder


def test_reading_commands_refuse_a_folder_that_is_not_a_data_folder(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "空"
    empty.mkdir()
    for folder in ("/", "/proc", str(empty)):
        for argv in (["ledger", "--quarter", "2026Q3"], ["ratings", "--quarter", "2026Q3"],
                     ["league", "--quarter", "2026Q3"], ["override", "--list"]):
            code, out, err = run(capsys, *argv, "--data-dir", folder)
            assert code == 2 and f"“{Path(folder).absolute()}”" in err and "不是 jj123 数据文件夹" in err, (argv, err)
            assert out == ""


def test_the_error_names_the_absolute_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "别处").mkdir()
    code, _, err = run(capsys, "ledger", "--quarter", "2026Q3", "--data-dir", "别处")
    assert code == 2 and f"“{tmp_path / '别处'}”" in err


def test_writing_commands_refuse_a_foreign_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    good = filled_progress(tmp_path / "in", "商务局")
    for argv in (["ingest", str(good)], ["forms", "--quarter", "2026Q3"]):
        code, _, err = run(capsys, *argv, "--data-dir", str(foreign))
        assert code == 2 and f"“{foreign}”" in err and "notes.txt" in err, (argv, err)
    code, _, err = run(capsys, "ingest", str(good), "--data-dir", "/")
    assert code == 2 and "不是 jj123 数据文件夹" in err
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    assert not Path("/ledger.sqlite").exists()


def test_writing_commands_accept_a_new_or_empty_or_data_folder(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "空"
    empty.mkdir()
    for folder in (empty, tmp_path / "新" / "data"):
        good = filled_progress(tmp_path / "in" / folder.name, "商务局")
        code, out, err = run(capsys, "ingest", str(good), "--data-dir", str(folder))
        assert code == 0 and "已导入" in out, err
        code, out, _ = run(capsys, "ingest", str(filled_progress(tmp_path / "in2" / folder.name, "教育局")),
                           "--data-dir", str(folder))
        assert code == 0 and "已导入" in out


def test_out_never_replaces_a_device_a_fifo_or_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _ledger_folder(tmp_path)
    fifo = tmp_path / "管道.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "目录.csv"
    folder.mkdir()
    for out, reason in (("/dev/full", "不是普通文件"), (str(fifo), "不是普通文件"), (str(folder), "文件夹")):
        for argv in (["ledger", "--quarter", "2026Q3"], ["ratings", "--quarter", "2026Q3"],
                     ["league", "--quarter", "2026Q3"]):
            code, _, err = run(capsys, *argv, "--data-dir", str(data), "--format", "csv", "--out", out)
            assert code == 2 and reason in err and "Errno" not in err, (argv, out, err)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode) and stat.S_ISFIFO(os.stat(fifo).st_mode) and folder.is_dir()
    regular = tmp_path / "台账.csv"
    regular.write_text("old", encoding="utf-8")
    code, _, _ = run(capsys, "ledger", "--quarter", "2026Q3", "--data-dir", str(data), "--format", "csv",
                      "--out", str(regular))
    assert code == 0 and "商务局" in regular.read_text(encoding="utf-8-sig")


def test_ratings_and_league_judge_the_deadline_on_as_of(demo_data: DemoSummary,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """2026Q4 is due on 2027-01-10: before it nothing is 未报送, after it every unreported task is.

    In the demo one unit (``missing_unit``) sends nothing in Q3 or Q4; every other unit reports Q4.
    """
    data = str(demo_data.data_dir)
    silent = set(TASKS.loc[TASKS["lead_unit"] == demo_data.missing_unit, "task_id"])
    assert silent
    for command in ("ratings", "league"):
        assert main([command, "--quarter", "2026Q4", "--data-dir", data, "--format", "json",
                     "--as-of", "2027-01-10"]) == 0
        before = json.loads(capsys.readouterr().out)
        assert main([command, "--quarter", "2026Q4", "--data-dir", data, "--format", "json",
                     "--as-of", "2027-01-11"]) == 0
        after = json.loads(capsys.readouterr().out)
        if command == "ratings":
            pending = {row["任务编号"] for row in before if row["督查室灯号"] == "未到报送期"}
            missing = {row["任务编号"] for row in after if row["督查室灯号"] == "未报送"}
            assert pending == missing == silent
            assert "未报送" not in {row["督查室灯号"] for row in before}
        else:
            assert all(row["未报送"] == 0 for row in before)
            assert sum(row["未报送"] for row in after) == len(silent)
    with pytest.raises(SystemExit) as refused:  # refused while the arguments are parsed
        main(["league", "--quarter", "2026Q3", "--data-dir", data, "--as-of", "2026-1x-01"])
    assert refused.value.code == 2
    assert "2026-1x-01" in capsys.readouterr().err
