"""The canonical task table: load, validate, filter, serialise.

The table for 2026 is committed as ``jj123lib/data/tasks_2026.csv`` next to the
notice it was parsed from (``notice_2026.txt``); a test keeps the two equal.
In memory ``units`` is a list of unit names (first = lead unit); in CSV it is
the same names joined by "、", as the notice writes them.
"""

from __future__ import annotations

import functools
import io
import os
from importlib import resources
from pathlib import Path

import pandas as pd

from jj123lib.core.atomic import atomic_write
from jj123lib.core.exceptions import ParameterError, TaskTableError
from jj123lib.core.files import MAX_TABLE_BYTES, FileRefused, read_bounded
from jj123lib.core.inputs import note_input, sha256_hex
from jj123lib.domain.tiers import TIERS, in_tier_order, tier_from_user

__all__ = [
    "TASK_COLUMNS",
    "task_years",
    "load_tasks",
    "leaders",
    "units",
    "filter_tasks",
    "tasks_to_csv",
    "write_tasks_csv",
    "normalize_task_table",
    "default_tasks_path",
    "default_notice_path",
]

UNIT_SEPARATOR = "、"

# The columns of a task table, in order (see ``docs/data-model.md``).
TASK_COLUMNS: list[str] = [
    "task_id",
    "year",
    "tier",
    "tier_label",
    "seq",
    "title",
    "leader",
    "units",
    "lead_unit",
    "target_value",
    "target_unit",
    "target_text",
    "source_line",
]


def default_tasks_path() -> Path:
    """Path of the committed 2026 task table."""
    return Path(str(resources.files("jj123lib") / "data" / "tasks_2026.csv"))


def default_notice_path() -> Path:
    """Path of the committed 2026 notice the table was parsed from."""
    return Path(str(resources.files("jj123lib") / "data" / "notice_2026.txt"))


def normalize_task_table(tasks: pd.DataFrame) -> pd.DataFrame:
    """Return ``tasks`` with canonical column order, dtypes and row order (tier, then seq)."""
    out = tasks.loc[:, TASK_COLUMNS].copy()
    out["units"] = [list(u) for u in out["units"]]
    out["lead_unit"] = [u[0] for u in out["units"]]
    for column in ("seq", "source_line"):
        out[column] = out[column].astype("int64")
    out["year"] = out["year"].astype("Int64")
    out["target_value"] = pd.to_numeric(out["target_value"]).astype("float64")
    for column in ("task_id", "tier", "tier_label", "title", "leader", "lead_unit"):
        out[column] = out[column].astype(object)
    for column in ("target_unit", "target_text"):
        out[column] = [None if pd.isna(v) or v == "" else str(v) for v in out[column]]
        out[column] = out[column].astype(object)
    out = in_tier_order(out)
    return out.reset_index(drop=True)


def tasks_to_csv(tasks: pd.DataFrame) -> str:
    """Serialise a task table to CSV text (UTF-8, units joined by "、")."""
    flat = tasks.loc[:, TASK_COLUMNS].copy()
    flat["units"] = [UNIT_SEPARATOR.join(u) for u in flat["units"]]
    buffer = io.StringIO()
    flat.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def write_tasks_csv(tasks: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a task table to ``path`` atomically."""
    return atomic_write(path, tasks_to_csv(tasks))


def load_tasks(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load a task table; the committed 2026 table by default.

    Raises :class:`TaskTableError` when the file is missing columns or values.
    """
    source = Path(path) if path is not None else default_tasks_path()
    try:
        content = read_bounded(source, MAX_TABLE_BYTES, "任务表")
    except FileRefused as exc:
        raise TaskTableError(str(source), exc.problem) from None
    table = _parse_tasks(str(source), content)
    note_input("tasks", os.path.abspath(source), sha256_hex(content))
    # A copy per caller (with fresh unit lists): nobody's change reaches another caller's table.
    out = table.copy()
    out["units"] = [list(u) for u in table["units"]]
    return out


@functools.lru_cache(maxsize=8)
def _parse_tasks(source: str, content: bytes) -> pd.DataFrame:
    """The checked, normalised table of ``content``; cached by content (a report reads the table ~5 times)."""
    try:
        raw = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TaskTableError(source, f"不是 UTF-8 编码的 CSV 任务表（{type(exc).__name__}）") from None
    missing = [c for c in TASK_COLUMNS if c not in raw.columns]
    if missing:
        raise TaskTableError(source, "缺少列：" + "、".join(missing))
    for number, row in enumerate(raw.itertuples(index=False), start=2):
        for column in ("task_id", "tier", "seq", "title", "leader", "units"):
            if not str(getattr(row, column)).strip():
                raise TaskTableError(source, f"第 {number} 行“{column}”列为空")
        if row.tier not in TIERS:
            raise TaskTableError(source, f"第 {number} 行层级“{row.tier}”无效，应为 {'、'.join(TIERS)}")
        for column in ("seq", "source_line"):
            if not str(getattr(row, column)).strip().isdigit():
                raise TaskTableError(source, f"第 {number} 行“{column}”列应为整数")
    table = raw.copy()
    table["units"] = [[u.strip() for u in s.split(UNIT_SEPARATOR) if u.strip()] for s in table["units"]]
    table["year"] = [int(y) if y.strip() else None for y in table["year"]]
    table["target_value"] = [float(v) if v.strip() else None for v in table["target_value"]]
    return normalize_task_table(table)


def _resolve(tasks: pd.DataFrame | None) -> pd.DataFrame:
    return load_tasks() if tasks is None else tasks


def leaders(tasks: pd.DataFrame | None = None) -> list[str]:
    """Lead city leaders in the order they first appear in the notice."""
    table = _resolve(tasks)
    return list(dict.fromkeys(table.sort_values("source_line")["leader"]))


def task_years(tasks: pd.DataFrame | None = None) -> list[int]:
    """The years the table's tasks belong to, ascending; empty when the notice named no year."""
    table = _resolve(tasks)
    return sorted({int(y) for y in table["year"].dropna()})


def units(tasks: pd.DataFrame | None = None) -> list[str]:
    """Every responsible unit, lead units and co-units, in order of first appearance."""
    table = _resolve(tasks)
    seen: dict[str, None] = {}
    for unit_list in table.sort_values("source_line")["units"]:
        for unit in unit_list:
            seen.setdefault(unit, None)
    return list(seen)


def filter_tasks(
    tasks: pd.DataFrame, leader: str | None = None, tier: str | None = None, unit: str | None = None
) -> pd.DataFrame:
    """Tasks of one leader, tier and/or unit; an unknown value lists the valid ones."""
    out = tasks
    if leader is not None:
        if leader not in set(tasks["leader"]):
            raise ParameterError("leader", leader, leaders(tasks))
        out = out[out["leader"] == leader]
    if tier is not None:
        key = tier_from_user(tier)
        out = out[out["tier"] == key]
    if unit is not None:
        if unit not in units(tasks):
            raise ParameterError("unit", unit, units(tasks))
        out = out[[unit in u for u in out["units"]]]
    return out.reset_index(drop=True)
