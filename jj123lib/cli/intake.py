"""The intake commands of ``jj123``: forms (make the fill-in forms) and ingest (read them back into the ledger).

Thin wrappers around :mod:`jj123lib.intake.forms` and :mod:`jj123lib.intake.ingest`; the only commands,
with ``demo-data``, that may create a data folder.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jj123lib.cli.argparse_zh import integer
from jj123lib.cli.common import add_data_dir, add_out, add_quarter, announce_demo, clerk_name
from jj123lib.cli.publish import add_correct, guarded
from jj123lib.core.clock import read_moment
from jj123lib.core.datadir import writable_data_dir
from jj123lib.core.exceptions import LedgerError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.intake.ingest import FileResult

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
    from jj123lib.intake.ingest import ingest_files, summary
    from jj123lib.intake.published import published_periods

    if not args.files and not args.revert:
        raise ParameterError("files", "", hint="请给出要导入的表格文件，或用 --revert 撤回已导入的版本")
    data_dir = writable_data_dir(args.data_dir)
    announce_demo(data_dir)
    if args.revert:
        return _revert(args, data_dir)
    received = None if args.received is None else read_moment(args.received)
    rules, by = load_rules(args.rules), args.by or clerk_name()
    runs: list[list[FileResult]] = []

    def apply(folder: Path, clock: datetime | None) -> None:
        # In a published quarter's snapshot the forms are received at its moment, so its view sees them.
        done = ingest_files(args.files, folder, rules=rules, received=clock or received, by=by, now=clock)
        if clock is not None and any(not r.ok for r in done):
            raise LedgerError("更正未完成：以下文件未能写入已发布的季度——"
                              + "；".join(r.message() for r in done if not r.ok))
        if clock is None:
            runs.append(done)

    touched = published_periods(args.files, data_dir, received, rules)
    guarded(args, data_dir, touched, "导入该季度（或该年度计划）的表格",
            f"导入 {'、'.join(Path(f).name for f in args.files)}", apply)
    results = runs[0]
    for result in results:
        stream = sys.stdout if result.ok else sys.stderr
        stream.write(result.message() + "\n")
    sys.stdout.write(summary(results) + "\n")
    return 2 if any(not r.ok for r in results) else 0


def add_forms(forms: argparse.ArgumentParser) -> None:
    add_quarter(forms, required=False)
    forms.add_argument("--plan", action="store_true", help="生成年度计划表（发给牵头单位）")
    forms.add_argument("--year", type=integer, help="年度计划的年份（默认取任务表年度）")
    forms.add_argument("--unit", action="append", help="只生成该单位的表（可重复）")
    add_out(forms, "输出目录（默认：<数据目录>/forms/<季度>）")
    add_data_dir(forms)
    forms.set_defaults(handler=cmd_forms)


def add_ingest(ingest: argparse.ArgumentParser) -> None:
    ingest.add_argument("files", nargs="*", help="填好的表格文件")
    ingest.add_argument("--received", metavar="日期", help="收文日期 YYYY-MM-DD[THH:MM]（默认：导入时刻；"
                        "邮寄、纸质或U盘报送的，填实际收到的日期，不得晚于现在、早于表内填报日期）")
    ingest.add_argument("--by", metavar="姓名", help="收文人（默认：环境变量 JJ123_USER，否则系统用户名）")
    ingest.add_argument("--revert", metavar="文件编号", help="撤回已导入的版本（收文登记中的文件编号），"
                        "该单位的上一版本重新生效；须写明 --reason 和 --by")
    ingest.add_argument("--reason", metavar="理由", help="撤回理由；--correct 时为更正理由")
    add_correct(ingest)
    add_data_dir(ingest)
    ingest.set_defaults(handler=cmd_ingest)


def _revert(args: argparse.Namespace, data_dir: Path) -> int:
    from jj123lib.domain.quarters import year_quarters
    from jj123lib.ledger.publications import publication
    from jj123lib.ledger.receipts import find_file, revert_file
    from jj123lib.ledger.store import Ledger

    if args.files:
        raise ParameterError("--revert", args.revert, hint="撤回时不能同时导入文件")
    if not args.by:
        raise ParameterError("--by", "", hint="撤回须写明操作人（--by 姓名）")
    form = find_file(Ledger(data_dir), args.revert)
    period = str(form["period"])
    # A published quarter is touched only if the file was in its view (received by its moment).
    # The year's review too (it reads every quarter of its year), as a published quarter is.
    quarters = [q for q in ([period, period[:4]] if form["kind"] == "progress" else
                            [*year_quarters(int(period)), period])
                if (found := publication(data_dir, q)) is None or found.as_of >= str(form["received_at"])]
    guarded(args, data_dir, quarters, "撤回该季度（或该年度计划）已导入的版本",
            f"撤回 {form['unit']} {period} 的 {form['filename']}",
            lambda folder, now: revert_file(folder, args.revert, args.reason or "", args.by, now=now))
    sys.stdout.write(f"已撤回 {form['unit']} {period} 的 {form['filename']}（文件编号 {form['file_id']}），"
                     "该单位的上一版本（如有）重新生效。\n")
    return 0
