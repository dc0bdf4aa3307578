"""预计年底完成度 and 交付风险 (jj123lib.assess.projection): the method on constructed histories, its rules,
and the projection as the ratings frame carries it (computed once, never changing a light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jj123lib.assess.projection import NO_DATA, describe_projection, project
from jj123lib.core.exceptions import RulesError
from jj123lib.domain.projection_rules import DEFAULT_PROJECTION_RULES, projection_rules

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

RULES = projection_rules({})
PLAN = {"2026Q1": 20.0, "2026Q2": 45.0, "2026Q3": 70.0, "2026Q4": 100.0}


def test_one_quarter_reported_is_actual_over_planned_times_the_year_target() -> None:
    result = project({"2026Q1": 15.0}, PLAN, "2026Q1", RULES)
    assert result.projected == 75.0 and result.risk == "中"  # 15/20 × 100; 25 short of 100
    assert "年初至第一季度末实际推进 15 个百分点、计划推进 20 个百分点" in result.reason


def test_the_last_two_quarters_pace_is_extrapolated_to_q4() -> None:
    # Q1→Q3: actual +30 against planned +50, pace 60 %; 30 planned points left → 55 + 18 = 73.
    result = project({"2026Q1": 25.0, "2026Q2": 35.0, "2026Q3": 55.0}, PLAN, "2026Q3", RULES)
    assert result.projected == 73.0 and result.risk == "高"
    assert "第一季度末至第三季度末" in result.reason and "速度为计划的 60%" in result.reason
    wide = project({"2026Q1": 25.0, "2026Q2": 35.0, "2026Q3": 55.0}, PLAN, "2026Q3",
                   projection_rules({"projection": {"window_quarters": 1}}))
    assert wide.projected == 55.0 + 20 / 25 * 30  # Q2→Q3 only: pace 80 %


def test_stalled_progress_projects_no_further_than_today_and_never_beyond_100() -> None:
    stuck = project({"2026Q1": 7.0, "2026Q2": 7.0, "2026Q3": 7.0}, PLAN, "2026Q3", RULES)
    assert stuck.projected == 7.0 and stuck.risk == "高"
    fell = project({"2026Q1": 30.0, "2026Q2": 20.0, "2026Q3": 20.0}, PLAN, "2026Q3", RULES)
    assert fell.projected == 20.0  # a lower figure than before is not projected below itself
    ahead = project({"2026Q1": 60.0}, PLAN, "2026Q1", RULES)
    assert ahead.projected == 100.0 and ahead.risk == "低"


def test_an_unreported_quarter_is_projected_from_the_last_report_and_says_so() -> None:
    result = project({"2026Q1": 20.0, "2026Q2": 40.0}, PLAN, "2026Q3", RULES)
    assert result.reason.startswith("本季度未报送，按第二季度数据：") and result.projected is not None


def test_without_a_report_or_a_plan_it_says_data_insufficient_never_a_guess() -> None:
    for actuals, plan in (({}, PLAN), ({"2026Q2": 40.0}, {"2026Q2": 45.0}),
                          ({"2026Q2": 40.0}, {"2026Q1": 20.0, "2026Q4": 100.0}),
                          ({"2026Q1": 5.0}, {"2026Q1": 0.0, "2026Q4": 100.0})):
        result = project(actuals, plan, "2026Q2", RULES)
        assert result.projected is None and result.risk == NO_DATA and result.reason.startswith(NO_DATA)


_pct = st.floats(min_value=0, max_value=100, allow_nan=False)


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[str, float | None], dict[str, float | None], str, float]:
    """A plan rising to its Q4 figure, reports in some quarters up to the rated one, and a raise of the last."""
    steps = sorted(draw(st.lists(_pct, min_size=4, max_size=4)))
    plan: dict[str, float | None] = {f"2026Q{i + 1}": v for i, v in enumerate(steps)}
    number = draw(st.integers(1, 4))
    actuals: dict[str, float | None] = {f"2026Q{i}": draw(st.one_of(st.none(), _pct)) for i in range(1, number + 1)}
    return actuals, plan, f"2026Q{number}", draw(_pct)


@given(histories(), st.integers(1, 3))
def test_projection_is_within_0_100_never_below_today_and_monotone_in_latest_progress(
        case: tuple[dict[str, float | None], dict[str, float | None], str, float], window: int) -> None:
    actuals, plan, quarter, raised = case
    rules = projection_rules({"projection": {"window_quarters": window}})
    before = project(actuals, plan, quarter, rules)
    if before.projected is None:
        return
    latest = max(q for q, v in actuals.items() if v is not None)
    assert 0 <= before.projected <= 100 and before.projected >= min(float(actuals[latest] or 0), 100) - 0.05
    assert before.risk in ("低", "中", "高")
    if raised > float(actuals[latest] or 0):
        after = project({**actuals, latest: raised}, plan, quarter, rules)
        assert after.projected is not None and after.projected >= before.projected


@pytest.mark.parametrize(("section", "key"), [
    ({"window_quarters": 0}, "projection.window_quarters"), ({"window_quarters": True}, "projection.window_quarters"),
    ({"low_max_shortfall": float("nan")}, "projection.low_max_shortfall"),
    ({"medium_max_shortfall": float("inf")}, "projection.medium_max_shortfall"),
    ({"low_max_shortfall": "10"}, "projection.low_max_shortfall"),
    ({"low_max_shortfall": 30, "medium_max_shortfall": 20}, "projection.low_max_shortfall"),
    ({"horizon": 4}, "horizon"), ("全年", "projection 段")])
def test_a_bad_projection_rule_names_the_file_the_key_and_the_value(section: object, key: str) -> None:
    with pytest.raises(RulesError) as caught:
        projection_rules({"projection": section}, "规则.yaml")
    assert "规则.yaml" in str(caught.value) and key in str(caught.value)


def test_an_older_rules_file_without_the_section_takes_the_defaults_and_the_appendix_states_them() -> None:
    assert projection_rules({"ratings": {}}) == {k: (float(v) if k != "window_quarters" else v)
                                                  for k, v in DEFAULT_PROJECTION_RULES.items()}
    sentence = describe_projection({"projection": {"low_max_shortfall": 5, "medium_max_shortfall": 15}})
    assert "不超过 5 个百分点为交付风险低" in sentence and "超过 15 个百分点为高" in sentence


def test_the_ratings_frame_carries_the_projection_and_the_rules_change_no_light(demo_data: DemoSummary,
                                                                                 tmp_path: object) -> None:
    from jj123lib.assess.ratings import rate_quarter
    from jj123lib.domain.rules import load_rules

    rules = load_rules()
    rated = rate_quarter("2026Q3", demo_data.data_dir, rules=rules).set_index("task_id")
    assert rated.loc["N04", "projected"] == 7.0 and rated.loc["N04", "projection_risk"] == "高"  # stuck at 7 %
    assert set(rated["projection_risk"]) <= {"低", "中", "高", NO_DATA}
    strict = rules.to_dict()
    strict["projection"] = {"window_quarters": 1, "low_max_shortfall": 0, "medium_max_shortfall": 0}
    other = rate_quarter("2026Q3", demo_data.data_dir, rules=strict).set_index("task_id")
    assert other["light"].equals(rated["light"]) and other["reason"].equals(rated["reason"])
    assert (other["projection_risk"] != rated["projection_risk"]).any()
