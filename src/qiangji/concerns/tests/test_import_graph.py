"""The concerns app's modules do not import each other in a circle (function-level imports too)."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent
PACKAGE = "qiangji.concerns"


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def _graph() -> dict[str, set[str]]:
    modules = {
        _module_name(p): p
        for p in APP.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts
    }
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_module_of_the_concerns_app_imports_itself_through_others():
    assert _cycle(_graph()) == []


def test_the_graph_check_finds_a_circle_when_there_is_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]


def test_actions_importing_and_tasks_are_layered():
    graph = _graph()
    assert f"{PACKAGE}.actions" not in graph[f"{PACKAGE}.importing"]
    assert f"{PACKAGE}.tasks" not in graph[f"{PACKAGE}.actions"]
    assert f"{PACKAGE}.filing" in graph[f"{PACKAGE}.importing"]
