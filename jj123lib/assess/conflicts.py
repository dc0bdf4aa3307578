"""Verdicts reconciled: an office override that contradicts what the office itself verified.

An active override to 黄灯 or 红灯 on a task whose 销号 (verified 已完成) or 成效认定 (verified 已认定) stands
as of the quarter keeps both on record: the ratings frame's ``conflict`` note names the verified result and the
override's reason, and every output that shows the light shows the note beside it. Computed once, here, from
the rated rows (:func:`jj123lib.assess.ratings.rate_quarter` adds the column); nothing else judges it again.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from jj123lib.core.frames import records
from jj123lib.domain import lights
from jj123lib.domain.quarters import quarter_label, quarter_year
from jj123lib.ledger.store import Ledger

__all__ = ["CONTRADICTED_LIGHTS", "verified_results", "conflict_notes"]

CONTRADICTED_LIGHTS = ("yellow", "red")  # an override to these says "not going well"


def _decided(at: object) -> str:
    return str(at or "")[:10]


def verified_results(ledger: Ledger, quarter: str, task_ids: Sequence[str]) -> dict[str, list[str]]:
    """Task → its results verified by the office and standing in ``quarter`` (its year, up to it), as phrases."""
    from jj123lib.ledger.benchmarks import recognitions

    wanted, year = set(task_ids), quarter_year(quarter)
    frame = ledger.verifications()
    frame = frame[~frame["revoked"] & (frame["quarter"] <= quarter)
                  & frame["quarter"].astype(str).str.startswith(f"{year}Q")]
    latest: dict[tuple[str, str], dict[str, object]] = {}
    for row in records(frame):  # oldest first: the last decision on a target stands
        latest[(str(row["kind"]), str(row["target"]))] = row
    levels: dict[str, tuple[str, str]] = {}
    if any(kind == "recognition" for kind, _ in latest):
        for r in records(recognitions(ledger, year)):
            levels[f"{r['task_id']}@{r['quarter']}"] = (str(r["level"] or ""), str(r["date"] or ""))
    out: dict[str, list[str]] = {}
    for (kind, target), row in latest.items():
        task = target.split("@")[0]
        if row["decision"] != "verified" or task not in wanted or kind not in ("task", "recognition"):
            continue
        checked = f"督查室 {_decided(row['at'])} 核实"
        if kind == "task":
            out.setdefault(task, []).append(f"{quarter_label(str(row['quarter']))}已完成销号（{checked}）")
        else:
            level, day = levels.get(target, ("", ""))
            when = f"{day} 认定，" if day else ""
            out.setdefault(task, []).append(f"{level}成效认定已认定（{when}{checked}）")
    return out


def conflict_notes(rated: pd.DataFrame, quarter: str, ledger: Ledger | None) -> list[str | None]:
    """Per rated row, the note when its override contradicts a verified result, else None."""
    suspect = rated["overridden"].astype(bool) & rated["light"].isin(CONTRADICTED_LIGHTS)
    if ledger is None or not suspect.any():
        return [None] * len(rated)
    results = verified_results(ledger, quarter, list(rated.loc[suspect, "task_id"]))
    notes: list[str | None] = []
    for is_suspect, task, light, reason in zip(suspect, rated["task_id"], rated["light"], rated["override_reason"]):
        found = results.get(str(task)) if is_suspect else None
        notes.append(None if not found else
                     f"督查室调整为{lights.LABELS[light]}，而{'；'.join(found)}；调整理由：{reason}")
    return notes
