"""The analyst's API: the functions exported by jj123lib, and every example of docs/api.md."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

import jj123lib
from jj123lib.assess import ratings
from jj123lib.core.exceptions import ParameterError
from jj123lib.domain.lights import LABELS, ORDER

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

ROOT = Path(__file__).resolve().parent.parent
API_DOC = ROOT / "docs" / "api.md"
COLUMNS = ["quarter", "task_id", "tier", "tier_label", "title", "leader", "lead_unit", "units", "planned_pct",
           "actual_pct", "gap", "milestone_met", "self_status", "light", "light_label", "reason"]


def _examples() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", API_DOC.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_import_is_cheap_and_api_is_exported() -> None:
    code = "import sys, jj123lib; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    for name in ("assess_quarter", "rate_quarter", "rating_history", "league_history", "Ledger", "leader_report",
                 "overview"):
        assert name in jj123lib.__all__ and getattr(jj123lib, name).__doc__


def test_rate_quarter_columns_order_and_light_categorical(demo_data: DemoSummary) -> None:
    rated = jj123lib.rate_quarter("2026q3", demo_data.data_dir)
    assert list(rated.columns) == COLUMNS
    expected = ratings.rate_quarter("2026Q3", demo_data.data_dir)
    assert list(rated["task_id"]) == list(expected["task_id"]) and rated["task_id"].iloc[0] == "N01"
    assert list(rated["light"].astype(str)) == list(expected["light"])
    assert list(rated["reason"]) == list(expected["reason"])
    assert isinstance(rated["light"].dtype, pd.CategoricalDtype) and rated["light"].cat.ordered
    assert list(rated["light"].cat.categories) == list(ORDER)
    counts = rated["light"].value_counts(sort=False)
    assert list(counts.index) == list(ORDER) and counts.sum() == len(rated)
    assert (rated["light"].map(LABELS) == rated["light_label"]).all()


def test_every_light_counted_even_when_absent(demo_data: DemoSummary) -> None:
    rated = jj123lib.rate_quarter("2026Q3", demo_data.data_dir)
    only_green = rated[rated["light"] == "green"]
    counts = only_green["light"].value_counts()
    assert set(counts.index) == set(ORDER) and counts["red"] == 0 and counts["green"] == len(only_green)


def test_rating_history_is_every_quarter_with_data(demo_data: DemoSummary) -> None:
    history = jj123lib.rating_history(demo_data.data_dir)
    assert list(history.columns) == COLUMNS
    quarters = sorted(set(jj123lib.Ledger(demo_data.data_dir).submissions()["quarter"]))
    assert list(dict.fromkeys(history["quarter"])) == quarters
    n_tasks = len(jj123lib.load_tasks())
    assert len(history) == n_tasks * len(quarters)
    last = history[history["quarter"] == quarters[-1]].reset_index(drop=True)
    pd.testing.assert_frame_equal(last, jj123lib.rate_quarter(quarters[-1], demo_data.data_dir))


def test_league_history_matches_each_quarters_league(demo_data: DemoSummary) -> None:
    league = jj123lib.league_history(demo_data.data_dir)
    for quarter, part in league.groupby("quarter"):
        table = ratings.league_table(str(quarter), demo_data.data_dir)
        assert dict(zip(part["leader"], part["rank"])) == dict(zip(table["leader"], table["rank"]))
        assert dict(zip(part["leader"], part["score"])) == dict(zip(table["leader"], table["score"]))
    wide = league.pivot(index="leader", columns="quarter", values="rank")
    assert set(wide.index) == set(jj123lib.leaders()) and wide.notna().all().all()


def test_report_view_models(demo_data: DemoSummary) -> None:
    leader = jj123lib.leaders()[0]
    report = jj123lib.leader_report(leader, "2026Q3", demo_data.data_dir)
    assert report.leader == leader and set(report.tasks["leader"]) == {leader}
    board = jj123lib.overview("2026Q3", demo_data.data_dir)
    assert len(board.rated) == len(jj123lib.load_tasks()) and board.demo


def test_empty_ledger_gives_empty_frames_with_the_columns(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    with jj123lib.Ledger(folder).transaction():  # a data folder whose ledger holds nothing yet
        pass
    assert list(jj123lib.rating_history(folder).columns) == COLUMNS and jj123lib.rating_history(folder).empty
    assert jj123lib.league_history(folder).empty


def test_missing_data_folder_error_names_the_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError) as info:
        jj123lib.rating_history("没有这个文件夹")
    assert str(tmp_path / "没有这个文件夹") in str(info.value)  # an argument is taken from the current folder


@pytest.mark.parametrize("index", range(len(_examples())))
def test_docs_api_example_runs(index: int, demo_data: DemoSummary, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JJ123_DATA_DIR", str(demo_data.data_dir))
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    exec(compile(_examples()[index], f"docs/api.md example {index + 1}", "exec"), {"__name__": "__doc_example__"})


def test_docs_examples_cover_the_api() -> None:
    text = "\n".join(_examples())
    for name in ("assess_quarter", "rate_quarter", "rating_history", "league_history", "Ledger", "leader_report",
                 "overview", "jj123lib.render.plotting", "to_csv", "frame_to_xlsx"):
        assert name in text


def test_doc_chart_example_writes_a_png(demo_data: DemoSummary, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JJ123_DATA_DIR", str(demo_data.data_dir))
    monkeypatch.chdir(tmp_path)
    for example in _examples():
        exec(compile(example, "docs/api.md", "exec"), {"__name__": "__doc_example__"})
    assert (tmp_path / "灯号分布.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "N01进度轨迹.html").read_text(encoding="utf-8").startswith('<figure class="jj-figure"><svg ')
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / "灯号历史.xlsx").sheetnames == ["灯号历史"]
    assert pd.read_csv(tmp_path / "灯号历史.csv", encoding="utf-8-sig").shape[0] == len(jj123lib.load_tasks())
    assert os.path.getsize(tmp_path / "灯号历史.csv") > 0
