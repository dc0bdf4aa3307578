"""One text rule: what text may enter jj123, wherever it comes from.

Command-line arguments, file names, form cells, YAML values and evidence names all pass the same
gate. It accepts what SQLite, openpyxl (XML 1.0), python-docx and HTML can all carry, and refuses,
in Chinese and naming where the text came from:

* bytes that are not UTF-8 (Python hands them over as surrogate escapes, U+DC80–U+DCFF);
* lone surrogates (U+D800–U+DFFF), which no encoding can store;
* noncharacters (U+FDD0–U+FDEF and U+FFFE/U+FFFF of every plane): XML refuses them and openpyxl
  writes files Excel cannot open;
* control characters (C0, DEL, C1) other than tab and line feed.

Messages quote at most :data:`EXCERPT_CHARS` characters of a value, with the refused characters
spelt ``U+XXXX``, so a huge or invisible value never floods or garbles a message. Form cells remove
control characters with a note before this gate (:func:`jj123lib.core.cells.clean_text`), so they
call :func:`text_problem` with ``controls=False``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jj123lib.core.exceptions import Jj123Error

__all__ = ["EXCERPT_CHARS", "TextRefused", "check_text", "check_tree", "decode_document", "excerpt", "file_name",
           "shown_path", "text_problem"]

EXCERPT_CHARS = 30  # characters of a value a message quotes
_PLANE_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                               for plane in range(17))
_SURROGATE = "\ud800-\udfff"
_NONCHARACTER = "\ufdd0-\ufdef" + _PLANE_NONCHARACTERS
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_REFUSED = re.compile(f"[{_SURROGATE}{_NONCHARACTER}{_CONTROL}]")
_REFUSED_BUT_CONTROLS = re.compile(f"[{_SURROGATE}{_NONCHARACTER}]")
_CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


class TextRefused(Jj123Error):
    """A text that breaks the one text rule: ``where`` it came from, the ``rule`` and a short ``shown`` excerpt."""

    def __init__(self, where: str, rule: str, shown: str) -> None:
        self.where = where
        self.rule = rule
        self.shown = shown
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.where}{self.rule}（“{self.shown}”）；请改正后重试"


def _spelt(char: str) -> str:
    return f"U+{ord(char):04X}"


def _rule(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # how Python hands over a byte that is not UTF-8
        return f"不是有效的 UTF-8 文本（含无法识别的字节 0x{code - 0xDC00:02X}）"
    if 0xD800 <= code <= 0xDFFF:
        return f"含孤立的代理字符 {_spelt(char)}，无法保存或显示"
    if _REFUSED_BUT_CONTROLS.match(char):
        return f"含 Unicode 非字符 {_spelt(char)}，不能用于文本，无法写入表格或报告"
    return f"含控制字符 {_spelt(char)}（只允许制表符和换行），无法写入表格或报告"


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``value`` for a message, each refused character spelt ``U+XXXX``."""
    text = str(value)
    short = text if len(text) <= limit else text[:limit - 1] + "…"
    return _REFUSED.sub(lambda m: f"[{_spelt(m.group())}]", short)


def text_problem(text: str, *, controls: bool = True) -> str | None:
    """The Chinese rule ``text`` breaks, or ``None`` (``controls=False``: control characters are the caller's)."""
    match = (_REFUSED if controls else _REFUSED_BUT_CONTROLS).search(text)
    return None if match is None else _rule(match.group())


def check_text(text: str, where: str, *, controls: bool = True) -> str:
    """``text`` unchanged when it keeps the rule; else :class:`TextRefused` naming ``where`` (e.g. "参数 --by ")."""
    match = (_REFUSED if controls else _REFUSED_BUT_CONTROLS).search(text)
    if match is None:
        return text
    start = max(0, match.start() - EXCERPT_CHARS // 2)
    shown = ("…" if start else "") + excerpt(text[start:])
    raise TextRefused(where, _rule(match.group()), shown)


def decode_document(data: bytes, where: str) -> str:
    """A text file's content (UTF-8, a BOM dropped) that keeps the rule; else :class:`TextRefused` naming the line.

    Line ends CR LF and CR are kept for the parser; the YAML and CSV parsers' own English errors about
    such characters never reach the user.
    """
    text = data.decode("utf-8-sig", "surrogateescape")  # a byte that is not UTF-8 becomes U+DCxx, refused below
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    if _REFUSED.search(lines) is not None:
        for number, line in enumerate(lines.split("\n"), start=1):
            check_text(line, f"{where}第 {number} 行")
    return text


def check_tree(data: Any, where: str, *, path: str = "") -> None:
    """Every key and text of parsed YAML or JSON (mappings, lists, scalars) keeps the rule.

    The message names ``where`` (the file) and the key, as ``tasks.N04``, of the first text that does not.
    """
    inside = f"{where}中" if where else ""
    if isinstance(data, str):
        check_text(data, f"{inside}键“{path}”的值" if path else where)
    elif isinstance(data, Mapping):
        for key, value in data.items():
            label = str(key) if isinstance(key, str) else repr(key)
            if isinstance(key, str):
                check_text(key, inside + (f"“{path}”下的" if path else "") + "键名")
            check_tree(value, where, path=f"{path}.{label}" if path else label)
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data, start=1):
            check_tree(value, where, path=f"{path}[{index}]")


def file_name(path: str | os.PathLike[str]) -> str:
    """The name of ``path`` as jj123 stores and shows it.

    A name that is not UTF-8 (unzipping a Chinese-Windows archive gives GBK names) is read as GBK when
    its bytes are GBK Chinese; any other name that breaks the rule is refused, naming the file.
    """
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    if text_problem(name) is None:
        return name
    raw = os.fsencode(name)
    try:
        decoded = raw.decode("gbk")
    except UnicodeDecodeError:
        decoded = ""
    if decoded and _CJK.search(decoded) and text_problem(decoded) is None:
        return decoded
    return check_text(name, "文件名")


def shown_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with its name as stored and shown (:func:`file_name`): open the original, show this one."""
    source = Path(path)
    name = file_name(source)
    return source if name == source.name else source.with_name(name)
