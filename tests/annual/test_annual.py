"""The year-end review: outcome rules at their thresholds, unit scores recomputed by a separate route (SQL)."""

from __future__ import annotations

import math
import shutil
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest
import yaml

from jj123lib.annual.review import (
    BASIC,
    DONE,
    PLAN_COLUMNS,
    RECOGNITION_COLUMNS,
    UNDONE,
    VALUE_COLUMNS,
    AnnualInputs,
    annual_review,
    load_inputs,
    review,
)
from jj123lib.core.clock import CHINA_TZ
from jj123lib.core.exceptions import ParameterError, RulesError
from jj123lib.domain.rules import load_rules, loop_rules
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.units import UnitInfo, default_units_path

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

AS_OF = date(2026, 11, 29)


# ----------------------------------------------------------------------------------------------
# Hand-built inputs: one task, every fact set by the test
# ----------------------------------------------------------------------------------------------
def bench_plan(*rows: dict[str, Any]) -> pd.DataFrame:
    base = {c: "" for c in PLAN_COLUMNS} | {"indicator_no": 0, "baseline": math.nan, "target": math.nan,
                                            "benchmark_value": math.nan}
    return pd.DataFrame([base | row for row in rows], columns=PLAN_COLUMNS)


def values(*rows: tuple[str, int, float, str]) -> pd.DataFrame:
    """Indicator values: (task, indicator number, value, quarter)."""
    return pd.DataFrame([{"task_id": t, "quarter": q, "indicator_no": n, "indicator": f"指标{n}", "unit": "亿元",
                          "value": v, "benchmark_value": math.nan, "rank": math.nan, "rank_text": ""}
                         for t, n, v, q in rows], columns=VALUE_COLUMNS)


def recognitions(*rows: tuple[str, str, str, bool]) -> pd.DataFrame:
    return pd.DataFrame([{"task_id": "T1", "quarter": q, "stage": stage, "level": level, "date": "2026-11-01",
                          "evidence": "认定文件.pdf", "note": "", "verified": ok, "evidence_sha256": ""}
                         for q, stage, level, ok in rows], columns=RECOGNITION_COLUMNS)


def inputs(progress: float | None = 100.0, met: tuple[bool, ...] = (True, True, True, True),
           verified: bool = True, plan: pd.DataFrame | None = None, vals: pd.DataFrame | None = None,
           recs: pd.DataFrame | None = None, quarters: int = 4) -> AnnualInputs:
    qs = [f"2026Q{q}" for q in range(1, quarters + 1)]
    lead = pd.DataFrame({"task_id": "T1", "quarter": qs,
                         "actual_pct": [math.nan] * (len(qs) - 1) + [progress if progress is not None else math.nan],
                         "milestone_met": pd.Series(list(met[:len(qs)]), dtype=object)})
    decisions = {"T1": [{"quarter": qs[-1], "decision": "verified", "by": "督查室", "at": "2026-12-01"}]} if verified \
        else {"T1": [{"quarter": qs[-1], "decision": "rejected", "by": "督查室", "at": "2026-12-01",
                      "note": "佐证材料不足"}]}
    tasks = pd.DataFrame([{"task_id": "T1", "tier": "provincial", "tier_label": "全省领先示范", "title": "示例任务",
                           "leader": "甲", "units": ["乙局", "丙局"], "lead_unit": "乙局"}])
    return AnnualInputs(
        year=2026, as_of=AS_OF, tasks=tasks, lead=lead,
        plan=pd.DataFrame({"task_id": "T1", "quarter": qs, "milestone": "节点", "planned_pct": 25.0}),
        decisions=decisions,
        states=pd.DataFrame({"unit": ["乙局", "丙局"], "quarter": "2026Q1", "state": "按时", "days_late": None}),
        duban=pd.DataFrame(columns=["id", "task_id", "quarter", "unit", "status", "due_date", "days_overdue"]),
        benchmark_plan=bench_plan() if plan is None else plan,
        indicator_values=values() if vals is None else vals,
        recognitions=recognitions() if recs is None else recs,
        units={"乙局": UnitInfo("乙局", "department"), "丙局": UnitInfo("丙局", "department")})


