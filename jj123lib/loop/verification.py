"""Verified 销号: the office closes a claimed completion only after checking the evidence.

A task its lead unit reports 已完成 (and that meets the rules for it) is rated 待核实
until verified here; a 督办事项 answered 已整改 waits as 待核实 too. ``verify`` closes
it with evidence files archived verbatim under their SHA-256 (the ledger's archive),
``reject`` sends it back with a reason, ``revoke`` withdraws a verification and keeps
its row (``revoked=1``) for the audit trail. Every change names who and when (China time).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from jj123lib.core.clock import as_of_moment, china_now_iso, china_today
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.files import FileRefused, open_bounded
from jj123lib.core.text import file_name
from jj123lib.domain.quarters import normalize_quarter
from jj123lib.domain.rules import load_rules, loop_rules
from jj123lib.ledger.archive import Staged, discard, promote, stage
from jj123lib.ledger.events import check_by, record_event
from jj123lib.ledger.store import VERIFICATION_COLUMNS, Ledger

__all__ = ["VERIFICATION_COLUMNS", "Evidence", "task_decisions", "verify", "reject", "revoke", "verifications",
           "awaiting"]

@dataclass(frozen=True)
class Evidence:
    """One evidence file as archived: original name and SHA-256."""

    filename: str
    sha256: str
    ext: str
    size: int


def verifications(data_dir: str | os.PathLike[str] | Ledger | None = None) -> pd.DataFrame:
    """Every decision ever made (revoked ones too), oldest first."""
    return Ledger.of(data_dir).verifications()


def task_decisions(data_dir: str | os.PathLike[str] | Ledger | None = None) -> dict[str, list[dict[str, Any]]]:
    """Active (not revoked) decisions on task completions: task → decisions, oldest first."""
    return Ledger.of(data_dir).task_decisions()


def _kind(target: str) -> str:
    if "@" in target:  # a recognition (已认定) reported in a quarter: N01@2026Q4
        return "recognition"
    return "duban" if target.upper().startswith("DB-") else "task"


def _claim_state(ledger: Ledger, target: str, quarter: str, as_of: str | date | None,
                 rules: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """``(kind, state)`` of what is being verified: the task's light, or the 督办事项's status."""
    if _kind(target) == "duban":
        row = ledger.query("SELECT status FROM duban WHERE id = ?", (target,), ["status"])
        if row.empty:
            raise LedgerError(f"督办事项“{target}”不存在")
        return "duban", str(row["status"].iloc[0])
    if _kind(target) == "recognition":
        task_id, _, reported = target.partition("@")
        if normalize_quarter(reported) != quarter:
            raise LedgerError(f"{target} 与 --quarter {quarter} 不一致")
        row = ledger.query("SELECT stage FROM recognitions WHERE task_id = ? AND quarter = ? AND superseded = 0",
                           (task_id, quarter), ["stage"])
        if row.empty:
            raise LedgerError(f"{task_id} 在 {quarter} 没有填报认定情况")
        return "recognition", "claimed" if row["stage"].iloc[0] == "已认定" else str(row["stage"].iloc[0])
    from jj123lib.assess.ratings import rate_quarter

    rated = rate_quarter(quarter, ledger, as_of=as_of, rules=rules).set_index("task_id")
    if target not in rated.index:
        raise LedgerError(f"任务编号“{target}”不在任务清单中")
    return "task", str(rated.loc[target, "rule_light"])


def _evidence_files(paths: list[str | os.PathLike[str]], limit: int) -> list[tuple[Path, str, str]]:
    """Each evidence file's path, name as stored and extension, checked before anything is decided or written:
    the one text rule on its name, a regular file (never a FIFO or a device) within the rules' size limit."""
    out = []
    for path in paths:
        name = file_name(path)
        try:
            with open_bounded(path, limit, "佐证材料"):
                pass
        except FileRefused as exc:
            raise LedgerError(f"佐证材料“{name}”{exc.problem}") from None
        source = Path(path)
        out.append((source, name, source.suffix.lstrip(".").lower() or "bin"))
    return out


def _evidence_limit(rules: Mapping[str, Any] | None) -> int:
    """The most bytes one evidence file may have (``verification.evidence_max_mb``)."""
    megabytes = loop_rules(load_rules() if rules is None else rules, "verification")["evidence_max_mb"]
    return int(float(megabytes) * 1024 * 1024)


def _trigger_held(ledger: Ledger, item_id: str, quarter: str, as_of: str | date | None,
                  rules: Mapping[str, Any] | None) -> str:
    """The 督办 trigger its task still meets in ``quarter`` on ``as_of`` (its reason), or ``""``."""
    from jj123lib.loop.duban import find_triggers

    task = ledger.query("SELECT task_id FROM duban WHERE id = ?", (item_id,), ["task_id"])
    found = {t.task_id: t.reason for t in find_triggers(quarter, ledger, as_of=as_of, rules=rules)}
    return found.get(str(task["task_id"].iloc[0]), "")


