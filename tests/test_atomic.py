"""Atomic writes."""

from __future__ import annotations

import pytest

from jj123lib.atomic import atomic_path, atomic_write


def test_write_replaces_whole_file(tmp_path) -> None:
    target = tmp_path / "sub" / "a.txt"
    atomic_write(target, "旧内容")
    atomic_write(target, "新内容")
    assert target.read_text(encoding="utf-8") == "新内容"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_failure_leaves_old_file_and_no_temp(tmp_path) -> None:
    target = tmp_path / "a.txt"
    atomic_write(target, b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
