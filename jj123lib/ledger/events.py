"""Who made a change, and the audit trail of the supervision loop (``supervision_events``)."""

from __future__ import annotations

import getpass
import sqlite3

from jj123lib.core.exceptions import LedgerError

__all__ = ["default_by", "check_by", "record_event"]


def default_by() -> str:
    """The OS user, recorded when ``--by`` is not given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "督查室"


def check_by(by: str | None) -> str:
    name = (by or "").strip()
    if not name:
        raise LedgerError("必须写明操作人（--by）")
    return name


def record_event(conn: sqlite3.Connection, target: str, action: str, detail: str, by: str, at: str) -> None:
    """One line of the audit trail, in the caller's transaction."""
    conn.execute("INSERT INTO supervision_events (target, action, detail, by, at) VALUES (?, ?, ?, ?, ?)",
                 (target, action, detail, by, at))
