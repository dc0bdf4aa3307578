"""The register of 协调事项: what units asked their leaders to coordinate, kept until settled.

Each non-empty 需协调事项 in a current submission (lead or co-unit) becomes an item
``XT-<quarter>-<nnn>`` with its task, unit, leader, text and the quarter raised. The same
request repeated in a later quarter — same task, same unit, normalised text similarity
(``difflib`` ratio) ≥ ``coordination.same_item_min_ratio`` — is recorded as a mention of the
open item, not a new item. Items stay open until the office marks them 已协调 or 已解决 with
a reference (e.g. a 会议纪要 number). ``sync`` is idempotent and runs in one transaction.

需协调部门: the department asked to act, as the unit typed it in the form's 需协调部门 column (kept with the item
when it is raised or mentioned again), or as the office set it (:func:`assign`, which a later form does not undo).
Every naming is a stamped row of ``coordination_departments``, so a read as of a moment sees the department as it
stood then. An item nobody named one for reads it from the request's wording (“需自然资源局协调……”; 市领导 when
none is named), marked as such. :func:`blockers_by_department` groups the open items by it, across tasks and
leaders, for the overview and the 通报.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from jj123lib.core.clock import china_now_iso
from jj123lib.core.exceptions import LedgerError
from jj123lib.domain.departments import LEADER_ASKED, MAX_DEPARTMENT_CHARS, read_departments, split_departments
from jj123lib.domain.quarters import normalize_quarter, parse_quarter
from jj123lib.domain.rules import load_rules, loop_rules
from jj123lib.domain.tasks import load_tasks, units
from jj123lib.domain.tiers import task_order
from jj123lib.domain.vocab import CLOSED_COORDINATION_STATUSES
from jj123lib.ledger.events import check_by, record_event
from jj123lib.ledger.store import Ledger

__all__ = ["normalize_text", "similarity", "is_request", "sync", "close", "assign", "Assigned", "register",
           "REGISTER_COLUMNS", "LEADER_ASKED", "asked_department", "blockers_by_department", "BLOCKER_COLUMNS"]

REGISTER_COLUMNS = ["id", "task_id", "unit", "leader", "text", "latest_text", "quarter_raised", "last_quarter",
                    "quarters_open", "status", "ref", "closed_by", "closed_at", "department", "department_source"]
_NOTHING = {"", "无", "暂无", "没有", "无需协调", "暂无需协调事项", "无需协调事项", "/", "-", "—"}
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """NFKC, no spaces or punctuation: two spellings of one request compare equal."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, normalize_text(a), normalize_text(b), autojunk=False).ratio()


def is_request(text: Any) -> bool:
    """Whether a 需协调事项 (or 需协调部门) cell says something: not blank, not “无”."""
    return isinstance(text, str) and normalize_text(text) not in {normalize_text(n) for n in _NOTHING}


def _quarter_index(quarter: str) -> int:
    year, q = parse_quarter(quarter)
    return year * 4 + q


