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
from pathlib import Path

from jj123lib.atomic import atomic_write

DEMO_MARKER = "DEMO_DATA.json"
DEMO_BANNER = "示例数据：本页内容由内置演示数据生成，不代表任何单位的真实工作进展。"


def project_root() -> Path | None:
    """The source checkout jj123lib runs from (the folder holding its ``pyproject.toml``), or None when installed."""
    from jj123lib.resources import PACKAGE_DIR

    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() else None


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The absolute data folder: argument, else ``$JJ123_DATA_DIR``, else ``data``; relative paths from the
    project root in a source checkout, else from the current folder."""
    if data_dir is None:
        data_dir = os.environ.get("JJ123_DATA_DIR") or "data"
    path = Path(data_dir).expanduser()
    if not path.is_absolute():
        path = (project_root() or Path.cwd()) / path
    return Path(os.path.abspath(path))


def is_demo(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """True when the folder was made by ``jj123 demo-data``."""
    return (resolve_data_dir(data_dir) / DEMO_MARKER).is_file()


def mark_demo(data_dir: str | os.PathLike[str], seed: int) -> None:
    """Write the demo marker into ``data_dir``."""
    payload = {"kind": "demo", "seed": seed, "note": DEMO_BANNER}
    atomic_write(Path(data_dir) / DEMO_MARKER, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
