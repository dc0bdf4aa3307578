"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory):
    """One demo dataset for the whole session (built through the real ingest path, a few seconds)."""
    from jj123lib.demo import generate_demo

    folder: Path = tmp_path_factory.mktemp("demo") / "data"
    return generate_demo(folder, seed=2026)
