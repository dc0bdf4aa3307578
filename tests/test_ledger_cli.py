"""The ledger commands end to end: forms → ingest → ledger/ratings/league/override, demo banner."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from ledger_helpers import filled_progress, snapshot

from jj123lib.cli import main
from jj123lib.ingest import ingest_files


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_forms_command_writes_one_file_per_unit(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "forms", "--quarter", "2026Q3", "--data-dir", str(tmp_path / "d"),
                       "--out", str(tmp_path / "f"))
    assert code == 0 and "已生成 33 份" in out
    assert len(list((tmp_path / "f").glob("2026Q3_*_进度填报.xlsx"))) == 33
    code, out, _ = run(capsys, "forms", "--plan", "--data-dir", str(tmp_path / "d"), "--out", str(tmp_path / "p"))
    assert code == 0 and len(list((tmp_path / "p").glob("2026_*_年度计划.xlsx"))) == 30
    code, _, err = run(capsys, "forms", "--data-dir", str(tmp_path / "d"))
    assert code == 2 and "--quarter" in err


def test_ingest_exit_codes_and_views(tmp_path: Path, capsys) -> None:
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


def test_override_command(tmp_path: Path, capsys) -> None:
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


def test_demo_dir_commands_print_banner(demo_data, capsys) -> None:
    code, out, err = run(capsys, "ratings", "--quarter", "2026Q3", "--data-dir", str(demo_data.data_dir))
    assert code == 0 and err.startswith("【示例数据】")
    for label in ("已完成", "绿灯", "黄灯", "红灯", "未报送"):
        assert label in out
    code, out, err = run(capsys, "league", "--quarter", "2026Q3", "--data-dir", str(demo_data.data_dir))
    assert code == 0 and "【示例数据】" in err and out.count("\n") >= 10


def test_exports_from_demo_data_say_so(demo_data, tmp_path: Path, capsys) -> None:
    from openpyxl import load_workbook

    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "l.xlsx"
    assert run(capsys, "ratings", "--quarter", "2026Q3", "--format", "csv", "--out", str(csv_path),
               "--data-dir", str(demo_data.data_dir))[0] == 0
    frame = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert frame.columns[0] == "数据性质" and set(frame["数据性质"]) == {"示例数据（演示用，非真实进展）"}
    assert run(capsys, "league", "--quarter", "2026Q3", "--format", "xlsx", "--out", str(xlsx_path),
               "--data-dir", str(demo_data.data_dir))[0] == 0
    ws = load_workbook(xlsx_path)["2026Q3市领导排名（示例数据）"]
    assert ws.cell(1, 1).value == "数据性质" and ws.cell(2, 1).value.startswith("示例数据")


def test_reading_a_missing_data_dir_is_an_error_not_all_missing(tmp_path: Path, capsys) -> None:
    for command in ("ratings", "league", "ledger"):
        code, out, err = run(capsys, command, "--quarter", "2026Q3", "--data-dir", str(tmp_path / "typo"))
        assert code == 2 and out == "" and "数据文件夹不存在" in err, command
    assert not (tmp_path / "typo").exists()
