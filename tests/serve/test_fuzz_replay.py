"""A bounded fuzz pass of the replay path's parsing: generated methods, paths, query
strings, headers, cookies and bodies (JSON, nested, broken, binary) go through the same
request view, router, near-miss report and pipeline the server uses -- nothing raises --
and a sample of them through a real server, which never answers 5xx."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stubforge.load.loader import load_directory
from stubforge.serve.config import ServeConfig
from stubforge.serve.pipeline import decide
from stubforge.serve.session import BehaviourRequest, ConflictingSelectors, read_selectors
from stubforge.serve.state import ServerState
from stubforge.serve.stubset import build_stubset
from tests.conftest import WriteStubs
from tests.server import RunningServer

ROOT = Path(__file__).resolve().parents[2]
STUBS = ROOT / "stubs"  # the sample stubs: templates, variants, scenarios, rate limits

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)
_segment = st.text(
    st.characters(codec="utf-8", exclude_characters="/"), min_size=0, max_size=12
) | st.sampled_from(["v1", "customers", "cus_42", "charges", "{id}", "%7B", "9" * 5000, ".."])
_path = st.lists(_segment, min_size=0, max_size=6).map(lambda parts: "/" + "/".join(parts))
_bytes_text = st.binary(max_size=64) | st.text(max_size=64).map(
    lambda t: t.encode("utf-8", "surrogatepass")
)
_header_name = st.sampled_from(
    [
        b"authorization",
        b"content-type",
        b"cookie",
        b"x-stubforge-session",
        b"x-stubforge-profile",
        b"x-api-key",
        b"accept",
        b"x-mode",
    ]
) | st.binary(min_size=1, max_size=12)
_body = (
    _json.map(lambda v: __import__("json").dumps(v).encode())
    | st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n)
    | st.binary(max_size=256)
    | st.just(b'{"amount": NaN, "currency": "usd"}')
)
_request = st.builds(
    lambda method, path, query, headers, body: (method, path, query, headers, body),
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "BREW"]),
    _path,
    _bytes_text,
    st.lists(st.tuples(_header_name, _bytes_text), max_size=6),
    _body,
)


@pytest.fixture(scope="module")
def state() -> ServerState:
    loaded = load_directory(STUBS)
    assert loaded.ok, loaded.errors
    return ServerState(ServeConfig(stubs=STUBS, watch=False), build_stubset(loaded))


@pytest.mark.timeout(120)
@settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_request)
def test_the_pipeline_plans_every_generated_request(
    state: ServerState, request: tuple[str, str, bytes, list[tuple[bytes, bytes]], bytes]
) -> None:
    method, path, query, headers, body = request
    req = BehaviourRequest(method, path, query, headers, body, "127.0.0.1")
    try:
        req.session, req.profile = read_selectors(headers)
    except ConflictingSelectors:
        return  # answered 400 by the replay app
    for view in (lambda: req.query, lambda: req.headers, lambda: req.cookies, lambda: req.text):
        view()
    _ = req.json
    plan = asyncio.run(decide(state, req, time.time()))
    assert plan.response is not None or plan.fault is not None
    if plan.response is not None:
        assert 100 <= plan.response.status <= 599


@pytest.mark.timeout(120)
def test_a_real_server_never_answers_5xx_to_generated_requests(
    write_stub: WriteStubs, serve: Callable[..., RunningServer]
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {method: GET, path: "/items/{id:int}", query: {q: {regex: "^(a+)+$"}}}
            response: {json: {id: "{{ path.id }}", q: "{{ query.q }}"}}
          - request: {method: POST, path: /rpc, body: {jsonpath: {"$.method": {equals: ping}}}}
            response: {json: {echo: "{{ json.params }}"}}
          - request: {method: ANY, path: "/files/{rest:path}"}
            response: {body: "{{ path.rest }} {{ headers['x-mode'] | default('') }}"}
          - request: {method: POST, path: /form, body: {json_partial: {a: 1}}}
            response: {status: 201}
        """,
    )
    server = serve()
    seen = 0

    client = httpx.Client(timeout=10)

    @settings(max_examples=80, deadline=None, derandomize=True)
    @given(_request)
    def send(request: tuple[str, str, bytes, list[tuple[bytes, bytes]], bytes]) -> None:
        nonlocal seen
        method, path, _query, headers, body = request
        safe_headers = [
            (n, v)
            for n, v in headers
            if n.isascii()
            and n.replace(b"-", b"").isalnum()
            and b"\r" not in v
            and b"\n" not in v
            and n not in (b"content-length", b"transfer-encoding", b"host")
        ]
        for target in (path, "/items/" + path.strip("/")[:40], "/rpc", "/files" + path, "/form"):
            try:
                url = server.url + httpx.URL(target).raw_path.decode("ascii")
                r = client.request(method, url, headers=safe_headers, content=body)
            except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError):
                continue  # the client would not send it
            seen += 1
            assert r.status_code < 500, (method, target, r.status_code, r.text[:300])

    try:
        send()
    finally:
        client.close()
    assert seen > 200
