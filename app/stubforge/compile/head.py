"""``HEAD`` answers carry the ``Content-Length`` (and the digests) of the ``GET`` body.

A recorded ``HEAD`` has no body, only the length of the body a ``GET`` would send. When a
``GET`` of the same path was recorded with a body of exactly that length, the ``HEAD``
exchange takes that body: the compiled ``HEAD`` response holds it, the server sends its
headers and its length without it, and derived headers (an ``ETag`` that is the body's
MD5) are checked and computed on it like a ``GET``'s.
"""

from __future__ import annotations

import dataclasses

from stubforge.compile.derived import response_bytes
from stubforge.compile.exchange import Exchange


def get_bodies(exchanges: list[Exchange]) -> dict[str, list[Exchange]]:
    """Successful ``GET`` exchanges with a body, by path."""
    out: dict[str, list[Exchange]] = {}
    for ex in exchanges:
        if ex.method == "GET" and 200 <= ex.status < 300 and not ex.failed:
            out.setdefault(ex.path, []).append(ex)
    return out


def with_get_bodies(
    heads: list[Exchange], gets: dict[str, list[Exchange]]
) -> tuple[list[Exchange], list[str]]:
    """``heads`` with the body of a matching ``GET``, and notes on the ones without."""
    out: list[Exchange] = []
    missing = 0
    for ex in heads:
        length = ex.resp_length
        if not length or not 200 <= ex.status < 300:
            out.append(ex)
            continue
        match = _closest(ex, [g for g in gets.get(ex.path, []) if _length(g) == length])
        if match is None:
            missing += 1
            out.append(ex)
            continue
        out.append(
            dataclasses.replace(
                ex,
                resp_text=match.resp_text,
                resp_base64=match.resp_base64,
                resp_json=match.resp_json,
            )
        )
    notes = []
    if missing:
        notes.append(
            f"{missing} HEAD answer(s) without a recorded GET body of their Content-Length: "
            "they answer Content-Length: 0"
        )
    return out, notes


def _length(ex: Exchange) -> int | None:
    body = response_bytes(ex)
    return None if body is None else len(body)


def _closest(ex: Exchange, candidates: list[Exchange]) -> Exchange | None:
    """The candidate recorded nearest in time (the object as it was then)."""
    if not candidates:
        return None
    return min(candidates, key=lambda g: (abs(g.started - ex.started), g.index))
