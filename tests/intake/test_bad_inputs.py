"""Every case of the bad-input corpus (tests/bad_inputs.py) through ``jj123 ingest``.

Per case: snapshot the data folder (ledger bytes + archive), ingest through the CLI
entry, then check the outcome and message, that a rejection left every byte as it was,
that an acceptance lost nothing already there, and that the original file is untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from jj123lib.cli.main import main
from jj123lib.intake.forms import PROGRESS_SHEET, load_form
from jj123lib.ledger.store import Ledger
from tests.bad_inputs import CASES, UNIT, Case
from tests.ledger_helpers import filled_progress, snapshot

pytestmark = pytest.mark.usefixtures("q3_forms_received")

BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def base_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder already holding the unit's 2026Q2 report and another unit's 2026Q3 report."""
    from jj123lib.intake.ingest import ingest_files

    root = tmp_path_factory.mktemp("base")
    folder = root / "data"
    files = [filled_progress(root / "in", UNIT, "2026Q2"), filled_progress(root / "in", "商务局", "2026Q3")]
    assert [r.status for r in ingest_files(files, folder)] == ["accepted", "accepted"]  # type: ignore[arg-type]  # ingest_files takes a list[str | PathLike[str]], invariant
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


# ------------------------------------------------------------------ each path judged on its own
def test_unreadable_paths_are_rejected_one_by_one_and_the_good_files_land(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Symlink loop, folder, FIFO named .xlsx, symlink to /dev/zero, missing file: each refused, in Chinese;
    the two good files given around them are imported by the same command (no read blocks, none runs away)."""
    incoming = tmp_path / "in"
    good_first = filled_progress(incoming / "a", UNIT, "2026Q3")
    good_last = filled_progress(incoming / "b", "商务局", "2026Q3")
    loop = incoming / "循环.xlsx"
    loop.symlink_to(loop)
    folder = incoming / "文件夹.xlsx"
    folder.mkdir()
    fifo = incoming / "管道.xlsx"
    os.mkfifo(fifo)
    zero = incoming / "零.xlsx"
    zero.symlink_to("/dev/zero")
    missing = incoming / "不存在.xlsx"
    paths = [good_first, loop, folder, fifo, zero, missing, good_last]

    code = main(["ingest", *map(str, paths), "--data-dir", str(tmp_path / "data")])
    out, err = capsys.readouterr()

    assert code == 2
    assert f"已导入 {good_first.name}" in out and f"已导入 {good_last.name}" in out
    assert "导入 2 个，重复 0 个，退回 5 个" in out
    for path, reason in ((loop, "符号链接（快捷方式）循环"), (folder, "是文件夹"), (fifo, "不是普通文件"),
                         (zero, "不是普通文件"), (missing, "文件不存在")):
        assert f"文件 {path.name}" in err and reason in err, (path.name, err)
    assert not any(word in err for word in ("Errno", "Too many", "Traceback", "Error"))
    files = Ledger(tmp_path / "data").files()
    assert sorted(files["filename"]) == sorted([good_first.name, good_last.name])


def test_a_blank_typed_at_the_last_row_is_ignored_without_reading_a_million_rows(tmp_path: Path) -> None:
    """The fuzz case took minutes; only the stored cells are looked at, and whitespace is no content."""
    from jj123lib.intake.ingest import ingest_files

    path = filled_progress(tmp_path / "in", UNIT, "2026Q3")
    wb = load_form(path)
    wb[PROGRESS_SHEET].cell(1048576, 3, " ")
    wb.save(path)
    result = ingest_files([path], tmp_path / "data")[0]
    assert result.status == "accepted", result.message()
    assert len(result.parsed.rows) == 6 if result.parsed else False  # type: ignore[union-attr]  # a progress form parses to a ParsedFile


def test_a_file_whose_ledger_write_fails_leaves_no_archive_copy_and_the_others_land(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Archive first, then the transaction: when the transaction fails the fresh archive copy is removed."""
    from jj123lib.intake.ingest import ingest_files

    files = [filled_progress(tmp_path / "in" / str(i), unit, "2026Q3")
             for i, unit in enumerate((UNIT, "商务局", "自然资源局"))]
    doomed = hashlib.sha256(files[1].read_bytes()).hexdigest()
    from jj123lib.ledger.file_rows import insert_file as insert

    def failing(conn: sqlite3.Connection, rec: dict[str, Any], *args: Any) -> None:
        if rec["sha256"] == doomed:  # inside the transaction, as a full or failing disk would
            raise sqlite3.OperationalError("disk I/O error")
        insert(conn, rec, *args)

    monkeypatch.setattr("jj123lib.ledger.store.insert_file", failing)
    results = ingest_files(files, tmp_path / "data")  # type: ignore[arg-type]  # ingest_files takes a list[str | PathLike[str]], invariant
    assert [r.status for r in results] == ["accepted", "rejected", "accepted"]
    assert "记录到台账时出错" in results[1].message() and "disk" not in results[1].message()
    ledger = Ledger(tmp_path / "data")
    archived = {p.name.split(".")[0] for p in (tmp_path / "data" / "archive").rglob("*") if p.is_file()}
    assert doomed not in archived
    assert archived == set(ledger.files()["sha256"])
