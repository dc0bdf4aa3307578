"""Declared inputs: every loader says what it read, so an output's fingerprint cannot forget one.

A loader calls :func:`note_input` (the rules file, the units file, the task table, the opinions file)
or :func:`note_rows` (the ledger's read path: the tables a query read and a digest of its rows). Outside
:func:`recording_inputs` both cost one context-variable lookup. Inside, every active recorder keeps the
inputs, so a batch computes an output's data under a recorder and builds its fingerprint from what was
read (:meth:`InputRecorder.fingerprint`); the manifest lists the same inputs (:meth:`InputRecorder.listing`).

An input may carry *parts*, digests of its pieces by scope key (a ledger read's rows by ``task_id``, the
opinions file's text by leader): an output that shows only some tasks' rows is fingerprinted over those
parts (:meth:`InputRecorder.fingerprint` with ``scope``). An input without parts counts whole in any scope.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import inspect
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

__all__ = ["Input", "InputRecorder", "recording_inputs", "note_input", "note_rows", "replay", "is_recording",
           "record_view", "sha256_hex", "LEDGER", "SCOPE_COLUMNS"]

LEDGER = "ledger"  # the kind of a ledger read; its name is the tables the query read
# The column saying whose a ledger row is, first found wins: a task, a 督办 item, a 协调事项, a verification's target.
SCOPE_COLUMNS = ("task_id", "task", "duban_id", "item_id", "target")

_ACTIVE: contextvars.ContextVar[tuple[InputRecorder, ...]] = contextvars.ContextVar("jj123_inputs", default=())
_TABLES = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True)
class Input:
    """One thing an output was computed from: ``kind`` (rules, units, tasks, opinions, ledger), ``name``
    (a file's path, or a ledger read's tables), ``key`` (which read of that name: a query and its
    parameters), its ``digest`` and, optionally, the digests of its ``parts`` by scope key."""

    kind: str
    name: str
    key: str
    digest: str
    parts: tuple[tuple[str, str], ...] | None = None

    def scoped(self, scope: frozenset[str] | None) -> str:
        """The digest within ``scope`` (``None``: the whole input); an input without parts counts whole."""
        if scope is None or self.parts is None:
            return self.digest
        return sha256_hex(json.dumps([[k, d] for k, d in self.parts if k in scope], ensure_ascii=False))


@dataclass
class InputRecorder:
    """The inputs noted while it was active, one per (kind, name, key); a later read of the same key wins."""

    inputs: dict[tuple[str, str, str], Input] = field(default_factory=dict)

    def add(self, item: Input) -> None:
        self.inputs[(item.kind, item.name, item.key)] = item

    def fingerprint(self, scope: Iterable[str] | None = None) -> str:
        """SHA-256 over every input (kind, name, digest), within ``scope`` where an input has parts.

        What was read counts, not how it was asked: a read bounded by a day (``issued_on <= ?``) that finds
        the same rows on another day leaves the fingerprint as it was.
        """
        keys = None if scope is None else frozenset(scope)
        rows = sorted([i.kind, i.name, i.scoped(keys)] for i in self.inputs.values())
        return sha256_hex(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))

    def listing(self, scope: Iterable[str] | None = None) -> list[dict[str, str]]:
        """The inputs by kind and name, one digest each (over its reads, within ``scope``): for a manifest."""
        keys = None if scope is None else frozenset(scope)
        merged: dict[tuple[str, str], hashlib._Hash] = {}
        reads = sorted((kind, name, item.scoped(keys)) for (kind, name, _), item in self.inputs.items())
        for kind, name, scoped in reads:
            merged.setdefault((kind, name), hashlib.sha256()).update(f"{scoped}\0".encode())
        # A file is named by its file name: no output names an absolute path (the digest tells versions apart).
        return [{"kind": kind, "name": os.path.basename(name) if os.path.isabs(name) else name,
                 "digest": digest.hexdigest()[:16]} for (kind, name), digest in sorted(merged.items())]

    def kinds(self) -> set[str]:
        return {kind for kind, _, _ in self.inputs}

    def tables(self) -> set[str]:
        """The ledger tables read."""
        return {table for kind, name, _ in self.inputs if kind == LEDGER for table in name.split("+")}


@contextlib.contextmanager
def recording_inputs() -> Iterator[InputRecorder]:
    """Record every input noted in this context (also into the recorders already active around it)."""
    recorder = InputRecorder()
    token = _ACTIVE.set((*_ACTIVE.get(), recorder))
    try:
        yield recorder
    finally:
        _ACTIVE.reset(token)


def is_recording() -> bool:
    return bool(_ACTIVE.get())


def note_input(kind: str, name: str, digest: str, *, key: str = "",
               parts: Mapping[str, str] | None = None) -> None:
    """A loader read ``name`` (of ``kind``) with content ``digest``; ``parts`` its digests by scope key."""
    active = _ACTIVE.get()
    if not active:
        return
    item = Input(kind, name, key, digest, None if parts is None else tuple(sorted(parts.items())))
    for recorder in active:
        recorder.add(item)


def replay(inputs: Sequence[Input]) -> None:
    """Note again inputs recorded earlier (a memo's hit: the value was built from them)."""
    for recorder in _ACTIVE.get():
        for item in inputs:
            recorder.add(item)


def note_rows(sql: str, params: Sequence[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """The ledger read ``rows`` (``columns``) with ``sql``: noted under the tables it names, with parts by
    the first of :data:`SCOPE_COLUMNS` the rows carry. Does nothing unless a recorder is active."""
    if not _ACTIVE.get():
        return
    tables = "+".join(sorted({t.lower() for t in _TABLES.findall(sql)})) or "?"
    # repr, not JSON: several times faster, and as deterministic for the values SQLite gives (str, int, float, None).
    key = sha256_hex(" ".join(sql.split()) + "\0" + repr(tuple(params)))[:16]
    read = [tuple(row) for row in rows]
    texts = [repr(row) for row in read]
    scope = next((c for c in SCOPE_COLUMNS if c in columns), None)
    parts: dict[str, str] | None = None
    if scope is not None:
        at, by_task = list(columns).index(scope), dict[str, list[str]]()
        for row, text in zip(read, texts):  # a recognition's verification targets "N04@2026Q3": its task's part
            by_task.setdefault(str(row[at]).split("@")[0], []).append(text)
        parts = {task: sha256_hex("\n".join(lines)) for task, lines in by_task.items()}
    note_input(LEDGER, tables, sha256_hex("\n".join(texts)), key=key, parts=parts)


def record_view(build: Callable[[], object]) -> tuple[InputRecorder, str]:
    """Build a view-model and every lazily loaded part of it (its cached properties) under a recorder.

    Returns the recorder and, should the build fail, the failure's text (what was read before it counts:
    the output will fail the same way until one of those inputs changes).
    """
    with recording_inputs() as recorder:
        try:
            view = build()
            for name, member in inspect.getmembers(type(view)):
                if isinstance(member, cached_property):
                    getattr(view, name)
        except Exception as exc:  # noqa: BLE001 - the output's own render reports it, with its step
            return recorder, f"{type(exc).__name__}: {exc}"
    return recorder, ""
