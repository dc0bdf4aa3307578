"""Atomic file writes: a file appears at its final path only when complete.

Everything jj123 writes for users (tables, forms, reports, manifests) goes
through here, so a crash or SIGKILL leaves either the old file or the new one,
never half of one. A folder written whole (:func:`atomic_folder`, a publication's snapshot) is built
beside its final place, every file fsynced, then renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from jj123lib.core.crashpoints import crash_point
from jj123lib.core.exceptions import OutputPathError

LOCK_FILE = ".lock"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success fsync and rename it into place.

    On any exception the temporary file is removed and ``path`` is untouched.
    """
    final = Path(path)
    if final.is_dir():  # renaming onto a folder would fail only after all the work
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(final))
    if final.exists() and not final.is_file():  # /dev/full, a FIFO, a socket: never replaced by a file
        raise OutputPathError(str(final.absolute()))
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        crash_point("atomic.before_rename")
        os.replace(tmp, final)
        fsync_path(final.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write(path: str | os.PathLike[str], data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically and return the final path."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(payload)
    except OSError as exc:
        if exc.filename is None:  # a failed write (a full disk) names no file: the message names this one
            exc.filename = os.fspath(path)
        raise
    return Path(path)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder beside ``path`` (``.<name>.*.part``); on success fsync every file in it, then
    rename it to ``path``, which must not exist. On any exception the temporary folder is removed."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent))
    try:
        yield tmp
        sync_tree(tmp)
        os.replace(tmp, final)
        fsync_path(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def sync_tree(folder: str | os.PathLike[str]) -> None:
    """fsync every file and folder under ``folder`` and the folder itself, so a rename puts complete files
    in place."""
    root = Path(folder)
    for path in [*sorted(root.rglob("*")), root]:
        fsync_path(path)


def fsync_path(path: Path) -> None:
    """fsync a file or a folder (opened read-only); a failure is not fatal."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def folder_lock(directory: str | os.PathLike[str], *, wait: bool = True) -> Iterator[bool]:
    """Exclusive advisory lock on ``directory/.lock``; yields whether it was taken.

    With ``wait=False`` it yields ``False`` at once when another process holds it.
    The kernel drops the lock when its holder dies, even by SIGKILL.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def remove_stale_parts(directory: str | os.PathLike[str]) -> int:
    """Delete temporary ``.*.part*`` files a killed writer left in ``directory`` (not recursive).

    Call it only while holding :func:`folder_lock` on the folder, so no live writer's
    temporary file is taken. Returns how many were removed.
    """
    removed = 0
    folder = Path(directory)
    if not folder.is_dir():
        return 0
    for path in folder.glob(".*.part*"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed
