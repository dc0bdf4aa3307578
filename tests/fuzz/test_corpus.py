"""The read-and-refuse corpus (``tests/fuzz/corpus.py``): every case refused quickly, in Chinese, writing nothing.

Each case runs its command in a subprocess with a timeout (a hang fails the case, not the suite); the data
folder's files (ledger, archive) and the archive's listing, hidden staging files included, are compared
before and after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from jj123lib.intake.forms import header_columns, load_form
from jj123lib.intake.formspec import RESPONSE_SHEET
from jj123lib.intake.response_form import write_response_forms
from jj123lib.ledger.store import Ledger
from jj123lib.loop.duban import Trigger, issue_duban
from jj123lib.loop.verification import verify
from tests.fuzz.corpus import AS_OF, CASES, QUARTER, Case, Inputs
from tests.ledger_helpers import filled_plan, filled_progress, record_plan, record_progress, snapshot

pytestmark = pytest.mark.usefixtures("q3_forms_received")

POLICE = ("N07", "P13", "B19", "B20")
NOW = datetime(2026, 10, 20, 1, 0, tzinfo=UTC)
DOC = (Path(__file__).resolve().parents[2] / "docs" / "reliability.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    """公安局's plan and Q3 report (N07 and B19 claimed, B19 verified), two 督办事项, and the module's files."""
    root = tmp_path_factory.mktemp("corpus")
    ledger = Ledger(root / "data")
    record_plan(ledger, "公安局", {t: (20.0, 45.0, 70.0, 100.0) for t in POLICE})
    done = {"actual_pct": 100.0, "self_status": "已完成", "report_date": "2026-10-06"}
    record_progress(ledger, "公安局", QUARTER, {"N07": done, "P13": {"actual_pct": 70.0}, "B19": done, "B20": {}})
    first = root / "首次验收.pdf"
    first.write_bytes(b"%PDF-1.4 first")
    verify("B19", QUARTER, [first], "林督查", data_dir=ledger, as_of=AS_OF, now=NOW)
    issue_duban(QUARTER, ledger, as_of="2026-10-15", by="林督查", now=NOW,
                triggers=[Trigger("N07", "公安局", ("red",), "2026Q3：红灯"),
                          Trigger("P13", "公安局", ("yellow_twice",), "2026Q3：连续两个季度黄灯")])
    form = next(f for f in write_response_forms(QUARTER, ledger.data_dir, out_dir=root / "forms", now=NOW)
                if f.name.startswith("DB-2026Q3-001"))
    wb = load_form(form)
    ws = wb[RESPONSE_SHEET]
    cols = header_columns(ws)
    for label, value in {"整改状态": "已整改", "整改情况": None, "填报人": "陈志强",
                         "填报日期": date(2026, 10, 18)}.items():
        ws.cell(2, cols[label]).value = value
    bad_response = root / "filled" / form.name
    bad_response.parent.mkdir()
    wb.save(bad_response)
    evidence = root / "验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence never archived")
    bad_form = filled_progress(root / "progress", "陈埭镇", changes={"N08": {"实际累计进度(%)": "约六成"}})
    return Inputs(root, ledger.data_dir, filled_plan(root / "plan", "商务局"), bad_response, bad_form, evidence)


def _state(data: Path) -> tuple[dict[str, bytes], list[str]]:
    archive = data / "archive"
    return snapshot(data), sorted(os.listdir(archive)) if archive.is_dir() else []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_is_refused_in_chinese_and_changes_nothing(case: Case, base: Inputs, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(base.data, data, symlinks=True)
    folder = tmp_path / "case"
    folder.mkdir()
    inputs = Inputs(folder, data, base.plan_form, base.bad_response, base.bad_form, base.evidence)
    args = case.argv(inputs)  # builds the case's input (a FIFO in the data folder too)
    env = {**os.environ, **case.env(inputs)}
    before = _state(data)
    command = [sys.executable, *args] if case.python else [sys.executable, "-m", "jj123lib.cli.main", *args]
    done = subprocess.run(command, env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    said = done.stdout.decode() + done.stderr.decode()
    assert "Traceback" not in said and "Error:" not in said, said
    assert done.returncode == 0 if case.python else done.returncode in (1, 2), said
    for fragment in case.fragments:
        assert fragment in said, (fragment, said)
    assert _state(data) == before  # the ledger, the archive and its listing, byte for byte


def test_the_corpus_covers_every_class_and_the_doc_counts_it() -> None:
    names = {case.name for case in CASES}
    assert len(names) == len(CASES)
    for kind in ("rules", "units", "opinions", "tasks", "notice", "evidence", "form"):
        assert {f"{kind}_fifo", f"{kind}_dev_zero"} <= names, kind
    for name in ("rules_duplicate_key", "rules_nan_threshold", "rules_inf_threshold", "rules_false_string",
                 "rules_empty_path", "rules_deep_nesting", "opinions_deep_nesting", "opinions_lone_surrogate",
                 "verify_refused_already_verified", "response_refused", "form_refused_bad_cell"):
        assert name in names, name
    assert f"**{len(CASES)} read-and-refuse cases**" in DOC
