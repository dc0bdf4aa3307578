"""The supervision commands end to end: cuibao, duban, verify, coordination, flags (Chinese, exports)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from jj123lib.cli.main import main
from jj123lib.ledger.store import Ledger
from tests.conftest import Q3_RECEIVED
from tests.ledger_helpers import record_plan, record_progress

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

POLICE = ("N07", "P13", "B19", "B20")
HOSTILE = "=HYPERLINK(\"http://evil\",\"点我\")<script>alert(1)</script>"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _data(tmp_path: Path) -> str:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"actual_pct": 100.0, "self_status": "已完成"},
                                                 "P13": {"actual_pct": 10.0, "coordination": HOSTILE},
                                                 "B19": {}, "B20": {}})
    return str(ledger.data_dir)


@pytest.mark.clock_smoke
def test_cuibao_lists_overdue_units_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(tmp_path)
    code, out, _ = run(capsys, "cuibao", "--quarter", "2026Q3", "--as-of", "2026-10-12", "--data-dir", data)
    assert code == 0 and "逾期天数" in out and "自然资源局" in out and "公安局" not in out.split("\n", 2)[2]
    code, out, _ = run(capsys, "cuibao", "--quarter", "2026Q3", "--as-of", "2026-10-01", "--data-dir", data)
    assert code == 0 and "没有逾期未报送的单位" in out
    code, out, _ = run(capsys, "cuibao", "--quarter", "2026Q3", "--all", "--as-of", "2026-10-12",
                       "--format", "json", "--data-dir", data)
    states = {row["单位"]: row["报送状态"] for row in json.loads(out)}
    assert states["公安局"] == "按时" and states["自然资源局"] == "未报送"


def test_duban_issue_respond_list_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             clock_at: Callable[[str], datetime]) -> None:
    clock_at(Q3_RECEIVED)  # the office's October: the forms are in, the items issued on 10-15 are listed
    data = _data(tmp_path)
    code, out, _ = run(capsys, "duban", "issue", "--quarter", "2026Q3", "--as-of", "2026-10-15", "--by", "林督查",
                       "--data-dir", data)
    assert code == 0 and "新下发" in out and "DB-2026Q3-001" in out
    code, out, _ = run(capsys, "duban", "issue", "--quarter", "2026Q3", "--as-of", "2026-10-15", "--data-dir", data)
    assert code == 0 and out.startswith("新下发 0 件")
    listing = json.loads(run(capsys, "duban", "--quarter", "2026Q3", "--format", "json", "--data-dir", data)[1])
    p13 = next(row for row in listing if row["任务编号"] == "P13")
    assert p13["督办级别"] == "督办" and p13["状态"] == "待整改"
    code, out, _ = run(capsys, "duban", "respond", p13["督办编号"], "--text", HOSTILE, "--by", "公安局",
                       "--data-dir", data)
    assert code == 0 and "待督查室核实销号" in out
    csv_path = tmp_path / "duban.csv"
    run(capsys, "duban", "--quarter", "2026Q3", "--format", "csv", "--out", str(csv_path), "--data-dir", data)
    frame = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert frame.set_index("任务编号").loc["P13", "最新反馈"] == f"已整改：{HOSTILE}"  # starts with text, kept
    code, _, err = run(capsys, "verify", p13["督办编号"], "--quarter", "2026Q3", "--by", "林督查", "--data-dir", data)
    assert code == 2 and "佐证材料" in err
    proof = tmp_path / "整改照片.jpg"
    proof.write_bytes(b"\xff\xd8\xff photo")
    code, _, err = run(capsys, "verify", p13["督办编号"], "--quarter", "2026Q3", "--evidence", str(proof),
                       "--by", "林督查", "--data-dir", data)
    assert code == 2 and "触发条件仍在" in err and "--reason" in err  # P13 is still behind: a reason is due
    code, out, _ = run(capsys, "verify", p13["督办编号"], "--quarter", "2026Q3", "--evidence", str(proof),
                       "--by", "林督查", "--reason", "经现场核实整改到位", "--data-dir", data)
    assert code == 0 and "已核实销号" in out


def test_verify_task_and_list_pending(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(tmp_path)
    code, out, _ = run(capsys, "verify", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--data-dir", data)
    assert code == 0 and "N07" in out and "共 1 项待核实" in out
    code, _, err = run(capsys, "verify", "N07", "--quarter", "2026Q3", "--reject", "--reason", "短",
                       "--data-dir", data)
    assert code == 2 and "理由" in err
    proof = tmp_path / "验收.pdf"
    proof.write_bytes(b"%PDF-1.4")
    assert run(capsys, "verify", "N07", "--quarter", "2026Q3", "--evidence", str(proof), "--by", "林督查",
               "--data-dir", data)[0] == 0
    code, out, _ = run(capsys, "ratings", "--quarter", "2026Q3", "--format", "json", "--data-dir", data)
    assert next(r for r in json.loads(out) if r["任务编号"] == "N07")["督查室灯号"] == "已完成"


def test_coordination_register_and_close(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(tmp_path)
    code, out, err = run(capsys, "coordination", "--format", "csv", "--by", "林督查", "--data-dir", data)
    assert code == 0 and "新登记协调事项 1 件" in err
    assert "'=HYPERLINK" in out  # formula neutralised in the export
    code, _, err = run(capsys, "coordination", "close", "XT-2026Q3-001", "--status", "已解决", "--data-dir", data)
    assert code == 2 and "--ref" in err
    code, out, _ = run(capsys, "coordination", "close", "XT-2026Q3-001", "--status", "已解决", "--ref",
                       "会议纪要〔2026〕12号", "--by", "林督查", "--data-dir", data)
    assert code == 0 and "已解决" in out
    code, out, _ = run(capsys, "coordination", "--open", "--data-dir", data)
    assert code == 0 and "共 0 件协调事项" in out


def test_flags_and_xlsx_needs_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(tmp_path)
    code, out, _ = run(capsys, "flags", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--data-dir", data)
    assert code == 0 and "100% 未经核实" in out and "不改变灯号" in out
    code, _, err = run(capsys, "flags", "--quarter", "2026Q3", "--format", "xlsx", "--data-dir", data)
    assert code == 2 and "--out" in err
    xlsx = tmp_path / "flags.xlsx"
    assert run(capsys, "flags", "--quarter", "2026Q3", "--format", "xlsx", "--out", str(xlsx),
               "--data-dir", data)[0] == 0
    assert "核查提示" in pd.read_excel(xlsx).columns


@pytest.mark.clock_smoke
def test_demo_exports_are_marked(demo_data: DemoSummary, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "demo"
    shutil.copytree(demo_data.data_dir, data)  # the session's demo folder stays untouched
    code, out, err = run(capsys, "duban", "issue", "--quarter", "2026Q3", "--as-of", "2026-10-15",
                         "--data-dir", str(data))
    assert code == 0 and err.startswith("【示例数据】")
    # The listing as of a day after the issue: a demo folder's items are listed whatever day it is.
    code, out, _ = run(capsys, "duban", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--format", "json",
                       "--data-dir", str(data))
    rows = json.loads(out)
    assert rows and all(r["数据性质"].startswith("示例数据") for r in rows)


def test_missing_data_dir_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "flags", "--quarter", "2026Q3", "--data-dir", str(tmp_path / "nope"))
    assert code == 2 and "数据文件夹不存在" in err


def test_cuibao_texts_are_ready_to_send(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(tmp_path)
    code, out, _ = run(capsys, "cuibao", "--quarter", "2026Q3", "--as-of", "2026-10-12", "--texts", "--data-dir", data)
    assert code == 0 and "【自然资源局】您好：贵单位（自然资源局）2026Q3 “123”工作进度填报表" in out
    assert "现已逾期 2 天，请尽快报送督查室。" in out and "【公安局】" not in out
