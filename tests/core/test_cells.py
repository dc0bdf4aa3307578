"""Cell checks (jj123lib.core.cells): percentages, dates, text cleaning."""

from __future__ import annotations

from datetime import datetime

import pytest

from jj123lib.core.cells import (
    blank,
    cell_date,
    cell_text,
    clean_text,
    finite,
    free_text,
    normalize_label,
    parse_percent,
    shown_percent,
)


def test_parse_percent_accepts_written_forms_and_says_so() -> None:
    assert parse_percent("85%") == (85.0, "“85%”按 85 计")
    assert parse_percent(0.5, percent_format=True)[0] == 50
    assert parse_percent(100) == (100.0, None)
    assert parse_percent("８５％")[0] == 85


@pytest.mark.parametrize("bad", [100.01, -1, "abc"])
def test_parse_percent_refuses_out_of_range_and_words(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_percent(bad)


def test_cell_date_reads_chinese_and_iso_dates() -> None:
    assert cell_date("2026年10月8日").isoformat() == "2026-10-08"
    assert cell_date("2026/10/8").isoformat() == "2026-10-08"
    assert cell_date(46303).isoformat() == "2026-10-08"  # Excel serial day
    with pytest.raises(ValueError, match="不是有效日期"):
        cell_date("下周一")


def test_clean_text_removes_controls_and_trims_with_notes() -> None:
    text, done = clean_text(" 已完成\x07立项\r\n")
    assert text == "已完成立项"
    assert any("U+0007" in d for d in done) and any("首尾" in d for d in done)
    assert clean_text("无")[1] == []


def test_blank_and_text_and_labels() -> None:
    assert blank(None) and blank(float("nan")) and blank("  ") and not blank(0)
    assert cell_text(3.0) == "3" and cell_text(" 甲 ") == "甲" and cell_text("") is None
    assert normalize_label("计划累计进度（％）") == "计划累计进度(%)"


def test_percent_formatted_number_is_shown_as_the_clerk_saw_it() -> None:
    assert shown_percent(1.5, True) == "150%"
    assert shown_percent(0.855, True) == "85.5%"
    assert shown_percent(1.5, False) == 1.5
    assert shown_percent("150%", True) == "150%"
    _, note = parse_percent(0.855, percent_format=True)
    assert note is not None and note.startswith("“85.5%”（百分比格式")


def test_free_text_cleans_notes_and_refuses_over_the_limit() -> None:
    notes: list[str] = []
    assert free_text("  已完成\x07验收  ", "整改情况", 5, notes) == "已完成验收"
    assert notes and notes[0].startswith("第 5 行“整改情况”") and "U+0007" in notes[0]
    assert free_text(None, "整改情况", 5, notes) is None and free_text("   ", "整改情况", 5, []) is None
    assert free_text(3.0, "填报人", 2, []) == "3"
    assert free_text(datetime(2026, 10, 1, 9, 30), "填报人", 2, []) == "2026-10-01"
    with pytest.raises(ValueError, match="超过 10 字的上限"):
        free_text("字" * 11, "填报人", 2, [], limit=10)


def test_finite() -> None:
    assert finite(3) == 3.0 and finite("2.5") == 2.5 and finite(True) is None
    assert finite(None) is None and finite(float("nan")) is None and finite("inf") is None and finite("x") is None
