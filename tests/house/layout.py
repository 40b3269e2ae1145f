"""What the house rules measure: package imports, module and function sizes.

Read from the source with ``ast`` (imports inside functions included: a lazy import
is still a dependency), so the checks see the code as written, not as imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "clearsight"

# Limits from the project's style: a module a newcomer reads in one sitting, a
# function that does one thing.
MODULE_LINES = 600
FUNCTION_LINES = 120


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted
    names: tuple[str, ...]


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports() -> Iterator[Import]:
    for module, path in modules():
        tree = ast.parse(path.read_text("utf-8"))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(module, alias.name, ())
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(module, is_package, node)
                yield Import(module, target, tuple(a.name for a in node.names))


def package_of(module: str) -> str | None:
    """The room a module belongs to: ``clearsight.graph.build`` -> ``graph``."""
    parts = module.split(".")
    if parts[0] != "clearsight" or len(parts) < 2:
        return None
    return parts[1]


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for imp in imports():
        source, target = package_of(imp.module), package_of(imp.target)
        if source is None:
            continue
        graph.setdefault(source, set())
        if target is not None and target != source:
            graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def private_imports() -> list[str]:
    """``from clearsight.a.b import _name`` where a is not the importer's package."""
    out = []
    for imp in imports():
        if package_of(imp.module) is None or package_of(imp.target) is None:
            continue
        if package_of(imp.module) == package_of(imp.target):
            continue
        for name in imp.names:
            if name.startswith("_"):
                out.append(f"{imp.module} imports {imp.target}.{name}")
    return out


def long_modules() -> dict[str, int]:
    out = {}
    for module, path in modules():
        lines = len(path.read_text("utf-8").splitlines())
        if lines > MODULE_LINES:
            out[module] = lines
    return out


def long_functions() -> dict[str, int]:
    out = {}
    for module, path in modules():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    out[f"{module}.{node.name}"] = length
    return out
