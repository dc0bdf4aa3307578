"""Every case of the bad-input corpus (tests/bad_inputs.py) through ``jj123 ingest``.

Per case: snapshot the data folder (ledger bytes + archive), ingest through the CLI
entry, then check the outcome and message, that a rejection left every byte as it was,
that an acceptance lost nothing already there, and that the original file is untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bad_inputs import CASES, UNIT, Case
from ledger_helpers import filled_progress, snapshot

from jj123lib.cli import main
from jj123lib.ledger import Ledger

BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def base_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder already holding the unit's 2026Q2 report and another unit's 2026Q3 report."""
    from jj123lib.ingest import ingest_files

    root = tmp_path_factory.mktemp("base")
    folder = root / "data"
    files = [filled_progress(root / "in", UNIT, "2026Q2"), filled_progress(root / "in", "商务局", "2026Q3")]
    assert [r.status for r in ingest_files(files, folder)] == ["accepted", "accepted"]
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_is_large_and_distinct() -> None:
    assert len(CASES) >= 30
    assert len(BY_NAME) == len(CASES)
    assert {c.outcome for c in CASES} == {"accept", "reject", "duplicate"}
    assert all(c.decision for c in CASES)
    for case in CASES:  # every acceptance that changed something says what (only two take the file as is)
        if case.outcome == "accept" and not case.fragments:
            assert case.name in {"rows_reordered", "text_at_limit"}


@pytest.mark.parametrize("name", list(BY_NAME))
def test_bad_input(name: str, base_ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case: Case = BY_NAME[name]
    data = tmp_path / "data"
    shutil.copytree(base_ledger, data)
    incoming = tmp_path / "incoming"
    path = case.build(incoming)
    original = _files(incoming) if path.is_dir() else {path.name: path.read_bytes()}
    before = snapshot(data)
    ledger = Ledger(data)
    before_rows = ledger.submissions(include_superseded=True)
    before_files = ledger.files()
    if case.outcome == "duplicate":
        before = snapshot(data)

    code = main(["ingest", str(path), "--data-dir", str(data)])
    out, err = capsys.readouterr()

    if case.outcome == "reject":
        assert code == 2, out + err
        assert f"文件 {path.name}" in err and "台账未改变" in err
        for fragment in case.fragments:
            assert fragment in err, (fragment, err)
        if case.where is not None:
            sheet, row, column = case.where
            located = [line for line in err.splitlines() if all(part in line for part in (
                f"工作表“{sheet}”" if sheet else "", f"第 {row} 行" if row else "", f"列“{column}”" if column else ""))]
            assert located, (case.where, err)
        assert snapshot(data) == before, "a rejection changed the data folder"
    elif case.outcome == "duplicate":
        assert code == 0, err
        for fragment in case.fragments:
            assert fragment in out, (fragment, out)
        assert snapshot(data) == before
    else:
        assert code == 0, err
        assert f"已导入 {path.name}" in out
        notes = out.split("已规范化：", 1)[1] if "已规范化：" in out else ""
        for fragment in case.fragments:
            assert fragment in notes, (fragment, out)
        if not case.fragments:
            assert not notes
        after_rows = ledger.submissions(include_superseded=True)
        kept = after_rows.set_index("id").loc[before_rows["id"]]
        cols = ["task_id", "quarter", "unit", "actual_pct", "progress", "file_sha256"]
        assert kept[cols].reset_index(drop=True).equals(before_rows[cols].reset_index(drop=True))
        files = ledger.files()
        assert set(before_files["sha256"]) < set(files["sha256"])
        for archived in files["archive_path"]:
            assert Path(archived).is_file()
        new = files[~files["sha256"].isin(before_files["sha256"])]
        assert Path(new["archive_path"].iloc[0]).read_bytes() == path.read_bytes()
        if case.stored is not None:
            case.stored(ledger)
    # the original is kept, unchanged
    now = _files(incoming) if path.is_dir() else {path.name: path.read_bytes()}
    assert now == original
