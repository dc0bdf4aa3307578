"""The one text rule (jj123lib.core.text): what it refuses, how it says so, and that what it accepts can be carried."""

from __future__ import annotations

import io
import os
import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from jj123lib.core.text import EXCERPT_CHARS, TextRefused, check_text, check_tree, excerpt, file_name, text_problem


@pytest.mark.parametrize(("text", "fragment"), [
    ("a\x00b", "控制字符 U+0000"),
    ("响铃\x07", "控制字符 U+0007"),
    ("\x1b[31m红", "控制字符 U+001B"),
    ("回车\r", "控制字符 U+000D"),
    ("C1\x85", "控制字符 U+0085"),
    ("非字符\ufffe", "非字符 U+FFFE"),
    ("\uffff", "非字符 U+FFFF"),
    ("\ufdd0", "非字符 U+FDD0"),
    ("\U0010ffff", "非字符 U+10FFFF"),
    ("孤立\ud800", "孤立的代理字符 U+D800"),
    (os.fsdecode(b"\xff.xlsx"), "不是有效的 UTF-8 文本（含无法识别的字节 0xFF）"),
])
def test_refused_characters_are_named(text: str, fragment: str) -> None:
    assert fragment in str(text_problem(text))
    with pytest.raises(TextRefused) as refused:
        check_text(text, "参数 --by ")
    assert str(refused.value).startswith("参数 --by ") and fragment in str(refused.value)


@pytest.mark.parametrize("text", ["第一行\n\t第二行", "表情😀与全角\u3000空格", "\u202e反向\u200b零宽", "",
                                  "=cmd|' /C calc'!A0"])
def test_ordinary_text_passes_unchanged(text: str) -> None:
    assert check_text(text, "x") is text and text_problem(text) is None


def test_cells_leave_control_characters_to_the_cleaner() -> None:
    assert text_problem("完成\x07", controls=False) is None
    assert text_problem("完成\ufffe", controls=False) is not None


def test_messages_quote_a_short_excerpt_around_the_fault() -> None:
    huge = "长" * 100_000 + "\x1b" + "尾" * 100_000
    with pytest.raises(TextRefused) as refused:
        check_text(huge, "意见文件 ")
    message = str(refused.value)
    assert len(message) < 150 and "[U+001B]" in message and "…" in message
    assert excerpt("x" * 500) == "x" * (EXCERPT_CHARS - 1) + "…"


def test_yaml_trees_name_the_key() -> None:
    with pytest.raises(TextRefused, match=re.escape("键“陈丽蓉.任务.N04”的值含控制字符 U+0007")):
        check_tree({"陈丽蓉": {"总体": "好", "任务": {"N04": "建议\x07"}}}, "意见文件 2026Q3.yaml ")
    with pytest.raises(TextRefused, match="键名含 Unicode 非字符"):
        check_tree({"a": [{"b\ufffe": 1}]}, "规则文件 ")
    check_tree({"a": [1, 2.5, None, True, {"b": "好"}]}, "规则文件 ")


def test_a_gbk_file_name_is_read_as_gbk_and_garbage_is_refused() -> None:
    gbk = os.fsdecode("2026Q3_住建局_进度填报.xlsx".encode("gbk"))
    assert text_problem(gbk) is not None  # what the OS hands over
    assert file_name(f"/tmp/回收/{gbk}") == "2026Q3_住建局_进度填报.xlsx"
    assert file_name("/tmp/2026Q3_住建局_进度填报.xlsx") == "2026Q3_住建局_进度填报.xlsx"
    with pytest.raises(TextRefused, match="文件名不是有效的 UTF-8 文本"):
        file_name(os.fsdecode(b"\xff\xfe\x80.xlsx"))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_accepted_text_is_carried_by_sqlite_and_openpyxl(text: str) -> None:
    """The rule's promise: whatever it accepts, the ledger and an xlsx export hold unchanged."""
    try:
        check_text(text, "单元格 ")
    except TextRefused as refused:
        assert len(str(refused)) < 200 and str(refused).startswith("单元格 ")
        return
    assert _carry(text) == text


@pytest.mark.parametrize("text", ["a\ufffe", "b\uffff", "c\x00", "d\x1b", "e\ud800"])
def test_what_is_refused_really_breaks_the_ledger_or_a_workbook(text: str) -> None:
    with pytest.raises((UnicodeEncodeError, ValueError, IllegalCharacterError)):
        _carry(text)


def _carry(text: str) -> str:
    """``text`` through SQLite (UTF-8) and an openpyxl workbook, as read back; raises when either refuses it."""
    text.encode("utf-8")
    conn = sqlite3.connect(":memory:")
    stored = conn.execute("SELECT ?", (text,)).fetchone()[0]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = stored
    buffer = io.BytesIO()
    wb.save(buffer)
    back = load_workbook(buffer).active
    assert back is not None
    value = back["A1"].value
    if text and value != text:
        raise ValueError("openpyxl changed the text")
    return text
