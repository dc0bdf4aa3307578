"""Every file jj123 is handed is read through the one file layer (``core/files.py``), never whole or blocking.

A scan of the package's sources finds each ``read_bytes()``, ``read_text()``, ``open(``, ``Path.open(`` and
``os.open(``; only files jj123 makes or ships itself may be read outside the layer, each named below with
why. Then the fingerprints, the output folder's marker and manifest and the demo marker are driven with a
FIFO (which a plain ``open`` would wait on forever) and an oversized file, in a subprocess with a timeout.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jj123lib.core.files import MAX_TABLE_BYTES, FileRefused, content_digest
from jj123lib.core.resources import PACKAGE_DIR

# (module, call) → why it may read outside the file layer: none of these is a path a user hands jj123.
OWN_FILES = {
    ("annual/batch.py", ".read_bytes"): "the packaged notebook, for the report's fingerprint",
    ("batch/jobs.py", ".read_bytes"): "the packaged notebook, for the report's fingerprint",
    ("batch/publish.py", ".read_bytes"): "the outputs this publication has just rendered",
    ("batch/workers.py", ".read_bytes"): "the worker's own executed notebook",
    ("core/atomic.py", "open"): "the temporary file it writes, and the folder's lock",
    ("core/atomic.py", "os.open"): "a file or folder it wrote, opened to fsync",
    ("core/files.py", "os.open"): "the layer itself",
    ("core/files.py", "os.fdopen"): "the layer itself",
    ("demo/loop.py", ".read_bytes"): "evidence the demo wrote itself",
    ("demo/record.py", ".read_bytes"): "a form the demo wrote itself",
    ("ledger/archive.py", "os.fdopen"): "the staging file it writes",
    ("ledger/fingerprint.py", ".read_bytes"): "the package's own sources (code fingerprint)",
    ("ledger/publications.py", ".open"): "the snapshot's own ledger copy, hashed in chunks",
    ("render/notebook_html.py", ".read_bytes"): "the packaged template",
    ("render/notebook_html.py", ".read_text"): "the packaged CSS",
    ("render/pdf.py", ".read_text"): "Chromium's DevToolsActivePort in the profile jj123 made",
    ("reports/base.py", ".read_text"): "the packaged CSS",
    ("workbench/pages_close.py", ".read_bytes"): "a report the page's own batch just wrote",
    ("workbench/pages_intake.py", ".read_bytes"): "a form the page just wrote",
}
# Modules that read files a user hands them (the task table, the units file, an output or data folder's files)
# only through the layer: not one direct read.
USER_FILES = ("reports/provenance.py", "batch/jobs.py", "batch/run.py", "core/outdir.py", "core/datadir.py",
              "core/passwords.py", "ledger/store.py")

def file_reads(package: Path = PACKAGE_DIR) -> dict[tuple[str, str], list[int]]:
    """Every call that opens or reads a file, by (module, call) with its lines."""
    found: dict[tuple[str, str], list[int]] = {}
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func, call = node.func, None
            if isinstance(func, ast.Attribute) and func.attr in ("read_bytes", "read_text", "open", "fdopen"):
                is_os = isinstance(func.value, ast.Name) and func.value.id == "os"
                call = f"os.{func.attr}" if is_os else f".{func.attr}"
            elif isinstance(func, ast.Name) and func.id == "open":
                call = "open"
            if call is not None:
                found.setdefault((module, call), []).append(node.lineno)
    return found


def test_only_jj123s_own_files_are_read_outside_the_file_layer() -> None:
    found = file_reads()
    unlisted = {key: lines for key, lines in found.items() if key not in OWN_FILES}
    assert not unlisted, f"read through core/files.py (open_bounded, read_bounded, file_digest): {unlisted}"
    assert not set(OWN_FILES) - set(found), "a listed read is gone: drop it from OWN_FILES"
    assert not [key for key in found if key[0] in USER_FILES and key != ("batch/jobs.py", ".read_bytes")]


def test_the_scan_sees_each_kind_of_read(tmp_path: Path) -> None:
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "x.py").write_text(textwrap.dedent("""\
        import os
        from pathlib import Path
        a = Path("t").read_bytes()
        b = Path("t").read_text()
        c = open("t")
        d = Path("t").open("rb")
        e = os.open("t", os.O_RDONLY)
        """))
    assert file_reads(tmp_path) == {("core/x.py", call): [line] for call, line in
                                    ((".read_bytes", 3), (".read_text", 4), ("open", 5), (".open", 6),
                                     ("os.open", 7))}


def test_a_fingerprinted_file_is_hashed_in_chunks_and_refused_in_chinese(tmp_path: Path) -> None:
    table = tmp_path / "tasks.csv"
    table.write_bytes(b"task_id\n" * 1000)

    assert content_digest(table, MAX_TABLE_BYTES, "任务表") == hashlib.sha256(table.read_bytes()).hexdigest()
    assert content_digest(tmp_path / "none.csv", MAX_TABLE_BYTES, "任务表") == hashlib.sha256(b"").hexdigest()
    big = tmp_path / "big.csv"
    with open(big, "wb") as handle:
        handle.truncate(MAX_TABLE_BYTES + 1)
    with pytest.raises(FileRefused, match="任务表“.*big.csv”超过任务表的大小上限 5 MB"):
        content_digest(big, MAX_TABLE_BYTES, "任务表")
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="不是普通文件"):
        content_digest(fifo, MAX_TABLE_BYTES, "任务表")


SCRIPT = """
import sys
from pathlib import Path
from unittest import mock
folder, table = Path(sys.argv[1]), Path(sys.argv[2])
from jj123lib.core.datadir import demo_clock
from jj123lib.core.outdir import output_kind, read_manifest
from jj123lib.core.passwords import read_password_hash
from jj123lib.batch.jobs import load_documents, load_manifest
print(output_kind(folder), read_manifest(folder), load_manifest(folder), load_documents(folder), demo_clock(folder))
try:
    read_password_hash(folder)
