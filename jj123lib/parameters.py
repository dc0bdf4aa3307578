"""Validation of report parameters, before anything reaches a notebook.

Papermill escapes parameter *values* but not names, and silently accepts unknown
names; every report parameter therefore passes through here, by name, with a
Chinese message listing valid values when it is wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jj123lib.datadir import resolve_data_dir
from jj123lib.exceptions import ParameterError
from jj123lib.quarters import normalize_quarter

__all__ = ["ReportParams", "validate_leader", "validate_data_dir", "validate_params", "NOTEBOOK_PARAMETERS"]

# Parameters each notebook declares in its `parameters` cell.
NOTEBOOK_PARAMETERS: dict[str, tuple[str, ...]] = {
    "leader": ("leader", "quarter", "data_dir"),
    "overview": ("quarter", "data_dir"),
    "explore": ("quarter", "data_dir"),
}


def validate_leader(leader: Any) -> str:
    from jj123lib.tasks import leaders

    valid = leaders()
    name = str(leader).strip() if isinstance(leader, str) else leader
    if name not in valid:
        raise ParameterError("leader", leader, valid, "应为任务表中的牵头市领导姓名")
    return str(name)


def validate_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    path = resolve_data_dir(data_dir)
    if not path.is_dir():
        raise ParameterError("data_dir", str(path), hint="数据文件夹不存在（可用 jj123 demo-data 生成示例数据）")
    return path.resolve()


@dataclass(frozen=True)
class ReportParams:
    """Validated parameters of one report, as passed to papermill."""

    kind: str  # leader | overview | explore
    quarter: str
    data_dir: str
    leader: str | None = None

    def as_papermill(self) -> dict[str, str]:
        values: dict[str, str] = {"quarter": self.quarter, "data_dir": self.data_dir}
        if self.kind == "leader":
            assert self.leader is not None
            values["leader"] = self.leader
        names = NOTEBOOK_PARAMETERS[self.kind]
        assert all(k.isidentifier() and k in names for k in values)
        return values


def validate_params(kind: str, quarter: Any, data_dir: str | os.PathLike[str] | None,
                    leader: Any = None) -> ReportParams:
    if kind not in NOTEBOOK_PARAMETERS:
        raise ParameterError("kind", kind, list(NOTEBOOK_PARAMETERS))
    q = normalize_quarter(str(quarter))
    folder = validate_data_dir(data_dir)
    name = validate_leader(leader) if kind == "leader" else None
    return ReportParams(kind=kind, quarter=q, data_dir=str(folder), leader=name)
