"""The foundation commands: tasks, check, notice."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from jj123lib.cli.main import main
from jj123lib.domain.tasks import default_notice_path, load_tasks, write_tasks_csv
from tests.notice_variants import Style, write_notice

JJ123 = Path(sys.executable).with_name("jj123")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tasks_table_filters_by_leader(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tasks", "--leader", "陈丽蓉")
    assert code == 0
    for title in load_tasks().query("leader == '陈丽蓉'")["title"]:
        assert title in out
    assert "共 6 项任务" in out


def test_tasks_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "tasks", "--tier", "national", "--format", "json")
    records = json.loads(out)
    assert [r["task_id"] for r in records] == [f"N0{i}" for i in range(1, 9)]
    assert records[7]["units"] == ["陈埭镇", "鞋纺城公司"]
    _, out, _ = run(capsys, "tasks", "--unit", "陈埭镇", "--format", "csv")
    assert len(pd.read_csv(io.StringIO(out))) == 6


def test_unknown_leader_lists_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "tasks", "--leader", "李四")
    assert code == 2
    assert "李四" in err and "张健龙" in err and "陈英煌" in err


def test_check_passes_on_canonical_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert "配额检查通过" in out


def test_check_fails_when_a_leader_loses_a_task(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tasks = load_tasks()
    tasks.loc[tasks["task_id"] == "N03", "leader"] = "陈英煌"  # 王也夫 loses their national task
    path = write_tasks_csv(tasks, tmp_path / "moved.csv")
    code, out, _ = run(capsys, "check", "--tasks", str(path))
    assert code == 1
    assert "王也夫的全国领先示范任务只有 0 项" in out


def test_notice_on_rewritten_notice_gives_48_rows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text, expected = write_notice(
        load_tasks(), Style(seed=11, wrap_probability=0.7, half_width_probability=0.5, leader_map={"陈清平": "郑晓东"})
    )
    path = tmp_path / "notice_2027.txt"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "notice", str(path), "--format", "csv")
    assert code == 0
    csv_path = tmp_path / "tasks.csv"
    csv_path.write_text(out, encoding="utf-8")
    # What `notice` writes is accepted by `--tasks`.
    pd.testing.assert_frame_equal(load_tasks(csv_path), expected)
    code, out, _ = run(capsys, "tasks", "--tasks", str(csv_path), "--leader", "郑晓东")
    assert code == 0 and "共 6 项任务" in out


def test_notice_missing_units_exits_nonzero_naming_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = default_notice_path().read_text(encoding="utf-8")
    path = tmp_path / "broken.txt"
    path.write_text(text.replace("，责任单位：财政局）", "）", 1), encoding="utf-8")  # P02, line 42
    code, out, err = run(capsys, "notice", str(path))
    assert code == 2
    assert out == ""
    assert "第 42 行" in err and "责任单位" in err and str(path) in err


def test_notice_reads_gbk(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(default_notice_path().read_text(encoding="utf-8").encode("gb18030"))
    code, out, _ = run(capsys, "notice", str(path), "--format", "json")
    assert code == 0 and len(json.loads(out)) == 48


def test_console_script_is_installed() -> None:
    result = subprocess.run([str(JJ123), "check"], capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 0, result.stderr
    assert "配额检查通过" in result.stdout


def test_argument_errors_are_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["tasks", "--format", "xml"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "用法：" in err and "错误" in err and "无效的取值 'xml'" in err
    assert "usage" not in err and "invalid choice" not in err and "argument" not in err
    with pytest.raises(SystemExit):
        main(["tasks", "--bogus"])
    assert "无法识别的参数：--bogus" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = capsys.readouterr().out
    assert "显示帮助并退出" in help_text and "show this help" not in help_text


def test_unreadable_and_unwritable_paths_give_chinese_errors_not_tracebacks(capsys: pytest.CaptureFixture[str],
                                                                            tmp_path: Path) -> None:
    code, _, err = run(capsys, "tasks", "--tasks", str(tmp_path))
    assert code == 2 and "错误" in err and "Traceback" not in err
    code, _, err = run(capsys, "notice", str(tmp_path))
    assert code == 2 and "文件夹" in err
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00\xd8\x81")
    code, _, err = run(capsys, "notice", str(binary))
    assert code == 2 and "UTF-8" in err and "GBK" in err
    code, _, err = run(capsys, "check", "--rules", str(tmp_path / "none.yaml"))
    assert code == 2 and "不存在" in err
