"""Property-based tests (hypothesis): ratings are monotone in the gap; form round trips keep values exactly.

(The notice parser's re-wrap property lives in tests/domain/test_notice.py.) Example counts are kept
small enough that this file runs in well under a minute.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jj123lib.assess.ratings import rate_task
from jj123lib.domain.lights import ORDER as LIGHTS
from jj123lib.domain.rules import load_rules, rating_rules
from jj123lib.intake.forms import STATUSES
from jj123lib.intake.ingest import MAX_TEXT, ingest_files
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import TASKS, filled_progress

RULES = rating_rules(load_rules())
RANK = {light: i for i, light in enumerate(LIGHTS)}  # lower is better
pct = st.integers(0, 10000).map(lambda n: n / 100)  # 0.00 … 100.00


@settings(max_examples=400, deadline=None)
@given(planned=pct, a=pct, b=pct, met=st.sampled_from([True, False, None]),
       status=st.sampled_from([*STATUSES, None]), run_length=st.integers(0, 3))
def test_rating_is_monotone_in_the_gap(planned: float, a: float, b: float, met: bool | None, status: str | None,
                                       run_length: int) -> None:
    """Same plan, milestone, status and history: a larger gap (lower actual) never gives a better light."""
    run = [f"2026Q{q}" for q in range(3, 3 - run_length, -1)] if met is False else []
    low, high = sorted((a, b))
    light_low, _, gap_low = rate_task(low, planned, met, status, run, RULES)    # larger gap
    light_high, _, gap_high = rate_task(high, planned, met, status, run, RULES)  # smaller gap
    assert gap_low is not None and gap_high is not None and gap_low >= gap_high
    assert RANK[light_low] >= RANK[light_high], (low, high, planned, light_low, light_high)


@settings(max_examples=200, deadline=None)
@given(gap=st.integers(-10000, 10000).map(lambda n: n / 100))
def test_rating_thresholds_partition_the_gap(gap: float) -> None:
    """Milestone met, no status: the light is exactly the threshold band of the gap."""
    light, reason, got = rate_task(50.0, 50.0 + gap, True, "达进度", [], RULES)
    assert got == gap
    expected = "green" if gap <= RULES["green_max_behind"] else "yellow" if gap <= RULES["yellow_max_behind"] else "red"
    assert light == expected and reason


UNIT = "陈埭镇"
LEADS = [t for t, u in zip(TASKS["task_id"], TASKS["lead_unit"]) if u == UNIT]
# Text a unit could type: Chinese, ASCII, punctuation, symbols, inner spaces and line breaks;
# stored exactly (ends are trimmed by design and noted, so generated texts have none; "=" at the
# start would make Excel a formula, which the form cannot hold as text).
_chars = st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"], exclude_characters="\x85\xa0\u3000")
text = st.text(_chars | st.sampled_from("\n陈埭镇进度"), min_size=1, max_size=60).map(str.strip).filter(
    lambda s: bool(s) and not s.startswith(("=", "_x")) and "_x" not in s)
row = st.fixed_dictionaries({
    "实际累计进度(%)": pct,
    "节点目标是否完成": st.sampled_from(["是", "否"]),
    "自评状态": st.sampled_from(["超进度", "达进度", "欠进度"]),
    "工作进展": text, "存在问题": text, "下步计划": text, "需协调事项": text,
    "填报人": text.map(lambda s: s[:20].strip() or "陈"),
    "填报日期": st.integers(0, 457).map(lambda d: date(2026, 7, 1) + timedelta(days=d)),  # Q3 start … end + 366 d
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=len(LEADS), max_size=len(LEADS)))
def test_form_round_trip_keeps_values_exactly(rows: list[dict[str, Any]]) -> None:
    assert all(len(v) <= MAX_TEXT for r in rows for v in r.values() if isinstance(v, str))
    changes = dict(zip(LEADS, rows))
    with tempfile.TemporaryDirectory() as tmp:
        path = filled_progress(Path(tmp) / "in", UNIT, "2026Q3", changes=changes, co_notes=False)
        # today fixed after every generated 填报日期 (a later date than today is refused)
        result = ingest_files([path], Path(tmp) / "data", today=date(2027, 12, 31))[0]
        assert result.status == "accepted", result.message()
        got = Ledger(Path(tmp) / "data").submissions("2026Q3").set_index("task_id")
    columns = {"实际累计进度(%)": "actual_pct", "自评状态": "self_status", "工作进展": "progress",
               "存在问题": "problems", "下步计划": "next_steps", "需协调事项": "coordination", "填报人": "reporter"}
    for task_id, values in changes.items():
        stored = got.loc[task_id]
        for label, column in columns.items():
            assert stored[column] == values[label], (task_id, label, stored[column], values[label])
        assert stored["milestone_met"] is (values["节点目标是否完成"] == "是")
        assert stored["report_date"] == values["填报日期"].isoformat()
        assert stored["normalizations"] is None
