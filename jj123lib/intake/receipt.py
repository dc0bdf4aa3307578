"""When the office received a form, and who took it in: checked before anything is written.

The receipt, not the 填报日期 a unit types, decides 按时 and 迟报 (:mod:`jj123lib.loop.deadlines`). It
defaults to the moment of ingest; ``jj123 ingest --received`` records a form that came earlier (by mail,
on paper, on a USB stick). A receipt is never after now, and never before the form's own 填报日期.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jj123lib.core.clock import china_now, china_stamp
from jj123lib.core.exceptions import IngestError, IngestRejected, ParameterError

__all__ = ["Receipt", "check_receipt", "check_received_after_dated"]


@dataclass(frozen=True)
class Receipt:
    """``received`` (``None``: the moment of ingest), who took the file in, and the ingest's clock."""

    received: datetime | None = None
    by: str | None = None
    now: datetime | None = None

    def record(self) -> dict[str, Any]:
        """The ``files`` columns of the receipt (the ledger stamps the ingest itself)."""
        return {"received_at": None if self.received is None else china_stamp(self.received),
                "received_by": self.by, "ingested_by": self.by, "now": self.now}


def check_receipt(received: datetime | None, now: datetime | None = None) -> datetime | None:
    """``received`` in China time, refused when it lies after now."""
    if received is None:
        return None
    moment = china_now(received)
    if moment > china_now(now):
        raise ParameterError("--received", moment.strftime("%Y-%m-%d %H:%M"),
                             hint="收文时间不能晚于现在（北京时间）")
    return moment


def check_received_after_dated(name: str, received: datetime | None, rows: list[dict[str, Any]]) -> None:
    """Refuse a receipt earlier than the form's own 填报日期 (the latest one its rows carry)."""
    if received is None:
        return
    dated = [d for d in (_day(row.get("report_date")) for row in rows) if d is not None]
    if dated and max(dated) > received.date():
        raise IngestRejected(name, [IngestError(
            name, f"收文日期 {received.date().isoformat()} 早于表内填报日期 {max(dated).isoformat()}，"
            "不能在填报之前收文；请核对收文日期（--received）")])


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
