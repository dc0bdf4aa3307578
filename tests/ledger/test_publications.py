"""季度封账: a publication's row and snapshot, refusals, corrections in both ledgers, whole or nothing."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from jj123lib.cli.main import main
from jj123lib.core.clock import CHINA_TZ, read_moment
from jj123lib.core.crashpoints import CRASH_ENV
from jj123lib.core.exceptions import LedgerError
from jj123lib.ledger.publications import correct, publication, publications, publish, recover, snapshot_dir
from jj123lib.ledger.receipts import receipts
from jj123lib.ledger.store import LEDGER_FILE, Ledger
from tests.ledger_helpers import filled_progress, record_plan, record_progress, snapshot

pytestmark = pytest.mark.usefixtures("record_year_played")  # scenarios on named days up to December
QUARTER = "2026Q3"
AS_OF = "2026-10-20T17:00"
UNIT = "商务局"


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "d")
    record_plan(ledger, UNIT, {"N02": (10.0, 30.0, 60.0, 100.0)})
    record_progress(ledger, UNIT, QUARTER, {"N02": {"actual_pct": 45.0}})
    (tmp_path / "rules.yaml").write_text("# 规则\n", encoding="utf-8")
    return ledger


def _inputs(tmp_path: Path) -> dict[str, str | os.PathLike[str] | None]:
    return {"rules.yaml": tmp_path / "rules.yaml", "units.yaml": None, f"opinions/{QUARTER}.yaml": None}


def _publish(tmp_path: Path, ledger: Ledger) -> None:
    publish(ledger, QUARTER, by="张三", inputs=_inputs(tmp_path), as_of=read_moment(AS_OF))


def _pct(data_dir: Path, moment: str | None = AS_OF) -> float:
    frame = Ledger(data_dir).at(None if moment is None else read_moment(moment)).submissions(QUARTER)
    return float(frame[frame["task_id"] == "N02"]["actual_pct"].iloc[0])


def test_publish_records_the_moment_and_keeps_a_snapshot_of_every_input(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    _publish(tmp_path, ledger)
    found = publication(ledger, QUARTER)
    assert found is not None and found.by == "张三"
    assert found.as_of == "2026-10-20T17:00:59.999999+08:00" and found.at.endswith("+08:00")
    folder = snapshot_dir(ledger, QUARTER)
    assert found.folder == folder and sorted(found.detail["files"]) == [LEDGER_FILE, "rules.yaml"]
    assert found.detail["files"]["rules.yaml"] == hashlib.sha256(b"# \xe8\xa7\x84\xe5\x88\x99\n").hexdigest()
    # The snapshot's ledger holds the same data and its own record of the publication.
    assert _pct(folder) == 45.0
    assert [r["kind"] for r in publications(folder, QUARTER)] == ["publish"]
    assert publication(ledger, "2026Q2") is None


def test_publishing_twice_or_the_future_is_refused_in_chinese(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    with pytest.raises(LedgerError, match="晚于现在"):
        publish(ledger, QUARTER, by="张三", inputs={}, as_of=datetime(2030, 1, 1, tzinfo=CHINA_TZ))
    assert publication(ledger, QUARTER) is None and not snapshot_dir(ledger, QUARTER).exists()
    _publish(tmp_path, ledger)
    before = snapshot(ledger.data_dir)
    with pytest.raises(LedgerError, match="已于 .* 由 张三 封账发布，不能重复发布.*--correct"):
        _publish(tmp_path, ledger)
    assert snapshot(ledger.data_dir) == before


def test_a_quarter_cannot_be_published_before_its_reporting_deadline(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = _ledger(tmp_path)
    assert main(["publish", "--quarter", QUARTER, "--as-of", "2026-10-09", "--by", "张三",
                 "--data-dir", str(ledger.data_dir)]) == 2
    assert "报送截止日为 2026-10-10" in capsys.readouterr().err
    assert publication(ledger, QUARTER) is None and not snapshot_dir(ledger, QUARTER).exists()


def test_without_as_of_a_quarter_is_not_published_while_its_deadline_is_still_ahead(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], clock_at: Callable[[str], datetime]) -> None:
    ledger = _ledger(tmp_path)
    clock_at("2026-10-08T10:00:00+08:00")  # today is before the Q3 deadline: the default moment is now
    assert main(["publish", "--quarter", QUARTER, "--by", "张三", "--data-dir", str(ledger.data_dir)]) == 2
    assert "报送截止日为 2026-10-10" in capsys.readouterr().err
    assert publication(ledger, QUARTER) is None and not snapshot_dir(ledger, QUARTER).exists()


def test_a_failed_render_publishes_nothing(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)

    def render(folder: Path, _record: object) -> dict[str, str]:
        assert (folder / LEDGER_FILE).is_file()  # rendered from the snapshot in place
        raise RuntimeError("报告生成失败")

    with pytest.raises(RuntimeError):
        publish(ledger, QUARTER, by="张三", inputs={}, as_of=read_moment(AS_OF), render=render)
    assert publication(ledger, QUARTER) is None and not snapshot_dir(ledger, QUARTER).exists()


def test_an_override_of_a_published_quarter_is_refused_then_taken_as_a_correction(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = _ledger(tmp_path)
    _publish(tmp_path, ledger)
    args = ["override", "N02", "--quarter", QUARTER, "--light", "red", "--reason", "经现场核实进度不实",
            "--by", "李四", "--data-dir", str(ledger.data_dir)]
    before = snapshot(ledger.data_dir)
    assert main(args) == 2
    assert "2026Q3 已于" in capsys.readouterr().err and snapshot(ledger.data_dir) == before
    assert main([*args, "--correct"]) == 0
    live, folder = Ledger(ledger.data_dir), snapshot_dir(ledger, QUARTER)
    assert live.overrides(QUARTER)["light"].tolist() == ["red"]
    # In the snapshot the correction is stamped at the publication's moment: the published view sees it.
    published = Ledger(folder).at(read_moment(AS_OF)).overrides(QUARTER)
    assert published["light"].tolist() == ["red"] and published["at"].iloc[0].startswith("2026-10-20T17:00:59")
    for where in (ledger.data_dir, folder):
        [row] = [r for r in publications(where, QUARTER) if r["kind"] == "correction"]
        assert (row["reason"], row["by"], row["detail"]["what"]) == ("经现场核实进度不实", "李四", "N02 灯号调整为红灯")
    found = publication(ledger, QUARTER)
    assert found is not None and len(found.corrections) == 1


def test_correct_needs_a_reason_and_a_published_quarter(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    with pytest.raises(LedgerError, match="尚未封账发布"):
        correct(ledger, QUARTER, reason="理由写明白", by="李四", what="改", apply=lambda f, n: None)
    _publish(tmp_path, ledger)
    with pytest.raises(LedgerError, match="更正理由"):
        correct(ledger, QUARTER, reason="短", by="李四", what="改", apply=lambda f, n: None)
    assert main(["override", "N02", "--quarter", "2026Q2", "--light", "red", "--reason", "理由写明白",
                 "--correct", "--data-dir", str(ledger.data_dir)]) == 2  # Q2 is not published


def test_a_revert_in_a_published_quarter_needs_a_correction(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    record_progress(ledger, UNIT, QUARTER, {"N02": {"actual_pct": 60.0}})  # a second version, current
    _publish(tmp_path, ledger)
    listed = receipts(ledger)
    file_id = listed[(listed["kind"] == "progress") & listed["current"]]["file_id"].iloc[0]
    args = ["ingest", "--revert", file_id, "--reason", "单位申请撤回误报版本", "--by", "王五",
            "--data-dir", str(ledger.data_dir)]
    assert main(args) == 2 and _pct(snapshot_dir(ledger, QUARTER)) == 60.0
    assert main([*args, "--correct"]) == 0
    assert _pct(ledger.data_dir, None) == 45.0 and _pct(snapshot_dir(ledger, QUARTER)) == 45.0


def test_a_form_received_before_the_published_moment_is_a_correction(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = _ledger(tmp_path)
    _publish(tmp_path, ledger)
    form = filled_progress(tmp_path / "in", UNIT, changes={"N02": {"实际累计进度(%)": 55.0}})
    args = ["ingest", str(form), "--received", "2026-10-15T09:00", "--by", "王收文", "--data-dir", str(ledger.data_dir)]
    before = snapshot(ledger.data_dir)
    assert main(args) == 2
    assert "不能直接导入" in capsys.readouterr().err and snapshot(ledger.data_dir) == before
    assert main([*args, "--correct", "--reason", "邮寄件漏登，补录"]) == 0
    folder = snapshot_dir(ledger, QUARTER)
    assert _pct(folder) == 55.0 and _pct(ledger.data_dir) == 55.0  # the published view sees it, as does the live
    [row] = [r for r in publications(folder, QUARTER) if r["kind"] == "correction"]
    assert row["reason"] == "邮寄件漏登，补录" and form.name in row["detail"]["what"]


def test_a_form_received_after_the_published_moment_needs_no_correction(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    _publish(tmp_path, ledger)
    form = filled_progress(tmp_path / "in", UNIT, changes={"N02": {"实际累计进度(%)": 55.0}})
    assert main(["ingest", str(form), "--by", "王收文", "--data-dir", str(ledger.data_dir)]) == 0
    assert _pct(ledger.data_dir, None) == 55.0 and _pct(snapshot_dir(ledger, QUARTER)) == 45.0


_PUBLISH = """
import sys
from jj123lib.core.clock import read_moment
from jj123lib.ledger.receipts import receipts
from jj123lib.ledger.publications import publish
publish(sys.argv[1], "2026Q3", by="张三", inputs={"rules.yaml": sys.argv[2]}, as_of=read_moment("2026-10-20T17:00"))
"""


@pytest.mark.parametrize("point", ["publish.copied", "publish.snapshot", "publish.rendered", "publish.before_commit"])
def test_a_killed_publish_publishes_nothing_and_a_rerun_completes(tmp_path: Path, point: str) -> None:
    ledger = _ledger(tmp_path)
    args = [sys.executable, "-c", _PUBLISH, str(ledger.data_dir), str(tmp_path / "rules.yaml")]
    killed = subprocess.run(args, env={**os.environ, CRASH_ENV: point}, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert publication(ledger, QUARTER) is None  # whatever folder is left has no row: nothing reads it
    done = subprocess.run(args, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    found = publication(ledger, QUARTER)
    assert found is not None and _pct(found.folder) == 45.0
    assert sorted(p.name for p in found.folder.parent.iterdir()) == [QUARTER]  # no leftovers


def test_a_correction_killed_before_it_is_applied_changes_nothing(tmp_path: Path) -> None:
    point = "correction.prepared"  # the snapshot's copy corrected, the live ledger not yet
    ledger = _ledger(tmp_path)
    _publish(tmp_path, ledger)
    before = {k: v for k, v in snapshot(ledger.data_dir).items() if not k.startswith("published/.")}
    args = [sys.executable, "-m", "jj123lib.cli.main", "override", "N02", "--quarter", QUARTER, "--light", "red",
            "--reason", "经现场核实进度不实", "--by", "李四", "--correct", "--data-dir", str(ledger.data_dir)]
    killed = subprocess.run(args, env={**os.environ, CRASH_ENV: point}, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    after = {k: v for k, v in snapshot(ledger.data_dir).items() if not k.startswith("published/.")}
    assert after == before  # neither the live ledger nor the snapshot changed
    done = subprocess.run(args, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    with sqlite3.connect(snapshot_dir(ledger, QUARTER) / LEDGER_FILE) as conn:
        assert conn.execute("SELECT light FROM overrides").fetchall() == [("red",)]
    assert sorted(p.name for p in snapshot_dir(ledger, QUARTER).parent.iterdir()) == [QUARTER]  # no leftovers


def test_a_correction_killed_after_its_live_record_is_finished_by_recover(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    _publish(tmp_path, ledger)
    args = [sys.executable, "-m", "jj123lib.cli.main", "override", "N02", "--quarter", QUARTER, "--light", "red",
            "--reason", "经现场核实进度不实", "--by", "李四", "--correct", "--data-dir", str(ledger.data_dir)]
    killed = subprocess.run(args, env={**os.environ, CRASH_ENV: "correction.recorded"}, capture_output=True,
                            timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    folder = snapshot_dir(ledger, QUARTER)
    assert Ledger(folder).overrides(QUARTER).empty  # the snapshot is behind the live record
    assert recover(ledger, QUARTER) and not recover(ledger, QUARTER)
    assert Ledger(folder).at(read_moment(AS_OF)).overrides(QUARTER)["light"].tolist() == ["red"]
    assert [r["kind"] for r in publications(folder, QUARTER)] == ["publish", "correction"]
    assert sorted(p.name for p in folder.parent.iterdir()) == [QUARTER]