except Exception as exc:
    print(type(exc).__name__, exc)
from jj123lib.core.files import FileRefused
from jj123lib.ledger.fingerprint import data_fingerprint
from jj123lib.reports.provenance import rules_and_tasks_digest
for call in (lambda: data_fingerprint(folder / "data"), rules_and_tasks_digest):
    with mock.patch("jj123lib.domain.tasks.default_tasks_path", return_value=table):
        try:
            call()
        except FileRefused as exc:
            print(exc)
"""


@pytest.mark.parametrize("kind", ["fifo", "oversize"])
def test_fifos_and_oversize_files_in_a_folder_never_hang_or_load_whole(kind: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    (folder / "workbench").mkdir(parents=True)
    names = (".jj123-output", "manifest.json", "DEMO_DATA.json", "workbench/password")
    table = tmp_path / "tasks.csv"
    for path in [folder / name for name in names] + [table]:
        if kind == "fifo":
            os.mkfifo(path)  # a plain open() for reading waits for a writer forever
        else:
            with open(path, "wb") as handle:
                handle.truncate(64 * 1024 * 1024)  # past every limit; costs no disk
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_DIR.parent)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(folder), str(table)], env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "None {} {} {} None"  # no marker, no manifest, no demo clock: neither hung nor read
    assert lines[1].startswith("FileRefused 登录密码文件“")
    problem = "不是普通文件（是设备、管道或套接字）" if kind == "fifo" else "超过任务表的大小上限 5 MB"
    assert lines[2:] == [f"任务表“{table}”{problem}，不予读取"] * 2  # the data and leader fingerprints


def test_a_manifest_that_is_no_json_object_is_no_manifest(tmp_path: Path) -> None:
    from jj123lib.batch.jobs import load_documents, load_manifest

    (tmp_path / "manifest.json").write_text(json.dumps([1, 2]), encoding="utf-8")
    assert load_manifest(tmp_path) == {} and load_documents(tmp_path) == {}
    (tmp_path / "manifest.json").write_bytes(b"\xff\xfe")
    assert load_manifest(tmp_path) == {} and load_documents(tmp_path) == {}
