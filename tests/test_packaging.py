"""pyproject.toml and environment.yml list the same dependencies."""

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
