"""``jj123 signals``: the quarter's 对标 signals beside the lights (table, csv, json, xlsx)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jj123lib.assess.signals import build_view
from jj123lib.cli.main import main
from jj123lib.ledger.store import Ledger
from tests.benchmark_frames import frames, plan_row, value_row
from tests.ledger_helpers import record_plan, record_progress

POLICE = ("N07", "P13", "B19", "B20")
FORMULA = "=HYPERLINK(\"http://evil\",\"点我\")"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path) -> str:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"actual_pct": 70.0}, "P13": {"actual_pct": 10.0},
                                                 "B19": {}, "B20": {}})
    return str(ledger.data_dir)


@pytest.fixture
def signals(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Benchmark data: N07 (green) loses two places, P13 (red) is far behind its benchmark."""
    import jj123lib.assess.signals as module

    plan = [plan_row("P13", baseline=50, target=60, indicator=FORMULA), plan_row("N07", indicator="破案率")]
    values = [value_row("2026Q2", 150, rank=1, task_id="N07"), value_row("2026Q3", 175, rank=3, task_id="N07"),
              value_row("2026Q3", 58, bench=100, task_id="P13")]
    view = build_view(*frames(plan, values), "2026Q3", {})
    monkeypatch.setattr(module, "load_benchmark_view", lambda quarter, data_dir, rules=None: view)
    return view


def test_table_lists_signals_beside_the_light_in_task_order(data: str, signals: Any,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "signals", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--wide", "--data-dir", data)
    assert code == 0
    assert out.index("N07") < out.index("P13")  # office order: N before P
    assert "位次下降" in out and "落后标杆" in out and "绿灯" in out and "红灯" in out
    assert "共 2 条对标预警，涉及 2 项任务（其中绿灯 1 项）" in out and "不改变灯号" in out


def test_exports_neutralise_formulas_and_colour_lights(data: str, signals: Any, capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    code, out, _ = run(capsys, "signals", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--format", "csv",
                       "--data-dir", data)
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(frame["对标预警"]) == ["位次下降", "落后标杆"]
    assert not any(str(v).startswith("=") for v in frame["指标"])  # a unit's text is never a formula
    code, out, _ = run(capsys, "signals", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--format", "json",
                       "--data-dir", data)
    rows = json.loads(out)
    assert [r["督查室灯号"] for r in rows] == ["绿灯", "红灯"] and rows[0]["指标"] == "破案率"
    xlsx = tmp_path / "signals.xlsx"
    assert run(capsys, "signals", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--format", "xlsx",
               "--out", str(xlsx), "--data-dir", data)[0] == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx)["对标预警"]
    header = [c.value for c in sheet[1]]
    light = sheet.cell(row=2, column=header.index("督查室灯号") + 1)
    assert light.value == "绿灯" and light.fill.fgColor.rgb.endswith("2E7D32")
    assert sheet.cell(row=3, column=header.index("指标") + 1).data_type != "f"


def test_without_benchmark_data_says_so(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "signals", "--quarter", "2026Q3", "--data-dir", data)
    assert code == 0 and "年度计划尚未填报对标指标，无对标预警。" in out


def test_bad_quarter_is_refused_in_chinese(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:  # refused while the arguments are parsed
        main(["signals", "--quarter", "2026Q9", "--data-dir", data])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "季度" in err and "--quarter" in err
