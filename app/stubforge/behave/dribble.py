"""Slow bodies: split a body into timed pieces (the responder sends them)."""

from __future__ import annotations

from stubforge.model.dribble import Dribble

TICK = 0.1


def pieces(spec: Dribble, body: bytes) -> tuple[list[bytes], float]:
    """The body's pieces and the pause between two of them."""
    if not body:
        return [body], 0.0
    if spec.bytes_per_second is not None:
        size = max(1, round(spec.bytes_per_second * TICK))
        pause = size / spec.bytes_per_second
    else:
        assert spec.chunks is not None and spec.duration is not None
        n = min(spec.chunks, len(body))
        size = -(-len(body) // n)
        parts = [body[i : i + size] for i in range(0, len(body), size)]
        return parts, spec.duration / max(1, len(parts) - 1)
    return [body[i : i + size] for i in range(0, len(body), size)], pause
