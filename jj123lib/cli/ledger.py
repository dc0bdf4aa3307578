"""The commands of ``jj123`` that show what the ledger holds: ledger (the submissions), benchmarks (对标计划).

Thin wrappers around :class:`jj123lib.ledger.store.Ledger` and :mod:`jj123lib.ledger.benchmarks`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from jj123lib.cli.common import add_as_of, add_view_options, emit, existing_data_dir, ledger_as_of, view

if TYPE_CHECKING:  # pandas costs ~0.3 s to import; commands import it when they need it
    import pandas as pd

    from jj123lib.domain.rules import Rules
    from jj123lib.ledger.store import Ledger

__all__ = ["SUBMISSION_VIEW", "SOURCE_COLUMNS", "add_benchmarks", "add_ledger", "cmd_benchmarks", "cmd_ledger"]

SUBMISSION_VIEW = {
    "quarter": "季度", "task_id": "任务编号", "title": "任务名称", "leader": "牵头市领导", "unit": "填报单位",
    "role": "角色", "planned_pct": "计划累计进度(%)", "actual_pct": "实际累计进度(%)", "gap": "落后序时进度(百分点)",
    "light_label": "督查室灯号",
    "milestone_met": "节点目标是否完成", "self_status": "自评状态", "progress": "工作进展", "problems": "存在问题",
    "next_steps": "下步计划", "coordination": "需协调事项", "coordination_department": "需协调部门",
    "reporter": "填报人", "report_date": "填报日期",
    "normalizations": "规范化说明", "filename": "来源文件", "file_sha256": "存档编号", "superseded": "已被取代",
}


# Where each row came from: on a sheet of their own in the xlsx, so the printed ledger carries no hashes.
SOURCE_COLUMNS = ("规范化说明", "来源文件", "存档编号")
_SOURCE_KEYS = ("季度", "任务编号", "填报单位", "角色")


def _with_verdicts(frame: pd.DataFrame, quarter: str, data_dir: Path | Ledger, rules: Rules) -> pd.DataFrame:
    """The quarter's one assessment beside each lead unit's row (planned %, gap, light); co-unit rows blank."""
    from jj123lib.loop.assessment import assess_quarter

    rated = assess_quarter(quarter, data_dir, rules=rules).rated.set_index("task_id")
    out = frame.copy()
    lead = out["role"] == "lead"
    for column in ("planned_pct", "gap", "light_label"):
        out[column] = [rated[column].get(t) if is_lead else None for t, is_lead in zip(out["task_id"], lead)]
    return out


def _in_notice_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Submissions with the task's name and lead leader, rows in the notice's order (N, P, B, then number)."""
    from jj123lib.domain.tasks import load_tasks

    tasks = load_tasks()
    position = {task_id: i for i, task_id in enumerate(tasks["task_id"])}
    names, leaders = dict(zip(tasks["task_id"], tasks["title"])), dict(zip(tasks["task_id"], tasks["leader"]))
    out = frame.copy()
    out["title"] = [names.get(t) for t in out["task_id"]]
    out["leader"] = [leaders.get(t) for t in out["task_id"]]
    out["_order"] = [position.get(t, len(position)) for t in out["task_id"]]
    out = out.sort_values(["quarter", "_order", "role", "unit"], ascending=[True, True, False, True], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def cmd_ledger(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.rules import load_rules

    quarter = validate_quarter(args.quarter)
    data_dir, demo = existing_data_dir(args.data_dir)
    ledger = ledger_as_of(data_dir, args.as_of)
    frame = _in_notice_order(ledger.submissions(quarter, include_superseded=args.all))
    frame = _with_verdicts(frame, quarter, ledger, load_rules(args.rules))
    frame["role"] = frame["role"].map({"lead": "牵头", "co": "配合"})
    mapping = dict(SUBMISSION_VIEW)
    if not args.all:
        mapping.pop("superseded")
    shown = view(frame, mapping)
    footer = f"共 {len(shown)} 行。" if len(shown) else "台账中没有该季度的填报记录。"
    if args.format != "xlsx":
        emit(shown, args.format, args.out, footer, demo, sheet=f"{quarter}台账")
        return 0
    from jj123lib.render.xlsx_export import Sheet

    sources = Sheet(f"{quarter}来源文件", shown[[*_SOURCE_KEYS, *SOURCE_COLUMNS]])
    emit(shown.drop(columns=list(SOURCE_COLUMNS)), args.format, args.out, footer, demo, sheet=f"{quarter}台账",
         light_columns=("督查室灯号",), side_sheets=[sources])
    return 0


def cmd_benchmarks(args: argparse.Namespace) -> int:
    from jj123lib.domain.quarters import normalize_quarter
    from jj123lib.ledger.benchmarks import benchmark_table

    data_dir, demo = existing_data_dir(args.data_dir)
    quarter = normalize_quarter(args.quarter)
    frame = benchmark_table(quarter, ledger_as_of(data_dir, args.as_of))
    tasks = frame["任务编号"].nunique()
    emit(frame, args.format, args.out, f"{quarter}：{tasks} 项任务有对标计划，共 {len(frame)} 行。", demo,
         sheet=f"{quarter}对标")
    return 0


def add_ledger(ledger: argparse.ArgumentParser) -> None:
    add_view_options(ledger)
    add_as_of(ledger)
    ledger.add_argument("--all", action="store_true", help="包括已被后续报送取代的记录")
    ledger.set_defaults(handler=cmd_ledger)


def add_benchmarks(benchmarks: argparse.ArgumentParser) -> None:
    add_view_options(benchmarks)
    add_as_of(benchmarks)
    benchmarks.set_defaults(handler=cmd_benchmarks)
