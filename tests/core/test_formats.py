"""Table rendering and export neutralisation."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from jj123lib.core.formats import display_width, frame_to_table, neutralize_formula, render_frame


def test_table_aligns_chinese_by_display_width() -> None:
    text = frame_to_table(pd.DataFrame({"名称": ["晋江", "ab"], "n": [1, 22]}))
    header, _, first, second = text.splitlines()
    # The second column starts at the same screen column on every line.
    starts = [
        display_width(line[: line.rindex(value)]) for line, value in ((header, "n"), (first, "1"), (second, "22"))
    ]
    assert len(set(starts)) == 1 and starts[0] >= display_width("晋江") + 1


def test_long_cells_are_cut() -> None:
    text = frame_to_table(pd.DataFrame({"t": ["很" * 50]}), max_cell=10)
    assert "…" in text and display_width(text.splitlines()[-1]) <= 10


_REASON = "落后序时进度 63 个百分点，红灯；连续 3 个季度节点目标未完成，红灯"


def _wide_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "任务编号": ["N01", "DB-2026Q3-012"], "任务名称": ["纵深推进国家级盘活利用低效用地试点工作" * 2, "短名"],
        "牵头单位": ["晋东新区开发建设指挥部", "商务局"], "灯号": ["红灯", "绿灯"], "理由": [_REASON, _REASON],
        "说明": ["甲" * 60, "乙"], "计划累计进度(%)": [65, 100], "整改期限": ["2026-10-30", "2026-11-30"]})


@pytest.mark.parametrize("width", [100, 120])
def test_a_wide_table_fits_the_terminal_keeping_its_codes_whole(width: int) -> None:
    text = frame_to_table(_wide_frame(), width=width)
    lines = text.splitlines()
    assert max(display_width(line) for line in lines) <= width
    for code in ("N01", "DB-2026Q3-012", "2026-10-30", "2026-11-30"):  # codes never split across lines
        assert sum(code in line for line in lines) == 1
    assert "商务局" in text and "红灯" in text


def test_a_table_too_wide_names_what_it_leaves_out_and_wide_shows_all() -> None:
    frame = pd.concat([_wide_frame()] + [_wide_frame().add_suffix(f"{i}") for i in range(2)], axis=1)
    text = frame_to_table(frame, width=100)
    assert max(display_width(line) for line in text.splitlines()) <= 100
    note = text.split("未显示", 1)[1].replace("\n", "")
    assert text.startswith("任务编号") and "--wide" in note and "说明" in note and "任务名称" in note
    full = frame_to_table(frame, width=None)
    assert "未显示" not in full and "甲" * 60 in full and _REASON in full  # whole cells, one line each


def test_formulas_are_neutralised_in_csv() -> None:
    frame = pd.DataFrame({"text": ["=1+1", "+SUM(A1)", "-2", "@cmd", "正常", "a=b"], "n": [1, 2, 3, 4, 5, 6]})
    out = pd.read_csv(io.StringIO(render_frame(frame, "csv")))
    assert out["text"].tolist() == ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "正常", "a=b"]
    assert neutralize_formula(-2) == -2  # numbers are numbers, not formulas


def test_json_keeps_lists_and_nulls() -> None:
    frame = pd.DataFrame({"units": [["甲", "乙"]], "x": [float("nan")]})
    assert json.loads(render_frame(frame, "json")) == [{"units": ["甲", "乙"], "x": None}]
