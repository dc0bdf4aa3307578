"""Modules stay readable: none over 500 lines, no function over 60, unless a ``# size:`` comment says why.

The comment goes on the line above the ``def`` (a function) or in the module's first ten lines (a module).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "jj123lib"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
WHY = "# size:"


def oversized(package_dir: Path = PACKAGE_DIR) -> list[str]:
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        name = path.relative_to(package_dir).as_posix()
        if len(lines) > MAX_MODULE_LINES and not any(WHY in line for line in lines[:10]):
            found.append(f"{name}: {len(lines)} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                if length > MAX_FUNCTION_LINES and WHY not in lines[first - 2]:
                    found.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    return found


def test_no_module_or_function_is_oversized_without_a_reason() -> None:
    found = oversized()
    assert not found, "split these, or say why on a '# size:' line:\n" + "\n".join(found)


def test_the_check_sees_long_functions_and_honours_a_reason(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def f():\n{body}\n\n# size: one table, read top to bottom\ndef g():\n{body}")
    assert oversized(tmp_path) == ["long.py:1 f: 61 lines"]
