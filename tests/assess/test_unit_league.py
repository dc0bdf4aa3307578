"""The units' 红黄榜: groups from params/units.yaml, scores recomputed by hand, board rules, the CLI."""

from __future__ import annotations

import json
import math
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest
import yaml

from jj123lib.assess.unit_league import rank_units, unit_league
from jj123lib.cli.main import main
from jj123lib.core.exceptions import RulesError
from jj123lib.domain.rules import load_rules
from jj123lib.domain.tasks import units as task_units
from jj123lib.domain.units import GROUP_LABELS, GROUPS, UnitInfo, UnitsFileError, default_units_path, load_units

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

NAN = math.nan
UNITS = {name: UnitInfo(name, group) for name, group in [
    ("甲镇", "town"), ("乙局", "department"), ("丙局", "department"), ("丁公司", "enterprise"),
    ("戊局", "department"), ("己局", "department")]}


def rated(*rows: tuple[str, str, list[str], str, float]) -> pd.DataFrame:
    """Rated tasks: (task_id, tier, units with the lead first, light, gap)."""
    return pd.DataFrame([{"task_id": t, "tier": tier, "units": units, "lead_unit": units[0], "light": light, "gap": gap}
                         for t, tier, units, light, gap in rows])


SMALL = rated(
    ("T1", "national", ["乙局", "甲镇"], "green", -5.0),
    ("T2", "provincial", ["乙局", "丙局"], "red", 40.0),
    ("T3", "breakthrough", ["甲镇", "丙局"], "missing", NAN),
    ("T4", "breakthrough", ["丁公司"], "done", 0.0),
    ("T5", "provincial", ["乙局"], "yellow", 15.0),
    ("T6", "provincial", ["戊局"], "green", -3.0),
    ("T7", "provincial", ["己局"], "green", 5.0),
)


def by_unit(frame: pd.DataFrame) -> dict[str, dict[Hashable, Any]]:
    return {row["unit"]: row for row in frame.to_dict(orient="records")}


def test_scores_recomputed_by_hand() -> None:
    # Default rules: points done/green 100, yellow 60, red 20, 未报送 as red; tier weights 3/2/1; co-unit 0.5.
    rows = by_unit(rank_units(SMALL, UNITS, load_rules()))
    assert rows["甲镇"]["score"] == round((1.5 * 100 + 1 * 20) / 2.5, 1) == 68.0  # co on T1, lead on unreported T3
    assert rows["乙局"]["score"] == round((3 * 100 + 2 * 20 + 2 * 60) / 7, 1) == 65.7
    assert rows["丙局"]["score"] == 20.0  # co on red T2; T3 unreported by its lead is not held against it
    assert rows["丙局"]["n_tasks"] == 2 and rows["丙局"]["missing"] == 0
    assert rows["丁公司"]["score"] == 100.0 and rows["丁公司"]["done"] == 1
    assert (rows["乙局"]["n_lead"], rows["乙局"]["red"], rows["乙局"]["yellow"]) == (3, 1, 1)


def test_groups_are_ranked_separately_with_ties() -> None:
    frame = rank_units(SMALL, UNITS, load_rules())
    assert list(frame["group"]) == ["town", "department", "department", "department", "department", "enterprise"]
    ranks = {g: list(frame.loc[frame["group"] == g, "rank"]) for g in GROUPS}
    assert ranks == {"town": [1], "department": [1, 1, 3, 4], "enterprise": [1]}
    assert list(frame.loc[frame["group"] == "department", "unit"]) == ["戊局", "己局", "乙局", "丙局"]
    assert set(frame["group_label"]) == set(GROUP_LABELS.values())


def test_red_and_yellow_boards_follow_the_rules() -> None:
    rows = by_unit(rank_units(SMALL, UNITS, load_rules()))
    assert rows["丁公司"]["board"] == "红榜" and "已完成 1 项" in rows["丁公司"]["board_reason"]
    assert rows["戊局"]["board"] == ""  # ahead of its own plan, but no verified result (the rules ask for one)
    assert rows["己局"]["board"] == ""  # top score but behind plan and nothing completed
    assert rows["乙局"]["board"] == "黄榜" and rows["乙局"]["board_reason"] == "牵头任务红灯 1 项"
    assert rows["甲镇"]["board"] == "黄榜" and rows["甲镇"]["board_reason"] == "未报送 1 项"
    assert rows["丙局"]["board"] == ""  # a co-unit's red does not count by default


def test_red_board_without_a_verified_result_only_when_the_rules_allow() -> None:
    claimed = rated(("T6", "provincial", ["戊局"], "claimed", -20.0))  # 100 % claimed, not yet verified
    rules = load_rules().to_dict()
    assert by_unit(rank_units(claimed, UNITS, rules))["戊局"]["board"] == ""
    rules["unit_scoring"]["red_board"]["require_verified_done"] = False
    rows = by_unit(rank_units(SMALL, UNITS, rules))
    assert rows["戊局"]["board"] == "红榜" and "超前序时进度" in rows["戊局"]["board_reason"]
    rules["unit_scoring"]["red_board"]["require_verified_done"] = "是"
    with pytest.raises(RulesError, match="require_verified_done"):
        rank_units(SMALL, UNITS, rules)


