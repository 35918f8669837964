"""Path templates: ``/v1/customers/{customer_id}``, ``/v1/items/{id:int}``, ``/files/{rest:path}``.

A segment is a literal, or a parameter with an optional literal prefix and suffix
(``{name}.json``, ``v{version:int}``). Parameter types:

- ``str`` (default): one non-empty segment;
- ``int``: one segment of digits (an optional leading ``-``), delivered as an int to templates;
- ``uuid``: one segment that is a UUID (any version);
- ``path``: the rest of the path, slashes included (possibly empty); last segment only.

A literal brace is written doubled: ``/files/{{id}}`` matches the path ``/files/{id}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

PARAM_TYPES = ("str", "int", "uuid", "path")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Segment:
    """One ``/``-separated piece of a template: a literal (``name is None``) or a parameter."""

    literal: str = ""
    name: str | None = None
    type: str = "str"
    prefix: str = ""
    suffix: str = ""

    @property
    def is_param(self) -> bool:
        return self.name is not None


def parse_path_template(path: str) -> tuple[Segment, ...]:
    """Parse a template into segments, or raise ``ValueError`` with what is wrong."""
    if not path.startswith("/"):
        raise ValueError(f"path {path!r} must start with '/'")
    if "?" in path:
        raise ValueError(
            f"path {path!r} contains '?': put query parameters under request.query instead"
        )
    if "#" in path:
        raise ValueError(f"path {path!r} contains '#': fragments never reach a server")
    parts = path[1:].split("/")
    segments: list[Segment] = []
    names: set[str] = set()
    for i, part in enumerate(parts):
        prefix, params, suffix = _scan(part, path)
        if not params:
            segments.append(Segment(literal=prefix))
            continue
        name, _, ptype = params[0].partition(":")
        name, ptype = name.strip(), (ptype.strip() or "str")
        if not _NAME.match(name):
            raise ValueError(f"path {path!r}: parameter name {name!r} is not an identifier")
        if ptype not in PARAM_TYPES:
            raise ValueError(
                f"path {path!r}: parameter {name!r} has unknown type {ptype!r} "
                f"(valid: {', '.join(PARAM_TYPES)})"
            )
        if name in names:
            raise ValueError(f"path {path!r}: parameter {name!r} appears twice")
        names.add(name)
        if ptype == "path" and (i != len(parts) - 1 or suffix):
            raise ValueError(f"path {path!r}: the catch-all {{{name}:path}} must end the template")
        segments.append(Segment(name=name, type=ptype, prefix=prefix, suffix=suffix))
    return tuple(segments)


def _scan(part: str, path: str) -> tuple[str, list[str], str]:
    """(literal text before, parameter bodies, literal text after) of one segment;
    ``{{`` and ``}}`` are literal braces."""
    before: list[str] = []
    after: list[str] = []
    params: list[str] = []
    out, i = before, 0
    while i < len(part):
        char = part[i]
        if char in "{}" and part.startswith(char * 2, i):
            out.append(char)
            i += 2
        elif char == "{":
            end = part.find("}", i)
            if end < 0 or "{" in part[i + 1 : end]:
                raise ValueError(f"path {path!r}: unbalanced brace in segment {part!r}")
            params.append(part[i + 1 : end])
            out, i = after, end + 1
        elif char == "}":
            raise ValueError(f"path {path!r}: unbalanced brace in segment {part!r}")
        else:
            out.append(char)
            i += 1
    if len(params) > 1:
        raise ValueError(
            f"path {path!r}: segment {part!r} has {len(params)} parameters; one per segment"
        )
    return "".join(before), params, "".join(after)


def _check(path: str) -> str:
    parse_path_template(path)
    return path


PathTemplate = Annotated[str, AfterValidator(_check)]
