"""Atomic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from jj123lib.core.atomic import atomic_path, atomic_write, folder_lock, remove_stale_parts
from jj123lib.core.exceptions import OutputPathError


def test_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    atomic_write(target, "旧内容")
    atomic_write(target, "新内容")
    assert target.read_text(encoding="utf-8") == "新内容"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_failure_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    atomic_write(target, b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_folder_lock_is_exclusive_and_non_blocking_on_request(tmp_path: Path) -> None:
    with folder_lock(tmp_path) as first:
        assert first
        with folder_lock(tmp_path, wait=False) as second:  # another open file description: flock conflicts
            assert second is False
    with folder_lock(tmp_path, wait=False) as again:
        assert again


def test_remove_stale_parts_only_touches_temp_files(tmp_path: Path) -> None:
    (tmp_path / ".a.txt.x1.part").write_text("half")
    (tmp_path / ".b.7.part.ipynb").write_text("half")
    (tmp_path / "a.txt").write_text("whole")
    (tmp_path / "notes.part.txt").write_text("a user's file, not hidden")
    assert remove_stale_parts(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "notes.part.txt"]


def test_a_special_file_is_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "管道"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/full")):
        with pytest.raises(OutputPathError, match="不是普通文件"):
            atomic_write(target, b"x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["管道"]
