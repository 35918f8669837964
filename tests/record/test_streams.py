"""Server-Sent Events end to end, with real programs on both ends: an sse-starlette upstream
-> the recorder -> compile -> the server -> httpx-sse. The replayed events are the
recorded ones, in order, and a reconnect with ``Last-Event-ID`` resumes."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from httpx_sse import connect_sse
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from stubforge.serve.config import ServeConfig
from tests.server import running_server

from .conftest import RecorderFactory, wait_for_lines

TOKENS = ["Hel", "lo", ", wor", "ld"]


async def _completion(request: Request) -> EventSourceResponse:
    async def events() -> AsyncIterator[dict[str, str]]:
        yield {"event": "start", "data": '{"id":"chatcmpl-1"}', "id": "0"}
        for i, token in enumerate(TOKENS, start=1):
            await asyncio.sleep(0.03)
            yield {"data": f'{{"delta":"{token}"}}', "id": str(i)}
        yield {"data": "[DONE]", "id": str(len(TOKENS) + 1)}

    return EventSourceResponse(events())


@pytest.fixture
def sse_upstream() -> Iterator[str]:
    app = Starlette(routes=[Route("/v1/stream", _completion)])
    server = uvicorn.Server(uvicorn.Config(app, "127.0.0.1", 0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "upstream did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


def _events(url: str, headers: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    with (
        httpx.Client(timeout=10) as client,
        connect_sse(client, "GET", url, headers=dict(headers or {})) as source,
    ):
        return [(e.event, e.data, e.id) for e in source.iter_sse() if e.data]


@pytest.mark.timeout(60)
def test_a_recorded_stream_replays_event_by_event(
    sse_upstream: str, start_recorder: RecorderFactory, tmp_path: Path
) -> None:
    rec = start_recorder(["--upstream", sse_upstream])
    recorded = [_events(rec.url + "/v1/stream") for _ in range(2)]
    assert recorded[0] == recorded[1] and len(recorded[0]) == len(TOKENS) + 2
    wait_for_lines(rec.out, 2)
    output = compile_directory(rec.out, Hints())
    write_output(tmp_path / "stubs", output)
    (text,) = output.files.values()
    assert "events:" in text and "event_timing:" in text and "dribble" not in text

    with running_server(tmp_path / "stubs", ServeConfig(watch=False)) as server:
        assert _events(server.url + "/v1/stream") == recorded[0]
        resumed = _events(server.url + "/v1/stream", {"Last-Event-ID": "2"})
    assert resumed == recorded[0][3:]
