"""Ephemeral stubs across replicas on one real redis-server: added on one replica, served
by the other within 100 ms; a replica started later gets the current set; removal and
reset reach every replica."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer
from tests.store.conftest import RedisServer

Serve = Callable[..., RunningServer]
pytestmark = pytest.mark.timeout(90)

BASE = (
    "version: 1\nroutes:\n  - id: base\n    request: {path: /base}\n    response: {status: 200}\n"
)
STUB = {
    "id": "flaky-ping",
    "request": {"method": "GET", "path": "/ping"},
    "response": {"status": 200, "json": {"pong": True}},
    "latency": "1ms",
}


def until(check: Callable[[], bool], timeout: float = 5.0) -> float:
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < timeout, f"not true after {timeout}s"
        time.sleep(0.005)
    return time.monotonic() - start


def test_an_ephemeral_stub_reaches_every_replica(
    write_stub: WriteStubs,
    serve: Serve,
    redis_server: RedisServer,
    namespace: str,
    client: httpx.Client,
) -> None:
    write_stub("base.yaml", BASE)
    a = serve(store=redis_server.url, store_namespace=namespace)
    b = serve(store=redis_server.url, store_namespace=namespace)
    time.sleep(0.3)  # both subscribed
    assert client.get(b.url + "/ping").status_code == 404
    added = client.post(a.url + "/__admin/stubs", json=STUB)
    assert added.status_code == 201, added.text
    took = until(lambda: client.get(b.url + "/ping").status_code == 200)
    assert took < 1.0  # announced, not polled (the poll is 1 s); typically milliseconds
    assert client.get(b.url + "/ping").json() == {"pong": True}
    listed = client.get(b.url + "/__admin/stubs").json()["stubs"]
    assert "flaky-ping" in [s["id"] for s in listed]

    c = serve(store=redis_server.url, store_namespace=namespace)  # joins later
    until(lambda: client.get(c.url + "/ping").status_code == 200)

    assert client.delete(b.url + "/__admin/stubs/flaky-ping").status_code in (200, 204)
    until(lambda: client.get(a.url + "/ping").status_code == 404)
    until(lambda: client.get(c.url + "/ping").status_code == 404)

    client.post(c.url + "/__admin/stubs", json=STUB, params={"session": "s1"})
    until(
        lambda: (
            client.get(a.url + "/ping", headers={"x-stubforge-session": "s1"}).status_code == 200
        )
    )
    assert client.get(a.url + "/ping").status_code == 404  # scoped to its session
    assert client.post(a.url + "/__admin/reset").status_code == 200
    until(
        lambda: (
            client.get(b.url + "/ping", headers={"x-stubforge-session": "s1"}).status_code == 404
        )
    )
