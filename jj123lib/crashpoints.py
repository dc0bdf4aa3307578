"""Test-only crash points: ``JJ123_CRASH_AT=<name>[@<n>]`` SIGKILLs the process at the n-th pass of ``<name>``.

Crash-safety tests (``tests/test_crash_safety.py``) use them to kill ``jj123 ingest``
at exact moments (before/after the archive copy, inside the transaction, after the
commit…) rather than hoping a timer lands there. Unset, :func:`crash_point` costs one
dictionary lookup and does nothing. Points are listed in :data:`CRASH_POINTS`.
"""

from __future__ import annotations

import os
import signal

__all__ = ["CRASH_ENV", "CRASH_POINTS", "crash_point"]

CRASH_ENV = "JJ123_CRASH_AT"
CRASH_POINTS: tuple[str, ...] = (
    "ingest.parsed",          # every file read and checked, lock not yet taken
    "ingest.locked",          # data-folder lock held, nothing written
    "ledger.before_archive",  # about to copy the file into archive/
    "atomic.before_rename",   # temp file written and fsynced, not yet renamed to its final path
    "ledger.after_archive",   # archive copy in place, transaction not begun
    "ledger.before_commit",   # rows inserted inside BEGIN IMMEDIATE, COMMIT not run
    "ledger.after_commit",    # file committed, next file (if any) not begun
)
_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    """SIGKILL this process if ``$JJ123_CRASH_AT`` names this point (and its pass count is reached)."""
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    target, _, nth = spec.partition("@")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
