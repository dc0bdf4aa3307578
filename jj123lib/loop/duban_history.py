"""督办 history: each item's state on a day, derived from its steps, the units' answers and the office's decisions.

An item is issued once (step 1) and each escalation appends a step with its own level, date of issue,
reason and due date (``duban_steps``). The item's current level and due date are its latest step's.

Days overdue are counted from the first due date the unit missed, to the day asked about, and keep
growing through every escalation until the unit answers: 整改中 (or an 已整改 the office sends back,
退回) stops the count and owes a new answer ``follow_up_days`` later, which can fall overdue again;
已整改 waits for the office; a verified 整改属实 closes the item.

A read as of a moment (a day: its end) sees only what had been recorded by then: the steps issued by
its day (on that day, those stamped by the moment: a step issued at 10:00 is not there at 09:00), the
answers and the decisions stamped (China time) by the moment. Days overdue count whole days, to the
moment's day. The writers in :mod:`jj123lib.loop.duban` pass ``cutoff=None`` to see everything the ledger
holds.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd

from jj123lib.core.clock import china_stamp
from jj123lib.core.frames import records
from jj123lib.domain.vocab import ALL_LEVELS, RETURNED_LABEL
from jj123lib.ledger.store import Ledger

__all__ = ["Step", "ItemState", "History", "top_level", "STEP_COLUMNS", "recorded_by"]

STEP_COLUMNS = ["duban_id", "step", "level", "issued_on", "due_date", "reason", "by", "at"]


def top_level(section: Mapping[str, object]) -> int:
    """The highest level the rules allow (挂牌督办, or 约谈 when ``duban.interview`` is on), 1-based."""
    return len(ALL_LEVELS) if section.get("interview") else len(ALL_LEVELS) - 1


@dataclass(frozen=True)
class Step:
    """One issue or escalation of an item."""

    step: int
    level: int
    issued_on: date
    due_date: date
    reason: str
    by: str
    at: str

    def describe(self) -> str:
        return f"{self.step}. {self.issued_on} {ALL_LEVELS[self.level - 1]}，整改期限 {self.due_date}（{self.reason}）"


@dataclass(frozen=True)
class _Event:
    at: str
    kind: str  # 整改中, 已整改, verified, rejected, revoked
    text: str
    held_reason: str = ""


@dataclass(frozen=True)
class ItemState:
    """An item as it stood on a day."""

    status: str  # open, responded, claimed, closed
    returned: bool  # open again because the office rejected its 已整改
    level: int  # the latest step's
    due_date: date  # the latest step's
    answer_due: date | None  # the day an answer is owed by (None while 待核实 or closed)
    overdue_since: date | None
    days_overdue: int
    response: str | None  # the latest answer or verdict, as the lists show it
    steps: tuple[Step, ...] = field(default=())

    @property
    def status_label(self) -> str:
        from jj123lib.domain.vocab import DUBAN_STATUS_LABELS

        return RETURNED_LABEL if self.returned else DUBAN_STATUS_LABELS[self.status]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def recorded_by(issued_on: date, stamp: str, cutoff: datetime) -> bool:
    """Whether a record issued on ``issued_on`` and stamped ``stamp`` was there at ``cutoff``: issued by its day
    and, if stamped on that very day, not after it (a back-dated record counts from the day it stands for)."""
    day = cutoff.date()
    return issued_on <= day and not (str(stamp)[:10] == day.isoformat() and str(stamp) > china_stamp(cutoff))


class History:
    """Every item's steps, answers and decisions, read from the ledger at once."""

    def __init__(self, steps: pd.DataFrame, responses: pd.DataFrame, decisions: pd.DataFrame) -> None:
        self._steps: dict[str, list[Step]] = defaultdict(list)
        for r in records(steps):
            self._steps[str(r["duban_id"])].append(Step(int(r["step"]), int(r["level"]),
                                                        date.fromisoformat(str(r["issued_on"])),
                                                        date.fromisoformat(str(r["due_date"])), str(r["reason"]),
                                                        str(r["by"]), str(r["at"])))
        self._events: dict[str, list[_Event]] = defaultdict(list)
        for r in records(responses):
            self._events[str(r["duban_id"])].append(_Event(str(r["at"]), str(r["status"]), str(r["text"])))
        for r in records(decisions):
            target = str(r["target"])
            self._events[target].append(_Event(str(r["at"]), str(r["decision"]), _text(r["note"]),
                                               _text(r["held_reason"])))
            if int(r["revoked"]) and _text(r["revoked_at"]):
                self._events[target].append(_Event(str(r["revoked_at"]), "revoked", _text(r["revoke_reason"])))
        for events in self._events.values():
            events.sort(key=lambda e: e.at)

    @classmethod
    def read(cls, ledger: Ledger) -> History:
        steps = ledger.query(f"SELECT {', '.join(STEP_COLUMNS)} FROM duban_steps ORDER BY duban_id, step", (),
                             STEP_COLUMNS)
        responses = ledger.query("SELECT duban_id, status, text, at FROM duban_responses ORDER BY id", (),
                                 ["duban_id", "status", "text", "at"])
        columns = ["target", "decision", "note", "at", "revoked", "revoked_at", "revoke_reason", "held_reason"]
        try:
            decisions = ledger.query(f"SELECT {', '.join(columns)} FROM verifications WHERE kind = 'duban'"
                                     " ORDER BY id", (), columns)
        except (sqlite3.OperationalError, pd.errors.DatabaseError):  # a ledger not yet upgraded to schema 7
            decisions = ledger.query(f"SELECT {', '.join(columns[:-1])}, NULL AS held_reason FROM verifications"
                                     " WHERE kind = 'duban' ORDER BY id", (), columns)
        return cls(steps, responses, decisions)

    def steps(self, item: dict[str, object], cutoff: datetime | None = None) -> tuple[Step, ...]:
        """The item's steps issued by ``cutoff`` (all with ``None``); step 1 stands for an item without any."""
        found = [s for s in self._steps.get(str(item["id"]), [])
                 if cutoff is None or recorded_by(s.issued_on, s.at, cutoff)]
        if not found:
            found = [Step(1, int(str(item["level"])), date.fromisoformat(str(item["issued_on"])),
                          date.fromisoformat(str(item["due_date"])), str(item["reason"]), str(item["by"]),
                          str(item["at"]))]
        return tuple(found)

    def state(self, item: dict[str, object], day: date, follow_up_days: int, cutoff: datetime | None) -> ItemState:
        """``item`` (a ``duban`` row) on ``day``, from what was recorded by ``cutoff`` (``None``: everything)."""
        steps = self.steps(item, cutoff)
        status, returned = "open", False
        owed: date | None = steps[0].due_date
        response: str | None = None
        last_answer = ""
        bound = None if cutoff is None else china_stamp(cutoff)
        for event in self._events.get(str(item["id"]), []):
            if bound is not None and event.at > bound:
                break
            when = date.fromisoformat(event.at[:10])  # China time with its offset: the date is the China date
            if event.kind in ("整改中", "已整改"):
                status, returned = ("responded" if event.kind == "整改中" else "claimed"), False
                owed = when + timedelta(days=follow_up_days) if event.kind == "整改中" else None
                last_answer = response = f"{event.kind}：{event.text}"
            elif event.kind == "verified":
                status, returned, owed = "closed", False, None
                held = f"（触发条件仍在，督查室理由：{event.held_reason}）" if event.held_reason else ""
                response = f"整改属实{held}" + (f"：{event.text}" if event.text else "")
            elif event.kind == "rejected":
                status, returned, owed = "open", True, when + timedelta(days=follow_up_days)
                response = f"{RETURNED_LABEL}：{event.text}"
            elif event.kind == "revoked":  # the decision withdrawn: back to waiting for the check
                status, returned, owed, response = "claimed", False, None, last_answer or None
        overdue = owed is not None and day > owed
        return ItemState(status, returned, steps[-1].level, steps[-1].due_date, owed,
                         owed if overdue else None, (day - owed).days if overdue and owed else 0, response, steps)
