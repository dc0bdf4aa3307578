"""One ``published_request`` for the quarterly and the year-end batch: a published quarter or year reads from its
snapshot (ledger, rules, units) at its moment; a missing snapshot is refused in Chinese naming what was published."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from jj123lib.batch.pipeline import published_request
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.resources import DEFAULT_RULES
from jj123lib.domain.rules import Rules, load_rules, rules_file
from jj123lib.domain.units import default_units_path
from jj123lib.ledger.publications import publication, publish, snapshot_dir
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import record_plan

pytestmark = pytest.mark.usefixtures("q3_forms_received")


@dataclass
class Request:
    """What both batches' checked arguments hold that a publication replaces."""

    data: Path
    rules: Rules
    units_file: Path
    publication: dict[str, str] | None = None
    frozen_at: str | None = None


@pytest.mark.parametrize(("key", "shown", "missing"), [
    ("2026Q3", {"status": "published"}, "2026Q3 已于 {day} 封账发布，但其封账副本"),
    ("2026", {"status": "published", "label": "本年度考评"}, "2026 年度考评已于 {day} 发布，但其发布副本"),
])
def test_a_published_quarter_or_year_reads_from_its_snapshot(key: str, shown: dict[str, str], missing: str,
                                                               tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    record_plan(ledger, "公安局", {"N07": (20.0, 45.0, 70.0, 100.0)})
    live = Request(ledger.data_dir, load_rules(), tmp_path / "units.yaml")
    assert published_request(live, key) is live  # not published: as it is

    publish(ledger, key, by="林督查", inputs={"rules.yaml": DEFAULT_RULES, "units.yaml": default_units_path()})
    found = publication(ledger, key)
    assert found is not None
    request = published_request(live, key)
    folder = snapshot_dir(ledger, key)
    assert (request.data, request.units_file, request.frozen_at) == (folder, folder / "units.yaml", found.as_of)
    assert Path(rules_file(request.rules)[0]) == folder / "rules.yaml"
    assert request.publication == {**shown, "day": found.day, "as_of": found.as_of[:16].replace("T", " "),
                                   "corrections": "0"}
    assert list(request.publication) == [*shown, "day", "as_of", "corrections"]  # the index's order, as before
    assert published_request(live, key, found) == request  # while being published: the same

    shutil.rmtree(folder)
    with pytest.raises(LedgerError, match=missing.format(day=found.day)):
        published_request(live, key)
