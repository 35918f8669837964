"""Rate limits over a real socket: exact under concurrency, headers, scope, keys, 429 body."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

Serve = Callable[..., RunningServer]


async def _burst(url: str, n: int, headers: dict[str, str] | None = None) -> Counter[int]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(timeout=30, limits=limits) as c:
        replies = await asyncio.gather(*(c.get(url, headers=headers) for _ in range(n)))
    return Counter(r.status_code for r in replies)


@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    ("algorithm", "burst", "limit"),
    [("fixed_window", 1000, 100), ("sliding_window", 200, 20), ("token_bucket", 200, 20)],
)
def test_exactly_limit_of_a_concurrent_burst_pass(
    write_stub: WriteStubs, serve: Serve, algorithm: str, burst: int, limit: int
) -> None:
    """Exact under concurrency: the 1,000-request burst once, 200 for the other two."""
    write_stub(
        "api.yaml",
        f"""
        version: 1
        routes:
          - request: {{path: /limited}}
            response: {{json: {{ok: true}}}}
            rate_limit: {{algorithm: {algorithm}, limit: {limit}, per: 1h}}
    """,
    )
    server = serve()
    counts = asyncio.run(_burst(server.url + "/limited", burst))
    assert counts == {200: limit, 429: burst - limit}


def test_headers_on_every_response_and_retry_after_on_429(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {path: /v1/things}
            response: {json: []}
            rate_limit:
              limit: 2
              per: 1h
              headers: both
              status: 429
              body: {error: {type: rate_limit_error, message: slow down}}
    """,
    )
    server = serve()
    first = client.get(server.url + "/v1/things")
    second = client.get(server.url + "/v1/things")
    third = client.get(server.url + "/v1/things")
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 429]
    assert first.headers["x-ratelimit-limit"] == "2"
    assert first.headers["x-ratelimit-remaining"] == "1"
    assert second.headers["x-ratelimit-remaining"] == "0"
    assert 0 < int(first.headers["x-ratelimit-reset"]) <= 3600
    assert first.headers["ratelimit-policy"].endswith(";q=2;w=3600")
    assert ";r=1;t=" in first.headers["ratelimit"]
    assert "retry-after" not in second.headers
    assert third.json() == {"error": {"type": "rate_limit_error", "message": "slow down"}}
    assert 1 <= int(third.headers["retry-after"]) <= 3600
    assert third.headers["x-ratelimit-remaining"] == "0"


def test_key_by_header_gives_each_api_key_its_own_counter(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {path: /k}
            response: {status: 204}
            rate_limit: {limit: 1, per: 1h, key: "header:authorization"}
    """,
    )
    url = serve().url + "/k"
    alice, bob = {"authorization": "Bearer alice"}, {"authorization": "Bearer bob"}
    assert client.get(url, headers=alice).status_code == 204
    assert client.get(url, headers=alice).status_code == 429
    assert client.get(url, headers=bob).status_code == 204


def test_file_scope_shares_one_counter_across_routes(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        defaults:
          rate_limit: {limit: 2, per: 1h, scope: file, key: "query:api_key"}
        routes:
          - {request: {path: /a}, response: {status: 200}}
          - {request: {path: /b}, response: {status: 200}}
    """,
    )
    url = serve().url
    codes = [client.get(url + p, params={"api_key": "k1"}).status_code for p in ["/a", "/b", "/a"]]
    assert codes == [200, 200, 429]
    assert client.get(url + "/b", params={"api_key": "k2"}).status_code == 200


def test_token_bucket_refills(write_stub: WriteStubs, serve: Serve, client: httpx.Client) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {path: /t}
            response: {status: 200}
            rate_limit: {algorithm: token_bucket, limit: 20, per: 1s, burst: 1}
    """,
    )
    url = serve().url + "/t"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429
    import time

    time.sleep(0.12)  # 20 tokens/s: one token after 50 ms
    assert client.get(url).status_code == 200


def test_a_refused_request_keeps_the_files_default_headers(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        defaults:
          headers: {x-provider: payments-mock, x-request-id: "{{ uuid }}"}
        routes:
          - request: {path: /limited}
            response: {json: {ok: true}}
            rate_limit: {limit: 1, per: 1h}
        """,
    )
    url = serve().url + "/limited"
    first, refused = client.get(url), client.get(url)
    assert (first.status_code, refused.status_code) == (200, 429)
    assert refused.headers["x-provider"] == "payments-mock"
    assert len(refused.headers["x-request-id"]) == 36
    assert refused.headers["content-type"] == "application/json"
    assert "retry-after" in refused.headers
