"""YAML → plain data plus the position of every value and key.

PyYAML's composer gives nodes with marks; we build the Python value ourselves so that
every path (``("routes", 2, "response")``) maps to its line and column. Duplicate keys
are errors (PyYAML would silently keep the last), timestamps stay strings, and a file
holds exactly one document.

Every YAML text stubforge reads (stub files, stubs posted to the admin API, expectation
and hints files) goes through here, with limits: at most :data:`MAX_BYTES` of text,
nesting at most :data:`MAX_DEPTH` deep, and at most :data:`MAX_NODES` values built --
aliases count each time they are used, so an "alias bomb" (a few hundred bytes whose
aliases expand to billions of values) is an error at once instead of gigabytes later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path = tuple[str | int, ...]

MAX_BYTES = 16 << 20
"""The largest YAML text read (16 MiB)."""
MAX_DEPTH = 64
"""The deepest nesting of mappings and lists."""
MAX_NODES = 4_000_000
"""The most values built from one text."""
MAX_ALIASED = 100_000
"""The most values built again through aliases (and merge keys) in one text."""


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader without the timestamp resolver: dates stay text, as in JSON."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def loader_class() -> Any:
    """The loader both paths parse with: libyaml's when installed, without timestamps."""
    return _Loader


class YamlError(Exception):
    """A YAML syntax or structure problem at a position (1-based)."""

    def __init__(self, line: int, col: int, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.line, self.col, self.message, self.path = line, col, message, path


@dataclass
class Positions:
    """Where each value (``values``) and each mapping key (``keys``) starts, 1-based."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def value(self, path: Path) -> tuple[int, int]:
        """The position of ``path``, or of its nearest ancestor that exists."""
        for n in range(len(path), -1, -1):
            pos = self.values.get(path[:n])
            if pos is not None:
                return pos
        return (1, 1)

    def key(self, path: Path) -> tuple[int, int]:
        return self.keys.get(path) or self.value(path)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Budget:
    __slots__ = ("aliased", "nodes", "seen")

    def __init__(self) -> None:
        self.nodes = 0
        self.aliased = 0
        self.seen: set[int] = set()
        """Every node built so far: meeting one again means an alias."""


def load_plain_yaml(text: str) -> Any:
    """Parse one YAML document into plain data (no positions), with the same rules and
    limits as :func:`load_yaml`."""
    return load_yaml(text)[0]


def load_yaml(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raise :class:`YamlError` on syntax or structure errors."""
    if len(text) > MAX_BYTES:
        raise YamlError(1, 1, f"YAML text of {len(text)} characters is over the {MAX_BYTES} limit")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except RecursionError:
        raise YamlError(1, 1, f"YAML nested too deeply (more than {MAX_DEPTH} levels)") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if exc.context and "expected a single document" in exc.context:
            problem = "a stub file holds one YAML document (found a second '---')"
        if exc.context and "flow" in exc.context:
            problem += " (quote values that contain { } [ ] or , inside a {...} or [...])"
        raise YamlError(line, col, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(1, 1, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    positions = Positions()
    if node is None:
        return None, positions
    return _build(loader, node, (), positions, _Budget()), positions


def _build(
    loader: Any,
    node: yaml.Node,
    path: Path,
    positions: Positions,
    budget: _Budget,
    aliased: bool = False,
) -> Any:
    budget.nodes += 1
    if not aliased and id(node) in budget.seen:
        aliased = True
    budget.seen.add(id(node))
    if aliased:
        budget.aliased += 1
    if budget.nodes > MAX_NODES or budget.aliased > MAX_ALIASED:
        line, col = _mark(node)
        raise YamlError(
            line,
            col,
            f"YAML expands to too many values (over {MAX_ALIASED} through aliases, or "
            f"{MAX_NODES} in all): an alias bomb?",
        )
    if len(path) > MAX_DEPTH:
        line, col = _mark(node)
        raise YamlError(line, col, f"YAML nested too deeply (more than {MAX_DEPTH} levels)")
    positions.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        loader.flatten_mapping(node)
        merged = len(node.value) - explicit  # flattening puts ``<<: *anchor`` pairs first
        inherited: set[Any] = set()
        result: dict[Any, Any] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                raise YamlError(line, col, "mapping keys must be plain scalars", path)
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, bool | int | float) or key is None:
                key = key_node.value  # keep the key as written: "200", "on", "null"
            if index < merged:
                inherited.add(key)
            elif key in inherited:  # a key of this mapping overrides a merged one
                inherited.discard(key)
                del result[key]
            if key in result and index >= merged:
                line, col = _mark(key_node)
                first = positions.keys[(*path, key)]
                raise YamlError(
                    line, col, f"duplicate key {key!r} (first defined at line {first[0]})", path
                )
            positions.keys[(*path, key)] = _mark(key_node)
            result[key] = _build(loader, value_node, (*path, key), positions, budget, aliased)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, (*path, i), positions, budget, aliased)
            for i, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        line, col = _mark(node)
        raise YamlError(line, col, f"YAML error: {exc.problem}", path) from None
