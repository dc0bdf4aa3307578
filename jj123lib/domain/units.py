"""The responsible units (责任单位) as the office describes them: ``params/units.yaml`` (group, contact, phone).

``$JJ123_UNITS`` points at the office's own copy, the way ``$JJ123_RULES`` does for the rules: read where a run
starts (:func:`default_units_path`), the file's path then passed on (to kernels as the notebooks' ``units``
parameter), never through the environment. Every unit of
the task table must be listed, and only those. (Not named ``units``: ``jj123lib.units()`` is the task
table's unit list, and a submodule of that name would shadow it.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jj123lib.core.exceptions import RulesError
from jj123lib.core.files import FileRefused, read_bounded
from jj123lib.core.inputs import note_input, sha256_hex
from jj123lib.core.resources import PARAMS_DIR
from jj123lib.core.text import TextRefused, excerpt
from jj123lib.core.yamlio import MAX_YAML_BYTES, YamlRefused
from jj123lib.domain.rules import parse_yaml

if TYPE_CHECKING:  # the CLI resolves the file's path at start-up without paying for pandas
    import pandas as pd

__all__ = ["GROUPS", "GROUP_LABELS", "UnitInfo", "UnitsFileError", "UnitsPath", "default_units_path", "units_path",
           "load_units"]

UnitsPath = str | os.PathLike[str]

GROUPS: tuple[str, ...] = ("town", "department", "enterprise")
GROUP_LABELS: dict[str, str] = {"town": "镇街/指挥部/园区", "department": "市直部门", "enterprise": "国有企业"}
_ENTRY_KEYS = ("group", "contact", "phone")
_GROUP_BY_TEXT = {**{g: g for g in GROUPS}, **{label: g for g, label in GROUP_LABELS.items()}}


class UnitsFileError(RulesError):
    """``params/units.yaml`` missing, malformed, or out of step with the task table."""

    def __str__(self) -> str:
        return f"单位分组文件无效：{self.path}：{self.problem}"


@dataclass(frozen=True)
class UnitInfo:
    """One responsible unit as the office describes it in ``units.yaml``."""

    name: str
    group: str  # a key of GROUP_LABELS
    contact: str = ""
    phone: str = ""

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.group]


def default_units_path() -> Path:
    """``$JJ123_UNITS`` if set, else the packaged ``params/units.yaml``."""
    env = os.environ.get("JJ123_UNITS")
    return Path(env) if env else PARAMS_DIR / "units.yaml"


def units_path(path: UnitsPath | None = None) -> Path:
    """``path``, else :func:`default_units_path`, made absolute (kernels run in other folders)."""
    return Path(os.path.abspath(path if path is not None else default_units_path()))


def _optional_text(value: object, field: str, unit: str, source: Path) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value).strip()
    raise UnitsFileError(str(source), f"单位“{unit}”的 {field} 应为文字")


def load_units(path: str | os.PathLike[str] | None = None, tasks: pd.DataFrame | None = None) -> dict[str, UnitInfo]:
    """Every unit of the task table with its group, in the task table's order; :class:`UnitsFileError` if not."""
    source = Path(path) if path is not None else default_units_path()
    try:
        raw = read_bounded(source, MAX_YAML_BYTES, "单位分组文件")
        data = parse_yaml(raw)
    except FileRefused as exc:
        raise UnitsFileError(str(source), exc.problem) from None
    except (TextRefused, YamlRefused) as exc:
        raise UnitsFileError(str(source), str(exc)) from None
    entries = data.get("units") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise UnitsFileError(str(source), "应有 units 段，每个责任单位一项")
    extra = [str(key) for key in data if key != "units"]
    if extra:
        raise UnitsFileError(str(source), f"有未知的段“{excerpt(extra[0])}”（只应有 units 段）")
    note_input("units", os.path.abspath(source), sha256_hex(raw))
    from jj123lib.domain.tasks import units as task_units

    known = task_units(tasks)
    unknown = [str(name) for name in entries if name not in known]
    if unknown:
        raise UnitsFileError(str(source), f"单位“{excerpt('、'.join(unknown))}”不在任务表中（单位名须与任务表一致）")
    missing = [name for name in known if name not in entries]
    if missing:
        raise UnitsFileError(str(source), f"任务表中的单位“{'、'.join(missing)}”未列出分组")
    out: dict[str, UnitInfo] = {}
    for name in known:
        entry = entries[name]
        group_text = entry.get("group") if isinstance(entry, dict) else None
        group = _GROUP_BY_TEXT.get(group_text.strip()) if isinstance(group_text, str) else None
        if group is None:
            choices = "、".join(GROUP_LABELS.values())
            raise UnitsFileError(str(source),
                                 f"单位“{name}”的 group 应为 {choices} 之一（现为“{excerpt(group_text)}”）")
        assert isinstance(entry, dict)
        odd = [str(key) for key in entry if key not in _ENTRY_KEYS]
        if odd:
            raise UnitsFileError(str(source), f"单位“{name}”有未知的键“{excerpt(odd[0])}”"
                                              f"（可用：{'、'.join(_ENTRY_KEYS)}）")
        out[name] = UnitInfo(name, group, _optional_text(entry.get("contact"), "contact", name, source),
                             _optional_text(entry.get("phone"), "phone", name, source))
    return out
