"""argparse speaks Chinese: every mistake on the command line, run through ``main()``, and the help."""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jj123lib.cli.argparse_zh import ARGPARSE_ZH, ARGPARSE_ZH_PLURAL
from jj123lib.cli.main import main

# The words of argparse's English messages; option names and metavars (--data-dir DATA_DIR) are not messages.
ENGLISH = re.compile(r"\b(usage|error|arguments?|required|invalid|choices?|choose|expected|unrecognized|allowed|"
                     r"ambiguous|could match|options|positional|show this help|exit|value)\b", re.IGNORECASE)


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "用法：jj123" in err and "：错误：" in err, err
    assert not ENGLISH.search(err), err
    return err


@pytest.mark.parametrize(("argv", "message"), [
    (["batch"], "须给出以下参数之一：--quarter --year"),
    (["batch", "--quarter", "2026Q3", "--year", "2026"], "参数 --year：不能与参数 --quarter 同时使用"),
    (["batch", "--quarter", "2026Q3", "--jobs", "两个"], "参数 --jobs：无效的整数值：'两个'"),
    (["ledger"], "缺少必需的参数：--quarter"),
    ([], "缺少必需的参数：命令"),
    (["tasks", "--bogus", "x"], "无法识别的参数：--bogus x"),
    (["tasks", "--format", "xml"], "参数 --format：无效的取值 'xml'（可选：'table', 'csv', 'json'）"),
    (["tasks", "--format"], "参数 --format：该参数需要一个取值"),
    (["verify", "N07", "--quarter", "2026Q3", "--evidence"], "参数 --evidence：该参数至少需要一个取值"),
    (["cuibao", "--quarter", "2026Q3", "--all=yes"], "参数 --all：该参数不带取值，'yes' 无效"),
    (["cuibao", "--quarter", "2026Q3", "--a", "x"], "有歧义的参数 --a，可能是 --as-of, --all"),
    (["nosuchcommand"], "参数 命令：无效的取值 'nosuchcommand'"),
])
def test_argument_errors_are_in_chinese(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert message in _refused(capsys, *argv)


@pytest.mark.parametrize("argv", [["--help"], ["notice", "-h"], ["batch", "--help"]])
def test_help_is_in_chinese(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：jj123") and "选项:" in out and "显示帮助并退出" in out
    if argv[0] != "batch":
        assert "位置参数:" in out
    assert not re.search(r"\b(usage|positional arguments|options|show this help|show program's)\b", out), out


def test_every_message_of_argparse_has_a_translation() -> None:
    """A newer Python that adds a message to argparse fails here, not in front of the office."""
    singular: set[str] = set()
    plural: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            first = node.args[0]
            if node.func.id == "_" and isinstance(first, ast.Constant):
                singular.add(str(first.value))
            elif node.func.id == "_" and isinstance(first, ast.Call) and len(first.args) == 2:  # kwargs.pop(k, d)
                default = first.args[1]
                if isinstance(default, ast.Constant) and default.value is not None:
                    singular.add(str(default.value))
            elif node.func.id == "ngettext" and isinstance(first, ast.Constant):
                plural.add(str(first.value))
    assert singular and plural
    assert sorted(singular - set(ARGPARSE_ZH)) == []
    assert sorted(plural - set(ARGPARSE_ZH_PLURAL)) == []


def test_other_parsers_in_the_process_stay_english(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["tasks", "--bogus"])
    capsys.readouterr()
    other = argparse.ArgumentParser(prog="other")
    with pytest.raises(SystemExit):
        other.parse_args(["--bogus"])
    assert "usage: other" in capsys.readouterr().err


def test_verbose_is_accepted_before_and_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    from jj123lib.cli.main import build_parser

    parser = build_parser()
    assert parser.parse_args(["check"]).verbose is False
    assert parser.parse_args(["-v", "check"]).verbose is True
    assert parser.parse_args(["check", "--verbose"]).verbose is True
    assert main(["-v", "check"]) == 0


def test_ingest_without_files_says_what_to_give_and_creates_nothing(capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path) -> None:
    assert main(["ingest", "--data-dir", str(tmp_path / "d")]) == 2
    assert "请给出要导入的表格文件，或用 --revert 撤回" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


NOT_UTF8 = os.fsdecode(b"\xb9\xfe\xff")  # what Python hands over for bytes that are not UTF-8


@pytest.mark.parametrize(("argv", "option", "fragment"), [
    (["verify", "N04", "--quarter", "2026Q3", "--by", NOT_UTF8], "--by", "不是有效的 UTF-8 文本"),
    (["override", "P06", "--quarter", "2026Q3", "--light", "yellow", "--reason", "经核实\x1b[31m"], "--reason",
     "控制字符 U+001B"),
    (["coordination", "close", "X-1", "--status", "已解决", "--ref", "纪要\ufffe"], "--ref", "非字符 U+FFFE"),
    (["duban", "respond", "DB-2026Q3-001", "--text", "已整改\x00"], "--text", "控制字符 U+0000"),
    (["duban", "issue", "--quarter", NOT_UTF8], "--quarter", "不是有效的 UTF-8 文本"),
    (["bulletin", "--quarter", "2026Q3", "--doc-number", "晋督〔2026〕\x07号"], "--doc-number", "控制字符 U+0007"),
    (["ingest", NOT_UTF8 + ".xlsx"], "", "不是有效的 UTF-8 文本"),
])
def test_text_that_breaks_the_text_rule_is_refused_before_anything_runs(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], option: str, fragment: str) -> None:
    data = tmp_path / "data"
    err = _refused(capsys, *argv, "--data-dir", str(data))
    assert (f"：错误：参数 {option} 的值" if option else "：错误：参数") in err, err
    assert fragment in err and "[U+" in err
    assert not data.exists()


def test_invalid_utf8_bytes_from_a_real_shell_are_refused_in_chinese(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, "-m", "jj123lib.cli.main", "override", "P06", "--quarter", "2026Q3",
                          "--light", "yellow", "--reason", b"\xd6\xd0\xce\xc4\xff", "--data-dir", str(tmp_path / "d")],
                         capture_output=True, env=env, check=False)
    err = run.stderr.decode("utf-8")
    assert run.returncode == 2 and "参数 --reason 的值不是有效的 UTF-8 文本" in err and "Traceback" not in err
    assert not (tmp_path / "d").exists()
