"""The intake commands of ``jj123``: forms (make the fill-in forms) and ingest (read them back into the ledger).

Thin wrappers around :mod:`jj123lib.intake.forms` and :mod:`jj123lib.intake.ingest`; the only commands,
with ``demo-data``, that may create a data folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jj123lib.cli.argparse_zh import integer
from jj123lib.cli.common import add_data_dir, add_out, add_quarter, announce_demo
from jj123lib.core.datadir import writable_data_dir
from jj123lib.core.exceptions import ParameterError

__all__ = ["add_forms", "add_ingest", "cmd_forms", "cmd_ingest"]


def cmd_forms(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.intake.forms import write_forms

    data_dir = writable_data_dir(args.data_dir)
    announce_demo(data_dir)
    if not args.plan and not args.quarter:
        raise ParameterError("--quarter", "",
                             hint="生成进度填报表须指定 --quarter（如 2026Q3），或用 --plan 生成年度计划表")
    quarter = validate_quarter(args.quarter) if args.quarter else None
    from jj123lib.domain.rules import load_rules

    paths = write_forms(quarter, plan=args.plan, year=args.year, out_dir=args.out, data_dir=data_dir,
                        units=args.unit or None, demo=False, rules=load_rules(args.rules))
    what = "年度计划表" if args.plan else f"{quarter} 进度填报表"
    folder = paths[0].parent if paths else Path(args.out or ".")
    sys.stdout.write(f"已生成 {len(paths)} 份{what}，保存在 {folder}\n")
    for path in paths:
        sys.stdout.write(f"  {path.name}\n")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from jj123lib.domain.rules import load_rules
    from jj123lib.intake.ingest import ingest_files

    data_dir = writable_data_dir(args.data_dir)
    announce_demo(data_dir)
    results = ingest_files(args.files, data_dir, rules=load_rules(args.rules))
    for result in results:
        stream = sys.stdout if result.ok else sys.stderr
        stream.write(result.message() + "\n")
    rejected = sum(not r.ok for r in results)
    accepted = sum(r.status == "accepted" for r in results)
    sys.stdout.write(f"共 {len(results)} 个文件：导入 {accepted} 个，重复 {len(results) - accepted - rejected} 个，"
                     f"退回 {rejected} 个。\n")
    return 2 if rejected else 0


def add_forms(forms: argparse.ArgumentParser) -> None:
    add_quarter(forms, required=False)
    forms.add_argument("--plan", action="store_true", help="生成年度计划表（发给牵头单位）")
    forms.add_argument("--year", type=integer, help="年度计划的年份（默认取任务表年度）")
    forms.add_argument("--unit", action="append", help="只生成该单位的表（可重复）")
    add_out(forms, "输出目录（默认：<数据目录>/forms/<季度>）")
    add_data_dir(forms)
    forms.set_defaults(handler=cmd_forms)


def add_ingest(ingest: argparse.ArgumentParser) -> None:
    ingest.add_argument("files", nargs="+", help="填好的表格文件")
    add_data_dir(ingest)
    ingest.set_defaults(handler=cmd_ingest)