def _decide(data_dir: str | os.PathLike[str] | Ledger | None, target: str, quarter: str, decision: str,
            evidence: list[str | os.PathLike[str]], note: str, by: str, as_of: str | date | None,
            now: datetime | None, rules: Mapping[str, Any] | None = None, reason: str = "") -> int:
    ledger = Ledger.of(data_dir)
    quarter = normalize_quarter(quarter)
    by = check_by(by)
    target = target.strip().upper()
    limit = _evidence_limit(rules)
    sources = _evidence_files(evidence, limit)
    if as_of is None and now is not None:
        as_of = china_today(now)
    elif now is None:  # as the command line does: a back-dated decision is stamped on the day it stands for
        now = as_of_moment(as_of)
    kind, state = _claim_state(ledger, target, quarter, as_of, rules)
    wanted = ("claimed",) if kind == "duban" else ("claimed", "done")  # done: already verified, refused below
    if state not in wanted:
        what = {"duban": "督办事项尚未反馈“已整改”",
                "recognition": f"本季度填报的认定阶段为“{state}”，不是“已认定”"}.get(
            kind, "该任务本季度未自评已完成（或不满足销号条件）")
        raise LedgerError(f"{target} 当前不是待核实状态：{what}")
    held_reason = None
    if kind == "duban" and decision == "verified":
        held = _trigger_held(ledger, target, quarter, as_of, rules)
        if held and len(reason.strip()) < 4:
            raise LedgerError(f"{target} 的督办触发条件仍在（{held}），不能直接以“整改属实”销号；"
                              "确需销号的，请用 --reason 写明督查室的理由（至少 4 个字），理由将随销号结论一并显示")
        held_reason = reason.strip() if held else None
    return _record(ledger, target, kind, quarter, decision, sources, limit,
                   (note, by, china_now_iso(now), held_reason))


