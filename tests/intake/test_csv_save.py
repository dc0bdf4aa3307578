"""A clerk's "Save As CSV" of a filled form, made by real LibreOffice, is accepted under the form's name."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from jj123lib.intake.ingest import ParsedFile, ingest_files, parse_file
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import filled_plan, filled_progress

pytestmark = pytest.mark.usefixtures("q3_forms_received")

UNIT = "住建局"
UTF8, GBK = 76, 67  # LibreOffice's CSV filter character-set tokens


def _save_as_csv(form: Path, folder: Path, charset: int) -> Path:
    """Convert ``form`` with LibreOffice, as a clerk's Save As CSV would, keeping the form's name."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                    f"csv:Text - txt - csv (StarCalc):44,34,{charset}", "--outdir", str(folder), str(form)],
                   check=True, capture_output=True, timeout=180)
    out = folder / form.with_suffix(".csv").name
    assert out.is_file()
    return out


def _rows(path: Path, ledger: Ledger | None = None) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "sheet"} for row in parse_file(path, ledger=ledger).rows]  # type: ignore[union-attr]  # a progress or plan form parses to a ParsedFile


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("csv_save")
    forms = {"progress": filled_progress(root / "forms", UNIT), "plan": filled_plan(root / "forms", UNIT)}
    out: dict[str, Path] = {}
    for kind, form in forms.items():
        out[kind] = form
        out[f"{kind}-utf8"] = _save_as_csv(form, root / "utf8", UTF8)
        out[f"{kind}-gbk"] = _save_as_csv(form, root / "gbk", GBK)
        bom = root / "bom" / out[f"{kind}-utf8"].name
        bom.parent.mkdir(exist_ok=True)
        bom.write_bytes(b"\xef\xbb\xbf" + out[f"{kind}-utf8"].read_bytes())
        out[f"{kind}-bom"] = bom
    return out


def test_libreoffice_charsets_are_the_encodings_we_claim(saved: dict[str, Path]) -> None:
    gbk = saved["progress-gbk"].read_bytes()
    utf8 = saved["progress-utf8"].read_bytes()
    assert gbk.decode("gbk") == utf8.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert "季度" not in utf8.decode("utf-8").splitlines()[0].split(",")  # the form's own columns only


@pytest.mark.parametrize("kind", ["progress", "plan"])
@pytest.mark.parametrize("encoding", ["utf8", "bom", "gbk"])
def test_saved_csv_is_accepted_with_the_same_rows_as_the_form(saved: dict[str, Path], kind: str, encoding: str,
                                                              tmp_path: Path) -> None:
    csv_path = saved[f"{kind}-{encoding}"]
    if kind == "plan":  # a CSV carries no 对标计划: it re-sends the milestones of a plan filed as .xlsx
        assert ingest_files([saved["plan"]], tmp_path / "data")[0].status == "accepted"
    result = ingest_files([csv_path], tmp_path / "data")[0]
    assert result.status == "accepted", result.message()
    assert result.parsed is not None and result.parsed.unit == UNIT
    assert isinstance(result.parsed, ParsedFile)
    period = "2026Q3" if kind == "progress" else "2026"
    assert (result.parsed.quarter if kind == "progress" else str(result.parsed.year)) == period
    message = result.message()
    assert f"按文件名取“{period}”" in message and f"按文件名取“{UNIT}”" in message
    assert _rows(csv_path, Ledger(tmp_path / "data")) == _rows(saved[kind])


def test_a_csv_plan_needs_the_benchmark_of_an_earlier_xlsx_plan(saved: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = ingest_files([saved["plan-utf8"]], data)[0]
    assert first.status == "rejected" and "没有“对标计划”页" in first.message()
    assert ingest_files([saved["plan"]], data)[0].status == "accepted"
    bench_before = Ledger(data).query("SELECT id FROM benchmark_plan WHERE superseded = 0", (), ["id"])
    assert ingest_files([saved["plan-utf8"]], data)[0].status == "accepted"
    # The CSV replaced the milestones; the 对标计划 of the .xlsx stays current, row for row.
    assert Ledger(data).query("SELECT id FROM benchmark_plan WHERE superseded = 0", (), ["id"]).equals(bench_before)
    assert len(bench_before) > 0


def test_saved_csv_lands_in_the_ledger(saved: dict[str, Path], tmp_path: Path) -> None:
    assert ingest_files([saved["progress-gbk"]], tmp_path / "data")[0].status == "accepted"
    stored = Ledger(tmp_path / "data").submissions("2026Q3")
    assert set(stored["unit"]) == {UNIT} and len(stored) == len(_rows(saved["progress"]))


def test_columns_contradicting_the_file_name_are_refused_naming_both(saved: dict[str, Path], tmp_path: Path) -> None:
    lines = saved["progress-utf8"].read_text(encoding="utf-8").splitlines()
    text = "\n".join(["季度,填报单位," + lines[0]] + [f"2026Q2,{UNIT}," + line for line in lines[1:]]) + "\n"
    path = tmp_path / saved["progress-utf8"].name
    path.write_text(text, encoding="utf-8")
    result = ingest_files([path], tmp_path / "data")[0]
    assert result.status == "rejected"
    assert "2026Q3" in result.message() and "2026Q2" in result.message()


def test_csv_with_neither_columns_nor_the_form_name_is_refused(saved: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "进度.csv"
    path.write_bytes(saved["progress-utf8"].read_bytes())
    result = ingest_files([path], tmp_path / "data")[0]
    assert result.status == "rejected" and "季度" in result.message() and "文件名" in result.message()
