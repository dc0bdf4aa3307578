"""Shared fixtures, and the frozen clock the whole suite runs under.

The suite runs with the office's clock frozen (``$JJ123_FROZEN_NOW``, read by ``core.clock``) at
:data:`DEFAULT_TEST_NOW`, or at ``$JJ123_TEST_NOW`` when set, so it can be run at any date::

    JJ123_TEST_NOW=2026-07-01T10:00:00+08:00 python -m pytest

``scripts/clock_smoke.sh`` runs the tests marked ``clock_smoke`` at three dates (2026-07-01, 2026-12-05,
2027-06-01); ``make test-dates`` runs the whole suite at each. A test whose scenario is set on named days
says so: ``clock_at`` for one test, ``q3_forms_received``, ``demo_year_viewed`` or ``record_year_played`` for
a module; any other test must hold at every date.

It is set in the environment at configure time, so xdist workers and every subprocess (the CLI,
notebook kernels, batch workers) see the same moment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.run import BatchResult
    from jj123lib.demo.generate import DemoSummary

DEFAULT_TEST_NOW = "2026-12-05T10:00:00+08:00"
TEST_NOW_ENV = "JJ123_TEST_NOW"


def pytest_configure(config: pytest.Config) -> None:
    """Freeze the clock for the session (workers inherit it; a worker finds it already set)."""
    from jj123lib.core.clock import FROZEN_NOW_ENV, frozen_now

    os.environ[FROZEN_NOW_ENV] = os.environ.get(TEST_NOW_ENV) or DEFAULT_TEST_NOW
    frozen_now()  # a bad $JJ123_TEST_NOW stops the run here, not in the middle of a test


@pytest.fixture(scope="session")
def test_now() -> datetime:
    """The moment the suite's clock is frozen at (China time), whichever module asks first (a module may
    freeze its own clock at another moment)."""
    from jj123lib.core.clock import china_now

    return china_now(datetime.fromisoformat(os.environ.get(TEST_NOW_ENV) or DEFAULT_TEST_NOW))


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    """One demo dataset for the whole session (built through the real ingest path, a few seconds)."""
    from jj123lib.demo.generate import generate_demo

    folder: Path = tmp_path_factory.mktemp("demo") / "data"
    with _clock_frozen_at(DEFAULT_TEST_NOW):  # whichever module asks first
        return generate_demo(folder, seed=2026)


@pytest.fixture(scope="session")
def demo_batch(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> BatchResult:
    """One full `jj123 batch` run (8 leader reports + overview, HTML and PDF) on the demo data."""
    from jj123lib.batch.run import run_batch

    out = tmp_path_factory.mktemp("reports") / "2026Q3"
    with _clock_frozen_at(DEFAULT_TEST_NOW):  # the reports the tests read are those of that moment
        return run_batch("2026Q3", data_dir=demo_data.data_dir, out=out, progress=False)


@pytest.fixture()
def clock_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], datetime]:
    """Freeze the clock at another moment for one test (subprocesses too), for a scenario set at a fixed date.

    ``clock_at("2026-10-20T10:00:00+08:00")`` returns that moment; the session's clock comes back after the test.
    """
    from jj123lib.core.clock import FROZEN_NOW_ENV, china_now

    def freeze(moment: str) -> datetime:
        monkeypatch.setenv(FROZEN_NOW_ENV, moment)
        return china_now()

    return freeze


Q3_RECEIVED = "2026-10-20T10:00:00+08:00"


@contextmanager
def _clock_frozen_at(moment: str) -> Iterator[datetime]:
    from jj123lib.core.clock import FROZEN_NOW_ENV, china_now

    before = os.environ[FROZEN_NOW_ENV]
    os.environ[FROZEN_NOW_ENV] = moment
    try:
        yield china_now()
    finally:
        os.environ[FROZEN_NOW_ENV] = before


@pytest.fixture(scope="module")
def q3_forms_received() -> Iterator[datetime]:
    """The clock at 2026-10-20 10:00 for a whole module, its module fixtures too: for tests whose forms are
    Q3's, dated in October, so 填报日期 is never after 'today' whatever date the suite runs at.

    Use it as ``pytestmark = pytest.mark.usefixtures("q3_forms_received")``.
    """
    with _clock_frozen_at(Q3_RECEIVED) as moment:
        yield moment


@pytest.fixture(scope="module")
def demo_year_viewed() -> Iterator[datetime]:
    """The clock at :data:`DEFAULT_TEST_NOW` for a whole module, whatever ``$JJ123_TEST_NOW`` says: for tests
    of the demo's reports and documents, whose expectations (snapshots too) are those of that moment.

    Use it as ``pytestmark = pytest.mark.usefixtures("demo_year_viewed")``.
    """
    with _clock_frozen_at(DEFAULT_TEST_NOW) as moment:
        yield moment


@pytest.fixture(scope="module")
def record_year_played() -> Iterator[datetime]:
    """The clock at :data:`DEFAULT_TEST_NOW` for a whole module, whatever ``$JJ123_TEST_NOW`` says: for tests
    whose scenarios play the office's year up to December on named days (forms received in October, 督办 steps
    and their due dates in November), so "now" comes after every moment they name, as when they were written.

    Use it as ``pytestmark = pytest.mark.usefixtures("record_year_played")``.
    """
    with _clock_frozen_at(DEFAULT_TEST_NOW) as moment:
        yield moment
