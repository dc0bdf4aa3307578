"""The analyst's API: the office's ratings, league and reports as pandas objects, one call each.

Every function takes ``data_dir=None`` (``$JJ123_DATA_DIR`` or the project's ``data``, see
:func:`jj123lib.core.datadir.resolve_data_dir`) and validates it: a missing folder is an error naming its
absolute path. Those that rate take ``rules=None`` too: the rules file's path or a loaded
:class:`jj123lib.domain.rules.Rules` (default: ``$JJ123_RULES``, else the packaged rules), read once per call.
A quarter is judged once, by :func:`assess_quarter` (:mod:`jj123lib.loop.assessment`): lights, units' states
and 红黄榜, the supervision lists; this module only shapes its results.
Worked examples: ``docs/api.md``.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeAlias

import pandas as pd

from jj123lib.domain.lights import COLORS, LABELS, ORDER, parse_light

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Hashable, Sequence

    from pandas.io.formats.style import Styler

    from jj123lib.domain.rules import Rules
    from jj123lib.loop.assessment import Assessment
    from jj123lib.reports.leader import LeaderReport
    from jj123lib.reports.overview import OverviewReport

__all__ = ["RATING_COLUMNS", "LEAGUE_HISTORY_COLUMNS", "LIGHT_DTYPE", "assess_quarter", "rate_quarter",
           "rating_history", "league_history", "leader_report", "overview", "data_quarters", "style_lights"]

RATING_COLUMNS: list[str] = [
    "quarter", "task_id", "tier", "tier_label", "title", "leader", "lead_unit", "units", "planned_pct",
    "actual_pct", "gap", "milestone_met", "self_status", "light", "light_label", "reason",
]
LEAGUE_HISTORY_COLUMNS: list[str] = [
    "quarter", "leader", "rank", "score", "n_tasks", *ORDER,
]
# Lights as an ordered categorical, best first: sorting puts 已完成 first, value_counts lists every light.
LIGHT_DTYPE = pd.CategoricalDtype(categories=list(ORDER), ordered=True)

DataDir = str | os.PathLike[str] | None
RulesArg: TypeAlias = "Rules | str | os.PathLike[str] | None"


def _folder(data_dir: DataDir) -> str:
    from jj123lib.domain.parameters import validate_data_dir

    return str(validate_data_dir(data_dir))


def _shape(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.loc[:, RATING_COLUMNS].reset_index(drop=True)
    out["light"] = out["light"].astype(LIGHT_DTYPE)
    out["light_label"] = [LABELS[key] for key in out["light"]]
    return out


def data_quarters(data_dir: DataDir = None) -> list[str]:
    """Quarters of the latest year with submissions, Q1 up to the last quarter that has any; [] when none."""
    from jj123lib.domain.quarters import parse_quarter, quarters_up_to
    from jj123lib.ledger.store import Ledger

    quarters = sorted(set(Ledger(_folder(data_dir)).submissions()["quarter"]), key=parse_quarter)
    return quarters_up_to(quarters[-1]) if quarters else []


def _rules(rules: RulesArg) -> Rules:
    from jj123lib.domain.rules import as_rules

    return as_rules(rules)


def assess_quarter(quarter: str, data_dir: DataDir = None, *, as_of: str | date | datetime | None = None,
                   rules: RulesArg = None, units_file: str | os.PathLike[str] | None = None) -> Assessment:
    """The quarter judged on ``as_of`` (default: now; a demo folder: its story's day), once: the
    :class:`~jj123lib.loop.assessment.Assessment` every report, document and command restates.

    ``rated`` (every task's light and reason), ``states`` (every unit's reporting state), ``units`` (scores, ranks,
    ``red_board`` and ``yellow_board``), ``league`` (the leaders), ``supervision`` (催报, 督办, 待核实, 协调事项,
    数据核查) and ``benchmarks`` (对标 signals). ``units_file``: the units' groups (default: the packaged one).
    """
    from jj123lib.loop import assessment

    return assessment.assess_quarter(quarter, _folder(data_dir), as_of=as_of, rules=_rules(rules),
                                     units_file=units_file)


def rate_quarter(quarter: str, data_dir: DataDir = None, rules: RulesArg = None) -> pd.DataFrame:
    """One row per task (in the notice's order) with the office's light for ``quarter`` and its reason.

    Columns: ``quarter, task_id, tier, tier_label, title, leader, lead_unit, units, planned_pct, actual_pct,
    gap, milestone_met, self_status, light, light_label, reason``. ``light`` is an ordered categorical of
    :data:`jj123lib.domain.lights.ORDER`; ``gap`` is planned − actual in percentage points (positive = behind).
    Judged on the ledger's moment: now, or a demo folder's story day.
    """
    return _shape(assess_quarter(quarter, data_dir, rules=rules).rated)


def rating_history(data_dir: DataDir = None, rules: RulesArg = None) -> pd.DataFrame:
    """:func:`rate_quarter` for every quarter with data (see :func:`data_quarters`), stacked: one row per task
    per quarter, quarters in order. Empty (same columns) when the ledger has no submissions."""
    from jj123lib.assess import ratings

    folder, rule_set = _folder(data_dir), _rules(rules)
    parts = [ratings.rate_quarter(q, folder, rules=rule_set) for q in data_quarters(folder)]
    if not parts:
        return _shape(pd.DataFrame({column: pd.Series(dtype=object) for column in RATING_COLUMNS}))
    return _shape(pd.concat(parts, ignore_index=True))


def league_history(data_dir: DataDir = None, rules: RulesArg = None) -> pd.DataFrame:
    """Leader × quarter: each leader's score, rank and light counts for every quarter with data.

    Long format (``quarter, leader, rank, score, n_tasks, done, green, yellow, red, missing``); pivot it for a
    wide view, e.g. ``league_history().pivot(index="leader", columns="quarter", values="rank")``.
    """
    from jj123lib.assess import ratings

    folder, rule_set = _folder(data_dir), _rules(rules)
    parts = []
    for quarter in data_quarters(folder):
        table = ratings.league_table(quarter, folder, rules=rule_set)
        table.insert(0, "quarter", quarter)
        parts.append(table)
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in LEAGUE_HISTORY_COLUMNS})
    return pd.concat(parts, ignore_index=True).loc[:, LEAGUE_HISTORY_COLUMNS]


def leader_report(leader: str, quarter: str, data_dir: DataDir = None, rules: RulesArg = None) -> LeaderReport:
    """The view-model behind one leader's quarterly report (tables as DataFrames, sections as HTML)."""
    from jj123lib.reports.leader import leader_report_data

    return leader_report_data(leader, quarter, _folder(data_dir), rules=_rules(rules))


def overview(quarter: str, data_dir: DataDir = None, rules: RulesArg = None) -> OverviewReport:
    """The view-model behind the quarterly overview (all tasks, league, alerts, transitions)."""
    from jj123lib.reports.overview import overview_data

    return overview_data(quarter, _folder(data_dir), rules=_rules(rules))


def _light_css(value: object) -> str:
    key = parse_light(value) if isinstance(value, str) else None
    return "" if key is None else f"background-color: {COLORS[key]}; color: #ffffff; font-weight: bold"


def style_lights(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> Styler:
    """``frame`` as a pandas Styler whose light cells (a key or Chinese label) carry the light's colour.

    ``columns``: where to look (default: every column). The index is hidden; show it in a notebook or
    export it with ``.to_html()`` / ``.to_excel()``.
    """
    subset: list[Hashable] = list(frame.columns) if columns is None else list(columns)
    return frame.style.map(_light_css, subset=subset).hide(axis="index")
