"""Server-Sent Events on a real socket, read by a real SSE client (httpx-sse)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse

from stubforge.behave.streams import StreamPlan
from stubforge.serve.config import ServeConfig
from stubforge.serve.pipeline import decide
from stubforge.serve.session import BehaviourRequest
from stubforge.serve.state import ServerState
from tests.conftest import WriteStubs
from tests.server import RunningServer

STUBS = """
version: 1
service: chat
defaults:
  headers: {content-type: application/json}
routes:
  - id: completions
    request: {method: GET, path: /v1/stream}
    response:
      events: &events
        - {event: start, data: {id: chatcmpl-1}, id: "1", retry: 1500}
        - {data: {delta: "Hel"}, id: "2"}
        - {comment: keep-alive}
        - {data: {delta: "lo"}, id: "3"}
        - {data: "[DONE]", id: "4"}
      event_timing: {first: 5ms, gap: {min: 1ms, max: 3ms}}
  - id: closed
    request: {path: /cut/close}
    response: {events: *events, cut: {after: 2, fault: close}}
  - id: reset
    request: {path: /cut/reset}
    response: {events: *events, cut: {after: 2, fault: reset}}
  - id: stall
    request: {path: /cut/stall}
    response: {events: *events, cut: {after: 2, fault: stall, hold: 5s}}
  - id: malformed
    request: {path: /cut/malformed}
    response: {events: *events, cut: {after: 1, fault: malformed}}
"""


@pytest.fixture
def server(write_stub: WriteStubs, serve: object) -> RunningServer:
    write_stub("chat.yaml", STUBS)
    return serve()  # type: ignore[operator,no-any-return]


def _read(
    url: str, headers: dict[str, str] | None = None, timeout: float = 5
) -> tuple[httpx.Response, list[ServerSentEvent]]:
    got: list[ServerSentEvent] = []
    with (
        httpx.Client(timeout=timeout) as client,
        connect_sse(client, "GET", url, headers=dict(headers or {})) as source,
    ):
        for sse in source.iter_sse():
            got.append(sse)
        return source.response, got


@pytest.mark.timeout(30)
def test_the_client_reads_the_events_in_order_with_ids(server: RunningServer) -> None:
    response, events = _read(server.url + "/v1/stream")
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["cache-control"] == "no-cache"
    assert "content-length" not in response.headers
    # the comment arrives as a block of its own; httpx-sse yields it as an empty event
    assert [(e.event, e.data) for e in events][2] == ("message", "")
    assert [(e.event, e.data, e.id) for e in events if e.data] == [
        ("start", '{"id":"chatcmpl-1"}', "1"),
        ("message", '{"delta":"Hel"}', "2"),
        ("message", '{"delta":"lo"}', "3"),
        ("message", "[DONE]", "4"),
    ]
    assert events[0].retry == 1500


@pytest.mark.timeout(30)
def test_last_event_id_resumes_after_that_event(server: RunningServer) -> None:
    _, events = _read(server.url + "/v1/stream", headers={"Last-Event-ID": "2"})
    assert [e.id for e in events] == ["3", "4"]


@pytest.mark.timeout(30)
def test_head_sends_the_stream_headers_only(server: RunningServer) -> None:
    response = httpx.head(server.url + "/v1/stream", timeout=5)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"] == "text/event-stream"


def _events_then_error(url: str, timeout: float = 5) -> tuple[list[str], BaseException]:
    ids: list[str] = []
    with httpx.Client(timeout=timeout) as client, connect_sse(client, "GET", url) as source:
        try:
            for sse in source.iter_sse():
                ids.append(sse.id)
        except httpx.HTTPError as exc:
            return ids, exc
    raise AssertionError(f"the stream ended normally after events {ids}")


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("path", "error"),
    [
        # FIN before the chunked body's end: "incomplete chunked read"
        ("/cut/close", httpx.RemoteProtocolError),
        # TCP RST: "connection reset by peer"
        ("/cut/reset", httpx.ReadError),
        # the connection stays silent: the client's read timeout fires
        ("/cut/stall", httpx.ReadTimeout),
    ],
)
def test_a_cut_surfaces_as_the_real_failure(
    server: RunningServer, path: str, error: type[Exception]
) -> None:
    ids, exc = _events_then_error(server.url + path, timeout=1)
    assert ids == ["1", "2"]
    assert type(exc) is error


@pytest.mark.timeout(30)
def test_a_client_resuming_past_the_cut_gets_the_rest(server: RunningServer) -> None:
    _, events = _read(server.url + "/cut/close", headers={"Last-Event-ID": "2"})
    assert [e.id for e in events] == ["3", "4"]


@pytest.mark.timeout(30)
def test_a_malformed_event_fails_to_parse_in_the_client(server: RunningServer) -> None:
    got: list[ServerSentEvent] = []
    with (
        httpx.Client(timeout=5) as client,
        connect_sse(client, "GET", server.url + "/cut/malformed") as source,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        for sse in source.iter_sse():
            got.append(sse)
    assert len(got) == 2
    assert json.loads(got[0].data) == {"id": "chatcmpl-1"}
    with pytest.raises(json.JSONDecodeError):
        json.loads(got[1].data)
    # the server carries on
    assert _read(server.url + "/v1/stream")[1][-1].data == "[DONE]"


PLANNED = """
version: 1
profiles:
  slow: {latency_multiplier: 3}
