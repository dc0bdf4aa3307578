"""The default data folder and $JJ123_DATA_DIR resolve from the project root, whatever the working folder;
an explicit argument resolves from the current folder, as on any command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from jj123lib.core import datadir, resources
from jj123lib.core.datadir import project_root, resolve_data_dir

ROOT = Path(__file__).resolve().parents[2]


def test_project_root_is_the_checkout() -> None:
    assert project_root() == ROOT and (ROOT / "pyproject.toml").is_file()


@pytest.mark.parametrize("cwd", ["notebooks", "jj123lib", "."])
def test_default_and_environment_resolve_from_the_project_root(cwd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / cwd)
    monkeypatch.delenv("JJ123_DATA_DIR", raising=False)
    assert resolve_data_dir() == ROOT / "data"
    monkeypatch.setenv("JJ123_DATA_DIR", "demo/data")
    assert resolve_data_dir() == ROOT / "demo" / "data"
    # An explicit argument beats the environment and is taken from the current folder.
    assert resolve_data_dir("other") == (ROOT / cwd / "other").resolve()


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
