"""Output folders: jj123 writes only into an empty or new folder, or one it made before (core/outdir.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jj123lib.core import outdir
from jj123lib.core.outdir import MARKER, OutputFolderError, check_output_dir, claim_output_dir, output_kind


def _listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"" for p in folder.rglob("*")}


def test_an_empty_or_new_folder_is_claimed_with_a_marker(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    new = tmp_path / "a" / "new"
    for folder in (empty, new):
        assert claim_output_dir(folder, "batch") == folder
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        assert marker["kind"] == "batch" and marker["version"]
        assert marker["created_at"].endswith("+08:00")
        assert output_kind(folder) == "batch"


def test_its_own_previous_output_is_taken_again(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    claim_output_dir(folder, "forms")
    (folder / "2026Q3_商务局_进度填报.xlsx").write_bytes(b"form")
    first = (folder / MARKER).read_bytes()
    assert claim_output_dir(folder, "forms") == folder
    assert (folder / MARKER).read_bytes() == first  # kept: it says when the folder was first made


def test_a_batch_folder_from_before_the_marker_is_known_by_its_manifest(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"generator": "jj123 0.1.0", "reports": []}), "utf-8")
    (tmp_path / "index.html").write_text("<html></html>", "utf-8")
    assert claim_output_dir(tmp_path, "batch") == tmp_path
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "manifest.json").write_text(json.dumps({"name": "someone's web app"}), "utf-8")
    with pytest.raises(OutputFolderError):
        check_output_dir(foreign, "batch")
    with pytest.raises(OutputFolderError):  # forms never take a batch's manifest for their own
        claim_output_dir(tmp_path, "forms")


def test_a_folder_with_other_content_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html>别人的主页</html>", "utf-8")
    (tmp_path / "notes").mkdir()
    before = _listing(tmp_path)
    with pytest.raises(OutputFolderError) as refused:
        claim_output_dir(tmp_path, "batch")
    message = str(refused.value)
    assert str(tmp_path) in message and "index.html" in message and "不是空文件夹" in message
    assert "未写入任何文件" in message
    assert _listing(tmp_path) == before


def test_another_kind_of_jj123_output_is_refused(tmp_path: Path) -> None:
    claim_output_dir(tmp_path, "forms")
    with pytest.raises(OutputFolderError, match="填报表文件夹，不能再放季度督查报告"):
        claim_output_dir(tmp_path, "batch")
    assert output_kind(tmp_path) == "forms"


def test_the_root_is_refused_outright_even_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.setattr(outdir, "ROOT", root)  # never the real root: the check is what is tested
    with pytest.raises(OutputFolderError, match="根目录"):
        claim_output_dir(root, "batch")
    with pytest.raises(OutputFolderError, match="根目录"):
        claim_output_dir(root / "sub" / "..", "batch")  # however it is spelt
    assert list(root.iterdir()) == []


def test_the_home_folder_is_refused_outright_even_through_a_link(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    link = tmp_path / "link"
    link.symlink_to(home)
    for path in (home, link, tmp_path / "home" / "sub" / ".."):
        with pytest.raises(OutputFolderError, match="主文件夹"):
            claim_output_dir(path, "forms")
    assert list(home.iterdir()) == []
    assert claim_output_dir(home / "jj123-forms", "forms") == home / "jj123-forms"  # a new folder inside is fine


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("x", "utf-8")
    with pytest.raises(OutputFolderError, match="是一个文件"):
        claim_output_dir(target, "batch")
    assert target.read_text("utf-8") == "x"
