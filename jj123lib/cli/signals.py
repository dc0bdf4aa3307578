"""``jj123 signals``: the quarter's 对标 signals beside each task's light.

Registered into :mod:`jj123lib.cli.main` through ``COMMAND_MODULES``. Kept apart from ``jj123 flags``
(数据核查 questions the data a unit typed; 对标 signals say where Jinjiang stands). Output goes
through the ledger commands' ``_emit`` (formula neutralisation, 示例数据 marking).
"""

from __future__ import annotations

import argparse

from jj123lib.cli.ledger import EXPORT_FORMATS, _emit, _existing_data_dir, _view

SIGNALS_VIEW = {"task_id": "任务编号", "tier_label": "层级", "title": "任务名称", "leader": "牵头市领导",
                "lead_unit": "牵头单位", "light_label": "督查室灯号", "label": "对标预警", "indicator": "指标",
                "reason": "具体情况"}


def cmd_signals(args: argparse.Namespace) -> int:
    from jj123lib.assess.ratings import rate_quarter
    from jj123lib.assess.signals import load_benchmark_view
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.rules import load_rules
    from jj123lib.reports.benchmarks import signals_table

    quarter = validate_quarter(args.quarter)
    data_dir, demo = _existing_data_dir(args.data_dir)
    rules = load_rules(args.rules)
    view = load_benchmark_view(quarter, data_dir, rules)
    frame = signals_table(view, rate_quarter(quarter, data_dir, as_of=args.as_of, rules=rules))
    if view.empty:
        footer = "年度计划尚未填报对标指标，无对标预警。"
    else:
        green = frame.loc[frame["light"] == "green", "task_id"].nunique()
        effect = "有预警的绿灯任务已降为黄灯" if view.rules["affects_light"] else "对标预警与灯号并列显示，不改变灯号"
        footer = (f"共 {len(frame)} 条对标预警，涉及 {frame['task_id'].nunique()} 项任务（其中绿灯 {green} 项）。"
                  f"{effect}。")
    _emit(_view(frame, SIGNALS_VIEW), args.format, args.out, footer, demo, sheet="对标预警",
          light_columns=(SIGNALS_VIEW["light_label"],))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``jj123 signals`` to the ``jj123`` parser."""
    signals = sub.add_parser("signals", help="对标预警：位次下降、落后标杆、未达序时目标、认定停滞（与灯号并列）")
    signals.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    signals.add_argument("--as-of", help="判断日期 YYYY-MM-DD（默认：今天，北京时间），用于灯号")
    signals.add_argument("--format", choices=EXPORT_FORMATS, default="table", help="输出格式 (default: table)")
    signals.add_argument("--out", help="输出文件（xlsx 格式必填）")
    signals.add_argument("--data-dir", help="数据目录（默认：$JJ123_DATA_DIR 或 ./data）")
    signals.set_defaults(handler=cmd_signals)
