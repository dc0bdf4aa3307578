"""The office's clock: dates and times in China time (Asia/Shanghai), whatever the machine's time zone.

The dates jj123 prints or judges by (生成日期, deadlines, “填报日期 after today”, the loop's who-and-when
records) come from here, and each function takes ``now`` so tests can inject the clock. Not yet the
ledger's ingest and override stamps: ``ledger.store.now_iso`` is still the machine's naive local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from jj123lib.core.exceptions import LedgerError

__all__ = ["CHINA_TZ", "china_now", "china_today", "china_now_iso", "parse_day", "as_of_moment",
           "BACKDATED_HOUR"]

# China has kept UTC+8 without daylight saving since 1991: a fixed offset needs no tz database.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def china_now(now: datetime | None = None) -> datetime:
    """``now`` (default: the real clock) in China time; a naive ``now`` is read as the machine's local time."""
    return (now or datetime.now(UTC)).astimezone(CHINA_TZ)


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
