"""The package's shape: layers import one way, no cycles, no private names across modules.

The import graph is read from the source with ``ast`` (imports inside functions count too),
so a deferred import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "detector"

# Lower layers never import higher ones. Parts on one layer do not import each other.
LAYERS: dict[str, int] = {
    "errors": 0,
    "models": 1,
    "parallel": 1,
    "text": 2,
    "inputs": 3,
    "compare": 4,
    "report": 5,
    "scan": 6,
    "lab": 6,
    "archive": 7,
    "web": 8,
    "cli": 9,
    "__main__": 10,
    "__init__": 10,
}
MAX_LINES = 620


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(modules: dict[str, Path]) -> list[tuple[str, str, list[str]]]:
    """(importer, imported module, names) for every import of a detector module."""
    found = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("detector"):
                        found.append((module, alias.name, []))
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(module, is_package, node)
                if not target.startswith("detector"):
                    continue
                names = [a.name for a in node.names]
                submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
                for sub in submodules:
                    found.append((module, sub, []))
                rest = [n for n in names if f"{target}.{n}" not in modules]
                if rest or not submodules:
                    found.append((module, target, rest))
    return found


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_has_a_layer() -> None:
    parts = {_part(m) for m in _modules()}
    assert parts <= set(LAYERS), f"parts without a layer: {sorted(parts - set(LAYERS))}"


def test_layers_import_one_way() -> None:
    modules = _modules()
    wrong = []
    for importer, imported, _ in _imports(modules):
        a, b = _part(importer), _part(imported)
        if a == b or imported == "detector":
            continue
        if LAYERS[b] >= LAYERS[a]:
            wrong.append(f"{importer} imports {imported}")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(set(wrong)))


def test_no_import_cycle() -> None:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for importer, imported, _ in _imports(modules):
        if imported in modules and imported != importer:
            graph[importer].add(imported)
    # Tarjan's strongly connected components; any component of size > 1 is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_name_crosses_modules() -> None:
    wrong = [
        f"{importer} imports {name} from {imported}"
        for importer, imported, names in _imports(_modules())
        for name in names
        if name.startswith("_") and importer != imported
    ]
    assert not wrong, "\n".join(sorted(wrong))


@pytest.mark.parametrize("module", sorted(_modules()))
def test_modules_stay_small(module: str) -> None:
    lines = _modules()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by stage"


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The walker itself: a function-local import and a private name are both seen."""
    source = "def f():\n    from detector.scan.pipeline import _hidden\n"
    tree = ast.parse(source)
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    assert _resolve("detector.scan.triage", False, node) == "detector.scan.pipeline"
    relative = ast.parse("from ..text import normalize\n").body[0]
    assert isinstance(relative, ast.ImportFrom)
    assert _resolve("detector.scan.triage", False, relative) == "detector.text"
