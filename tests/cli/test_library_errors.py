"""No library's English reaches the office: system and library errors become Chinese messages naming the file,
with the original kept in the log under the incident id the message names.

The CLI runs in a subprocess, driven into each condition for real: a folder given as a file, a file where a
folder should be, a folder it may not write (root without its override capability), a read-only and a full
file system (a private tmpfs mount), a damaged and a locked ledger, a truncated xlsx, Ctrl+C.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from jj123lib.core.exceptions import library_error_zh, shown_file

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

# Three English words in a row: a sentence of a library's message, never a path, a file name or a code.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'’]+[A-Za-z]{2,}){2,}")
INCIDENT = re.compile(r"事件编号 (J-\d{8}-[0-9a-f]{6})，详情见日志 (\S+?)）")
CLI = [sys.executable, "-m", "jj123lib.cli.main"]
# Root without CAP_DAC_OVERRIDE: file permissions apply to it as to any clerk (the suite runs as root).
NO_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _in_private_mount(options: str, folder: Path) -> list[str]:
    """A command prefix mounting a tmpfs with ``options`` on ``folder`` in a mount namespace of its own,
    which ends with the command: nothing is mounted for anyone else, and nothing to unmount."""
    return ["unshare", "-m", "sh", "-c", f'mount -t tmpfs -o {options} tmpfs "$0" && exec "$@"', str(folder)]


def _run(*argv: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(prefix or []), *CLI, *argv], capture_output=True, text=True, timeout=600,
                          check=False)


def _chinese_with_incident(done: subprocess.CompletedProcess[str], original: str, code: int = 2) -> str:
    """The stderr of ``done``: Chinese only, naming an incident whose log record holds ``original``."""
    assert done.returncode == code, done.stderr
    assert not ENGLISH.search(done.stderr), done.stderr
    assert "Traceback" not in done.stderr
    found = INCIDENT.search(done.stderr)
    assert found, done.stderr
    log = Path(found.group(2)).read_text(encoding="utf-8")
    record = log[log.index(f"[{found.group(1)}]"):]
    assert "Traceback (most recent call last)" in record and original in record
    return done.stderr


@pytest.fixture
def data(demo_data: DemoSummary, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_data.data_dir, copy)
    return copy


def _export(data: Path, out: Path | str, command: str = "ratings") -> subprocess.CompletedProcess[str]:
    return _run(command, "--quarter", "2026Q3", "--format", "csv", "--out", str(out), "--data-dir", str(data))


def test_a_folder_given_for_a_file(data: Path, tmp_path: Path) -> None:
    err = _chinese_with_incident(_export(data, tmp_path), "IsADirectoryError")
    assert f"无法读写“{tmp_path}”：这是一个文件夹，请给出文件名" in err


def test_a_file_where_a_folder_should_be(data: Path, tmp_path: Path) -> None:
    (tmp_path / "灯号").write_text("我是文件", "utf-8")
    err = _chinese_with_incident(_export(data, tmp_path / "灯号" / "x.csv"), "FileExistsError")
    assert f"“{tmp_path / '灯号'}”：这是一个文件，不是文件夹" in err


def test_a_folder_it_may_not_write(data: Path, tmp_path: Path) -> None:
    locked = tmp_path / "只读"
    locked.mkdir(mode=0o555)
    done = _run("ratings", "--quarter", "2026Q3", "--format", "csv", "--out", str(locked / "灯号.csv"),
                "--data-dir", str(data), prefix=NO_OVERRIDE)
    err = _chinese_with_incident(done, "PermissionError")
    assert f"“{locked / '灯号.csv'}”：没有读写权限" in err  # the file asked for, not the temporary beside it
    assert list(locked.iterdir()) == []


def test_a_read_only_file_system(data: Path, tmp_path: Path) -> None:
    mount = tmp_path / "u盘"
    mount.mkdir()
    done = _run("ratings", "--quarter", "2026Q3", "--format", "csv", "--out", str(mount / "灯号.csv"),
                "--data-dir", str(data), prefix=_in_private_mount("ro", mount))
    err = _chinese_with_incident(done, "Read-only file system")
    assert f"“{mount / '灯号.csv'}”：文件系统只读" in err


def test_a_full_disk(data: Path, tmp_path: Path) -> None:
    mount = tmp_path / "满"
    mount.mkdir()
    done = _run("ledger", "--quarter", "2026Q3", "--format", "csv", "--out", str(mount / "台账.csv"),
                "--data-dir", str(data), prefix=_in_private_mount("size=4k", mount))
    err = _chinese_with_incident(done, "No space left on device")
    assert f"“{mount / '台账.csv'}”：磁盘空间已满" in err


def test_a_damaged_ledger(data: Path) -> None:
    ledger = data / "ledger.sqlite"
    with ledger.open("r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(b"\xff" * 8192)
    err = _chinese_with_incident(_run("ratings", "--quarter", "2026Q3", "--data-dir", str(data)), "malformed")
    assert f"台账数据库“{ledger}”已损坏" in err


def test_a_ledger_replaced_by_another_file(data: Path) -> None:
    (data / "ledger.sqlite").write_bytes(b"PK\x03\x04 not a database" * 50)
    err = _chinese_with_incident(_run("ratings", "--quarter", "2026Q3", "--data-dir", str(data)),
                                 "file is not a database")
    assert "不是有效的 SQLite 数据库文件" in err


def test_a_ledger_locked_by_another_program(data: Path) -> None:
    holder = sqlite3.connect(data / "ledger.sqlite", isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        done = _run("ratings", "--quarter", "2026Q3", "--data-dir", str(data))
    finally:
        holder.close()
    err = _chinese_with_incident(done, "database is locked")
    assert "正被另一个程序占用（已锁定）" in err


def test_a_truncated_xlsx_is_refused_in_chinese(data: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    assert _run("forms", "--quarter", "2026Q3", "--data-dir", str(data), "--out", str(forms)).returncode == 0
    form = sorted(forms.glob("*.xlsx"))[0]
    truncated = tmp_path / form.name
    truncated.write_bytes(form.read_bytes()[:3000])
    done = _run("ingest", str(truncated), "--data-dir", str(data))
    assert done.returncode == 2
    assert "文件不完整" in done.stdout + done.stderr
    assert not ENGLISH.search(done.stdout + done.stderr), done.stdout + done.stderr


def test_ctrl_c_stops_in_chinese(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    process = subprocess.Popen([*CLI, "batch", "--quarter", "2026Q3", "--formats", "docx", "--no-progress",
                                "--data-dir", str(data), "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (out / ".jj123-output").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)  # the batch has claimed its folder: it is at work, its handler in place
    process.send_signal(signal.SIGINT)
    out_text, err = process.communicate(timeout=300)
    done = subprocess.CompletedProcess(process.args, process.returncode, out_text, err)
    message = _chinese_with_incident(done, "KeyboardInterrupt", code=130)
    assert "已中断（Ctrl+C）：操作未完成" in message


# ------------------------------------------------------------------ the mapping, for what a test cannot cause
def test_each_library_error_in_chinese_naming_the_file() -> None:
    def zh(exc: BaseException) -> str:
        text = library_error_zh(exc, database="/data/ledger.sqlite")
        assert text is not None and not ENGLISH.search(text), text
        return text

    assert zh(OSError(errno.EIO, "Input/output error", "/mnt/u/表.xlsx")) == \
        "无法读写“/mnt/u/表.xlsx”：读写设备出错（磁盘或 U 盘可能已损坏或被拔出）"
    assert "磁盘空间已满" in zh(OSError(errno.ENOSPC, "No space left on device", "/r/.a.pdf.k2j3h4g5.part"))
    assert "“/r/a.pdf”" in zh(OSError(errno.ENOSPC, "No space left on device", "/r/.a.pdf.k2j3h4g5.part"))
    assert "文件系统只读" in zh(OSError(errno.EROFS, "Read-only file system", "/r/a.pdf"))
    assert "文件或文件夹不存在" in zh(FileNotFoundError(errno.ENOENT, "No such file or directory", "/x"))
    assert "第 3 个字节 0xFF" in zh(UnicodeDecodeError("utf-8", b"ab\xffcd", 2, 3, "invalid start byte"))
    assert "读写时磁盘出错" in zh(sqlite3.OperationalError("disk I/O error"))
    assert "“/data/ledger.sqlite”" in zh(sqlite3.OperationalError("database is locked"))
    assert "已损坏" in zh(sqlite3.DatabaseError("database disk image is malformed"))
    assert "SQLite 错误" in zh(sqlite3.IntegrityError("UNIQUE constraint failed: files.sha256"))
    assert ".xlsx（zip）" in zh(zipfile.BadZipFile("File is not a zip file"))
    with pytest.raises(yaml.YAMLError) as bad:
        yaml.safe_load("a: [\n")
    assert "第 2 行第 1 列附近格式有误" in zh(bad.value)
    from openpyxl.utils.exceptions import InvalidFileException

    assert "不是 Excel 能打开的 .xlsx 工作簿" in zh(InvalidFileException("openpyxl does not support the old format"))
    assert library_error_zh(RuntimeError("a bug")) is None  # not foreseen: an incident, exit 3


def test_a_long_path_is_cut_to_its_end() -> None:
    name = "/" + "很长的文件夹/" * 40 + "灯号.csv"
    shown = shown_file(name)
    assert len(shown) <= 120 and shown.endswith("灯号.csv") and shown.startswith("…")
    assert shown_file(os.fsdecode(b"/tmp/\xd6\xd0.csv")).endswith(".csv")


def test_a_library_warning_goes_to_the_log_not_the_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str],
                                                            caplog: pytest.LogCaptureFixture) -> None:
    import logging
    import warnings

    import jj123lib.cli.tasks
    from jj123lib.cli.main import main

    def warns(args: object) -> int:
        warnings.warn("Data Validation extension is not supported and will be removed", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(jj123lib.cli.tasks, "cmd_tasks", warns)
    monkeypatch.setenv("JJ123_DATA_DIR", str(tmp_path / "data"))
    with warnings.catch_warnings(), caplog.at_level(logging.INFO, logger="jj123"):
        warnings.simplefilter("always")
        assert main(["tasks"]) == 0
    assert capsys.readouterr().err == ""
    assert "UserWarning: Data Validation extension" in caplog.text  # jj123's log (-v shows it)
