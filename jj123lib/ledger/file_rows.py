"""The rows one accepted plan or progress file writes, inside the caller's transaction.

A file's rows supersede the unit's current rows of the same period (a quarter; a year for plans);
nothing is deleted or updated. Which rows are current is decided at each read, by the order of receipt
and withdrawals (:mod:`jj123lib.ledger.views`); the stored ``superseded`` column stays 0, kept only so
that old ledgers keep their shape.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from jj123lib.ledger.tables import EXTRA_TABLES

__all__ = ["insert_file", "insert_main_rows", "insert_extra_rows"]


def insert_file(conn: sqlite3.Connection, record: dict[str, Any], rows: int, size: int, stamp: str) -> None:
    """The file's ``files`` row; ``rows`` is how many rows its main sheet holds.

    ``record["received_at"]`` (default: ``stamp``, the moment of ingest) is when the office received it.
    """
    conn.execute(
        "INSERT INTO files (sha256, filename, ext, kind, unit, quarter, year, form_version, source_format,"
        " rows, size, demo, ingested_at, phone, content_sha256, received_at, received_by, ingested_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (record["sha256"], record["filename"], record["ext"], record["kind"], record["unit"],
         record.get("quarter"), record["year"], record.get("form_version"), record["source_format"],
         rows, size, int(bool(record.get("demo"))), stamp, record.get("phone"),
         record.get("content_sha256"), record.get("received_at") or stamp,
         record.get("received_by") or record.get("ingested_by"), record.get("ingested_by")))


def insert_main_rows(conn: sqlite3.Connection, record: dict[str, Any], rows: list[dict[str, Any]],
                     stamp: str) -> None:
    """Insert the main sheet's rows: ``submissions`` (progress) or ``plan``."""
    if record["kind"] == "progress":
        conn.executemany(
            "INSERT INTO submissions (file_sha256, sheet, excel_row, task_id, quarter, unit, role, actual_pct,"
            " milestone_met, self_status, progress, problems, next_steps, coordination, reporter,"
            " report_date, normalizations, ingested_at, coordination_department) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(record["sha256"], r["sheet"], r["excel_row"], r["task_id"], record["quarter"], record["unit"],
              r["role"], r.get("actual_pct"),
              None if r.get("milestone_met") is None else int(r["milestone_met"]),
              r.get("self_status"), r.get("progress"), r.get("problems"), r.get("next_steps"),
              r.get("coordination"), r.get("reporter"), r.get("report_date"),
              "；".join(r.get("normalizations") or []) or None, stamp, r.get("coordination_department"))
             for r in rows])
    else:
        conn.executemany(
            "INSERT INTO plan (file_sha256, sheet, excel_row, task_id, quarter, unit, milestone, planned_pct,"
            " reporter, report_date, ingested_at, measures, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(record["sha256"], r["sheet"], r["excel_row"], r["task_id"], r["quarter"], record["unit"],
              r["milestone"], r["planned_pct"], r.get("reporter"), r.get("report_date"), stamp, r.get("measures"),
              r.get("owner")) for r in rows])


def insert_extra_rows(conn: sqlite3.Connection, record: dict[str, Any], extra: dict[str, list[dict[str, Any]]],
                      stamp: str) -> None:
    """Insert the rows of the benchmark tables (they supersede the unit's rows of the file's period).

    A table absent from ``extra`` (a CSV has no second sheet) keeps its current rows.
    """
    tables = ("benchmark_plan",) if record["kind"] == "plan" else ("indicator_values", "recognitions")
    unknown = set(extra) - set(tables)
    if unknown:
        raise ValueError(f"rows for {sorted(unknown)} in a {record['kind']} file")
    period_column, period = ("year", record["year"]) if record["kind"] == "plan" else ("quarter",
                                                                                       record["quarter"])
    for table in (t for t in tables if t in extra):
        columns = EXTRA_TABLES[table]
        names = ("file_sha256", "sheet", "excel_row", period_column, "unit", *columns, "ingested_at")
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [(record["sha256"], r["sheet"], r["excel_row"], period, record["unit"],
              *(r.get(c) for c in columns), stamp) for r in extra.get(table, [])])
