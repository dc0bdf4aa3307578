"""The three tiers of the "123" work and the task-ID scheme.

Task IDs are ``<tier letter><two-digit seq>``: N01–N08 (全国领先示范),
P01–P16 (全省领先示范), B01–B24 (重点突破难点). They derive only from the tier and
the item number printed in the notice, so re-parsing the same notice always
gives the same IDs, and an ID can be read back to "national item 3" by a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jj123lib.core.exceptions import ParameterError

if TYPE_CHECKING:  # pandas is imported by the callers, not by the CLI's start
    import pandas as pd

TIERS: tuple[str, ...] = ("national", "provincial", "breakthrough")
TIER_LABELS: dict[str, str] = {
    "national": "全国领先示范",
    "provincial": "全省领先示范",
    "breakthrough": "重点突破难点",
}
TIER_PREFIX: dict[str, str] = {"national": "N", "provincial": "P", "breakthrough": "B"}
TIER_RANK: dict[str, int] = {tier: rank for rank, tier in enumerate(TIERS)}  # office order: N, P, B
_TIER_OF_PREFIX = {prefix: tier for tier, prefix in TIER_PREFIX.items()}


def task_id_for(tier: str, seq: int) -> str:
    """Return the stable task ID for item ``seq`` of ``tier`` (e.g. ``P03``)."""
    return f"{TIER_PREFIX[tier]}{seq:02d}"


def tier_from_user(value: str) -> str:
    """Accept a tier as its key (``national``), its Chinese label, or its letter."""
    text = value.strip()
    for tier in TIERS:
        if text in (tier, TIER_LABELS[tier], TIER_PREFIX[tier], TIER_PREFIX[tier].lower()):
            return tier
    aliases = {"全国": "national", "全省": "provincial", "重点突破": "breakthrough", "突破": "breakthrough"}
    if text in aliases:
        return aliases[text]
    raise ParameterError("tier", value, [f"{t}（{TIER_LABELS[t]}）" for t in TIERS])


def task_order(task_id: str) -> tuple[int, int, str]:
    """Office order of task numbers: tier N, P, B, then the number (``N02`` before ``N10``)."""
    head, digits = task_id[:1].upper(), task_id[1:]
    tier = TIER_RANK.get(_TIER_OF_PREFIX.get(head, ""), len(TIERS))
    return tier, int(digits) if digits.isdigit() else 10**6, task_id


def in_tier_order(frame: pd.DataFrame) -> pd.DataFrame:
    """A task frame's rows in office order: tier N, P, B, then the item number (columns ``tier``, ``seq``)."""
    return frame.sort_values(["tier", "seq"], key=lambda s: s.map(TIER_RANK) if s.name == "tier" else s)
