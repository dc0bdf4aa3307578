"""Evidence into the archive in streams: hashed and copied chunk by chunk, never read whole into memory.

A file is first *staged*: copied, bounded (:func:`jj123lib.core.files.read_chunks`), into a temporary
``.evidence.*.part`` file in the archive folder while its SHA-256 is computed, then fsynced. Only when every
check of the decision has passed is it *promoted* to ``<sha256>.<ext>`` (a present, intact copy is kept and
the staged one dropped). A refusal discards what was staged and any copy this decision promoted, so the
archive is as it was. Staging runs under the ledger's lock, which also clears a killed writer's ``.part`` files.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jj123lib.core.atomic import fsync_path
from jj123lib.core.files import file_digest, read_chunks

__all__ = ["Staged", "discard", "intact", "promote", "stage"]


@dataclass(frozen=True)
class Staged:
    """One evidence file copied beside the archive, not yet in it."""

    tmp: Path
    sha256: str
    ext: str
    size: int


def stage(archive_dir: Path, source: str | os.PathLike[str], ext: str, limit: int, what: str) -> Staged:
    """Copy ``source`` (a regular file of at most ``limit`` bytes) into a temporary file in ``archive_dir``."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".evidence.", suffix=".part", dir=archive_dir)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            for block in read_chunks(source, limit, what):
                digest.update(block)
                out.write(block)
                size += len(block)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Staged(Path(name), digest.hexdigest(), ext, size)


def intact(path: Path, sha256: str, size: int) -> bool:
    """Whether ``path`` is a regular file of ``size`` bytes at most whose SHA-256 is ``sha256`` (read in chunks)."""
    return file_digest(path, size) == sha256


def promote(archive_dir: Path, staged: Staged) -> Path | None:
    """Move a staged copy to ``<sha256>.<ext>``; the path if this call put it there, ``None`` if it was there."""
    target = archive_dir / f"{staged.sha256}.{staged.ext}"
    if intact(target, staged.sha256, staged.size):
        staged.tmp.unlink(missing_ok=True)
        return None
    os.chmod(staged.tmp, 0o644)
    os.replace(staged.tmp, target)
    fsync_path(archive_dir)
    return target


def discard(staged: Iterable[Staged], promoted: Iterable[Path | None]) -> None:
    """Undo a decision that did not commit: staged copies and copies it promoted are removed."""
    for item in staged:
        item.tmp.unlink(missing_ok=True)
    for path in promoted:
        if path is not None:
            path.unlink(missing_ok=True)
