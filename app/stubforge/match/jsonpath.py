"""Evaluate parsed JSONPath expressions (see ``stubforge.model.jsonpath_syntax``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stubforge.model.jsonpath_syntax import Step


def select(document: Any, steps: tuple[Step, ...]) -> list[Any]:
    """Every value ``steps`` selects in ``document`` (an empty list when none)."""
    current = [document]
    descend = False
    for step in steps:
        if step.kind == "descend":
            descend = True
            continue
        pool = [n for c in current for n in _walk(c)] if descend else current
        descend = False
        current = [v for node in pool for v in _apply(node, step)]
        if not current:
            return []
    return current


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _apply(node: Any, step: Step) -> list[Any]:
    if step.kind == "key":
        if isinstance(node, dict) and step.key in node:
            return [node[step.key]]
        return []
    if step.kind == "index":
        if isinstance(node, list) and -len(node) <= step.index < len(node):
            return [node[step.index]]
        return []
    if isinstance(node, dict):
        return list(node.values())
    if isinstance(node, list):
        return list(node)
    return []
