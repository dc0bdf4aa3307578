"""Frames with the columns of jj123lib.ledger.benchmarks' read API (the issue-13 contract), built in tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from jj123lib.ledger.benchmarks import PLAN_COLUMNS, RECOGNITION_COLUMNS, VALUE_COLUMNS

NAN = float("nan")


def plan_row(task_id: str = "N01", no: int = 1, baseline: float = 100.0, target: float = 200.0,
             bench: float = NAN, indicator: str = "产值", unit: str = "亿元", goal_level: str = "",
             target_rank: str = "") -> dict[str, Any]:
    return {"task_id": task_id, "peers": "昆山市（县域经济）", "indicator_no": no, "indicator": indicator,
            "definition": "统计口径", "source": "统计局", "unit": unit, "baseline": baseline, "target": target,
            "benchmark_value": bench, "target_rank": target_rank, "goal_level": goal_level,
            "goal_text": "争创示范" if goal_level else ""}


def value_row(quarter: str, value: float = NAN, bench: float = NAN, rank: float = NAN, rank_text: str = "",
              task_id: str = "N01", no: int = 1) -> dict[str, Any]:
    return {"task_id": task_id, "quarter": quarter, "indicator_no": no, "indicator": "产值", "unit": "亿元",
            "value": value, "benchmark_value": bench, "rank": rank, "rank_text": rank_text}


def stage_row(quarter: str, stage: str, task_id: str = "N01", level: str = "", verified: bool = False
              ) -> dict[str, Any]:
    return {"task_id": task_id, "quarter": quarter, "stage": stage, "level": level, "date": "", "evidence": "",
            "note": "", "verified": verified, "evidence_sha256": ""}


def frames(plan: Sequence[dict[str, Any]], values: Sequence[dict[str, Any]] = (),
           stages: Sequence[dict[str, Any]] = ()) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (pd.DataFrame(list(plan), columns=PLAN_COLUMNS), pd.DataFrame(list(values), columns=VALUE_COLUMNS),
            pd.DataFrame(list(stages), columns=RECOGNITION_COLUMNS))
