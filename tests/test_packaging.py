"""Packaging: pyproject.toml and environment.yml agree; the package carries its files, one copy of each."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _requirement(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_requirement(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(
        # the interpreter and pip are not packages of pyproject.toml (python-docx is)
        _requirement(s) for s in env["dependencies"] if isinstance(s, str) and not re.match(r"(python|pip)\b(?!-)", s)
    )
    assert conda == wanted
    python = next(s for s in env["dependencies"] if isinstance(s, str) and s.startswith("python"))
    assert python.replace("python", "") == project["requires-python"]


def test_matplotlib_pinned_for_ttc_faces() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "matplotlib>=3.11" in project["dependencies"]


def test_py_typed_marker_ships() -> None:
    assert (ROOT / "jj123lib" / "py.typed").is_file()


PACKAGE = ROOT / "jj123lib"
SHIPPED_DIRS = ("notebooks", "params", "templates", "data")


def test_package_data_covers_every_shipped_file() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["jj123lib"]
    covered = {path for pattern in patterns for path in PACKAGE.glob(pattern) if path.is_file()}
    wanted = {path for folder in SHIPPED_DIRS for path in (PACKAGE / folder).rglob("*")
              if path.is_file() and ".ipynb_checkpoints" not in path.parts and "__pycache__" not in path.parts}
    assert wanted and wanted <= covered, sorted(str(p) for p in wanted - covered)
    assert PACKAGE / "py.typed" in covered


def test_notebooks_and_rules_have_one_copy() -> None:
    from jj123lib.core import resources

    for link, source in (("notebooks", "notebooks"), ("params", "params")):
        assert (PACKAGE / link).is_symlink()
        assert (PACKAGE / link).resolve() == (ROOT / source).resolve()
    assert resources.DEFAULT_RULES.is_file()
    assert {p.name for p in resources.NOTEBOOK_DIR.glob("*.ipynb")} >= {"leader_report.ipynb",
                                                                          "quarterly_overview.ipynb"}
    assert (resources.TEMPLATE_DIR / "jj123" / "conf.json").is_file()


def test_only_resources_locates_package_files() -> None:
    """Other modules take packaged paths from jj123lib.core.resources, so an installed wheel finds them."""
    offenders = [path.name for path in PACKAGE.glob("*.py")
                 if path.name != "resources.py" and re.search(r"Path\(__file__\)|parent\.parent",
                                                             path.read_text(encoding="utf-8"))]
    assert offenders == []
