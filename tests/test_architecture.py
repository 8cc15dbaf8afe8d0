"""The layout's promises, read from the source: no import cycle between the package's modules
(imports inside functions count), no module over 500 lines, packages that re-export nothing,
and no raise of the base error class (every error says which exit code it is)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "evidence_tools"


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """Every evidence_tools module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("evidence_tools")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("evidence_tools"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else str(node.module))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                out.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    known = modules()
    graph = {name: imports_of(path, known) - {"evidence_tools"} for name, path in known.items()}
    unknown = {m for deps in graph.values() for m in deps} - set(known)
    assert not unknown, f"imports of modules that do not exist: {unknown}"
    assert cycles(graph) == []


def test_no_module_over_500_lines() -> None:
    sizes = {name: len(p.read_text(encoding="utf-8").splitlines()) for name, p in modules().items()}
    assert {n: s for n, s in sizes.items() if s > 500} == {}


def test_no_re_export_shims() -> None:
    """Callers import from where a thing lives: ruff refuses an import a module does not use,
    so a re-export needs ``noqa: F401`` or ``__all__``, and neither may appear."""
    shims = [
        name
        for name, path in modules().items()
        if "noqa: F401" in (text := path.read_text(encoding="utf-8")) or "__all__" in text
    ]
    assert shims == []


def test_no_raise_of_the_base_error() -> None:
    raised = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                label = getattr(target, "id", None) or getattr(target, "attr", None)
                if label == "EvidenceError":
                    raised.append(f"{name}:{node.lineno}")
    assert raised == []
