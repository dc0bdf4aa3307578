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

import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jj123lib.core.datadir import resolve_data_dir
from jj123lib.core.exceptions import Jj123Error
from jj123lib.core.files import FileRefused, read_bounded
from jj123lib.core.inputs import note_input, sha256_hex
from jj123lib.core.text import TextRefused
from jj123lib.core.yamlio import MAX_YAML_BYTES, YamlRefused, load_yaml
from jj123lib.domain.quarters import normalize_quarter

__all__ = ["OPINIONS_DIR", "OVERALL_KEY", "TASKS_KEY", "LeaderOpinion", "OpinionsError", "OpinionsRead",
           "opinions_path", "read_opinions", "load_opinions", "leader_opinion", "opinions_fingerprint"]

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


def opinions_path(data_dir: str | os.PathLike[str] | None, quarter: str) -> Path:
    """``<data_dir>/opinions/<QUARTER>.yaml`` (the data folder resolved as every command does)."""
    return resolve_data_dir(data_dir) / OPINIONS_DIR / f"{normalize_quarter(quarter)}.yaml"


def _text(value: object, path: Path, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise OpinionsError(str(path), key, "应为文字（数字、日期等请加引号）")
    return value.strip("\r\n").rstrip()


def _raw(path: Path) -> bytes | None:
    """The file's bytes, bounded (:mod:`jj123lib.core.files`); ``None`` when there is no file."""
    if not os.path.lexists(path):
        return None
    try:
        return read_bounded(path, MAX_YAML_BYTES, "督查室意见文件")
    except FileRefused as exc:
        raise OpinionsError(str(path), "", exc.problem) from None


def _read(path: Path) -> object:
    raw = _raw(path)
    if raw is None:
        return None
    note_input("opinions", str(path), sha256_hex(raw))  # the bytes, until the file is read as what reports show
    try:
        return load_yaml(raw, "")
    except (TextRefused, YamlRefused) as exc:
        raise OpinionsError(str(path), "", str(exc)) from None


@dataclass
class OpinionsRead:
    """An opinions file read leader by leader: a fault in one leader's entry stays with that leader.

    ``faults`` holds the error of each leader whose entry is bad (a misspelt leader key goes to the
    leader it most resembles); ``file_fault`` an error no one leader can own (the file unreadable, or a
    key resembling no leader), which every leader's section then shows.
    """

    opinions: dict[str, LeaderOpinion] = field(default_factory=dict)
    faults: dict[str, OpinionsError] = field(default_factory=dict)
    file_fault: OpinionsError | None = None

    def fault(self, leader: str) -> OpinionsError | None:
        """The error that stops ``leader``'s 督查室意见 section, if any."""
        return self.faults.get(leader) or self.file_fault

    def errors(self) -> list[OpinionsError]:
        """Every error, the file's first, then by leader (each once)."""
        found = [self.file_fault] if self.file_fault is not None else []
        return found + [e for e in dict.fromkeys(self.faults.values())]


def _leader_entry(leader: str, entry: object, path: Path, owner: dict[str, str]) -> LeaderOpinion:
    """One leader's entry, checked (raises :class:`OpinionsError`)."""
    if isinstance(entry, dict):
        extra = [str(k) for k in entry if k not in (OVERALL_KEY, TASKS_KEY)]
        if extra:
            raise OpinionsError(str(path), f"{leader} → {extra[0]}", f"未知的键（可用：{OVERALL_KEY}、{TASKS_KEY}）")
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
    return LeaderOpinion(leader, overall, task_texts)


def read_opinions(data_dir: str | os.PathLike[str] | None, quarter: str,
                  tasks: pd.DataFrame | None = None) -> OpinionsRead:
    """Every leader's opinion for ``quarter``, each entry checked on its own against the task table."""
    from jj123lib.domain.tasks import leaders, load_tasks

    path = opinions_path(data_dir, quarter)
    try:
        data = _read(path)
    except OpinionsError as exc:
        return OpinionsRead(file_fault=exc)
    if data is None:
        note_input("opinions", str(path), "-", parts={})  # none yet: writing one changes only whom it names
        return OpinionsRead()
    if not isinstance(data, dict):
        return OpinionsRead(file_fault=OpinionsError(str(path), "", "应为“市领导: 意见”的键值对，每位市领导一项"))
    table = load_tasks() if tasks is None else tasks
    known = leaders(table)
    owner = dict(zip(table["task_id"].astype(str), table["leader"].astype(str)))
    read = OpinionsRead()
    for name, entry in data.items():
        leader = str(name).strip()
        if leader not in known:
            like = difflib.get_close_matches(leader, known, n=1, cutoff=0.6)
            hint = f"，是否应为“{like[0]}”" if like else ""
            error = OpinionsError(str(path), str(name),
                                  f"不是任务表中的牵头市领导{hint}（应为 {'、'.join(known)} 之一）")
            if like:
                read.faults.setdefault(like[0], error)
            elif read.file_fault is None:
                read.file_fault = error
            continue
        try:
            opinion = _leader_entry(leader, entry, path, owner)
        except OpinionsError as exc:
            read.faults.setdefault(leader, exc)
            continue
        if opinion.overall or opinion.tasks:
            read.opinions[leader] = opinion
    # What the reports show, by leader: comments and key order do not count, a leader's report only its part
    # (a fault too: fixing it re-renders that report).
    parts = {f"leader:{name}": sha256_hex(opinion.as_json()) for name, opinion in read.opinions.items()}
    parts.update({f"leader:{name}": sha256_hex(f"fault:{fault}") for name, fault in read.faults.items()})
    note_input("opinions", str(path), sha256_hex(json.dumps(sorted(parts.items()))), parts=parts)
    return read


def load_opinions(data_dir: str | os.PathLike[str] | None, quarter: str,
                  tasks: pd.DataFrame | None = None) -> dict[str, LeaderOpinion]:
    """Every leader's opinion for ``quarter`` (none: ``{}``); the first error in the file is raised."""
    read = read_opinions(data_dir, quarter, tasks)
    errors = read.errors()
    if errors:
        raise errors[0]
    return read.opinions


def leader_opinion(data_dir: str | os.PathLike[str] | None, quarter: str, leader: str,
                   tasks: pd.DataFrame | None = None) -> LeaderOpinion | None:
    """The opinion for one leader, or ``None`` when the office wrote none; only an error that concerns
    this leader (or no one leader) is raised."""
    read = read_opinions(data_dir, quarter, tasks)
    fault = read.fault(leader)
    if fault is not None:
        raise fault
    return read.opinions.get(leader)


def opinions_fingerprint(data_dir: str | os.PathLike[str] | None, quarter: str, leader: str | None = None,
                         tasks: pd.DataFrame | None = None) -> bytes:
    """The bytes of the 督查室意见 that concern ``leader`` (``None``: every leader) in ``quarter``.

    For the batch's skip decision: the canonical text of what the report shows (``b""`` when the
    office wrote nothing for it), so comments, key order and other leaders' lines do not count.
    A file that cannot be read counts whole: any edit to it re-renders, and the report then shows
    the file's error. An error in one leader's entry counts only for that leader, by its message.
    """
    read = read_opinions(data_dir, quarter, tasks)
    fault = read.fault(leader) if leader is not None else next(iter(read.errors()), None)
    if fault is not None:
        if fault is read.file_fault or leader is None:
            try:
                raw = _raw(opinions_path(data_dir, quarter)) or b""
            except OpinionsError as exc:
                raw = str(exc).encode("utf-8")
            return b"invalid\0" + raw
        return b"invalid\0" + str(fault).encode("utf-8")
    found = read.opinions
    names = sorted(found) if leader is None else [leader] if leader in found else []
    if not names:
        return b""
    return "\n".join(found[name].as_json() for name in names).encode("utf-8")
