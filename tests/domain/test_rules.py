"""Which rules file is in force: the packaged default, ``$JJ123_RULES`` or ``jj123 --rules``."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from jj123lib.cli.main import main
from jj123lib.core import resources
from jj123lib.core.exceptions import RulesError
from jj123lib.domain.rules import RULES_ENV, default_rules_path, load_rules, rules_source
from jj123lib.ledger.fingerprint import data_fingerprint

DEFAULT_TEXT = resources.DEFAULT_RULES.read_text(encoding="utf-8")


@pytest.fixture
def office_rules(tmp_path: Path) -> Path:
    """A copy of the default rules with the national quota raised from 1 to 5 (every leader then fails)."""
    text = DEFAULT_TEXT.replace("national: 1 ", "national: 5 ")
    assert text != DEFAULT_TEXT
    path = tmp_path / "office.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_is_the_packaged_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RULES_ENV, raising=False)
    assert default_rules_path() == resources.DEFAULT_RULES
    path, sha = rules_source()
    assert path == resources.DEFAULT_RULES and path.is_absolute()
    assert sha == hashlib.sha256(resources.DEFAULT_RULES.read_bytes()).hexdigest()[:12]


def test_environment_variable_names_another_file(monkeypatch: pytest.MonkeyPatch, office_rules: Path) -> None:
    monkeypatch.setenv(RULES_ENV, str(office_rules))
    assert rules_source() == (office_rules, hashlib.sha256(office_rules.read_bytes()).hexdigest()[:12])
    assert load_rules()["quota"]["minimum_per_leader"]["national"] == 5


def test_relative_path_is_made_absolute(monkeypatch: pytest.MonkeyPatch, office_rules: Path) -> None:
    monkeypatch.chdir(office_rules.parent)
    assert rules_source(office_rules.name)[0] == office_rules


@pytest.mark.parametrize(("make", "problem"), [
    (lambda d: d / "missing.yaml", "文件不存在"),
    (lambda d: d, "这是一个文件夹"),
])
def test_unusable_file_names_the_path(tmp_path: Path, make: Callable[[Path], Path], problem: str) -> None:
    path = make(tmp_path)
    with pytest.raises(RulesError, match=problem) as caught:
        rules_source(path)
    assert caught.value.path == str(path)
    with pytest.raises(RulesError, match=problem):
        load_rules(path)


@pytest.mark.parametrize("position", ["before", "after"])
def test_cli_option_before_or_after_the_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                                office_rules: Path,
                                                position: str) -> None:
    monkeypatch.delenv(RULES_ENV, raising=False)
    assert main(["check"]) == 0
    capsys.readouterr()
    argv = ["--rules", str(office_rules), "check"] if position == "before" else ["check", "--rules", str(office_rules)]
    assert main(argv) == 1  # the office's stricter quota fails every leader
    assert "全国领先示范" in capsys.readouterr().out
    assert RULES_ENV not in os.environ  # restored for the rest of this process


def test_cli_honours_the_environment_variable(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                              office_rules: Path) -> None:
    monkeypatch.setenv(RULES_ENV, str(office_rules))
    assert main(["check"]) == 1
    assert os.environ[RULES_ENV] == str(office_rules)


def test_cli_bad_rules_file_is_a_chinese_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("ratings: [unclosed\n", encoding="utf-8")
    assert main(["--rules", str(bad), "tasks"]) == 2
    err = capsys.readouterr().err
    assert f"规则文件无效：{bad}：不是有效的 YAML" in err and "Traceback" not in err


def test_data_fingerprint_follows_the_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            office_rules: Path) -> None:
    data = tmp_path / "data"
    monkeypatch.delenv(RULES_ENV, raising=False)
    packaged = data_fingerprint(data)
    copy = tmp_path / "copy.yaml"
    copy.write_text(DEFAULT_TEXT, encoding="utf-8")
    monkeypatch.setenv(RULES_ENV, str(copy))
    same_content = data_fingerprint(data)
    assert same_content != packaged  # the header names the file, so its path counts
    copy.write_text(DEFAULT_TEXT.replace("red: 20", "red: 0"), encoding="utf-8")
    assert data_fingerprint(data) not in (packaged, same_content)
    copy.write_text(DEFAULT_TEXT, encoding="utf-8")
    assert data_fingerprint(data) == same_content
