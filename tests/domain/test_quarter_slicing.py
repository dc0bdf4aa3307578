"""No module but the calendar (``domain/quarters.py``) reads a quarter by slicing or indexing its string."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jj123lib

PACKAGE = Path(jj123lib.__file__).parent
CALENDAR = PACKAGE / "domain" / "quarters.py"
# ``quarter``, ``final_quarter``, ``row["quarter"]``, ``str(quarter)``; not a list of ``quarters``.
_ONE_QUARTER = re.compile(r"quarter(?!s)", re.IGNORECASE)


def _position(node: ast.expr) -> bool:
    """An index or a slice, as ``[:4]``, ``[5]``, ``[-1]`` (a key such as ``["quarter"]`` is not)."""
    if isinstance(node, ast.Slice):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, int)


def _holder(node: ast.expr) -> str | None:
    """The name a subscripted value goes by: ``quarter``, ``self.quarter``, ``row["quarter"]``, ``str(quarter)``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _holder(node.value) if node.attr == "str" else node.attr  # ``frame["quarter"].str[:4]``
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and node.args:
        return _holder(node.args[0])
    return None


def quarter_slices(source: str) -> list[str]:
    """``line: expression`` of each subscript that takes characters out of a quarter string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _position(node.slice):
            holder = _holder(node.value)
            if holder is not None and _ONE_QUARTER.search(holder):
                found.append((node.lineno, f"{node.lineno}: {ast.unparse(node)}"))
    return [text for _, text in sorted(found)]


def test_the_scan_sees_slices_and_indexes() -> None:
    source = ('a = quarter[:4]\nb = int(row["quarter"][-1])\nc = str(self.final_quarter)[5]\n'
              'd = frame["quarter"].str[:4]\ne = quarters[-1]\nf = frame["quarter"].iloc[-1]\n')
    assert [line.split(":")[0] for line in quarter_slices(source)] == ["1", "2", "3", "4"]


def test_no_quarter_string_is_sliced_outside_the_calendar() -> None:
    offenders = [f"{path.relative_to(PACKAGE)}:{hit}"
                 for path in sorted(PACKAGE.rglob("*.py")) if path != CALENDAR
                 for hit in quarter_slices(path.read_text(encoding="utf-8"))]
    assert offenders == [], "use jj123lib.domain.quarters instead of slicing a quarter string"