def outcome(data: AnnualInputs, rules: dict[str, Any] | None = None) -> tuple[str, str]:
    row = review(data, load_rules() if rules is None else rules).outcomes.iloc[0]
    return str(row["outcome"]), str(row["reason"])


def test_complete_needs_every_condition_at_its_threshold() -> None:
    assert outcome(inputs(progress=100.0)) == (DONE, "【完成标准】实际累计进度 100%（2026Q4）；"
                                                     "节点目标完成 4/4 个季度；已核实销号（2026Q4，督查室）")
    result, reason = outcome(inputs(progress=99.9))
    assert result == BASIC and "未达完成：实际累计进度 99.9%（2026Q4）低于 100%" in reason
    result, reason = outcome(inputs(verified=False))  # the latest decision rejected the claim: named, with why
    assert result == BASIC and reason.endswith("未达完成：核实销号被退回（2026Q4，督查室：佐证材料不足）")
    result, reason = outcome(inputs(met=(True, True, False, True)))
    assert result == BASIC and "节点目标完成 3/4 个季度（完成须 ≥100%）" in reason


def test_basic_and_undone_at_their_thresholds() -> None:
    assert outcome(inputs(progress=80.0, verified=False))[0] == BASIC
    result, reason = outcome(inputs(progress=79.9, verified=False))
    assert result == UNDONE and reason.startswith("【未达基本完成标准】实际累计进度 79.9%（2026Q4）低于 80%")
    assert "核实销号被退回" in reason
    assert outcome(inputs(met=(False, True, True, True)))[0] == BASIC  # 3/4 = 75 % ≥ 0.75
    result, reason = outcome(inputs(met=(False, False, True, True), verified=False))
    assert result == UNDONE and "节点目标完成 2/4 个季度（须 ≥75%）" in reason
    result, reason = outcome(inputs(progress=None))
    assert result == UNDONE and reason == "【未报送进度】截至2026Q4牵头单位未报送实际累计进度"


def test_targets_reached_or_not() -> None:
    plan = bench_plan({"task_id": "T1", "indicator_no": 1, "indicator": "指标1", "target": 10.0},
                      {"task_id": "T1", "indicator_no": 2, "indicator": "指标2", "target": 5.0})
    both = values(("T1", 1, 10.0, "2026Q4"), ("T1", 2, 6.0, "2026Q3"))
    assert outcome(inputs(plan=plan, vals=both)) == (DONE, "【完成标准】实际累计进度 100%（2026Q4）；节点目标完成 4/4 "
                                                           "个季度；已核实销号（2026Q4，督查室）；指标目标 2/2 项达到，"
                                                           "完成度 100%")
    # the latest value counts: 指标2 fell below its target in Q4
    one = values(("T1", 1, 10.0, "2026Q4"), ("T1", 2, 6.0, "2026Q3"), ("T1", 2, 4.5, "2026Q4"))
    result, reason = outcome(inputs(plan=plan, vals=one, verified=False))
    # in proportion: (100 % + 90 %) / 2 = 95 % ≥ the 基本完成 80 %, short of the 完成 100 %
    assert result == BASIC and "指标目标 1/2 项达到，完成度 95%（完成须 ≥100%：指标2 4.5，目标 5）" in reason
    result, reason = outcome(inputs(plan=plan, vals=values(("T1", 1, 9.0, "2026Q4")), verified=False))
    assert (result, reason) == (UNDONE, "【未达基本完成标准】指标目标 0/2 项达到，完成度 45%（基本完成须 ≥80%："
                                        "指标1 9，目标 10、指标2 未报数值，目标 5）；"
                                        "核实销号被退回（2026Q4，督查室：佐证材料不足）")


