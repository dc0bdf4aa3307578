"""Table rendering and export neutralisation."""

from __future__ import annotations

import io
import json

import pandas as pd

from jj123lib.core.formats import display_width, frame_to_table, neutralize_formula, render_frame


def test_table_aligns_chinese_by_display_width() -> None:
    text = frame_to_table(pd.DataFrame({"名称": ["晋江", "ab"], "n": [1, 22]}))
    header, _, first, second = text.splitlines()
    # The second column starts at the same screen column on every line.
    starts = [
        display_width(line[: line.rindex(value)]) for line, value in ((header, "n"), (first, "1"), (second, "22"))
    ]
    assert starts == [6, 6, 6]


def test_long_cells_are_cut() -> None:
    text = frame_to_table(pd.DataFrame({"t": ["很" * 50]}), max_cell=10)
    assert "…" in text and display_width(text.splitlines()[-1]) <= 10


def test_formulas_are_neutralised_in_csv() -> None:
    frame = pd.DataFrame({"text": ["=1+1", "+SUM(A1)", "-2", "@cmd", "正常", "a=b"], "n": [1, 2, 3, 4, 5, 6]})
    out = pd.read_csv(io.StringIO(render_frame(frame, "csv")))
    assert out["text"].tolist() == ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "正常", "a=b"]
    assert neutralize_formula(-2) == -2  # numbers are numbers, not formulas


def test_json_keeps_lists_and_nulls() -> None:
    frame = pd.DataFrame({"units": [["甲", "乙"]], "x": [float("nan")]})
    assert json.loads(render_frame(frame, "json")) == [{"units": ["甲", "乙"], "x": None}]
