"""``--on-miss proxy``: misses answered by a real upstream on loopback, over real sockets."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from stubforge.serve.journal import RawEntry
from tests.conftest import WriteStubs
from tests.proxy.upstream import ProxyUpstream
from tests.server import RunningServer

Serve = Callable[..., RunningServer]

STUBS = """
version: 1
service: shop
routes:
  - id: stubbed
    request: {method: GET, path: /json}
    response: {status: 200, json: {from: stub}}
profiles:
  outage: {errors: [{response: {status: 503, json: {error: injected}}}]}
  slow: {latency: 300ms}
"""


@pytest.fixture
def upstream() -> Iterator[ProxyUpstream]:
    with ProxyUpstream() as up:
        yield up


def journal(server: RunningServer, n: int) -> list[RawEntry]:
    """The journal once it holds ``n`` entries (an entry is added after the response)."""
    deadline = time.monotonic() + 5
    while len(server.state.journal) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    return list(server.state.journal)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_stub_wins_and_misses_reach_the_upstream(
    write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy", upstream=upstream.url)
    assert client.get(f"{server.url}/json").json() == {"from": "stub"}
    r = client.post(f"{server.url}/echo?a=1&b=two", content=b"hello", headers={"X-Trace": "t1"})
    assert r.status_code == 200
    echoed = r.json()
    assert echoed["method"] == "POST" and echoed["query"] == "a=1&b=two"
    assert echoed["body"] == "hello"
    assert echoed["headers"]["x-trace"] == "t1"
    assert echoed["headers"]["host"] == upstream.url.removeprefix("http://")
    # the upstream's own 404 comes back as it is, not the mock's unmatched answer
    r = client.get(f"{server.url}/nowhere")
    assert r.status_code == 404 and r.json() == {"error": "not found"}
    assert "x-stubforge-unmatched" not in r.headers


def test_404_policy_is_the_default(
    write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(upstream=upstream.url)
    r = client.get(f"{server.url}/echo")
    assert r.status_code == 404 and r.headers["x-stubforge-unmatched"] == "1"


def test_each_service_goes_to_its_own_upstream(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    with ProxyUpstream() as a, ProxyUpstream() as b:
        write_stub(
            "a.yaml",
            f"""
            version: 1
            service: a
            upstream: {a.url}
            routes:
              - {{id: a-ping, request: {{method: GET, path: /a/ping}}, response: {{status: 204}}}}
            """,
        )
        write_stub(
            "b.yaml",
            f"""
            version: 1
            service: b
            upstream: {b.url}/
            routes:
              - {{id: b-ping, request: {{method: GET, path: /b/ping}}, response: {{status: 204}}}}
            """,
        )
        server = serve(on_miss="proxy")
        ra = client.get(f"{server.url}/a/headers")
        rb = client.get(f"{server.url}/b/headers")
    assert ra.status_code == rb.status_code == 404  # both upstreams answered their 404
    entries = journal(server, 2)
    assert [e.passthrough for e in entries] == [a.url, b.url]


def test_hop_by_hop_headers_stay_on_their_hop(
    write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy", upstream=upstream.url)
    r = client.get(
        f"{server.url}/headers",
        headers={
            "Connection": "keep-alive, X-Drop-Me",
            "X-Drop-Me": "1",
            "Proxy-Authorization": "Basic c2VjcmV0",
            "TE": "trailers",
            "X-Stubforge-Session": "s1",
            "X-Kept": "yes",
        },
    )
    seen = r.json()
    assert seen["x-kept"] == "yes"
    for name in ("x-drop-me", "proxy-authorization", "te", "x-stubforge-session"):
        assert name not in seen, name
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"
    r = client.get(f"{server.url}/hop")
    assert r.json() == {"hop": True}
    assert r.headers["x-end-to-end"] == "kept"
    assert "x-hop" not in r.headers and "keep-alive" not in r.headers
    assert len(r.headers.get_list("date")) == 1


def test_unreachable_upstream_is_a_502_problem(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy", upstream=f"http://127.0.0.1:{_free_port()}")
    r = client.get(f"{server.url}/anything")
    assert r.status_code == 502
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 502 and problem["reason"] == "connection_refused"
    assert "cannot connect" in problem["detail"]
    assert client.get(f"{server.url}/json").json() == {"from": "stub"}


def test_no_upstream_at_all_is_a_502_that_says_so(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy")
    r = client.get(f"{server.url}/anything")
    assert r.status_code == 502 and r.json()["reason"] == "no_upstream"
    assert "--upstream" in r.json()["detail"]


def test_stalled_upstream_is_a_504_and_the_server_keeps_serving(
    write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy", upstream=upstream.url, upstream_timeout=0.5)
    r = client.get(f"{server.url}/stall")
    assert r.status_code == 504 and r.json()["reason"] == "timeout"
    assert client.get(f"{server.url}/json").json() == {"from": "stub"}
    assert client.get(f"{server.url}/echo").status_code == 200


@pytest.mark.parametrize("path", ["/reset", "/empty"])
def test_upstream_that_drops_the_connection_is_a_502(
    path: str, write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy", upstream=upstream.url)
    r = client.get(f"{server.url}{path}")
    assert r.status_code == 502
    assert r.json()["reason"] in ("connection_reset", "empty_reply", "other")
    assert client.get(f"{server.url}/echo").status_code == 200


def test_streamed_and_compressed_answers_pass_as_they_came(
    write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy", upstream=upstream.url)
    r = client.get(f"{server.url}/stream?n=3")
    assert r.text == "chunk 0\nchunk 1\nchunk 2\n"
    r = client.get(f"{server.url}/gzip")
    assert r.headers["content-encoding"] == "gzip" and r.json()["compressed"] is True
    assert client.head(f"{server.url}/json?x=1").status_code == 200  # HEAD of a stub
    r = client.head(f"{server.url}/large?mb=1")
    assert r.status_code == 200 and r.content == b""


def test_profiles_fail_and_slow_proxied_answers(
    write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy", upstream=upstream.url)
    r = client.get(f"{server.url}/echo", headers={"X-Stubforge-Profile": "outage"})
    assert r.status_code == 503 and r.json() == {"error": "injected"}
    r = client.get(f"{server.url}/echo", headers={"X-Stubforge-Profile": "slow"})
    assert r.status_code == 200
    outage, slow = journal(server, 2)
    assert outage.rule == "outage:errors[0]" and outage.passthrough == upstream.url
    assert slow.delay == pytest.approx(0.3)


def test_journal_verify_and_metrics_see_passthrough(
    write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(on_miss="proxy", upstream=upstream.url)
    client.get(f"{server.url}/json")
    client.get(f"{server.url}/echo")
    journal(server, 2)
    entries = client.get(f"{server.url}/__admin/requests", params={"passthrough": True}).json()
    assert [e["request"]["path"] for e in entries["requests"]] == ["/echo"]
    assert entries["requests"][0]["passthrough"] == upstream.url
    verdict = client.post(
        f"{server.url}/__admin/requests/verify",
        json={"request": {"passthrough": True}, "count": 0},
    ).json()
    assert not verdict["ok"] and "passed through" in verdict["report"]
    metrics = client.get(f"{server.url}/__admin/metrics").text
    assert "stubforge_passthrough_requests_total 1" in metrics
    assert (
        f'stubforge_passthrough_responses_total{{status="200",upstream="{upstream.url}"}} 1'
        in (metrics)
        or f'upstream="{upstream.url}",status="200"' in metrics
    )


def test_admin_switches_the_policy_and_never_proxies(
    write_stub: WriteStubs, serve: Serve, upstream: ProxyUpstream, client: httpx.Client
) -> None:
    write_stub("shop.yaml", STUBS)
    server = serve(upstream=upstream.url)
    assert client.get(f"{server.url}/__admin/on-miss").json()["on_miss"] == "404"
    assert client.get(f"{server.url}/echo").status_code == 404
    r = client.put(f"{server.url}/__admin/on-miss", json={"on_miss": "proxy"})
    assert r.status_code == 200 and r.json()["on_miss"] == "proxy"
    assert client.get(f"{server.url}/echo").status_code == 200
    # an unknown admin path is the admin API's 404, never forwarded
    r = client.get(f"{server.url}/__admin/echo")
    assert r.status_code == 404 and "method" not in r.json()
    r = client.put(f"{server.url}/__admin/on-miss", json={"on_miss": "mirror"})
    assert r.status_code == 422
    assert client.put(f"{server.url}/__admin/on-miss", json={"on_miss": "404"}).status_code == 200
    assert client.get(f"{server.url}/echo").status_code == 404
