"""``jj123 demo-data``: a data folder filled with demo data, through the real intake (forms written, then ingested).

A thin wrapper around :func:`jj123lib.demo.generate.generate_demo`; the folder is marked 示例数据 for every
command and report that reads it.
"""

from __future__ import annotations

import argparse
import sys

from jj123lib.cli.argparse_zh import integer
from jj123lib.cli.common import add_data_dir

__all__ = ["add_demo_data", "cmd_demo_data"]


def cmd_demo_data(args: argparse.Namespace) -> int:
    from jj123lib.demo.generate import generate_demo

    summary = generate_demo(args.data_dir, seed=args.seed)
    sys.stderr.write(f"【示例数据】已在 {summary.data_dir} 生成示例数据（种子 {summary.seed}），"
                     f"共导入 {summary.files} 个表格。示例数据不代表任何单位的真实工作进展。\n")
    record = summary.record
    if record.published:
        fixed = f"（{record.corrected} 的 2026Q2 灯号在发布后更正 1 次）" if record.corrected else ""
        sys.stderr.write(f"示例数据已按其故事日程封账发布 {'、'.join(record.published)}{fixed}，"
                         f"并撤回 {record.resent_unit} 误报的 1 份表格；收文登记见 jj123 receipts，"
                         "发布与更正记录见 jj123 publish --list。\n")
    sys.stdout.write(f"试试：jj123 ratings --quarter 2026Q3 --data-dir {summary.data_dir}\n")
    return 0


def add_demo_data(demo: argparse.ArgumentParser) -> None:
    demo.add_argument("--seed", type=integer, default=2026, help="随机种子（默认 2026）")
    add_data_dir(demo)
    demo.set_defaults(handler=cmd_demo_data)