def test_recognition_at_the_aimed_level() -> None:
    plan = bench_plan({"task_id": "T1", "goal_level": "省级", "goal_text": "全省示范"})
    higher = recognitions(("2026Q4", "已认定", "国家级", True))
    assert outcome(inputs(plan=plan, recs=higher))[1].endswith("获国家级认定（成效目标省级）")
    assert outcome(inputs(plan=plan, recs=higher))[0] == DONE
    lower = recognitions(("2026Q4", "已认定", "泉州市级", True))
    result, reason = outcome(inputs(plan=plan, recs=lower))
    assert result == BASIC and reason.endswith("未达完成：成效目标省级，获泉州市级认定")
    unverified = recognitions(("2026Q3", "公示", "省级", False), ("2026Q4", "已认定", "省级", False))
    result, reason = outcome(inputs(plan=plan, recs=unverified))
    assert result == BASIC and reason.endswith("成效目标省级，尚未获得认定；省级认定待核实")
    no_goal = bench_plan({"task_id": "T1", "peers": "昆山市"})
    assert outcome(inputs(plan=no_goal, recs=recognitions()))[0] == DONE  # nothing aimed at: not required


def test_latest_quarter_stands_in_for_q4_and_rules_change_outcomes() -> None:
    result, reason = outcome(inputs(quarters=3, met=(True, True, True)))
    assert result == DONE and "（2026Q3）" in reason and "3/3" in reason
    rules = load_rules().to_dict()
    rules["annual_review"]["complete"]["require_verified_done"] = False
    assert outcome(inputs(verified=False), rules)[0] == DONE
    rules["annual_review"]["complete"]["min_progress"] = 120
    assert outcome(inputs(verified=False), rules)[0] == BASIC


def test_rules_are_checked() -> None:
    rules = load_rules().to_dict()
    rules["annual_review"]["outcome_points"].pop("基本完成")
    with pytest.raises(RulesError, match="outcome_points"):
        review(inputs(), rules)
    rules = load_rules().to_dict()
    rules["annual_review"]["basic"]["min_progress"] = "八十"
    with pytest.raises(RulesError, match="basic.min_progress"):
        review(inputs(), rules)


def test_unit_scores_and_leader_summary_on_small_inputs() -> None:
    data = inputs(plan=bench_plan({"task_id": "T1", "goal_level": "省级"}),
                  recs=recognitions(("2026Q4", "已认定", "国家级", True)))
    data.states = pd.DataFrame({"unit": ["乙局", "丙局", "丙局"], "quarter": ["2026Q1", "2026Q2", "2026Q3"],
                                "state": ["按时", "迟报", "未报送"], "days_late": [None, 3, 40]})
    data.duban = pd.DataFrame([{"id": "DB-2026Q3-001", "task_id": "T1", "quarter": "2026Q3", "unit": "乙局",
                                "status": "open", "due_date": "2026-10-30", "days_overdue": 30},
                               {"id": "DB-2026Q3-002", "task_id": "T1", "quarter": "2026Q3", "unit": "乙局",
                                "status": "claimed", "due_date": "2026-10-30", "days_overdue": 0}])
    result = review(data, load_rules())
    units = result.units.set_index("unit")
    assert units.loc["乙局", "score"] == 100 + 3 - 1  # lead: 完成, 国家级 +3, one overdue 督办 −1
    assert units.loc["丙局", "score"] == 100 - 1 - 2  # co-unit: no recognition points; 迟报 −1, 未报送 −2
    items = result.breakdown[result.breakdown["unit"] == "丙局"]
    assert list(items["item"]) == ["基础分", "未报送扣分", "迟报扣分"] and items["points"].sum() == 97
    assert list(result.leaders.columns).count("score") == 0
    rules = load_rules().to_dict()
    rules["annual_review"]["show_leader_scores"] = True
    assert review(data, rules).leaders["score"].tolist() == [100.0]


