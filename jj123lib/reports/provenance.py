"""What a report shows, for finer incremental batches: ledger rows by task, opinions, scoped headers.

With leaders' scores and ranks off (``reports.show_leader_scores`` in the rules, the default), a
leader report shows only its own tasks' rows: submissions, plan, overrides, verifications, 督办
items and responses, 协调事项 and their mentions. :func:`leader_data_fingerprint` then covers only
those rows (with the rules, the task table and the opinions that concern the leader), so a late
form from one unit re-renders only the reports showing that unit's tasks. With scores on, ranks
depend on everyone: the whole-data fingerprint (:func:`jj123lib.ledger.fingerprint.data_fingerprint`).

The leader report prints this fingerprint in its header, so the header names exactly the data that
decides whether the report is re-rendered.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from typing import Any

from jj123lib.domain.rule_sections import show_leader_scores
from jj123lib.ledger.memo import Memo, content_key
from jj123lib.ledger.store import Ledger

_DIGESTS: Memo[dict[str, str]] = Memo(size=2)  # every report of a batch kernel (and the planning) reads them

__all__ = ["TASK_ROWS", "task_digests", "tasks_fingerprint", "leader_data_fingerprint", "opinions_fingerprint",
           "show_leader_scores", "leader_task_ids", "rules_and_tasks_digest", "owned_items",
           "leader_scope"]

# (table, SQL giving each row's task and the row as JSON). Same columns as Ledger.fingerprint; rows that
# name a 督办 item or a 协调事项 are attributed to that item's task.
TASK_ROWS: tuple[tuple[str, str], ...] = tuple((table, f"SELECT {task} AS task, json_array({row}) AS row {rest}") for
                                                table, task, row, rest in (
    ("submissions", "task_id", "quarter, unit, role, actual_pct, milestone_met, self_status, progress, problems,"
     " next_steps, coordination, reporter, report_date, file_sha256",
     "FROM submissions WHERE superseded = 0 ORDER BY quarter, task_id, unit, role"),
    ("plan", "task_id", "quarter, milestone, planned_pct, file_sha256",
     "FROM plan WHERE superseded = 0 ORDER BY task_id, quarter"),
    ("overrides", "task_id", "quarter, light, reason, by, at, revoked", "FROM overrides ORDER BY id"),
    ("verifications", "COALESCE(d.task_id, v.target)",
     "v.target, v.kind, v.quarter, v.decision, v.evidence, v.note, v.by, v.at, v.revoked",
     "FROM verifications v LEFT JOIN duban d ON v.kind = 'duban' AND d.id = v.target ORDER BY v.id"),
    ("duban", "task_id", "id, quarter, unit, trigger, reason, level, status, issued_on, due_date,"
     " last_trigger_quarter, by, at", "FROM duban ORDER BY rowid"),
    ("duban_steps", "d.task_id", "s.duban_id, s.step, s.level, s.issued_on, s.due_date, s.reason, s.by, s.at",
     "FROM duban_steps s JOIN duban d ON d.id = s.duban_id WHERE s.step > 1 ORDER BY s.duban_id, s.step"),
    ("duban_responses", "d.task_id", "r.duban_id, r.status, r.text, r.file_sha256, r.by, r.at",
     "FROM duban_responses r JOIN duban d ON d.id = r.duban_id ORDER BY r.rowid"),
    ("coordination", "task_id", "id, unit, leader, text, quarter_raised, last_quarter, status, ref, closed_by,"
     " closed_at, by, at", "FROM coordination ORDER BY rowid"),
    ("coordination_mentions", "c.task_id", "m.item_id, m.quarter, m.text",
     "FROM coordination_mentions m JOIN coordination c ON c.id = m.item_id ORDER BY m.rowid"),
    ("coordination_departments", "c.task_id", "d.item_id, d.department, d.source, d.quarter, d.reason, d.by, d.at",
     "FROM coordination_departments d JOIN coordination c ON c.id = d.item_id ORDER BY d.rowid"),
))


def task_digests(data_dir: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """SHA-256 per task of every ledger row that concerns it (one pass over the ledger, once per content)."""
    ledger = Ledger(data_dir)
    return dict(_DIGESTS.get(content_key(ledger, None, "task-digests"), lambda: _read_digests(ledger)))


def _read_digests(ledger: Ledger) -> dict[str, str]:
    digests: dict[str, hashlib._Hash] = {}
    for table, sql in TASK_ROWS:
        frame = ledger.query(sql, (), ["task", "row"])
        for task_id, row in frame.itertuples(index=False, name=None):
            digest = digests.setdefault(str(task_id), hashlib.sha256())
            digest.update(f"{table}\0{row}\0".encode())
    return {task: digest.hexdigest() for task, digest in digests.items()}


def tasks_fingerprint(digests: dict[str, str], task_ids: Iterable[str]) -> str:
    """SHA-256 over the rows of ``task_ids`` (a task with no rows counts as empty)."""
    digest = hashlib.sha256(b"tasks\0")
    for task_id in sorted(set(task_ids)):
        digest.update(f"{task_id}\0{digests.get(task_id, '')}\0".encode())
    return digest.hexdigest()


def opinions_fingerprint(data_dir: str | os.PathLike[str], quarter: str, leader: str | None = None) -> bytes:
    """The 督查室意见 that concern ``leader`` (``None``: every leader) in ``quarter``, as the report shows them.

    Comments, key order and other leaders' lines do not count (:func:`jj123lib.loop.opinions.opinions_fingerprint`).
    """
    from jj123lib.loop.opinions import opinions_fingerprint as shown_opinions

    return shown_opinions(data_dir, quarter, leader)


def rules_and_tasks_digest(rules: Mapping[str, Any] | None = None) -> str:
    """SHA-256 of the rules file in force (path and content: reports print both) and the task table."""
    from jj123lib.core.files import MAX_TABLE_BYTES, content_digest
    from jj123lib.domain.rules import rules_file
    from jj123lib.domain.tasks import default_tasks_path

    rules_path, rules_sha = rules_file(rules)
    tasks = content_digest(default_tasks_path(), MAX_TABLE_BYTES, "任务表")  # in chunks, bounded
    return hashlib.sha256(f"rules\0{rules_path}\0{rules_sha}\0tasks\0{tasks}".encode()).hexdigest()


def leader_task_ids(leader: str) -> list[str]:
    """The task IDs a leader leads, from the task table in force."""
    from jj123lib.domain.tasks import load_tasks

    tasks = load_tasks()
    return [str(t) for t in tasks.loc[tasks["leader"] == leader, "task_id"]]


def leader_data_fingerprint(data_dir: str | os.PathLike[str], quarter: str, leader: str,
                            task_ids: Iterable[str] | None = None, *, digests: dict[str, str] | None = None,
                            scores: bool | None = None, rules: Mapping[str, Any] | None = None) -> str:
    """The data a leader report shows: with scores off its tasks' rows, the rules, the task table and
    its opinions; with scores on (ranks depend on everyone) every row (:func:`data_fingerprint`).

    ``digests`` (from :func:`task_digests`) lets a batch read the ledger once for every leader. ``rules``: the
    :class:`jj123lib.domain.rules.Rules` in use (default: the default rules file).
    """
    from jj123lib.domain.rules import load_rules
    from jj123lib.ledger.fingerprint import data_fingerprint

    if scores is None:
        rules = load_rules() if rules is None else rules
        scores = show_leader_scores(rules)
    if scores:
        return data_fingerprint(data_dir, rules)
    ids = leader_task_ids(leader) if task_ids is None else list(task_ids)
    rows = task_digests(data_dir) if digests is None else digests
    digest = hashlib.sha256(b"leader-scope\0" + rules_and_tasks_digest(rules).encode() + b"\0")
    digest.update(tasks_fingerprint(rows, ids).encode() + b"\0")
    digest.update(b"opinions\0" + hashlib.sha256(opinions_fingerprint(data_dir, quarter, leader)).digest())
    return digest.hexdigest()


def owned_items(data_dir: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Each task's 督办事项 and 协调事项 by ID: their responses, mentions and verifications are the task's rows."""
    from jj123lib.ledger.store import Ledger

    frame = Ledger(data_dir).query("SELECT id, task_id FROM duban UNION ALL SELECT id, task_id FROM coordination",
                                   (), ["id", "task_id"])
    out: dict[str, list[str]] = {}
    for item, task_id in frame.itertuples(index=False, name=None):
        out.setdefault(str(task_id), []).append(str(item))
    return out


def leader_scope(leader: str, task_ids: Iterable[str], items: Mapping[str, list[str]]) -> list[str]:
    """What a leader report shows with scores off: its tasks, their 督办 and 协调 items, its own opinions.

    The scope keys of declared inputs' parts (:mod:`jj123lib.core.inputs`): ledger rows by task or item,
    the opinions file by ``leader:<name>``.
    """
    ids = [str(t) for t in task_ids]
    return sorted({*ids, *(item for t in ids for item in items.get(t, [])), f"leader:{leader}"})

