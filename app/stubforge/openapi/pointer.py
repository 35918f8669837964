"""JSON pointers (RFC 6901): ``#/paths/~1pets~1{petId}/get``."""

from __future__ import annotations

from collections.abc import Iterable


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(*tokens: str | int) -> str:
    """``join("paths", "/pets", "get")`` → ``/paths/~1pets/get``."""
    return "".join("/" + escape(str(t)) for t in tokens)


def of(tokens: Iterable[str | int]) -> str:
    return join(*tokens)
