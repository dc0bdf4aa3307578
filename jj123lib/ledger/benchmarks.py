"""Benchmarks (对标) read from the ledger: the plan's 对标计划, the quarterly indicator values, the recognitions.

The data side of 对标 (benchmarking against peers). Units type the benchmarks into the plan form's 对标计划 sheet and
the progress form's 指标进展 sheet (:mod:`jj123lib.intake.forms`); :mod:`jj123lib.intake.benchmark_sheets`
checks them; the ledger keeps them in ``benchmark_plan``, ``indicator_values`` and
``recognitions``. This module is the read API other modules (signals, reports, the year-end
review) build on; its names, argument order and columns are a contract (``docs/data-model.md``).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd

from jj123lib.domain.quarters import normalize_quarter, quarter_year
from jj123lib.domain.vocab import GOAL_LEVELS, RECOGNITION_STAGES
from jj123lib.ledger.store import Ledger

__all__ = ["GOAL_LEVELS", "RECOGNITION_STAGES", "PLAN_COLUMNS", "VALUE_COLUMNS", "RECOGNITION_COLUMNS",
           "benchmark_plan", "indicator_values", "recognitions", "recognition_target", "benchmark_table"]

PLAN_COLUMNS = ["task_id", "peers", "indicator_no", "indicator", "definition", "source", "unit", "baseline",
                "target", "benchmark_value", "target_rank", "goal_level", "goal_text"]
VALUE_COLUMNS = ["task_id", "quarter", "indicator_no", "indicator", "unit", "value", "benchmark_value", "rank",
                 "rank_text"]
RECOGNITION_COLUMNS = ["task_id", "quarter", "stage", "level", "date", "evidence", "note", "verified",
                       "evidence_sha256"]
_TEXT_PLAN = ("peers", "indicator", "definition", "source", "unit", "target_rank", "goal_level", "goal_text")


def recognition_target(task_id: str, quarter: str) -> str:
    """The verification target of a task's recognition reported in ``quarter``: ``N01@2026Q4``."""
    return f"{task_id.strip().upper()}@{normalize_quarter(quarter)}"


def _floats(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column]).astype("float64")


def benchmark_plan(data_dir: str | os.PathLike[str] | Ledger | None = None) -> pd.DataFrame:
    """One row per (task, indicator) of the current yearly plan (``indicator_no`` 0: no indicator).

    Columns :data:`PLAN_COLUMNS`, plus ``year``, ``unit_reporting`` (the lead unit that filed it),
    ``file_sha256``, ``sheet`` and ``excel_row``.
    """
    sql = ("SELECT task_id, peers, indicator_no, indicator, definition, source, measure_unit AS unit, baseline,"
           " target, benchmark_value, target_rank, goal_level, goal_text, year, unit AS unit_reporting,"
           " file_sha256, sheet, excel_row FROM benchmark_plan WHERE superseded = 0"
           " ORDER BY year, task_id, indicator_no")
    columns = [*PLAN_COLUMNS, "year", "unit_reporting", "file_sha256", "sheet", "excel_row"]
    frame = Ledger.of(data_dir, existing=True).query(sql, (), columns)
    frame["indicator_no"] = frame["indicator_no"].astype("int64")
    frame["year"] = frame["year"].astype("int64")
    _floats(frame, ("baseline", "target", "benchmark_value"))
    for column in _TEXT_PLAN:
        frame[column] = frame[column].fillna("").astype(str)
    return frame.reset_index(drop=True)


