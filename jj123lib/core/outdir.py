"""Output folders jj123 may write into: an empty or new folder, or one it made before.

Every command writing a folder of files (``batch``, ``batch --year``, ``publish``, ``forms``, ``duban forms``)
claims it first with :func:`claim_output_dir`. A folder holding anything else is refused in Chinese, naming it,
so a slip of ``--out`` never scatters reports among someone's files or replaces their ``index.html``; the
file-system root and the user's home folder are refused whatever they hold. A refusal writes nothing: no lock,
no ``notebooks/``, no index. A folder jj123 claims carries the marker :data:`MARKER` (one JSON line: kind,
created_at in China time, version), by which it is recognised the next time; a batch folder made before the
marker existed is recognised by its ``manifest.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from jj123lib.core.atomic import LOCK_FILE, atomic_write
from jj123lib.core.clock import china_now_iso
from jj123lib.core.exceptions import Jj123Error
from jj123lib.core.files import FileRefused, read_bounded
from jj123lib.core.text import excerpt
from jj123lib.core.version import __version__

__all__ = ["KINDS", "MANIFEST", "MARKER", "ROOT", "OutputFolderError", "check_output_dir", "claim_output_dir",
           "output_kind", "read_manifest"]

MARKER = ".jj123-output"
MARKER_LIMIT = 4096  # the marker is one short line; never read more
MANIFEST = "manifest.json"
MANIFEST_LIMIT = 16 * 1024 * 1024  # a batch's manifest lists its reports and inputs: a few hundred KB at most
ROOT = Path(os.sep)  # a module attribute, so tests can stand a folder in for the real root
# What each kind of output folder holds, as the messages name it.
KINDS = {
    "batch": "季度督查报告",
    "annual": "年度考评报告",
    "forms": "填报表",
    "duban-forms": "整改反馈表",
}
_BATCH_KINDS = frozenset({"batch", "annual"})  # the kinds writing a manifest.json


class OutputFolderError(Jj123Error):
    """An output folder jj123 may not write into: ``path`` and the ``reason`` in Chinese."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return (f"输出文件夹“{self.path}”{self.reason}；未写入任何文件。"
                "请用 --out 指定一个新的或空的文件夹，或 jj123 此前生成的同类输出文件夹")


def _json_object(path: Path, limit: int) -> dict[str, Any] | None:
    """The JSON object in ``path``, read bounded (a FIFO or device in the folder never blocks); ``None`` if not."""
    try:
        payload = json.loads(read_bounded(path, limit, "文件").decode("utf-8"))
    except (FileRefused, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def output_kind(folder: str | os.PathLike[str]) -> str | None:
    """The kind the marker of ``folder`` names, or ``None`` (no marker, or one jj123 cannot read)."""
    kind = (_json_object(Path(folder) / MARKER, MARKER_LIMIT) or {}).get("kind")
    return kind if isinstance(kind, str) else None


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """A batch folder's ``manifest.json``, read bounded; empty when there is none or it is no JSON object."""
    return _json_object(Path(folder) / MANIFEST, MANIFEST_LIMIT) or {}


def _made_by_batch(folder: Path) -> bool:
    """A batch folder from before the marker: its ``manifest.json`` says jj123 generated it."""
    return str(read_manifest(folder).get("generator", "")).startswith("jj123")


def check_output_dir(path: str | os.PathLike[str], kind: str) -> Path:
    """``path``, absolute, when jj123 may write ``kind`` output there; else :class:`OutputFolderError`.

    Writes nothing."""
    if kind not in KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    folder = Path(os.path.abspath(path))  # as the writer will take it: a quoted "~" is a folder of that name
    shown = excerpt(folder, 120)
    resolved = folder.resolve()
    if resolved == ROOT.resolve():
        raise OutputFolderError(shown, "是文件系统的根目录，不能作为输出文件夹")
    if resolved == Path.home().resolve():
        raise OutputFolderError(shown, "是用户的主文件夹，不能作为输出文件夹")
    if not folder.exists():
        if folder.is_symlink():
            raise OutputFolderError(shown, "是一个指向不存在位置的链接")
        return folder
    if not folder.is_dir():
        raise OutputFolderError(shown, "是一个文件，不是文件夹")
    made = output_kind(folder)
    if made is not None and made != kind:
        raise OutputFolderError(shown, f"是 jj123 此前生成的{KINDS.get(made, made)}文件夹，不能再放{KINDS[kind]}")
    if made == kind or (kind in _BATCH_KINDS and _made_by_batch(folder)):
        return folder
    try:
        entries = sorted(entry.name for entry in folder.iterdir() if entry.name != LOCK_FILE)
    except OSError:
        entries = ["（无法列出内容）"]
    if entries:
        names = "、".join(excerpt(name) for name in entries[:3]) + ("等" if len(entries) > 3 else "")
        raise OutputFolderError(shown, f"不是空文件夹，也不是 jj123 生成的输出文件夹（其中有 {names}）")
    return folder


def claim_output_dir(path: str | os.PathLike[str], kind: str) -> Path:
    """Check ``path`` (:func:`check_output_dir`), then create it and mark it as jj123's ``kind`` output.

    Returns the absolute folder. Call it before writing anything there: a refusal leaves no trace.
    """
    folder = check_output_dir(path, kind)
    if output_kind(folder) != kind:
        line = json.dumps({"kind": kind, "created_at": china_now_iso(), "version": __version__}, ensure_ascii=False)
        atomic_write(folder / MARKER, line + "\n")
    return folder
