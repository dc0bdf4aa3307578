"""``jj123 batch``: argument parsing and printing for :func:`jj123lib.batch.run.run_batch`."""

from __future__ import annotations

import argparse
import sys

from jj123lib.cli.argparse_zh import integer
from jj123lib.cli.common import add_as_of, add_data_dir, add_quarter
from jj123lib.core.exceptions import ParameterError

__all__ = ["add_batch", "cmd_batch"]


def cmd_batch(args: argparse.Namespace) -> int:
    if args.year is not None:  # the year-end review (年度考评)
        from jj123lib.annual.batch import ANNUAL_FORMATS, run_annual_batch

        if args.leader:
            raise ParameterError("--leader", args.leader[0], hint="年度考评不分市领导生成，请去掉 --leader")
        formats = [f for f in (args.formats or ",".join(ANNUAL_FORMATS)).split(",") if f.strip()]
        annual = run_annual_batch(args.year, formats=formats, force=args.force, data_dir=args.data_dir, out=args.out,
                                  progress=not args.no_progress, rules=args.rules, units=args.units,
                                  as_of=args.as_of)
        (sys.stdout if annual.ok else sys.stderr).write(annual.summary() + "\n")
        return 0 if annual.ok else 1
    from jj123lib.batch.run import run_batch

    formats = [f for f in (args.formats or "html,pdf,docx").split(",") if f.strip()]
    result = run_batch(args.quarter, args.leader, jobs=args.jobs, formats=formats, force=args.force,
                       data_dir=args.data_dir, out=args.out, progress=not args.no_progress, rules=args.rules,
                       units=args.units, as_of=args.as_of)
    stream = sys.stdout if result.ok else sys.stderr
    stream.write(result.summary() + "\n")
    return 0 if result.ok else 1


def add_batch(batch: argparse.ArgumentParser) -> None:
    batch.description = ("生成每位牵头市领导的督查报告和季度总览（HTML、PDF），督查通报、督办单、催报通知（Word），"
                         "以及 index.html、manifest.json。"
                         "输入未变化的报告自动跳过（--force 强制重新生成）。"
                         "--year 生成年度考评（HTML、PDF、Word 通报）。")
    period = batch.add_mutually_exclusive_group(required=True)
    add_quarter(period, required=False)  # the group requires --quarter or --year
    period.add_argument("--year", help="年度考评：年度，如 2026（生成年度考评 HTML、PDF 与 Word 通报）")
    batch.add_argument("--leader", action="append", metavar="姓名",
                       help="只生成这位市领导的报告（可重复；默认全部，另加季度总览和公文）")
    batch.add_argument("--jobs", type=integer, default=None,
                       help="并行执行笔记本的进程数（默认：CPU 核数的一半，至少 1）")
    batch.add_argument("--formats",
                       help="输出格式：html,pdf,docx（默认全部；docx 为督查通报、督办单、催报通知，"
                            "或年度考评通报 Word 文档）")
    batch.add_argument("--force", action="store_true", help="即使输入未变化也重新生成")
    add_as_of(batch, "数据截至时点 YYYY-MM-DD（当天结束）或 YYYY-MM-DDTHH:MM（默认：现在，示例数据为其故事时点）："
                     "报告、公文和索引只采用此前收到或记录的内容，逾期天数算到此时，页眉注明“数据截至”；"
                     "已封账发布的季度只按发布时的数据生成，不能指定")
    add_data_dir(batch)
    batch.add_argument("--out", help="输出文件夹（默认：reports/<季度或年度>，示例数据为 reports/demo/<季度或年度>）")
    batch.add_argument("--no-progress", action="store_true", help="不显示进度条")
    batch.set_defaults(handler=cmd_batch)
