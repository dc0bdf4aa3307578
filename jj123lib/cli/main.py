"""Command line: ``jj123 <command>``. Thin: parse arguments, call the library, print.

Exit codes: 0 success; 1 a check found problems (``check``); 2 an error the user
can fix (bad file, bad parameter), with a Chinese message on stderr; 3 an unexpected
internal error, logged with its traceback (:mod:`jj123lib.core.log`) under the incident id
the message names.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs ~0.3 s to import; commands import it when they need it
    import pandas as pd


from jj123lib.core.exceptions import Jj123Error, os_error_zh
from jj123lib.core.formats import FORMATS, render_frame
from jj123lib.core.version import __version__

Handler = Callable[[argparse.Namespace], int]


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

    report = check_quotas(load_tasks(args.tasks), load_rules())
    sys.stdout.write(render_frame(report.wide().reset_index(), "table"))
    sys.stdout.write("\n" + report.summary() + "\n")
    return 0 if report.ok else 1


def cmd_notice(args: argparse.Namespace) -> int:
    from jj123lib.domain.notice import parse_notice

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise Jj123Error(f"找不到通知文件：{path}") from None
    except IsADirectoryError:
        raise Jj123Error(f"{path} 是文件夹，请给出通知文本文件") from None
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("gb18030")
        except UnicodeDecodeError:
            raise Jj123Error(f"通知文件 {path} 既不是 UTF-8 也不是 GBK 编码的文本，请另存为 UTF-8 文本") from None
    _print_tasks(parse_notice(text, source=str(path)), args.format)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jj123",
        description="晋江市2026年度“123”争先进位工作督查工具 (jj123 supervision workbook)",
    )
    parser.add_argument("--version", action="version", version=f"jj123 {__version__}")
    parser.add_argument("--rules", metavar="PATH", help=RULES_HELP)
    parser.add_argument("-v", "--verbose", action="store_true", help="在终端（stderr）上同时显示日志")
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)

    tasks = sub.add_parser("tasks", help="列出任务清单 (list tasks)")
    tasks.add_argument("--leader", help="牵头市领导姓名 (lead leader)")
    tasks.add_argument("--tier", help="层级：national/provincial/breakthrough 或 全国/全省/重点突破")
    tasks.add_argument("--unit", help="责任单位 (responsible unit)")
    tasks.add_argument("--format", choices=FORMATS, default="table", help="输出格式 (default: table)")
    tasks.add_argument("--tasks", help="任务表 CSV 路径（默认：内置 2026 任务表）")
    tasks.set_defaults(handler=cmd_tasks)

    check = sub.add_parser("check", help="检查配额与任务表完整性 (check quotas)")
    check.add_argument("--tasks", help="任务表 CSV 路径（默认：内置 2026 任务表）")
    check.set_defaults(handler=cmd_check)

    notice = sub.add_parser("notice", help="解析通知文本为任务表 (parse a notice)")
    notice.add_argument("file", help="通知文本文件（UTF-8 或 GBK）")
    notice.add_argument("--format", choices=FORMATS, default="table", help="输出格式 (default: table)")
    notice.set_defaults(handler=cmd_notice)

    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    # Also accepted after the command name; SUPPRESS keeps a value given before it.
    for command in sub.choices.values():
        command.add_argument("--rules", metavar="PATH", default=argparse.SUPPRESS, help=RULES_HELP)
    return parser


RULES_HELP = "规则文件路径（默认：环境变量 JJ123_RULES，否则为内置规则 params/rules.yaml）"


@contextlib.contextmanager
def _rules_in_force(path: str | None) -> Iterator[None]:
    """Point this process, its batch workers and their kernels at one rules file, as an absolute path.

    Kernels run in other folders, so a relative ``$JJ123_RULES`` is made absolute too. The
    variable is restored afterwards, for callers of :func:`main` in the same process.
    """
    from jj123lib.domain.rules import RULES_ENV, load_rules

    before = os.environ.get(RULES_ENV)
    chosen = path or before
    if chosen:
        os.environ[RULES_ENV] = os.path.abspath(chosen)
    try:
        if chosen:
            load_rules()  # a missing or malformed file fails here, naming the path
        yield
    finally:
        if before is None:
            os.environ.pop(RULES_ENV, None)
        else:
            os.environ[RULES_ENV] = before


# Modules that register their own subcommands (a ``register(subparsers)`` function each); imported only
# when the parser is built, so ``jj123 tasks`` does not pay for the batch's or the ledger's imports.
COMMAND_MODULES = (
    "jj123lib.cli.ledger",  # forms, ingest, ledger, ratings, league, override, demo-data (and explore)
    "jj123lib.cli.batch",  # batch (reports: notebooks → HTML → PDF)
    "jj123lib.cli.benchmarks",  # benchmarks (对标计划 with the quarter's values)
    "jj123lib.cli.supervision",  # cuibao, duban, verify, coordination, flags
    "jj123lib.cli.documents",  # bulletin (督查通报 .docx)
    "jj123lib.cli.signals",  # signals (对标预警 beside the lights)
    "jj123lib.cli.annual",  # annual (年度考评)
)


# argparse's own messages (usage, errors, the -h help), in Chinese for the office.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "该参数需要一个取值",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的参数 %(option)s，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}




@contextlib.contextmanager
def _chinese_argparse() -> Iterator[None]:
    """Translate argparse's messages while our parser is built and used (argparse reads ``_`` at call time)."""
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, original(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")
    with _chinese_argparse():
        parser = build_parser()
        args = parser.parse_args(argv)
    handler: Handler = args.handler
    if args.verbose:
        from jj123lib.core.log import show_on_terminal

        show_on_terminal()
    try:
        with _rules_in_force(args.rules):
            return handler(args)
    except Jj123Error as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a path the user gave that cannot be read or written
        where = f"“{exc.filename}”" if exc.filename else ""
        reason = os_error_zh(exc)
        sys.stderr.write(f"错误：无法读写{where}：{reason}\n")
        return 2
    except Exception as exc:  # noqa: BLE001 - a bug: the user gets an incident id, the log the traceback
        from jj123lib.core.log import record_incident

        incident = record_incident(getattr(args, "data_dir", None), f"jj123 {args.command} failed", exc)
        sys.stderr.write(f"错误：程序内部出错，操作未完成（{incident.zh()}）。请把该日志文件交给维护人员。\n")
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
