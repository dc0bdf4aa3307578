"""Which published periods a batch of forms would change, found before any of them is taken in.

A progress form changes its quarter; a plan, its year's quarters; each, its year's review. A form counts for a
published period only when it is received at or before the moment the period was published at: a form received
later is not in that period's view (it changes the live ledger only). The command refuses such a change unless it
is a recorded correction (``ingest --correct``); the workbench refuses it outright.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from jj123lib.core.clock import china_now
from jj123lib.core.datadir import is_demo
from jj123lib.core.exceptions import Jj123Error
from jj123lib.domain.quarters import year_quarters
from jj123lib.intake.ingest import ParsedFile, parse_file
from jj123lib.ledger.publications import publication, publications
from jj123lib.ledger.store import Ledger

__all__ = ["published_periods"]


def published_periods(files: list[str | os.PathLike[str]], data_dir: str | os.PathLike[str],
                      received: datetime | None, rules: Mapping[str, Any]) -> list[str]:
    """The published periods (quarters, years) these forms, received at ``received`` (default: now), would change."""
    moment = china_now(received)
    touched: list[str] = []
    if not any(row["kind"] == "publish" for row in publications(data_dir)):
        return touched  # nothing published: no form is read twice
    for name in files:
        try:
            parsed = parse_file(name, demo_dir=is_demo(Path(data_dir)), ledger=Ledger(data_dir), rules=rules)
        except (Jj123Error, OSError):
            continue  # ingest itself refuses it, naming why
        if not isinstance(parsed, ParsedFile):
            continue
        # A form also changes its year's review: the year too, once that is published.
        quarters = [str(parsed.quarter)] if parsed.kind == "progress" else year_quarters(parsed.year)
        for quarter in [*quarters, quarters[0][:4]]:
            found = publication(data_dir, quarter)
            if found is not None and found.moment >= moment and quarter not in touched:
                touched.append(quarter)
    return touched
