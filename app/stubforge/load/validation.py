"""Turn pydantic validation errors into :class:`LoadError` s with file positions.

Pydantic's ``loc`` mixes data keys with union-member tags; we walk the data and the model
types side by side so that the reported field path is the one the user wrote and, for
unknown keys, we can list the valid choices (and suggest the closest).
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from stubforge.load.errors import LoadError, format_field_path
from stubforge.load.yamlpos import Path, Positions


def errors_from_validation(
    exc: ValidationError, data: Any, root: type[BaseModel], file: str, positions: Positions
) -> list[LoadError]:
    out: list[LoadError] = []
    seen: set[tuple[Path, str]] = set()
    shapes: dict[Path, tuple[int, list[str]]] = {}  # union alternatives: one line per value
    for err in exc.errors(include_url=False):
        path, model = _walk(err["loc"], data, root)
        message = _message(err, model)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        shape = _SHAPES.get(err["type"])
        if shape is not None and path in shapes:
            index, names = shapes[path]
            if shape not in names:
                names.append(shape)
            old = out[index]
            text = f"expected {' or '.join(names)} (got {_describe(err.get('input'))})"
            out[index] = LoadError(old.file, old.line, old.col, old.field, text)
            continue
        if shape is not None:
            shapes[path] = (len(out), [shape])
        is_key = err["type"] == "extra_forbidden"
        line, col = positions.key(path) if is_key else positions.value(path)
        out.append(LoadError(file, line, col, format_field_path(path), message))
    return out


_SHAPES = {
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}
"""Type errors that may come once per member of a union; merged into one message."""


def _walk(loc: tuple[int | str, ...], data: Any, root: type[BaseModel]) -> tuple[Path, Any]:
    """Follow ``loc`` through ``data``; return the data path and the type at the parent."""
    path: list[str | int] = []
    cursor: Any = data
    tp: Any = root
    parent_tp: Any = root
    for part in loc:
        is_tag = _is_tag(tp, part)
        tp = _pick_member(tp, part, cursor)
        if is_tag:
            continue  # a discriminated-union member tag such as 'fixed_window'
        in_dict = isinstance(cursor, dict) and part in cursor
        in_list = isinstance(cursor, list) and isinstance(part, int) and 0 <= part < len(cursor)
        if in_dict or in_list:
            parent_tp = tp
            tp = _child_type(tp, part)
            cursor = cursor[part]
            path.append(part)
        elif isinstance(part, str) and not (isinstance(cursor, dict)):
            continue  # a union member tag such as 'str' or 'list[str]'
        elif isinstance(cursor, dict):
            # a missing field: point at the parent mapping, name the field
            parent_tp = tp
            path.append(part)
            break
    return tuple(path), parent_tp


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _members(tp: Any) -> list[Any]:
    tp = _strip(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(tp) for m in _members(a)]
    return [tp]


_TAG_FIELDS = ("type", "algorithm")


def _tag_of(model: Any) -> Any:
    for name in _TAG_FIELDS:
        field = model.model_fields.get(name)
        if field is not None:
            return field.default
    return None


def _is_tag(tp: Any, part: int | str) -> bool:
    members = _members(tp)
    return len(members) > 1 and any(
        isinstance(m, type) and issubclass(m, BaseModel) and _tag_of(m) == part for m in members
    )


def _pick_member(tp: Any, part: int | str, cursor: Any) -> Any:
    """For a union, choose the member that applies to ``cursor`` (or is named by ``part``)."""
    members = _members(tp)
    if len(members) == 1:
        return members[0]
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    for m in models:
        if _tag_of(m) is not None and _tag_of(m) == part:
            return m
    if isinstance(cursor, dict):
        for m in models:
            tag = next((cursor[n] for n in _TAG_FIELDS if n in cursor), None)
            if tag is not None and _tag_of(m) == tag:
                return m
        if models:
            return models[0]
        for m in members:
            if typing.get_origin(m) is dict:
                return m
    if isinstance(cursor, list):
        for m in members:
            if typing.get_origin(m) is list:
                return m
    return members[0]


def _child_type(tp: Any, part: int | str) -> Any:
    tp = _strip(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
        for name, field in tp.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return Any
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return Any


def field_names(model: Any) -> list[str]:
    model = _strip(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _message(err: ErrorDetails, model: Any) -> str:
    kind = err["type"]
    loc = err["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        valid = field_names(model)
        hint = difflib.get_close_matches(key, valid, n=1)
        text = f"unknown field {key!r}"
        if hint:
            text += f"; did you mean {hint[0]!r}?"
        if valid:
            text += f" (valid: {', '.join(valid)})"
        return text
    if kind == "missing":
        return f"required field {str(loc[-1])!r} is missing"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"unknown type {ctx.get('tag')!r} (valid: {ctx.get('expected_tags')})"
    if kind == "union_tag_not_found":
        return "needs a 'type' field"
    if kind == "literal_error":
        return f"must be {err.get('ctx', {}).get('expected')} (got {err.get('input')!r})"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        msg = f"expected a mapping (got {_describe(err.get('input'))})"
    elif kind == "list_type":
        msg = f"expected a list (got {_describe(err.get('input'))})"
    elif kind in {
        "string_type",
        "int_type",
        "int_parsing",
        "float_parsing",
        "bool_parsing",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
    }:
        msg = f"{msg} (got {_describe(err.get('input'))})"
    return msg


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
