"""对标 signals (jj123lib.assess.signals) and the ratings hook that lets them lower a green light."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jj123lib.assess.ratings import apply_signals
from jj123lib.assess.signals import (
    DEFAULT_SIGNAL_RULES,
    FIGURE_COLUMNS,
    SIGNAL_COLUMNS,
    benchmark_figures,
    benchmark_signals,
    build_view,
    direction,
    empty_view,
    fmt_value,
    load_benchmark_view,
    signal_rules,
)
from jj123lib.core.exceptions import RulesError
from jj123lib.domain import lights
from jj123lib.domain.rules import load_rules
from tests.benchmark_frames import frames, plan_row, stage_row, value_row

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

NAN = float("nan")
def kinds(plan: Sequence[dict[str, Any]], values: Sequence[dict[str, Any]] = (), stages: Sequence[dict[str, Any]] = (),
          quarter: str = "2026Q2", **rules: Any) -> list[str]:
    p, v, r = frames(plan, values, stages)
    out = benchmark_signals(p, v, r, quarter, {"benchmark_signals": rules} if rules else {})
    assert list(out.columns) == SIGNAL_COLUMNS
    assert all(isinstance(reason, str) and reason for reason in out["reason"])
    return list(out["kind"])


# -- rank -------------------------------------------------------------------------------------------
def test_rank_fell_fires_on_a_one_place_drop_and_not_on_the_same_rank() -> None:
    p, v, r = frames([plan_row()], [value_row("2026Q1", 125, rank=3, rank_text="全省县域第3"),
                                     value_row("2026Q2", 150, rank=4, rank_text="全省县域第4")])
    out = benchmark_signals(p, v, r, "2026Q2", {})
    assert list(out["kind"]) == ["rank_fell"]
    assert "全省县域第3" in out["reason"][0] and "全省县域第4" in out["reason"][0] and "下降 1 位" in out["reason"][0]
    assert kinds([plan_row()], [value_row("2026Q1", 125, rank=3), value_row("2026Q2", 150, rank=3)]) == []
    assert kinds([plan_row()], [value_row("2026Q1", 125, rank=4), value_row("2026Q2", 150, rank=3)]) == []


def test_rank_drop_threshold_from_the_rules() -> None:
    values = [value_row("2026Q1", 125, rank=3), value_row("2026Q2", 150, rank=5)]
    assert kinds([plan_row()], values, rank_drop_min=2) == ["rank_fell"]
    assert kinds([plan_row()], values, rank_drop_min=3) == []


def test_rank_in_another_ranking_is_not_compared() -> None:
    values = [value_row("2026Q1", 125, rank=3, rank_text="全省县域第3"),
              value_row("2026Q2", 150, rank=8, rank_text="全国百强县第8")]
    assert kinds([plan_row()], values) == []


def test_rank_needs_both_quarters_and_q1_has_no_previous() -> None:
    assert kinds([plan_row()], [value_row("2026Q2", 150, rank=9)]) == []
    assert kinds([plan_row()], [value_row("2026Q1", 150, rank=NAN), value_row("2026Q2", 150, rank=9)]) == []
    assert kinds([plan_row()], [value_row("2026Q1", 125, rank=9)], quarter="2026Q1") == []


def test_rank_is_judged_even_when_the_direction_is_unknown() -> None:
    values = [value_row("2026Q1", rank=3), value_row("2026Q2", rank=4)]
    assert kinds([plan_row(baseline=NAN, target=NAN)], values) == ["rank_fell"]


# -- benchmark ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "fires"), [(90.0, False), (89.9, True), (100.0, False), (120.0, False)])
def test_behind_benchmark_higher_is_better(value: float, fires: bool) -> None:
    # 10 % behind a benchmark of 100 is exactly the threshold: not "more than".
    plan = [plan_row(baseline=50, target=60)]  # on pace whatever the value here: the pace signal stays out
    assert kinds(plan, [value_row("2026Q2", value, bench=100)]) == (["behind_benchmark"] if fires else [])


@pytest.mark.parametrize(("value", "fires"), [(110.0, False), (110.1, True), (80.0, False)])
def test_behind_benchmark_lower_is_better(value: float, fires: bool) -> None:
    plan = [plan_row(baseline=300, target=200)]  # target below baseline: lower is better
    assert kinds(plan, [value_row("2026Q2", value, bench=100)]) == (["behind_benchmark"] if fires else [])


def test_benchmark_falls_back_to_the_plans_value_and_says_so() -> None:
    p, v, r = frames([plan_row(baseline=50, target=60, bench=100)], [value_row("2026Q2", 80)])
    out = benchmark_signals(p, v, r, "2026Q2", {})
    assert list(out["kind"]) == ["behind_benchmark"] and "制定计划时标杆值 100亿元" in out["reason"][0]
    assert "落后标杆 20.0%" in out["reason"][0]


def test_threshold_is_read_from_the_rules() -> None:
    plan, values = [plan_row(baseline=50, target=60)], [value_row("2026Q2", 80, bench=100)]
    assert kinds(plan, values, behind_benchmark_pct=25) == []
    assert kinds(plan, values, behind_benchmark_pct=15) == ["behind_benchmark"]


def test_zero_benchmark_or_unknown_direction_never_fires() -> None:
    assert kinds([plan_row(baseline=50, target=60)], [value_row("2026Q2", 55, bench=0)]) == []
    assert kinds([plan_row(baseline=100, target=100)], [value_row("2026Q2", 1, bench=100)]) == []
    assert kinds([plan_row(baseline=NAN, target=200)], [value_row("2026Q2", 1, bench=100)]) == []


# -- pace -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "fires"), [(140.0, False), (139.9, True), (150.0, False), (300.0, False)])
def test_off_pace_higher_is_better(value: float, fires: bool) -> None:
    # Q2 of 100 → 200: pro-rata 150; 10 % of the change (100) is 10, so 140 is the edge.
    assert kinds([plan_row()], [value_row("2026Q2", value)]) == (["off_pace"] if fires else [])


@pytest.mark.parametrize(("value", "fires"), [(165.0, False), (165.1, True), (150.0, False), (100.0, False)])
def test_off_pace_lower_is_better(value: float, fires: bool) -> None:
    # Q3 of 300 → 100 (lower is better): pro-rata 150; 10 % of the change (200) is 20, so 170 … wait: Q3 → 150.
    plan = [plan_row(baseline=300, target=100)]
    expected_fire = value > 150 + 15  # off_pace_pct 7.5 % of 200 = 15
    assert expected_fire == fires
    assert kinds(plan, [value_row("2026Q3", value)], quarter="2026Q3", off_pace_pct=7.5) == (
        ["off_pace"] if fires else [])


def test_off_pace_reason_names_the_pro_rata_value() -> None:
    p, v, r = frames([plan_row(baseline=300, target=100, unit="天")], [value_row("2026Q3", 200)])
    out = benchmark_signals(p, v, r, "2026Q3", {})
    assert list(out["kind"]) == ["off_pace"]
    assert "（越低越好）" in out["reason"][0] and "应达 150天" in out["reason"][0] and "25.0%" in out["reason"][0]


# -- recognition stage ----------------------------------------------------------------------------------
def stalled(stages: list[tuple[str, str]], quarter: str = "2026Q3", goal: str = "省级", **rules: Any) -> list[str]:
    rows = [stage_row(q, s) for q, s in stages]
    return kinds([plan_row(goal_level=goal)], [], rows, quarter=quarter, **rules)


def test_stage_stalled_after_two_quarters_without_moving() -> None:
    assert stalled([("2026Q1", "已申报"), ("2026Q2", "已申报"), ("2026Q3", "已申报")]) == ["stage_stalled"]
    assert stalled([("2026Q1", "未申报"), ("2026Q2", "已申报"), ("2026Q3", "已申报")]) == []
    assert stalled([("2026Q2", "已申报"), ("2026Q3", "已申报")]) == []  # Q1 not reported: unknown
    assert stalled([("2026Q1", "已申报"), ("2026Q2", "已申报")], quarter="2026Q2") == []
    assert stalled([("2026Q1", "已申报"), ("2026Q2", "已申报")], quarter="2026Q2", stalled_quarters=1) == [
        "stage_stalled"]


@pytest.mark.parametrize(("final", "fired"), [("已认定", []), ("未获认定", ["recognition_refused"])])
def test_a_final_stage_never_stalls(final: str, fired: list[str]) -> None:
    assert stalled([("2026Q1", final), ("2026Q2", final), ("2026Q3", final)]) == fired  # a refusal is its own signal


def test_stage_of_a_task_without_a_goal_is_not_judged() -> None:
    assert stalled([("2026Q1", "未申报"), ("2026Q2", "未申报"), ("2026Q3", "未申报")], goal="") == []


def test_green_task_with_a_rank_drop_shows_a_signal_and_stays_green_by_default(demo_data: DemoSummary) -> None:
    """The issue's "done when": a rank drop shows as a signal on a green task, the light unchanged."""
    from jj123lib.assess.ratings import rate_quarter

    rated = rate_quarter("2026Q3", demo_data.data_dir, as_of="2026-10-20")
    green = str(rated[rated["light"] == "green"]["task_id"].iloc[0])
    p, v, r = frames([plan_row(green)], [value_row("2026Q2", 175, rank=2, task_id=green),
                                          value_row("2026Q3", 175, rank=5, task_id=green)])
    view = build_view(p, v, r, "2026Q3")
    assert view.signal_reasons()[green][0].startswith("位次下降：")
    again = rate_quarter("2026Q3", demo_data.data_dir, as_of="2026-10-20")
    assert again.loc[again["task_id"] == green, "light"].iloc[0] == "green"


