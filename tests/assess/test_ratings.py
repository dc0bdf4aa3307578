"""Rating rules at their boundaries, milestones, done, missing, overrides, change, league."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jj123lib.assess.ratings import (
    LEAGUE_COLUMNS,
    RATING_COLUMNS,
    describe_rules,
    league_table,
    rate_quarter,
    rating_history,
    transition_counts,
)
from jj123lib.domain.lights import LABELS as LIGHT_LABELS
from jj123lib.domain.lights import ORDER as LIGHTS
from jj123lib.domain.rules import load_rules
from jj123lib.domain.tasks import leaders, load_tasks
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import record_plan, record_progress

POLICE = ("N07", "P13", "B19", "B20")  # all led by 公安局
AS_OF = "2026-11-01"  # after Q3's reporting deadline, whatever the clock: a missing Q3 form is 未报送


def _ledger(tmp_path: Path, q3: dict[str, dict[str, Any]], q2: dict[str, dict[str, Any]] | None = None) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    if q2:
        record_progress(ledger, "公安局", "2026Q2", q2)
    record_progress(ledger, "公安局", "2026Q3", q3)
    return ledger


def _by_task(frame: pd.DataFrame) -> Any:  # Any: pandas-stubs types .loc's scalars too widely to compare
    return frame.set_index("task_id")


@pytest.mark.parametrize(("actual", "light"), [
    (80.0, "green"), (70.0, "green"), (60.0, "green"),     # gap -10, 0, exactly 10
    (59.99, "yellow"), (40.0, "yellow"),                   # gap just over 10, exactly 30
    (39.99, "red"), (0.0, "red"),                          # gap just over 30
])
def test_gap_thresholds_at_boundaries(tmp_path: Path, actual: float, light: str) -> None:
    ledger = _ledger(tmp_path, {t: {"actual_pct": actual} for t in POLICE})
    row = _by_task(rate_quarter("2026Q3", ledger, as_of=AS_OF)).loc["N07"]
    assert row["light"] == light and row["light_label"] == LIGHT_LABELS[light]
    assert row["gap"] == pytest.approx(70.0 - actual)
    assert LIGHT_LABELS[light] in row["reason"]


def test_reason_sentence_carries_numbers(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {"N07": {"actual_pct": 57.5}, "P13": {"actual_pct": 75}, "B19": {"actual_pct": 30},
                                "B20": {"actual_pct": 70}})
    rated = _by_task(rate_quarter("2026Q3", ledger, as_of=AS_OF))
    assert rated.loc["N07", "reason"] == "落后序时进度 12.5 个百分点（>10 且 ≤30），黄灯"
    assert rated.loc["P13", "reason"] == "超前序时进度 5 个百分点（落后 ≤10），绿灯"
    assert rated.loc["B19", "reason"] == "落后序时进度 40 个百分点（>30），红灯"
    assert rated.loc["B20", "reason"] == "达到序时进度（落后 ≤10），绿灯"


def test_missed_milestone_yellow_then_red_when_twice(tmp_path: Path) -> None:
    missed = {"milestone_met": False, "actual_pct": 70.0}
    ledger = _ledger(tmp_path, q2={"N07": {"milestone_met": False, "actual_pct": 45.0},
                                   "P13": {"actual_pct": 45.0}, "B19": {"actual_pct": 45.0},
                                   "B20": {"actual_pct": 45.0}},
                     q3={"N07": missed, "P13": missed, "B19": {"milestone_met": False, "actual_pct": 20.0},
                         "B20": {"actual_pct": 70.0}})
    rated = _by_task(rate_quarter("2026Q3", ledger, as_of=AS_OF))
    assert rated.loc["P13", "light"] == "yellow" and "至少黄灯" in rated.loc["P13", "reason"]
    assert rated.loc["N07", "light"] == "red"
    assert "连续 2 个季度节点目标未完成（2026Q2、2026Q3）" in rated.loc["N07", "reason"]
    assert rated.loc["B19", "light"] == "red"  # pace already red; milestone noted
    assert "本季度节点目标未完成" in rated.loc["B19", "reason"]


def test_done_needs_status_full_progress_and_milestone(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {"N07": {"actual_pct": 100.0, "self_status": "已完成"},
                                "P13": {"actual_pct": 100.0, "self_status": "超进度"},
                                "B19": {"actual_pct": 100.0, "self_status": "已完成", "milestone_met": False},
                                "B20": {"actual_pct": 99.0, "self_status": "已完成"}})
    rated = _by_task(rate_quarter("2026Q3", ledger, as_of=AS_OF))
    # Self-reported completion waits for the office's check (核实销号) before it is 已完成.
    assert rated.loc["N07", "light"] == "claimed" and "待督查室核实" in rated.loc["N07", "reason"]
    assert rated.loc["P13", "light"] == "green"
    assert rated.loc["B19", "light"] == "yellow" and "不满足销号条件" in rated.loc["B19", "reason"]
    assert rated.loc["B20", "light"] == "green" and "不满足销号条件" in rated.loc["B20", "reason"]


@pytest.mark.clock_smoke
def test_missing_and_shape(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {t: {} for t in POLICE})
    record_progress(ledger, "商务局", "2026Q3", {"N02": {}}, role="lead")
    rated = rate_quarter("2026Q3", ledger, as_of=AS_OF)
    tasks = load_tasks()
    assert list(rated.columns) == RATING_COLUMNS
    assert rated["task_id"].tolist() == tasks["task_id"].tolist()
    by = _by_task(rated)
    assert by.loc["N01", "light"] == "missing" and "自然资源局逾期未报送" in by.loc["N01", "reason"]
    assert by.loc["N02", "light"] == "yellow" and "未报年度计划" in by.loc["N02", "reason"]
    assert by.loc["N01", "source_file"] is None
    assert by.loc["N07", "source_file"] in set(ledger.files()["sha256"])
    assert isinstance(by.loc["N07", "units"], list) and by.loc["N07", "co_unit_notes"] == []


def test_co_unit_rows_are_notes_not_progress(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_progress(ledger, "鞋纺城公司", "2026Q3", {"N08": {"progress": "配合提供场地", "actual_pct": None}},
                    role="co")
    row = _by_task(rate_quarter("2026Q3", ledger, as_of=AS_OF)).loc["N08"]
    assert row["light"] == "missing"
    assert row["co_unit_notes"] == [{"unit": "鞋纺城公司", "progress": "配合提供场地", "problems": "无",
                                     "next_steps": "下步", "coordination": "无"}]


def test_override_shown_audited_and_revocable(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {t: {"actual_pct": 65.0} for t in POLICE})
    before = ledger.fingerprint()
    ledger.add_override("N07", "2026Q3", "red", "实地核查进度不实", "王督查")
    assert ledger.fingerprint() != before
    row = _by_task(rate_quarter("2026Q3", ledger, as_of=AS_OF)).loc["N07"]
    assert (row["light"], row["rule_light"], row["overridden"]) == ("red", "green", True)
    assert row["override_reason"] == "实地核查进度不实"
    assert row["reason"].startswith("督查室调整为红灯：实地核查进度不实（规则判定：绿灯")
    ledger.add_override("N07", "2026Q3", "yellow", "复核后改为黄灯", "王督查")
    ledger.revoke_override("N07", "2026Q3", "李主任", "单位补充材料")
    audit = ledger.overrides("2026Q3")
    assert audit["light"].tolist() == ["red", "yellow"] and audit["revoked"].all()
    assert audit["revoke_reason"].tolist() == ["被新的调整取代", "单位补充材料"]
    row = _by_task(rate_quarter("2026Q3", ledger, as_of=AS_OF)).loc["N07"]
    assert (row["light"], row["overridden"]) == ("green", False)
    with pytest.raises(Exception, match="没有生效"):
        ledger.revoke_override("N07", "2026Q3", "李主任")
    with pytest.raises(Exception, match="理由"):
        ledger.add_override("N07", "2026Q3", "red", "", "王督查")


@pytest.mark.clock_smoke
def test_change_since_previous_quarter_and_history(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, q2={"N07": {"actual_pct": 45.0}, "P13": {"actual_pct": 20.0},
                                   "B19": {"actual_pct": 45.0}},
                     q3={"N07": {"actual_pct": 30.0}, "P13": {"actual_pct": 70.0}, "B19": {"actual_pct": 70.0},
                         "B20": {"actual_pct": 70.0}})
    rated = _by_task(rate_quarter("2026Q3", ledger, as_of=AS_OF))
    assert rated.loc["N07", ["prev_light", "light", "change"]].tolist() == ["green", "red", "变差"]
    assert rated.loc["P13", ["prev_light", "light", "change"]].tolist() == ["yellow", "green", "好转"]
    assert rated.loc["B19", "change"] == "持平"
    assert rated.loc["B20", ["prev_light_label", "change"]].tolist() == ["未报送", "好转"]
    q1 = rate_quarter("2026Q1", ledger, as_of=AS_OF)
    assert set(q1["change"]) == {"首次评价"}
    history = rating_history("2026Q3", ledger, as_of=AS_OF)
    assert len(history) == 48 * 3
    assert history.query("task_id == 'N07'")["light"].tolist() == ["missing", "green", "red"]
    matrix = transition_counts("2026Q3", ledger, as_of=AS_OF)
    assert matrix.loc["green", "red"] == 1 and matrix.loc["yellow", "green"] == 1
    assert int(matrix.to_numpy().sum()) == 48


def test_thresholds_come_from_params(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {t: {"actual_pct": 55.0} for t in POLICE})  # gap 15
    rules = load_rules().to_dict()
    assert _by_task(rate_quarter("2026Q3", ledger, rules=rules, as_of=AS_OF)).loc["N07", "light"] == "yellow"
    rules["ratings"]["green_max_behind"] = 15
    row = _by_task(rate_quarter("2026Q3", ledger, rules=rules, as_of=AS_OF)).loc["N07"]
    assert row["light"] == "green" and "≤15" in row["reason"]
    assert any("不超过 15 个百分点" in s for s in describe_rules(rules))


@pytest.mark.clock_smoke
def test_league_ranks_every_leader_with_weights_and_ties(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, {"N07": {"actual_pct": 70.0}, "P13": {"actual_pct": 70.0},
                                "B19": {"actual_pct": 0.0}, "B20": {"actual_pct": 70.0}})
    table = league_table("2026Q3", ledger, as_of=AS_OF)
    assert list(table.columns) == LEAGUE_COLUMNS
    assert sorted(table["leader"]) == sorted(leaders())
    top = table.iloc[0]
    assert top["leader"] == "陈清平"  # the only leader with any data
    # 陈清平: N07 (w3) P13 (w2) B20 (w1) green=100, B19 (w1) red=20, B21 P14 missing→red=20 (w1, w2)
    expected = (3 * 100 + 2 * 100 + 100 + 20 + 20 + 2 * 20) / (3 + 2 + 1 + 1 + 1 + 2)
    assert top["score"] == round(expected, 1)
    rest = table.iloc[1:]
    assert set(rest["rank"]) == {2} and (rest["missing"] == 6).all()  # all tied
    assert (table["prev_rank"] == 1).all()  # nobody reported in Q2: all tied first
    assert table["rank_change"].tolist() == [0] + [-1] * 7
    q1 = league_table("2026Q1", ledger, as_of=AS_OF)
    assert q1["prev_rank"].isna().all() and all(v is None for v in q1["rank_change"])


def test_describe_rules_lists_every_light() -> None:
    text = "\n".join(describe_rules())
    for light in LIGHTS:
        assert LIGHT_LABELS[light] in text
    assert "10" in text and "30" in text