def sync(data_dir: str | os.PathLike[str] | Ledger | None = None, *, by: str,
         tasks: pd.DataFrame | None = None, rules: Mapping[str, Any] | None = None,
         now: datetime | None = None, quarter: str | None = None) -> list[str]:
    """Bring the register up to date with the ledger's submissions (of quarters up to ``quarter``,
    default all); returns the new item IDs."""
    by = check_by(by)
    ledger = Ledger.of(data_dir)
    table = load_tasks() if tasks is None else tasks
    threshold = float(loop_rules(load_rules() if rules is None else rules, "coordination")["same_item_min_ratio"])
    leaders = dict(zip(table["task_id"], table["leader"]))
    subs = ledger.submissions()
    upto = None if quarter is None else _quarter_index(normalize_quarter(quarter))
    requests = [(r["quarter"], r["task_id"], r["unit"], r["coordination"].strip(), r["coordination_department"])
                for r in subs.to_dict(orient="records") if is_request(r["coordination"])
                and (upto is None or _quarter_index(str(r["quarter"])) <= upto)]
    requests.sort(key=lambda r: (_quarter_index(r[0]), task_order(r[1]), r[2]))
    created: list[str] = []
    stamp = china_now_iso(now)
    with ledger.transaction() as conn:
        for quarter, task_id, unit, text, department in requests:
            items = conn.execute("SELECT i.id, i.status, m.quarter, m.text FROM coordination i JOIN"
                                 " coordination_mentions m ON m.item_id = i.id WHERE i.task_id = ? AND i.unit = ?"
                                 " ORDER BY i.id, m.quarter", (task_id, unit)).fetchall()
            same = [item_id for item_id, _, q, t in items if q == quarter and similarity(t, text) >= threshold]
            if same:  # already on record; a resent form may name the department now
                _note_department(conn, same[0], department, quarter, by, stamp)
                continue
            latest: dict[str, tuple[str, str, str]] = {}
            for item_id, status, q, t in items:
                latest[item_id] = (status, q, t)
            match = [(similarity(t, text), item_id) for item_id, (status, q, t) in latest.items()
                     if status == "open" and q < quarter]
            best = max(match, default=None)
            if best is not None and best[0] >= threshold:
                conn.execute("INSERT INTO coordination_mentions (item_id, quarter, text) VALUES (?, ?, ?)",
                             (best[1], quarter, text))
                conn.execute("UPDATE coordination SET last_quarter = ? WHERE id = ?", (quarter, best[1]))
                record_event(conn, best[1], "repeat", f"{quarter} 再次提出", by, stamp)
                _note_department(conn, best[1], department, quarter, by, stamp)
                continue
            count = conn.execute("SELECT COUNT(*) FROM coordination WHERE quarter_raised = ?", (quarter,)).fetchone()[0]
            item_id = f"XT-{quarter}-{count + 1:03d}"
            conn.execute("INSERT INTO coordination (id, task_id, unit, leader, text, quarter_raised, last_quarter,"
                         " status, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                         (item_id, task_id, unit, leaders.get(task_id, ""), text, quarter, quarter, by, stamp))
            conn.execute("INSERT INTO coordination_mentions (item_id, quarter, text) VALUES (?, ?, ?)",
                         (item_id, quarter, text))
            record_event(conn, item_id, "raise", text, by, stamp)
            _note_department(conn, item_id, department, quarter, by, stamp)
            created.append(item_id)
    return created


def _require_open(conn: Any, item_id: str, when_closed: str) -> None:
    """Refuse an item that does not exist, or is closed (``when_closed``: the message, with {item} and {status})."""
    row = conn.execute("SELECT status FROM coordination WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise LedgerError(f"协调事项“{item_id}”不存在")
    if row[0] != "open":
        raise LedgerError(when_closed.format(item=item_id, status=row[0]))


def _current_department(conn: Any, item_id: str) -> tuple[str, str] | None:
    """(department, source) last named for an item, or ``None``."""
    row = conn.execute("SELECT department, source FROM coordination_departments WHERE item_id = ?"
                       " ORDER BY at DESC, rowid DESC LIMIT 1", (item_id,)).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def _note_department(conn: Any, item_id: str, department: Any, quarter: str, by: str, stamp: str) -> None:
    """Keep the department a form names for an item, unless it is the one on record, the office set one, or a
    later quarter's form named one (a replayed older request must not undo it: :func:`sync` stays idempotent)."""
    if not isinstance(department, str) or not department.strip():
        return
    current = _current_department(conn, item_id)
    if current is not None and (current[1] == "office" or current[0] == department):
        return
    later = conn.execute("SELECT 1 FROM coordination_departments WHERE item_id = ? AND source = 'form'"
                         " AND quarter > ?", (item_id, quarter)).fetchone()
    if later is not None:
        return
    conn.execute("INSERT INTO coordination_departments (item_id, department, source, quarter, reason, by, at)"
                 " VALUES (?, ?, 'form', ?, NULL, ?, ?)", (item_id, department, quarter, by, stamp))
    record_event(conn, item_id, "department", f"需协调部门（{quarter} 单位填报）：{department}", by, stamp)


def close(item_id: str, status: str, ref: str, by: str,
          data_dir: str | os.PathLike[str] | Ledger | None = None, now: datetime | None = None) -> None:
    """Mark an item 已协调 or 已解决 with its reference (e.g. 会议纪要〔2026〕12号)."""
    by = check_by(by)
    item_id = item_id.strip().upper()
    if status not in CLOSED_COORDINATION_STATUSES:
        raise LedgerError(f"状态应为 {'、'.join(CLOSED_COORDINATION_STATUSES)}")
    if not ref or not ref.strip():
        raise LedgerError("办结须写明依据（--ref，如会议纪要编号）")
    ledger = Ledger.of(data_dir)
    stamp = china_now_iso(now)
    with ledger.transaction() as conn:
        _require_open(conn, item_id, "{item} 已于此前标记为{status}")
        conn.execute("UPDATE coordination SET status = ?, ref = ?, closed_by = ?, closed_at = ? WHERE id = ?",
                     (status, ref.strip(), by, stamp, item_id))
        record_event(conn, item_id, "close", f"{status}：{ref.strip()}", by, stamp)


@dataclass(frozen=True)
class Assigned:
    """What :func:`assign` recorded: the item, the department (names joined by 、), the previous one (read from the
    wording, named on a form or by the office), and the names that are not units of the task table (kept as typed)."""

    item_id: str
    department: str
    previous: str | None
    unknown: list[str]
    guesses: list[str]  # the nearest known unit to an unknown name


def assign(item_id: str, department: str, by: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
           reason: str | None = None, tasks: pd.DataFrame | None = None, now: datetime | None = None) -> Assigned:
    """The office names an open item's 需协调部门 (several: “自然资源局、住建局”); stamped, with who, and kept
    over what a later form says."""
    by = check_by(by)
    item_id = item_id.strip().upper()
    text = unicodedata.normalize("NFKC", department or "").strip()
    if not is_request(text):
        raise LedgerError("须写明需协调部门（--department，如 自然资源局；需市领导协调的写“市领导”）")
    if len(text) > MAX_DEPARTMENT_CHARS:
        raise LedgerError(f"需协调部门过长（{len(text)} 字，最多 {MAX_DEPARTMENT_CHARS} 字）")
    reading = read_departments(text, units(load_tasks() if tasks is None else tasks))
    note = (reason or "").strip() or None
    ledger = Ledger.of(data_dir)
    stamp = china_now_iso(now)
    with ledger.transaction() as conn:
        _require_open(conn, item_id, "{item} 已办结（{status}），不再指定需协调部门")
        current = _current_department(conn, item_id)
        if current is not None and current == (reading.text, "office"):
            raise LedgerError(f"{item_id} 的需协调部门已由督查室指定为“{reading.text}”")
        if current is None:  # as the register showed it: read from the latest wording
            latest = conn.execute("SELECT text FROM coordination_mentions WHERE item_id = ? ORDER BY quarter DESC"
                                  " LIMIT 1", (item_id,)).fetchone()
            current = None if latest is None else (asked_department(str(latest[0])), "text")
        conn.execute("INSERT INTO coordination_departments (item_id, department, source, quarter, reason, by, at)"
                     " VALUES (?, ?, 'office', NULL, ?, ?, ?)", (item_id, reading.text, note, by, stamp))
        record_event(conn, item_id, "department", f"需协调部门（督查室指定）：{reading.text}"
                     + (f"；理由：{note}" if note else ""), by, stamp)
    return Assigned(item_id, reading.text, None if current is None else current[0], reading.unknown, reading.guesses)


def register(data_dir: str | os.PathLike[str] | Ledger | None = None, *, quarter: str | None = None,
             open_only: bool = False) -> pd.DataFrame:
    """The register (items raised up to ``quarter``), with age in quarters: open items up to
    ``quarter`` (default: the latest quarter on record), closed ones up to their last mention."""
    ledger = Ledger.of(data_dir)
    columns = [c for c in REGISTER_COLUMNS
               if c not in ("latest_text", "quarters_open", "department", "department_source")]
    frame = ledger.query("SELECT * FROM coordination ORDER BY quarter_raised, id", (), columns + ["by", "at"])
    mentions = ledger.query("SELECT item_id, quarter, text FROM coordination_mentions ORDER BY quarter", (),
                            ["item_id", "quarter", "text"])
    latest = {r.item_id: r.text for r in mentions.itertuples(index=False)}
    upto = normalize_quarter(quarter) if quarter else (max(mentions["quarter"]) if len(mentions) else None)
    if upto is not None:
        frame = frame[frame["quarter_raised"] <= upto]
    if open_only:
        frame = frame[frame["status"] == "open"]
    frame = frame.reset_index(drop=True)
    frame["latest_text"] = pd.Series([latest.get(i) for i in frame["id"]], dtype=object)
    ages = []
    for raised, last, status in zip(frame["quarter_raised"], frame["last_quarter"], frame["status"]):
        end = upto if status == "open" and upto is not None else last
        ages.append(_quarter_index(end) - _quarter_index(raised) + 1)
    frame["quarters_open"] = pd.Series(ages, dtype="int64")
    frame["status"] = frame["status"].replace({"open": "未办结"})
    named = ledger.query("SELECT item_id, department, source FROM coordination_departments ORDER BY at, rowid", (),
                         ["item_id", "department", "source"])
    current = {r.item_id: (r.department, r.source) for r in named.itertuples(index=False)}
    departments = [current.get(i) or (asked_department(str(t)), "text")
                   for i, t in zip(frame["id"], frame["latest_text"].fillna(frame["text"]))]
    frame["department"] = pd.Series([d for d, _ in departments], dtype=object)
    frame["department_source"] = pd.Series([s for _, s in departments], dtype=object)
    return frame.loc[:, REGISTER_COLUMNS]


_ASKED = re.compile(r"需(.+?)(?:协调|协助|加快|召开)")
BLOCKER_COLUMNS = ["department", "n_items", "tasks", "leaders", "oldest", "items"]  # items: see below


def asked_department(text: str) -> str:
    """The department a request's wording asks to act: “需自然资源局协调解决用地指标” → 自然资源局; none named → 市领导
    (a request naming no department is for the leader: a 专题会议)."""
    found = _ASKED.search(text)
    return found.group(1) if found and found.group(1) != LEADER_ASKED else LEADER_ASKED


def blockers_by_department(register_frame: pd.DataFrame) -> pd.DataFrame:
    """Open register items (:func:`register`) grouped by 需协调部门, across all tasks and leaders.

    One row per department, most items first (ties: the one asked first); ``items`` lists each item (id, task,
    unit, leader, text, quarters open, where its department came from: ``source``) in the register's order; an
    item asking several departments is under each; ``oldest`` is the longest age in quarters.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in register_frame.to_dict(orient="records"):
        if row["status"] != "未办结":
            continue
        text = str(row.get("latest_text") or row["text"])
        for name in split_departments(str(row["department"])) or [LEADER_ASKED]:
            groups.setdefault(name, []).append({
                "id": row["id"], "task_id": row["task_id"], "unit": row["unit"], "leader": row["leader"],
                "text": text, "quarters_open": int(row["quarters_open"]), "source": row["department_source"]})
    rows = [{"department": name, "n_items": len(items), "tasks": list(dict.fromkeys(i["task_id"] for i in items)),
             "leaders": list(dict.fromkeys(i["leader"] for i in items)),
             "oldest": max(i["quarters_open"] for i in items), "items": items}
            for name, items in sorted(groups.items(), key=lambda kv: -len(kv[1]))]
    return pd.DataFrame(rows, columns=BLOCKER_COLUMNS)
