"""Where the office's data lives, and whether a data folder holds demo data.

``--data-dir`` beats ``$JJ123_DATA_DIR``, which beats ``./data``. A folder made
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


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use: argument, else ``$JJ123_DATA_DIR``, else ``./data``."""
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get("JJ123_DATA_DIR")
    return Path(env) if env else Path("data")


def is_demo(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """True when the folder was made by ``jj123 demo-data``."""
    return (resolve_data_dir(data_dir) / DEMO_MARKER).is_file()


def mark_demo(data_dir: str | os.PathLike[str], seed: int) -> None:
    """Write the demo marker into ``data_dir``."""
    payload = {"kind": "demo", "seed": seed, "note": DEMO_BANNER}
    atomic_write(Path(data_dir) / DEMO_MARKER, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
