"""督查室意见: the office's own judgement for each leader, one plain file per quarter.

``<data_dir>/opinions/<QUARTER>.yaml`` (e.g. ``opinions/2026Q3.yaml``), keyed by leader; each
leader has an overall opinion (``总体``) and/or opinions on some of that leader's tasks (``任务``)::

    陈丽蓉:
      总体: |
        本季度牵头任务总体按计划推进。
        建议对红灯任务召开专题协调会。
      任务:
        N04: 建议牵头单位 15 日内报送整改方案。
    吴尊意: 只写总体意见时，可直接写文字。

Text is kept as written (only blank lines before it and blanks after it are trimmed); the reports escape it and keep
its line breaks. Leaders not in the task table, tasks that are not that leader's, other keys,
repeated keys and values that are not text are refused with an :class:`OpinionsError` naming
the file and the key. No file means no opinions: the report leaves the section out.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from jj123lib.core.datadir import resolve_data_dir
from jj123lib.core.exceptions import Jj123Error
from jj123lib.core.text import TextRefused, check_tree, decode_document
from jj123lib.domain.quarters import normalize_quarter

__all__ = ["OPINIONS_DIR", "OVERALL_KEY", "TASKS_KEY", "LeaderOpinion", "OpinionsError", "opinions_path",
           "load_opinions", "leader_opinion", "opinions_fingerprint"]

OPINIONS_DIR = "opinions"
OVERALL_KEY = "总体"
TASKS_KEY = "任务"


class OpinionsError(Jj123Error):
    """An opinions file that cannot be read as the format above."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"“{self.key}”：" if self.key else ""
        return f"督查室意见文件无效：{self.path}：{where}{self.problem}"


@dataclass(frozen=True)
class LeaderOpinion:
    """What the office wrote for one leader in one quarter."""

    leader: str
    overall: str = ""
    tasks: dict[str, str] = field(default_factory=dict)  # task ID → opinion, in the file's order

    def as_json(self) -> str:
        """Canonical text of the opinion (what the report shows, nothing else)."""
        return json.dumps({"leader": self.leader, "overall": self.overall, "tasks": self.tasks},
                          ensure_ascii=False, sort_keys=True)


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice (PyYAML would silently keep the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"键“{key}”重复（第 {key_node.start_mark.line + 1} 行）", key_node.start_mark)
        seen.add(key)
    return dict(loader.construct_pairs(node, deep=True))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def opinions_path(data_dir: str | os.PathLike[str] | None, quarter: str) -> Path:
    """``<data_dir>/opinions/<QUARTER>.yaml`` (the data folder resolved as every command does)."""
    return resolve_data_dir(data_dir) / OPINIONS_DIR / f"{normalize_quarter(quarter)}.yaml"


def _text(value: object, path: Path, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise OpinionsError(str(path), key, "应为文字（数字、日期等请加引号）")
    return value.strip("\r\n").rstrip()


def _read(path: Path) -> object:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OpinionsError(str(path), "", f"无法读取：{exc.strerror or exc}") from None
    try:
        data = yaml.load(decode_document(raw, ""), Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
        check_tree(data, "")  # escapes ("\x07", "\uD800") pass the parser: every key and value keeps the text rule
        return data
    except TextRefused as exc:
        raise OpinionsError(str(path), "", str(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行：" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise OpinionsError(str(path), "", f"不是有效的 YAML：{line}{problem}") from None


def load_opinions(data_dir: str | os.PathLike[str] | None, quarter: str,
                  tasks: pd.DataFrame | None = None) -> dict[str, LeaderOpinion]:
    """Every leader's opinion for ``quarter`` (none: ``{}``), checked against the task table."""
    from jj123lib.domain.tasks import leaders, load_tasks

    path = opinions_path(data_dir, quarter)
    data = _read(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise OpinionsError(str(path), "", "应为“市领导: 意见”的键值对，每位市领导一项")
    table = load_tasks() if tasks is None else tasks
    known = leaders(table)
    owner = dict(zip(table["task_id"].astype(str), table["leader"].astype(str)))
    out: dict[str, LeaderOpinion] = {}
    seen: set[str] = set()
    for name, entry in data.items():
        leader = str(name).strip()
        if leader not in known:
            raise OpinionsError(str(path), str(name), f"不是任务表中的牵头市领导（应为 {'、'.join(known)} 之一）")
        if leader in seen:
            raise OpinionsError(str(path), str(name), "同一位市领导写了两次")
        seen.add(leader)
        if isinstance(entry, dict):
            extra = [str(k) for k in entry if k not in (OVERALL_KEY, TASKS_KEY)]
            if extra:
                raise OpinionsError(str(path), f"{leader} → {extra[0]}",
                                    f"未知的键（可用：{OVERALL_KEY}、{TASKS_KEY}）")
            overall = _text(entry.get(OVERALL_KEY), path, f"{leader} → {OVERALL_KEY}")
            by_task = entry.get(TASKS_KEY) or {}
            if not isinstance(by_task, dict):
                raise OpinionsError(str(path), f"{leader} → {TASKS_KEY}", "应为“任务编号: 意见”的键值对")
        else:
            overall, by_task = _text(entry, path, leader), {}
        task_texts: dict[str, str] = {}
        for raw_id, value in by_task.items():
            key = f"{leader} → {TASKS_KEY} → {raw_id}"
            task_id = str(raw_id).strip().upper()
            if task_id not in owner:
                raise OpinionsError(str(path), key, "任务编号不在任务表中")
            if owner[task_id] != leader:
                raise OpinionsError(str(path), key, f"不是{leader}牵头的任务（牵头市领导为{owner[task_id]}）")
            text = _text(value, path, key)
            if text:
                task_texts[task_id] = text
        if overall or task_texts:
            out[leader] = LeaderOpinion(leader, overall, task_texts)
    return out


def leader_opinion(data_dir: str | os.PathLike[str] | None, quarter: str, leader: str,
                   tasks: pd.DataFrame | None = None) -> LeaderOpinion | None:
    """The opinion for one leader, or ``None`` when the office wrote none (the whole file is checked)."""
    return load_opinions(data_dir, quarter, tasks).get(leader)


def opinions_fingerprint(data_dir: str | os.PathLike[str] | None, quarter: str, leader: str | None = None,
                         tasks: pd.DataFrame | None = None) -> bytes:
    """The bytes of the 督查室意见 that concern ``leader`` (``None``: every leader) in ``quarter``.

    For the batch's skip decision: the canonical text of what the report shows (``b""`` when the
    office wrote nothing for it), so comments, key order and other leaders' lines do not count.
    A file that cannot be read counts whole: any edit to it re-renders, and the report then fails
    with the file's error.
    """
    try:
        found = load_opinions(data_dir, quarter, tasks)
    except OpinionsError:
        try:
            raw = opinions_path(data_dir, quarter).read_bytes()
        except OSError:
            raw = b""
        return b"invalid\0" + raw
    names = sorted(found) if leader is None else [leader] if leader in found else []
    if not names:
        return b""
    return "\n".join(found[name].as_json() for name in names).encode("utf-8")
