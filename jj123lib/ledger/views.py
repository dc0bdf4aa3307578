"""The ledger as it stood at a moment: temporary views that shadow its tables on a reading connection.

Every read of the ledger is as of a moment (default: now). SQLite resolves an unqualified table name in
the ``temp`` schema first, so a view ``temp.submissions`` created on the reading connection is what every
query, in every module, sees as ``submissions``: no reader can forget the moment. The stored tables stay
as written (``main.submissions``); the views only hide and recompute.

* ``files``: a file counts from the moment the office received it (``received_at``).
* The rows of a file (``submissions``, ``plan`` and the benchmark tables) count while their file does. A
  row is superseded at the moment when the same unit's later-received file for the same period (a
  quarter; a year for plans) with rows in that table is in, unless that file has been withdrawn
  (``file_events`` action ``revert``); withdrawing a file makes the previous version current again.
  "Later" orders files by (received_at, ingested_at, rowid); the stored ``superseded`` flag is not read.
* Records with a stamp (overrides, verifications, 督办, 整改反馈, 协调事项, evidence, events) count from
  their stamp; an override or verification revoked later, or a 协调事项 closed later, reads as still open.

Stamps are ISO 8601 in China time with ``+08:00`` (schema 6 converted the older naive ones), so they
compare as text. A ledger not yet migrated (read-only readers never migrate) lacks ``received_at`` and
``file_events``: its files count from their ingest and none is withdrawn.
"""

from __future__ import annotations

import sqlite3

__all__ = ["install_views", "FILE_PERIOD_TABLES"]

# Tables whose rows belong to a file, and the column that, with the unit, names the period a later file replaces.
FILE_PERIOD_TABLES: dict[str, str] = {
    "submissions": "quarter", "plan": "year", "benchmark_plan": "year", "indicator_values": "quarter",
    "recognitions": "quarter",
}
# Tables of stamped records: table → (its stamp, {column: the stamp that column's change happened at}).
_STAMPED: dict[str, tuple[str, dict[str, str]]] = {
    "overrides": ("at", {"revoked": "revoked_at"}),
    "verifications": ("at", {"revoked": "revoked_at"}),
    "duban": ("at", {}),
    "duban_responses": ("at", {}),
    "response_files": ("ingested_at", {}),
    "evidence": ("at", {}),
    "coordination": ("at", {}),
    "coordination_departments": ("at", {}),
    "supervision_events": ("at", {}),
    "duban_steps": ("at", {}),
}
# A 协调事项 closed after the moment reads as open, its closing fields empty.
_COORDINATION_CLOSING = ("status", "ref", "closed_by", "closed_at")
_REVOKING = ("revoked_at", "revoked_by", "revoke_reason")


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]


def install_views(conn: sqlite3.Connection, moment: str) -> None:
    """Shadow the ledger's tables on ``conn`` with their state at ``moment`` (a China-time ISO stamp)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    if "files" not in tables:
        return
    at = _literal(moment)
    file_columns = _columns(conn, "files")
    received = "received_at" if "received_at" in file_columns else "ingested_at"
    withdrawn = (f"EXISTS (SELECT 1 FROM main.file_events e WHERE e.file_sha256 = f.sha256"
                 f" AND e.action = 'revert' AND e.at <= {at})" if "file_events" in tables else "0")
    conn.execute(f"CREATE TEMP VIEW files AS SELECT * FROM main.files WHERE COALESCE({received}, ingested_at) <= {at}")
    # The files in at the moment, each with its place in the order of versions and whether it was withdrawn.
    conn.execute(f"CREATE TEMP VIEW file_versions AS SELECT f.rowid AS rid, f.sha256, f.unit, f.year,"
                 f" COALESCE(f.{received}, f.ingested_at) AS received, f.ingested_at, {withdrawn} AS withdrawn"
                 f" FROM main.files f WHERE COALESCE(f.{received}, f.ingested_at) <= {at}")
    for table, period in FILE_PERIOD_TABLES.items():
        if table in tables:
            _file_rows_view(conn, table, period)
    for table, (stamp, changes) in _STAMPED.items():
        if table in tables:
            _stamped_view(conn, table, stamp, changes, at)


def _file_rows_view(conn: sqlite3.Connection, table: str, period: str) -> None:
    """Rows of files in at the moment; ``superseded`` recomputed from the order of versions."""
    # A plan's rows carry quarters; the year they replace is their file's.
    row_period, later_period = (("f.year", "g.year") if table == "plan" else (f"r.{period}", f"r2.{period}"))
    newer = (f"EXISTS (SELECT 1 FROM main.{table} r2 JOIN temp.file_versions g ON g.sha256 = r2.file_sha256"
             f" WHERE r2.unit = r.unit AND {later_period} = {row_period} AND NOT g.withdrawn"
             f" AND (g.received, g.ingested_at, g.rid) > (f.received, f.ingested_at, f.rid))")
    select = [f"CASE WHEN f.withdrawn OR {newer} THEN 1 ELSE 0 END AS superseded" if column == "superseded"
              else f"r.{column}" for column in _columns(conn, table)]
    conn.execute(f"CREATE TEMP VIEW {table} AS SELECT {', '.join(select)} FROM main.{table} r"
                 f" JOIN temp.file_versions f ON f.sha256 = r.file_sha256")


def _stamped_view(conn: sqlite3.Connection, table: str, stamp: str, changes: dict[str, str], at: str) -> None:
    columns = _columns(conn, table)
    select = []
    for column in columns:
        if column in changes and changes[column] in columns:  # revoked: only if revoked by the moment
            select.append(f"CASE WHEN {changes[column]} <= {at} THEN {column} ELSE 0 END AS {column}")
        elif column in _REVOKING and "revoked" in changes:
            select.append(f"CASE WHEN revoked_at <= {at} THEN {column} END AS {column}")
        elif table == "coordination" and column in _COORDINATION_CLOSING:
            open_value = "'open'" if column == "status" else "NULL"
            select.append(f"CASE WHEN closed_at IS NULL OR closed_at <= {at} THEN {column}"
                          f" ELSE {open_value} END AS {column}")
        else:
            select.append(column)
    conn.execute(f"CREATE TEMP VIEW {table} AS SELECT {', '.join(select)} FROM main.{table} WHERE {stamp} <= {at}")


def _literal(stamp: str) -> str:
    """``stamp`` as an SQL string literal (a stamp holds digits, ``-:.T+`` only; anything else is refused)."""
    if not stamp or any(c not in "0123456789-:.T+Z" for c in stamp):
        raise ValueError(f"not a stamp: {stamp!r}")
    return f"'{stamp}'"
