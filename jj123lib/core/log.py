"""jj123's log: where a caught failure leaves its traceback, under an incident id the user is shown.

Every failure-isolation point (a batch report or document that fails, a file ingest could not read,
the command line's last-resort catch) calls :func:`record_incident`. It writes the traceback to
``<data_dir>/logs/jj123.log`` (rotating, timestamps in China time with their offset) under a short
incident id such as ``J-20261205-1a2b3c``; the Chinese message the user sees names both
(:meth:`Incident.zh`), so the maintainer finds the record. ``jj123 -v`` also shows the log on
stderr (:func:`show_on_terminal`).

A data folder jj123 may not write into (a foreign folder given by mistake, a read-only disk) sends
the log to ``jj123-logs`` in the system's temporary folder instead; the message names that file.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import secrets
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jj123lib.core.clock import CHINA_TZ, china_now, frozen_now
from jj123lib.core.datadir import LOG_DIR, writable_data_dir
from jj123lib.core.exceptions import Jj123Error

__all__ = ["logger", "LOG_DIR", "LOG_NAME", "Incident", "log_file", "new_incident_id", "record_incident",
           "show_on_terminal", "trace_of"]

logger = logging.getLogger("jj123")
logger.addHandler(logging.NullHandler())  # a library logs nothing anywhere unless asked (or an incident)
logger.setLevel(logging.INFO)

LOG_NAME = "jj123.log"
LOG_MAX_BYTES = 2_000_000
LOG_BACKUPS = 5  # jj123.log.1 … .5: about 12 MB of history at most
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(incident)s] %(message)s"
_lock = threading.Lock()  # the batch's threads may record incidents at once


class ChinaTimeFormatter(logging.Formatter):
    """Timestamps in China time with their offset (``2026-12-05T11:46:20.123+08:00``), whatever the machine's zone."""

    def __init__(self) -> None:
        super().__init__(FORMAT, defaults={"incident": "-"})

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        # Through the one clock: a frozen clock (tests, a replay) stamps the log as it stamps the ledger.
        moment = frozen_now() or datetime.fromtimestamp(record.created, CHINA_TZ)
        return china_now(moment).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Incident:
    """One recorded failure: its id and the log file holding its traceback."""

    id: str
    log_file: Path

    def zh(self) -> str:
        """What the user is told, appended to the failure's own Chinese message."""
        return f"事件编号 {self.id}，详情见日志 {self.log_file}"


def log_file(data_dir: str | os.PathLike[str] | None) -> Path:
    """The log file of a data folder: ``<data_dir>/logs/jj123.log``."""
    return writable_data_dir(data_dir) / LOG_DIR / LOG_NAME


def new_incident_id(now: datetime | None = None) -> str:
    """A short id, unique enough to find one record: the China date and six hex digits."""
    return f"J-{china_now(now):%Y%m%d}-{secrets.token_hex(3)}"


def trace_of(exc: BaseException) -> str:
    """``exc``'s traceback as text (what a worker process sends back with its failure)."""
    return "".join(traceback.format_exception(exc)).rstrip()


def record_incident(data_dir: str | os.PathLike[str] | None, what: str, exc: BaseException | None = None,
                    trace: str | None = None) -> Incident:
    """Log ``what`` with the traceback of ``exc`` (or the text ``trace``) under a new incident id.

    Never raises: a log that cannot be written falls back to the temporary folder, and failing
    that to stderr, so recording a failure never becomes a failure of its own.
    """
    incident = new_incident_id()
    message = what if trace is None else f"{what}\n{trace}"
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    for path in _candidate_files(data_dir):
        try:
            _write(path, incident, message, exc_info)
        except OSError:
            continue
        return Incident(incident, path)
    logger.error(message, exc_info=exc_info, extra={"incident": incident})  # only on -v or to stderr
    fallback = Path(tempfile.gettempdir()) / "jj123-logs" / LOG_NAME
    sys.stderr.write(f"（无法写入日志 {fallback}；事件 {incident} 的详情如下）\n{trace or ''}"
                     f"{trace_of(exc) if exc is not None else ''}\n")
    return Incident(incident, fallback)


def _candidate_files(data_dir: str | os.PathLike[str] | None) -> list[Path]:
    fallback = Path(tempfile.gettempdir()) / "jj123-logs" / LOG_NAME
    try:
        return [log_file(data_dir), fallback]
    except (Jj123Error, OSError):  # not a folder jj123 may write into
        return [fallback]


class _OneIncident(logging.Filter):
    """Lets through only the record of one incident (other threads may log meanwhile)."""

    def __init__(self, incident: str) -> None:
        super().__init__()
        self.incident = incident

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "incident", None) == self.incident


def _write(path: Path, incident: str, message: str,
           exc_info: tuple[type[BaseException], BaseException, object] | None) -> None:
    """Log one record through a file handler opened for it: incidents are rare, and no file stays open."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8")
    handler.setFormatter(ChinaTimeFormatter())
    handler.addFilter(_OneIncident(incident))
    with _lock:
        logger.addHandler(handler)
        try:
            logger.error(message, exc_info=exc_info, extra={"incident": incident})  # type: ignore[arg-type]
        finally:
            logger.removeHandler(handler)
            handler.close()


def show_on_terminal(stream: object = None) -> logging.Handler:
    """``-v``: every record of the ``jj123`` logger is also shown on stderr (once, however often called)."""
    for handler in logger.handlers:
        if getattr(handler, "jj123_terminal", False):
            return handler
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(ChinaTimeFormatter())
    handler.jj123_terminal = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    return handler
