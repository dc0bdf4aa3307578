"""Tier order, once: task numbers and task frames sort N, P, B, then by number."""

from __future__ import annotations

import pandas as pd

from jj123lib.domain.tiers import TIER_RANK, TIERS, in_tier_order, task_order


def test_tier_rank_follows_tiers() -> None:
    assert [TIER_RANK[t] for t in TIERS] == [0, 1, 2]


def test_task_order() -> None:
    ids = ["B01", "P10", "N10", "x", "P02", "n02"]
    assert sorted(ids, key=task_order) == ["n02", "N10", "P02", "P10", "B01", "x"]


def test_in_tier_order() -> None:
    frame = pd.DataFrame({"tier": ["breakthrough", "national", "provincial", "national"], "seq": [1, 2, 1, 1],
                          "task_id": ["B01", "N02", "P01", "N01"]})
    assert list(in_tier_order(frame)["task_id"]) == ["N01", "N02", "P01", "B01"]
