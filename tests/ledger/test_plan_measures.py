"""The plan form's 攻坚措施 and 责任人: stored with each version of the plan (schema 8), listed by
``jj123 plan history`` with the version they came in, the current one's in full under the table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from jj123lib.cli.main import main
from jj123lib.core.clock import CHINA_TZ
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger.receipts import plan_history
from jj123lib.ledger.store import Ledger
from tests.hostile import HOSTILE
from tests.ledger_helpers import filled_plan

MEASURES = "成立专班，周调度、月通报；\n争取省级专项资金 <b>1.2</b> 亿元 & 配套"
OWNER = "王明（副局长）、李强（科长）"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


def test_each_version_keeps_its_own_measures_and_the_command_shows_the_current(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d"
    assert ingest_files([filled_plan(tmp_path / "p1", "教育局")], data,
                        received=_at("2026-01-21T10:00:00"))[0].status == "accepted"
    resent = filled_plan(tmp_path / "p2", "教育局", changes={
        "N04": {"攻坚措施": MEASURES, "责任人": OWNER, "填报日期": "2026-02-10"}})
    assert ingest_files([resent], data, received=_at("2026-02-11T10:00:00"))[0].status == "accepted"

    history = plan_history(data, "N04")
    first, second = (history[history["file_id"] == f] for f in history["file_id"].unique())
    assert first["measures"].isna().all() and first["owner"].isna().all()  # the first version had none
    assert set(second["measures"]) == {MEASURES} and set(second["owner"]) == {OWNER}  # verbatim, every quarter
    assert set(Ledger(data).plan().query("task_id == 'N04'")["owner"]) == {OWNER}

    assert main(["plan", "history", "N04", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert f"攻坚措施（当前版本）：{MEASURES}" in out and f"责任人（当前版本）：{OWNER}" in out
    assert main(["plan", "history", "N04", "--data-dir", str(data), "--format", "csv"]) == 0
    assert "攻坚措施,责任人" in capsys.readouterr().out
    # As of before the resent plan, the current version is the first: nothing filled in.
    assert main(["plan", "history", "N04", "--data-dir", str(data), "--as-of", "2026-01-30"]) == 0
    assert "攻坚措施（当前版本）：未填写" in capsys.readouterr().out


def test_hostile_measures_are_stored_as_typed(tmp_path: Path) -> None:
    typed, shown = next((t, s) for t, s in HOSTILE if "<" in s)
    path = filled_plan(tmp_path / "p", "教育局", changes={"N04": {"攻坚措施": typed, "责任人": "<i>x</i>"}})
    assert ingest_files([path], tmp_path / "d")[0].status == "accepted"
    stored = Ledger(tmp_path / "d").plan().query("task_id == 'N04'")
    assert set(stored["measures"]) == {shown} and set(stored["owner"]) == {"<i>x</i>"}
