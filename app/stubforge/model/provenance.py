"""Where a route came from, as data: the recording window the compiler saw, and whether
``stubforge drift`` may send the route's requests to the real provider.

::

    recorded: {from: "2026-05-01T12:00:00Z", to: "2026-05-03T08:10:00Z", exchanges: 40}
    drift: {probe: true}      # a POST that is safe to repeat (e.g. a token request)
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from stubforge.model.base import Model


def parse_stamp(value: str) -> dt.datetime:
    """An ISO 8601 time (``Z`` allowed) as an aware UTC datetime."""
    stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC)


class RecordingWindow(Model):
    """When the exchanges a compiled route was built from were recorded."""

    first: str = Field(alias="from")
    """The first exchange's start (ISO 8601, UTC)."""
    last: str = Field(alias="to")
    """The last exchange's start (ISO 8601, UTC)."""
    exchanges: int = Field(default=0, ge=0)
    """How many exchanges the route was compiled from."""

    @field_validator("first", "last")
    @classmethod
    def _iso(cls, value: str) -> str:
        try:
            parse_stamp(value)
        except ValueError:
            raise ValueError(
                f"invalid time {value!r}: write ISO 8601, e.g. '2026-05-01T12:00:00Z'"
            ) from None
        return value

    @property
    def newest(self) -> dt.datetime:
        """The time of the newest recorded exchange."""
        return parse_stamp(self.last)


class DriftSettings(Model):
    """How ``stubforge drift`` treats this route."""

    probe: bool = False
    """Let drift re-send this route's recorded requests to the provider even though the
    method is not a read (``GET``, ``HEAD``, ``OPTIONS``): only for requests that are safe
    to repeat."""
