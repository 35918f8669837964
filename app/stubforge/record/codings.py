"""Content codings, stacked and legacy, decoded before redaction.

``Content-Encoding`` lists the codings in the order they were applied (``gzip, br``: gzip
first), so they are undone right to left. Legacy names (``x-gzip``, ``x-deflate``) are
the same codings. A body that cannot be decoded — an unknown coding (``compress``), bytes
that are not what the header says, or more than :data:`MAX_DECODED` bytes once decoded —
raises :class:`CodingError`: the recorder then stores a placeholder instead of the body
(fail closed), never the encoded bytes, which redaction cannot read.

gzip and deflate use the standard library; ``br`` and ``zstd`` use ``brotli`` and
``zstandard``, which the ``record`` extra installs with mitmproxy.
"""

from __future__ import annotations

import importlib
import zlib
from typing import Any

MAX_DECODED = 512 * 1024 * 1024
_ALIASES = {"x-gzip": "gzip", "x-deflate": "deflate", "zstandard": "zstd"}


class CodingError(ValueError):
    """The body cannot be decoded; the message says which coding failed."""


def codings(header: str) -> list[str]:
    """``"gzip, BR"`` → ``["gzip", "br"]`` (identity dropped, aliases resolved)."""
    names = [c.strip().lower() for c in header.split(",")]
    return [_ALIASES.get(n, n) for n in names if n and n != "identity"]


def _zlib(data: bytes, wbits: int, limit: int) -> bytes:
    out = bytearray()
    while data:
        d = zlib.decompressobj(wbits)
        out += d.decompress(data, limit - len(out) + 1)
        if len(out) > limit or d.unconsumed_tail:
            raise CodingError(f"decoded body larger than {limit} bytes")
        if not d.eof:
            raise CodingError("truncated compressed data")
        data = d.unused_data  # gzip allows several members one after the other
    return bytes(out)


def _deflate(data: bytes, limit: int) -> bytes:
    try:
        return _zlib(data, zlib.MAX_WBITS, limit)
    except zlib.error:
        return _zlib(data, -zlib.MAX_WBITS, limit)  # raw deflate, as some servers send


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - installed with the record extra
        raise CodingError(f"{name} is not installed") from exc


def decode_one(data: bytes, coding: str, limit: int = MAX_DECODED) -> bytes:
    """Undo one coding."""
    try:
        if coding == "gzip":
            return _zlib(data, 16 + zlib.MAX_WBITS, limit)
        if coding == "deflate":
            return _deflate(data, limit)
        if coding == "br":
            out = bytes(_module("brotli").decompress(data))
        elif coding == "zstd":
            reader = _module("zstandard").ZstdDecompressor().stream_reader(data)
            out = bytes(reader.read(limit + 1))
        else:
            raise CodingError(f"unsupported content coding {coding!r}")
    except CodingError:
        raise
    except Exception as exc:
        raise CodingError(f"{coding}: {type(exc).__name__}: {exc}") from exc
    if len(out) > limit:
        raise CodingError(f"decoded body larger than {limit} bytes")
    return out


def decode(data: bytes, header: str, limit: int = MAX_DECODED) -> bytes:
    """Undo every coding of ``header`` (right to left)."""
    for coding in reversed(codings(header)):
        data = decode_one(data, coding, limit)
    return data
