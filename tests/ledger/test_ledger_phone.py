"""联系电话: read from the form, validated, stored with the file (schema 3), shown by jj123 cuibao."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jj123lib.cli.main import main
from jj123lib.intake.forms import load_form
from jj123lib.intake.formspec import CONTACT_PHONE_CELL, CONTACT_PHONE_SHEET
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.store import SCHEMA_VERSION, Ledger
from tests.ledger_helpers import filled_progress

pytestmark = pytest.mark.usefixtures("q3_forms_received")

UNIT = "住建局"


def _with_phone(path: Path, phone: object) -> Path:
    wb = load_form(path)
    wb[CONTACT_PHONE_SHEET][CONTACT_PHONE_CELL].value = phone
    wb.save(path)
    return path


def test_phone_typed_on_the_form_is_shown_by_cuibao(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    form = _with_phone(filled_progress(tmp_path / "in", UNIT, "2026Q2"), "0595-8568 7712")
    result = ingest_files([form], data)[0]
    assert result.status == "accepted", result.message()
    assert set(Ledger(data).submissions("2026Q2")["phone"]) == {"0595-8568 7712"}
    code = main(["cuibao", "--quarter", "2026Q3", "--wide", "--data-dir", str(data), "--as-of", "2026-10-20"])
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if UNIT in line)
    assert code == 0 and "0595-8568 7712" in line


def test_blank_phone_is_allowed_and_stored_as_empty(tmp_path: Path) -> None:
    result = ingest_files([filled_progress(tmp_path, UNIT)], tmp_path / "data")[0]
    assert result.status == "accepted"
    assert Ledger(tmp_path / "data").submissions()["phone"].isna().all()


def test_invalid_phone_is_refused_naming_the_cell(tmp_path: Path) -> None:
    for phone in ("请联系办公室", "123", "1" * 21):
        form = _with_phone(filled_progress(tmp_path / phone[:3], UNIT), phone)
        result = ingest_files([form], tmp_path / "data")[0]
        assert result.status == "rejected"
        [error] = result.errors
        assert (error.sheet, error.row, error.column) == (CONTACT_PHONE_SHEET, 3, "联系电话")
    number = _with_phone(filled_progress(tmp_path / "n", UNIT), 13905951234)  # typed where the text format was lost
    assert ingest_files([number], tmp_path / "data")[0].status == "accepted"
    assert set(Ledger(tmp_path / "data").submissions()["phone"]) == {"13905951234"}


def test_schema_two_ledger_gains_the_phone_column_on_the_next_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert ingest_files([filled_progress(tmp_path / "a", UNIT, "2026Q2")], data)[0].status == "accepted"
    conn = sqlite3.connect(Ledger(data).path)
    conn.execute("ALTER TABLE files DROP COLUMN phone")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    old = Ledger(data).submissions()
    assert len(old) and old["phone"].isna().all()  # readable before the upgrade
    form = _with_phone(filled_progress(tmp_path / "b", UNIT), "13905951234")
    assert ingest_files([form], data)[0].status == "accepted"
    ledger = Ledger(data)
    assert ledger.schema_version() == SCHEMA_VERSION
    assert set(ledger.submissions("2026Q3")["phone"]) == {"13905951234"}
    assert len(ledger.submissions("2026Q2")) == len(old)
