"""jj123lib: supervision workbook for Jinjiang City's 2026 "123" work.

The analyst's API (``docs/api.md``): :func:`rate_quarter`, :func:`rating_history`, :func:`league_history`,
:class:`Ledger`, the report view-models :func:`leader_report` and :func:`overview`, and the task table.
Charts in Chinese: ``import jj123lib.plotting`` first. Everything else lives in its module.
Names other than the exception root are imported lazily (PEP 562), so a
process that needs only part of the library (a batch worker, ``jj123 batch``
with nothing to do) does not pay for pandas at ``import jj123lib``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from jj123lib.exceptions import Jj123Error

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.api import leader_report, league_history, overview, rate_quarter, rating_history
    from jj123lib.ledger import Ledger
    from jj123lib.notice import parse_notice
    from jj123lib.quotas import QuotaReport, check_quotas
    from jj123lib.tasks import leaders, load_tasks, units

__version__ = "0.1.0"

_LAZY = {
    "rate_quarter": "jj123lib.api",
    "rating_history": "jj123lib.api",
    "league_history": "jj123lib.api",
    "leader_report": "jj123lib.api",
    "overview": "jj123lib.api",
    "Ledger": "jj123lib.ledger",
    "parse_notice": "jj123lib.notice",
    "QuotaReport": "jj123lib.quotas",
    "check_quotas": "jj123lib.quotas",
    "leaders": "jj123lib.tasks",
    "load_tasks": "jj123lib.tasks",
    "units": "jj123lib.tasks",
}

__all__ = [
    "Jj123Error",
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
