"""jj123lib: supervision workbook for Jinjiang City's 2026 "123" work.

The public surface is small on purpose; everything else lives in its module.
Names other than the exception root are imported lazily (PEP 562), so a
process that needs only part of the library (a batch worker, ``jj123 batch``
with nothing to do) does not pay for pandas at ``import jj123lib``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from jj123lib.exceptions import Jj123Error

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.notice import parse_notice
    from jj123lib.quotas import QuotaReport, check_quotas
    from jj123lib.tasks import leaders, load_tasks, units

__version__ = "0.1.0"

_LAZY = {
    "parse_notice": "jj123lib.notice",
    "QuotaReport": "jj123lib.quotas",
    "check_quotas": "jj123lib.quotas",
    "leaders": "jj123lib.tasks",
    "load_tasks": "jj123lib.tasks",
    "units": "jj123lib.tasks",
}

__all__ = [
    "Jj123Error",
    "QuotaReport",
    "check_quotas",
    "leaders",
    "load_tasks",
    "parse_notice",
    "units",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jj123lib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
