"""argparse in Chinese: every message argparse writes (usage, help headings, errors), for the office;
and the one text rule for every command-line argument (:meth:`ChineseArgumentParser.parse_known_args`).

argparse passes each of its messages through the module-level ``gettext`` functions ``_`` and ``ngettext``,
read at call time. :class:`ChineseArgumentParser` points them at the tables below while it builds, formats
or parses, and puts them back afterwards, so other users of argparse in the same process are untouched.
Its subparsers are of the same class (argparse makes them with ``type(parent)``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from jj123lib.core.text import TextRefused, check_text, text_problem

__all__ = ["ARGPARSE_ZH", "ARGPARSE_ZH_PLURAL", "ChineseArgumentParser", "chinese_messages", "integer"]

# Every string Python 3.11's argparse passes to ``_``; tests/cli check that none is missing.
ARGPARSE_ZH: dict[str, str] = {
    # usage and help
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示帮助并退出",
    # errors the user can make
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "须给出以下参数之一：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的%(type)s值：%(value)r",
    "expected one argument": "该参数需要一个取值",
    "expected at most one argument": "该参数最多需要一个取值",
    "expected at least one argument": "该参数至少需要一个取值",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的参数 %(option)s，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "该参数不带取值，%r 无效",
    "unexpected option string: %s": "意外的参数：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    'argument "-" with mode %r': "参数“-”不能以 %r 模式打开",
    # mistakes in building a parser (a developer's, never the user's)
    ".__call__() not defined": ".__call__() 未定义",
    "'required' is an invalid argument for positionals": "位置参数不能指定 'required'",
    "mutually exclusive arguments must be optional": "互斥的参数必须是可选参数",
    "%r is not callable": "%r 不可调用",
    "cannot merge actions - two groups are named %r": "无法合并参数：两个参数组都名为 %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r":
        "无效的参数名 %(option)r：须以字符 %(prefix_chars)r 开头",
    "dest= is required for options like %r": "%r 这样的参数须指定 dest=",
    "invalid conflict_resolution value: %r": "无效的 conflict_resolution 取值：%r",
    "cannot have multiple subparser arguments": "只能有一组子命令",
    "conflicting subparser: %s": "子命令重名：%s",
    "conflicting subparser alias: %s": "子命令别名重名：%s",
}
# The strings argparse passes to ``ngettext``, by their singular; Chinese has one form for both.
ARGPARSE_ZH_PLURAL: dict[str, str] = {
    "expected %s argument": "该参数需要 %s 个取值",
    "conflicting option string: %s": "参数名冲突：%s",
}


def integer(text: str) -> int:
    """``type=`` for a whole number: argparse names the converter in its error, so this one is named 整数."""
    return int(text)


integer.__name__ = "整数"


def _translate(original: Callable[[str], str]) -> Callable[[str], str]:
    return lambda text: ARGPARSE_ZH.get(text, original(text)) if text else original(text)


def _translate_plural(original: Callable[[str, str, int], str]) -> Callable[[str, str, int], str]:
    return lambda singular, plural, n: ARGPARSE_ZH_PLURAL.get(singular) or original(singular, plural, n)


@contextlib.contextmanager
def chinese_messages() -> Iterator[None]:
    """argparse's messages in Chinese while the block runs (nests: each level restores what it found)."""
    module: Any = argparse  # ``_`` and ``ngettext`` are argparse's imports from gettext, not declared API
    gettext, ngettext = module._, module.ngettext
    module._, module.ngettext = _translate(gettext), _translate_plural(ngettext)
    try:
        yield
    finally:
        module._, module.ngettext = gettext, ngettext


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage, help and error messages are in Chinese.

    argparse computes the help headings and ``-h``'s help when a parser is made, ``usage:`` when it is
    formatted, and the errors while parsing: each of those runs in :func:`chinese_messages`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with chinese_messages():
            super().__init__(*args, **kwargs)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self._check_text(sys.argv[1:] if args is None else args)
        with chinese_messages():
            return super().parse_known_args(args, namespace)

    def _check_text(self, args: Sequence[str]) -> None:
        """Every argument keeps the one text rule (:mod:`jj123lib.core.text`) before anything is parsed.

        A path that exists is left to the command, which judges the name of each file it stores
        (:func:`~jj123lib.core.text.file_name`: a GBK name, as unzipping a Chinese-Windows archive gives,
        is read as GBK), so one badly named file among many is that file's refusal; any other text that
        breaks the rule is refused here.
        """
        for index, value in enumerate(args):
            if text_problem(value) is None or os.path.lexists(value):
                continue
            option = args[index - 1] if index and args[index - 1].startswith("-") else ""
            try:
                check_text(value, f"参数 {option} 的值" if option else "参数")
            except TextRefused as refused:
                self.error(str(refused))

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        with chinese_messages():  # "unrecognized arguments" is raised here, after parse_known_args
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with chinese_messages():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese_messages():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with chinese_messages():
            super().error(message)