# -- missing values ---------------------------------------------------------------------------------------
def test_missing_values_never_crash_and_never_fire() -> None:
    plan = [plan_row(baseline=NAN, target=NAN), plan_row(no=2, target=NAN), plan_row(no=3)]
    values = [value_row("2026Q1", NAN, NAN, NAN, no=n) for n in (1, 2, 3)]
    values += [value_row("2026Q2", NAN, NAN, NAN, no=n) for n in (1, 2, 3)]
    assert kinds(plan, values) == []
    none_values = [{**v, "value": None, "rank": None, "benchmark_value": None} for v in values]
    assert kinds(plan, none_values) == []
    assert kinds(plan, []) == []  # nothing reported yet
    assert kinds([plan_row(no=0, baseline=NAN, target=NAN)], []) == []  # a task with peers and no indicator
    empty = benchmark_signals(*frames([]), "2026Q2", {})
    assert empty.empty and list(empty.columns) == SIGNAL_COLUMNS


def test_values_of_other_quarters_and_years_are_not_used() -> None:
    values = [value_row("2026Q2", 150, rank=2), value_row("2026Q3", 150, rank=9), value_row("2025Q4", 1, rank=1)]
    assert kinds([plan_row()], values, quarter="2026Q2") == []


def test_plan_of_another_year_is_left_out() -> None:
    p, v, r = frames([plan_row()], [value_row("2026Q2", 10)])
    p["year"] = 2025
    assert benchmark_signals(p, v, r, "2026Q2", {}).empty
    p["year"] = 2026
    assert list(benchmark_signals(p, v, r, "2026Q2", {})["kind"]) == ["off_pace"]


