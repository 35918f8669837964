"""Event streams inferred from recorded ``text/event-stream`` responses.

A recorded stream is one body plus the arrival of each chunk (``_chunks``: offset in ms
after the response headers, size in bytes). The body is split into events by the
``text/event-stream`` rules (a blank line ends an event; ``event``, ``data``, ``id``,
``retry`` fields; ``:`` comments), and each event is dated by the chunk that brought its
last byte. The route then answers ``events:`` (those of the first recorded stream, in
order, the terminal ``[DONE]``-style event included) with ``event_timing``: ``first`` from
the times to first event, ``gap`` from the gaps between events, both empirical samples
over every recorded stream of the route.

When the chunk sizes do not add up to the body (a compressed stream: sizes are on the
wire), the events are kept without timing.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from stubforge.compile.exchange import Exchange
from stubforge.model.duration import format_duration

MAX_SAMPLES = 50
"""Empirical samples kept per distribution (evenly spaced quantiles of the recorded ones)."""


@dataclass(frozen=True)
class ParsedEvent:
    """One event and the byte offset just after it in the body."""

    fields: dict[str, Any]
    end: int


_FIELD_ORDER = ("comment", "event", "data", "id", "retry")
"""The order fields are written in the stub (the stub format's order, whatever the wire's)."""


def _value(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name, value[1:] if value.startswith(" ") else value


def parse_events(text: str) -> list[ParsedEvent]:
    """The events of an event-stream body, in order (a trailing unterminated one dropped)."""
    events: list[ParsedEvent] = []
    current: dict[str, Any] = {}
    data: list[str] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        offset += len(line.encode())
        bare = line.rstrip("\r\n")
        if bare == "":
            if data:
                current["data"] = _data_value("\n".join(data))
            if current:
                ordered = {k: current[k] for k in _FIELD_ORDER if k in current}
                events.append(ParsedEvent(ordered, offset))
            current, data = {}, []
            continue
        if bare.startswith(":"):
            current.setdefault("comment", bare[1:].lstrip(" "))
            continue
        name, value = _value(bare)
        if name == "data":
            data.append(value)
        elif name in ("event", "id"):
            current[name] = value
        elif name == "retry" and value.isdigit():
            current["retry"] = int(value)
    return events


def _data_value(text: str) -> Any:
    """Compact JSON stays a JSON value (served back byte for byte); anything else text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if (
        isinstance(value, str)
        or json.dumps(value, separators=(",", ":"), ensure_ascii=False) != text
    ):
        return text
    return value


def arrivals(
    body: bytes, events: list[ParsedEvent], chunks: list[tuple[float, int]]
) -> list[float] | None:
    """Seconds after the headers at which each event was complete, or None when the chunk
    sizes do not describe ``body`` (compressed on the wire)."""
    if sum(size for _, size in chunks) != len(body):
        return None
    times: list[float] = []
    received, index = 0, 0
    for offset_ms, size in chunks:
        received += size
        while index < len(events) and events[index].end <= received:
            times.append(offset_ms / 1000.0)
            index += 1
    return times if len(times) == len(events) else None


def _quantiles(values: list[float]) -> list[str]:
    ordered = sorted(values)
    if len(ordered) > MAX_SAMPLES:
        step = (len(ordered) - 1) / (MAX_SAMPLES - 1)
        ordered = [ordered[round(i * step)] for i in range(MAX_SAMPLES)]
    return [format_duration(round(v, 4)) for v in ordered]


def _latency(values: list[float]) -> Any:
    samples = _quantiles(values)
    if len(set(samples)) == 1:
        return samples[0]
    return {"samples": samples}


@dataclass(frozen=True)
class StreamFit:
    """The inferred stream of a route and what it is based on."""

    events: list[dict[str, Any]]
    firsts: list[float]
    gaps: list[float]
    streams: int

    @property
    def spec(self) -> dict[str, Any]:
        """``events`` and ``event_timing`` for the route's response."""
        out: dict[str, Any] = {"events": self.events}
        timing: dict[str, Any] = {}
        if self.firsts:
            timing["first"] = _latency(self.firsts)
        if self.gaps:
            timing["gap"] = _latency(self.gaps)
        if timing:
            out["event_timing"] = timing
        return out

    def comment(self) -> str:
        text = f"event stream: {len(self.events)} events, from {self.streams} recorded stream(s)"
        if self.gaps:
            ordered = sorted(self.gaps)
            text += f"; median gap {format_duration(round(ordered[len(ordered) // 2], 4))}"
        return text


def is_event_stream(ex: Exchange) -> bool:
    return ex.content_type.split(";")[0].strip().lower() == "text/event-stream"


def infer_stream(exchanges: list[Exchange]) -> StreamFit | None:
    """The event stream of a route's successful ``exchanges``, when they are event streams."""
    answered = [ex for ex in exchanges if not ex.failed]
    streams = [ex for ex in answered if is_event_stream(ex) and ex.resp_text is not None]
    if not streams or 2 * len(streams) < len(answered):
        return None
    parsed = [(ex, parse_events(ex.resp_text or "")) for ex in streams]
    parsed = [(ex, events) for ex, events in parsed if events]
    if not parsed:
        return None
    firsts: list[float] = []
    gaps: list[float] = []
    for ex, events in parsed:
        if not ex.chunks:
            continue
        times = arrivals((ex.resp_text or "").encode(), events, ex.chunks)
        if times is None:
            continue
        firsts.append(times[0])
        gaps.extend(b - a for a, b in itertools.pairwise(times))
    first_events = [event.fields for event in parsed[0][1]]
    return StreamFit(first_events, firsts, gaps, len(parsed))


_BODY_KEYS = ("json", "json_layout", "body", "body_base64", "body_file", "template")


def with_events(response: dict[str, Any], fit: StreamFit) -> dict[str, Any]:
    """``response`` with its recorded body replaced by the inferred events."""
    out = {k: v for k, v in response.items() if k not in _BODY_KEYS}
    out.update(fit.spec)
    return out
