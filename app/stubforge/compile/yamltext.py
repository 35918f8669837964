"""A small deterministic YAML writer that keeps comments.

Mappings keep their insertion order; short mappings and lists of scalars are written
in flow style (``{method: GET, path: /v1/x}``); strings are plain when YAML reads them
back unchanged, multi-line strings are literal blocks (``|``) when YAML reads them back
exactly, else JSON-quoted (valid YAML). :class:`Commented` attaches comment lines above a
value (a list item or a mapping entry).
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_PLAIN = re.compile(r"^[A-Za-z0-9_/.][A-Za-z0-9 _./@+-]*$")
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""Characters YAML may not carry as they are, or reads as line breaks inside quotes (NEL,
U+2028, U+2029): escaped as ``\\uXXXX`` in quoted strings."""
_FLOW_WIDTH = 88
_BLOCK_MAX = 64 << 10
"""Longer multi-line strings stay quoted (reading them back to check costs time)."""


@dataclass
class Commented:
    """``value`` written with ``comments`` (without ``#``) on the lines above it."""

    value: Any
    comments: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=1 << 16)
def _plain(text: str) -> bool:
    """True when ``text`` can be written unquoted (YAML reads it back as the same string);
    cached: the same keys and values recur across thousands of routes."""
    return bool(
        _PLAIN.match(text)
        and not text.endswith(" ")
        and " #" not in text
        and yaml.safe_load(text) == text
    )


def scalar(value: Any) -> str:
    """One scalar as YAML text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return json.dumps(str(value))
        text = json.dumps(value)
        if "e" in text and "." not in text:  # YAML 1.1 reads 1e-07 as a string
            mantissa, _, exp = text.partition("e")
            text = f"{mantissa}.0e{exp}"
        return text
    text = str(value)
    if _plain(text):
        return text
    return _UNPRINTABLE.sub(_escape, json.dumps(text, ensure_ascii=False))


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


@functools.lru_cache(maxsize=4096)
def block(text: str) -> tuple[str, tuple[str, ...]] | None:
    """A multi-line string as a literal block: the indicator after ``|`` and the lines
    (relative to the block's indentation), or None when YAML would not give ``text`` back
    exactly that way (checked by reading it back)."""
    body = text.rstrip("\n")
    if "\n" not in body or len(text) > _BLOCK_MAX or _UNPRINTABLE.search(text) or "\r" in text:
        return None
    trailing = len(text) - len(body)
    indicator = ("2" if body[:1] in (" ", "\t") else "") + {0: "-", 1: ""}.get(trailing, "+")
    content = tuple(body.split("\n")) + ("",) * max(trailing - 1, 0)
    written = f"k: |{indicator}\n" + "".join(f"  {line}\n" if line else "\n" for line in content)
    try:
        if yaml.safe_load(written) != {"k": text}:
            return None
    except yaml.YAMLError:
        return None
    return indicator, content


def _block_lines(prefix: str, value: Any, indent: int) -> list[str] | None:
    found = block(value) if isinstance(value, str) else None
    if found is None:
        return None
    indicator, content = found
    pad = " " * (indent + 2)
    return [f"{prefix} |{indicator}", *(f"{pad}{line}" if line else "" for line in content)]


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list | Commented)


def _flow(value: Any) -> str | None:
    """Flow-style text of a small value, or None when it should be written in blocks."""
    if isinstance(value, str) and "\n" in value and block(value) is not None:
        return None  # written as a literal block, in block style
    if _is_scalar(value):
        return scalar(value)
    if isinstance(value, Commented):
        return None
    if isinstance(value, list):
        items = [_flow(v) for v in value]
        if any(p is None for p in items):
            return None
        return "[" + ", ".join(p for p in items if p is not None) + "]"
    parts: list[str] = []
    for k, v in value.items():
        inner = _flow(v)
        if inner is None:
            return None
        parts.append(f"{scalar(k)}: {inner}")
    return "{" + ", ".join(parts) + "}"


def dump(document: dict[str, Any], header: list[str] | None = None) -> str:
    """The YAML text of ``document`` with ``header`` comment lines on top."""
    lines = [f"# {_comment_text(h)}" if h else "#" for h in header or []]
    _mapping(document, 0, lines)
    return "\n".join(lines) + "\n"


def _comment_text(text: str) -> str:
    """Comment text on one line: line breaks and unprintable characters escaped, so that
    recorded text quoted in a comment never ends it (and never becomes YAML)."""
    return _UNPRINTABLE.sub(_escape, text.replace("\r", "\\r").replace("\n", "\\n"))


def _comments(comments: list[str], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    lines.extend(f"{pad}# {_comment_text(c)}" if c else f"{pad}#" for c in comments)


def _mapping(value: dict[str, Any], indent: int, lines: list[str], first: str = "") -> None:
    pad = " " * indent
    for i, (k, v) in enumerate(value.items()):
        lead = first if i == 0 and first else pad
        if isinstance(v, Commented):
            _comments(v.comments, indent, lines)
            v = v.value
        _entry(f"{lead}{scalar(k)}:", v, indent, lines)


def _entry(prefix: str, value: Any, indent: int, lines: list[str]) -> None:
    literal = _block_lines(prefix, value, indent)
    if literal is not None:
        lines.extend(literal)
        return
    flow = _flow(value)
    if flow is not None and (len(prefix) + 1 + len(flow) <= _FLOW_WIDTH or _is_scalar(value)):
        lines.append(f"{prefix} {flow}")
    elif isinstance(value, dict):
        lines.append(prefix)
        _mapping(value, indent + 2, lines)
    else:
        lines.append(prefix)
        _sequence(value, indent + 2, lines)


def _sequence(value: list[Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in value:
        if isinstance(item, Commented):
            _comments(item.comments, indent, lines)
            item = item.value
        literal = _block_lines(f"{pad}-", item, indent)
        if literal is not None:
            lines.extend(literal)
            continue
        flow = _flow(item)
        if flow is not None and (len(pad) + 2 + len(flow) <= _FLOW_WIDTH or _is_scalar(item)):
            lines.append(f"{pad}- {flow}")
        elif isinstance(item, dict) and item:
            _mapping(item, indent + 2, lines, first=f"{pad}- ")
        else:
            lines.append(f"{pad}-")
            _sequence(item, indent + 2, lines)
