"""Server-Sent Events plans: the events encoded once at load time, and per request which of
them are sent, after which delays, and how the stream ends.

Encoding follows the HTML Living Standard's ``text/event-stream`` format: one ``field:
value`` line per field, a multi-line ``data`` as several ``data:`` lines, a blank line
ending each event. Nothing here sleeps or writes: the responder carries the plan out.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Literal

from stubforge.behave.latency import Sampler, sampler
from stubforge.model.stream import EventTiming, SseEvent, StreamCut

Ending = Literal["end", "close", "reset", "stall"]


def data_text(event: SseEvent) -> str | None:
    """The event's data as sent: a string as is, another JSON value compactly."""
    if "data" not in event.model_fields_set:
        return None
    if isinstance(event.data, str):
        return event.data
    return json.dumps(event.data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def encode(event: SseEvent, data: str | None = None, with_id: bool = True) -> bytes:
    """The event's bytes on the wire, ending with the blank line that dispatches it."""
    lines: list[str] = []
    if event.comment is not None:
        lines.append(f": {event.comment}")
    if event.event is not None:
        lines.append(f"event: {event.event}")
    text = data_text(event) if data is None else data
    if text is not None:
        lines.extend(f"data: {line}" for line in text.replace("\r\n", "\n").split("\n"))
    if with_id and event.id is not None:
        lines.append(f"id: {event.id}")
    if event.retry is not None:
        lines.append(f"retry: {event.retry}")
    return ("\n".join(lines) + "\n\n").encode()


def malformed(event: SseEvent) -> bytes:
    """``event`` with its data cut in half (a JSON payload no longer parses) and no id."""
    text = data_text(event) or ""
    return encode(event, data=text[: len(text) // 2], with_id=False)


class EventStream:
    """A response's events, encoded, with their timing samplers and cut (built at load)."""

    __slots__ = ("body", "cut", "events", "first", "gap", "ids", "torn")

    def __init__(
        self, events: list[SseEvent], timing: EventTiming | None, cut: StreamCut | None
    ) -> None:
        self.events: tuple[bytes, ...] = tuple(encode(e) for e in events)
        self.ids: tuple[str | None, ...] = tuple(e.id for e in events)
        self.body = b"".join(self.events)
        """The whole stream at once (sent without timing where no plan was made)."""
        self.first: Sampler | None = sampler(timing.first) if timing else None
        self.gap: Sampler | None = sampler(timing.gap) if timing else None
        self.cut = cut
        self.torn: bytes | None = None
        """The malformed event a ``malformed`` cut sends."""
        if cut is not None and cut.fault == "malformed":
            self.torn = malformed(events[cut.after])

    def resume_at(self, last_event_id: str | None) -> int:
        """The index after the last event whose id is ``last_event_id`` (0: from the start)."""
        if last_event_id is None:
            return 0
        for index in range(len(self.ids) - 1, -1, -1):
            if self.ids[index] == last_event_id:
                return index + 1
        return 0


@dataclass(slots=True)
class StreamPlan:
    """What the responder sends after the headers: ``(delay, bytes)`` pieces, then the end."""

    pieces: list[tuple[float, bytes]]
    ending: Ending = "end"
    """``end``: the body ends normally; the others are the cut's wire fault."""
    hold: float = 0.0
    """For ``stall``: how long to hold the connection silent before closing it."""


def plan_stream(
    stream: EventStream,
    rng: random.Random,
    multiplier: float = 1.0,
    last_event_id: str | None = None,
) -> StreamPlan:
    """Events from the resume point (``Last-Event-ID``) to the end or the cut, each with the
    delay before it: ``first`` for the first one sent, ``gap`` for the others."""
    start = stream.resume_at(last_event_id)
    stop = len(stream.events)
    cut = stream.cut
    # a fresh connection is cut; a resuming one only if it resumes before the cut point
    cutting = cut is not None and (last_event_id is None or start < cut.after)
    if cut is not None and cutting:
        stop = cut.after
    pieces: list[tuple[float, bytes]] = []
    for index in range(start, stop):
        pieces.append((_next_delay(stream, pieces, rng, multiplier), stream.events[index]))
    if cut is None or not cutting:
        return StreamPlan(pieces)
    if cut.fault == "malformed":
        assert stream.torn is not None
        pieces.append((_next_delay(stream, pieces, rng, multiplier), stream.torn))
        return StreamPlan(pieces, "close")
    return StreamPlan(pieces, cut.fault, cut.hold if cut.fault == "stall" else 0.0)


def _next_delay(
    stream: EventStream, sent: list[tuple[float, bytes]], rng: random.Random, multiplier: float
) -> float:
    draw = stream.gap if sent else stream.first
    return 0.0 if draw is None else max(0.0, draw(rng)) * multiplier
