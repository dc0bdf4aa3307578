"""Per-process memos of what every report of a batch kernel reads alike, keyed by content.

A batch kernel renders several reports of one quarter, and each reads the same quarter-wide
data (ratings, the supervision lists, the 对标 view) before keeping its own rows. A memo here
builds each once per kernel. The key (:func:`content_key`) holds the ledger's path and logical
fingerprint and the digests of the rules, task and units files, so any change to the data or
the rules is a miss: an analyst's long-lived JupyterLab kernel sees a new form at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from datetime import date
from typing import Any, Generic, TypeVar

from jj123lib.core.files import file_digest
from jj123lib.core.inputs import Input, is_recording, recording_inputs, replay
from jj123lib.ledger.store import Ledger

__all__ = ["Memo", "content_key", "steady_ledgers", "ledger_fingerprint"]

T = TypeVar("T")

_STEADY: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("jj123_steady", default=None)


@contextlib.contextmanager
def steady_ledgers() -> Iterator[None]:
    """Within, each ledger's fingerprint is read once: a batch's planning keys many memo reads on one ledger."""
    token = _STEADY.set({})
    try:
        yield
    finally:
        _STEADY.reset(token)


def ledger_fingerprint(ledger: Ledger) -> str:
    """``ledger.fingerprint()``, read once per ledger within :func:`steady_ledgers`."""
    steady = _STEADY.get()
    if steady is None:
        return ledger.fingerprint()
    path = str(ledger.path.resolve())
    if path not in steady:
        steady[path] = ledger.fingerprint()
    return steady[path]


def _file_key(path: str | os.PathLike[str]) -> str:
    return f"{path}\0{file_digest(path) or '-'}"  # bounded: a FIFO or /dev/zero never hangs a memo


def content_key(ledger: Ledger, as_of: date | None, *extra: str, rules: Mapping[str, Any] | None = None,
                units: str | os.PathLike[str] | None = None) -> tuple[str, ...]:
    """What the quarter's derived data depends on: the ledger's content, the office's files, the day.

    ``rules`` (a :class:`jj123lib.domain.rules.Rules`) and ``units`` name the files in use; without, the defaults.
    """
    from jj123lib.domain.rules import rules_file
    from jj123lib.domain.tasks import default_tasks_path
    from jj123lib.domain.units import default_units_path

    return (str(ledger.path.resolve()), ledger_fingerprint(ledger), "\0".join(map(str, rules_file(rules))),
            _file_key(default_tasks_path()), _file_key(default_units_path() if units is None else units),
            as_of.isoformat() if as_of is not None else "", *extra)


class Memo(Generic[T]):
    """A small thread-safe LRU memo: :meth:`get` returns the value built once for ``key``.

    A value keeps the inputs its build declared (:mod:`jj123lib.core.inputs`), and a hit declares them
    again, so an output computed under a recorder names them whether the memo was warm or not. A value
    built while nothing recorded (a kernel rendering) knows none: a recording caller builds it again.
    """

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, tuple[T, tuple[Input, ...] | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        recording = is_recording()
        with self._lock:
            found = self._values.get(key)
            if found is not None and (found[1] is None and recording):
                found = None  # its inputs are unknown: build it again, recording them
            if found is not None:
                self._values.move_to_end(key)
        if found is not None:
            replay(found[1] or ())
            return found[0]
        inputs: tuple[Input, ...] | None = None
        if recording:  # outside the lock: building reads the ledger and may take a while
            with recording_inputs() as recorder:
                value = build()
            inputs = tuple(recorder.inputs.values())
        else:
            value = build()
        with self._lock:
            self._values[key] = (value, inputs)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
