"""The quarter judged as of a moment, once: :class:`Assessment` and :func:`assess_quarter`.

Every output (the CLI's ``ratings``, ``league``, ``cuibao``; the reports; the 通报, 督办单 and 催报通知; the
batch index and manifest; the year-end review's quarters; the Python API) renders from this one object,
so none of them can say something different about a task or a unit. It wraps the functions that decide
(:func:`jj123lib.assess.ratings.rate_quarter`, :func:`jj123lib.loop.deadlines.unit_states`,
:func:`jj123lib.assess.unit_league.rank_units`, the supervision lists of :mod:`jj123lib.loop.lists`,
the 对标 signals of :mod:`jj123lib.assess.signals`) and never re-decides anything itself. The 红黄榜 is
decided here, with the units that have overdue 督办 and the units 未报送 in it.

Built once per content (:mod:`jj123lib.ledger.memo`: the ledger's fingerprint and moment, the rules,
the task and units files, the day); each caller gets its own copy.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

# Bound here, once: the memo holds what these functions decided, whatever a caller later swaps in their modules.
from jj123lib.assess.ratings import league_table, rate_quarter, transition_table
from jj123lib.assess.signals import BenchmarkView, load_benchmark_view
from jj123lib.assess.unit_league import RED_BOARD, YELLOW_BOARD, rank_units
from jj123lib.core.clock import parse_day
from jj123lib.domain.quarters import normalize_quarter
from jj123lib.domain.rules import Rules, RulesPath, as_rules
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.units import UnitsPath, load_units
from jj123lib.domain.vocab import REPORTING_STATES
from jj123lib.ledger.memo import Memo, content_key
from jj123lib.ledger.store import Ledger
from jj123lib.loop.deadlines import unit_states
from jj123lib.loop.lists import Supervision, read_supervision

__all__ = ["Assessment", "assess_quarter"]

_MISSING = REPORTING_STATES[1]


@dataclass(frozen=True)
class Assessment:
    """One quarter judged as of one day: every verdict the outputs restate."""

    quarter: str
    as_of: date  # the day lights, lateness and overdue days are judged on
    rated: pd.DataFrame  # ratings.rate_quarter: every task's light, its reasons, the change since last quarter
    league: pd.DataFrame  # ratings.league_table: the leaders ranked
    states: pd.DataFrame  # deadlines.unit_states: every unit's reporting state
    units: pd.DataFrame  # unit_league.rank_units: every unit's score, rank and 红黄榜 placing
    supervision: Supervision  # 催报, 督办, 待核实, 协调事项, 数据核查
    benchmarks: BenchmarkView  # the quarter's 对标 data and signals

    @property
    def lights(self) -> dict[str, str]:
        """Task → light key."""
        return dict(zip(self.rated["task_id"].astype(str), self.rated["light"].astype(str)))

    @property
    def reporting(self) -> dict[str, str]:
        """Unit → reporting state (未到报送期, 未报送, 迟报, 按时, 无需报送)."""
        return dict(zip(self.states["unit"].astype(str), self.states["state"].astype(str)))

    def board(self, name: str) -> list[str]:
        """The units on the 红榜 or 黄榜 (``name``), group by group, best first."""
        return [str(u) for u in self.units.loc[self.units["board"] == name, "unit"]]

    @property
    def red_board(self) -> list[str]:
        return self.board(RED_BOARD)

    @property
    def yellow_board(self) -> list[str]:
        return self.board(YELLOW_BOARD)

    @property
    def unreported(self) -> set[str]:
        """Units 未报送 (past the deadline, nothing received, the co-unit rule applied)."""
        return set(self.states.loc[self.states["state"] == _MISSING, "unit"].astype(str))

    @property
    def overdue_units(self) -> set[str]:
        """Units with a 督办 item overdue on the day."""
        items = self.supervision.duban
        return {str(u) for u, late in zip(items["unit"], items["days_overdue"]) if late and late > 0}

    @property
    def open_duban(self) -> pd.DataFrame:
        """The 督办 items not yet closed (销号), one 督办单 each."""
        items = self.supervision.duban
        return items[items["status"] != "closed"].reset_index(drop=True)

    @property
    def light_counts(self) -> dict[str, int]:
        """Light key → number of tasks, every light present (0 when none)."""
        from jj123lib.domain.lights import ORDER

        counts = self.rated["light"].value_counts()
        return {key: int(counts.get(key, 0)) for key in ORDER}

    @property
    def transitions(self) -> pd.DataFrame:
        """Previous light × current light task counts (:func:`jj123lib.assess.ratings.transition_table`)."""
        return transition_table(self.rated)

    @property
    def supervision_counts(self) -> dict[str, int]:
        """The loop's counts as the batch index and manifest show them."""
        loop = self.supervision
        return {"cuibao": len(loop.cuibao), "duban": len(loop.duban), "duban_overdue": len(self.overdue_items()),
                "awaiting": len(loop.awaiting), "coordination": len(loop.coordination), "flags": len(loop.flags)}

    def overdue_items(self) -> pd.DataFrame:
        """The 督办 items overdue on the day (open or not, as their days overdue say)."""
        items = self.supervision.duban
        if items.empty:
            return items
        return items[pd.to_numeric(items["days_overdue"]).fillna(0) > 0]


