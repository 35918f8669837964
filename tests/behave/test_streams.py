"""Event stream plans: encoding, resume point, cut and drawn delays (pure, no I/O)."""

from __future__ import annotations

import random

from stubforge.behave.streams import EventStream, encode, plan_stream
from stubforge.model.response import ResponseSpec
from stubforge.model.stream import SseEvent


def _stream(data: dict[str, object]) -> EventStream:
    spec = ResponseSpec.model_validate(data)
    assert spec.events is not None
    return EventStream(spec.events, spec.event_timing, spec.cut)


def test_encoding_follows_the_event_stream_format() -> None:
    event = SseEvent.model_validate(
        {"comment": "hi", "event": "delta", "data": {"a": [1, 2]}, "id": "7", "retry": 50}
    )
    assert encode(event) == b': hi\nevent: delta\ndata: {"a":[1,2]}\nid: 7\nretry: 50\n\n'
    assert encode(SseEvent(data="one\ntwo")) == b"data: one\ndata: two\n\n"
    assert encode(SseEvent.model_validate({"data": None})) == b"data: null\n\n"
    assert encode(SseEvent(id="1")) == b"id: 1\n\n"


EVENTS = [{"data": f"e{i}", "id": str(i)} for i in range(5)]


def test_the_plan_sends_every_event_with_first_then_gap_delays() -> None:
    stream = _stream({"events": EVENTS, "event_timing": {"first": "100ms", "gap": "10ms"}})
    plan = plan_stream(stream, random.Random(1), multiplier=2.0)
    assert [d for d, _ in plan.pieces] == [0.2, 0.02, 0.02, 0.02, 0.02]
    assert plan.pieces[0][1] == b"data: e0\nid: 0\n\n" and plan.ending == "end"


def test_last_event_id_resumes_after_that_event() -> None:
    stream = _stream({"events": EVENTS})
    assert [p for _, p in plan_stream(stream, random.Random(1), last_event_id="2").pieces] == [
        b"data: e3\nid: 3\n\n",
        b"data: e4\nid: 4\n\n",
    ]
    assert len(plan_stream(stream, random.Random(1), last_event_id="nope").pieces) == 5


def test_a_cut_stops_after_n_events_unless_the_client_resumed_past_it() -> None:
    stream = _stream({"events": EVENTS, "cut": {"after": 2, "fault": "reset"}})
    plan = plan_stream(stream, random.Random(1))
    assert len(plan.pieces) == 2 and plan.ending == "reset"
    resumed = plan_stream(stream, random.Random(1), last_event_id="2")
    assert len(resumed.pieces) == 2 and resumed.ending == "end"


def test_malformed_sends_the_next_event_torn_then_closes() -> None:
    stream = _stream(
        {
            "events": [{"data": {"text": "hello"}, "id": "1"}] * 2,
            "cut": {"after": 1, "fault": "malformed"},
        }
    )
    plan = plan_stream(stream, random.Random(1))
    assert plan.pieces[-1][1] == b'data: {"text":\n\n' and plan.ending == "close"


def test_stall_carries_its_hold() -> None:
    stream = _stream({"events": EVENTS, "cut": {"after": 0, "fault": "stall", "hold": "2s"}})
    plan = plan_stream(stream, random.Random(1))
    assert plan.pieces == [] and plan.ending == "stall" and plan.hold == 2.0


def test_the_same_seed_draws_the_same_gaps() -> None:
    data = {"events": EVENTS, "event_timing": {"gap": {"min": "1ms", "max": "50ms"}}}
    first = plan_stream(_stream(data), random.Random(42)).pieces
    assert first == plan_stream(_stream(data), random.Random(42)).pieces
    assert len({d for d, _ in first[1:]}) == 4
