"""Validation of report parameters, before anything reaches or runs in a notebook.

Papermill escapes parameter *values* but not names, and only warns about unknown
names (it still injects them as assignments). Every report parameter therefore
passes through here, by name and value, with a Chinese message listing the valid
ones when it is wrong:

* :func:`validate_params` checks the values a command passes to a notebook;
* :func:`check_notebook_namespace` runs as the first cell after a notebook's
  ``parameters`` cell and refuses names the notebook does not declare, so a
  misspelled ``-p leeder …`` fails under the plain papermill CLI too;
* :func:`validate_quarter` is the one quarter check of every command: the format,
  and a year the task table covers; :func:`validate_as_of` the one check of an ``--as-of``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from jj123lib.core.clock import CHINA_TZ, china_today, read_moment
from jj123lib.core.datadir import readable_data_dir
from jj123lib.core.exceptions import Jj123Error, ParameterError, RulesError
from jj123lib.domain.quarters import is_quarter, normalize_quarter, quarter_year, year_quarters

if TYPE_CHECKING:  # batch workers import this module and must not pay for pandas
    import pandas as pd

__all__ = [
    "ReportParams",
    "NotebookParameterError",
    "UnknownParameterError",
    "validate_leader",
    "validate_data_dir",
    "validate_quarter",
    "validate_year",
    "validate_as_of",
    "AS_OF_FUTURE_DAYS",
    "validate_params",
    "undeclared_names",
    "check_notebook_namespace",
    "NOTEBOOK_PARAMETERS",
    "SHARED_PARAMETERS",
]

# Parameters each notebook declares in its `parameters` cell.
NOTEBOOK_PARAMETERS: dict[str, tuple[str, ...]] = {
    "leader": ("leader", "quarter", "data_dir"),
    "overview": ("quarter", "data_dir"),
    "explore": ("quarter", "data_dir"),
    "annual": ("year", "data_dir"),
}

# Parameters any notebook may declare: ``rules`` and ``units``, the rules and units files' paths (None:
# ``$JJ123_RULES`` / ``$JJ123_UNITS``, else the packaged files). A batch passes the files its command resolved,
# so no environment variable carries them.
SHARED_PARAMETERS: tuple[str, ...] = ("rules", "units")

# Names IPython itself puts into a kernel's namespace (besides the ``_``-prefixed ones).
_IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit"})
# The types papermill can inject (``-p``, ``-r``, ``-y``, ``-f``); modules, functions and
# objects left by imports or earlier cells are never parameters.
_PARAMETER_TYPES = (str, int, float, bool, list, dict, tuple, type(None))


class NotebookParameterError(ParameterError):
    """A bad parameter found inside a notebook's kernel.

    IPython shows ``_render_traceback_()`` in place of a traceback, so the error cell,
    and the last line papermill prints when the run fails, is just the Chinese message.
    """

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


class UnknownParameterError(NotebookParameterError):
    """Parameter names the notebook does not declare (usually misspelled)."""

    def __init__(self, names: list[str], kind: str) -> None:
        self.names = list(names)
        self.kind = kind
        super().__init__(names[0], None, list(NOTEBOOK_PARAMETERS[kind]))

    def __str__(self) -> str:
        unknown = "、".join(self.names)
        return f"未知参数：{unknown}（可能拼写有误）。本报告可用的参数：" + "、".join(self.valid)


def validate_leader(leader: object, tasks: pd.DataFrame | None = None) -> str:
    """A lead leader's name from the task table (surrounding spaces ignored)."""
    from jj123lib.domain.tasks import leaders  # lazily: pandas

    valid = leaders(tasks)
    name = leader.strip() if isinstance(leader, str) else leader
    if not isinstance(name, str) or name not in valid:
        raise ParameterError("leader", leader, valid, "应为任务表中的牵头市领导姓名")
    return name


def validate_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """An existing jj123 data folder, resolved (argument, else ``$JJ123_DATA_DIR``, else ``./data``).

    Reports read data, so a folder without a ledger (a typo, ``/``) is refused like any reading command's.
    """
    return readable_data_dir(data_dir).resolve()


