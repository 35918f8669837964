"""Typed detectors for path segments and values: what looks like an id, a date, a token.

Each detector is a name and a full-match regular expression; :func:`detect` returns the
first that matches, in a fixed order (the more specific kinds first). The kinds also
tell the emitter which parameter type to use (``int``, ``uuid``, else ``str``).
"""

from __future__ import annotations

import re
from typing import Final

DETECTORS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("int", re.compile(r"\d+")),
    (
        "uuid",
        re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    ),
    ("ulid", re.compile(r"[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}")),
    (
        "date",
        re.compile(
            r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
        ),
    ),
    ("hex", re.compile(r"(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{16,}")),
    ("prefixed", re.compile(r"[A-Za-z]{1,12}[_-](?=[A-Za-z0-9]*\d)[A-Za-z0-9]{4,}")),
    ("token", re.compile(r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}")),
)
"""(kind, pattern) pairs, most specific first. A ``prefixed`` id (``cus_9a8B7c``,
``ord-1234``) and a ``token`` need at least one digit, so ``user_profile`` stays a word."""

RESERVED: Final[frozenset[str]] = frozenset(
    [
        "api",
        "apis",
        "rest",
        "v1",
        "v2",
        "v3",
        "v4",
        "v5",
        "v6",
        "me",
        "self",
        "current",
        "my",
        "mine",
        "search",
        "query",
        "find",
        "lookup",
        "list",
        "all",
        "new",
        "latest",
        "default",
        "public",
        "private",
        "admin",
        "auth",
        "oauth",
        "oauth2",
        "token",
        "tokens",
        "login",
        "logout",
        "session",
        "sessions",
        "callback",
        "webhook",
        "webhooks",
        "health",
        "status",
        "ping",
        "version",
        "info",
        "config",
        "settings",
        "batch",
        "bulk",
        "export",
        "import",
        "upload",
        "download",
        "count",
        "stats",
        "summary",
        "graphql",
        "rpc",
        "jsonrpc",
        "json",
        "xml",
        "html",
        "www",
        "static",
        "assets",
    ]
)
"""Segments that always stay literal, whatever their siblings look like."""

_VERSION = re.compile(r"v\d+(?:\.\d+)*(?:alpha\d*|beta\d*)?")
_EXTENSION = re.compile(r"(.+?)(\.[A-Za-z][A-Za-z0-9]{0,5})")

PARAM_TYPES: Final[dict[str, str]] = {"int": "int", "uuid": "uuid"}
"""The template parameter type of a detected kind (others are ``str``)."""


def detect(segment: str) -> str | None:
    """The id-like kind of ``segment`` (``int``, ``uuid``, ...), or None for a word."""
    if not segment or segment.lower() in RESERVED or _VERSION.fullmatch(segment):
        return None
    for kind, pattern in DETECTORS:
        if pattern.fullmatch(segment):
            return kind
    return None


def split_extension(segment: str) -> tuple[str, str]:
    """``"report-2024.pdf"`` → ``("report-2024", ".pdf")``; no extension → ``(segment, "")``."""
    m = _EXTENSION.fullmatch(segment)
    if m is None or _VERSION.fullmatch(segment):
        return segment, ""
    return m.group(1), m.group(2)


def is_reserved(segment: str) -> bool:
    """True for words that always stay literal (``api``, ``v1``, ``me``, ``search``...)."""
    return segment.lower() in RESERVED or bool(_VERSION.fullmatch(segment))


_IRREGULAR = {
    "people": "person",
    "children": "child",
    "data": "datum",
    "statuses": "status",
    "addresses": "address",
    "indices": "index",
    "matrices": "matrix",
}


def singular(word: str) -> str:
    """A best-effort singular of an English plural (``customers`` → ``customer``)."""
    low = word.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("ses", "xes", "ches", "shes")) and len(low) > 4:
        return low[:-2]
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low


def param_name(parent: str | None) -> str:
    """The parameter name for an id under ``parent`` (``users`` → ``user_id``), else ``id``."""
    if parent is None or parent.startswith("{") or detect(parent) is not None:
        return "id"
    base = re.sub(r"[^A-Za-z0-9]+", "_", singular(parent)).strip("_").lower()
    if not base or is_reserved(parent) or not re.match(r"[A-Za-z_]", base):
        return "id"
    return f"{base}_id"
