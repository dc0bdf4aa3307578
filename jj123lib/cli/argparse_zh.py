"""argparse in Chinese: its messages (usage, help headings, errors), for the office."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

__all__ = ["chinese_messages"]

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
def chinese_messages() -> Iterator[None]:
    """Translate argparse's messages while our parser is built and used (argparse reads ``_`` at call time)."""
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, original(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]
