"""Fingerprints of what a report is made from, for its header and for incremental batches.

* :func:`data_fingerprint` — the *data* a report shows: the ledger's logical
  content, the rules file in force (its path and content) and the task table. Printed (shortened) in the
  overview's and the year-end review's headers, so two printouts can be compared at a glance.
* :func:`code_fingerprint` — the library version and every ``jj123lib`` source
  file, so a fix in the view-models re-renders reports.

Both are cheap (no notebook machinery is imported). Whether a batch re-renders an output is not decided
here but by the inputs its loaders declared (:mod:`jj123lib.core.inputs`, :func:`jj123lib.batch.jobs.plan_jobs`),
which no list can forget.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from jj123lib.core.resources import PACKAGE_DIR

__all__ = ["data_fingerprint", "code_fingerprint", "short"]


def data_fingerprint(data_dir: str | os.PathLike[str] | None = None, rules: Mapping[str, Any] | None = None) -> str:
    """SHA-256 over the ledger fingerprint, the rules file and the task table in force.

    The rules file's path counts as well as its content: reports print the path in their header.
    ``rules`` (a :class:`jj123lib.domain.rules.Rules`) names it; without, the default rules file.
    """
    from jj123lib.core.files import MAX_TABLE_BYTES, content_digest
    from jj123lib.domain.rules import rules_file
    from jj123lib.domain.tasks import default_tasks_path
    from jj123lib.ledger.memo import ledger_fingerprint
    from jj123lib.ledger.store import Ledger

    digest = hashlib.sha256()
    digest.update(b"ledger\0" + ledger_fingerprint(Ledger(data_dir)).encode() + b"\0")
    rules_path, rules_sha = rules_file(rules)
    digest.update(b"rules\0" + str(rules_path).encode() + b"\0" + rules_sha.encode() + b"\0")
    tasks = content_digest(default_tasks_path(), MAX_TABLE_BYTES, "任务表")  # in chunks, bounded
    digest.update(b"tasks\0" + bytes.fromhex(tasks))
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """SHA-256 over ``jj123lib.__version__`` and the library's Python sources."""
    from jj123lib.core.version import __version__

    digest = hashlib.sha256(f"jj123lib {__version__}\0".encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def short(fingerprint: str) -> str:
    """The first 12 hex digits, as printed in report headers."""
    return fingerprint[:12]
