"""The package's shape: no import cycles, folders that import only the floors below them, no private seams.

No import cycles among jj123lib's modules, counting imports hidden inside functions.

An import inside a function still ties two modules together; it only hides the tie
from the interpreter until the function runs. Imports under ``if TYPE_CHECKING:``
never run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jj123lib

PACKAGE = "jj123lib"
PACKAGE_DIR = Path(jj123lib.__file__).resolve().parent

Edge = tuple[str, str]
Graph = dict[str, dict[str, list[int]]]  # module -> imported module -> line numbers


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join([PACKAGE, *parts]) if parts != ("__init__",) else PACKAGE


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, modules: set[str]) -> dict[str, list[int]]:
    """Modules of the package that ``tree`` imports (anywhere but TYPE_CHECKING blocks), with line numbers."""
    found: dict[str, list[int]] = {}
    is_package = module == PACKAGE

    def add(target: str, line: int) -> None:
        # "jj123lib.a.b" counts as "jj123lib.a.b" if it is a module, else as the nearest enclosing module.
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if not target or target == module:
            return
        lines = found.setdefault(target, [])
        if line not in lines:
            lines.append(line)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                        add(alias.name, child.lineno)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module if is_package else module.rpartition(".")[0]
                    for _ in range(child.level - 1):
                        base = base.rpartition(".")[0]
                    source = f"{base}.{child.module}" if child.module else base
                else:
                    source = child.module or ""
                if source == PACKAGE or source.startswith(PACKAGE + "."):
                    # "from jj123lib.render import fonts" imports the module jj123lib.render.fonts
                    for alias in child.names:
                        submodule = f"{source}.{alias.name}"
                        add(submodule if submodule in modules else source, child.lineno)
            visit(child)

    visit(tree)
    return found


def import_graph(package_dir: Path = PACKAGE_DIR) -> Graph:
    paths = sorted(p for p in package_dir.rglob("*.py") if "notebooks" not in p.parts)
    names = {p: _module_name(p, package_dir) for p in paths}
    modules = set(names.values())
    return {names[p]: _imports(ast.parse(p.read_text(encoding="utf-8")), names[p], modules) for p in paths}


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, each sorted, groups of 2+ only."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups)


def _cycle_in(group: list[str], graph: Graph) -> list[str]:
    """One cycle through the group's first module, by breadth-first search inside the group."""
    start = group[0]
    members = set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node]):
            if target == start:
                return [*paths[node], start]
            if target in members and target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # cannot happen in a strongly connected group


def describe_cycles(graph: Graph) -> str:
    lines = []
    for group in strongly_connected(graph):
        cycle = _cycle_in(group, graph)
        steps = ", ".join(f"{a} → {b} (line {', '.join(map(str, graph[a][b]))})" for a, b in zip(cycle, cycle[1:]))
        lines.append(f"- {{{', '.join(group)}}}: e.g. {steps}")
    return "\n".join(lines)


def test_no_import_cycles_among_jj123lib_modules() -> None:
    graph = import_graph()
    assert f"{PACKAGE}.domain.notice" in graph and f"{PACKAGE}.domain.tasks" in graph[f"{PACKAGE}.domain.notice"]
    report = describe_cycles(graph)
    assert not report, "import cycles among jj123lib modules (imports inside functions count):\n" + report


def test_the_checker_finds_cycles_hidden_in_functions_and_ignores_type_checking(tmp_path: Path) -> None:
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from jj123lib.b import x\n")
    (package / "b.py").write_text("def f():\n    from jj123lib import a\n    return a\nx = 1\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import jj123lib.a\n")
    (package / "d.py").write_text("from . import c\n")
    graph = import_graph(package)
    assert graph["jj123lib.a"] == {"jj123lib.b": [1]}
    assert graph["jj123lib.b"] == {"jj123lib.a": [2]}
    assert graph["jj123lib.c"] == {}
    assert graph["jj123lib.d"] == {"jj123lib.c": [1]}
    assert strongly_connected(graph) == [["jj123lib.a", "jj123lib.b"]]
    assert describe_cycles(graph) == (
        "- {jj123lib.a, jj123lib.b}: e.g. jj123lib.a → jj123lib.b (line 1), jj123lib.b → jj123lib.a (line 2)")


# The floors of jj123lib, lowest first. A module imports its own folder and folders on lower floors only;
# folders on one floor do not import each other. The top level (``__init__``, ``api``) stands above all.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("core",), ("domain",), ("ledger",), ("assess",), ("loop",), ("render",), ("intake",),
    ("reports", "documents"), ("batch",), ("demo", "annual"), ("cli",), ("workbench",),
)
TOP = ""  # modules directly in jj123lib/
PUBLIC_SURFACE = {"__init__.py", "api.py", "py.typed"}


def folder_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else TOP


def floor_of(folder: str) -> int:
    if folder == TOP:
        return len(FLOORS)
    return next(i for i, floor in enumerate(FLOORS) if folder in floor)


def upward_imports(graph: Graph) -> list[str]:
    """Every import of a folder on the same or a higher floor, as ``a → b (line n)``."""
    found = []
    for module, targets in sorted(graph.items()):
        for target, lines in sorted(targets.items()):
            here, there = folder_of(module), folder_of(target)
            if here != there and floor_of(there) >= floor_of(here):
                found.append(f"{module} → {target} (line {', '.join(map(str, lines))})")
    return found


def private_imports(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Underscore names one module takes from another: ``from m import _x`` or ``m._x`` on an imported module."""
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = _module_name(path, package_dir)
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__") and node.module != here:
                        found.append(f"{here}: {node.module}.{alias.name} (line {node.lineno})")
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(PACKAGE):
                        aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                found.append(f"{here}: {aliases[node.value.id]}.{node.attr} (line {node.lineno})")
    return found


def test_every_folder_is_on_a_floor_and_the_top_level_is_the_public_surface() -> None:
    folders = {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == {f for floor in FLOORS for f in floor}
    top = {p.name for p in PACKAGE_DIR.iterdir() if p.is_file()}
    assert top == PUBLIC_SURFACE, "only the public surface lives at the top of jj123lib/"


def test_no_folder_imports_a_folder_above_it() -> None:
    found = upward_imports(import_graph())
    assert not found, "imports of a folder on the same or a higher floor:\n" + "\n".join(found)


def test_no_module_imports_another_modules_underscore_names() -> None:
    found = private_imports()
    assert not found, "private names used across modules (make them public where they live):\n" + "\n".join(found)


def test_the_checkers_see_upward_and_private_imports(tmp_path: Path) -> None:
    package = tmp_path / PACKAGE
    for folder in ("core", "domain"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "core" / "a.py").write_text("from jj123lib.domain.b import _hidden\n")
    (package / "domain" / "b.py").write_text("import jj123lib.core.a as a\n_hidden = 1\nx = a._secret\n")
    graph = import_graph(package)
    assert upward_imports(graph) == ["jj123lib.core.a → jj123lib.domain.b (line 1)"]
    assert private_imports(package) == ["jj123lib.core.a: jj123lib.domain.b._hidden (line 1)",
                                        "jj123lib.domain.b: jj123lib.core.a._secret (line 3)"]
