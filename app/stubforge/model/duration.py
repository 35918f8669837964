"""Durations as written in stub files: ``250ms``, ``1.5s``, ``2m``, ``1h``; stored as seconds."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

_UNITS = {"us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(us|µs|ms|s|m|h)\s*$")
DURATION_PATTERN = r"^\s*(\d+(\.\d+)?|\.\d+)\s*(us|µs|ms|s|m|h)\s*$"


def parse_duration(value: Any) -> float:
    """Parse ``"250ms"`` → ``0.25``. Bare numbers are refused: the unit must be explicit."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                f"a duration needs a unit, e.g. '{value}ms' or '{value}s' (got the number {value})"
            )
        raise ValueError(f"a duration is a string like '250ms' or '1.5s' (got {value!r})")
    match = _PATTERN.match(value)
    if match is None:
        raise ValueError(
            f"invalid duration {value!r}: write a number and a unit (us, ms, s, m, h), e.g. '250ms'"
        )
    return float(match.group(1)) * _UNITS[match.group(2)]


def format_duration(seconds: float) -> str:
    """The inverse of :func:`parse_duration`, choosing ``ms`` below a second."""
    if seconds < 1.0:
        text = f"{seconds * 1000:.3f}".rstrip("0").rstrip(".")
        return f"{text}ms"
    text = f"{seconds:.3f}".rstrip("0").rstrip(".")
    return f"{text}s"


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    Field(ge=0),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN, "examples": ["250ms", "1.5s"]}),
]
"""A non-negative duration in seconds, written with a unit in YAML."""
