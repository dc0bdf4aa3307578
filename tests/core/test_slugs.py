"""Pinyin slugs for file names."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from jj123lib import leaders
from jj123lib.core.slugs import slug, unique_slugs


def test_leader_slugs() -> None:
    assert slug("张健龙") == "zhang-jianlong"
    assert slug("欧阳一鸣") == "ouyang-yiming"
    assert slug("曾小明") == "zeng-xiaoming"
    slugs = unique_slugs(leaders())
    assert len(set(slugs.values())) == 8
    assert slugs["陈丽蓉"] == "chen-lirong"


def test_colliding_names_get_stable_distinct_suffixes() -> None:
    first = unique_slugs(["陈力", "陈立", "王五"])
    second = unique_slugs(["王五", "陈立", "陈力"])
    assert first == second
    assert first["王五"] == "wang-wu"
    assert first["陈力"] != first["陈立"] and first["陈力"].startswith("chen-li-")


@given(
    st.lists(
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=4),
        min_size=1,
        max_size=30,
    )
)
def test_slugs_are_ascii_and_unique(names: list[str]) -> None:
    slugs = unique_slugs(names)
    assert len(set(slugs.values())) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs.values())
