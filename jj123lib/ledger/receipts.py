"""The 收文登记: every form the office received, when, from whom, and what became of it.

One row per received plan or progress form (``files``), as of the ledger's moment: when it was
received and who took it in, the 填报日期 the unit typed, its version among the unit's forms for the
same period, whether it is the current one, whether the signed, stamped paper copy has come in
(``file_events`` action ``paper``), and whether it was withdrawn (action ``revert``, which makes the
previous version current again). Both actions are appended, never edited, with who and when.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime
from typing import Any

import pandas as pd

from jj123lib.core.clock import china_stamp
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.exceptions import LedgerError
from jj123lib.domain.quarters import normalize_quarter, quarter_year
from jj123lib.ledger.store import Ledger

__all__ = ["RECEIPT_COLUMNS", "PLAN_HISTORY_COLUMNS", "RECEIPT_HEADINGS", "receipts", "receipts_view", "plan_history",
           "find_file", "mark_paper", "revert_file", "FILE_ID_LENGTH", "minute"]

FILE_ID_LENGTH = 12  # how much of a file's SHA-256 the 收文登记 shows; any unique prefix of 8 or more is taken
RECEIPT_COLUMNS = ["file_id", "filename", "kind", "unit", "period", "received_at", "received_by", "dated",
                   "version", "current", "paper_at", "paper_by", "withdrawn_at", "withdrawn_by", "withdraw_reason",
                   "sha256"]
_HEX = re.compile(r"[0-9a-f]{8,64}")


def receipts(data_dir: str | os.PathLike[str] | Ledger | None = None, quarter: str | None = None) -> pd.DataFrame:
    """The 收文登记 (columns :data:`RECEIPT_COLUMNS`), oldest receipt first; ``quarter``: its progress forms and
    that year's plans."""
    ledger = Ledger.of(data_dir, existing=True)
    files = ledger.query(
        "SELECT f.sha256, f.filename, f.kind, f.unit, f.quarter, f.year, f.received_at, f.received_by, f.rows,"
        " (SELECT MAX(s.report_date) FROM main.submissions s WHERE s.file_sha256 = f.sha256) AS dated_progress,"
        " (SELECT MAX(p.report_date) FROM main.plan p WHERE p.file_sha256 = f.sha256) AS dated_plan,"
        " (SELECT MIN(s.superseded) FROM submissions s WHERE s.file_sha256 = f.sha256) AS superseded_progress,"
        " (SELECT MIN(p.superseded) FROM plan p WHERE p.file_sha256 = f.sha256) AS superseded_plan"
        " FROM files f ORDER BY f.received_at, f.ingested_at, f.rowid", (),
        ["sha256", "filename", "kind", "unit", "quarter", "year", "received_at", "received_by", "rows",
         "dated_progress", "dated_plan", "superseded_progress", "superseded_plan"])
    events = _events(ledger)
    rows: list[dict[str, Any]] = []
    versions: dict[tuple[str, str, str], int] = {}
    for f in files.to_dict(orient="records"):
        period = str(f["quarter"]) if f["kind"] == "progress" else str(f["year"])
        if quarter is not None and period not in (normalize_quarter(quarter), str(quarter_year(quarter))):
            continue
        key = (f["kind"], f["unit"], period)
        versions[key] = versions.get(key, 0) + 1
        superseded = f["superseded_progress"] if f["kind"] == "progress" else f["superseded_plan"]
        paper = events.get((f["sha256"], "paper"), {})
        withdrawn = events.get((f["sha256"], "revert"), {})
        rows.append({"file_id": f["sha256"][:FILE_ID_LENGTH], "filename": f["filename"], "kind": f["kind"],
                     "unit": f["unit"], "period": period, "received_at": f["received_at"],
                     "received_by": f["received_by"],
                     "dated": f["dated_progress"] if f["kind"] == "progress" else f["dated_plan"],
                     "version": versions[key], "current": not pd.isna(superseded) and int(superseded) == 0,
                     "paper_at": paper.get("at"), "paper_by": paper.get("by"),
                     "withdrawn_at": withdrawn.get("at"), "withdrawn_by": withdrawn.get("by"),
                     "withdraw_reason": withdrawn.get("reason"), "sha256": f["sha256"]})
    return pd.DataFrame(rows, columns=RECEIPT_COLUMNS)