# -- figures ------------------------------------------------------------------------------------------------
def test_figures_line_has_value_benchmark_rank_previous_rank_and_target() -> None:
    p, v, _ = frames([plan_row(target_rank="全省县域第1")],
                     [value_row("2026Q1", 120, rank=3, rank_text="全省县域第3"),
                      value_row("2026Q2", 150.5, bench=180, rank=2, rank_text="全省县域第2")])
    figures = benchmark_figures(p, v, "2026Q2")
    assert list(figures.columns) == FIGURE_COLUMNS and len(figures) == 1
    row = figures.iloc[0]
    assert row["line"] == ("产值：晋江 150.5亿元｜标杆 180亿元｜位次 全省县域第2（上季 全省县域第3）｜"
                           "目标 200亿元（全省县域第1）")
    assert row["rank_change"] == 1 and row["expected"] == 150 and row["direction"] == "higher"


def test_figures_with_nothing_reported_show_dashes() -> None:
    p, v, _ = frames([plan_row(target=NAN)])
    line = benchmark_figures(p, v, "2026Q1")["line"].iloc[0]
    assert line == "产值：晋江 —｜标杆 —｜位次 —（上季 —）｜目标 —"


def test_direction_and_number_format() -> None:
    assert direction(100, 200) == "higher" and direction(300, 100) == "lower"
    assert direction(1, 1) == "" and direction(None, 1) == "" and direction(1, NAN) == ""
    assert fmt_value(5000.0, "亩") == "5000亩" and fmt_value(12.345) == "12.35" and fmt_value(NAN) == "—"
    assert fmt_value(1234567.0) == "1234567"


