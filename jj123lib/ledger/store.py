"""The progress ledger: an SQLite file (``<data_dir>/ledger.sqlite``) plus a verbatim archive.

Tables (see ``docs/data-model.md``):

* ``files`` – every accepted file, keyed by the SHA-256 of its bytes; the bytes
  themselves are in ``<data_dir>/archive/<sha256>.<ext>``.
* ``submissions`` – every row of every accepted progress form, lead rows
  (``role='lead'``, the task's official progress) and co-unit notes (``role='co'``).
  A later file from the same unit for the same quarter supersedes the earlier rows; nothing
  is deleted. Which rows are current is recomputed at each read (:mod:`jj123lib.ledger.views`);
  the stored ``superseded`` column stays for old ledgers and is neither written nor read.
* ``plan`` – the yearly plan rows (task × quarter: milestone, planned cumulative %),
  superseded the same way per unit and year.
* ``overrides`` – the office's light overrides with written reasons; a revoked or
  replaced override keeps its row with ``revoked=1`` (audit trail).
* schema 2 adds the supervision loop: ``duban`` (督办事项), ``duban_responses`` (整改反馈),
  ``verifications`` (核实销号), ``evidence`` (archived evidence files), ``coordination`` and
  ``coordination_mentions`` (协调事项), and ``supervision_events`` (who did what, when).
* ``response_files`` (added within schema 4, a new table only): every accepted 整改反馈 form,
  archived like ``files`` and linked from ``duban_responses.file_sha256`` (``files.kind`` only
  admits plan and progress forms).
* schema 3 adds ``files.phone`` (联系电话 typed on the form), by ``ALTER TABLE … ADD COLUMN``;
  readers of an older ledger see it as empty.
* schema 5 adds the benchmarks: ``benchmark_plan`` (对标计划 rows of a plan file),
  ``indicator_values`` and ``recognitions`` (指标进展 rows of a progress file), superseded like
  ``plan`` and ``submissions``; and ``verifications.kind`` may be ``'recognition'`` (target
  ``TASK@QUARTER``).

An older ledger is upgraded in place by the first write, one recorded migration at a time; a ledger of
a newer jj123 is refused untouched (:mod:`jj123lib.ledger.schema`).

Readers open the file read-only and never create it; a data folder without a
ledger reads as empty. Writers take an exclusive ``flock`` on ``<data_dir>/.lock``
and write each file in one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib.core.atomic import atomic_write, folder_lock, remove_stale_parts
from jj123lib.core.clock import china_now, china_stamp, read_as_of
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.datadir import LEDGER_FILE, demo_clock, readable_data_dir, resolve_data_dir
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.inputs import note_rows
from jj123lib.domain.quarters import normalize_quarter
from jj123lib.domain.vocab import OVERRIDE_LIGHTS
from jj123lib.ledger.file_rows import insert_extra_rows, insert_file, insert_main_rows
from jj123lib.ledger.schema import CURRENT_VERSION, check_version, migrate, read_version
from jj123lib.ledger.tables import (
    EXTRA_TABLES,
    FILE_COLUMNS,
    OVERRIDE_COLUMNS,
    PLAN_COLUMNS,
    PLAN_TASK_COLUMNS,
    SCHEMA,
    SUBMISSION_COLUMNS,
    VERIFICATION_COLUMNS,
)
from jj123lib.ledger.views import install_views

__all__ = ["Ledger", "LEDGER_FILE", "ARCHIVE_DIR", "SCHEMA_VERSION", "OVERRIDE_LIGHTS", "VERIFICATION_COLUMNS"]

ARCHIVE_DIR = "archive"
SCHEMA_VERSION = str(CURRENT_VERSION)


def now_iso(now: datetime | None = None) -> str:
    """A ledger stamp: China time to the microsecond with its offset (orders ingests in quick succession)."""
    return china_stamp(now)


class Ledger:
    """Read (and, for ingest/override, write) the ledger of one data folder, as of a moment.

    ``as_of`` (default: now, at each read) is the moment every read sees the ledger at
    (:mod:`jj123lib.ledger.views`); :meth:`at` gives the same ledger at another moment.
    """

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, *, as_of: datetime | None = None) -> None:
        self.data_dir = resolve_data_dir(data_dir)
        self.path = self.data_dir / LEDGER_FILE
        self.archive_dir = self.data_dir / ARCHIVE_DIR
        self.as_of = None if as_of is None else china_now(as_of)
        self._demo_clock = demo_clock(self.data_dir)

    def at(self, as_of: datetime | None) -> Ledger:
        """This ledger as of ``as_of`` (``None``: now, at each read)."""
        return Ledger(self.data_dir, as_of=as_of)

    def moment(self) -> datetime:
        """The moment this ledger's reads see: ``as_of``, else a batch's ``--as-of`` (:func:`read_as_of`), else now
        (a demo folder: its story's clock)."""
        return self.as_of or read_as_of() or self._demo_clock or china_now()

    @classmethod
    def of(cls, data_dir: str | os.PathLike[str] | Ledger | None, *, existing: bool = False) -> Ledger:
        """``data_dir`` itself when it is a ledger already, else the ledger of that data folder.

        ``existing``: refuse (in Chinese) a folder that is not a jj123 data folder, as reading commands do.
        """
        if isinstance(data_dir, Ledger):
            return data_dir
        return cls(readable_data_dir(data_dir) if existing else data_dir)

    def __repr__(self) -> str:
        moment = "" if self.as_of is None else f", as_of={self.as_of.isoformat()!r}"
        return f"Ledger({str(self.data_dir)!r}{moment})"

    # ---------------------------------------------------------------- reading
    def exists(self) -> bool:
        return self.path.is_file()

    @contextlib.contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection | None]:
        """A read-only connection (``None`` for no ledger); a ledger of a newer jj123 is refused."""
        with self._read_only() as conn:
            if conn is not None:
                check_version(conn, self.path)
            yield conn

    def check_schema(self) -> None:
        """Refuse (:class:`LedgerError`) a ledger written by a newer jj123; none, or an older one, passes."""
        with self._reader():
            pass

    @contextlib.contextmanager
    def _read_only(self) -> Iterator[sqlite3.Connection | None]:
        if not self.exists():
            yield None
            return
        self._recover_hot_journal()
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # A writer killed inside the very first transaction leaves a file without tables: still empty.
            schema = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'files'").fetchone()
            if schema:
                install_views(conn, china_stamp(self.moment()))
            yield conn if schema else None
        finally:
            conn.close()

    def _recover_hot_journal(self) -> None:
        """Roll back a transaction left by a killed writer, so read-only readers can open the ledger.

        A writer killed mid-transaction leaves ``ledger.sqlite-journal``; SQLite rolls it back
        on the next open, but a ``mode=ro`` connection cannot and fails with "attempt to write a
        readonly database". A read-write connection that only reads performs the rollback
        (SQLite takes its own locks; the journal is only "hot" when no writer holds it).
        """
        if not self.path.with_name(self.path.name + "-journal").exists():
            return
        with contextlib.suppress(sqlite3.Error):
            conn = sqlite3.connect(self.path, timeout=30)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()

    def _query(self, sql: str, params: tuple[Any, ...], columns: list[str]) -> pd.DataFrame:
        with self._reader() as conn:
            if conn is None:
                return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
            frame = pd.read_sql_query(sql, conn, params=params)
        frame = frame.loc[:, columns]
        note_rows(sql, params, columns, frame.itertuples(index=False, name=None))  # declared input (core.inputs)
        return frame

    def has_column(self, table: str, column: str) -> bool:
        """Whether ``table`` has ``column`` (an older ledger lacks the later ones until its next write)."""
        with self._reader() as conn:
            return conn is not None and any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))

    def submissions(self, quarter: str | None = None, include_superseded: bool = False) -> pd.DataFrame:
        """Progress rows (lead and co-unit), current only unless ``include_superseded``."""
        where, params = [], []
        if quarter is not None:
            where.append("s.quarter = ?")
            params.append(normalize_quarter(quarter))
        if not include_superseded:
            where.append("s.superseded = 0")
        phone = "f.phone" if self.has_column("files", "phone") else "NULL AS phone"
        received = "f.received_at" if self.has_column("files", "received_at") else "f.ingested_at AS received_at"
        sql = (f"SELECT s.*, f.filename, {phone}, {received} FROM submissions s"
               " JOIN files f ON f.sha256 = s.file_sha256"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.quarter, s.task_id, s.role DESC,"
               " s.unit, s.id")
        frame = self._query(sql, tuple(params), SUBMISSION_COLUMNS)
        frame["milestone_met"] = [None if pd.isna(v) else bool(v) for v in frame["milestone_met"]]
        frame["milestone_met"] = frame["milestone_met"].astype(object)
        frame["superseded"] = frame["superseded"].astype(bool)
        frame["actual_pct"] = pd.to_numeric(frame["actual_pct"]).astype("float64")
        return frame

    def plan(self) -> pd.DataFrame:
        """The current yearly plan: one row per task and quarter planned."""
        # A ledger of schema 7 or older, read before its next write upgrades it, has no 攻坚措施 or 责任人.
        task = "" if self.has_column("plan", PLAN_TASK_COLUMNS[0]) else "".join(f"NULL AS {c}, "
                                                                                 for c in PLAN_TASK_COLUMNS)
        sql = (f"SELECT p.*, {task}f.filename FROM plan p"
               " JOIN files f ON f.sha256 = p.file_sha256 WHERE p.superseded = 0 ORDER BY p.task_id, p.quarter")
        frame = self._query(sql, (), PLAN_COLUMNS)
        frame["planned_pct"] = pd.to_numeric(frame["planned_pct"]).astype("float64")
        return frame

    def verifications(self) -> pd.DataFrame:
        """Every verification decision ever made (revoked ones too), oldest first."""
        frame = self.query("SELECT * FROM verifications ORDER BY id", (), VERIFICATION_COLUMNS)
        frame["revoked"] = frame["revoked"].astype(bool)
        return frame

    def task_decisions(self) -> dict[str, list[dict[str, Any]]]:
        """Active (not revoked) decisions on task completions: task → decisions, oldest first."""
        out: dict[str, list[dict[str, Any]]] = {}
        frame = self.verifications()
        active = frame[(frame["kind"] == "task") & ~frame["revoked"]]
        for row in active.to_dict(orient="records"):
            out.setdefault(str(row["target"]), []).append({str(k): v for k, v in row.items()})
        return out

    def overrides(self, quarter: str | None = None, active_only: bool = False) -> pd.DataFrame:
        """Every override ever made (revoked ones too, for the audit trail), oldest first."""
        where, params = [], []
        if quarter is not None:
            where.append("quarter = ?")
            params.append(normalize_quarter(quarter))
        if active_only:
            where.append("revoked = 0")
        sql = "SELECT * FROM overrides" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        frame = self._query(sql, tuple(params), OVERRIDE_COLUMNS)
        frame["revoked"] = frame["revoked"].astype(bool)
        return frame

    def files(self) -> pd.DataFrame:
        """Every accepted file with where its verbatim copy is archived."""
        received = ("received_at, received_by" if self.has_column("files", "received_at")
                    else "ingested_at AS received_at, NULL AS received_by")
        frame = self._query(f"SELECT *, {received} FROM (SELECT * FROM files) ORDER BY received_at, ingested_at",
                            (), FILE_COLUMNS[:-1])
        frame["archive_path"] = [str(self.archive_path(s, e)) for s, e in zip(frame["sha256"], frame["ext"])]
        return frame

    def has_file(self, sha256: str) -> bool:
        with self._reader() as conn:
            if conn is None:
                return False
            return conn.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def current_filenames(self, kind: str, unit: str, period: str) -> list[str]:
        """Names of the files whose rows are current for ``unit`` (``period``: a quarter, or a year for plans)."""
        table, where = ("submissions", "s.quarter = ?") if kind == "progress" else ("plan", "s.quarter LIKE ?")
        value = period if kind == "progress" else f"{period}Q%"
        with self._reader() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                f"SELECT DISTINCT f.filename FROM {table} s JOIN files f ON f.sha256 = s.file_sha256"
                f" WHERE s.unit = ? AND {where} AND s.superseded = 0 ORDER BY f.filename", (unit, value)).fetchall()
        return [r[0] for r in rows]

    def current_contents(self, kind: str, unit: str, period: str) -> set[str]:
        """Content fingerprints (``files.content_sha256``) of the files current for ``unit`` and ``period``."""
        table, where = ("submissions", "s.quarter = ?") if kind == "progress" else ("plan", "s.quarter LIKE ?")
        value = period if kind == "progress" else f"{period}Q%"
        with self._reader() as conn:
            if conn is None:
                return set()
            try:
                rows = conn.execute(
                    f"SELECT DISTINCT f.content_sha256 FROM {table} s JOIN files f ON f.sha256 = s.file_sha256"
                    f" WHERE s.unit = ? AND {where} AND s.superseded = 0", (unit, value)).fetchall()
            except sqlite3.OperationalError:  # a ledger older than schema 4 has no content fingerprints
                return set()
        return {r[0] for r in rows if r[0]}

    def fingerprint(self) -> str:
        """SHA-256 of the logical content (current submissions, current plan, overrides).

        Independent of row ids, timestamps of ingest and file order on disk, so two
        ledgers built from the same files in the same order fingerprint alike.
        """
        digest = hashlib.sha256()
        queries = [
            ("submissions", "SELECT task_id, quarter, unit, role, actual_pct, milestone_met, self_status, progress,"
             " problems, next_steps, coordination, reporter, report_date, file_sha256 FROM submissions"
             " WHERE superseded = 0 ORDER BY quarter, task_id, unit, role"),
            ("plan", "SELECT task_id, quarter, milestone, planned_pct, file_sha256 FROM plan WHERE superseded = 0"
             " ORDER BY task_id, quarter"),
            ("overrides", "SELECT task_id, quarter, light, reason, by, at, revoked FROM overrides ORDER BY id"),
            ("verifications", "SELECT target, kind, quarter, decision, evidence, note, by, at, revoked"
             " FROM verifications ORDER BY id"),
            # The reports show the supervision loop too: a new 督办 item or a closed 协调事项 re-renders them.
            ("duban", "SELECT * FROM duban ORDER BY rowid"),
            ("duban_responses", "SELECT * FROM duban_responses ORDER BY rowid"),
            # Schema 7: escalations (step 1 repeats the duban row, so an upgrade leaves the fingerprint as it was).
            ("duban_steps", "SELECT * FROM duban_steps WHERE step > 1 ORDER BY duban_id, step"),
            ("coordination", "SELECT * FROM coordination ORDER BY rowid"),
            ("coordination_mentions", "SELECT * FROM coordination_mentions ORDER BY rowid"),
            # Schema 5: the benchmarks the reports show.
            ("benchmark_plan", "SELECT task_id, year, " + ", ".join(EXTRA_TABLES["benchmark_plan"])
             + ", file_sha256 FROM benchmark_plan WHERE superseded = 0 ORDER BY year, task_id, indicator_no"),
            ("indicator_values", "SELECT quarter, " + ", ".join(EXTRA_TABLES["indicator_values"])
             + ", file_sha256 FROM indicator_values WHERE superseded = 0 ORDER BY quarter, task_id, indicator_no"),
            ("recognitions", "SELECT quarter, " + ", ".join(EXTRA_TABLES["recognitions"])
             + ", file_sha256 FROM recognitions WHERE superseded = 0 ORDER BY quarter, task_id"),
        ]
        with self._reader() as conn:
            for name, sql in queries:
                try:
                    rows = [] if conn is None else conn.execute(sql).fetchall()
                except sqlite3.OperationalError as exc:  # an older ledger lacks the newer tables until its next write
                    if "no such table" not in str(exc):  # "database is locked", a damaged file…: not empty data
                        raise
                    rows = []
                digest.update(name.encode())
                digest.update(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode())
        return digest.hexdigest()

    def data_as_of(self, quarter: str) -> str | None:
        """Latest 填报日期 among the quarter's current submissions (ISO date), or ``None``."""
        with self._reader() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT MAX(report_date) FROM submissions WHERE quarter = ? AND superseded = 0",
                               (normalize_quarter(quarter),)).fetchone()
        return row[0] if row and row[0] else None

    def schema_version(self) -> str | None:
        """The ledger's recorded schema version, a newer jj123's too (``None`` for no ledger)."""
        with self._read_only() as conn:
            return None if conn is None else str(read_version(conn, self.path))

    def query(self, sql: str, params: tuple[Any, ...], columns: list[str]) -> pd.DataFrame:
        """Read-only query for the supervision modules; a table a schema-1 ledger lacks reads as empty."""
        try:
            return self._query(sql, params, columns)
        except (sqlite3.OperationalError, pd.errors.DatabaseError) as exc:
            if "no such table" not in str(exc):
                raise
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})

    def archive_path(self, sha256: str, ext: str) -> Path:
        return self.archive_dir / f"{sha256}.{ext}"

    # ---------------------------------------------------------------- writing
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive advisory lock on the data folder: writers never interleave."""
        with folder_lock(self.data_dir):
            remove_stale_parts(self.archive_dir)  # left by a writer killed mid-copy
            yield

    @contextlib.contextmanager
    def writer(self, point: str | None = None) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction without the folder lock (the caller holds it, or the ledger is a
        copy no one else sees); committed on success, rolled back on any error. ``point``: a crash point
        just before the commit.

        The schema version is read first: a newer jj123's ledger is refused untouched, an older one
        migrated (:mod:`jj123lib.ledger.schema`) before the transaction begins.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            version = check_version(conn, self.path)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn, self.path, version, SCHEMA)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if point is not None:
                    crash_point(point)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    def write_archive(self, sha256: str, ext: str, data: bytes) -> Path:
        """Store the verbatim bytes once; a present, intact copy is left alone (idempotent)."""
        target = self.archive_path(sha256, ext)
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
            return target
        return atomic_write(target, data)

    @contextlib.contextmanager
    def transaction(self, point: str | None = None) -> Iterator[sqlite3.Connection]:
        """The lock plus one whole-or-nothing transaction (:meth:`writer`), for the supervision modules' writes."""
        with self.lock(), self.writer(point) as conn:
            yield conn

    def add_file(self, record: dict[str, Any], data: bytes, rows: list[dict[str, Any]], *,
                 new_version: bool = True, extra: dict[str, list[dict[str, Any]]] | None = None) -> bool:
        """Archive and record one validated file in one transaction; ``False`` if already there.

        Caller holds :meth:`lock`. ``record`` has the ``files`` columns; ``rows`` are
        submission rows (kind ``progress``) or plan rows (kind ``plan``). With ``new_version``
        false (an unchanged re-save) the file is archived and listed but its rows are not recorded.
        ``extra`` maps a table of :data:`~jj123lib.ledger.tables.EXTRA_TABLES` to the rows of the form's other sheet
        (a plan's 对标计划, a progress form's 指标进展); they supersede the unit's earlier rows of the
        same year (``benchmark_plan``) or quarter like the main rows.
        """
        if self.has_file(record["sha256"]):
            return False
        crash_point("ledger.before_archive")
        archived_before = self.archive_path(record["sha256"], record["ext"]).is_file()
        archive = self.write_archive(record["sha256"], record["ext"], data)
        crash_point("ledger.after_archive")
        try:
            return self._record_file(record, rows, len(data), new_version, extra or {})
        except BaseException:
            # The transaction rolled back: a copy this call archived must not outlive it.
            # (A kill between the two steps leaves one; the rerun adopts it, see reliability.md.)
            if not archived_before:
                archive.unlink(missing_ok=True)
            raise

    def add_archived(self, sha256: str, ext: str, data: bytes, record: Callable[[sqlite3.Connection], None]) -> None:
        """Archive ``data`` verbatim, then run ``record`` in one transaction (caller holds :meth:`lock`).

        Whole or nothing like :meth:`add_file`: if ``record`` raises, the transaction rolls back and
        a copy this call archived is removed.
        """
        crash_point("ledger.before_archive")
        archived_before = self.archive_path(sha256, ext).is_file()
        archive = self.write_archive(sha256, ext, data)
        crash_point("ledger.after_archive")
        try:
            with self.writer() as conn:
                record(conn)
                crash_point("ledger.before_commit")
            crash_point("ledger.after_commit")
        except BaseException:
            if not archived_before:
                archive.unlink(missing_ok=True)
            raise

    def _record_file(self, record: dict[str, Any], rows: list[dict[str, Any]], size: int,
                     new_version: bool = True, extra: dict[str, list[dict[str, Any]]] | None = None) -> bool:
        stamp = now_iso(record.get("now"))
        with self.writer() as conn:
            if conn.execute("SELECT 1 FROM files WHERE sha256 = ?", (record["sha256"],)).fetchone():
                return False
            insert_file(conn, record, len(rows), size, stamp)
            if new_version:
                insert_main_rows(conn, record, rows, stamp)
                insert_extra_rows(conn, record, extra or {}, stamp)
            crash_point("ledger.before_commit")
        crash_point("ledger.after_commit")
        return True

    def add_override(self, task_id: str, quarter: str, light: str, reason: str, by: str,
                     known_tasks: set[str] | None = None, now: datetime | None = None) -> int:
        """Record an override; an active override of the same task and quarter is revoked (kept)."""
        quarter = normalize_quarter(quarter)
        if light not in OVERRIDE_LIGHTS:
            raise LedgerError(f"灯号“{light}”无效，可选：{'、'.join(OVERRIDE_LIGHTS)}")
        if not reason or len(reason.strip()) < 4:
            raise LedgerError("调整灯号必须写明理由（至少 4 个字）")
        if not by or not by.strip():
            raise LedgerError("调整灯号必须写明调整人")
        if known_tasks is not None and task_id not in known_tasks:
            raise LedgerError(f"任务编号“{task_id}”不在任务清单中")
        stamp = now_iso(now)
        with self.lock(), self.writer() as conn:
            conn.execute("UPDATE overrides SET revoked = 1, revoked_at = ?, revoked_by = ?, revoke_reason = ?"
                         " WHERE task_id = ? AND quarter = ? AND revoked = 0",
                         (stamp, by.strip(), "被新的调整取代", task_id, quarter))
            cursor = conn.execute("INSERT INTO overrides (task_id, quarter, light, reason, by, at)"
                                  " VALUES (?, ?, ?, ?, ?, ?)", (task_id, quarter, light, reason.strip(),
                                                                 by.strip(), stamp))
            return int(cursor.lastrowid or 0)

    def revoke_override(self, task_id: str, quarter: str, by: str, reason: str = "撤销调整",
                        now: datetime | None = None) -> int:
        """Revoke the active override of a task and quarter; returns how many were revoked."""
        quarter = normalize_quarter(quarter)
        if not self.exists():
            raise LedgerError(f"{task_id} 在 {quarter} 没有生效的灯号调整")
        with self.lock(), self.writer() as conn:
            cursor = conn.execute("UPDATE overrides SET revoked = 1, revoked_at = ?, revoked_by = ?, revoke_reason = ?"
                                  " WHERE task_id = ? AND quarter = ? AND revoked = 0",
                                  (now_iso(now), by.strip(), reason.strip(), task_id, quarter))
            if cursor.rowcount == 0:
                raise LedgerError(f"{task_id} 在 {quarter} 没有生效的灯号调整")
            return cursor.rowcount
