"""The ledger's schema version and the ordered migrations that bring an older ledger to it.

``meta.schema_version`` is read before anything else touches the file. A ledger written by a newer
jj123 (a higher version) is refused in Chinese and left exactly as it is: never relabelled, never
half-migrated. An older one is upgraded in place by the first write, one migration at a time, each in
its own transaction together with its version bump and its row in ``schema_migrations`` (version,
applied_at in China time with its offset). A new ledger is the empty one, version 0, run through them
all in ONE transaction (each still recorded): it is created whole or not at all, with one sync to disk
instead of five (a new ledger is made by every first ingest, and by the tests hundreds of times).

The tables' DDL stays in :data:`jj123lib.ledger.tables.SCHEMA` (its CHECK lists follow the domain
vocabulary); a migration names the statements it creates from there. So a migration that creates a
table creates it in its current form: 1→2 makes ``verifications`` with the CHECK that 4→5 widens,
and 4→5's rebuild then finds nothing to do. Migrations are idempotent (``IF NOT EXISTS``, a column
only added when absent), so an upgrade interrupted by a killed writer simply resumes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jj123lib.core.clock import china_now, china_now_iso
from jj123lib.core.exceptions import LedgerError
from jj123lib.ledger.tables import PLAN_TASK_COLUMNS, RECEIPT_COLUMNS, STAMP_COLUMNS

__all__ = ["CURRENT_VERSION", "MIGRATIONS", "Migration", "create_statements", "read_version", "check_version",
           "migrate", "MIGRATIONS_TABLE"]

MIGRATIONS_TABLE = "schema_migrations"
_CREATE = re.compile(r"CREATE\s+(?:TABLE|INDEX)\s+IF\s+NOT\s+EXISTS\s+(\w+)", re.IGNORECASE)

DDL = Mapping[str, str]  # object name → its CREATE statement


@dataclass(frozen=True)
class Migration:
    """One step: ``apply`` brings a ledger at ``version - 1`` to ``version``."""

    version: int
    summary: str
    apply: Callable[[sqlite3.Connection, DDL], str | None]  # returns a note kept with its record, if any


def create_statements(schema: str) -> dict[str, str]:
    """The ``CREATE … IF NOT EXISTS`` statements of ``schema``, by the name of the table or index they make."""
    out: dict[str, str] = {}
    for statement in schema.split(";"):
        found = _CREATE.search(statement)
        if found:
            out[found.group(1)] = statement.strip()
    return out


def _create(*names: str) -> Callable[[sqlite3.Connection, DDL], None]:
    def apply(conn: sqlite3.Connection, ddl: DDL) -> None:
        for name in names:
            conn.execute(ddl[name])
    return apply


_NAIVE_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")


def _china_stamp_of_naive(value: str) -> str:
    """A naive stamp read as the machine's local time (how it was written), in China time with offset."""
    return china_now(datetime.fromisoformat(value).astimezone()).isoformat(timespec="microseconds")


