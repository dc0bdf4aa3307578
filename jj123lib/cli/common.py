"""What every ``jj123`` command shares: the common options, the ``--rules`` handling and the output helpers.

The options ``--data-dir``, ``--quarter``, ``--as-of``, ``--format``, ``--out``, ``--rules`` and ``--wide`` are added
here, each with one help text. Output goes through :func:`emit` (formula neutralisation in the exports,
示例数据 marking), tables get Chinese headers through :func:`view`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jj123lib.core.atomic import atomic_write
from jj123lib.core.datadir import is_demo, readable_data_dir
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.formats import FORMATS, TABLE_WIDTH, render_frame
from jj123lib.core.text import excerpt

if TYPE_CHECKING:  # pandas costs ~0.3 s to import; commands import it when they need it
    import pandas as pd

    from jj123lib.ledger.store import Ledger
    from jj123lib.render.xlsx_export import Sheet

__all__ = [
    "DATA_DIR_HELP", "DEMO_COLUMN", "DEMO_VALUE", "EXPORT_FORMATS", "RULES_HELP", "Handler",
    "add_as_of", "add_data_dir", "add_format", "add_out", "add_quarter", "add_rules", "add_verbose",
    "add_view_options", "add_wide", "announce_demo", "as_of_argument", "clerk_name", "emit", "existing_data_dir",
    "ledger_as_of", "quarter_argument", "rules_path", "terminal_table_width", "units_path_in_force", "view",
    "yes_no",
]

Handler = Callable[[argparse.Namespace], int]

EXPORT_FORMATS = (*FORMATS, "xlsx")

# Where core.datadir.resolve_data_dir looks; a relative default is taken from the project root in a checkout.
DATA_DIR_HELP = "数据文件夹（默认：环境变量 JJ123_DATA_DIR，否则 data；在源码目录中，默认的相对路径以项目根目录为准）"
QUARTER_HELP = "季度，如 2026Q3"
# Before a quarter's reporting deadline its unreported tasks are 未到报送期, after it 未报送.
AS_OF_HELP = ("判断时点 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM（默认：现在，北京时间）：只看此前收到或记录的内容，"
              "逾期天数也算到此时")
FORMAT_HELP = "输出格式（默认：table）"
OUT_HELP = "输出文件（xlsx 格式必填）"
VERBOSE_HELP = "在终端显示运行日志"
WIDE_HELP = "表格显示全部列的完整内容，不按终端宽度折行或截断"
RULES_HELP = "规则文件路径（默认：环境变量 JJ123_RULES，否则为内置规则 params/rules.yaml）"


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help=DATA_DIR_HELP)


def _checked(check: Callable[[str], str]) -> Callable[[str], str]:
    """``type=`` for an option checked when the arguments are parsed: ``check``'s :class:`ParameterError`
    becomes argparse's error, so a bad value stops the command before it reads or writes anything."""

    def convert(value: str) -> str:
        try:
            return check(value)
        except ParameterError as exc:
            message = f"值“{excerpt(exc.value)}”无效" + (f"：{exc.hint}" if exc.hint else "")
            if exc.valid:
                message += "。可选值：" + "、".join(exc.valid)
            raise argparse.ArgumentTypeError(message) from None

    return convert


def quarter_argument(value: str) -> str:
    """``--quarter``: the canonical quarter of a year the task table covers."""
    from jj123lib.domain.parameters import validate_quarter

    return validate_quarter(value, name="--quarter")


def as_of_argument(value: str) -> str:
    """``--as-of``: a date or moment inside the task table's years, not far in the future."""
    from jj123lib.domain.parameters import validate_as_of

    return validate_as_of(value)


def add_quarter(parser: argparse._ActionsContainer, required: bool = True) -> None:
    parser.add_argument("--quarter", required=required, type=_checked(quarter_argument), help=QUARTER_HELP)


def add_as_of(parser: argparse.ArgumentParser, text: str = AS_OF_HELP) -> None:
    parser.add_argument("--as-of", type=_checked(as_of_argument), help=text)


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = EXPORT_FORMATS,
               text: str = FORMAT_HELP) -> None:
    parser.add_argument("--format", choices=choices, default="table", help=text)


def add_out(parser: argparse.ArgumentParser, text: str = OUT_HELP, required: bool = False) -> None:
    parser.add_argument("--out", required=required, help=text)


def add_view_options(parser: argparse.ArgumentParser) -> None:
    """A command showing one quarter's table: ``--quarter`` (required), ``--format``, ``--out``, ``--data-dir``."""
    add_quarter(parser)
    add_format(parser)
    add_out(parser)
    add_data_dir(parser)


def add_rules(parser: argparse.ArgumentParser, after_command: bool = False) -> None:
    """``--rules``, before the command or after it; after it, SUPPRESS keeps a value given before it."""
    default = argparse.SUPPRESS if after_command else None
    parser.add_argument("--rules", metavar="PATH", default=default, help=RULES_HELP)


