"""Year-end outcomes without cliffs: the reviewer's cases on the demo, each outcome naming the rule that decided it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from jj123lib.annual.review import BASIC, DONE, RULES, UNDONE, AnnualReview, annual_review, attainment
from jj123lib.annual.unit_scores import task_points
from jj123lib.core.exceptions import RulesError
from jj123lib.demo.loop import YEAR_END_REJECTION
from jj123lib.domain.rule_annual import annual_rules
from jj123lib.domain.rules import load_rules

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.usefixtures("demo_year_viewed")


@pytest.fixture(scope="module")
def year(demo_data: DemoSummary) -> AnnualReview:
    return annual_review(2026, demo_data.data_dir, as_of=date(2026, 12, 5))


def _row(result: AnnualReview, task_id: str) -> dict[str, Any]:
    rows = result.outcomes[result.outcomes["task_id"] == task_id].to_dict(orient="records")
    assert len(rows) == 1
    return {str(k): v for k, v in rows[0].items()}


def test_every_outcome_names_its_rule(year: AnnualReview) -> None:
    assert set(year.outcomes["rule"]) <= set(RULES)
    pairs = zip(year.outcomes["rule"], year.outcomes["reason"])
    assert all(str(reason).startswith(f"【{rule}】") for rule, reason in pairs)


def test_a_verified_completion_is_at_least_basic(year: AnnualReview) -> None:
    verified = year.outcomes[year.outcomes["verified_done"]]
    assert len(verified) >= 10 and (verified["outcome"] != UNDONE).all()
    p05 = _row(year, "P05")  # verified 已完成, but only 2 of 4 quarterly milestones met: the floor holds it
    assert (p05["outcome"], p05["rule"]) == (BASIC, "核实销号保底")
    assert "节点目标完成 2/4 个季度" in p05["reason"]


@pytest.mark.parametrize("task_id", ["N05", "P04", "P12"])
def test_a_recognition_won_at_the_aimed_level_is_never_undone(year: AnnualReview, task_id: str) -> None:
    row = _row(year, task_id)
    assert row["recognition_at_goal"] is True and row["final_pct"] < 80  # below the 基本完成 progress by itself
    assert (row["outcome"], row["rule"]) == (BASIC, "成效认定保底")
    assert f"获{row['recognition_level']}认定，达到成效目标" in row["reason"]


@pytest.mark.parametrize(("task_id", "shown"), [("P06", "完成度 99.2%"), ("P15", "完成度 97.4%")])
def test_an_indicator_shortfall_counts_in_proportion(year: AnnualReview, task_id: str, shown: str) -> None:
    row = _row(year, task_id)  # verified, 100 %, every milestone met, indicators a little short of target
    assert row["verified_done"] and row["n_targets_reached"] == 0 and row["target_attainment"] > 0.95
    assert (row["outcome"], row["rule"]) == (BASIC, "基本完成标准") and shown in row["reason"]


def test_attainment_is_proportional_and_knows_which_way_is_better() -> None:
    assert attainment(82.5, 81.8) == pytest.approx(81.8 / 82.5)
    assert attainment(10, 12) == 1.0 and attainment(10, None) == 0.0
    assert attainment(5, 6, baseline=8) == pytest.approx(5 / 6)  # lower is better: target below its baseline
    assert attainment(5, 4, baseline=8) == 1.0


def test_an_undone_task_scores_in_proportion_to_its_progress(year: AnnualReview) -> None:
    b22 = _row(year, "B22")  # 75 %: 未完成, yet not scored like a task at 0 %
    assert (b22["outcome"], b22["rule"]) == (UNDONE, "未达基本完成标准") and b22["final_pct"] == 75
    r = year.rules
    assert task_points(UNDONE, 75.0, r) == pytest.approx(50 + 30 * 75 / 80)
    assert task_points(UNDONE, 0.0, r) == 50 and task_points(UNDONE, 79.0, r) > 79
    assert task_points(BASIC, 80.0, r) == 80 and task_points(DONE, 100.0, r) == 100
    lead = year.breakdown[(year.breakdown["unit"] == b22["lead_unit"]) & (year.breakdown["item"] == "基础分")]
    assert "B22（牵头）未完成 78.12分" in str(lead["reason"].iloc[0])


def test_a_rejection_is_named_with_its_reason(year: AnnualReview, demo_data: DemoSummary) -> None:
    assert demo_data.loop is not None
    task_id = demo_data.loop.year_end_rejected
    assert task_id and not _row(year, task_id)["verified_done"]
    assert f"核实销号被退回（2026Q4，督查室（示例）：{YEAR_END_REJECTION}）" in _row(year, task_id)["reason"]


def test_the_graded_rules_are_checked_at_load() -> None:
    rules = load_rules().to_dict()
    rules["annual_review"]["floors"] = {"verified_done": "差不多"}
    with pytest.raises(RulesError, match="annual_review.floors.verified_done"):
        annual_rules(rules)
    rules["annual_review"]["floors"] = {"luck": BASIC}
    with pytest.raises(RulesError, match="annual_review.floors"):
        annual_rules(rules)
    rules = load_rules().to_dict()
    rules["annual_review"]["basic"]["min_target_attainment"] = 1.5
    with pytest.raises(RulesError, match="basic.min_target_attainment"):
        annual_rules(rules)


def test_without_floors_the_cliffs_come_back(demo_data: DemoSummary) -> None:
    """The floors are what lifts the reviewer's cases: rules without them leave N05 未完成."""
    rules = load_rules().to_dict()
    rules["annual_review"]["floors"] = {}
    plain = annual_review(2026, demo_data.data_dir, as_of=date(2026, 12, 5), rules=rules)
    assert _row(plain, "N05")["outcome"] == UNDONE and _row(plain, "P05")["outcome"] == UNDONE
