"""The one text rule on the office's YAML files (rules, units, opinions): named by file and line or key, in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from jj123lib.cli.main import main
from jj123lib.core.exceptions import RulesError
from jj123lib.core.resources import DEFAULT_RULES
from jj123lib.domain.rules import load_rules
from jj123lib.domain.units import UnitsFileError, default_units_path, load_units
from jj123lib.loop.opinions import OpinionsError, load_opinions, opinions_path

RAW = [  # (bytes added to a file, what the message says)
    (b"\x07", "第 {line} 行含控制字符 U+0007"),
    (b"\xef\xbf\xbe", "第 {line} 行含 Unicode 非字符 U+FFFE"),
    (b"\xb9\xfe", "第 {line} 行不是有效的 UTF-8 文本（含无法识别的字节 0xB9）"),
]
ESCAPED = [  # YAML escapes pass the parser: the parsed value is checked, named by its key
    ('"\\x1b[31m"', "的值含控制字符 U+001B"),
    ('"\\uFFFF"', "的值含 Unicode 非字符 U+FFFF"),
    ('"\\uD800"', "的值含孤立的代理字符 U+D800"),
]


def _rules_with(tmp_path: Path, extra: bytes) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_bytes(DEFAULT_RULES.read_bytes().replace(b"\r\n", b"\n") + b"# \xe6\xb3\xa8" + extra + b"\n")
    return path


@pytest.mark.parametrize(("extra", "words"), RAW)
def test_rules_file_text_is_refused_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: bytes,
                                            words: str) -> None:
    path = _rules_with(tmp_path, extra)
    line = path.read_bytes().count(b"\n")
    assert main(["--rules", str(path), "tasks"]) == 2
    err = capsys.readouterr().err
    assert f"规则文件无效：{path}：文件" + words.format(line=line) in err and "Traceback" not in err
    assert "unacceptable" not in err and "codec" not in err  # no PyYAML or Python English


@pytest.mark.parametrize(("escaped", "words"), ESCAPED[:2])  # libyaml refuses "\uD800" itself
def test_rules_values_are_checked_after_parsing(tmp_path: Path, escaped: str, words: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(DEFAULT_RULES.read_text(encoding="utf-8") + f"\nnote: {escaped}\n", encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert "键“note”" + words in str(info.value)


def test_units_file_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_bytes(default_units_path().read_bytes() + b"# \xff\n")
    with pytest.raises(UnitsFileError, match="单位分组文件无效.*不是有效的 UTF-8 文本"):
        load_units(path)


@pytest.mark.parametrize(("escaped", "words"), ESCAPED)
def test_opinions_are_checked_naming_the_key(tmp_path: Path, escaped: str, words: str) -> None:
    path = opinions_path(tmp_path, "2026Q3")
    path.parent.mkdir(parents=True)
    path.write_text(f"陈丽蓉:\n  总体: {escaped}\n", encoding="utf-8")
    with pytest.raises(OpinionsError) as info:
        load_opinions(tmp_path, "2026Q3")
    assert str(info.value).startswith(f"督查室意见文件无效：{path}：键“陈丽蓉.总体”" + words)


def test_opinions_raw_bytes_are_refused_by_line(tmp_path: Path) -> None:
    path = opinions_path(tmp_path, "2026Q3")
    path.parent.mkdir(parents=True)
    path.write_bytes("陈丽蓉:\n  总体: 建议".encode() + b"\x00\n")
    with pytest.raises(OpinionsError, match="第 2 行含控制字符 U\\+0000"):
        load_opinions(tmp_path, "2026Q3")
