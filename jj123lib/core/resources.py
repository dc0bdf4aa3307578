"""Files that ship inside the package: notebooks, templates and the default rules.

The repository's top-level ``notebooks/`` and ``params/`` are the editable sources; ``jj123lib/notebooks``
and ``jj123lib/params`` are symlinks to them, so a wheel carries the same files and there is one copy of each.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PACKAGE_DIR", "NOTEBOOK_DIR", "TEMPLATE_DIR", "PARAMS_DIR", "DEFAULT_RULES", "CSP"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = PACKAGE_DIR / "notebooks"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
PARAMS_DIR = PACKAGE_DIR / "params"
DEFAULT_RULES = PARAMS_DIR / "rules.yaml"

# The Content-Security-Policy of every page jj123 writes (reports and the index): no scripts, nothing remote.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
