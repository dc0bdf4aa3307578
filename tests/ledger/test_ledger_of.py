"""``Ledger.of``: a ledger object passes through, a folder gets its ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from jj123lib.core.exceptions import ParameterError
from jj123lib.ledger.store import Ledger


def test_a_ledger_passes_through(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    assert Ledger.of(ledger) is ledger


def test_a_folder_gets_its_ledger(tmp_path: Path) -> None:
    ledger = Ledger.of(tmp_path)
    assert isinstance(ledger, Ledger) and ledger.data_dir == Ledger(tmp_path).data_dir
    assert Ledger.of(str(tmp_path)).path == ledger.path


def test_existing_refuses_a_folder_that_is_not_a_data_folder(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="不是 jj123 数据文件夹"):
        Ledger.of(tmp_path, existing=True)
    ledger = Ledger(tmp_path)
    assert Ledger.of(ledger, existing=True) is ledger
