"""The ``jj123 receipts`` command: the 收文登记, and recording a signed paper copy (``mark-paper``).

Thin wrappers around :mod:`jj123lib.ledger.receipts`. Withdrawing a version is ``jj123 ingest --revert``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from jj123lib.cli.common import (
    add_as_of,
    add_data_dir,
    add_format,
    add_out,
    add_quarter,
    clerk_name,
    emit,
    existing_data_dir,
    ledger_as_of,
)
from jj123lib.cli.common import view as chinese_view

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PLAN_HISTORY_VIEW", "add_plan", "add_receipts", "cmd_plan", "cmd_receipts"]

PLAN_HISTORY_VIEW = {
    "file_id": "文件编号", "unit": "报送单位", "received_at": "收文时间", "dated": "填报日期", "quarter": "季度",
    "planned_pct": "计划累计进度(%)", "milestone": "节点目标", "measures": "攻坚措施", "owner": "责任人",
    "current": "当前有效", "withdrawn_at": "撤回时间", "filename": "文件名",
}


def cmd_plan(args: argparse.Namespace) -> int:
    from jj123lib.core.exceptions import ParameterError
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.ledger.receipts import minute, plan_history

    data_dir, demo = existing_data_dir(args.data_dir)
    task_id = str(args.task_id).strip().upper()
    known = list(load_tasks()["task_id"])
    if task_id not in known:
        raise ParameterError("任务编号", args.task_id, hint=f"应为任务清单中的编号，如 {known[0]}")
    frame = plan_history(ledger_as_of(data_dir, args.as_of), task_id)
    for column in ("received_at", "withdrawn_at"):
        frame[column] = [minute(value) for value in frame[column]]
    versions = frame["file_id"].nunique()
    footer = (f"{task_id} 的年度计划共收到 {versions} 个版本；每个版本自收文之时起适用。" if versions
              else f"{task_id} 还没有收到年度计划。") + _plan_texts(frame[frame["current"]])
    emit(chinese_view(frame, PLAN_HISTORY_VIEW), args.format, args.out, footer, demo, sheet=f"{task_id}计划版本")
    return 0


def _plan_texts(current: pd.DataFrame) -> str:
    """The current version's 攻坚措施 and 责任人, in full below the table (a narrow terminal hides their columns)."""
    if current.empty:
        return ""
    row = current.iloc[0]
    return "".join(f"\n{label}（当前版本）：{row[key] if isinstance(row[key], str) and row[key].strip() else '未填写'}"
                   for key, label in (("measures", "攻坚措施"), ("owner", "责任人")))


def cmd_receipts(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.ledger.receipts import mark_paper, receipts_view

    data_dir, demo = existing_data_dir(args.data_dir)
    if args.action == "mark-paper":
        found = mark_paper(data_dir, args.file_id, args.by or clerk_name())
        sys.stdout.write(f"已登记纸质件：{found['unit']} {found['period']} {found['filename']}"
                         f"（文件编号 {found['file_id']}）\n")
        return 0
    quarter = validate_quarter(args.quarter) if args.quarter else None
    frame = receipts_view(ledger_as_of(data_dir, args.as_of), quarter)
    paper = int((frame["纸质件收到"] != "").sum())
    footer = (f"共收文 {len(frame)} 份，纸质件已收 {paper} 份、未收 {len(frame) - paper} 份。"
              if len(frame) else "收文登记中没有记录。")
    emit(frame, args.format, args.out, footer, demo, sheet="收文登记")
    return 0


def add_plan(plan: argparse.ArgumentParser) -> None:
    plan.add_argument("action", choices=("history",), help="history：列出某项任务年度计划的各个版本")
    plan.add_argument("task_id", metavar="任务编号", help="如 N04")
    add_as_of(plan)
    add_format(plan)
    add_out(plan)
    add_data_dir(plan)
    plan.set_defaults(handler=cmd_plan)


def add_receipts(receipts: argparse.ArgumentParser) -> None:
    receipts.add_argument("action", nargs="?", choices=("list", "mark-paper"), default="list",
                          help="list：列出收文登记（默认）；mark-paper：登记签字盖章的纸质件已收到")
    receipts.add_argument("file_id", nargs="?", help="mark-paper 时：收文登记中的文件编号")
    add_quarter(receipts, required=False)
    add_as_of(receipts)
    receipts.add_argument("--by", metavar="姓名", help="签收人（默认：环境变量 JJ123_USER，否则系统用户名）")
    add_format(receipts)
    add_out(receipts)
    add_data_dir(receipts)
    receipts.set_defaults(handler=cmd_receipts)
