"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.run import BatchResult
    from jj123lib.demo.generate import DemoSummary


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    """One demo dataset for the whole session (built through the real ingest path, a few seconds)."""
    from jj123lib.demo.generate import generate_demo

    folder: Path = tmp_path_factory.mktemp("demo") / "data"
    return generate_demo(folder, seed=2026)


@pytest.fixture(scope="session")
def demo_batch(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> BatchResult:
    """One full `jj123 batch` run (8 leader reports + overview, HTML and PDF) on the demo data."""
    from jj123lib.batch.run import run_batch

    out = tmp_path_factory.mktemp("reports") / "2026Q3"
    return run_batch("2026Q3", data_dir=demo_data.data_dir, out=out, progress=False)
