"""File readers (jj123lib.intake.readers): regular files only, bounded sizes, Excel escapes."""

from __future__ import annotations

import errno
import io
import os
import zipfile
from pathlib import Path

import pytest

from jj123lib.core import files
from jj123lib.core.exceptions import IngestRejected
from jj123lib.intake import readers
from jj123lib.intake.readers import MAX_FILE_BYTES, MAX_UNPACKED_BYTES, read_regular_file, read_xlsx


def _rule(exc: pytest.ExceptionInfo[IngestRejected]) -> str:
    return exc.value.errors[0].rule


def test_reads_a_regular_file_and_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "表.xlsx"
    target.write_bytes(b"PK\x03\x04data")
    link = tmp_path / "链接.xlsx"
    link.symlink_to(target)
    assert read_regular_file(target) == read_regular_file(link) == b"PK\x03\x04data"


def test_fifo_and_device_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)  # opening it for reading the ordinary way would wait for a writer forever
    with pytest.raises(IngestRejected) as exc:
        read_regular_file(fifo)
    assert "不是普通文件" in _rule(exc)
    with pytest.raises(IngestRejected) as exc:
        read_regular_file(Path("/dev/zero"))
    assert "不是普通文件" in _rule(exc)


def test_folder_loop_and_missing_are_refused_in_chinese(tmp_path: Path) -> None:
    loop = tmp_path / "环.xlsx"
    loop.symlink_to(loop)
    cases = {tmp_path: "是文件夹", loop: "循环", tmp_path / "无.xlsx": "文件不存在",
             tmp_path / "无" / "x.xlsx": "文件不存在"}
    for path, reason in cases.items():
        with pytest.raises(IngestRejected) as exc:
            read_regular_file(path)
        assert reason in _rule(exc), (path, _rule(exc))


def test_no_read_permission_is_refused_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, where chmod 000 does not stop a read: the refusal of the system call is simulated."""
    path = tmp_path / "锁.xlsx"
    path.write_bytes(b"x")
    real_open = os.open

    def denied(file: object, flags: int, *args: object) -> int:
        if Path(str(file)) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(files.os, "open", denied)  # type: ignore[attr-defined]  # the bounded reader's own os
    with pytest.raises(IngestRejected) as exc:
        read_regular_file(path)
    assert _rule(exc) == "没有读取权限"


def test_a_file_larger_than_any_form_is_refused_after_reading_only_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "大.xlsx"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(IngestRejected) as exc:
        read_regular_file(path)
    assert "MB" in _rule(exc)


def test_declared_unpacked_size_is_checked_before_inflating() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(3):  # each part under the per-part limit, together over the package limit
            package.writestr(f"xl/worksheets/sheet{i}.xml", b"\0" * (MAX_UNPACKED_BYTES // 3 + 1))
    with pytest.raises(IngestRejected) as exc:
        read_xlsx("表.xlsx", buffer.getvalue())
    assert "解压后共" in _rule(exc)


@pytest.mark.parametrize(("escaped", "expected", "ok"), [
    ("第一条_x000D_", "第一条\r", True),
    ("笑_xD83D__xDE00_", "笑\U0001F600", True),  # an escaped surrogate pair is one character
    ("坏_xD800_", "坏\ufffd", False),
    ("坏_xDFFF_尾", "坏\ufffd尾", False),
])
def test_excel_escapes_are_decoded_and_lone_surrogates_flagged(escaped: str, expected: str, ok: bool) -> None:
    assert readers._unescape(escaped) == (expected, ok)
