"""Compiled path templates: segment tests and parameter conversion."""

from __future__ import annotations

import re
from typing import Any

from stubforge.model.path_syntax import Segment, parse_path_template

_INT = re.compile(r"^-?[0-9]{1,4000}$")
"""ASCII digits, and fewer than Python converts to ``int`` without a limit error (4300): a
longer number is not a match (the miss explains itself) instead of a failed request."""
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)


class PathTemplate:
    """A parsed template with precedence facts: literal segment count, typed parameters."""

    __slots__ = (
        "catch_all",
        "is_literal",
        "literal_path",
        "literal_segments",
        "segments",
        "text",
        "typed_params",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.segments: tuple[Segment, ...] = parse_path_template(text)
        self.is_literal = not any(s.is_param for s in self.segments)
        self.literal_path = "/" + "/".join(s.literal for s in self.segments)
        """The path a literal template matches (``{{`` in the text is one brace)."""
        self.literal_segments = sum(1 for s in self.segments if not s.is_param)
        self.typed_params = sum(
            1 for s in self.segments if s.is_param and s.type in ("int", "uuid")
        )
        self.catch_all = (
            bool(self.segments)
            and self.segments[-1].type == "path"
            and (self.segments[-1].is_param)
        )

    def match(self, path: str) -> dict[str, Any] | None:
        """Parameters when ``path`` matches, else ``None`` (used for near misses)."""
        parts = path[1:].split("/") if path.startswith("/") else path.split("/")
        params: dict[str, Any] = {}
        for i, seg in enumerate(self.segments):
            if seg.is_param and seg.type == "path":
                if i >= len(parts):  # as the router: "/files" is not "/files/{rest:path}"
                    return None
                rest = "/".join(parts[i:])
                if not (rest.startswith(seg.prefix)):
                    return None
                params[seg.name or ""] = rest[len(seg.prefix) :]
                return params
            if i >= len(parts):
                return None
            value = segment_value(seg, parts[i])
            if value is None:
                return None
            if seg.is_param:
                params[seg.name or ""] = value
        return params if len(parts) == len(self.segments) else None


def segment_value(seg: Segment, part: str) -> Any:
    """The parameter value ``part`` gives for ``seg`` (``True`` for a matching literal),
    or ``None`` when it does not fit."""
    if not seg.is_param:
        return True if part == seg.literal else None
    if seg.prefix or seg.suffix:
        if len(part) < len(seg.prefix) + len(seg.suffix) or not (
            part.startswith(seg.prefix) and part.endswith(seg.suffix)
        ):
            return None
        part = part[len(seg.prefix) : len(part) - len(seg.suffix)]
    if not part:
        return None
    if seg.type == "int":
        return int(part) if _INT.match(part) else None
    if seg.type == "uuid":
        return part if _UUID.match(part) else None
    return part
