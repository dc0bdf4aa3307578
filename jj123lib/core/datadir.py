"""Where the office's data lives, and whether a data folder holds demo data.

``--data-dir`` beats ``$JJ123_DATA_DIR``, which beats ``data``. A relative path is taken from the
project root when jj123 runs from its source checkout (a ``pyproject.toml`` beside the package), else
from the current folder: a kernel started by JupyterLab in ``notebooks/`` finds the same ``data`` as
``make`` does at the root. The folder is always returned absolute, so errors name it in full. A folder made
by ``jj123 demo-data`` carries the marker file ``DEMO_DATA.json``; every report and
every command reading such a folder says 示例数据, and real submissions are never
ingested into it.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from jj123lib.core.atomic import LOCK_FILE, atomic_write
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.files import FileRefused, read_bounded

DEMO_MARKER = "DEMO_DATA.json"
MARKER_LIMIT = 64 * 1024  # the marker is a few lines; never read more
LEDGER_FILE = "ledger.sqlite"
LOG_DIR = "logs"  # jj123.log and its rotated copies (jj123lib.core.log)
# What jj123 itself puts in a data folder; a folder holding only these (or nothing) is safe to write into.
OWN_ENTRIES = frozenset({LEDGER_FILE, f"{LEDGER_FILE}-journal", f"{LEDGER_FILE}-wal", f"{LEDGER_FILE}-shm",
                         "archive", "forms", "inbox", LOG_DIR, LOCK_FILE, DEMO_MARKER})
DEMO_BANNER = "示例数据：本页内容由内置演示数据生成，不代表任何单位的真实工作进展。"


def project_root() -> Path | None:
    """The source checkout jj123lib runs from (the folder holding its ``pyproject.toml``), or None when installed."""
    from jj123lib.core.resources import PACKAGE_DIR

    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() else None


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The absolute data folder: the argument (relative to the current folder, as any command line), else
    ``$JJ123_DATA_DIR``, else ``data`` — these two relative to the project root in a source checkout (so a
    notebook in JupyterLab, whose working folder is ``notebooks/``, finds the same folder), else to the
    current folder."""
    if data_dir is not None:
        if isinstance(data_dir, str) and not data_dir.strip():  # Path("") would silently mean "."
            raise ParameterError("--data-dir", data_dir, hint="数据文件夹路径不能为空")
        return Path(os.path.abspath(Path(data_dir).expanduser()))
    path = Path(os.environ.get("JJ123_DATA_DIR") or "data").expanduser()
    if not path.is_absolute():
        path = (project_root() or Path.cwd()) / path
    return Path(os.path.abspath(path))


def is_demo(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """True when the folder was made by ``jj123 demo-data``."""
    return (resolve_data_dir(data_dir) / DEMO_MARKER).is_file()


def mark_demo(data_dir: str | os.PathLike[str], seed: int, clock: datetime | None = None) -> None:
    """Write the demo marker into ``data_dir``; ``clock`` is the moment the demo's story stands at."""
    payload: dict[str, object] = {"kind": "demo", "seed": seed, "note": DEMO_BANNER}
    if clock is not None:
        payload["clock"] = clock.isoformat()
    atomic_write(Path(data_dir) / DEMO_MARKER, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def demo_clock(data_dir: str | os.PathLike[str] | None = None) -> datetime | None:
    """The moment a demo folder's story stands at (its reads default to it), or ``None`` (not a demo folder).

    The demo is a whole year played on its own calendar, received and stamped on the story's days, so
    its pages are the same whatever day they are made on.
    """
    clock = demo_marker(data_dir).get("clock")
    try:
        return datetime.fromisoformat(str(clock)) if clock is not None else None
    except ValueError:
        return None


def demo_marker(data_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The demo marker's content, read bounded (never blocking on a FIFO); empty when there is none or it is
    no JSON object."""
    try:
        payload = json.loads(read_bounded(resolve_data_dir(data_dir) / DEMO_MARKER, MARKER_LIMIT, "示例数据标记"))
    except (FileRefused, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def is_data_dir(path: Path) -> bool:
    """True when ``path`` is a jj123 data folder: it holds a ledger or the demo marker."""
    return (path / LEDGER_FILE).is_file() or (path / DEMO_MARKER).is_file()


def readable_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """The absolute data folder for a reading command; anything but a jj123 data folder is refused."""
    path = resolve_data_dir(data_dir).absolute()
    if not path.is_dir():
        raise ParameterError("--data-dir", str(path), hint="数据文件夹不存在（可用 jj123 demo-data 生成示例数据）")
    if not is_data_dir(path):
        raise ParameterError("--data-dir", str(path), hint=f"不是 jj123 数据文件夹（其中没有 {LEDGER_FILE}；"
                                                          "请先用 jj123 ingest 导入填报表，或检查路径）")
    return path


def writable_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """The absolute data folder for a writing command: a jj123 data folder, or one that is new or empty.

    A folder holding anything jj123 did not put there (``/``, a home folder, ``/proc``) is
    refused, so a slip of ``--data-dir`` never scatters a ledger among someone's files.
    """
    path = resolve_data_dir(data_dir).absolute()
    if not path.exists():
        return path
    if not path.is_dir():
        raise ParameterError("--data-dir", str(path), hint="这是一个文件，不是文件夹")
    if is_data_dir(path):
        return path
    try:
        foreign = sorted(entry.name for entry in path.iterdir() if entry.name not in OWN_ENTRIES)
    except OSError:
        foreign = ["（无法列出内容）"]
    if foreign:
        shown = "、".join(foreign[:3]) + ("等" if len(foreign) > 3 else "")
        raise ParameterError("--data-dir", str(path), hint=f"不是 jj123 数据文件夹，且不是空文件夹（其中有 {shown}）；"
                                                          "请指定已有的数据文件夹，或一个新的空文件夹")
    return path
