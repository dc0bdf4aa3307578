"""The data folder resolves from the project root (or $JJ123_DATA_DIR), whatever the working folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from jj123lib import datadir, resources
from jj123lib.datadir import project_root, resolve_data_dir

ROOT = Path(__file__).resolve().parent.parent


def test_project_root_is_the_checkout() -> None:
    assert project_root() == ROOT and (ROOT / "pyproject.toml").is_file()


@pytest.mark.parametrize("cwd", ["notebooks", "jj123lib", "."])
def test_default_and_relative_paths_resolve_from_the_project_root(cwd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / cwd)
    monkeypatch.delenv("JJ123_DATA_DIR", raising=False)
    assert resolve_data_dir() == ROOT / "data"
    assert resolve_data_dir("demo/data") == ROOT / "demo" / "data"
    monkeypatch.setenv("JJ123_DATA_DIR", "demo/data")
    assert resolve_data_dir() == ROOT / "demo" / "data"
    assert resolve_data_dir("other") == ROOT / "other"  # the argument beats the environment


def test_absolute_paths_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JJ123_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir() == tmp_path / "env"
    assert resolve_data_dir(tmp_path / "x" / ".." / "y") == tmp_path / "y"


def test_installed_package_resolves_from_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An installed package has no pyproject.toml beside it.
    site = tmp_path / "site-packages" / "jj123lib"
    site.mkdir(parents=True)
    monkeypatch.setattr(resources, "PACKAGE_DIR", site)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JJ123_DATA_DIR", raising=False)
    assert datadir.project_root() is None
    assert resolve_data_dir() == tmp_path / "data"