# The 收文登记 as the office reads it: the columns shown, under their Chinese headings, in this order.
RECEIPT_HEADINGS = {
    "file_id": "文件编号", "unit": "报送单位", "kind": "类别", "period": "期间", "received_at": "收文时间",
    "received_by": "收文人", "dated": "填报日期", "version": "版本", "current": "当前有效", "paper_at": "纸质件收到",
    "withdrawn_at": "撤回时间", "withdraw_reason": "撤回理由", "filename": "文件名",
}
_KIND_LABELS = {"progress": "季度进度", "plan": "年度计划"}


def minute(stamp: object) -> str:
    """A ledger stamp as the office reads it, to the minute (``2026-10-09 16:00``); empty for none."""
    return stamp[:16].replace("T", " ") if isinstance(stamp, str) else ""


def receipts_view(data_dir: str | os.PathLike[str] | Ledger | None = None,
                  quarter: str | None = None) -> pd.DataFrame:
    """The 收文登记 as ``jj123 receipts`` and the workbench's 收文 page show it: stamps to the minute, the kind
    and 当前有效 in Chinese, under :data:`RECEIPT_HEADINGS`."""
    frame = receipts(data_dir, quarter)
    frame["kind"] = frame["kind"].map(_KIND_LABELS)
    for column in ("received_at", "paper_at", "withdrawn_at"):
        frame[column] = [minute(value) for value in frame[column]]
    frame["current"] = ["是" if value else "否" for value in frame["current"]]
    frame = frame.astype({column: object for column in frame.columns if column != "version"})
    return frame.loc[:, list(RECEIPT_HEADINGS)].rename(columns=RECEIPT_HEADINGS)


PLAN_HISTORY_COLUMNS = ["file_id", "unit", "received_at", "dated", "quarter", "planned_pct", "milestone", "measures",
                        "owner", "current", "withdrawn_at", "filename"]


def plan_history(data_dir: str | os.PathLike[str] | Ledger | None, task_id: str) -> pd.DataFrame:
    """Every received version of a task's plan, oldest receipt first: one row per version and quarter planned."""
    ledger = Ledger.of(data_dir, existing=True)
    log = receipts(ledger)
    # 攻坚措施 and 责任人: schema 8 on (a ledger not yet upgraded has none).
    task = "p.measures, p.owner" if ledger.has_column("plan", "measures") else "NULL AS measures, NULL AS owner"
    rows = ledger.query(f"SELECT p.file_sha256, p.quarter, p.planned_pct, p.milestone, p.superseded, {task}"
                        " FROM plan p WHERE p.task_id = ? ORDER BY p.quarter", (task_id,),
                        ["file_sha256", "quarter", "planned_pct", "milestone", "superseded", "measures", "owner"])
    by_file: dict[str, list[dict[str, Any]]] = {}
    for row in rows.to_dict(orient="records"):
        by_file.setdefault(str(row["file_sha256"]), []).append({str(k): v for k, v in row.items()})
    out = []
    for version in log[log["kind"] == "plan"].to_dict(orient="records"):
        for planned in by_file.get(str(version["sha256"]), []):
            out.append({"file_id": version["file_id"], "unit": version["unit"], "received_at": version["received_at"],
                        "dated": version["dated"], "quarter": planned["quarter"],
                        "planned_pct": planned["planned_pct"], "milestone": planned["milestone"],
                        "measures": planned["measures"], "owner": planned["owner"],
                        "current": int(planned["superseded"]) == 0,
                        "withdrawn_at": version["withdrawn_at"], "filename": version["filename"]})
    return pd.DataFrame(out, columns=PLAN_HISTORY_COLUMNS)


