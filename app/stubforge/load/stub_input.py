"""Parse and validate stubs posted to ``POST /__admin/stubs`` exactly like stub files.

The body is YAML or JSON: one route (the mapping you would write under ``routes:``) or a
list of routes. Validation is the stub-file model's, and errors carry the same field
paths and (for YAML or pretty-printed JSON) line and column in the posted text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stubforge.load.errors import LoadError, format_field_path
from stubforge.load.validation import errors_from_validation
from stubforge.load.yamlpos import MAX_DEPTH, Positions, YamlError, load_yaml
from stubforge.model.stub import Route, StubFile

SOURCE = "<request body>"


class StubInputError(Exception):
    def __init__(self, errors: list[LoadError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _parse(text: str) -> tuple[Any, Positions]:
    try:
        return load_yaml(text)
    except YamlError as exc:
        try:  # JSON that YAML 1.1 reads differently still counts (without positions)
            data = json.loads(text)
            if _depth(data) <= MAX_DEPTH:
                return data, Positions()
        except (ValueError, RecursionError):
            pass
        path = format_field_path(exc.path)
        raise StubInputError([LoadError(SOURCE, exc.line, exc.col, path, exc.message)]) from None


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_routes(raw: bytes, root: Path) -> list[Route]:
    """The validated routes of a request body; raise :class:`StubInputError`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StubInputError(
            [LoadError(SOURCE, 1, 1, "", f"not UTF-8 text: {exc.reason}")]
        ) from None
    data, positions = _parse(text)
    single = isinstance(data, dict)
    if not single and not (isinstance(data, list) and data):
        raise StubInputError(
            [
                LoadError(
                    SOURCE,
                    1,
                    1,
                    "",
                    "expected a route (a mapping with 'request' and 'response')"
                    " or a list of routes",
                )
            ]
        )
    routes = [data] if single else data
    prefix: tuple[str | int, ...] = ("routes", 0) if single else ("routes",)
    shifted = Positions(
        {(*prefix, *k): v for k, v in positions.values.items()},
        {(*prefix, *k): v for k, v in positions.keys.items()},
    )
    wrapped = {"version": 1, "routes": routes}
    try:
        model = StubFile.model_validate(wrapped, context={"root": root, "file_dir": root})
    except ValidationError as exc:
        errors = errors_from_validation(exc, wrapped, StubFile, SOURCE, shifted)
        if single:
            errors = [_unprefix(e) for e in errors]
        raise StubInputError(errors) from None
    return list(model.routes)


def _unprefix(err: LoadError) -> LoadError:
    field = err.field
    for head in ("routes[0].", "routes[0]", "routes"):
        if field.startswith(head):
            field = field[len(head) :]
            break
    return LoadError(err.file, err.line, err.col, field, err.message)


def error_list(errors: list[LoadError]) -> list[dict[str, Any]]:
    return [
        {"field": e.field, "message": e.message, "line": e.line, "col": e.col, "text": str(e)}
        for e in errors
    ]


def route_data(raw: bytes, count: int) -> list[Any]:
    """The posted routes as plain JSON data, one per route (what replicas share); the
    body was already validated by :func:`parse_routes`, so it parses."""
    import yaml

    data = yaml.safe_load(raw.decode("utf-8"))
    items = [data] if isinstance(data, dict) else list(data)
    out = [json.loads(json.dumps(item, default=str)) for item in items]
    return out if len(out) == count else [None] * count
