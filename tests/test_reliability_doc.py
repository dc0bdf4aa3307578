"""docs/reliability.md quotes the counts of the corpus, hostile strings and crash points: keep them true."""

from __future__ import annotations

from pathlib import Path

from tests.bad_inputs import CASES
from tests.batch import test_batch_crash, test_batch_faults
from tests.hostile import HOSTILE
from tests.intake import test_crash_safety

DOC = (Path(__file__).resolve().parent.parent / "docs" / "reliability.md").read_text(encoding="utf-8")


def test_counts_in_the_doc_match_the_code() -> None:
    n_reject = sum(c.outcome == "reject" for c in CASES)
    n_accept = sum(c.outcome == "accept" for c in CASES)
    assert f"**{len(CASES)} bad inputs** ({n_reject} rejected, {n_accept} accepted" in DOC
    assert f"**{len(HOSTILE)} hostile strings**" in DOC
    assert f"**{len(test_crash_safety.KILL_POINTS)} crash points + {len(test_crash_safety.TIMED_KILLS)} timed kills**" \
        in DOC
    assert f"**{len(test_batch_crash.KILLS)} batch kill points**" in DOC
    assert f"**{len(test_batch_faults.FAULTS)} batch faults**" in DOC
    assert len(CASES) >= 30 and len(HOSTILE) >= 20


def test_every_case_is_in_the_decision_table() -> None:
    for case in CASES:
        assert f"| `{case.name}` |" in DOC, case.name