def _record(ledger: Ledger, target: str, kind: str, quarter: str, decision: str,
            sources: list[tuple[Path, str, str]], limit: int, said: tuple[str, str, str, str | None]) -> int:
    """The decision and its evidence in one transaction; the archive gains the evidence only if it commits."""
    note, by, stamp, held_reason = said
    staged: list[Staged] = []
    promoted: list[Path | None] = []
    try:  # the evidence goes with a decision that does not commit, never with one that did
        with ledger.transaction(undo=lambda: discard(staged, promoted)) as conn:
            _check_not_decided(conn, target, kind, quarter)
            # Copied in streams beside the archive (under the lock), into it only once every check has passed.
            staged = [stage(ledger.archive_dir, source, ext, limit, "佐证材料") for source, _, ext in sources]
            files = [Evidence(name, item.sha256, item.ext, item.size) for (_, name, _), item in zip(sources, staged)]
            for item in files:
                conn.execute("INSERT OR IGNORE INTO evidence (sha256, filename, ext, size, by, at)"
                             " VALUES (?, ?, ?, ?, ?, ?)",
                             (item.sha256, item.filename, item.ext, item.size, by, stamp))
            if kind == "duban":
                conn.execute("UPDATE duban SET status = ? WHERE id = ?",
                             ("closed" if decision == "verified" else "open", target))
            payload = json.dumps([item.__dict__ for item in files], ensure_ascii=False)
            cursor = conn.execute("INSERT INTO verifications (target, kind, quarter, decision, evidence, note, by,"
                                  " at, held_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                  (target, kind, quarter, decision, payload, note, by, stamp, held_reason))
            held_note = f"（触发条件仍在，督查室理由：{held_reason}）" if held_reason else ""
            record_event(conn, target, decision, note + held_note, by, stamp)
            promoted = [promote(ledger.archive_dir, item) for item in staged]
            crash_point("supervision.after_archive")
            crash_point("supervision.before_commit")
            return int(cursor.lastrowid or 0)
    except FileRefused as exc:  # the file changed since it was checked (grew past the limit, became unreadable)
        raise LedgerError(str(exc)) from None


def _check_not_decided(conn: sqlite3.Connection, target: str, kind: str, quarter: str) -> None:
    """Inside the transaction: a task or recognition not verified already, a 督办事项 still waiting for the check."""
    if kind in ("task", "recognition"):
        active = conn.execute("SELECT decision FROM verifications WHERE target = ? AND kind = ?"
                              " AND quarter <= ? AND revoked = 0 ORDER BY id DESC LIMIT 1",
                              (target, kind, quarter)).fetchone()
        if active is not None and active[0] == "verified":
            raise LedgerError(f"{target} 已核实销号；如需更正，请先撤销（--revoke）")
    elif conn.execute("SELECT status FROM duban WHERE id = ?", (target,)).fetchone()[0] != "claimed":
        raise LedgerError(f"{target} 当前不是待核实状态")


def verify(target: str, quarter: str, evidence: list[str | os.PathLike[str]], by: str, note: str = "",
           data_dir: str | os.PathLike[str] | Ledger | None = None, as_of: str | date | None = None,
           now: datetime | None = None, rules: Mapping[str, Any] | None = None, reason: str = "") -> int:
    """Close (销号) a claimed completion or an answered 督办事项; at least one evidence file.

    A 督办事项 whose task still meets its trigger in ``quarter`` is closed only with the office's ``reason``.
    """
    if not evidence:
        raise LedgerError("核实销号须附佐证材料（--evidence 文件）")
    return _decide(data_dir, target, quarter, "verified", evidence, note.strip(), by, as_of, now, rules, reason)


def reject(target: str, quarter: str, reason: str, by: str,
           data_dir: str | os.PathLike[str] | Ledger | None = None,
           evidence: list[str | os.PathLike[str]] | None = None, as_of: str | date | None = None,
           now: datetime | None = None, rules: Mapping[str, Any] | None = None) -> int:
    """Send a claim back (核实未通过) with the reason; the task is rated by its pace again."""
    if not reason or len(reason.strip()) < 4:
        raise LedgerError("退回须写明理由（--reason，至少 4 个字）")
    return _decide(data_dir, target, quarter, "rejected", list(evidence or []), reason.strip(), by, as_of, now,
                   rules)


def revoke(target: str, quarter: str, by: str, reason: str,
           data_dir: str | os.PathLike[str] | Ledger | None = None, now: datetime | None = None) -> int:
    """Withdraw the latest active decision on ``target`` in ``quarter``; the row is kept, marked revoked."""
    ledger = Ledger.of(data_dir)
    quarter, by, target = normalize_quarter(quarter), check_by(by), target.strip().upper()
    if not reason or len(reason.strip()) < 4:
        raise LedgerError("撤销核实须写明理由（--reason，至少 4 个字）")
    stamp = china_now_iso(now)
    with ledger.transaction() as conn:
        row = conn.execute("SELECT id, kind, decision FROM verifications WHERE target = ? AND quarter = ?"
                           " AND revoked = 0 ORDER BY id DESC LIMIT 1", (target, quarter)).fetchone()
        if row is None:
            raise LedgerError(f"{target} 在 {quarter} 没有可撤销的核实记录")
        conn.execute("UPDATE verifications SET revoked = 1, revoked_at = ?, revoked_by = ?, revoke_reason = ?"
                     " WHERE id = ?", (stamp, by, reason.strip(), row[0]))
        if row[1] == "duban":  # back to waiting for the office's check
            conn.execute("UPDATE duban SET status = 'claimed' WHERE id = ?", (target,))
        record_event(conn, target, "revoke", reason.strip(), by, stamp)
        return int(row[0])


def awaiting(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None,
             as_of: str | date | None = None, rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """What waits for the office's check: tasks rated 待核实 and 督办事项 answered 已整改."""
    from jj123lib.assess.ratings import rate_quarter

    ledger = Ledger.of(data_dir)
    rated = rate_quarter(quarter, ledger, as_of=as_of, rules=rules)
    rows = [{"target": r.task_id, "kind": "任务", "unit": r.lead_unit, "leader": r.leader,
             "claimed_on": r.report_date, "detail": r.reason}
            for r in rated[rated["light"] == "claimed"].itertuples(index=False)]
    duban = ledger.query("SELECT d.id, d.unit, d.task_id, r.at, r.text FROM duban d JOIN duban_responses r"
                         " ON r.duban_id = d.id WHERE d.status = 'claimed' AND r.id = (SELECT MAX(id) FROM"
                         " duban_responses WHERE duban_id = d.id) ORDER BY d.id", (),
                         ["id", "unit", "task_id", "at", "text"])
    leaders = dict(zip(rated["task_id"], rated["leader"]))
    rows += [{"target": r.id, "kind": "督办事项", "unit": r.unit, "leader": leaders.get(r.task_id),
              "claimed_on": str(r.at)[:10], "detail": r.text} for r in duban.itertuples(index=False)]
    from jj123lib.ledger.benchmarks import recognitions

    # 已认定 reported this quarter and not verified now or in an earlier quarter.
    stages = recognitions(ledger)
    waiting = stages[(stages["quarter"] == normalize_quarter(quarter)) & (stages["stage"] == "已认定")
                     & (stages["verified_target"] == "")]
    rows += [{"target": f"{r['task_id']}@{r['quarter']}", "kind": "成效认定", "unit": r["unit_reporting"],
              "leader": leaders.get(r["task_id"]), "claimed_on": r["date"], "detail": f"{r['level']}：{r['evidence']}"}
             for r in waiting.to_dict(orient="records")]
    return pd.DataFrame(rows, columns=["target", "kind", "unit", "leader", "claimed_on", "detail"])
