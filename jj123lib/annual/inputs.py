"""The year-end review's inputs: :class:`AnnualInputs`, plain frames the pure review (:mod:`jj123lib.annual.review`)
judges, and :func:`load_inputs`, which reads them from the ledger, the benchmark frames through
:mod:`jj123lib.ledger.benchmarks`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from jj123lib.core.clock import parse_day
from jj123lib.domain.quarters import year_quarters
from jj123lib.domain.units import UnitInfo, UnitsPath, load_units
from jj123lib.ledger.benchmarks import benchmark_plan, indicator_values
from jj123lib.ledger.benchmarks import recognitions as read_recognitions
from jj123lib.ledger.store import Ledger

__all__ = ["AnnualInputs", "load_inputs"]


@dataclass
class AnnualInputs:
    """Everything the review reads, as plain frames (tests build them by hand)."""

    year: int
    as_of: date
    tasks: pd.DataFrame  # the task table (task_id, tier, tier_label, title, leader, units, lead_unit)
    lead: pd.DataFrame  # current lead submissions: task_id, quarter, actual_pct, milestone_met
    plan: pd.DataFrame  # current yearly plan: task_id, quarter, milestone, planned_pct
    decisions: dict[str, list[dict[str, Any]]]  # active verification decisions on tasks, oldest first
    states: pd.DataFrame  # deadlines.unit_states of each quarter of the year: unit, quarter, state, days_late
    duban: pd.DataFrame  # 督办事项 of the year: id, task_id, quarter, unit, status, due_date, days_overdue
    benchmark_plan: pd.DataFrame  # PLAN_COLUMNS
    indicator_values: pd.DataFrame  # VALUE_COLUMNS
    recognitions: pd.DataFrame  # RECOGNITION_COLUMNS
    units: Mapping[str, UnitInfo]


def _in_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[frame["quarter"].astype(str).isin(year_quarters(year))].reset_index(drop=True)


def _benchmark_frames(data_dir: str | os.PathLike[str] | Ledger | None,
                      year: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(plan, values, recognitions) of ``year`` from :mod:`jj123lib.ledger.benchmarks`."""
    plan = benchmark_plan(data_dir)
    values = indicator_values(data_dir)
    recognitions = read_recognitions(data_dir, year)
    return plan, _in_year(values, year), _in_year(recognitions, year)


def load_inputs(year: int, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                as_of: str | date | None = None, tasks: pd.DataFrame | None = None,
                rules: Mapping[str, Any] | None = None, units_file: UnitsPath | None = None) -> AnnualInputs:
    """Read the review's inputs from the ledger and the benchmark tables on ``as_of`` (``units_file``: default).

    Each quarter's reporting states come from the function the quarter's assessment holds them from
    (:func:`jj123lib.loop.deadlines.unit_states`), not the whole assessment: the review reads no override or
    协调事项, and its declared inputs stay what it reads.
    """
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.loop.deadlines import unit_states
    from jj123lib.loop.duban import duban_items

    ledger = Ledger.of(data_dir)
    day = parse_day(as_of, ledger.moment())  # default: the ledger's moment (now; a demo folder: its story's day)
    table = load_tasks() if tasks is None else tasks
    lead_units = dict(zip(table["task_id"], table["lead_unit"]))
    subs = ledger.submissions()
    lead = subs[(subs["role"] == "lead") & (subs["unit"] == subs["task_id"].map(lead_units))]
    states = pd.concat([unit_states(q, ledger, as_of=day, tasks=table, rules=rules) for q in year_quarters(year)],
                       ignore_index=True)
    plan, values, recognitions = _benchmark_frames(ledger, year)
    return AnnualInputs(
        year=year, as_of=day, tasks=table,
        lead=_in_year(lead.loc[:, ["task_id", "quarter", "actual_pct", "milestone_met"]], year),
        plan=_in_year(ledger.plan().loc[:, ["task_id", "quarter", "milestone", "planned_pct"]], year),
        decisions=ledger.task_decisions(), states=states,
        duban=_in_year(duban_items(None, ledger, as_of=day, rules=rules), year),
        benchmark_plan=plan, indicator_values=values, recognitions=recognitions,
        units=load_units(units_file, tasks=table))
