"""Recorded event streams (``text/event-stream`` + ``_chunks``) become ``events:`` with
``event_timing``, and replay to a real SSE client as the same event sequence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from httpx_sse import connect_sse

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from stubforge.compile.streams import parse_events
from stubforge.load.loader import load_directory
from stubforge.serve.config import ServeConfig
from tests.server import running_server

from .factory import Tape

SSE = {"content-type": "text/event-stream"}
EVENTS = [
    'event: start\ndata: {"id":"c1"}\nid: 1\n\n',
    'data: {"delta": "Hel"}\nid: 2\n\n',
    ": keep-alive\n\n",
    "data: [DONE]\nid: 3\n\n",
]


def _chunks(offsets_ms: list[float]) -> list[tuple[float, int]]:
    return [(o, len(e.encode())) for o, e in zip(offsets_ms, EVENTS, strict=True)]


def _compile(tape: Tape, tmp_path: Path) -> tuple[dict[str, Any], str]:
    tape.write(tmp_path / "recordings")
    output = compile_directory(tmp_path / "recordings", Hints())
    write_output(tmp_path / "stubs", output)
    loaded = load_directory(tmp_path / "stubs")
    assert loaded.ok, [str(e) for e in loaded.errors]
    (text,) = output.files.values()
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc, text


def test_parse_keeps_fields_comments_and_byte_offsets() -> None:
    events = parse_events("".join(EVENTS) + "data: torn")
    assert [e.fields for e in events] == [
        {"event": "start", "data": {"id": "c1"}, "id": "1"},
        {"data": '{"delta": "Hel"}', "id": "2"},  # not compact JSON: kept as text
        {"comment": "keep-alive"},
        {"data": "[DONE]", "id": "3"},
    ]
    assert events[-1].end == len("".join(EVENTS).encode())


def test_a_recorded_stream_compiles_to_events_with_timing(tmp_path: Path) -> None:
    tape = Tape()
    tape.add(
        "GET",
        "/v1/stream",
        text="".join(EVENTS),
        response_headers=SSE,
        chunks=_chunks([100, 120, 150, 180]),
    )
    tape.add(
        "GET",
        "/v1/stream",
        text="".join(EVENTS),
        response_headers=SSE,
        chunks=_chunks([200, 220, 260, 280]),
    )
    doc, text = _compile(tape, tmp_path)
    (route,) = doc["routes"]
    response = route["response"]
    assert "body" not in response and "dribble" not in route
    assert [e.get("id") for e in response["events"]] == ["1", "2", None, "3"]
    assert response["events"][-1] == {"data": "[DONE]", "id": "3"}
    assert response["event_timing"]["first"] == {"samples": ["100ms", "200ms"]}
    assert sorted(response["event_timing"]["gap"]["samples"]) == sorted(
        ["20ms", "30ms", "30ms", "20ms", "40ms", "20ms"]
    )
    assert "# event stream: 4 events, from 2 recorded stream(s)" in text


@pytest.mark.timeout(30)
def test_the_compiled_stream_replays_the_same_events(tmp_path: Path) -> None:
    tape = Tape()
    tape.add(
        "GET",
        "/v1/stream",
        text="".join(EVENTS),
        response_headers=SSE,
        chunks=_chunks([10, 20, 30, 40]),
    )
    _compile(tape, tmp_path)
    with (
        running_server(tmp_path / "stubs", ServeConfig(watch=False)) as server,
        httpx.Client(timeout=5) as client,
        connect_sse(client, "GET", server.url + "/v1/stream") as source,
    ):
        got = [(e.event, e.data, e.id) for e in source.iter_sse() if e.data]
    assert got == [
        ("start", '{"id":"c1"}', "1"),
        ("message", '{"delta": "Hel"}', "2"),
        ("message", "[DONE]", "3"),
    ]
    assert json.loads(got[0][1]) == {"id": "c1"}


def test_a_compressed_stream_keeps_its_events_without_timing(tmp_path: Path) -> None:
    tape = Tape()
    tape.add(
        "GET",
        "/v1/stream",
        text="".join(EVENTS),
        response_headers=SSE,
        chunks=[(50.0, 30), (90.0, 20)],
    )  # sizes on the wire do not add up to the body
    doc, _ = _compile(tape, tmp_path)
    (route,) = doc["routes"]
    assert len(route["response"]["events"]) == 4
    assert "event_timing" not in route["response"]
