"""The task-table commands of ``jj123``: tasks (list), check (quotas), notice (parse a notice into a table).

Thin wrappers around :mod:`jj123lib.domain.tasks`, :mod:`jj123lib.domain.quotas` and
:mod:`jj123lib.domain.notice`; none of them reads the ledger.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from jj123lib.cli.common import add_format
from jj123lib.core.exceptions import Jj123Error
from jj123lib.core.formats import FORMATS, render_frame

if TYPE_CHECKING:  # pandas costs ~0.3 s to import; commands import it when they need it
    import pandas as pd

__all__ = ["add_check", "add_notice", "add_tasks", "cmd_check", "cmd_notice", "cmd_tasks"]

TASKS_HELP = "任务表 CSV 路径（默认：内置 2026 任务表）"


def _task_view(tasks: pd.DataFrame) -> pd.DataFrame:
    """Columns shown by ``tasks --format table``, with Chinese headers."""
    view = tasks.loc[:, ["task_id", "tier_label", "seq", "title", "leader", "units"]]
    return view.rename(columns={"task_id": "编号", "tier_label": "层级", "seq": "序号", "title": "任务名称",
                                "leader": "牵头市领导", "units": "责任单位"})


def _print_tasks(tasks: pd.DataFrame, fmt: str) -> None:
    from jj123lib.domain.tasks import tasks_to_csv

    if fmt == "csv":
        sys.stdout.write(tasks_to_csv(tasks))
    elif fmt == "json":
        sys.stdout.write(render_frame(tasks, "json"))
    else:
        sys.stdout.write(render_frame(_task_view(tasks), "table"))
        counts = tasks["tier_label"].value_counts()
        summary = "，".join(f"{label} {counts.get(label, 0)} 项" for label in dict.fromkeys(tasks["tier_label"]))
        sys.stdout.write(f"\n共 {len(tasks)} 项任务（{summary}）。\n")


def cmd_tasks(args: argparse.Namespace) -> int:
    from jj123lib.domain.tasks import filter_tasks, load_tasks

    tasks = filter_tasks(load_tasks(args.tasks), leader=args.leader, tier=args.tier, unit=args.unit)
    _print_tasks(tasks, args.format)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from jj123lib.domain.quotas import check_quotas
    from jj123lib.domain.rules import load_rules
    from jj123lib.domain.tasks import load_tasks

    report = check_quotas(load_tasks(args.tasks), load_rules(args.rules))
    sys.stdout.write(render_frame(report.wide().reset_index(), "table"))
    sys.stdout.write("\n" + report.summary() + "\n")
    return 0 if report.ok else 1


def cmd_notice(args: argparse.Namespace) -> int:
    from jj123lib.core.files import MAX_TABLE_BYTES, FileRefused, read_bounded
    from jj123lib.domain.notice import parse_notice

    path = Path(args.file)
    try:
        raw = read_bounded(path, MAX_TABLE_BYTES, "通知文件")
    except FileRefused as exc:
        raise Jj123Error(str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise Jj123Error(f"通知文件 {path} 既不是 UTF-8 也不是 GBK 编码的文本，请另存为 UTF-8 文本") from None
    _print_tasks(parse_notice(text, source=str(path)), args.format)
    return 0


def add_tasks(tasks: argparse.ArgumentParser) -> None:
    tasks.add_argument("--leader", help="牵头市领导姓名 (lead leader)")
    tasks.add_argument("--tier", help="层级：national/provincial/breakthrough 或 全国/全省/重点突破")
    tasks.add_argument("--unit", help="责任单位 (responsible unit)")
    add_format(tasks, FORMATS)
    tasks.add_argument("--tasks", help=TASKS_HELP)
    tasks.set_defaults(handler=cmd_tasks)


def add_check(check: argparse.ArgumentParser) -> None:
    check.add_argument("--tasks", help=TASKS_HELP)
    check.set_defaults(handler=cmd_check)


def add_notice(notice: argparse.ArgumentParser) -> None:
    notice.add_argument("file", help="通知文本文件（UTF-8 或 GBK）")
    add_format(notice, FORMATS)
    notice.set_defaults(handler=cmd_notice)
