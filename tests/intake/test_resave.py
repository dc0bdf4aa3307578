"""An unchanged re-save is not a new version: a form saved again by a spreadsheet program has new bytes
and the same content; it is archived and listed, and the ledger's current version does not change."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import filled_plan, filled_progress

pytestmark = pytest.mark.usefixtures("q3_forms_received")

UNIT = "住建局"


def _resave(form: Path, folder: Path) -> Path:
    """Open and save ``form`` in LibreOffice (xlsx to xlsx), as a clerk who changed nothing would."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder), str(form)],
                   check=True, capture_output=True, timeout=180)
    out = folder / form.name
    assert out.is_file()
    return out


def _submission_rows(ledger: Ledger) -> list[tuple[object, ...]]:
    frame = ledger.submissions()
    return sorted(map(tuple, frame.drop(columns=["id", "ingested_at"], errors="ignore").astype(str).to_numpy()))


def test_a_libreoffice_resave_is_archived_but_no_new_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    form = filled_progress(tmp_path / "forms", UNIT)
    plan = filled_plan(tmp_path / "forms", UNIT)
    first = ingest_files([plan, form], data)
    assert [r.status for r in first] == ["accepted", "accepted"]
    ledger = Ledger(data)
    before_rows, before_fp = _submission_rows(ledger), ledger.fingerprint()

    again = _resave(form, tmp_path / "resaved")
    again_plan = _resave(plan, tmp_path / "resaved")
    assert again.read_bytes() != form.read_bytes()  # new bytes…
    results = ingest_files([again, again_plan], data)
    assert [r.status for r in results] == ["duplicate", "duplicate"]  # …same content
    assert all(r.resaved for r in results)
    assert "内容相同" in results[0].message() and "不作为新版本" in results[0].message()
    assert form.name in results[0].message()  # names the version that stays current
    assert _submission_rows(ledger) == before_rows and ledger.fingerprint() == before_fp
    files = ledger.files()
    assert len(files) == 4  # the re-saves are listed…
    for path in (again, again_plan):  # …and archived verbatim
        sha = files.loc[files["filename"] == path.name, "sha256"]
        assert any(p.read_bytes() == path.read_bytes() for p in (data / "archive").rglob(f"{sha.iloc[-1]}*"))


def test_a_changed_resave_is_a_new_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    form = filled_progress(tmp_path / "forms", UNIT)
    assert ingest_files([filled_plan(tmp_path / "forms", UNIT), form], data)[1].status == "accepted"
    wb = load_workbook(form)
    ws = wb["进度填报"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("工作进展") + 1).value = "补充：完成二期招标"
    changed = tmp_path / "changed" / form.name
    changed.parent.mkdir()
    wb.save(changed)
    result = ingest_files([_resave(changed, tmp_path / "resaved")], data)[0]
    assert result.status == "accepted" and result.replaced == [form.name]
    assert "补充：完成二期招标" in set(Ledger(data).submissions()["progress"])