def _convert_naive_stamps(conn: sqlite3.Connection) -> dict[str, int]:
    """Rewrite every naive stamp in place; how many per ``table.column``."""
    converted: dict[str, int] = {}
    for table, column in STAMP_COLUMNS:
        if column not in {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}:
            continue
        rows = conn.execute(f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
        updates = [(_china_stamp_of_naive(value), rowid) for rowid, value in rows
                   if isinstance(value, str) and _NAIVE_STAMP.fullmatch(value)]
        conn.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", updates)
        if updates:
            converted[f"{table}.{column}"] = len(updates)
    return converted


def _to_6(conn: sqlite3.Connection, ddl: DDL) -> str:
    converted = _convert_naive_stamps(conn)
    for column in (*RECEIPT_COLUMNS, "ingested_by"):
        _add_column(conn, "files", column, "TEXT")
    # A file recorded before receipts existed was received, as far as the ledger knows, when it was taken in.
    conn.execute("UPDATE files SET received_at = ingested_at WHERE received_at IS NULL")
    _create("file_events", "publications", "submissions_unit_quarter")(conn, ddl)
    offset = datetime.now().astimezone().strftime("%z")
    return json.dumps({"naive_stamps_converted": converted, "read_as_machine_utc_offset": offset},
                      ensure_ascii=False, sort_keys=True)


def _add_column(conn: sqlite3.Connection, table: str, column: str, sql_type: str) -> None:
    if column not in {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")


def _widen_verification_kinds(conn: sqlite3.Connection, ddl: DDL) -> None:
    """Rebuild a ``verifications`` table whose CHECK predates kind ``'recognition'``.

    SQLite cannot alter a CHECK constraint; the rows are copied into the new table as they are.
    """
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'verifications'").fetchone()
    if row is None or "'recognition'" in row[0]:
        return
    conn.execute("ALTER TABLE verifications RENAME TO verifications_v4")
    conn.execute(ddl["verifications"])
    # By name: columns a later migration adds (held_reason) are added back by that migration.
    new = [r[1] for r in conn.execute("PRAGMA table_info(verifications)")]
    shared = ", ".join(c for c in (r[1] for r in conn.execute("PRAGMA table_info(verifications_v4)")) if c in new)
    conn.execute(f"INSERT INTO verifications ({shared}) SELECT {shared} FROM verifications_v4")
    conn.execute("DROP TABLE verifications_v4")


def _to_3(conn: sqlite3.Connection, ddl: DDL) -> None:
    _add_column(conn, "files", "phone", "TEXT")


def _to_4(conn: sqlite3.Connection, ddl: DDL) -> None:
    _add_column(conn, "files", "content_sha256", "TEXT")
    conn.execute(ddl["response_files"])


def _to_5(conn: sqlite3.Connection, ddl: DDL) -> None:
    # response_files came late within schema 4: a ledger stamped 4 may lack it.
    _create("response_files", "benchmark_plan", "indicator_values", "recognitions")(conn, ddl)
    _widen_verification_kinds(conn, ddl)


def _to_7(conn: sqlite3.Connection, ddl: DDL) -> None:
    """督办 steps: one per existing item, backfilled from its row (its level and due date as they stand)."""
    _create("duban_steps")(conn, ddl)
    conn.execute("INSERT OR IGNORE INTO duban_steps (duban_id, step, level, issued_on, due_date, reason, by, at)"
                 " SELECT id, 1, level, issued_on, due_date, reason, by, at FROM duban ORDER BY rowid")
    # The office's reason for closing a 督办 as 整改属实 while its trigger still held.
    _add_column(conn, "verifications", "held_reason", "TEXT")


def _to_8(conn: sqlite3.Connection, ddl: DDL) -> None:
    """The plan form's 攻坚措施 and 责任人; a plan received before is kept as it was, without them (NULL)."""
    for column in PLAN_TASK_COLUMNS:
        _add_column(conn, "plan", column, "TEXT")


def _to_9(conn: sqlite3.Connection, ddl: DDL) -> None:
    """需协调部门: typed on the progress form (``submissions``) or set by the office (``coordination_departments``)."""
    _add_column(conn, "submissions", "coordination_department", "TEXT")
    _create("coordination_departments")(conn, ddl)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "files, progress and plan rows, light overrides",
              _create("meta", "files", "submissions", "submissions_quarter", "plan", "overrides")),
    Migration(2, "the supervision loop: 督办, 整改反馈, 核实销号, evidence, 协调事项, events",
              _create("duban", "duban_responses", "evidence", "verifications", "coordination",
                      "coordination_mentions", "supervision_events")),
    Migration(3, "files.phone (联系电话 typed on the form)", _to_3),
    Migration(4, "files.content_sha256 (an unchanged re-save is no new version); response_files", _to_4),
    Migration(5, "benchmarks (benchmark_plan, indicator_values, recognitions); verification kind 'recognition'",
              _to_5),
    Migration(6, "the record: every stamp China time with offset; files.received_at, received_by, ingested_by;"
                 " file_events (paper copy, revert); publications (季度封账, corrections)", _to_6),
    Migration(7, "督办 steps (duban_steps, one per escalation, backfilled); verifications.held_reason", _to_7),
    Migration(8, "plan.measures, plan.owner (the plan form's 攻坚措施 and 责任人)", _to_8),
    Migration(9, "需协调部门: submissions.coordination_department; coordination_departments (form or office, stamped)",
              _to_9),
)
CURRENT_VERSION = MIGRATIONS[-1].version


def read_version(conn: sqlite3.Connection, path: Path) -> int:
    """The recorded schema version; 0 for a new, empty file (no ``meta`` table or no version in it)."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        return 0
    if row is None:
        return 0
    try:
        return int(str(row[0]).strip())
    except ValueError:
        raise LedgerError(f"台账 {path} 的数据结构版本“{row[0]}”无法识别，未作任何改动；"
                          "请把该文件交给维护人员检查") from None


def check_version(conn: sqlite3.Connection, path: Path) -> int:
    """:func:`read_version`, refusing a ledger written by a newer jj123 (it is not touched)."""
    version = read_version(conn, path)
    if version > CURRENT_VERSION:
        raise LedgerError(f"台账 {path} 由更新版本的 jj123 写入（数据结构版本 {version}，本程序只支持到 "
                          f"{CURRENT_VERSION}），为免损坏未作任何改动；请升级 jj123 后再使用")
    return version


def migrate(conn: sqlite3.Connection, path: Path, version: int, schema: str) -> None:
    """Run every migration above ``version``, each once, in its own transaction with its bump and record.

    A new ledger (``version`` 0) is made in one transaction. ``conn`` is in autocommit mode
    (``isolation_level=None``), outside any transaction.
    """
    pending = [m for m in MIGRATIONS if m.version > version]
    if not pending:
        return
    ddl = create_statements(schema)
    for steps in [pending] if version == 0 else [[m] for m in pending]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for migration in steps:
                # Another writer without the folder lock may have got there first.
                if check_version(conn, path) < migration.version:
                    _record(conn, migration.version, migration.apply(conn, ddl))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _record(conn: sqlite3.Connection, version: int, note: str | None = None) -> None:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY,"
                 " applied_at TEXT NOT NULL)")
    _add_column(conn, MIGRATIONS_TABLE, "note", "TEXT")  # what a step changed in place (schema 6 on)
    # REPLACE: a ledger whose stamp was set back by hand runs the step again and keeps the latest date.
    conn.execute(f"INSERT OR REPLACE INTO {MIGRATIONS_TABLE} (version, applied_at, note) VALUES (?, ?, ?)",
                 (version, china_now_iso(), note))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))