# ----------------------------------------------------------------------------------------------
# On the demo ledger
# ----------------------------------------------------------------------------------------------
def test_no_benchmarks_still_gives_48_outcomes_with_reasons(demo_data: DemoSummary) -> None:
    data = load_inputs(2026, demo_data.data_dir, as_of=AS_OF)
    data.benchmark_plan = pd.DataFrame(columns=PLAN_COLUMNS)
    data.indicator_values = pd.DataFrame(columns=VALUE_COLUMNS)
    data.recognitions = pd.DataFrame(columns=RECOGNITION_COLUMNS)
    result = review(data, load_rules())
    assert len(result.outcomes) == 48 and result.final_quarter == "2026Q4"  # demo data: Q1–Q4
    assert set(result.outcomes["outcome"]) <= {DONE, BASIC, UNDONE}
    assert all(isinstance(r, str) and len(r) > 8 for r in result.outcomes["reason"])
    assert result.recognitions.empty and (result.units["bonus"] == 0).all()
    assert sum(result.counts().values()) == 48


def test_year_outside_the_task_table_is_refused(demo_data: DemoSummary) -> None:
    with pytest.raises(ParameterError):
        annual_review(2025, demo_data.data_dir)


@pytest.fixture(scope="module")
def supervised(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledger copied, plus a rejected claim; the demo already holds a verified 销号 and 督办事项."""
    from jj123lib.loop.verification import reject

    folder = tmp_path_factory.mktemp("annual") / "data"
    shutil.copytree(demo_data.data_dir, folder)
    # Decided on 10-20 and stamped then (not on the suite's day, which may lie after the demo's story clock).
    reject("P13", "2026Q3", "佐证材料不全，退回补充", by="督查室", data_dir=folder, as_of="2026-10-20",
           now=datetime(2026, 10, 20, 9, tzinfo=CHINA_TZ))
    # the demo's supervision loop verified P02 and left Q3 督办 items open (due 2026-10-30) and one answered
    conn = sqlite3.connect(folder / "ledger.sqlite")
    assert conn.execute("SELECT decision FROM verifications WHERE target = 'P02' AND kind = 'task'").fetchall() \
        == [("verified",)]
    statuses = {s for (s,) in conn.execute("SELECT status FROM duban WHERE quarter = '2026Q3'")}
    conn.close()
    assert {"open", "responded"} <= statuses
    return folder


def demo_benchmarks(tasks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Benchmark frames in the contract's columns: goals and targets for a few tasks, recognitions won."""
    plan = bench_plan({"task_id": "P02", "goal_level": "省级"},
                      {"task_id": "N01", "indicator_no": 1, "indicator": "产值", "target": 100.0},
                      {"task_id": "B05", "goal_level": "省级", "indicator_no": 1, "indicator": "亩数", "target": 50.0})
    vals = pd.DataFrame([{"task_id": t, "quarter": q, "indicator_no": 1, "indicator": "", "unit": "", "value": v,
                          "benchmark_value": math.nan, "rank": math.nan, "rank_text": ""}
                         for t, q, v in [("N01", "2026Q3", 120.0), ("B05", "2026Q2", 60.0), ("B05", "2026Q3", 40.0)]],
                        columns=VALUE_COLUMNS)
    recs = pd.DataFrame([{"task_id": t, "quarter": "2026Q3", "stage": stage, "level": level, "date": "",
                          "evidence": "", "note": "", "verified": ok, "evidence_sha256": ""}
                         for t, stage, level, ok in [
                             ("P02", "已认定", "国家级", True), ("B05", "已认定", "泉州市级", True),
                             ("N01", "已认定", "省级", False), ("P13", "评审中", "省级", False)]],
                        columns=RECOGNITION_COLUMNS)
    return plan, vals, recs


def _current_versions(conn: sqlite3.Connection) -> None:
    """Shadow ``submissions`` and ``plan`` on ``conn`` with ``superseded`` as the office means it: a unit's form
    is replaced by its later-received, not withdrawn form for the same quarter (plans: year), or by withdrawal."""
    withdrawn = "EXISTS (SELECT 1 FROM file_events e WHERE e.file_sha256 = {f}.sha256 AND e.action = 'revert')"
    for table, period in (("submissions", "{f}.quarter"), ("plan", "{f}.year")):
        newer = (f"EXISTS (SELECT 1 FROM main.{table} r2 JOIN files g ON g.sha256 = r2.file_sha256"
                 f" WHERE g.unit = f.unit AND {period.format(f='g')} = {period.format(f='f')}"
                 f" AND NOT {withdrawn.format(f='g')} AND (g.received_at, g.rowid) > (f.received_at, f.rowid))")
        columns = [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]
        select = [f"CASE WHEN {withdrawn.format(f='f')} OR {newer} THEN 1 ELSE 0 END AS superseded"
                  if c == "superseded" else f"r.{c}" for c in columns]
        conn.execute(f"CREATE TEMP VIEW {table} AS SELECT {', '.join(select)} FROM main.{table} r"  # noqa: S608
                     " JOIN files f ON f.sha256 = r.file_sha256")


def _separate_route(db: Path, tasks: pd.DataFrame, rules: Mapping[str, Any], units_yaml: dict[str, Any],
                    plan: pd.DataFrame, vals: pd.DataFrame, recs: pd.DataFrame) -> dict[str, float]:
    """Unit scores from raw SQL over the ledger and the rules dict, written without annual.py's helpers."""
    ar, year = rules["annual_review"], 2026
    levels = ["国家级", "省级", "泉州市级", "其他"]
    conn = sqlite3.connect(db)
    _current_versions(conn)
    final = conn.execute("SELECT MAX(quarter) FROM submissions WHERE superseded = 0 AND role = 'lead'"
                         " AND quarter LIKE '2026Q%'").fetchone()[0]
    outcome: dict[str, str] = {}
    won: dict[str, str] = {}
    pcts: dict[str, float | None] = {}
    for task_id, lead_unit in zip(tasks["task_id"], tasks["lead_unit"]):
        row = conn.execute("SELECT actual_pct FROM submissions WHERE task_id = ? AND unit = ? AND role = 'lead'"
                           " AND superseded = 0 AND actual_pct IS NOT NULL AND quarter <= ? AND quarter LIKE '2026Q%'"
                           " ORDER BY quarter DESC LIMIT 1", (task_id, lead_unit, final)).fetchone()
        planned = conn.execute("SELECT COUNT(DISTINCT quarter) FROM plan WHERE task_id = ? AND superseded = 0"
                               " AND quarter <= ? AND quarter LIKE '2026Q%'", (task_id, final)).fetchone()[0]
        met = conn.execute("SELECT COUNT(*) FROM submissions s WHERE s.task_id = ? AND s.unit = ? AND s.role = 'lead'"
                           " AND s.superseded = 0 AND s.milestone_met = 1 AND s.quarter <= ? AND s.quarter LIKE"
                           " '2026Q%' AND s.quarter IN (SELECT quarter FROM plan WHERE task_id = s.task_id AND"
                           " superseded = 0)", (task_id, lead_unit, final)).fetchone()[0]
        decision = conn.execute("SELECT decision FROM verifications WHERE target = ? AND kind = 'task' AND revoked = 0"
                                " AND quarter <= ? AND quarter LIKE '2026Q%' ORDER BY id DESC LIMIT 1",
                                (task_id, final)).fetchone()
        mine_targets = [(n, t) for tid, n, t in zip(plan["task_id"], plan["indicator_no"], plan["target"])
                        if tid == task_id and n >= 1 and not math.isnan(t)]
        shares = []
        for number, target in mine_targets:
            latest = [(q, v) for tid, q, n, v in zip(vals["task_id"], vals["quarter"], vals["indicator_no"],
                                                     vals["value"]) if tid == task_id and n == number and q <= final]
            shares.append(min(max(latest)[1] / target, 1.0) if latest else 0.0)
        attained = sum(shares) / len(shares) if shares else 1.0
        final_met = conn.execute("SELECT milestone_met FROM submissions WHERE task_id = ? AND unit = ?"
                                 " AND role = 'lead' AND superseded = 0 AND quarter = ?",
                                 (task_id, lead_unit, final)).fetchone()
        goal = next((g for tid, g in zip(plan["task_id"], plan["goal_level"]) if tid == task_id and g), "")
        got = [lv for tid, st, lv, ok, q in zip(recs["task_id"], recs["stage"], recs["level"], recs["verified"],
                                                 recs["quarter"])
               if tid == task_id and st == "已认定" and ok and q <= final]
        won[task_id] = min(got, key=levels.index) if got else ""
        progress = None if row is None else row[0]
        c, b = ar["complete"], ar["basic"]
        ratio = met / planned if planned else -1.0
        pcts[task_id] = progress
        at_goal = bool(goal) and bool(won[task_id]) and levels.index(won[task_id]) <= levels.index(goal)
        if progress is None:
            outcome[task_id] = "未完成"
        elif (progress >= c["min_progress"] and ratio >= c["min_milestone_ratio"] and decision == ("verified",)
              and attained >= c["min_target_attainment"] and (not goal or at_goal)):
            outcome[task_id] = "完成"
        elif (progress >= b["min_progress"] and ratio >= b["min_milestone_ratio"]
              and attained >= b["min_target_attainment"]):
            outcome[task_id] = "基本完成"
        elif (decision == ("verified",) and final_met == (1,)) or at_goal:  # the floors
            outcome[task_id] = "基本完成"
        else:
            outcome[task_id] = "未完成"
    day = rules["deadlines"]["report_day_of_next_month"]
    deadlines = {f"2026Q{q}": date(year + (q == 4), 1 if q == 4 else 3 * q + 1, day) for q in range(1, 5)}
    scores: dict[str, float] = {}
    for unit in units_yaml["units"]:
        total = weighted = 0.0
        bonus = 0.0
        for task_id, tier, units, lead_unit in zip(tasks["task_id"], tasks["tier"], tasks["units"], tasks["lead_unit"]):
            if unit not in units:
                continue
            role = rules["unit_scoring"]["lead_weight" if unit == lead_unit else "co_weight"]
            weight = rules["scoring"]["tier_weights"][tier] * role
            total += weight
            points = ar["outcome_points"][outcome[task_id]]
            if outcome[task_id] == "未完成":  # in proportion to progress, up to the 基本完成 points at its minimum
                share = min((pcts[task_id] or 0.0) / ar["basic"]["min_progress"], 1.0)
                points += (ar["outcome_points"]["基本完成"] - points) * share
            weighted += weight * points
            if unit == lead_unit and won[task_id]:
                bonus += ar["recognition_points"][won[task_id]]
        minus = 0.0
        owes = unit in set(tasks["lead_unit"]) or rules["co_units"]["must_report"]
        for quarter, deadline in deadlines.items():
            if not owes:
                break
            first = conn.execute("SELECT MIN(substr(COALESCE(NULLIF(report_date, ''), ingested_at), 1, 10))"
                                 " FROM submissions WHERE unit = ? AND quarter = ?", (unit, quarter)).fetchone()[0]
            if first is None and AS_OF > deadline:
                minus += ar["deductions"]["missing"]
            elif first is not None and date.fromisoformat(first) > deadline:
                minus += ar["deductions"]["late"]
        # Unanswered past the first due date, or past the follow-up owed after 整改中 or a 退回.
        follow_up = timedelta(days=loop_rules(rules, "duban")["follow_up_days"])
        overdue = 0
        for due, answered, returned in conn.execute(
                "SELECT d.due_date, (SELECT MAX(at) FROM duban_responses r WHERE r.duban_id = d.id"
                " AND r.status = '整改中'), (SELECT MAX(at) FROM verifications v WHERE v.target = d.id"
                " AND v.decision = 'rejected' AND v.revoked = 0) FROM duban d WHERE d.unit = ?"
                " AND d.status IN ('open', 'responded') AND d.quarter LIKE '2026Q%'", (unit,)):
            last = max((str(a)[:10] for a in (answered, returned) if a), default=None)
            owed = date.fromisoformat(due) if last is None else date.fromisoformat(last) + follow_up
            overdue += AS_OF > owed
        minus += overdue * ar["deductions"]["overdue_duban"]
        scores[unit] = round(round(weighted / total, 2) + bonus - minus, 1)  # the base as the breakdown shows it
    conn.close()
    return scores


def test_unit_scores_recomputed_from_the_ledger_by_a_separate_route(supervised: Path) -> None:
    tasks = load_tasks()
    plan, vals, recs = demo_benchmarks(tasks)
    data = load_inputs(2026, supervised, as_of=AS_OF)
    data.benchmark_plan, data.indicator_values, data.recognitions = plan, vals, recs
    result = review(data, load_rules())
    units_yaml = yaml.safe_load(default_units_path().read_text(encoding="utf-8"))
    expected = _separate_route(supervised / "ledger.sqlite", tasks, load_rules(), units_yaml, plan, vals, recs)
    got = dict(zip(result.units["unit"], result.units["score"]))
    assert got == expected
    # the fixture's events really moved scores: a bonus, an overdue 督办, a 未报送
    assert (result.units["bonus"] > 0).any() and (result.units["overdue_duban"] > 0).any()
    assert (result.units["missing"] > 0).any()
    outcomes = result.outcomes.set_index("task_id")
    assert outcomes.loc["P02", "outcome"] == DONE and outcomes.loc["P13", "outcome"] == BASIC
    assert "核实销号被退回（2026Q3，督查室：佐证材料不全，退回补充）" in outcomes.loc["P13", "reason"]  # type: ignore[operator]  # pandas-stubs: a cell is typed as any scalar
    assert outcomes.loc["B05", "recognition_level"] == "泉州市级"
    assert outcomes.loc["B05", "recognition_at_goal"] is False
    # each unit's breakdown adds up to its score
    sums = result.breakdown.groupby("unit")["points"].sum().round(1)
    assert all(sums[u] == s for u, s in got.items())


def test_scores_follow_the_rules_file(supervised: Path) -> None:
    rules = load_rules().to_dict()
    rules["annual_review"]["deductions"]["missing"] = 10
    before = annual_review(2026, supervised, as_of=AS_OF).units.set_index("unit")
    after = annual_review(2026, supervised, as_of=AS_OF, rules=rules).units.set_index("unit")
    missing = before[before["missing"] > 0].index
    assert len(missing)
    for unit in missing:
        assert after.loc[unit, "score"] == pytest.approx(before.loc[unit, "score"] - 8 * before.loc[unit, "missing"])


def test_demo_recognitions_at_and_below_the_aim_and_carried_into_q4(demo_data: DemoSummary) -> None:
    """bench13's demo: a recognition verified in Q3 and reported again (unverified) in Q4 still counts."""
    result = annual_review(2026, demo_data.data_dir, as_of=AS_OF)
    outcomes = result.outcomes.set_index("task_id")
    assert len(outcomes) == 48 and set(outcomes["outcome"]) <= {DONE, BASIC, UNDONE}
    at_goal = outcomes[outcomes["recognition_at_goal"] == True]  # noqa: E712 (object column)
    below = outcomes[(outcomes["recognition_at_goal"] == False) & (outcomes["recognition_level"] != "")]  # noqa: E712
    assert len(at_goal) and len(below)
    assert outcomes.loc["P04", "recognition_level"] == "省级" and outcomes.loc["P04", "recognition_at_goal"] is True
    units = result.units.set_index("unit")
    assert units.loc[load_tasks().set_index("task_id").loc["P04", "lead_unit"], "bonus"] > 0  # type: ignore[index]  # pandas-stubs: a cell is typed as any scalar


def test_recognition_verified_then_reported_again_is_not_pending() -> None:
    plan = bench_plan({"task_id": "T1", "goal_level": "国家级"})
    carried = recognitions(("2026Q3", "已认定", "省级", True), ("2026Q4", "已认定", "省级", False))
    result, reason = outcome(inputs(plan=plan, recs=carried))
    assert result == BASIC and reason.endswith("成效目标国家级，获省级认定") and "待核实" not in reason
