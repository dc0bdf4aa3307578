"""The quarter's supervision lists (催报, 督办, 待核实, 协调事项, 数据核查) as the reports show them."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from jj123lib.domain.rules import Rules, load_rules
from jj123lib.domain.units import UnitsPath
from jj123lib.ledger.memo import Memo, content_key

if TYPE_CHECKING:
    from jj123lib.ledger.store import Ledger

__all__ = ["Supervision", "load_supervision", "read_supervision"]


@dataclass
class Supervision:
    """The quarter's supervision lists, read (never written) from the ledger on the report's date."""

    cuibao: pd.DataFrame  # deadlines.cuibao
    duban: pd.DataFrame  # duban.duban_items on the day: issued this quarter, or earlier and still open
    awaiting: pd.DataFrame  # verification.awaiting: 待核实
    coordination: pd.DataFrame  # coordination.register, open items with their age and 需协调部门
    flags: pd.DataFrame  # flags.find_flags
    blockers: pd.DataFrame  # coordination.blockers_by_department of ``coordination``: grouped once, shown everywhere

    def for_leader(self, leader: str, task_ids: Iterable[str]) -> Supervision:
        """Only the rows about one leader's tasks."""
        from jj123lib.loop.coordination import blockers_by_department

        tasks = set(task_ids)
        coordination = self.coordination[self.coordination["task_id"].isin(tasks)]
        return Supervision(
            cuibao=self.cuibao[[bool(set(t) & tasks) for t in self.cuibao["tasks"]]],
            duban=self.duban[self.duban["task_id"].isin(tasks)],
            awaiting=self.awaiting[self.awaiting["leader"] == leader],
            coordination=coordination, flags=self.flags[self.flags["task_id"].isin(tasks)],
            blockers=blockers_by_department(coordination))


_MEMO: Memo[Supervision] = Memo(size=4)


def load_supervision(quarter: str, data_dir: str, as_of: date, *, with_flags: bool = True,
                     rules: Rules | None = None, units_file: UnitsPath | None = None) -> Supervision:
    """The quarter's lists; ``with_flags=False`` leaves the 数据核查 flags empty (leader reports do not show them).

    Built once per content (:mod:`jj123lib.ledger.memo`), under ``rules`` and ``units_file`` (default: the
    default files); each caller gets its own copy.
    """
    from jj123lib.ledger.store import Ledger

    rules = load_rules() if rules is None else rules  # an analyst's call: the default rules file
    key = content_key(Ledger(data_dir), as_of, quarter, "flags" if with_flags else "", rules=rules,
                      units=units_file)
    return copy.deepcopy(_MEMO.get(key, lambda: read_supervision(quarter, data_dir, as_of, with_flags, rules,
                                                                 units_file)))


def read_supervision(quarter: str, data_dir: str | Ledger, as_of: date, with_flags: bool, rules: Mapping[str, Any],
                     units_file: UnitsPath | None) -> Supervision:
    """The lists read afresh (not memoised), from a data folder or a ledger as of its moment."""
    from jj123lib.loop.coordination import blockers_by_department, register
    from jj123lib.loop.deadlines import cuibao
    from jj123lib.loop.duban import duban_items
    from jj123lib.loop.flags import FLAG_COLUMNS, find_flags
    from jj123lib.loop.verification import awaiting

    coordination = register(data_dir, quarter=quarter, open_only=True)
    return Supervision(cuibao=cuibao(quarter, data_dir, as_of=as_of, rules=rules, units_file=units_file),
                       duban=duban_items(quarter, data_dir, as_of=as_of, rules=rules),
                       awaiting=awaiting(quarter, data_dir, as_of=as_of, rules=rules),
                       coordination=coordination,
                       flags=find_flags(quarter, data_dir, as_of=as_of, rules=rules) if with_flags
                       else pd.DataFrame(columns=FLAG_COLUMNS),
                       blockers=blockers_by_department(coordination))
