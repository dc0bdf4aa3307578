"""The ledger's CHECK constraints say what domain.vocab says."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from jj123lib.domain import lights, vocab
from jj123lib.ledger.store import LEDGER_FILE, Ledger

_IN = re.compile(r"(\w+) TEXT NOT NULL CHECK \((\w+) IN \(([^)]*)\)\)")
_BETWEEN = re.compile(r"(\w+) INTEGER NOT NULL CHECK \((\w+) BETWEEN (\d+) AND (\d+)\)")

EXPECTED_IN = {
    ("files", "kind"): vocab.FILE_KINDS,
    ("submissions", "role"): vocab.ROLES,
    ("overrides", "light"): vocab.OVERRIDE_LIGHTS,
    ("duban", "status"): vocab.DUBAN_STATUSES,
    ("duban_responses", "status"): vocab.RESPONSE_STATUSES,
    ("verifications", "kind"): vocab.VERIFICATION_KINDS,
    ("verifications", "decision"): vocab.VERIFICATION_DECISIONS,
    ("coordination", "status"): vocab.COORDINATION_STATUSES,
    ("coordination_departments", "source"): vocab.DEPARTMENT_SOURCES,
    ("benchmark_plan", "goal_level"): ("", *vocab.GOAL_LEVELS),  # '' when a task aims at no recognition
    ("recognitions", "stage"): vocab.RECOGNITION_STAGES,
    ("file_events", "action"): vocab.FILE_ACTIONS,
    ("publications", "kind"): vocab.PUBLICATION_KINDS,
}


def _table_sql(tmp_path: Path) -> dict[str, str]:
    with Ledger(tmp_path).transaction():
        pass
    conn = sqlite3.connect(tmp_path / LEDGER_FILE)
    try:
        return {name: sql for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_check_lists_are_the_vocabulary(tmp_path: Path) -> None:
    found = {}
    for table, sql in _table_sql(tmp_path).items():
        for column, checked, words in _IN.findall(sql):
            assert column == checked
            found[(table, column)] = tuple(re.findall(r"'([^']*)'", words))
    assert found == EXPECTED_IN


def test_duban_levels_are_the_vocabulary(tmp_path: Path) -> None:
    sql = _table_sql(tmp_path)
    assert _BETWEEN.findall(sql["duban"]) == [("level", "level", "1", str(len(vocab.LEVELS)))]


def test_override_lights_are_the_rated_lights() -> None:
    assert vocab.OVERRIDE_LIGHTS == lights.RATED
    assert set(vocab.OVERRIDE_LIGHTS) <= set(lights.ORDER)