def _events(ledger: Ledger) -> dict[tuple[str, str], dict[str, Any]]:
    frame = ledger.query("SELECT file_sha256, action, reason, by, at FROM file_events ORDER BY id", (),
                         ["file_sha256", "action", "reason", "by", "at"])
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for event in frame.to_dict(orient="records"):
        out.setdefault((str(event["file_sha256"]), str(event["action"])), {str(k): v for k, v in event.items()})
    return out


def find_file(ledger: Ledger, file_id: str) -> dict[str, Any]:
    """The received form a 收文登记 id (a unique SHA-256 prefix of 8 or more) names; refused in Chinese otherwise."""
    wanted = str(file_id).strip().lower()
    if not _HEX.fullmatch(wanted):
        raise LedgerError(f"文件编号“{file_id}”无效：应为收文登记（jj123 receipts）中的文件编号，至少 8 位")
    frame = receipts(ledger)
    found = frame[frame["sha256"].str.startswith(wanted)]
    if found.empty:
        raise LedgerError(f"收文登记中没有编号为“{file_id}”的文件（请用 jj123 receipts 查看）")
    if len(found) > 1:
        raise LedgerError(f"文件编号“{file_id}”对应多个文件，请多写几位")
    # An empty cell may come back as NaN (truthy): it is "not recorded", None.
    return {str(k): None if isinstance(v, float) and v != v else v for k, v in found.iloc[0].to_dict().items()}


def mark_paper(data_dir: str | os.PathLike[str] | Ledger | None, file_id: str, by: str,
               now: datetime | None = None) -> dict[str, Any]:
    """Record that the signed, stamped paper copy of a received form has come in (once)."""
    ledger = Ledger.of(data_dir, existing=True)
    _need("签收人", by)
    # The checks read under the lock: no second clerk in between.
    with ledger.transaction(point="ledger.before_commit") as conn:
        found = find_file(ledger, file_id)
        if found["paper_at"]:
            raise LedgerError(f"{found['filename']} 的纸质件已于 {found['paper_at'][:16]} 由 {found['paper_by']} 登记，"
                              "未重复登记")
        _append(conn, found["sha256"], "paper", "纸质件（签字盖章）已收", by, now)
    crash_point("ledger.after_commit")
    return found


def revert_file(data_dir: str | os.PathLike[str] | Ledger | None, file_id: str, reason: str, by: str,
                now: datetime | None = None) -> dict[str, Any]:
    """Withdraw the current version of a unit's form: its previous version (if any) is current again."""
    ledger = Ledger.of(data_dir, existing=True)
    _need("撤回人", by)
    if len(str(reason or "").strip()) < 4:
        raise LedgerError("撤回必须写明理由（至少 4 个字）")
    with ledger.transaction(point="ledger.before_commit") as conn:
        found = find_file(ledger, file_id)
        if found["withdrawn_at"]:
            raise LedgerError(f"{found['filename']} 已于 {found['withdrawn_at'][:16]} 撤回，未重复操作")
        if not found["current"]:
            raise LedgerError(f"{found['filename']} 不是 {found['unit']} {found['period']} 当前有效的版本，"
                              "只能撤回当前有效的版本")
        _append(conn, found["sha256"], "revert", reason.strip(), by, now)
    crash_point("ledger.after_commit")
    return found


def _need(what: str, value: str) -> None:
    if not value or not str(value).strip():
        raise LedgerError(f"必须写明{what}（--by）")


def _append(conn: sqlite3.Connection, sha256: str, action: str, reason: str, by: str, now: datetime | None) -> None:
    conn.execute("INSERT INTO file_events (file_sha256, action, reason, by, at) VALUES (?, ?, ?, ?, ?)",
                 (sha256, action, reason, by.strip(), china_stamp(now)))
