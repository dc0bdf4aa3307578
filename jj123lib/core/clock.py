"""The office's clock: dates and times in China time (Asia/Shanghai), whatever the machine's time zone.

The dates jj123 prints or judges by (生成日期, deadlines, “填报日期 after today”) and every stamp it writes
(the ledger's ingest, receipt and override stamps, the loop's who-and-when records, forms' generated_at)
come from here, and each function takes ``now`` so tests can inject the clock. Stamps are ISO 8601 in
China time with the ``+08:00`` offset, so they sort as text. A read is as of a moment
(:func:`read_moment`): the ledger shows only what had been received or recorded by then.

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
           "as_of_moment", "BACKDATED_HOUR", "china_stamp", "read_moment", "moment_label", "READ_AS_OF_ENV",
           "read_as_of"]

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


READ_AS_OF_ENV = "JJ123_READ_AS_OF"  # a batch as of a moment: every ledger read of the run (workers too) is at it


def read_as_of() -> datetime | None:
    """The moment ``$JJ123_READ_AS_OF`` sets every ledger read at (a demo folder's too), or ``None``.

    Set only by a batch run ``--as-of`` for itself and its workers, beside the frozen clock.
    """
    spec = os.environ.get(READ_AS_OF_ENV, "").strip()
    if not spec:
        return None
    try:
        return china_now(datetime.fromisoformat(spec))
    except ValueError:
        raise ParameterError(f"${READ_AS_OF_ENV}", spec,
                             hint="应写作带时区的日期和时间，如 2026-10-13T17:00:59+08:00") from None


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
    """A date from ``YYYY-MM-DD`` (``None`` → today in China at ``now``, default the real clock).

    A moment ``YYYY-MM-DDTHH:MM`` (``--as-of`` with a time) gives its day.
    """
    if value is None:
        return china_today(now)
    if isinstance(value, datetime):
        return china_now(value).date()
    if isinstance(value, date):
        return value
    try:
        found = _MOMENT.fullmatch(str(value).strip())
        return date.fromisoformat(found.group(1) if found else str(value).strip())
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


def china_stamp(now: datetime | None = None) -> str:
    """A ledger stamp: ``now`` in China time to the microsecond, with its offset (orders quick successive writes)."""
    return china_now(now).isoformat(timespec="microseconds")


_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?")


def read_moment(as_of: str | date | datetime | None, now: datetime | None = None, *,
                clamp: bool = True) -> datetime:
    """The moment a read is as of: ``--as-of DATE[THH:MM]``, China time.

    ``None`` is now; a date alone is the end of that day (everything received that day counts); a date
    with a time is that minute's end. A moment never lies after now (the future holds no records) unless
    ``clamp`` is off: a judgement of a later day (a demo's story) on the records that exist.
    """
    current = china_now(now)
    if as_of is None:
        return current
    if isinstance(as_of, datetime):
        moment = as_of.astimezone(CHINA_TZ) if as_of.tzinfo else as_of.replace(tzinfo=CHINA_TZ)
    elif isinstance(as_of, date):
        moment = datetime.combine(as_of, time.max, CHINA_TZ)
    else:
        found = _MOMENT.fullmatch(str(as_of).strip())
        try:
            if not found:
                raise ValueError(as_of)
            day = date.fromisoformat(found.group(1))
            if found.group(2) is None:
                moment = datetime.combine(day, time.max, CHINA_TZ)
            else:
                moment = datetime.combine(day, time(int(found.group(2)), int(found.group(3)), 59, 999999),
                                          CHINA_TZ)
        except ValueError:
            raise LedgerError(f"判断时点“{as_of}”无效，应写作 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM，"
                              "如 2026-10-13 或 2026-10-13T17:00") from None
    return min(moment, current) if clamp else moment


def moment_label(moment: datetime) -> str:
    """``数据截至`` text for a moment: ``2026-10-13 17:00`` (China time)."""
    return china_now(moment).strftime("%Y-%m-%d %H:%M")
