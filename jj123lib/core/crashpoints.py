"""Test-only crash points: ``JJ123_CRASH_AT=<name>[@<n>]`` SIGKILLs the process at the n-th pass of ``<name>``.

Crash-safety tests use them to kill a command at exact moments (before/after the archive copy,
inside the transaction, after the commit, between a report's HTML and its PDF…) rather than
hoping a timer lands there. Unset, :func:`crash_point` costs one dictionary lookup and does
nothing. The points of ``jj123 ingest`` are :data:`CRASH_POINTS` (``tests/intake/test_crash_safety.py``),
those of ``jj123 batch`` :data:`BATCH_CRASH_POINTS` (``tests/batch/test_batch_crash.py``), those of the
supervision commands :data:`SUPERVISION_CRASH_POINTS` (``tests/loop/test_duban.py``, ``test_verification.py``).
"""

from __future__ import annotations

import os
import signal

__all__ = ["CRASH_ENV", "CRASH_POINTS", "BATCH_CRASH_POINTS", "SUPERVISION_CRASH_POINTS", "PUBLICATION_CRASH_POINTS",
           "crash_point"]

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
BATCH_CRASH_POINTS: tuple[str, ...] = (
    "batch.locked",           # output folder locked, stale temp files cleared, nothing rendered
    "batch.submitted",        # every report handed to a worker (kernels booting), Chromium started
    "batch.rendered",         # a report's HTML written by its worker, its PDF not yet printed
    "batch.printed",          # a report's PDF written
    "batch.before_manifest",  # every report finished, manifest.json and index.html not yet written
)
SUPERVISION_CRASH_POINTS: tuple[str, ...] = (
    "supervision.after_archive",   # evidence moved into the archive, its rows inserted, COMMIT not run
    "supervision.before_commit",   # 督办/核实 rows inserted, COMMIT not run
    "supervision.duban_step",      # a new 督办 item and its first step inserted, its event and COMMIT not run
)
PUBLICATION_CRASH_POINTS: tuple[str, ...] = (
    "publish.copied",          # the ledger copied into the snapshot's temporary folder
    "publish.snapshot",        # the snapshot renamed into place, its publication not yet recorded
    "publish.rendered",        # the quarter rendered from the snapshot
    "publish.before_commit",   # the publication row inserted, COMMIT not run
    "correction.prepared",     # the snapshot's copy corrected, the live ledger not yet
    "correction.applied",      # the live ledger corrected, its correction row not yet written
    "correction.recorded",     # the live correction row committed, the snapshot not yet swapped
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
