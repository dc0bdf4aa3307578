"""What every page of the workbench shares: the session (data folder, rules, quarter, the clerk's name), the
action runner (Chinese message on failure, 'waiting for the ledger' while another clerk writes) and the
widgets that show results: escaped tables with the lights as colours, download links.

Unit-typed text reaches the page only through :func:`jj123lib.render.htmlkit.esc` (via ``table``) or through
text widgets, never as HTML of its own.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import ipywidgets as widgets
from markupsafe import Markup

from jj123lib.core.atomic import folder_lock
from jj123lib.core.clock import china_today
from jj123lib.core.datadir import is_demo, resolve_data_dir
from jj123lib.core.exceptions import Jj123Error, os_error_zh
from jj123lib.domain import lights
from jj123lib.domain.quarters import previous_quarter, quarter_of
from jj123lib.render.htmlkit import badge, esc, table

if TYPE_CHECKING:
    import pandas as pd

    from jj123lib.domain.rules import Rules

__all__ = ["Session", "Uploaded", "download_link", "frame_html", "message", "saved_uploads", "uploads", "zip_bytes"]

T = TypeVar("T")

_TONES = {"ok": "#1b5e20", "error": "#b71c1c", "wait": "#8a6d00", "info": "#37474f"}


def message(text: str, tone: str = "info") -> str:
    """A status line; ``text`` is escaped (a library message may quote what a unit typed)."""
    return str(Markup('<div class="jj-status" style="color:{};white-space:pre-wrap">{}</div>').format(
        _TONES[tone], text))


@dataclass
class Session:
    """One browser session: its data folder, the rules in force, the quarter on show and the clerk acting."""

    data_dir: Path
    rules_path: str | None = None
    units_path: str | None = None
    clerk: str = ""
    quarter: str = ""

    @classmethod
    def from_environment(cls) -> Session:
        """The session ``jj123 serve`` set up through the environment (data folder, rules, units)."""
        today = china_today()
        current = quarter_of(today.year, (today.month - 1) // 3 + 1)
        return cls(resolve_data_dir(os.environ.get("JJ123_DATA_DIR")), os.environ.get("JJ123_RULES") or None,
                   os.environ.get("JJ123_UNITS") or None, quarter=previous_quarter(current) or current)

    @property
    def demo(self) -> bool:
        return is_demo(self.data_dir)

    def rules(self) -> Rules:
        from jj123lib.domain.rules import load_rules

        return load_rules(self.rules_path)

    def run(self, status: widgets.HTML, what: str, action: Callable[[], T], *, writes: bool = True) -> T | None:
        """Run one library call for the page: ``None`` (and a Chinese message in ``status``) when it fails.

        A writing action needs the clerk's name (it is recorded) and says so while another clerk's write
        holds the ledger's folder lock; the library call itself then waits for the lock.
        """
        if writes and not self.clerk.strip():
            status.value = message("请先在页面顶部填写您的姓名：每项操作都记录操作人。", "error")
            return None
        waiting = False
        if writes and self.data_dir.is_dir():
            with folder_lock(self.data_dir, wait=False) as free:
                waiting = not free
        status.value = message(f"其他同事正在写入台账，等其完成后即{what}……" if waiting else f"正在{what}……", "wait")
        try:
            return action()
        except Jj123Error as exc:
            status.value = message(f"{what}未完成：{exc}", "error")
        except OSError as exc:
            where = f"“{exc.filename}”" if exc.filename else ""
            status.value = message(f"{what}未完成：无法读写{where}：{os_error_zh(exc)}", "error")
        except Exception as exc:  # noqa: BLE001 - a bug: the clerk gets an incident id, the log the traceback
            from jj123lib.core.log import record_incident

            incident = record_incident(self.data_dir, f"workbench: {what} failed", exc)
            status.value = message(f"{what}未完成：程序内部出错（{incident.zh()}），请把该日志交给维护人员。", "error")
        return None


def _cell(value: Any, light_column: bool, lights_of: Mapping[str, str]) -> Any:
    if light_column and isinstance(value, str):
        key = lights_of.get(value) or lights.parse_light(value)
        if key is not None:
            return badge(key, value)
    return value


def frame_html(frame: pd.DataFrame, light_columns: Sequence[str] = (), empty: str = "（无）",
               lights_of: Mapping[str, str] | None = None) -> str:
    """A frame with Chinese headers as an escaped HTML table; ``light_columns`` show as coloured badges
    (their values are light labels, or keys of ``lights_of``, e.g. the year-end outcomes' lights)."""
    if frame.empty:
        return str(esc(empty))
    columns = [(str(c), "") for c in frame.columns]
    rows = ([_cell(v, c in light_columns, lights_of or {}) for c, v in zip(frame.columns, row)]
            for row in frame.itertuples(index=False, name=None))
    return str(table(columns, rows))


def download_link(name: str, data: bytes, label: str) -> str:
    """A link downloading ``data`` as ``name``: carried in the page itself, no file served from the disk."""
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    href = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return str(Markup('<a class="jj-download" download="{}" href="{}">{}</a>').format(name, href, label))


def zip_bytes(paths: Iterable[Path]) -> bytes:
    """The files as one zip (names only, no folders), ready to e-mail."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for path in paths:
            package.write(path, path.name)
    return buffer.getvalue()


@dataclass
class Uploaded:
    """One uploaded file as the browser sent it."""

    name: str
    content: bytes


def uploads(upload: widgets.FileUpload) -> list[Uploaded]:
    return [Uploaded(str(item["name"]), bytes(item["content"])) for item in upload.value]


@contextmanager
def saved_uploads(files: Sequence[Uploaded]) -> Iterator[list[Path]]:
    """The uploads as files under their own names (folders stripped) in a private folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="jj123-upload-") as folder:
        paths = []
        for i, item in enumerate(files):
            name = Path(item.name.replace("\\", "/")).name.strip() or f"上传文件{i + 1}"
            target = Path(folder) / str(i) / name
            target.parent.mkdir()
            target.write_bytes(item.content)
            paths.append(target)
        yield paths
