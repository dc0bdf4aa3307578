"""docs/architecture.md lists every module of jj123lib under its folder, and no module that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "jj123lib"

HEADING = re.compile(r"^### `jj123lib/`|^### `(\w+)/`", re.MULTILINE)
ROW = re.compile(r"^\| `(\w+\.py)` \|", re.MULTILINE)


def listed_modules(text: str) -> set[str]:
    """``folder/module.py`` for each table row under a ``### `folder/``` heading (top level: ``module.py``)."""
    found: set[str] = set()
    headings = list(HEADING.finditer(text))
    for heading, following in zip(headings, [*headings[1:], None]):
        section = text[heading.end():following.start() if following else len(text)]
        folder = heading.group(1)
        found |= {f"{folder}/{m}" if folder else m for m in ROW.findall(section)}
    return found


def package_modules() -> set[str]:
    return {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
            if p.name != "__init__.py" and "notebooks" not in p.parts}


def test_the_architecture_page_lists_every_module_and_nothing_else() -> None:
    listed, actual = listed_modules(DOC.read_text(encoding="utf-8")), package_modules()
    assert not actual - listed, f"modules missing from docs/architecture.md: {sorted(actual - listed)}"
    assert not listed - actual, f"docs/architecture.md lists modules that do not exist: {sorted(listed - actual)}"


def test_the_parser_reads_folders_and_rows() -> None:
    text = "### `jj123lib/`\n\n| `api.py` | x |\n\n### `core/`\n\n| module | concern |\n|---|---|\n| `clock.py` | y |\n"
    assert listed_modules(text) == {"api.py", "core/clock.py"}
