"""The year-end review's inputs: :class:`AnnualInputs`, plain frames the pure review (:mod:`jj123lib.annual.review`)
judges, and :func:`load_inputs`, which reads them from the ledger, the benchmark frames through
:mod:`jj123lib.ledger.benchmarks`, and every quarter's verdicts (reporting states, 督办, lights) from that
quarter's one assessment (:func:`jj123lib.loop.assessment.assess_quarter`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from jj123lib.core.clock import parse_day
from jj123lib.domain.quarters import year_quarters
from jj123lib.domain.units import UnitInfo, UnitsPath, load_units
from jj123lib.ledger.benchmarks import benchmark_plan, indicator_values
from jj123lib.ledger.benchmarks import recognitions as read_recognitions
from jj123lib.ledger.store import Ledger
from jj123lib.loop.assessment import Assessment, assess_quarter

__all__ = ["AnnualInputs", "LIGHT_COLUMNS", "load_inputs", "year_verdicts"]

LIGHT_COLUMNS = ["task_id", "quarter", "light"]  # each quarter's lights as its assessment judged them


@dataclass
class AnnualInputs:
    """Everything the review reads, as plain frames (tests build them by hand)."""

    year: int
    as_of: date
    tasks: pd.DataFrame  # the task table (task_id, tier, tier_label, title, leader, units, lead_unit)
    lead: pd.DataFrame  # current lead submissions: task_id, quarter, actual_pct, milestone_met
    plan: pd.DataFrame  # current yearly plan: task_id, quarter, milestone, planned_pct
    decisions: dict[str, list[dict[str, Any]]]  # active verification decisions on tasks, oldest first
    states: pd.DataFrame  # each quarter's assessment's unit states: unit, quarter, state, days_late
    duban: pd.DataFrame  # 督办事项 of the year, each from its quarter's assessment: id, task_id, quarter, unit, status,
    # due_date, days_overdue
    benchmark_plan: pd.DataFrame  # PLAN_COLUMNS
    indicator_values: pd.DataFrame  # VALUE_COLUMNS
    recognitions: pd.DataFrame  # RECOGNITION_COLUMNS
    units: Mapping[str, UnitInfo]
    # LIGHT_COLUMNS: each quarter's lights, its assessment's (the final quarter's are the review's)
    lights: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LIGHT_COLUMNS))


def _in_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[frame["quarter"].astype(str).isin(year_quarters(year))].reset_index(drop=True)


def _benchmark_frames(data_dir: str | os.PathLike[str] | Ledger | None,
                      year: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(plan, values, recognitions) of ``year`` from :mod:`jj123lib.ledger.benchmarks`."""
    plan = benchmark_plan(data_dir)
    values = indicator_values(data_dir)
    recognitions = read_recognitions(data_dir, year)
    return plan, _in_year(values, year), _in_year(recognitions, year)


def year_verdicts(judged: Mapping[str, Assessment]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(states, 督办, lights) of the year from its quarters' assessments, as they judged them; each 督办事项 from
    the assessment of the quarter it was issued in (a later quarter's lists it again while open)."""
    states = pd.concat([a.states for a in judged.values()], ignore_index=True)
    duban = pd.concat([a.supervision.duban[a.supervision.duban["quarter"] == q] for q, a in judged.items()],
                      ignore_index=True)
    lights = pd.concat([a.rated.loc[:, ["task_id"]].assign(quarter=q, light=a.rated["light"])
                        for q, a in judged.items()], ignore_index=True)
    return states, duban, lights.loc[:, LIGHT_COLUMNS]


def load_inputs(year: int, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                as_of: str | date | None = None, tasks: pd.DataFrame | None = None,
                rules: Mapping[str, Any] | None = None, units_file: UnitsPath | None = None) -> AnnualInputs:
    """Read the review's inputs from the ledger and the benchmark tables on ``as_of`` (``units_file``: default).

    Each quarter's reporting states, 督办事项 and lights are its assessment's
    (:func:`jj123lib.loop.assessment.assess_quarter`, memoised by content): the review decides none of them
    itself, so its deductions say what the 催报, the 通报 and the quarter's reports say. The assessment reads
    the whole quarter, so the review's declared inputs are the assessment's: an override or a 协调事项
    re-renders it too (``batch --year``), though the review shows neither. ``tasks`` is the review's own task
    table (its outcomes); the quarters are judged, like every output's, on the task table in force.
    """
    from jj123lib.domain.tasks import load_tasks

    ledger = Ledger.of(data_dir)
    day = parse_day(as_of, ledger.moment())  # default: the ledger's moment (now; a demo folder: its story's day)
    table = load_tasks() if tasks is None else tasks
    lead_units = dict(zip(table["task_id"], table["lead_unit"]))
    subs = ledger.submissions()
    lead = subs[(subs["role"] == "lead") & (subs["unit"] == subs["task_id"].map(lead_units))]
    judged = {q: assess_quarter(q, ledger, as_of=day, rules=rules, units_file=units_file) for q in year_quarters(year)}
    states, duban, lights = year_verdicts(judged)
    plan, values, recognitions = _benchmark_frames(ledger, year)
    return AnnualInputs(
        year=year, as_of=day, tasks=table,
        lead=_in_year(lead.loc[:, ["task_id", "quarter", "actual_pct", "milestone_met"]], year),
        plan=_in_year(ledger.plan().loc[:, ["task_id", "quarter", "milestone", "planned_pct"]], year),
        decisions=ledger.task_decisions(), states=states, duban=duban,
        benchmark_plan=plan, indicator_values=values, recognitions=recognitions,
        units=load_units(units_file, tasks=table), lights=lights)
