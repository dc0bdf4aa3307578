"""The office's clock: dates and times in China time (Asia/Shanghai), whatever the machine's time zone.

The dates jj123 prints or judges by (生成日期, deadlines, “填报日期 after today”, the loop's who-and-when
records) come from here, and each function takes ``now`` so tests can inject the clock. Not yet the
ledger's ingest and override stamps: ``ledger.store.now_iso`` is still the machine's naive local time.

Test hook: ``JJ123_FROZEN_NOW=2026-12-05T10:00:00+08:00`` makes the real clock stand still at that
moment, in this process and in every subprocess (the CLI, notebook kernels, batch workers), so the
test suite can run at any date. The value must be a full ISO date and time with its offset.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta, timezone

from jj123lib.core.exceptions import LedgerError, ParameterError

__all__ = ["CHINA_TZ", "FROZEN_NOW_ENV", "frozen_now", "china_now", "china_today", "china_now_iso", "parse_day",
           "as_of_moment", "BACKDATED_HOUR"]

# China has kept UTC+8 without daylight saving since 1991: a fixed offset needs no tz database.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


FROZEN_NOW_ENV = "JJ123_FROZEN_NOW"
_FROZEN_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


def frozen_now() -> datetime | None:
    """The moment ``$JJ123_FROZEN_NOW`` freezes the clock at, or ``None`` when unset (the real clock)."""
    spec = os.environ.get(FROZEN_NOW_ENV, "").strip()
    if not spec:
        return None
    try:
        if not _FROZEN_FORMAT.fullmatch(spec):
            raise ValueError(spec)
        return datetime.fromisoformat(spec)
    except ValueError:  # never silently the real clock
        raise ParameterError(f"${FROZEN_NOW_ENV}", spec,
                             hint="应写作带时区的日期和时间，如 2026-12-05T10:00:00+08:00") from None


def china_now(now: datetime | None = None) -> datetime:
    """``now`` (default: the real clock) in China time; a naive ``now`` is read as the machine's local time."""
    return (now or frozen_now() or datetime.now(UTC)).astimezone(CHINA_TZ)


def china_today(now: datetime | None = None) -> date:
    """The date in China at ``now`` (default: the real clock)."""
    return china_now(now).date()


def china_now_iso(now: datetime | None = None) -> str:
    """``now`` in China time, ISO 8601 with its offset, to the second (for who-and-when records)."""
    return china_now(now).isoformat(timespec="seconds")


def parse_day(value: str | date | None, now: datetime | None = None) -> date:
    """A date from ``YYYY-MM-DD`` (``None`` → today in China at ``now``, default the real clock)."""
    if value is None:
        return china_today(now)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise LedgerError(f"日期“{value}”无效，应写作 YYYY-MM-DD，如 2026-10-10") from None


BACKDATED_HOUR = 9  # a back-dated command is stamped at the start of that office day


def as_of_moment(as_of: str | date | None) -> datetime | None:
    """The clock a command run with ``--as-of`` stamps its records with.

    ``None`` (the real clock) when ``as_of`` is absent or today; otherwise 09:00 China time on
    ``as_of``, so a back-dated run (the demo, a replay) records the day it stands for.
    """
    if as_of is None:
        return None
    day = parse_day(as_of)
    return None if day == china_today() else datetime.combine(day, time(BACKDATED_HOUR), CHINA_TZ)
