"""jj123lib: supervision workbook for Jinjiang City's 2026 "123" work.

The public surface is small on purpose; everything else lives in its module.
"""

from jj123lib.exceptions import Jj123Error
from jj123lib.notice import parse_notice
from jj123lib.quotas import QuotaReport, check_quotas
from jj123lib.tasks import leaders, load_tasks, units

__version__ = "0.1.0"

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
