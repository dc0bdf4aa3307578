"""The office's clock: dates and times in China time (Asia/Shanghai), whatever the machine's time zone.

Every date jj123 prints or judges by (生成日期, deadlines, “填报日期 after today”, who-and-when records)
comes from here, and each function takes ``now`` so tests can inject the clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["CHINA_TZ", "china_now", "china_today", "china_now_iso"]

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