_MEMO: Memo[Assessment] = Memo(size=8)  # the year-end review reads four quarters at once


def assess_quarter(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
                   as_of: str | date | datetime | None = None,
                   rules: Rules | RulesPath | Mapping[str, Any] | None = None,
                   units_file: UnitsPath | None = None) -> Assessment:
    """``quarter`` judged on ``as_of``: the one :class:`Assessment` every output renders.

    ``data_dir``: a data folder, or a :class:`~jj123lib.ledger.store.Ledger` (as of its own moment, e.g.
    ``Ledger.at``). ``as_of``: the day (a date, ``YYYY-MM-DD``); a moment (a datetime) also reads the ledger as
    of it; default the ledger's moment (now; a demo folder: its story's clock). ``rules``: loaded rules, their
    file, or the default; ``units_file``: the units' groups and contacts (default: the default file).
    """
    quarter = normalize_quarter(quarter)
    ledger = Ledger.of(data_dir)
    if isinstance(as_of, datetime) and ledger.as_of is None:
        ledger = ledger.at(as_of)
    day = parse_day(as_of, ledger.moment())
    if isinstance(rules, Mapping) and not isinstance(rules, Rules):  # a caller's own rules: not memoised
        return _build(quarter, ledger, day, rules, units_file)
    rule_set = as_rules(rules)
    moment = "" if ledger.as_of is None else ledger.as_of.isoformat()
    key = content_key(ledger, day, quarter, moment, rules=rule_set, units=units_file)
    return copy.deepcopy(_MEMO.get(key, lambda: _build(quarter, ledger, day, rule_set, units_file)))


def _build(quarter: str, ledger: Ledger, day: date, rules: Mapping[str, Any],
           units_file: UnitsPath | None) -> Assessment:
    tasks = load_tasks()
    rated = rate_quarter(quarter, ledger, as_of=day, rules=rules)
    states = unit_states(quarter, ledger, as_of=day, tasks=tasks, rules=rules)
    supervision = read_supervision(quarter, ledger, day, True, rules, units_file)
    partial = Assessment(quarter, day, rated, pd.DataFrame(), states, pd.DataFrame(), supervision,
                         load_benchmark_view(quarter, ledger, rules))
    # The board is decided here, once: overdue 督办 and 未报送 units included for every output.
    units = rank_units(rated, load_units(units_file, tasks=tasks), rules, partial.overdue_units, partial.unreported)
    return Assessment(quarter, day, rated, league_table(quarter, ledger, as_of=day, rules=rules), states, units,
                      supervision, partial.benchmarks)