def test_rule_switches_and_the_overdue_hook() -> None:
    rules = load_rules().to_dict()
    rules["unit_scoring"]["yellow_board"]["red_as_co"] = True
    rules["unit_scoring"]["co_units_share_missing"] = True
    rules["unit_scoring"]["red_board"]["top_per_group"] = 1
    rows = by_unit(rank_units(SMALL, UNITS, rules, overdue_units={"丁公司", "戊局"}))
    assert rows["丙局"]["board"] == "黄榜" and "配合任务红灯 1 项" in rows["丙局"]["board_reason"]
    assert rows["丙局"]["score"] == round((1 * 20 + 0.5 * 20) / 1.5, 1) and rows["丙局"]["missing"] == 1
    assert "未报送" not in rows["丙局"]["board_reason"]  # the lead unit did not report, not 丙局
    assert rows["丁公司"]["board"] == "黄榜" and rows["丁公司"]["board_reason"] == "督办事项逾期未办结"
    assert rows["戊局"]["board"] == "黄榜" and rows["丁公司"]["overdue"]


def test_unit_scoring_rules_are_checked() -> None:
    rules = load_rules().to_dict()
    rules["unit_scoring"]["co_weight"] = -1
    with pytest.raises(RulesError, match="co_weight"):
        rank_units(SMALL, UNITS, rules)
    del rules["unit_scoring"]
    with pytest.raises(RulesError, match="unit_scoring"):
        rank_units(SMALL, UNITS, rules)


def test_every_2026_unit_has_a_group() -> None:
    units = load_units()
    assert list(units) == task_units() and len(units) == 33
    assert {u.group for u in units.values()} == set(GROUPS)
    expected = {"陈埭镇": "town", "经济开发区": "town", "晋东新区开发建设指挥部": "town", "水务集团": "enterprise",
                "鞋纺城公司": "enterprise", "行政服务中心管委会": "department", "财政局": "department"}
    assert {name: units[name].group for name in expected} == expected
    raw = yaml.safe_load(default_units_path().read_text(encoding="utf-8"))["units"]
    assert all(set(entry) == {"group", "contact", "phone"} for entry in raw.values())


def write_units(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(default_units_path().read_text(encoding="utf-8"))
    change(data["units"])
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "words"), [
    (lambda u: u.pop("信访局"), ["信访局", "未列出分组"]),
    (lambda u: u.update({"不存在局": {"group": "市直部门"}}), ["不存在局", "不在任务表中"]),
    (lambda u: u["财政局"].update(group="事业单位"), ["财政局", "事业单位", "市直部门"]),
    (lambda u: u["财政局"].update(phone=["x"]), ["财政局", "phone"]),
])
def test_units_file_errors_name_the_file_and_the_unit(tmp_path: Path, change: Any, words: list[str]) -> None:
    path = write_units(tmp_path, change)
    with pytest.raises(UnitsFileError) as info:
        load_units(path)
    message = str(info.value)
    assert message.startswith("单位分组文件无效：") and str(path) in message
    for word in words:
        assert word in message


def test_units_file_keeps_contacts(tmp_path: Path) -> None:
    path = write_units(tmp_path, lambda u: u["财政局"].update(contact="林丽娟", phone="0595-85600000"))
    info = load_units(path)["财政局"]
    assert (info.contact, info.phone, info.group_label) == ("林丽娟", "0595-85600000", "市直部门")


def test_demo_league_by_unit(demo_data: DemoSummary) -> None:
    frame = unit_league("2026Q3", demo_data.data_dir)
    units = load_units()
    assert sorted(frame["unit"]) == sorted(units)
    assert all(units[u].group == g for u, g in zip(frame["unit"], frame["group"]))
    for group in GROUPS:
        part = frame[frame["group"] == group]
        assert part["rank"].iloc[0] == 1 and list(part["score"]) == sorted(part["score"], reverse=True)
    assert not (frame["board"] == "红榜").any() or frame.loc[frame["board"] == "红榜", "red"].eq(0).all()


def test_cli_league_by_unit(demo_data: DemoSummary, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(demo_data.data_dir)
    assert main(["league", "--by", "unit", "--quarter", "2026Q3", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    headings = [out.index(f"【{GROUP_LABELS[g]}】") for g in GROUPS]
    assert headings == sorted(headings) and out.count("红榜：") == 3 and out.count("黄榜：") == 3
    assert main(["league", "--by", "unit", "--quarter", "2026Q3", "--format", "json", "--data-dir", data]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 33 and rows[0]["数据性质"].startswith("示例数据") and "分组" in rows[0]
    assert main(["league", "--quarter", "2026Q3", "--format", "json", "--data-dir", data]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 8  # --by leader stays the default


@pytest.mark.clock_smoke
def test_league_before_the_reporting_deadline_leaves_pending_tasks_unscored(tmp_path: Path) -> None:
    """Before the quarter's deadline every task is 未到报送期: not scored, no unit ranked."""
    frame = unit_league("2026Q3", tmp_path / "data", as_of="2026-10-09")
    assert frame["score"].isna().all() and frame["rank"].isna().all() and (frame["n_tasks"] > 0).all()
    assert (frame[["done", "green", "yellow", "red", "missing"]] == 0).all().all()
