"""jj123lib: supervision workbook for Jinjiang City's 2026 "123" work.

The analyst's API (``docs/api.md``): :func:`assess_quarter`, :func:`rate_quarter`, :func:`rating_history`,
:func:`league_history`, :class:`Ledger`, the report view-models :func:`leader_report` and :func:`overview`, and
the task table.
Charts in Chinese: ``import jj123lib.render.plotting`` first. Everything else lives in its module.
Names other than the exception root are imported lazily (PEP 562), so a
process that needs only part of the library (a batch worker, ``jj123 batch``
with nothing to do) does not pay for pandas at ``import jj123lib``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from jj123lib.core.exceptions import Jj123Error
from jj123lib.core.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.api import assess_quarter, leader_report, league_history, overview, rate_quarter, rating_history
    from jj123lib.domain.notice import parse_notice
    from jj123lib.domain.quotas import QuotaReport, check_quotas
    from jj123lib.domain.tasks import leaders, load_tasks, units
    from jj123lib.ledger.store import Ledger


_LAZY = {
    "assess_quarter": "jj123lib.api",
    "rate_quarter": "jj123lib.api",
    "rating_history": "jj123lib.api",
    "league_history": "jj123lib.api",
    "leader_report": "jj123lib.api",
    "overview": "jj123lib.api",
    "Ledger": "jj123lib.ledger.store",
    "parse_notice": "jj123lib.domain.notice",
    "QuotaReport": "jj123lib.domain.quotas",
    "check_quotas": "jj123lib.domain.quotas",
    "leaders": "jj123lib.domain.tasks",
    "load_tasks": "jj123lib.domain.tasks",
    "units": "jj123lib.domain.tasks",
}

__all__ = [
    "Jj123Error",
    "assess_quarter",
    "Ledger",
    "league_history",
    "leader_report",
    "overview",
    "rate_quarter",
    "rating_history",
    "QuotaReport",
    "check_quotas",
    "leaders",
    "load_tasks",
    "parse_notice",
    "units",
    "__version__",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jj123lib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
