"""Quota and integrity checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from jj123lib import check_quotas, load_tasks
from jj123lib.core.exceptions import RulesError
from jj123lib.domain.notice import parse_notice_document
from jj123lib.domain.rules import load_rules, quota_minimums
from jj123lib.domain.tasks import default_notice_path


def test_canonical_table_passes() -> None:
    report = check_quotas(load_tasks())
    assert report.ok, report.summary()
    assert len(report.table) == 8 * 3
    assert report.wide().loc["张健龙"].tolist() == ["1/1", "2/2", "3/3", "是"]  # type: ignore[operator]  # pandas-stubs: loc[label] typed as a frame


def test_rules_file_minimums_match_the_notice() -> None:
    notice = parse_notice_document(default_notice_path().read_text(encoding="utf-8"))
    assert quota_minimums(load_rules()) == notice.minimums


def test_leader_losing_a_task_is_named_with_tier_and_shortfall() -> None:
    tasks = load_tasks()
    tasks.loc[tasks["task_id"] == "P02", "leader"] = "吴靖宇"  # 张健龙 loses a provincial task
    report = check_quotas(tasks)
    assert not report.ok
    [violation] = report.violations
    assert (violation.rule, violation.leader, violation.tier, violation.shortfall) == (
        "quota",
        "张健龙",
        "provincial",
        1,
    )
    assert "张健龙" in violation.message and "全省领先示范" in violation.message and "差 1 项" in violation.message
    assert report.wide().loc["张健龙", "达标"] == "否"


def test_duplicate_ids_gaps_and_missing_units() -> None:
    tasks = load_tasks()
    tasks.loc[tasks["task_id"] == "B05", "task_id"] = "B04"
    tasks.loc[tasks["task_id"] == "B04", "seq"] = 4
    tasks.at[0, "units"] = []  # type: ignore[assignment]  # pandas-stubs: a list cell
    rules = {v.rule for v in check_quotas(tasks).violations}
    assert {"unique_id", "numbering", "units"} <= rules


def test_stricter_rules_from_params() -> None:
    rules = {"quota": {"minimum_per_leader": {"national": 2, "provincial": 2, "breakthrough": 3}}}
    report = check_quotas(load_tasks(), rules)
    assert len(report.violations) == 8
    assert all(v.tier == "national" and v.shortfall == 1 for v in report.violations)


def test_bad_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("quota:\n  minimum_per_leader:\n    national: -1\n", encoding="utf-8")
    with pytest.raises(RulesError, match="national"):
        load_rules(path)
