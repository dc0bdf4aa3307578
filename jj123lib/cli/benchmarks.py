"""``jj123 benchmarks``: the plan's 对标指标 with a quarter's values, ranks and recognition stages."""

from __future__ import annotations

import argparse

from jj123lib.cli.ledger import EXPORT_FORMATS, _emit, _existing_data_dir


def cmd_benchmarks(args: argparse.Namespace) -> int:
    from jj123lib.domain.quarters import normalize_quarter
    from jj123lib.ledger.benchmarks import benchmark_table

    data_dir, demo = _existing_data_dir(args.data_dir)
    quarter = normalize_quarter(args.quarter)
    frame = benchmark_table(quarter, data_dir)
    tasks = frame["任务编号"].nunique()
    _emit(frame, args.format, args.out, f"{quarter}：{tasks} 项任务有对标计划，共 {len(frame)} 行。", demo,
          sheet=f"{quarter}对标")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``benchmarks`` to the ``jj123`` parser."""
    parser = sub.add_parser("benchmarks", help="对标计划与本季度指标值、位次、认定阶段 (benchmarks)")
    parser.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="table", help="输出格式 (default: table)")
    parser.add_argument("--out", help="输出文件（xlsx 格式必填）")
    parser.add_argument("--data-dir", help="数据目录（默认：$JJ123_DATA_DIR 或 ./data）")
    parser.set_defaults(handler=cmd_benchmarks)
