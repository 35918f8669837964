"""The import graph between the packages is the one docs/architecture.md states, and has
no cycle."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "app" / "stubforge"
ROW = re.compile(r"^\| `([a-z_]+)` \|.*\| ([a-z_, ]+) \|$")


def documented() -> dict[str, set[str]]:
    allowed: dict[str, set[str]] = {}
    for line in (ROOT / "docs" / "architecture.md").read_text().splitlines():
        m = ROW.match(line)
        if m:
            deps = {d.strip() for d in m.group(2).split(",")}
            allowed[m.group(1)] = set() if deps == {"none"} else deps
    return allowed


def actual() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if parts == ("__init__.py",):
            continue
        owner = parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                if name.startswith("stubforge.") and name.split(".")[1] != owner:
                    edges[owner].add(name.split(".")[1])
    return edges


def test_every_package_is_documented_and_imports_only_what_the_table_allows() -> None:
    allowed = documented()
    for owner, targets in actual().items():
        assert owner in allowed, f"{owner}: add a row to docs/architecture.md's package table"
        if allowed[owner] == {"everything"}:
            continue
        extra = targets - allowed[owner]
        assert not extra, f"{owner} imports {sorted(extra)}: not in docs/architecture.md"


def test_the_graph_between_packages_has_no_cycle() -> None:
    edges = {k: v for k, v in actual().items() if k != "cli"}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            assert state.get(nxt) != 1, "cycle: " + " -> ".join([*trail, node, nxt])
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [])


def test_the_parser_sees_the_table() -> None:
    allowed = documented()
    assert allowed["model"] == set() and "redact" in allowed["record"]
