"""Slow bodies: deliver a response body in pieces over time."""

from __future__ import annotations

from pydantic import Field, model_validator

from stubforge.model.base import Model
from stubforge.model.duration import Duration


class Dribble(Model):
    """Send the body in ``chunks`` pieces spread over ``duration``, or at ``bytes_per_second``.

    The first piece goes right after the headers; the last arrives ``duration`` later.
    """

    chunks: int | None = Field(default=None, ge=2, le=10_000)
    """How many pieces to split the body into (with ``duration``)."""
    duration: Duration | None = None
    """How long from the first piece to the last (with ``chunks``)."""
    bytes_per_second: int | None = Field(default=None, gt=0)
    """Instead of chunks/duration: a steady rate, in pieces sent every 100 ms."""

    @model_validator(mode="after")
    def _one_way(self) -> Dribble:
        by_chunks = self.chunks is not None or self.duration is not None
        if by_chunks == (self.bytes_per_second is not None):
            raise ValueError("give chunks and duration, or bytes_per_second")
        if by_chunks and (self.chunks is None or self.duration is None):
            raise ValueError("chunks and duration go together")
        return self
