"""Server-Sent Events streams: the events a response sends, their timing and a mid-stream cut."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue, ValidationInfo, field_validator, model_validator

from stubforge.model.base import Model
from stubforge.model.duration import Duration
from stubforge.model.latency import Latency
from stubforge.model.template_syntax import check_finite

STALL_HOLD = 30.0
"""How long a ``stall`` holds the connection by default (like ``fault: timeout``)."""


def _one_line(value: str | None, name: str) -> str | None:
    if value is not None and ("\n" in value or "\r" in value):
        raise ValueError(f"{name} must be one line (no line breaks)")
    return value


class SseEvent(Model):
    """One event of a ``text/event-stream`` response. Give at least one field.

    ``data`` is text (a multi-line string becomes several ``data:`` lines) or any JSON
    value, sent compactly on one line.
    """

    event: str | None = None
    """The event type (``event:`` line); clients default to ``message`` without it."""
    data: JsonValue = None
    """The payload (``data:`` lines): a string as is, anything else as compact JSON."""
    id: str | None = None
    """The event id (``id:`` line); a reconnecting client sends it back as ``Last-Event-ID``."""
    retry: int | None = Field(default=None, ge=0)
    """The reconnection time the client should use, in milliseconds (``retry:`` line)."""
    comment: str | None = None
    """A comment line (``: text``), ignored by clients; often used as a keep-alive."""

    @field_validator("event", "id", "comment")
    @classmethod
    def _single_line(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _one_line(value, info.field_name or "field")

    @field_validator("data")
    @classmethod
    def _finite(cls, value: JsonValue) -> JsonValue:
        check_finite(value)
        return value

    @model_validator(mode="after")
    def _something(self) -> SseEvent:
        if not self.model_fields_set:
            raise ValueError("an event needs at least one of event, data, id, retry, comment")
        return self


class EventTiming(Model):
    """When the events are sent: a delay before the first, and one between each two.

    Both are latency distributions (a duration, ``{min, max}``, ``{p50, p99}``,
    ``{samples: [...]}``), drawn per event from the route's seeded random stream and
    multiplied by the profile's and the server's latency multipliers.
    """

    first: Latency | None = None
    """The time from the response headers to the first event; none: at once."""
    gap: Latency | None = None
    """The time between two events; none: back to back."""


class StreamCut(Model):
    """Break the stream after ``after`` events, the way a failing provider does."""

    after: int = Field(ge=0)
    """How many events of the list are sent before the cut (counted from the start of the
    list, so a client resuming past the cut with ``Last-Event-ID`` is not cut again)."""
    fault: Literal["close", "reset", "stall", "malformed"]
    """``close``: the connection ends (FIN) without the end of the chunked body;
    ``reset``: a TCP RST; ``stall``: the connection stays open without a byte (up to
    ``hold``); ``malformed``: the next event is sent with its data cut in half, then the
    connection ends."""
    hold: Duration = STALL_HOLD
    """For ``stall``: how long to hold the connection before closing it."""

    @model_validator(mode="after")
    def _hold(self) -> StreamCut:
        if "hold" in self.model_fields_set and self.fault != "stall":
            raise ValueError("hold only applies to fault: stall")
        return self
