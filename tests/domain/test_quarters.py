"""The quarters calendar: parsing, walking, dates, Chinese words and deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from jj123lib.core.exceptions import ParameterError
from jj123lib.domain.quarters import (
    CHINESE_NUMERALS,
    QUARTER_WORDS,
    first_day,
    is_quarter,
    last_day,
    next_quarter,
    normalize_quarter,
    parse_quarter,
    plan_deadline,
    previous_quarter,
    quarter_label,
    quarter_number,
    quarter_of,
    quarter_year,
    quarters_up_to,
    report_deadline,
    short_quarter,
    year_quarters,
)


def test_quarter_helpers() -> None:
    assert normalize_quarter(" 2026q3 ") == "2026Q3"
    assert previous_quarter("2026Q3") == "2026Q2"
    assert previous_quarter("2026Q1") is None
    assert quarters_up_to("2026Q3") == ["2026Q1", "2026Q2", "2026Q3"]
    assert quarter_label("2026Q4") == "2026年第四季度"


@pytest.mark.parametrize("bad", ["2026Q5", "2026-3", "Q3", "../2026Q3", "2026Q3; rm"])
def test_malformed_quarter_lists_valid_values(bad: str) -> None:
    with pytest.raises(ParameterError) as info:
        normalize_quarter(bad)
    assert "2026Q1" in str(info.value) and "2026Q4" in str(info.value)


def test_parse_year_and_number() -> None:
    assert parse_quarter("2026q2") == (2026, 2)
    assert quarter_year(" 2027Q1 ") == 2027
    assert quarter_number("2026Q4") == 4
    with pytest.raises(ParameterError):
        quarter_year("2026")


def test_is_quarter() -> None:
    assert is_quarter("2026Q3") and is_quarter(" 2026q1 ")
    assert not is_quarter("2026") and not is_quarter("2026Q0") and not is_quarter(None)


def test_quarter_of() -> None:
    assert quarter_of(2026, 3) == "2026Q3"
    with pytest.raises(ParameterError):
        quarter_of(2026, 5)


def test_year_quarters() -> None:
    assert year_quarters(2026) == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def test_next_quarter_stays_in_the_year() -> None:
    assert next_quarter("2026Q1") == "2026Q2"
    assert next_quarter("2026q3") == "2026Q4"
    assert next_quarter("2026Q4") is None


def test_previous_and_up_to() -> None:
    assert previous_quarter("2026Q2") == "2026Q1"
    assert quarters_up_to("2026Q1") == ["2026Q1"]
    assert quarters_up_to("2026Q4") == year_quarters(2026)


@pytest.mark.parametrize(("quarter", "first", "last"), [
    ("2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
    ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
])
def test_first_and_last_day(quarter: str, first: date, last: date) -> None:
    assert first_day(quarter) == first
    assert last_day(quarter) == last


def test_chinese_words() -> None:
    assert CHINESE_NUMERALS[:4] == "一二三四" and len(CHINESE_NUMERALS) == 10
    assert QUARTER_WORDS == ("一季度", "二季度", "三季度", "四季度")
    assert short_quarter("2026Q3") == "三季度"
    assert quarter_label("2026q1") == "2026年第一季度"


def test_report_deadline_is_in_the_month_after_the_quarter() -> None:
    rules = {"deadlines": {"report_day_of_next_month": 12}}
    assert report_deadline("2026Q1", rules) == date(2026, 4, 12)
    assert report_deadline("2026Q3", rules) == date(2026, 10, 12)
    assert report_deadline("2026Q4", rules) == date(2027, 1, 12)


def test_report_deadline_override() -> None:
    rules = {"deadlines": {"quarter_overrides": {"2026Q2": "2026-07-20"}}}
    assert report_deadline("2026q2", rules) == date(2026, 7, 20)
    assert report_deadline("2026Q3", rules) == date(2026, 10, 10)  # the default day


def test_plan_deadline() -> None:
    assert plan_deadline(2026, {"deadlines": {"plan_month_day": "02-15"}}) == date(2026, 2, 15)
