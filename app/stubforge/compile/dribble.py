"""Slow bodies inferred from streamed responses (the recording's ``_chunks``).

A response the upstream streamed carries the arrival offset of each chunk, in ms after
the response headers. When most of a route's successful responses were streamed and the
median time from the headers to the last chunk is noticeable (at least
:data:`MIN_DURATION`), the route gets ``dribble: {chunks, duration}`` with the median
chunk count and the median duration across those responses. Faster streams (a body that
happened to arrive in two TCP segments within a few ms) are not worth replaying slowly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stubforge.compile.exchange import Exchange
from stubforge.model.duration import format_duration

MIN_DURATION = 0.1
"""Seconds from the headers to the last chunk (median) below which no dribble is emitted."""
MAX_CHUNKS = 10_000
"""The stub format's upper bound on ``dribble.chunks``."""


@dataclass(frozen=True)
class DribbleFit:
    """The inferred slow body and what it is based on."""

    chunks: int
    duration: float
    streamed: int
    total: int
    longest: float

    @property
    def spec(self) -> dict[str, Any]:
        """The ``dribble`` stub data."""
        return {"chunks": self.chunks, "duration": format_duration(self.duration)}

    def comment(self) -> str:
        """Provenance for the YAML comment above the route."""
        return (
            f"slow body: {self.streamed} of {self.total} responses streamed; median "
            f"{self.chunks} chunks over {format_duration(self.duration)} "
            f"(longest {format_duration(self.longest)})"
        )


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def infer_dribble(exchanges: list[Exchange]) -> DribbleFit | None:
    """The slow body of a route's successful ``exchanges``, or None when not noticeable."""
    answered = [ex for ex in exchanges if not ex.failed]
    streamed = [ex.chunks for ex in answered if ex.chunks and len(ex.chunks) >= 2]
    if not streamed or 2 * len(streamed) < len(answered):
        return None
    durations = [max(t for t, _ in chunks) / 1000.0 for chunks in streamed]
    duration = round(_median(durations), 3)
    if duration < MIN_DURATION:
        return None
    count = round(_median([float(len(chunks)) for chunks in streamed]))
    return DribbleFit(
        chunks=min(max(count, 2), MAX_CHUNKS),
        duration=duration,
        streamed=len(streamed),
        total=len(answered),
        longest=round(max(durations), 3),
    )