def validate_quarter(value: object, tasks: pd.DataFrame | None = None, name: str = "quarter") -> str:
    """Canonical quarter (``2026q3`` → ``2026Q3``) of a year the task table covers.

    ``tasks`` defaults to the committed task table. A table whose notice names no
    year accepts any well-formed quarter.
    """
    from jj123lib.domain.tasks import task_years  # lazily: pandas

    quarter = normalize_quarter(str(value))
    years = task_years(tasks)
    if years and quarter_year(quarter) not in years:
        covered = "、".join(str(y) for y in years)
        valid = [q for y in years for q in year_quarters(y)]
        raise ParameterError(name, value, valid, f"任务表只包含 {covered} 年度的任务，季度须在该年度之内")
    return quarter


def validate_year(value: object, tasks: pd.DataFrame | None = None) -> int:
    """A year the task table covers (``2026``; any four-digit year when the notice names none)."""
    from jj123lib.domain.tasks import task_years  # lazily: pandas

    text = str(value).strip()
    years = task_years(tasks)
    if not (len(text) == 4 and text.isdigit()) or (years and int(text) not in years):
        raise ParameterError("year", value, [str(y) for y in years], "应为任务表所属的年度，如 2026")
    return int(text)


@dataclass(frozen=True)
class ReportParams:
    """Validated parameters of one report, as passed to papermill."""

    kind: str  # leader | overview | explore | annual
    quarter: str  # an annual report's: its year's Q4
    data_dir: str
    leader: str | None = None
    rules: str | None = None  # the rules file, absolute; None: the kernel's default
    units: str | None = None  # the units file, absolute; None: the kernel's default

    @property
    def year(self) -> int:
        return quarter_year(self.quarter)

    def as_papermill(self) -> dict[str, str]:
        values: dict[str, str] = {"data_dir": self.data_dir}
        if self.kind == "annual":
            values = {"year": str(self.year), **values}
        else:
            values = {"quarter": self.quarter, **values}
        if self.kind == "leader":
            assert self.leader is not None
            values["leader"] = self.leader
        if self.rules is not None:
            values["rules"] = self.rules
        if self.units is not None:
            values["units"] = self.units
        names = NOTEBOOK_PARAMETERS[self.kind] + SHARED_PARAMETERS
        assert all(k.isidentifier() and k in names for k in values)
        return values


def validate_params(kind: str, quarter: object, data_dir: str | os.PathLike[str] | None,
                    leader: object = None, rules: str | os.PathLike[str] | None = None,
                    units: str | os.PathLike[str] | None = None) -> ReportParams:
    """Check every parameter of a ``kind`` report (see :data:`NOTEBOOK_PARAMETERS`); raise :class:`ParameterError`.

    ``rules`` and ``units``, when given, are read and checked whole (:class:`jj123lib.core.exceptions.RulesError`,
    ``UnitsFileError``) and kept absolute.
    """
    from jj123lib.domain.rules import load_rules
    from jj123lib.domain.tasks import load_tasks  # lazily: pandas
    from jj123lib.domain.units import load_units, units_path

    if kind not in NOTEBOOK_PARAMETERS:
        raise ParameterError("kind", kind, list(NOTEBOOK_PARAMETERS))
    rules_path = None if rules is None else str(load_rules(rules).path)
    tasks = load_tasks()
    units_file = None if units is None else units_path(units)
    if units_file is not None:
        load_units(units_file, tasks)
    return replace(_validate_values(kind, quarter, data_dir, leader, tasks), rules=rules_path,
                   units=None if units_file is None else str(units_file))


def _validate_values(kind: str, quarter: object, data_dir: str | os.PathLike[str] | None, leader: object,
                     tasks: pd.DataFrame) -> ReportParams:
    if kind == "annual":  # ``quarter`` is the year (or any quarter of it)
        year = validate_year(quarter_year(str(quarter)) if is_quarter(quarter) else quarter, tasks)
        return ReportParams(kind=kind, quarter=year_quarters(year)[-1], data_dir=str(validate_data_dir(data_dir)))
    q = validate_quarter(quarter, tasks)
    folder = validate_data_dir(data_dir)
    name = validate_leader(leader, tasks) if kind == "leader" else None
    return ReportParams(kind=kind, quarter=q, data_dir=str(folder), leader=name)


def undeclared_names(kind: str, namespace: Mapping[str, object], allowed: Iterable[str] = ()) -> list[str]:
    """User variables in a kernel's ``namespace`` that a ``kind`` notebook does not declare, sorted.

    IPython's own names, ``_``-prefixed names and values papermill cannot inject
    (modules, functions, classes, report objects) are not user parameters.
    """
    known = set(NOTEBOOK_PARAMETERS[kind]) | set(SHARED_PARAMETERS) | _IPYTHON_NAMES | set(allowed)
    return sorted(name for name, value in namespace.items()
                  if not name.startswith("_") and name not in known and isinstance(value, _PARAMETER_TYPES))


