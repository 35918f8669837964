"""The fast way to read a stub file: libyaml's parser, no position map.

:func:`~stubforge.load.yamlpos.load_yaml` records the line and column of every value so
that any error can name ``file:line:col``; for 10,000 routes that map costs more than
the parsing itself. A file that loads cleanly needs only where each route and its ``id``
start, so this module builds the plain data with libyaml's C parser and a lean builder,
and keeps just those positions.

It gives up -- returns ``None`` -- whenever the careful path could answer differently:
any YAML error, a duplicate key, a non-scalar key, anchors, aliases or merge keys (the
alias-bomb budget lives in the careful path), text over the size limit, nesting deeper
than the depth limit, more values than the value limit. The caller then runs the
careful path, which reports the exact error. A file that fails validation is parsed
again the careful way too, so every error keeps its position. Without libyaml the
careful path is the only one.
"""

from __future__ import annotations

from typing import Any

import yaml

from stubforge.load.yamlpos import MAX_BYTES, MAX_DEPTH, MAX_NODES, Positions, loader_class

AVAILABLE: bool = bool(getattr(yaml, "__with_libyaml__", False))
"""libyaml's C parser is installed; without it :func:`load_fast` always gives up."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_BOOLS: dict[str, bool] = yaml.constructor.SafeConstructor.bool_values
_KEPT_AS_WRITTEN = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "bool", "int", "float", "null")
)
"""Key tags whose key is the text as written (``200``, ``on``, ``null`` stay text)."""
_SUSPECT = ("&", "<<", "merge")
"""Anchors, merge keys, explicit merge tags: texts holding these go the careful way
(an ampersand in a plain string only costs the fast path, never correctness)."""


class _GiveUp(Exception):
    pass


def load_fast(text: str) -> tuple[Any, Positions] | None:
    """Plain data and the positions of ``routes[i]`` and ``routes[i].id``, or ``None``
    when the careful path must decide."""
    if not AVAILABLE or len(text) > MAX_BYTES or any(s in text for s in _SUSPECT):
        return None
    loader = loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        data = _Builder(loader).build(node, 0)
    except (yaml.YAMLError, RecursionError, _GiveUp):
        return None
    finally:
        loader.dispose()
    return data, _route_positions(node)


class _Builder:
    """Plain data from a composed node tree, with the careful path's rules (keys as
    written, mappings and lists whatever their tag); anything unusual gives up."""

    __slots__ = ("loader", "nodes")

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.nodes = 0

    def build(self, node: yaml.Node, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _GiveUp
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        depth += 1
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, depth) for item in node.value]
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _GiveUp
            if key_node.tag in _KEPT_AS_WRITTEN:
                key = key_node.value
            else:
                key = self.loader.construct_object(key_node, deep=True)
            if key in result:
                raise _GiveUp
            result[key] = self.build(value_node, depth)
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """PyYAML's safe constructors, with the common cases inline: text, plain decimal
        integers (``010`` is octal and ``1_000`` has a separator: those go to PyYAML),
        booleans and nulls."""
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _INT and value.isascii() and value.isdigit() and value[0] != "0":
            return int(value)
        if tag == _BOOL:
            return _BOOLS[value.lower()]
        if tag == _NULL:
            return None
        return self.loader.construct_object(node, deep=True)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _value_of(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == _STR and key_node.value == key:
                found: yaml.Node = value_node
                return found
    return None


def _route_positions(root: yaml.Node) -> Positions:
    """Where the document, ``routes``, each route and each route's ``id`` start."""
    positions = Positions()
    positions.values[()] = _mark(root)
    routes = _value_of(root, "routes")
    if routes is None:
        return positions
    positions.values[("routes",)] = _mark(routes)
    if isinstance(routes, yaml.SequenceNode):
        for i, item in enumerate(routes.value):
            positions.values[("routes", i)] = _mark(item)
            id_node = _value_of(item, "id")
            if id_node is not None:
                positions.values[("routes", i, "id")] = _mark(id_node)
    return positions