routes:
  - id: ticks
    request: {path: /ticks}
    response:
      events: [{data: a, id: "1"}, {data: b, id: "2"}, {data: c, id: "3"}]
      event_timing: {first: 100ms, gap: 10ms}
"""


def test_the_pipeline_plans_the_timing_and_a_profile_multiplies_the_gaps(
    tmp_path: Path,
) -> None:
    (tmp_path / "api.yaml").write_text(PLANNED)
    state, errors = ServerState.initial(ServeConfig(stubs=tmp_path, watch=False, seed=1))
    assert state is not None, errors

    def plan(profile: str | None = None, last_id: bytes | None = None) -> StreamPlan:
        headers = [(b"last-event-id", last_id)] if last_id else []
        req = BehaviourRequest("GET", "/ticks", b"", headers)
        req.profile = profile
        planned = asyncio.run(decide(state, req, time.time())).events
        assert planned is not None
        return planned

    assert [d for d, _ in plan().pieces] == pytest.approx([0.1, 0.01, 0.01])
    assert [d for d, _ in plan("slow").pieces] == pytest.approx([0.3, 0.03, 0.03])
    assert [p for _, p in plan(last_id=b"2").pieces] == [b"data: c\nid: 3\n\n"]


CHAT = """
version: 1
routes:
  - id: chat
    request: {method: POST, path: /v1/chat/completions}
    response:
      events: &chunks
        - data: {id: c1, object: chat.completion.chunk, created: 1, model: gpt-x,
                 choices: [{index: 0, delta: {role: assistant, content: Hel}, finish_reason: null}]}
        - data: {id: c1, object: chat.completion.chunk, created: 1, model: gpt-x,
                 choices: [{index: 0, delta: {content: lo}, finish_reason: stop}]}
        - {data: "[DONE]"}
  - id: chat-malformed
    request: {method: POST, path: /malformed/chat/completions}
    response: {events: *chunks, cut: {after: 1, fault: malformed}}
  - id: chat-closed
    request: {method: POST, path: /closed/chat/completions}
    response: {events: *chunks, cut: {after: 1, fault: close}}
"""


@pytest.mark.timeout(60)
def test_the_official_openai_sdk_streams_a_chat_completion(
    write_stub: WriteStubs, serve: Callable[..., RunningServer]
) -> None:
    openai = pytest.importorskip("openai")
    write_stub("chat.yaml", CHAT)
    server = serve()

    def deltas(prefix: str, got: list[str | None]) -> None:
        client = openai.OpenAI(
            base_url=server.url + prefix, api_key="sk-test", max_retries=0, timeout=5
        )
        stream = client.chat.completions.create(
            model="gpt-x", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        got.extend(chunk.choices[0].delta.content for chunk in stream)

    whole: list[str | None] = []
    deltas("/v1", whole)
    assert whole == ["Hel", "lo"]
    torn: list[str | None] = []
    with pytest.raises(json.JSONDecodeError):
        deltas("/malformed", torn)
    assert torn == ["Hel"]
    closed: list[str | None] = []
    with pytest.raises(openai.APIConnectionError):
        deltas("/closed", closed)
    assert closed == ["Hel"]
