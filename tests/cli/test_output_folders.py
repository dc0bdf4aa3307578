"""Every command writing a folder writes only where it belongs: an empty or new folder, or its own earlier output.

``batch`` (a quarter and a year), ``publish``, ``forms`` and ``duban forms`` refuse ``/`` and the home folder
outright and a folder holding anything else, in Chinese, naming it, and write nothing there (no lock, no
``notebooks/``, no index, no marker).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.cli.main import main
from jj123lib.core import outdir
from jj123lib.core.outdir import MARKER, output_kind
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

# Each command with --out left for last; batch writes only its Word documents (seconds, not minutes).
COMMANDS = {
    "batch": ["batch", "--quarter", "2026Q3", "--formats", "docx", "--no-progress"],
    "batch-year": ["batch", "--year", "2026", "--formats", "docx", "--no-progress"],
    "publish": ["publish", "--quarter", "2026Q3", "--as-of", "2026-10-20", "--by", "张三", "--formats", "docx"],
    "forms": ["forms", "--quarter", "2026Q3"],
    "plan-forms": ["forms", "--plan"],
    "duban-forms": ["duban", "forms", "--quarter", "2026Q3"],
}
# The commands whose success a test runs twice (publishing twice is refused; the year's notebook takes a minute).
WRITERS = ("batch", "forms", "plan-forms", "duban-forms")


def _listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"" for p in folder.rglob("*")}


def _run(command: str, data_dir: Path, out: Path | str) -> int:
    return main([*COMMANDS[command], "--data-dir", str(data_dir), "--out", str(out)])


@pytest.fixture
def data(demo_data: DemoSummary, tmp_path: Path) -> Path:
    """An unpublished copy of the demo data: a publish that wrongly went ahead must not change the session's folder,
    and a refused one is refused for its folder, not because the demo published the quarter."""
    return demo_copy(demo_data.data_dir, tmp_path / "data")


def _refused(command: str, data: Path, out: Path | str, capsys: pytest.CaptureFixture[str]) -> str:
    ledger = (data / "ledger.sqlite").read_bytes()
    code = _run(command, data, out)
    err = capsys.readouterr().err
    assert code == 2, err
    assert (data / "ledger.sqlite").read_bytes() == ledger
    assert not (data / "published").exists()  # a refused publish publishes nothing
    return err


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_folder_with_a_strangers_files_is_refused_and_unchanged(command: str, data: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>别人的主页</html>", "utf-8")
    (site / "notebooks").mkdir()
    before = _listing(site)
    err = _refused(command, data, site, capsys)
    assert f"输出文件夹“{site}”不是空文件夹" in err and "index.html" in err and "未写入任何文件" in err
    assert _listing(site) == before  # no lock, no manifest, no index, no marker


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_root_is_refused_outright(command: str, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.setattr(outdir, "ROOT", root)  # the check under test, never a write to the real /
    err = _refused(command, data, root, capsys)
    assert "根目录" in err
    assert list(root.iterdir()) == []


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_home_folder_is_refused_outright(command: str, data: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    err = _refused(command, data, home, capsys)
    assert "主文件夹" in err
    assert list(home.iterdir()) == []


@pytest.mark.parametrize("command", WRITERS)
def test_an_empty_folder_and_then_its_own_output_are_written(command: str, demo_data: DemoSummary, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert _run(command, demo_data.data_dir, out) == 0, capsys.readouterr().err
    first = {name for name in _listing(out) if name != MARKER}
    assert first and output_kind(out) == ("batch" if command == "batch" else
                                          "duban-forms" if command == "duban-forms" else "forms")
    assert _run(command, demo_data.data_dir, out) == 0, capsys.readouterr().err  # its own: taken again
    assert {name for name in _listing(out) if name != MARKER} == first
