"""A demo a domain reader believes: peers that fit each task's tier, indicators named for the task and distinct,
and 督查室意见 that agree with the demo's own ratings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
import yaml

from jj123lib.assess.ratings import rate_quarter
from jj123lib.domain.rules import load_rules
from jj123lib.domain.tasks import load_tasks
from jj123lib.ledger.benchmarks import benchmark_plan

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

# National-tier peers are 百强县 across China; provincial ones Fujian counties; breakthrough ones Fujian too.
NATIONAL = ("昆山", "江阴", "张家港", "常熟", "慈溪", "义乌", "寿光", "太仓", "安吉", "龙泉")
FUJIAN = ("福清", "南安", "石狮", "惠安", "安溪", "永春", "德化", "长乐", "武平", "永安", "沙县")


def test_peers_fit_the_tier_and_indicators_the_task(demo_data: DemoSummary) -> None:
    plan = benchmark_plan(demo_data.data_dir)
    tiers = dict(zip(load_tasks()["task_id"], load_tasks()["tier"]))
    assert len(plan) > 30
    for task_id, rows in plan.groupby("task_id"):
        peers = [p for p in str(rows["peers"].iloc[0]).split("；") if p]
        assert peers
        fitting = NATIONAL if tiers[str(task_id)] == "national" else FUJIAN
        assert all(p.startswith(fitting) for p in peers), (task_id, peers)
        names = [str(n) for n in rows["indicator"]]
        assert len(set(names)) == len(names), (task_id, names)  # no two indicators share a name
        assert not any("{" in n or n.startswith(("通知目标", "探索", "打造")) and "：" not in n for n in names)
    forestry = plan[plan["task_id"] == "B15"]  # the forestry reform looks to forestry-reform counties
    assert str(forestry["peers"].iloc[0]).startswith(("武平", "永安", "沙县"))
    ai_base = plan[plan["task_id"] == "P12"]  # an AI base is not measured by 群众满意度
    assert not any("群众" in str(n) for n in ai_base["indicator"])


def test_opinions_agree_with_the_ratings(demo_data: DemoSummary) -> None:
    opinions = yaml.safe_load((demo_data.data_dir / "opinions" / "2026Q3.yaml").read_text(encoding="utf-8"))
    rated = rate_quarter("2026Q3", demo_data.data_dir, rules=load_rules()).set_index("task_id")
    green = load_rules()["ratings"]["green_max_behind"]
    said = 0
    for leader in opinions.values():
        for task_id, text in (leader.get("任务") or {}).items():
            row = rated.loc[task_id]
            said += 1
            if "落后序时进度较多" in text:
                assert row["gap"] > green, (task_id, row["gap"])
            if "进度基本达到序时" in text:
                assert row["gap"] <= green and row["milestone_met"] is False, (task_id, row["gap"])
            if "未报送" in text:
                assert row["light"] == "missing"
            assert re.search(r"建议|请", text)
    assert said >= 2
