"""需协调部门: the department a 协调事项 asks to act, as a unit types it on its form or the office sets it.

One cell may name several departments (“自然资源局、住建局”); each is read on its own, matched to the task
table's units (a leading “晋江市”/“市” is dropped when that makes a known name), and kept as typed when
it names a body outside the table (a provincial department, say). A request for the leader's own
coordination (a 专题会议) names :data:`LEADER_ASKED`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["LEADER_ASKED", "MAX_DEPARTMENT_CHARS", "DEPARTMENT_SEPARATOR", "DepartmentReading",
           "read_departments", "split_departments"]

LEADER_ASKED = "市领导"
MAX_DEPARTMENT_CHARS = 60
DEPARTMENT_SEPARATOR = "、"
_SPLIT = re.compile(r"[、,，;；\n]+")
_CITY_PREFIXES = ("晋江市", "市")


def split_departments(text: str) -> list[str]:
    """The names in a 需协调部门 cell (separated by 、，,；; or a line break), NFKC-normalised and trimmed, in
    order, each once."""
    names = (part.strip() for part in _SPLIT.split(unicodedata.normalize("NFKC", text)))
    return list(dict.fromkeys(name for name in names if name))


class DepartmentReading:
    """A 需协调部门 cell read against the known units: the names, their joined text, and what was changed."""

    def __init__(self, text: str, known: Iterable[str]) -> None:
        known_set = set(known) | {LEADER_ASKED}
        self.names: list[str] = []
        self.notes: list[str] = []
        self.unknown: list[str] = []  # names outside the task table, kept as typed
        self.guesses: list[str] = []  # the nearest known unit to each unknown name, where one is near
        for name in split_departments(text):
            matched = name if name in known_set else next(
                (name[len(p):] for p in _CITY_PREFIXES if name.startswith(p) and name[len(p):] in known_set), None)
            if matched is None:
                self.unknown.append(name)
                self.guesses.extend(difflib.get_close_matches(name, sorted(known_set), n=1, cutoff=0.75))
                matched = name
            elif matched != name:
                self.notes.append(f"“{name}”按“{matched}”读取")
            if matched not in self.names:
                self.names.append(matched)

    @property
    def text(self) -> str:
        return DEPARTMENT_SEPARATOR.join(self.names)


def read_departments(text: str, known: Iterable[str]) -> DepartmentReading:
    """:class:`DepartmentReading` of ``text`` against ``known`` (the task table's units)."""
    return DepartmentReading(text, known)