# -- rules ----------------------------------------------------------------------------------------------------
def test_rules_defaults_and_the_packaged_section() -> None:
    assert signal_rules({}) == DEFAULT_SIGNAL_RULES
    packaged = signal_rules(load_rules())
    assert packaged["affects_light"] is False and set(packaged) == set(DEFAULT_SIGNAL_RULES)


@pytest.mark.parametrize("section", [[1], {"affects_light": "yes"}, {"rank_drop_min": 0},
                                     {"stalled_quarters": 1.5}, {"off_pace_pct": -1}, {"behind_pct": 5}])
def test_bad_rules_are_refused_in_chinese(section: object) -> None:
    with pytest.raises(RulesError, match="benchmark_signals"):
        signal_rules({"benchmark_signals": section})


# -- the view ---------------------------------------------------------------------------------------------------
def test_view_for_tasks_and_reasons() -> None:
    p, v, r = frames([plan_row("N01"), plan_row("P02")],
                     [value_row("2026Q2", 10, task_id="N01"), value_row("2026Q2", 10, task_id="P02")])
    view = build_view(p, v, r, "2026q2")
    assert view.quarter == "2026Q2" and view.task_ids == ["N01", "P02"] and not view.empty
    mine = view.for_tasks(["P02"])
    assert mine.task_ids == ["P02"] and set(mine.signals["task_id"]) == {"P02"}
    assert list(mine.signal_reasons()) == ["P02"] and mine.signal_reasons()["P02"][0].startswith("未达序时目标：")
    assert empty_view("2026Q2").empty and empty_view("2026Q2").signal_reasons() == {}


def test_load_view_without_benchmark_data_is_empty(tmp_path: Path) -> None:
    from jj123lib.ledger.store import Ledger
    from tests.ledger_helpers import record_plan

    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {"N07": (20.0, 45.0, 70.0, 100.0)})  # a progress plan, no benchmark
    view = load_benchmark_view("2026Q3", ledger.data_dir)
    assert view.empty and view.signals.empty and view.figures.empty and view.quarter == "2026Q3"


# -- the ratings hook -----------------------------------------------------------------------------------------
def test_apply_signals_lowers_only_green() -> None:
    light, reason = apply_signals("green", "达到序时进度", ["位次下降：X"])
    assert light == "yellow" and reason == f"达到序时进度；对标预警：位次下降：X，降为{lights.LABELS['yellow']}"
    assert apply_signals("green", "r", []) == ("green", "r")
    for key in lights.ORDER:
        if key != "green":
            assert apply_signals(key, "r", ["s"]) == (key, "r")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(lights.ORDER), st.lists(st.text(min_size=1, max_size=8), max_size=3))
def test_apply_signals_never_makes_a_light_better(key: str, signals: list[str]) -> None:
    light, reason = apply_signals(key, "理由", signals)
    assert lights.worse(light, key) == light and light in (key, "yellow")
    assert reason.startswith("理由")


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
maybe = st.one_of(st.just(NAN), st.none(), finite)


@settings(max_examples=80, deadline=None)
@given(baseline=maybe, target=maybe, bench=maybe, q1=st.tuples(maybe, maybe), q2=st.tuples(maybe, maybe, maybe))
def test_signals_never_crash_and_every_signal_has_a_reason(baseline: Any, target: Any, bench: Any,
                                                          q1: tuple[Any, Any], q2: tuple[Any, Any, Any]) -> None:
    plan = [plan_row(baseline=baseline, target=target, bench=bench)]
    values = [value_row("2026Q1", q1[0], rank=q1[1]), value_row("2026Q2", q2[0], bench=q2[1], rank=q2[2])]
    got = kinds(plan, values)
    assert len(got) == len(set(got)) <= 3
    if q2[0] is None or (isinstance(q2[0], float) and math.isnan(q2[0])):
        assert set(got) <= {"rank_fell"}  # no value: only the rank can speak


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["N01", "P01", "B01", "N02"]), min_size=1, max_size=4, unique=True),
       st.sampled_from(["2026Q2", "2026Q3"]))
