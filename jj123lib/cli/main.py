"""Command line: ``jj123 <command>``. Thin: parse arguments, call the library, print.

:data:`COMMANDS` lists every command; each lives in the module of its group (``cli/tasks.py``,
``cli/intake.py``, ``cli/ledger.py``, ``cli/assess.py``, ``cli/loop.py``, ``cli/batch.py``,
``cli/documents.py``, ``cli/annual.py``, ``cli/demo.py``, ``cli/explore.py``,
``cli/serve.py``), the options they share in
``cli/common.py``, argparse's messages in Chinese in ``cli/argparse_zh.py``.

Exit codes: 0 success; 1 a check found problems (``check``, a failed ``batch``); 2 an error the user
can fix (bad file, bad parameter, a system or library error jj123 knows: a full disk, a locked ledger…),
with a Chinese message on stderr; 3 an unexpected internal error; 130 interrupted (Ctrl+C). A system or
library error, an unexpected one and an interruption are logged with their traceback
(:mod:`jj123lib.core.log`) under the incident id the message names; no library's English reaches the user.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from jj123lib.cli import (
    annual,
    assess,
    batch,
    demo,
    documents,
    explore,
    intake,
    ledger,
    loop,
    publish,
    receipts,
    serve,
    tasks,
)
from jj123lib.cli.argparse_zh import ChineseArgumentParser
from jj123lib.cli.common import (
    Handler,
    add_rules,
    add_verbose,
    add_wide,
    rules_path,
    terminal_table_width,
    units_path_in_force,
)
from jj123lib.core.exceptions import Jj123Error, library_error_zh
from jj123lib.core.formats import table_width
from jj123lib.core.version import __version__

if TYPE_CHECKING:
    from jj123lib.core.log import Incident

__all__ = ["COMMANDS", "build_parser", "main"]

AddOptions = Callable[[argparse.ArgumentParser], None]

# Every command, in the order ``jj123 -h`` lists them: its name, its line in that list, and the function
# adding its options and handler. The command modules import pandas and the rest only when a command runs.
COMMANDS: tuple[tuple[str, str, AddOptions], ...] = (
    ("tasks", "列出任务清单 (list tasks)", tasks.add_tasks),
    ("check", "检查配额与任务表完整性 (check quotas)", tasks.add_check),
    ("notice", "解析通知文本为任务表 (parse a notice)", tasks.add_notice),
    ("forms", "生成各责任单位的进度填报表或年度计划表 (make forms)", intake.add_forms),
    ("ingest", "导入填好的表格（.xlsx 或 CSV）(ingest forms)", intake.add_ingest),
    ("receipts", "收文登记：何时收到、谁收的、填报日期、版本、纸质件（mark-paper 登记纸质件）", receipts.add_receipts),
    ("plan", "年度计划的版本（history 任务编号）：何时收到、各季度计划数、是否当前有效", receipts.add_plan),
    ("ledger", "查看台账中的填报记录 (show the ledger)", ledger.add_ledger),
    ("ratings", "各任务灯号及理由 (ratings)", assess.add_ratings),
    ("league", "市领导排名或责任单位红黄榜 (league table)", assess.add_league),
    ("override", "督查室调整灯号、撤销或查看调整记录 (override a light)", assess.add_override),
    ("demo-data", "生成示例数据（经真实导入流程）(make demo data)", demo.add_demo_data),
    ("explore", "数据探索笔记本：执行并保存为 HTML (analyst notebook → HTML)", explore.add_explore),
    ("batch", "批量生成督查报告（HTML、PDF）与公文（Word）(render all reports)", batch.add_batch),
    ("publish", "季度封账：记录发布时点并保存封账副本，此后报告保持原样；改动须 --correct 更正", publish.add_publish),
    ("benchmarks", "对标计划与本季度指标值、位次、认定阶段 (benchmarks)", ledger.add_benchmarks),
    ("cuibao", "逾期未报送单位催报清单 (chase late units)", loop.add_cuibao),
    ("duban", "督办事项：列出、下发（issue）、生成整改反馈表（forms）、记录整改反馈（respond）", loop.add_duban),
    ("verify", "核实销号、退回或撤销核实；不给编号则列出待核实事项", loop.add_verify),
    ("coordination", "协调事项登记簿：列出或办结（close）", loop.add_coordination),
    ("flags", "数据核查提示（不改变灯号）(data checks)", loop.add_flags),
    ("bulletin", "生成季度督查通报 Word 文档 (.docx)", documents.add_bulletin),
    ("signals", "对标预警：位次下降、落后标杆、未达序时目标、认定停滞（与灯号并列）", assess.add_signals),
    ("annual", "年度考评：任务完成情况、责任单位得分、市领导汇总 (year-end review)", annual.add_annual),
    ("serve", "启动督查工作台（浏览器中办理整个季度）(the office's workbench)", serve.add_serve),
)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="jj123",
        description="晋江市2026年度“123”争先进位工作督查工具 (jj123 supervision workbook)",
    )
    parser.add_argument("--version", action="version", version=f"jj123 {__version__}", help="显示版本号并退出")
    add_rules(parser)
    add_verbose(parser)
    add_wide(parser)
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)
    for name, summary, add_options in COMMANDS:
        command = sub.add_parser(name, help=summary)
        add_options(command)
        add_rules(command, after_command=True)
        add_verbose(command, after_command=True)
        add_wide(command, after_command=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    terminal = None
    if args.verbose:
        from jj123lib.core.log import show_on_terminal

        terminal = show_on_terminal()
    width = table_width.set(terminal_table_width(args.wide))
    shown_warning = warnings.showwarning
    warnings.showwarning = _warning_to_log
    try:
        args.rules = rules_path(args.rules)
        args.units = units_path_in_force()
        return handler(args)
    except Jj123Error as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt as exc:  # Ctrl+C: writes are atomic, so no half-written file or record is left
        incident = _record(args, "interrupted (KeyboardInterrupt)", exc)
        sys.stderr.write(f"已中断（Ctrl+C）：操作未完成，不会留下写了一半的文件或记录（{incident.zh()}）。\n")
        return 130
    except Exception as exc:  # noqa: BLE001 - never a library's English: a Chinese message, the original in the log
        known = library_error_zh(exc, database=_ledger_file(args))
        incident = _record(args, f"failed: {type(exc).__name__}", exc)
        if known is not None:
            sys.stderr.write(f"错误：{known}（{incident.zh()}）\n")
            return 2
        sys.stderr.write(f"错误：程序内部出错，操作未完成（{incident.zh()}）。请把该日志文件交给维护人员。\n")
        return 3
    finally:
        warnings.showwarning = shown_warning
        table_width.reset(width)
        if terminal is not None:  # an in-process caller (a test, a notebook) keeps no stale handler
            from jj123lib.core.log import logger

            logger.removeHandler(terminal)


def _warning_to_log(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                    file: object = None, line: str | None = None) -> None:
    """A library's warning (English) goes to jj123's log, shown with ``-v``, never to the office's terminal."""
    from jj123lib.core.log import logger

    logger.info("%s: %s (%s:%s)", category.__name__, message, filename, lineno)


def _record(args: argparse.Namespace, what: str, exc: BaseException) -> Incident:
    from jj123lib.core.log import record_incident

    return record_incident(getattr(args, "data_dir", None), f"jj123 {args.command} {what}", exc)


def _ledger_file(args: argparse.Namespace) -> str | None:
    """The ledger a SQLite error concerns: the command's data folder's (never an error of its own)."""
    try:
        from jj123lib.core.datadir import LEDGER_FILE, resolve_data_dir

        return str(resolve_data_dir(getattr(args, "data_dir", None)) / LEDGER_FILE)
    except Jj123Error:
        return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
