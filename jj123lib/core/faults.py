"""Test-only fault injection: ``JJ123_FAULT_AT=<point>[@<report>][,…]`` raises at a step of a batch report.

Failure-isolation tests (``tests/batch/test_batch_faults.py``) make one report fail at an exact step
(in the notebook workers too: they inherit the environment) and check that the batch records it
and writes every other report, ``manifest.json`` and ``index.html``. ``<report>`` is the report's
or document's file stem (``wu-zunyi``, ``overview``, ``bulletin``, ``DB-2026Q3-001``); without it every
report (or document) fails there. Write steps raise
``OSError(ENOSPC)`` as a full disk does; the others raise ``RuntimeError``. Unset, a point costs
one dictionary lookup and does nothing. Points are listed in :data:`FAULT_POINTS`.
"""

from __future__ import annotations

import errno
import os

__all__ = ["FAULT_ENV", "FAULT_POINTS", "fault_point"]

FAULT_ENV = "JJ123_FAULT_AT"
FAULT_POINTS: tuple[str, ...] = (
    "batch.execute",        # worker: papermill running the notebook
    "batch.save_notebook",  # worker: the executed notebook taking its final name
    "batch.html",           # worker: nbconvert export
    "batch.write_html",     # worker: writing the HTML
    "batch.pdf",            # main process: Chromium printing
    "batch.write_pdf",      # main process: writing the PDF
    "batch.build_docx",     # main process: building a Word document (its data and layout)
    "batch.write_docx",     # main process: writing the .docx
)
_DISK_FULL = ("batch.save_notebook", "batch.write_html", "batch.write_pdf", "batch.write_docx")


def fault_point(name: str, report: str) -> None:
    """Raise if ``$JJ123_FAULT_AT`` names this point (for this report or for all)."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    for item in spec.split(","):
        target, _, who = item.strip().partition("@")
        if target == name and who in ("", report):
            if name in _DISK_FULL:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), report)
            raise RuntimeError(f"injected fault at {name} ({report})")
