"""数据核查 flags: each check with its reason; thresholds from rules; flags never change the light."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jj123lib.assess.ratings import rate_quarter
from jj123lib.domain.rules import load_rules
from jj123lib.ledger.store import Ledger
from jj123lib.loop.flags import find_flags, is_vague
from tests.ledger_helpers import record_plan, record_progress

POLICE = ("N07", "P13", "B19", "B20")
AS_OF = "2026-10-20"
GOOD = "完成3个点位改造，新增监控设备120台"


def _ledger(tmp_path: Path, q3: dict[str, dict[str, Any]], q2: dict[str, dict[str, Any]] | None = None) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    base = {t: {"progress": f"{GOOD}（{t}上季度）", "actual_pct": 45.0} for t in POLICE}
    for task, values in (q2 or {}).items():
        base[task].update(values)
    record_progress(ledger, "公安局", "2026Q2", base)
    current = {t: {"progress": f"{GOOD}（{t}）", "actual_pct": 70.0} for t in POLICE}
    for task, values in q3.items():
        current[task].update(values)
    record_progress(ledger, "公安局", "2026Q3", current)
    return ledger


def _flags(ledger: Ledger, rules: dict[str, Any] | None = None) -> set[tuple[str, str]]:
    frame = find_flags("2026Q3", ledger, as_of=AS_OF, rules=rules)
    return set(zip(frame["task_id"], frame["flag"]))


def test_clean_reports_raise_no_flags(tmp_path: Path) -> None:
    assert _flags(_ledger(tmp_path, {})) == set()


def test_each_check_fires_with_its_reason(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {
        "N07": {"actual_pct": 100.0, "self_status": "已完成"},                   # +55 and 100 % unverified
        "P13": {"milestone_met": False, "actual_pct": 70.0},                   # missed with gap 0
        "B19": {"actual_pct": 30.0, "self_status": "超进度", "progress": "继续推进，持续加强相关工作"},  # rosier, vague
        "B20": {"progress": f"{GOOD}（B20上季度）"},                              # copied
    })
    flags = _flags(ledger)
    assert {("N07", "jump"), ("N07", "unverified_full"), ("P13", "milestone_no_gap"), ("B19", "rosier"),
            ("B19", "vague"), ("B20", "copied")} <= flags
    frame = find_flags("2026Q3", ledger, as_of=AS_OF).set_index(["task_id", "flag"])
    assert "45% → 100%" in frame.loc[("N07", "jump"), "detail"]  # type: ignore[operator]  # pandas-stubs: a cell is typed as any scalar
    assert "超进度" in frame.loc[("B19", "rosier"), "detail"] and "红灯" in frame.loc[("B19", "rosier"), "detail"]  # type: ignore[operator]  # pandas-stubs: a cell is typed as any scalar


def test_jump_threshold_comes_from_the_rules(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {"N07": {"actual_pct": 90.0}})  # +45
    assert ("N07", "jump") in _flags(ledger)
    rules = load_rules().to_dict()
    rules["flags"]["jump_points"] = 50
    assert ("N07", "jump") not in _flags(ledger, rules)


def test_stuck_progress_from_a_punctual_unit(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    for q, day in (("2026Q1", "2026-04-08"), ("2026Q2", "2026-07-08"), ("2026Q3", "2026-10-08")):
        record_progress(ledger, "公安局", q, {t: {"actual_pct": 30.0 if t == "N07" else None, "report_date": day,
                                                 "progress": f"{GOOD}（{q}）"} for t in POLICE})
    assert ("N07", "stuck") in _flags(ledger)


def test_flags_never_change_the_light(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {"B19": {"actual_pct": 30.0, "self_status": "超进度", "progress": "继续推进"}})
    before = rate_quarter("2026Q3", ledger, as_of=AS_OF)["light"].tolist()
    assert _flags(ledger)
    assert rate_quarter("2026Q3", ledger, as_of=AS_OF)["light"].tolist() == before


def test_vague_text() -> None:
    words = ["继续", "持续", "进一步", "推进", "加强", "相关", "工作"]
    assert is_vague("继续推进", words, 10)                                     # too short
    assert is_vague("继续推进相关工作，持续加强，进一步推进相关工作", words, 10)  # only vague words
    assert not is_vague(GOOD, words, 10)
    assert not is_vague("召开专题协调会部署全市平安建设示范点创建", words, 10)
