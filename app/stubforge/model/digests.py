"""Template helpers for headers derived from a body: checksums, digests and ETags.

``{{ md5(response.body) }}`` (hex), ``{{ md5(response.body, 'base64') }}`` (Content-MD5),
``{{ sha256(response.body, 'base64') }}`` (``x-amz-checksum-sha256``, ``Digest``),
``{{ crc32(response.body) }}`` (AWS ``x-amz-crc32``: the unsigned value in decimal),
``{{ crc32(response.body, 'base64') }}`` and ``{{ crc32c(response.body, 'base64') }}``
(``x-amz-checksum-crc32`` / ``-crc32c``: the four big-endian bytes in base64).
``response.body`` is the body being sent, ``request.body`` the request's, both bytes;
text arguments are encoded as UTF-8. The encodings: ``hex``, ``base64``, ``int``.

The standard library gives CRC32 (zlib) and the hashes (hashlib); CRC32C (Castagnoli) is
a 256-entry table here, since it is only computed when a body changes.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable
from typing import Any


def _crc32c_table() -> list[int]:
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC32C = _crc32c_table()


def _bytes(data: Any) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    return str(data).encode("utf-8")


def _encode(digest: bytes, encoding: str) -> str | int:
    if encoding == "hex":
        return digest.hex()
    if encoding == "base64":
        return base64.b64encode(digest).decode("ascii")
    if encoding == "int":
        return int.from_bytes(digest, "big")
    raise ValueError(f"unknown encoding {encoding!r} (hex, base64 or int)")


def crc32c_value(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC32C[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def crc32(data: Any, encoding: str = "int") -> str | int:
    """CRC32 (zlib, as AWS ``x-amz-crc32``)."""
    return _encode(zlib.crc32(_bytes(data)).to_bytes(4, "big"), encoding)


def crc32c(data: Any, encoding: str = "int") -> str | int:
    """CRC32C (Castagnoli)."""
    return _encode(crc32c_value(_bytes(data)).to_bytes(4, "big"), encoding)


def _hash(name: str) -> Callable[..., str | int]:
    def helper(data: Any, encoding: str = "hex") -> str | int:
        return _encode(hashlib.new(name, _bytes(data)).digest(), encoding)

    helper.__name__ = name
    helper.__doc__ = f"{name.upper()} of the data (hex by default)."
    return helper


md5 = _hash("md5")
sha1 = _hash("sha1")
sha256 = _hash("sha256")
sha512 = _hash("sha512")

HELPERS: dict[str, Callable[..., Any]] = {
    "crc32": crc32,
    "crc32c": crc32c,
    "md5": md5,
    "sha1": sha1,
    "sha256": sha256,
    "sha512": sha512,
}
"""The helpers by name, as template globals."""


class BodyView:
    """``response`` / ``request`` in a template: ``.body`` is the bytes."""

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        self.body = body