def add_verbose(parser: argparse.ArgumentParser, after_command: bool = False) -> None:
    """``-v``/``--verbose`` (``args.verbose``), before the command or after it, as ``--rules``."""
    default = argparse.SUPPRESS if after_command else False
    parser.add_argument("-v", "--verbose", action="store_true", default=default, help=VERBOSE_HELP)


def add_wide(parser: argparse.ArgumentParser, after_command: bool = False) -> None:
    """``--wide`` (``args.wide``), before the command or after it, as ``--rules``."""
    default = argparse.SUPPRESS if after_command else False
    parser.add_argument("--wide", action="store_true", default=default, help=WIDE_HELP)


def terminal_table_width(wide: bool) -> int | None:
    """The width tables are laid out to: ``None`` with ``--wide``, else the terminal's, else (piped) 100."""
    if wide:
        return None
    if sys.stdout.isatty():
        import shutil

        return max(shutil.get_terminal_size().columns, 40)
    return TABLE_WIDTH


def rules_path(path: str | None) -> str:
    """The run's rules file as an absolute path: ``--rules``, else ``$JJ123_RULES``, else the packaged rules.

    Resolved once per command; commands hand it on (to batch workers and kernels as a parameter), so kernels
    in other folders read the same file and no environment variable carries it inside the process.
    """
    from jj123lib.domain.rules import RULES_ENV, default_rules_path, load_rules

    if path is not None or os.environ.get(RULES_ENV):
        load_rules(default_rules_path() if path is None else path)  # a missing, malformed or empty path fails here
    return os.path.abspath(path or default_rules_path())


def units_path_in_force() -> str:
    """The run's units file (``$JJ123_UNITS``, else the packaged one) as an absolute path, handed on like the rules."""
    from jj123lib.domain.units import units_path

    return str(units_path())


CLERK_ENV = "JJ123_USER"


def clerk_name() -> str:
    """Who runs the command, for the record when no ``--by`` is given: ``$JJ123_USER``, else the login name."""
    import getpass

    name = os.environ.get(CLERK_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without passwd entry)
        return "未署名"


def yes_no(value: Any) -> Any:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return value


def view(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The columns of ``mapping``, renamed to its Chinese headers, with 是/否 for booleans."""
    import pandas as pd

    out = frame.loc[:, list(mapping)].copy()
    for column in out.columns:
        if out[column].dtype == bool or out[column].dtype == object:
            # Element by element, kept as objects: a day count beside empty cells stays 2, never 2.0.
            out[column] = pd.Series([yes_no(value) for value in out[column]], index=out.index, dtype=object)
    return out.rename(columns=mapping)


def announce_demo(data_dir: Path) -> None:
    if is_demo(data_dir):
        sys.stderr.write(f"【示例数据】数据目录 {data_dir} 由 jj123 demo-data 生成，内容为演示数据，"
                         "不代表任何单位的真实工作进展。\n")


def ledger_as_of(data_dir: Path, as_of: str | None) -> Ledger:
    """The folder's ledger as of ``--as-of`` (a date: its end; a date and time: that minute), default now."""
    from jj123lib.core.clock import read_moment
    from jj123lib.ledger.store import Ledger

    ledger = Ledger(data_dir)
    return ledger if as_of is None else ledger.at(read_moment(as_of, now=ledger.moment()))


def existing_data_dir(data_dir: str | None) -> tuple[Path, bool]:
    """A data folder that must already exist (reading commands); says so when it holds demo data."""
    path = readable_data_dir(data_dir)
    announce_demo(path)
    return path, is_demo(path)


DEMO_COLUMN = "数据性质"
DEMO_VALUE = "示例数据（演示用，非真实进展）"


def emit(frame: pd.DataFrame, fmt: str, out: str | None, footer: str = "", demo: bool = False, *,
         sheet: str, light_columns: tuple[str, ...] = (), side_sheets: Sequence[Sheet] = ()) -> None:
    """Print ``frame`` in ``fmt``, or write it to ``out``; the table format adds ``footer``.

    ``sheet`` names the xlsx sheet for what it holds; ``side_sheets`` follow it (an xlsx only: the columns
    moved off the printed sheet, as the ledger's source files and hashes)."""
    if demo and fmt != "table":  # an export from demo data can never pass for a real ledger
        frame = frame.copy()
        frame.insert(0, DEMO_COLUMN, DEMO_VALUE)
    if fmt == "xlsx":
        from jj123lib.render.xlsx_export import Sheet, sheets_to_xlsx

        if not out:
            raise ParameterError("--out", "", hint="xlsx 格式须用 --out 指定输出文件")
        atomic_write(out, sheets_to_xlsx([Sheet(sheet, frame, light_columns), *side_sheets], demo=demo))
        sys.stdout.write(f"已写入 {out}（{len(frame)} 行）\n")
        return
    text = render_frame(frame, fmt)
    if fmt == "table" and footer:
        text += "\n" + footer + "\n"
    if out:
        atomic_write(out, text.encode("utf-8-sig") if fmt == "csv" else text)
        sys.stdout.write(f"已写入 {out}（{len(frame)} 行）\n")
    else:
        sys.stdout.write(text)
