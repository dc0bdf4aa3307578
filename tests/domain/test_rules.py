"""Which rules file is in force: the packaged default, ``$JJ123_RULES`` or ``jj123 --rules``."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from jj123lib.cli.main import main
from jj123lib.core import resources
from jj123lib.core.exceptions import Jj123Error, RulesError
from jj123lib.domain.rules import RULES_ENV, default_rules_path, load_rules, rules_source
from jj123lib.ledger.fingerprint import data_fingerprint

if TYPE_CHECKING:
    from jj123lib.demo.generate import DemoSummary

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
    (lambda d: d, "是文件夹，不是文件"),
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


# One bad value in each section of the packaged file: (text there, its replacement, the key, the value shown).
BAD_VALUES = [
    ("national: 1 ", "national: -1 ", "quota.minimum_per_leader.national", "-1"),
    ("green_max_behind: 10 ", "green_max_behind: 十 ", "ratings.green_max_behind", "十"),
    ("    red: 20\n", "    red: 二十\n", "scoring.light_points.red", "二十"),
    ("report_day_of_next_month: 10", "report_day_of_next_month: 31", "deadlines.report_day_of_next_month", "31"),
    ("due_days: 15 ", "due_days: 0 ", "duban.due_days", "0"),
    ("claimed_counts_as: green", "claimed_counts_as: blue", "verification.claimed_counts_as", "blue"),
    ("same_item_min_ratio: 0.6", "same_item_min_ratio: 2", "coordination.same_item_min_ratio", "2"),
    ("jump_points: 40 ", "jump_points: -5 ", "flags.jump_points", "-5"),
    ("co_weight: 0.5", "co_weight: -1", "unit_scoring.co_weight", "-1"),
    ("reports:\n  show_leader_scores: false", "reports:\n  show_leader_scores: 是", "reports.show_leader_scores", "是"),
    ("cuibao_days: 5 ", "cuibao_days: 0 ", "documents.cuibao_days", "0"),
    ("require_for_tiers: [全国领先示范, 全省领先示范]", "require_for_tiers: [全市领先]", "benchmarks.require_for_tiers",
     "全市领先"),
    ("rank_drop_min: 1 ", "rank_drop_min: 0 ", "benchmark_signals.rank_drop_min", "0"),
    ("    min_progress: 80\n", "    min_progress: 八十\n", "annual_review.basic.min_progress", "八十"),
]


def _office_file(tmp_path: Path, old: str, new: str) -> Path:
    assert DEFAULT_TEXT.count(old) == 1, old
    path = tmp_path / "office.yaml"
    path.write_text(DEFAULT_TEXT.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "key", "value"), BAD_VALUES, ids=[key for _, _, key, _ in BAD_VALUES])
def test_a_bad_value_in_any_section_fails_at_load(tmp_path: Path, old: str, new: str, key: str, value: str) -> None:
    path = _office_file(tmp_path, old, new)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert caught.value.path == str(path) and message.startswith(f"规则文件无效：{path}：")
    assert key in message and f"“{value}”" in message


def test_a_bad_annual_review_fails_on_the_first_command(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    path = _office_file(tmp_path, "    min_progress: 80\n", "    min_progress: 八十\n")
    assert main(["--rules", str(path), "tasks"]) == 2  # a command that does not even rate
    assert "annual_review.basic.min_progress" in capsys.readouterr().err
    monkeypatch.setenv(RULES_ENV, str(path))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "annual_review.basic.min_progress" in err and "八十" in err


def test_the_loaded_rules_are_typed_and_name_their_file() -> None:
    rules = load_rules(resources.DEFAULT_RULES)
    assert (rules.path, rules.sha) == rules_source(resources.DEFAULT_RULES)
    assert rules.quota == {"national": 1, "provincial": 2, "breakthrough": 3}
    assert rules.ratings is not None and rules.ratings["yellow_max_behind"] == 30.0
    assert rules.loop["duban"]["due_days"] == 15 and rules.benchmark_tiers == {"national", "provincial"}
    assert rules.annual_review is not None and rules.annual_review["basic_min_progress"] == 80.0
    assert rules.show_leader_scores is False and rules.documents("2026Q3").cuibao_days == 5
    edited = rules.to_dict()
    edited["quota"]["minimum_per_leader"]["national"] = 9
    assert rules["quota"]["minimum_per_leader"]["national"] == 1  # a copy to edit, the rules unchanged


def test_cli_hands_the_path_to_the_batch_kernels(monkeypatch: pytest.MonkeyPatch, demo_data: DemoSummary,
                                                 tmp_path: Path,
                                                 office_rules: Path) -> None:
    import jj123lib.batch.jobs as batch_jobs
    import jj123lib.batch.run as batch_run

    planned: list[dict[str, str]] = []
    plan_jobs = batch_jobs.plan_jobs

    # The jobs as the workers would get them, then no kernel at all.
    def plan_and_stop(*args: Any, **kwargs: Any) -> NoReturn:
        planned.extend(job.parameters for job in plan_jobs(*args, **kwargs))
        raise Jj123Error("stop")

    monkeypatch.setattr(batch_run, "plan_jobs", plan_and_stop)
    monkeypatch.delenv(RULES_ENV, raising=False)
    monkeypatch.chdir(office_rules.parent)
    units = office_rules.parent / "units.yaml"
    units.write_bytes((resources.PARAMS_DIR / "units.yaml").read_bytes())
    monkeypatch.setenv("JJ123_UNITS", units.name)  # the user's default, relative to where the command runs
    # A draft quarter: a published one renders with the rules of its snapshot.
    argv = ["batch", "--quarter", "2026Q4", "--leader", "陈丽蓉", "--formats", "html", "--no-progress",
            "--data-dir", str(demo_data.data_dir), "--out", str(tmp_path / "out"), "--rules", office_rules.name]
    assert main(argv) == 2
    assert planned and {params["rules"] for params in planned} == {str(office_rules)}  # made absolute
    assert {params["units"] for params in planned} == {str(units)}
    assert RULES_ENV not in os.environ and os.environ["JJ123_UNITS"] == units.name


def test_notebook_parameter_names_the_rules_file(demo_data: DemoSummary, office_rules: Path) -> None:
    from jj123lib.domain.parameters import check_notebook_namespace

    namespace: dict[str, Any] = {"quarter": "2026Q3", "data_dir": str(demo_data.data_dir), "rules": str(office_rules)}
    params = check_notebook_namespace("overview", namespace)
    assert params.rules == str(office_rules) and params.as_papermill()["rules"] == str(office_rules)
    namespace["rules"] = str(office_rules.parent / "missing.yaml")
    with pytest.raises(Jj123Error, match="文件不存在"):
        check_notebook_namespace("overview", namespace)
    namespace.update(rules=None, units=str(resources.PARAMS_DIR / "units.yaml"))
    assert check_notebook_namespace("overview", namespace).units == str(resources.PARAMS_DIR / "units.yaml")
    namespace["units"] = str(office_rules)  # a rules file is no units file
    with pytest.raises(Jj123Error, match="单位分组文件无效"):
        check_notebook_namespace("overview", namespace)
