"""JSON comparisons: strict equality (``true`` is not ``1``), partial matching, canonical keys."""

from __future__ import annotations

import json
from typing import Any


def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values: object key order ignored, booleans never equal numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(json_equal(v, b[k]) for k, v in a.items())
        )
    if isinstance(a, list):
        return (
            isinstance(b, list)
            and len(a) == len(b)
            and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def json_contains(actual: Any, expected: Any) -> bool:
    """``expected`` is a partial of ``actual``: objects may have more keys, arrays more
    elements (each expected element must match some actual element)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and json_contains(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return isinstance(actual, list) and all(
            any(json_contains(a, e) for a in actual) for e in expected
        )
    return json_equal(actual, expected)


def _normalise(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def canonical(value: Any) -> str:
    """A text key such that ``json_equal(a, b)`` implies ``canonical(a) == canonical(b)``."""
    return _dumps(_normalise(value))


def quick_canonical(value: Any) -> str:
    """:func:`canonical` without normalising integral floats: equal to it for documents
    without a float like ``1.0``, and much cheaper. Look up with this first and fall back
    to :func:`canonical` on a miss."""
    return _dumps(value)