def test_signals_never_change_the_light_when_affects_light_is_off(demo_data: DemoSummary,
                                                                  monkeypatch_module: pytest.MonkeyPatch,
                                                                  task_ids: list[str], quarter: str) -> None:
    """Whatever signals the benchmark data gives, the ratings are those without any benchmark data."""
    import jj123lib.assess.signals as module
    from jj123lib.assess.ratings import rate_quarter
    from jj123lib.domain.rules import load_rules

    p, v, r = frames([plan_row(t) for t in task_ids],
                     [value_row(q, 1, bench=1000, rank=n, task_id=t) for t in task_ids
                      for n, q in enumerate(["2026Q1", "2026Q2", "2026Q3"], start=1)])
    view = build_view(p, v, r, quarter)
    assert set(view.signal_reasons()) == set(task_ids)  # every task has signals
    rules = load_rules()
    plain = rate_quarter(quarter, demo_data.data_dir, rules=rules, as_of="2026-10-20")
    monkeypatch_module.setattr(module, "load_benchmark_view", lambda *a, **k: view)
    with_signals = rate_quarter(quarter, demo_data.data_dir, rules=rules, as_of="2026-10-20")
    monkeypatch_module.undo()
    pd.testing.assert_frame_equal(plain, with_signals)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_affects_light_on_lowers_green_tasks_with_signals(demo_data: DemoSummary,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import jj123lib.assess.signals as module
    from jj123lib.assess.ratings import describe_rules, rate_quarter
    from jj123lib.domain.rules import load_rules

    rules = load_rules()
    before = rate_quarter("2026Q3", demo_data.data_dir, rules=rules, as_of="2026-10-20")
    green = list(before[before["light"] == "green"]["task_id"][:2])
    other = before[~before["light"].isin(["green"])]["task_id"].iloc[0]
    watched = [*green, other]
    p, v, r = frames([plan_row(t) for t in watched],
                     [value_row(q, 175, rank=n, task_id=t) for t in watched
                      for n, q in ((2, "2026Q2"), (5, "2026Q3"))])
    view = build_view(p, v, r, "2026Q3")
    calls: list[Any] = []

    def fake_loader(quarter: str, data_dir: Any, rules: Any = None) -> Any:
        calls.append((quarter, data_dir))
        return view

    monkeypatch.setattr(module, "load_benchmark_view", fake_loader)
    on = {**rules, "benchmark_signals": {"affects_light": True}}
    after = rate_quarter("2026Q3", demo_data.data_dir, rules=on, as_of="2026-10-20")
    assert calls and all(q in ("2026Q2", "2026Q3") for q, _ in calls)
    for task_id in green:
        row = after[after["task_id"] == task_id].iloc[0]
        assert row["light"] == row["rule_light"] == "yellow" and "对标预警：位次下降" in row["reason"]
    unchanged = after[~after["task_id"].isin(green)].reset_index(drop=True)
    expected = before[~before["task_id"].isin(green)].reset_index(drop=True)
    pd.testing.assert_frame_equal(unchanged.drop(columns=["prev_light", "prev_light_label", "change"]),
                                  expected.drop(columns=["prev_light", "prev_light_label", "change"]))
    assert any("有对标预警的绿灯任务降为黄灯" in s for s in describe_rules(on))
    assert not any("对标预警" in s for s in describe_rules(rules))


def test_affects_light_off_reads_no_benchmark_data(demo_data: DemoSummary, monkeypatch: pytest.MonkeyPatch) -> None:
    import jj123lib.assess.signals as module
    from jj123lib.assess.ratings import rate_quarter
    from jj123lib.domain.rules import load_rules

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("benchmark data read although the signals do not affect the light")

    monkeypatch.setattr(module, "load_benchmark_view", refuse)
    assert len(rate_quarter("2026Q3", demo_data.data_dir, rules=load_rules(), as_of="2026-10-20")) == 48
