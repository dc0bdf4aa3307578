"""Plain rows out of pandas frames, typed for mypy."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI imports this module at start-up; pandas is slow to import
    import pandas as pd

__all__ = ["records"]


def records(rows: pd.DataFrame | Iterable[Mapping[Hashable, Any]]) -> list[dict[str, Any]]:
    """A frame's rows as plain ``{column: value}`` dicts (typed for mypy, unlike ``itertuples``)."""
    import pandas as pd

    source = rows.to_dict(orient="records") if isinstance(rows, pd.DataFrame) else rows
    return [{str(k): v for k, v in row.items()} for row in source]
