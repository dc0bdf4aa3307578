"""The committed task table and its loaders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jj123lib import leaders, load_tasks, units
from jj123lib.core.exceptions import ParameterError, TaskTableError
from jj123lib.domain.notice import TASK_COLUMNS, parse_notice
from jj123lib.domain.tasks import default_notice_path, default_tasks_path, filter_tasks, tasks_to_csv, write_tasks_csv

LEADERS_2026 = ["张健龙", "吴靖宇", "王也夫", "陈丽蓉", "吴尊意", "陈进福", "陈清平", "陈英煌"]


def test_committed_table_equals_parse_of_committed_notice() -> None:
    parsed = parse_notice(default_notice_path().read_text(encoding="utf-8"))
    pd.testing.assert_frame_equal(load_tasks(), parsed)
    # Byte-level too: the CSV on disk is exactly what the serializer writes.
    assert default_tasks_path().read_text(encoding="utf-8") == tasks_to_csv(parsed)


def test_table_shape_and_columns() -> None:
    tasks = load_tasks()
    assert list(tasks.columns) == TASK_COLUMNS
    assert len(tasks) == 48
    assert tasks.groupby("tier").size().to_dict() == {"national": 8, "provincial": 16, "breakthrough": 24}
    assert all(row.lead_unit == row.units[0] for row in tasks.itertuples())  # type: ignore[index]  # pandas-stubs: itertuples' fields are scalars


def test_leaders_in_notice_order_and_units_deduplicated() -> None:
    assert leaders() == LEADERS_2026
    all_units = units()
    assert len(all_units) == len(set(all_units))
    assert all_units[:3] == ["自然资源局", "商务局", "农业农村局"]
    assert "珠江文体公司" in all_units  # a co-unit only


def test_every_leader_has_six_tasks() -> None:
    counts = load_tasks().groupby("leader").size()
    assert set(counts) == {6}


def test_csv_round_trip(tmp_path: Path) -> None:
    tasks = load_tasks()
    path = write_tasks_csv(tasks, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(load_tasks(path), tasks)


def test_filters() -> None:
    tasks = load_tasks()
    assert list(filter_tasks(tasks, leader="陈英煌", tier="全省")["task_id"]) == ["P15", "P16"]
    assert set(filter_tasks(tasks, unit="陈埭镇")["task_id"]) == {"N08", "P15", "P16", "B22", "B23", "B24"}
    with pytest.raises(ParameterError) as info:
        filter_tasks(tasks, leader="李四")
    assert "张健龙" in str(info.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("task_id,title\nN01,x\n", "缺少列"),
        (tasks_to_csv(load_tasks()).replace(",national,", ",global,", 1), "层级"),
        (tasks_to_csv(load_tasks()).replace(",张健龙,", ",,", 1), "leader"),
    ],
)
def test_bad_tables_are_refused(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaskTableError, match=problem):
        load_tasks(path)


def test_missing_table_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(TaskTableError, match="不存在"):
        load_tasks(tmp_path / "none.csv")


def test_units_once_lead_and_co_in_notice_order() -> None:
    table = load_tasks()
    every = units(table)
    assert len(every) == len(set(every)) and set(every) == {u for us in table["units"] for u in us}
    assert every[0] == table.sort_values("source_line")["units"].iloc[0][0]