def indicator_values(data_dir: str | os.PathLike[str] | Ledger | None = None,
                     quarter: str | None = None) -> pd.DataFrame:
    """Current quarterly indicator values (all quarters when ``quarter`` is None).

    Columns :data:`VALUE_COLUMNS` (``rank`` is a float so that a missing rank is NaN), plus
    ``unit_reporting``, ``file_sha256``, ``sheet`` and ``excel_row``.
    """
    where, params = ["superseded = 0"], []
    if quarter is not None:
        where.append("quarter = ?")
        params.append(normalize_quarter(quarter))
    sql = ("SELECT task_id, quarter, indicator_no, indicator, measure_unit AS unit, value, benchmark_value, rank,"
           " rank_text, unit AS unit_reporting, file_sha256, sheet, excel_row FROM indicator_values WHERE "
           + " AND ".join(where) + " ORDER BY quarter, task_id, indicator_no")
    columns = [*VALUE_COLUMNS, "unit_reporting", "file_sha256", "sheet", "excel_row"]
    frame = Ledger.of(data_dir, existing=True).query(sql, tuple(params), columns)
    frame["indicator_no"] = frame["indicator_no"].astype("int64")
    _floats(frame, ("value", "benchmark_value", "rank"))
    for column in ("indicator", "unit", "rank_text"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame.reset_index(drop=True)


def _live_verifications(ledger: Ledger) -> dict[str, str]:
    """Target → SHA-256 of the first evidence file, for live (not revoked) verified recognitions."""
    frame = ledger.verifications()
    live = frame[(frame["kind"] == "recognition") & ~frame["revoked"] & (frame["decision"] == "verified")]
    out: dict[str, str] = {}
    for target, evidence in zip(live["target"], live["evidence"]):
        files: list[dict[str, Any]] = json.loads(evidence or "[]")
        out[str(target)] = ";".join(str(f["sha256"]) for f in files)
    return out


def recognitions(data_dir: str | os.PathLike[str] | Ledger | None = None, year: int | None = None) -> pd.DataFrame:
    """The recognition stage reported each quarter (current rows), and whether an 已认定 is verified.

    Columns :data:`RECOGNITION_COLUMNS` (``evidence_sha256``: the archived evidence of the live
    verification, ``;``-joined if several), plus ``verified_target`` (the latest live verified
    recognition of the task up to this quarter, e.g. ``P04@2026Q3`` for an 已认定 carried into Q4,
    ``''`` if none), ``unit_reporting``, ``file_sha256``, ``sheet`` and ``excel_row``.
    """
    ledger = Ledger.of(data_dir, existing=True)
    where, params = ["superseded = 0"], []
    if year is not None:
        where.append("quarter LIKE ?")
        params.append(f"{int(year)}Q%")
    sql = ("SELECT task_id, quarter, stage, level, date, evidence, note, unit AS unit_reporting, file_sha256, sheet,"
           " excel_row FROM recognitions WHERE " + " AND ".join(where) + " ORDER BY quarter, task_id")
    base = ["task_id", "quarter", "stage", "level", "date", "evidence", "note", "unit_reporting", "file_sha256",
            "sheet", "excel_row"]
    frame = ledger.query(sql, tuple(params), base)
    verified = _live_verifications(ledger)
    targets = [f"{t}@{q}" for t, q in zip(frame["task_id"], frame["quarter"])]
    frame.insert(7, "verified", pd.Series([t in verified for t in targets], index=frame.index, dtype=bool))
    frame.insert(8, "evidence_sha256", pd.Series([verified.get(t, "") for t in targets], index=frame.index,
                                                 dtype=object))
    frame.insert(9, "verified_target", pd.Series(
        [max((v for v in verified if v.split("@")[0] == t and v.split("@")[1] <= q), default="")
         for t, q in zip(frame["task_id"], frame["quarter"])], index=frame.index, dtype=object))
    for column in ("level", "date", "evidence", "note"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame.reset_index(drop=True)


_TABLE_VIEW = {"task_id": "任务编号", "peers": "对标对象", "indicator_no": "指标序号", "indicator": "指标名称",
               "unit": "计量单位", "baseline": "基数", "target": "年度目标", "plan_benchmark": "标杆(计划时)",
               "target_rank": "目标位次", "value": "本季度值", "benchmark_value": "标杆本季度值",
               "rank_text": "当前位次", "goal": "成效目标", "stage": "认定阶段", "verified": "已核实"}


def benchmark_table(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None) -> pd.DataFrame:
    """The plan's indicators with the quarter's values and the task's recognition stage (for ``jj123 benchmarks``).

    Chinese column headers; one row per planned (task, indicator).
    """
    quarter = normalize_quarter(quarter)
    ledger = Ledger.of(data_dir, existing=True)
    plan = benchmark_plan(ledger)
    plan = plan[plan["year"] == quarter_year(quarter)]
    values = indicator_values(ledger, quarter)
    stages = recognitions(ledger)
    stages = stages[stages["quarter"] == quarter]
    rows = []
    measured = {(str(r["task_id"]), int(r["indicator_no"])): r for r in values.to_dict(orient="records")}
    reported = {str(r["task_id"]): r for r in stages.to_dict(orient="records")}
    for row in plan.to_dict(orient="records"):
        value = measured.get((str(row["task_id"]), int(row["indicator_no"])))
        stage = reported.get(str(row["task_id"]))
        verified = "" if stage is None or stage["stage"] != "已认定" else ("是" if stage["verified"] else "否")
        rows.append({
            "task_id": row["task_id"], "peers": row["peers"], "indicator_no": row["indicator_no"],
            "indicator": row["indicator"], "unit": row["unit"], "baseline": row["baseline"], "target": row["target"],
            "plan_benchmark": row["benchmark_value"], "target_rank": row["target_rank"],
            "value": None if value is None else value["value"],
            "benchmark_value": None if value is None else value["benchmark_value"],
            "rank_text": "" if value is None else value["rank_text"],
            "goal": f"{row['goal_level']}：{row['goal_text']}" if row["goal_level"] else "",
            "stage": "" if stage is None else stage["stage"], "verified": verified})
    frame = pd.DataFrame(rows, columns=list(_TABLE_VIEW))
    return frame.rename(columns=_TABLE_VIEW)
