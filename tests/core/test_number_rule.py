"""The one number rule (core.cells.parse_amount, parse_rank): properties over any input, never a guess."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jj123lib.core.cells import MAX_AMOUNT, MAX_RANK, parse_amount, parse_rank

PLAIN = set("0123456789０１２３４５６７８９+-＋－.．,")
NUMBERISH = st.text(alphabet=st.sampled_from(list("0123456789,. ０１٣①¹²³⁴₅+-eE%亿元infa\u3000")), max_size=14)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=16), NUMBERISH))
def test_text_is_read_only_when_plainly_a_number(text: str) -> None:
    try:
        number, note = parse_amount(text, "亿元")
    except ValueError as refused:
        assert str(refused).startswith(("不是数字", "绝对值超过"))
        return
    body = text.strip().removesuffix("亿元").rstrip(" \u3000")
    assert set(body) <= PLAIN, body  # no circled, superscript or Arabic-Indic digit, no space inside
    plain = body.translate(str.maketrans("０１２３４５６７８９＋－．", "0123456789+-.")).replace(",", "")
    assert float(plain) == number and math.isfinite(number) and abs(number) <= MAX_AMOUNT
    if "," in body:  # separators only between groups of three
        whole = body.lstrip("+-＋－").split(".")[0].split("．")[0]
        assert all(len(group) == 3 for group in whole.split(",")[1:]) and 1 <= len(whole.split(",")[0]) <= 3
    assert note is not None and text.strip() in note


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_number_cells_are_finite_and_bounded(value: float) -> None:
    try:
        number, _ = parse_amount(value, "户")
    except ValueError:
        assert not math.isfinite(value) or abs(value) > MAX_AMOUNT
        return
    assert number == value


@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_a_percent_formatted_cell_is_the_percent_it_shows(value: float) -> None:
    number, note = parse_amount(value, "%", percent_format=True)
    assert number == pytest.approx(value * 100) and note is not None and "百分比格式" in note
    with pytest.raises(ValueError, match="百分比格式"):
        parse_amount(value, "亿元", percent_format=True)


@given(st.one_of(st.integers(), st.floats(), st.text(max_size=12), st.booleans(),
                 st.builds(lambda n: f"全省县域第{n}", st.integers(-5, 10 ** 25))))
def test_ranks_are_whole_numbers_of_sane_size(value: Any) -> None:
    try:
        rank, text = parse_rank(value)
    except ValueError as refused:
        assert "位次应为 1–10000" in str(refused)
        return
    assert isinstance(rank, int) and 1 <= rank <= MAX_RANK and str(rank) in text.translate(
        str.maketrans("０１２３４５６７８９", "0123456789"))
