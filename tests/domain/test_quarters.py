"""Quarter strings."""

from __future__ import annotations

import pytest

from jj123lib.core.exceptions import ParameterError
from jj123lib.domain.quarters import normalize_quarter, previous_quarter, quarter_label, quarters_up_to


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