def _path_parameter(namespace: Mapping[str, object], name: str, hint: str) -> str | os.PathLike[str] | None:
    value = namespace.get(name)
    if value is not None and not isinstance(value, (str, os.PathLike)):
        raise NotebookParameterError(name, value, hint=hint)
    return value


def check_notebook_namespace(kind: str, namespace: Mapping[str, object], allowed: Iterable[str] = ()) -> ReportParams:
    """Validate a notebook's parameters from its kernel namespace; call as the cell after ``parameters``.

    ``kind`` is a key of :data:`NOTEBOOK_PARAMETERS` (``"leader"``, ``"overview"``,
    ``"explore"``); ``namespace`` is the notebook's ``globals()``; ``allowed`` names
    further variables the notebook itself may have defined before the call.
    Unknown names (a misspelled ``-p leeder``) raise :class:`UnknownParameterError`;
    bad values raise :class:`NotebookParameterError`. Both render as just their
    Chinese message. Returns the validated :class:`ReportParams`.
    """
    if kind not in NOTEBOOK_PARAMETERS:
        raise ParameterError("kind", kind, list(NOTEBOOK_PARAMETERS))
    unknown = undeclared_names(kind, namespace, allowed)
    if unknown:
        raise UnknownParameterError(unknown, kind)
    missing = [name for name in NOTEBOOK_PARAMETERS[kind] if name not in namespace]
    if missing:
        raise NotebookParameterError(missing[0], "", hint="笔记本的 parameters 单元格中没有定义该参数")
    data_dir = _path_parameter(namespace, "data_dir", "应为文件夹路径")
    rules = _path_parameter(namespace, "rules", "应为规则文件路径")
    units = _path_parameter(namespace, "units", "应为单位分组文件路径")
    try:
        period = namespace["year"] if kind == "annual" else namespace["quarter"]
        return validate_params(kind, period, data_dir, namespace.get("leader"), rules, units)
    except ParameterError as exc:
        raise NotebookParameterError(exc.name, exc.value, exc.valid, exc.hint) from None
    except RulesError as exc:  # the rules file, or the units file
        from jj123lib.domain.units import UnitsFileError  # lazily: pandas

        name, value = ("units", units) if isinstance(exc, UnitsFileError) else ("rules", rules)
        raise NotebookParameterError(name, value, hint=str(exc)) from None


# A read never lies after now (``read_moment`` clamps it) and a back-dated command stamps the day it names, so
# an ``--as-of`` ahead of today is only ever a plan for a coming deadline; one more than a year ahead is a typo.
AS_OF_FUTURE_DAYS = 366
_NEVER = datetime(9999, 12, 30, tzinfo=CHINA_TZ)


def validate_as_of(value: object, tasks: pd.DataFrame | None = None, now: datetime | None = None,
                   name: str = "--as-of") -> str:
    """``--as-of`` unchanged when it is a date (or date and time) inside the task table's years, else
    :class:`ParameterError` naming ``name`` and the years covered.

    The years covered run from the first year's 1 January to the end of the year after the last one: that
    year's Q4 reports, the year-end review and its corrections fall in it. A date more than
    :data:`AS_OF_FUTURE_DAYS` days after today is refused too.
    """
    from jj123lib.domain.tasks import task_years  # lazily: pandas

    text = str(value).strip()
    try:
        day = read_moment(text, now=_NEVER).date()  # unclamped: the date as typed
    except Jj123Error:
        raise ParameterError(name, value, hint="应写作 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM，如 2026-10-13 或 "
                                               "2026-10-13T17:00") from None
    years = task_years(tasks)
    if years and not date(years[0], 1, 1) <= day <= date(years[-1] + 1, 12, 31):
        covered = "、".join(str(y) for y in years)
        raise ParameterError(name, value, hint=f"任务表只包含 {covered} 年度的任务，判断时点须在 {years[0]}-01-01 至 "
                                               f"{years[-1] + 1}-12-31 之间（次年用于四季度报送与年度考评）")
    latest = china_today(now) + timedelta(days=AS_OF_FUTURE_DAYS)
    if day > latest:
        raise ParameterError(name, value,
                             hint=f"判断时点不能晚于今天之后 {AS_OF_FUTURE_DAYS} 天（{latest.isoformat()}）")
    return text
