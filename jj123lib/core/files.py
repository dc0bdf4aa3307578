"""Bounded reading of the files jj123 is handed: regular files only, never more than a limit.

Every file a user names (the rules, the units file, the opinions, the task table, a notice, evidence, a form)
is opened here. The open does not block (``O_NONBLOCK``), and the open descriptor is checked with ``fstat``:
a FIFO, a device (``/dev/zero``), a socket or a folder is refused before a byte is read, so none can hang
or exhaust memory. A regular file larger than the limit is refused from its size, and reading stops at the
limit anyway (a file that grows while it is read). Refusals are :class:`FileRefused`, whose ``problem`` is a
Chinese rule the caller wraps in its own error (``规则文件无效：…``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

from jj123lib.core.exceptions import Jj123Error, os_error_zh

__all__ = ["CHUNK_BYTES", "MAX_TABLE_BYTES", "FileRefused", "content_digest", "file_digest", "megabytes",
           "open_bounded", "read_bounded", "read_chunks"]

CHUNK_BYTES = 1024 * 1024  # what a stream reads at a time
MAX_TABLE_BYTES = 5 * 1024 * 1024  # a task table or a notice's text (the 2026 table: ~30 KB)


class FileRefused(Jj123Error):
    """A file that is not read: ``path`` as given, ``what`` it was meant to be and the Chinese ``problem``."""

    def __init__(self, path: str, what: str, problem: str, *, too_big: bool = False) -> None:
        self.path, self.what, self.problem, self.too_big = path, what, problem, too_big
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.what}“{self.path}”{self.problem}"


def megabytes(limit: int) -> str:
    """A byte limit as a message states it: ``20 MB``, or ``512 KB`` below one megabyte."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(limit // 1024, 1)} KB"


def _too_big(path: str, what: str, limit: int) -> FileRefused:
    return FileRefused(path, what, f"超过{what}的大小上限 {megabytes(limit)}，不予读取", too_big=True)


@contextlib.contextmanager
def open_bounded(path: str | os.PathLike[str], limit: int, what: str) -> Iterator[BinaryIO]:
    """A regular file open for reading, checked before any byte is read (see the module's docstring).

    The size on disk is checked against ``limit`` here; a reader of the handle stops at ``limit`` itself
    (:func:`read_chunks` does).
    """
    shown = os.fspath(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        problem = {errno.ENOENT: "文件不存在", errno.EISDIR: "是文件夹，不是文件",
                   errno.EACCES: "没有读取权限"}.get(exc.errno or 0)
        raise FileRefused(shown, what, problem or f"无法打开：{os_error_zh(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused(shown, what, "是文件夹，不是文件")
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(shown, what, "不是普通文件（是设备、管道或套接字），不予读取")
        if info.st_size > limit:
            raise _too_big(shown, what, limit)
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def read_chunks(path: str | os.PathLike[str], limit: int, what: str,
                chunk: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The bytes of a regular file in chunks of at most ``chunk``; :class:`FileRefused` past ``limit``."""
    shown = os.fspath(path)
    with open_bounded(path, limit, what) as handle:
        total = 0
        while True:
            try:
                block = handle.read(chunk)
            except OSError as exc:
                raise FileRefused(shown, what, f"读取失败：{os_error_zh(exc)}") from None
            if not block:
                return
            total += len(block)
            if total > limit:
                raise _too_big(shown, what, limit)
            yield block


def read_bounded(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The whole content of a regular file of at most ``limit`` bytes; :class:`FileRefused` otherwise."""
    return b"".join(read_chunks(path, limit, what))


def _sha256(path: str | os.PathLike[str], limit: int, what: str) -> str:
    digest = hashlib.sha256()
    for block in read_chunks(path, limit, what):
        digest.update(block)
    return digest.hexdigest()


def file_digest(path: str | os.PathLike[str], limit: int = MAX_TABLE_BYTES) -> str | None:
    """The SHA-256 of a regular file of at most ``limit`` bytes, read in chunks; ``None`` for anything else
    (missing, a FIFO, a device, too big): a memo key then names the path only, and the file's own loader
    refuses it in Chinese."""
    try:
        return _sha256(path, limit, "文件")
    except FileRefused:
        return None


def content_digest(path: str | os.PathLike[str], limit: int, what: str) -> str:
    """The SHA-256 of the file a fingerprint covers, read in chunks: that of no bytes when it is missing (its
    loader says so where it is needed); :class:`FileRefused`, naming it as ``what``, for a folder, a FIFO, a
    device or a file past ``limit``."""
    if not os.path.lexists(path):
        return hashlib.sha256(b"").hexdigest()
    return _sha256(path, limit, what)
